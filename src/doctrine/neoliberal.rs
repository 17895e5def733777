//! Neoliberal institutionalism: absolute gains, the shadow of the future, reputation.
//!
//! Keohane (1984, *After Hegemony*) and Axelrod (1984, *The Evolution of
//! Cooperation*): states care about their own gains only; cooperation is
//! sustained by reciprocity when the future weighs enough (δ), and institutions
//! make violations costly to a state's reputation (ρ):
//!
//! `U = M − ρ·Σ_I rep_iI`, with M = ĝ_i + δ/(1−δ)·ĝ_i^cont − R_i − C_i.
//!
//! With grim reciprocity a pair cooperates iff δ ≥ (T−R)/(T−P) (Friedman 1971).

use super::{Alignment, Consequences, Valuation, Viewpoint};

/// The neoliberal's pull toward state j in alignment: partners in shared
/// institutions attract, and threat counts only as far as institutions do not
/// temper it (Keohane & Martin 1995).
pub(super) fn propensity(view: &Viewpoint<'_>, a: &Alignment<'_>, j: usize) -> f64 {
    let share = a.shared[j];
    share - view.threat[j] * (1.0 - share)
}

pub(super) fn value(view: &Viewpoint<'_>, c: &Consequences<'_>, material: Valuation) -> Valuation {
    Valuation {
        reputation: -view.weights().reputation * c.violations.len() as f64,
        ..material
    }
}
