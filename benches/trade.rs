//! The trade solver on the flagship's 12 regions — a tariff change by one
//! state (as every tariff-game option is) solved cold from ŵ = 1 (what the
//! simulation does, so solutions depend on their key alone) and truly warm,
//! from the solution of a nearby non-baseline shock; a near-autarky shock
//! (every international cost ×100, the fall-back path) — and a
//! counterfactual on 44 regions (a synthetic gravity economy: no 44-region
//! data ship with the scenarios).
//!
//!   cargo bench --bench trade

use criterion::{Criterion, criterion_group, criterion_main};
use statecraft::matrix::Matrix;
use statecraft::trade::{Baseline, Shock, Solver};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// KAZ's tariff on everyone raised by `points` percentage points.
fn kaz_raises(base: &Baseline, kaz: usize, points: f64) -> Matrix {
    let mut tariff = base.tariff.clone();
    for i in (0..base.n).filter(|&i| i != kaz) {
        tariff.set(kaz, i, base.tariff.get(kaz, i) + points / 100.0);
    }
    tariff
}

/// `n` regions of GDP 100…(100 + 25·(n−1)) on a circle, exports falling
/// with distance (gravity), tariffs of 2–9 %, trade unbalanced.
fn synthetic(n: usize) -> Baseline {
    let gdp: Vec<f64> = (0..n).map(|i| 100.0 + 25.0 * i as f64).collect();
    let mut flows = Matrix::new(n, n, 0.0);
    let mut tariff = Matrix::new(n, n, 0.0);
    for i in 0..n {
        for m in (0..n).filter(|&m| m != i) {
            let d = (i as f64 - m as f64)
                .abs()
                .min(n as f64 - (i as f64 - m as f64).abs());
            let tilt = 1.0 + 0.2 * ((i * 7 + m * 3) % 5) as f64 / 5.0;
            flows.set(
                i,
                m,
                0.3 * tilt * gdp[i] * gdp[m] / (gdp.iter().sum::<f64>() * d),
            );
            tariff.set(m, i, 0.02 + 0.01 * ((i + 2 * m) % 8) as f64);
        }
    }
    Baseline::calibrate(&gdp, &flows, &tariff, 5.0).expect("a valid synthetic economy")
}

fn solver(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/kazakhstan_wto_eaeu.toml");
    let loaded = statecraft::scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"));
    let model = loaded
        .world
        .trade
        .as_ref()
        .expect("the flagship has a trade model");
    let base = &model.baseline;
    let n = base.n;
    let kaz = loaded.world.state_index("KAZ").expect("KAZ");
    let cost = base.cost.clone();
    let tariff = kaz_raises(base, kaz, 5.0);
    let shock = Shock {
        tariff: &tariff,
        cost: &cost,
        deficit: &base.deficit,
        endowment: None,
    };
    // The warm start: the solution of a nearby shock, KAZ +4 points.
    let nearby = kaz_raises(base, kaz, 4.0);
    let mut s = Solver::new(n);
    let warm = s
        .solve(
            base,
            &Shock {
                tariff: &nearby,
                ..shock
            },
            None,
        )
        .unwrap()
        .wage
        .clone();
    let iterations =
        |s: &mut Solver, warm: Option<&[f64]>| s.solve(base, &shock, warm).unwrap().iterations;
    eprintln!(
        "KAZ +5 points: {} Newton iterations cold, {} warm from KAZ +4",
        iterations(&mut s, None),
        iterations(&mut s, Some(&warm))
    );
    let mut group = c.benchmark_group("trade");
    group.bench_function("cold_counterfactual_12_regions", |b| {
        b.iter(|| {
            s.solve(base, black_box(&shock), None)
                .map(|x| x.welfare[kaz])
        })
    });
    group.bench_function("warm_counterfactual_12_regions", |b| {
        b.iter(|| {
            s.solve(base, black_box(&shock), Some(&warm))
                .map(|x| x.welfare[kaz])
        })
    });
    let mut far = Matrix::new(n, n, 100.0);
    for i in 0..n {
        far.set(i, i, 1.0);
    }
    let zero = vec![0.0; n];
    let autarky = Shock {
        tariff: &base.tariff,
        cost: &far,
        deficit: &zero,
        endowment: None,
    };
    eprintln!(
        "costs ×100: {} iterations (first method and fall-back)",
        s.solve(base, &autarky, None).unwrap().iterations
    );
    group.bench_function("costs_x100_12_regions", |b| {
        b.iter(|| {
            s.solve(base, black_box(&autarky), None)
                .map(|x| x.welfare[kaz])
        })
    });
    let big = synthetic(44);
    let raised = kaz_raises(&big, 0, 5.0);
    let ones = Matrix::new(44, 44, 1.0);
    let shock44 = Shock {
        tariff: &raised,
        cost: &ones,
        deficit: &big.deficit,
        endowment: None,
    };
    let mut s44 = Solver::new(44);
    eprintln!(
        "44 regions, one region +5 points: {} iterations",
        s44.solve(&big, &shock44, None).unwrap().iterations
    );
    group.bench_function("counterfactual_44_regions", |b| {
        b.iter(|| {
            s44.solve(&big, black_box(&shock44), None)
                .map(|x| x.welfare[0])
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).sample_size(30);
    targets = solver
}
criterion_main!(benches);
