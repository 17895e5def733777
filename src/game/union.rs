//! Customs-union mechanics beyond the tariff game: votes on common trade-remedy
//! measures under the union's decision rule (weighted votes or consensus;
//! Bakumbayev 2025 on the Customs Union Commission's 57/21.5/21.5 weights),
//! and the leader's coercion of deviating members through dependence channels
//! (Chang et al. n.d.: Russia's control of Kazakh oil transit). Members
//! learn the leader's resolve from every deviation they see (Beta counts,
//! docs/model.md §7.9).

use super::forecast::{Forecast, choose, utility};
use crate::event::{Event, EventKind};
use crate::policy::Stance;
use crate::state::{RunState, SimError};
use crate::world::DecisionRule;

/// Members vote on measures whose year has come.
pub fn vote_measures(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    for (u, inst) in world.institutions.iter().enumerate() {
        let Some(rules) = inst.union() else { continue };
        if !inst.in_force(rs.year) {
            continue;
        }
        for (m, measure) in rules.measures.iter().enumerate() {
            if measure.vote_year(inst.founded) != rs.year {
                continue;
            }
            let mut with = rs.policy.clone();
            with.set_adopted(world, u, m, true);
            let mut without = rs.policy.clone();
            without.set_adopted(world, u, m, false);
            let (yes, no) = (
                Forecast::stationary(rs.gains(&with)?),
                Forecast::stationary(rs.gains(&without)?),
            );
            let members: Vec<usize> = (0..world.n_states())
                .filter(|&s| rs.policy.active(world, s, u))
                .collect();
            let (mut weight_yes, mut weight_all, mut all_yes) = (0.0, 0.0, true);
            for &s in &members {
                let utilities = [utility(rs, s, &yes), utility(rs, s, &no)];
                let in_favour = choose(rs, s, &utilities) == 0;
                let vote = if in_favour { "yes" } else { "no" };
                rs.event(
                    Event::new(EventKind::Vote, s)
                        .institution(u)
                        .detail(format!("{}: {vote}", measure.name)),
                );
                weight_all += rules.votes[s];
                weight_yes += if in_favour { rules.votes[s] } else { 0.0 };
                all_yes &= in_favour;
            }
            let adopted = match rules.decision {
                DecisionRule::Weighted => weight_all > 0.0 && weight_yes > 0.5 * weight_all,
                DecisionRule::Consensus => all_yes && !members.is_empty(),
            };
            rs.policy.set_adopted(world, u, m, adopted);
            let kind = if adopted {
                EventKind::MeasureAdopted
            } else {
                EventKind::MeasureRejected
            };
            let actor = inst.leader.unwrap_or(measure.target);
            rs.event(
                Event::new(kind, actor)
                    .target(measure.target)
                    .institution(u)
                    .detail(measure.name.clone()),
            );
        }
    }
    Ok(())
}

/// Each union leader decides, by its doctrine, whether to coerce each deviating
/// member this round; everyone updates the belief that deviation is coerced.
pub fn coerce(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    for (u, inst) in world.institutions.iter().enumerate() {
        let Some(leader) = inst.leader else { continue };
        if inst.union().is_none() || !rs.policy.active(world, leader, u) {
            continue;
        }
        for m in (0..world.n_states()).filter(|&m| m != leader) {
            if !rs.policy.active(world, m, u) || rs.policy.complies_with_union(world, u, m) {
                continue;
            }
            let mut coerced = rs.policy.clone();
            coerced.coerced[m] = Some(u);
            // The leader expects coercion to bring the member back to the CET
            // and the common measures.
            let mut complying = rs.policy.clone();
            complying.stance[m] = Stance::Cet;
            complying.set_all_waived(world, m, u, false);
            let act = Forecast {
                now: rs.gains(&coerced)?,
                cont: rs.gains(&complying)?,
                ..Forecast::default()
            };
            let wait = Forecast::stationary(rs.gains(&rs.policy.clone())?);
            let utilities = [utility(rs, leader, &act), utility(rs, leader, &wait)];
            let coerces = choose(rs, leader, &utilities) == 0;
            rs.beliefs[u].observe(coerces);
            if coerces {
                rs.policy.coerced[m] = Some(u);
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
