//! Prior distributions: draws have the analytic moments, the quantile is the
//! inverse of the distribution function, the same seed draws the same values.

use statecraft::montecarlo::run_rng;
use statecraft::prior::Prior;

fn priors() -> Vec<Prior> {
    [
        "uniform(0.1, 0.9)",
        "loguniform(1e-3, 10)",
        "beta(2, 5)",
        "beta(0.5, 0.5, -1, 3)",
        "beta(0.05, 0.2)",
        "beta(40, 3, 10, 20)",
        "normal(0.5, 0.1, 0, 1)",
        "normal(0.5, 0.4, 0, 1)",
        "normal(0, 1, 2, 4)",
        "normal(0, 1, -30, -29)",
        "choice([1, 2, 4])",
        "choice([-0.5, 7])",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}

#[test]
fn analytic_moments_match_known_values() {
    let cases = [
        ("uniform(0.1, 0.9)", 0.5, 0.64 / 12.0),
        ("beta(2, 5)", 2.0 / 7.0, 10.0 / (49.0 * 8.0)),
        (
            "beta(2, 5, 10, 20)",
            10.0 + 20.0 / 7.0,
            1000.0 / (49.0 * 8.0),
        ),
        // A half-normal: mean √(2/π), variance 1 − 2/π.
        (
            "normal(0, 1, 0, 40)",
            (2.0 / std::f64::consts::PI).sqrt(),
            1.0 - 2.0 / std::f64::consts::PI,
        ),
        (
            "loguniform(1, 100)",
            99.0 / 100f64.ln(),
            (100f64.powi(2) - 1.0) / (2.0 * 100f64.ln()) - (99.0 / 100f64.ln()).powi(2),
        ),
        ("choice([1, 2, 4])", 7.0 / 3.0, 14.0 / 9.0),
    ];
    for (text, mean, variance) in cases {
        let p: Prior = text.parse().unwrap();
        assert!((p.mean() - mean).abs() < 1e-12, "{text} mean {}", p.mean());
        assert!(
            (p.variance() - variance).abs() < 1e-12 * variance.max(1.0),
            "{text} variance {}",
            p.variance()
        );
    }
}

#[test]
fn draws_have_the_analytic_mean_and_variance() {
    let n = 200_000;
    for (k, prior) in priors().iter().enumerate() {
        let mut rng = run_rng(2024, k as u64);
        let draws: Vec<f64> = (0..n).map(|_| prior.sample(&mut rng)).collect();
        assert!(
            draws.iter().all(|&x| prior.contains(x)),
            "{prior}: a draw outside"
        );
        let m = draws.iter().sum::<f64>() / n as f64;
        let central = |p: i32| draws.iter().map(|x| (x - m).powi(p)).sum::<f64>() / n as f64;
        let (var, m4) = (central(2), central(4));
        // Standard errors of the sample mean and of the sample variance.
        let se_mean = (prior.variance() / n as f64).sqrt();
        let se_var = ((m4 - var * var) / n as f64).sqrt();
        println!(
            "{prior}: mean {m:.6} (analytic {:.6}, {:.1} se), variance {var:.6} (analytic {:.6}, {:.1} se)",
            prior.mean(),
            (m - prior.mean()) / se_mean,
            prior.variance(),
            (var - prior.variance()) / se_var,
        );
        assert!(
            (m - prior.mean()).abs() < 4.0 * se_mean,
            "{prior}: mean {m} vs {}",
            prior.mean()
        );
        assert!(
            (var - prior.variance()).abs() < 4.0 * se_var,
            "{prior}: variance {var} vs {}",
            prior.variance()
        );
    }
}

#[test]
fn beta_draws_follow_the_incomplete_beta_distribution_function() {
    // Kolmogorov–Smirnov: the gamma-ratio draws against the CDF the
    // quantile inverts; 1.95/√n is the 0.1% critical value.
    let n = 100_000;
    for text in [
        "beta(2, 5)",
        "beta(0.5, 0.5)",
        "beta(0.05, 0.2)",
        "beta(40, 3)",
    ] {
        let p: Prior = text.parse().unwrap();
        let mut rng = run_rng(9, 0);
        let mut draws: Vec<f64> = (0..n).map(|_| p.sample(&mut rng)).collect();
        draws.sort_by(f64::total_cmp);
        let d = draws
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = p.cdf(x);
                (f - i as f64 / n as f64)
                    .abs()
                    .max(((i + 1) as f64 / n as f64 - f).abs())
            })
            .fold(0.0, f64::max);
        assert!(d < 1.95 / (n as f64).sqrt(), "{text}: KS distance {d}");
    }
}

