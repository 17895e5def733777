//! The trade equilibrium: the payoff engine of the tariff and policy games
//! (docs/model.md §7.2).
//!
//! One-sector Armington / Eaton–Kortum structural gravity with tariffs, iceberg
//! trade costs and trade deficits, solved in changes ("exact hat algebra",
//! Dekle, Eaton & Kortum 2007; the one-sector case of Caliendo & Parro 2015; see
//! Costinot & Rodríguez-Clare 2014 for the welfare formulae). With λ_ni the share
//! of n's spending on goods from i, κ̂_ni = [(1+t′_ni)/(1+t_ni)]·d̂_ni and trade
//! elasticity ε:
//!
//! * shares `λ′_ni = λ_ni (ŵ_i κ̂_ni)^(−ε) / Σ_k λ_nk (ŵ_k κ̂_nk)^(−ε)`,
//! * price index `P̂_n = [Σ_k λ_nk (ŵ_k κ̂_nk)^(−ε)]^(−1/ε)`,
//! * spending `E′_n = (ŵ_n Y_n + D′_n) / (1 − Σ_i λ′_ni t′_ni/(1+t′_ni))`,
//! * market clearing `ŵ_i Y_i = Σ_n λ′_ni E′_n / (1+t′_ni)`, world GDP fixed,
//! * welfare `Ŵ_n = Ê_n / P̂_n`.
//!
//! Solved by Newton's method on log wages with a backtracking line search (the
//! mirror-data deficits are large, so plain fixed-point updates converge slowly),
//! one market-clearing equation replaced by the numeraire (Walras' law).
//!
//! Near autarky (every international cost ×50 or more, embargoes) market
//! clearing `ŵ_i Y_i = Σ_n λ′_ni E′_n/(1+t′_ni)` is a difference of two nearly
//! equal numbers, and so is its Jacobian: the Newton step is lost to rounding
//! and the search stalls. When the first method fails, the solve falls back,
//! from the best point it reached, to Newton on the same equations written as
//! trade balances — exports minus imports plus the deficit,
//! `Σ_{n≠i} λ′_ni E′_n (1−τ′_ni) − E′_i Σ_{k≠i} λ′_ik (1−τ′_ik) + D′_i = 0`,
//! algebraically identical (Σ_k λ′_ik = 1) but made of small terms only, with
//! a Jacobian free of cancellation. Problems the first method solves never
//! reach the fall-back, so their solutions do not change in the last bit.
//! The solver owns all its workspace: after construction, solving allocates
//! nothing (except to describe a failure). Failure to converge is an error,
//! never a number.

use crate::matrix::Matrix;

/// Why an equilibrium could not be calibrated or found.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TradeError {
    #[error("cannot calibrate the trade model: {0}")]
    Calibration(String),
    /// Neither Newton's method on market clearing nor its fall-back on
    /// trade balances (from the best point the first reached) found wages
    /// that clear every market to the solver's tolerance.
    #[error(
        "the trade equilibrium did not converge after {iterations} iterations: the largest excess demand left is {residual:.3e} of output, in the market of region {region} (in scenario order, from 0); the shock: {shock}"
    )]
    NonConvergence {
        iterations: usize,
        residual: f64,
        region: usize,
        shock: String,
    },
    /// A counterfactual with no equilibrium (deficits that do not sum to
    /// zero, or spending driven below zero): an error rather than a number
    /// that does not clear every market.
    #[error("the trade counterfactual has no equilibrium: {0}")]
    InvalidShock(String),
    /// An equilibrium found, but some of its numbers are not finite (they
    /// overflow a 64-bit float): a numerical failure, never a number.
    #[error(
        "the trade equilibrium is outside floating-point range: the {quantity} of region {region} (in scenario order, from 0) is {value}; the parameters (e.g. a trade elasticity close to 0) are too extreme to compute"
    )]
    NonFinite {
        quantity: &'static str,
        region: usize,
        value: f64,
    },
}

/// How a counterfactual treats trade deficits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deficits {
    /// Deficits stay at their baseline values (in units of world GDP).
    Fixed,
    /// The baseline is first moved to balanced trade (Dekle, Eaton & Kortum 2007).
    Purged,
}

