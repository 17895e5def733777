//! Neorealism: relative gains, security and autonomy.
//!
//! Grieco (1988, "Anarchy and the limits of cooperation", *International
//! Organization* 42:485) models a state's utility as U = V − k(W − V): its own
//! payoff V minus k times the partner's advantage. With several others, Snidal
//! (1991, "Relative gains and the pattern of international cooperation", *APSR*
//! 85:701) spreads the concern over them; here by threat weights θ_ij
//! (capability × proximity, Walt 1987), summing to 1:
//!
//! `U = ĝ_i − k·Σ_j θ_ij (ĝ_j − ĝ_i) + s·ΔSecurity − coercion − α·Δdependence_on_great_powers`.
//!
//! Since Σθ = 1 the own-gain weight is 1 + k and each other's is −kθ_ij. In a
//! two-state prisoner's dilemma this is exactly Grieco's transformation
//! T′ = T + k(T−S), S′ = S − k(T−S); as states multiply, θ for any one partner
//! falls and the cooperation threshold falls toward the neoliberal one.

use super::{Consequences, Viewpoint};

pub(super) fn gain_weight(view: &Viewpoint<'_>, j: usize) -> f64 {
    let k = view.params.relative_gains;
    if j == view.me {
        // Σ_j θ_ij is 1 whenever there is anyone else to fear, 0 when alone.
        let others: f64 = if view.threat.len() > 1 { 1.0 } else { 0.0 };
        1.0 + k * others
    } else {
        -k * view.threat[j]
    }
}

pub(super) fn own_terms(view: &Viewpoint<'_>, c: &Consequences<'_>) -> f64 {
    let p = view.params;
    let dependence_on_great_powers: f64 = c
        .dependence
        .iter()
        .filter(|&&(j, _)| view.great_power[j] && j != view.me)
        .map(|&(_, d)| d)
        .sum();
    p.security * c.security - c.expected_coercion - p.autonomy * dependence_on_great_powers
}
