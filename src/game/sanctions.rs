//! Sanctions (docs/model.md §7.12; pattern P4): senders raise trade costs
//! with a target from the timeline, and every third state chooses each year,
//! by its doctrine, among
//!
//! * **comply** — apply the same cost increase to its own trade with the target;
//! * **ignore** them;
//! * **circumvent** — let the senders' goods be re-exported to the target
//!   through its territory: a rent on the price gap the sanctions open
//!   (`reexport_share` of the trade they destroy, at the wedge), against a
//!   yearly chance of `detection` that brings secondary sanctions
//!   (Chupilkin, Javorcik & Plekhanov 2023, "The Eurasian roundabout", EBRD
//!   WP 276, on the rerouting of sanctioned goods through the Caucasus and
//!   Central Asia after 2022);
//! * **counter** — once a counter-response is on the table, join it (raise
//!   costs with the senders), at the risk of secondary sanctions; the
//!   target's union leader may reward joiners through its transit leverage.
//!
//! The target's union votes (consensus) on a joint counter-response in its
//! year: a vote on widening the union's scope from economic to political,
//! valued with the sovereignty cost of that scope ([`crate::sovereignty`]).
//! Members of the target's union suffer a contagion shock in the sanctions'
//! first year in proportion to their exposure to the target (the 2014 tenge
//! devaluation; a number set from the fact it is scored against, so the
//! scenario tags that fact a calibration target).

use super::forecast::{Forecast, decide};
use crate::doctrine::Expected;
use crate::event::{Event, EventKind};
use crate::policy::{Policy, SanctionStance};
use crate::sovereignty;
use crate::state::{RunState, SimError};
use rand::RngExt;

/// Step 1: sanctions that begin this year are imposed; contagion strikes.
pub fn impose(rs: &mut RunState<'_>) {
    let world = rs.world;
    for s in &world.sanctions {
        if s.from != rs.year {
            continue;
        }
        for &sender in &s.senders {
            rs.event(
                Event::new(EventKind::Sanction, sender)
                    .target(s.target)
                    .detail(s.name.clone()),
            );
        }
        let Some(union) = rs.policy.union_of(world, s.target) else {
            continue;
        };
        let Some(model) = &world.trade else { continue };
        let members: Vec<usize> = (0..world.n_states())
            .filter(|&m| m != s.target && rs.policy.active(world, m, union))
            .collect();
        for m in members {
            let b = &model.baseline;
            let exposure = (b.flow(m, s.target) + b.flow(s.target, m)) / world.states[m].gdp_musd;
            let loss = s.contagion_percent * exposure;
            if loss > 0.0 {
                rs.record.contagion_loss[m] += loss;
                rs.record.shock[m] -= loss;
                rs.event(
                    Event::new(EventKind::Contagion, m)
                        .target(s.target)
                        .institution(union)
                        .detail(format!("{loss:.3}% of spending")),
                );
            }
        }
    }
}

/// Is a counter-response open to state `m` under sanctions `j` this year?
fn counter_open(rs: &RunState<'_>, j: usize, m: usize) -> bool {
    let s = &rs.world.sanctions[j];
    s.counter_response_year.is_some_and(|y| rs.year >= y)
        && !s.senders.contains(&m)
        && m != s.target
}

/// The yearly rent of re-exporting to the target of sanctions `j` through
/// state `m`, percent of m's spending: `reexport_share` of the senders'
/// exports to the target that the wedge destroys (1 − (1+c)^−ε of them),
/// sold at the wedge c.
pub fn rent(rs: &RunState<'_>, j: usize, m: usize) -> f64 {
    let world = rs.world;
    let s = &world.sanctions[j];
    let Some(model) = &world.trade else {
        return 0.0;
    };
    let b = &model.baseline;
    let c = s.cost_increase;
    let destroyed = 1.0 - (1.0 + c).powf(-b.epsilon);
    let flow: f64 = s
        .senders
        .iter()
        .map(|&sender| b.flow(sender, s.target))
        .sum();
    100.0 * s.reexport_share * flow * destroyed * c / world.states[m].gdp_musd
}

/// The stances open to `m` under regime `j` this year.
fn stances(rs: &RunState<'_>, j: usize, m: usize) -> Vec<SanctionStance> {
    let mut out = vec![
        SanctionStance::Ignore,
        SanctionStance::Comply,
        SanctionStance::Circumvent,
    ];
    if counter_open(rs, j, m) {
        out.push(SanctionStance::Counter);
    }
    out
}

