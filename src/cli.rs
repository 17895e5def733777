//! Command-line flags (clap derive): [`Cli`] and one `…Args` struct per
//! command. Raw flags only; the binary parses them from argv, and each module
//! of [`crate::command`] turns its command's flags into the library's
//! ready-to-run values. The library itself never reads argv: a test builds
//! these structs (or parses a list of strings with `Cli::try_parse_from`).
//!
//! The examples after each command's help are laid out one command per line,
//! continued with `\` and short enough for an 80-column terminal, so that
//! clap's wrapping never breaks a command in the middle (a test checks it).

use crate::job::{Shard, TraceRuns};
use crate::montecarlo::{MAX_RUNS, MAX_THREADS};
use crate::scenario::Override;
use crate::whatif::{CostRule, TariffRule};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "statecraft",
    version,
    about = "Simulate states deciding by neorealism, neoliberal institutionalism or constructivism",
    after_help = "Examples:
  statecraft check scenarios/classic_cooperation.toml
  statecraft compare scenarios/kazakhstan_wto_eaeu.toml
  statecraft report results/kazakhstan_wto_eaeu/compare-2015
  statecraft run scenarios/classic_cooperation.toml --runs 2000 --seed 7
  statecraft run scenarios/classic_cooperation.toml \\
      --set doctrines.neoliberal.discount=0.6 --out results/low-delta"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Clone, Debug)]
pub enum Command {
    /// Validate a scenario and print its states, institutions, games and facts.
    Check(CheckArgs),
    /// Run a scenario many times and write outcome CSVs.
    #[command(
        mut_arg("out", |a| a.help(
            "Results directory [default: results/<scenario>/run-<seed>, \
             or results/<scenario>/run-<profile>-<seed> with a --profile other than scenario]"
        )),
        after_help = "Examples:
  statecraft run scenarios/classic_cooperation.toml --runs 2000 --seed 7
  statecraft run scenarios/kazakhstan_wto_eaeu.toml --profile neorealist"
    )]
    Run(RunArgs),
    /// Run the same scenario under several doctrine profiles with common random
    /// numbers; compare them and score each against the scenario's facts.
    #[command(after_help = "Examples:
  statecraft compare scenarios/kazakhstan_wto_eaeu.toml
  statecraft compare scenarios/kazakhstan_wto_eaeu.toml --focus KAZ --runs 1000
  statecraft compare scenarios/classic_cooperation.toml \\
      --profiles neorealist,neoliberal --reference neoliberal")]
    Compare(CompareArgs),
    /// Run a scenario at many points of parameter space (common random numbers
    /// across points) and summarise them in sweep.csv.
    #[command(
        mut_arg("runs", |a| a.help(
            "Monte Carlo runs at each point (every point runs this many) \
             [default: the scenario's run.runs]"
        )),
        after_help = "Examples:
  statecraft sweep scenarios/classic_cooperation.toml \\
      --vary doctrines.neoliberal.discount=0.3:0.9:0.1 --runs 200
  statecraft sweep scenarios/kazakhstan_wto_eaeu.toml --design lhs --points 40 \\
      --vary trade.elasticity=4:8 --vary institutions.WTO.monitoring=0.2:1
  statecraft sweep scenarios/classic_cooperation.toml --design sobol \\
      --base 16 --runs 50 --summary-only \\
      --vary doctrines.neoliberal.discount=0.5:0.95 \\
      --vary games.trade_dilemma.noise=0:0.05"
    )]
    Sweep(SweepArgs),
    /// Join the directories of a job's shards into the results of the whole job.
    #[command(after_help = "Example:
  statecraft merge results/x/shard-0 results/x/shard-1 --out results/x/merged")]
    Merge(MergeArgs),
    /// Static what-if on the calibrated trade model: welfare, prices and trade shares.
    #[command(
        after_help = "Examples (each writes its own results/<scenario>/trade-<label>):
  statecraft trade scenarios/kazakhstan_wto_eaeu.toml --tariff 'KAZ:*=20'
  statecraft trade scenarios/kazakhstan_wto_eaeu.toml \\
      --tariff '*:RUS=25' --cost KAZ:CHN=0.9
  statecraft trade scenarios/kazakhstan_wto_eaeu.toml --autarky"
    )]
    Trade(TradeArgs),
    /// One state's story in a traced run: each year's events and decisions,
    /// the option chosen, its probability and the component that decided it.
    #[command(after_help = "Example (the run must have been traced with --trace):
  statecraft compare scenarios/kazakhstan_wto_eaeu.toml --trace 0 \\
      --out results/kz
  statecraft explain results/kz --run 0 --state KAZ --profile neoliberal")]
    Explain(ExplainArgs),
    /// Write report.html — one offline page of figures (inline SVG) and
    /// tables — for a results directory of run, compare, sweep, merge or trade.
    #[command(after_help = "Example:
  statecraft report results/kazakhstan_wto_eaeu/compare-2015")]
    Report(ReportArgs),
    /// Fit the scenario's [priors] to its [[target]]s under one profile by
    /// ABC-SMC; write the particles, the posterior and its predictions.
    #[command(after_help = "Examples:
  statecraft calibrate scenarios/kazakhstan_wto_eaeu.toml --profile scenario \\
      --particles 40 --generations 3 --runs 2
  statecraft calibrate scenarios/kazakhstan_wto_eaeu.toml --profile scenario \\
      --particles 40 --generations 4 --runs 2 --resume
  statecraft calibrate scenarios/kazakhstan_wto_eaeu.toml --profile scenario \\
      --particles 40 --generations 5 --runs 2 --shard 0/4")]
    Calibrate(CalibrateArgs),
    /// Which profile explains the targets best? ABC model choice with Monte
    /// Carlo error, a held-out pattern and a model-recovery study.
    #[command(after_help = "Examples:
  statecraft choose scenarios/kazakhstan_wto_eaeu.toml \\
      --profiles neorealist,neoliberal --particles 40 --runs 2 --recovery 1
  statecraft choose scenarios/kazakhstan_wto_eaeu.toml \\
      --profiles neorealist,neoliberal,constructivist --fit-pattern P1")]
    Choose(ChooseArgs),
}

