//! What each `statecraft` command does, one module per command: turn its
//! parsed flags ([`crate::cli`]) into a job, a sweep or a what-if, validate,
//! run it, and return the text to print.
//!
//! Every command is a function `execute(args, ctx) -> Result<String,
//! CommandError>`: `ctx` ([`Context`]) says where to report progress and when
//! to stop; the `String` is what the binary prints (empty with `--quiet`); a
//! [`CommandError`] carries the exit status. Nothing here prints, reads argv or
//! the environment, or builds the thread pool — the binary does those — so a
//! test runs a command exactly as the shell does, without a process.
//!
//! This is the top layer: a command may use any module of the library, and no
//! module uses a command.
//!
//! Default results directories are `results/<scenario>/<leaf>` relative to the
//! working directory, `<scenario>` the scenario's name and the leaf chosen by
//! each command so that different jobs do not collide ([`default_out`]).

pub mod calibrate;
pub mod check;
pub mod choose;
pub mod compare;
pub mod explain;
pub mod merge;
pub mod report;
pub mod run;
pub mod sweep;
pub mod trade;

use crate::cli::{Command, JobArgs};
use crate::job::{self, JobError, JobSpec, Progress, Silent, UnknownProfile};
use crate::output::{Fault, OutputError};
use crate::report as summary;
use crate::scenario::{Loaded, ScenarioError};
use crate::sweep::SweepError;
use crate::whatif::WhatIfError;
use crate::world::{Profile, World};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// What a command may need from its caller besides its flags.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// Told how many runs a job has and how far it has got.
    pub progress: &'a dyn Progress,
    /// Set to stop a job cleanly after the chunk in progress.
    pub cancel: &'a AtomicBool,
    /// Stop a job or merge on purpose at this point of its final assembly,
    /// as a kill there would (tests of crash recovery; the binary reads it
    /// from `STATECRAFT_FAULT`). `None` in normal use.
    pub fault: Option<Fault>,
    /// Columns of the terminal the text is printed on (the binary measures
    /// it; [`DEFAULT_WIDTH`] elsewhere): tables use full names up to it.
    pub width: usize,
}

/// The width printed text is laid out for when the terminal's is not known.
pub const DEFAULT_WIDTH: usize = 80;

impl Context<'static> {
    /// No progress shown, never cancelled.
    pub fn silent() -> Self {
        static NEVER: AtomicBool = AtomicBool::new(false);
        Context {
            progress: &Silent,
            cancel: &NEVER,
            fault: None,
            width: DEFAULT_WIDTH,
        }
    }
}

/// Why a command failed, by the exit status it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Bad input — flags, a scenario, a results directory that may not be
    /// written: exit status 2.
    #[error("{0}")]
    Input(String),
    /// A failure while running — a file that cannot be written or read back,
    /// a solver that does not converge: exit status 1.
    #[error("{0}")]
    Runtime(String),
    /// Stopped by the cancel flag; the finished chunks are kept for
    /// `--resume`: exit status 130.
    #[error("{0}")]
    Interrupted(String),
}

impl CommandError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Input(_) => 2,
            CommandError::Runtime(_) => 1,
            CommandError::Interrupted(_) => 130,
        }
    }
}

impl From<ScenarioError> for CommandError {
    fn from(e: ScenarioError) -> Self {
        CommandError::Input(e.to_string())
    }
}

impl From<UnknownProfile> for CommandError {
    fn from(e: UnknownProfile) -> Self {
        CommandError::Input(e.to_string())
    }
}

impl From<OutputError> for CommandError {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Exists(_)
            | OutputError::Interrupted(_)
            | OutputError::Mismatch(_)
            | OutputError::Locked { .. } => CommandError::Input(e.to_string()),
            OutputError::Io { .. }
            | OutputError::Read { .. }
            | OutputError::Corrupt { .. }
            | OutputError::NotFinite(_)
            | OutputError::Injected(_) => CommandError::Runtime(e.to_string()),
        }
    }
}

impl From<JobError> for CommandError {
    fn from(e: JobError) -> Self {
        match e {
            JobError::Output(o) => o.into(),
            JobError::Simulation(_) | JobError::NonFinite { .. } => {
                CommandError::Runtime(e.to_string())
            }
            JobError::Interrupted { .. } => CommandError::Interrupted(e.to_string()),
            JobError::Draw { .. } => CommandError::Input(e.to_string()),
        }
    }
}

