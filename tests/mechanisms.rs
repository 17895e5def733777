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

const RUNS: u64 = 40;

/// Mean of `metric` for `s` over the same runs of two worlds (common random
/// numbers: run r of each draws stream r): (first, second).
fn paired(a: &World, b: &World, s: &str, metric: &str) -> (f64, f64) {
    (
        common::mean(a, s, metric, RUNS),
        common::mean(b, s, metric, RUNS),
    )
}

/// A member MEM of a customs union led by LDR, whose CET (2%) is below MEM's
/// own tariff (10%): deviating pays MEM in terms of trade. The leader can
/// coerce through MEM's transit dependence and withdraw the security it
/// commits to it. LDR is MEM's large neighbour.
fn union_world(dir: &Path, doctrine: &str, transit: f64, security: f64) -> World {
    write_flows(dir, &["LDR", "MEM", "OUT", "FAR"], &[]);
    let text = format!(
        "{HEAD}{}{}{}{}\
         [dependence.MEM.LDR]\ntransit = {transit}\nsecurity = {security}\n\
         [institutions.CU]\nkind = \"customs_union\"\nmembers = [\"LDR\", \"MEM\"]\nleader = \"LDR\"\n\
         cet_percent = {{ 2000 = 2.0 }}\ncoercion_cost_percent = 30\ncoercion_prior = [1.0, 1.0]\n",
        state("LDR", "neorealist", 2.0, "precision = 300").replace(
            "military_musd = 10",
            "military_musd = 100\nneighbours = [\"MEM\"]"
        ),
        state(
            "MEM",
            doctrine,
            10.0,
            "precision = 30, discount = 0.3, reputation = 0",
        ),
        state("OUT", "neoliberal", 5.0, "precision = 300"),
        state("FAR", "neoliberal", 5.0, "precision = 300"),
    );
    load(dir, &text)
}

#[test]
fn a_neoliberal_member_complies_more_with_the_union_when_the_leader_has_more_leverage() {
    // Every doctrine foresees the leader's coercion (one world model): the
    // neoliberal weighs the expected loss through transit like any loss.
    let dir = tempfile::tempdir().unwrap();
    let (none, much) = paired(
        &union_world(dir.path(), "neoliberal", 0.0, 0.0),
        &union_world(dir.path(), "neoliberal", 0.9, 0.0),
        "MEM",
        "compliance_share:CU",
    );
    assert!(
        much > none + 0.2,
        "union compliance with transit leverage {much} vs without {none}"
    );
}

#[test]
fn security_dependence_on_the_leader_makes_a_neorealist_member_comply_with_the_union() {
    // No trade leverage: only the security the leader commits, and could
    // withdraw, is at stake — which the neorealist values (s·ΔSec).
    let dir = tempfile::tempdir().unwrap();
    let (independent, dependent) = (
        union_world(dir.path(), "neorealist", 0.0, 0.0),
        union_world(dir.path(), "neorealist", 0.0, 0.9),
    );
    let (none, much) = paired(&independent, &dependent, "MEM", "compliance_share:CU");
    assert!(
        much > none + 0.1,
        "union compliance with security dependence {much} vs without {none}"
    );
    // Removing it changes decisions, not just numbers in a report.
    let catalogue = statecraft::outcome::Catalogue::new(&dependent);
    let events = |w: &World| -> Vec<Vec<statecraft::event::Event>> {
        (0..RUNS)
            .map(|r| {
                statecraft::simulation::simulate(
                    w,
                    &w.scenario_profile(),
                    &catalogue,
                    1,
                    r,
                    &Default::default(),
                )
                .unwrap()
                .events
            })
            .collect()
    };
    assert_ne!(events(&independent), events(&dependent));
    // A neoliberal does not value security: the same dependence leaves its
    // compliance as it was (the forecast is the same; the valuation differs).
    let (free, tied) = paired(
        &union_world(dir.path(), "neoliberal", 0.0, 0.0),
        &union_world(dir.path(), "neoliberal", 0.0, 0.9),
        "MEM",
        "compliance_share:CU",
    );
    assert_eq!(free, tied);
}

/// A member A of a trade regime bound at 5% whose own tariff is 15%:
/// violating pays in terms of trade; B, C and D may file when they detect it.
fn regime_world(
    dir: &Path,
    doctrine: &str,
    monitoring: f64,
    prior: [f64; 2],
    discount: f64,
) -> World {
    write_flows(dir, &["A", "B", "C", "D"], &[]);
    let text = format!(
        "{HEAD}{}{}{}{}\
         [institutions.WTO]\nkind = \"trade_regime\"\nmembers = [\"A\", \"B\", \"C\", \"D\"]\n\
         bound_percent = {{ A = 5.0 }}\nmonitoring = {monitoring}\nconsultation_years = 0\npanel_years = 0\n\
         challenge_prior = [{}, {}]\nfiling_cost_musd = 0.01\n",
        state(
            "A",
            doctrine,
            15.0,
            &format!("precision = 30, discount = {discount}, reputation = 0")
        ),
        state("B", "neoliberal", 5.0, "precision = 300, discount = 0.9"),
        state("C", "neoliberal", 5.0, "precision = 300, discount = 0.9"),
        state("D", "neoliberal", 5.0, "precision = 300, discount = 0.9"),
        prior[0],
        prior[1],
    );
    load(dir, &text)
}

