//! `statecraft sweep`: the scenario at every point of a design, into
//! `results/<scenario>/sweep-<seed>`.
//!
//! The varied parameters come from `--vary` (factorial unless `--design` says
//! otherwise), else from the scenario's `[sweep]` table; `--runs` is per point.
//! Running the points, resuming and sharding are [`crate::sweep::run`]'s.

use super::{CommandError, Context, default_out};
use crate::cli::SweepArgs;
use crate::design::{self, Design};
use crate::report::plural;
use crate::scenario;
use crate::sweep::{self, SweepReport, SweepSpec};

pub fn execute(args: &SweepArgs, ctx: &Context) -> Result<String, CommandError> {
    if args.job.prior_predictive {
        return Err(CommandError::Input(
            "--prior-predictive is for run and compare; a sweep visits the points of its design (use --design sobol or morris to sweep over the priors)".into(),
        ));
    }
    let base = scenario::load(&args.job.scenario, &args.job.set)?;
    let world = &base.world;
    let (seed, runs) = super::seed_and_runs(&args.job, world);
    let (dimensions, design, n) = match (&world.sweep, args.vary.is_empty()) {
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
            return Err(CommandError::Input(
                "nothing to vary: pass --vary PATH=FROM:TO:STEP or add a [sweep] table".into(),
            ));
        }
    };
    let points = design::points(&dimensions, design, n, seed).map_err(CommandError::Input)?;
    let spec = SweepSpec {
        dimensions,
        points,
        profile: args.profile.clone(),
        seed,
        runs,
        shard: args.job.shard,
        out: args
            .job
            .out
            .clone()
            .unwrap_or_else(|| default_out(world, &format!("sweep-{seed}"))),
        force: args.job.force,
        resume: args.job.resume,
        timeseries: args.job.timeseries,
    };
    let report = sweep::run(&base, &spec, ctx.progress, ctx.cancel)?;
    Ok(if args.job.quiet {
        String::new()
    } else {
        summary(&report)
    })
}

/// What a finished sweep prints.
pub fn summary(report: &SweepReport) -> String {
    let what = if report.shard.is_some() {
        "shard of a sweep; merge the shards with statecraft merge"
    } else {
        "sweep.csv"
    };
    let mut s = format!(
        "{} × {} per point → {} ({what})\n",
        plural(report.points as u64, "point"),
        plural(report.runs, "run"),
        report.out.display()
    );
    if report.shard.is_none() {
        s += &format!(
            "report with figures: statecraft report {}\n",
            crate::report::shell_word(&report.out)
        );
    }
    if report.kept > 0 {
        let were = if report.kept == 1 {
            "point was"
        } else {
            "points were"
        };
        s += &format!("{} {were} already finished and kept\n", report.kept);
    }
    s
}
