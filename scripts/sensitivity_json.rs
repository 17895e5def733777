//! statecraft's sensitivity numerics as JSON, for comparison with another
//! implementation (`scripts/check_salib.py` compares them with SALib's).
//! Declared in Cargo.toml as the example `sensitivity_json`.
//!
//! Reads a JSON array of tasks on stdin and writes a JSON array of results,
//! one per task, in order; floats are written so they read back exactly.
//!
//! ```text
//! {"task": "sobol", "dims": D, "n": N, "skip": M}
//!     -> {"points": [[..], ..]}
//! {"task": "saltelli", "base": N, "params": D, "second_order": B, "skip": M}
//!     -> {"rows": [[..], ..], "blocks": ["A", "AB_1", ..]}
//! {"task": "sobol_analyze", "base": N, "params": D, "second_order": B,
//!  "y": [..], "resamples": [[..], ..], "conf_level": C}
//!     -> {"S1", "S1_conf", "ST", "ST_conf": [..], "S2": [[i, j, s2, conf], ..]}
//! {"task": "morris", "params": D, "trajectories": R, "levels": P, "seed": S}
//!     -> {"rows": [[..], ..]}
//! {"task": "morris_analyze", "rows": [[..], ..], "levels": P, "y": [..],
//!  "resamples": [[[..], ..], ..] (one set per parameter, or one), "conf_level": C}
//!     -> {"mu", "mu_star", "sigma", "mu_star_conf": [..]}
//! {"task": "quantile", "prior": "beta(2, 5)", "u": [..]}
//!     -> {"x": [..]}
//! ```
//!
//! Run: `cargo run --release --example sensitivity_json < tasks.json`.

use serde_json::{Value, json};
use statecraft::montecarlo::run_rng;
use statecraft::prior::Prior;
use statecraft::sensitivity::{Morris, Resamples, Saltelli, SobolSequence};
use std::io::Read;

fn main() -> anyhow::Result<()> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let tasks: Vec<Value> = serde_json::from_str(&input)?;
    let results = tasks.iter().map(run).collect::<anyhow::Result<Vec<_>>>()?;
    println!("{}", serde_json::to_string(&results)?);
    Ok(())
}

fn field<T: serde::de::DeserializeOwned>(task: &Value, name: &str) -> anyhow::Result<T> {
    let value = task
        .get(name)
        .ok_or_else(|| anyhow::anyhow!("task lacks `{name}`: {task}"))?;
    Ok(serde_json::from_value(value.clone())?)
}

fn run(task: &Value) -> anyhow::Result<Value> {
    let kind: String = field(task, "task")?;
    Ok(match kind.as_str() {
        "sobol" => {
            let mut seq = SobolSequence::new(field(task, "dims")?)?;
            seq.fast_forward(field(task, "skip")?);
            let n: usize = field(task, "n")?;
            json!({ "points": seq.take(n).collect::<Vec<_>>() })
        }
        "saltelli" => {
            let design = Saltelli::new(
                field(task, "base")?,
                field(task, "params")?,
                field(task, "second_order")?,
            )?;
            let blocks: Vec<String> = (0..design.rows())
                .map(|r| design.block(r).to_string())
                .collect();
            json!({ "rows": design.points(field(task, "skip")?)?, "blocks": blocks })
        }
        "sobol_analyze" => {
            let design = Saltelli::new(
                field(task, "base")?,
                field(task, "params")?,
                field(task, "second_order")?,
            )?;
            let resamples = Resamples::from_indices(design.base(), field(task, "resamples")?)?;
            let y: Vec<f64> = field(task, "y")?;
            let s = design.analyze(&y, &resamples, field(task, "conf_level")?)?;
            let s2: Vec<Value> =
                s.s2.iter()
                    .map(|p| json!([p.i, p.j, p.s2, p.s2_conf]))
                    .collect();
            json!({
                "S1": s.s1, "S1_conf": s.s1_conf, "ST": s.st, "ST_conf": s.st_conf, "S2": s2
            })
        }
        "morris" => {
            let mut rng = run_rng(field(task, "seed")?, 0);
            let design = Morris::sample(
                field(task, "params")?,
                field(task, "trajectories")?,
                field(task, "levels")?,
                &mut rng,
            )?;
            json!({ "rows": design.rows() })
        }
        "morris_analyze" => {
            let design = Morris::from_rows(field(task, "rows")?, field(task, "levels")?)?;
            let sets: Vec<Vec<Vec<usize>>> = field(task, "resamples")?;
            let resamples = sets
                .into_iter()
                .map(|draws| Resamples::from_indices(design.trajectories(), draws))
                .collect::<Result<Vec<_>, _>>()?;
            let y: Vec<f64> = field(task, "y")?;
            let m = design.analyze(&y, &resamples, field(task, "conf_level")?)?;
            json!({
                "mu": m.mu, "mu_star": m.mu_star, "sigma": m.sigma, "mu_star_conf": m.mu_star_conf
            })
        }
        "quantile" => {
            let prior: Prior = field::<String>(task, "prior")?.parse()?;
            let u: Vec<f64> = field(task, "u")?;
            json!({ "x": u.iter().map(|&u| prior.quantile(u)).collect::<Vec<_>>() })
        }
        other => anyhow::bail!("unknown task `{other}`"),
    })
}
