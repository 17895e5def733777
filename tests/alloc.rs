//! The forecast hot path allocates nothing in steady state: building an
//! option's tariffs and trade costs, looking its equilibrium up in the cache
//! and handing out the gains, solving a new equilibrium, and the whole
//! forecast of every option of a tariff decision (its policies, answered
//! continuation, expected retaliation and coercion). Checked with a counting
//! global allocator, one test in this file so no other test's allocations are
//! counted.

use statecraft::economy::Economy;
use statecraft::game::{forecast, tariff};
use statecraft::matrix::Matrix;
use statecraft::policy::{Policy, ShockScratch};
use statecraft::state::RunState;
use statecraft::trade::{Shock, Solver};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[test]
fn the_forecast_hot_path_allocates_nothing_in_steady_state() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/kazakhstan_wto_eaeu.toml");
    let world = statecraft::scenario::load(&path, &[]).unwrap().world;
    let model = world
        .trade
        .as_ref()
        .expect("the flagship has a trade model");
    let kaz = world.state_index("KAZ").expect("KAZ");
    // Kazakhstan's tariff decision in 2016 (a WTO and EAEU member): every
    // option's policy, and the continuation where partners answer in kind.
    let base = Policy::initial(&world, 2016);
    let mut policies = vec![base.clone()];
    for c in tariff::options(&world, &base, kaz) {
        let mut next = base.clone();
        tariff::apply(&world, &mut next, kaz, &c);
        let mut answered = next.clone();
        forecast::answer_in_kind(&world, kaz, &base, &next, &mut answered);
        policies.extend([next, answered]);
    }
    assert!(policies.len() >= 5, "the decision has options");

    // Shock building with reused workspace.
    let n = world.n_states();
    let (mut t, mut c) = (Matrix::new(n, n, 0.0), Matrix::new(n, n, 1.0));
    let mut scratch = ShockScratch::default();
    policies[1].shock_into(&world, &mut t, &mut c, &mut scratch);
    let shocks = allocations_in(|| {
        for p in &policies {
            p.shock_into(&world, &mut t, &mut c, &mut scratch);
        }
    });
    assert_eq!(shocks, 0, "building tariffs and costs allocated");

    // Equilibria looked up and handed out: the first pass solves and fills
    // the cache, every later pass only finds.
    let mut economy = Economy::new(&world, model);
    let first: Vec<_> = policies.iter().map(|p| economy.gains(p).unwrap()).collect();
    let solved = economy.solves;
    assert!(solved > 1, "the options have distinct equilibria");
    let mut held = Vec::with_capacity(policies.len());
    let lookups = allocations_in(|| {
        for _ in 0..3 {
            held.clear();
            for p in &policies {
                held.push(economy.gains(p).unwrap());
            }
        }
    });
    assert_eq!(lookups, 0, "cached gains were copied or the key allocated");
    assert_eq!(economy.solves, solved);
    assert_eq!(held, first, "the cache changes speed, never numbers");

    // Solving new equilibria: the solver owns its workspace.
    let mut solver = Solver::new(n);
    let deficit = &model.baseline.deficit;
    let solve = |solver: &mut Solver, p: &Policy, t: &mut Matrix, c: &mut Matrix, s: &mut _| {
        p.shock_into(&world, t, c, s);
        let shock = Shock {
            tariff: t,
            cost: c,
            deficit,
            endowment: None,
        };
        solver.solve(&model.baseline, &shock, None).unwrap().welfare[kaz]
    };
    solve(&mut solver, &policies[0], &mut t, &mut c, &mut scratch);
    let solves = allocations_in(|| {
        for p in &policies {
            solve(&mut solver, p, &mut t, &mut c, &mut scratch);
        }
    });
    assert_eq!(solves, 0, "solving an equilibrium allocated");

    // The whole forecast of each option, as the tariff game makes it: the
    // option's policy and its continuations in reused buffers, the forecast's
    // lists in a recycled forecast. One pass fills the cache and the spare
    // buffers; the next allocates nothing.
    let profile = statecraft::job::profile(&world, "scenario").unwrap();
    let rng = statecraft::montecarlo::run_rng(world.run.seed, 0);
    let mut rs = RunState::new(&world, &profile.doctrines, rng, 0);
    rs.year = 2016;
    rs.policy = base.clone();
    let options = tariff::options(&world, &base, kaz);
    let mut forecasts = Vec::with_capacity(options.len());
    let pass = |rs: &mut RunState<'_>, forecasts: &mut Vec<_>| {
        for c in &options {
            let mut next = rs.copy_of(&base);
            tariff::apply(&world, &mut next, kaz, c);
            forecasts.push(forecast::forecast_change(rs, kaz, &base, &next).unwrap());
            rs.recycle(next);
        }
        for f in forecasts.drain(..) {
            rs.recycle_forecast(f);
        }
    };
    pass(&mut rs, &mut forecasts);
    let breaking = options.iter().any(|c| {
        let mut next = base.clone();
        tariff::apply(&world, &mut next, kaz, c);
        let f = forecast::forecast_change(&mut rs, kaz, &base, &next).unwrap();
        !f.violations.is_empty()
    });
    assert!(
        breaking,
        "some option breaks a rule, so retaliation is forecast"
    );
    pass(&mut rs, &mut forecasts);
    let forecasting = allocations_in(|| pass(&mut rs, &mut forecasts));
    assert_eq!(forecasting, 0, "forecasting a tariff decision allocated");
}
