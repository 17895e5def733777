//! Dispute settlement in a trade regime (docs/model.md §7.8; the WTO's
//! DSU in outline): a member hurt by another member's violation may file, by
//! its own doctrine, once the violation is detected (probability `monitoring`
//! a year); consultations, then a panel, then a ruling; a respondent still in
//! violation at the ruling faces authorised retaliation equal to the harm (its
//! violation margin, as an extra tariff), lifted when it complies. Everyone
//! learns how often violations are challenged (Beta counts: one observation
//! per violating member and year).

use super::forecast::{Forecast, decide};
use crate::event::{Event, EventKind};
use crate::policy::{Policy, Stance};
use crate::state::{Dispute, RunState, SimError, Stage};
use rand::RngExt;

/// The respondent brought into line: its bound rate, no common measures.
fn compliant(world: &crate::world::World, p: &Policy, respondent: usize) -> Policy {
    let mut q = p.clone();
    q.stance[respondent] = Stance::Bound;
    if let Some(u) = q.union_of(world, respondent) {
        q.set_all_breached(world, respondent, u, true);
    }
    q
}

/// Advance open disputes, then let harmed members file new ones.
pub fn enforce(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    let year = rs.year;
    let mut open = std::mem::take(&mut rs.disputes);
    open.retain_mut(|d| {
        let rules = world.institutions[d.regime].regime().expect("a regime");
        let margin = rs
            .policy
            .violation(world, d.regime, d.respondent, d.complainant);
        let (c, r, inst) = (d.complainant, d.respondent, d.regime);
        let close = |rs: &mut RunState<'_>, detail: &str| {
            rs.event(
                Event::new(EventKind::Compliance, r)
                    .target(c)
                    .institution(inst)
                    .detail(detail.to_string()),
            );
        };
        match d.stage {
            _ if margin == 0.0 && d.stage != Stage::Retaliation => {
                close(rs, "violation ended before a ruling");
                false
            }
            Stage::Consultations => {
                if year >= d.filed + rules.consultation_years {
                    d.stage = Stage::Panel;
                }
                true
            }
            Stage::Panel => {
                if year < d.filed + rules.consultation_years + rules.panel_years {
                    return true;
                }
                rs.event(
                    Event::new(EventKind::Ruling, r)
                        .target(c)
                        .institution(inst)
                        .detail("violation found".into()),
                );
                d.stage = Stage::Retaliation;
                d.retaliation = margin;
                let t = rs.policy.retaliation.get(c, r) + margin;
                rs.policy.retaliation.set(c, r, t);
                rs.signal(r, c, -1.0);
                rs.event(
                    Event::new(EventKind::Retaliation, c)
                        .target(r)
                        .institution(inst)
                        .detail(format!("{:.2}% extra tariff", 100.0 * margin)),
                );
                true
            }
            Stage::Retaliation => {
                let t = rs.policy.retaliation.get(c, r) - d.retaliation;
                if margin == 0.0 {
                    rs.policy.retaliation.set(c, r, t.max(0.0));
                    close(rs, "violation ended; retaliation lifted");
                    false
                } else {
                    // Retaliation tracks the current harm.
                    rs.policy.retaliation.set(c, r, t + margin);
                    d.retaliation = margin;
                    true
                }
            }
        }
    });
    rs.disputes = open;

    let n = world.n_states();
    for (k, inst) in world.institutions.iter().enumerate() {
        let Some(rules) = inst.regime() else { continue };
        if !inst.in_force(year) {
            continue;
        }
        for respondent in 0..n {
            for harmed in (0..n).filter(|&h| world.states[h].acts) {
                if rs.policy.violation(world, k, respondent, harmed) == 0.0 {
                    continue;
                }
                let pending = |rs: &RunState<'_>| {
                    rs.disputes.iter().any(|d| {
                        d.regime == k && d.respondent == respondent && d.complainant == harmed
                    })
                };
                if !pending(rs) && rs.rng.random::<f64>() < rules.monitoring {
                    let base = rs.gains(&rs.policy.clone())?;
                    let fixed = rs.gains(&compliant(world, &rs.policy, respondent))?;
                    // Filing costs this year; the respondent is expected back in
                    // line from the ruling on (after consultations and panel).
                    let mut now = base.clone();
                    now[harmed] -= rules.filing_cost;
                    let lag = (rules.consultation_years + rules.panel_years).max(1) as u32;
                    let file = Forecast {
                        now,
                        cont: base.clone(),
                        later: Some((lag, fixed)),
                        ..Forecast::default()
                    };
                    let wait = Forecast::stationary(base);
                    let label = |k: usize| ["file", "wait"][k].into();
                    if decide(rs, harmed, "filing", &[file, wait], &label) == 0 {
                        rs.disputes.push(Dispute {
                            regime: k,
                            complainant: harmed,
                            respondent,
                            filed: year,
                            stage: Stage::Consultations,
                            retaliation: 0.0,
                        });
                        rs.record.disputes_filed[harmed] += 1;
                        rs.record.disputes_faced[respondent] += 1;
                        rs.signal(respondent, harmed, -1.0);
                        rs.event(
                            Event::new(EventKind::Filing, harmed)
                                .target(respondent)
                                .institution(k),
                        );
                    }
                }
            }
            // One observation per violator and year: is its breach under
            // challenge? (Not one per harmed member, which would let a breach
            // against many members weigh many times.)
            if rs.policy.violates(world, k, respondent) {
                let challenged = rs
                    .disputes
                    .iter()
                    .any(|d| d.regime == k && d.respondent == respondent);
                rs.beliefs[k].observe(challenged);
            }
        }
    }
    Ok(())
}