/// Step 3: the target's union leader offers its reward or not, the union
/// votes on a joint counter-response in its year, and third states choose
/// their stances for each regime in force.
pub fn play_round(rs: &mut RunState<'_>, order: &[usize]) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.sanctions.len();
    for (j, s) in world.sanctions.iter().enumerate() {
        if !s.active(rs.year) {
            continue;
        }
        reward(rs, j)?;
        if s.counter_response_year == Some(rs.year) {
            propose_counter(rs, j)?;
        }
        let base = rs.policy.clone();
        let mut moves = Vec::new();
        let union = base.union_of(world, s.target);
        for &m in order
            .iter()
            .filter(|&&m| m != s.target && !s.senders.contains(&m) && world.states[m].acts)
        {
            // A member bound by its union's joint counter-response keeps
            // countering while it stays in the union.
            if rs.record.committed[m * k + j] && union.is_some_and(|u| base.active(world, m, u)) {
                continue;
            }
            let options = stances(rs, j, m);
            let mut forecasts = Vec::with_capacity(options.len());
            for &stance in &options {
                forecasts.push(forecast(rs, &base, j, m, stance)?);
            }
            let label = |i: usize| options[i].as_str().into();
            let pick = options[decide(rs, m, "sanctions", &forecasts, &label)];
            moves.push((m, pick));
        }
        for (m, stance) in moves {
            rs.policy.sanction[m * k + j] = stance;
        }
    }
    Ok(())
}

/// What state `m` expects from `stance` toward sanctions `j`: this year's
/// equilibrium for ever; for circumvention, the rent and, with the chance of
/// detection each year, secondary sanctions; for a counter-response,
/// secondary sanctions with the regime's risk (coercion losses).
fn forecast(
    rs: &mut RunState<'_>,
    base: &Policy,
    j: usize,
    m: usize,
    stance: SanctionStance,
) -> Result<Forecast, SimError> {
    let k = rs.world.sanctions.len();
    let mut p = base.clone();
    p.sanction[m * k + j] = stance;
    p.secondary[m * k + j] = false;
    let mut gains = rs.gains(&p)?;
    let s = &rs.world.sanctions[j];
    let risk = match stance {
        SanctionStance::Circumvent => {
            gains[m] += rent(rs, j, m);
            s.detection
        }
        SanctionStance::Counter => s.secondary_risk,
        _ => 0.0,
    };
    let mut f = Forecast::stationary(gains);
    if risk > 0.0 {
        p.secondary[m * k + j] = true;
        // Hit this year, a detected circumventer also earns no rent.
        let hit = rs.gains(&p)?;
        f.coercion.push(Expected {
            source: s.senders[0],
            probability: risk,
            per_year: f.now[m] - hit[m],
            from: 0,
        });
    }
    Ok(f)
}

/// The value of `f` to `m` by material interest alone (gains now, less the
/// expected yearly losses): how others forecast m's answer.
fn material(f: &Forecast, m: usize) -> f64 {
    f.now[m]
        - f.coercion
            .iter()
            .map(|e| e.probability * e.per_year)
            .sum::<f64>()
}

/// The target's union leader decides whether to reward members that join a
/// counter-response, forecasting each member's materially best stance with
/// and without the reward.
fn reward(rs: &mut RunState<'_>, j: usize) -> Result<(), SimError> {
    let world = rs.world;
    let s = &world.sanctions[j];
    if s.leader_reward <= 0.0 || s.counter_response_year.is_none_or(|y| rs.year < y) {
        return Ok(());
    }
    let Some(union) = rs.policy.union_of(world, s.target) else {
        return Ok(());
    };
    let Some(leader) = world.institutions[union]
        .leader
        .filter(|&l| world.states[l].acts)
    else {
        return Ok(());
    };
    let k = world.sanctions.len();
    let members: Vec<usize> = (0..world.n_states())
        .filter(|&m| m != leader && m != s.target && world.states[m].acts)
        .filter(|&m| rs.policy.active(world, m, union))
        .collect();
    let mut worlds = Vec::with_capacity(2);
    for offered in [true, false] {
        let mut base = rs.policy.clone();
        base.reward[j] = offered;
        let mut expected = base.clone();
        for &m in &members {
            let options = stances(rs, j, m);
            let mut best = (SanctionStance::Ignore, f64::NEG_INFINITY);
            for &stance in &options {
                let v = material(&forecast(rs, &base, j, m, stance)?, m);
                if v > best.1 + 1e-12 {
                    best = (stance, v);
                }
            }
            expected.sanction[m * k + j] = best.0;
        }
        worlds.push(Forecast::stationary(rs.gains(&expected)?));
    }
    let label = |i: usize| ["reward", "no_reward"][i].into();
    let offered = decide(rs, leader, "counter-response reward", &worlds, &label) == 0;
    if offered != rs.policy.reward[j] {
        rs.policy.reward[j] = offered;
        let detail = format!(
            "{}: {}",
            s.name,
            if offered { "offered" } else { "withdrawn" }
        );
        rs.event(
            Event::new(EventKind::Reward, leader)
                .institution(union)
                .detail(detail),
        );
    }
    Ok(())
}

