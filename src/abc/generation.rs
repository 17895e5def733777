//! One generation's work in three steps, so that it can be split across
//! threads or machines without changing a bit of the result:
//!
//! 1. [`Plan`] — everything generation t needs, built from population t − 1
//!    alone: ε_t, the model weights, each model's kernel, the simulation
//!    limit. Building it twice from the same population gives the same plan.
//! 2. [`Attempt`]s — attempt i of the plan depends only on (seed, t, i): it
//!    draws its proposal from one stream and gives the simulator another, so
//!    attempts can be evaluated in any order, any grouping, anywhere.
//! 3. [`Collector`] — takes evaluated attempts in attempt order and keeps the
//!    first N accepted ones; later attempts are ignored. Then
//!    [`Abc::finish`](super::Abc::finish) weighs the accepted particles.

use super::kernel::{Gaussian, Jump};
use super::population::{GenerationSummary, Particle, State};
use super::{Abc, AbcError, Stop};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Attempts per generation are numbered below 2⁴⁰ (streams are laid out by it).
pub const MAX_ATTEMPTS: u64 = 1 << 40;

/// Proposal draws tried per attempt before it gives up (a proposal outside
/// the prior's support, or on a model that died out, is redrawn).
pub const MAX_TRIES: u32 = 10_000;

/// The stream of attempt `attempt` of generation `generation`: the top bit
/// set (runs use streams 0, 1, 2, … and designs `u64::MAX`), the generation in
/// bits 41–62, the attempt in bits 1–40, and bit 0 choosing the proposal's
/// stream (0) or the simulation's (1).
pub fn attempt_stream(generation: u32, attempt: u64, simulation: bool) -> u64 {
    debug_assert!(u64::from(generation) < super::MAX_GENERATIONS as u64);
    debug_assert!(attempt < MAX_ATTEMPTS);
    (1 << 63) | (u64::from(generation) << 41) | (attempt << 1) | u64::from(simulation)
}

/// One evaluated attempt: the proposal and the distance its simulation gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// Its index within the generation.
    pub index: u64,
    pub model: usize,
    pub params: Vec<f64>,
    pub distance: f64,
}

/// What generation t needs, built from population t − 1 by [`Abc::plan`].
#[derive(Clone, Debug)]
pub struct Plan {
    pub(crate) generation: u32,
    pub(crate) epsilon: Option<f64>,
    pub(crate) particles: usize,
    /// The attempt count at which the generation is abandoned, and why.
    pub(crate) limit: (u64, Stop),
    /// `None` for generation 0, which samples the prior.
    pub(crate) proposal: Option<Proposal>,
}

impl Plan {
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The acceptance threshold; `None` accepts every attempt.
    pub fn epsilon(&self) -> Option<f64> {
        self.epsilon
    }

    /// Whether an attempt at `distance` is accepted.
    pub fn accepts(&self, distance: f64) -> bool {
        self.epsilon.is_none_or(|e| distance <= e)
    }

    /// How many of `attempts` are accepted.
    pub fn accepted(&self, attempts: &[Attempt]) -> usize {
        attempts.iter().filter(|a| self.accepts(a.distance)).count()
    }

    /// The acceptances one of `count` shards aims for: ⌈particles / count⌉.
    pub fn shard_target(&self, count: u64) -> usize {
        self.particles
            .div_ceil(usize::try_from(count).unwrap_or(usize::MAX))
    }

    /// Simulations after which the generation is abandoned unfinished.
    pub fn max_simulations(&self) -> u64 {
        self.limit.0
    }

    /// Whether model `model`'s kernel fell back to the diagonal (see
    /// [`kernel`](super::kernel)); `None` in generation 0 or for a dead model.
    pub fn diagonal_kernel(&self, model: usize) -> Option<bool> {
        let p = self.proposal.as_ref()?;
        p.kernels
            .get(model)?
            .as_ref()
            .map(|k| k.gaussian.is_diagonal())
    }

    /// An empty collector for this plan's attempts.
    pub fn collector(&self) -> Collector {
        Collector {
            needed: self.particles,
            epsilon: self.epsilon,
            limit: self.limit,
            next: 0,
            accepted: Vec::with_capacity(self.particles),
            progress: if self.limit.0 == 0 {
                Progress::Stopped(self.limit.1)
            } else {
                Progress::Incomplete
            },
        }
    }
}