#[test]
fn the_same_seed_draws_the_same_values() {
    for prior in priors() {
        let draw = |seed: u64, stream: u64| -> Vec<f64> {
            let mut rng = run_rng(seed, stream);
            (0..50).map(|_| prior.sample(&mut rng)).collect()
        };
        assert_eq!(draw(5, 3), draw(5, 3), "{prior}");
        assert_ne!(draw(5, 3), draw(5, 4), "{prior}");
    }
    // The algorithms are ours: these values stay put across dependency
    // updates (a change here changes every seeded result).
    let mut rng = run_rng(1, 0);
    let beta: Prior = "beta(2, 5)".parse().unwrap();
    let normal: Prior = "normal(0.5, 0.1, 0, 1)".parse().unwrap();
    let choice: Prior = "choice([1, 2, 4])".parse().unwrap();
    let got = [
        beta.sample(&mut rng),
        normal.sample(&mut rng),
        choice.sample(&mut rng),
    ];
    assert_eq!(got, [0.20778504348996726, 0.44280877589978057, 4.0]);
}

#[test]
fn the_quantile_is_monotone_and_inverts_the_distribution_function() {
    for prior in priors() {
        let (lo, hi) = prior.support();
        assert_eq!(prior.quantile(0.0), lo, "{prior}");
        assert_eq!(prior.quantile(1.0), hi, "{prior}");
        assert!(prior.quantile(-0.1).is_nan() && prior.quantile(f64::NAN).is_nan());
        let grid: Vec<f64> = (0..=1000).map(|i| i as f64 / 1000.0).collect();
        let xs: Vec<f64> = grid.iter().map(|&u| prior.quantile(u)).collect();
        assert!(xs.windows(2).all(|w| w[0] <= w[1]), "{prior}: not monotone");
        assert!(xs.iter().all(|&x| prior.contains(x)), "{prior}");
        if prior.to_string().starts_with("choice") {
            continue;
        }
        // Q(u) lies within 1e-12 of the range from the true quantile: F
        // brackets u there. (F(Q(u)) = u itself cannot hold to 1e-9 where a
        // quantile near a bound has few representable neighbours, as for
        // beta(0.05, 0.2) at u = 0.999, 3e-12 below 1.)
        let delta = 1e-12 * (hi - lo);
        for &u in &grid[1..1000] {
            let x = prior.quantile(u);
            assert!(
                prior.cdf(x - delta) <= u + 1e-12 && prior.cdf(x + delta) >= u - 1e-12,
                "{prior}: Q({u}) = {x}, F there {}",
                prior.cdf(x)
            );
            if (x - lo).min(hi - x) > 1e-6 * (hi - lo) {
                assert!(
                    (prior.cdf(x) - u).abs() < 1e-9,
                    "{prior}: F(Q({u})) = {}",
                    prior.cdf(x)
                );
            }
        }
    }
    // A choice of k values maps u to value ⌊u·k⌋.
    let c: Prior = "choice([4, 1, 2])".parse().unwrap();
    let picked: Vec<f64> = [0.0, 0.33, 0.34, 0.66, 0.67, 0.999, 1.0]
        .iter()
        .map(|&u| c.quantile(u))
        .collect();
    assert_eq!(picked, [1.0, 1.0, 2.0, 2.0, 4.0, 4.0, 4.0]);
    assert!(c.contains(2.0) && !c.contains(3.0));
    assert_eq!(c.cdf(2.0), 2.0 / 3.0);
}
