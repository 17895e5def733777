//! Dispute settlement in a trade regime as a sequence of choices (docs/model.md
//! §7.8; the WTO's Dispute Settlement Understanding in outline).
//!
//! A member harmed by another's violation — a tariff above the bound, or a
//! union measure the regime's rules do not allow: each is a *cause* of its own
//! — may request consultations once the violation is detected (`monitoring`
//! a year). Every step is a choice by the chooser's own valuation:
//!
//! * the respondent may settle at any stage before retaliation (a mutually
//!   agreed solution: it brings its policy into line for that cause);
//! * after `consultation_years` the complainant requests a panel or keeps
//!   consulting — the path of DS530, Ukraine v Kazakhstan's duty on steel
//!   pipes (consultations requested 2017, no panel). Its forecast weighs the
//!   panel's legal cost against the outcome it expects: the respondent's
//!   materially better answer to a ruling — comply, or bear retaliation up to
//!   the harm, capped by the complainant's capacity to retaliate, its imports
//!   from the respondent (Bown 2005) — or nothing at all once an appeal can
//!   stall the case;
//! * after the ruling the respondent complies, appeals (from
//!   `appeal_stall_from` — in the flagship 2019, when the Appellate Body lost
//!   its quorum — an appeal stalls the case for ever, "into the void") or
//!   keeps its measure and faces authorised retaliation, which tracks the
//!   harm and ends when it complies.
//!
//! Filing and a ruling are public steps: the respondent's affinity toward the
//! complainant takes a −1 signal, and everyone learns how often violations
//! are challenged (one observation per violating member and year). Costs are
//! US$ million, taken as a share of the chooser's GDP.

use super::forecast::{Forecast, authorised_retaliation, decide, forecast_change};
use crate::event::{Event, EventKind};
use crate::policy::Policy;
use crate::state::{Dispute, RunState, SimError, Stage};
use rand::RngExt;

/// A cost in US$ million as percent of state `s`'s GDP (its spending's scale).
fn percent_of(rs: &RunState<'_>, s: usize, musd: f64) -> f64 {
    100.0 * musd / rs.world.states[s].gdp_musd
}

/// The retaliation tariff the complainant may be authorised to apply.
fn retaliation_tariff(rs: &RunState<'_>, d: &Dispute, margin: f64) -> f64 {
    authorised_retaliation(rs, d.regime, d.complainant, d.respondent, margin)
}

/// The policy with retaliation `tariff` of the complainant on the respondent.
fn retaliating(p: &Policy, d: &Dispute, tariff: f64) -> Policy {
    let mut q = p.clone();
    let t = q.retaliation.get(d.complainant, d.respondent) + tariff;
    q.retaliation.set(d.complainant, d.respondent, t);
    q
}

/// Is an appeal lodged this year stalled for ever?
fn stalls(rs: &RunState<'_>, regime: usize, year: i32) -> bool {
    let rules = rs.world.institutions[regime].regime().expect("a regime");
    rules.appeal_stall_from.is_some_and(|y| year >= y)
}

/// The outcome a complainant expects from a ruling, by the respondent's
/// material interest (the same forecast whatever anyone's doctrine): the
/// respondent complies if bearing retaliation would cost it more than
/// complying; it stalls the case by appeal where it can and gains from its
/// violation. Whether appeals stall is judged by what is known this year: no
/// one foresees the appellate body's collapse before it happens.
fn expected_outcome(rs: &mut RunState<'_>, d: &Dispute) -> Result<Policy, SimError> {
    let world = rs.world;
    let base = rs.policy.clone();
    let margin = base.violation_of(world, d.regime, d.respondent, d.complainant, d.cause);
    let comply = base.remedied(world, d.respondent, d.cause);
    let keep = retaliating(&base, d, retaliation_tariff(rs, d, margin));
    let r = d.respondent;
    let (g_base, g_comply, g_keep) = (
        rs.gains(&base)?[r],
        rs.gains(&comply)?[r],
        rs.gains(&keep)?[r],
    );
    Ok(if stalls(rs, d.regime, rs.year) && g_base > g_comply {
        base
    } else if g_comply >= g_keep {
        comply
    } else {
        keep
    })
}

/// The complainant's forecast of pursuing the case to a ruling in `years`
/// years at an extra legal cost of `cost` (percent of its GDP), against
/// leaving things as they are.
fn pursue(
    rs: &mut RunState<'_>,
    d: &Dispute,
    years: i32,
    cost: f64,
) -> Result<[Forecast; 2], SimError> {
    let base = rs.status_quo_gains()?;
    let outcome = expected_outcome(rs, d)?;
    let later = rs.gains(&outcome)?;
    let mut now = base.clone();
    now[d.complainant] -= cost;
    let go = Forecast {
        now,
        cont: base.clone(),
        later: Some((years.max(1) as u32, later)),
        ..Forecast::default()
    };
    Ok([go, Forecast::stationary(base)])
}