impl Command {
    /// The shared job flags of a command that runs Monte Carlo jobs (`run`,
    /// `compare`, `sweep`); `None` for the others.
    pub fn job(&self) -> Option<&JobArgs> {
        match self {
            Command::Run(a) => Some(&a.job),
            Command::Compare(a) => Some(&a.job),
            Command::Sweep(a) => Some(&a.job),
            Command::Check(_)
            | Command::Merge(_)
            | Command::Trade(_)
            | Command::Explain(_)
            | Command::Report(_)
            | Command::Calibrate(_)
            | Command::Choose(_) => None,
        }
    }

    /// The ABC flags of `calibrate` and `choose`; `None` for the others.
    pub fn abc(&self) -> Option<&AbcArgs> {
        match self {
            Command::Calibrate(a) => Some(&a.abc),
            Command::Choose(a) => Some(&a.abc),
            _ => None,
        }
    }

    /// Worker threads asked for, if any.
    pub fn threads(&self) -> Option<usize> {
        self.job()
            .and_then(|j| j.threads)
            .or_else(|| self.abc().and_then(|a| a.threads))
    }
}

/// `--runs`: a whole number from 1 to [`MAX_RUNS`].
fn runs(s: &str) -> Result<u64, String> {
    within(s, 1, MAX_RUNS)
}

/// `--threads`: a whole number from 1 to [`MAX_THREADS`].
fn threads(s: &str) -> Result<usize, String> {
    within(s, 1, MAX_THREADS as u64).map(|n| n as usize)
}

fn within(s: &str, low: u64, high: u64) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (low..=high).contains(&n) => Ok(n),
        Ok(_) => Err(format!("must be between {low} and {high}")),
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => {
            Err(format!("must be between {low} and {high}"))
        }
        Err(_) => Err(format!("expected a whole number, got `{s}`")),
    }
}

#[derive(Args, Clone, Debug)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a scenario field by its dotted path, e.g. --set timeline.end=2030.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

