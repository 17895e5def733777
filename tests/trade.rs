//! The structural-gravity solver against theory (docs/model.md §7.2): the identities
//! any correct solver must reproduce (no shock changes nothing; Arkolakis,
//! Costinot & Rodríguez-Clare 2012 for autarky), symmetry, the terms-of-trade
//! logic of tariffs, gains from lower trade costs, the equilibrium equations
//! themselves, and failures reported as errors rather than numbers.
//!
//! Expected values come from the model's equations or from the data, never from
//! the solver's own output: where a solution is checked, it is checked by
//! re-evaluating the equilibrium conditions from its wages alone.

use statecraft::matrix::Matrix;
use statecraft::trade::{Baseline, Shock, Solution, Solver, TradeError};
use statecraft::world::World;
use std::path::Path;

// --------------------------------------------------------------------------
// Fixtures
// --------------------------------------------------------------------------

/// The flagship scenario, whose trade model is calibrated to 12 regions.
fn flagship() -> World {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/kazakhstan_wto_eaeu.toml");
    statecraft::scenario::load(&path, &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .world
}

fn flagship_baseline(world: &World) -> &Baseline {
    &world
        .trade
        .as_ref()
        .expect("the flagship has a trade model")
        .baseline
}

fn index(world: &World, code: &str) -> usize {
    world
        .state_index(code)
        .unwrap_or_else(|| panic!("no state {code}"))
}

/// The flagship's bilateral flows `flows[(i, n)]` = exports of i to n, read
/// directly from the CSV (not through the library), in the world's state order.
fn csv_flows(world: &World) -> Matrix {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/trade_2019.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let n = world.n_states();
    let mut flows = Matrix::new(n, n, 0.0);
    let mut rows = 0;
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.trim().split(',').collect();
        let (i, m) = (index(world, cells[0]), index(world, cells[1]));
        flows.set(i, m, cells[2].parse().unwrap());
        rows += 1;
    }
    assert_eq!(rows, n * (n - 1), "the CSV has one row per ordered pair");
    flows
}

fn gdp(world: &World) -> Vec<f64> {
    world.states.iter().map(|s| s.gdp_musd).collect()
}

/// The 12-region economy with zero tariffs, moved to balanced trade.
fn free_trade_balanced(world: &World, epsilon: f64) -> Baseline {
    let n = world.n_states();
    let zero = Matrix::new(n, n, 0.0);
    let base = Baseline::calibrate(&gdp(world), &csv_flows(world), &zero, epsilon).unwrap();
    base.purged(&mut Solver::new(n)).unwrap()
}

/// A small hand-made economy of 3 countries of different size with tariffs
/// and unbalanced trade.
const SMALL_GDP: [f64; 3] = [100.0, 150.0, 250.0];
/// SMALL_FLOWS[i][n] = exports of i to n.
const SMALL_FLOWS: [[f64; 3]; 3] = [[0.0, 20.0, 15.0], [10.0, 0.0, 30.0], [40.0, 12.0, 0.0]];
/// SMALL_TARIFF[n][i] = n's tariff on goods from i.
const SMALL_TARIFF: [[f64; 3]; 3] = [[0.0, 0.10, 0.04], [0.08, 0.0, 0.20], [0.05, 0.0, 0.0]];

fn matrix<const N: usize>(rows: [[f64; N]; N]) -> Matrix {
    let mut m = Matrix::new(N, N, 0.0);
    for (r, row) in rows.iter().enumerate() {
        for (c, &x) in row.iter().enumerate() {
            m.set(r, c, x);
        }
    }
    m
}

fn small() -> Baseline {
    Baseline::calibrate(&SMALL_GDP, &matrix(SMALL_FLOWS), &matrix(SMALL_TARIFF), 5.0).unwrap()
}

/// `n` identical countries: GDP 100, exports 10 to each partner, tariff `t`
/// everywhere, balanced trade.
fn identical(n: usize, t: f64, epsilon: f64) -> Baseline {
    let mut flows = Matrix::new(n, n, 10.0);
    let mut tariff = Matrix::new(n, n, t);
    for i in 0..n {
        flows.set(i, i, 0.0);
        tariff.set(i, i, 0.0);
    }
    let base = Baseline::calibrate(&vec![100.0; n], &flows, &tariff, epsilon).unwrap();
    assert!(base.deficit.iter().all(|d| d.abs() < 1e-9));
    base
}

