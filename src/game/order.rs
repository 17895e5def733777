//! Order-making (docs/model.md §7.18): states propose new institutions and
//! invitees accept or refuse, each by its doctrine on one forecast.
//!
//! Bakumbayev (2025, "Small state as order-maker: the case of Kazakhstan's
//! Eurasian Union project", *Post-Soviet Affairs*) traces three scenarios:
//! "all in one" (1994: every post-Soviet state, supranational bodies, a common
//! parliament) failed — others read it as restoring the USSR and a surrender
//! of sovereignty, and Russia would not take up an institution it had not
//! authored; "core only" (Kazakhstan, Russia, Belarus; economic scope)
//! succeeded; "open to others" followed. Here:
//!
//! * a proposal's first draft is tabled in its year, as history has it; each
//!   invitee accepts if the world with the union among all invitees — the
//!   trade model's customs union, at the CET its rule sets — less the yearly
//!   sovereignty cost of its charter ([`crate::sovereignty`]) and, for a
//!   great power that did not author it, the status cost of `authorship_percent`,
//!   is worth more to it than staying out. A treaty binds only if every
//!   invitee signs: one refusal and it fails;
//! * after a refusal the proposer adapts, by its own doctrine: narrower
//!   membership (without the refusers), one organ fewer, economic scope
//!   only, the same draft again, or waiting. It forecasts each invitee's
//!   answer by that invitee's material interest (without reading its
//!   doctrine), so a draft it expects to fail is worth no more than waiting;
//! * a founded union is a customs union like any declared one (CET, votes,
//!   measures, coercion by its leader once the leader is a member), and any
//!   state outside every customs union may join it later: freely if it is
//!   open, by the members' unanimous invitation if not.
//!
//! Whether a great power takes the lead is the scenario's: a proposal of its
//! own from a year the scenario states with its source.

use super::forecast::{Forecast, decide, forecast_change};
use crate::event::{Event, EventKind};
use crate::policy::{Policy, Stance};
use crate::sovereignty;
use crate::state::{RunState, SimError};
use crate::world::{CetRule, Charter, Draft};

/// Has a proposal founded union `u` (does it have a member)?
fn founded(rs: &RunState<'_>, u: usize) -> bool {
    (0..rs.world.n_states()).any(|s| rs.policy.is_member(s, u))
}

/// Is `s` in a customs union other than `u`?
fn elsewhere(rs: &RunState<'_>, s: usize, u: usize) -> bool {
    rs.policy.union_of(rs.world, s).is_some_and(|v| v != u)
}

/// The CET a union founded by `members` sets by its rule.
fn cet(rs: &RunState<'_>, u: usize, members: &[usize]) -> f64 {
    let world = rs.world;
    let rule = world.institutions[u]
        .union()
        .and_then(|r| r.cet_rule)
        .unwrap_or(CetRule::Largest);
    let gdp = |s: usize| world.states[s].gdp_musd;
    match rule {
        CetRule::Largest => members
            .iter()
            .copied()
            .max_by(|&a, &b| gdp(a).total_cmp(&gdp(b)).then(b.cmp(&a)))
            .map_or(0.0, |s| world.states[s].tariff),
        CetRule::Mean => {
            let total: f64 = members.iter().map(|&s| gdp(s)).sum();
            members
                .iter()
                .map(|&s| gdp(s) * world.states[s].tariff)
                .sum::<f64>()
                / total
        }
    }
}

/// `base` with union `u` of `members` under `draft`'s design (its CET set
/// by the rule from `cet_of`'s members), every member applying the CET.
fn with_union(
    rs: &RunState<'_>,
    base: &Policy,
    u: usize,
    members: &[usize],
    draft: &Draft,
    cet_of: &[usize],
) -> Policy {
    let k = rs.world.institutions.len();
    let mut p = base.clone();
    for &m in members {
        if !p.is_member(m, u) {
            p.set_member(m, u, true);
            p.since[m * k + u] = rs.year;
        }
        p.stance[m] = Stance::Cet;
    }
    p.charter[u] = draft.charter;
    p.decision[u] = draft.decision;
    p.open[u] = draft.open;
    p.cet_offset[u] = cet(rs, u, cet_of);
    p
}

/// The yearly cost to `s` of belonging to union `u` with `members` under
/// `charter`, authored by `author`: sovereignty, and a great power's status
/// cost of an institution it did not propose.
fn membership_cost(
    rs: &RunState<'_>,
    s: usize,
    charter: &Charter,
    members: &[usize],
    author: usize,
) -> f64 {
    let world = rs.world;
    let status = if world.states[s].great_power && s != author {
        world.authorship
    } else {
        0.0
    };
    sovereignty::cost(world, &rs.affinity, s, charter, members) + status
}

/// `s`'s forecasts of joining (the world `next`, at a yearly `cost`) and of
/// staying out.
fn join_or_not(
    rs: &mut RunState<'_>,
    s: usize,
    base: &Policy,
    next: &Policy,
    cost: f64,
) -> Result<[Forecast; 2], SimError> {
    let mut join = forecast_change(rs, s, base, next)?;
    join.now[s] -= cost;
    join.cont[s] -= cost;
    Ok([join, forecast_change(rs, s, base, base)?])
}

