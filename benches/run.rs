//! Whole-run throughput of the shipped scenarios, in runs per second on one
//! core: the teaching scenario (`classic_cooperation`: eleven states, 55 pairs,
//! 200 rounds) and the flagship (`kazakhstan_wto_eaeu`: 12 regions, 31 years,
//! every decision forecast with the trade equilibrium). `statecraft run` spreads runs over
//! all cores and adds CSV writing; its own figure is in `manifest.json`
//! (`runs_per_second`).
//!
//!   cargo bench --bench run

mod common;

use common::Setup;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use statecraft::simulation::{RunOptions, simulate};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn classic_cooperation(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classic_cooperation.toml");
    let loaded = statecraft::scenario::load(&path, &[])
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));
    let seed = loaded.world.run.seed;
    let setup = Setup::from_world(loaded.world);
    let mut group = c.benchmark_group("run");
    group.throughput(Throughput::Elements(1));
    let mut run = 0u64;
    group.bench_function("classic_cooperation", |b| {
        b.iter(|| {
            run += 1;
            simulate(
                black_box(&setup.world),
                &setup.profile,
                &setup.catalogue,
                black_box(seed),
                run,
                &RunOptions::default(),
            )
        })
    });
    group.finish();
}

fn kazakhstan_wto_eaeu(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/kazakhstan_wto_eaeu.toml");
    let loaded = statecraft::scenario::load(&path, &[])
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));
    let seed = loaded.world.run.seed;
    let setup = Setup::from_world(loaded.world);
    let mut group = c.benchmark_group("run");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    let mut run = 0u64;
    group.bench_function("kazakhstan_wto_eaeu", |b| {
        b.iter(|| {
            run += 1;
            simulate(
                black_box(&setup.world),
                &setup.profile,
                &setup.catalogue,
                black_box(seed),
                run,
                &RunOptions::default(),
            )
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(30);
        targets = classic_cooperation, kazakhstan_wto_eaeu
}
criterion_main!(benches);