fn ones(n: usize) -> Matrix {
    Matrix::new(n, n, 1.0)
}

/// Off the diagonal, prohibitive costs; on it, none.
fn autarky_costs(n: usize) -> Matrix {
    let mut cost = Matrix::new(n, n, f64::INFINITY);
    for i in 0..n {
        cost.set(i, i, 1.0);
    }
    cost
}

/// Solve with a fresh solver from ŵ = 1, panicking on failure.
fn solve(base: &Baseline, tariff: &Matrix, cost: &Matrix, deficit: &[f64]) -> Solution {
    let shock = Shock {
        tariff,
        cost,
        deficit,
        endowment: None,
    };
    let mut solver = Solver::new(base.n);
    let solution = solver
        .solve(base, &shock, None)
        .unwrap_or_else(|e| panic!("{e}"))
        .clone();
    assert_equilibrium(base, &shock, &solution);
    solution
}

/// `base`'s tariffs with importer `n`'s tariff on every partner set by `f(old)`.
fn tariffs_of(base: &Baseline, n: usize, f: impl Fn(f64) -> f64) -> Matrix {
    let mut tariff = base.tariff.clone();
    for i in (0..base.n).filter(|&i| i != n) {
        tariff.set(n, i, f(base.tariff.get(n, i)));
    }
    tariff
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

fn assert_all_close(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(g, w, tol),
            "{what}[{k}] = {g:.15}, expected {w:.15} (tolerance {tol:e})"
        );
    }
}

/// Check that `s` is an equilibrium of `shock` by re-evaluating docs/model.md §7.2's
/// equations from its wages alone, and that it reports the quantities they imply.
fn assert_equilibrium(base: &Baseline, shock: &Shock<'_>, s: &Solution) {
    let n = base.n;
    let eps = base.epsilon;
    assert!(s.wage.iter().all(|w| w.is_finite() && *w > 0.0));
    // Numeraire: world output is fixed.
    let world: f64 = base.output.iter().sum();
    let after: f64 = (0..n).map(|i| s.wage[i] * base.output[i]).sum();
    assert!(
        close(after, world, 1e-9),
        "world output {after} should stay {world}"
    );
    let mut spending = vec![0.0; n];
    let mut shares = Matrix::new(n, n, 0.0);
    for (m, spent) in spending.iter_mut().enumerate() {
        // Shares and price index from κ̂ = (1+t′)/(1+t)·d′/d.
        let pulls: Vec<f64> = (0..n)
            .map(|k| {
                let kappa = (1.0 + shock.tariff.get(m, k)) / (1.0 + base.tariff.get(m, k))
                    * shock.cost.get(m, k)
                    / base.cost.get(m, k);
                if kappa.is_finite() {
                    base.shares.get(m, k) * (s.wage[k] * kappa).powf(-eps)
                } else {
                    0.0
                }
            })
            .collect();
        let phi: f64 = pulls.iter().sum();
        for (share, pull) in shares.row_mut(m).iter_mut().zip(&pulls) {
            *share = pull / phi;
        }
        let row_sum: f64 = s.shares.row(m).iter().sum();
        assert!(
            (row_sum - 1.0).abs() < 1e-12,
            "row {m} of λ′ sums to {row_sum}"
        );
        assert_all_close(&format!("λ′[{m}]"), s.shares.row(m), shares.row(m), 1e-10);
        assert!(close(s.price[m], phi.powf(-1.0 / eps), 1e-10), "P̂[{m}]");
        // Spending = wages + tariff revenue + deficit.
        let tau: f64 = (0..n)
            .map(|k| {
                let t = shock.tariff.get(m, k);
                shares.get(m, k) * t / (1.0 + t)
            })
            .sum();
        *spent = (s.wage[m] * base.output[m] + shock.deficit[m]) / (1.0 - tau);
        assert!(close(s.spending[m], *spent, 1e-10), "E′[{m}]");
        let welfare = *spent / base.spending[m] / phi.powf(-1.0 / eps);
        assert!(close(s.welfare[m], welfare, 1e-10), "Ŵ[{m}]");
    }
    // Market clearing for every region, including the one the solver replaces
    // by the numeraire (Walras' law must make it hold too).
    for i in 0..n {
        let sales: f64 = (0..n)
            .map(|m| shares.get(m, i) * spending[m] / (1.0 + shock.tariff.get(m, i)))
            .sum();
        let output = s.wage[i] * base.output[i];
        assert!(
            (sales - output).abs() <= 1e-9 * output,
            "market {i} does not clear: sales {sales}, output {output}"
        );
    }
}

