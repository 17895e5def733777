//! Accession to a trade regime by working-party bargaining (docs/model.md
//! §7.6; pattern P1).
//!
//! Each member that is a *principal supplier* of the applicant (at least
//! `principal_supplier_percent` of its imports: GATT Art. XXVIII's test of a
//! negotiating right) negotiates a bilateral deal over the applicant's bound
//! tariff, valuing each bound by its own welfare — the terms-of-trade
//! externality of the applicant's tariff on its exports (Bagwell & Staiger
//! 1999). Every year on every open track the member chooses a demand, or waits
//! (a member may block); the applicant accepts or rejects it. The member does
//! not know the lowest bound the applicant will accept — that depends on its
//! tariffs, its union's CET, the reform costs of the non-tariff issues members
//! raise — and holds a uniform belief about it, from zero to the applicant's
//! applied tariff when talks open, which each rejection truncates: delay comes
//! from screening under incomplete information (Rubinstein 1985; Admati &
//! Perry 1987), not from a fixed concession step.
//!
//! The applicant's reservation is re-based every year on the tariffs it must
//! apply: once in a customs union, the CET, so a bound below the CET is a
//! breach foreseen with its retaliation and reputation costs, and the
//! applicant may reopen agreed deals. A union leader itself still outside the
//! regime may link its partners' accession to its own (a choice by its
//! doctrine). When every track is agreed the applicant's bound is the
//! strictest deal, and all members decide by consensus (Tsebelis 2002, veto
//! players), a veto costing the vetoing member `veto_cost_percent`.
//!
//! Every side forecasts the same worlds whatever its doctrine: the applicant a
//! member at bound b applying what it must, or the status quo.

use super::forecast::{Forecast, decide, forecast_change};
use crate::event::{Event, EventKind};
use crate::policy::{Policy, Stance};
use crate::state::{RunState, SimError, Talks, Track};

/// Most demands a member weighs in a year (spread over its belief).
const DEMANDS: usize = 9;

/// Resolution of demands (fraction): a bound is a multiple of a quarter point.
const GRID: f64 = 0.0025;

/// The world with the applicant a member at bound `b`, applying what it
/// must: the CET if it is in a customs union (whatever that does to its new
/// bound), else its bound. Every side forecasts this same world.
fn membership(rs: &mut RunState<'_>, regime: usize, a: usize, b: f64) -> Policy {
    let world = rs.world;
    let mut p = rs.status_quo();
    p.set_member(a, regime, true);
    p.bound.set(a, regime, b);
    p.stance[a] = if p.union_of(world, a).is_some() {
        Stance::Cet
    } else {
        Stance::Bound
    };
    p
}

/// The yearly reform cost of joining `regime` now: the non-tariff issues
/// raised by at least one active member.
fn reform_cost(rs: &RunState<'_>, regime: usize) -> f64 {
    let world = rs.world;
    let rules = world.institutions[regime].regime().expect("a regime");
    rules
        .issues
        .iter()
        .filter(|i| {
            i.members
                .iter()
                .any(|&m| rs.policy.active(world, m, regime))
        })
        .map(|i| i.reform_cost)
        .sum()
}

/// State `s`'s forecast of moving from the status quo to `p`; for the
/// applicant of `regime`, a member in `p`, with the yearly reform costs of the
/// issues raised.
fn view(rs: &mut RunState<'_>, s: usize, p: &Policy, regime: usize) -> Result<Forecast, SimError> {
    let base = rs.status_quo();
    let mut f = forecast_change(rs, s, &base, p)?;
    if p.is_member(s, regime) && !base.is_member(s, regime) {
        let cost = reform_cost(rs, regime);
        f.now[s] -= cost;
        f.cont[s] -= cost;
    }
    rs.recycle(base);
    Ok(f)
}

/// State `s`'s forecast of keeping the status quo: [`view`] of a policy
/// that changes nothing, so no reform cost.
fn view_status_quo(rs: &mut RunState<'_>, s: usize) -> Result<Forecast, SimError> {
    let status_quo = rs.status_quo();
    let f = forecast_change(rs, s, &status_quo, &status_quo);
    rs.recycle(status_quo);
    f
}

/// The strictest bound agreed so far (None: no deal yet).
fn agreed_bound(t: &Talks) -> Option<f64> {
    t.tracks
        .iter()
        .filter(|k| k.agreed)
        .filter_map(|k| k.demand)
        .reduce(f64::min)
}

/// Round a bound to the grid.
fn on_grid(b: f64) -> f64 {
    (b / GRID).round() * GRID
}

