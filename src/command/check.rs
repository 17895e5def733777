//! `statecraft check`: load and validate a scenario (with any `--set`
//! overrides) and describe what it holds — states, institutions, games,
//! timeline, profiles and facts. Writes nothing.

use super::{CommandError, Context};
use crate::cli::CheckArgs;
use crate::{report, scenario};

pub fn execute(args: &CheckArgs, _ctx: &Context) -> Result<String, CommandError> {
    let loaded = scenario::load(&args.scenario, &args.set)?;
    let sharpness = report::sharpness(&loaded.world)
        .map_err(|e| CommandError::Runtime(format!("the reference run failed: {e}")))?;
    Ok(report::describe(&loaded.world) + &sharpness)
}
