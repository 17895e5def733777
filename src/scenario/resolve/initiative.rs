//! The rules of an investment initiative (`kind = "investment_initiative"`,
//! the Belt and Road): the trade-cost cut on a participant's corridor, its lag,
//! who is invited, and the dependence and suspicion participation builds, from
//! the initiative keys of `[institutions.<CODE>]`.
//!
//! The leader is required because it is the sponsor: it offers participation
//! and never decides whether to take part. Without `invited`, every state is.

use super::institutions::{beta_prior, years};
use super::{Resolver, Result};
use crate::scenario::FieldPath;
use crate::scenario::format::InstitutionSpec;
use crate::world::InitiativeRules;

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    inst: &InstitutionSpec,
    n: usize,
) -> Result<InitiativeRules> {
    if inst.leader.is_none() {
        return r.err(
            at,
            "an investment initiative needs a `leader`: its sponsor, one of its members",
        );
    }
    let corridor = r.state_list(&at.key("corridor"), &inst.corridor)?;
    let invited = if inst.invited.is_empty() {
        (0..n).collect()
    } else {
        r.state_list(&at.key("invited"), &inst.invited)?
    };
    let share: fn(f64) -> bool = |x| (0.0..=1.0).contains(&x);
    Ok(InitiativeRules {
        cost_cut: r.or_default(
            &at.key("cost_cut"),
            inst.cost_cut,
            0.96,
            "a trade-cost factor in (0, 1]",
            |x| x > 0.0 && x <= 1.0,
        )?,
        lag_years: years(r, &at.key("lag_years"), inst.lag_years, 2)?,
        corridor,
        invited,
        dependence_per_year: r.or_default(
            &at.key("dependence_per_year"),
            inst.dependence_per_year,
            0.05,
            "a share in [0, 1]",
            share,
        )?,
        public_suspicion: r.or_default(
            &at.key("public_suspicion"),
            inst.public_suspicion,
            0.0,
            "a share in [0, 1]",
            share,
        )?,
        legitimacy_cost: r.or_default(
            &at.key("legitimacy_cost_percent"),
            inst.legitimacy_cost_percent,
            0.5,
            "a yearly cost in percent of spending, between 0 and 100",
            |x| (0.0..=100.0).contains(&x),
        )?,
        offer_cost: r.or_default(
            &at.key("offer_cost_percent"),
            inst.offer_cost_percent,
            0.2,
            "a yearly cost in percent of the participant's GDP, between 0 and 100",
            |x| (0.0..=100.0).contains(&x),
        )?,
        coercion_cost: r.or_default(
            &at.key("coercion_cost_percent"),
            inst.coercion_cost_percent,
            10.0,
            "a percentage between 0 and 1000",
            super::percent_ok,
        )? / 100.0,
        coercion_prior: beta_prior(r, &at.key("coercion_prior"), inst.coercion_prior.as_deref())?,
    })
}
