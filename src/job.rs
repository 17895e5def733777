//! A job: simulate runs under one or more doctrine profiles and write the
//! results directory — whole, as one shard of a larger job, or resuming an
//! interrupted one — and `merge` shards into the results of the whole job.
//!
//! Run r of every profile draws from the same stream r (common random numbers,
//! docs/model.md §7.16). Runs are computed and persisted in chunks
//! ([`crate::output::chunk`]); the directory's `.chunks/job.json` records which
//! job they belong to, so a resume or a merge can refuse chunks of a different
//! scenario, seed, version or set of profiles.
//!
//! A job reports how far it has got through a [`Progress`] (the binary draws a
//! bar; tests and other callers pass [`Silent`]) and stops cleanly between
//! chunks when its cancel flag is set.

use crate::montecarlo;
use crate::outcome::{Catalogue, RunOutcome};
use crate::output::chunk::{self, CHUNK_DIR, ChunkRows, ChunkStatus, Streams};
use crate::output::lock::DirLock;
use crate::output::manifest::Manifest;
use crate::output::{
    self, ComparisonRow, CsvFile, Fault, OutputError, RetrodictionRow, SummaryRow,
};
use crate::scenario::{Loaded, ScenarioError};
use crate::simulation::{self, RunOptions};
use crate::state::SimError;
use crate::world::{Profile, World};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// Shard K of N (K from 0): a contiguous share of the job's chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The chunks of `total` this shard computes: ⌊K·total/N⌋ to
    /// ⌊(K+1)·total/N⌋ − 1, in 128-bit arithmetic so that no product wraps.
    pub fn chunks(self, total: u64) -> std::ops::Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "expected K/N with 0 <= K < N (e.g. 0/4, or $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), got `{s}`"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Most runs one job may trace (`--trace`): a traced run writes a row per
/// option of every decision, thousands of rows, so tracing is for reading a
/// few runs closely, not for every run of a large job.
pub const MAX_TRACED: u64 = 1000;

/// `--trace RUNS`: the runs whose every decision is written to
/// `decisions.csv` — run numbers and inclusive ranges, comma-separated
/// (`0`, `0,5,10`, `0-9`, `3,10-12`). Kept sorted, without overlaps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceRuns(Vec<(u64, u64)>);

impl TraceRuns {
    /// Is run `r` traced?
    pub fn contains(&self, r: u64) -> bool {
        self.0.iter().any(|&(a, b)| a <= r && r <= b)
    }

    /// How many runs are traced.
    pub fn count(&self) -> u64 {
        self.0.iter().map(|&(a, b)| b - a + 1).sum()
    }

    /// The last run traced.
    pub fn last(&self) -> u64 {
        self.0.last().map_or(0, |r| r.1)
    }

    /// Every traced run, in order.
    pub fn runs(&self) -> impl Iterator<Item = u64> + '_ {
        self.0.iter().flat_map(|&(a, b)| a..=b)
    }
}

impl FromStr for TraceRuns {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = |part: &str| {
            format!(
                "expected runs to trace as numbers and ranges, e.g. 0 or 0,5,10 or 0-9; got `{part}`"
            )
        };
        let mut ranges: Vec<(u64, u64)> = Vec::new();
        for part in s.split(',').map(str::trim) {
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (part, part),
            };
            let (a, b): (u64, u64) = (
                a.parse().map_err(|_| bad(part))?,
                b.parse().map_err(|_| bad(part))?,
            );
            if a > b {
                return Err(format!("the range `{part}` runs backwards"));
            }
            ranges.push((a, b));
        }
        ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let traced = TraceRuns(merged);
        // Counted with saturation: `0-18446744073709551615` must not wrap.
        let count = traced.0.iter().fold(0u64, |n, &(a, b)| {
            n.saturating_add((b - a).saturating_add(1))
        });
        if count > MAX_TRACED {
            return Err(format!(
                "{count} runs to trace; at most {MAX_TRACED} (a traced run writes every option of every decision)"
            ));
        }
        Ok(traced)
    }
}

