//! Constructivism: identity (affinity) and internalised norms.
//!
//! Wendt (1992, "Anarchy is what states make of it", *International Organization*
//! 46:391; 1999, *Social Theory of International Politics*): how a state values
//! another's gains depends on who that other is to it. With affinity a_ij in
//! [−1, 1] and salience w:
//!
//! `U = ĝ_i + Σ_j a_ij·w·ĝ_j + ν·Σ_I norm_iI·complies_I − ι·Σ_j max(0, −a_ij)·Δdependence_on_j`.
//!
//! Negative affinity makes the valuation zero-sum (a Hobbesian culture), positive
//! other-regarding (Kantian), near zero self-interested (Lockean): the three
//! cultures of anarchy fall out of one formula.

use super::{Consequences, Viewpoint};

pub(super) fn gain_weight(view: &Viewpoint<'_>, j: usize) -> f64 {
    if j == view.me {
        1.0
    } else {
        view.affinity[j] * view.params.salience
    }
}

pub(super) fn own_terms(view: &Viewpoint<'_>, c: &Consequences<'_>) -> f64 {
    let p = view.params;
    let norms: f64 = c
        .compliance
        .iter()
        .filter(|&&(_, complies)| complies)
        .map(|&(inst, _)| view.norms[inst])
        .sum();
    let enemy_dependence: f64 = c
        .dependence
        .iter()
        .filter(|&&(j, _)| j != view.me)
        .map(|&(j, d)| (-view.affinity[j]).max(0.0) * d)
        .sum();
    p.norm_weight * norms - p.enemy_dependence * enemy_dependence
}
