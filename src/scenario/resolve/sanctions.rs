//! Sanctions and the blocs states may align with: `[[sanctions]]` and
//! `[blocs.<CODE>]`.
//!
//! A sanctions regime is named because events carry its name, so names must
//! be distinct; a state cannot be among the senders and the target of one
//! regime. A state's alignment is one bloc or none (hedging), as in Axelrod &
//! Bennett's landscape theory ("A landscape theory of aggregation", *British
//! Journal of Political Science*, 1993), so a state starts in at most one bloc.

use super::{Resolver, Result, path};
use crate::scenario::format::ScenarioFile;
use crate::world::{Bloc, Sanction};

/// The blocs, and each state's bloc at the start (`None`: hedging).
pub(super) fn blocs(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    n: usize,
) -> Result<(Vec<Bloc>, Vec<Option<usize>>)> {
    let mut blocs: Vec<Bloc> = Vec::new();
    let mut alignment: Vec<Option<usize>> = vec![None; n];
    for (code, b) in &spec.blocs {
        let at = path("blocs").key(code);
        r.require_key(
            super::is_code(code),
            &at,
            code,
            "an upper-case code (e.g. WEST)",
        )?;
        let index = blocs.len();
        for (k, m) in b.members.iter().enumerate() {
            let s = r.state(&at.key("members").index(k), m)?;
            if let Some(other) = alignment[s] {
                return r.err(
                    &at.key("members").index(k),
                    format!("`{m}` is already in bloc `{}`", blocs[other].code),
                );
            }
            alignment[s] = Some(index);
        }
        blocs.push(Bloc {
            code: code.clone(),
            name: super::name_or_code(&b.name, code),
        });
    }
    Ok((blocs, alignment))
}

pub(super) fn resolve(r: &Resolver<'_, '_>, spec: &ScenarioFile) -> Result<Vec<Sanction>> {
    let mut sanctions = Vec::with_capacity(spec.sanctions.len());
    for (k, s) in spec.sanctions.iter().enumerate() {
        let at = path("sanctions").index(k);
        r.require_name(&at, &s.name)?;
        if spec.sanctions[..k].iter().any(|o| o.name == s.name) {
            return r.err(
                &at.key("name"),
                format!(
                    "`{}` names an earlier [[sanctions]] entry; names must be distinct",
                    s.name
                ),
            );
        }
        let senders = r.state_list(&at.key("senders"), &s.senders)?;
        if senders.is_empty() {
            return r.err(&at.key("senders"), "sanctions need at least one sender");
        }
        let target = r.state(&at.key("target"), &s.target)?;
        if senders.contains(&target) {
            return r.err(
                &at.key("target"),
                format!("`{}` cannot sanction itself", s.target),
            );
        }
        r.year(&at.key("from"), s.from)?;
        let until = s.until.unwrap_or(r.timeline.1);
        r.until(&at.key("until"), s.from, until)?;
        r.require(
            s.cost_increase.is_finite() && s.cost_increase >= 0.0,
            &at.key("cost_increase"),
            s.cost_increase,
            "a number >= 0 (0.25 = trade costs up 25%)",
        )?;
        r.require(
            (0.0..=1.0).contains(&s.secondary_risk),
            &at.key("secondary_risk"),
            s.secondary_risk,
            "a probability in [0, 1]",
        )?;
        r.require(
            s.contagion_percent.is_finite() && s.contagion_percent >= 0.0,
            &at.key("contagion_percent"),
            s.contagion_percent,
            "a number >= 0",
        )?;
        if let Some(y) = s.counter_response_year {
            r.require(
                (s.from..=until).contains(&y),
                &at.key("counter_response_year"),
                y,
                "a year while the sanctions are in force",
            )?;
        }
        let probability = |x: f64| (0.0..=1.0).contains(&x);
        let detection = r.or_default(
            &at.key("detection"),
            s.detection,
            0.2,
            "a probability in [0, 1]",
            probability,
        )?;
        let reexport_share = r.or_default(
            &at.key("reexport_share"),
            s.reexport_share,
            0.05,
            "a share in [0, 1]",
            probability,
        )?;
        let leader_reward = r.or_default(
            &at.key("leader_reward_percent"),
            s.leader_reward_percent,
            0.0,
            "a percentage in [0, 100)",
            |x| (0.0..100.0).contains(&x),
        )? / 100.0;
        sanctions.push(Sanction {
            name: s.name.clone(),
            senders,
            target,
            from: s.from,
            until,
            cost_increase: s.cost_increase,
            secondary_risk: s.secondary_risk,
            contagion_percent: s.contagion_percent,
            counter_response_year: s.counter_response_year,
            detection,
            reexport_share,
            leader_reward,
        });
    }
    Ok(sanctions)
}