/// Spending-weighted welfare change of the regions in `who` (US$ million).
fn money_metric(base: &Baseline, s: &Solution, who: impl Iterator<Item = usize>) -> f64 {
    who.map(|n| base.spending[n] * (s.welfare[n] - 1.0)).sum()
}

// --------------------------------------------------------------------------
// Calibration
// --------------------------------------------------------------------------

#[test]
fn calibration_reproduces_the_small_economy() {
    let base = small();
    let flows = matrix(SMALL_FLOWS);
    for (n, &gdp) in SMALL_GDP.iter().enumerate() {
        let imports: f64 = (0..3).map(|i| flows.get(i, n)).sum();
        let exports: f64 = (0..3).map(|m| flows.get(n, m)).sum();
        assert!(close(base.output[n], gdp, 1e-12));
        assert!(
            close(base.deficit[n], imports - exports, 1e-12),
            "D[{n}] = {}, expected imports − exports = {}",
            base.deficit[n],
            imports - exports
        );
        let row: f64 = base.shares.row(n).iter().sum();
        assert!((row - 1.0).abs() < 1e-12);
        for i in 0..3 {
            let want = if i == n {
                gdp - exports
            } else {
                flows.get(i, n)
            };
            assert!(close(base.flow(i, n), want, 1e-12), "flow {i}→{n}");
        }
    }
    // The fixture really has deficits and tariffs.
    assert!(base.deficit.iter().all(|d| d.abs() > 1.0));
}

#[test]
fn calibration_reproduces_the_twelve_region_data() {
    let world = flagship();
    let base = flagship_baseline(&world);
    let flows = csv_flows(&world);
    let gdp = gdp(&world);
    let n = base.n;
    assert_eq!(n, 12);
    for (m, &y) in gdp.iter().enumerate() {
        for i in (0..n).filter(|&i| i != m) {
            assert!(
                close(base.flow(i, m), flows.get(i, m), 1e-9),
                "flow {i}→{m}"
            );
        }
        let imports: f64 = (0..n).map(|i| flows.get(i, m)).sum();
        let exports: f64 = (0..n).map(|k| flows.get(m, k)).sum();
        assert!(close(base.output[m], y, 1e-12));
        assert!(close(base.deficit[m], imports - exports, 1e-9));
        assert!(close(base.flow(m, m), y - exports, 1e-9));
    }
    // One flow matrix: the world's deficits sum to zero.
    let total: f64 = base.deficit.iter().sum();
    assert!(total.abs() < 1e-6 * gdp.iter().sum::<f64>(), "ΣD = {total}");
}

#[test]
fn calibration_errors_are_reported() {
    // Region 1 exports 30 + 10 = 40 but its GDP is 35.
    let err = Baseline::calibrate(
        &[100.0, 35.0, 250.0],
        &matrix(SMALL_FLOWS),
        &matrix(SMALL_TARIFF),
        5.0,
    )
    .unwrap_err();
    match err {
        TradeError::Calibration(msg) => assert!(msg.contains("region 1"), "{msg}"),
        other => panic!("expected a calibration error, got {other:?}"),
    }
    // Exports exactly equal to GDP leave nothing for domestic absorption.
    assert!(matches!(
        Baseline::calibrate(
            &[35.0, 150.0, 250.0],
            &matrix(SMALL_FLOWS),
            &matrix(SMALL_TARIFF),
            5.0
        ),
        Err(TradeError::Calibration(_))
    ));
    for epsilon in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(
                Baseline::calibrate(
                    &SMALL_GDP,
                    &matrix(SMALL_FLOWS),
                    &matrix(SMALL_TARIFF),
                    epsilon
                ),
                Err(TradeError::Calibration(_))
            ),
            "ε = {epsilon}"
        );
    }
}

