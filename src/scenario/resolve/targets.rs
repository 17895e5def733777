//! Calibration targets: `[[target]]` (docs/model.md §8).
//!
//! Like a fact, a target is computed from what every run reports, so it is
//! checked against the catalogue of the finished world; each statistic names
//! the fields it takes and any other field set is reported, not ignored. A
//! target fitted to a fact must point at a fact tagged `role = "calibration"`:
//! a fact that is evidence for or against a theory may be predicted (a
//! `held_out` target) but never fitted, or it would be counted twice.

use super::{Resolver, Result};
use crate::outcome::Catalogue;
use crate::scenario::FieldPath;
use crate::scenario::format::{TargetSpec, TargetStatisticSpec};
use crate::world::{FactRole, Statistic, Target, World};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    t: &TargetSpec,
    world: &World,
    catalogue: &Catalogue,
) -> Result<Target> {
    let kind = match t.statistic {
        TargetStatisticSpec::Mean => "mean",
        TargetStatisticSpec::Share => "share",
        TargetStatisticSpec::Quantile => "quantile",
        TargetStatisticSpec::Fact => "fact",
    };
    let allowed: &[&str] = match t.statistic {
        TargetStatisticSpec::Mean => &["state", "metric", "undefined"],
        TargetStatisticSpec::Share => &["state", "metric", "min", "max"],
        TargetStatisticSpec::Quantile => &["state", "metric", "q", "undefined"],
        TargetStatisticSpec::Fact => &["fact"],
    };
    let present = [
        ("state", t.state.is_some()),
        ("metric", t.metric.is_some()),
        ("min", t.min.is_some()),
        ("max", t.max.is_some()),
        ("q", t.q.is_some()),
        ("undefined", t.undefined.is_some()),
        ("fact", t.fact.is_some()),
    ];
    r.only_keys(
        at,
        &present,
        allowed,
        &format!("a target with statistic `{kind}`"),
        " (besides id, description, pattern, observed, scale, source, held_out)",
    )?;
    r.require(
        !t.id.trim().is_empty(),
        &at.key("id"),
        "an empty id",
        "a non-empty id",
    )?;
    r.require(
        !t.source.trim().is_empty(),
        &at.key("source"),
        "an empty source",
        "the published work or dataset the observed value comes from",
    )?;
    r.require(
        t.observed.is_finite(),
        &at.key("observed"),
        t.observed,
        "a finite number",
    )?;
    r.require(
        t.scale.is_finite() && t.scale > 0.0,
        &at.key("scale"),
        t.scale,
        "a positive finite number (a difference of one scale is a distance of 1)",
    )?;
    if let Some(u) = t.undefined {
        r.require(u.is_finite(), &at.key("undefined"), u, "a finite number")?;
    }
    let need = |field: &str, v: Option<&String>| -> Result<String> {
        v.cloned().map_or_else(
            || {
                r.err(
                    at,
                    format!("a target with statistic `{kind}` needs `{field}`"),
                )
            },
            Ok,
        )
    };
    let metric = |r: &Resolver<'_, '_>| -> Result<(usize, String)> {
        let s = r.state(&at.key("state"), &need("state", t.state.as_ref())?)?;
        let metric = need("metric", t.metric.as_ref())?;
        if catalogue.find(s, &metric).is_none() {
            let known = catalogue.names_for(s).join(", ");
            return r.err(
                &at.key("metric"),
                format!(
                    "`{}` reports no metric `{metric}`; its metrics are: {known}",
                    world.states[s].code
                ),
            );
        }
        Ok((s, metric))
    };
    let share = |r: &Resolver<'_, '_>| {
        r.require(
            (0.0..=1.0).contains(&t.observed),
            &at.key("observed"),
            t.observed,
            "a share in [0, 1] (this statistic is a share of runs)",
        )
    };
    let statistic = match t.statistic {
        TargetStatisticSpec::Mean => {
            let (state, metric) = metric(r)?;
            Statistic::Mean {
                state,
                metric,
                undefined: t.undefined,
            }
        }
        TargetStatisticSpec::Share => {
            let (state, metric) = metric(r)?;
            if t.min.is_none() && t.max.is_none() {
                return r.err(
                    at,
                    "a target with statistic `share` needs `min`, `max` or both",
                );
            }
            let (min, max) = (
                t.min.unwrap_or(f64::NEG_INFINITY),
                t.max.unwrap_or(f64::INFINITY),
            );
            r.require(
                !min.is_nan() && !max.is_nan() && min <= max,
                &at.key("max"),
                max,
                "a number >= min",
            )?;
            share(r)?;
            Statistic::Share {
                state,
                metric,
                min,
                max,
            }
        }
        TargetStatisticSpec::Quantile => {
            let (state, metric) = metric(r)?;
            let Some(q) = t.q else {
                return r.err(at, "a target with statistic `quantile` needs `q`");
            };
            r.require(
                q > 0.0 && q < 1.0,
                &at.key("q"),
                q,
                "a probability strictly between 0 and 1",
            )?;
            Statistic::Quantile {
                state,
                metric,
                q,
                undefined: t.undefined,
            }
        }
        TargetStatisticSpec::Fact => {
            let id = need("fact", t.fact.as_ref())?;
            let Some(k) = world.facts.iter().position(|f| f.id == id) else {
                let known: Vec<&str> = world.facts.iter().map(|f| f.id.as_str()).collect();
                return r.err(
                    &at.key("fact"),
                    format!(
                        "no fact has the id `{id}`; the scenario's facts are: {}",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                );
            };
            if world.facts[k].role != FactRole::Calibration && !t.held_out {
                return r.err(
                    &at.key("fact"),
                    format!(
                        "fact `{id}` is evidence, and evidence is never used in fitting; tag the fact role = \"calibration\" to fit to it, or make this target held_out = true to only predict it"
                    ),
                );
            }
            share(r)?;
            Statistic::Fact { fact: k }
        }
    };
    Ok(Target {
        id: t.id.clone(),
        description: t.description.clone(),
        pattern: t.pattern.clone(),
        statistic,
        observed: t.observed,
        scale: t.scale,
        source: t.source.clone(),
        held_out: t.held_out,
    })
}
