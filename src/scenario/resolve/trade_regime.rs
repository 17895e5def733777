//! The rules of a trade regime (`kind = "trade_regime"`, the WTO): applicants,
//! bound tariffs, monitoring, dispute settlement and accession bargaining, from
//! the regime keys of `[institutions.<CODE>]` and its `accession` table.
//!
//! An applicant cannot already be a member: it joins only if accession
//! bargaining succeeds, and a state that is a member by `members` or `joined`
//! would have nothing to bargain over.

use super::institutions::{beta_prior, rate_schedule, years};
use super::{Resolver, Result, TARIFF, percent_ok};
use crate::scenario::FieldPath;
use crate::scenario::format::InstitutionSpec;
use crate::world::RegimeRules;

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
    let initial_offer = r.or_default(
        &at.key("accession.initial_offer_percent"),
        acc.and_then(|a| a.initial_offer_percent),
        4.0,
        TARIFF,
        percent_ok,
    )?;
    let concession = r.or_default(
        &at.key("accession.concession_pp"),
        acc.and_then(|a| a.concession_pp),
        0.5,
        "percentage points in (0, 100]",
        |x| x > 0.0 && x <= 100.0,
    )?;
    let monitoring = r.or_default(
        &at.key("monitoring"),
        inst.monitoring,
        0.5,
        "a probability in [0, 1]",
        |x| (0.0..=1.0).contains(&x),
    )?;
    let nonmember_premium = r.or_default(
        &at.key("nonmember_premium_percent"),
        inst.nonmember_premium_percent,
        2.0,
        TARIFF,
        percent_ok,
    )?;
    let spending = "a cost in percent of spending, between 0 and 100";
    let spending_ok: fn(f64) -> bool = |x| (0.0..=100.0).contains(&x);
    let filing_cost = r.or_default(
        &at.key("filing_cost_percent"),
        inst.filing_cost_percent,
        0.01,
        spending,
        spending_ok,
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
        nonmember_premium: nonmember_premium / 100.0,
        filing_cost,
        veto_cost,
        consultation_years: years(r, &at.key("consultation_years"), inst.consultation_years, 1)?,
        panel_years: years(r, &at.key("panel_years"), inst.panel_years, 2)?,
        challenge_prior: beta_prior(
            r,
            &at.key("challenge_prior"),
            inst.challenge_prior.as_deref(),
        )?,
        initial_offer: initial_offer / 100.0,
        concession: concession / 100.0,
    })
}
