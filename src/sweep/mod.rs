//! Parameter sweeps: the same scenario at many points of parameter space
//! (chosen by a [`crate::design`]), each point a full Monte Carlo job with
//! common random numbers (run r draws stream r at every point), summarised in
//! one tidy `sweep.csv`. Each point's results live in `points/pNNNN/` of the
//! sweep directory.
//!
//! [`run`] runs a sweep (or its share of points with `--shard`, or the points
//! an interrupted sweep has not finished with `--resume`): every point is
//! checked to be a valid scenario before anything is written, `sweep.json`
//! ([`SweepState`]) records which sweep a directory holds, and each point is a
//! [`crate::job`] of its own. [`merge`] joins the directories of a sweep's
//! shards, each point from the one shard that holds it. Once every point is
//! finished, [`tables`] writes the sweep-level files.

pub mod tables;

pub use tables::Digest;

use crate::design::{Dimension, Method};
use crate::job::{self, JobError, JobSpec, Progress, Shard, UnknownProfile};
use crate::output::lock::{DirLock, LOCK_FILE};
use crate::output::{OutputError, number};
use crate::scenario::{self, Loaded, Override, ScenarioError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

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
    /// Each point's block: `A`, `AB_i`, `BA_i`, `B` (Saltelli) or `T<t>.<k>`
    /// (Morris); empty for other designs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<String>,
    /// The sensitivity design the points come from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<SensitivityPlan>,
    /// Points keep only their summaries (`--summary-only`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub summary_only: bool,
}

/// A Morris or Sobol' design as `sweep.json` records it: the method, each
/// parameter's prior (in the order of `dimensions`) and the design's rows in
/// the unit cube (each point's values are the priors' quantiles of its row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SensitivityPlan {
    #[serde(flatten)]
    pub method: Method,
    pub priors: Vec<String>,
    pub unit: Vec<Vec<f64>>,
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
    /// Each point's block (empty, or one per point).
    pub blocks: Vec<String>,
    pub sensitivity: Option<SensitivityPlan>,
    /// Points keep `summary.csv` and `retrodiction.csv` only, not the per-run
    /// files.
    pub summary_only: bool,
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
    /// What the sweep-level files say (empty for a shard).
    pub digest: Digest,
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
            // Design points are finite; an infinity would be refused by the
            // scenario's checks as the value it is.
            value: number(&mut buf, x).map_or_else(|_| x.to_string(), str::to_string),
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
        blocks: spec.blocks.clone(),
        sensitivity: spec.sensitivity.clone(),
        summary_only: spec.summary_only,
    };
    let _lock = DirLock::acquire(out)?;
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
        let files = SWEEP_FILES.iter().map(|f| out.join(f));
        for junk in [out.join("points"), recorded].into_iter().chain(files) {
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
        progress.stage(&point_label(k, spec.points.len(), &spec.blocks));
        let loaded = load(k)?;
        let point = JobSpec {
            prior_predictive: false,
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
            trace: None,
            summary_only: spec.summary_only,
            fault: None,
        };
        let within = Within {
            sweep: progress,
            total,
            before: done,
        };
        job::run(&loaded, &point, &within, cancel)?;
        done += spec.runs;
    }
    progress.stage("");
    let digest = if spec.shard.is_none() {
        tables::write(out, &state)?
    } else {
        Digest::default()
    };
    Ok(SweepReport {
        out: out.clone(),
        points: mine.len(),
        runs: spec.runs,
        shard: spec.shard,
        kept,
        digest,
    })
}

/// The sweep-level files, deleted by `--force`.
const SWEEP_FILES: &[&str] = &["sweep.csv", "sweep_retrodiction.csv", "sensitivity.csv"];

/// What the progress display says of point `k` of `n`: `point 3/40`, with
/// its block when it has one (`point 3/40 AB_2`).
fn point_label(k: usize, n: usize, blocks: &[String]) -> String {
    match blocks.get(k) {
        Some(b) => format!("point {}/{n} {b}", k + 1),
        None => format!("point {}/{n}", k + 1),
    }
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

    fn notice(&self, message: &str) {
        self.sweep.notice(message);
    }

    fn stage(&self, label: &str) {
        self.sweep.stage(label);
    }
}

/// Is `dir` a sweep directory (or a shard of one)?
pub fn is_sweep(dir: &Path) -> bool {
    dir.join("sweep.json").exists()
}

/// Join the directories of a sweep's shards into `out`: every point directory
/// copied from the one shard that holds it, then `sweep.csv`, then
/// `sweep.json` last — so a merge stopped half-way leaves no `sweep.json`, and
/// the same merge again finishes it without `--force`. `out` may not be one
/// of the shards, and is locked while the merge runs.
pub fn merge(dirs: &[PathBuf], out: &Path, force: bool) -> Result<SweepReport, OutputError> {
    crate::output::check_merge_dirs(dirs, out)?;
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
    let _lock = DirLock::acquire(out)?;
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
    let digest = tables::write(out, &merged)?;
    merged.write(out)?;
    Ok(SweepReport {
        out: out.to_path_buf(),
        points: first.points.len(),
        runs: first.runs,
        shard: None,
        kept: 0,
        digest,
    })
}

/// Copy every file of directory `from` into `to` (created if needed).
fn copy_files(from: &Path, to: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(to).map_err(|e| OutputError::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| OutputError::read(from, e))? {
        let entry = entry.map_err(|e| OutputError::read(from, e))?;
        // A stale lock file (its job was killed after finishing) is no result.
        if entry.file_name() == LOCK_FILE || !entry.path().is_file() {
            continue;
        }
        let target = to.join(entry.file_name());
        std::fs::copy(entry.path(), &target).map_err(|e| OutputError::io(&target, e))?;
    }
    Ok(())
}
