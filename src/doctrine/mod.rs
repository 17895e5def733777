//! The decision engine shared by every game (docs/model.md §4).
//!
//! Every decision is a choice among enumerated options. A game forecasts each
//! option's [`Consequences`] with the world model; the state's [`Doctrine`] turns
//! them into one utility ([`value`]); a logit rule with precision λ picks the
//! option ([`choose`]). The three theories differ *only* in the valuation:
//!
//! * neorealism (Grieco 1988; Snidal 1991): relative gains weighted by threat,
//!   security and autonomy — [`neorealist`];
//! * neoliberal institutionalism (Keohane 1984; Axelrod 1984): absolute gains,
//!   the shadow of the future and reputation — [`neoliberal`];
//! * constructivism (Wendt 1992): others' gains weighted by affinity, and
//!   internalised norms — [`constructivist`].
//!
//! Because every valuation is linear in the forecast gains, a state's concern for
//! others reduces to one *gain weight* per state ([`gain_weight`]): the data a
//! game needs to value any option in O(number of states it affects).

pub mod constructivist;
pub mod neoliberal;
pub mod neorealist;
pub mod params;

pub use params::{ParamOverrides, Params, Reciprocity};

use serde::{Deserialize, Serialize};

/// A theory of international politics, used as a state's decision rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Doctrine {
    Neorealist,
    Neoliberal,
    Constructivist,
}

impl Doctrine {
    pub const ALL: [Doctrine; 3] = [
        Doctrine::Neorealist,
        Doctrine::Neoliberal,
        Doctrine::Constructivist,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Doctrine::Neorealist => "neorealist",
            Doctrine::Neoliberal => "neoliberal",
            Doctrine::Constructivist => "constructivist",
        }
    }

    /// Position in [`Doctrine::ALL`], for per-doctrine tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Doctrine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one option is forecast to bring about, from the deciding state's view.
///
/// Gains are sparse `(state, ĝ)` lists: a state not listed gains nothing. Units are
/// the game's payoff units (matrix games) or percent of baseline real spending
/// (trade games).
#[derive(Clone, Copy, Debug, Default)]
pub struct Consequences<'a> {
    /// ĝ_j this round.
    pub gains: &'a [(usize, f64)],
    /// Per-round ĝ_j in the continuation (after partners respond as the state
    /// believes they will), discounted by δ/(1−δ).
    pub continuation: &'a [(usize, f64)],
    /// Change in the state's own security.
    pub security: f64,
    /// Change in the state's dependence on each listed state.
    pub dependence: &'a [(usize, f64)],
    /// Violations of institutional rules this option commits (reputation at stake).
    pub reputation_loss: f64,
    /// Expected cost of authorised retaliation against this option.
    pub expected_retaliation: f64,
    /// Expected cost of a union leader's coercion against this option.
    pub expected_coercion: f64,
    /// `(institution, complies)` for each institution whose rules the option touches.
    pub compliance: &'a [(usize, bool)],
}

/// Who is deciding and what they know: the inputs of a valuation that belong to
/// the state rather than to the option.
#[derive(Clone, Copy, Debug)]
pub struct Viewpoint<'a> {
    pub me: usize,
    pub doctrine: Doctrine,
    pub params: &'a Params,
    /// θ_ij: threat weights over the others (capability × proximity), summing to 1.
    pub threat: &'a [f64],
    /// a_ij: current affinity toward every state.
    pub affinity: &'a [f64],
    /// norm_iI: internalised norm of every institution.
    pub norms: &'a [f64],
    /// Which states are great powers (for the autonomy term).
    pub great_power: &'a [bool],
    /// Effective discount factor: δ times the game's continuation probability.
    pub delta: f64,
}

