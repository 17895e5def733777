//! The ABC-SMC engine against answers known in closed form, and its promises:
//! the same bytes at any thread count, batch size or shard split, and a run
//! resumed from a saved generation equal to one never interrupted.
//!
//! Every simulator here is a few lines of the test; every seed is fixed.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use statecraft::abc::{
    Abc, AbcError, Attempt, Config, Normal, Outcome, Prior, Progress, State, Step, Stop, Uniform,
    standard_normal,
};
use std::convert::Infallible;

type Sim = dyn Fn(usize, &[f64], &mut ChaCha8Rng) -> Result<f64, Infallible> + Sync;

fn normal(mean: f64, sd: f64) -> Box<dyn Prior> {
    Box::new(Normal::new(mean, sd).unwrap())
}

fn uniform(low: f64, high: f64) -> Box<dyn Prior> {
    Box::new(Uniform::new(low, high).unwrap())
}

/// Beta(a, 1): density a x^(a−1) on [0, 1], drawn as U^(1/a).
struct BetaA1(f64);

impl Prior for BetaA1 {
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        rng.random::<f64>().powf(1.0 / self.0)
    }
    fn density(&self, x: f64) -> f64 {
        if (0.0..=1.0).contains(&x) {
            self.0 * x.powf(self.0 - 1.0)
        } else {
            0.0
        }
    }
}

/// A uniform choice among values.
struct Choice(Vec<f64>);

impl Prior for Choice {
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.0[rng.random_range(0..self.0.len())]
    }
    fn density(&self, x: f64) -> f64 {
        if self.0.contains(&x) {
            1.0 / self.0.len() as f64
        } else {
            0.0
        }
    }
    fn values(&self) -> Option<&[f64]> {
        Some(&self.0)
    }
}

/// Φ(x), Abramowitz & Stegun 7.1.26 (error < 1.5e-7).
fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / 2f64.sqrt();
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-z * z).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// The largest gap between the weighted empirical distribution function of
/// `points` (sorted, weights summing to 1) and N(mean, sd²)'s.
fn max_cdf_gap(points: &[(f64, f64)], mean: f64, sd: f64) -> f64 {
    let mut below = 0.0;
    let mut gap: f64 = 0.0;
    for &(x, w) in points {
        let f = normal_cdf((x - mean) / sd);
        gap = gap.max((f - below).abs());
        below += w;
        gap = gap.max((f - below).abs());
    }
    gap
}

fn json(o: &Outcome) -> String {
    serde_json::to_string(o).unwrap()
}

