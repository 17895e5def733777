//! Sanctions (docs/model.md §7.12; pattern P4): senders raise trade costs with a target from
//! the timeline; every third state chooses each year, by its doctrine, to
//! comply (apply the same cost increase to its own trade with the target),
//! ignore them, or — once the target's union has put a counter-response on the
//! table — join a counter-response (raise costs with the senders), at the risk
//! of secondary sanctions. Members of the target's customs union suffer a
//! contagion shock in the sanctions' first year in proportion to their exposure
//! to the target (De Jesus & Duarte n.d.: the 2014 tenge devaluation).

use super::forecast::{Forecast, decide};
use crate::doctrine::Expected;
use crate::event::{Event, EventKind};
use crate::policy::SanctionStance;
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

/// Step 3: third states choose comply, ignore or counter for each regime in force.
pub fn play_round(rs: &mut RunState<'_>, order: &[usize]) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.sanctions.len();
    for (j, s) in world.sanctions.iter().enumerate() {
        if !s.active(rs.year) {
            continue;
        }
        // The target's union votes on a joint counter-response in its year.
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
            let mut options = vec![SanctionStance::Ignore, SanctionStance::Comply];
            if counter_open(rs, j, m) {
                options.push(SanctionStance::Counter);
            }
            let mut forecasts = Vec::with_capacity(options.len());
            for &stance in &options {
                forecasts.push(forecast(rs, &base, j, m, stance)?);
            }
            let label = |k: usize| stance_name(options[k]).into();
            let pick = options[decide(rs, m, "sanctions", &forecasts, &label)];
            moves.push((m, pick));
        }
        for (m, stance) in moves {
            rs.policy.sanction[m * k + j] = stance;
        }
    }
    Ok(())
}

fn stance_name(s: SanctionStance) -> &'static str {
    match s {
        SanctionStance::Ignore => "ignore",
        SanctionStance::Comply => "comply",
        SanctionStance::Counter => "counter",
    }
}

/// What state `m` expects from `stance` toward sanctions `j`: this year's
/// equilibrium for ever, and — for a counter-response — secondary sanctions by
/// the senders from next year on, with the regime's risk (a coercion loss).
fn forecast(
    rs: &mut RunState<'_>,
    base: &crate::policy::Policy,
    j: usize,
    m: usize,
    stance: SanctionStance,
) -> Result<Forecast, SimError> {
    let k = rs.world.sanctions.len();
    let mut p = base.clone();
    p.sanction[m * k + j] = stance;
    let mut f = Forecast::stationary(rs.gains(&p)?);
    let s = &rs.world.sanctions[j];
    if stance == SanctionStance::Counter && s.secondary_risk > 0.0 {
        p.secondary[m * k + j] = true;
        let hit = rs.gains(&p)?;
        f.coercion.push(Expected {
            source: s.senders[0],
            probability: s.secondary_risk,
            per_year: f.now[m] - hit[m],
            from: 1,
        });
    }
    Ok(f)
}

/// The target's customs union votes (consensus) on a joint counter-response;
/// each member votes for it if countering is its logit choice among the three
/// stances. An adopted response binds the members (see `play_round`).
fn propose_counter(rs: &mut RunState<'_>, j: usize) -> Result<(), SimError> {
    let world = rs.world;
    let s = &world.sanctions[j];
    let Some(union) = rs.policy.union_of(world, s.target) else {
        return Ok(());
    };
    let k = world.sanctions.len();
    let base = rs.policy.clone();
    let members: Vec<usize> = (0..world.n_states())
        .filter(|&m| m != s.target && base.active(world, m, union))
        .collect();
    let mut all = true;
    for &m in &members {
        let stances = [
            SanctionStance::Counter,
            SanctionStance::Ignore,
            SanctionStance::Comply,
        ];
        let mut forecasts = Vec::with_capacity(3);
        for stance in stances {
            forecasts.push(forecast(rs, &base, j, m, stance)?);
        }
        let label = |k: usize| stance_name(stances[k]).into();
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

/// Step 4: secondary sanctions fall on counter-responders with the regime's
/// risk; everyone's stance is logged and read as a signal by the parties.
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
            match stance {
                SanctionStance::Comply => {
                    rs.record.complied_rounds[m] += 1;
                    rs.signal(s.target, m, -1.0);
                    rs.event(
                        Event::new(EventKind::SanctionsCompliance, m)
                            .target(s.target)
                            .detail(s.name.clone()),
                    );
                }
                SanctionStance::Counter => {
                    rs.record.counter_rounds[m] += 1;
                    for &sender in &s.senders {
                        rs.signal(sender, m, -1.0);
                    }
                    rs.event(
                        Event::new(EventKind::CounterResponse, m)
                            .target(s.target)
                            .detail(s.name.clone()),
                    );
                }
                SanctionStance::Ignore => {}
            }
            let hit =
                stance == SanctionStance::Counter && rs.rng.random::<f64>() < s.secondary_risk;
            rs.policy.secondary[m * k + j] = hit;
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
