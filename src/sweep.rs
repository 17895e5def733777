//! Parameter sweeps: the same scenario at many points of parameter space, each
//! point a full Monte Carlo job with common random numbers (run r draws stream
//! r at every point), summarised in one tidy `sweep.csv`.
//!
//! A factorial design takes every combination of each parameter's grid
//! `from, from+step, …, to`; a Latin hypercube (McKay, Beckman & Conover 1979)
//! takes N points with exactly one in each of N equal strata of every
//! parameter, placed by a ChaCha8 stream reserved for the design
//! ([`DESIGN_STREAM`] of the master seed), so the same seed gives the same
//! sweep. Each point's results live in `points/pNNNN/` of the sweep directory.
//!
//! [`run`] runs a sweep (or its share of points with `--shard`, or the points
//! an interrupted sweep has not finished with `--resume`): every point is
//! checked to be a valid scenario before anything is written, `sweep.json`
//! ([`SweepState`]) records which sweep a directory holds, and each point is a
//! [`crate::job`] of its own. [`merge`] joins the directories of a sweep's
//! shards, each point from the one shard that holds it.

use crate::job::{self, JobError, JobSpec, Progress, Shard, UnknownProfile};
use crate::output::{CsvFile, OutputError, number};
use crate::scenario::{self, Loaded, Override, ScenarioError};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::AtomicBool;

/// The random stream of the master seed that places Latin-hypercube points
/// (runs use streams 0, 1, 2, …).
pub const DESIGN_STREAM: u64 = u64::MAX;

/// One varied parameter: a dotted scenario path and its range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub path: String,
    pub from: f64,
    pub to: f64,
    /// Grid step (factorial designs; Latin-hypercube values are snapped to it if given).
    pub step: Option<f64>,
}

impl FromStr for Dimension {
    type Err = String;

    /// `path=from:to:step` (or `path=from:to` for a Latin hypercube).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "expected PATH=FROM:TO:STEP (e.g. doctrines.neoliberal.discount=0.5:0.95:0.05), got `{s}`"
            )
        };
        let (path, range) = s.split_once('=').ok_or_else(bad)?;
        let parts: Vec<&str> = range.split(':').collect();
        let num = |x: &str| x.trim().parse::<f64>().map_err(|_| bad());
        let (from, to, step) = match parts.as_slice() {
            [a, b] => (num(a)?, num(b)?, None),
            [a, b, c] => (num(a)?, num(b)?, Some(num(c)?)),
            _ => return Err(bad()),
        };
        let d = Dimension {
            path: path.trim().to_string(),
            from,
            to,
            step,
        };
        d.check()?;
        Ok(d)
    }
}

impl Dimension {
    pub fn check(&self) -> Result<(), String> {
        if self.path.is_empty()
            || !self.from.is_finite()
            || !self.to.is_finite()
            || self.to < self.from
        {
            return Err(format!(
                "`{}`: a range needs finite from <= to, got {}:{}",
                self.path, self.from, self.to
            ));
        }
        if let Some(step) = self.step
            && !(step.is_finite() && step > 0.0)
        {
            return Err(format!(
                "`{}`: the step must be a positive number, got {step}",
                self.path
            ));
        }
        Ok(())
    }

    /// The factorial grid from..=to by step.
    fn grid(&self) -> Result<Vec<f64>, String> {
        let step = self.step.ok_or_else(|| {
            format!(
                "`{}`: a factorial design needs a step (FROM:TO:STEP)",
                self.path
            )
        })?;
        let n = ((self.to - self.from) / step + 1e-9).floor() as usize;
        if n > 100_000 {
            return Err(format!(
                "`{}`: {} grid values is too many",
                self.path,
                n + 1
            ));
        }
        Ok((0..=n).map(|i| tidy(self.from + i as f64 * step)).collect())
    }

    fn snap(&self, x: f64) -> f64 {
        match self.step {
            Some(step) => tidy((self.from + ((x - self.from) / step).round() * step).min(self.to)),
            None => x,
        }
    }
}

/// Round away binary noise (0.30000000000000004 → 0.3) so values print as
/// written.
fn tidy(x: f64) -> f64 {
    let scale = 1e12;
    (x * scale).round() / scale
}

/// How points are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    Factorial,
    Lhs,
}

impl FromStr for Design {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "factorial" => Ok(Design::Factorial),
            "lhs" => Ok(Design::Lhs),
            _ => Err(format!("unknown design `{s}`; use factorial or lhs")),
        }
    }
}

