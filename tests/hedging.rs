//! Hedging and sanctions with real trade-offs (docs/model.md §7.11–7.12,
//! patterns P3–P4): each cost of the Belt and Road and each side of the
//! sanctions choice moves decisions the way theory says, over paired runs of
//! small constructed worlds (run r of both worlds uses the same stream).

mod common;

use common::{load, write_flows};
use statecraft::outcome::Catalogue;
use statecraft::simulation::{RunOptions, simulate};
use statecraft::world::World;
use std::path::Path;

const RUNS: u64 = 40;

fn state(code: &str, doctrine: &str, extra: &str) -> String {
    format!(
        "[states.{code}]\nname = \"{code}\"\ngdp_musd = 1000\nmilitary_musd = 10\ndoctrine = \"{doctrine}\"\n\
         tariff_percent = 5\nunilateral_tariff_percent = 5\n{extra}\n"
    )
}

const PRECISE: &str = "params = { trade = { precision = 300 } }";

fn mean(world: &World, s: &str, metric: &str) -> f64 {
    common::mean(world, s, metric, RUNS)
}

/// A sponsor SPN (a great power), candidates MEM (in a customs union led by
/// LDR) and OUT, and a corridor partner EUR. `kaz` is MEM's doctrine and
/// parameters; `extra` is appended to the scenario.
fn bri(dir: &Path, mem: (&str, &str), initiative: &str, union: &str, extra: &str) -> World {
    write_flows(dir, &["SPN", "LDR", "MEM", "OUT", "EUR"], &[]);
    let great = "military_musd = 1000\ngreat_power = true";
    let text = format!(
        "[scenario]\nname = \"h\"\n[timeline]\nstart = 2013\nend = 2030\n\
         [trade]\nflows = \"flows.csv\"\nelasticity = 5\nbaseline_year = 2013\n\
         {}{}{}{}{}\
         [institutions.BRI]\nkind = \"investment_initiative\"\nmembers = [\"SPN\"]\nleader = \"SPN\"\n\
         founded = 2013\ncost_cut = 0.96\nlag_years = 1\ncorridor = [\"SPN\", \"EUR\"]\n\
         invited = [\"MEM\", \"OUT\"]\noffer_cost_percent = 0\n{initiative}\n\
         [institutions.CU]\nkind = \"customs_union\"\nmembers = [\"LDR\", \"MEM\"]\nleader = \"LDR\"\n\
         cet_percent = {{ 2013 = 5.0 }}\n{union}\n{extra}",
        state("SPN", "neoliberal", "").replace("military_musd = 10", great),
        state(
            "LDR",
            "neorealist",
            "params = { relative_gains = 5.0, trade = { precision = 300 } }"
        )
        .replace("military_musd = 10", great),
        state("MEM", mem.0, mem.1),
        state("OUT", "neoliberal", PRECISE),
        state("EUR", "neoliberal", "acts = false"),
    );
    load(dir, &text)
}

/// The traced decisions of `s` named `decision` in run `run`.
fn decisions(
    world: &World,
    s: &str,
    decision: &str,
    run: u64,
) -> Vec<statecraft::state::DecisionRecord> {
    let catalogue = Catalogue::new(world);
    let options = RunOptions {
        trace: true,
        ..RunOptions::default()
    };
    let i = world.state_index(s).unwrap();
    simulate(
        world,
        &world.scenario_profile(),
        &catalogue,
        1,
        run,
        &options,
    )
    .unwrap()
    .decisions
    .into_iter()
    .filter(|d| d.state == i && d.decision == decision)
    .collect()
}

