//! `statecraft calibrate`: ABC-SMC of the scenario's `[priors]` against its
//! `[[target]]`s under one profile ([`crate::calibrate`]). Its default
//! directory is `results/<scenario>/calibrate-<profile>-<seed>`.

use super::{CommandError, Context, file_safe};
use crate::calibrate::{self, Mode, Problem, Settings};
use crate::cli::{AbcArgs, CalibrateArgs};
use crate::{job, scenario};
use std::fmt::Write;

pub fn execute(args: &CalibrateArgs, ctx: &Context) -> Result<String, CommandError> {
    let a = &args.abc;
    let loaded = scenario::load(&a.scenario, &a.set)?;
    let loaded = calibrate::fitting(&loaded, &a.parameters)?;
    let world = &loaded.world;
    let profile = job::profile(world, &args.profile)?;
    if world.priors.is_empty() {
        return Err(CommandError::Input(format!(
            "{} declares no [priors]: calibration fits the priors' parameters to the targets; add a [priors] table (see scenarios/README.md)",
            loaded.path.display()
        )));
    }
    let problem = Problem::new(&loaded, vec![profile], a.runs, args.pattern.as_deref())?;
    let settings = settings(a, world.run.seed);
    let dir = a.out.clone().unwrap_or_else(|| {
        calibrate::default_dir(
            world,
            &format!("calibrate-{}-{}", file_safe(&args.profile), settings.seed),
        )
    });
    let progress = ctx.progress;
    if let Some(shard) = args.shard {
        let done = calibrate::shard::run(&problem, &settings, &dir, shard, progress, ctx.cancel)?;
        return Ok(if a.quiet {
            String::new()
        } else if let Some(t) = done.generation {
            format!(
                "Shard {shard} of generation {t}: {} attempts simulated, {} accepted → {}\nWhen every shard is done, finish the generation with the same command, --resume instead of --shard and --generations {} (a larger --generations goes on without shards).\n",
                done.attempts,
                done.accepted,
                done.path.display(),
                t + 1
            )
        } else {
            format!(
                "{} already holds every generation asked for; nothing to simulate. Run the same command with --resume instead of --shard to write the outputs.\n",
                dir.display()
            )
        });
    }
    let fitted = calibrate::fit(&problem, &settings, &dir, mode(a), progress, ctx.cancel)?;
    calibrate::write_outputs(&problem, &fitted, &dir)?;
    let stats = calibrate::predict(&problem, &fitted)?;
    let rows = calibrate::predictive_rows(&problem, &fitted, &stats);
    calibrate::write_predictive(&rows, &dir)?;
    if a.quiet {
        return Ok(String::new());
    }
    let state = &fitted.outcome.state;
    let last = state.last();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Calibrated {} under profile {}: {} generation(s), stopped because {}.",
        world.name,
        args.profile,
        state.history.len(),
        fitted.outcome.stop
    );
    let _ = writeln!(
        s,
        "Last ε {} (in target scales), acceptance {:.3}, ESS {:.1} of {} particles;",
        last.epsilon.map_or("∞".to_string(), |e| format!("{e:.4}")),
        last.acceptance_rate,
        last.ess,
        settings.particles
    );
    let _ = writeln!(
        s,
        "{} parameter sets simulated ({} runs each).",
        state.simulations(),
        a.runs
    );
    let _ = writeln!(
        s,
        "\n  {:<44} {:>10} {:>10} {:>10}",
        "parameter", "prior mean", "posterior", "sd"
    );
    for (k, u) in world.priors.iter().enumerate() {
        if let Some(p) = calibrate::posterior(&problem, state, 0, k) {
            let name: String = u.path.chars().take(44).collect();
            let _ = writeln!(
                s,
                "  {name:<44} {:>10.4} {:>10.4} {:>10.4}",
                u.prior.mean(),
                p.mean,
                p.sd
            );
        }
    }
    let _ = writeln!(
        s,
        "\n  {:<44} {:>10} {:>10}",
        "target", "observed", "predicted"
    );
    for r in rows.iter().filter(|r| r.kind == "target") {
        let name: String = r.id.chars().take(44).collect();
        let _ = writeln!(s, "  {name:<44} {:>10.4} {:>10.4}", r.observed, r.predicted);
    }
    let _ = writeln!(s, "\nResults in {}", dir.display());
    Ok(s)
}

/// The ABC settings of the flags; the seed defaults to the scenario's.
pub(super) fn settings(a: &AbcArgs, seed: u64) -> Settings {
    Settings {
        particles: a.particles,
        generations: a.generations,
        min_epsilon: a.min_epsilon,
        min_acceptance: a.min_acceptance,
        budget: a.budget,
        seed: a.seed.unwrap_or(seed),
        quantile: a.quantile,
    }
}

pub(super) fn mode(a: &AbcArgs) -> Mode {
    Mode {
        resume: a.resume,
        force: a.force,
        quiet: a.quiet,
    }
}
