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
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::ops::Range;

/// Runs computed together before their outcomes are handed on.
pub const CHUNK_RUNS: u64 = 256;

/// The random stream of run `run` under master seed `seed`.
pub fn run_rng(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// Split `runs` into consecutive chunks of at most `size` runs.
pub fn chunks(runs: Range<u64>, size: u64) -> impl Iterator<Item = Range<u64>> {
    let size = size.max(1);
    (runs.start..runs.end)
        .step_by(size as usize)
        .map(move |s| s..(s + size).min(runs.end))
}

/// Simulate every run in `runs` in parallel and give the outcomes to `sink` in
/// run order. Computing chunk k+1 overlaps with the sink consuming chunk k.
pub fn execute<T, E, F, S>(runs: Range<u64>, simulate: F, mut sink: S) -> Result<(), E>
where
    T: Send,
    E: Send,
    F: Fn(u64) -> T + Sync,
    S: FnMut(T) -> Result<(), E> + Send,
{
    let compute = |r: Range<u64>| -> Vec<T> { r.into_par_iter().map(&simulate).collect() };
    let mut pending = chunks(runs, CHUNK_RUNS);
    let Some(first) = pending.next() else {
        return Ok(());
    };
    let mut current = compute(first);
    loop {
        let next = pending.next();
        let (computed, written) = rayon::join(
            || next.map(compute),
            || current.drain(..).try_for_each(&mut sink),
        );
        written?;
        match computed {
            Some(c) => current = c,
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn chunks_cover_the_range_in_order() {
        let c: Vec<_> = chunks(3..10, 3).collect();
        assert_eq!(c, vec![3..6, 6..9, 9..10]);
        assert_eq!(chunks(5..5, 3).count(), 0);
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
