//! The economy of a run: welfare changes for any policy, by the trade
//! equilibrium (docs/model.md §3 step 6, §7.2).
//!
//! Decisions compare many hypothetical policies, and the same policies recur
//! within a year and across runs, so solutions are memoised, keyed by the
//! trade model and the exact tariffs, trade costs and endowments they solve.
//! Every solve starts from the same point (ŵ = 1), so a solution is a
//! deterministic function of its key alone: whether it comes from the cache or
//! is solved afresh, on whichever thread, it is the same to the last bit —
//! which is what lets the cache be shared by all runs a worker thread executes
//! without touching reproducibility. The cache may change speed, never numbers.
//!
//! The hot path allocates nothing in steady state: the shocked matrices are
//! rebuilt in place; the key is hashed incrementally — a sum of one mixed word
//! per matrix entry, so only the entries that differ from the previous policy
//! (an option differs from the status quo in few) are re-mixed; keys live in
//! one flat arena compared word by word (a hash collision costs time, never a
//! wrong number); gains are handed out as shared [`Welfare`] without copying,
//! and an evicted entry's buffer is reused when no forecast still holds it.
//! The cache is bounded in entries and bytes, and per worker thread.

use crate::matrix::Matrix;
use crate::policy::{Policy, ShockScratch};
use crate::trade::{Shock, Solver, TradeError};
use crate::world::{TradeModel, World};
use std::cell::RefCell;

pub use crate::doctrine::Welfare;

/// Equilibria a worker thread keeps before it starts afresh…
const CACHE_ENTRIES: usize = 20_000;
/// …and the bytes of keys it may hold (about 2.4 KB a key for 12 regions,
/// 31 KB for 44), so memory stays flat in the number of runs and regions.
const CACHE_BYTES: usize = 48 << 20;

