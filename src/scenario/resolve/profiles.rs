//! Doctrine profiles: `[profiles.<name>]`, a named assignment of a doctrine to
//! every state, for `--profile` and `compare`.
//!
//! The built-in profiles — `scenario` (each state's own doctrine) and one per
//! doctrine — always exist, so a scenario profile may not take their names: it
//! would silently be shadowed by, or shadow, the built-in one. A profile starts
//! from its `base` and lists only the states that differ from it.

use super::{Resolver, Result, path};
use crate::doctrine::Doctrine;
use crate::scenario::format::{ProfileBase, ScenarioFile};
use crate::world::{Profile, State};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    states: &[State],
) -> Result<Vec<Profile>> {
    let n = states.len();
    let mut profiles = Vec::new();
    for (name, p) in &spec.profiles {
        let at = path("profiles").key(name);
        r.require_lower_name(&at, name)?;
        if name == "scenario" || Doctrine::ALL.iter().any(|d| d.as_str() == name) {
            return r.err_key(
                &at,
                format!("`{name}` is a built-in profile; choose another name"),
            );
        }
        let mut doctrines: Vec<Doctrine> = match p.base {
            ProfileBase::Scenario => states.iter().map(|s| s.doctrine).collect(),
            ProfileBase::Neorealist => vec![Doctrine::Neorealist; n],
            ProfileBase::Neoliberal => vec![Doctrine::Neoliberal; n],
            ProfileBase::Constructivist => vec![Doctrine::Constructivist; n],
        };
        for (code, &d) in &p.doctrines {
            doctrines[r.state_key(&at.key("doctrines").key(code), code)?] = d;
        }
        profiles.push(Profile {
            name: name.clone(),
            doctrines,
        });
    }
    Ok(profiles)
}
