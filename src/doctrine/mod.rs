//! The valuation shared by every game (docs/model.md §4): one forecast, three
//! valuations.
//!
//! A game enumerates a state's options and forecasts each option's
//! [`Consequences`] with the world model — the same forecast whatever the
//! deciding state's doctrine. This module is the only place a doctrine is
//! read: it turns consequences into one utility ([`value`], with its
//! components in a [`Valuation`]), and a logit rule with precision λ picks an
//! option ([`choose`]). With M = ĝ_i + δ/(1−δ)·ĝ_i^cont − R_i − C_i:
//!
//! * neoliberal institutionalism (Keohane 1984; Axelrod 1984): `U = M − ρ·Σ rep`
//!   — [`neoliberal`];
//! * neorealism (Grieco 1988; Snidal 1991; Walt 1987): relative gains weighted
//!   by threat, security and autonomy — [`neorealist`];
//! * constructivism (Wendt 1992, 1999): others' gains weighted by affinity,
//!   internalised norms, distrust of dependence on enemies — [`constructivist`].
//!
//! The valuation sees only the forecast consequences and the decider's
//! [`Viewpoint`]; it never reaches into the world or the run (it sits below
//! both). Consequences carry no discounting: every stream says when it starts,
//! and the doctrine's own δ discounts it here.

pub mod constructivist;
pub mod neoliberal;
pub mod neorealist;
pub mod params;

pub use params::{Family, ParamOverrides, Params, Weights};

use serde::{Deserialize, Serialize};
use std::sync::Arc;

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

/// Every state's gains in one period: dense (one entry per state, in state
/// order) or sparse (the states listed; the others gain nothing).
#[derive(Clone, Copy, Debug)]
pub enum Gains<'a> {
    Dense(&'a [f64]),
    Sparse(&'a [(usize, f64)]),
}

impl Default for Gains<'_> {
    fn default() -> Self {
        Gains::Sparse(&[])
    }
}

impl Gains<'_> {
    /// `(state, ĝ)` for every state that gains or loses.
    pub fn iter(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (dense, sparse) = match self {
            Gains::Dense(d) => (Some(d.iter().copied().enumerate()), None),
            Gains::Sparse(s) => (None, Some(s.iter().copied())),
        };
        dense
            .into_iter()
            .flatten()
            .chain(sparse.into_iter().flatten())
    }

    /// State `j`'s gain.
    pub fn of(&self, j: usize) -> f64 {
        match self {
            Gains::Dense(d) => d.get(j).copied().unwrap_or(0.0),
            Gains::Sparse(s) => s.iter().filter(|e| e.0 == j).map(|e| e.1).sum(),
        }
    }
}

/// An expected per-year loss to the deciding state — authorised retaliation,
/// a great power's coercion — that starts `from` years ahead (0: this year)
/// and lasts while the option is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Expected {
    /// The institution (retaliation) or state (coercion) it comes from.
    pub source: usize,
    /// Its probability: a shared enforcement belief.
    pub probability: f64,
    /// The loss per year if it comes (same unit as the gains).
    pub per_year: f64,
    pub from: u32,
}

/// What one option is forecast to bring about, from the deciding state's
/// view: the same whatever its doctrine. Units are the game family's: percent
/// of baseline real spending (trade family) or payoff units (matrix games).
#[derive(Clone, Copy, Debug)]
pub struct Consequences<'a> {
    /// ĝ_j this year.
    pub now: Gains<'a>,
    /// ĝ_j per year from next year on (after partners respond as the state
    /// believes they will), until `later` takes over.
    pub cont: Gains<'a>,
    /// From year `.0` (≥ 1) on, the per-year gains become `.1` instead of
    /// `cont` (a corridor that opens after its lag, a dispute's ruling).
    pub later: Option<(u32, Gains<'a>)>,
    /// Chance each year that the relationship goes on (a matrix game's
    /// continuation probability w; 1 in the trade family).
    pub survival: f64,
    /// Expected authorised retaliation in every trade regime (R_i).
    pub retaliation: &'a [Expected],
    /// Expected coercion through every dependence channel of every great power
    /// with leverage (C_i, its material part).
    pub coercion: &'a [Expected],
    /// Expected change in the state's security share (ΔSec_i), including the
    /// security a coercer could withdraw.
    pub security: f64,
    /// Change in the state's dependence on each listed state (all channels).
    pub dependence: &'a [(usize, f64)],
    /// Institutions whose rules the option breaks (reputation at stake).
    pub violations: &'a [usize],
    /// `(institution, complies)` for each institution whose rules the option touches.
    pub compliance: &'a [(usize, bool)],
}

