//! The `statecraft` binary: parse flags, build the thread pool, call the library,
//! print, and map failures to exit codes (2: bad input, 1: anything else).

mod cli;

use clap::Parser;
use cli::{Cli, Command, RunArgs, TradeArgs};
use statecraft::job::{self, JobError, JobSpec};
use statecraft::output::OutputError;
use statecraft::{report, scenario};
use std::path::PathBuf;
use std::process::ExitCode;

/// A failure, with the exit code it maps to.
enum Failure {
    Input(String),
    Runtime(String),
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
        }
    }
}

impl From<OutputError> for Failure {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Exists(_) => Failure::Input(e.to_string()),
            OutputError::Io { .. } => Failure::Runtime(e.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(&args.scenario, &args.set),
        Command::Run(args) => run(args),
        Command::Trade(args) => trade(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn check(path: &std::path::Path, set: &[scenario::Override]) -> Result<(), Failure> {
    let loaded = scenario::load(path, set)?;
    print!("{}", report::describe(&loaded.world));
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

fn run(args: RunArgs) -> Result<(), Failure> {
    let loaded = scenario::load(&args.scenario, &args.set)?;
    let world = &loaded.world;
    let profile = world.profile(&args.profile).ok_or_else(|| {
        Failure::Input(format!(
            "unknown profile `{}`; this scenario has: {}",
            args.profile,
            world.profile_names().join(", ")
        ))
    })?;
    let seed = args.seed.unwrap_or(world.run.seed);
    let runs = args.runs.unwrap_or(world.run.runs);
    if runs == 0 {
        return Err(Failure::Input("--runs must be at least 1".into()));
    }
    build_pool(args.threads)?;
    let out = args.out.unwrap_or_else(|| {
        PathBuf::from("results")
            .join(&world.name)
            .join(format!("run-{seed}"))
    });
    let spec = JobSpec {
        command: "run".into(),
        profiles: vec![profile],
        seed,
        runs: 0..runs,
        out,
        force: args.force,
        timeseries: args.timeseries,
    };
    let report = job::run(&loaded, &spec, &|_| {})?;
    if !args.quiet {
        print!("{}", report::run_summary(world, &report));
    }
    Ok(())
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
        print!("{}", result.table());
        for f in files {
            println!("wrote {}", f.display());
        }
    }
    Ok(())
}
