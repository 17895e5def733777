//! Proposals of new institutions (`[[proposals]]`, docs/model.md §7.18): who
//! proposes which union, from when, and the first draft — members invited,
//! scope, organs, decision rule and membership rule.
//!
//! The union a proposal founds is declared as a customs union with a
//! `cet_rule` and no members; its leader, if given, must be invited by one
//! of its proposals.

use super::institutions::charter;
use super::{Resolver, Result, path};
use crate::scenario::format::ScenarioFile;
use crate::world::{DecisionRule, Draft, Institution, Proposal};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    institutions: &[Institution],
) -> Result<Vec<Proposal>> {
    let mut out = Vec::new();
    for (k, p) in spec.proposals.iter().enumerate() {
        let at = path("proposals").index(k);
        let proposer = r.state(&at.key("by"), &p.by)?;
        let institution = institutions
            .iter()
            .position(|i| i.code == p.institution)
            .ok_or(())
            .or_else(|_| {
                r.err(
                    &at.key("institution"),
                    format!(
                        "`{}` is not an institution of the scenario; declare it as a customs union with a `cet_rule` and no members",
                        p.institution
                    ),
                )
            })?;
        let formed = institutions[institution]
            .union()
            .is_some_and(|u| u.cet_rule.is_some());
        if !formed {
            return r.err(
                &at.key("institution"),
                format!(
                    "`{}` must be a customs union with a `cet_rule` and no members: the union this proposal would found",
                    p.institution
                ),
            );
        }
        r.year(&at.key("from"), p.from)?;
        let members = r.state_list(&at.key("members"), &p.members)?;
        if !members.contains(&proposer) {
            return r.err(
                &at.key("members"),
                format!(
                    "the proposer `{}` must be among the states it invites",
                    p.by
                ),
            );
        }
        if members.len() < 2 {
            return r.err(
                &at.key("members"),
                "at least two states: the proposer and one more",
            );
        }
        let charter = charter(r, &at, p.scope.as_deref(), &p.organs)?;
        let open = match p.membership.as_deref().unwrap_or("open") {
            "open" => true,
            "invitation" => false,
            other => {
                return r.err(
                    &at.key("membership"),
                    format!(
                        "`{other}` is not a membership rule; write \"open\" (others may join later) or \"invitation\" (only by the members' unanimous invitation)"
                    ),
                );
            }
        };
        out.push(Proposal {
            proposer,
            institution,
            from: p.from,
            draft: Draft {
                members,
                charter,
                decision: p.decision.unwrap_or(DecisionRule::Consensus),
                open,
            },
        });
    }
    for (u, inst) in institutions.iter().enumerate() {
        let Some(rules) = inst.union() else { continue };
        if rules.cet_rule.is_none() {
            continue;
        }
        let at = path("institutions").key(&inst.code);
        let drafts: Vec<&Proposal> = out.iter().filter(|p| p.institution == u).collect();
        if drafts.is_empty() {
            return r.err(
                &at.key("cet_rule"),
                format!(
                    "`{}` is formed by a proposal, but no [[proposals]] entry founds it",
                    inst.code
                ),
            );
        }
        if let Some(l) = inst.leader {
            if !drafts.iter().any(|p| p.draft.members.contains(&l)) {
                return r.err(
                    &at.key("leader"),
                    format!(
                        "the leader `{}` is invited by none of the proposals that found `{}`",
                        r.codes[l], inst.code
                    ),
                );
            }
        }
    }
    Ok(out)
}