impl Default for Consequences<'_> {
    fn default() -> Self {
        Consequences {
            now: Gains::default(),
            cont: Gains::default(),
            later: None,
            survival: 1.0,
            retaliation: &[],
            coercion: &[],
            security: 0.0,
            dependence: &[],
            violations: &[],
            compliance: &[],
        }
    }
}

/// ĝ of every state (percent of baseline real spending), in state order,
/// shared rather than copied: the equilibrium cache hands the same buffer to
/// every forecast that asks for it. Writing through it (`g[s] -= cost`)
/// copies first when the buffer is shared, so a cached solution never changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Welfare(Arc<[f64]>);

impl Welfare {
    /// The buffer to write into, if no one else holds it.
    pub fn unique_mut(&mut self) -> Option<&mut [f64]> {
        Arc::get_mut(&mut self.0)
    }
}

impl std::ops::Deref for Welfare {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        &self.0
    }
}

impl std::ops::DerefMut for Welfare {
    fn deref_mut(&mut self) -> &mut [f64] {
        Arc::make_mut(&mut self.0)
    }
}

impl From<Vec<f64>> for Welfare {
    fn from(v: Vec<f64>) -> Self {
        Welfare(v.into())
    }
}

impl FromIterator<f64> for Welfare {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        Welfare(iter.into_iter().collect())
    }
}

/// What a state expects from one option, before valuation (the owned form
/// of [`Consequences`] for the trade family): the same whatever its
/// doctrine. Gains are ĝ of every state, in state order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Forecast {
    /// ĝ of every state this year (shared with the equilibrium cache, not
    /// copied).
    pub now: Welfare,
    /// ĝ of every state per year in the continuation.
    pub cont: Welfare,
    /// From year `.0` (≥ 1) on, ĝ per year becomes `.1`.
    pub later: Option<(u32, Welfare)>,
    pub retaliation: Vec<Expected>,
    pub coercion: Vec<Expected>,
    /// Expected change in the decider's security share.
    pub security: f64,
    /// Change in the decider's dependence on each listed state.
    pub dependence: Vec<(usize, f64)>,
    /// Institutions whose rules the option breaks.
    pub violations: Vec<usize>,
    /// (institution, complies).
    pub compliance: Vec<(usize, bool)>,
}

impl Forecast {
    /// A forecast in which the continuation repeats this year.
    pub fn stationary(now: Welfare) -> Self {
        Forecast {
            cont: now.clone(),
            now,
            ..Forecast::default()
        }
    }

    /// The consequences as the valuation reads them.
    pub fn consequences(&self) -> Consequences<'_> {
        Consequences {
            now: Gains::Dense(&self.now),
            cont: Gains::Dense(&self.cont),
            later: self.later.as_ref().map(|(l, g)| (*l, Gains::Dense(g))),
            survival: 1.0,
            retaliation: &self.retaliation,
            coercion: &self.coercion,
            security: self.security,
            dependence: &self.dependence,
            violations: &self.violations,
            compliance: &self.compliance,
        }
    }
}

/// Who is deciding and what they know of themselves: the inputs of a
/// valuation that belong to the state rather than to the option.
#[derive(Clone, Copy, Debug)]
pub struct Viewpoint<'a> {
    pub me: usize,
    pub doctrine: Doctrine,
    pub params: &'a Params,
    /// The unit the game values in, selecting the weights.
    pub family: Family,
    /// θ_ij: threat weights over the others (capability × proximity), summing to 1.
    pub threat: &'a [f64],
    /// a_ij: current affinity toward every state.
    pub affinity: &'a [f64],
    /// norm_iI: internalised norm of every institution.
    pub norms: &'a [f64],
    /// Which states are great powers (for the autonomy term).
    pub great_power: &'a [bool],
}

