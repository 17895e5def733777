//! Matrix-game throughput: whole runs of a 200-round round robin among eight
//! states, reported in pair-rounds per second (one pair-round = both sides of one
//! pair choosing, revealing and scoring one round, plus that round's share of
//! learning and bookkeeping).
//!
//! For scale: the Python Axelrod library plays roughly 0.2 million pair-rounds
//! per second; fixed strategies here should reach tens of millions per core, and
//! doctrine players (which value both options with their theory and choose by
//! logit) at least a few million.
//!
//!   cargo bench --bench matrix

mod common;

use common::Setup;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use statecraft::simulation::{RunOptions, simulate};
use std::hint::black_box;
use std::time::Duration;

fn bench_round_robin(c: &mut Criterion, id: &str, setup: &Setup) {
    let mut group = c.benchmark_group("matrix");
    group.throughput(Throughput::Elements(setup.pair_rounds()));
    let mut run = 0u64;
    group.bench_function(id, |b| {
        b.iter(|| {
            run += 1;
            simulate(
                black_box(&setup.world),
                &setup.profile,
                &setup.catalogue,
                black_box(1984),
                run,
                &RunOptions::default(),
            )
        })
    });
    group.finish();
}

fn classic_round_robin(c: &mut Criterion) {
    let setup = Setup::parse(&common::classic_round_robin());
    assert_eq!(setup.world.games[0].pairs.len(), 28);
    bench_round_robin(c, "classic_round_robin", &setup);
}

fn doctrine_round_robin(c: &mut Criterion) {
    let setup = Setup::parse(&common::doctrine_round_robin());
    assert_eq!(setup.world.games[0].pairs.len(), 28);
    bench_round_robin(c, "doctrine_round_robin", &setup);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(30);
    targets = classic_round_robin, doctrine_round_robin
}
criterion_main!(benches);
