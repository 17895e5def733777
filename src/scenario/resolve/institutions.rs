//! Institutions: `[institutions.<CODE>]` — code, members, later joiners,
//! leader — and which of its keys its kind takes.
//!
//! One table serves three kinds, so a key of another kind (a `cet_percent` on a
//! trade regime) would otherwise be silently unused; it is reported instead.
//! The rules of each kind are resolved in [`super::trade_regime`],
//! [`super::customs_union`] and [`super::initiative`], with the helpers below
//! that two kinds share. A state belongs to at most one customs union, since
//! it can apply only one common external tariff.

use super::{Resolver, Result, TARIFF, path};
use crate::scenario::FieldPath;
use crate::scenario::format::{InstitutionSpec, RateSpec, ScenarioFile};
use crate::world::{Charter, Institution, InstitutionKind, Rules, State};

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    states: &[State],
) -> Result<Vec<Institution>> {
    let n = states.len();
    let mut institutions = Vec::new();
    for (code, inst) in &spec.institutions {
        let at = path("institutions").key(code);
        r.require_key(
            super::is_code(code),
            &at,
            code,
            &format!("{} (e.g. WTO, EAEU)", super::CODE),
        )?;
        if r.codes.contains(code) {
            return r.err_key(
                &at,
                format!("`{code}` is already a state's code; institutions need their own codes"),
            );
        }
        let members = r.state_list(&at.key("members"), &inst.members)?;
        let mut joined = Vec::new();
        for (code, &year) in &inst.joined {
            let s = r.state_key(&at.key("joined").key(code), code)?;
            if members.contains(&s) {
                return r.err_key(
                    &at.key("joined").key(code),
                    format!("`{code}` is already listed in `members`"),
                );
            }
            r.year(&at.key("joined").key(code), year)?;
            joined.push((s, year));
        }
        let leader = match &inst.leader {
            Some(l) => {
                let s = r.state(&at.key("leader"), l)?;
                // A union formed by a proposal has no members yet; its
                // leader is checked against the proposals' drafts.
                if !members.contains(&s) && inst.cet_rule.is_none() {
                    return r.err(
                        &at.key("leader"),
                        format!(
                            "the leader `{l}` must be one of the members ({})",
                            inst.members.join(", ")
                        ),
                    );
                }
                Some(s)
            }
            None => None,
        };
        let rules = rules(r, &at, inst, n, &members)?;
        institutions.push(Institution {
            code: code.clone(),
            name: super::name_or_code(&inst.name, code),
            kind: inst.kind,
            members,
            joined,
            founded: inst.founded,
            leader,
            rules,
        });
    }
    for s in 0..n {
        let unions: Vec<&str> = institutions
            .iter()
            .filter(|i| {
                i.union().is_some() && (i.members.contains(&s) || i.joined.iter().any(|j| j.0 == s))
            })
            .map(|i| i.code.as_str())
            .collect();
        if unions.len() > 1 {
            return r.err(
                &path("institutions").key(unions[1]),
                format!(
                    "`{}` belongs to two customs unions ({}); a state can apply only one CET",
                    r.codes[s],
                    unions.join(", ")
                ),
            );
        }
    }
    Ok(institutions)
}

/// Check that no key of another kind is set, then build the rules of the
/// institution's own kind.
fn rules(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    inst: &InstitutionSpec,
    n: usize,
    members: &[usize],
) -> Result<Rules> {
    let regime_keys = [
        ("applicants", !inst.applicants.is_empty()),
        ("bound_percent", !inst.bound_percent.is_empty()),
        ("monitoring", inst.monitoring.is_some()),
        ("member_cost_factor", inst.member_cost_factor.is_some()),
        ("filing_cost_musd", inst.filing_cost_musd.is_some()),
        ("panel_cost_musd", inst.panel_cost_musd.is_some()),
        ("appeal_years", inst.appeal_years.is_some()),
        ("appeal_stall_from", inst.appeal_stall_from.is_some()),
        (
            "max_retaliation_percent",
            inst.max_retaliation_percent.is_some(),
        ),
        ("veto_cost_percent", inst.veto_cost_percent.is_some()),
        ("consultation_years", inst.consultation_years.is_some()),
        ("panel_years", inst.panel_years.is_some()),
        ("challenge_prior", inst.challenge_prior.is_some()),
        ("accession", inst.accession.is_some()),
    ];
    let union_keys = [
        ("cet_percent", !inst.cet_percent.is_empty()),
        ("decision", inst.decision.is_some()),
        ("votes", !inst.votes.is_empty()),
        ("cet_step_percent", inst.cet_step_percent.is_some()),
        ("measures", !inst.measures.is_empty()),
        ("scope", inst.scope.is_some()),
        ("organs", !inst.organs.is_empty()),
        ("cet_rule", inst.cet_rule.is_some()),
    ];
    // A union's leader and an initiative's sponsor may both coerce.
    let coercion_keys = [
        (
            "coercion_cost_percent",
            inst.coercion_cost_percent.is_some(),
        ),
        ("coercion_prior", inst.coercion_prior.is_some()),
    ];
    let initiative_keys = [
        ("cost_cut", inst.cost_cut.is_some()),
        ("lag_years", inst.lag_years.is_some()),
        ("corridor", !inst.corridor.is_empty()),
        ("dependence_per_year", inst.dependence_per_year.is_some()),
        ("public_suspicion", inst.public_suspicion.is_some()),
        (
            "legitimacy_cost_percent",
            inst.legitimacy_cost_percent.is_some(),
        ),
        ("offer_cost_percent", inst.offer_cost_percent.is_some()),
        ("invited", !inst.invited.is_empty()),
    ];
    let misplaced = |keys: &[(&str, bool)], kind: &str| -> Result<()> {
        match keys.iter().find(|k| k.1) {
            Some((key, _)) => r.err(
                &at.key(key),
                format!(
                    "`{key}` belongs to a {kind}, but this institution is a {}",
                    inst.kind.as_str()
                ),
            ),
            None => Ok(()),
        }
    };
    match inst.kind {
        InstitutionKind::TradeRegime => {
            misplaced(&union_keys, "customs union")?;
            misplaced(&coercion_keys, "customs union or an investment initiative")?;
            misplaced(&initiative_keys, "investment initiative")?;
            super::trade_regime::resolve(r, at, inst, n, members).map(Rules::TradeRegime)
        }
        InstitutionKind::CustomsUnion => {
            misplaced(&regime_keys, "trade regime")?;
            misplaced(&initiative_keys, "investment initiative")?;
            super::customs_union::resolve(r, at, inst, n).map(Rules::CustomsUnion)
        }
        InstitutionKind::InvestmentInitiative => {
            misplaced(&regime_keys, "trade regime")?;
            misplaced(&union_keys, "customs union")?;
            super::initiative::resolve(r, at, inst, n).map(Rules::InvestmentInitiative)
        }
        InstitutionKind::Alliance => {
            misplaced(&coercion_keys, "customs union or an investment initiative")?;
            misplaced(&regime_keys, "trade regime")?;
            misplaced(&union_keys, "customs union")?;
            misplaced(&initiative_keys, "investment initiative")?;
            Ok(Rules::Declared)
        }
    }
}