impl fmt::Display for TraceRuns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// Told how far a job has got. `start` comes first, with the job's size in
/// runs and how many of them were already finished before (kept by a resume),
/// so that a rate or an estimate of the time left counts only new work; then
/// `set` with the runs finished so far, from any worker thread.
pub trait Progress: Sync {
    fn start(&self, total: u64, done: u64);
    fn set(&self, done: u64);
    /// Something the user should know while the job goes on (the binary
    /// shows it on standard error, even with `--quiet`), such as a damaged
    /// chunk that is computed again.
    fn notice(&self, _message: &str) {}
    /// What the work in progress is, shown beside the count (a sweep names
    /// the point it is on); empty to show nothing.
    fn stage(&self, _label: &str) {}
}

/// No progress shown.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _total: u64, _done: u64) {}
    fn set(&self, _done: u64) {}
}

/// A profile name the scenario does not define.
#[derive(Debug, thiserror::Error)]
#[error("unknown profile `{name}`; this scenario has: {known}")]
pub struct UnknownProfile {
    pub name: String,
    /// The names it has, comma-separated.
    pub known: String,
}

/// The profile named `name` of `world`.
pub fn profile(world: &World, name: &str) -> Result<Profile, UnknownProfile> {
    world.profile(name).ok_or_else(|| UnknownProfile {
        name: name.to_string(),
        known: world.profile_names().join(", "),
    })
}

/// What to run and where to write it.
#[derive(Clone, Debug)]
pub struct JobSpec {
    /// The command that asked, recorded in the manifest (`run`, `compare`, ...).
    pub command: String,
    pub profiles: Vec<Profile>,
    /// Index of the reference profile for paired differences.
    pub reference: usize,
    pub seed: u64,
    /// Runs of the whole job (all shards).
    pub runs: u64,
    pub shard: Option<Shard>,
    pub out: PathBuf,
    pub force: bool,
    pub resume: bool,
    pub timeseries: bool,
    /// Write only the summaries (`summary.csv`, `retrodiction.csv`, …), not
    /// the per-run files `outcomes.csv`, `events.csv`, `timeseries.csv`
    /// (a sweep's `--summary-only`).
    pub summary_only: bool,
    /// Draw each run's uncertain parameters from the scenario's `[priors]`.
    pub prior_predictive: bool,
    /// Runs whose decisions are written to `decisions.csv` (`--trace`).
    pub trace: Option<TraceRuns>,
    /// Stop on purpose at this point of the final assembly (tests of crash
    /// recovery); `None` in normal use.
    pub fault: Option<Fault>,
}

impl JobSpec {
    fn streams(&self) -> Streams {
        Streams {
            timeseries: self.timeseries,
            trace: self.trace.is_some(),
        }
    }
}

/// Everything that makes chunks of two directories parts of the same job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub version: String,
    pub command: String,
    pub scenario: String,
    pub scenario_path: PathBuf,
    pub scenario_sha256: String,
    /// SHA-256 of the trade data file, if the scenario has one.
    pub data_sha256: Option<String>,
    pub overrides: Vec<String>,
    pub seed: u64,
    pub runs: u64,
    /// Profile names with their doctrine assignments.
    pub profiles: Vec<(String, Vec<String>)>,
    pub reference: usize,
    pub timeseries: bool,
    /// Runs draw their parameters from the priors (`--prior-predictive`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prior_predictive: bool,
    /// The traced runs (`--trace`), if any.
    #[serde(default)]
    pub trace: Option<TraceRuns>,
    pub chunk_runs: u64,
}

