//! Alignment (docs/model.md §7.13): each state aligns with one of the scenario's blocs
//! or hedges, following Axelrod & Bennett's landscape theory of aggregation
//! (1993, "A landscape theory of aggregation", *British Journal of Political
//! Science* 23:211). A state of size s_i is frustrated by being apart from
//! those it is drawn to and close to those it is repelled by:
//! `F_i = Σ_j s_j p_ij d_ij`, with distance d = 0 in the same bloc, 1 in
//! different blocs and ½ when either hedges; the system's energy is
//! `E = Σ_{i<j} s_i s_j p_ij d_ij`. With symmetric propensities a move that
//! lowers a state's frustration lowers the energy by s_i times as much, so
//! best-response dynamics settle in a local minimum.
//!
//! The doctrines differ in their propensities p_ij (sizes are capability
//! shares): a neorealist is repelled by threat θ_ij (capability × proximity,
//! Walt 1987) — balancing — but drawn to a neighbouring great power whose
//! capability exceeds `model.bandwagon_ratio` times its own (bandwagoning); a
//! constructivist is drawn to friends and repelled by enemies (p = affinity);
//! a neoliberal is drawn to partners in shared institutions, and threat counts
//! only as far as it is not tempered by them.

use super::forecast::choose;
use crate::doctrine::Doctrine;
use crate::event::{Event, EventKind};
use crate::matrix::Matrix;
use crate::state::RunState;

/// Distance between two alignments (None = hedging).
pub fn apart(a: Option<usize>, b: Option<usize>) -> f64 {
    match (a, b) {
        (Some(x), Some(y)) => {
            if x == y {
                0.0
            } else {
                1.0
            }
        }
        _ => 0.5,
    }
}

/// F_i of state `i` if it took `choice`, everyone else as in `config`.
pub fn frustration(
    i: usize,
    choice: Option<usize>,
    config: &[Option<usize>],
    sizes: &[f64],
    p: &Matrix,
) -> f64 {
    (0..config.len())
        .filter(|&j| j != i)
        .map(|j| sizes[j] * p.get(i, j) * apart(choice, config[j]))
        .sum()
}

/// E of a configuration (propensities read as given; symmetric in theory).
pub fn energy(config: &[Option<usize>], sizes: &[f64], p: &Matrix) -> f64 {
    let n = config.len();
    (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| sizes[i] * sizes[j] * p.get(i, j) * apart(config[i], config[j]))
        .sum()
}

/// The alignments open to a state: every bloc, and hedging.
pub fn options(blocs: usize) -> Vec<Option<usize>> {
    (0..blocs).map(Some).chain(std::iter::once(None)).collect()
}

/// Best-response dynamics: states in turn move to the option that minimises
/// their frustration (staying on ties) until nobody moves. Returns the number
/// of sweeps, or None if `max_sweeps` pass without settling.
pub fn settle(
    config: &mut [Option<usize>],
    sizes: &[f64],
    p: &Matrix,
    choices: &[Option<usize>],
    max_sweeps: usize,
) -> Option<usize> {
    for sweep in 0..max_sweeps {
        let mut moved = false;
        for i in 0..config.len() {
            let current = frustration(i, config[i], config, sizes, p);
            let best = choices
                .iter()
                .map(|&c| (c, frustration(i, c, config, sizes, p)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("at least one option");
            if best.1 < current - 1e-12 {
                config[i] = best.0;
                moved = true;
            }
        }
        if !moved {
            return Some(sweep);
        }
    }
    None
}

/// Each state's propensities toward the others under its doctrine.
pub fn propensities(rs: &RunState<'_>) -> Matrix {
    let world = rs.world;
    let n = world.n_states();
    let mut p = Matrix::new(n, n, 0.0);
    for i in 0..n {
        let own: Vec<usize> = (0..world.institutions.len())
            .filter(|&k| rs.policy.active(world, i, k))
            .collect();
        for j in (0..n).filter(|&j| j != i) {
            let threat = world.threat.get(i, j);
            let value = match rs.doctrines[i] {
                Doctrine::Neorealist => {
                    let (me, them) = (world.states[i].military_musd, world.states[j].military_musd);
                    let overwhelming = world.states[j].great_power
                        && world.states[i].neighbours.contains(&j)
                        && them >= world.model.bandwagon_ratio * me;
                    if overwhelming { threat } else { -threat }
                }
                Doctrine::Constructivist => rs.affinity.get(i, j),
                Doctrine::Neoliberal => {
                    let shared = own
                        .iter()
                        .filter(|&&k| rs.policy.active(world, j, k))
                        .count() as f64;
                    let share = shared / own.len().max(1) as f64;
                    share - threat * (1.0 - share)
                }
            };
            p.set(i, j, value);
        }
    }
    p
}

/// Capability shares, the "sizes" of the landscape.
pub fn sizes(rs: &RunState<'_>) -> Vec<f64> {
    let total: f64 = rs.world.states.iter().map(|s| s.military_musd).sum();
    rs.world
        .states
        .iter()
        .map(|s| {
            if total > 0.0 {
                s.military_musd / total
            } else {
                0.0
            }
        })
        .collect()
}

/// Security: the capability share a state can count on — its own plus its
/// bloc partners' (hedging: its own).
pub fn security(rs: &RunState<'_>, i: usize) -> f64 {
    let sizes = sizes(rs);
    let mine = rs.alignment[i];
    sizes[i]
        + (0..sizes.len())
            .filter(|&j| j != i && mine.is_some() && rs.alignment[j] == mine)
            .map(|j| sizes[j])
            .sum::<f64>()
}

/// Step 3: states choose their alignments one after another in the round's
/// random order, each seeing the choices made before it (the landscape's
/// sequential dynamics; simultaneous moves on last year's configuration would
/// let whole coalitions swap back and forth), by logit on −frustration.
pub fn play_round(rs: &mut RunState<'_>, order: &[usize]) {
    let world = rs.world;
    let p = propensities(rs);
    let sizes = sizes(rs);
    let choices = options(world.blocs.len());
    let config = rs.alignment.clone();
    let mut next = config.clone();
    for &i in order {
        let utilities: Vec<f64> = choices
            .iter()
            .map(|&c| -frustration(i, c, &next, &sizes, &p))
            .collect();
        next[i] = choices[choose(rs, i, &utilities)];
    }
    for (i, (&before, &after)) in config.iter().zip(&next).enumerate() {
        if before != after {
            rs.record.alignment_switches[i] += 1;
            let detail = after.map_or("hedge".to_string(), |b| world.blocs[b].code.clone());
            rs.event(Event::new(EventKind::Alignment, i).detail(detail));
        }
    }
    rs.alignment = next;
}
