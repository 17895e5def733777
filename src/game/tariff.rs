//! The tariff game (docs/model.md §7.5): every state picks its tariff stance
//! from the options its memberships allow — the union's CET, its trade-regime
//! bound rate, its own applied tariff, a unilateral increase — and each
//! customs-union member applies every common measure in force or breaks union
//! law by not applying it, or leaves the union. Common measures bind every
//! member once adopted: there is no lawful waiver (a member's lawful levers are
//! its votes and a request for review, [`super::union`]).
//!
//! Where the CET exceeds a member's bound rate, a member of both cannot honour
//! both: the Kazakhstan dilemma. Terms-of-trade gains make raising tariffs
//! privately profitable in this model; every state foresees the same
//! consequences of every option ([`super::forecast`]): partners' reciprocity,
//! authorised retaliation, the union leader's coercion and the security it can
//! withdraw, and the rules broken. The theories differ only in how much each
//! weighs.

use super::forecast::{decide, forecast_change};
use crate::event::{Event, EventKind};
use crate::policy::{Policy, Stance};
use crate::state::{RunState, SimError};
use crate::world::World;

/// Most common measures a member weighs at once (each doubles its options).
const MAX_MEASURES: usize = 3;

/// One state's tariff-game move.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub stance: Stance,
    /// Per measure of the state's union: leave it unapplied (a breach of union law)?
    pub breach: Vec<bool>,
    /// Leave the customs union.
    pub exit: bool,
}

/// The moves open to state `s` under policy `p`.
pub fn options(world: &World, p: &Policy, s: usize) -> Vec<Choice> {
    let mut out = Vec::new();
    if let Some(u) = p.union_of(world, s) {
        // The leader sets the common tariff: it applies the CET and every
        // measure; its levers are votes and coercion.
        if world.institutions[u].leader == Some(s) {
            return vec![Choice {
                stance: Stance::Cet,
                breach: Vec::new(),
                exit: false,
            }];
        }
        let rules = world.institutions[u].union().expect("a union");
        let second = if p.regime_of(world, s).is_some() {
            Stance::Bound
        } else {
            Stance::Own
        };
        let in_force: Vec<usize> = (0..rules.measures.len())
            .filter(|&m| p.measure_in_force(world, u, m))
            .take(MAX_MEASURES)
            .collect();
        for stance in [Stance::Cet, second] {
            for mask in 0..(1usize << in_force.len()) {
                let mut breach = vec![false; rules.measures.len()];
                for (bit, &m) in in_force.iter().enumerate() {
                    breach[m] = mask & (1 << bit) != 0;
                }
                out.push(Choice {
                    stance,
                    breach,
                    exit: false,
                });
            }
        }
        if world.institutions[u].leader != Some(s) {
            out.push(Choice {
                stance: Stance::Own,
                breach: vec![false; rules.measures.len()],
                exit: true,
            });
        }
    } else {
        let mut stances = vec![Stance::Own];
        let rate = |st| p.stance_rate(world, s, st);
        if p.regime_of(world, s).is_some()
            && (rate(Stance::Bound) - rate(Stance::Own)).abs() > 1e-12
        {
            stances.push(Stance::Bound);
        }
        if stances
            .iter()
            .all(|&st| (rate(Stance::Unilateral) - rate(st)).abs() > 1e-12)
        {
            stances.push(Stance::Unilateral);
        }
        out.extend(stances.into_iter().map(|stance| Choice {
            stance,
            breach: Vec::new(),
            exit: false,
        }));
    }
    out
}

/// A move's name for the trace: the stance, the measures left unapplied, exit.
pub fn label(world: &World, p: &Policy, s: usize, c: &Choice) -> String {
    if c.exit {
        return "exit".into();
    }
    let mut out = c.stance.as_str().to_string();
    if let Some(rules) = p
        .union_of(world, s)
        .and_then(|u| world.institutions[u].union())
    {
        for (m, _) in c.breach.iter().enumerate().filter(|(_, b)| **b) {
            out += &format!("+breach:{}", rules.measures[m].name);
        }
    }
    out
}

/// Write state `s`'s move into `p`.
pub fn apply(world: &World, p: &mut Policy, s: usize, c: &Choice) {
    p.stance[s] = c.stance;
    if let Some(u) = p.union_of(world, s) {
        if c.exit {
            p.set_member(s, u, false);
            p.set_all_breached(world, s, u, false);
        } else {
            for (m, &w) in c.breach.iter().enumerate() {
                p.set_breached(world, s, u, m, w);
            }
        }
    }
}

/// Every state with a real choice moves, simultaneously, on the status quo.
pub fn play_round(rs: &mut RunState<'_>, order: &[usize]) -> Result<(), SimError> {
    let world = rs.world;
    let base = rs.status_quo();
    let mut moves: Vec<(usize, Choice)> = Vec::new();
    for &s in order.iter().filter(|&&s| world.states[s].acts) {
        let opts = options(world, &base, s);
        if opts.len() < 2 {
            continue;
        }
        let mut forecasts = Vec::with_capacity(opts.len());
        for c in &opts {
            let mut next = rs.copy_of(&base);
            apply(world, &mut next, s, c);
            forecasts.push(forecast_change(rs, s, &base, &next)?);
            rs.recycle(next);
        }
        let k = decide(rs, s, "tariff", &forecasts, &|k| {
            label(world, &base, s, &opts[k])
        });
        rs.recycle_forecasts(forecasts);
        moves.push((s, opts[k].clone()));
    }
    let mut next = base;
    for (s, c) in &moves {
        if c.exit {
            let u = next.union_of(world, *s).expect("only members exit");
            rs.event(Event::new(EventKind::Exit, *s).institution(u));
        }
        apply(world, &mut next, *s, c);
    }
    let old = std::mem::replace(&mut rs.policy, next);
    rs.recycle(old);
    Ok(())
}