// --------------------------------------------------------------------------
// Identities
// --------------------------------------------------------------------------

fn assert_no_shock_changes_nothing(base: &Baseline) {
    let s = solve(base, &base.tariff, &base.cost.clone(), &base.deficit);
    let one = vec![1.0; base.n];
    assert_all_close("ŵ", &s.wage, &one, 1e-9);
    assert_all_close("Ŵ", &s.welfare, &one, 1e-9);
    assert_all_close("P̂", &s.price, &one, 1e-9);
    assert_all_close("E′", &s.spending, &base.spending, 1e-9);
    assert_all_close("λ′", &s.shares.data, &base.shares.data, 1e-9);
}

#[test]
fn no_shock_changes_nothing_in_a_small_economy() {
    assert_no_shock_changes_nothing(&small());
}

#[test]
fn no_shock_changes_nothing_on_the_twelve_region_data() {
    let world = flagship();
    let base = flagship_baseline(&world);
    // The flagship baseline has tariffs and large deficits.
    assert!(base.tariff.data.iter().any(|&t| t > 0.05));
    assert!(base.deficit.iter().any(|&d| d > 0.5 * 9371.0));
    assert_no_shock_changes_nothing(base);
}

#[test]
fn the_purged_baseline_is_balanced_and_clears_markets() {
    let world = flagship();
    for base in [
        free_trade_balanced(&world, 5.0),
        flagship_baseline(&world)
            .purged(&mut Solver::new(12))
            .unwrap(),
    ] {
        let world_gdp: f64 = gdp(&world).iter().sum();
        let output: f64 = base.output.iter().sum();
        assert!(close(output, world_gdp, 1e-9));
        for i in 0..base.n {
            assert_eq!(base.deficit[i], 0.0);
            let sales: f64 = (0..base.n).map(|m| base.flow(i, m)).sum();
            assert!(close(sales, base.output[i], 1e-9), "market {i}");
            let imports: f64 = (0..base.n).map(|k| base.flow(k, i)).sum();
            assert!(close(imports, sales, 1e-9), "trade of {i} is not balanced");
        }
        // And a purged baseline is its own no-shock equilibrium.
        assert_no_shock_changes_nothing(&base);
    }
}

/// Arkolakis, Costinot & Rodríguez-Clare (2012): with zero tariffs and balanced
/// trade, the welfare change of moving to autarky is Ŵ_n = λ_nn^(1/ε).
#[test]
fn autarky_costs_the_acr_gains_from_trade() {
    let world = flagship();
    let n = world.n_states();
    for epsilon in [4.0, 5.0, 8.0] {
        let base = free_trade_balanced(&world, epsilon);
        let s = solve(
            &base,
            &Matrix::new(n, n, 0.0),
            &autarky_costs(n),
            &vec![0.0; n],
        );
        for m in 0..n {
            let want = base.shares.get(m, m).powf(1.0 / epsilon);
            assert!(
                (s.welfare[m] - want).abs() < 1e-6,
                "ε = {epsilon}, region {m}: Ŵ = {}, λ_nn^(1/ε) = {want}",
                s.welfare[m]
            );
            assert!(want < 1.0, "every region trades");
            assert!((s.shares.get(m, m) - 1.0).abs() < 1e-12);
        }
    }
}

// --------------------------------------------------------------------------
// Symmetry
// --------------------------------------------------------------------------

#[test]
fn identical_countries_under_a_symmetric_shock_stay_identical() {
    let base = identical(3, 0.05, 5.0);
    let mut tariff = Matrix::new(3, 3, 0.15);
    for i in 0..3 {
        tariff.set(i, i, 0.0);
    }
    let s = solve(&base, &tariff, &ones(3), &[0.0; 3]);
    // Identical countries and the numeraire: every wage is unchanged.
    assert_all_close("ŵ", &s.wage, &[1.0; 3], 1e-9);
    for k in 1..3 {
        assert!((s.welfare[k] - s.welfare[0]).abs() < 1e-9);
    }
    // A symmetric rise in tariffs only distorts: free trade is the cooperative
    // optimum of identical countries.
    assert!(s.welfare[0] < 1.0, "Ŵ = {}", s.welfare[0]);
}

