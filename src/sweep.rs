//! Parameter sweeps: the same scenario at many points of parameter space
//! (chosen by a [`crate::design`]), each point a full Monte Carlo job with
//! common random numbers (run r draws stream r at every point), summarised in
//! one tidy `sweep.csv`. Each point's results live in `points/pNNNN/` of the
//! sweep directory.

use crate::design::Dimension;
use crate::output::{CsvFile, OutputError, number};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Directory of point `k` inside a sweep directory.
pub fn point_dir(out: &Path, k: usize) -> PathBuf {
    out.join("points").join(format!("p{k:04}"))
}

/// What identifies a sweep, written to `sweep.json` (every shard has one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepState {
    pub scenario_sha256: String,
    pub scenario_path: PathBuf,
    pub overrides: Vec<String>,
    pub seed: u64,
    pub runs: u64,
    pub profile: String,
    pub dimensions: Vec<Dimension>,
    pub points: Vec<Vec<f64>>,
    /// Points this directory holds.
    pub held: Vec<usize>,
}

impl SweepState {
    pub fn read(dir: &Path) -> Result<SweepState, OutputError> {
        let path = dir.join("sweep.json");
        let text = std::fs::read_to_string(&path).map_err(|e| OutputError::read(&path, e))?;
        serde_json::from_str(&text).map_err(|e| OutputError::Corrupt {
            path,
            what: e.to_string(),
        })
    }

    pub fn write(&self, dir: &Path) -> Result<(), OutputError> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| OutputError::io(dir, std::io::Error::other(e)))?;
        crate::output::write_atomic(dir, "sweep.json", &json).map(|_| ())
    }

    /// Is this the same sweep as `other` (whatever points each holds)?
    pub fn same_sweep(&self, other: &SweepState) -> bool {
        let strip = |s: &SweepState| SweepState {
            held: Vec::new(),
            ..s.clone()
        };
        strip(self) == strip(other)
    }
}

/// `sweep.csv`: for every point, its parameter values and every row of the
/// point's `summary.csv`, read from `points/pNNNN/` in point order.
pub fn write_sweep_csv(
    out: &Path,
    dims: &[Dimension],
    points: &[Vec<f64>],
) -> Result<(), OutputError> {
    let mut header: Vec<&str> = vec!["point"];
    header.extend(dims.iter().map(|d| d.path.as_str()));
    let summary_columns = [
        "profile", "state", "metric", "n", "mean", "sd", "ci_low", "ci_high", "p05", "p50", "p95",
    ];
    header.extend(summary_columns);
    let mut file = CsvFile::create(out, "sweep.csv", &header)?;
    let mut buf = String::new();
    for (k, values) in points.iter().enumerate() {
        let path = point_dir(out, k).join("summary.csv");
        let mut reader = csv::Reader::from_path(&path)
            .map_err(|e| OutputError::read(&path, std::io::Error::other(e)))?;
        for record in reader.records() {
            let record = record.map_err(|e| OutputError::Corrupt {
                path: path.clone(),
                what: e.to_string(),
            })?;
            let mut row: Vec<String> = vec![k.to_string()];
            row.extend(values.iter().map(|&x| number(&mut buf, x).to_string()));
            row.extend(record.iter().map(str::to_string));
            file.row(&row)?;
        }
    }
    file.finish().map(|_| ())
}
