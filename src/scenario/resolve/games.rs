//! Repeated 2×2 games: `[games.<name>]` and its `strategies` table.
//!
//! Each pair must name two different states, once in either order: a match is
//! between the two of them, whoever is the row player. `forgiveness` defaults
//! to the generous tit-for-tat of Nowak & Sigmund ("Tit for tat in
//! heterogeneous populations", *Nature*, 1992), computed from the payoffs, so
//! it is resolved here, where the payoffs are known. Trembles are capped at
//! 1/2, beyond which a "tremble" would flip most moves rather than a few.

use super::{Resolver, Result, path, within};
use crate::doctrine::params::Range;
use crate::scenario::format::{GameSpec, PairsSpec, ScenarioFile};
use crate::world::{MatrixGame, Payoffs, Player};

/// Largest payoff in absolute value: a run's total over at most
/// `MAX_ROUNDS` rounds and every pair, and the squares its summary
/// statistics take, stay far inside floating-point range.
pub const MAX_PAYOFF: f64 = 1e12;

pub(super) fn resolve(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    n: usize,
) -> Result<Vec<MatrixGame>> {
    spec.games
        .iter()
        .map(|(name, g)| game(r, name, g, n))
        .collect()
}

fn game(r: &Resolver<'_, '_>, name: &str, g: &GameSpec, n: usize) -> Result<MatrixGame> {
    let at = path("games").key(name);
    r.require_lower_name(&at, name)?;
    let pay = &g.payoffs;
    for (key, x) in [("R", pay.r), ("S", pay.s), ("T", pay.t), ("P", pay.p)] {
        r.require(
            x.is_finite() && x.abs() <= MAX_PAYOFF,
            &at.key("payoffs").key(key),
            x,
            "a number between -1e12 and 1e12 (payoffs are summed over every round and pair, and their statistics must not overflow)",
        )?;
    }
    let payoffs = Payoffs {
        r: pay.r,
        s: pay.s,
        t: pay.t,
        p: pay.p,
    };
    let pairs = match &g.pairs {
        PairsSpec::All(s) if s == "all" => (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect::<Vec<_>>(),
        PairsSpec::All(s) => {
            return r.err(
                &at.key("pairs"),
                format!("must be \"all\" or a list of pairs like [[\"A\", \"B\"]], got \"{s}\""),
            );
        }
        PairsSpec::List(list) => {
            let mut pairs: Vec<(usize, usize)> = Vec::with_capacity(list.len());
            for (k, pair) in list.iter().enumerate() {
                let pat = at.key("pairs").index(k);
                let [a, b] = pair.as_slice() else {
                    let n = pair.len();
                    let message = format!(
                        "a pair names exactly two states, like [\"A\", \"B\"]; this one names {n}"
                    );
                    return r.err(&pat, message);
                };
                let (a, b) = (r.state(&pat, a)?, r.state(&pat, b)?);
                if a == b {
                    return r.err(&pat, "a state cannot play against itself");
                }
                if pairs
                    .iter()
                    .any(|&(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
                {
                    return r.err(&pat, "this pair is listed twice");
                }
                pairs.push((a, b));
            }
            pairs
        }
    };
    if pairs.is_empty() {
        return r.err(&at.key("pairs"), "a game needs at least one pair of states");
    }
    r.require(
        (0.0..=0.5).contains(&g.noise),
        &at.key("noise"),
        g.noise,
        "a tremble probability in [0, 0.5]",
    )?;
    r.require(
        g.continuation > 0.0 && g.continuation <= 1.0,
        &at.key("continuation"),
        g.continuation,
        "a continuation probability in (0, 1]",
    )?;
    let forgiveness = g
        .forgiveness
        .unwrap_or_else(|| payoffs.generous_forgiveness());
    r.require(
        Range::Unit.admits(forgiveness),
        &at.key("forgiveness"),
        forgiveness,
        "a probability in [0, 1]",
    )?;
    let institution = match &g.institution {
        Some(code) => Some(r.institution(&at.key("institution"), code)?),
        None => None,
    };
    let (start, end) = r.timeline;
    let from = g.from.unwrap_or(start);
    let until = g.until.unwrap_or(end);
    r.year(&at.key("from"), from)?;
    r.require(
        (start..=end).contains(&until) && until >= from,
        &at.key("until"),
        until,
        &format!("{}, not before `from`", within(start, end)),
    )?;
    // A fixed strategy is a way of playing a seat, so only a state that holds
    // one may be given a strategy.
    let mut seats = vec![Vec::new(); n];
    for (p, &(a, b)) in pairs.iter().enumerate() {
        seats[a].push((p, 0));
        seats[b].push((p, 1));
    }
    let mut players = vec![Player::Doctrine; n];
    for (code, &strategy) in &g.strategies {
        let sat = at.key("strategies").key(code);
        let s = r.state_key(&sat, code)?;
        if seats[s].is_empty() {
            return r.err_key(&sat, format!("`{code}` plays no pair in this game"));
        }
        players[s] = Player::Strategy(strategy);
    }

    Ok(MatrixGame {
        name: name.to_string(),
        payoffs,
        pairs,
        noise: g.noise,
        continuation: g.continuation,
        forgiveness,
        institution,
        from,
        until,
        players,
        seats,
    })
}
