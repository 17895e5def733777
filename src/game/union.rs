//! The customs union as law (docs/model.md §7.7): its leader's proposals, its
//! members' votes and requests for review, and the leader's coercion of
//! members that break union law.
//!
//! Common trade-remedy measures are supranational: adopted by the union's
//! decision rule (weighted votes or consensus; Bakumbayev 2025 on the Customs
//! Union Commission's 57/21.5/21.5 weights) and binding on every member. A
//! member cannot waive one; it can vote, ask for review (a vote on repeal), or
//! break union law in the tariff game — a deviation the leader may coerce
//! through its leverage (Chang, Shen & Yu n.d.: Russia's control of Kazakh oil
//! transit and its troops in the region). The leader chooses too, by its own
//! doctrine, among applying the union's law as it stands, proposing a
//! declared measure once its year has come, and proposing a change of the
//! common external tariff. Members learn the leader's resolve from every
//! coercion decision they see (Beta counts, §7.9).

use super::forecast::{Forecast, decide, forecast_change};
use crate::event::{Event, EventKind};
use crate::policy::{Coercion, Policy, Stance};
use crate::state::{RunState, SimError};
use crate::world::DecisionRule;

/// What a leader may put to its union this year.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Proposal {
    /// Apply the union's law as it stands.
    Keep,
    /// Adopt declared measure `m`.
    Measure(usize),
    /// Change the CET by this much (fraction).
    Cet(f64),
}

/// The policy a proposal leads to if adopted.
fn adopted(rs: &RunState<'_>, u: usize, p: Proposal) -> Policy {
    let mut next = rs.policy.clone();
    match p {
        Proposal::Keep => {}
        Proposal::Measure(m) => next.set_adopted(rs.world, u, m, true),
        Proposal::Cet(step) => next.cet_offset[u] += step,
    }
    next
}

/// Members vote on `next` against the status quo under the union's rule,
/// each valuing both worlds with the same forecast as any policy change (its
/// own violations and the partners' answers included); `sponsor`, who put
/// the question, votes for it. Every vote is logged with `detail`. Returns
/// whether it passes.
fn vote(
    rs: &mut RunState<'_>,
    u: usize,
    next: &Policy,
    sponsor: usize,
    what: &str,
    detail: &str,
) -> Result<bool, SimError> {
    let world = rs.world;
    let rules = world.institutions[u].union().expect("a union");
    let base = rs.policy.clone();
    // Aggregates that do not act (the rest of the world) cast no vote.
    let members: Vec<usize> = (0..world.n_states())
        .filter(|&s| world.states[s].acts && base.active(world, s, u))
        .collect();
    let (mut weight_yes, mut weight_all, mut all_yes) = (0.0, 0.0, true);
    for &s in &members {
        let in_favour = if s == sponsor {
            true
        } else {
            let options = [
                forecast_change(rs, s, &base, next)?,
                forecast_change(rs, s, &base, &base)?,
            ];
            decide(rs, s, what, &options, &|k| ["yes", "no"][k].into()) == 0
        };
        let ballot = if in_favour { "yes" } else { "no" };
        rs.event(
            Event::new(EventKind::Vote, s)
                .institution(u)
                .detail(format!("{detail}: {ballot}")),
        );
        weight_all += rules.votes[s];
        weight_yes += if in_favour { rules.votes[s] } else { 0.0 };
        all_yes &= in_favour;
    }
    Ok(match rs.policy.decision[u] {
        DecisionRule::Weighted => weight_all > 0.0 && weight_yes > 0.5 * weight_all,
        DecisionRule::Consensus => all_yes && !members.is_empty(),
    })
}