/// The points of a design: one value per dimension each.
pub fn points(
    dims: &[Dimension],
    design: Design,
    n: Option<usize>,
    seed: u64,
) -> Result<Vec<Vec<f64>>, String> {
    if dims.is_empty() {
        return Err(
            "a sweep needs at least one --vary PATH=FROM:TO:STEP (or a [sweep] table)".into(),
        );
    }
    match design {
        Design::Factorial => {
            let grids = dims
                .iter()
                .map(Dimension::grid)
                .collect::<Result<Vec<_>, _>>()?;
            let total = grids
                .iter()
                .try_fold(1usize, |acc, g| acc.checked_mul(g.len()))
                .unwrap_or(usize::MAX);
            if total > 1_000_000 {
                return Err(format!(
                    "the factorial design has {total} points; narrow the ranges or use --design lhs"
                ));
            }
            let mut out = vec![Vec::new()];
            for grid in &grids {
                out = out
                    .into_iter()
                    .flat_map(|p| grid.iter().map(move |&x| [p.clone(), vec![x]].concat()))
                    .collect();
            }
            Ok(out)
        }
        Design::Lhs => {
            let n = n.ok_or("a Latin-hypercube design needs --points N")?;
            if n == 0 || n > 1_000_000 {
                return Err(format!("--points must be between 1 and 1000000, got {n}"));
            }
            let mut rng = crate::montecarlo::run_rng(seed, DESIGN_STREAM);
            let mut out = vec![vec![0.0; dims.len()]; n];
            for (d, dim) in dims.iter().enumerate() {
                // A random permutation of the strata, then a uniform draw in each.
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    strata.swap(i, rng.random_range(0..=i));
                }
                for (point, &stratum) in out.iter_mut().zip(&strata) {
                    let u: f64 = rng.random();
                    let x = dim.from + (stratum as f64 + u) / n as f64 * (dim.to - dim.from);
                    point[d] = dim.snap(x);
                }
            }
            Ok(out)
        }
    }
}

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

/// A sweep to run: the points of a design, each a job of one profile.
#[derive(Clone, Debug)]
pub struct SweepSpec {
    pub dimensions: Vec<Dimension>,
    /// One value per dimension each, from [`points`].
    pub points: Vec<Vec<f64>>,
    pub profile: String,
    pub seed: u64,
    /// Runs at every point.
    pub runs: u64,
    /// A share of the points, for `merge` to join.
    pub shard: Option<Shard>,
    pub out: PathBuf,
    pub force: bool,
    pub resume: bool,
    pub timeseries: bool,
}

/// What a finished sweep (or merge of sweep shards) reports.
#[derive(Clone, Debug)]
pub struct SweepReport {
    pub out: PathBuf,
    /// Points this directory holds.
    pub points: usize,
    /// Runs at every point.
    pub runs: u64,
    pub shard: Option<Shard>,
    /// Points found finished and kept (with --resume).
    pub kept: usize,
}

/// Why a sweep stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A point's overrides make an invalid scenario.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Profile(#[from] UnknownProfile),
    #[error(transparent)]
    Job(#[from] JobError),
}

impl From<OutputError> for SweepError {
    fn from(e: OutputError) -> Self {
        SweepError::Job(e.into())
    }
}

/// The `--set` overrides of one sweep point: the user's, then the point's values.
pub fn point_overrides(set: &[Override], dims: &[Dimension], values: &[f64]) -> Vec<Override> {
    let mut overrides = set.to_vec();
    let mut buf = String::new();
    for (d, &x) in dims.iter().zip(values) {
        overrides.push(Override {
            path: d.path.clone(),
            value: number(&mut buf, x).to_string(),
        });
    }
    overrides
}

/// Has point `k` of the sweep in `out` finished?
fn point_done(out: &Path, k: usize) -> bool {
    let dir = point_dir(out, k);
    dir.join("summary.csv").exists() && dir.join("manifest.json").exists()
}

