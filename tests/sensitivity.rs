//! Known answers for the sensitivity numerics: the Sobol' sequence's
//! published first points, Saltelli's layout, Sobol' indices of the Ishigami
//! and g-functions against their analytic values, Morris on a linear
//! function, and determinism. (`scripts/check_salib.py` compares the same
//! numerics with SALib's own.)

use statecraft::montecarlo::run_rng;
use statecraft::prior::Prior;
use statecraft::sensitivity::{
    Block, Morris, Resamples, Saltelli, SensitivityError, SobolIndices, SobolSequence,
};
use std::f64::consts::PI;

#[test]
fn the_sobol_sequence_starts_with_its_published_points() {
    // Joe & Kuo's new-joe-kuo-6.21201 in Gray-code order, unscrambled, as
    // SciPy's qmc.Sobol(d, scramble=False).random(8) prints them.
    let expected = [
        [0.0, 0.0, 0.0, 0.0],
        [0.5, 0.5, 0.5, 0.5],
        [0.75, 0.25, 0.25, 0.25],
        [0.25, 0.75, 0.75, 0.75],
        [0.375, 0.375, 0.625, 0.875],
        [0.875, 0.875, 0.125, 0.375],
        [0.625, 0.125, 0.875, 0.625],
        [0.125, 0.625, 0.375, 0.125],
    ];
    let last = [0.0, 0.5, 0.75, 0.25, 0.875, 0.375, 0.125, 0.625];
    let points: Vec<Vec<f64>> = SobolSequence::new(1024).unwrap().take(8).collect();
    for (i, p) in points.iter().enumerate() {
        assert_eq!(p[..4], expected[i], "point {i}");
        assert_eq!(p[1023], last[i], "point {i}, dimension 1024");
    }
    // Far along, where every direction number of the recurrence is used.
    let mut seq = SobolSequence::new(1024).unwrap();
    seq.fast_forward(1_000_003);
    let p = seq.next().unwrap();
    let picked: Vec<f64> = [0, 1, 2, 3, 63, 1023].iter().map(|&d| p[d]).collect();
    assert_eq!(
        picked,
        [
            0.2764749526977539,
            0.5619192123413086,
            0.07799625396728516,
            0.4182462692260742,
            0.3081216812133789,
            0.048842430114746094
        ]
    );
}

#[test]
fn saltelli_rows_are_grouped_by_base_point_with_their_block_labels() {
    for (d, second, per) in [(3, false, 5), (3, true, 8), (1, true, 4)] {
        let design = Saltelli::new(16, d, second).unwrap();
        assert_eq!(design.per_base(), per);
        let rows = design.points(0).unwrap();
        assert_eq!(rows.len(), 16 * per);
        assert_eq!(design.rows(), 16 * per);
        assert!(rows.iter().all(|r| r.len() == d));
    }
    let design = Saltelli::new(2, 3, true).unwrap();
    let labels: Vec<String> = (0..design.rows())
        .map(|r| design.block(r).to_string())
        .collect();
    let one = ["A", "AB_1", "AB_2", "AB_3", "BA_1", "BA_2", "BA_3", "B"];
    assert_eq!(labels, [one, one].concat());
    assert_eq!(design.block(9), Block::AB(0));
    assert_eq!(design.base_point(9), 1);
    // A and B are the two halves of the 6-dimensional Sobol' point.
    let rows = design.points(0).unwrap();
    let sobol: Vec<Vec<f64>> = SobolSequence::new(6).unwrap().take(2).collect();
    for base in 0..2 {
        assert_eq!(rows[base * 8], sobol[base][..3]);
        assert_eq!(rows[base * 8 + 7], sobol[base][3..]);
    }
    // Skipping m points starts at Sobol' point m.
    let skipped = Saltelli::new(4, 3, false).unwrap().points(8).unwrap();
    let point8 = SobolSequence::new(6).unwrap().nth(8).unwrap();
    assert_eq!(skipped[0], point8[..3]);
}

/// Run `f` on every row of a Saltelli design mapped through `priors`, and
/// analyse with 100 resamples from `seed`.
fn sobol_of(
    f: impl Fn(&[f64]) -> f64,
    priors: &[Prior],
    base: usize,
    second_order: bool,
    seed: u64,
) -> SobolIndices {
    let design = Saltelli::new(base, priors.len(), second_order).unwrap();
    let y: Vec<f64> = design
        .points(0)
        .unwrap()
        .iter()
        .map(|u| {
            let x: Vec<f64> = u.iter().zip(priors).map(|(&u, p)| p.quantile(u)).collect();
            f(&x)
        })
        .collect();
    let resamples = Resamples::draw(base, 100, &mut run_rng(seed, 1));
    design.analyze(&y, &resamples, 0.95).unwrap()
}

fn ishigami(x: &[f64]) -> f64 {
    let (a, b) = (7.0, 0.1);
    x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
}

fn close(what: &str, got: &[f64], want: &[f64], tol: f64) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol,
            "{what}[{i}] = {g:.4}, analytic {w:.4} (tolerance {tol})"
        );
    }
}