/// A calibrated baseline economy.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Baseline {
    pub n: usize,
    /// Trade elasticity ε.
    pub epsilon: f64,
    /// Output (value added) Y_n, US$ million.
    pub output: Vec<f64>,
    /// Spending E_n including tariff revenue, US$ million.
    pub spending: Vec<f64>,
    /// Trade deficit D_n, US$ million.
    pub deficit: Vec<f64>,
    /// λ_ni, row n = importer, column i = exporter; rows sum to one.
    pub shares: Matrix,
    /// Baseline tariffs t_ni (fractions) of importer n on exporter i.
    pub tariff: Matrix,
    /// Trade-cost factors in force in the baseline (1 unless policies of the
    /// data year — a regime's bound-tariff certainty, corridors, sanctions —
    /// changed them): a counterfactual's d̂ is its cost over these.
    pub cost: Matrix,
}

impl Baseline {
    /// Calibrate from GDP (US$ m), bilateral flows `flows[(i, n)]` = exports of i
    /// to n at producer prices (US$ m), and baseline tariffs `tariff[(n, i)]`.
    /// Domestic absorption is GDP minus goods exports, so output equals GDP and
    /// intra-bloc trade of an aggregate region counts as domestic.
    pub fn calibrate(
        gdp: &[f64],
        flows: &Matrix,
        tariff: &Matrix,
        epsilon: f64,
    ) -> Result<Baseline, TradeError> {
        let n = gdp.len();
        if !(epsilon.is_finite() && epsilon > 0.0) {
            return Err(TradeError::Calibration(format!(
                "the trade elasticity must be positive, got {epsilon}"
            )));
        }
        let mut spend = Matrix::new(n, n, 0.0);
        for (i, &output) in gdp.iter().enumerate() {
            let exports: f64 = (0..n).filter(|&m| m != i).map(|m| flows.get(i, m)).sum();
            let absorption = output - exports;
            if absorption.is_nan() || absorption <= 0.0 {
                return Err(TradeError::Calibration(format!(
                    "region {i} exports {exports:.1} but its GDP is {output:.1}: domestic absorption (GDP − exports) must be positive"
                )));
            }
            spend.set(i, i, absorption);
            for m in (0..n).filter(|&m| m != i) {
                // Importer m pays the producer price plus its tariff on i.
                spend.set(m, i, flows.get(i, m) * (1.0 + tariff.get(m, i)));
            }
        }
        let spending: Vec<f64> = (0..n).map(|m| spend.row(m).iter().sum()).collect();
        let mut shares = spend;
        let mut deficit = vec![0.0; n];
        for m in 0..n {
            let revenue: f64 = (0..n)
                .map(|i| shares.get(m, i) * tariff.get(m, i) / (1.0 + tariff.get(m, i)))
                .sum();
            deficit[m] = spending[m] - revenue - gdp[m];
            for x in shares.row_mut(m) {
                *x /= spending[m];
            }
        }
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        if !(finite(&spending) && finite(&deficit) && finite(&shares.data) && finite(gdp)) {
            return Err(TradeError::Calibration(
                "the baseline's spending, deficits or trade shares are not finite numbers: GDP or trade flows too large to compute with".into(),
            ));
        }
        Ok(Baseline {
            n,
            epsilon,
            output: gdp.to_vec(),
            spending,
            deficit,
            shares,
            tariff: tariff.clone(),
            cost: Matrix::new(n, n, 1.0),
        })
    }

    /// The same baseline with the trade-cost factors of the data year's
    /// policies: counterfactual costs are measured against them.
    pub fn with_cost(mut self, cost: Matrix) -> Baseline {
        self.cost = cost;
        self
    }

    /// The same economy moved to balanced trade: the equilibrium with all
    /// deficits set to zero becomes the new baseline.
    pub fn purged(&self, solver: &mut Solver) -> Result<Baseline, TradeError> {
        let zero = vec![0.0; self.n];
        let shock = Shock {
            tariff: &self.tariff,
            cost: &self.cost,
            deficit: &zero,
            endowment: None,
        };
        let s = solver.solve(self, &shock, None)?;
        Ok(Baseline {
            n: self.n,
            epsilon: self.epsilon,
            output: (0..self.n).map(|i| s.wage[i] * self.output[i]).collect(),
            spending: s.spending.clone(),
            deficit: zero.clone(),
            shares: s.shares.clone(),
            tariff: self.tariff.clone(),
            cost: self.cost.clone(),
        })
    }