/// Advance open disputes, then let harmed members file new ones.
pub fn enforce(rs: &mut RunState<'_>) -> Result<(), SimError> {
    // Every open case stays visible to the forecasts while each advances (a
    // respondent weighing a settlement knows the case it faces).
    let open = rs.disputes.clone();
    let mut kept = Vec::with_capacity(open.len());
    for d in open {
        if let Some(d) = advance(rs, d)? {
            kept.push(d);
        }
    }
    rs.disputes = kept;
    file(rs)
}

fn event(
    rs: &mut RunState<'_>,
    kind: EventKind,
    actor: usize,
    target: usize,
    d: &Dispute,
    detail: String,
) {
    rs.event(
        Event::new(kind, actor)
            .target(target)
            .institution(d.regime)
            .detail(detail),
    );
}

/// One year of one dispute; None when it has ended.
fn advance(rs: &mut RunState<'_>, mut d: Dispute) -> Result<Option<Dispute>, SimError> {
    let world = rs.world;
    let rules = world.institutions[d.regime].regime().expect("a regime");
    let (c, r) = (d.complainant, d.respondent);
    let cause = d.cause.describe(world);
    let margin = rs.policy.violation_of(world, d.regime, r, c, d.cause);
    let lift = |rs: &mut RunState<'_>, d: &Dispute| {
        if let Stage::Retaliation { tariff } = d.stage {
            let t = (rs.policy.retaliation.get(c, r) - tariff).max(0.0);
            rs.policy.retaliation.set(c, r, t);
        }
    };
    if margin == 0.0 {
        lift(rs, &d);
        let detail = match d.stage {
            Stage::Retaliation { .. } => format!("{cause}: violation ended; retaliation lifted"),
            _ => format!("{cause}: violation ended before a ruling"),
        };
        event(rs, EventKind::Compliance, r, c, &d, detail);
        return Ok(None);
    }
    let base = rs.policy.clone();
    let remedy = base.remedied(world, r, d.cause);
    // A mutually agreed solution: at any stage before retaliation the
    // respondent may bring its policy into line for this cause.
    if !matches!(
        d.stage,
        Stage::Retaliation { .. } | Stage::Appeal { stalled: true, .. }
    ) {
        let options = [
            forecast_change(rs, r, &base, &remedy)?,
            forecast_change(rs, r, &base, &base)?,
        ];
        let label = |k: usize| ["settle", "hold"][k].into();
        if decide(rs, r, "dispute settlement", &options, &label) == 0 {
            rs.policy = remedy;
            event(rs, EventKind::Settlement, r, c, &d, cause);
            return Ok(None);
        }
    }
    match d.stage {
        Stage::Consultations => {
            if rs.year < d.filed + rules.consultation_years {
                return Ok(Some(d));
            }
            let cost = percent_of(rs, c, rules.panel_cost_musd);
            let options = pursue(rs, &d, rules.panel_years, cost)?;
            let label = |k: usize| ["request_panel", "keep_consulting"][k].into();
            if decide(rs, c, "dispute panel", &options, &label) == 0 {
                d.stage = Stage::Panel { requested: rs.year };
                event(rs, EventKind::PanelRequest, c, r, &d, cause);
            }
            Ok(Some(d))
        }
        Stage::Panel { requested } => {
            if rs.year < requested + rules.panel_years {
                return Ok(Some(d));
            }
            event(
                rs,
                EventKind::Ruling,
                r,
                c,
                &d,
                format!("{cause}: violation found"),
            );
            rs.signal(r, c, -1.0);
            respond(rs, d, true)
        }
        Stage::Appeal { lodged, stalled } => {
            // An appeal still pending when the appellate body stops sitting
            // stalls too (as those pending in December 2019 did).
            if !stalled && stalls(rs, d.regime, rs.year) {
                d.stage = Stage::Appeal {
                    lodged,
                    stalled: true,
                };
                event(rs, EventKind::Appeal, r, c, &d, format!("{cause}: stalled"));
                return Ok(Some(d));
            }
            if stalled || rs.year < lodged + rules.appeal_years {
                return Ok(Some(d));
            }
            // The appeal upholds the ruling; no second appeal.
            respond(rs, d, false)
        }
        Stage::Retaliation { tariff } => {
            // Retaliation tracks the current harm.
            let now = retaliation_tariff(rs, &d, margin);
            let t = rs.policy.retaliation.get(c, r) - tariff + now;
            rs.policy.retaliation.set(c, r, t);
            d.stage = Stage::Retaliation { tariff: now };
            Ok(Some(d))
        }
    }
}

