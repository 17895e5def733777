//! `statecraft explain`: one state's story in one traced run of a results
//! directory ([`crate::explain`]). Reads; writes nothing.

use super::{CommandError, Context};
use crate::cli::ExplainArgs;

pub fn execute(args: &ExplainArgs, _ctx: &Context) -> Result<String, CommandError> {
    Ok(crate::explain::story(
        &args.dir,
        args.run,
        &args.state,
        args.profile.as_deref(),
    )?)
}
