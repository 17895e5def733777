//! Mechanism directions (docs/model.md §7), as comparative statics over many runs
//! of small constructed worlds in which one mechanism is isolated.

mod common;

use common::{load, write_flows};
use statecraft::matrix::Matrix;
use statecraft::policy::Policy;
use statecraft::trade::{Shock, Solver};
use statecraft::world::World;
use std::path::Path;

/// A state; `params` lists its coefficients, the unit-free ones (δ, k, w) as
/// they are and the others in the trade family's table.
fn state(code: &str, doctrine: &str, tariff: f64, params: &str) -> String {
    let (shared, weights): (Vec<&str>, Vec<&str>) =
        params.split(", ").filter(|p| !p.is_empty()).partition(|p| {
            ["discount", "relative_gains", "salience"]
                .iter()
                .any(|k| p.starts_with(k))
        });
    let mut table: Vec<String> = shared.iter().map(|p| p.to_string()).collect();
    table.push(format!("trade = {{ {} }}", weights.join(", ")));
    format!(
        "[states.{code}]\nname = \"{code}\"\ngdp_musd = 1000\nmilitary_musd = 10\ndoctrine = \"{doctrine}\"\n\
         tariff_percent = {tariff}\nparams = {{ {} }}\n",
        table.join(", ")
    )
}

const HEAD: &str = "[scenario]\nname = \"m\"\n[timeline]\nstart = 2000\nend = 2019\n\
    [trade]\nflows = \"flows.csv\"\nelasticity = 5\nbaseline_year = 2000\nunilateral_tariff_percent = 20\n";

/// Mean compliance share of `s` with institution `inst` over `runs` runs.
fn compliance(world: &World, s: &str, inst: &str, runs: u64) -> f64 {
    common::mean(world, s, &format!("compliance_share:{inst}"), runs)
}

/// A small member of a customs union whose CET (2%) is below the member's own
/// preferred tariff (10%): deviating is tempting; the leader can coerce through
/// the member's transit dependence.
fn union_world(dir: &Path, transit: f64) -> World {
    write_flows(dir, &["LDR", "MEM", "OUT", "FAR"], &[]);
    let text = format!(
        "{HEAD}{}{}{}{}\
         [dependence.MEM.LDR]\ntransit = {transit}\n\
         [institutions.CU]\nkind = \"customs_union\"\nmembers = [\"LDR\", \"MEM\"]\nleader = \"LDR\"\n\
         cet_percent = {{ 2000 = 2.0 }}\ncoercion_cost_percent = 30\ncoercion_prior = [1.0, 1.0]\n",
        state("LDR", "neorealist", 2.0, "precision = 300"),
        state("MEM", "neorealist", 10.0, "precision = 300, discount = 0.3"),
        state("OUT", "neoliberal", 5.0, "precision = 300"),
        state("FAR", "neoliberal", 5.0, "precision = 300"),
    );
    load(dir, &text)
}

#[test]
fn more_coercion_leverage_makes_a_neorealist_member_comply_more_with_the_union() {
    let dir = tempfile::tempdir().unwrap();
    let low = compliance(&union_world(dir.path(), 0.0), "MEM", "CU", 40);
    let high = compliance(&union_world(dir.path(), 0.9), "MEM", "CU", 40);
    assert!(
        high > low + 0.2,
        "union compliance with transit leverage {high} vs without {low}"
    );
}

/// A neoliberal member A of a trade regime bound at 5% whose own tariff is 15%:
/// violating pays in terms of trade; B and C may file when they detect it.
fn regime_world(dir: &Path, monitoring: f64, discount: f64) -> World {
    write_flows(dir, &["A", "B", "C", "D"], &[]);
    let text = format!(
        "{HEAD}{}{}{}{}\
         [institutions.WTO]\nkind = \"trade_regime\"\nmembers = [\"A\", \"B\", \"C\", \"D\"]\n\
         bound_percent = {{ A = 5.0 }}\nmonitoring = {monitoring}\nconsultation_years = 0\npanel_years = 0\n\
         challenge_prior = [1.0, 9.0]\nfiling_cost_percent = 0.001\n",
        state(
            "A",
            "neoliberal",
            15.0,
            &format!("precision = 300, discount = {discount}, reputation = 0")
        ),
        state("B", "neoliberal", 5.0, "precision = 300, discount = 0.9"),
        state("C", "neoliberal", 5.0, "precision = 300, discount = 0.9"),
        state("D", "neoliberal", 5.0, "precision = 300, discount = 0.9"),
    );
    load(dir, &text)
}

#[test]
fn stronger_monitoring_makes_a_neoliberal_member_comply_more_with_the_regime() {
    let dir = tempfile::tempdir().unwrap();
    let weak = compliance(&regime_world(dir.path(), 0.02, 0.1), "A", "WTO", 40);
    let strong = compliance(&regime_world(dir.path(), 1.0, 0.1), "A", "WTO", 40);
    assert!(
        strong > weak + 0.1,
        "compliance under strong monitoring {strong} vs weak {weak}"
    );
}

#[test]
fn a_longer_shadow_of_the_future_means_more_compliance() {
    let dir = tempfile::tempdir().unwrap();
    let short = compliance(&regime_world(dir.path(), 0.02, 0.1), "A", "WTO", 40);
    let long = compliance(&regime_world(dir.path(), 0.02, 0.9), "A", "WTO", 40);
    assert!(
        long > short + 0.1,
        "compliance with δ = 0.9 {long} vs δ = 0.1 {short}"
    );
}

#[test]
fn a_customs_unions_internal_free_trade_raises_members_trade_with_each_other() {
    let dir = tempfile::tempdir().unwrap();
    write_flows(dir.path(), &["A", "B", "C", "D"], &[]);
    let text = format!(
        "{HEAD}{}{}{}{}[institutions.CU]\nkind = \"customs_union\"\nmembers = [\"A\", \"B\"]\nleader = \"A\"\n\
         founded = 2010\ncet_percent = {{ 2010 = 8.0 }}\n",
        state("A", "neoliberal", 8.0, ""),
        state("B", "neoliberal", 8.0, ""),
        state("C", "neoliberal", 8.0, ""),
        state("D", "neoliberal", 8.0, ""),
    );
    let world = load(dir.path(), &text);
    let model = world.trade.as_ref().unwrap();
    let n = world.n_states();
    let flows = |year: i32| {
        let (mut t, mut c) = (Matrix::new(n, n, 0.0), Matrix::new(n, n, 1.0));
        Policy::initial(&world, year).shock(&world, &mut t, &mut c);
        let mut solver = Solver::new(n);
        let s = solver
            .solve(
                &model.baseline,
                &Shock {
                    tariff: &t,
                    cost: &c,
                    deficit: &model.baseline.deficit,
                },
                None,
            )
            .unwrap();
        // A's imports from B and from C, at producer prices.
        let imports = |i: usize| s.shares.get(0, i) * s.spending[0] / (1.0 + t.get(0, i));
        (imports(1), imports(2))
    };
    let (before_b, before_c) = flows(2005);
    let (after_b, after_c) = flows(2015);
    assert!(
        after_b > before_b * 1.2,
        "A's imports from its union partner: {before_b} → {after_b}"
    );
    assert!(
        after_c < before_c,
        "trade diversion away from outsiders: {before_c} → {after_c}"
    );
}
