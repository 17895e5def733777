//! `statecraft compare`: the same runs under several doctrine profiles, with
//! common random numbers, into `results/<scenario>/compare-<seed>`.
//!
//! The profiles are `--profiles` in the order given, or with `--focus STATE`
//! the scenario profile and one profile per other doctrine of that state alone,
//! or by default every profile the scenario has; paired differences are taken
//! against `--reference` (the first profile by default).

use super::{CommandError, Context};
use crate::cli::CompareArgs;
use crate::doctrine::Doctrine;
use crate::world::{Profile, World};
use crate::{job, scenario};

pub fn execute(args: &CompareArgs, ctx: &Context) -> Result<String, CommandError> {
    let loaded = scenario::load(&args.job.scenario, &args.job.set)?;
    let (profiles, reference) = profiles(&loaded.world, args)?;
    let leaf = |seed| format!("compare-{seed}");
    super::run_job(
        "compare",
        &args.job,
        &loaded,
        profiles,
        reference,
        args.trace.as_ref(),
        &leaf,
        ctx,
    )
}

/// The profiles to compare, and the index of the reference among them.
pub fn profiles(world: &World, args: &CompareArgs) -> Result<(Vec<Profile>, usize), CommandError> {
    let profiles: Vec<Profile> = if let Some(code) = &args.focus {
        let s = world.state_index(code).ok_or_else(|| {
            let codes: Vec<&str> = world.states.iter().map(|s| s.code.as_str()).collect();
            CommandError::Input(format!(
                "unknown state `{code}` for --focus; the scenario's states are {}",
                codes.join(", ")
            ))
        })?;
        // The state's scenario doctrine is the `scenario` profile itself.
        let others = Doctrine::ALL
            .into_iter()
            .filter(|&d| d != world.states[s].doctrine);
        std::iter::once(world.scenario_profile())
            .chain(others.map(|d| world.focus_profile(s, d)))
            .collect()
    } else if args.profiles.is_empty() {
        world
            .profile_names()
            .iter()
            .map(|n| job::profile(world, n))
            .collect::<Result<_, _>>()?
    } else {
        args.profiles
            .iter()
            .map(|n| job::profile(world, n.trim()))
            .collect::<Result<_, _>>()?
    };
    for (k, p) in profiles.iter().enumerate() {
        if profiles[..k].iter().any(|q| q.name == p.name) {
            return Err(CommandError::Input(format!(
                "profile `{}` is listed twice",
                p.name
            )));
        }
    }
    let reference = match &args.reference {
        Some(name) => profiles
            .iter()
            .position(|p| &p.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
                CommandError::Input(format!(
                    "--reference `{name}` is not among the compared profiles ({})",
                    names.join(", ")
                ))
            })?,
        None => 0,
    };
    Ok((profiles, reference))
}
