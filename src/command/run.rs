//! `statecraft run`: Monte Carlo runs of a scenario under one doctrine
//! profile, into `results/<scenario>/run-<seed>`.

use super::{CommandError, Context};
use crate::cli::RunArgs;
use crate::{job, scenario};

pub fn execute(args: &RunArgs, ctx: &Context) -> Result<String, CommandError> {
    let loaded = scenario::load(&args.job.scenario, &args.job.set)?;
    let chosen = job::profile(&loaded.world, &args.profile)?;
    let leaf = |seed| format!("run-{seed}");
    super::run_job("run", &args.job, &loaded, vec![chosen], 0, &leaf, ctx)
}