/// The applicant's principal suppliers among the regime's active members.
fn principal_suppliers(rs: &RunState<'_>, regime: usize, a: usize) -> Vec<usize> {
    let world = rs.world;
    let share = world.institutions[regime]
        .regime()
        .expect("a regime")
        .principal_supplier;
    let Some(model) = &world.trade else {
        return Vec::new();
    };
    let imports = model.baseline.shares.row(a);
    let foreign: f64 = (0..world.n_states())
        .filter(|&j| j != a)
        .map(|j| imports[j])
        .sum();
    (0..world.n_states())
        .filter(|&m| {
            m != a
                && world.states[m].acts
                && rs.policy.active(world, m, regime)
                && foreign > 0.0
                && imports[m] / foreign >= share
        })
        .collect()
}

/// One year of talks for every open application.
pub fn negotiate(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    for (r, inst) in world.institutions.iter().enumerate() {
        let Some(rules) = inst.regime() else { continue };
        if !inst.in_force(rs.year) {
            continue;
        }
        for &(a, applied) in &rules.applicants {
            if rs.year < applied || rs.policy.is_member(a, r) {
                continue;
            }
            let k = match rs
                .talks
                .iter()
                .position(|t| t.regime == r && t.applicant == a)
            {
                Some(k) => k,
                None => {
                    rs.talks.push(Talks {
                        regime: r,
                        applicant: a,
                        tracks: Vec::new(),
                    });
                    rs.event(Event::new(EventKind::Application, a).institution(r));
                    rs.talks.len() - 1
                }
            };
            year_of_talks(rs, k)?;
        }
    }
    Ok(())
}

fn year_of_talks(rs: &mut RunState<'_>, k: usize) -> Result<(), SimError> {
    let world = rs.world;
    let (r, a) = (rs.talks[k].regime, rs.talks[k].applicant);
    // Members that have become principal suppliers open their tracks, with a
    // belief from zero to the applicant's applied tariff.
    let applied = rs.policy.stance_rate(world, a, rs.policy.stance[a]);
    for m in principal_suppliers(rs, r, a) {
        if !rs.talks[k].tracks.iter().any(|t| t.member == m) {
            rs.talks[k].tracks.push(Track {
                member: m,
                demand: None,
                agreed: false,
                low: 0.0,
                high: on_grid(applied.max(GRID)),
            });
        }
    }
    reconsider(rs, k, r, a, applied)?;
    for track in 0..rs.talks[k].tracks.len() {
        if !rs.talks[k].tracks[track].agreed {
            bargain(rs, k, track, r, a)?;
        }
    }
    conclude(rs, k, r, a)
}

/// The applicant weighs the deals it has agreed against staying out: if the
/// tariffs it must now apply make them a loss, it reopens them all.
fn reconsider(
    rs: &mut RunState<'_>,
    k: usize,
    r: usize,
    a: usize,
    applied: f64,
) -> Result<(), SimError> {
    let Some(bound) = agreed_bound(&rs.talks[k]) else {
        return Ok(());
    };
    let keep = membership(rs, r, a, bound);
    let options = [view(rs, a, &keep, r)?, view_status_quo(rs, a)?];
    rs.recycle(keep);
    let label = |k: usize| ["keep_deals", "reopen"][k].into();
    let reopens = decide(rs, a, "accession deals", &options, &label) == 1;
    rs.recycle_forecasts(options);
    if !reopens {
        return Ok(());
    }
    rs.event(
        Event::new(EventKind::Reopening, a)
            .institution(r)
            .detail(format!("deals at {:.2}% reopened", 100.0 * bound)),
    );
    for t in rs.talks[k].tracks.iter_mut().filter(|t| t.agreed) {
        // The applicant has shown that this bound is now too low for it.
        t.agreed = false;
        t.low = t.demand.unwrap_or(0.0) + GRID;
        t.high = t.high.max(on_grid(applied)).max(t.low);
        t.demand = None;
    }
    Ok(())
}

