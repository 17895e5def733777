//! Neorealism: relative gains, security and autonomy.
//!
//! Grieco (1988, "Anarchy and the limits of cooperation", *International
//! Organization* 42:485) models a state's utility as U = V − k(W − V): its own
//! payoff V minus k times the partner's advantage. With several others, Snidal
//! (1991, "Relative gains and the pattern of international cooperation", *APSR*
//! 85:701) spreads the concern over them; here by threat weights θ_ij
//! (capability × proximity, Walt 1987), summing to 1:
//!
//! `U = M − k·Σ_j θ_ij [(ĝ_j − ĝ_i) + δ/(1−δ)(ĝ_j^cont − ĝ_i^cont)] + s·ΔSec_i − α·Σ_{j great} ΔDep_ij`,
//! where s and α are per year and the changes last, so both terms are counted
//! now and in the continuation (×1/(1−δ)).
//!
//! Since Σθ = 1 the own gain weighs 1 + k and each other's −kθ_ij. In a two-state
//! prisoner's dilemma this is exactly Grieco's transformation T′ = T + k(T−S),
//! S′ = S − k(T−S); as states multiply, θ for any one partner falls and the
//! cooperation threshold falls toward the neoliberal one.

use super::{Alignment, Consequences, Valuation, Viewpoint};

/// The neorealist's pull toward state j in alignment (Walt 1987, balance of
/// threat): repelled by threat θ_ij — balancing — unless j is a neighbouring
/// great power that overwhelms it, which it joins (bandwagoning). Alignment
/// also values the security share an option gives (s·ΔSec).
pub(super) fn propensity(view: &Viewpoint<'_>, a: &Alignment<'_>, j: usize) -> f64 {
    if a.overwhelming[j] {
        view.threat[j]
    } else {
        -view.threat[j]
    }
}

pub(super) fn value(view: &Viewpoint<'_>, c: &Consequences<'_>, material: Valuation) -> Valuation {
    let w = view.weights();
    let k = view.params.relative_gains;
    // Σ_j θ_ij is 1 whenever there is anyone else to fear, 0 when alone.
    let fear: f64 = if view.threat.len() > 1 { 1.0 } else { 0.0 };
    let me = view.me;
    let relative = super::weighted(view, c, &|j, g| {
        if j == me {
            k * fear * g
        } else {
            -k * view.threat[j] * g
        }
    });
    let dependence_on_great_powers: f64 = c
        .dependence
        .iter()
        .filter(|&&(j, _)| view.great_power[j] && j != me)
        .map(|&(_, d)| d)
        .sum();
    let lasting = super::lasting(view, c);
    Valuation {
        others: relative,
        security: w.security * c.security * lasting,
        dependence: -w.autonomy * dependence_on_great_powers * lasting,
        ..material
    }
}