/// A component of the option labelled `label`, averaged over decisions.
fn component(
    ds: &[statecraft::state::DecisionRecord],
    label: &str,
    part: impl Fn(&statecraft::doctrine::Valuation) -> f64,
) -> f64 {
    let values: Vec<f64> = ds
        .iter()
        .filter_map(|d| d.options.iter().find(|o| o.label == label))
        .map(|o| part(&o.valuation))
        .collect();
    assert!(!values.is_empty(), "no option `{label}`");
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn higher_investment_dependence_raises_the_sponsors_leverage_and_a_neorealists_autonomy_cost() {
    let dir = tempfile::tempdir().unwrap();
    let world = |per_year: f64| {
        bri(
            dir.path(),
            (
                "neorealist",
                "params = { trade = { precision = 300, autonomy = 0.5 } }",
            ),
            &format!(
                "dependence_per_year = {per_year}\ncoercion_cost_percent = 20\ncoercion_prior = [5, 1]"
            ),
            "",
            "",
        )
    };
    let (low, high) = (world(0.01), world(0.05));
    let (d_low, d_high) = (
        decisions(&low, "MEM", "initiative", 0),
        decisions(&high, "MEM", "initiative", 0),
    );
    // The autonomy cost of deep participation (α·ΔDep, valued as lasting).
    let autonomy = |ds| component(ds, "deep", |v| v.dependence);
    assert!(
        autonomy(&d_high) < autonomy(&d_low) - 1e-6,
        "autonomy cost with more dependence {} vs less {}",
        autonomy(&d_high),
        autonomy(&d_low)
    );
    // Once the state depends on the sponsor, scaling down exposes it to the
    // sponsor's withdrawal of investment: its expected coercion grows with
    // the dependence built up.
    let late =
        |ds: &[statecraft::state::DecisionRecord]| -> Vec<statecraft::state::DecisionRecord> {
            ds.iter().filter(|d| d.year >= 2020).cloned().collect()
        };
    let leverage =
        |ds: &[statecraft::state::DecisionRecord]| component(&late(ds), "none", |v| v.coercion);
    assert!(
        leverage(&d_high) < leverage(&d_low) - 1e-6,
        "expected coercion for leaving with more dependence {} vs less {}",
        leverage(&d_high),
        leverage(&d_low)
    );
}

#[test]
fn higher_public_suspicion_lowers_participation_through_legitimacy() {
    let dir = tempfile::tempdir().unwrap();
    let world = |suspicion: f64| {
        bri(
            dir.path(),
            ("constructivist", PRECISE),
            &format!("public_suspicion = {suspicion}\nlegitimacy_cost_percent = 2"),
            "",
            "",
        )
    };
    let (trusting, suspicious) = (
        mean(&world(0.0), "OUT", "participation:BRI"),
        mean(&world(0.8), "OUT", "participation:BRI"),
    );
    assert!(
        suspicious < trusting - 0.2,
        "participation with suspicion {suspicious} vs without {trusting}"
    );
}

#[test]
fn a_rival_leaders_objection_lowers_its_members_participation() {
    // The union's leader, a neorealist, objects to its member's taking part;
    // with leverage behind the objection (a costly coercion) its member takes
    // part less than when the objection has no teeth.
    let dir = tempfile::tempdir().unwrap();
    let world = |teeth: f64| {
        bri(
            dir.path(),
            ("neoliberal", PRECISE),
            "",
            &format!("coercion_cost_percent = {teeth}\ncoercion_prior = [5, 1]"),
            "[dependence.MEM.LDR]\ntransit = 0.8\n",
        )
    };
    let (toothless, credible) = (world(0.0), world(50.0));
    let objections = |w: &World| {
        let catalogue = Catalogue::new(w);
        (0..RUNS)
            .map(|r| {
                simulate(
                    w,
                    &w.scenario_profile(),
                    &catalogue,
                    1,
                    r,
                    &RunOptions::default(),
                )
                .unwrap()
                .events
                .iter()
                .filter(|e| e.kind == statecraft::event::EventKind::Objection)
                .count()
            })
            .sum::<usize>()
    };
    assert!(objections(&credible) > 0, "the leader never objects");
    let (free, pressed) = (
        mean(&toothless, "MEM", "participation:BRI"),
        mean(&credible, "MEM", "participation:BRI"),
    );
    assert!(
        pressed < free - 0.2,
        "member's participation under a credible objection {pressed} vs a toothless one {free}"
    );
}

/// A sender SND sanctions TGT, the leader of a customs union with member
/// THR; OTH is another third state. `sanction` is appended to the regime.
fn sanctions(dir: &Path, sanction: &str) -> World {
    write_flows(dir, &["SND", "TGT", "THR", "OTH"], &[("SND", "TGT", 400.0)]);
    let great = "military_musd = 1000\ngreat_power = true";
    let text = format!(
        "[scenario]\nname = \"s\"\n[timeline]\nstart = 2013\nend = 2022\n\
         [trade]\nflows = \"flows.csv\"\nelasticity = 5\nbaseline_year = 2013\n\
         {}{}{}{}\
         [institutions.CU]\nkind = \"customs_union\"\nmembers = [\"TGT\", \"THR\"]\nleader = \"TGT\"\n\
         cet_percent = {{ 2013 = 5.0 }}\n\
         [dependence.THR.TGT]\ntransit = 0.8\n\
         [[sanctions]]\nname = \"s\"\nsenders = [\"SND\"]\ntarget = \"TGT\"\nfrom = 2014\n\
         cost_increase = 0.3\ncounter_response_year = 2015\n{sanction}\n",
        state("SND", "neoliberal", "acts = false").replace("military_musd = 10", great),
        state("TGT", "neoliberal", PRECISE).replace("military_musd = 10", great),
        state("THR", "neoliberal", PRECISE).replace("gdp_musd = 1000", "gdp_musd = 2000"),
        state("OTH", "neoliberal", PRECISE).replace("gdp_musd = 1000", "gdp_musd = 2000"),
    );
    load(dir, &text)
}

#[test]
fn a_higher_chance_of_detection_lowers_circumvention() {
    let dir = tempfile::tempdir().unwrap();
    let rounds = |detection: f64| {
        let w = sanctions(
            dir.path(),
            &format!("reexport_share = 0.2\ndetection = {detection}\nsecondary_risk = 0"),
        );
        mean(&w, "OTH", "circumvent_rounds")
    };
    let (lax, strict) = (rounds(0.01), rounds(0.9));
    assert!(
        lax > 1.0,
        "no circumvention when it is rarely detected ({lax} rounds)"
    );
    assert!(
        strict < lax - 1.0,
        "circumvention with detection 0.9: {strict} rounds, with 0.01: {lax}"
    );
}

#[test]
fn a_higher_secondary_sanctions_risk_lowers_joining_a_counter_response() {
    let dir = tempfile::tempdir().unwrap();
    let rounds = |risk: f64| {
        let w = sanctions(
            dir.path(),
            &format!("reexport_share = 0\nsecondary_risk = {risk}\nleader_reward_percent = 30"),
        );
        mean(&w, "THR", "counter_rounds")
    };
    let (safe, risky) = (rounds(0.0), rounds(0.9));
    assert!(
        risky < safe - 0.5,
        "counter-response rounds with risk 0.9: {risky}, with none: {safe}"
    );
}

#[test]
fn a_leaders_reward_raises_joining_a_counter_response() {
    let dir = tempfile::tempdir().unwrap();
    let rounds = |reward: f64| {
        let w = sanctions(
            dir.path(),
            &format!("reexport_share = 0\nsecondary_risk = 0.1\nleader_reward_percent = {reward}"),
        );
        mean(&w, "THR", "counter_rounds")
    };
    let (none, rewarded) = (rounds(0.0), rounds(30.0));
    assert!(
        rewarded > none + 0.5,
        "counter-response rounds with the leader's reward {rewarded} vs without {none}"
    );
}
