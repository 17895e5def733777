//! Monte Carlo execution: reproducible random streams and ordered parallel runs.
//!
//! Run r draws only from ChaCha8 stream r of the master seed: the key is the
//! seed expanded by `SeedableRng::seed_from_u64`, the stream (nonce) is r. Runs
//! are independent, so they execute in parallel on rayon's pool, a chunk at a
//! time; the chunk's outcomes come back in run order and are handed to the sink
//! sequentially while the next chunk computes. Nothing is reduced in parallel, so
//! results are byte-identical for any thread count, and memory is bounded by the
//! chunk size, not by the number of runs.

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
