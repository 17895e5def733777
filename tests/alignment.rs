//! Alignment by Axelrod–Bennett landscape theory: frustration-reducing moves
//! never raise the energy, the dynamics settle, a small case settles in the
//! brute-force minimum, and neorealists balance or bandwagon as the
//! balance-of-threat rule says.

mod common;

use statecraft::game::alignment::{apart, energy, frustration, options, settle};
use statecraft::matrix::Matrix;

/// A deterministic stream of numbers in [0, 1) for test fixtures.
fn stream(seed: u64) -> impl FnMut() -> f64 {
    let mut x = seed;
    move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn symmetric(n: usize, next: &mut impl FnMut() -> f64) -> Matrix {
    let mut p = Matrix::new(n, n, 0.0);
    for i in 0..n {
        for j in i + 1..n {
            let v = 2.0 * next() - 1.0;
            p.set(i, j, v);
            p.set(j, i, v);
        }
    }
    p
}

#[test]
fn frustration_reducing_moves_never_raise_the_energy() {
    let mut next = stream(3);
    let choices = options(3);
    for _ in 0..200 {
        let n = 7;
        let p = symmetric(n, &mut next);
        let sizes: Vec<f64> = (0..n).map(|_| next() + 0.01).collect();
        let config: Vec<Option<usize>> = (0..n)
            .map(|_| choices[(next() * choices.len() as f64) as usize])
            .collect();
        for i in 0..n {
            for &c in &choices {
                let mut moved = config.clone();
                moved[i] = c;
                let d_f = frustration(i, c, &config, &sizes, &p)
                    - frustration(i, config[i], &config, &sizes, &p);
                let d_e = energy(&moved, &sizes, &p) - energy(&config, &sizes, &p);
                // ΔE = s_i ΔF_i exactly: a move that lowers F_i lowers E.
                assert!((d_e - sizes[i] * d_f).abs() < 1e-12);
                if d_f < 0.0 {
                    assert!(d_e < 0.0);
                }
            }
        }
        let mut settling = config.clone();
        assert!(
            settle(&mut settling, &sizes, &p, &choices, 1000).is_some(),
            "the dynamics must settle"
        );
    }
}

#[test]
fn a_small_landscape_settles_in_the_brute_force_minimum() {
    // Two camps of friends who dislike each other; unequal sizes.
    let n = 6;
    let camp = |i: usize| usize::from(i >= 3);
    let mut p = Matrix::new(n, n, 0.0);
    let mut next = stream(11);
    for i in 0..n {
        for j in i + 1..n {
            let v = if camp(i) == camp(j) {
                0.5 + next()
            } else {
                -0.5 - next()
            };
            p.set(i, j, v);
            p.set(j, i, v);
        }
    }
    let sizes: Vec<f64> = (0..n).map(|_| 0.1 + next()).collect();
    let two = [Some(0), Some(1)];
    let best = (0..1u32 << n)
        .map(|bits| {
            (0..n)
                .map(|i| Some(((bits >> i) & 1) as usize))
                .collect::<Vec<_>>()
        })
        .map(|c| energy(&c, &sizes, &p))
        .fold(f64::INFINITY, f64::min);
    for start in 0..1u32 << n {
        let mut config: Vec<Option<usize>> =
            (0..n).map(|i| Some(((start >> i) & 1) as usize)).collect();
        settle(&mut config, &sizes, &p, &two, 100).unwrap();
        assert!(
            (energy(&config, &sizes, &p) - best).abs() < 1e-12,
            "start {start:06b} settled at {config:?}"
        );
        assert_eq!(apart(config[0], config[3]), 1.0);
    }
}

/// A small neorealist SML next to great power BIG (bloc EAST), and a distant
/// great power FAR (bloc WEST).
fn threat_world(big_military: f64) -> statecraft::world::World {
    common::world(&format!(
        "[scenario]\nname = \"a\"\n[timeline]\nstart = 1\nend = 5\n[model]\nbandwagon_ratio = 10\n\
         [doctrines.neorealist.alignment]\nprecision = 1000\n\
         [states.SML]\nname = \"s\"\ngdp_musd = 1\nmilitary_musd = 10\ndoctrine = \"neorealist\"\nneighbours = [\"BIG\"]\n\
         [states.BIG]\nname = \"b\"\ngdp_musd = 1\nmilitary_musd = {big_military}\ngreat_power = true\ndoctrine = \"neorealist\"\n\
         [states.FAR]\nname = \"f\"\ngdp_musd = 1\nmilitary_musd = 60\ngreat_power = true\ndoctrine = \"neorealist\"\n\
         [blocs.EAST]\nmembers = [\"BIG\"]\n[blocs.WEST]\nmembers = [\"FAR\"]\n"
    ))
}

#[test]
fn a_neorealist_balances_a_threatening_neighbour_and_bandwagons_with_an_overwhelming_one() {
    // BIG has 5× SML's capability: a threat to balance against, with FAR.
    let w = threat_world(50.0);
    assert_eq!(common::mean(&w, "SML", "aligned:WEST", 5), 1.0);
    // 50×: past the bandwagon ratio, SML sides with its neighbour.
    let w = threat_world(500.0);
    assert_eq!(common::mean(&w, "SML", "aligned:EAST", 5), 1.0);
    // Security is the capability on SML's side against the rest, weighted by
    // reach: aligned with BIG, a quarter of BIG's 500 (the default alignment
    // commitment) supports SML's 10; the rest of BIG (a neighbour, reach 1)
    // and FAR (distant, reach 0.25) weigh against it.
    let sec = common::mean(&w, "SML", "security", 1);
    let support = 10.0 + 0.25 * 500.0;
    let threat = 0.75 * 500.0 + 0.25 * 60.0;
    assert!((sec - support / (support + threat)).abs() < 1e-12, "{sec}");
}
