//! Historical facts a run is scored against: `[[expect]]`.
//!
//! One table serves five kinds of fact, so each kind names the fields it takes
//! and any other field set is reported, not ignored: a `by` on a metric fact
//! would otherwise look like a condition that is never applied. A fact is
//! scored from a metric every run reports, so it is checked against the
//! catalogue of the finished world; institutions' membership and compliance
//! metrics exist only in scenarios with a `[trade]` table.

use super::{Resolver, Result};
use crate::event::EventKind;
use crate::outcome::Catalogue;
use crate::scenario::FieldPath;
use crate::scenario::format::{FactKindSpec, FactSpec};
use crate::world::World;
use crate::world::{EventFact, Fact, FactDef};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    f: &FactSpec,
    world: &World,
    catalogue: &Catalogue,
) -> Result<FactDef> {
    let kind = f.fact;
    let kind_name = match kind {
        FactKindSpec::MemberAtEnd => "member_at_end",
        FactKindSpec::AccessionYear => "accession_year",
        FactKindSpec::ComplianceShare => "compliance_share",
        FactKindSpec::Metric => "metric",
        FactKindSpec::Event => "event",
    };
    // Fields each kind of fact takes; any other field present is a mistake.
    let allowed: &[&str] = match kind {
        FactKindSpec::MemberAtEnd => &["state", "institution", "member"],
        FactKindSpec::AccessionYear => &["state", "institution", "from", "to"],
        FactKindSpec::ComplianceShare => &["state", "institution", "min", "max"],
        FactKindSpec::Metric => &["state", "metric", "min", "max"],
        FactKindSpec::Event => &[
            "event",
            "state",
            "target",
            "institution",
            "detail",
            "by",
            "occurs",
        ],
    };
    let present = [
        ("state", f.state.is_some()),
        ("institution", f.institution.is_some()),
        ("metric", f.metric.is_some()),
        ("min", f.min.is_some()),
        ("max", f.max.is_some()),
        ("from", f.from.is_some()),
        ("to", f.to.is_some()),
        ("member", f.member.is_some()),
        ("event", f.event.is_some()),
        ("target", f.target.is_some()),
        ("detail", f.detail.is_some()),
        ("by", f.by.is_some()),
        ("occurs", f.occurs.is_some()),
    ];
    r.only_keys(
        at,
        &present,
        allowed,
        &format!("a fact of kind `{kind_name}`"),
        "",
    )?;
    let need = |field: &str, v: Option<&String>| -> Result<String> {
        v.cloned().map_or_else(
            || {
                r.err(
                    &at.key(field),
                    format!("a fact of kind `{kind_name}` needs `{field}`"),
                )
            },
            Ok,
        )
    };
    let state = |r: &Resolver<'_, '_>| -> Result<usize> {
        r.state(&at.key("state"), &need("state", f.state.as_ref())?)
    };
    let institution = |r: &Resolver<'_, '_>| -> Result<usize> {
        r.institution(
            &at.key("institution"),
            &need("institution", f.institution.as_ref())?,
        )
    };
    let bounds = |r: &Resolver<'_, '_>| -> Result<(f64, f64)> {
        let (min, max) = (
            f.min.unwrap_or(f64::NEG_INFINITY),
            f.max.unwrap_or(f64::INFINITY),
        );
        if f.min.is_none() && f.max.is_none() {
            return r.err(
                at,
                format!("a fact of kind `{kind_name}` needs `min`, `max` or both"),
            );
        }
        r.require(
            !min.is_nan() && !max.is_nan() && min <= max,
            &at.key("max"),
            max,
            "a number >= min",
        )?;
        Ok((min, max))
    };
    let fact = match kind {
        FactKindSpec::MemberAtEnd => Fact::MemberAtEnd {
            state: state(r)?,
            institution: institution(r)?,
            member: f.member.unwrap_or(true),
        },
        FactKindSpec::AccessionYear => {
            let (state, institution) = (state(r)?, institution(r)?);
            let from = f.from.unwrap_or(world.start);
            let to = f.to.unwrap_or(world.end);
            r.require(
                to >= from,
                &at.key("to"),
                to,
                &format!("a year >= from ({from})"),
            )?;
            Fact::AccessionYear {
                state,
                institution,
                from,
                to,
            }
        }
        FactKindSpec::ComplianceShare => {
            let (state, institution) = (state(r)?, institution(r)?);
            let inst = &world.institutions[institution];
            if inst.regime().is_none() && inst.union().is_none() {
                return r.err(
                    &at.key("institution"),
                    format!("`{}` is a {} and has no rules to comply with; compliance facts need a trade_regime or customs_union", inst.code, inst.kind.as_str()),
                );
            }
            let (min, max) = bounds(r)?;
            Fact::ComplianceShare {
                state,
                institution,
                min,
                max,
            }
        }
        FactKindSpec::Metric => {
            let s = state(r)?;
            let metric = need("metric", f.metric.as_ref())?;
            if catalogue.find(s, &metric).is_none() {
                let known = catalogue.names_for(s).join(", ");
                return r.err(
                    &at.key("metric"),
                    format!(
                        "`{}` reports no metric `{metric}`; its metrics are: {known}",
                        world.states[s].code
                    ),
                );
            }
            let (min, max) = bounds(r)?;
            Fact::Metric {
                state: s,
                metric,
                min,
                max,
            }
        }
        FactKindSpec::Event => {
            let name = need("event", f.event.as_ref())?;
            let Some(event) = EventKind::parse(&name) else {
                let known: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                return r.err(
                    &at.key("event"),
                    format!(
                        "unknown event kind `{name}`; valid kinds: {}",
                        known.join(", ")
                    ),
                );
            };
            let actor = f
                .state
                .as_ref()
                .map(|c| r.state(&at.key("state"), c))
                .transpose()?;
            let target = f
                .target
                .as_ref()
                .map(|c| r.state(&at.key("target"), c))
                .transpose()?;
            let institution = f
                .institution
                .as_ref()
                .map(|c| r.institution(&at.key("institution"), c))
                .transpose()?;
            let by = f.by.unwrap_or(world.end);
            r.year(&at.key("by"), by)?;
            Fact::Event(EventFact {
                kind: event,
                actor,
                target,
                institution,
                detail: f.detail.clone(),
                by,
                occurs: f.occurs.unwrap_or(true),
            })
        }
    };
    // Every fact is scored from a metric of the run; it must be reported.
    let metric = match &fact {
        Fact::MemberAtEnd {
            state, institution, ..
        } => Some((*state, "member_at_end", *institution)),
        Fact::AccessionYear {
            state, institution, ..
        } => Some((*state, "accession_year", *institution)),
        Fact::ComplianceShare {
            state, institution, ..
        } => Some((*state, "compliance_share", *institution)),
        Fact::Metric { .. } | Fact::Event(_) => None,
    };
    if let Some((s, base, i)) = metric {
        let name = format!("{base}:{}", world.institutions[i].code);
        if catalogue.find(s, &name).is_none() {
            return r.err(
                &at.key("institution"),
                format!("runs of this scenario report no `{name}` (institutions' rules act only in scenarios with a [trade] table)"),
            );
        }
    }
    Ok(FactDef {
        id: f
            .id
            .clone()
            .unwrap_or_else(|| format!("fact{}", world.facts.len() + 1)),
        description: f.description.clone(),
        fact,
        role: f.role,
    })
}
