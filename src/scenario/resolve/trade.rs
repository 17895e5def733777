//! The trade model: `[trade]` and the flows file it names, calibrated to the
//! policies in force in its baseline year.
//!
//! Domestic absorption is GDP minus exports, so each state's `gdp_musd` must
//! exceed its exports in the flows file. With `deficits = "purged"` the
//! baseline is first moved to balanced trade, as in Dekle, Eaton & Kortum
//! ("Unbalanced trade", *American Economic Review*, 2007), so that what-ifs
//! are not driven by deficits held fixed. A calibration failure is reported
//! at `trade.flows`, since the data are what the solver could not fit.

use super::{Resolver, Result, path};
use crate::matrix::Matrix;
use crate::policy::{Policy, Stance};
use crate::scenario::format::{ScenarioFile, TradeSpec};
use crate::scenario::{ScenarioError, data};
use crate::trade::{Baseline, Deficits, Solver, TradeError};
use crate::world::{TradeModel, World};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    t: &TradeSpec,
    world: &World,
    dir: &Path,
) -> Result<TradeModel> {
    let at = path("trade");
    r.require(
        t.elasticity.is_finite() && t.elasticity > 0.0 && t.elasticity <= 50.0,
        &at.key("elasticity"),
        t.elasticity,
        "a trade elasticity in (0, 50]",
    )?;
    if t.flows.trim().is_empty() {
        return r.err(
            &at.key("flows"),
            "is empty; it names the trade data, a CSV file (exporter,importer,value_musd) relative to the scenario file's directory, e.g. \"flows.csv\"",
        );
    }
    // Messages name the file as joined to the scenario's directory, so the
    // user sees which file was read.
    let file = dir.join(&t.flows);
    let shown = file.display().to_string();
    let codes: Vec<String> = world.states.iter().map(|s| s.code.clone()).collect();
    // Read once: the bytes parsed are the bytes hashed.
    let bytes = data::read_input(&file, data::MAX_DATA_BYTES).map_err(|e| {
        ScenarioError::whole(
            &shown,
            format!(
                "cannot read the trade data: {e}; the scenario's `trade.flows` names a CSV file (exporter,importer,value_musd) relative to the scenario file's directory"
            ),
        )
    })?;
    let flows = data::parse_flows(&bytes, &shown, &codes)?;
    let flows_sha256 = crate::scenario::sha256_hex(&bytes);
    let n = world.n_states();
    for (i, st) in world.states.iter().enumerate() {
        let exports: f64 = (0..n).map(|m| flows.get(i, m)).sum();
        r.require(
            st.gdp_musd > exports,
            &path("states").key(&st.code).key("gdp_musd"),
            st.gdp_musd,
            &format!(
                "more than the state's goods exports in {} ({exports:.1}): domestic absorption is GDP − exports",
                t.flows
            ),
        )?;
    }
    let policy = data_year_policy(r, t, world)?;
    let (mut tariff, mut cost) = (Matrix::new(n, n, 0.0), Matrix::new(n, n, 1.0));
    policy.shock(world, &mut tariff, &mut cost);
    let gdp: Vec<f64> = world.states.iter().map(|s| s.gdp_musd).collect();
    let calibration = |e: TradeError| r.at.error(&at.key("flows"), format!("{e}"));
    let mut baseline = Baseline::calibrate(&gdp, &flows, &tariff, t.elasticity)
        .map_err(calibration)?
        .with_cost(cost);
    if t.deficits == Deficits::Purged {
        baseline = baseline.purged(&mut Solver::new(n)).map_err(calibration)?;
    }
    // The id keys the shared equilibrium cache: two worlds resolved in one
    // process (the points of a sweep) must never share solutions.
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    Ok(TradeModel {
        flows_sha256,
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        flows: t.flows.clone(),
        baseline_year: t.baseline_year,
        deficits: t.deficits,
        baseline,
        growth: growth(r, spec, world, t.baseline_year)?,
    })
}