#[test]
fn a_unilateral_tariff_treats_the_two_others_alike() {
    let base = identical(3, 0.05, 5.0);
    let by = |n: usize| {
        let tariff = tariffs_of(&base, n, |_| 0.25);
        solve(&base, &tariff, &ones(3), &[0.0; 3])
    };
    let s = by(0);
    assert!((s.wage[1] - s.wage[2]).abs() < 1e-9);
    assert!((s.welfare[1] - s.welfare[2]).abs() < 1e-9);
    // The tariff shifts demand to the imposer's goods: its wage rises relative
    // to the others', and it gains at their expense.
    assert!(s.wage[0] > s.wage[1], "ŵ = {:?}", s.wage);
    assert!(s.welfare[0] > s.welfare[1], "Ŵ = {:?}", s.welfare);
    assert!(s.welfare[1] < 1.0);
    // Relabelling: the same tariff imposed by country 1 gives the permuted answer.
    let t = by(1);
    for (a, b) in [(0, 1), (1, 0), (2, 2)] {
        assert!((t.wage[a] - s.wage[b]).abs() < 1e-9);
        assert!((t.welfare[a] - s.welfare[b]).abs() < 1e-9);
    }
}

// --------------------------------------------------------------------------
// Tariffs: terms of trade
// --------------------------------------------------------------------------

#[test]
fn a_small_unilateral_tariff_helps_the_imposer_and_hurts_its_partners() {
    let world = flagship();
    let base = flagship_baseline(&world);
    let kaz = index(&world, "KAZ");
    let cost = base.cost.clone();
    let none = solve(base, &base.tariff, &cost, &base.deficit);
    let tariff = tariffs_of(base, kaz, |t| t + 0.02);
    let s = solve(base, &tariff, &cost, &base.deficit);
    let gain = s.welfare[kaz] / none.welfare[kaz];
    assert!(gain > 1.0, "KAZ's Ŵ relative to no shock: {gain}");
    // Its terms of trade improve: its wage rises relative to world output.
    assert!(s.wage[kaz] > none.wage[kaz]);
    let others = money_metric(base, &s, (0..base.n).filter(|&m| m != kaz))
        - money_metric(base, &none, (0..base.n).filter(|&m| m != kaz));
    assert!(others < 0.0, "partners' combined welfare change {others}");
}

#[test]
fn the_optimal_tariff_is_interior() {
    let world = flagship();
    let kaz = index(&world, "KAZ");
    // On the real baseline (KAZ applies about 8% outside the union), and on
    // the free-trade, balanced-trade version of the same economy.
    for (what, base) in [
        ("2019 baseline", flagship_baseline(&world).clone()),
        ("free trade", free_trade_balanced(&world, 5.0)),
    ] {
        let cost = base.cost.clone();
        let welfare = |level: f64| {
            let tariff = tariffs_of(&base, kaz, |_| level);
            solve(&base, &tariff, &cost, &base.deficit).welfare[kaz]
        };
        let (w2, w20, w200) = (welfare(0.02), welfare(0.20), welfare(2.0));
        assert!(
            w20 > w2,
            "{what}: Ŵ(20%) = {w20} should exceed Ŵ(2%) = {w2}"
        );
        assert!(
            w200 < w20,
            "{what}: Ŵ(200%) = {w200} should be below Ŵ(20%) = {w20}"
        );
        if what == "free trade" {
            // From free trade, a small tariff gains and a prohibitive one
            // approaches autarky, which loses.
            assert!(w2 > 1.0 && w200 < 1.0, "{w2} {w200}");
        }
    }
}

// --------------------------------------------------------------------------
// Trade costs
// --------------------------------------------------------------------------

