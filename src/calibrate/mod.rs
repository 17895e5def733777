//! Calibration and model choice of a scenario by ABC-SMC (docs/model.md §8,
//! "Calibration and model choice"): the scenario's `[priors]` are the
//! parameters, its `[[target]]` entries the data, and its doctrine profiles
//! the models. The engine is [`crate::abc`] (Toni, Welch, Strelkowa, Ipsen &
//! Stumpf 2009; Beaumont, Cornuet, Marin & Robert 2009; model choice as in
//! Toni & Stumpf 2010); this module supplies the simulator and keeps a run on
//! disk generation by generation.
//!
//! **One particle** is a profile and a draw of every prior. Its world is the
//! scenario with that draw written in as `--set` writes a value
//! ([`Loaded::with_draw`]); it is simulated `runs` times, run j drawing from
//! stream j of a seed taken from the attempt's simulation stream, and each
//! target's statistic is taken over those runs. Its distance is
//! √Σ ((statistic − observed) / scale)² over the targets used in fitting. A
//! statistic no run defines (a mean of a metric that is undefined in every
//! run, without an `undefined` value) is [`MISSING`] scales from any
//! observation — rejected under any useful ε — and matches an observation
//! that is itself undefined (in a model-recovery study).
//!
//! **On disk** ([`fit`]): the identity of the run (everything that changes
//! its populations) in `.abc/identity.json`, and every generation's state in
//! `.abc/generation-NNNN.json`, written atomically as soon as the generation
//! is complete. A run stopped anywhere — killed, or cancelled between
//! generations — continues with `--resume` from its last complete generation,
//! to the same bytes as a run never stopped (the engine's streams depend only
//! on the seed, the generation and the attempt). The stopping rules are not
//! part of the identity, so a finished run can be resumed with more
//! generations, a smaller ε or a larger budget.
//!
//! **Posterior predictive** ([`predict`]): each particle of the last
//! generation is simulated `runs` more times on a stream of its own (the
//! generation slot 2²⁰ of the engine's stream layout, which no generation
//! uses), and every target's statistic and every fact's share of matching
//! runs is averaged over the particles with their weights.

pub mod choose;
pub mod shard;
mod write;

pub use write::{
    FILES, Predicted, QUANTILES, posterior, predictive_rows, write_outputs, write_predictive,
};

use crate::abc::{self, Abc, AbcError, Config, Outcome, State, Step};
use crate::job::{self, Progress};
use crate::montecarlo::run_rng;
use crate::outcome::{Catalogue, RunOutcome};
use crate::output::lock::DirLock;
use crate::output::{self, OutputError};
use crate::retrodiction::Scorer;
use crate::scenario::Loaded;
use crate::simulation::{self, RunOptions};
use crate::world::{Profile, Statistic, World};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The distance, in scales, of a statistic no run defines from an observed
/// value.
pub const MISSING: f64 = 1e6;

/// Where a particle's posterior-predictive runs draw from: generation slot
/// 2²⁰ of the engine's stream layout, never used by a generation.
pub fn predictive_stream(particle: u64) -> u64 {
    (1 << 63) | (u64::from(abc::MAX_GENERATIONS) << 41) | (particle << 1) | 1
}

/// Why a calibration failed; mapped to exit statuses by the commands.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    /// Bad input (targets, flags, a directory holding another run): exit 2.
    #[error("{0}")]
    Input(String),
    /// A failure while running: exit 1.
    #[error("{0}")]
    Runtime(String),
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Cancelled between generations: exit 130.
    #[error("{0}")]
    Interrupted(String),
}

/// How the ABC-SMC run samples and when it stops.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub particles: usize,
    /// Generations in all, generation 0 (the prior) included.
    pub generations: u32,
    pub min_epsilon: f64,
    pub min_acceptance: f64,
    pub budget: Option<u64>,
    pub seed: u64,
    /// ε_t is this quantile of the previous generation's distances.
    pub quantile: f64,
}

impl Settings {
    /// The engine's configuration.
    pub fn config(&self, models: usize) -> Config {
        let mut c = Config::new(self.particles, self.seed);
        c.max_generations = self.generations;
        c.min_epsilon = self.min_epsilon;
        c.min_acceptance = self.min_acceptance;
        c.max_simulations = self.budget;
        c.quantile = self.quantile;
        // Every model is a profile of the same world: equal prior odds.
        c.model_prior = Some(vec![1.0; models]);
        c
    }
}

