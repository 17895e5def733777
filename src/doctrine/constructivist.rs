//! Constructivism: identity (affinity) and internalised norms.
//!
//! Wendt (1992, "Anarchy is what states make of it", *International Organization*
//! 46:391; 1999, *Social Theory of International Politics*): how a state values
//! another's gains depends on who that other is to it. With affinity a_ij in
//! [−1, 1] and salience w:
//!
//! `U = M + Σ_j a_ij·w·(ĝ_j + δ/(1−δ)·ĝ_j^cont) + ν·Σ_I norm_iI·complies_I − ι·Σ_j max(0, −a_ij)·ΔDep_ij`.
//!
//! Negative affinity makes the valuation zero-sum (a Hobbesian culture), positive
//! other-regarding (Kantian), near zero self-interested (Lockean): the three
//! cultures of anarchy fall out of one formula.

use super::{Consequences, Valuation, Viewpoint};

pub(super) fn value(view: &Viewpoint<'_>, c: &Consequences<'_>, material: Valuation) -> Valuation {
    let w = view.weights();
    let me = view.me;
    let salience = view.params.salience;
    let regard = super::weighted(view, c, &|j, g| {
        if j == me {
            0.0
        } else {
            view.affinity[j] * salience * g
        }
    });
    let norms: f64 = c
        .compliance
        .iter()
        .filter(|&&(_, complies)| complies)
        .map(|&(inst, _)| view.norms[inst])
        .sum();
    let enemy_dependence: f64 = c
        .dependence
        .iter()
        .filter(|&&(j, _)| j != me)
        .map(|&(j, d)| (-view.affinity[j]).max(0.0) * d)
        .sum();
    Valuation {
        others: regard,
        norms: w.norm_weight * norms,
        dependence: -w.enemy_dependence * enemy_dependence * super::lasting(view, c),
        ..material
    }
}
