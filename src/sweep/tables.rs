//! The sweep-level files, read from the points' own results in point order:
//! `sweep.csv` (every point's summary rows), `sweep_retrodiction.csv` (every
//! point's share of runs matching each fact) and, for Morris and Sobol'
//! designs, `sensitivity.csv` — the indices of [`crate::sensitivity`] of
//! every output against every parameter.
//!
//! An output is a metric's mean over a point's runs (`summary.csv`) or a
//! fact's share of runs matching (`retrodiction.csv`, written `fact:<id>`).
//! The indices are computed sequentially, output by output, with the same
//! bootstrap resamples for every output, drawn from the reserved stream
//! [`BOOTSTRAP_STREAM`] of the seed — so the file is a function of the
//! points' outputs and the seed alone, identical at any thread count and
//! across shards and merges.

use super::{SweepState, point_dir};
use crate::design::{BOOTSTRAP_STREAM, Method};
use crate::output::{CsvFile, OutputError, number};
use crate::sensitivity::{Morris, Resamples, Saltelli};
use std::collections::HashMap;
use std::path::Path;

/// Bootstrap resamples and confidence level of the intervals: SALib's
/// defaults (100 for Sobol' indices, 1000 for Morris's μ*; 95%).
const SOBOL_RESAMPLES: usize = 100;
const MORRIS_RESAMPLES: usize = 1000;
const CONFIDENCE: f64 = 0.95;

/// One output of every point: (profile, state, output name).
type Key = (String, String, String);

/// What the sweep-level files say, for the printed table.
#[derive(Clone, Debug, Default)]
pub struct Digest {
    /// Each fact (with `all`) of the first profile: the smallest and largest
    /// share over the points.
    pub fact_ranges: Vec<(String, f64, f64)>,
    /// The index the top parameters are ranked by (`ST` or `mu_star`), if
    /// the design is a sensitivity design.
    pub ranked_by: Option<&'static str>,
    /// For each fact with indices: its parameters, largest index first.
    pub top: Vec<(String, Vec<(String, f64)>)>,
    /// Outputs without indices: constant over the design, or undefined at
    /// some point.
    pub constant: usize,
    pub undefined: usize,
}

/// A fact's row of a point's `retrodiction.csv`: profile, fact, runs,
/// matched, share (as written).
type FactRow = (String, String, String, String, String);

/// The outputs of every point, in point order.
struct Outputs {
    keys: Vec<Key>,
    /// values[output][point]; NaN where a point does not define it.
    values: Vec<Vec<f64>>,
    /// Fact rows of every point: (profile, fact, runs, matched, share).
    facts: Vec<Vec<FactRow>>,
}

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>, OutputError> {
    csv::Reader::from_path(path).map_err(|e| OutputError::read(path, std::io::Error::other(e)))
}

fn corrupt(path: &Path, what: impl ToString) -> OutputError {
    OutputError::Corrupt {
        path: path.to_path_buf(),
        what: what.to_string(),
    }
}

/// The column `name` of a CSV header.
fn column(headers: &csv::StringRecord, name: &str, path: &Path) -> Result<usize, OutputError> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| corrupt(path, format!("it has no `{name}` column")))
}

fn read_outputs(out: &Path, points: usize) -> Result<Outputs, OutputError> {
    let mut keys: Vec<Key> = Vec::new();
    let mut slot: HashMap<Key, usize> = HashMap::new();
    let mut values: Vec<Vec<f64>> = Vec::new();
    let mut facts = Vec::with_capacity(points);
    let mut add = |key: Key, k: usize, x: f64, values: &mut Vec<Vec<f64>>| {
        let i = *slot.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            values.push(vec![f64::NAN; points]);
            values.len() - 1
        });
        values[i][k] = x;
    };
    let mut fact_keys = Vec::new();
    for k in 0..points {
        let path = point_dir(out, k).join("summary.csv");
        let mut r = reader(&path)?;
        let h = r.headers().map_err(|e| corrupt(&path, e))?.clone();
        let (p, s, m, mean) = (
            column(&h, "profile", &path)?,
            column(&h, "state", &path)?,
            column(&h, "metric", &path)?,
            column(&h, "mean", &path)?,
        );
        for record in r.records() {
            let record = record.map_err(|e| corrupt(&path, e))?;
            let x = record[mean].parse::<f64>().unwrap_or(f64::NAN);
            let key = (
                record[p].to_string(),
                record[s].to_string(),
                record[m].to_string(),
            );
            add(key, k, x, &mut values);
        }
        let path = point_dir(out, k).join("retrodiction.csv");
        let mut rows = Vec::new();
        if path.exists() {
            let mut r = reader(&path)?;
            let h = r.headers().map_err(|e| corrupt(&path, e))?.clone();
            let cols = [
                column(&h, "profile", &path)?,
                column(&h, "fact", &path)?,
                column(&h, "runs", &path)?,
                column(&h, "matched", &path)?,
                column(&h, "share", &path)?,
            ];
            for record in r.records() {
                let record = record.map_err(|e| corrupt(&path, e))?;
                let [a, b, c, d, e] = cols.map(|i| record[i].to_string());
                let x = e.parse::<f64>().unwrap_or(f64::NAN);
                fact_keys.push(((a.clone(), String::new(), format!("fact:{b}")), k, x));
                rows.push((a, b, c, d, e));
            }
        }
        facts.push(rows);
    }
    // Facts after the metrics, in the first point's order.
    for (key, k, x) in fact_keys {
        add(key, k, x, &mut values);
    }
    Ok(Outputs {
        keys,
        values,
        facts,
    })
}

