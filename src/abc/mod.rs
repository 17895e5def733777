//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), with
//! model choice — a generic engine that knows nothing of scenarios: models are
//! lists of parameter priors ([`Prior`]), and the simulator is a closure from
//! (model, parameters, random stream) to a distance from the observed data.
//!
//! # The algorithm
//!
//! ABC-SMC of Toni, Welch, Strelkowa, Ipsen & Stumpf (2009, "Approximate
//! Bayesian computation scheme for parameter inference and model selection in
//! dynamical systems", *J. R. Soc. Interface* 6:187) and Beaumont, Cornuet,
//! Marin & Robert (2009, "Adaptive approximate Bayesian computation",
//! *Biometrika* 96:983), with model choice as in Toni & Stumpf (2010,
//! "Simulation-based model selection for dynamical systems in systems and
//! population biology", *Bioinformatics* 26:104):
//!
//! - **Generation 0** draws (m, θ) from the priors until N particles are
//!   accepted — all of the first N if no initial ε is given; weights equal.
//! - **Generation t ≥ 1** sets ε_t to the `quantile` (type 7) of the distances
//!   of population t − 1 — or, when that is no smaller than ε_{t−1} (discrete
//!   distances, most particles exactly at ε_{t−1}), to the largest distance
//!   below ε_{t−1}, so that ε keeps falling towards an exact match — never
//!   below `min_epsilon`. Then it proposes: draw a model m* by its weight in
//!   t − 1; keep it with probability `model_stay`, else jump uniformly to one
//!   of the other models; draw a particle of that model by weight and perturb
//!   it — the continuous parameters by a normal kernel of twice the model's
//!   weighted covariance ([`kernel`]), a parameter over finitely many values
//!   by the same stay-or-jump kernel with `value_stay`. A proposal on a model without particles, or outside the
//!   prior's support, is redrawn from the model draw on. Each proposal is
//!   simulated once and accepted if its distance is ≤ ε_t; the accepted are
//!   weighted w ∝ π(m) π(θ | m) / [Σ_m' P_{t−1}(m') KM(m | m') ·
//!   Σ_j w̃_j K_m(θ | θ_j)], the inner sum over model m's particles with their
//!   weights normalised within it, all in logarithms.
//! - **Stopping**, checked before each generation: `max_generations`
//!   generations done; the last ε ≤ `min_epsilon`; the simulation budget
//!   spent. Within a generation, as soon as it is certain that it would need
//!   more simulations than the budget leaves, or more than N /
//!   `min_acceptance`, it is abandoned and the run ends with the previous
//!   generation ([`Stop`]); the budget is never exceeded.
//! - Per generation the engine reports ε, simulations, acceptance rate, ESS
//!   (Σw)²/Σw² and the model probabilities ([`GenerationSummary`]).
//!
//! **Model choice.** Posterior model probabilities are the weight sums per
//! model. A model can die out (no particle accepted in a generation): from
//! then on it has probability 0 and is never proposed again — a jump to it is
//! redrawn, which conditions the jump kernel on living models by a constant
//! that cancels. With many models and a strict ε this happens by chance to
//! models of small but non-zero probability; more particles or a larger
//! `model_stay` make it rarer. Priors must be normalised densities (see
//! [`prior`]): their constants do not cancel between models.
//!
//! **Distances** must be finite and non-negative: anything else is an error
//! ([`AbcError::Distance`]) naming the attempt, model and parameters, not a
//! rejection. Silently rejecting a NaN would bias the posterior away from
//! wherever the simulator fails, without anyone knowing; a simulator that
//! means "reject" returns a large finite distance.
//!
//! # Exact reproducibility
//!
//! Attempt i of generation t draws its proposal from one ChaCha8 stream and
//! hands the simulator another ([`attempt_stream`]; both derived from the
//! seed, t and i alone), so a particle can be re-simulated on its own from its
//! recorded attempt. Attempts run in parallel batches on rayon's pool, but
//! are accepted strictly in attempt order, and the generation is the first N
//! accepted: attempts past the N-th, computed in the same batch, are
//! discarded. No float is reduced in parallel (the weights are computed in
//! parallel, each sequentially, then normalised in order). So the population
//! is byte-identical at any thread count and batch size, and a run resumed
//! from a saved [`State`] equals the uninterrupted one.
//!
//! **Sharding.** A generation is a [`Plan`] (built from the previous
//! population), attempts evaluated by index ([`Abc::evaluate`],
//! [`Abc::evaluate_at`]) — anywhere, in any grouping — then gathered in order
//! by a [`Collector`] and weighed by [`Abc::finish`]. [`Abc::step`] does
//! exactly that on this machine; [`Abc::shard_batch`] hands shard K of N the
//! attempts K, K + N, … and [`Abc::step_with`] takes the shards' attempts,
//! checked against the plan, and simulates only what they left out.