/// The target's customs union votes (consensus) on a joint counter-response:
/// a vote to widen its scope to politics. Each member votes for it if
/// countering — with the yearly sovereignty cost of a political union on top
/// — is its logit choice among its stances. An adopted response binds the
/// members (see `play_round`).
fn propose_counter(rs: &mut RunState<'_>, j: usize) -> Result<(), SimError> {
    let world = rs.world;
    let s = &world.sanctions[j];
    let Some(union) = rs.policy.union_of(world, s.target) else {
        return Ok(());
    };
    let k = world.sanctions.len();
    let base = rs.policy.clone();
    let members: Vec<usize> = (0..world.n_states())
        .filter(|&m| m != s.target && world.states[m].acts && base.active(world, m, union))
        .collect();
    let everyone: Vec<usize> = (0..world.n_states())
        .filter(|&m| base.active(world, m, union))
        .collect();
    let charter = base.charter[union];
    let political = crate::world::Charter {
        political: true,
        ..charter
    };
    let mut all = true;
    for &m in &members {
        let options: Vec<SanctionStance> = std::iter::once(SanctionStance::Counter)
            .chain(
                stances(rs, j, m)
                    .into_iter()
                    .filter(|&x| x != SanctionStance::Counter),
            )
            .collect();
        let widen = sovereignty::cost(world, &rs.affinity, m, &political, &everyone)
            - sovereignty::cost(world, &rs.affinity, m, &charter, &everyone);
        let mut forecasts = Vec::with_capacity(options.len());
        for &stance in &options {
            let mut f = forecast(rs, &base, j, m, stance)?;
            if stance == SanctionStance::Counter {
                f.now[m] -= widen;
                f.cont[m] -= widen;
            }
            forecasts.push(f);
        }
        let label = |i: usize| options[i].as_str().into();
        let yes = decide(rs, m, "counter-response vote", &forecasts, &label) == 0;
        let vote = if yes { "yes" } else { "no" };
        rs.event(
            Event::new(EventKind::Vote, m)
                .institution(union)
                .target(s.target)
                .detail(format!("counter-response to {}: {vote}", s.name)),
        );
        all &= yes;
    }
    let adopted = all && !members.is_empty();
    let leader = world.institutions[union].leader.unwrap_or(s.target);
    let detail = format!(
        "counter-response to {}: {}",
        s.name,
        if adopted { "adopted" } else { "rejected" }
    );
    rs.event(
        Event::new(EventKind::Proposal, leader)
            .institution(union)
            .detail(detail),
    );
    if adopted {
        for m in members {
            rs.policy.sanction[m * k + j] = SanctionStance::Counter;
            rs.record.committed[m * k + j] = true;
        }
    }
    Ok(())
}

/// Step 4: detection of re-exports and secondary sanctions on counter-
/// responders, each with the regime's chance; circumventers earn their rent;
/// everyone's stance is logged and read as a signal by the parties.
pub fn enforce(rs: &mut RunState<'_>) {
    let world = rs.world;
    let k = world.sanctions.len();
    for (j, s) in world.sanctions.iter().enumerate() {
        if !s.active(rs.year) {
            for m in 0..world.n_states() {
                rs.policy.secondary[m * k + j] = false;
            }
            continue;
        }
        for &sender in &s.senders {
            rs.signal(s.target, sender, -1.0);
        }
        for m in (0..world.n_states()).filter(|&m| m != s.target && !s.senders.contains(&m)) {
            let stance = rs.policy.sanction[m * k + j];
            rs.record.sanction_rounds[m] += 1;
            let event = |kind| Event::new(kind, m).target(s.target).detail(s.name.clone());
            match stance {
                SanctionStance::Comply => {
                    rs.record.complied_rounds[m] += 1;
                    rs.signal(s.target, m, -1.0);
                    rs.event(event(EventKind::SanctionsCompliance));
                }
                SanctionStance::Counter => {
                    rs.record.counter_rounds[m] += 1;
                    for &sender in &s.senders {
                        rs.signal(sender, m, -1.0);
                    }
                    rs.event(event(EventKind::CounterResponse));
                }
                SanctionStance::Circumvent => {
                    rs.record.circumvent_rounds[m] += 1;
                    rs.event(event(EventKind::Circumvention));
                }
                SanctionStance::Ignore => {}
            }
            let risk = match stance {
                SanctionStance::Counter => s.secondary_risk,
                SanctionStance::Circumvent => s.detection,
                _ => 0.0,
            };
            let hit = risk > 0.0 && rs.rng.random::<f64>() < risk;
            rs.policy.secondary[m * k + j] = hit;
            if stance == SanctionStance::Circumvent {
                if hit {
                    rs.event(event(EventKind::Detection));
                    for &sender in &s.senders {
                        rs.signal(sender, m, -1.0);
                    }
                } else {
                    rs.record.shock[m] += rent(rs, j, m);
                }
            }
            if hit {
                let sender = s.senders[0];
                rs.event(
                    Event::new(EventKind::Sanction, sender)
                        .target(m)
                        .detail(format!("{}: secondary", s.name)),
                );
            }
        }
    }
}