impl From<crate::calibrate::CalibrateError> for CommandError {
    fn from(e: crate::calibrate::CalibrateError) -> Self {
        use crate::calibrate::CalibrateError as E;
        match e {
            E::Input(m) => CommandError::Input(m),
            E::Runtime(m) => CommandError::Runtime(m),
            E::Output(o) => o.into(),
            E::Interrupted(m) => CommandError::Interrupted(m),
        }
    }
}

impl From<SweepError> for CommandError {
    fn from(e: SweepError) -> Self {
        match e {
            SweepError::Scenario(e) => e.into(),
            SweepError::Profile(e) => e.into(),
            SweepError::Job(e) => e.into(),
        }
    }
}

impl From<crate::explain::ExplainError> for CommandError {
    fn from(e: crate::explain::ExplainError) -> Self {
        match e {
            crate::explain::ExplainError::Input(_) => CommandError::Input(e.to_string()),
            crate::explain::ExplainError::Read { .. } => CommandError::Runtime(e.to_string()),
        }
    }
}

impl From<WhatIfError> for CommandError {
    fn from(e: WhatIfError) -> Self {
        match e {
            WhatIfError::Input(_) => CommandError::Input(e.to_string()),
            WhatIfError::Trade(_) => CommandError::Runtime(e.to_string()),
        }
    }
}

/// Run `command` and return what it prints.
pub fn execute(command: &Command, ctx: &Context) -> Result<String, CommandError> {
    match command {
        Command::Check(args) => check::execute(args, ctx),
        Command::Run(args) => run::execute(args, ctx),
        Command::Compare(args) => compare::execute(args, ctx),
        Command::Sweep(args) => sweep::execute(args, ctx),
        Command::Merge(args) => merge::execute(args, ctx),
        Command::Trade(args) => trade::execute(args, ctx),
        Command::Explain(args) => explain::execute(args, ctx),
        Command::Report(args) => report::execute(args, ctx),
        Command::Calibrate(args) => calibrate::execute(args, ctx),
        Command::Choose(args) => choose::execute(args, ctx),
    }
}

/// `results/<scenario>/<leaf>`, relative to the working directory.
pub fn default_out(world: &World, leaf: &str) -> PathBuf {
    PathBuf::from("results").join(&world.name).join(leaf)
}

/// `name` fit for a directory name: every character outside `[A-Za-z0-9._-]`
/// becomes `-`.
pub fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The seed and the number of runs: the flags', else the scenario's.
fn seed_and_runs(args: &JobArgs, world: &World) -> (u64, u64) {
    (
        args.seed.unwrap_or(world.run.seed),
        args.runs.unwrap_or(world.run.runs),
    )
}

/// Run a job of `profiles` with the shared job flags — into `--out`, else
/// `results/<scenario>/<leaf(seed)>` — tracing the runs of `trace`, and
/// return its summary.
#[allow(clippy::too_many_arguments)]
fn run_job(
    command: &str,
    args: &JobArgs,
    loaded: &Loaded,
    profiles: Vec<Profile>,
    reference: usize,
    trace: Option<&job::TraceRuns>,
    leaf: &dyn Fn(u64) -> String,
    ctx: &Context,
) -> Result<String, CommandError> {
    let world = &loaded.world;
    let (seed, runs) = seed_and_runs(args, world);
    if let Some(t) = trace
        && t.last() >= runs
    {
        return Err(CommandError::Input(format!(
            "--trace {t}: run {} is not among the job's {} (runs 0 to {})",
            t.last(),
            summary::plural(runs, "run"),
            runs - 1
        )));
    }
    let spec = JobSpec {
        command: command.into(),
        profiles,
        reference,
        seed,
        runs,
        shard: args.shard,
        out: args
            .out
            .clone()
            .unwrap_or_else(|| default_out(world, &leaf(seed))),
        force: args.force,
        resume: args.resume,
        timeseries: args.timeseries,
        summary_only: false,
        prior_predictive: args.prior_predictive,
        trace: trace.cloned(),
        fault: ctx.fault,
    };
    if spec.prior_predictive && world.priors.is_empty() {
        return Err(CommandError::Input(format!(
            "--prior-predictive draws each run's parameters from the scenario's [priors], but {} declares none; add a [priors] table (see scenarios/README.md)",
            loaded.path.display()
        )));
    }
    let report = job::run(loaded, &spec, ctx.progress, ctx.cancel)?;
    Ok(if args.quiet {
        String::new()
    } else {
        summary::run_summary(world, &report, ctx.width)
    })
}