/// The valid range of a duration in years (procedures, lags).
pub(super) const YEARS: &str = "a number of years in [0, 50]";

pub(super) fn years_ok(x: f64) -> bool {
    (0.0..=50.0).contains(&x)
}

/// An optional duration in years, checked against [`YEARS`].
pub(super) fn years(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    x: Option<i32>,
    default: i32,
) -> Result<i32> {
    let x = r.or_default(at, x.map(f64::from), f64::from(default), YEARS, years_ok)?;
    Ok(x as i32)
}

/// A Beta prior as pseudo-counts `[yes, no]` of what members have seen: both
/// must be positive for the prior to be a proper distribution. `[1, 1]`, the
/// uniform prior, is the default.
pub(super) fn beta_prior(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    p: Option<&[f64]>,
) -> Result<[f64; 2]> {
    match p {
        None => Ok([1.0, 1.0]),
        Some(&[yes, no]) if [yes, no].iter().all(|x| x.is_finite() && *x > 0.0) => Ok([yes, no]),
        Some(other) => r.err(
            at,
            format!("must be two positive counts [yes, no], got {other:?}"),
        ),
    }
}

/// An institution's charter from `scope` and `organs`.
pub(super) fn charter(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    scope: Option<&str>,
    organs: &[String],
) -> Result<Charter> {
    let political = match scope.unwrap_or("economic") {
        "economic" => false,
        "political" => true,
        other => {
            return r.err(
                &at.key("scope"),
                format!("`{other}` is not a scope; write \"economic\" or \"political\" (economic, political and security)"),
            );
        }
    };
    let mut charter = Charter {
        political,
        supranational: false,
        parliament: false,
        currency: false,
    };
    for (k, organ) in organs.iter().enumerate() {
        let slot = match organ.as_str() {
            "supranational" => &mut charter.supranational,
            "parliament" => &mut charter.parliament,
            "currency" => &mut charter.currency,
            other => {
                return r.err(
                    &at.key("organs").index(k),
                    format!("`{other}` is not an organ; write any of \"supranational\", \"parliament\", \"currency\""),
                );
            }
        };
        if *slot {
            return r.err(
                &at.key("organs").index(k),
                format!("`{organ}` is listed twice"),
            );
        }
        *slot = true;
    }
    Ok(charter)
}

/// A rate (percent) or a step schedule of rates by year, as fractions sorted
/// by year; a fixed rate holds from the beginning of time.
pub(super) fn rate_schedule(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    rate: &RateSpec,
) -> Result<Vec<(i32, f64)>> {
    match rate {
        RateSpec::Fixed(x) => {
            r.require(super::percent_ok(*x), at, x, TARIFF)?;
            Ok(vec![(i32::MIN, x / 100.0)])
        }
        RateSpec::ByYear(steps) => {
            let mut out = Vec::with_capacity(steps.len());
            for (year, &x) in steps {
                let a = at.key(year);
                // TOML keys are strings, so a year written as a key arrives as text.
                let y: i32 = year.parse().map_err(|_| {
                    r.at.key_error(
                        &a,
                        format!("`{year}` is not a year; write e.g. 2010 = 10.6"),
                    )
                })?;
                r.require(super::percent_ok(x), &a, x, TARIFF)?;
                out.push((y, x / 100.0));
            }
            if out.is_empty() {
                return r.err(
                    at,
                    "an empty schedule; write a rate, or rates by year like { 2012 = 10.0 }",
                );
            }
            out.sort_by_key(|c| c.0);
            Ok(out)
        }
    }
}