impl Identity {
    fn new(loaded: &Loaded, spec: &JobSpec) -> Self {
        Identity {
            version: env!("CARGO_PKG_VERSION").into(),
            command: spec.command.clone(),
            scenario: loaded.world.name.clone(),
            scenario_path: std::fs::canonicalize(&loaded.path)
                .unwrap_or_else(|_| loaded.path.clone()),
            scenario_sha256: loaded.sha256.clone(),
            data_sha256: loaded.world.trade.as_ref().map(|t| t.flows_sha256.clone()),
            overrides: loaded.overrides.iter().map(|o| o.to_string()).collect(),
            seed: spec.seed,
            runs: spec.runs,
            profiles: spec.profiles.iter().map(Profile::record).collect(),
            reference: spec.reference,
            timeseries: spec.timeseries,
            prior_predictive: spec.prior_predictive,
            trace: spec.trace.clone(),
            chunk_runs: chunk::CHUNK_RUNS,
        }
    }

    fn streams(&self) -> Streams {
        Streams {
            timeseries: self.timeseries,
            trace: self.trace.is_some(),
        }
    }

    /// How `other` differs from this job, for an error message.
    fn difference(&self, other: &Identity) -> Option<String> {
        let fields = [
            (
                "program version",
                self.version != other.version,
                &self.version,
                &other.version,
            ),
            (
                "command",
                self.command != other.command,
                &self.command,
                &other.command,
            ),
            (
                "scenario file",
                self.scenario_sha256 != other.scenario_sha256,
                &self.scenario_sha256,
                &other.scenario_sha256,
            ),
        ];
        if let Some((what, _, a, b)) = fields.into_iter().find(|f| f.1) {
            return Some(format!("a different {what} ({a} vs {b})"));
        }
        if self.data_sha256 != other.data_sha256 {
            return Some("a different trade data file (its SHA-256 differs)".into());
        }
        let differs = |what: &str, a: String, b: String| {
            (a != b).then(|| format!("a different {what} ({a} vs {b})"))
        };
        differs("seed", self.seed.to_string(), other.seed.to_string())
            .or_else(|| {
                differs(
                    "number of runs",
                    self.runs.to_string(),
                    other.runs.to_string(),
                )
            })
            .or_else(|| {
                differs(
                    "set of --set overrides",
                    self.overrides.join(" "),
                    other.overrides.join(" "),
                )
            })
            .or_else(|| {
                let names = |i: &Identity| {
                    i.profiles
                        .iter()
                        .map(|p| p.0.clone())
                        .collect::<Vec<_>>()
                        .join(",")
                };
                differs("set of profiles", names(self), names(other))
            })
            .or_else(|| {
                // The same scenario file may live at another path (another clone).
                let moved = Identity {
                    scenario_path: other.scenario_path.clone(),
                    ..self.clone()
                };
                (&moved != other).then(|| {
                    "different settings (profiles' doctrines, reference, --timeseries, --trace, --prior-predictive)".into()
                })
            })
    }
}

/// `.chunks/job.json`: which job (and shard) a directory's chunks belong to.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ChunkState {
    identity: Identity,
    shard: Option<Shard>,
    /// Written by a `merge` into its `--out` while it assembles: a merge
    /// stopped half-way is finished by merging again, without `--force`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    merge: bool,
}

fn write_state(dir: &Path, state: &ChunkState) -> Result<(), OutputError> {
    let json = serde_json::to_vec_pretty(state)
        .map_err(|e| OutputError::io(dir, std::io::Error::other(e)))?;
    let folder = dir.join(CHUNK_DIR);
    std::fs::create_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
    output::write_atomic(&folder, "job.json", &json).map(|_| ())
}

fn read_state(dir: &Path) -> Result<ChunkState, OutputError> {
    let path = dir.join(CHUNK_DIR).join("job.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        OutputError::Mismatch(format!(
            "{} holds no chunks of a statecraft job ({}: {e})",
            dir.display(),
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| OutputError::Corrupt {
        path,
        what: e.to_string(),
    })
}