/// The weight the deciding state puts on state `j`'s gains.
#[inline]
pub fn gain_weight(view: &Viewpoint<'_>, j: usize) -> f64 {
    match view.doctrine {
        Doctrine::Neorealist => neorealist::gain_weight(view, j),
        Doctrine::Neoliberal => neoliberal::gain_weight(view, j),
        Doctrine::Constructivist => constructivist::gain_weight(view, j),
    }
}

/// The utility of an option with these consequences (docs/model.md §4, Basic principle).
pub fn value(view: &Viewpoint<'_>, c: &Consequences<'_>) -> f64 {
    let weighted = |gains: &[(usize, f64)]| -> f64 {
        gains.iter().map(|&(j, g)| gain_weight(view, j) * g).sum()
    };
    let now = weighted(c.gains);
    // δ = 0 values only the present; δ → 1 is excluded by validation.
    let future = if view.delta > 0.0 {
        view.delta / (1.0 - view.delta) * weighted(c.continuation)
    } else {
        0.0
    };
    now + future
        + match view.doctrine {
            Doctrine::Neorealist => neorealist::own_terms(view, c),
            Doctrine::Neoliberal => neoliberal::own_terms(view, c),
            Doctrine::Constructivist => constructivist::own_terms(view, c),
        }
}

/// Logit (quantal response) choice: option `a` is picked with probability
/// ∝ exp(λ·U(a)), using one uniform draw `u` in [0, 1). With λ = ∞ this is a best
/// response, ties split evenly. Computed in a numerically stable way and without
/// allocation.
pub fn choose(lambda: f64, utilities: &[f64], u: f64) -> usize {
    debug_assert!(!utilities.is_empty());
    let max = utilities.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weight = |x: f64| -> f64 {
        if lambda.is_infinite() {
            if x == max { 1.0 } else { 0.0 }
        } else {
            (lambda * (x - max)).exp()
        }
    };
    let total: f64 = utilities.iter().map(|&x| weight(x)).sum();
    let target = u * total;
    let mut acc = 0.0;
    for (a, &x) in utilities.iter().enumerate() {
        acc += weight(x);
        if target < acc {
            return a;
        }
    }
    // Rounding can leave `target` a hair above the last partial sum.
    utilities
        .iter()
        .rposition(|&x| weight(x) > 0.0)
        .unwrap_or(0)
}

/// Probability of the first of two options under the logit rule; used where a
/// game needs the probability itself (tests, expected values).
pub fn logit_probability(lambda: f64, u_first: f64, u_second: f64) -> f64 {
    let d = u_first - u_second;
    if lambda.is_infinite() {
        return if d > 0.0 {
            1.0
        } else if d < 0.0 {
            0.0
        } else {
            0.5
        };
    }
    1.0 / (1.0 + (-lambda * d).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logit_choice_follows_probabilities() {
        // Two options, U = (1, 0), λ = ln 3: P(first) = 3/4.
        let lambda = 3f64.ln();
        let p = logit_probability(lambda, 1.0, 0.0);
        assert!((p - 0.75).abs() < 1e-12);
        assert_eq!(choose(lambda, &[1.0, 0.0], 0.7499), 0);
        assert_eq!(choose(lambda, &[1.0, 0.0], 0.7501), 1);
    }

    #[test]
    fn infinite_precision_is_a_best_response_with_fair_ties() {
        assert_eq!(choose(f64::INFINITY, &[0.0, 2.0, 1.0], 0.0), 1);
        assert_eq!(choose(f64::INFINITY, &[0.0, 2.0, 1.0], 0.999), 1);
        assert_eq!(choose(f64::INFINITY, &[1.0, 1.0], 0.49), 0);
        assert_eq!(choose(f64::INFINITY, &[1.0, 1.0], 0.51), 1);
    }

    #[test]
    fn huge_utilities_do_not_overflow() {
        assert_eq!(choose(1e6, &[1e6, -1e6], 0.999_999), 0);
        assert_eq!(choose(0.0, &[5.0, 1.0, 3.0], 0.5), 1);
    }
}