/// Step 2 for customs unions: each leader proposes (or not), members vote;
/// then members may ask for review of measures in force.
pub fn legislate(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    for (u, inst) in world.institutions.iter().enumerate() {
        let Some(rules) = inst.union() else { continue };
        if !inst.in_force(rs.year) {
            continue;
        }
        let Some(leader) = inst
            .leader
            .filter(|&l| world.states[l].acts && rs.policy.active(world, l, u))
        else {
            continue;
        };
        // The leader's options: the law as it stands, each declared measure
        // whose year has come and is not in force, a CET change either way.
        let mut options = vec![Proposal::Keep];
        for (m, measure) in rules.measures.iter().enumerate() {
            let due = measure.vote_year(inst.founded) <= rs.year && rs.year <= measure.until;
            if due && !rs.policy.is_adopted(world, u, m) {
                options.push(Proposal::Measure(m));
            }
        }
        if rules.cet_step > 0.0 {
            options.push(Proposal::Cet(rules.cet_step));
            if rs.policy.cet(world, u) >= rules.cet_step {
                options.push(Proposal::Cet(-rules.cet_step));
            }
        }
        if options.len() > 1 {
            let base = rs.policy.clone();
            let mut forecasts = Vec::with_capacity(options.len());
            for &p in &options {
                let next = adopted(rs, u, p);
                forecasts.push(forecast_change(rs, leader, &base, &next)?);
            }
            let label = |k: usize| match options[k] {
                Proposal::Keep => "keep".to_string(),
                Proposal::Measure(m) => format!("propose:{}", rules.measures[m].name),
                Proposal::Cet(step) => format!("propose:cet{:+.2}pp", 100.0 * step),
            };
            let pick = options[decide(rs, leader, "proposal", &forecasts, &label)];
            propose(rs, u, leader, pick)?;
        }
        review(rs, u, leader)?;
        exemptions(rs, u, leader)?;
    }
    Ok(())
}

/// A member whose trade-regime bound lies below the CET may ask the union to
/// exempt it, so that it can apply its bound lawfully (the EAEU Treaty let
/// Kazakhstan apply its WTO rates on the lines bound below the CET); the
/// members decide by the union's rule. An exemption lasts.
fn exemptions(rs: &mut RunState<'_>, u: usize, leader: usize) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    let members: Vec<usize> = (0..world.n_states())
        .filter(|&s| s != leader && world.states[s].acts && rs.policy.active(world, s, u))
        .collect();
    for s in members {
        let Some(r) = rs.policy.regime_of(world, s) else {
            continue;
        };
        if rs.policy.exempt[s * k + u]
            || rs.policy.bound_rate(world, s, r) >= rs.policy.cet(world, u)
        {
            continue;
        }
        let base = rs.policy.clone();
        let mut exempted = base.clone();
        exempted.exempt[s * k + u] = true;
        exempted.stance[s] = Stance::Bound;
        let options = [
            forecast_change(rs, s, &base, &exempted)?,
            forecast_change(rs, s, &base, &base)?,
        ];
        let label = |k: usize| ["ask_exemption", "apply_cet"][k].into();
        if decide(rs, s, "cet exemption", &options, &label) != 0 {
            continue;
        }
        let what = "exemption from the cet".to_string();
        rs.event(
            Event::new(EventKind::Proposal, s)
                .institution(u)
                .detail(what.clone()),
        );
        // The members vote on the world in which the requester applies its
        // lower bound lawfully, so each sees what the exemption changes.
        if vote(rs, u, &exempted, s, "exemption vote", &what)? {
            rs.policy.exempt[s * k + u] = true;
            rs.event(Event::new(EventKind::Exemption, s).institution(u));
        }
    }
    Ok(())
}

/// Put the leader's proposal to the members and apply it if it passes.
fn propose(rs: &mut RunState<'_>, u: usize, leader: usize, p: Proposal) -> Result<(), SimError> {
    let world = rs.world;
    let rules = world.institutions[u].union().expect("a union");
    let next = adopted(rs, u, p);
    match p {
        Proposal::Keep => {}
        Proposal::Measure(m) => {
            let measure = &rules.measures[m];
            rs.event(
                Event::new(EventKind::Proposal, leader)
                    .target(measure.target)
                    .institution(u)
                    .detail(format!("measure {}", measure.name)),
            );
            let passes = vote(rs, u, &next, leader, "measure vote", &measure.name)?;
            if passes {
                rs.policy.set_adopted(world, u, m, true);
            }
            let kind = if passes {
                EventKind::MeasureAdopted
            } else {
                EventKind::MeasureRejected
            };
            rs.event(
                Event::new(kind, leader)
                    .target(measure.target)
                    .institution(u)
                    .detail(measure.name.clone()),
            );
        }
        Proposal::Cet(step) => {
            let what = format!("cet {:+.2} pp", 100.0 * step);
            rs.event(
                Event::new(EventKind::Proposal, leader)
                    .institution(u)
                    .detail(what.clone()),
            );
            if vote(rs, u, &next, leader, "cet vote", &what)? {
                rs.policy.cet_offset[u] = next.cet_offset[u];
                let now = rs.policy.cet(world, u);
                rs.event(
                    Event::new(EventKind::CetChange, leader)
                        .institution(u)
                        .detail(format!("{what} → {:.2}%", 100.0 * now)),
                );
            }
        }
    }
    Ok(())
}