/// One mixed word per key entry (the SplitMix64 finaliser of the entry's bits
/// and its position): keys are hashed as the wrapping sum of these, so an
/// entry that changes updates the hash by two mixes.
fn mix(position: usize, bits: u64) -> u64 {
    let mut z = bits ^ (position as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A bounded, open-addressed table of solutions with keys in a flat arena.
/// When full it starts afresh (old buffers are kept for reuse).
#[derive(Default)]
struct Cache {
    /// Words per key: model id, tariffs, costs, endowments.
    key_len: usize,
    capacity: usize,
    /// `capacity × key_len` words.
    keys: Vec<u64>,
    hashes: Vec<u64>,
    values: Vec<Welfare>,
    /// Entries in use since the last fresh start.
    len: usize,
    /// Slot → entry + 1 (0 = empty); a power of two, at least twice `capacity`.
    table: Vec<u32>,
}

impl Cache {
    fn reset(&mut self, key_len: usize) {
        self.key_len = key_len;
        self.capacity = (CACHE_BYTES / (8 * key_len)).clamp(64, CACHE_ENTRIES);
        self.keys.clear();
        self.hashes.clear();
        self.values.clear();
        self.len = 0;
        self.table.clear();
        self.table
            .resize((2 * self.capacity).next_power_of_two(), 0);
    }

    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    /// The entry for `key` (hash `hash`), if cached.
    fn find(&self, hash: u64, key: &Key<'_>) -> Option<usize> {
        let mut slot = hash as usize & self.mask();
        loop {
            let e = self.table[slot] as usize;
            if e == 0 {
                return None;
            }
            let e = e - 1;
            if self.hashes[e] == hash
                && key.equals(&self.keys[e * self.key_len..(e + 1) * self.key_len])
            {
                return Some(e);
            }
            slot = (slot + 1) & self.mask();
        }
    }

    /// A new entry for `key`: its slot in the table, its key stored, and a
    /// buffer of `n` gains to fill (reused from an evicted entry when no one
    /// holds it any more).
    fn insert(&mut self, hash: u64, key: &Key<'_>, n: usize) -> usize {
        if self.len == self.capacity {
            self.len = 0;
            self.table.iter_mut().for_each(|s| *s = 0);
        }
        let e = self.len;
        self.len += 1;
        let words = e * self.key_len..(e + 1) * self.key_len;
        if self.keys.len() < words.end {
            self.keys.resize(words.end, 0);
            self.hashes.push(0);
        }
        key.store(&mut self.keys[words]);
        self.hashes[e] = hash;
        if e == self.values.len() {
            self.values.push(vec![0.0; n].into());
        } else if self.values[e].unique_mut().is_none() {
            self.values[e] = vec![0.0; n].into();
        }
        let mut slot = hash as usize & self.mask();
        while self.table[slot] != 0 {
            slot = (slot + 1) & self.mask();
        }
        self.table[slot] = (e + 1) as u32;
        e
    }
}

/// A key, read in place from the economy's matrices.
struct Key<'a> {
    id: u64,
    tariff: &'a [f64],
    cost: &'a [f64],
    /// None: no growth, the same as endowments of 1 (the solver reads it so).
    endowment: Option<&'a [f64]>,
    n: usize,
}

impl Key<'_> {
    fn words(&self) -> impl Iterator<Item = u64> + '_ {
        let endowment = (0..self.n).map(|k| self.endowment.map_or(1.0, |l| l[k]));
        std::iter::once(self.id).chain(
            self.tariff
                .iter()
                .chain(self.cost)
                .copied()
                .chain(endowment)
                .map(f64::to_bits),
        )
    }

    fn len(&self) -> usize {
        1 + self.tariff.len() + self.cost.len() + self.n
    }

    /// Word by word, one slice at a time (no early exit inside a slice, so
    /// the comparison vectorises; a hit compares every word anyway).
    fn equals(&self, stored: &[u64]) -> bool {
        let same = |xs: &[f64], ws: &[u64]| {
            xs.iter()
                .zip(ws)
                .fold(true, |eq, (x, &w)| eq & (x.to_bits() == w))
        };
        let nn = self.tariff.len();
        let (tariff, rest) = stored[1..].split_at(nn);
        let (cost, endowment) = rest.split_at(nn);
        stored[0] == self.id
            && same(self.tariff, tariff)
            && same(self.cost, cost)
            && match self.endowment {
                Some(l) => same(l, endowment),
                None => endowment.iter().all(|&w| w == 1f64.to_bits()),
            }
    }

    fn store(&self, into: &mut [u64]) {
        for (slot, w) in into.iter_mut().zip(self.words()) {
            *slot = w;
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

pub struct Economy<'w> {
    world: &'w World,
    model: &'w TradeModel,
    solver: Solver,
    tariff: Matrix,
    cost: Matrix,
    /// The matrices the running hash `matrix_hash` was summed over.
    hashed_tariff: Vec<f64>,
    hashed_cost: Vec<f64>,
    matrix_hash: u64,
    scratch: ShockScratch,
    deficit: Vec<f64>,
    /// Equilibria solved (cache misses) by this economy.
    pub solves: u64,
}

impl<'w> Economy<'w> {
    pub fn new(world: &'w World, model: &'w TradeModel) -> Self {
        let n = world.n_states();
        let (tariff, cost) = (Matrix::new(n, n, 0.0), Matrix::new(n, n, 1.0));
        let matrix_hash = tariff
            .data
            .iter()
            .chain(&cost.data)
            .enumerate()
            .fold(0u64, |h, (p, x)| h.wrapping_add(mix(p + 1, x.to_bits())));
        Economy {
            world,
            model,
            solver: Solver::new(n),
            hashed_tariff: tariff.data.clone(),
            hashed_cost: cost.data.clone(),
            tariff,
            cost,
            matrix_hash,
            scratch: ShockScratch::default(),
            deficit: model.baseline.deficit.clone(),
            solves: 0,
        }
    }

    /// Bring the running hash of the matrices up to date: re-mix only the
    /// entries that changed since it was last updated.
    fn update_hash(&mut self) {
        let nn = self.tariff.data.len();
        let mut h = self.matrix_hash;
        let pairs = [
            (&self.tariff.data, &mut self.hashed_tariff, 1),
            (&self.cost.data, &mut self.hashed_cost, 1 + nn),
        ];
        for (now, then, offset) in pairs {
            for (p, (x, old)) in now.iter().zip(then.iter_mut()).enumerate() {
                if x.to_bits() != old.to_bits() {
                    h = h
                        .wrapping_sub(mix(offset + p, old.to_bits()))
                        .wrapping_add(mix(offset + p, x.to_bits()));
                    *old = *x;
                }
            }
        }
        self.matrix_hash = h;
    }

    /// ĝ for every state under `policy`.
    pub fn gains(&mut self, policy: &Policy) -> Result<Welfare, TradeError> {
        policy.shock_into(
            self.world,
            &mut self.tariff,
            &mut self.cost,
            &mut self.scratch,
        );
        self.update_hash();
        let n = self.world.n_states();
        // Growth relative to the data year, where the scenario gives GDP by year.
        let endowment = self.model.endowment(policy.year);
        let key = Key {
            id: self.model.id,
            tariff: &self.tariff.data,
            cost: &self.cost.data,
            endowment,
            n,
        };
        let offset = 1 + 2 * self.tariff.data.len();
        let hash = (0..n).fold(
            self.matrix_hash.wrapping_add(mix(0, self.model.id)),
            |h, k| h.wrapping_add(mix(offset + k, endowment.map_or(1.0, |l| l[k]).to_bits())),
        );
        let hit = CACHE.with_borrow_mut(|c| {
            if c.key_len != key.len() {
                c.reset(key.len());
            }
            c.find(hash, &key).map(|e| c.values[e].clone())
        });
        if let Some(g) = hit {
            return Ok(g);
        }
        let shock = Shock {
            tariff: &self.tariff,
            cost: &self.cost,
            deficit: &self.deficit,
            endowment,
        };
        let solution = self.solver.solve(&self.model.baseline, &shock, None)?;
        self.solves += 1;
        Ok(CACHE.with_borrow_mut(|c| {
            let e = c.insert(hash, &key, n);
            let gains = c.values[e]
                .unique_mut()
                .expect("a fresh or unshared buffer");
            for (g, w) in gains.iter_mut().zip(&solution.welfare) {
                *g = 100.0 * (w - 1.0);
            }
            c.values[e].clone()
        }))
    }

    /// Trade-weighted mean tariff (percent) each importer applies under
    /// `policy`, weighted by baseline import shares.
    pub fn mean_tariffs(&mut self, policy: &Policy) -> Vec<f64> {
        policy.shock_into(
            self.world,
            &mut self.tariff,
            &mut self.cost,
            &mut self.scratch,
        );
        (0..self.world.n_states())
            .map(|n| {
                let shares = self.model.baseline.shares.row(n);
                let (mut num, mut den) = (0.0, 0.0);
                for (i, &s) in shares.iter().enumerate().filter(|&(i, _)| i != n) {
                    num += s * self.tariff.get(n, i);
                    den += s;
                }
                if den > 0.0 {
                    100.0 * num / den
                } else {
                    f64::NAN
                }
            })
            .collect()
    }
}