    /// Trade flow from exporter i to importer n at producer prices.
    pub fn flow(&self, i: usize, n: usize) -> f64 {
        self.shares.get(n, i) * self.spending[n] / (1.0 + self.tariff.get(n, i))
    }
}

/// A counterfactual: new tariffs t′, trade-cost changes d̂ (∞ = prohibitive),
/// new deficits D′ and, optionally, endowment changes L̂ (each region's output
/// at baseline prices scales by L̂: growth relative to the data year).
#[derive(Clone, Copy, Debug)]
pub struct Shock<'a> {
    pub tariff: &'a Matrix,
    pub cost: &'a Matrix,
    pub deficit: &'a [f64],
    pub endowment: Option<&'a [f64]>,
}

/// An equilibrium in changes relative to the baseline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Solution {
    /// ŵ_i.
    pub wage: Vec<f64>,
    /// P̂_n.
    pub price: Vec<f64>,
    /// E′_n, US$ million.
    pub spending: Vec<f64>,
    /// Ŵ_n = Ê_n / P̂_n.
    pub welfare: Vec<f64>,
    /// λ′_ni.
    pub shares: Matrix,
    /// Newton iterations used.
    pub iterations: usize,
}

/// Newton solver with its own workspace.
pub struct Solver {
    n: usize,
    /// Convergence: largest |excess demand| / output.
    pub tolerance: f64,
    pub max_iterations: usize,
    /// λ_mk κ̂_mk^(−ε) (0 where no trade is possible), fixed for one solve.
    weight: Vec<f64>,
    /// The tariffs and costs `weight` was computed for, and the baseline's ε,
    /// shares and tariffs: consecutive shocks differ in few entries, so only
    /// those are recomputed. The baseline is compared by value, not by
    /// address: a baseline changed in place, or another one built at the same
    /// address, must not reuse stale weights (tests/trade.rs,
    /// a_reused_solver_keeps_no_stale_state).
    last_tariff: Vec<f64>,
    last_cost: Vec<f64>,
    last_epsilon: f64,
    last_share: Vec<f64>,
    last_base_tariff: Vec<f64>,
    last_base_cost: Vec<f64>,
    /// t′/(1+t′).
    tau: Vec<f64>,
    x: Vec<f64>,
    trial: Vec<f64>,
    step: Vec<f64>,
    residual: Vec<f64>,
    jacobian: Vec<f64>,
    /// Per evaluation: ŵ_k and ŵ_k^(−ε).
    wage: Vec<f64>,
    pull: Vec<f64>,
    /// Per importer: Φ_m, B_m = 1 − Σ λ′τ, τ̄_m.
    phi: Vec<f64>,
    b: Vec<f64>,
    tau_bar: Vec<f64>,
    /// Rank-one factors of one importer's Jacobian contribution, and the
    /// derivative of its spending ([`Solver::importer_terms`]).
    v: Vec<f64>,
    c: Vec<f64>,
    de: Vec<f64>,
    /// Output at baseline prices this solve: L̂_k·Y_k.
    output: Vec<f64>,
    /// Per region: Σ_{k≠i} λ′_ik (1−τ′_ik), its import share at producer
    /// prices (the trade-balance form).
    imports: Vec<f64>,
    /// The log wages with the smallest residual the first method reached.
    best: Vec<f64>,
    solution: Solution,
}

impl Solver {
    pub fn new(n: usize) -> Self {
        Solver {
            n,
            tolerance: 1e-11,
            max_iterations: 100,
            weight: vec![0.0; n * n],
            last_tariff: vec![f64::NAN; n * n],
            last_cost: vec![f64::NAN; n * n],
            last_epsilon: f64::NAN,
            last_share: vec![f64::NAN; n * n],
            last_base_tariff: vec![f64::NAN; n * n],
            last_base_cost: vec![f64::NAN; n * n],
            tau: vec![0.0; n * n],
            x: vec![0.0; n],
            trial: vec![0.0; n],
            step: vec![0.0; n],
            residual: vec![0.0; n],
            jacobian: vec![0.0; n * n],
            wage: vec![1.0; n],
            pull: vec![1.0; n],
            phi: vec![0.0; n],
            b: vec![1.0; n],
            tau_bar: vec![0.0; n],
            v: vec![0.0; n],
            c: vec![0.0; n],
            de: vec![0.0; n],
            output: vec![0.0; n],
            imports: vec![0.0; n],
            best: vec![0.0; n],
            solution: Solution {
                wage: vec![1.0; n],
                price: vec![1.0; n],
                spending: vec![0.0; n],
                welfare: vec![1.0; n],
                shares: Matrix::new(n, n, 0.0),
                iterations: 0,
            },
        }
    }

