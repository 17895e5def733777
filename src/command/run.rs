//! `statecraft run`: Monte Carlo runs of a scenario under one doctrine profile.
//!
//! Its default directory is `results/<scenario>/run-<seed>` for the
//! `scenario` profile and `results/<scenario>/run-<profile>-<seed>` for any
//! other ([`leaf`]), so that runs of two profiles with the same seed do not
//! want the same directory.

use super::{CommandError, Context, file_safe};
use crate::cli::RunArgs;
use crate::{job, scenario};

pub fn execute(args: &RunArgs, ctx: &Context) -> Result<String, CommandError> {
    let loaded = scenario::load(&args.job.scenario, &args.job.set)?;
    let chosen = job::profile(&loaded.world, &args.profile)?;
    let leaf = |seed| leaf(&args.profile, seed);
    super::run_job(
        "run",
        &args.job,
        &loaded,
        vec![chosen],
        0,
        args.trace.as_ref(),
        &leaf,
        ctx,
    )
}

/// The default directory's name of a run of `profile` with `seed`.
pub fn leaf(profile: &str, seed: u64) -> String {
    if profile == "scenario" {
        format!("run-{seed}")
    } else {
        format!("run-{}-{seed}", file_safe(profile))
    }
}