/// The policies in force in the data year: the exogenous history (members,
/// joins, foundings, measures) plus `[trade.history]`, what the run decides
/// but history had settled by then — so that the data year's trade is the
/// trade under the data year's policies.
fn data_year_policy(r: &Resolver<'_, '_>, t: &TradeSpec, world: &World) -> Result<Policy> {
    let mut p = Policy::initial(world, t.baseline_year);
    let at = path("trade").key("history");
    let k = world.institutions.len();
    for (code, states) in &t.history.members {
        let a = at.key("members").key(code);
        let i = r.institution_key(&a, code)?;
        for s in r.state_list(&a, states)? {
            p.set_member(s, i, true);
            // Long enough ago for any lag (an initiative's corridor) to have run.
            p.since[s * k + i] = i32::MIN;
        }
    }
    for (code, rates) in &t.history.bound_percent {
        let a = at.key("bound_percent").key(code);
        let i = r.institution_key(&a, code)?;
        if world.institutions[i].regime().is_none() {
            return r.err_key(&a, format!("`{code}` is not a trade regime"));
        }
        for (state, &rate) in rates {
            let b = a.key(state);
            let s = r.state_key(&b, state)?;
            r.require(super::percent_ok(rate), &b, rate, super::TARIFF)?;
            p.bound.set(s, i, rate / 100.0);
        }
    }
    for (state, &stance) in &t.history.stances {
        let a = at.key("stances").key(state);
        let s = r.state_key(&a, state)?;
        if stance == Stance::Cet && p.union_of(world, s).is_none() {
            return r.err(
                &a,
                format!(
                    "`{state}` is in no customs union in the data year, so it has no CET to apply"
                ),
            );
        }
        p.stance[s] = stance;
    }
    for (name, stances) in &t.history.sanctions {
        let a = at.key("sanctions").key(name);
        let Some(j) = world.sanctions.iter().position(|x| &x.name == name) else {
            let names: Vec<&str> = world.sanctions.iter().map(|x| x.name.as_str()).collect();
            return r.err_key(
                &a,
                format!(
                    "no sanctions regime `{name}`; the scenario's are: {}",
                    names.join(", ")
                ),
            );
        };
        for (state, &stance) in stances {
            let s = r.state_key(&a.key(state), state)?;
            p.sanction[s * world.sanctions.len() + j] = stance;
        }
    }
    Ok(p)
}

/// Each state's real GDP by year relative to the data year, when the
/// scenario gives `gdp_by_year`: every state must give a series covering the
/// data year and every year of the timeline, with positive values.
fn growth(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    world: &World,
    baseline_year: i32,
) -> Result<Vec<(i32, Vec<f64>)>> {
    if spec.states.values().all(|s| s.gdp_by_year.is_empty()) {
        return Ok(Vec::new());
    }
    let years: Vec<i32> = world.years().collect();
    let mut series = Vec::with_capacity(world.n_states());
    for (code, s) in &spec.states {
        let at = path("states").key(code).key("gdp_by_year");
        if s.gdp_by_year.is_empty() {
            return r.err(
                &at,
                "a GDP series for every state: others give one, and growth relative to the data year needs them all",
            );
        }
        let mut by_year = std::collections::BTreeMap::new();
        for (year, &x) in &s.gdp_by_year {
            let a = at.key(year);
            let y: i32 = year.parse().map_err(|_| {
                r.at.key_error(
                    &a,
                    format!("`{year}` is not a year; write e.g. 1995 = 20374.0"),
                )
            })?;
            r.require(x.is_finite() && x > 0.0, &a, x, "a positive real GDP")?;
            by_year.insert(y, x);
        }
        let Some(&base) = by_year.get(&baseline_year) else {
            return r.err(
                &at,
                format!("a value for the data year {baseline_year}: growth is measured from it"),
            );
        };
        if let Some(gap) = years.iter().find(|y| !by_year.contains_key(y)) {
            return r.err(
                &at,
                format!("a value for every year of the timeline; {gap} is missing"),
            );
        }
        series.push((base, by_year));
    }
    Ok(years
        .iter()
        .map(|y| (*y, series.iter().map(|(base, s)| s[y] / base).collect()))
        .collect())
}
