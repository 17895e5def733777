//! The equilibria behind one tariff decision of the flagship: Kazakhstan in
//! 2016 weighing each of its options, the policy the option leads to and the
//! continuation in which partners answer a rise in kind (what
//! `game::forecast::forecast_change` asks the economy for). Twice: with the
//! equilibria already cached (the common case — the same options recur within
//! a year) and solved afresh (a new trade-model id each time, so every lookup
//! misses).
//!
//!   cargo bench --bench forecast

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use statecraft::economy::Economy;
use statecraft::game::{forecast, tariff};
use statecraft::policy::Policy;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn decision(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/kazakhstan_wto_eaeu.toml");
    let world = statecraft::scenario::load(&path, &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .world;
    let model = world
        .trade
        .as_ref()
        .expect("the flagship has a trade model");
    let kaz = world.state_index("KAZ").expect("KAZ");
    let base = Policy::initial(&world, 2016);
    let mut policies = Vec::new();
    for c in tariff::options(&world, &base, kaz) {
        let mut next = base.clone();
        tariff::apply(&world, &mut next, kaz, &c);
        let mut answered = next.clone();
        forecast::answer_in_kind(&world, kaz, &base, &next, &mut answered);
        policies.extend([next, answered]);
    }
    let mut group = c.benchmark_group("forecast");
    let mut economy = Economy::new(&world, model);
    group.bench_function("one_tariff_decision_cached", |b| {
        b.iter(|| {
            policies
                .iter()
                .map(|p| economy.gains(black_box(p)).unwrap()[kaz])
                .sum::<f64>()
        })
    });
    let mut id = 1u64 << 40;
    group.bench_function("one_tariff_decision_solved", |b| {
        b.iter_batched(
            || {
                id += 1;
                let mut fresh = model.clone();
                fresh.id = id;
                fresh
            },
            |fresh| {
                let mut economy = Economy::new(&world, &fresh);
                policies
                    .iter()
                    .map(|p| economy.gains(black_box(p)).unwrap()[kaz])
                    .sum::<f64>()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).sample_size(30);
    targets = decision
}
criterion_main!(benches);
