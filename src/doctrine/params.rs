//! Doctrine coefficients (docs/model.md §4): every coefficient with its
//! default, its admissible range (checked when a scenario loads) and its
//! *plausible* range (what we believe, `low..high`: the prior a sensitivity
//! analysis draws from), listed once in [`coefficients`].
//!
//! Coefficients come in two kinds. The unit-free ones — δ, Grieco's k, the
//! salience w — mean the same in every game. Those that turn a consequence into
//! utility carry the unit of the game they value, so each has one value per
//! game family, never borrowed across ([`Weights`]): the **trade** family
//! (every decision valued on the trade equilibrium, in percent of the state's
//! baseline real spending) and the **matrix** family (2×2 games, in payoff
//! units). A matrix game's ρ is not a trade game's ρ.
//!
//! One table serves all three doctrines: each theory's formula reads only its
//! own coefficients, so a neoliberal's `relative_gains` is simply unused.
//! Keeping the table shared lets a doctrine profile switch a state's theory
//! while its own overrides stay in force. Resolution order: the defaults below
//! ← the scenario's `[doctrines.<doctrine>]` ← the state's
//! `[states.<CODE>.params]`; the unit tables nest as `.trade` and `.matrix`.

use serde::{Deserialize, Serialize};

/// A real-valued parameter's admissible range, checked when a scenario is loaded.
#[derive(Clone, Copy, Debug)]
pub enum Range {
    /// 0 ≤ x < ∞ (or = ∞ where `allow_inf`).
    NonNegative { allow_inf: bool },
    /// 0 ≤ x < 1.
    UnitOpen,
    /// 0 ≤ x ≤ 1.
    Unit,
}

impl Range {
    pub fn admits(self, x: f64) -> bool {
        match self {
            Range::NonNegative { allow_inf } => x >= 0.0 && (x.is_finite() || allow_inf),
            Range::UnitOpen => (0.0..1.0).contains(&x),
            Range::Unit => (0.0..=1.0).contains(&x),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Range::NonNegative { allow_inf: true } => "a number >= 0, or inf",
            Range::NonNegative { allow_inf: false } => "a finite number >= 0",
            Range::UnitOpen => "a number in [0, 1)",
            Range::Unit => "a number in [0, 1]",
        }
    }
}

/// Which unit a game values consequences in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Percent of the state's baseline real spending: every decision valued on
    /// the trade equilibrium (tariffs, accession, disputes, union, initiative,
    /// sanctions). Alignment has its own family.
    Trade,
    /// Payoff units of a 2×2 game.
    Matrix,
    /// Shares of capability: alignment's landscape frustration and the
    /// security share are both measured in it.
    Alignment,
}

/// Coefficients that turn consequences into utility, in one family's unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Weights {
    /// λ, logit precision per unit of utility (∞ = best response).
    pub precision: f64,
    /// ρ, utility lost per institution whose rules an option breaks (neoliberal).
    pub reputation: f64,
    /// s, utility per unit change of the security share (neorealist).
    pub security: f64,
    /// α, utility lost per unit of added dependence on a great power (neorealist).
    pub autonomy: f64,
    /// ν, utility per unit of internalised norm of an institution complied with
    /// (constructivist).
    pub norm_weight: f64,
    /// ι, utility lost per unit of added dependence on a state seen as an
    /// enemy, times its distrust (constructivist).
    pub enemy_dependence: f64,
}

/// Resolved coefficients of one state under one doctrine.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Params {
    /// δ, discount factor per year: the shadow of the future.
    pub discount: f64,
    /// k, Grieco's coefficient of sensitivity to relative gains (neorealist).
    pub relative_gains: f64,
    /// w, salience of others' gains, multiplied by affinity (constructivist).
    pub salience: f64,
    /// Weights in percent of baseline real spending.
    pub trade: Weights,
    /// Weights in payoff units of a 2×2 game.
    pub matrix: Weights,
    /// Weights in shares of capability (alignment).
    pub alignment: Weights,
}

impl Default for Params {
    fn default() -> Self {
        let default = |path: &str| {
            coefficients()
                .into_iter()
                .find(|c| c.path == path)
                .map(|c| c.default)
                .expect("every coefficient is catalogued")
        };
        let weights = |family: &str| Weights {
            precision: default(&format!("{family}.precision")),
            reputation: default(&format!("{family}.reputation")),
            security: default(&format!("{family}.security")),
            autonomy: default(&format!("{family}.autonomy")),
            norm_weight: default(&format!("{family}.norm_weight")),
            enemy_dependence: default(&format!("{family}.enemy_dependence")),
        };
        Params {
            discount: default("discount"),
            relative_gains: default("relative_gains"),
            salience: default("salience"),
            trade: weights("trade"),
            matrix: weights("matrix"),
            alignment: weights("alignment"),
        }
    }
}

