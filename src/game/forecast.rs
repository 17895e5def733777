//! One world model for every decision (docs/model.md §4 Objectives, §7.4).
//!
//! A game builds, for each option of a decision, the policy the option leads
//! to; this module forecasts its consequences with the trade equilibrium and
//! the run's state — every state's ĝ now and in the continuation (partners
//! answering a defection in kind), expected authorised retaliation in every
//! trade regime, expected coercion through every channel of every union
//! leader with leverage, the change in security a withdrawal would bring,
//! violations of every institution's rules (trade regimes *and* customs
//! unions) — and hands them to the doctrine's valuation. Nothing here reads
//! the deciding state's doctrine or its discount factor: the forecast is the
//! same whatever theory the state holds; streams say when they start and the
//! valuation discounts them.

pub use crate::doctrine::Forecast;
use crate::doctrine::{self, Expected, Family, Valuation};
use crate::policy::{Coercion, Policy};
use crate::security;
use crate::state::{RunState, SimError, Stage};
use crate::world::World;

/// The utility state `s` assigns to a forecast of the trade family, by its
/// doctrine, with its components.
pub fn value(rs: &RunState<'_>, s: usize, f: &Forecast) -> Valuation {
    doctrine::value(&rs.viewpoint(s, Family::Trade), &f.consequences())
}

/// State `s` chooses among forecasts (trade family) by logit; `label` names
/// option k for the trace.
pub fn decide(
    rs: &mut RunState<'_>,
    s: usize,
    decision: &str,
    forecasts: &[Forecast],
    label: &dyn Fn(usize) -> String,
) -> usize {
    if let Some((who, log)) = &mut rs.observe
        && *who == s
    {
        log.push(crate::state::ForecastRecord {
            year: rs.year,
            decision: decision.to_string(),
            forecasts: forecasts.to_vec(),
        });
    }
    let valuations: Vec<Valuation> = forecasts.iter().map(|f| value(rs, s, f)).collect();
    rs.decide(s, Family::Trade, decision, &valuations, label)
}

/// Forecast for state `s` of moving from the status quo `base` to `next`
/// (a policy in which only `s`'s own choices differ): partners' reciprocity
/// in the continuation, expected retaliation in every trade regime `s`
/// breaks, expected coercion by the leader of every customs union whose law
/// it breaks, and the violations and compliance of every institution.
pub fn forecast_change(
    rs: &mut RunState<'_>,
    s: usize,
    base: &Policy,
    next: &Policy,
) -> Result<Forecast, SimError> {
    let world = rs.world;
    let now = rs.gains(next)?;
    let mut answered = rs.copy_of(next);
    let raised = answer_in_kind(world, s, base, next, &mut answered);
    let cont = if raised {
        rs.gains(&answered)?
    } else {
        now.clone()
    };
    rs.recycle(answered);
    let mut f = rs.blank_forecast(now, cont);
    for (k, inst) in world.institutions.iter().enumerate() {
        // An institution s is in, or one `next` makes it join: an applicant
        // weighing membership foresees the breaches membership would bring.
        if !base.active(world, s, k) && !next.active(world, s, k) {
            continue;
        }
        if let Some(rules) = inst.regime() {
            let violates = next.active(world, s, k) && next.violates(world, k, s);
            f.compliance.push((k, !violates));
            if violates {
                f.violations.push(k);
                // Authorised retaliation against the harm, capped by each
                // harmed member's capacity, after the dispute's stages: for
                // sure and when their case is due from members with an open
                // case over the breach, by the regime's shared belief after a
                // whole case from the others.
                let mut open = std::mem::take(&mut rs.spare.due);
                open_cases(rs, k, s, next, &mut open);
                let (mut sure, mut believed) = (rs.copy_of(next), rs.copy_of(next));
                let (mut any_sure, mut any_believed) = (false, false);
                for (j, case) in open.iter().enumerate() {
                    let margin = next.violation(world, k, s, j);
                    if margin <= 0.0 {
                        continue;
                    }
                    // Aggregates that do not act never file, so never retaliate.
                    if case.is_none() && !world.states[j].acts {
                        continue;
                    }
                    let tariff = authorised_retaliation(rs, k, j, s, margin);
                    let (q, any) = match case {
                        Some(_) => (&mut sure, &mut any_sure),
                        None => (&mut believed, &mut any_believed),
                    };
                    q.retaliation.set(j, s, q.retaliation.get(j, s) + tariff);
                    *any = true;
                }
                if any_sure {
                    let loss = f.now[s] - rs.gains(&sure)?[s];
                    let from = open.iter().flatten().min().copied().unwrap_or(0);
                    f.retaliation.push(Expected {
                        source: k,
                        probability: 1.0,
                        per_year: loss,
                        from,
                    });
                }
                if any_believed {
                    let loss = f.now[s] - rs.gains(&believed)?[s];
                    f.retaliation.push(Expected {
                        source: k,
                        probability: rs.beliefs[k].mean(),
                        per_year: loss,
                        from: (rules.consultation_years + rules.panel_years) as u32,
                    });
                }
                rs.recycle(sure);
                rs.recycle(believed);
                rs.spare.due = open;
            }
        } else if inst.union().is_some() {
            let complies = next.active(world, s, k) && next.complies_with_union(world, k, s);
            f.compliance.push((k, complies));
            if !complies {
                f.violations.push(k);
                expect_coercion(rs, s, k, next, &mut f)?;
            }
        }
    }
    Ok(f)
}