/// The proposal of generation t ≥ 1: pick a model by its weight in t − 1,
/// jump, pick one of its particles by weight, perturb.
#[derive(Clone, Debug)]
pub(crate) struct Proposal {
    pub(crate) jump: Jump,
    /// P_{t−1}(m), normalised.
    pub(crate) model_weights: Vec<f64>,
    pub(crate) model_cumulative: Vec<f64>,
    /// `None` for a model with no particle left.
    pub(crate) kernels: Vec<Option<ModelKernel>>,
}

/// One model's particles in t − 1 and its perturbation kernel.
#[derive(Clone, Debug)]
pub(crate) struct ModelKernel {
    params: Vec<Vec<f64>>,
    /// Weights normalised within the model: ln, and cumulative for drawing.
    ln_weights: Vec<f64>,
    cumulative: Vec<f64>,
    /// Indices of the continuous parameters, and their values per particle.
    continuous: Vec<usize>,
    points: Vec<Vec<f64>>,
    gaussian: Gaussian,
    /// Parameters over finitely many values: (index, values, kernel), and the
    /// index of each particle's value per such parameter.
    choices: Vec<(usize, Vec<f64>, Jump)>,
    choice_at: Vec<Vec<usize>>,
}

impl ModelKernel {
    /// `None` when the model has no particle of positive weight.
    pub(crate) fn new(abc: &Abc, model: usize, particles: &[&Particle]) -> Option<ModelKernel> {
        let total: f64 = particles.iter().map(|p| p.weight).sum();
        if total <= 0.0 {
            return None;
        }
        let weights: Vec<f64> = particles.iter().map(|p| p.weight / total).collect();
        let priors = &abc.models[model];
        let continuous: Vec<usize> = (0..priors.len())
            .filter(|&i| priors[i].values().is_none())
            .collect();
        let choices: Vec<(usize, Vec<f64>, Jump)> = (0..priors.len())
            .filter_map(|i| {
                let values = priors[i].values()?.to_vec();
                let jump = Jump {
                    n: values.len(),
                    stay: abc.config.value_stay,
                };
                Some((i, values, jump))
            })
            .collect();
        let points: Vec<Vec<f64>> = particles
            .iter()
            .map(|p| continuous.iter().map(|&i| p.params[i]).collect())
            .collect();
        // `Abc::check` has made sure every value is one of its prior's.
        let choice_at = particles
            .iter()
            .map(|p| {
                choices
                    .iter()
                    .map(|(i, values, _)| index_of(values, p.params[*i]))
                    .collect()
            })
            .collect();
        let mut cumulative = Vec::with_capacity(weights.len());
        let mut sum = 0.0;
        for w in &weights {
            sum += w;
            cumulative.push(sum);
        }
        Some(ModelKernel {
            params: particles.iter().map(|p| p.params.clone()).collect(),
            ln_weights: weights.iter().map(|w| w.ln()).collect(),
            cumulative,
            gaussian: Gaussian::fit(&points, &weights),
            continuous,
            points,
            choices,
            choice_at,
        })
    }

    /// ln Σ_j w̃_j K(θ | θ_j) over this model's particles.
    fn ln_kernel_sum(&self, params: &[f64]) -> f64 {
        let x: Vec<f64> = self.continuous.iter().map(|&i| params[i]).collect();
        let at: Vec<usize> = self
            .choices
            .iter()
            .map(|(i, values, _)| index_of(values, params[*i]))
            .collect();
        let mut diff = vec![0.0; x.len()];
        let terms: Vec<f64> = (0..self.params.len())
            .map(|j| {
                for ((d, xi), pj) in diff.iter_mut().zip(&x).zip(&self.points[j]) {
                    *d = xi - pj;
                }
                let jumps: f64 = self
                    .choices
                    .iter()
                    .zip(at.iter().zip(&self.choice_at[j]))
                    .map(|((_, _, jump), (&to, &from))| jump.probability(to, from).ln())
                    .sum();
                self.ln_weights[j] + self.gaussian.ln_density(&diff) + jumps
            })
            .collect();
        ln_sum_exp(&terms)
    }
}