/// Run the sweep `spec` of the scenario `base` (loaded with the user's `--set`
/// overrides), telling `progress` the runs done over all its points.
pub fn run(
    base: &Loaded,
    spec: &SweepSpec,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<SweepReport, SweepError> {
    let out = &spec.out;
    let mine: Vec<usize> = match spec.shard {
        Some(s) => s
            .chunks(spec.points.len() as u64)
            .map(|k| k as usize)
            .collect(),
        None => (0..spec.points.len()).collect(),
    };
    let load = |k: usize| {
        scenario::load(
            &base.path,
            &point_overrides(&base.overrides, &spec.dimensions, &spec.points[k]),
        )
    };
    // Every point must be a valid scenario before anything is written.
    for k in 0..spec.points.len() {
        job::profile(&load(k)?.world, &spec.profile)?;
    }
    let state = SweepState {
        scenario_sha256: base.sha256.clone(),
        scenario_path: std::fs::canonicalize(&base.path).unwrap_or_else(|_| base.path.clone()),
        overrides: base.overrides.iter().map(|o| o.to_string()).collect(),
        seed: spec.seed,
        runs: spec.runs,
        profile: spec.profile.clone(),
        dimensions: spec.dimensions.clone(),
        points: spec.points.clone(),
        held: mine.clone(),
    };
    let recorded = out.join("sweep.json");
    if recorded.exists() && spec.resume {
        if !SweepState::read(out)?.same_sweep(&state) {
            return Err(OutputError::Mismatch(format!(
                "cannot resume {}: it holds a different sweep",
                out.display()
            ))
            .into());
        }
    } else if recorded.exists() || out.join("points").exists() {
        if !spec.force {
            let interrupted =
                SweepState::read(out).is_ok_and(|s| s.held.iter().any(|&k| !point_done(out, k)));
            return Err(if interrupted {
                OutputError::Interrupted(out.clone())
            } else {
                OutputError::Exists(out.clone())
            }
            .into());
        }
        for junk in [out.join("points"), out.join("sweep.csv"), recorded] {
            let _ = if junk.is_dir() {
                std::fs::remove_dir_all(&junk)
            } else {
                std::fs::remove_file(&junk)
            };
        }
    }
    std::fs::create_dir_all(out).map_err(|e| OutputError::io(out, e))?;
    state.write(out)?;
    let kept = mine.iter().filter(|&&k| point_done(out, k)).count();
    let total = mine.len() as u64 * spec.runs;
    progress.start(total, kept as u64 * spec.runs);
    let mut done = kept as u64 * spec.runs;
    for &k in mine.iter().filter(|&&k| !point_done(out, k)) {
        let loaded = load(k)?;
        let point = JobSpec {
            command: "sweep".into(),
            profiles: vec![job::profile(&loaded.world, &spec.profile)?],
            reference: 0,
            seed: spec.seed,
            runs: spec.runs,
            shard: None,
            out: point_dir(out, k),
            force: !spec.resume,
            resume: spec.resume,
            timeseries: spec.timeseries,
        };
        let within = Within {
            sweep: progress,
            total,
            before: done,
        };
        job::run(&loaded, &point, &within, cancel)?;
        done += spec.runs;
    }
    if spec.shard.is_none() {
        write_sweep_csv(out, &spec.dimensions, &spec.points)?;
    }
    Ok(SweepReport {
        out: out.clone(),
        points: mine.len(),
        runs: spec.runs,
        shard: spec.shard,
        kept,
    })
}

/// The progress of one point's job, reported as progress of the whole sweep.
struct Within<'a> {
    sweep: &'a dyn Progress,
    total: u64,
    /// Runs of the sweep done before this point.
    before: u64,
}

impl Progress for Within<'_> {
    fn start(&self, _total: u64, done: u64) {
        // Chunks a resume keeps in a half-finished point are not new work.
        if done > 0 {
            self.sweep.start(self.total, self.before + done);
        }
    }

    fn set(&self, done: u64) {
        self.sweep.set(self.before + done);
    }
}

/// Is `dir` a sweep directory (or a shard of one)?
pub fn is_sweep(dir: &Path) -> bool {
    dir.join("sweep.json").exists()
}