/// What is fitted: a scenario, the profiles that are the models, the runs
/// per particle, and the targets used in the distance with their observed
/// values.
pub struct Problem<'a> {
    pub loaded: &'a Loaded,
    pub profiles: Vec<Profile>,
    /// Simulations of each particle's parameters.
    pub runs: u64,
    /// Indices into the world's targets used in the distance.
    pub fit: Vec<usize>,
    /// The observed value of every target of the world (fitted or not); a
    /// model-recovery study replaces them with simulated ones.
    pub observed: Vec<f64>,
}

/// Every target's statistic and every fact's share of matching runs over
/// one parameter set's runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Statistics {
    pub targets: Vec<f64>,
    pub facts: Vec<f64>,
}

impl<'a> Problem<'a> {
    /// Fit every target that is not held out, or only those of `pattern`.
    pub fn new(
        loaded: &'a Loaded,
        profiles: Vec<Profile>,
        runs: u64,
        pattern: Option<&str>,
    ) -> Result<Problem<'a>, CalibrateError> {
        let world = &loaded.world;
        let file = loaded.path.display();
        if world.targets.is_empty() {
            return Err(CalibrateError::Input(format!(
                "{file} has no [[target]] entries; calibration fits the scenario's priors to its targets (see scenarios/README.md)"
            )));
        }
        let fit: Vec<usize> = world
            .targets
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.held_out && pattern.is_none_or(|p| t.pattern == p))
            .map(|(k, _)| k)
            .collect();
        if fit.is_empty() {
            let which = pattern.map_or(String::new(), |p| format!(" of pattern `{p}`"));
            let patterns = patterns(world).join(", ");
            return Err(CalibrateError::Input(format!(
                "{file} has no target{which} to fit (held-out targets are never fitted); patterns with targets to fit: {}",
                if patterns.is_empty() {
                    "none"
                } else {
                    &patterns
                }
            )));
        }
        Ok(Problem {
            loaded,
            observed: world.targets.iter().map(|t| t.observed).collect(),
            profiles,
            runs,
            fit,
        })
    }

    pub fn world(&self) -> &World {
        &self.loaded.world
    }

    /// The engine's models: every profile with the scenario's priors.
    pub fn models(&self) -> Vec<Vec<Box<dyn abc::Prior>>> {
        self.profiles
            .iter()
            .map(|_| {
                self.world()
                    .priors
                    .iter()
                    .map(|u| {
                        Box::new(if u.prior.values().is_some() {
                            ScenarioPrior::Choice(u.prior.clone())
                        } else {
                            ScenarioPrior::Logistic
                        }) as Box<dyn abc::Prior>
                    })
                    .collect()
            })
            .collect()
    }

    /// The parameter values of the engine's parameters `params` (see
    /// [`ScenarioPrior`]): x = F⁻¹(1 / (1 + e^(−u))) for a continuous prior.
    pub fn values(&self, params: &[f64]) -> Vec<f64> {
        self.world()
            .priors
            .iter()
            .zip(params)
            .map(|(u, &p)| {
                if u.prior.values().is_some() {
                    p
                } else {
                    u.prior.quantile(1.0 / (1.0 + (-p).exp()))
                }
            })
            .collect()
    }

    /// The statistics of the engine's parameters `params` under profile
    /// `model`, its runs drawing from streams 0, 1, … of `seed`.
    pub fn statistics(
        &self,
        model: usize,
        params: &[f64],
        seed: u64,
    ) -> Result<Statistics, CalibrateError> {
        let world: Cow<World> = if params.is_empty() {
            Cow::Borrowed(self.world())
        } else {
            let values = self.values(params);
            Cow::Owned(self.loaded.with_draw(&values).map_err(|e| {
                CalibrateError::Runtime(format!(
                    "the parameters {values:?} make the scenario invalid: {e}"
                ))
            })?)
        };
        let catalogue = Catalogue::new(&world);
        let scorer = Scorer::new(&world, &catalogue);
        let profile = &self.profiles[model];
        let options = RunOptions::default();
        let mut outcomes = Vec::with_capacity(self.runs as usize);
        for r in 0..self.runs {
            let o = simulation::simulate(&world, profile, &catalogue, seed, r, &options)
                .map_err(|e| CalibrateError::Runtime(format!("the simulation failed: {e}")))?;
            job::check_finite(
                &world,
                &catalogue,
                std::slice::from_ref(profile),
                std::slice::from_ref(&o),
            )
            .map_err(|e| CalibrateError::Runtime(e.to_string()))?;
            outcomes.push(o);
        }
        let facts = (0..scorer.len())
            .map(|k| share(&outcomes, |o| scorer.matches(k, o)))
            .collect();
        let targets = world
            .targets
            .iter()
            .map(|t| statistic(&t.statistic, &catalogue, &scorer, &outcomes))
            .collect();
        Ok(Statistics { targets, facts })
    }

    /// √Σ ((statistic − observed) / scale)² over the fitted targets.
    pub fn distance(&self, s: &Statistics) -> f64 {
        let targets = &self.world().targets;
        self.fit
            .iter()
            .map(|&k| {
                let (x, o) = (s.targets[k], self.observed[k]);
                match (x.is_nan(), o.is_nan()) {
                    (true, true) => 0.0,
                    (false, false) => ((x - o) / targets[k].scale).powi(2),
                    _ => MISSING * MISSING,
                }
            })
            .sum::<f64>()
            .sqrt()
    }

    /// The simulator the engine calls: one seed from the attempt's stream.
    pub fn simulate(
        &self,
        model: usize,
        params: &[f64],
        rng: &mut ChaCha8Rng,
    ) -> Result<f64, CalibrateError> {
        let seed = rng.next_u64();
        Ok(self.distance(&self.statistics(model, params, seed)?))
    }

    /// Everything that changes the populations of a run of `settings`.
    fn identity(&self, settings: &Settings) -> Identity {
        let world = self.world();
        Identity {
            version: env!("CARGO_PKG_VERSION").into(),
            scenario: world.name.clone(),
            scenario_sha256: self.loaded.sha256.clone(),
            data_sha256: world.trade.as_ref().map(|t| t.flows_sha256.clone()),
            overrides: self
                .loaded
                .overrides
                .iter()
                .map(|o| o.to_string())
                .collect(),
            profiles: self.profiles.iter().map(Profile::record).collect(),
            parameters: world.priors.iter().map(|u| u.path.clone()).collect(),
            runs: self.runs,
            fit: self
                .fit
                .iter()
                .map(|&k| (world.targets[k].id.clone(), self.observed[k]))
                .collect(),
            particles: settings.particles,
            seed: settings.seed,
            quantile: settings.quantile,
        }
    }
}

