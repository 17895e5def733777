//! Neoliberal institutionalism: absolute gains, the shadow of the future, reputation.
//!
//! Keohane (1984, *After Hegemony*) and Axelrod (1984, *The Evolution of
//! Cooperation*): states care about their own gains only; cooperation is
//! sustained by reciprocity when the future weighs enough (δ), and institutions
//! make violations costly to a state's reputation (ρ) and open to authorised
//! retaliation:
//!
//! `U = ĝ_i + δ/(1−δ)·ĝ_i^cont − ρ·reputation_loss − expected_retaliation`.
//!
//! With grim reciprocity a pair cooperates iff δ ≥ (T−R)/(T−P) (Friedman 1971).

use super::{Consequences, Viewpoint};

pub(super) fn gain_weight(view: &Viewpoint<'_>, j: usize) -> f64 {
    if j == view.me { 1.0 } else { 0.0 }
}

pub(super) fn own_terms(view: &Viewpoint<'_>, c: &Consequences<'_>) -> f64 {
    -view.params.reputation * c.reputation_loss - c.expected_retaliation
}