/// The respondent's answer to a ruling against it: comply, appeal (only
/// right after the panel), or keep the measure and face retaliation.
fn respond(
    rs: &mut RunState<'_>,
    mut d: Dispute,
    may_appeal: bool,
) -> Result<Option<Dispute>, SimError> {
    let world = rs.world;
    let rules = world.institutions[d.regime].regime().expect("a regime");
    let (c, r) = (d.complainant, d.respondent);
    let cause = d.cause.describe(world);
    let base = rs.policy.clone();
    let margin = base.violation_of(world, d.regime, r, c, d.cause);
    let tariff = retaliation_tariff(rs, &d, margin);
    let comply = base.remedied(world, r, d.cause);
    let keep = retaliating(&base, &d, tariff);
    // Keeping the measure is valued like any breach (reputation, norms,
    // coercion), with the complainant's retaliation now certain from this
    // year; an appeal defers it by the appeal's years, or for ever once
    // appeals stall.
    let keep_forecast = forecast_change(rs, r, &base, &base)?;
    let mut options = vec![
        forecast_change(rs, r, &base, &comply)?,
        keep_forecast.clone(),
    ];
    let stall = stalls(rs, d.regime, rs.year);
    if may_appeal {
        let mut appeal = keep_forecast;
        for e in appeal
            .retaliation
            .iter_mut()
            .filter(|e| e.source == d.regime && e.probability == 1.0)
        {
            if stall {
                e.probability = 0.0;
            } else {
                e.from += rules.appeal_years.max(1) as u32;
            }
        }
        options.push(appeal);
    }
    let label = |k: usize| ["comply", "keep", "appeal"][k].into();
    match decide(rs, r, "dispute ruling", &options, &label) {
        0 => {
            rs.policy = comply;
            event(
                rs,
                EventKind::Compliance,
                r,
                c,
                &d,
                format!("{cause}: complied with the ruling"),
            );
            Ok(None)
        }
        1 => {
            rs.policy = keep;
            d.stage = Stage::Retaliation { tariff };
            rs.signal(r, c, -1.0);
            event(
                rs,
                EventKind::Retaliation,
                c,
                r,
                &d,
                format!("{cause}: {:.2}% extra tariff", 100.0 * tariff),
            );
            Ok(Some(d))
        }
        _ => {
            d.stage = Stage::Appeal {
                lodged: rs.year,
                stalled: stall,
            };
            let detail = if stall {
                format!("{cause}: appealed into the void")
            } else {
                format!("{cause}: appealed")
            };
            event(rs, EventKind::Appeal, r, c, &d, detail);
            Ok(Some(d))
        }
    }
}

/// Harmed members that detect a violation may request consultations.
fn file(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    let n = world.n_states();
    let year = rs.year;
    for (k, inst) in world.institutions.iter().enumerate() {
        let Some(rules) = inst.regime() else { continue };
        if !inst.in_force(year) {
            continue;
        }
        for respondent in 0..n {
            for harmed in (0..n).filter(|&h| world.states[h].acts) {
                for (cause, _) in rs.policy.violations_toward(world, k, respondent, harmed) {
                    let pending = rs.disputes.iter().any(|d| {
                        d.regime == k
                            && d.respondent == respondent
                            && d.complainant == harmed
                            && d.cause == cause
                    });
                    if pending || rs.rng.random::<f64>() >= rules.monitoring {
                        continue;
                    }
                    let d = Dispute {
                        regime: k,
                        complainant: harmed,
                        respondent,
                        cause,
                        filed: year,
                        stage: Stage::Consultations,
                    };
                    // Filing and, should it come to that, the panel's costs,
                    // against the outcome expected from a ruling.
                    let cost =
                        percent_of(rs, harmed, rules.filing_cost_musd + rules.panel_cost_musd);
                    let years = rules.consultation_years + rules.panel_years;
                    let options = pursue(rs, &d, years, cost)?;
                    let label = |k: usize| ["request_consultations", "wait"][k].into();
                    if decide(rs, harmed, "dispute filing", &options, &label) != 0 {
                        continue;
                    }
                    rs.record.disputes_filed[harmed] += 1;
                    rs.record.disputes_faced[respondent] += 1;
                    rs.signal(respondent, harmed, -1.0);
                    let detail = cause.describe(world);
                    event(rs, EventKind::Filing, harmed, respondent, &d, detail);
                    rs.disputes.push(d);
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
