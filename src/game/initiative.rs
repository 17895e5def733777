//! Investment initiatives (docs/model.md §7.11): the sponsor offers;
//! each other state joins, stays, declines or leaves by its doctrine.
//! Participation cuts trade costs on the participant's corridor pairs after a
//! lag (de Soyres et al. 2020 for the size of the cut), builds investment
//! dependence on the sponsor, and — through the public's suspicion of the
//! sponsor — moves the participant's affinity toward it (De Jesus & Duarte n.d.).
//!
//! The forecast: taking part now changes nothing this year; the continuation is
//! the corridor's equilibrium, reached after `lag_years` (so it is discounted by
//! δ^lag, as for a dispute's ruling), with the added dependence on the sponsor
//! valued by the neorealist's autonomy term and the constructivist's
//! enemy-dependence term.

use super::forecast::{Forecast, decide};
use crate::event::{Event, EventKind};
use crate::state::{RunState, SimError};

/// Every non-sponsor decides whether to take part this year.
pub fn play_round(rs: &mut RunState<'_>, order: &[usize]) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    for (u, inst) in world.institutions.iter().enumerate() {
        let (Some(rules), Some(sponsor)) = (inst.initiative(), inst.leader) else {
            continue;
        };
        if !inst.in_force(rs.year) {
            continue;
        }
        let base = rs.policy.clone();
        let status = rs.gains(&base)?;
        let mut moves = Vec::new();
        for &s in order
            .iter()
            .filter(|&&s| s != sponsor && world.states[s].acts && rules.invited.contains(&s))
        {
            let member = base.is_member(s, u);
            // The world once the corridor is open for s.
            let mut open = base.clone();
            open.set_member(s, u, true);
            open.since[s * k + u] = open.since[s * k + u].min(rs.year - rules.lag_years);
            let mut closed = base.clone();
            closed.set_member(s, u, false);
            let (with, without) = (rs.gains(&open)?, rs.gains(&closed)?);
            // Years until the corridor opens: the rest of the lag for a
            // participant still inside it (members from before the timeline,
            // `since` = MIN, have it open), the whole lag for a newcomer.
            let since = base.since[s * k + u];
            let wait = if !member {
                rules.lag_years
            } else if since == i32::MIN {
                0
            } else {
                (since + rules.lag_years - rs.year).max(0)
            };
            let now = if member {
                status.clone()
            } else {
                without.clone()
            };
            let (cont, later) = if wait <= 1 {
                (with, None)
            } else {
                (without.clone(), Some((wait as u32, with)))
            };
            let join = Forecast {
                now,
                cont,
                later,
                dependence: vec![(sponsor, rules.dependence_per_year)],
                ..Forecast::default()
            };
            let stay_out = Forecast::stationary(without);
            let label = |k: usize| ["take_part", "stay_out"][k].into();
            let takes_part = decide(rs, s, "initiative", &[join, stay_out], &label) == 0;
            if takes_part != member {
                moves.push((s, takes_part));
            }
        }
        for (s, joins) in moves {
            rs.policy.set_member(s, u, joins);
            if joins {
                rs.policy.since[s * k + u] = rs.year;
                if rs.record.joined[s * k + u].is_nan() {
                    rs.record.joined[s * k + u] = f64::from(rs.year);
                }
                rs.event(Event::new(EventKind::Join, s).institution(u));
            } else {
                rs.event(Event::new(EventKind::Exit, s).institution(u));
            }
        }
    }
    Ok(())
}

/// After the year's moves: participants' investment dependence on the sponsor
/// grows (non-participants' fades back toward the scenario's baseline), and
/// each participant's affinity toward the sponsor receives the signal
/// 1 − 2·public_suspicion (investment as cooperation, suspicion as threat).
pub fn learn(rs: &mut RunState<'_>) {
    let world = rs.world;
    for (u, inst) in world.institutions.iter().enumerate() {
        let (Some(rules), Some(sponsor)) = (inst.initiative(), inst.leader) else {
            continue;
        };
        if !inst.in_force(rs.year) {
            continue;
        }
        for s in (0..world.n_states()).filter(|&s| s != sponsor) {
            let baseline =
                world.dependence[crate::world::Channel::Investment as usize].get(s, sponsor);
            let d = rs.investment.get(s, sponsor);
            if rs.policy.active(world, s, u) {
                rs.investment
                    .set(s, sponsor, (d + rules.dependence_per_year).min(1.0));
                rs.record.participation_rounds[s * world.institutions.len() + u] += 1;
                rs.signal(s, sponsor, 1.0 - 2.0 * rules.public_suspicion);
            } else {
                rs.investment
                    .set(s, sponsor, (d - rules.dependence_per_year).max(baseline));
            }
            rs.record.initiative_rounds[s * world.institutions.len() + u] += 1;
        }
    }
}