impl Params {
    pub fn weights(&self, family: Family) -> &Weights {
        match family {
            Family::Trade => &self.trade,
            Family::Matrix => &self.matrix,
            Family::Alignment => &self.alignment,
        }
    }
}

/// One documented coefficient.
#[derive(Clone, Debug)]
pub struct Coefficient {
    /// Its path below a params table: `discount`, `trade.precision`, …
    pub path: String,
    pub default: f64,
    pub range: Range,
    /// What we believe (`low..high`): a sensitivity analysis's prior.
    pub plausible: (f64, f64),
    pub unit: &'static str,
    /// Where the default and the range come from.
    pub source: &'static str,
}

/// Every coefficient of the valuation, with its default, ranges and source.
pub fn coefficients() -> Vec<Coefficient> {
    use Range::{NonNegative, UnitOpen};
    let finite = NonNegative { allow_inf: false };
    let c = |path: &str, default, range, plausible, unit, source| Coefficient {
        path: path.to_string(),
        default,
        range,
        plausible,
        unit,
        source,
    };
    vec![
        c(
            "discount",
            0.9,
            UnitOpen,
            (0.8, 0.97),
            "per year",
            "annual discount factors of 0.8–0.97 span models of repeated international cooperation (Axelrod 1984; Oye 1986); matrix games multiply it by their continuation probability",
        ),
        c(
            "relative_gains",
            0.5,
            finite,
            (0.0, 1.0),
            "ratio",
            "Grieco (1988) leaves k open; [0, 1] spans indifference to relative gains up to weighing a rival's gain as much as one's own (Snidal 1991; Powell 1991)",
        ),
        c(
            "salience",
            1.0,
            finite,
            (0.0, 1.0),
            "ratio",
            "at w = 1 a friend of affinity 1 weighs like oneself, at 0 identity has no material weight (Wendt 1999)",
        ),
        // The trade family: percent of the state's baseline real spending.
        c(
            "trade.precision",
            10.0,
            NonNegative { allow_inf: true },
            (2.0, 50.0),
            "per percent of spending",
            "a 0.1-point difference between options gives odds e^1 ≈ 2.7:1 and a 0.5-point one about 150:1, so choices a fraction of a percent apart are not certainties (quantal response: McKelvey & Palfrey 1995)",
        ),
        c(
            "trade.reputation",
            0.2,
            finite,
            (0.0, 1.0),
            "percent of spending per institution breached",
            "a breach costs a fifth of a percent of a year's spending, once per yearly decision: the order of the present value of the trade stakes a breach usually buys (reputation as a compliance cost: Keohane 1984; Guzman 2008)",
        ),
        c(
            "trade.security",
            2.0,
            finite,
            (0.5, 10.0),
            "percent of spending per unit of security share",
            "world military expenditure is about 2.2% of world GDP (SIPRI 2019): states pay about that much a year for their security, so the whole security share is valued at about 2% of spending; 0.5–10 spans the regional defence burdens of 1–5% and doubts about the conversion",
        ),
        c(
            "trade.autonomy",
            2.0,
            finite,
            (0.5, 10.0),
            "percent of spending per unit of dependence",
            "full dependence on a great power weighs like losing the whole security share (autonomy as security's counterpart: Waltz 1979); same range as security",
        ),
        c(
            "trade.norm_weight",
            0.2,
            finite,
            (0.0, 1.0),
            "percent of spending per unit of norm",
            "a fully internalised norm weighs like the reputation a breach costs (Finnemore & Sikkink 1998); same range as reputation",
        ),
        c(
            "trade.enemy_dependence",
            2.0,
            finite,
            (0.5, 10.0),
            "percent of spending per unit of dependence",
            "dependence on an enemy weighs on identity as dependence on a great power weighs on autonomy (Wendt 1999); same range as autonomy",
        ),
        // The matrix family: payoff units of the textbook 2×2 games (R = 3, T = 5, P = 1, S = 0).
        c(
            "matrix.precision",
            4.0,
            NonNegative { allow_inf: true },
            (1.0, 20.0),
            "per payoff unit",
            "at 4 a one-point payoff difference gives odds e^4 ≈ 55:1, near a best response on the textbook scale; the thresholds of §7.10 are exact at ∞",
        ),
        c(
            "matrix.reputation",
            1.0,
            finite,
            (0.0, 5.0),
            "payoff units per breach",
            "a defection in a game an institution governs costs one payoff unit, the gap between R and P on the textbook scale",
        ),
        c(
            "matrix.security",
            1.0,
            finite,
            (0.0, 5.0),
            "payoff units per unit of security share",
            "matrix games forecast no security change; kept for symmetry",
        ),
        c(
            "matrix.autonomy",
            0.5,
            finite,
            (0.0, 5.0),
            "payoff units per unit of dependence",
            "matrix games forecast no dependence change; kept for symmetry",
        ),
        c(
            "matrix.norm_weight",
            1.0,
            finite,
            (0.0, 5.0),
            "payoff units per unit of norm",
            "a fully internalised norm weighs like the reputation a defection costs",
        ),
        c(
            "matrix.enemy_dependence",
            1.0,
            finite,
            (0.0, 5.0),
            "payoff units per unit of dependence",
            "matrix games forecast no dependence change; kept for symmetry",
        ),
        // The alignment family: shares of capability (frustration Σ s_j p_ij d_ij, the security share).
        c(
            "alignment.precision",
            20.0,
            NonNegative { allow_inf: true },
            (5.0, 100.0),
            "per unit of capability share",
            "a difference of 0.05 in frustration or security share (a twentieth of the capability around a state) gives odds e^1; landscape theory's best response is the limit λ → ∞ (Axelrod & Bennett 1993)",
        ),
        c(
            "alignment.reputation",
            0.0,
            finite,
            (0.0, 1.0),
            "capability share per breach",
            "alignment breaks no institution's rules; kept for symmetry",
        ),
        c(
            "alignment.security",
            1.0,
            finite,
            (0.5, 2.0),
            "per unit of security share",
            "security and frustration are both shares of capability, so one unit of security share weighs one unit of frustration",
        ),
        c(
            "alignment.autonomy",
            0.0,
            finite,
            (0.0, 1.0),
            "capability share per unit of dependence",
            "alignment forecasts no dependence change; kept for symmetry",
        ),
        c(
            "alignment.norm_weight",
            0.0,
            finite,
            (0.0, 1.0),
            "capability share per unit of norm",
            "alignment touches no institution's rules; kept for symmetry",
        ),
        c(
            "alignment.enemy_dependence",
            0.0,
            finite,
            (0.0, 1.0),
            "capability share per unit of dependence",
            "alignment forecasts no dependence change; kept for symmetry",
        ),
    ]
}