    /// Solve the counterfactual `shock` of `base`, starting from wages `warm`
    /// (ŵ, e.g. a nearby solution) or from ŵ = 1.
    pub fn solve(
        &mut self,
        base: &Baseline,
        shock: &Shock<'_>,
        warm: Option<&[f64]>,
    ) -> Result<&Solution, TradeError> {
        let n = self.n;
        assert_eq!(base.n, n, "solver built for another number of regions");
        let eps = base.epsilon;
        let same_epsilon = eps.to_bits() == self.last_epsilon.to_bits();
        self.last_epsilon = eps;
        for idx in 0..n * n {
            let (t1, d) = (shock.tariff.data[idx], shock.cost.data[idx]);
            let (t0, share) = (base.tariff.data[idx], base.shares.data[idx]);
            let d0 = base.cost.data[idx];
            if same_epsilon
                && t1.to_bits() == self.last_tariff[idx].to_bits()
                && d.to_bits() == self.last_cost[idx].to_bits()
                && t0.to_bits() == self.last_base_tariff[idx].to_bits()
                && d0.to_bits() == self.last_base_cost[idx].to_bits()
                && share.to_bits() == self.last_share[idx].to_bits()
            {
                continue;
            }
            self.last_tariff[idx] = t1;
            self.last_cost[idx] = d;
            self.last_base_tariff[idx] = t0;
            self.last_base_cost[idx] = d0;
            self.last_share[idx] = share;
            let kappa = (1.0 + t1) / (1.0 + t0) * d / d0;
            self.weight[idx] = if share > 0.0 && kappa.is_finite() {
                share * kappa.powf(-eps)
            } else {
                0.0
            };
            self.tau[idx] = t1 / (1.0 + t1);
        }
        match warm {
            Some(w) => {
                for (x, &w) in self.x.iter_mut().zip(w) {
                    *x = w.ln();
                }
            }
            None => self.x.iter_mut().for_each(|x| *x = 0.0),
        }
        for k in 0..n {
            self.output[k] = base.output[k] * shock.endowment.map_or(1.0, |l| l[k]);
        }
        // The numeraire: world output at baseline prices, grown with the endowments.
        let world: f64 = self.output.iter().sum();
        // Walras' law: one region's deficit is the others' surplus. The market
        // the numeraire replaces below would otherwise silently not clear.
        let total_deficit: f64 = shock.deficit.iter().sum();
        if total_deficit.abs() > self.tolerance * world {
            return Err(TradeError::InvalidShock(format!(
                "the new trade deficits sum to {total_deficit:.3e} US$ million, not zero (one region's deficit is the others' surplus)"
            )));
        }
        let mut norm = self.evaluate(base, shock, world);
        let mut iterations = 0;
        self.best.copy_from_slice(&self.x);
        let mut best = norm;
        let mut converged = true;
        while norm > self.tolerance {
            if iterations == self.max_iterations || !norm.is_finite() {
                converged = false;
                break;
            }
            iterations += 1;
            self.fill_jacobian(base, world);
            for (s, r) in self.step.iter_mut().zip(&self.residual) {
                *s = -r;
            }
            if !lu_solve(&mut self.jacobian, &mut self.step, n) {
                converged = false;
                break;
            }
            // Backtracking: halve the step until the residual falls.
            self.trial.copy_from_slice(&self.x);
            let mut t = 1.0;
            let stalled = loop {
                for i in 0..n {
                    self.x[i] = self.trial[i] + t * self.step[i];
                }
                let next = self.evaluate(base, shock, world);
                if next < (1.0 - 1e-4 * t) * norm || t < 1e-6 {
                    let stalled = next >= norm;
                    norm = next;
                    break stalled;
                }
                t *= 0.5;
            };
            if norm < best {
                best = norm;
                self.best.copy_from_slice(&self.x);
            }
            // The Newton direction no longer lowers the residual at all:
            // rounding has taken over the step (near autarky), so go
            // straight to the fall-back rather than spend the budget.
            if stalled && norm > self.tolerance {
                converged = false;
                break;
            }
        }
        if !converged {
            iterations = self.balance_newton(base, shock, world, iterations)?;
        }
        let s = &mut self.solution;
        // E′ = (ŵY + D′)/(1 − τ̄) solves the equations for any D′, but a
        // region cannot spend a negative amount: its surplus exceeds its income.
        if let Some(m) = (0..n).find(|&m| s.spending[m] <= 0.0) {
            return Err(TradeError::InvalidShock(format!(
                "region {m} would spend {:.1} US$ million: its trade surplus {:.1} exceeds its income",
                s.spending[m], -shock.deficit[m]
            )));
        }
        s.iterations = iterations;
        for m in 0..n {
            s.wage[m] = self.wage[m];
            s.price[m] = self.phi[m].powf(-1.0 / eps);
            s.welfare[m] = s.spending[m] / base.spending[m] / s.price[m];
        }
        for m in 0..n {
            let quantities = [
                ("wage change", s.wage[m]),
                ("price index change", s.price[m]),
                ("spending", s.spending[m]),
                ("welfare change", s.welfare[m]),
            ];
            let shares = s.shares.row(m).iter().map(|&x| ("trade share", x));
            if let Some((quantity, value)) = quantities
                .into_iter()
                .chain(shares)
                .find(|(_, x)| !x.is_finite())
            {
                return Err(TradeError::NonFinite {
                    quantity,
                    region: m,
                    value,
                });
            }
            // A price index of 0 is an overflow of its inverse: welfare is
            // then unbounded.
            if s.price[m] <= 0.0 {
                return Err(TradeError::NonFinite {
                    quantity: "price index change",
                    region: m,
                    value: s.price[m],
                });
            }
        }
        Ok(&self.solution)
    }