/// Flags shared by every command that runs Monte Carlo jobs.
#[derive(Args, Clone, Debug)]
pub struct JobArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of Monte Carlo runs, at most 1000000000 [default: the scenario's run.runs].
    #[arg(long, value_parser = runs)]
    pub runs: Option<u64>,
    /// Master seed; run r draws from stream r of it [default: the scenario's run.seed].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Results directory [default: results/<scenario>/<command>-<seed>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads, at most 1024 [default: all cores]; results do not depend on it.
    #[arg(long, value_parser = threads)]
    pub threads: Option<usize>,
    /// Override a scenario field by its dotted path (repeatable), e.g. --set states.KAZ.gdp_musd=200000.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Also write timeseries.csv (every state's metrics every year).
    #[arg(long)]
    pub timeseries: bool,
    /// Run r draws its parameters from the scenario's [priors] (the same draw
    /// under every profile) and writes them to draws.csv (run and compare).
    #[arg(long)]
    pub prior_predictive: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Replace results already in the output directory.
    #[arg(long)]
    pub force: bool,
    /// Finish an interrupted job in --out, keeping the chunks already done
    /// (each checked against its recorded SHA-256; a damaged one is computed
    /// again). Not with --force.
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Run only shard K of N (K from 0), e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT;
    /// join the shards' directories with `statecraft merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

#[derive(Args, Clone, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    pub job: JobArgs,
    /// A varied parameter, PATH=FROM:TO:STEP (repeatable) [default: the scenario's [sweep] table].
    #[arg(long, value_name = "PATH=FROM:TO:STEP")]
    pub vary: Vec<crate::design::Dimension>,
    /// How points are chosen: factorial (every combination of the --vary
    /// grids), lhs (a Latin hypercube of --points points), csv:FILE (the points
    /// in FILE, one column per path, e.g. from SALib), morris (--trajectories
    /// over --levels) or sobol (Saltelli's design of --base points); morris
    /// and sobol vary the scenario's [priors], or the --vary ranges uniformly
    /// when given [default: factorial, or the scenario's [sweep] design when
    /// no --vary is given].
    #[arg(long, value_name = "DESIGN")]
    pub design: Option<crate::design::DesignChoice>,
    /// Points of a Latin-hypercube design (--design lhs).
    #[arg(long)]
    pub points: Option<usize>,
    /// Morris trajectories r (--design morris); each is one point more than
    /// there are parameters.
    #[arg(long, default_value_t = 10)]
    pub trajectories: usize,
    /// Levels p of the Morris grid, even (--design morris).
    #[arg(long, default_value_t = 4)]
    pub levels: usize,
    /// Base points N of a Saltelli design, best a power of two (--design
    /// sobol); N·(D + 2) points for D parameters.
    #[arg(long, default_value_t = 64)]
    pub base: usize,
    /// Also the second-order Sobol' indices (--design sobol): N·(2D + 2)
    /// points.
    #[arg(long)]
    pub second_order: bool,
    /// Keep only each point's summary.csv and retrodiction.csv, not its
    /// per-run outcomes.csv and events.csv.
    #[arg(long, conflicts_with = "timeseries")]
    pub summary_only: bool,
    /// Doctrine profile run at every point.
    #[arg(long, default_value = "scenario")]
    pub profile: String,
}

#[derive(Args, Clone, Debug)]
pub struct MergeArgs {
    /// Shard directories written with --shard (any order).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged results: a new directory, never one of the
    /// shards. A merge stopped half-way is finished by the same command again.
    #[arg(long)]
    pub out: PathBuf,
    /// The scenario the shards ran [default: the path recorded by the shards].
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Replace results already in the output directory.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Clone, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub job: JobArgs,
    /// Write every decision of these runs to decisions.csv: each option's
    /// utility by component, its logit probability and whether it was chosen.
    /// Runs and ranges, e.g. --trace 0, --trace 0,5,10, --trace 0-9 (at most
    /// 1000 runs) [default with no value: run 0].
    #[arg(long, value_name = "RUNS", num_args = 0..=1, default_missing_value = "0")]
    pub trace: Option<TraceRuns>,
    /// Doctrine profile: scenario, neorealist, neoliberal, constructivist, or one the scenario defines.
    #[arg(long, default_value = "scenario")]
    pub profile: String,
}

