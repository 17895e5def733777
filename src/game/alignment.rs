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
//! Every state foresees the same consequences of each option — the distance
//! it puts it from everyone, weighted by capability share within its region
//! ([`regional_sizes`]; Buzan & Wæver 2003, *Regions and Powers*), and the change in
//! its security share ([`crate::security`]) — and the doctrines differ in how
//! they value them ([`crate::doctrine::value_alignment`]): a neorealist is
//! repelled by threat θ_ij (capability × proximity, Walt 1987) — balancing —
//! but drawn to a neighbouring great power whose capability exceeds
//! `model.bandwagon_ratio` times its own (bandwagoning), and values its
//! security share; a constructivist is drawn to friends and repelled by
//! enemies (p = affinity); a neoliberal is drawn to partners in shared
//! institutions, and threat counts only as far as it is not tempered by them.

use crate::doctrine::{self, Family};
use crate::event::{Event, EventKind};
use crate::matrix::Matrix;
use crate::security;
use crate::state::RunState;
use crate::world::World;

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

/// Capability shares, the "sizes" of the landscape.
pub fn sizes(world: &World) -> Vec<f64> {
    let total: f64 = world.states.iter().map(|s| s.military_musd).sum();
    world
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

/// The landscape sizes as state `i` sees them: capability weighted by how far
/// it reaches i, as shares of the capability around i (regional, not global:
/// a distant power outside i's region weighs nothing in its alignment).
pub fn regional_sizes(world: &World, i: usize) -> Vec<f64> {
    let weight = |j: usize| {
        if j == i {
            0.0
        } else {
            world.reach.get(i, j) * world.states[j].military_musd
        }
    };
    let total: f64 = (0..world.n_states()).map(weight).sum();
    (0..world.n_states())
        .map(|j| if total > 0.0 { weight(j) / total } else { 0.0 })
        .collect()
}

/// Facts about state `i`'s relations the doctrines' propensities read, the
/// same whatever its doctrine: the share of its institutions in force each
/// other state shares, and which neighbouring great powers overwhelm it.
fn relations(rs: &RunState<'_>, i: usize) -> (Vec<f64>, Vec<bool>) {
    let world = rs.world;
    let n = world.n_states();
    let own: Vec<usize> = (0..world.institutions.len())
        .filter(|&k| rs.policy.active(world, i, k))
        .collect();
    let shared = (0..n)
        .map(|j| {
            let both = own
                .iter()
                .filter(|&&k| rs.policy.active(world, j, k))
                .count();
            both as f64 / own.len().max(1) as f64
        })
        .collect();
    let me = world.states[i].military_musd;
    let overwhelming = (0..n)
        .map(|j| {
            let them = &world.states[j];
            j != i
                && them.great_power
                && world.states[i].neighbours.contains(&j)
                && them.military_musd >= world.model.bandwagon_ratio * me
        })
        .collect();
    (shared, overwhelming)
}

/// A great power the scenario places in a bloc anchors it: it never leaves,
/// so a bloc stays what the scenario declares (the Western alliance is the
/// one with the United States in it) while smaller states choose.
pub fn anchors(world: &World, i: usize) -> bool {
    world.states[i].great_power && world.alignment[i].is_some()
}

/// Step 3: states choose their alignments one after another in the round's
/// random order, each seeing the choices made before it (the landscape's
/// sequential dynamics; simultaneous moves on last year's configuration would
/// let whole coalitions swap back and forth). Each option is forecast the same
/// way for every doctrine — the distance it puts the state from everyone,
/// weighted by size, and the change in its security share — and valued by the
/// state's doctrine ([`doctrine::value_alignment`]).
pub fn play_round(rs: &mut RunState<'_>, order: &[usize]) {
    let world = rs.world;
    let choices = options(world.blocs.len());
    let config = rs.alignment.clone();
    let mut next = config.clone();
    let n = world.n_states();
    for &i in order
        .iter()
        .filter(|&&i| world.states[i].acts && !anchors(world, i))
    {
        let (shared, overwhelming) = relations(rs, i);
        let sizes = regional_sizes(world, i);
        let before = security::share(world, &rs.policy, &next, i);
        let view = rs.viewpoint(i, Family::Alignment);
        let mut valuations = Vec::with_capacity(choices.len());
        let mut trial = next.clone();
        for &c in &choices {
            trial[i] = c;
            let apart: Vec<f64> = (0..n)
                .map(|j| {
                    if j == i {
                        0.0
                    } else {
                        sizes[j] * apart(c, next[j])
                    }
                })
                .collect();
            let consequences = doctrine::Alignment {
                apart: &apart,
                shared: &shared,
                overwhelming: &overwhelming,
                security: security::share(world, &rs.policy, &trial, i) - before,
            };
            valuations.push(doctrine::value_alignment(&view, &consequences));
        }
        let label =
            |k: usize| choices[k].map_or("hedge".to_string(), |b| world.blocs[b].code.clone());
        let k = rs.decide(i, Family::Alignment, "alignment", &valuations, &label);
        next[i] = choices[k];
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