    /// The fall-back: damped Newton on the trade-balance form of market
    /// clearing from the best point the first method reached, with the same
    /// backtracking line search; stops when the step no longer lowers the
    /// residual. Returns the iterations used by both methods (`done` by the
    /// first), or the failure.
    fn balance_newton(
        &mut self,
        base: &Baseline,
        shock: &Shock<'_>,
        world: f64,
        done: usize,
    ) -> Result<usize, TradeError> {
        let n = self.n;
        self.x.copy_from_slice(&self.best);
        let mut norm = self.evaluate_balance(base, shock, world);
        let mut iterations = 0;
        self.best.copy_from_slice(&self.x);
        let mut best = norm;
        let fail = |solver: &mut Solver, iterations: usize, best: f64| {
            // Report the best point, not the last trial.
            solver.x.copy_from_slice(&solver.best);
            solver.evaluate_balance(base, shock, world);
            let region = (0..n)
                .max_by(|&a, &b| {
                    let (ra, rb) = (solver.residual[a].abs(), solver.residual[b].abs());
                    ra.total_cmp(&rb)
                })
                .unwrap_or(0);
            TradeError::NonConvergence {
                iterations,
                residual: best,
                region,
                shock: describe(base, shock),
            }
        };
        while norm > self.tolerance {
            if iterations == self.max_iterations || !norm.is_finite() {
                let used = done + iterations;
                return Err(fail(self, used, best));
            }
            iterations += 1;
            self.fill_balance_jacobian(base, world);
            for (s, r) in self.step.iter_mut().zip(&self.residual) {
                *s = -r;
            }
            if !lu_solve(&mut self.jacobian, &mut self.step, n) {
                let used = done + iterations;
                return Err(fail(self, used, best));
            }
            self.trial.copy_from_slice(&self.x);
            let mut t = 1.0;
            loop {
                for i in 0..n {
                    self.x[i] = self.trial[i] + t * self.step[i];
                }
                // Near autarky the step moves wages far for a small residual,
                // and the numeraire (linearised) is then off at second order:
                // rescale onto it, which market clearing barely feels (it is
                // homogeneous of degree one in wages when trade is balanced).
                let total: f64 = (0..n).map(|k| self.x[k].exp() * self.output[k]).sum();
                let shift = (world / total).ln();
                if shift.is_finite() {
                    self.x.iter_mut().for_each(|x| *x += shift);
                }
                let next = self.evaluate_balance(base, shock, world);
                if next < (1.0 - 1e-4 * t) * norm {
                    norm = next;
                    break;
                }
                if t < 1e-6 {
                    // No descent along the Newton direction: a point of no
                    // equilibrium (e.g. deficits without trade to pay them).
                    let used = done + iterations;
                    return Err(fail(self, used, best));
                }
                t *= 0.5;
            }
            if norm < best {
                best = norm;
                self.best.copy_from_slice(&self.x);
            }
        }
        Ok(done + iterations)
    }

