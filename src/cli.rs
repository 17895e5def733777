//! Command-line flags (clap derive). Raw flags only; `main` turns them into the
//! library's ready-to-run values.

use clap::{Args, Parser, Subcommand};
use statecraft::scenario::Override;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "statecraft",
    version,
    about = "Simulate states deciding by neorealism, neoliberal institutionalism or constructivism",
    after_help = "Examples:\n  statecraft check scenarios/classic_cooperation.toml\n  statecraft run scenarios/classic_cooperation.toml --runs 2000 --seed 7\n  statecraft run scenarios/classic_cooperation.toml --set doctrines.neoliberal.discount=0.6 --out results/low-delta"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate a scenario and print its states, institutions, games and facts.
    Check(CheckArgs),
    /// Run a scenario many times and write outcome CSVs.
    Run(RunArgs),
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Override a scenario field by its dotted path, e.g. --set timeline.end=2030.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of Monte Carlo runs [default: the scenario's run.runs].
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed; run r draws from stream r of it [default: the scenario's run.seed].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Doctrine profile: scenario, neorealist, neoliberal, constructivist, or one the scenario defines.
    #[arg(long, default_value = "scenario")]
    pub profile: String,
    /// Results directory [default: results/<scenario>/run-<seed>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads [default: all cores]; results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Override a scenario field by its dotted path (repeatable), e.g. --set states.KAZ.gdp_musd=200000.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Also write timeseries.csv (every state's metrics every year).
    #[arg(long)]
    pub timeseries: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Replace results already in the output directory.
    #[arg(long)]
    pub force: bool,
}