/// Why a job stopped.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("the simulation failed: {0}")]
    Simulation(#[from] SimError),
    /// A run's draw of the priors made the scenario invalid (the bounds are
    /// checked when the scenario loads, so only a combination can).
    #[error("run {run}'s draw from the priors makes the scenario invalid: {error}")]
    Draw { run: u64, error: Box<ScenarioError> },
    #[error(
        "interrupted after {done} of {total} chunks; the finished chunks are kept in {dir} — run the same command with --resume to finish"
    )]
    Interrupted { done: u64, total: u64, dir: PathBuf },
    /// A number a run produced that is not finite (or undefined where the
    /// metric is always defined): a numerical failure, never written.
    #[error(
        "run {run}, year {year}: {quantity} is {value}, not a finite number — a numerical failure (are some parameters too large?); nothing of this run was written"
    )]
    NonFinite {
        run: u64,
        year: i32,
        quantity: String,
        value: f64,
    },
}

/// A committed chunk whose bytes no longer match its record: computed again
/// by a resume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Damage {
    pub chunk: u64,
    pub path: PathBuf,
    pub what: String,
}

/// What a finished job reports.
#[derive(Clone, Debug)]
pub struct JobReport {
    pub out: PathBuf,
    /// Runs per profile computed or assembled.
    pub runs: u64,
    /// Profiles run.
    pub profiles: u64,
    pub shard: Option<Shard>,
    /// Whether `timeseries.csv` was written.
    pub timeseries: bool,
    /// The runs traced into `decisions.csv`.
    pub trace: Option<TraceRuns>,
    /// Empty for a shard of a larger job (summaries come with `merge`).
    pub summaries: Vec<SummaryRow>,
    pub comparison: Vec<ComparisonRow>,
    pub retrodiction: Vec<RetrodictionRow>,
    /// Every pair of profiles' ratio of shares of every fact.
    pub ratios: Vec<output::ShareRatio>,
    pub verdict: Option<crate::verdict::Verdict>,
    pub wall: Duration,
    /// Simulated runs (runs × profiles) per second of wall time.
    pub runs_per_second: f64,
    pub threads: usize,
    /// Trade equilibria solved, over all runs and profiles computed now.
    pub solves: u64,
    /// Runs simulated now (fewer than `runs` after a resume).
    pub simulated: u64,
    /// Chunks found finished and reused (with --resume).
    pub reused_chunks: u64,
    /// Chunks found damaged and computed again (with --resume).
    pub damaged: Vec<Damage>,
    /// Shard directories joined (for `merge`; 0 otherwise).
    pub merged_shards: usize,
    /// Whether runs drew their parameters from the priors (draws.csv).
    pub prior_predictive: bool,
}

/// Check every number of a run's outcomes (under `profiles`, in order) before
/// it is written: an infinity, or NaN in a metric that is always defined, is a
/// numerical failure. NaN in a metric that may be undefined (a rate with no
/// rounds, an accession that never happened) is written as an empty cell.
pub fn check_finite(
    world: &World,
    catalogue: &Catalogue,
    profiles: &[Profile],
    outcomes: &[RunOutcome],
) -> Result<(), JobError> {
    for (profile, o) in profiles.iter().zip(outcomes) {
        for (key, &x) in catalogue.keys.iter().zip(&o.values) {
            if x.is_infinite() || (x.is_nan() && !key.measure.may_be_undefined()) {
                return Err(JobError::NonFinite {
                    run: o.run,
                    year: world.end,
                    quantity: format!(
                        "{} of {} under profile {} at the end of the run",
                        key.name,
                        crate::outcome::state_code(world, key.state),
                        profile.name
                    ),
                    value: x,
                });
            }
        }
        for t in &o.timeseries {
            if t.value.is_infinite() || (t.value.is_nan() && !t.series.may_be_undefined()) {
                return Err(JobError::NonFinite {
                    run: o.run,
                    year: t.year,
                    quantity: format!(
                        "{} of {} under profile {} (timeseries.csv)",
                        t.series.name(world),
                        world.states[t.state].code,
                        profile.name
                    ),
                    value: t.value,
                });
            }
        }
    }
    Ok(())
}

/// Run `run`'s draw of the uncertain parameters of `world`, one value per
/// prior in the order `[priors]` lists them, from [`montecarlo::draw_rng`].
pub fn draw(world: &World, seed: u64, run: u64) -> Vec<f64> {
    let mut rng = montecarlo::draw_rng(seed, run);
    world
        .priors
        .iter()
        .map(|u| u.prior.sample(&mut rng))
        .collect()
}