/// Write `sweep.csv`, `sweep_retrodiction.csv` (when the scenario has
/// facts) and `sensitivity.csv` (for a sensitivity design) into `out`, whose
/// points are all finished.
pub fn write(out: &Path, state: &SweepState) -> Result<Digest, OutputError> {
    write_sweep_csv(out, state)?;
    let outputs = read_outputs(out, state.points.len())?;
    let mut digest = Digest::default();
    write_retrodiction(out, &outputs, &mut digest)?;
    if let Some(plan) = &state.sensitivity {
        write_sensitivity(out, state, plan.method, &plan.unit, &outputs, &mut digest)?;
    }
    Ok(digest)
}

/// `sweep.csv`: for every point, its block, its parameter values and every
/// row of the point's `summary.csv`, in point order.
fn write_sweep_csv(out: &Path, state: &SweepState) -> Result<(), OutputError> {
    let mut header: Vec<&str> = vec!["point", "block"];
    header.extend(state.dimensions.iter().map(|d| d.path.as_str()));
    let summary_columns = [
        "profile", "state", "metric", "n", "mean", "sd", "ci_low", "ci_high", "p05", "p50", "p95",
    ];
    header.extend(summary_columns);
    let mut file = CsvFile::create(out, "sweep.csv", &header)?;
    let mut buf = String::new();
    for (k, values) in state.points.iter().enumerate() {
        let path = point_dir(out, k).join("summary.csv");
        let mut r = reader(&path)?;
        let block = state.blocks.get(k).map_or("", String::as_str);
        for record in r.records() {
            let record = record.map_err(|e| corrupt(&path, e))?;
            let mut row: Vec<String> = vec![k.to_string(), block.to_string()];
            for &x in values {
                row.push(number(&mut buf, x)?.to_string());
            }
            row.extend(record.iter().map(str::to_string));
            file.row(&row)?;
        }
    }
    file.finish().map(|_| ())
}

/// `sweep_retrodiction.csv`: every point's `retrodiction.csv` counts.
fn write_retrodiction(
    out: &Path,
    outputs: &Outputs,
    digest: &mut Digest,
) -> Result<(), OutputError> {
    if outputs.facts.iter().all(Vec::is_empty) {
        return Ok(());
    }
    let mut file = CsvFile::create(
        out,
        "sweep_retrodiction.csv",
        &["point", "profile", "fact", "runs", "matched", "share"],
    )?;
    for (k, rows) in outputs.facts.iter().enumerate() {
        for (profile, fact, runs, matched, share) in rows {
            file.row([k.to_string().as_str(), profile, fact, runs, matched, share])?;
        }
    }
    file.finish()?;
    for (key, values) in outputs.keys.iter().zip(&outputs.values) {
        if let Some(fact) = key.2.strip_prefix("fact:") {
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            digest.fact_ranges.push((fact.to_string(), lo, hi));
        }
    }
    Ok(())
}

/// One row of `sensitivity.csv`.
struct Row<'a> {
    key: &'a Key,
    parameter: String,
    index: &'static str,
    estimate: f64,
    /// The estimate ± the bootstrap half-width, where the index has one.
    half_width: Option<f64>,
}