/// The scenario with only the `[priors]` named in `paths` left uncertain
/// (every prior when `paths` is empty); the others keep the scenario's values.
/// ABC-SMC's importance weights degenerate as parameters are added (docs/model.md
/// §8), so a fit of the few parameters the targets depend on is often the
/// only one whose weights mean anything.
pub fn fitting<'a>(
    loaded: &'a Loaded,
    paths: &[String],
) -> Result<Cow<'a, Loaded>, CalibrateError> {
    if paths.is_empty() {
        return Ok(Cow::Borrowed(loaded));
    }
    let priors = &loaded.world.priors;
    for (k, p) in paths.iter().enumerate() {
        if paths[..k].contains(p) {
            return Err(CalibrateError::Input(format!(
                "--parameters names `{p}` twice"
            )));
        }
        if !priors.iter().any(|u| &u.path == p) {
            let known: Vec<&str> = priors.iter().map(|u| u.path.as_str()).collect();
            return Err(CalibrateError::Input(format!(
                "--parameters names `{p}`, which is not one of {}'s [priors]; they are: {}",
                loaded.path.display(),
                known.join(", ")
            )));
        }
    }
    let mut kept = loaded.clone();
    kept.world.priors.retain(|u| paths.contains(&u.path));
    Ok(Cow::Owned(kept))
}

/// The patterns of a world's targets that have targets to fit, in order.
pub fn patterns(world: &World) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in &world.targets {
        if !t.held_out && !t.pattern.is_empty() && !out.contains(&t.pattern) {
            out.push(t.pattern.clone());
        }
    }
    out
}