/// Write `draws.csv` (run, path, value) for runs `0..runs` of `world` under
/// `seed`: a pure function of the seed, so a merge writes the same file as
/// the whole job.
pub fn write_draws(out: &Path, world: &World, seed: u64, runs: u64) -> Result<(), OutputError> {
    let mut file = CsvFile::create(out, "draws.csv", &["run", "path", "value"])?;
    let mut buf = String::new();
    for r in 0..runs {
        for (u, x) in world.priors.iter().zip(draw(world, seed, r)) {
            let value = if u.whole {
                format!("{}", x as i64)
            } else {
                output::number(&mut buf, x)?.to_string()
            };
            file.row([r.to_string().as_str(), u.path.as_str(), value.as_str()])?;
        }
    }
    file.finish().map(|_| ())
}

/// Run the job, telling `progress` how far it has got; `cancel` stops it
/// cleanly between chunks. The results directory is locked for as long as
/// the job runs.
pub fn run(
    loaded: &Loaded,
    spec: &JobSpec,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<JobReport, JobError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let world = &loaded.world;
    let catalogue = Catalogue::new(world);
    let identity = Identity::new(loaded, spec);
    let out = &spec.out;
    let _lock = DirLock::acquire(out)?;
    let resumed = spec.resume && out.join(CHUNK_DIR).join("job.json").exists();
    if resumed {
        let state = read_state(out)?;
        if let Some(d) = identity.difference(&state.identity) {
            return Err(OutputError::Mismatch(format!(
                "cannot resume {}: it holds chunks of {d}",
                out.display()
            ))
            .into());
        }
        if state.shard != spec.shard {
            let show =
                |s: Option<Shard>| s.map_or("the whole job".to_string(), |s| format!("shard {s}"));
            return Err(OutputError::Mismatch(format!(
                "cannot resume {}: it holds {}, not {}",
                out.display(),
                show(state.shard),
                show(spec.shard)
            ))
            .into());
        }
    } else {
        if spec.resume && output::holds_results(out) && !spec.force {
            return Err(OutputError::Mismatch(format!(
                "cannot resume {}: it holds finished results or no record of the job; pass --force to start again",
                out.display()
            ))
            .into());
        }
        output::prepare_dir(out, spec.force)?;
        let state = ChunkState {
            identity: identity.clone(),
            shard: spec.shard,
            merge: false,
        };
        write_state(out, &state)?;
    }

    let total = chunk::chunk_count(spec.runs);
    let mine = spec.shard.map_or(0..total, |s| s.chunks(total));
    // A resume checks every chunk it keeps against its recorded SHA-256; a
    // damaged one is deleted and computed again.
    let mut damaged = Vec::new();
    let mut todo: Vec<(u64, std::ops::Range<u64>)> = Vec::new();
    for c in mine.clone() {
        let status = if resumed {
            chunk::status(out, c, spec.streams(), true)
        } else {
            ChunkStatus::Missing
        };
        match status {
            ChunkStatus::Complete => continue,
            ChunkStatus::Missing => {}
            ChunkStatus::Damaged { path, what } => {
                progress.notice(&format!(
                    "warning: chunk {c} is damaged ({}: {what}); computing it again",
                    path.display()
                ));
                chunk::discard(out, c)?;
                damaged.push(Damage {
                    chunk: c,
                    path,
                    what,
                });
            }
        }
        todo.push((c, chunk::chunk_runs(c, spec.runs)));
    }
    let reused = (mine.end - mine.start) - todo.len() as u64;
    let options = RunOptions {
        timeseries: spec.timeseries,
        ..RunOptions::default()
    };
    let traced = RunOptions {
        trace: true,
        ..options.clone()
    };
    let all_mine = mine
        .clone()
        .map(|c| chunk::chunk_runs(c, spec.runs).end - chunk::chunk_runs(c, spec.runs).start)
        .sum::<u64>();
    let done_before = all_mine - todo.iter().map(|(_, r)| r.end - r.start).sum::<u64>();
    let done = AtomicU64::new(done_before);
    progress.start(all_mine, done_before);
    let simulate = |r: u64| -> Result<Vec<RunOutcome>, JobError> {
        // Under --prior-predictive run r's world is the scenario with run r's
        // draw of the priors, the same for every profile.
        let drawn = if spec.prior_predictive {
            let values = draw(world, spec.seed, r);
            Some(loaded.with_draw(&values).map_err(|error| JobError::Draw {
                run: r,
                error: Box::new(error),
            })?)
        } else {
            None
        };
        let here = drawn.as_ref().unwrap_or(world);
        // Tracing changes what a run records, never what it draws.
        let options = match &spec.trace {
            Some(t) if t.contains(r) => &traced,
            _ => &options,
        };
        let outcomes = spec
            .profiles
            .iter()
            .map(|p| simulation::simulate(here, p, &catalogue, spec.seed, r, options))
            .collect::<Result<Vec<_>, SimError>>()?;
        check_finite(world, &catalogue, &spec.profiles, &outcomes)?;
        progress.set(done.fetch_add(1, Ordering::Relaxed) + 1);
        Ok(outcomes)
    };
    let mut solves = 0;
    let mut persisted = 0;
    let proceed = || !cancel.load(Ordering::Relaxed);
    montecarlo::execute(
        &todo,
        simulate,
        &proceed,
        |c, runs: Vec<Result<Vec<RunOutcome>, JobError>>| {
            let mut rows = ChunkRows::new(world, &catalogue, &spec.profiles, spec.streams());
            for outcomes in runs {
                let outcomes = outcomes?;
                solves += outcomes.iter().map(|o| o.solves).sum::<u64>();
                rows.push_run(&outcomes)?;
            }
            rows.persist(out, c)?;
            persisted += 1;
            Ok::<(), JobError>(())
        },
    )?;
    if persisted < todo.len() {
        let done = reused + persisted as u64;
        return Err(JobError::Interrupted {
            done,
            total: mine.end - mine.start,
            dir: out.clone(),
        });
    }

    // A shard (even 0/1) keeps its chunks for `merge`. A whole job deletes
    // them only once `manifest.json` is written, so that a stop anywhere
    // before leaves what `--resume` needs to assemble the files again.
    let whole = spec.shard.is_none();
    let written = if whole {
        let sources = vec![out.clone(); total as usize];
        output::assemble(
            out,
            &sources,
            spec.runs,
            world,
            &catalogue,
            &spec.profiles,
            spec.reference,
            spec.streams(),
            spec.summary_only,
            spec.fault,
        )?
    } else {
        output::Written::default()
    };
    if whole && spec.prior_predictive {
        write_draws(out, world, spec.seed, spec.runs)?;
    }
    Fault::at(Fault::BeforeManifest, spec.fault)?;
    let runs_here = all_mine;
    let wall = clock.elapsed();
    let threads = rayon::current_num_threads();
    let names = spec.profiles.iter().map(|p| p.name.as_str()).collect();
    let simulated = runs_here - (done_before);
    let mut manifest = Manifest::new(
        &spec.command,
        loaded,
        spec.seed,
        spec.runs,
        simulated,
        names,
        spec.timeseries,
        threads,
        started,
        wall,
    );
    manifest.shard = spec.shard.map(|s| s.to_string());
    manifest.trace = spec.trace.as_ref().map(|t| t.to_string());
    if spec.profiles.len() > 1 {
        manifest.reference = Some(spec.profiles[spec.reference].name.as_str());
    }
    let json = manifest
        .to_json()
        .map_err(|e| OutputError::io(&spec.out.join("manifest.json"), std::io::Error::other(e)))?;
    output::write_atomic(out, "manifest.json", &json)?;
    if whole {
        chunk::retire(out)?;
    }
    Ok(JobReport {
        out: out.clone(),
        runs: runs_here,
        profiles: spec.profiles.len() as u64,
        shard: spec.shard,
        timeseries: spec.timeseries,
        trace: spec.trace.clone(),
        summaries: written.summaries,
        comparison: written.comparison,
        retrodiction: written.retrodiction,
        ratios: written.ratios,
        prior_predictive: spec.prior_predictive,
        verdict: written.verdict,
        wall,
        runs_per_second: manifest.runs_per_second,
        threads,
        solves,
        simulated,
        reused_chunks: reused,
        damaged,
        merged_shards: 0,
    })
}