/// The continuation partners answer `next` with, written into `answered` (a
/// copy of `next`): defection with defection, in kind — a tariff rise of `s`
/// over the status quo `base` is met by an equal rise on `s`'s goods (grim and
/// tit-for-tat beliefs agree on this stationary outcome). A breach of a trade
/// regime's rules is answered through the regime instead — authorised
/// retaliation, in [`forecast_change`] — since its members may not retaliate
/// on their own (WTO DSU Art. 23). Whether any partner answers.
pub fn answer_in_kind(
    world: &World,
    s: usize,
    base: &Policy,
    next: &Policy,
    answered: &mut Policy,
) -> bool {
    let mut raised = false;
    for j in (0..world.n_states()).filter(|&j| j != s) {
        let rise = next.tariff(world, s, j) - base.tariff(world, s, j);
        if rise > 1e-12 {
            let r = answered.retaliation.get(j, s) + rise;
            answered.retaliation.set(j, s, r);
            raised = true;
        }
    }
    raised
}

/// The retaliation tariff complainant `c` may be authorised to apply to
/// respondent `r` for a violation of `margin` in regime `k`: the harm (the
/// margin on its exports to the respondent) spread over its imports from the
/// respondent, capped by the regime — a complainant's capacity to retaliate
/// is its imports from the respondent (Bown 2005).
pub fn authorised_retaliation(rs: &RunState<'_>, k: usize, c: usize, r: usize, margin: f64) -> f64 {
    let Some(rules) = rs.world.institutions[k].regime() else {
        return 0.0;
    };
    let Some(model) = &rs.world.trade else {
        return 0.0;
    };
    let (exports, imports) = (model.baseline.flow(c, r), model.baseline.flow(r, c));
    if imports <= 0.0 {
        return 0.0;
    }
    (margin * exports / imports).min(rules.max_retaliation)
}

/// For each member, the years until retaliation from the case it has open
/// against `s` in regime `k` over a breach `next` keeps (None: no such case,
/// or one stalled in an appeal, which brings no retaliation): the
/// complainant has challenged the breach, so retaliation is no longer a
/// matter of belief but of the case's remaining stages.
fn open_cases(rs: &RunState<'_>, k: usize, s: usize, next: &Policy, due: &mut Vec<Option<u32>>) {
    let world = rs.world;
    due.clear();
    due.resize(world.n_states(), None);
    let Some(rules) = world.institutions[k].regime() else {
        return;
    };
    for d in rs
        .disputes
        .iter()
        .filter(|d| d.regime == k && d.respondent == s)
    {
        if next.violation_of(world, k, s, d.complainant, d.cause) <= 0.0 {
            continue;
        }
        let year = match d.stage {
            Stage::Consultations => d.filed + rules.consultation_years + rules.panel_years,
            Stage::Panel { requested } => requested + rules.panel_years,
            Stage::Appeal { stalled: true, .. } => continue,
            Stage::Appeal { lodged, .. } => lodged + rules.appeal_years,
            Stage::Retaliation { .. } => rs.year,
        };
        let years = (year - rs.year).max(0) as u32;
        let slot: &mut Option<u32> = &mut due[d.complainant];
        *slot = Some(slot.map_or(years, |y| y.min(years)));
    }
}

/// Add to `f` what state `s` expects if the leader of union `u` coerces it
/// for breaking the union's law under `next`: with the union's shared belief
/// that deviations are coerced, this year and every year the breach lasts,
/// the material loss through the leader's trade channels (the transit of s's
/// exports; its investment in s) and the loss of the security it commits to s.
pub fn expect_coercion(
    rs: &mut RunState<'_>,
    s: usize,
    u: usize,
    next: &Policy,
    f: &mut Forecast,
) -> Result<(), SimError> {
    let world = rs.world;
    let Some(leader) = world.institutions[u].leader.filter(|&l| l != s) else {
        return Ok(());
    };
    let p = rs.beliefs[u].mean();
    let mut coerced = rs.copy_of(next);
    coerced.coerced[s] = Some(Coercion {
        by: u,
        investment: rs.investment.get(s, leader),
    });
    let loss = rs.gains(next)?[s] - rs.gains(&coerced)?[s];
    f.coercion.push(Expected {
        source: leader,
        probability: p,
        per_year: loss,
        from: 0,
    });
    let keep = security::share(world, next, &rs.alignment, s);
    let lose = security::share(world, &coerced, &rs.alignment, s);
    rs.recycle(coerced);
    f.security += p * (lose - keep);
    Ok(())
}