impl Viewpoint<'_> {
    pub fn weights(&self) -> &Weights {
        self.params.weights(self.family)
    }
}

/// An option's utility by component (their sum is the utility).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Valuation {
    /// ĝ_i this year.
    pub own_now: f64,
    /// ĝ_i in the continuation, discounted.
    pub own_future: f64,
    /// The doctrine's terms on others' gains, now and discounted (relative
    /// gains; affinity-weighted gains).
    pub others: f64,
    /// −R_i, discounted.
    pub retaliation: f64,
    /// −C_i, discounted.
    pub coercion: f64,
    /// −ρ·Σ rep (neoliberal).
    pub reputation: f64,
    /// s·ΔSec (neorealist).
    pub security: f64,
    /// ν·Σ norm·complies (constructivist).
    pub norms: f64,
    /// −α·ΔDep on great powers (neorealist), −ι·distrust·ΔDep (constructivist).
    pub dependence: f64,
}

impl Valuation {
    /// The components' names, in the order of [`components`](Self::components)
    /// (the columns of `decisions.csv`).
    pub const COMPONENTS: [&str; 9] = [
        "own_now",
        "own_future",
        "others",
        "retaliation",
        "coercion",
        "reputation",
        "security",
        "norms",
        "dependence",
    ];

    /// The components' values, in the order of [`Self::COMPONENTS`].
    pub fn components(&self) -> [f64; 9] {
        [
            self.own_now,
            self.own_future,
            self.others,
            self.retaliation,
            self.coercion,
            self.reputation,
            self.security,
            self.norms,
            self.dependence,
        ]
    }

    pub fn total(&self) -> f64 {
        self.own_now
            + self.own_future
            + self.others
            + self.retaliation
            + self.coercion
            + self.reputation
            + self.security
            + self.norms
            + self.dependence
    }
}

/// Discounting with factor d = δ·w: the weight of the continuation (years
/// 1 … L−1) and of `later` (years L …).
fn horizon(d: f64, later: Option<u32>) -> (f64, f64) {
    if d <= 0.0 {
        return (0.0, 0.0);
    }
    match later {
        None => (d / (1.0 - d), 0.0),
        Some(l) => {
            let dl = d.powi(l as i32);
            ((d - dl) / (1.0 - d), dl / (1.0 - d))
        }
    }
}

/// The present value of a stream of per-year weighted gains.
fn present(c: &Consequences<'_>, d: f64, weight: &dyn Fn(usize, f64) -> f64) -> (f64, f64) {
    let sum = |g: Gains<'_>| -> f64 { g.iter().map(|(j, x)| weight(j, x)).sum() };
    let (w_cont, w_later) = horizon(d, c.later.map(|l| l.0));
    let future = w_cont * sum(c.cont) + c.later.map_or(0.0, |l| w_later * sum(l.1));
    (sum(c.now), future)
}

/// The utility of an option with these consequences, by component (docs/model.md
/// §4, Objectives).
pub fn value(view: &Viewpoint<'_>, c: &Consequences<'_>) -> Valuation {
    let d = view.params.discount * c.survival;
    let me = view.me;
    let (own_now, own_future) = present(c, d, &|j, x| if j == me { x } else { 0.0 });
    let expected = |list: &[Expected]| -> f64 {
        list.iter()
            .map(|e| {
                let weight = if d > 0.0 {
                    d.powi(e.from as i32) / (1.0 - d)
                } else if e.from == 0 {
                    1.0
                } else {
                    0.0
                };
                -e.probability * e.per_year * weight
            })
            .sum()
    };
    let material = Valuation {
        own_now,
        own_future,
        retaliation: expected(c.retaliation),
        coercion: expected(c.coercion),
        ..Valuation::default()
    };
    match view.doctrine {
        Doctrine::Neoliberal => neoliberal::value(view, c, material),
        Doctrine::Neorealist => neorealist::value(view, c, material),
        Doctrine::Constructivist => constructivist::value(view, c, material),
    }
}