/// The share of `outcomes` for which `yes` holds (NaN for none).
fn share(outcomes: &[RunOutcome], yes: impl Fn(&RunOutcome) -> bool) -> f64 {
    outcomes.iter().filter(|o| yes(o)).count() as f64 / outcomes.len() as f64
}

/// One target's statistic over `outcomes`.
fn statistic(
    s: &Statistic,
    catalogue: &Catalogue,
    scorer: &Scorer,
    outcomes: &[RunOutcome],
) -> f64 {
    let values = |state: usize, metric: &str, undefined: Option<f64>| -> Vec<f64> {
        let slot = catalogue
            .find(state, metric)
            .expect("target metrics are validated");
        outcomes
            .iter()
            .filter_map(|o| {
                let x = o.values[slot];
                if x.is_nan() { undefined } else { Some(x) }
            })
            .collect()
    };
    match s {
        Statistic::Mean {
            state,
            metric,
            undefined,
        } => {
            let xs = values(*state, metric, *undefined);
            xs.iter().sum::<f64>() / xs.len() as f64
        }
        Statistic::Share {
            state,
            metric,
            min,
            max,
        } => {
            let slot = catalogue
                .find(*state, metric)
                .expect("target metrics are validated");
            share(outcomes, |o| {
                let x = o.values[slot];
                !x.is_nan() && *min <= x && x <= *max
            })
        }
        Statistic::Quantile {
            state,
            metric,
            q,
            undefined,
        } => {
            let xs = values(*state, metric, *undefined);
            if xs.is_empty() {
                f64::NAN
            } else {
                crate::abc::generation::quantile(xs, *q)
            }
        }
        Statistic::Fact { fact } => share(outcomes, |o| scorer.matches(*fact, o)),
    }
}

/// A scenario prior as the engine sees it. A continuous prior is handed to
/// the engine on the real line: the engine's parameter is u = logit F(x), F
/// the prior's distribution function, so u has the standard logistic prior
/// whatever F is, and x = F⁻¹(1 / (1 + e^(−u))) ([`Problem::values`]). With
/// bounded priors on dozens of parameters a normal kernel in x would leave
/// the support on some parameter almost every time; in u it never does, and
/// the posterior of x is the image of u's. A choice keeps its values (the
/// engine jumps between them).
enum ScenarioPrior {
    Logistic,
    Choice(crate::prior::Prior),
}

impl abc::Prior for ScenarioPrior {
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            ScenarioPrior::Logistic => {
                let u = crate::montecarlo::uniform_open(rng);
                (u / (1.0 - u)).ln()
            }
            ScenarioPrior::Choice(p) => p.sample(rng),
        }
    }
    fn density(&self, x: f64) -> f64 {
        self.ln_density(x).exp()
    }
    fn ln_density(&self, x: f64) -> f64 {
        match self {
            // ln[e^(−u) / (1 + e^(−u))²], symmetric in u, without overflow.
            ScenarioPrior::Logistic if x.is_finite() => {
                let a = x.abs();
                -a - 2.0 * (-a).exp().ln_1p()
            }
            ScenarioPrior::Logistic => f64::NEG_INFINITY,
            ScenarioPrior::Choice(p) => p.ln_density(x),
        }
    }
    fn contains(&self, x: f64) -> bool {
        match self {
            ScenarioPrior::Logistic => x.is_finite(),
            ScenarioPrior::Choice(p) => p.contains(x),
        }
    }
    fn values(&self) -> Option<&[f64]> {
        match self {
            ScenarioPrior::Logistic => None,
            ScenarioPrior::Choice(p) => p.values(),
        }
    }
}

/// What makes two runs the same run, recorded in `.abc/identity.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub version: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub data_sha256: Option<String>,
    pub overrides: Vec<String>,
    pub profiles: Vec<(String, Vec<String>)>,
    pub parameters: Vec<String>,
    pub runs: u64,
    /// Fitted targets with their observed values.
    pub fit: Vec<(String, f64)>,
    pub particles: usize,
    pub seed: u64,
    pub quantile: f64,
}

impl Identity {
    /// Its record, as written to `identity.json`; shards name the run by its
    /// SHA-256.
    fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("an identity serialises")
    }
}

/// Where a run keeps its generations.
pub const ABC_DIR: &str = ".abc";