#[test]
fn lower_trade_costs_between_two_partners_raise_both_partners_welfare() {
    let world = flagship();
    let n = world.n_states();
    let base = free_trade_balanced(&world, 5.0);
    let zero = Matrix::new(n, n, 0.0);
    for (a, b) in [("KAZ", "CHN"), ("KAZ", "RUS"), ("UKR", "EU27")] {
        let (a, b) = (index(&world, a), index(&world, b));
        let mut cost = base.cost.clone();
        cost.set(a, b, 0.9);
        cost.set(b, a, 0.9);
        let s = solve(&base, &zero, &cost, &vec![0.0; n]);
        assert!(s.welfare[a] > 1.0, "Ŵ[{a}] = {}", s.welfare[a]);
        assert!(s.welfare[b] > 1.0, "Ŵ[{b}] = {}", s.welfare[b]);
        // ACR: with zero tariffs, balanced trade and no change at home,
        // Ŵ_n = (λ′_nn / λ_nn)^(−1/ε) for every region.
        for m in 0..n {
            let want = (s.shares.get(m, m) / base.shares.get(m, m)).powf(-1.0 / base.epsilon);
            assert!(close(s.welfare[m], want, 1e-9), "region {m}");
        }
    }
}

// --------------------------------------------------------------------------
// Accounting
// --------------------------------------------------------------------------

#[test]
fn shares_sum_to_one_and_world_output_is_the_numeraire() {
    let world = flagship();
    let base = flagship_baseline(&world);
    let n = base.n;
    let kaz = index(&world, "KAZ");
    let rus = index(&world, "RUS");
    let mut cost = base.cost.clone();
    cost.set(kaz, rus, 1.3);
    cost.set(rus, kaz, f64::INFINITY);
    let shocks = [
        (tariffs_of(base, kaz, |t| t + 0.10), base.cost.clone()),
        (tariffs_of(base, rus, |_| 0.5), cost),
        (Matrix::new(n, n, 0.0), base.cost.clone()),
    ];
    let world_output: f64 = base.output.iter().sum();
    for (tariff, cost) in &shocks {
        // Explicit checks (solve() also re-evaluates every equation).
        let s = solve(base, tariff, cost, &base.deficit);
        for m in 0..n {
            let row: f64 = s.shares.row(m).iter().sum();
            assert!((row - 1.0).abs() < 1e-12, "row {m} sums to {row}");
        }
        let output: f64 = (0..n).map(|i| s.wage[i] * base.output[i]).sum();
        assert!((output - world_output).abs() <= 1e-9 * world_output);
    }
}

// --------------------------------------------------------------------------
// Failures
// --------------------------------------------------------------------------

#[test]
fn too_few_iterations_is_an_error_not_a_number() {
    let world = flagship();
    let base = flagship_baseline(&world);
    let n = base.n;
    let mut tariff = Matrix::new(n, n, 1.0);
    for i in 0..n {
        tariff.set(i, i, 0.0);
    }
    let shock = Shock {
        tariff: &tariff,
        cost: &base.cost,
        deficit: &base.deficit,
        endowment: None,
    };
    let mut solver = Solver::new(n);
    solver.max_iterations = 1;
    match solver.solve(base, &shock, None) {
        Err(TradeError::NonConvergence {
            iterations,
            residual,
            ..
        }) => {
            // One iteration of the first method, one of the fall-back.
            assert_eq!(iterations, 2);
            assert!(residual > solver.tolerance, "residual {residual}");
        }
        other => panic!("expected non-convergence, got {other:?}"),
    }
    // The shock itself is solvable with the default iteration budget, and the
    // same solver recovers.
    solver.max_iterations = Solver::new(n).max_iterations;
    let s = solver.solve(base, &shock, None).unwrap().clone();
    assert!(s.iterations > 1);
    assert_equilibrium(base, &shock, &s);
}

#[test]
fn autarky_with_fixed_deficits_is_an_error_not_a_number() {
    // A region with a deficit cannot spend more than it earns without trade.
    let world = flagship();
    let big = flagship_baseline(&world);
    for base in [&small(), big] {
        let n = base.n;
        let shock = Shock {
            tariff: &base.tariff,
            cost: &autarky_costs(n),
            deficit: &base.deficit,
            endowment: None,
        };
        for warm in [None, Some(vec![1.1; n])] {
            let result = Solver::new(n).solve(base, &shock, warm.as_deref()).cloned();
            assert!(
                matches!(result, Err(TradeError::NonConvergence { .. })),
                "{n} regions, warm {warm:?}: expected non-convergence, got {result:?}"
            );
            // The message names the shock and the residual, not a guessed cause.
            let message = result.unwrap_err().to_string();
            let pairs = n * (n - 1);
            for part in [
                format!("trade costs changed on {pairs} of {pairs} pairs ({pairs} prohibitive"),
                "largest excess demand left is".to_string(),
                "in the market of region".to_string(),
            ] {
                assert!(message.contains(&part), "{message}\nlacks: {part}");
            }
        }
    }
}