/// The present value of a change that lasts — a security share or a
/// dependence, which holds until some later choice undoes it — counted this
/// year and every year of the continuation like a gain: 1 + d/(1−d). The
/// coefficients s, α and ι are per year (docs/model.md §7.17), as are the
/// coercion losses that come with these changes.
fn lasting(view: &Viewpoint<'_>, c: &Consequences<'_>) -> f64 {
    let d = view.params.discount * c.survival;
    if d > 0.0 { 1.0 / (1.0 - d) } else { 1.0 }
}

/// The present value (this year and discounted future) of every state's
/// gains weighted by `weight(state, gain)`: how a doctrine's concern for
/// others is applied to a forecast.
fn weighted(view: &Viewpoint<'_>, c: &Consequences<'_>, weight: &dyn Fn(usize, f64) -> f64) -> f64 {
    let (now, future) = present(c, view.params.discount * c.survival, weight);
    now + future
}

/// What one alignment option brings about (docs/model.md §7.13): the same
/// whatever the deciding state's doctrine. Units: shares of capability.
#[derive(Clone, Copy, Debug)]
pub struct Alignment<'a> {
    /// s_j·d_ij for every state j: how far the option puts the state from j
    /// (0 same bloc, 1 different blocs, ½ when either hedges), weighted by j's
    /// capability share — the landscape's distances (Axelrod & Bennett 1993).
    pub apart: &'a [f64],
    /// The share of the state's institutions in force that j also belongs to.
    pub shared: &'a [f64],
    /// Whether j is a neighbouring great power overwhelming the state
    /// (capability above `model.bandwagon_ratio` times its own).
    pub overwhelming: &'a [bool],
    /// ΔSec_i: the change in the state's security share the option brings.
    pub security: f64,
}

/// The utility of an alignment option, by component: the landscape term on
/// others (minus frustration, Σ_j s_j·p_ij·d_ij with the doctrine's
/// propensities p_ij) and security.
pub fn value_alignment(view: &Viewpoint<'_>, a: &Alignment<'_>) -> Valuation {
    let frustration = |p: &dyn Fn(usize) -> f64| -> f64 {
        (0..a.apart.len())
            .filter(|&j| j != view.me)
            .map(|j| a.apart[j] * p(j))
            .sum()
    };
    match view.doctrine {
        Doctrine::Neorealist => Valuation {
            others: -frustration(&|j| neorealist::propensity(view, a, j)),
            security: view.weights().security * a.security,
            ..Valuation::default()
        },
        Doctrine::Neoliberal => Valuation {
            others: -frustration(&|j| neoliberal::propensity(view, a, j)),
            ..Valuation::default()
        },
        Doctrine::Constructivist => Valuation {
            others: -frustration(&|j| view.affinity[j]),
            ..Valuation::default()
        },
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

/// Logit probability of each option (the same rule as [`choose`]).
pub fn probabilities(lambda: f64, utilities: &[f64], out: &mut Vec<f64>) {
    out.clear();
    let max = utilities.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lambda.is_infinite() {
        let best = utilities.iter().filter(|&&x| x == max).count() as f64;
        out.extend(
            utilities
                .iter()
                .map(|&x| if x == max { 1.0 / best } else { 0.0 }),
        );
        return;
    }
    out.extend(utilities.iter().map(|&x| (lambda * (x - max)).exp()));
    let total: f64 = out.iter().sum();
    out.iter_mut().for_each(|p| *p /= total);
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
        let mut ps = Vec::new();
        probabilities(lambda, &[1.0, 0.0], &mut ps);
        assert!((ps[0] - 0.75).abs() < 1e-12 && (ps[1] - 0.25).abs() < 1e-12);
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

    #[test]
    fn streams_are_discounted_from_when_they_start() {
        // A later stream from year L = 3 at δ = 0.5: weights of years 1–2 and 3…
        let (c, l) = horizon(0.5, Some(3));
        assert!((c - (0.5 + 0.25)).abs() < 1e-12);
        assert!((l - 0.125 / 0.5).abs() < 1e-12);
        let (c, l) = horizon(0.5, None);
        assert!((c - 1.0).abs() < 1e-12 && l == 0.0);
    }
}
