//! One run of a world: the yearly schedule of docs/model.md §3, from the first year
//! to the last, producing a [`RunOutcome`].
//!
//! Each round: (1) timeline events — historical joins; (2) institutional moves —
//! votes on common measures, accession talks; (3) policy moves — the tariff game
//! and the matrix games, states moving in a random order drawn each round;
//! (4) enforcement — union coercion, dispute settlement; (5) the economy — the
//! trade equilibrium of the policies in force; (6) learning — affinities, norms
//! (enforcement beliefs are updated where they are observed, in step 4);
//! (7) observation. Every random number comes from the run's own stream
//! (`montecarlo::run_rng`).

use crate::event::{Event, EventKind};
use crate::game::matrix::MatrixRun;
use crate::game::{accession, alignment, dispute, initiative, order, sanctions, tariff, union};
use crate::montecarlo::run_rng;
use crate::observation;
use crate::outcome::{Catalogue, RunOutcome};
use crate::policy::{Policy, Stance};
use crate::state::{RunState, SimError};
use crate::world::{Profile, World};
use rand::RngExt;

/// Options of a run that do not change its results, only what is recorded
/// (and, for tests of the world model, whose choices one state follows).
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub timeseries: bool,
    /// Record every decision with its options' valuations.
    pub trace: bool,
    /// Record every forecast this state's decisions rest on.
    pub observe: Option<usize>,
    /// This state makes these choices, in order, whatever its valuation (it
    /// still draws its uniform, so every stream stays aligned): a recorded
    /// run replayed under another doctrine.
    pub replay: Option<(usize, Vec<usize>)>,
}

/// Simulate run `run` of `world` under `profile`, drawing from stream `run` of `seed`.
pub fn simulate(
    world: &World,
    profile: &Profile,
    catalogue: &Catalogue,
    seed: u64,
    run: u64,
    options: &RunOptions,
) -> Result<RunOutcome, SimError> {
    let mut rs = RunState::new(world, &profile.doctrines, run_rng(seed, run), run);
    if options.trace {
        rs.trace = Some(Vec::new());
    }
    rs.observe = options.observe.map(|s| (s, Vec::new()));
    rs.replay = options
        .replay
        .as_ref()
        .map(|(s, choices)| (*s, choices.iter().rev().copied().collect()));
    let mut games: Vec<MatrixRun> = world
        .games
        .iter()
        .map(|g| MatrixRun::new(g, world.n_states()))
        .collect();
    let mut order: Vec<usize> = (0..world.n_states()).collect();
    let mut timeseries = Vec::new();
    // Institutional mechanics act through tariffs, so they need the trade model.
    let institutions = world.trade.is_some() && !world.institutions.is_empty();
    for year in world.years() {
        rs.year = year;
        timeline_events(&mut rs);
        let trade = world.trade.is_some();
        if trade {
            sanctions::impose(&mut rs);
        }
        draw_move_order(&mut rs, &mut order);
        if institutions {
            order::play_round(&mut rs)?;
            union::legislate(&mut rs)?;
            accession::negotiate(&mut rs)?;
            initiative::play_round(&mut rs, &order)?;
        }
        if trade {
            tariff::play_round(&mut rs, &order)?;
            sanctions::play_round(&mut rs, &order)?;
        }

        if !world.blocs.is_empty() {
            alignment::play_round(&mut rs, &order);
        }
        for (g, game) in world.games.iter().enumerate() {
            if game.active(year) {
                games[g].play_round(g, game, &mut rs, &order);
            }
        }
        if institutions {
            union::coerce(&mut rs)?;
            initiative::coerce(&mut rs)?;
            dispute::enforce(&mut rs)?;
            observe_policies(&mut rs);
            initiative::learn(&mut rs);
        }
        if trade {
            sanctions::enforce(&mut rs);
            observe_economy(&mut rs)?;
        }
        learn(&mut rs);
        if options.timeseries {
            observation::record_year(&mut rs, &games, &mut timeseries);
        }
    }
    let values = catalogue
        .keys
        .iter()
        .map(|k| observation::measure(&rs, &games, k.state, k.measure))
        .collect();
    let solves = rs.solves();
    Ok(RunOutcome {
        run,
        values,
        events: rs.events,
        timeseries,
        solves,
        decisions: rs.trace.unwrap_or_default(),
        forecasts: rs.observe.map(|o| o.1).unwrap_or_default(),
        decision_count: rs.record.decisions,
        near_ties: rs.record.near_ties,
        choices: rs.record.choices,
    })
}

/// Step 1: historical joins take effect; coercion is decided afresh each round.
fn timeline_events(rs: &mut RunState<'_>) {
    let world = rs.world;
    let k = world.institutions.len();
    rs.policy.year = rs.year;
    rs.policy.coerced.iter_mut().for_each(|c| *c = None);
    for (i, inst) in world.institutions.iter().enumerate() {
        for &(s, year) in &inst.joined {
            if year == rs.year && !rs.policy.is_member(s, i) {
                if world.institutions[i].initiative().is_some() {
                    // An exogenous participant takes part fully.
                    rs.policy.set_intensity(s, i, 1.0);
                    rs.policy.offer[s * k + i] = 1.0;
                } else {
                    rs.policy.set_member(s, i, true);
                }
                // An initiative's corridor opens `lag_years` after this.
                rs.policy.since[s * k + i] = year;
                rs.record.joined[s * k + i] = year as f64;
                rs.event(Event::new(EventKind::Join, s).institution(i));
            }
        }
    }
    for s in 0..world.n_states() {
        for i in 0..k {
            if rs.policy.active(world, s, i) {
                // Entering a customs union means adopting its CET.
                let entering = !rs.record.ever_member[s * k + i];
                if entering && world.institutions[i].union().is_some() {
                    rs.policy.stance[s] = Stance::Cet;
                }
                rs.record.ever_member[s * k + i] = true;
            }
        }
    }
}