/// A finished fit: the engine, every generation's state and why it stopped.
pub struct Fitted {
    pub abc: Abc,
    /// Every generation's state, in order; the last is the posterior.
    pub generations: Vec<State>,
    pub outcome: Outcome,
    /// Generations computed here (not read back from a resumed run).
    pub computed: usize,
}

/// How a fit treats its directory.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mode {
    pub resume: bool,
    pub force: bool,
    /// No notice of each generation (notices of damage are always given).
    pub quiet: bool,
}

/// Run (or resume) the ABC-SMC fit of `problem` under `settings` in `dir`,
/// saving every generation; `progress` is told the generations done and
/// `cancel` stops it between generations.
pub fn fit(
    problem: &Problem,
    settings: &Settings,
    dir: &Path,
    mode: Mode,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<Fitted, CalibrateError> {
    let abc = Abc::new(problem.models(), settings.config(problem.profiles.len()))
        .map_err(|e| CalibrateError::Input(format!("cannot calibrate: {e}")))?;
    std::fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
    let _lock = DirLock::acquire(dir)?;
    let store = dir.join(ABC_DIR);
    let identity = problem.identity(settings);
    let exists = store.join("identity.json").exists();
    let mut generations = if exists && mode.resume {
        let what = ("cannot resume", "pass --force to start again");
        check_identity(&store, &identity, dir, what)?;
        load_generations(&store, dir)?
    } else {
        let holds = exists || write::FILES.iter().any(|f| dir.join(f).exists());
        if holds && !mode.force {
            return Err(CalibrateError::Input(format!(
                "{} already holds a calibration; pass --resume to continue it or --force to replace it",
                dir.display()
            )));
        }
        if store.exists() {
            std::fs::remove_dir_all(&store).map_err(|e| OutputError::io(&store, e))?;
        }
        for f in write::FILES {
            let p = dir.join(f);
            if p.exists() {
                std::fs::remove_file(&p).map_err(|e| OutputError::io(&p, e))?;
            }
        }
        write_identity(&store, &identity)?;
        Vec::new()
    };
    let before = generations.len();
    progress.start(u64::from(settings.generations), before as u64);
    let simulate = |m: usize, p: &[f64], rng: &mut ChaCha8Rng| problem.simulate(m, p, rng);
    let stop = loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(CalibrateError::Interrupted(format!(
                "interrupted after generation {} of {}; the finished generations are kept in {} — run the same command with --resume to finish",
                generations.len(),
                settings.generations,
                dir.display()
            )));
        }
        let t = generations.len();
        // The shards' attempts of this generation, each checked against the
        // plan's proposal (the plan is built again by the step: it is the
        // same plan, from the same population).
        let known = if shard::exist(&store, t as u32) {
            let plan = abc
                .plan(generations.last())
                .map_err(|e| engine_error(e.widen()))?;
            let check = |a: &abc::Attempt| abc.check_attempt(&plan, a).is_ok();
            shard::attempts(&store, &identity, t as u32, &check, progress)?
        } else {
            Default::default()
        };
        let report = |accepted: usize, attempts: u64| {
            progress.stage(&format!(
                "generation {t}: {accepted}/{} accepted of {attempts} simulated",
                settings.particles
            ));
        };
        match abc
            .step_with(generations.last(), simulate, &known, &report)
            .map_err(engine_error)?
        {
            Step::Next(state) => {
                let t = state.generation();
                let json = serde_json::to_vec(&state).expect("a state serialises");
                output::write_atomic(&store, &generation_file(t), &json)?;
                shard::remove(&store, t)?;
                generations.push(state);
                progress.set(generations.len() as u64);
                let g = generations.last().expect("just pushed").last();
                if !mode.quiet {
                    progress.notice(&format!(
                        "generation {t}: ε {}, {} simulations, acceptance {:.3}, ESS {:.1}",
                        g.epsilon.map_or("∞".to_string(), |e| format!("{e:.4}")),
                        g.simulations,
                        g.acceptance_rate,
                        g.ess
                    ));
                }
            }
            Step::Stopped(stop) => {
                if generations.is_empty() {
                    return Err(CalibrateError::Runtime(format!(
                        "the first generation did not complete: {stop}; raise --budget or lower --min-acceptance"
                    )));
                }
                break stop;
            }
        }
    };
    let state = generations.last().expect("at least one generation").clone();
    Ok(Fitted {
        abc,
        computed: generations.len() - before,
        generations,
        outcome: Outcome { state, stop },
    })
}