    /// [`Solver::evaluate`], with rows 0..n−1 of the residual replaced by the
    /// trade-balance form (exports − imports + D′, over output).
    fn evaluate_balance(&mut self, base: &Baseline, shock: &Shock<'_>, world: f64) -> f64 {
        let n = self.n;
        let clearing = self.evaluate(base, shock, world);
        if !clearing.is_finite() {
            return f64::INFINITY;
        }
        let s = &self.solution;
        for i in 0..n {
            let (row, tau) = (s.shares.row(i), &self.tau[i * n..(i + 1) * n]);
            self.imports[i] = (0..n)
                .filter(|&k| k != i)
                .map(|k| row[k] * (1.0 - tau[k]))
                .sum();
        }
        let mut norm: f64 = 0.0;
        for i in 0..n - 1 {
            let exports: f64 = (0..n)
                .filter(|&m| m != i)
                .map(|m| s.shares.data[m * n + i] * (1.0 - self.tau[m * n + i]) * s.spending[m])
                .sum();
            let r = (exports - s.spending[i] * self.imports[i] + shock.deficit[i]) / self.output[i];
            self.residual[i] = r;
            norm = norm.max(r.abs());
        }
        norm = norm.max(self.residual[n - 1].abs());
        if norm.is_nan() { f64::INFINITY } else { norm }
    }

    /// Importer m's terms of either Jacobian, at the last evaluated point:
    /// de_k = dE′_m/dx_k = δ_mk ŵ_m Y_m / B_m − (E′_m/B_m)·ε λ′_mk (τ_mk − τ̄_m),
    /// v_k = ε E′_m λ′_mk + de_k and c_k = (1 − τ_mk) λ′_mk.
    fn importer_terms(&mut self, m: usize, eps: f64) {
        let n = self.n;
        let shares = &self.solution.shares.data[m * n..(m + 1) * n];
        let tau = &self.tau[m * n..(m + 1) * n];
        let (e, b, tau_bar) = (self.solution.spending[m], self.b[m], self.tau_bar[m]);
        for k in 0..n {
            let own = if k == m {
                self.wage[m] * self.output[m] / b
            } else {
                0.0
            };
            let de = own - e / b * eps * shares[k] * (tau[k] - tau_bar);
            self.de[k] = de;
            self.v[k] = eps * e * shares[k] + de;
            self.c[k] = (1.0 - tau[k]) * shares[k];
        }
    }

    /// Add one importer's terms ([`Solver::importer_terms`]) to the Jacobian:
    /// row i gains c_i·v (a rank-one update, contiguous in k) and its diagonal
    /// loses c_i·ε·E′_m (`e` = E′_m), except on the rows `skip` names.
    fn add_importer(&mut self, eps: f64, e: f64, skip: impl Fn(usize) -> bool) {
        let n = self.n;
        let (v, c) = (&self.v, &self.c);
        for (i, row) in self.jacobian.chunks_exact_mut(n).enumerate() {
            if skip(i) {
                continue;
            }
            let ci = c[i];
            for (j, &vk) in row.iter_mut().zip(v.iter()) {
                *j += ci * vk;
            }
            row[i] -= ci * eps * e;
        }
    }