#[derive(Args, Clone, Debug)]
pub struct CompareArgs {
    #[command(flatten)]
    pub job: JobArgs,
    /// Profiles to compare, comma-separated [default: scenario, the three
    /// all-one-doctrine profiles and the scenario's own mixes].
    #[arg(long, value_delimiter = ',', conflicts_with = "focus")]
    pub profiles: Vec<String>,
    /// Vary one state's doctrine while every other state keeps the scenario's.
    #[arg(long, value_name = "STATE")]
    pub focus: Option<String>,
    /// The profile paired differences are taken against [default: the first].
    #[arg(long)]
    pub reference: Option<String>,
    /// Write every decision of these runs to decisions.csv: each option's
    /// utility by component, its logit probability and whether it was chosen.
    /// Runs and ranges, e.g. --trace 0, --trace 0,5,10, --trace 0-9 (at most
    /// 1000 runs) [default with no value: run 0].
    #[arg(long, value_name = "RUNS", num_args = 0..=1, default_missing_value = "0")]
    pub trace: Option<TraceRuns>,
}

#[derive(Args, Clone, Debug)]
pub struct TradeArgs {
    /// The scenario file (TOML); it needs a [trade] table.
    pub scenario: PathBuf,
    /// Importer's tariff on exporter's goods, in percent; replaces the start
    /// point's (repeatable; * for every state, e.g. KAZ:*=20 or '*:KAZ=10').
    #[arg(long = "tariff", value_name = "IMPORTER:EXPORTER=RATE")]
    pub tariff: Vec<TariffRule>,
    /// Multiply the iceberg trade cost of exporter's goods to importer (repeatable;
    /// 0.96 is a 4% cut, inf an embargo; * for every state).
    #[arg(long = "cost", value_name = "IMPORTER:EXPORTER=FACTOR")]
    pub cost: Vec<CostRule>,
    /// Make all international trade prohibitive (trade deficits set to zero).
    #[arg(long)]
    pub autarky: bool,
    /// The policies in force in this year are the start point [default: the trade model's baseline year].
    #[arg(long)]
    pub year: Option<i32>,
    /// Override a scenario field by its dotted path (repeatable), e.g. --set trade.elasticity=8.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Results directory [default: results/<scenario>/trade-<label>, the label
    /// made of the what-if's flags: --tariff KAZ:*=20 gives trade-tariff-KAZ-all-20,
    /// --autarky trade-autarky, --year 2019 adds y2019 and --set a hash (see
    /// results/README.md)].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Replace trade.csv and trade_shares.csv already in the output directory.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Clone, Debug)]
pub struct ExplainArgs {
    /// A results directory of run or compare written with --trace.
    pub dir: PathBuf,
    /// The traced run to tell.
    #[arg(long)]
    pub run: u64,
    /// The state whose story it is (its code).
    #[arg(long)]
    pub state: String,
    /// The profile [default: the job's first].
    #[arg(long)]
    pub profile: Option<String>,
}

#[derive(Args, Clone, Debug)]
pub struct ReportArgs {
    /// A results directory: of run, compare or merge (manifest.json), of a
    /// sweep (sweep.json) or of a trade what-if (trade.csv).
    pub dir: PathBuf,
    /// The states whose metrics are drawn, comma-separated, or `all`
    /// [default: the --focus state of a compare, else the state most facts
    /// are about, else the first].
    #[arg(long, value_delimiter = ',')]
    pub state: Vec<String>,
}

/// `--particles`: a whole number from 1 to 1000000.
fn particles(s: &str) -> Result<usize, String> {
    within(s, 1, 1_000_000).map(|n| n as usize)
}

/// `--generations`: a whole number from 1 to 1000.
fn generations(s: &str) -> Result<u32, String> {
    within(s, 1, 1000).map(|n| n as u32)
}

/// `--runs` per particle: a whole number from 1 to 100000.
fn particle_runs(s: &str) -> Result<u64, String> {
    within(s, 1, 100_000)
}

/// A finite number in [low, high].
fn number_in(s: &str, low: f64, high: f64) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && (low..=high).contains(&x) => Ok(x),
        _ => Err(format!(
            "must be a number between {low} and {high}, got `{s}`"
        )),
    }
}