/// Join the directories of a sweep's shards into `out`: every point directory
/// copied from the one shard that holds it, then `sweep.csv`.
pub fn merge(dirs: &[PathBuf], out: &Path, force: bool) -> Result<SweepReport, OutputError> {
    let states = dirs
        .iter()
        .map(|d| SweepState::read(d))
        .collect::<Result<Vec<_>, _>>()?;
    let first = states
        .first()
        .ok_or_else(|| OutputError::Mismatch("no shard directories given".into()))?;
    let mut owner: Vec<Option<&PathBuf>> = vec![None; first.points.len()];
    for (state, dir) in states.iter().zip(dirs) {
        if !state.same_sweep(first) {
            return Err(OutputError::Mismatch(format!(
                "cannot merge {}: it holds a different sweep than {}",
                dir.display(),
                dirs[0].display()
            )));
        }
        for &k in &state.held {
            if k >= owner.len() {
                return Err(OutputError::Mismatch(format!(
                    "{}/sweep.json lists point {k} of a {}-point sweep",
                    dir.display(),
                    owner.len()
                )));
            }
            if let Some(other) = owner[k] {
                return Err(OutputError::Mismatch(format!(
                    "point {k} is in both {} and {}: the shards overlap",
                    other.display(),
                    dir.display()
                )));
            }
            if !point_dir(dir, k).join("summary.csv").exists() {
                return Err(OutputError::Mismatch(format!(
                    "{} has not finished point {k}; finish it with --resume first",
                    dir.display()
                )));
            }
            owner[k] = Some(dir);
        }
    }
    if let Some(k) = owner.iter().position(Option::is_none) {
        return Err(OutputError::Mismatch(format!(
            "point {k} is in none of the directories: a shard is missing"
        )));
    }
    if is_sweep(out) && !force {
        return Err(OutputError::Exists(out.to_path_buf()));
    }
    for (k, dir) in owner.iter().enumerate() {
        let dir = dir.expect("every point has a shard, checked above");
        copy_files(&point_dir(dir, k), &point_dir(out, k))?;
    }
    let merged = SweepState {
        held: (0..first.points.len()).collect(),
        ..first.clone()
    };
    merged.write(out)?;
    write_sweep_csv(out, &first.dimensions, &first.points)?;
    Ok(SweepReport {
        out: out.to_path_buf(),
        points: first.points.len(),
        runs: first.runs,
        shard: None,
        kept: 0,
    })
}

/// Copy every file of directory `from` into `to` (created if needed).
fn copy_files(from: &Path, to: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(to).map_err(|e| OutputError::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| OutputError::read(from, e))? {
        let entry = entry.map_err(|e| OutputError::read(from, e))?;
        let target = to.join(entry.file_name());
        std::fs::copy(entry.path(), &target).map_err(|e| OutputError::io(&target, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim(s: &str) -> Dimension {
        s.parse().unwrap()
    }

    #[test]
    fn factorial_designs_take_every_combination_of_the_grids() {
        let p = points(
            &[dim("a=0:1:0.5"), dim("b=10:20:10")],
            Design::Factorial,
            None,
            1,
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                vec![0.0, 10.0],
                vec![0.0, 20.0],
                vec![0.5, 10.0],
                vec![0.5, 20.0],
                vec![1.0, 10.0],
                vec![1.0, 20.0]
            ]
        );
        // Binary noise is rounded away: 0.1 steps print as written.
        let g = points(&[dim("x=0.1:0.5:0.1")], Design::Factorial, None, 1).unwrap();
        assert_eq!(
            g.iter().map(|v| v[0]).collect::<Vec<_>>(),
            vec![0.1, 0.2, 0.3, 0.4, 0.5]
        );
    }

    #[test]
    fn latin_hypercubes_put_one_point_in_every_stratum_and_repeat_with_the_seed() {
        let dims = [dim("a=0:1"), dim("b=-5:5")];
        let n = 50;
        let p = points(&dims, Design::Lhs, Some(n), 7).unwrap();
        assert_eq!(p.len(), n);
        for (d, dim) in dims.iter().enumerate() {
            let mut strata: Vec<usize> = p
                .iter()
                .map(|v| ((v[d] - dim.from) / (dim.to - dim.from) * n as f64).floor() as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..n).collect::<Vec<_>>(), "dimension {d}");
        }
        assert_eq!(p, points(&dims, Design::Lhs, Some(n), 7).unwrap());
        assert_ne!(p, points(&dims, Design::Lhs, Some(n), 8).unwrap());
    }

    #[test]
    fn bad_ranges_are_refused() {
        assert!("a=1:0:0.1".parse::<Dimension>().is_err());
        assert!("a=0:1:0".parse::<Dimension>().is_err());
        assert!("a=0:1:x".parse::<Dimension>().is_err());
        assert!("a".parse::<Dimension>().is_err());
        assert!(points(&[dim("a=0:1")], Design::Factorial, None, 1).is_err());
        assert!(points(&[dim("a=0:1")], Design::Lhs, None, 1).is_err());
    }
}