    /// The Jacobian of the trade-balance residual at the last evaluated
    /// point. With v_m,k = ε E′_m λ′_mk + dE′_m/dx_k and c_mi = (1 − τ_mi) λ′_mi
    /// as in [`Solver::fill_jacobian`], exports of i add Σ_{m≠i} c_mi (v_m −
    /// δ_ik ε E′_m); imports subtract a_i dE′_i/dx_k + ε E′_i λ′_ik (a_i −
    /// [k ≠ i](1 − τ_ik)), a_i = Σ_{j≠i} c_ij — every term small when trade is.
    fn fill_balance_jacobian(&mut self, base: &Baseline, world: f64) {
        let n = self.n;
        let eps = base.epsilon;
        self.jacobian.iter_mut().for_each(|j| *j = 0.0);
        for m in 0..n {
            self.importer_terms(m, eps);
            let e = self.solution.spending[m];
            self.add_importer(eps, e, |i| i == m || i == n - 1);
            // Imports of m: −a_m dE′_m/dx_k − ε E′_m λ′_mk (a_m − [k≠m](1−τ_mk)).
            if m < n - 1 {
                let a = self.imports[m];
                let shares = &self.solution.shares.data[m * n..(m + 1) * n];
                let tau = &self.tau[m * n..(m + 1) * n];
                let row = &mut self.jacobian[m * n..(m + 1) * n];
                for k in 0..n {
                    let open = if k == m { 0.0 } else { 1.0 - tau[k] };
                    row[k] -= a * self.de[k] + eps * e * shares[k] * (a - open);
                }
            }
        }
        self.scale_rows_and_numeraire(world);
    }

    /// The last steps of either Jacobian: rows 0..n−1 (market clearing, or
    /// trade balance) divided by output, as their residuals are; row n−1
    /// the numeraire's, d(world output)/dx_k / world.
    fn scale_rows_and_numeraire(&mut self, world: f64) {
        let n = self.n;
        for i in 0..n - 1 {
            let scale = self.output[i];
            for k in 0..n {
                self.jacobian[i * n + k] /= scale;
            }
        }
        for k in 0..n {
            self.jacobian[(n - 1) * n + k] = self.wage[k] * self.output[k] / world;
        }
    }

    /// Shares, spending and the residual vector at the current log wages. Row
    /// n−1 of the system is the numeraire (world output fixed); the other rows
    /// are market clearing scaled by output. Returns the largest |residual|.
    fn evaluate(&mut self, base: &Baseline, shock: &Shock<'_>, world: f64) -> f64 {
        let n = self.n;
        let eps = base.epsilon;
        let mut total = 0.0;
        for k in 0..n {
            self.wage[k] = self.x[k].exp();
            self.pull[k] = (-eps * self.x[k]).exp();
            self.residual[k] = -self.wage[k] * self.output[k];
            total += self.wage[k] * self.output[k];
        }
        let s = &mut self.solution;
        for m in 0..n {
            let weight = &self.weight[m * n..(m + 1) * n];
            let shares = &mut s.shares.data[m * n..(m + 1) * n];
            let mut phi = 0.0;
            for ((sh, &w), &p) in shares.iter_mut().zip(weight).zip(&self.pull) {
                *sh = w * p;
                phi += *sh;
            }
            let tau = &self.tau[m * n..(m + 1) * n];
            let mut tau_bar = 0.0;
            for (sh, &t) in shares.iter_mut().zip(tau) {
                *sh /= phi;
                tau_bar += *sh * t;
            }
            let b = 1.0 - tau_bar;
            let e = (self.wage[m] * self.output[m] + shock.deficit[m]) / b;
            (self.phi[m], self.b[m], self.tau_bar[m], s.spending[m]) = (phi, b, tau_bar, e);
            for ((r, &sh), &t) in self.residual.iter_mut().zip(shares.iter()).zip(tau) {
                *r += sh * e * (1.0 - t);
            }
        }
        let mut norm: f64 = 0.0;
        for i in 0..n - 1 {
            self.residual[i] /= self.output[i];
            norm = norm.max(self.residual[i].abs());
        }
        self.residual[n - 1] = (total - world) / world;
        norm = norm.max(self.residual[n - 1].abs());
        if norm.is_nan() { f64::INFINITY } else { norm }
    }

