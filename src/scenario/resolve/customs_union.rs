//! The rules of a customs union (`kind = "customs_union"`, the EAEU): the
//! common external tariff, the decision rule and votes, the leader's coercion
//! and the common measures, from the union keys of `[institutions.<CODE>]` and
//! its `[[institutions.<CODE>.measures]]`.
//!
//! The leader is required because it is the one member that always applies
//! the CET and every measure and may coerce the others. A measure may begin
//! before the timeline (it then counts as adopted), but not after it.

use super::institutions::{beta_prior, charter, rate_schedule};
use super::{Resolver, Result, percent_ok};
use crate::doctrine::params::Range;
use crate::scenario::FieldPath;
use crate::scenario::format::{InstitutionSpec, RateSpec};
use crate::world::DecisionRule;
use crate::world::{Measure, UnionRules};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    inst: &InstitutionSpec,
    n: usize,
) -> Result<UnionRules> {
    let end = r.timeline.1;
    // A union formed by a proposal has no members until it is founded, its
    // CET is set then by its rule, and its leader (if any) leads once a member.
    let proposed = inst.cet_rule.is_some();
    if proposed {
        if !inst.members.is_empty() || !inst.joined.is_empty() {
            return r.err(
                &at.key("members"),
                "a union formed by a proposal (`cet_rule`) has no members until it is founded: leave `members` and `joined` out",
            );
        }
        if !inst.cet_percent.is_empty() {
            return r.err(
                &at.key("cet_percent"),
                "a union formed by a proposal sets its CET by its `cet_rule` when founded: leave `cet_percent` out",
            );
        }
    } else if inst.leader.is_none() {
        return r.err(
            at,
            "a customs union needs a `leader` (one of its members), who may coerce deviating members",
        );
    }
    if !proposed && inst.cet_percent.is_empty() {
        return r.err(
            at,
            "a customs union needs `cet_percent`, its common external tariff by year, e.g. { 2010 = 10.6 }, or `cet_rule` if a proposal founds it",
        );
    }
    let cet = if proposed {
        vec![(i32::MIN, 0.0)]
    } else {
        rate_schedule(
            r,
            &at.key("cet_percent"),
            &RateSpec::ByYear(inst.cet_percent.clone()),
        )?
    };
    let decision = inst.decision.unwrap_or(DecisionRule::Consensus);
    let mut votes = vec![0.0; n];
    for (code, &w) in &inst.votes {
        let a = at.key("votes").key(code);
        let s = r.state_key(&a, code)?;
        r.require(w.is_finite() && w >= 0.0, &a, w, "a vote weight >= 0")?;
        votes[s] = w;
    }
    if decision == DecisionRule::Weighted && votes.iter().sum::<f64>() <= 0.0 {
        return r.err(
            &at.key("votes"),
            "the weighted decision rule needs `votes`, e.g. { RUS = 57, KAZ = 21.5, BLR = 21.5 }",
        );
    }
    let mut measures = Vec::new();
    for (k, m) in inst.measures.iter().enumerate() {
        let a = at.key("measures").index(k);
        if inst.measures[..k].iter().any(|other| other.name == m.name) {
            return r.err(
                &a.key("name"),
                format!(
                    "another measure is already named `{}`; names identify measures in events",
                    m.name
                ),
            );
        }
        let target = r.state(&a.key("target"), &m.target)?;
        r.require(
            percent_ok(m.duty_percent),
            &a.key("duty_percent"),
            m.duty_percent,
            "a duty in percent, between 0 and 1000",
        )?;
        r.require(
            Range::Unit.admits(m.coverage),
            &a.key("coverage"),
            m.coverage,
            "a share in [0, 1]",
        )?;
        r.require(
            m.from <= end,
            &a.key("from"),
            m.from,
            &format!("a year not after the timeline's end ({end})"),
        )?;
        let until = m.until.unwrap_or(end);
        r.until(&a.key("until"), m.from, until)?;
        measures.push(Measure {
            name: m.name.clone(),
            target,
            duty: m.duty_percent / 100.0,
            coverage: m.coverage,
            from: m.from,
            until,
            wto_consistent: m.wto_consistent,
        });
    }
    let coercion_cost = r.or_default(
        &at.key("coercion_cost_percent"),
        inst.coercion_cost_percent,
        10.0,
        "a percentage between 0 and 1000",
        percent_ok,
    )?;
    let cet_step = r.or_default(
        &at.key("cet_step_percent"),
        inst.cet_step_percent,
        0.0,
        "a percentage between 0 and 1000",
        percent_ok,
    )?;
    Ok(UnionRules {
        cet,
        decision,
        votes,
        coercion_cost: coercion_cost / 100.0,
        coercion_prior: beta_prior(r, &at.key("coercion_prior"), inst.coercion_prior.as_deref())?,
        measures,
        cet_step: cet_step / 100.0,
        charter: charter(r, at, inst.scope.as_deref(), &inst.organs)?,
        cet_rule: inst.cet_rule,
    })
}