#[test]
fn sobol_indices_of_the_ishigami_function_match_the_analytic_values() {
    let (a, b) = (7.0_f64, 0.1_f64);
    let pi4 = PI.powi(4);
    let pi8 = PI.powi(8);
    let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = 8.0 * b * b * pi8 / 225.0;
    let v = v1 + v2 + v13;
    let s1 = [v1 / v, v2 / v, 0.0];
    let st = [(v1 + v13) / v, v2 / v, v13 / v];
    close("analytic S1", &s1, &[0.3139, 0.4424, 0.0], 1e-4);
    close("analytic ST", &st, &[0.5576, 0.4424, 0.2437], 1e-4);

    let priors = vec![Prior::uniform(-PI, PI).unwrap(); 3];
    let s = sobol_of(ishigami, &priors, 1 << 13, true, 7);
    close("S1", &s.s1, &s1, 0.02);
    close("ST", &s.st, &st, 0.02);
    // Second order: only x1 and x3 interact.
    let s2: Vec<f64> = s.s2.iter().map(|p| p.s2).collect();
    assert_eq!(
        s.s2.iter().map(|p| (p.i, p.j)).collect::<Vec<_>>(),
        [(0, 1), (0, 2), (1, 2)]
    );
    close("S2", &s2, &[0.0, v13 / v, 0.0], 0.03);
    for conf in s.s1_conf.iter().chain(&s.st_conf) {
        assert!(*conf > 0.0 && *conf < 0.05, "half-width {conf}");
    }
    println!(
        "Ishigami, N = 8192: S1 {:.4?} (analytic {s1:.4?}), ST {:.4?} (analytic {st:.4?}), \
         S2 {s2:.4?} (analytic S13 {:.4})",
        s.s1,
        s.st,
        v13 / v
    );
}

#[test]
fn sobol_indices_of_the_g_function_match_the_analytic_values() {
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
    let g = |x: &[f64]| -> f64 {
        x.iter()
            .zip(&a)
            .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
            .product()
    };
    // V_i = 1/(3(1 + a_i)²); V = Π(1 + V_i) − 1.
    let vi: Vec<f64> = a
        .iter()
        .map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
        .collect();
    let v = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
    let s1: Vec<f64> = vi.iter().map(|x| x / v).collect();
    let st: Vec<f64> = (0..8)
        .map(|i| {
            let others: f64 = (0..8).filter(|&j| j != i).map(|j| 1.0 + vi[j]).product();
            vi[i] * others / v
        })
        .collect();
    close("analytic S1", &s1[..1], &[0.7162], 1e-4);
    close("analytic ST", &st[..1], &[0.7871], 1e-4);

    let priors = vec![Prior::uniform(0.0, 1.0).unwrap(); 8];
    let s = sobol_of(g, &priors, 1 << 13, false, 3);
    close("S1", &s.s1, &s1, 0.02);
    close("ST", &s.st, &st, 0.02);
    assert!(s.s2.is_empty());
    println!(
        "g-function, N = 8192: S1 {:.4?} (analytic {s1:.4?}), ST {:.4?} (analytic {st:.4?})",
        s.s1, s.st
    );
}

#[test]
fn the_same_seed_gives_identical_intervals_and_another_seed_other_ones() {
    let priors = vec![Prior::uniform(-PI, PI).unwrap(); 3];
    let one = sobol_of(ishigami, &priors, 256, true, 5);
    let again = sobol_of(ishigami, &priors, 256, true, 5);
    let other = sobol_of(ishigami, &priors, 256, true, 6);
    assert_eq!(one, again);
    assert_eq!(
        one.s1, other.s1,
        "the estimates do not depend on the resamples"
    );
    assert_ne!(one.s1_conf, other.s1_conf);
}

#[test]
fn constant_outputs_have_zero_indices() {
    let design = Saltelli::new(8, 2, true).unwrap();
    let resamples = Resamples::draw(8, 10, &mut run_rng(1, 0));
    let s = design
        .analyze(&vec![3.0; design.rows()], &resamples, 0.95)
        .unwrap();
    assert!(
        s.s1.iter()
            .chain(&s.st)
            .chain(&s.s1_conf)
            .chain(&s.st_conf)
            .all(|&x| x == 0.0)
    );
    assert_eq!(s.s2[0].s2, 0.0);
}