/// The job a set of shard directories belongs to, checked for consistency:
/// same job, no chunk twice, none missing, none damaged (with `verify`, every
/// chunk file is read and compared with its recorded SHA-256). Returns the
/// identity and, for each chunk in order, the directory holding it.
pub fn shards_of(dirs: &[PathBuf], verify: bool) -> Result<(Identity, Vec<PathBuf>), OutputError> {
    let mut identity: Option<Identity> = None;
    let mut owner: Vec<Option<PathBuf>> = Vec::new();
    for dir in dirs {
        let state = read_state(dir)?;
        if state.merge {
            return Err(OutputError::Mismatch(format!(
                "{} holds an unfinished merge, not a shard; run that merge again to finish it",
                dir.display()
            )));
        }
        match &identity {
            None => {
                owner = vec![None; chunk::chunk_count(state.identity.runs) as usize];
                identity = Some(state.identity.clone());
            }
            Some(first) => {
                if let Some(d) = first.difference(&state.identity) {
                    return Err(OutputError::Mismatch(format!(
                        "cannot merge {} with {}: it holds chunks of {d}",
                        dir.display(),
                        dirs[0].display()
                    )));
                }
            }
        }
        let total = owner.len() as u64;
        if state
            .shard
            .is_some_and(|s| s.count == 0 || s.index >= s.count)
        {
            return Err(OutputError::Corrupt {
                path: dir.join(CHUNK_DIR).join("job.json"),
                what: "its shard is not K/N with K < N".into(),
            });
        }
        let range = state.shard.map_or(0..total, |s| s.chunks(total));
        for c in range {
            match chunk::status(dir, c, state.identity.streams(), verify) {
                ChunkStatus::Complete => {}
                ChunkStatus::Missing => {
                    return Err(OutputError::Mismatch(format!(
                        "{} has not finished chunk {c} (runs {:?}); finish it with --resume first",
                        dir.display(),
                        chunk::chunk_runs(c, state.identity.runs)
                    )));
                }
                ChunkStatus::Damaged { path, what } => {
                    return Err(OutputError::Corrupt { path, what });
                }
            }
            if let Some(other) = &owner[c as usize] {
                return Err(OutputError::Mismatch(format!(
                    "chunk {c} is in both {} and {}: the shards overlap",
                    other.display(),
                    dir.display()
                )));
            }
            owner[c as usize] = Some(dir.clone());
        }
    }
    let identity =
        identity.ok_or_else(|| OutputError::Mismatch("no shard directories given".into()))?;
    let missing: Vec<u64> = (0..owner.len() as u64)
        .filter(|&c| owner[c as usize].is_none())
        .collect();
    if !missing.is_empty() {
        return Err(OutputError::Mismatch(format!(
            "chunks {missing:?} of {} are in none of the directories: a shard is missing",
            owner.len()
        )));
    }
    Ok((identity, owner.into_iter().flatten().collect()))
}

