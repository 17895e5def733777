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
use crate::policy::Policy;
use crate::scenario::format::TradeSpec;
use crate::scenario::{ScenarioError, data};
use crate::trade::{Baseline, Deficits, Solver, TradeError};
use crate::world::{TradeModel, World};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
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
    let policy = Policy::initial(world, t.baseline_year);
    let (mut tariff, mut cost) = (Matrix::new(n, n, 0.0), Matrix::new(n, n, 1.0));
    policy.shock(world, &mut tariff, &mut cost);
    let gdp: Vec<f64> = world.states.iter().map(|s| s.gdp_musd).collect();
    let calibration = |e: TradeError| r.at.error(&at.key("flows"), format!("{e}"));
    let mut baseline =
        Baseline::calibrate(&gdp, &flows, &tariff, t.elasticity).map_err(calibration)?;
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
    })
}