mod config;
mod error;
pub mod generation;
pub mod kernel;
pub mod population;
pub mod prior;

pub use config::{Config, ConfigError, MAX_GENERATIONS, Stop};
pub use error::AbcError;
pub use generation::{Attempt, Collector, MAX_ATTEMPTS, MAX_TRIES, Plan, Progress, attempt_stream};
pub use population::{GenerationSummary, ParameterSummary, Particle, State, weighted_quantile};
pub use prior::{Normal, Prior, Uniform, standard_normal};

use crate::montecarlo::run_rng;
use generation::{ModelKernel, Proposal, ln_sum_exp, quantile, summarise};
use kernel::Jump;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

/// What a step did: a new generation, or the reason there is none.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Next(State),
    Stopped(Stop),
}

/// A finished run: the last complete generation and why it stopped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub state: State,
    pub stop: Stop,
}

/// The engine: the models' priors and the configuration.
pub struct Abc {
    /// Per model, the priors of its parameters (possibly none).
    models: Vec<Vec<Box<dyn Prior>>>,
    /// Normalised.
    model_prior: Vec<f64>,
    config: Config,
}

impl Abc {
    /// An engine for `models` (each a list of parameter priors; one model for
    /// plain calibration) under `config`.
    pub fn new(models: Vec<Vec<Box<dyn Prior>>>, config: Config) -> Result<Abc, ConfigError> {
        let model_prior = config::validate(&models, &config)?;
        Ok(Abc {
            models,
            model_prior,
            config,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Number of models.
    pub fn models(&self) -> usize {
        self.models.len()
    }

    /// The simulator's stream of attempt `attempt` of generation
    /// `generation` — to re-simulate a recorded particle exactly.
    pub fn simulation_rng(&self, generation: u32, attempt: u64) -> ChaCha8Rng {
        run_rng(self.config.seed, attempt_stream(generation, attempt, true))
    }

    /// Run from generation 0 until a stopping rule holds.
    pub fn run<E, F>(&self, simulate: F) -> Result<Outcome, AbcError<E>>
    where
        E: Send,
        F: Fn(usize, &[f64], &mut ChaCha8Rng) -> Result<f64, E> + Sync,
    {
        match self.step(None, &simulate)? {
            Step::Next(first) => self.resume(first, simulate),
            Step::Stopped(stop) => Err(AbcError::FirstGeneration(stop)),
        }
    }

    /// Continue from a saved state until a stopping rule holds.
    pub fn resume<E, F>(&self, mut state: State, simulate: F) -> Result<Outcome, AbcError<E>>
    where
        E: Send,
        F: Fn(usize, &[f64], &mut ChaCha8Rng) -> Result<f64, E> + Sync,
    {
        loop {
            match self.step(Some(&state), &simulate)? {
                Step::Next(next) => state = next,
                Step::Stopped(stop) => return Ok(Outcome { state, stop }),
            }
        }
    }

    /// One generation after `state` (generation 0 after `None`), unless a
    /// stopping rule holds or the generation is abandoned.
    pub fn step<E, F>(&self, state: Option<&State>, simulate: F) -> Result<Step, AbcError<E>>
    where
        E: Send,
        F: Fn(usize, &[f64], &mut ChaCha8Rng) -> Result<f64, E> + Sync,
    {
        self.step_with(state, simulate, &BTreeMap::new(), &|_, _| {})
    }

    /// [`step`](Self::step), taking the attempts in `known` (evaluated
    /// elsewhere, by shards) instead of simulating them again. Each is checked
    /// against the proposal the plan makes at its index ([`check_attempt`]
    /// (Self::check_attempt)), so an attempt of another population is an
    /// error, never a silent change of the result; the attempts still needed
    /// are simulated here. `report` is told, after every batch, the particles
    /// accepted and the attempts made so far in the generation.
    pub fn step_with<E, F>(
        &self,
        state: Option<&State>,
        simulate: F,
        known: &BTreeMap<u64, Attempt>,
        report: &dyn Fn(usize, u64),
    ) -> Result<Step, AbcError<E>>
    where
        E: Send,
        F: Fn(usize, &[f64], &mut ChaCha8Rng) -> Result<f64, E> + Sync,
    {
        if let Some(stop) = self.stop(state) {
            return Ok(Step::Stopped(stop));
        }
        let plan = self.plan(state).map_err(AbcError::widen)?;
        let mut collector = plan.collector();
        loop {
            match collector.progress() {
                Progress::Incomplete => {}
                Progress::Complete => break,
                Progress::Stopped(stop) => return Ok(Step::Stopped(stop)),
            }
            let start = collector.next();
            let size = self.batch_size(&collector, state);
            // Simulate only the attempts of the batch no shard evaluated; the
            // others are checked against the plan and taken in their place.
            let fresh: Vec<u64> = (start..start + size)
                .filter(|i| !known.contains_key(i))
                .collect();
            let mut simulated = self.evaluate_at(&plan, &fresh, &simulate).into_iter();
            let batch = (start..start + size).map(|i| match known.get(&i) {
                Some(a) => self
                    .check_attempt(&plan, a)
                    .map(|()| a.clone())
                    .map_err(AbcError::widen),
                None => simulated
                    .next()
                    .expect("one simulated attempt per fresh index"),
            });
            collector.add(batch)?;
            report(collector.accepted(), collector.next());
        }
        let next = self
            .finish(&plan, state, collector)
            .map_err(AbcError::widen)?;
        Ok(Step::Next(next))
    }

    /// The attempts shard `shard` of `count` evaluates next in the generation
    /// of `plan`, having evaluated `done` (its attempts so far, in order):
    /// attempts K, K + N, K + 2N, … until it has accepted ⌈N_particles / N⌉
    /// or reached the generation's limit; `None` when it is done. Together
    /// the shards then cover nearly every attempt the generation needs, and
    /// [`step_with`](Self::step_with) simulates the few still missing; the
    /// batches change only the work, never the result.
    pub fn shard_batch(
        &self,
        plan: &Plan,
        state: Option<&State>,
        shard: u64,
        count: u64,
        done: &[Attempt],
    ) -> Option<Vec<u64>> {
        let target = plan.shard_target(count);
        let accepted = plan.accepted(done);
        let next = done.last().map_or(shard, |a| a.index + count);
        if accepted >= target || next >= plan.limit.0 {
            return None;
        }
        let size = self.batch_for(target - accepted, accepted, done.len() as u64, state);
        let last = plan
            .limit
            .0
            .min(next.saturating_add(size.saturating_mul(count)));
        Some((next..last).step_by(count as usize).collect())
    }

    /// Check that `attempt` is the one the plan proposes at its index, with a
    /// valid distance: an attempt evaluated elsewhere (a shard) is trusted for
    /// its distance only once its proposal is shown to be this plan's.
    pub fn check_attempt(&self, plan: &Plan, attempt: &Attempt) -> Result<(), AbcError> {
        let (model, params) = self.propose(plan, attempt.index)?;
        let same = model == attempt.model
            && params.len() == attempt.params.len()
            && params
                .iter()
                .zip(&attempt.params)
                .all(|(a, b)| a.to_bits() == b.to_bits());
        if !same {
            return Err(AbcError::State(format!(
                "attempt {} of generation {} was not proposed from this population (it holds model {} at {:?}, the plan proposes model {model} at {params:?})",
                attempt.index, plan.generation, attempt.model, attempt.params
            )));
        }
        if !(attempt.distance.is_finite() && attempt.distance >= 0.0) {
            return Err(AbcError::State(format!(
                "attempt {} of generation {} has the distance {}",
                attempt.index, plan.generation, attempt.distance
            )));
        }
        Ok(())
    }

    /// The stopping rule that holds before the generation after `state`.
    pub fn stop(&self, state: Option<&State>) -> Option<Stop> {
        let state = state?;
        let c = &self.config;
        if state.history.len() >= c.max_generations as usize {
            Some(Stop::MaxGenerations)
        } else if state.last().epsilon.is_some_and(|e| e <= c.min_epsilon) {
            Some(Stop::MinEpsilon)
        } else if c.max_simulations.is_some_and(|b| state.simulations() >= b) {
            Some(Stop::Budget)
        } else {
            None
        }
    }

    /// The plan of the generation after `state` (generation 0 after `None`).
    /// It does not check the stopping rules ([`stop`](Self::stop)), so a
    /// finished run can be extended.
    pub fn plan(&self, state: Option<&State>) -> Result<Plan, AbcError> {
        let c = &self.config;
        let (generation, done) = match state {
            None => (0, 0),
            Some(s) => {
                self.check(s)?;
                (s.history.len() as u32, s.simulations())
            }
        };
        // The attempt count at which the generation is abandoned.
        let mut limit = (MAX_ATTEMPTS, Stop::Budget);
        if let Some(budget) = c.max_simulations {
            limit.0 = limit.0.min(budget.saturating_sub(done));
        }
        if c.min_acceptance > 0.0 {
            // Completing within floor(N / rate) simulations keeps the rate.
            let most = (c.particles as f64 / c.min_acceptance).floor() as u64;
            if most < limit.0 {
                limit = (most, Stop::MinAcceptance);
            }
        }
        let Some(state) = state else {
            return Ok(Plan {
                generation,
                epsilon: c.initial_epsilon,
                particles: c.particles,
                limit,
                proposal: None,
            });
        };
        let distances: Vec<f64> = state.particles.iter().map(|p| p.distance).collect();
        let mut epsilon = quantile(distances.clone(), c.quantile);
        if let Some(previous) = state.last().epsilon {
            // Discrete distances can stall the quantile (most particles at
            // distance exactly ε): step down to the largest distance below.
            let below = distances.iter().copied().filter(|&d| d < previous);
            if let (true, Some(lower)) = (epsilon >= previous, below.max_by(f64::total_cmp)) {
                epsilon = lower;
            }
        }
        let epsilon = epsilon.max(c.min_epsilon);
        let model_weights = State::probabilities(&state.particles, self.models.len());
        let mut model_cumulative = Vec::with_capacity(model_weights.len());
        let mut sum = 0.0;
        for w in &model_weights {
            sum += w;
            model_cumulative.push(sum);
        }
        let kernels = (0..self.models.len())
            .map(|m| {
                let own: Vec<&Particle> = state.particles.iter().filter(|p| p.model == m).collect();
                ModelKernel::new(self, m, &own)
            })
            .collect();
        Ok(Plan {
            generation,
            epsilon: Some(epsilon),
            particles: c.particles,
            limit,
            proposal: Some(Proposal {
                jump: Jump {
                    n: self.models.len(),
                    stay: c.model_stay,
                },
                model_weights,
                model_cumulative,
                kernels,
            }),
        })
    }

    /// Evaluate attempts `attempts` of `plan` in parallel, in attempt order.
    /// Every attempt is evaluated; a failure is returned in its place.
    pub fn evaluate<E, F>(
        &self,
        plan: &Plan,
        attempts: Range<u64>,
        simulate: &F,
    ) -> Vec<Result<Attempt, AbcError<E>>>
    where
        E: Send,
        F: Fn(usize, &[f64], &mut ChaCha8Rng) -> Result<f64, E> + Sync + ?Sized,
    {
        attempts
            .into_par_iter()
            .map(|i| self.attempt(plan, i, simulate))
            .collect()
    }

    /// [`evaluate`](Self::evaluate) at the attempts `indices` (a shard's).
    pub fn evaluate_at<E, F>(
        &self,
        plan: &Plan,
        indices: &[u64],
        simulate: &F,
    ) -> Vec<Result<Attempt, AbcError<E>>>
    where
        E: Send,
        F: Fn(usize, &[f64], &mut ChaCha8Rng) -> Result<f64, E> + Sync + ?Sized,
    {
        indices
            .par_iter()
            .map(|&i| self.attempt(plan, i, simulate))
            .collect()
    }

    /// The proposal (model, parameters) of attempt `index` of `plan`.
    pub fn propose(&self, plan: &Plan, index: u64) -> Result<(usize, Vec<f64>), AbcError> {
        let generation = plan.generation;
        if index >= MAX_ATTEMPTS {
            return Err(AbcError::State(format!(
                "attempt {index} is past the last, {}",
                MAX_ATTEMPTS - 1
            )));
        }
        let mut rng = run_rng(self.config.seed, attempt_stream(generation, index, false));
        match &plan.proposal {
            None => {
                let model = self.draw_model(rng.random());
                let params = self.models[model]
                    .iter()
                    .map(|p| p.sample(&mut rng))
                    .collect();
                Ok((model, params))
            }
            Some(proposal) => (0..MAX_TRIES)
                .find_map(|_| proposal.propose(self, &mut rng))
                .ok_or(AbcError::Support {
                    generation,
                    attempt: index,
                }),
        }
    }

    /// Attempt `index` of `plan`: propose, simulate, measure.
    fn attempt<E, F>(&self, plan: &Plan, index: u64, simulate: &F) -> Result<Attempt, AbcError<E>>
    where
        F: Fn(usize, &[f64], &mut ChaCha8Rng) -> Result<f64, E> + ?Sized,
    {
        let generation = plan.generation;
        let (model, params) = self.propose(plan, index).map_err(AbcError::widen)?;
        let mut sim_rng = self.simulation_rng(generation, index);
        let distance = match simulate(model, &params, &mut sim_rng) {
            Ok(d) => d,
            Err(source) => {
                return Err(AbcError::Simulator {
                    generation,
                    attempt: index,
                    model,
                    params,
                    source,
                });
            }
        };
        if !(distance.is_finite() && distance >= 0.0) {
            return Err(AbcError::Distance {
                generation,
                attempt: index,
                model,
                params,
                distance,
            });
        }
        Ok(Attempt {
            index,
            model,
            params,
            distance,
        })
    }

    /// A model drawn from the model prior by the uniform `u`.
    fn draw_model(&self, u: f64) -> usize {
        let mut cumulative = 0.0;
        let mut last = 0;
        for (m, p) in self.model_prior.iter().enumerate() {
            if *p > 0.0 {
                cumulative += p;
                last = m;
                if u < cumulative {
                    return m;
                }
            }
        }
        last
    }

    /// Weigh the particles of a complete collector: the generation after
    /// `state` (the state `plan` was built from).
    pub fn finish(
        &self,
        plan: &Plan,
        state: Option<&State>,
        collector: Collector,
    ) -> Result<State, AbcError> {
        if collector.progress() != Progress::Complete {
            return Err(AbcError::State(format!(
                "generation {} has {} of {} particles",
                plan.generation,
                collector.accepted(),
                plan.particles
            )));
        }
        if state.map_or(0, |s| s.history.len()) != plan.generation as usize {
            return Err(AbcError::State(
                "the plan was not built from this state".into(),
            ));
        }
        let (accepted, simulations) = collector.into_accepted();
        for a in &accepted {
            self.check_point(a.model, &a.params)
                .map_err(|e| AbcError::State(format!("attempt {}: {e}", a.index)))?;
        }
        let ln_weights: Vec<f64> = match &plan.proposal {
            None => vec![0.0; accepted.len()],
            Some(p) => accepted
                .par_iter()
                .map(|a| p.ln_weight(self, a.model, &a.params))
                .collect(),
        };
        if let Some(a) = accepted
            .iter()
            .zip(&ln_weights)
            .find_map(|(a, w)| (!w.is_finite()).then_some(a))
        {
            return Err(AbcError::Weight {
                generation: plan.generation,
                model: a.model,
                params: a.params.clone(),
            });
        }
        // Normalise in order: w = exp(ln w − ln Σ exp ln w).
        let total = ln_sum_exp(&ln_weights);
        let particles: Vec<Particle> = accepted
            .into_iter()
            .zip(ln_weights)
            .map(|(a, w)| Particle {
                attempt: a.index,
                model: a.model,
                params: a.params,
                weight: (w - total).exp(),
                distance: a.distance,
            })
            .collect();
        let summary = summarise(
            plan.generation,
            plan.epsilon,
            simulations,
            self.models.len(),
            &particles,
        );
        let mut history = state.map_or_else(Vec::new, |s| s.history.clone());
        history.push(summary);
        Ok(State { history, particles })
    }

    /// Attempts for the next batch: enough for the particles still needed at
    /// the acceptance rate seen so far (at least a few per thread), never
    /// past the limit. The size changes only wasted work, never the result.
    fn batch_size(&self, c: &Collector, state: Option<&State>) -> u64 {
        let remaining = c.remaining().max(1);
        if let Some(b) = self.config.batch {
            return b.min(remaining);
        }
        let need = self.config.particles - c.accepted();
        self.batch_for(need, c.accepted(), c.next(), state)
            .min(remaining)
    }

    /// Attempts enough for `need` more acceptances at the rate seen so far
    /// (`accepted` of `tried`; before any, the previous generation's rate
    /// times the quantile), at least a few per thread and at most 2¹⁶.
    fn batch_for(&self, need: usize, accepted: usize, tried: u64, state: Option<&State>) -> u64 {
        let rate = if tried > 0 {
            // Half a success when none yet: the batch doubles.
            (accepted as f64).max(0.5) / tried as f64
        } else {
            state.map_or(1.0, |s| s.last().acceptance_rate * self.config.quantile)
        };
        let floor = 4 * rayon::current_num_threads() as u64;
        ((need as f64 / rate).ceil() as u64).clamp(floor, 1 << 16)
    }

    /// A state fits these models: particles on declared models, with the
    /// right number of parameters inside the priors' support, finite
    /// weights (not all 0) and non-negative finite distances.
    fn check(&self, state: &State) -> Result<(), AbcError> {
        let bad = |s: String| Err(AbcError::State(s));
        if state.history.is_empty() || state.particles.is_empty() {
            return bad("it has no generation".into());
        }
        if state.history.len() >= MAX_GENERATIONS as usize {
            return bad(format!("it has {} generations", state.history.len()));
        }
        for (k, p) in state.particles.iter().enumerate() {
            self.check_point(p.model, &p.params)
                .map_err(|e| AbcError::State(format!("particle {k}: {e}")))?;
            // A weight can underflow to 0 beside much larger ones.
            if !(p.weight.is_finite() && p.weight >= 0.0) {
                return bad(format!("particle {k} has weight {}", p.weight));
            }
            if !(p.distance.is_finite() && p.distance >= 0.0) {
                return bad(format!("particle {k} has distance {}", p.distance));
            }
        }
        if state.particles.iter().map(|p| p.weight).sum::<f64>() <= 0.0 {
            return bad("its weights are all 0".into());
        }
        Ok(())
    }

    fn check_point(&self, model: usize, params: &[f64]) -> Result<(), String> {
        let priors = self
            .models
            .get(model)
            .ok_or_else(|| format!("model {model} is not one of the {}", self.models.len()))?;
        if params.len() != priors.len() {
            return Err(format!(
                "model {model} has {} parameters, not {}",
                priors.len(),
                params.len()
            ));
        }
        for (i, (prior, &x)) in priors.iter().zip(params).enumerate() {
            let listed = prior.values().is_none_or(|v| v.contains(&x));
            if !(x.is_finite() && prior.contains(x) && listed) {
                return Err(format!(
                    "parameter {i} of model {model}, {x}, is outside its prior's support"
                ));
            }
        }
        Ok(())
    }
}