/// The material value of a forecast to `s`: its gains in the continuation
/// less the expected yearly losses.
fn material(f: &Forecast, s: usize) -> f64 {
    let expected: f64 = f
        .retaliation
        .iter()
        .chain(&f.coercion)
        .map(|e| e.probability * e.per_year)
        .sum();
    f.cont[s] - expected
}

/// Step 2 for order-making: drafts are tabled or adapted, invitees answer,
/// and states join the unions founded so far.
pub fn play_round(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    for p in 0..world.proposals.len() {
        let slot = &world.proposals[p];
        let (u, a) = (slot.institution, slot.proposer);
        if rs.year < slot.from || founded(rs, u) || !world.states[a].acts || elsewhere(rs, a, u) {
            continue;
        }
        let draft = if rs.drafts[p].tabled {
            adapt(rs, p)?
        } else {
            rs.drafts[p].tabled = true;
            Some(rs.drafts[p].draft.clone())
        };
        if let Some(draft) = draft {
            table(rs, p, draft)?;
        }
    }
    for u in 0..world.institutions.len() {
        if world.proposals.iter().any(|p| p.institution == u) && founded(rs, u) {
            accessions(rs, u)?;
        }
    }
    Ok(())
}

/// The proposer's choice after a refusal: the adaptations open to it, or wait.
fn adapt(rs: &mut RunState<'_>, p: usize) -> Result<Option<Draft>, SimError> {
    let world = rs.world;
    let (u, a) = (world.proposals[p].institution, world.proposals[p].proposer);
    let current = rs.drafts[p].draft.clone();
    let refused = rs.drafts[p].refused.clone();
    let mut options: Vec<(&str, Draft)> = vec![("same", current.clone())];
    let narrower: Vec<usize> = current
        .members
        .iter()
        .copied()
        .filter(|m| !refused.contains(m))
        .collect();
    if !refused.is_empty() && narrower.len() >= 2 {
        options.push((
            "narrower",
            Draft {
                members: narrower,
                ..current.clone()
            },
        ));
    }
    let c = current.charter;
    let shallower = if c.currency {
        Some(Charter {
            currency: false,
            ..c
        })
    } else if c.parliament {
        Some(Charter {
            parliament: false,
            ..c
        })
    } else if c.supranational {
        Some(Charter {
            supranational: false,
            ..c
        })
    } else {
        None
    };
    if let Some(charter) = shallower {
        options.push((
            "shallower",
            Draft {
                charter,
                ..current.clone()
            },
        ));
    }
    if c.political {
        options.push((
            "economic",
            Draft {
                charter: Charter {
                    political: false,
                    ..c
                },
                ..current.clone()
            },
        ));
    }
    let base = rs.policy.clone();
    let mut forecasts = Vec::with_capacity(options.len() + 1);
    for (_, draft) in &options {
        // The union the proposer expects: founded if every invitee's
        // material interest is to accept, else nothing changes.
        let next = with_union(rs, &base, u, &draft.members, draft, &draft.members);
        let mut all = true;
        for &s in draft.members.iter().filter(|&&s| s != a) {
            if elsewhere(rs, s, u) {
                all = false;
                break;
            }
            let cost = membership_cost(rs, s, &draft.charter, &draft.members, a);
            // `join` already carries the yearly cost.
            let [join, stay] = join_or_not(rs, s, &base, &next, cost)?;
            if material(&join, s) <= material(&stay, s) {
                all = false;
                break;
            }
        }
        forecasts.push(if all {
            let cost = membership_cost(rs, a, &draft.charter, &draft.members, a);
            join_or_not(rs, a, &base, &next, cost)?[0].clone()
        } else {
            forecast_change(rs, a, &base, &base)?
        });
    }
    forecasts.push(forecast_change(rs, a, &base, &base)?);
    let label = |k: usize| options.get(k).map_or("wait", |o| o.0).to_string();
    let pick = decide(rs, a, "draft adaptation", &forecasts, &label);
    let Some((how, draft)) = options.get(pick).cloned() else {
        return Ok(None);
    };
    if how != "same" {
        rs.event(
            Event::new(EventKind::Adaptation, a)
                .institution(u)
                .detail(how.to_string()),
        );
    }
    Ok(Some(draft))
}

/// A design in words, for the events: members, scope, organs, rules.
fn describe(rs: &RunState<'_>, d: &Draft) -> String {
    let world = rs.world;
    let members: Vec<&str> = d
        .members
        .iter()
        .map(|&s| world.states[s].code.as_str())
        .collect();
    let mut organs = Vec::new();
    for (on, name) in [
        (d.charter.supranational, "supranational"),
        (d.charter.parliament, "parliament"),
        (d.charter.currency, "currency"),
    ] {
        if on {
            organs.push(name);
        }
    }
    format!(
        "{} {}; {}; {}; {}",
        members.join(" "),
        if d.charter.political {
            "political"
        } else {
            "economic"
        },
        if organs.is_empty() {
            "intergovernmental".to_string()
        } else {
            organs.join("+")
        },
        match d.decision {
            crate::world::DecisionRule::Consensus => "consensus",
            crate::world::DecisionRule::Weighted => "weighted",
        },
        if d.open { "open" } else { "by invitation" },
    )
}