/// One region's deficit is the others' surplus. New deficits that do not sum to
/// zero have no equilibrium (Walras' law): the solver drops one market-clearing
/// equation for the numeraire, so without a check that market would silently
/// not clear.
#[test]
fn deficits_that_do_not_sum_to_zero_are_an_error() {
    let world = flagship();
    let base = flagship_baseline(&world);
    let n = base.n;
    let mut deficit = base.deficit.clone();
    deficit[index(&world, "KGZ")] += 1000.0;
    let shock = Shock {
        tariff: &base.tariff,
        cost: &base.cost,
        deficit: &deficit,
        endowment: None,
    };
    let result = Solver::new(n).solve(base, &shock, None).cloned();
    match result {
        Err(TradeError::InvalidShock(msg)) => assert!(msg.contains("sum"), "{msg}"),
        other => panic!("expected an invalid-shock error, got {other:?}"),
    }
}

/// Spending E′ = (ŵY + D′)/(1 − τ̄) cannot be negative: a surplus larger than
/// what a region earns is an error, not a negative welfare number.
#[test]
fn a_surplus_larger_than_income_is_an_error() {
    let world = flagship();
    let base = flagship_baseline(&world);
    let n = base.n;
    let (kgz, row) = (index(&world, "KGZ"), index(&world, "ROW"));
    let mut deficit = base.deficit.clone();
    // KGZ runs a surplus of twice its GDP; ROW absorbs it, so ΣD′ stays 0.
    let change = -2.0 * base.output[kgz] - base.deficit[kgz];
    deficit[kgz] += change;
    deficit[row] -= change;
    let shock = Shock {
        tariff: &base.tariff,
        cost: &base.cost,
        deficit: &deficit,
        endowment: None,
    };
    let result = Solver::new(n).solve(base, &shock, None).cloned();
    assert!(
        matches!(
            result,
            Err(TradeError::InvalidShock(_) | TradeError::NonConvergence { .. })
        ),
        "expected an error, got {result:?}"
    );
}

// --------------------------------------------------------------------------
// Reuse and warm starts
// --------------------------------------------------------------------------

/// One solver, many solves: the answer may not depend on what it solved
/// before, whether the shock, the baseline or both changed (the solver reuses
/// work between solves). Each solution is checked against the equations.
#[test]
fn a_reused_solver_keeps_no_stale_state() {
    let mut solver = Solver::new(3);
    let mut tariff = Matrix::new(3, 3, 0.10);
    for i in 0..3 {
        tariff.set(i, i, 0.0);
    }
    let mut cost = ones(3);
    cost.set(0, 1, 1.2);
    let zero = [0.0; 3];
    let mut check = |base: &Baseline, tariff: &Matrix, cost: &Matrix, what: &str| {
        let shock = Shock {
            tariff,
            cost,
            deficit: &zero,
            endowment: None,
        };
        let s = solver
            .solve(base, &shock, None)
            .unwrap_or_else(|e| panic!("{what}: {e}"))
            .clone();
        // Printed, so that a failure says which solve it was.
        println!("solve: {what}");
        assert_equilibrium(base, &shock, &s);
    };
    // The same baseline, shocks that change a few entries and change them back.
    let mut base = small();
    check(&base, &tariff, &cost, "first shock");
    check(&base, &tariff, &autarky_costs(3), "autarky");
    check(&base, &tariff, &cost, "first shock again");
    check(&base, &base.tariff.clone(), &cost, "baseline tariffs");
    // The same shock on a baseline changed in place ...
    base.epsilon = 8.0;
    check(&base, &tariff, &cost, "ε changed in place");
    base.shares = small().shares;
    base.shares.set(0, 0, 0.5);
    base.shares.set(0, 1, 0.3);
    base.shares.set(0, 2, 0.2);
    check(&base, &tariff, &cost, "shares changed in place");
    // ... and on another baseline in the same place.
    base = identical(3, 0.05, 5.0);
    check(&base, &tariff, &cost, "another baseline");
}

