//! Monte Carlo execution: reproducible random streams and ordered parallel runs.
//!
//! Run r draws only from ChaCha8 stream r of the master seed: the key is the
//! seed expanded by `SeedableRng::seed_from_u64`, the stream (nonce) is r. Runs
//! are independent, so they execute in parallel on rayon's pool, a chunk at a
//! time; the chunk's outcomes come back in run order and are handed to the sink
//! sequentially while the next chunk computes. Nothing is reduced in parallel, so
//! results are byte-identical for any thread count, and memory is bounded by the
//! chunk size, not by the number of runs.
//!
//! [`uniform_open`] and [`uniform_index`] turn a stream's 64-bit words into a
//! uniform number and a uniform index by fixed, documented arithmetic of our
//! own, so what a seed draws does not change when `rand` revises its
//! conversions.

use rand::SeedableRng;

/// Most runs a job may have (`--runs`, `[run] runs`): 10⁹, about 7.8 million
/// chunks, far more than one machine simulates in a week; beyond it a job's
/// bookkeeping, not its runs, would dominate.
pub const MAX_RUNS: u64 = 1_000_000_000;

/// Most worker threads a job may ask for (`--threads`): more than any
/// machine's cores, and few enough that spawning them cannot exhaust memory.
pub const MAX_THREADS: usize = 1024;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::ops::Range;

/// The random stream of run `run` under master seed `seed`.
pub fn run_rng(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// A uniform draw on the open interval (0, 1): the top 53 bits of one 64-bit
/// word, k, give (k + ½)·2⁻⁵³, the midpoint of one of 2⁵³ equal cells, so it
/// is never 0 or 1 (logarithms and inverse distribution functions stay
/// finite) and its distribution is symmetric about ½.
pub fn uniform_open(rng: &mut ChaCha8Rng) -> f64 {
    const CELL: f64 = 1.0 / (1u64 << 53) as f64;
    ((rand::Rng::next_u64(rng) >> 11) as f64 + 0.5) * CELL
}

/// A uniform index in 0..n (n > 0; 0 when n = 0), without bias: Lemire's
/// multiply-and-shift (Lemire 2019, "Fast random integer generation in an
/// interval", *ACM TOMACS* 29:3), which rejects the few words that would
/// favour low indices.
pub fn uniform_index(rng: &mut ChaCha8Rng, n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    let n = n as u64;
    // 2⁶⁴ mod n: words whose low product falls below it are redrawn.
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rand::Rng::next_u64(rng)) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as usize;
        }
    }
}

/// Simulate the runs of each chunk in parallel and give each chunk's outcomes,
/// in run order, to `sink` — chunks in the order given. Computing chunk k+1
/// overlaps with the sink consuming chunk k. Before each chunk starts,
/// `proceed()` is asked whether to go on (cancellation).
pub fn execute<T, E, F, S>(
    chunks: &[(u64, Range<u64>)],
    simulate: F,
    proceed: &(dyn Fn() -> bool + Sync),
    mut sink: S,
) -> Result<(), E>
where
    T: Send,
    E: Send,
    F: Fn(u64) -> T + Sync,
    S: FnMut(u64, Vec<T>) -> Result<(), E> + Send,
{
    let compute = |r: Range<u64>| -> Vec<T> { r.into_par_iter().map(&simulate).collect() };
    let mut pending = chunks.iter().cloned();
    let Some((mut index, first)) = pending.next() else {
        return Ok(());
    };
    if !proceed() {
        return Ok(());
    }
    let mut current = compute(first);
    loop {
        let next = pending.next().filter(|_| proceed());
        let (computed, written) = rayon::join(
            || next.map(|(i, r)| (i, compute(r))),
            || sink(index, std::mem::take(&mut current)),
        );
        written?;
        match computed {
            Some((i, c)) => (index, current) = (i, c),
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn uniform_draws_stay_inside_and_indices_cover_the_range_evenly() {
        let mut rng = run_rng(3, 0);
        for _ in 0..10_000 {
            let u = uniform_open(&mut rng);
            assert!(u > 0.0 && u < 1.0);
        }
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[uniform_index(&mut rng, 7)] += 1;
        }
        // Each count is binomial(70000, 1/7): sd ≈ 93.
        for c in counts {
            assert!((c as f64 - 10_000.0).abs() < 500.0, "{counts:?}");
        }
        assert_eq!(uniform_index(&mut rng, 1), 0);
        assert_eq!(uniform_index(&mut rng, 0), 0);
    }

    #[test]
    fn streams_differ_and_repeat() {
        let a: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(run_rng(7, 0), |r, _: u64| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(run_rng(7, 0), |r, _: u64| Some(r.next_u64()))
            .collect();
        let c: Vec<u64> = (0..4)
            .map(|_| 0)
            .scan(run_rng(7, 1), |r, _: u64| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
