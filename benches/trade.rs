//! The trade solver: one warm-started counterfactual on the flagship's 12
//! regions (a tariff change by one state, as every tariff-game option is), and
//! a cold solve of the same shock.

use criterion::{Criterion, criterion_group, criterion_main};
use statecraft::matrix::Matrix;
use statecraft::trade::{Shock, Solver};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

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
    // KAZ raises its tariff on everyone by 5 points.
    let mut tariff = base.tariff.clone();
    for i in (0..n).filter(|&i| i != kaz) {
        tariff.set(kaz, i, base.tariff.get(kaz, i) + 0.05);
    }
    let cost = Matrix::new(n, n, 1.0);
    let shock = Shock {
        tariff: &tariff,
        cost: &cost,
        deficit: &base.deficit,
        endowment: None,
    };
    let mut s = Solver::new(n);
    let warm = s
        .solve(
            base,
            &Shock {
                tariff: &base.tariff,
                cost: &cost,
                deficit: &base.deficit,
                endowment: None,
            },
            None,
        )
        .unwrap()
        .wage
        .clone();
    let mut group = c.benchmark_group("trade");
    group.bench_function("warm_counterfactual_12_regions", |b| {
        b.iter(|| {
            s.solve(base, black_box(&shock), Some(&warm))
                .map(|x| x.welfare[kaz])
        })
    });
    group.bench_function("cold_counterfactual_12_regions", |b| {
        b.iter(|| {
            s.solve(base, black_box(&shock), None)
                .map(|x| x.welfare[kaz])
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
