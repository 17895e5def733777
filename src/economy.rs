//! The economy of one run: welfare changes for any policy, by the trade
//! equilibrium (MODEL.md §3 step 5, §7.1).
//!
//! Decisions compare many hypothetical policies, and most recur year after
//! year, so solutions are memoised per run, keyed by the exact tariffs and
//! trade costs they solve (a pure function of them, up to the solver's
//! tolerance). Each solve warm-starts from the wages of an anchor — the round's
//! status quo — since the policies a round compares are small departures from it.

use crate::institution::Policy;
use crate::trade::{Shock, Solver, TradeError};
use crate::world::{Matrix, TradeModel, World};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast multiplicative hasher for the cache's keys (bit patterns of floats);
/// the cache is per run and never iterated, so hashing cannot affect results.
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

/// Welfare changes ĝ_n (percent of baseline real spending) of every state.
pub type Gains = Box<[f64]>;

/// A memoised equilibrium: its gains and wages (ŵ, for warm starts).
type Solved = (Gains, Box<[f64]>);

pub struct Economy<'w> {
    world: &'w World,
    model: &'w TradeModel,
    solver: Solver,
    tariff: Matrix,
    cost: Matrix,
    deficit: Vec<f64>,
    warm: Vec<f64>,
    key: Vec<u64>,
    /// Gains and wages of every policy solved in this run.
    cache: HashMap<Box<[u64]>, Solved, BuildHasherDefault<WordHasher>>,
    /// Equilibria solved (cache misses) in this run.
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
            warm: vec![1.0; n],
            key: Vec::with_capacity(2 * n * n),
            cache: HashMap::default(),
            solves: 0,
        }
    }

    /// ĝ for every state under `policy`.
    pub fn gains(&mut self, policy: &Policy) -> Result<Gains, TradeError> {
        policy.shock(self.world, &mut self.tariff, &mut self.cost);
        self.key.clear();
        self.key.extend(
            self.tariff
                .data
                .iter()
                .chain(&self.cost.data)
                .map(|x| x.to_bits()),
        );
        if let Some((g, _)) = self.cache.get(self.key.as_slice()) {
            return Ok(g.clone());
        }
        let shock = Shock {
            tariff: &self.tariff,
            cost: &self.cost,
            deficit: &self.deficit,
        };
        let solution = self
            .solver
            .solve(&self.model.baseline, &shock, Some(&self.warm))?;
        self.solves += 1;
        let gains: Gains = solution.welfare.iter().map(|w| 100.0 * (w - 1.0)).collect();
        self.cache.insert(
            self.key.as_slice().into(),
            (gains.clone(), solution.wage.as_slice().into()),
        );
        Ok(gains)
    }

    /// Solve `policy` and warm-start later solves from its wages.
    pub fn anchor(&mut self, policy: &Policy) -> Result<(), TradeError> {
        self.gains(policy)?;
        if let Some((_, wages)) = self.cache.get(self.key.as_slice()) {
            self.warm.copy_from_slice(wages);
        }
        Ok(())
    }

    /// Trade-weighted mean tariff (percent) importer `n` applies under `policy`,
    /// weighted by baseline import shares.
    pub fn mean_tariff(&mut self, policy: &Policy, n: usize) -> f64 {
        policy.shock(self.world, &mut self.tariff, &mut self.cost);
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
    }
}