/// Step 5: the economy of the policies in force (welfare, applied tariffs).
fn observe_economy(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let n = rs.world.n_states();
    if rs.economy.is_some() {
        let gains = rs.status_quo_gains()?;
        rs.record.economy_rounds += 1;
        let tariffs = rs
            .economy
            .as_mut()
            .map(|e| e.mean_tariffs(&rs.policy))
            .unwrap_or_default();
        for s in 0..n {
            // This round's contagion shock counts once, in its year; reform
            // costs of accession commitments every year.
            let welfare = gains[s] + std::mem::take(&mut rs.record.shock[s]) - rs.reform_cost[s];
            rs.record.year_welfare[s] = welfare;
            rs.record.year_tariff[s] = tariffs[s];
            rs.record.welfare_sum[s] += welfare;
            rs.record.tariff_sum[s] += tariffs[s];
        }
    }
    Ok(())
}

/// Steps 6–7 for institutions: compliance tallies, violation events,
/// compliance signals and norms.
fn observe_policies(rs: &mut RunState<'_>) {
    let world = rs.world;
    let n = world.n_states();
    let k = world.institutions.len();
    for s in 0..n {
        if rs.policy.retaliation.data[..]
            .chunks(n)
            .any(|row| row[s] > 0.0)
        {
            rs.record.rounds_retaliated[s] += 1;
        }
    }
    for (i, inst) in world.institutions.iter().enumerate() {
        let members: Vec<usize> = (0..n).filter(|&s| rs.policy.active(world, s, i)).collect();
        let complies = |p: &Policy, s: usize| p.complies(world, i, s);
        // A member that has left keeps counting, as non-compliant: exit is
        // the fullest breach of an institution's rules.
        for &s in &members {
            rs.record.ever_member[s * k + i] = true;
        }
        for s in 0..n {
            let left = !members.contains(&s) && rs.record.ever_member[s * k + i];
            if left && complies(&rs.policy, s).is_some() {
                rs.record.member_rounds[s * k + i] += 1;
            }
        }
        for &s in &members {
            let Some(ok) = complies(&rs.policy, s) else {
                continue;
            };
            rs.record.member_rounds[s * k + i] += 1;
            rs.record.compliant_rounds[s * k + i] += u32::from(ok);
            rs.observe_compliance(i, ok);
            // Fellow members read compliance as cooperation, violation as defection.
            for &other in members.iter().filter(|&&o| o != s) {
                rs.signal(other, s, if ok { 1.0 } else { -1.0 });
            }
            let was = std::mem::replace(&mut rs.record.violating[s * k + i], !ok);
            if !ok && !was && inst.regime().is_some() {
                rs.event(Event::new(EventKind::Violation, s).institution(i));
            }
        }
    }
}

/// Shuffle `order` (Fisher–Yates) with the run's stream.
fn draw_move_order(rs: &mut RunState<'_>, order: &mut [usize]) {
    for i in (1..order.len()).rev() {
        let j = rs.rng.random_range(0..=i);
        order.swap(i, j);
    }
}

/// docs/model.md §7.14: affinity moves toward the round's mean signal, or
/// drifts back to its baseline when nothing was signalled; norms move toward
/// members' compliance with each institution observed this round.
fn learn(rs: &mut RunState<'_>) {
    let n = rs.world.n_states();
    for i in 0..n {
        let learning = rs.world.states[i].learning;
        for j in (0..n).filter(|&j| j != i) {
            let count = rs.signal_count.get(i, j);
            let a = rs.affinity.get(i, j);
            let next = if count > 0.0 {
                let signal = rs.signal_sum.get(i, j) / count;
                (1.0 - learning.affinity) * a + learning.affinity * signal
            } else {
                a + learning.drift * (rs.world.affinity.get(i, j) - a)
            };
            rs.affinity.set(i, j, next.clamp(-1.0, 1.0));
        }
        for (inst, &(complied, moves)) in rs.compliance.iter().enumerate() {
            if moves == 0 {
                continue;
            }
            let peer = f64::from(complied) / f64::from(moves);
            let norm = rs.norms.get(i, inst);
            let member = f64::from(u8::from(rs.policy.active(rs.world, i, inst)));
            let target = member * peer;
            rs.norms
                .set(i, inst, norm + learning.norms * (target - norm));
        }
    }
    rs.signal_sum.data.iter_mut().for_each(|x| *x = 0.0);
    rs.signal_count.data.iter_mut().for_each(|x| *x = 0.0);
    rs.compliance.iter_mut().for_each(|c| *c = (0, 0));
}
