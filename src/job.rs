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
use crate::output::chunk::{self, CHUNK_DIR, ChunkRows};
use crate::output::manifest::Manifest;
use crate::output::{self, ComparisonRow, OutputError, RetrodictionRow, SummaryRow};
use crate::scenario::Loaded;
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
    /// The chunks of `total` this shard computes.
    pub fn chunks(self, total: u64) -> std::ops::Range<u64> {
        self.index * total / self.count..(self.index + 1) * total / self.count
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

/// Told how far a job has got. `start` comes first, with the job's size in
/// runs and how many of them were already finished before (kept by a resume),
/// so that a rate or an estimate of the time left counts only new work; then
/// `set` with the runs finished so far, from any worker thread.
pub trait Progress: Sync {
    fn start(&self, total: u64, done: u64);
    fn set(&self, done: u64);
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
            profiles: spec
                .profiles
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.doctrines.iter().map(|d| d.as_str().to_string()).collect(),
                    )
                })
                .collect(),
            reference: spec.reference,
            timeseries: spec.timeseries,
            chunk_runs: chunk::CHUNK_RUNS,
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
                    "different settings (profiles' doctrines, reference, --timeseries)".into()
                })
            })
    }
}

/// `.chunks/job.json`: which job (and shard) a directory's chunks belong to.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ChunkState {
    identity: Identity,
    shard: Option<Shard>,
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
    #[error(
        "interrupted after {done} of {total} chunks; the finished chunks are kept in {dir} — run the same command with --resume to finish"
    )]
    Interrupted { done: u64, total: u64, dir: PathBuf },
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
    /// Empty for a shard of a larger job (summaries come with `merge`).
    pub summaries: Vec<SummaryRow>,
    pub comparison: Vec<ComparisonRow>,
    pub retrodiction: Vec<RetrodictionRow>,
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
    /// Shard directories joined (for `merge`; 0 otherwise).
    pub merged_shards: usize,
}

/// Run the job, telling `progress` how far it has got; `cancel` stops it
/// cleanly between chunks.
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
    if spec.resume && out.join(CHUNK_DIR).join("job.json").exists() {
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
        };
        let json = serde_json::to_vec_pretty(&state)
            .map_err(|e| OutputError::io(out, std::io::Error::other(e)))?;
        let folder = out.join(CHUNK_DIR);
        std::fs::create_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
        output::write_atomic(&folder, "job.json", &json)?;
    }

    let total = chunk::chunk_count(spec.runs);
    let mine = spec.shard.map_or(0..total, |s| s.chunks(total));
    let todo: Vec<(u64, std::ops::Range<u64>)> = mine
        .clone()
        .filter(|&c| !chunk::is_complete(out, c, spec.timeseries))
        .map(|c| (c, chunk::chunk_runs(c, spec.runs)))
        .collect();
    let reused = (mine.end - mine.start) - todo.len() as u64;
    let options = RunOptions {
        timeseries: spec.timeseries,
        ..RunOptions::default()
    };
    let all_mine = mine
        .clone()
        .map(|c| chunk::chunk_runs(c, spec.runs).end - chunk::chunk_runs(c, spec.runs).start)
        .sum::<u64>();
    let done_before = all_mine - todo.iter().map(|(_, r)| r.end - r.start).sum::<u64>();
    let done = AtomicU64::new(done_before);
    progress.start(all_mine, done_before);
    let simulate = |r: u64| -> Result<Vec<RunOutcome>, SimError> {
        let outcomes = spec
            .profiles
            .iter()
            .map(|p| simulation::simulate(world, p, &catalogue, spec.seed, r, &options))
            .collect();
        progress.set(done.fetch_add(1, Ordering::Relaxed) + 1);
        outcomes
    };
    let mut solves = 0;
    let mut persisted = 0;
    let proceed = || !cancel.load(Ordering::Relaxed);
    montecarlo::execute(
        &todo,
        simulate,
        &proceed,
        |c, runs: Vec<Result<Vec<RunOutcome>, SimError>>| {
            let mut rows = ChunkRows::new(world, &catalogue, &spec.profiles, spec.timeseries);
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

    // A shard (even 0/1) keeps its chunks for `merge`.
    let whole = spec.shard.is_none();
    let written = if whole {
        let sources = vec![out.clone(); total as usize];
        let w = output::assemble(
            out,
            &sources,
            spec.runs,
            world,
            &catalogue,
            &spec.profiles,
            spec.reference,
            spec.timeseries,
        )?;
        let folder = out.join(CHUNK_DIR);
        std::fs::remove_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
        w
    } else {
        output::Written::default()
    };
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
    if spec.profiles.len() > 1 {
        manifest.reference = Some(spec.profiles[spec.reference].name.as_str());
    }
    let json = manifest
        .to_json()
        .map_err(|e| OutputError::io(&spec.out.join("manifest.json"), std::io::Error::other(e)))?;
    output::write_atomic(out, "manifest.json", &json)?;
    Ok(JobReport {
        out: out.clone(),
        runs: runs_here,
        profiles: spec.profiles.len() as u64,
        shard: spec.shard,
        timeseries: spec.timeseries,
        summaries: written.summaries,
        comparison: written.comparison,
        retrodiction: written.retrodiction,
        wall,
        runs_per_second: manifest.runs_per_second,
        threads,
        solves,
        simulated,
        reused_chunks: reused,
        merged_shards: 0,
    })
}

/// The job a set of shard directories belongs to, checked for consistency:
/// same job, no chunk twice, none missing. Returns the identity and, for each
/// chunk in order, the directory holding it.
pub fn shards_of(dirs: &[PathBuf]) -> Result<(Identity, Vec<PathBuf>), OutputError> {
    let mut identity: Option<Identity> = None;
    let mut owner: Vec<Option<PathBuf>> = Vec::new();
    for dir in dirs {
        let state = read_state(dir)?;
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
        let range = state.shard.map_or(0..total, |s| s.chunks(total));
        for c in range {
            if !chunk::is_complete(dir, c, state.identity.timeseries) {
                return Err(OutputError::Mismatch(format!(
                    "{} has not finished chunk {c} (runs {:?}); finish it with --resume first",
                    dir.display(),
                    chunk::chunk_runs(c, state.identity.runs)
                )));
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
/// be `loaded` as the shards ran it).
pub fn merge(
    loaded: &Loaded,
    dirs: &[PathBuf],
    out: &Path,
    force: bool,
) -> Result<JobReport, JobError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let (identity, sources) = shards_of(dirs)?;
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
    output::prepare_dir(out, force)?;
    let catalogue = Catalogue::new(world);
    let written = output::assemble(
        out,
        &sources,
        identity.runs,
        world,
        &catalogue,
        &profiles,
        identity.reference,
        identity.timeseries,
    )?;
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
    if profiles.len() > 1 {
        manifest.reference = Some(profiles[identity.reference].name.as_str());
    }
    let json = manifest
        .to_json()
        .map_err(|e| OutputError::io(&out.join("manifest.json"), std::io::Error::other(e)))?;
    output::write_atomic(out, "manifest.json", &json)?;
    Ok(JobReport {
        out: out.to_path_buf(),
        runs: identity.runs,
        profiles: profiles.len() as u64,
        shard: None,
        timeseries: identity.timeseries,
        summaries: written.summaries,
        comparison: written.comparison,
        retrodiction: written.retrodiction,
        wall,
        runs_per_second: 0.0,
        threads: 1,
        solves: 0,
        simulated: 0,
        reused_chunks: 0,
        merged_shards: dirs.len(),
    })
}