/// Put `draft` to its invitees; found the union if all accept.
fn table(rs: &mut RunState<'_>, p: usize, draft: Draft) -> Result<(), SimError> {
    let world = rs.world;
    let (u, a) = (world.proposals[p].institution, world.proposals[p].proposer);
    rs.record.proposals_made[a] += 1;
    let detail = describe(rs, &draft);
    rs.event(
        Event::new(EventKind::Draft, a)
            .institution(u)
            .detail(detail),
    );
    let base = rs.policy.clone();
    let next = with_union(rs, &base, u, &draft.members, &draft, &draft.members);
    let mut refused = Vec::new();
    for &s in draft.members.iter().filter(|&&s| s != a) {
        let accepts = if !world.states[s].acts || elsewhere(rs, s, u) {
            false
        } else {
            let cost = membership_cost(rs, s, &draft.charter, &draft.members, a);
            let options = join_or_not(rs, s, &base, &next, cost)?;
            decide(rs, s, "proposal vote", &options, &|k| {
                ["accept", "refuse"][k].into()
            }) == 0
        };
        let kind = if accepts {
            EventKind::Acceptance
        } else {
            EventKind::Refusal
        };
        rs.event(Event::new(kind, s).target(a).institution(u));
        if !accepts {
            refused.push(s);
        }
    }
    if refused.is_empty() {
        let k = world.institutions.len();
        rs.policy = next;
        rs.author[u] = Some(a);
        rs.record.proposals_accepted[a] += 1;
        for &m in &draft.members {
            rs.record.founded[m] += 1;
            if rs.record.joined[m * k + u].is_nan() {
                rs.record.joined[m * k + u] = f64::from(rs.year);
            }
        }
        let codes: Vec<&str> = draft
            .members
            .iter()
            .map(|&s| world.states[s].code.as_str())
            .collect();
        rs.event(
            Event::new(EventKind::Founding, a)
                .institution(u)
                .detail(codes.join(" ")),
        );
    }
    rs.drafts[p] = crate::state::DraftState {
        draft,
        refused,
        tabled: true,
    };
    Ok(())
}

/// States outside every customs union may join `u`: by their own choice if
/// it is open, by the members' unanimous invitation if not.
fn accessions(rs: &mut RunState<'_>, u: usize) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    let author = rs.author[u].unwrap_or(usize::MAX);
    for s in 0..world.n_states() {
        if !world.states[s].acts || rs.policy.union_of(world, s).is_some() {
            continue;
        }
        let base = rs.policy.clone();
        let members: Vec<usize> = (0..world.n_states())
            .filter(|&m| base.is_member(m, u))
            .collect();
        let mut with = members.clone();
        with.push(s);
        let design = Draft {
            members: with.clone(),
            charter: base.charter[u],
            decision: base.decision[u],
            open: base.open[u],
        };
        let mut next = with_union(rs, &base, u, &[s], &design, &members);
        // A newcomer takes the union's CET as it stands.
        next.cet_offset[u] = base.cet_offset[u];
        let cost = membership_cost(rs, s, &design.charter, &with, author);
        let options = join_or_not(rs, s, &base, &next, cost)?;
        if decide(rs, s, "union accession", &options, &|i| {
            ["join", "stay_out"][i].into()
        }) != 0
        {
            continue;
        }
        if !base.open[u] {
            let mut all = true;
            for &m in members.iter().filter(|&&m| world.states[m].acts) {
                let cost_m = membership_cost(rs, m, &design.charter, &with, author);
                let before = membership_cost(rs, m, &design.charter, &members, author);
                let mut invite = forecast_change(rs, m, &base, &next)?;
                invite.now[m] -= cost_m - before;
                invite.cont[m] -= cost_m - before;
                let options = [invite, forecast_change(rs, m, &base, &base)?];
                let yes = decide(rs, m, "union invitation", &options, &|i| {
                    ["invite", "refuse"][i].into()
                }) == 0;
                let vote = if yes { "yes" } else { "no" };
                rs.event(
                    Event::new(EventKind::Vote, m)
                        .target(s)
                        .institution(u)
                        .detail(format!("invite {}: {vote}", world.states[s].code)),
                );
                all &= yes;
            }
            if !all {
                continue;
            }
        }
        rs.policy = next;
        rs.record.joined_later[s] += 1;
        if rs.record.joined[s * k + u].is_nan() {
            rs.record.joined[s * k + u] = f64::from(rs.year);
        }
        rs.event(Event::new(EventKind::Join, s).institution(u));
    }
    Ok(())
}