fn describe(o: &Outcome) -> String {
    o.state
        .history
        .iter()
        .map(|g| {
            format!(
                "  gen {}: ε {:?}, {} simulations, acceptance {:.4}, ESS {:.0}, P(m) {:?}",
                g.generation,
                g.epsilon,
                g.simulations,
                g.acceptance_rate,
                g.ess,
                g.model_probabilities
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// θ ~ N(0, 1), y | θ ~ N(θ, noise²), y observed: the posterior is normal.
fn gaussian_mean(noise: f64, observed: f64, seed: u64) -> Outcome {
    let mut config = Config::new(1000, seed);
    config.max_generations = 8;
    let abc = Abc::new(vec![vec![normal(0.0, 1.0)]], config).unwrap();
    abc.run(|_, theta: &[f64], rng: &mut ChaCha8Rng| {
        let y = theta[0] + noise * standard_normal(rng);
        Ok::<_, Infallible>((y - observed).abs())
    })
    .unwrap()
}

#[test]
fn a_gaussian_mean_with_unit_noise_has_the_conjugate_posterior() {
    let o = gaussian_mean(1.0, 1.0, 1);
    let s = &o.state.posterior(0, &[0.5]).unwrap()[0];
    let gap = max_cdf_gap(&o.state.marginal(0, 0), 0.5, 0.5f64.sqrt());
    eprintln!(
        "N(0,1) prior, noise 1, y = 1: mean {:.4} (0.5), sd {:.4} (0.7071), median {:.4}, max CDF gap {gap:.4}, stop {:?}\n{}",
        s.mean,
        s.sd,
        s.quantiles[0],
        o.stop,
        describe(&o)
    );
    assert!(gap <= 0.12, "{gap}");
    assert_eq!(o.stop, Stop::MaxGenerations);
    assert_eq!(o.state.history.len(), 8);
}

#[test]
fn a_gaussian_mean_with_precise_data_has_the_conjugate_posterior() {
    let o = gaussian_mean(0.5, 2.0, 2);
    let s = &o.state.posterior(0, &[0.5]).unwrap()[0];
    let (mean, sd) = (1.6, 0.2f64.sqrt());
    let gap = max_cdf_gap(&o.state.marginal(0, 0), mean, sd);
    eprintln!(
        "N(0,1) prior, noise 0.5, y = 2: mean {:.4} ({mean}), sd {:.4} ({sd:.4}), max CDF gap {gap:.4}\n{}",
        s.mean,
        s.sd,
        describe(&o)
    );
    assert!((s.mean - mean).abs() < 0.07, "{}", s.mean);
    assert!((s.sd - sd).abs() < 0.12, "{}", s.sd);
}

#[test]
fn two_models_without_parameters_get_their_bayes_factor() {
    // y ~ N(0, ½) against y ~ N(1, ½), y = 1: P(M1) = e⁻¹ / (e⁻¹ + 1) = 1 / (1 + e).
    let mut config = Config::new(2000, 3);
    config.max_generations = 8;
    let abc = Abc::new(vec![vec![], vec![]], config).unwrap();
    let o = abc
        .run(|m, _: &[f64], rng: &mut ChaCha8Rng| {
            let y = m as f64 + 0.5f64.sqrt() * standard_normal(rng);
            Ok::<_, Infallible>((y - 1.0).abs())
        })
        .unwrap();
    let p = o.state.model_probabilities(2)[0];
    let expected = 1.0 / (1.0 + std::f64::consts::E);
    eprintln!(
        "N(0,½) vs N(1,½), y = 1: P(M1) {p:.4} ({expected:.4})\n{}",
        describe(&o)
    );
    assert!((p - expected).abs() < 0.07, "{p}");
}

#[test]
fn beta_binomial_models_get_their_exact_marginal_likelihoods() {
    // k = 2 of n = 5 under p ~ Beta(1, 1) (marginal 1/6) and p ~ Beta(10, 1)
    // (marginal C(5,2) B(12,4) / B(10,1) = 3/163.8): P(M1) = 0.9010.
    let mut config = Config::new(2000, 4);
    config.max_generations = 20;
    let abc = Abc::new(
        vec![vec![uniform(0.0, 1.0)], vec![Box::new(BetaA1(10.0))]],
        config,
    )
    .unwrap();
    let o = abc
        .run(|_, p: &[f64], rng: &mut ChaCha8Rng| {
            let k = (0..5).filter(|_| rng.random::<f64>() < p[0]).count();
            Ok::<_, Infallible>((k as f64 - 2.0).abs())
        })
        .unwrap();
    let m1 = 1.0 / 6.0;
    let b12_4 = 6.0 / (15.0 * 14.0 * 13.0 * 12.0);
    let m2 = 10.0 * b12_4 * 10.0;
    let expected = m1 / (m1 + m2);
    let p = o.state.model_probabilities(2)[0];
    eprintln!(
        "Beta(1,1) vs Beta(10,1), k = 2 of 5: P(M1) {p:.4} ({expected:.4}), stop {:?}\n{}",
        o.stop,
        describe(&o)
    );
    assert_eq!(o.stop, Stop::MinEpsilon, "ε reaches 0: exact matches");
    assert_eq!(o.state.last().epsilon, Some(0.0));
    assert!((p - expected).abs() < 0.08, "{p}");
    // Under M1 the posterior of p is Beta(3, 4): mean 3/7.
    let s = &o.state.posterior(0, &[]).unwrap()[0];
    assert!((s.mean - 3.0 / 7.0).abs() < 0.03, "{}", s.mean);
}

#[test]
fn a_parameter_over_values_jumps_between_them_and_gets_its_posterior() {
    // θ uniform on {0, 1, 2, 3}, y ~ N(θ, 1), y = 1.2.
    let values = vec![0.0, 1.0, 2.0, 3.0];
    let mut config = Config::new(2000, 5);
    config.max_generations = 7;
    let abc = Abc::new(vec![vec![Box::new(Choice(values.clone()))]], config).unwrap();
    let o = abc
        .run(|_, theta: &[f64], rng: &mut ChaCha8Rng| {
            let y = theta[0] + standard_normal(rng);
            Ok::<_, Infallible>((y - 1.2).abs())
        })
        .unwrap();
    let likelihood: Vec<f64> = values
        .iter()
        .map(|v| (-(1.2f64 - v).powi(2) / 2.0).exp())
        .collect();
    let total: f64 = likelihood.iter().sum();
    let marginal = o.state.marginal(0, 0);
    for (v, l) in values.iter().zip(&likelihood) {
        let p: f64 = marginal.iter().filter(|x| x.0 == *v).map(|x| x.1).sum();
        eprintln!("P(θ = {v}) {p:.4} ({:.4})", l / total);
        assert!((p - l / total).abs() < 0.05, "θ = {v}: {p}");
    }
    eprintln!("{}", describe(&o));
    assert!(
        o.state
            .particles
            .iter()
            .all(|p| values.contains(&p.params[0]))
    );
}

#[test]
fn a_model_that_cannot_fit_dies_out_with_probability_zero() {
    // M1 y ~ N(0, 0.1²) cannot produce y = 3; M2 y ~ N(θ, 1), θ ~ U(0, 5), can.
    let mut config = Config::new(300, 6);
    config.max_generations = 5;
    let abc = Abc::new(vec![vec![], vec![uniform(0.0, 5.0)]], config).unwrap();
    let o = abc
        .run(|m, theta: &[f64], rng: &mut ChaCha8Rng| {
            let y = if m == 0 {
                0.1 * standard_normal(rng)
            } else {
                theta[0] + standard_normal(rng)
            };
            Ok::<_, Infallible>((y - 3.0).abs())
        })
        .unwrap();
    assert_eq!(o.state.model_probabilities(2), vec![0.0, 1.0]);
    assert!(o.state.posterior(0, &[0.5]).is_none());
    assert_eq!(o.state.history.len(), 5);
    let died = o
        .state
        .history
        .iter()
        .position(|g| g.model_probabilities[0] == 0.0)
        .unwrap();
    assert!(
        o.state.history[died..]
            .iter()
            .all(|g| g.model_probabilities[0] == 0.0)
    );
}

/// Three models exercising every path: two continuous parameters, none, and
/// one over values beside a continuous one.
fn rich(config: Config) -> Abc {
    Abc::new(
        vec![
            vec![normal(0.0, 2.0), uniform(-1.0, 1.0)],
            vec![],
            vec![
                Box::new(Choice(vec![-1.0, 0.0, 1.0, 2.0])),
                normal(0.5, 1.0),
            ],
        ],
        config,
    )
    .unwrap()
}

fn rich_simulator() -> Box<Sim> {
    Box::new(|m, theta, rng| {
        let y = match m {
            0 => theta[0] + theta[1] + standard_normal(rng),
            1 => 0.3 + standard_normal(rng),
            _ => theta[0] * theta[1] + standard_normal(rng),
        };
        Ok((y - 0.8).abs())
    })
}

fn rich_config(generations: u32) -> Config {
    let mut c = Config::new(150, 42);
    c.max_generations = generations;
    c
}

fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn the_same_seed_gives_the_same_bytes_at_one_and_two_threads_and_any_batch() {
    let sim = rich_simulator();
    let abc = rich(rich_config(5));
    let one = on_threads(1, || abc.run(&*sim).unwrap());
    let two = on_threads(2, || abc.run(&*sim).unwrap());
    assert_eq!(json(&one), json(&two));
    for batch in [1, 7, 1000] {
        let mut c = rich_config(5);
        c.batch = Some(batch);
        let other = on_threads(2, || rich(c).run(&*sim).unwrap());
        assert_eq!(json(&one), json(&other), "batch {batch}");
    }
    // Every model survived and the run is not trivial.
    assert!(one.state.model_probabilities(3).iter().all(|&p| p > 0.0));
    assert!(one.state.last().epsilon.unwrap() < 0.5);
    let mut c = rich_config(5);
    c.seed = 43;
    assert_ne!(json(&one), json(&rich(c).run(&*sim).unwrap()));
}

#[test]
fn a_run_resumed_from_a_saved_generation_equals_the_uninterrupted_one() {
    let sim = rich_simulator();
    let whole = rich(rich_config(6)).run(&*sim).unwrap();
    for cut in 1..6 {
        let first = rich(rich_config(cut)).run(&*sim).unwrap();
        assert_eq!(first.stop, Stop::MaxGenerations);
        let saved = serde_json::to_string(&first.state).unwrap();
        let loaded: State = serde_json::from_str(&saved).unwrap();
        assert_eq!(loaded, first.state, "exact float round trip");
        let resumed = on_threads(2, || rich(rich_config(6)).resume(loaded, &*sim).unwrap());
        assert_eq!(
            json(&resumed),
            json(&whole),
            "resumed after generation {cut}"
        );
    }
}

#[test]
fn a_generation_split_into_shards_equals_the_generation_run_here() {
    let sim = rich_simulator();
    let abc = rich(rich_config(6));
    let state = rich(rich_config(3)).run(&*sim).unwrap().state;
    let Step::Next(here) = abc.step(Some(&state), &*sim).unwrap() else {
        panic!("the generation should complete");
    };
    // Shards of uneven size, evaluated last first on different pools, sent
    // back as JSON, gathered in order.
    let plan = abc.plan(Some(&state)).unwrap();
    assert_eq!(plan.generation(), 3);
    let bounds = [0, 13, 200, 457, 1100, 3000];
    let mut shards: Vec<String> = Vec::new();
    for (k, w) in bounds.windows(2).enumerate().rev() {
        let attempts: Vec<Attempt> = on_threads(1 + k % 2, || {
            abc.evaluate(&plan, w[0]..w[1], &*sim)
                .into_iter()
                .map(Result::unwrap)
                .collect()
        });
        shards.push(serde_json::to_string(&attempts).unwrap());
    }
    shards.reverse();
    let mut collector = plan.collector();
    for shard in &shards {
        let attempts: Vec<Attempt> = serde_json::from_str(shard).unwrap();
        if collector
            .add(attempts.into_iter().map(Ok::<_, AbcError>))
            .unwrap()
            == Progress::Complete
        {
            break;
        }
    }
    assert_eq!(
        collector.progress(),
        Progress::Complete,
        "3000 attempts are enough"
    );
    let assembled = abc.finish(&plan, Some(&state), collector).unwrap();
    assert_eq!(
        serde_json::to_string(&assembled).unwrap(),
        serde_json::to_string(&here).unwrap()
    );
    // A particle re-simulated from its attempt's stream gives its distance.
    let p = &assembled.particles[7];
    let again = sim(p.model, &p.params, &mut abc.simulation_rng(3, p.attempt)).unwrap();
    assert_eq!(again, p.distance);
}

#[test]
fn the_budget_is_never_exceeded_and_low_acceptance_stops_a_run() {
    let sim = rich_simulator();
    let mut c = rich_config(50);
    c.max_simulations = Some(2000);
    let o = rich(c).run(&*sim).unwrap();
    assert_eq!(o.stop, Stop::Budget);
    assert!(o.state.simulations() <= 2000, "{}", o.state.simulations());
    let mut c = rich_config(50);
    c.min_acceptance = 0.2;
    let o = rich(c).run(&*sim).unwrap();
    assert_eq!(o.stop, Stop::MinAcceptance);
    assert!(o.state.history.iter().all(|g| g.acceptance_rate >= 0.2));
}

#[test]
fn bad_distances_and_failing_simulators_are_errors_naming_the_first_attempt() {
    let abc = Abc::new(vec![vec![normal(0.0, 1.0)]], Config::new(100, 9)).unwrap();
    let nan = |_: usize, theta: &[f64], _: &mut ChaCha8Rng| -> Result<f64, Infallible> {
        Ok(if theta[0] > 1.5 {
            f64::NAN
        } else {
            theta[0].abs()
        })
    };
    let err = abc.run(nan).unwrap_err();
    assert!(
        matches!(err, AbcError::Distance { generation: 0, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("finite and non-negative"), "{err}");
    #[derive(Debug, thiserror::Error)]
    #[error("diverged")]
    struct Diverged;
    let failing = |_: usize, theta: &[f64], _: &mut ChaCha8Rng| {
        if theta[0] < -1.0 {
            Err(Diverged)
        } else {
            Ok(theta[0].abs())
        }
    };
    let first = |threads, batch| {
        let mut c = Config::new(100, 9);
        c.batch = batch;
        let abc = Abc::new(vec![vec![normal(0.0, 1.0)]], c).unwrap();
        match on_threads(threads, || abc.run(failing)) {
            Err(AbcError::Simulator {
                attempt,
                source: Diverged,
                ..
            }) => attempt,
            other => panic!("{other:?}"),
        }
    };
    let attempt = first(1, None);
    assert_eq!(first(2, Some(3)), attempt);
    assert_eq!(first(2, Some(1000)), attempt);
}

#[test]
fn configurations_the_engine_cannot_run_are_refused() {
    let ok = || vec![vec![normal(0.0, 1.0)]];
    let refused = |f: fn(&mut Config)| {
        let mut c = Config::new(10, 1);
        f(&mut c);
        Abc::new(ok(), c).is_err()
    };
    assert!(refused(|c| c.particles = 0));
    assert!(refused(|c| c.quantile = 0.0));
    assert!(refused(|c| c.quantile = 1.5));
    assert!(refused(|c| c.max_generations = 0));
    assert!(refused(|c| c.min_epsilon = f64::NAN));
    assert!(refused(|c| c.model_stay = 1.1));
    assert!(refused(|c| c.max_simulations = Some(5)));
    assert!(refused(|c| c.model_prior = Some(vec![1.0, 1.0])));
    assert!(refused(|c| c.batch = Some(0)));
    assert!(Abc::new(vec![], Config::new(10, 1)).is_err());
    assert!(
        Abc::new(
            vec![vec![Box::new(Choice(vec![1.0, 1.0]))]],
            Config::new(10, 1)
        )
        .is_err()
    );
    // A saved state from other models is refused, not misread.
    let abc = Abc::new(ok(), Config::new(10, 1)).unwrap();
    let state = abc
        .run(|_, t: &[f64], _: &mut ChaCha8Rng| Ok::<_, Infallible>(t[0].abs()))
        .unwrap()
        .state;
    let two = Abc::new(
        vec![vec![normal(0.0, 1.0), normal(0.0, 1.0)]],
        Config::new(10, 1),
    )
    .unwrap();
    assert!(matches!(two.plan(Some(&state)), Err(AbcError::State(_))));
}