#[test]
fn bad_outputs_and_settings_are_refused_with_reasons() {
    let design = Saltelli::new(8, 2, false).unwrap();
    let resamples = Resamples::draw(8, 10, &mut run_rng(1, 0));
    let y = vec![1.0; design.rows()];
    assert_eq!(
        design.analyze(&y[1..], &resamples, 0.95),
        Err(SensitivityError::OutputCount {
            expected: 32,
            got: 31
        })
    );
    let mut nan = y.clone();
    nan[5] = f64::NAN;
    let e = design.analyze(&nan, &resamples, 0.95).unwrap_err();
    assert_eq!(
        e.to_string(),
        "model output 5 (0-based row) is NaN; every output must be a finite number"
    );
    assert_eq!(
        design.analyze(&y, &resamples, 1.0),
        Err(SensitivityError::ConfidenceLevel(1.0))
    );
    let wrong = Resamples::draw(9, 10, &mut run_rng(1, 0));
    assert!(matches!(
        design.analyze(&y, &wrong, 0.95),
        Err(SensitivityError::ResampleSize {
            expected: 8,
            got: 9
        })
    ));
    let one = Resamples::draw(8, 1, &mut run_rng(1, 0));
    assert_eq!(
        design.analyze(&y, &one, 0.95),
        Err(SensitivityError::TooFewResamples(1))
    );
    assert!(Resamples::from_indices(3, vec![vec![0, 1, 3]]).is_err());
    assert!(Resamples::from_indices(3, vec![vec![0, 1]]).is_err());
    assert_eq!(
        Resamples::from_indices(3, vec![vec![0, 2, 2], vec![1, 1, 1]])
            .unwrap()
            .count(),
        2
    );
}

#[test]
fn morris_on_a_linear_function_finds_each_coefficient_times_its_range() {
    let c = [2.0, -3.0, 0.5, 0.0, 10.0];
    let priors = [
        Prior::uniform(0.0, 1.0).unwrap(),
        Prior::uniform(-2.0, 2.0).unwrap(),
        Prior::uniform(10.0, 30.0).unwrap(),
        Prior::uniform(0.0, 5.0).unwrap(),
        Prior::uniform(0.1, 0.2).unwrap(),
    ];
    let f = |x: &[f64]| -> f64 { 1.0 + x.iter().zip(&c).map(|(x, c)| x * c).sum::<f64>() };
    for levels in [4, 8] {
        let mut rng = run_rng(42, 0);
        let design = Morris::sample(5, 30, levels, &mut rng).unwrap();
        assert_eq!(design.rows().len(), 30 * 6);
        let y: Vec<f64> = design
            .rows()
            .iter()
            .map(|u| {
                let x: Vec<f64> = u.iter().zip(&priors).map(|(&u, p)| p.quantile(u)).collect();
                f(&x)
            })
            .collect();
        let resamples: Vec<Resamples> =
            (0..5).map(|_| Resamples::draw(30, 100, &mut rng)).collect();
        let m = design.analyze(&y, &resamples, 0.95).unwrap();
        for j in 0..5 {
            let (lo, hi) = priors[j].support();
            let effect = c[j] * (hi - lo);
            let tol = 1e-12 * effect.abs().max(1.0);
            assert!(
                (m.mu[j] - effect).abs() < tol,
                "mu[{j}] {} vs {effect}",
                m.mu[j]
            );
            assert!(
                (m.mu_star[j] - effect.abs()).abs() < tol,
                "mu*[{j}] {}",
                m.mu_star[j]
            );
            assert!(m.sigma[j].abs() < 1e-12, "sigma[{j}] {}", m.sigma[j]);
            assert!(m.mu_star_conf[j].abs() < 1e-12);
        }
        println!(
            "Morris, linear, p = {levels}: mu* {:?}, sigma {:?}",
            m.mu_star, m.sigma
        );
    }
}

#[test]
fn morris_sees_interactions_as_spread_and_repeats_with_its_seed() {
    let priors = vec![Prior::uniform(-PI, PI).unwrap(); 3];
    let run = |seed: u64| {
        let mut rng = run_rng(seed, 0);
        let design = Morris::sample(3, 100, 4, &mut rng).unwrap();
        let y: Vec<f64> = design
            .rows()
            .iter()
            .map(|u| {
                let x: Vec<f64> = u.iter().zip(&priors).map(|(&u, p)| p.quantile(u)).collect();
                ishigami(&x)
            })
            .collect();
        let shared = [Resamples::draw(100, 100, &mut rng)];
        design.analyze(&y, &shared, 0.95).unwrap()
    };
    let m = run(1);
    assert_eq!(m, run(1));
    // x3 acts only through its interaction with x1: its effects vary.
    assert!(m.sigma[2] > 0.5 * m.mu_star[2] && m.mu_star[2] > 0.0);
    assert!(m.mu_star.iter().all(|x| x.is_finite() && *x > 0.0));
}

#[test]
fn morris_refuses_what_it_cannot_analyse() {
    let mut rng = run_rng(1, 0);
    assert_eq!(
        Morris::sample(3, 10, 5, &mut rng),
        Err(SensitivityError::Levels(5))
    );
    assert!(Morris::sample(3, 1, 4, &mut rng).is_err());
    assert_eq!(
        Morris::sample(0, 10, 4, &mut rng),
        Err(SensitivityError::NoParameters)
    );
    let design = Morris::sample(3, 10, 4, &mut rng).unwrap();
    let y = vec![0.0; design.rows().len()];
    let two = [
        Resamples::draw(10, 5, &mut rng),
        Resamples::draw(10, 5, &mut rng),
    ];
    assert_eq!(
        design.analyze(&y, &two, 0.95),
        Err(SensitivityError::ResampleSets { params: 3, got: 2 })
    );
    assert!(design.analyze(&y[1..], &two[..1], 0.95).is_err());
}
