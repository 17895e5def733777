//! What a run leaves after each generation — the [`State`]: the population
//! (model, parameters, weight, distance of every particle) and the history of
//! every generation so far (ε, simulations, acceptance rate, ESS, model
//! probabilities). It serialises exactly (serde_json's `float_roundtrip`), and
//! [`Abc::resume`](super::Abc::resume) continues from it to the same bytes as
//! a run never interrupted.
//!
//! Posterior summaries, per model and parameter, over the particles of that
//! model with their weights normalised within it:
//! - mean Σ w̃ θ and sd √(Σ w̃ (θ − mean)²) — the moments of the weighted
//!   empirical distribution, without a small-sample correction;
//! - the p-quantile is the smallest particle value whose cumulative weight
//!   (particles sorted by value) reaches p — the inverse of the weighted
//!   empirical distribution function (with equal weights, Hyndman & Fan's
//!   type 1, not the interpolated type 7 of [`stats`](crate::stats)).
//!
//! Posterior model probabilities are the sums of the particles' weights per
//! model; a model with no particle left has probability 0.

use serde::{Deserialize, Serialize};

/// One particle of a population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Particle {
    /// The attempt that produced it (its streams are the attempt's).
    pub attempt: u64,
    pub model: usize,
    pub params: Vec<f64>,
    /// Normalised over the population (all models): the weights sum to 1.
    pub weight: f64,
    pub distance: f64,
}

/// What one generation did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerationSummary {
    /// 0 for the generation sampled from the prior.
    pub generation: u32,
    /// The acceptance threshold ε_t; `None` when every attempt was accepted.
    pub epsilon: Option<f64>,
    /// Simulations until the N-th acceptance (attempts after it, computed
    /// in the same parallel batch and discarded, are not counted).
    pub simulations: u64,
    /// N / simulations.
    pub acceptance_rate: f64,
    /// Effective sample size (Σw)² / Σw².
    pub ess: f64,
    pub model_probabilities: Vec<f64>,
}

/// The state of a run after a generation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Every generation so far, the last one being the population's.
    pub history: Vec<GenerationSummary>,
    /// The last generation's particles, in attempt order.
    pub particles: Vec<Particle>,
}

/// The posterior of one parameter of one model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParameterSummary {
    pub mean: f64,
    pub sd: f64,
    /// At the probabilities asked for, in their order.
    pub quantiles: Vec<f64>,
}

impl State {
    /// The last generation's index.
    pub fn generation(&self) -> u32 {
        self.last().generation
    }

    /// The last generation's summary.
    pub fn last(&self) -> &GenerationSummary {
        self.history.last().expect("a state has a generation")
    }

    /// Simulations over every generation.
    pub fn simulations(&self) -> u64 {
        self.history.iter().map(|g| g.simulations).sum()
    }

    /// Posterior model probabilities (of `models` models).
    pub fn model_probabilities(&self, models: usize) -> Vec<f64> {
        State::probabilities(&self.particles, models)
    }

    pub(crate) fn probabilities(particles: &[Particle], models: usize) -> Vec<f64> {
        let mut p = vec![0.0; models];
        for particle in particles {
            p[particle.model] += particle.weight;
        }
        let total: f64 = p.iter().sum();
        p.iter_mut().for_each(|x| *x /= total);
        p
    }

    /// Parameter `param` of model `model`: (value, weight) sorted by value,
    /// the weights normalised within the model. Empty for a dead model.
    pub fn marginal(&self, model: usize, param: usize) -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> = self
            .particles
            .iter()
            .filter(|p| p.model == model)
            .map(|p| (p.params[param], p.weight))
            .collect();
        let total: f64 = points.iter().map(|p| p.1).sum();
        points.iter_mut().for_each(|p| p.1 /= total);
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points
    }

    /// Mean, sd and the `probabilities`-quantiles of every parameter of
    /// `model`; `None` if the model has no particle.
    pub fn posterior(&self, model: usize, probabilities: &[f64]) -> Option<Vec<ParameterSummary>> {
        let first = self.particles.iter().find(|p| p.model == model)?;
        let summaries = (0..first.params.len())
            .map(|param| {
                let points = self.marginal(model, param);
                let mean: f64 = points.iter().map(|(x, w)| w * x).sum();
                let var: f64 = points.iter().map(|(x, w)| w * (x - mean).powi(2)).sum();
                ParameterSummary {
                    mean,
                    sd: var.sqrt(),
                    quantiles: probabilities
                        .iter()
                        .map(|&p| weighted_quantile(&points, p))
                        .collect(),
                }
            })
            .collect();
        Some(summaries)
    }
}

/// The p-quantile of (value, weight) points sorted by value with weights
/// summing to 1: the smallest value whose cumulative weight reaches p.
pub fn weighted_quantile(points: &[(f64, f64)], p: f64) -> f64 {
    let mut cumulative = 0.0;
    for &(x, w) in points {
        cumulative += w;
        if cumulative >= p {
            return x;
        }
    }
    // Rounding can leave the total a hair below p = 1.
    points.last().map_or(f64::NAN, |x| x.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn particle(model: usize, x: f64, weight: f64) -> Particle {
        Particle {
            attempt: 0,
            model,
            params: vec![x],
            weight,
            distance: 0.0,
        }
    }

    #[test]
    fn summaries_follow_their_stated_definitions() {
        let state = State {
            history: vec![],
            particles: vec![
                particle(0, 3.0, 0.2),
                particle(1, 9.0, 0.2),
                particle(0, 1.0, 0.1),
                particle(0, 2.0, 0.5),
            ],
        };
        assert_eq!(state.model_probabilities(3), vec![0.8, 0.2, 0.0]);
        let m = state.marginal(0, 0);
        assert_eq!(m, vec![(1.0, 0.125), (2.0, 0.625), (3.0, 0.25)]);
        let s = &state.posterior(0, &[0.1, 0.125, 0.5, 0.8, 1.0]).unwrap()[0];
        let mean = 0.125 + 2.0 * 0.625 + 3.0 * 0.25;
        assert!((s.mean - mean).abs() < 1e-15);
        let var = 0.125 * (1.0 - mean).powi(2)
            + 0.625 * (2.0 - mean).powi(2)
            + 0.25 * (3.0 - mean).powi(2);
        assert!((s.sd - var.sqrt()).abs() < 1e-15);
        assert_eq!(s.quantiles, vec![1.0, 1.0, 2.0, 3.0, 3.0]);
        assert!(state.posterior(2, &[0.5]).is_none());
    }
}