#[test]
fn warm_starts_do_not_change_the_answer() {
    let world = flagship();
    let base = flagship_baseline(&world);
    let kaz = index(&world, "KAZ");
    let cost = base.cost.clone();
    let near = tariffs_of(base, kaz, |t| t + 0.02);
    let target = tariffs_of(base, kaz, |t| t + 0.05);
    let shock = |tariff| Shock {
        tariff,
        cost: &cost,
        deficit: &base.deficit,
        endowment: None,
    };
    let mut solver = Solver::new(base.n);
    let cold = solver.solve(base, &shock(&target), None).unwrap().clone();
    let ones_start = vec![1.0; base.n];
    let from_baseline = solver
        .solve(base, &shock(&target), Some(&ones_start))
        .unwrap()
        .clone();
    let nearby = solver
        .solve(base, &shock(&near), None)
        .unwrap()
        .wage
        .clone();
    let warm = solver
        .solve(base, &shock(&target), Some(&nearby))
        .unwrap()
        .clone();
    let far: Vec<f64> = (0..base.n).map(|k| 0.7 + 0.05 * k as f64).collect();
    let from_far = solver
        .solve(base, &shock(&target), Some(&far))
        .unwrap()
        .clone();
    for other in [&from_baseline, &warm, &from_far] {
        assert_all_close("ŵ", &other.wage, &cold.wage, 1e-9);
        assert_all_close("Ŵ", &other.welfare, &cold.welfare, 1e-9);
        assert_all_close("P̂", &other.price, &cold.price, 1e-9);
        assert_all_close("E′", &other.spending, &cold.spending, 1e-9);
    }
    assert_equilibrium(base, &shock(&target), &warm);
}

// --------------------------------------------------------------------------
// Hard shocks: near-autarky and embargoes
// --------------------------------------------------------------------------

/// Every international trade cost multiplied by `factor` (the diagonal stays 1).
fn costs_times(n: usize, factor: f64) -> Matrix {
    let mut cost = Matrix::new(n, n, factor);
    for i in 0..n {
        cost.set(i, i, 1.0);
    }
    cost
}

/// Near-autarky shocks — every international cost ×10 … ×100 — on the
/// balanced 12-region economy converge to an equilibrium that clears every
/// market, and move welfare toward the ACR autarky value from above.
#[test]
fn costs_times_fifty_and_a_hundred_on_every_pair_converge() {
    let world = flagship();
    let n = world.n_states();
    let base = free_trade_balanced(&world, 5.0);
    let zero = Matrix::new(n, n, 0.0);
    for factor in [10.0, 50.0, 100.0, 1e3] {
        let s = solve(&base, &zero, &costs_times(n, factor), &vec![0.0; n]);
        for m in 0..n {
            let autarky = base.shares.get(m, m).powf(1.0 / base.epsilon);
            assert!(
                s.welfare[m] >= autarky - 1e-9 && s.welfare[m] < 1.0,
                "×{factor}, region {m}: Ŵ = {}, autarky {autarky}",
                s.welfare[m]
            );
        }
    }
}

/// The same on the flagship's own baseline (tariffs, and its deficits set to
/// zero), and embargoes: prohibitive costs on every pair that touches half of
/// the regions, with the rest ×100.
#[test]
fn embargo_scale_shocks_converge() {
    let world = flagship();
    let base = flagship_baseline(&world);
    let n = base.n;
    let zero = vec![0.0; n];
    let mut cost = costs_times(n, 100.0);
    for a in 0..n / 2 {
        for b in (0..n).filter(|&b| b != a) {
            cost.set(a, b, f64::INFINITY);
            cost.set(b, a, f64::INFINITY);
        }
    }
    for c in [&costs_times(n, 50.0), &costs_times(n, 100.0), &cost] {
        solve(base, &base.tariff, c, &zero);
    }
}