fn write_sensitivity(
    out: &Path,
    state: &SweepState,
    method: Method,
    unit: &[Vec<f64>],
    outputs: &Outputs,
    digest: &mut Digest,
) -> Result<(), OutputError> {
    let paths: Vec<&str> = state.dimensions.iter().map(|d| d.path.as_str()).collect();
    let d = paths.len();
    let mismatch = |e: crate::sensitivity::SensitivityError| {
        corrupt(
            &out.join("sweep.json"),
            format!("its design cannot be analysed: {e}"),
        )
    };
    let mut rng = crate::montecarlo::run_rng(state.seed, BOOTSTRAP_STREAM);
    enum Analysis {
        Sobol(Saltelli, Resamples),
        Morris(Morris, Vec<Resamples>),
    }
    let analysis = match method {
        Method::Sobol { base, second_order } => {
            let s = Saltelli::new(base, d, second_order).map_err(mismatch)?;
            Analysis::Sobol(s, Resamples::draw(base, SOBOL_RESAMPLES, &mut rng))
        }
        Method::Morris { levels, .. } => {
            let m = Morris::from_rows(unit.to_vec(), levels).map_err(mismatch)?;
            let r = m.trajectories();
            Analysis::Morris(m, vec![Resamples::draw(r, MORRIS_RESAMPLES, &mut rng)])
        }
    };
    let ranked_by = match analysis {
        Analysis::Sobol(..) => "ST",
        Analysis::Morris(..) => "mu_star",
    };
    digest.ranked_by = Some(ranked_by);
    let mut file = CsvFile::create(
        out,
        "sensitivity.csv",
        &[
            "profile",
            "state",
            "output",
            "parameter",
            "index",
            "estimate",
            "ci_low",
            "ci_high",
        ],
    )?;
    let mut bufs: [String; 3] = Default::default();
    for (key, y) in outputs.keys.iter().zip(&outputs.values) {
        // No indices for an output some point leaves undefined (no run
        // defined it) or that the design never moves.
        if y.iter().any(|x| !x.is_finite()) {
            digest.undefined += 1;
            continue;
        }
        if y.iter().all(|&x| x == y[0]) {
            digest.constant += 1;
            continue;
        }
        let mut rows = Vec::new();
        match &analysis {
            Analysis::Sobol(s, resamples) => {
                let ix = s.analyze(y, resamples, CONFIDENCE).map_err(mismatch)?;
                for (j, path) in paths.iter().enumerate() {
                    for (index, estimate, conf) in [
                        ("S1", ix.s1[j], ix.s1_conf[j]),
                        ("ST", ix.st[j], ix.st_conf[j]),
                    ] {
                        rows.push(Row {
                            key,
                            parameter: path.to_string(),
                            index,
                            estimate,
                            half_width: Some(conf),
                        });
                    }
                }
                for pair in &ix.s2 {
                    rows.push(Row {
                        key,
                        parameter: format!("{}*{}", paths[pair.i], paths[pair.j]),
                        index: "S2",
                        estimate: pair.s2,
                        half_width: Some(pair.s2_conf),
                    });
                }
            }
            Analysis::Morris(m, resamples) => {
                let ix = m.analyze(y, resamples, CONFIDENCE).map_err(mismatch)?;
                for (j, path) in paths.iter().enumerate() {
                    for (index, estimate, conf) in [
                        ("mu", ix.mu[j], None),
                        ("mu_star", ix.mu_star[j], Some(ix.mu_star_conf[j])),
                        ("sigma", ix.sigma[j], None),
                    ] {
                        rows.push(Row {
                            key,
                            parameter: path.to_string(),
                            index,
                            estimate,
                            half_width: conf,
                        });
                    }
                }
            }
        }
        for row in &rows {
            let [a, b, c] = &mut bufs;
            let (lo, hi) = match row.half_width {
                Some(h) => (row.estimate - h, row.estimate + h),
                None => (f64::NAN, f64::NAN),
            };
            file.row([
                row.key.0.as_str(),
                row.key.1.as_str(),
                row.key.2.as_str(),
                row.parameter.as_str(),
                row.index,
                number(a, row.estimate)?,
                number(b, lo)?,
                number(c, hi)?,
            ])?;
        }
        if let Some(fact) = key.2.strip_prefix("fact:") {
            let mut ranked: Vec<(String, f64)> = rows
                .iter()
                .filter(|r| r.index == ranked_by)
                .map(|r| (r.parameter.clone(), r.estimate))
                .collect();
            // Largest first; ties keep the parameters' order.
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
            digest.top.push((fact.to_string(), ranked));
        }
    }
    file.finish().map(|_| ())
}
