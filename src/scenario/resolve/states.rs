//! States and the doctrines they follow: `[doctrines.<doctrine>]` and
//! `[states.<CODE>]` (with `[states.<CODE>.params]`).
//!
//! A state's coefficients are resolved here for all three doctrines, not only
//! its own — defaults, then `[doctrines.<doctrine>]`, then the state's `params` —
//! because a profile may switch the state's theory, and the state's own
//! overrides must stay in force when it does.

use super::{CODE, Resolver, Result, TARIFF, path, percent_ok};
use crate::doctrine::params::Range;
use crate::doctrine::{Doctrine, Params};
use crate::scenario::format::ScenarioFile;
use crate::world::{Learning, State};

/// Largest GDP or military expenditure, US$ million: 10¹², about ten
/// thousand times world GDP, so that sums over states cannot overflow.
pub const MAX_MUSD: f64 = 1e12;

pub(super) fn resolve(r: &Resolver<'_, '_>, spec: &ScenarioFile) -> Result<Vec<State>> {
    for d in Doctrine::ALL {
        r.check_params(&path("doctrines").key(d.as_str()), spec.doctrines.get(d))?;
    }
    if spec.states.is_empty() {
        return r.err(
            &path("states"),
            "a scenario needs at least one state, e.g. [states.KAZ]",
        );
    }
    let mut states = Vec::with_capacity(spec.states.len());
    for (code, s) in &spec.states {
        let at = path("states").key(code);
        r.require_key(
            super::is_code(code),
            &at,
            code,
            &format!("{CODE} (e.g. KAZ, EU27)"),
        )?;
        // `ALL` names the region in outputs; a state with that code would be
        // indistinguishable from it.
        if code == "ALL" {
            return r.err_key(
                &at,
                "`ALL` is reserved for region-level metrics; pick another code",
            );
        }
        r.require_name(&at, &s.name)?;
        r.require(
            s.gdp_musd.is_finite() && s.gdp_musd > 0.0 && s.gdp_musd <= MAX_MUSD,
            &at.key("gdp_musd"),
            s.gdp_musd,
            "a positive number (GDP, US$ million) up to 1e12",
        )?;
        r.require(
            s.military_musd.is_finite() && s.military_musd >= 0.0 && s.military_musd <= MAX_MUSD,
            &at.key("military_musd"),
            s.military_musd,
            "a number >= 0 (military expenditure, US$ million) up to 1e12",
        )?;
        r.check_params(&at.key("params"), &s.params)?;
        r.require(
            percent_ok(s.tariff_percent),
            &at.key("tariff_percent"),
            s.tariff_percent,
            TARIFF,
        )?;
        let unilateral = s
            .unilateral_tariff_percent
            .or(spec.trade.as_ref().map(|t| t.unilateral_tariff_percent))
            .unwrap_or(s.tariff_percent);
        r.require(
            percent_ok(unilateral),
            &at.key("unilateral_tariff_percent"),
            unilateral,
            TARIFF,
        )?;
        // Learning is part of the world model: the same whatever the doctrine.
        let rate = |key: &str, own: Option<f64>, model: f64| -> Result<f64> {
            let x = own.unwrap_or(model);
            r.require(
                Range::Unit.admits(x),
                &at.key(key),
                x,
                Range::Unit.describe(),
            )?;
            Ok(x)
        };
        let learning = Learning {
            affinity: rate(
                "affinity_learning",
                s.affinity_learning,
                spec.model.affinity_learning,
            )?,
            drift: rate(
                "affinity_drift",
                s.affinity_drift,
                spec.model.affinity_drift,
            )?,
            norms: rate("norm_learning", s.norm_learning, spec.model.norm_learning)?,
        };
        let params = Doctrine::ALL.map(|d| {
            let mut p = Params::default();
            spec.doctrines.get(d).apply(&mut p);
            s.params.apply(&mut p);
            p
        });
        states.push(State {
            code: code.clone(),
            name: s.name.clone(),
            gdp_musd: s.gdp_musd,
            military_musd: s.military_musd,
            great_power: s.great_power,
            neighbours: Vec::new(),
            doctrine: s.doctrine,
            overrides: s.params.clone(),
            params,
            tariff: s.tariff_percent / 100.0,
            unilateral_tariff: unilateral / 100.0,
            acts: s.acts,
            learning,
            reciprocity: s.reciprocity.unwrap_or(spec.model.reciprocity),
        });
    }
    for (i, s) in spec.states.values().enumerate() {
        let at = path("states").key(&r.codes[i]).key("neighbours");
        for j in r.state_list(&at, &s.neighbours)? {
            if j == i {
                return r.err(&at, format!("`{}` cannot neighbour itself", r.codes[i]));
            }
            // Borders are symmetric: listing a neighbour on either side suffices.
            for (a, b) in [(i, j), (j, i)] {
                if !states[a].neighbours.contains(&b) {
                    states[a].neighbours.push(b);
                }
            }
        }
    }
    Ok(states)
}