/// Merge complete shard directories of one job into `out` (the scenario must
/// be `loaded` as the shards ran it). Every chunk is checked against its
/// recorded SHA-256 before anything is written; `out` may not be one of the
/// shards, and is locked while the merge runs. A merge stopped half-way (a
/// kill, a full disk) is finished by the same merge again, without `--force`.
pub fn merge(
    loaded: &Loaded,
    dirs: &[PathBuf],
    out: &Path,
    force: bool,
    fault: Option<Fault>,
) -> Result<JobReport, JobError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    output::check_merge_dirs(dirs, out)?;
    let (identity, sources) = shards_of(dirs, true)?;
    if identity.scenario_sha256 != loaded.sha256 {
        return Err(OutputError::Mismatch(format!(
            "the scenario {} has changed since the shards ran (SHA-256 {} vs {})",
            loaded.path.display(),
            loaded.sha256,
            identity.scenario_sha256
        ))
        .into());
    }
    if identity.data_sha256 != loaded.world.trade.as_ref().map(|t| t.flows_sha256.clone()) {
        return Err(OutputError::Mismatch(format!(
            "the trade data of {} has changed since the shards ran",
            loaded.path.display()
        ))
        .into());
    }
    let world = &loaded.world;
    let profiles: Vec<Profile> = identity
        .profiles
        .iter()
        .map(|(name, doctrines)| {
            let doctrines = doctrines
                .iter()
                .map(|d| {
                    crate::doctrine::Doctrine::ALL
                        .into_iter()
                        .find(|x| x.as_str() == d)
                })
                .collect::<Option<Vec<_>>>();
            match doctrines {
                Some(doctrines) if doctrines.len() == world.n_states() => Ok(Profile {
                    name: name.clone(),
                    doctrines,
                }),
                _ => Err(OutputError::Mismatch(format!(
                    "profile `{name}` in the shards does not fit the scenario"
                ))),
            }
        })
        .collect::<Result<_, _>>()?;
    if identity.reference >= profiles.len() {
        return Err(OutputError::Mismatch(format!(
            "the shards' job.json names reference profile {} of {}",
            identity.reference,
            profiles.len()
        ))
        .into());
    }
    let _lock = DirLock::acquire(out)?;
    let unfinished = !out.join("manifest.json").exists()
        && read_state(out).is_ok_and(|s| s.merge && s.identity == identity);
    if !unfinished {
        output::prepare_dir(out, force)?;
    }
    write_state(
        out,
        &ChunkState {
            identity: identity.clone(),
            shard: None,
            merge: true,
        },
    )?;
    let catalogue = Catalogue::new(world);
    let written = output::assemble(
        out,
        &sources,
        identity.runs,
        world,
        &catalogue,
        &profiles,
        identity.reference,
        identity.streams(),
        false,
        fault,
    )?;
    if identity.prior_predictive {
        write_draws(out, world, identity.seed, identity.runs)?;
    }
    Fault::at(Fault::BeforeManifest, fault)?;
    let wall = clock.elapsed();
    let names = profiles.iter().map(|p| p.name.as_str()).collect();
    let mut manifest = Manifest::new(
        &identity.command,
        loaded,
        identity.seed,
        identity.runs,
        0,
        names,
        identity.timeseries,
        1,
        started,
        wall,
    );
    manifest.merged_from = dirs.iter().map(|d| d.display().to_string()).collect();
    manifest.trace = identity.trace.as_ref().map(|t| t.to_string());
    if profiles.len() > 1 {
        manifest.reference = Some(profiles[identity.reference].name.as_str());
    }
    let json = manifest
        .to_json()
        .map_err(|e| OutputError::io(&out.join("manifest.json"), std::io::Error::other(e)))?;
    output::write_atomic(out, "manifest.json", &json)?;
    chunk::retire(out)?;
    Ok(JobReport {
        out: out.to_path_buf(),
        runs: identity.runs,
        profiles: profiles.len() as u64,
        shard: None,
        timeseries: identity.timeseries,
        trace: identity.trace.clone(),
        summaries: written.summaries,
        comparison: written.comparison,
        retrodiction: written.retrodiction,
        ratios: written.ratios,
        prior_predictive: identity.prior_predictive,
        verdict: written.verdict,
        wall,
        runs_per_second: 0.0,
        threads: 1,
        solves: 0,
        simulated: 0,
        reused_chunks: 0,
        damaged: Vec::new(),
        merged_shards: dirs.len(),
    })
}
