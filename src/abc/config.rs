//! How a run samples and when it stops ([`Config`]), why it stopped
//! ([`Stop`]), and the checks that a configuration and set of models can run.

use super::prior::Prior;
use serde::{Deserialize, Serialize};

/// Generations are numbered below 2²⁰ (streams are laid out by it).
pub const MAX_GENERATIONS: u32 = 1 << 20;

/// How a run samples and when it stops. Everything here but `batch` can
/// change the results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// N, particles per generation.
    pub particles: usize,
    pub seed: u64,
    /// ε_t is this quantile of the previous generation's distances, in (0, 1].
    pub quantile: f64,
    /// ε of generation 0; `None` accepts its first N attempts.
    pub initial_epsilon: Option<f64>,
    /// Generations in all, generation 0 included.
    pub max_generations: u32,
    /// Stop once a generation has run at ε ≤ this (ε never goes below it).
    pub min_epsilon: f64,
    /// Abandon a generation once its acceptance rate must end below this;
    /// 0 disables it.
    pub min_acceptance: f64,
    /// Simulations over the whole run, never exceeded.
    pub max_simulations: Option<u64>,
    /// Prior probabilities of the models (normalised here); `None` is uniform.
    pub model_prior: Option<Vec<f64>>,
    /// Probability that a proposal keeps the model it was drawn from.
    pub model_stay: f64,
    /// Probability that a parameter over finitely many values keeps its value.
    pub value_stay: f64,
    /// Attempts per parallel batch; `None` sizes batches from the acceptance
    /// rate. Changes only the work wasted past the N-th acceptance.
    pub batch: Option<u64>,
}

impl Config {
    /// N particles under `seed`, with defaults: ε the median of the previous
    /// distances, 10 generations, min ε 0, min acceptance rate 0.001, no
    /// budget, uniform model prior, stay probabilities 0.7.
    pub fn new(particles: usize, seed: u64) -> Config {
        Config {
            particles,
            seed,
            quantile: 0.5,
            initial_epsilon: None,
            max_generations: 10,
            min_epsilon: 0.0,
            min_acceptance: 1e-3,
            max_simulations: None,
            model_prior: None,
            model_stay: 0.7,
            value_stay: 0.7,
            batch: None,
        }
    }
}

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    MaxGenerations,
    MinEpsilon,
    MinAcceptance,
    Budget,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stop::MaxGenerations => "the maximum number of generations was reached",
            Stop::MinEpsilon => "ε reached its minimum",
            Stop::MinAcceptance => "the acceptance rate fell below its minimum",
            Stop::Budget => "the simulation budget was spent",
        })
    }
}

/// A configuration or set of models the engine cannot run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The model prior, normalised, if `config` and `models` can run.
pub(crate) fn validate(
    models: &[Vec<Box<dyn Prior>>],
    config: &Config,
) -> Result<Vec<f64>, ConfigError> {
    let bad = |s: String| Err(ConfigError(s));
    let c = config;
    if models.is_empty() {
        return bad("ABC needs at least one model".into());
    }
    if c.particles == 0 {
        return bad("ABC needs at least one particle".into());
    }
    if !(c.quantile > 0.0 && c.quantile <= 1.0) {
        return bad(format!(
            "the ε quantile must be in (0, 1], got {}",
            c.quantile
        ));
    }
    if c.initial_epsilon
        .is_some_and(|e| !(e.is_finite() && e >= 0.0))
    {
        return bad("the initial ε must be finite and non-negative".into());
    }
    if c.max_generations == 0 || c.max_generations > MAX_GENERATIONS {
        return bad(format!(
            "generations must be between 1 and {MAX_GENERATIONS}, got {}",
            c.max_generations
        ));
    }
    if !(c.min_epsilon.is_finite() && c.min_epsilon >= 0.0) {
        return bad("the minimum ε must be finite and non-negative".into());
    }
    if !(0.0..=1.0).contains(&c.min_acceptance) {
        return bad("the minimum acceptance rate must be in [0, 1]".into());
    }
    if c.max_simulations.is_some_and(|b| b < c.particles as u64) {
        return bad("the simulation budget must cover at least one generation".into());
    }
    if !(0.0..=1.0).contains(&c.model_stay) || !(0.0..=1.0).contains(&c.value_stay) {
        return bad("stay probabilities must be in [0, 1]".into());
    }
    if c.batch == Some(0) {
        return bad("a batch needs at least one attempt".into());
    }
    let model_prior = match &c.model_prior {
        None => vec![1.0 / models.len() as f64; models.len()],
        Some(p) => {
            let total: f64 = p.iter().sum();
            if p.len() != models.len()
                || p.iter().any(|x| !(x.is_finite() && *x >= 0.0))
                || !(total > 0.0 && total.is_finite())
            {
                return bad(format!(
                    "the model prior needs {} non-negative finite numbers, not all 0",
                    models.len()
                ));
            }
            p.iter().map(|x| x / total).collect()
        }
    };
    for (m, priors) in models.iter().enumerate() {
        for (i, prior) in priors.iter().enumerate() {
            if let Some(values) = prior.values() {
                let distinct = values
                    .iter()
                    .enumerate()
                    .all(|(k, v)| v.is_finite() && !values[..k].contains(v));
                if values.is_empty() || !distinct {
                    return bad(format!(
                        "model {m}, parameter {i}: a choice needs distinct finite values"
                    ));
                }
            }
        }
    }
    Ok(model_prior)
}