/// Overrides of [`Weights`] as written in a scenario (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reputation: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autonomy: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm_weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enemy_dependence: Option<f64>,
}

impl WeightOverrides {
    fn fields(&self) -> [(&'static str, Option<f64>); 6] {
        [
            ("precision", self.precision),
            ("reputation", self.reputation),
            ("security", self.security),
            ("autonomy", self.autonomy),
            ("norm_weight", self.norm_weight),
            ("enemy_dependence", self.enemy_dependence),
        ]
    }

    fn apply(&self, w: &mut Weights) {
        let set = |target: &mut f64, x: Option<f64>| {
            if let Some(x) = x {
                *target = x;
            }
        };
        set(&mut w.precision, self.precision);
        set(&mut w.reputation, self.reputation);
        set(&mut w.security, self.security);
        set(&mut w.autonomy, self.autonomy);
        set(&mut w.norm_weight, self.norm_weight);
        set(&mut w.enemy_dependence, self.enemy_dependence);
    }

    fn is_empty(&self) -> bool {
        self == &WeightOverrides::default()
    }
}

/// Overrides of [`Params`] as written in a scenario (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_gains: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salience: Option<f64>,
    #[serde(default, skip_serializing_if = "WeightOverrides::is_empty")]
    pub trade: WeightOverrides,
    #[serde(default, skip_serializing_if = "WeightOverrides::is_empty")]
    pub matrix: WeightOverrides,
    #[serde(default, skip_serializing_if = "WeightOverrides::is_empty")]
    pub alignment: WeightOverrides,
}

impl ParamOverrides {
    /// Write every set field over `params`.
    pub fn apply(&self, params: &mut Params) {
        for (target, x) in [
            (&mut params.discount, self.discount),
            (&mut params.relative_gains, self.relative_gains),
            (&mut params.salience, self.salience),
        ] {
            if let Some(x) = x {
                *target = x;
            }
        }
        self.trade.apply(&mut params.trade);
        self.matrix.apply(&mut params.matrix);
        self.alignment.apply(&mut params.alignment);
    }

    /// Each set field with its path below the params table and its admissible range.
    pub fn numbers(&self) -> Vec<(String, f64, Range)> {
        let catalogue = coefficients();
        let range = |path: &str| {
            catalogue
                .iter()
                .find(|c| c.path == path)
                .map(|c| c.range)
                .expect("catalogued")
        };
        let mut out = Vec::new();
        let shared = [
            ("discount", self.discount),
            ("relative_gains", self.relative_gains),
            ("salience", self.salience),
        ];
        for (name, x) in shared {
            if let Some(x) = x {
                out.push((name.to_string(), x, range(name)));
            }
        }
        let families = [
            ("trade", &self.trade),
            ("matrix", &self.matrix),
            ("alignment", &self.alignment),
        ];
        for (family, w) in families {
            for (name, x) in w.fields() {
                if let Some(x) = x {
                    let path = format!("{family}.{name}");
                    out.push((path.clone(), x, range(&path)));
                }
            }
        }
        out
    }
}
