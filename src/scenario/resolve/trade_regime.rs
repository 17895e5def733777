//! The rules of a trade regime (`kind = "trade_regime"`, the WTO): applicants,
//! bound tariffs, monitoring, dispute settlement and accession bargaining, from
//! the regime keys of `[institutions.<CODE>]` and its `accession` table.
//!
//! An applicant cannot already be a member: it joins only if accession
//! bargaining succeeds, and a state that is a member by `members` or `joined`
//! would have nothing to bargain over.

use super::institutions::{beta_prior, rate_schedule, years};
use super::{Resolver, Result};
use crate::scenario::FieldPath;
use crate::scenario::format::InstitutionSpec;
use crate::world::{AccessionIssue, RegimeRules};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    inst: &InstitutionSpec,
    n: usize,
    members: &[usize],
) -> Result<RegimeRules> {
    let mut applicants = Vec::new();
    for (code, &year) in &inst.applicants {
        let a = at.key("applicants").key(code);
        let s = r.state_key(&a, code)?;
        if members.contains(&s) || inst.joined.contains_key(code) {
            return r.err_key(
                &a,
                format!("`{code}` is already a member; applicants join only by accession"),
            );
        }
        r.year(&a, year)?;
        applicants.push((s, year));
    }
    let mut bound = vec![None; n];
    for (code, rate) in &inst.bound_percent {
        let a = at.key("bound_percent").key(code);
        let s = r.state_key(&a, code)?;
        bound[s] = Some(rate_schedule(r, &a, rate)?);
    }
    let acc = inst.accession.as_ref();
    let at_acc = at.key("accession");
    let principal_supplier = r.or_default(
        &at_acc.key("principal_supplier_percent"),
        acc.and_then(|a| a.principal_supplier_percent),
        5.0,
        "a percentage in (0, 100]",
        |x| x > 0.0 && x <= 100.0,
    )?;
    let mut issues = Vec::new();
    for (k, issue) in acc.map_or(&[][..], |a| &a.issues).iter().enumerate() {
        let at_issue = at_acc.key("issues").index(k);
        r.require_name(&at_issue, &issue.name)?;
        let raised_by = r.state_list(&at_issue.key("members"), &issue.members)?;
        for (j, &m) in raised_by.iter().enumerate() {
            r.require(
                members.contains(&m) || inst.joined.contains_key(&r.codes[m]),
                &at_issue.key("members").index(j),
                &r.codes[m],
                "a member of the regime (in `members` or `joined`)",
            )?;
        }
        r.require(
            issue.reform_cost_percent.is_finite()
                && (0.0..=100.0).contains(&issue.reform_cost_percent),
            &at_issue.key("reform_cost_percent"),
            issue.reform_cost_percent,
            "a yearly cost in percent of the applicant's spending, between 0 and 100",
        )?;
        issues.push(AccessionIssue {
            name: issue.name.clone(),
            members: raised_by,
            reform_cost: issue.reform_cost_percent,
        });
    }
    let monitoring = r.or_default(
        &at.key("monitoring"),
        inst.monitoring,
        0.5,
        "a probability in [0, 1]",
        |x| (0.0..=1.0).contains(&x),
    )?;
    let member_cost_factor = r.or_default(
        &at.key("member_cost_factor"),
        inst.member_cost_factor,
        1.0,
        "a factor in (0, 1] (1: membership does not change trade costs)",
        |x| x > 0.0 && x <= 1.0,
    )?;
    let spending = "a cost in percent of spending, between 0 and 100";
    let spending_ok: fn(f64) -> bool = |x| (0.0..=100.0).contains(&x);
    // Litigation costs (Nordström & Shaffer 2008: outside counsel for a case
    // through a panel costs from about US$0.5m to well over US$1m).
    let musd = "a cost in US$ million, between 0 and 100000";
    let musd_ok: fn(f64) -> bool = |x| (0.0..=100_000.0).contains(&x);
    let filing_cost_musd = r.or_default(
        &at.key("filing_cost_musd"),
        inst.filing_cost_musd,
        0.5,
        musd,
        musd_ok,
    )?;
    let panel_cost_musd = r.or_default(
        &at.key("panel_cost_musd"),
        inst.panel_cost_musd,
        2.0,
        musd,
        musd_ok,
    )?;
    if let Some(y) = inst.appeal_stall_from {
        r.year(&at.key("appeal_stall_from"), y)?;
    }
    let appeal_stall_from = inst.appeal_stall_from;
    let max_retaliation = r.or_default(
        &at.key("max_retaliation_percent"),
        inst.max_retaliation_percent,
        100.0,
        "a percentage between 0 and 1000",
        |x| (0.0..=1000.0).contains(&x),
    )?;
    let veto_cost = r.or_default(
        &at.key("veto_cost_percent"),
        inst.veto_cost_percent,
        0.05,
        spending,
        spending_ok,
    )?;
    Ok(RegimeRules {
        applicants,
        bound,
        monitoring,
        member_cost_factor,
        filing_cost_musd,
        panel_cost_musd,
        appeal_years: years(r, &at.key("appeal_years"), inst.appeal_years, 1)?,
        appeal_stall_from,
        max_retaliation: max_retaliation / 100.0,
        veto_cost,
        consultation_years: years(r, &at.key("consultation_years"), inst.consultation_years, 1)?,
        panel_years: years(r, &at.key("panel_years"), inst.panel_years, 2)?,
        challenge_prior: beta_prior(
            r,
            &at.key("challenge_prior"),
            inst.challenge_prior.as_deref(),
        )?,
        principal_supplier: principal_supplier / 100.0,
        issues,
    })
}
