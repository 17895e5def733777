//! `statecraft choose`: ABC model choice between doctrine profiles, with its
//! Monte Carlo error over repeated seeds, a held-out pattern and a
//! model-recovery study ([`crate::calibrate::choose`]). Its default directory
//! is `results/<scenario>/choose-<seed>`.

use super::calibrate::{mode, settings};
use super::{CommandError, Context};
use crate::calibrate::{self, choose::Spec};
use crate::cli::ChooseArgs;
use crate::{job, scenario};

pub fn execute(args: &ChooseArgs, ctx: &Context) -> Result<String, CommandError> {
    let a = &args.abc;
    let loaded = scenario::load(&a.scenario, &a.set)?;
    let loaded = calibrate::fitting(&loaded, &a.parameters)?;
    let world = &loaded.world;
    let mut profiles = Vec::new();
    for name in &args.profiles {
        let p = job::profile(world, name)?;
        if profiles
            .iter()
            .any(|q: &crate::world::Profile| q.name == p.name)
        {
            return Err(CommandError::Input(format!(
                "--profiles names `{name}` twice"
            )));
        }
        profiles.push(p);
    }
    let spec = Spec {
        settings: settings(a, world.run.seed),
        runs: a.runs,
        repeats: args.repeats,
        recovery: args.recovery,
        fit_pattern: args.fit_pattern.clone(),
        no_held_out: args.no_held_out,
    };
    let dir = a.out.clone().unwrap_or_else(|| {
        calibrate::default_dir(world, &format!("choose-{}", spec.settings.seed))
    });
    let progress = ctx.progress;
    let choice = calibrate::choose::choose(
        &loaded,
        profiles,
        &spec,
        &dir,
        mode(a),
        progress,
        ctx.cancel,
    )?;
    let title = if world.title.is_empty() {
        &world.name
    } else {
        &world.title
    };
    let text = calibrate::choose::summary(title, &choice, &spec, &dir);
    crate::output::write_atomic(&dir, "choice.txt", text.as_bytes())?;
    Ok(if a.quiet { String::new() } else { text })
}
