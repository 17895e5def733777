//! Summary statistics: folding 100,000 values into one
//! `statecraft::stats::Accumulator` and summarising it (mean, sd, t interval,
//! quantiles). The values are all distinct, so the quantile sketch has to merge
//! centroids: the accumulator's worst case. Reported in values per second.
//!
//!   cargo bench --bench stats

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use statecraft::stats::Accumulator;
use std::hint::black_box;
use std::time::Duration;

const VALUES: u64 = 100_000;

fn accumulator(c: &mut Criterion) {
    // A fixed, well-spread sequence in [0, 1): a permutation of 0..VALUES, scaled.
    let values: Vec<f64> = (0..VALUES)
        .map(|i| ((i * 7919) % VALUES) as f64 / VALUES as f64)
        .collect();
    let mut group = c.benchmark_group("stats");
    group.throughput(Throughput::Elements(VALUES));
    group.bench_function("accumulator", |b| {
        b.iter_batched(
            Accumulator::default,
            |mut acc| {
                for &x in black_box(&values) {
                    acc.push(x);
                }
                acc.summary()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(20);
    targets = accumulator
}
criterion_main!(benches);