    /// The Jacobian of the residual at the last evaluated point:
    /// d λ′_mi/d x_k = −ε λ′_mi (δ_ik − λ′_mk);
    /// d E′_m/d x_k = δ_mk ŵ_m Y_m / B_m − (E′_m/B_m)·ε λ′_mk (τ_mk − τ̄_m).
    /// Each importer m adds c_i (ε E′_m λ′_mk + dE′_m/dx_k) − δ_ik c_i ε E′_m to
    /// row i, with c_i = (1 − τ_mi) λ′_mi.
    fn fill_jacobian(&mut self, base: &Baseline, world: f64) {
        let n = self.n;
        let eps = base.epsilon;
        self.jacobian.iter_mut().for_each(|j| *j = 0.0);
        for m in 0..n {
            self.importer_terms(m, eps);
            let e = self.solution.spending[m];
            self.add_importer(eps, e, |_| false);
        }
        for i in 0..n - 1 {
            self.jacobian[i * n + i] -= self.wage[i] * self.output[i];
        }
        self.scale_rows_and_numeraire(world);
    }
}

/// A shock in a few words, for a failure message: how many pairs' trade
/// costs and tariffs it changes and by how much, and its deficits.
fn describe(base: &Baseline, shock: &Shock<'_>) -> String {
    let n = base.n;
    let (mut costs, mut prohibitive, mut largest) = (0, 0, 1.0f64);
    let (mut tariffs, mut widest) = (0, 0.0f64);
    for m in 0..n {
        for i in (0..n).filter(|&i| i != m) {
            let d = shock.cost.get(m, i) / base.cost.get(m, i);
            if d != 1.0 {
                costs += 1;
                if d.is_infinite() {
                    prohibitive += 1;
                } else if (d.ln()).abs() > largest.ln().abs() {
                    largest = d;
                }
            }
            let dt = shock.tariff.get(m, i) - base.tariff.get(m, i);
            if dt != 0.0 {
                tariffs += 1;
                if dt.abs() > widest.abs() {
                    widest = dt;
                }
            }
        }
    }
    let deficits = shock.deficit.iter().fold(0.0f64, |a, d| a.max(d.abs()));
    let endowment = if shock.endowment.is_some() {
        ", with endowment growth"
    } else {
        ""
    };
    format!(
        "trade costs changed on {costs} of {} pairs ({prohibitive} prohibitive, the largest finite change ×{largest:.3}), tariffs on {tariffs} (the largest change {:+.1} points), the largest deficit |D′| {deficits:.1} US$ million{endowment}",
        n * (n - 1),
        100.0 * widest
    )
}

/// Solve `a x = b` in place (Gaussian elimination with partial pivoting); `b`
/// receives x. Returns false if `a` is singular.
fn lu_solve(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&r, &s| a[r * n + col].abs().total_cmp(&a[s * n + col].abs()))
            .unwrap_or(col);
        let p = a[pivot * n + col].abs();
        if p.is_nan() || p <= 1e-300 {
            return false;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(pivot * n + k, col * n + k);
            }
            b.swap(pivot, col);
        }
        let d = a[col * n + col];
        // Rows below the pivot, each updated in the same order as an indexed
        // loop would (slices only let the compiler drop the bounds checks).
        let (top, below) = a.split_at_mut((col + 1) * n);
        let pivot_row = &top[col * n + col..(col + 1) * n];
        let (b_top, b_below) = b.split_at_mut(col + 1);
        let b_col = b_top[col];
        for (row, br) in below.chunks_exact_mut(n).zip(b_below.iter_mut()) {
            let f = row[col] / d;
            if f != 0.0 {
                for (x, &p) in row[col..].iter_mut().zip(pivot_row) {
                    *x -= f * p;
                }
                *br -= f * b_col;
            }
        }
    }
    for col in (0..n).rev() {
        let row = &a[col * n + col + 1..(col + 1) * n];
        let mut v = b[col];
        for (&x, &bk) in row.iter().zip(&b[col + 1..n]) {
            v -= x * bk;
        }
        b[col] = v / a[col * n + col];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lu_solves_a_small_system() {
        let mut a = vec![2.0, 1.0, 1.0, 3.0];
        let mut b = vec![3.0, 5.0];
        assert!(lu_solve(&mut a, &mut b, 2));
        assert!((b[0] - 0.8).abs() < 1e-12 && (b[1] - 1.4).abs() < 1e-12);
        let mut singular = vec![1.0, 2.0, 2.0, 4.0];
        assert!(!lu_solve(&mut singular, &mut [1.0, 2.0], 2));
    }
}