impl Proposal {
    /// One try at a proposal: `None` if it lands on a dead model or outside
    /// the prior's support. The caller then starts again from the model draw,
    /// never just redraws θ: only a whole redraw truncates the joint proposal
    /// q(m, θ) by one constant, which cancels in the weights; redrawing θ
    /// alone would truncate each model by its own constant and bias the
    /// model probabilities towards models whose kernels leak less.
    pub(crate) fn propose(&self, abc: &Abc, rng: &mut ChaCha8Rng) -> Option<(usize, Vec<f64>)> {
        let from = pick(&self.model_cumulative, rng.random());
        let model = self.jump.draw(from, rng);
        let kernel = self.kernels[model].as_ref()?;
        let j = pick(&kernel.cumulative, rng.random());
        let mut params = kernel.params[j].clone();
        let mut moved = vec![0.0; kernel.continuous.len()];
        kernel.gaussian.perturb(&kernel.points[j], rng, &mut moved);
        for (&i, x) in kernel.continuous.iter().zip(moved) {
            params[i] = x;
        }
        for ((i, values, jump), &from) in kernel.choices.iter().zip(&kernel.choice_at[j]) {
            params[*i] = values[jump.draw(from, rng)];
        }
        let priors = &abc.models[model];
        priors
            .iter()
            .zip(&params)
            .all(|(prior, &x)| prior.contains(x))
            .then_some((model, params))
    }

    /// ln of the unnormalised importance weight of an accepted (m, θ):
    /// π(m) π(θ | m) / [Σ_m' P(m') KM(m | m') · Σ_j w̃_j K_m(θ | θ_j)]
    /// (Toni & Stumpf 2010; with one model, Beaumont et al. 2009).
    pub(crate) fn ln_weight(&self, abc: &Abc, model: usize, params: &[f64]) -> f64 {
        let ln_prior: f64 = abc.models[model]
            .iter()
            .zip(params)
            .map(|(prior, &x)| prior.ln_density(x))
            .sum::<f64>()
            + abc.model_prior[model].ln();
        let model_move: f64 = self
            .model_weights
            .iter()
            .enumerate()
            .map(|(from, p)| p * self.jump.probability(model, from))
            .sum();
        // Proposals only land on models with particles (`Abc::finish` checks
        // attempts from elsewhere); NaN would be reported, not weighed.
        let Some(kernel) = self.kernels[model].as_ref() else {
            return f64::NAN;
        };
        ln_prior - model_move.ln() - kernel.ln_kernel_sum(params)
    }
}

/// The index of the first cumulative weight above u × total: a draw by weight
/// (zero weights are never drawn).
fn pick(cumulative: &[f64], u: f64) -> usize {
    let total = *cumulative.last().expect("at least one weight");
    let i = cumulative.partition_point(|&c| c <= u * total);
    // u × total can round up to total; take the last entry of positive weight.
    i.min(cumulative.partition_point(|&c| c < total))
}

fn index_of(values: &[f64], x: f64) -> usize {
    values.iter().position(|&v| v == x).unwrap_or(0)
}

/// ln Σ exp(tᵢ), without overflow; −∞ for no terms or all −∞.
pub(crate) fn ln_sum_exp(terms: &[f64]) -> f64 {
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + terms.iter().map(|t| (t - max).exp()).sum::<f64>().ln()
}

/// Where a generation stands after the attempts given so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Needs attempts from [`Collector::next`] on.
    Incomplete,
    /// N particles accepted; later attempts are not needed.
    Complete,
    /// The limit was reached before N acceptances: the generation is
    /// abandoned and the run ends with the previous one.
    Stopped(Stop),
}

/// The accepted attempts of a generation, gathered in attempt order.
#[derive(Clone, Debug)]
pub struct Collector {
    needed: usize,
    epsilon: Option<f64>,
    limit: (u64, Stop),
    next: u64,
    accepted: Vec<Attempt>,
    progress: Progress,
}

impl Collector {
    /// The index of the next attempt wanted.
    pub fn next(&self) -> u64 {
        self.next
    }

    pub fn accepted(&self) -> usize {
        self.accepted.len()
    }

    /// Attempts that may still be simulated before the limit.
    pub fn remaining(&self) -> u64 {
        self.limit.0.saturating_sub(self.next)
    }

    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Take evaluated attempts, which must continue from [`next`](Self::next)
    /// in order. Once the generation is complete or stopped, the rest are
    /// ignored — so a failure past the attempt that completed it does not
    /// matter, and the result does not depend on how attempts were batched.
    pub fn add<E>(
        &mut self,
        results: impl IntoIterator<Item = Result<Attempt, AbcError<E>>>,
    ) -> Result<Progress, AbcError<E>> {
        for result in results {
            if self.progress != Progress::Incomplete {
                break;
            }
            let attempt = result?;
            if attempt.index != self.next {
                return Err(AbcError::Order {
                    expected: self.next,
                    got: attempt.index,
                });
            }
            self.next += 1;
            if self.epsilon.is_none_or(|e| attempt.distance <= e) {
                self.accepted.push(attempt);
            }
            if self.accepted.len() == self.needed {
                self.progress = Progress::Complete;
            } else if self.next >= self.limit.0 {
                self.progress = Progress::Stopped(self.limit.1);
            }
        }
        Ok(self.progress)
    }

