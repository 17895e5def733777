//! `statecraft merge`: join the directories of a job's shards (`run` or
//! `compare` with `--shard`, [`crate::job::merge`]) or of a sweep's shards
//! ([`crate::sweep::merge`]) into `--out`, byte-identical to the job run in
//! one process.

use super::{CommandError, Context};
use crate::cli::MergeArgs;
use crate::scenario::{self, Override};
use crate::{job, report, sweep};

pub fn execute(args: &MergeArgs, ctx: &Context) -> Result<String, CommandError> {
    crate::output::check_merge_dirs(&args.dirs, &args.out)?;
    if args.dirs.first().is_some_and(|d| sweep::is_sweep(d)) {
        let merged = sweep::merge(&args.dirs, &args.out, args.force)?;
        return Ok(if args.quiet {
            String::new()
        } else {
            let mut s = format!(
                "{} points merged → {}\n",
                merged.points,
                merged.out.display()
            );
            super::sweep::digest_table(&mut s, &merged.digest);
            s
        });
    }
    // The shards record the scenario and overrides they ran.
    let (identity, _) = job::shards_of(&args.dirs, false)?;
    let path = args
        .scenario
        .clone()
        .unwrap_or_else(|| identity.scenario_path.clone());
    let overrides: Vec<Override> = identity
        .overrides
        .iter()
        .map(|o| o.parse())
        .collect::<Result<_, _>>()
        .map_err(CommandError::Input)?;
    let loaded = scenario::load(&path, &overrides)?;
    let merged = job::merge(&loaded, &args.dirs, &args.out, args.force, ctx.fault)?;
    Ok(if args.quiet {
        String::new()
    } else {
        report::run_summary(&loaded.world, &merged, ctx.width)
    })
}
