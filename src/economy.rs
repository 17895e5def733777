//! The economy of a run: welfare changes for any policy, by the trade
//! equilibrium (docs/model.md §3 step 6, §7.2).
//!
//! Decisions compare many hypothetical policies, and the same policies recur
//! year after year and run after run, so solutions are memoised, keyed by the
//! trade model and the exact tariffs and trade costs they solve. Every solve
//! starts from the same point (ŵ = 1), so a solution is a deterministic function
//! of its key alone: whether it comes from the cache or is solved afresh, on
//! whichever thread, it is the same to the last bit — which is what lets the
//! cache be shared by all runs a worker thread executes without touching
//! reproducibility. The cache is bounded, so memory does not grow with runs.

use crate::matrix::Matrix;
use crate::policy::Policy;
use crate::trade::{Shock, Solver, TradeError};
use crate::world::{TradeModel, World};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Welfare changes ĝ_n (percent of baseline real spending) of every state.
pub type Welfare = Box<[f64]>;

/// Equilibria a worker thread keeps before it starts afresh (about 2.5 KB each
/// for 12 regions).
const CACHE_ENTRIES: usize = 20_000;

/// A fast multiplicative hasher for the cache's keys (bit patterns of floats);
/// the cache is never iterated, so hashing cannot affect results.
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Cache = HashMap<Box<[u64]>, Welfare, BuildHasherDefault<WordHasher>>;

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

pub struct Economy<'w> {
    world: &'w World,
    model: &'w TradeModel,
    solver: Solver,
    tariff: Matrix,
    cost: Matrix,
    deficit: Vec<f64>,
    key: Vec<u64>,
    /// Equilibria solved (cache misses) by this economy.
    pub solves: u64,
}

impl<'w> Economy<'w> {
    pub fn new(world: &'w World, model: &'w TradeModel) -> Self {
        let n = world.n_states();
        Economy {
            world,
            model,
            solver: Solver::new(n),
            tariff: Matrix::new(n, n, 0.0),
            cost: Matrix::new(n, n, 1.0),
            deficit: model.baseline.deficit.clone(),
            key: Vec::with_capacity(2 * n * n + 1),
            solves: 0,
        }
    }

    /// ĝ for every state under `policy`.
    pub fn gains(&mut self, policy: &Policy) -> Result<Welfare, TradeError> {
        policy.shock(self.world, &mut self.tariff, &mut self.cost);
        self.key.clear();
        self.key.push(self.model.id);
        self.key.extend(
            self.tariff
                .data
                .iter()
                .chain(&self.cost.data)
                .map(|x| x.to_bits()),
        );
        // Growth relative to the data year, where the scenario gives GDP by year.
        let endowment = self.model.endowment(policy.year);
        if let Some(l) = endowment {
            self.key.extend(l.iter().map(|x| x.to_bits()));
        }
        if let Some(g) = CACHE.with_borrow(|c| c.get(self.key.as_slice()).cloned()) {
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
        let gains: Welfare = solution.welfare.iter().map(|w| 100.0 * (w - 1.0)).collect();
        CACHE.with_borrow_mut(|c| {
            if c.len() >= CACHE_ENTRIES {
                c.clear();
            }
            c.insert(self.key.as_slice().into(), gains.clone());
        });
        Ok(gains)
    }

    /// Trade-weighted mean tariff (percent) each importer applies under
    /// `policy`, weighted by baseline import shares.
    pub fn mean_tariffs(&mut self, policy: &Policy) -> Vec<f64> {
        policy.shock(self.world, &mut self.tariff, &mut self.cost);
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