/// Members other than the leader may ask for review of each measure in
/// force: a repeal vote under the union's rule. A repealed measure ends for
/// every member.
fn review(rs: &mut RunState<'_>, u: usize, leader: usize) -> Result<(), SimError> {
    let world = rs.world;
    let rules = world.institutions[u].union().expect("a union");
    for (m, measure) in rules.measures.iter().enumerate() {
        if !rs.policy.measure_in_force(world, u, m) {
            continue;
        }
        let base = rs.policy.clone();
        let mut repealed = base.clone();
        repealed.set_adopted(world, u, m, false);
        let members: Vec<usize> = (0..world.n_states())
            .filter(|&s| s != leader && world.states[s].acts && base.active(world, s, u))
            .collect();
        for s in members {
            let options = [
                forecast_change(rs, s, &base, &base)?,
                forecast_change(rs, s, &base, &repealed)?,
            ];
            let label = |k: usize| ["keep", "ask_review"][k].into();
            if decide(rs, s, "review", &options, &label) == 0 {
                continue;
            }
            rs.event(
                Event::new(EventKind::Review, s)
                    .target(measure.target)
                    .institution(u)
                    .detail(measure.name.clone()),
            );
            let what = format!("repeal {}", measure.name);
            if vote(rs, u, &repealed, s, "repeal vote", &what)? {
                rs.policy.set_adopted(world, u, m, false);
                rs.event(
                    Event::new(EventKind::Repeal, leader)
                        .target(measure.target)
                        .institution(u)
                        .detail(measure.name.clone()),
                );
            }
            // One review a year per measure is enough: the vote has spoken.
            break;
        }
    }
    Ok(())
}

/// Step 4: each union leader decides, by its doctrine, whether to coerce
/// each member that breaks union law this year (and each state that has left
/// the union: exit is the fullest breach); everyone updates the belief that
/// deviation is coerced.
pub fn coerce(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    for (u, inst) in world.institutions.iter().enumerate() {
        let Some(leader) = inst.leader else { continue };
        if inst.union().is_none()
            || !world.states[leader].acts
            || !rs.policy.active(world, leader, u)
        {
            continue;
        }
        for m in (0..world.n_states()).filter(|&m| m != leader) {
            let member = rs.policy.active(world, m, u);
            let left = !member && rs.record.ever_member[m * k + u];
            // A member breaks with the union by breaking its law, or by taking
            // part in an initiative the leader objects to.
            let defies = member && rs.policy.defies(world, u, m);
            let breaks = left || defies || (member && !rs.policy.complies_with_union(world, u, m));
            if !breaks {
                continue;
            }
            let coercion = Coercion {
                by: u,
                investment: rs.investment.get(m, leader),
            };
            let mut coerced = rs.policy.clone();
            coerced.coerced[m] = Some(coercion);
            // The leader expects coercion to bring a member back under the
            // union's law: at the CET, applying every measure. A state that
            // has left never returns (exit is final in this model), so for it
            // the coercion itself is what lasts.
            let cont = if left {
                rs.gains(&coerced)?
            } else {
                let mut complying = rs.policy.clone();
                complying.stance[m] = Stance::Cet;
                complying.set_all_breached(world, m, u, false);
                for i in (0..k).filter(|&i| rs.policy.objecting[u * k + i]) {
                    complying.set_intensity(m, i, 0.0);
                }
                rs.gains(&complying)?
            };
            let act = Forecast {
                now: rs.gains(&coerced)?,
                cont,
                ..Forecast::default()
            };
            let wait = Forecast::stationary(rs.status_quo_gains()?);
            let label = |k: usize| ["coerce", "wait"][k].into();
            let coerces = decide(rs, leader, "coercion", &[act, wait], &label) == 0;
            rs.beliefs[u].observe(coerces);
            if coerces {
                rs.policy.coerced[m] = Some(coercion);
                rs.record.rounds_coerced[m] += 1;
                rs.signal(m, leader, -1.0);
                rs.event(
                    Event::new(EventKind::Coercion, leader)
                        .target(m)
                        .institution(u),
                );
            }
        }
    }
    Ok(())
}