fn generation_file(t: u32) -> String {
    format!("generation-{t:04}.json")
}

/// Write a new run's identity into `store` (created); shards starting at
/// once may all write it, each the same bytes.
fn write_identity(store: &Path, identity: &Identity) -> Result<(), CalibrateError> {
    std::fs::create_dir_all(store).map_err(|e| OutputError::io(store, e))?;
    output::write_atomic_shared(store, "identity.json", &identity.to_json())?;
    Ok(())
}

/// Check that the run recorded in `store` is `identity`; `what` says what
/// was refused and what to do instead.
fn check_identity(
    store: &Path,
    identity: &Identity,
    dir: &Path,
    what: (&str, &str),
) -> Result<(), CalibrateError> {
    let (refused, instead) = what;
    let path = store.join("identity.json");
    let text = std::fs::read(&path).map_err(|e| OutputError::read(&path, e))?;
    let recorded: Identity = serde_json::from_slice(&text).map_err(|e| {
        CalibrateError::Input(format!(
            "{refused} {}: its record of the run is unreadable ({e}); {instead}",
            dir.display()
        ))
    })?;
    if &recorded != identity {
        return Err(CalibrateError::Input(format!(
            "{refused} {}: it holds another calibration ({}); {instead}",
            dir.display(),
            difference(&recorded, identity)
        )));
    }
    Ok(())
}

/// The finished generations in `store`, in order.
fn load_generations(store: &Path, dir: &Path) -> Result<Vec<State>, CalibrateError> {
    let mut generations = Vec::new();
    for t in 0.. {
        let path = store.join(generation_file(t));
        if !path.exists() {
            break;
        }
        let text = std::fs::read(&path).map_err(|e| OutputError::read(&path, e))?;
        let state: State = serde_json::from_slice(&text).map_err(|e| {
            CalibrateError::Input(format!(
                "cannot resume {}: {} is damaged ({e}); pass --force to start again",
                dir.display(),
                path.display()
            ))
        })?;
        if state.history.len() != t as usize + 1 {
            return Err(CalibrateError::Input(format!(
                "cannot resume {}: {} does not hold generation {t}",
                dir.display(),
                path.display()
            )));
        }
        generations.push(state);
    }
    Ok(generations)
}

fn engine_error(e: AbcError<CalibrateError>) -> CalibrateError {
    match e {
        AbcError::Simulator {
            generation,
            attempt,
            params,
            source,
            ..
        } => match source {
            CalibrateError::Runtime(m) => CalibrateError::Runtime(format!(
                "generation {generation}, attempt {attempt} (parameters {params:?}): {m}"
            )),
            other => other,
        },
        other => CalibrateError::Runtime(format!("ABC-SMC failed: {other}")),
    }
}

/// The first field in which two identities differ, for an error message.
fn difference(a: &Identity, b: &Identity) -> String {
    let (ja, jb) = (
        serde_json::to_value(a).expect("serialises"),
        serde_json::to_value(b).expect("serialises"),
    );
    let (Some(ma), Some(mb)) = (ja.as_object(), jb.as_object()) else {
        return "a different run".into();
    };
    ma.iter()
        .find(|(k, v)| mb.get(*k) != Some(v))
        .map_or("a different run".into(), |(k, v)| {
            format!("{k} {v}, not {}", mb.get(k).cloned().unwrap_or_default())
        })
}

/// The posterior predictive of a fit: every particle of its last generation
/// simulated on its own stream ([`predictive_stream`]), in parallel, in
/// particle order.
pub fn predict(problem: &Problem, fitted: &Fitted) -> Result<Vec<Statistics>, CalibrateError> {
    let seed = fitted.abc.config().seed;
    fitted
        .outcome
        .state
        .particles
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut rng = run_rng(seed, predictive_stream(i as u64));
            problem.statistics(p.model, &p.params, rng.next_u64())
        })
        .collect()
}

/// A results directory's default: `results/<scenario>/<leaf>`.
pub fn default_dir(world: &World, leaf: &str) -> PathBuf {
    PathBuf::from("results").join(&world.name).join(leaf)
}
