//! A job: simulate a range of runs under one or more doctrine profiles and write
//! the results directory. Run r of every profile draws from the same stream r
//! (common random numbers, MODEL.md §8), and outcomes are written run by run,
//! profiles in the order given.

use crate::montecarlo;
use crate::outcome::{Catalogue, RunOutcome};
use crate::output::manifest::Manifest;
use crate::output::{self, ComparisonRow, OutputError, Results, RetrodictionRow, SummaryRow};
use crate::scenario::Loaded;
use crate::simulation::{self, RunOptions, SimError};
use crate::world::Profile;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// What to run and where to write it.
#[derive(Clone, Debug)]
pub struct JobSpec {
    /// The command that asked, recorded in the manifest (`run`, `compare`, ...).
    pub command: String,
    pub profiles: Vec<Profile>,
    /// Index of the reference profile for paired differences.
    pub reference: usize,
    pub seed: u64,
    pub runs: Range<u64>,
    pub out: PathBuf,
    pub force: bool,
    pub timeseries: bool,
}

/// Why a job stopped.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("the simulation failed: {0}")]
    Simulation(#[from] SimError),
}

/// What a finished job reports.
#[derive(Clone, Debug)]
pub struct JobReport {
    pub out: PathBuf,
    /// Runs per profile.
    pub runs: u64,
    /// Profiles run.
    pub profiles: u64,
    /// Whether `timeseries.csv` was written.
    pub timeseries: bool,
    pub summaries: Vec<SummaryRow>,
    pub comparison: Vec<ComparisonRow>,
    pub retrodiction: Vec<RetrodictionRow>,
    pub wall: Duration,
    /// Simulated runs (runs × profiles) per second of wall time.
    pub runs_per_second: f64,
    pub threads: usize,
    /// Trade equilibria solved, over all runs and profiles.
    pub solves: u64,
}

/// Run the job; `progress` is called with the number of runs finished so far.
pub fn run(
    loaded: &Loaded,
    spec: &JobSpec,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<JobReport, JobError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let world = &loaded.world;
    let catalogue = Catalogue::new(world);
    output::prepare_dir(&spec.out, spec.force)?;
    let mut results = Results::create(
        &spec.out,
        world,
        &catalogue,
        &spec.profiles,
        spec.reference,
        spec.timeseries,
    )?;
    let options = RunOptions {
        timeseries: spec.timeseries,
    };
    let done = AtomicU64::new(0);
    let simulate = |r: u64| -> Result<Vec<RunOutcome>, SimError> {
        let outcomes = spec
            .profiles
            .iter()
            .map(|p| simulation::simulate(world, p, &catalogue, spec.seed, r, options))
            .collect();
        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
        outcomes
    };
    let mut solves = 0;
    montecarlo::execute(
        spec.runs.clone(),
        simulate,
        |outcomes: Result<Vec<RunOutcome>, SimError>| {
            let outcomes = outcomes?;
            solves += outcomes.iter().map(|o| o.solves).sum::<u64>();
            results.write_run(&outcomes)?;
            Ok::<(), JobError>(())
        },
    )?;
    let written = results.finish()?;
    let wall = clock.elapsed();
    let threads = rayon::current_num_threads();
    let names = spec.profiles.iter().map(|p| p.name.as_str()).collect();
    let manifest = Manifest::new(
        &spec.command,
        loaded,
        spec.seed,
        spec.runs.clone(),
        names,
        spec.timeseries,
        threads,
        started,
        wall,
    );
    let json = manifest
        .to_json()
        .map_err(|e| OutputError::io(&spec.out.join("manifest.json"), std::io::Error::other(e)))?;
    output::write_atomic(&spec.out, "manifest.json", &json)?;
    Ok(JobReport {
        out: spec.out.clone(),
        runs: spec.runs.end - spec.runs.start,
        profiles: spec.profiles.len() as u64,
        timeseries: spec.timeseries,
        summaries: written.summaries,
        comparison: written.comparison,
        retrodiction: written.retrodiction,
        wall,
        runs_per_second: manifest.runs_per_second,
        threads,
        solves,
    })
}
