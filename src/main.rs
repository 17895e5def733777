//! The `statecraft` binary: parse flags, build the thread pool, call the library,
//! print, and map failures to exit codes (2: bad input, 1: anything else).

mod cli;

use clap::Parser;
use cli::{Cli, Command, CompareArgs, JobArgs, MergeArgs, RunArgs, SweepArgs, TradeArgs};
use statecraft::design::Design;
use statecraft::doctrine::Doctrine;
use statecraft::job::{self, JobError, JobSpec};
use statecraft::output::OutputError;
use statecraft::scenario::Loaded;
use statecraft::sweep::SweepState;
use statecraft::world::{Profile, World};
use statecraft::{report, scenario};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// A failure, with the exit code it maps to.
enum Failure {
    Input(String),
    Runtime(String),
    /// Stopped by Ctrl-C, with resumable results.
    Interrupted(String),
}

impl From<scenario::ScenarioError> for Failure {
    fn from(e: scenario::ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<JobError> for Failure {
    fn from(e: JobError) -> Self {
        match e {
            JobError::Output(o) => o.into(),
            JobError::Simulation(_) => Failure::Runtime(e.to_string()),
            JobError::Interrupted { .. } => Failure::Interrupted(e.to_string()),
        }
    }
}

impl From<OutputError> for Failure {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Exists(_) | OutputError::Mismatch(_) => Failure::Input(e.to_string()),
            OutputError::Io { .. } | OutputError::Read { .. } | OutputError::Corrupt { .. } => {
                Failure::Runtime(e.to_string())
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(&args.scenario, &args.set),
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Trade(args) => trade(args),
        Command::Merge(args) => merge(args),
        Command::Sweep(args) => sweep(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Interrupted(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(130)
        }
        Err(Failure::Runtime(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

/// Print to standard output; a closed pipe (`statecraft ... | head`) is not an
/// error worth a panic.
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn check(path: &std::path::Path, set: &[scenario::Override]) -> Result<(), Failure> {
    let loaded = scenario::load(path, set)?;
    emit(&report::describe(&loaded.world));
    Ok(())
}

fn build_pool(threads: Option<usize>) -> Result<(), Failure> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            return Err(Failure::Input("--threads must be at least 1".into()));
        }
        builder = builder.num_threads(n);
    }
    builder
        .build_global()
        .map_err(|e| Failure::Runtime(format!("cannot start worker threads: {e}")))
}

/// Resolve a profile name against the scenario.
fn profile(world: &World, name: &str) -> Result<Profile, Failure> {
    world.profile(name).ok_or_else(|| {
        Failure::Input(format!(
            "unknown profile `{name}`; this scenario has: {}",
            world.profile_names().join(", ")
        ))
    })
}

/// Run a job of `profiles` with the shared flags and print its summary.
fn job(
    command: &str,
    args: &JobArgs,
    loaded: &Loaded,
    profiles: Vec<Profile>,
    reference: usize,
) -> Result<(), Failure> {
    let world = &loaded.world;
    let seed = args.seed.unwrap_or(world.run.seed);
    let runs = args.runs.unwrap_or(world.run.runs);
    if runs == 0 {
        return Err(Failure::Input("--runs must be at least 1".into()));
    }
    build_pool(args.threads)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("results")
            .join(&world.name)
            .join(format!("{command}-{seed}"))
    });
    let spec = JobSpec {
        command: command.into(),
        profiles,
        reference,
        seed,
        runs,
        shard: args.shard,
        out,
        force: args.force,
        resume: args.resume,
        timeseries: args.timeseries,
    };
    let shard_runs = args.shard.map_or(runs, |s| {
        let total = statecraft::output::chunk::chunk_count(runs);
        s.chunks(total)
            .map(|c| statecraft::output::chunk::chunk_runs(c, runs).count() as u64)
            .sum()
    });
    let bar = progress_bar(shard_runs, args.quiet);
    let cancel = interrupt_flag();
    let report = job::run(loaded, &spec, &|done| bar.set_position(done), cancel);
    bar.finish_and_clear();
    let report = report?;
    if !args.quiet {
        emit(&report::run_summary(world, &report));
    }
    Ok(())
}

/// A progress bar with rate and ETA on standard error, hidden when standard
/// error is not a terminal or with --quiet.
fn progress_bar(runs: u64, quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(runs);
    let style =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Ctrl-C asks the job to stop after the chunk in progress; a second Ctrl-C
/// exits at once (the finished chunks are safe either way).
fn interrupt_flag() -> &'static AtomicBool {
    static FLAG: AtomicBool = AtomicBool::new(false);
    let _ = ctrlc::set_handler(|| {
        if FLAG.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nstopping after the chunk in progress (Ctrl-C again to quit now)…");
    });
    &FLAG
}

fn merge(args: MergeArgs) -> Result<(), Failure> {
    if args
        .dirs
        .first()
        .is_some_and(|d| d.join("sweep.json").exists())
    {
        return merge_sweep(args);
    }
    let (identity, _) = job::shards_of(&args.dirs)?;
    let path = args
        .scenario
        .clone()
        .unwrap_or_else(|| identity.scenario_path.clone());
    let overrides: Vec<scenario::Override> = identity
        .overrides
        .iter()
        .map(|o| o.parse())
        .collect::<Result<_, _>>()
        .map_err(Failure::Input)?;
    let loaded = scenario::load(&path, &overrides)?;
    let report = job::merge(&loaded, &args.dirs, &args.out, args.force)?;
    if !args.quiet {
        emit(&report::run_summary(&loaded.world, &report));
    }
    Ok(())
}

/// A parameter sweep: every point a full job in `points/pNNNN/`, then sweep.csv.
fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let base = scenario::load(&args.job.scenario, &args.job.set)?;
    let world = &base.world;
    let seed = args.job.seed.unwrap_or(world.run.seed);
    let runs = args.job.runs.unwrap_or(world.run.runs);
    let (dims, design, n) = match (&world.sweep, args.vary.is_empty()) {
        (_, false) => (
            args.vary.clone(),
            args.design.unwrap_or(Design::Factorial),
            args.points,
        ),
        (Some(s), true) => (
            s.vary.clone(),
            args.design.unwrap_or(s.design),
            args.points.or(s.points),
        ),
        (None, true) => {
            return Err(Failure::Input(
                "nothing to vary: pass --vary PATH=FROM:TO:STEP or add a [sweep] table".into(),
            ));
        }
    };
    let points = statecraft::design::points(&dims, design, n, seed).map_err(Failure::Input)?;
    let out = args.job.out.clone().unwrap_or_else(|| {
        PathBuf::from("results")
            .join(&world.name)
            .join(format!("sweep-{seed}"))
    });
    let mine: Vec<usize> = match args.job.shard {
        Some(s) => s.chunks(points.len() as u64).map(|k| k as usize).collect(),
        None => (0..points.len()).collect(),
    };
    if runs == 0 {
        return Err(Failure::Input("--runs must be at least 1".into()));
    }
    // Every point must be a valid scenario before anything is written.
    for point in &points {
        let loaded = scenario::load(
            &args.job.scenario,
            &point_overrides(&args.job.set, &dims, point),
        )?;
        profile(&loaded.world, &args.profile)?;
    }
    let state = SweepState {
        scenario_sha256: base.sha256.clone(),
        scenario_path: std::fs::canonicalize(&base.path).unwrap_or_else(|_| base.path.clone()),
        overrides: base.overrides.iter().map(|o| o.to_string()).collect(),
        seed,
        runs,
        profile: args.profile.clone(),
        dimensions: dims.clone(),
        points: points.clone(),
        held: mine.clone(),
    };
    if out.join("sweep.json").exists() && args.job.resume {
        if !SweepState::read(&out)?.same_sweep(&state) {
            return Err(Failure::Input(format!(
                "cannot resume {}: it holds a different sweep",
                out.display()
            )));
        }
    } else if out.join("sweep.json").exists() || out.join("points").exists() {
        if !args.job.force {
            return Err(OutputError::Exists(out.clone()).into());
        }
        for junk in [
            out.join("points"),
            out.join("sweep.csv"),
            out.join("sweep.json"),
        ] {
            let _ = if junk.is_dir() {
                std::fs::remove_dir_all(&junk)
            } else {
                std::fs::remove_file(&junk)
            };
        }
    }
    std::fs::create_dir_all(&out)
        .map_err(|e| Failure::Runtime(format!("cannot create {}: {e}", out.display())))?;
    state.write(&out)?;
    build_pool(args.job.threads)?;
    let cancel = interrupt_flag();
    let bar = progress_bar(mine.len() as u64 * runs, args.job.quiet);
    for (i, &k) in mine.iter().enumerate() {
        let dir = statecraft::sweep::point_dir(&out, k);
        if dir.join("summary.csv").exists() && dir.join("manifest.json").exists() {
            continue; // finished before an interruption
        }
        let loaded = scenario::load(
            &args.job.scenario,
            &point_overrides(&args.job.set, &dims, &points[k]),
        )?;
        let spec = JobSpec {
            command: "sweep".into(),
            profiles: vec![profile(&loaded.world, &args.profile)?],
            reference: 0,
            seed,
            runs,
            shard: None,
            out: dir.clone(),
            force: !args.job.resume,
            resume: args.job.resume,
            timeseries: args.job.timeseries,
        };
        let done = i as u64 * runs;
        let result = job::run(&loaded, &spec, &|r| bar.set_position(done + r), cancel);
        if result.is_err() {
            bar.finish_and_clear();
        }
        result?;
    }
    bar.finish_and_clear();
    if args.job.shard.is_none() {
        statecraft::sweep::write_sweep_csv(&out, &dims, &points)?;
    }
    if !args.job.quiet {
        let what = if args.job.shard.is_some() {
            "shard of a sweep; merge the shards with statecraft merge"
        } else {
            "sweep.csv"
        };
        emit(&format!(
            "{} points × {} runs → {} ({what})\n",
            mine.len(),
            runs,
            out.display()
        ));
    }
    Ok(())
}

/// The `--set` overrides of one sweep point: the user's, then the point's values.
fn point_overrides(
    set: &[scenario::Override],
    dims: &[statecraft::design::Dimension],
    values: &[f64],
) -> Vec<scenario::Override> {
    let mut overrides = set.to_vec();
    let mut buf = String::new();
    for (d, &x) in dims.iter().zip(values) {
        overrides.push(scenario::Override {
            path: d.path.clone(),
            value: statecraft::output::number(&mut buf, x).to_string(),
        });
    }
    overrides
}

/// Join sweep shards: every point directory once, then sweep.csv.
fn merge_sweep(args: MergeArgs) -> Result<(), Failure> {
    let states = args
        .dirs
        .iter()
        .map(|d| SweepState::read(d))
        .collect::<Result<Vec<_>, _>>()?;
    let first = &states[0];
    let mut owner: Vec<Option<&PathBuf>> = vec![None; first.points.len()];
    for (state, dir) in states.iter().zip(&args.dirs) {
        if !state.same_sweep(first) {
            return Err(Failure::Input(format!(
                "cannot merge {}: it holds a different sweep than {}",
                dir.display(),
                args.dirs[0].display()
            )));
        }
        for &k in &state.held {
            if k >= owner.len() {
                return Err(Failure::Input(format!(
                    "{}/sweep.json lists point {k} of a {}-point sweep",
                    dir.display(),
                    owner.len()
                )));
            }
            if let Some(other) = owner[k] {
                return Err(Failure::Input(format!(
                    "point {k} is in both {} and {}: the shards overlap",
                    other.display(),
                    dir.display()
                )));
            }
            if !statecraft::sweep::point_dir(dir, k)
                .join("summary.csv")
                .exists()
            {
                return Err(Failure::Input(format!(
                    "{} has not finished point {k}; finish it with --resume first",
                    dir.display()
                )));
            }
            owner[k] = Some(dir);
        }
    }
    if let Some(k) = owner.iter().position(Option::is_none) {
        return Err(Failure::Input(format!(
            "point {k} is in none of the directories: a shard is missing"
        )));
    }
    if args.out.join("sweep.json").exists() && !args.force {
        return Err(OutputError::Exists(args.out.clone()).into());
    }
    for (k, dir) in owner.iter().enumerate() {
        let (from, to) = (
            statecraft::sweep::point_dir(dir.expect("checked"), k),
            statecraft::sweep::point_dir(&args.out, k),
        );
        std::fs::create_dir_all(&to)
            .map_err(|e| Failure::Runtime(format!("cannot create {}: {e}", to.display())))?;
        for entry in std::fs::read_dir(&from)
            .map_err(|e| Failure::Runtime(format!("cannot read {}: {e}", from.display())))?
        {
            let entry = entry.map_err(|e| Failure::Runtime(e.to_string()))?;
            std::fs::copy(entry.path(), to.join(entry.file_name())).map_err(|e| {
                Failure::Runtime(format!("cannot copy {}: {e}", entry.path().display()))
            })?;
        }
    }
    let merged = SweepState {
        held: (0..first.points.len()).collect(),
        ..first.clone()
    };
    merged.write(&args.out)?;
    statecraft::sweep::write_sweep_csv(&args.out, &first.dimensions, &first.points)?;
    if !args.quiet {
        emit(&format!(
            "{} points merged → {}\n",
            first.points.len(),
            args.out.display()
        ));
    }
    Ok(())
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let loaded = scenario::load(&args.job.scenario, &args.job.set)?;
    let chosen = profile(&loaded.world, &args.profile)?;
    job("run", &args.job, &loaded, vec![chosen], 0)
}

fn compare(args: CompareArgs) -> Result<(), Failure> {
    let loaded = scenario::load(&args.job.scenario, &args.job.set)?;
    let world = &loaded.world;
    let profiles: Vec<Profile> = if let Some(code) = &args.focus {
        let s = world.state_index(code).ok_or_else(|| {
            let codes: Vec<&str> = world.states.iter().map(|s| s.code.as_str()).collect();
            Failure::Input(format!(
                "unknown state `{code}` for --focus; the scenario's states are {}",
                codes.join(", ")
            ))
        })?;
        // The state's scenario doctrine is the `scenario` profile itself.
        let others = Doctrine::ALL
            .into_iter()
            .filter(|&d| d != world.states[s].doctrine);
        std::iter::once(world.scenario_profile())
            .chain(others.map(|d| world.focus_profile(s, d)))
            .collect()
    } else if args.profiles.is_empty() {
        world
            .profile_names()
            .iter()
            .map(|n| profile(world, n))
            .collect::<Result<_, _>>()?
    } else {
        args.profiles
            .iter()
            .map(|n| profile(world, n.trim()))
            .collect::<Result<_, _>>()?
    };
    for (k, p) in profiles.iter().enumerate() {
        if profiles[..k].iter().any(|q| q.name == p.name) {
            return Err(Failure::Input(format!(
                "profile `{}` is listed twice",
                p.name
            )));
        }
    }
    let reference = match &args.reference {
        Some(name) => profiles
            .iter()
            .position(|p| &p.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
                Failure::Input(format!(
                    "--reference `{name}` is not among the compared profiles ({})",
                    names.join(", ")
                ))
            })?,
        None => 0,
    };
    job("compare", &args.job, &loaded, profiles, reference)
}

fn trade(args: TradeArgs) -> Result<(), Failure> {
    use statecraft::whatif::{self, Experiment, WhatIfError};
    let loaded = scenario::load(&args.scenario, &args.set)?;
    let experiment = Experiment {
        year: args.year,
        tariffs: args.tariff,
        costs: args.cost,
        autarky: args.autarky,
    };
    let result = whatif::evaluate(&loaded.world, &experiment).map_err(|e| match e {
        WhatIfError::Input(_) => Failure::Input(e.to_string()),
        WhatIfError::Trade(_) => Failure::Runtime(e.to_string()),
    })?;
    let out = args.out.unwrap_or_else(|| {
        PathBuf::from("results")
            .join(&loaded.world.name)
            .join("trade")
    });
    let files = result.write(&out, args.force)?;
    if !args.quiet {
        emit(&result.table());
        for f in files {
            emit(&format!("wrote {}\n", f.display()));
        }
    }
    Ok(())
}