    pub(crate) fn into_accepted(self) -> (Vec<Attempt>, u64) {
        (self.accepted, self.next)
    }
}

/// Hyndman & Fan type-7 quantile (linear between order statistics).
pub(crate) fn quantile(mut xs: Vec<f64>, p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let h = (xs.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

/// The summary of a completed generation.
pub(crate) fn summarise(
    generation: u32,
    epsilon: Option<f64>,
    simulations: u64,
    models: usize,
    particles: &[Particle],
) -> GenerationSummary {
    let sq: f64 = particles.iter().map(|p| p.weight * p.weight).sum();
    GenerationSummary {
        generation,
        epsilon,
        simulations,
        acceptance_rate: particles.len() as f64 / simulations as f64,
        ess: 1.0 / sq,
        model_probabilities: State::probabilities(particles, models),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_by_weight_never_pick_a_zero_weight() {
        let cumulative = [0.0, 0.25, 0.25, 1.0, 1.0];
        assert_eq!(pick(&cumulative, 0.0), 1);
        assert_eq!(pick(&cumulative, 0.2), 1);
        assert_eq!(pick(&cumulative, 0.25), 3);
        assert_eq!(pick(&cumulative, 0.999_999), 3);
        assert_eq!(pick(&cumulative, 1.0), 3);
    }

    #[test]
    fn type7_quantiles_and_log_sums() {
        assert_eq!(quantile(vec![5.0, 1.0, 3.0, 2.0, 4.0], 0.5), 3.0);
        assert!((quantile(vec![1.0, 2.0, 3.0, 4.0, 5.0], 0.05) - 1.2).abs() < 1e-12);
        assert_eq!(quantile(vec![0.0, 0.0, 1.0], 0.5), 0.0);
        let terms = [-1000.0, -1000.0 + 2f64.ln()];
        assert!((ln_sum_exp(&terms) - (-1000.0 + 3f64.ln())).abs() < 1e-12);
        assert_eq!(ln_sum_exp(&[f64::NEG_INFINITY]), f64::NEG_INFINITY);
    }

    #[test]
    fn streams_are_distinct_and_clear_of_runs_and_designs() {
        let a = attempt_stream(0, 0, false);
        assert!(a >= 1 << 63);
        assert_ne!(a, attempt_stream(0, 0, true));
        assert_ne!(a, attempt_stream(1, 0, false));
        assert_ne!(attempt_stream(0, 1, false), attempt_stream(0, 0, true));
        let top = attempt_stream(crate::abc::MAX_GENERATIONS - 1, MAX_ATTEMPTS - 1, true);
        assert!(top < crate::design::DESIGN_STREAM);
    }

    #[test]
    fn the_collector_keeps_the_first_n_accepted_in_order_and_ignores_the_rest() {
        let plan = Plan {
            generation: 1,
            epsilon: Some(1.0),
            particles: 2,
            limit: (10, Stop::MinAcceptance),
            proposal: None,
        };
        let at = |index, distance| -> Result<Attempt, AbcError> {
            Ok(Attempt {
                index,
                model: 0,
                params: vec![],
                distance,
            })
        };
        let mut c = plan.collector();
        assert_eq!(
            c.add([at(0, 2.0), at(1, 0.5)]).unwrap(),
            Progress::Incomplete
        );
        assert_eq!(c.next(), 2);
        // A failure after the N-th acceptance is not needed, so not an error.
        let late = Err(AbcError::Order {
            expected: 0,
            got: 0,
        });
        assert_eq!(
            c.add([at(2, 3.0), at(3, 1.0), late]).unwrap(),
            Progress::Complete
        );
        let (accepted, simulations) = c.into_accepted();
        assert_eq!(simulations, 4);
        assert_eq!(accepted.iter().map(|a| a.index).collect::<Vec<_>>(), [1, 3]);
        // Out of order is refused; the limit stops a generation.
        let mut c = plan.collector();
        assert!(c.add([at(1, 0.0)]).is_err());
        let mut c = plan.collector();
        let far: Vec<_> = (0..12).map(|i| at(i, 9.0)).collect();
        assert_eq!(c.add(far).unwrap(), Progress::Stopped(Stop::MinAcceptance));
        assert_eq!(c.next(), 10);
    }
}