/// One round on a bilateral track: the member demands (or waits), the
/// applicant accepts or rejects, and a rejection teaches the member.
fn bargain(
    rs: &mut RunState<'_>,
    k: usize,
    track: usize,
    r: usize,
    a: usize,
) -> Result<(), SimError> {
    let t = rs.talks[k].tracks[track].clone();
    let m = t.member;
    let (low, high) = (t.low, t.high.max(t.low));
    let count = (((high - low) / GRID).round() as usize + 1).min(DEMANDS);
    let demands: Vec<f64> = (0..count)
        .map(|i| {
            let x = if count > 1 {
                low + (high - low) * i as f64 / (count - 1) as f64
            } else {
                low
            };
            on_grid(x)
        })
        .collect();
    // Each demand's forecast: accepted with the member's belief's probability
    // (the share of its belief at or below the demand), else the status quo.
    let status = view_status_quo(rs, m)?;
    let others = agreed_bound(&rs.talks[k]);
    let mut forecasts = Vec::with_capacity(demands.len() + 1);
    for &b in &demands {
        let p = if high > low {
            ((b - low) / (high - low) + GRID / (high - low)).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let world = membership(rs, r, a, others.map_or(b, |o| o.min(b)));
        let deal = view(rs, m, &world, r)?;
        rs.recycle(world);
        forecasts.push(mixture(&deal, &status, p));
        rs.recycle_forecast(deal);
    }
    forecasts.push(status);
    let label = |i: usize| {
        demands
            .get(i)
            .map_or("wait".into(), |b| format!("demand:{:.2}%", 100.0 * b))
    };
    let pick = decide(rs, m, "accession demand", &forecasts, &label);
    rs.recycle_forecasts(forecasts);
    let Some(&demand) = demands.get(pick) else {
        return Ok(()); // the member waits: the track stays open
    };
    rs.talks[k].tracks[track].demand = Some(demand);
    rs.event(
        Event::new(EventKind::Offer, m)
            .target(a)
            .institution(r)
            .detail(format!("bound {:.2}%", 100.0 * demand)),
    );
    let package = others.map_or(demand, |o| o.min(demand));
    let join = membership(rs, r, a, package);
    let options = [view(rs, a, &join, r)?, view_status_quo(rs, a)?];
    rs.recycle(join);
    let label = |k: usize| ["accept", "reject"][k].into();
    let accepts = decide(rs, a, "accession offer", &options, &label) == 0;
    rs.recycle_forecasts(options);
    let kind = if accepts {
        EventKind::Agreement
    } else {
        EventKind::Rejection
    };
    rs.event(
        Event::new(kind, a)
            .target(m)
            .institution(r)
            .detail(format!("bound {:.2}%", 100.0 * demand)),
    );
    let t = &mut rs.talks[k].tracks[track];
    if accepts {
        t.agreed = true;
    } else {
        // The applicant will not bind this low: its reservation lies above.
        t.low = (demand + GRID).min(t.high.max(demand + GRID));
        t.high = t.high.max(t.low);
    }
    Ok(())
}

/// Probability-weighted mixture of two forecasts of one decider.
fn mixture(deal: &Forecast, status: &Forecast, p: f64) -> Forecast {
    let mix = |x: &[f64], y: &[f64]| -> crate::economy::Welfare {
        x.iter()
            .zip(y)
            .map(|(x, y)| p * x + (1.0 - p) * y)
            .collect()
    };
    Forecast {
        now: mix(&deal.now, &status.now),
        cont: mix(&deal.cont, &status.cont),
        ..status.clone()
    }
}

/// With every track agreed: a union leader outside the regime may hold its
/// partner back; otherwise all members decide by consensus.
fn conclude(rs: &mut RunState<'_>, k: usize, r: usize, a: usize) -> Result<(), SimError> {
    let world = rs.world;
    let talks = &rs.talks[k];
    if talks.tracks.iter().any(|t| !t.agreed) {
        return Ok(());
    }
    // Without any principal supplier, the applicant binds its applied tariff.
    let bound =
        agreed_bound(talks).unwrap_or_else(|| rs.policy.stance_rate(world, a, rs.policy.stance[a]));
    let join = membership(rs, r, a, bound);
    // Linkage: a leader still outside the regime may tie its partner's
    // accession to its own.
    if let Some(u) = rs.policy.union_of(world, a)
        && let Some(leader) = world.institutions[u].leader.filter(|&l| l != a)
        && !rs.policy.active(world, leader, r)
        && world.states[leader].acts
    {
        let options = [view_status_quo(rs, leader)?, view(rs, leader, &join, r)?];
        let label = |k: usize| ["link", "let_go"][k].into();
        if decide(rs, leader, "accession linkage", &options, &label) == 0 {
            rs.event(
                Event::new(EventKind::Linkage, leader)
                    .target(a)
                    .institution(r),
            );
            return Ok(());
        }
    }
    let rules = world.institutions[r].regime().expect("a regime");
    let members: Vec<usize> = (0..world.n_states())
        .filter(|&m| world.states[m].acts && rs.policy.active(world, m, r))
        .collect();
    let mut vetoed = false;
    for m in members {
        let (with, mut without) = (view(rs, m, &join, r)?, view_status_quo(rs, m)?);
        // Blocking a consensus has a diplomatic price, paid once.
        without.now[m] -= rules.veto_cost;
        let label = |k: usize| ["yes", "veto"][k].into();
        let options = [with, without];
        let yes = decide(rs, m, "accession vote", &options, &label) == 0;
        rs.recycle_forecasts(options);
        rs.event(
            Event::new(EventKind::Vote, m)
                .target(a)
                .institution(r)
                .detail(format!("accession: {}", if yes { "yes" } else { "no" })),
        );
        vetoed |= !yes;
    }
    if vetoed {
        return Ok(());
    }
    let old = std::mem::replace(&mut rs.policy, join);
    rs.recycle(old);
    rs.reform_cost[a] += reform_cost(rs, r);
    rs.record.joined[a * world.institutions.len() + r] = rs.year as f64;
    rs.event(
        Event::new(EventKind::Accession, a)
            .institution(r)
            .detail(format!("bound {:.2}%", 100.0 * bound)),
    );
    rs.talks.remove(k);
    Ok(())
}
