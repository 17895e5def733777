//! Accession to a trade regime (docs/model.md §7.6; pattern P1): an applicant and
//! the members bargain over the applicant's bound tariff, and accession needs
//! the members' consensus.
//!
//! Each year the members' offer (the bound they demand) is put to the
//! applicant, which accepts or declines by its doctrine; an accepted offer goes
//! to a vote in which every member may veto. Each side values membership at a
//! bound b by the policy the applicant would then choose (its best tariff-game
//! move as a member, so a customs union's CET above b makes every low bound a
//! two-masters dilemma). A veto costs the vetoing member `veto_cost` (the
//! price of standing alone against a consensus). Without agreement, the side with less to lose from a
//! breakdown concedes a step (Zeuthen 1930; Harsanyi 1956): its risk limit is
//! (U(own demand) − U(other's demand)) / (U(own demand) − U(no agreement)).

use super::forecast::{Forecast, decide, forecast_change, value};
use crate::doctrine::{Family, Valuation};
use super::tariff::{apply, options};
use crate::event::{Event, EventKind};
use crate::policy::Policy;
use crate::state::{RunState, SimError, Talks};

/// The applicant's best move from `base` by its own valuation, and the
/// policy it leads to.
fn best_move(
    rs: &mut RunState<'_>,
    a: usize,
    base: &Policy,
) -> Result<(Valuation, Policy), SimError> {
    let world = rs.world;
    let mut best: Option<(Valuation, Policy)> = None;
    for c in options(world, base, a) {
        let mut next = base.clone();
        apply(world, &mut next, a, &c);
        let f = forecast_change(rs, a, base, &next)?;
        let v = value(rs, a, &f);
        if best.as_ref().is_none_or(|b| v.total() > b.0.total()) {
            best = Some((v, next));
        }
    }
    Ok(best.unwrap_or_else(|| {
        let worst = Valuation {
            own_now: f64::NEG_INFINITY,
            ..Valuation::default()
        };
        (worst, base.clone())
    }))
}

/// What membership at bound `b` is worth to the applicant, and the policy then.
fn as_member(
    rs: &mut RunState<'_>,
    t: &Talks,
    b: f64,
) -> Result<(Valuation, Policy), SimError> {
    let mut p = rs.policy.clone();
    p.set_member(t.applicant, t.regime, true);
    p.bound.set(t.applicant, t.regime, b);
    best_move(rs, t.applicant, &p)
}

/// A member's forecast of the world `p` (stationary).
fn member_view(rs: &mut RunState<'_>, p: &Policy) -> Result<Forecast, SimError> {
    Ok(Forecast::stationary(rs.gains(p)?))
}

/// Zeuthen's risk limit: how much of its gain over breakdown a side keeps by
/// accepting the other's demand rather than holding out (0: nothing to lose).
fn risk(own: f64, other: f64, breakdown: f64) -> f64 {
    if own > breakdown {
        ((own - other) / (own - breakdown)).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// One year of talks for every open application.
pub fn negotiate(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    for (r, inst) in world.institutions.iter().enumerate() {
        let Some(rules) = inst.regime() else { continue };
        if !inst.in_force(rs.year) {
            continue;
        }
        for &(a, applied) in &rules.applicants {
            if rs.year < applied || rs.policy.is_member(a, r) {
                continue;
            }
            if rs.year == applied || !rs.talks.iter().any(|t| t.regime == r && t.applicant == a) {
                let current = rs.policy.stance_rate(world, a, rs.policy.stance[a]);
                rs.talks.push(Talks {
                    regime: r,
                    applicant: a,
                    offer: rules.initial_offer,
                    demand: current.max(rules.initial_offer),
                });
                rs.event(Event::new(EventKind::Application, a).institution(r));
            }
            let k = rs
                .talks
                .iter()
                .position(|t| t.regime == r && t.applicant == a)
                .expect("talks opened");
            let t = rs.talks[k].clone();
            let (out_value, out_policy) = best_move(rs, a, &rs.policy.clone())?;
            let (offer_value, offer_policy) = as_member(rs, &t, t.offer)?;
            rs.event(
                Event::new(EventKind::Offer, a)
                    .institution(r)
                    .detail(format!("bound {:.2}%", 100.0 * t.offer)),
            );
            let label = |k: usize| ["accept", "decline"][k].into();
            let accepts = rs.decide(
                a,
                Family::Trade,
                "accession offer",
                &[offer_value, out_value],
                &label,
            ) == 0;
            let members: Vec<usize> = (0..world.n_states())
                .filter(|&m| rs.policy.active(world, m, r))
                .collect();
            let (with, without) = (
                member_view(rs, &offer_policy)?,
                member_view(rs, &out_policy)?,
            );
            // Blocking a consensus has a diplomatic price, paid once.
            let vetoes: Vec<Forecast> = members
                .iter()
                .map(|&m| {
                    let mut f = without.clone();
                    f.now[m] -= rules.veto_cost;
                    f
                })
                .collect();
            let member_values: Vec<(f64, f64)> = members
                .iter()
                .map(|&m| (value(rs, m, &with).total(), value(rs, m, &without).total()))
                .collect();
            if accepts {
                let mut vetoed = false;
                for (&m, veto) in members.iter().zip(&vetoes) {
                    let options = [with.clone(), veto.clone()];
                    let label = |k: usize| ["yes", "veto"][k].into();
                    let in_favour = decide(rs, m, "accession vote", &options, &label) == 0;
                    let vote = if in_favour { "yes" } else { "no" };
                    rs.event(
                        Event::new(EventKind::Vote, m)
                            .target(a)
                            .institution(r)
                            .detail(format!("accession: {vote}")),
                    );
                    vetoed |= !in_favour;
                }
                if !vetoed {
                    rs.policy.set_member(a, r, true);
                    rs.policy.bound.set(a, r, t.offer);
                    rs.record.joined[a * world.institutions.len() + r] = rs.year as f64;
                    rs.event(
                        Event::new(EventKind::Accession, a)
                            .institution(r)
                            .detail(format!("bound {:.2}%", 100.0 * t.offer)),
                    );
                    rs.talks.remove(k);
                    continue;
                }
            }
            // No agreement: the side with the lower risk limit concedes a step.
            let (demand_value, demand_policy) = as_member(rs, &t, t.demand)?;
            let applicant_risk = risk(demand_value.total(), offer_value.total(), out_value.total());
            let mut members_risk = 0.0;
            let demanded = member_view(rs, &demand_policy)?;
            for (&m, &(offer_m, out_m)) in members.iter().zip(&member_values) {
                let demand_m = value(rs, m, &demanded).total();
                members_risk += risk(offer_m, demand_m, out_m) / members.len().max(1) as f64;
            }
            let talks = &mut rs.talks[k];
            if applicant_risk <= members_risk {
                talks.demand = (talks.demand - rules.concession).max(talks.offer);
            } else {
                talks.offer = (talks.offer + rules.concession).min(talks.demand);
            }
        }
    }
    Ok(())
}