#[test]
fn a_neorealist_member_complies_more_with_the_regime_under_stronger_monitoring_and_enforcement() {
    // Every doctrine foresees authorised retaliation: the neorealist too.
    let dir = tempfile::tempdir().unwrap();
    let (weak, strong) = paired(
        &regime_world(dir.path(), "neorealist", 0.02, [1.0, 9.0], 0.3),
        &regime_world(dir.path(), "neorealist", 1.0, [1.0, 9.0], 0.3),
        "A",
        "compliance_share:WTO",
    );
    assert!(
        strong > weak + 0.1,
        "compliance under strong monitoring {strong} vs weak {weak}"
    );
    // The belief that violations are challenged, by itself.
    let (doubt, belief) = paired(
        &regime_world(dir.path(), "neorealist", 0.5, [1.0, 99.0], 0.3),
        &regime_world(dir.path(), "neorealist", 0.5, [99.0, 1.0], 0.3),
        "A",
        "compliance_share:WTO",
    );
    assert!(
        belief > doubt + 0.1,
        "compliance with a strong enforcement belief {belief} vs a weak one {doubt}"
    );
}

#[test]
fn a_longer_shadow_of_the_future_means_more_compliance() {
    let dir = tempfile::tempdir().unwrap();
    let (short, long) = paired(
        &regime_world(dir.path(), "neoliberal", 0.02, [1.0, 9.0], 0.1),
        &regime_world(dir.path(), "neoliberal", 0.02, [1.0, 9.0], 0.9),
        "A",
        "compliance_share:WTO",
    );
    assert!(
        long > short + 0.1,
        "compliance with δ = 0.9 {long} vs δ = 0.1 {short}"
    );
}

/// A union LDR–MEM–SML with an anti-dumping measure on OUT adopted before the
/// timeline. MEM and SML are also in a trade regime with OUT that the measure
/// breaks: applying it exposes them to retaliation, breaking it to union law.
fn measure_world(dir: &Path, leader_votes: f64) -> World {
    write_flows(dir, &["LDR", "MEM", "SML", "OUT"], &[]);
    let text = format!(
        "{HEAD}{}{}{}{}\
         [institutions.CU]\nkind = \"customs_union\"\nmembers = [\"LDR\", \"MEM\", \"SML\"]\nleader = \"LDR\"\n\
         cet_percent = {{ 2000 = 5.0 }}\ndecision = \"weighted\"\nvotes = {{ LDR = {leader_votes}, MEM = 30, SML = 30 }}\n\
         [[institutions.CU.measures]]\nname = \"duty\"\ntarget = \"OUT\"\nduty_percent = 60\ncoverage = 0.5\n\
         from = 1990\nuntil = 2019\nwto_consistent = false\n\
         [institutions.WTO]\nkind = \"trade_regime\"\nmembers = [\"MEM\", \"SML\", \"OUT\"]\n\
         bound_percent = {{ MEM = 5.0, SML = 5.0 }}\nmonitoring = 1.0\nconsultation_years = 0\n\
         panel_years = 1\nchallenge_prior = [9.0, 1.0]\n",
        state("LDR", "neoliberal", 5.0, "precision = 300"),
        state("MEM", "neoliberal", 5.0, "precision = 300"),
        state("SML", "neoliberal", 5.0, "precision = 300"),
        state("OUT", "neoliberal", 5.0, "precision = 300"),
    );
    load(dir, &text)
}

#[test]
fn a_member_cannot_waive_an_adopted_measure_but_a_repeal_vote_can_end_it() {
    use statecraft::game::tariff::{apply, options};
    let dir = tempfile::tempdir().unwrap();
    let w = measure_world(dir.path(), 40.0);
    let (cu, mem) = (
        w.institution_index("CU").unwrap(),
        w.state_index("MEM").unwrap(),
    );
    let p = Policy::initial(&w, 2000);
    assert!(p.measure_in_force(&w, cu, 0));
    // Every tariff-game option that leaves the measure unapplied breaks union
    // law; the only lawful options apply it.
    for c in options(&w, &p, mem) {
        let mut next = p.clone();
        apply(&w, &mut next, mem, &c);
        if next.is_member(mem, cu) && next.is_breached(&w, mem, cu, 0) {
            assert!(
                !next.complies_with_union(&w, cu, mem),
                "{c:?} waives the measure lawfully"
            );
        }
    }
    // Its lawful lever is review: the members the measure puts in breach of
    // the regime ask for it and, with the votes, repeal it — for every member.
    let catalogue = statecraft::outcome::Catalogue::new(&w);
    let mut repealed = 0;
    for r in 0..RUNS {
        let o = statecraft::simulation::simulate(
            &w,
            &w.scenario_profile(),
            &catalogue,
            1,
            r,
            &Default::default(),
        )
        .unwrap();
        repealed += u64::from(
            o.events
                .iter()
                .any(|e| e.kind == statecraft::event::EventKind::Repeal),
        );
    }
    assert!(repealed > RUNS / 2, "repealed in {repealed} of {RUNS} runs");
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
                    endowment: None,
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