fn min_epsilon(s: &str) -> Result<f64, String> {
    number_in(s, 0.0, f64::MAX)
}

fn fraction(s: &str) -> Result<f64, String> {
    number_in(s, 0.0, 1.0)
}

fn epsilon_quantile(s: &str) -> Result<f64, String> {
    match number_in(s, 0.0, 1.0) {
        Ok(x) if x > 0.0 => Ok(x),
        _ => Err(format!("must be a number in (0, 1], got `{s}`")),
    }
}

/// Flags shared by `calibrate` and `choose`.
#[derive(Args, Clone, Debug)]
pub struct AbcArgs {
    /// The scenario file (TOML); it needs [priors] or several profiles, and [[target]]s.
    pub scenario: PathBuf,
    /// Particles per generation.
    #[arg(long, default_value = "200", value_parser = particles)]
    pub particles: usize,
    /// Generations in all, the one drawn from the priors included.
    #[arg(long, default_value = "5", value_parser = generations)]
    pub generations: u32,
    /// Monte Carlo runs of each particle's parameters; targets are statistics over them.
    #[arg(long, default_value = "5", value_parser = particle_runs)]
    pub runs: u64,
    /// Fit only these [priors] paths (comma-separated); the other priors keep the scenario's
    /// values [default: every prior].
    #[arg(long, value_delimiter = ',', value_name = "PATH,...")]
    pub parameters: Vec<String>,
    /// Stop once a generation ran at an ε this small (in target scales).
    #[arg(long, default_value = "0", value_parser = min_epsilon)]
    pub min_epsilon: f64,
    /// Stop when a generation's acceptance rate would fall below this.
    #[arg(long, default_value = "0.01", value_parser = fraction)]
    pub min_acceptance: f64,
    /// Most particle simulations in all (each is --runs runs); never exceeded.
    #[arg(long)]
    pub budget: Option<u64>,
    /// Each generation's ε is this quantile of the previous distances.
    #[arg(long, default_value = "0.5", value_parser = epsilon_quantile)]
    pub quantile: f64,
    /// Master seed [default: the scenario's run.seed].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Results directory [default: results/<scenario>/<command>-<profile(s)>-<seed>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads, at most 1024 [default: all cores]; results do not depend on it.
    #[arg(long, value_parser = threads)]
    pub threads: Option<usize>,
    /// Override a scenario field by its dotted path (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Continue an interrupted calibration in --out from its last finished generation.
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Replace a calibration already in the output directory.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Clone, Debug)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub abc: AbcArgs,
    /// Doctrine profile fitted.
    #[arg(long, default_value = "scenario")]
    pub profile: String,
    /// Fit only the targets of this pattern (e.g. P1) [default: every target not held out].
    #[arg(long)]
    pub pattern: Option<String>,
    /// Simulate only shard K of N of the next generation's attempts into --out (several
    /// shards may share it); then `calibrate --resume` on --out finishes the generation.
    #[arg(long, value_name = "K/N", conflicts_with_all = ["force", "resume"])]
    pub shard: Option<Shard>,
}

#[derive(Args, Clone, Debug)]
pub struct ChooseArgs {
    #[command(flatten)]
    pub abc: AbcArgs,
    /// Profiles to choose between, comma-separated (at least two).
    #[arg(long, value_delimiter = ',', required = true)]
    pub profiles: Vec<String>,
    /// Repeats of the choice with seeds seed, seed+1, ... (for its Monte Carlo error).
    #[arg(long, default_value = "3", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeats: u32,
    /// Model-recovery data sets simulated per profile (0: no recovery study).
    #[arg(long, default_value = "2", value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub recovery: u32,
    /// The pattern the held-out check fits [default: the first pattern with targets].
    #[arg(long)]
    pub fit_pattern: Option<String>,
    /// Skip the held-out check.
    #[arg(long, conflicts_with = "fit_pattern")]
    pub no_held_out: bool,
}
