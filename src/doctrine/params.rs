//! Doctrine parameters: every coefficient of docs/model.md §7.1 with its default.
//!
//! One table serves all three doctrines: each theory's formula reads only its own
//! coefficients, so a neoliberal's `relative_gains` is simply unused. Keeping the
//! table shared lets a doctrine profile switch a state's theory while its own
//! overrides stay in force. Resolution order: the defaults below ← the scenario's
//! `[doctrines.<doctrine>]` ← the state's `[states.<CODE>.params]`.

use serde::{Deserialize, Serialize};

/// How a state believes its partners answer a defection (docs/model.md §4, Prediction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reciprocity {
    /// Once a relationship has seen a defection, the partner defects for ever.
    Grim,
    /// The partner repeats what the state did last round.
    TitForTat,
}

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

macro_rules! doctrine_params {
    ($( $(#[doc = $doc:literal])* $name:ident : $default:expr, $range:expr; )*) => {
        /// Resolved coefficients of one state under one doctrine.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        pub struct Params {
            $( $(#[doc = $doc])* pub $name: f64, )*
            /// Belief about how partners answer a defection.
            pub reciprocity: Reciprocity,
        }

        impl Default for Params {
            fn default() -> Self {
                Params { $( $name: $default, )* reciprocity: Reciprocity::Grim }
            }
        }

        /// Overrides of [`Params`] as written in a scenario (every field optional).
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ParamOverrides {
            $( #[serde(default, skip_serializing_if = "Option::is_none")] pub $name: Option<f64>, )*
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub reciprocity: Option<Reciprocity>,
        }

        impl ParamOverrides {
            /// Write every set field over `params`.
            pub fn apply(&self, params: &mut Params) {
                $( if let Some(x) = self.$name { params.$name = x; } )*
                if let Some(r) = self.reciprocity { params.reciprocity = r; }
            }

            /// Each set real-valued field with its name and admissible range.
            pub fn numbers(&self) -> Vec<(&'static str, f64, Range)> {
                let mut out = Vec::new();
                $( if let Some(x) = self.$name { out.push((stringify!($name), x, $range)); } )*
                out
            }
        }
    };
}

doctrine_params! {
    /// λ, logit precision per unit of utility (∞ = best response).
    precision: 4.0, Range::NonNegative { allow_inf: true };
    /// δ, discount factor: the shadow of the future.
    discount: 0.9, Range::UnitOpen;
    /// k, Grieco's coefficient of sensitivity to relative gains (neorealist).
    relative_gains: 0.5, Range::NonNegative { allow_inf: false };
    /// ρ, weight of reputation lost by a rule violation (neoliberal).
    reputation: 1.0, Range::NonNegative { allow_inf: false };
    /// s, weight of a change in security (neorealist).
    security: 1.0, Range::NonNegative { allow_inf: false };
    /// α, cost of added dependence on great powers (neorealist).
    autonomy: 0.5, Range::NonNegative { allow_inf: false };
    /// ν, weight of internalised norms on compliance (constructivist).
    norm_weight: 1.0, Range::NonNegative { allow_inf: false };
    /// ι, cost of added dependence on states seen as enemies (constructivist).
    enemy_dependence: 1.0, Range::NonNegative { allow_inf: false };
    /// w, salience of others' gains, multiplied by affinity (constructivist).
    salience: 1.0, Range::NonNegative { allow_inf: false };
    /// μ, rate at which affinity moves toward the signal of the round.
    affinity_learning: 0.1, Range::Unit;
    /// Rate at which affinity drifts back to its baseline in a quiet round.
    affinity_drift: 0.05, Range::Unit;
    /// η, rate of norm internalisation.
    norm_learning: 0.1, Range::Unit;
}
