//! Working-party accession and the dispute process (docs/model.md §7.6, §7.8):
//! comparative statics over paired runs of small constructed worlds, and the
//! data year reproduced exactly with the data year's policies in force.

mod common;

use common::{load, write_flows};
use statecraft::world::World;
use std::path::Path;

const RUNS: u64 = 40;

fn state(code: &str, doctrine: &str, gdp: f64, tariff: f64) -> String {
    format!(
        "[states.{code}]\nname = \"{code}\"\ngdp_musd = {gdp}\nmilitary_musd = 10\ndoctrine = \"{doctrine}\"\n\
         tariff_percent = {tariff}\nparams = {{ trade = {{ precision = 30 }} }}\n"
    )
}

/// Mean of `metric` for `s` over the runs (undefined runs counted as `none`).
fn mean_or(world: &World, s: &str, metric: &str, none: f64) -> f64 {
    use statecraft::outcome::Catalogue;
    use statecraft::simulation::{RunOptions, simulate};
    let catalogue = Catalogue::new(world);
    let i = world.state_index(s).unwrap();
    let slot = catalogue.find(i, metric).unwrap();
    (0..RUNS)
        .map(|r| {
            let x = simulate(
                world,
                &world.scenario_profile(),
                &catalogue,
                1,
                r,
                &RunOptions::default(),
            )
            .unwrap()
            .values[slot];
            if x.is_nan() { none } else { x }
        })
        .sum::<f64>()
        / RUNS as f64
}

fn events(world: &World) -> Vec<Vec<statecraft::event::Event>> {
    use statecraft::outcome::Catalogue;
    use statecraft::simulation::{RunOptions, simulate};
    let catalogue = Catalogue::new(world);
    (0..RUNS)
        .map(|r| {
            simulate(
                world,
                &world.scenario_profile(),
                &catalogue,
                1,
                r,
                &RunOptions::default(),
            )
            .unwrap()
            .events
        })
        .collect()
}

/// Applicant APP (own tariff 5%) and two members M1, M2 of a regime with a
/// modest bound-tariff certainty; `union` adds a customs union of APP with a
/// leader LDR outside the regime, founded in 2001 with a CET of 15%; talks
/// open in 2003.
fn accession_world(dir: &Path, union: bool, extra: &str) -> World {
    write_flows(dir, &["APP", "M1", "M2", "LDR"], &[]);
    let cu = if union {
        "[institutions.CU]\nkind = \"customs_union\"\nmembers = [\"LDR\", \"APP\"]\nleader = \"LDR\"\n\
         founded = 2001\ncet_percent = { 2001 = 15.0 }\n"
    } else {
        ""
    };
    let text = format!(
        "[scenario]\nname = \"a\"\n[timeline]\nstart = 2000\nend = 2020\n\
         [trade]\nflows = \"flows.csv\"\nelasticity = 5\nbaseline_year = 2000\n{}{}{}{}\
         [institutions.WTO]\nkind = \"trade_regime\"\nmembers = [\"M1\", \"M2\"]\napplicants = {{ APP = 2003 }}\n\
         member_cost_factor = 0.98\n{extra}{cu}",
        state("APP", "neoliberal", 2000.0, 5.0),
        state("M1", "neoliberal", 2000.0, 5.0),
        state("M2", "neoliberal", 2000.0, 5.0),
        state("LDR", "neoliberal", 2000.0, 15.0),
    );
    load(dir, &text)
}

#[test]
fn a_cet_introduced_during_the_talks_delays_accession() {
    let dir = tempfile::tempdir().unwrap();
    // Not joining counts as joining after the timeline.
    let free = mean_or(
        &accession_world(dir.path(), false, ""),
        "APP",
        "accession_year:WTO",
        2021.0,
    );
    let bound = mean_or(
        &accession_world(dir.path(), true, ""),
        "APP",
        "accession_year:WTO",
        2021.0,
    );
    assert!(
        bound > free + 1.0,
        "mean accession year with the union's CET {bound} vs without {free}"
    );
}

#[test]
fn a_member_raising_an_issue_the_applicant_will_not_meet_blocks_accession() {
    let dir = tempfile::tempdir().unwrap();
    let joins = mean_or(
        &accession_world(dir.path(), false, ""),
        "APP",
        "member_at_end:WTO",
        0.0,
    );
    let issue = "[[institutions.WTO.accession.issues]]\nname = \"everything\"\nmembers = [\"M2\"]\nreform_cost_percent = 20\n";
    let text = format!("[institutions.WTO.accession]\n{issue}");
    let blocked = mean_or(
        &accession_world(dir.path(), false, &text),
        "APP",
        "member_at_end:WTO",
        0.0,
    );
    assert!(
        joins > 0.9,
        "without the issue the applicant joins in {joins} of runs"
    );
    assert_eq!(
        blocked, 0.0,
        "with a prohibitive demand it joins in {blocked} of runs"
    );
}

/// The first demand a member makes on its bilateral track, averaged over runs.
fn first_demand(world: &World, member: &str) -> f64 {
    let m = world.state_index(member).unwrap();
    let demands: Vec<f64> = events(world)
        .iter()
        .filter_map(|run| {
            run.iter()
                .find(|e| e.kind == statecraft::event::EventKind::Offer && e.actor == m)
                .map(|e| {
                    e.detail
                        .trim_start_matches("bound ")
                        .trim_end_matches('%')
                        .parse::<f64>()
                        .unwrap()
                })
        })
        .collect();
    assert!(!demands.is_empty(), "{member} never demands");
    demands.iter().sum::<f64>() / demands.len() as f64
}

#[test]
fn a_member_with_a_larger_export_interest_demands_a_lower_bound() {
    let dir = tempfile::tempdir().unwrap();
    // A small member M1 whose exports to the applicant are worth little to it,
    // then much: the applicant's tariff matters to it, and it asks for less.
    let world = |exports: f64| {
        write_flows(
            dir.path(),
            &["APP", "M1", "M2", "LDR"],
            &[("M1", "APP", exports)],
        );
        let text = format!(
            "[scenario]\nname = \"a\"\n[timeline]\nstart = 2000\nend = 2003\n\
             [trade]\nflows = \"flows.csv\"\nelasticity = 5\nbaseline_year = 2000\n{}{}{}{}\
             [institutions.WTO]\nkind = \"trade_regime\"\nmembers = [\"M1\", \"M2\"]\napplicants = {{ APP = 2000 }}\n\
             member_cost_factor = 0.98\n",
            state("APP", "neoliberal", 20000.0, 10.0),
            state("M1", "neoliberal", 1000.0, 5.0).replace("precision = 30", "precision = 300"),
            state("M2", "neoliberal", 20000.0, 5.0),
            state("LDR", "neoliberal", 20000.0, 5.0),
        );
        load(dir.path(), &text)
    };
    let (little, much) = (
        first_demand(&world(20.0), "M1"),
        first_demand(&world(400.0), "M1"),
    );
    assert!(
        much < little - 0.5,
        "first demand with a large export interest {much}% vs a small one {little}%"
    );
}

/// A dispute between a respondent R bound at 5% that applies more (it gains
/// from the violation) and a complainant C; X and Y are aggregates that do
/// not act.
struct Case {
    /// R's exports to C (US$ million): C's capacity to retaliate.
    imports: f64,
    /// The year appeals start to stall, if ever.
    stall: Option<i32>,
    /// Filing and panel costs (US$ million each).
    cost: f64,
    /// R's applied tariff (percent).
    tariff: f64,
    /// The trade elasticity (a higher one: smaller terms-of-trade gains).
    elasticity: f64,
    /// R's reputation weight.
    reputation: f64,
    /// Whether X and Y are members too (R's violation then harms them).
    all_members: bool,
}

const CASE: Case = Case {
    imports: 400.0,
    stall: None,
    cost: 0.5,
    tariff: 15.0,
    elasticity: 5.0,
    reputation: 0.0,
    all_members: false,
};

fn dispute_world(dir: &Path, case: &Case) -> World {
    write_flows(dir, &["R", "C", "X", "Y"], &[("R", "C", case.imports)]);
    let stall = case
        .stall
        .map_or(String::new(), |y| format!("appeal_stall_from = {y}\n"));
    let members = if case.all_members {
        r#"["R", "C", "X", "Y"]"#
    } else {
        r#"["R", "C"]"#
    };
    let still = |code: &str| {
        state(code, "neoliberal", 1000.0, 5.0).replace(
            "doctrine = \"neoliberal\"",
            "doctrine = \"neoliberal\"\nacts = false",
        )
    };
    let text = format!(
        "[scenario]\nname = \"d\"\n[timeline]\nstart = 2000\nend = 2015\n\
         [trade]\nflows = \"flows.csv\"\nelasticity = {}\nbaseline_year = 2000\n{}{}{}{}\
         [institutions.WTO]\nkind = \"trade_regime\"\nmembers = {members}\n\
         bound_percent = {{ R = 5.0 }}\nmonitoring = 1.0\nconsultation_years = 1\npanel_years = 1\n\
         appeal_years = 1\n{stall}filing_cost_musd = {c}\npanel_cost_musd = {c}\n\
         challenge_prior = [0.01, 100]\n",
        case.elasticity,
        state("R", "neoliberal", 1000.0, case.tariff).replace(
            "precision = 30",
            &format!("precision = 300, reputation = {}", case.reputation)
        ),
        state("C", "neoliberal", 1000.0, 5.0).replace("precision = 30", "precision = 300"),
        still("X"),
        still("Y"),
        c = case.cost,
    );
    load(dir, &text)
}

fn count(world: &World, kind: statecraft::event::EventKind, actor: &str) -> usize {
    let a = world.state_index(actor).unwrap();
    events(world)
        .iter()
        .map(|run| {
            run.iter()
                .filter(|e| e.kind == kind && e.actor == a)
                .count()
        })
        .sum()
}

#[test]
fn a_complainant_with_less_capacity_to_retaliate_files_less_often() {
    use statecraft::event::EventKind::Filing;
    let dir = tempfile::tempdir().unwrap();
    let small = count(
        &dispute_world(
            dir.path(),
            &Case {
                imports: 2.0,
                ..CASE
            },
        ),
        Filing,
        "C",
    );
    let large = count(&dispute_world(dir.path(), &CASE), Filing, "C");
    assert_eq!(
        small, 0,
        "a complainant that cannot retaliate files {small} cases"
    );
    assert!(large > 0, "a complainant able to retaliate never files");
}

#[test]
fn an_appeal_after_the_appellate_body_stalls_blocks_retaliation() {
    use statecraft::event::EventKind::{Appeal, Filing, PanelRequest, Retaliation};
    let dir = tempfile::tempdir().unwrap();
    let sitting = dispute_world(dir.path(), &CASE);
    assert!(count(&sitting, PanelRequest, "C") > 0, "no panel requested");
    assert!(
        count(&sitting, Retaliation, "C") > 0,
        "no retaliation while appeals conclude"
    );
    // The appellate body stalls in 2002, after the case was filed (2000):
    // the ruling of 2002 is appealed into the void and never enforced.
    let stalled = dispute_world(
        dir.path(),
        &Case {
            stall: Some(2002),
            ..CASE
        },
    );
    assert!(
        count(&stalled, Filing, "C") > 0,
        "no case filed before the stall"
    );
    assert!(
        count(&stalled, Appeal, "R") > 0,
        "the respondent never appeals into the void"
    );
    assert_eq!(
        count(&stalled, Retaliation, "C"),
        0,
        "retaliation after a stalled appeal"
    );
    // Once appeals stall, a complainant expects nothing from a ruling.
    let from_start = dispute_world(
        dir.path(),
        &Case {
            stall: Some(2000),
            ..CASE
        },
    );
    assert_eq!(
        count(&from_start, Filing, "C"),
        0,
        "a case filed into a stalled system"
    );
}

#[test]
fn a_challenged_respondent_that_gains_little_ends_its_breach_before_a_ruling() {
    use statecraft::event::EventKind::{Compliance, Filing, Ruling, Settlement};
    // A breach with small terms-of-trade gains (a higher elasticity, a small
    // excess over the bound) that R commits while it believes violations go
    // unchallenged; once C files, retaliation becomes certain and, with the
    // reputation cost, R brings its policy into line during consultations.
    let dir = tempfile::tempdir().unwrap();
    let case = Case {
        elasticity: 10.0,
        tariff: 7.0,
        reputation: 0.5,
        ..CASE
    };
    let world = dispute_world(dir.path(), &case);
    let (r, c) = (
        world.state_index("R").unwrap(),
        world.state_index("C").unwrap(),
    );
    let mut ended = 0;
    for run in &events(&world) {
        for (k, e) in run.iter().enumerate() {
            let early = e.kind == Settlement
                || (e.kind == Compliance && e.detail.ends_with("before a ruling"));
            if early && e.actor == r && e.target == Some(c) {
                ended += 1;
                let filed = run[..k]
                    .iter()
                    .rposition(|f| f.kind == Filing && f.actor == c && f.target == Some(r))
                    .expect("an ended case was filed");
                assert!(!run[filed..k].iter().any(|x| x.kind == Ruling));
            }
        }
    }
    assert!(
        ended as u64 > RUNS / 2,
        "cases ended before a ruling in {ended} of {RUNS} runs"
    );
    // Without the reputation cost the same respondent holds on to the ruling.
    let world = dispute_world(
        dir.path(),
        &Case {
            reputation: 0.0,
            ..case
        },
    );
    assert!(
        count(&world, Ruling, "R") > 0,
        "no ruling when the breach is worth keeping"
    );
}

#[test]
fn with_no_shock_the_data_year_reproduces_the_data_with_its_own_policies() {
    use statecraft::matrix::Matrix;
    use statecraft::policy::{Policy, Stance};
    use statecraft::trade::{Shock, Solver};
    let loaded =
        statecraft::scenario::load(Path::new("scenarios/kazakhstan_wto_eaeu.toml"), &[]).unwrap();
    let w = &loaded.world;
    let model = w.trade.as_ref().unwrap();
    // The data year's policies: the exogenous history plus the scenario's
    // [trade.history] — KAZ a WTO member bound at 6.1%, applying the CET.
    let (wto, kaz) = (
        w.institution_index("WTO").unwrap(),
        w.state_index("KAZ").unwrap(),
    );
    let mut p = Policy::initial(w, model.baseline_year);
    assert!(
        !p.is_member(kaz, wto),
        "KAZ is an applicant, not an exogenous member"
    );
    p.set_member(kaz, wto, true);
    p.bound.set(kaz, wto, 0.061);
    p.stance[kaz] = Stance::Cet;
    let n = w.n_states();
    let (mut t, mut c) = (Matrix::new(n, n, 0.0), Matrix::new(n, n, 1.0));
    p.shock(w, &mut t, &mut c);
    assert_eq!(
        t, model.baseline.tariff,
        "the baseline tariffs are the data year's"
    );
    assert_eq!(
        c, model.baseline.cost,
        "the baseline trade costs are the data year's"
    );
    assert!(
        c.data.iter().any(|&x| x != 1.0),
        "the data year's memberships change costs"
    );
    let s = Solver::new(n)
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
        .unwrap()
        .clone();
    for k in 0..n {
        assert!((s.wage[k] - 1.0).abs() < 1e-12, "ŵ = {} for {k}", s.wage[k]);
        assert!((s.welfare[k] - 1.0).abs() < 1e-12);
    }
}

/// The rendered error of a scenario text that must not load.
fn load_error(dir: &Path, text: &str) -> String {
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    match statecraft::scenario::load(&path, &[]) {
        Ok(_) => panic!("loaded:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn accession_text(dir: &Path, extra: &str) -> String {
    accession_world(dir, false, "");
    std::fs::read_to_string(dir.join("s.toml")).unwrap() + extra
}

#[test]
fn bad_accession_issues_and_gdp_series_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "[[institutions.WTO.accession.issues]]\nname = \"x\"\nmembers = [\"ZZZ\"]\nreform_cost_percent = 1\n",
            "\"ZZZ\"",
            "institutions.WTO.accession.issues[0].members[0]",
            "ZZZ",
        ),
        (
            "[[institutions.WTO.accession.issues]]\nname = \"x\"\nmembers = [\"LDR\"]\nreform_cost_percent = 1\n",
            "\"LDR\"]",
            "institutions.WTO.accession.issues[0].members[0]",
            "a member of the regime",
        ),
        (
            "[[institutions.WTO.accession.issues]]\nname = \"x\"\nmembers = [\"M1\"]\nreform_cost_percent = -1\n",
            "-1",
            "institutions.WTO.accession.issues[0].reform_cost_percent",
            "between 0 and 100",
        ),
        (
            "",
            "",
            "states.APP.gdp_by_year",
            "every year of the timeline; 2001 is missing",
        ),
        ("", "", "states.APP.gdp_by_year.2000", "a positive real GDP"),
    ];
    for (k, (extra, snippet, field, valid)) in cases.into_iter().enumerate() {
        let mut text = accession_text(dir.path(), extra);
        if k >= 3 {
            // A GDP series for every state, broken for APP.
            let app = if k == 3 {
                "gdp_by_year = { 2000 = 2000.0 }\n"
            } else {
                "gdp_by_year = { 2000 = -1.0 }\n"
            };
            let series: String = (2000..=2020).map(|y| format!("{y} = 2000.0, ")).collect();
            let full = format!("gdp_by_year = {{ {} }}\n", series.trim_end_matches(", "));
            for code in ["APP", "M1", "M2", "LDR"] {
                let header = format!("[states.{code}]\n");
                let line = if code == "APP" { app } else { &full };
                text = text.replace(&header, &format!("{header}{line}"));
            }
        }
        let message = load_error(dir.path(), &text);
        assert!(
            message.contains(field),
            "case {k}: no field `{field}` in\n{message}"
        );
        assert!(
            message.contains(valid),
            "case {k}: no `{valid}` in\n{message}"
        );
        if !snippet.is_empty() {
            let at = text.len() - extra.len() + extra.find(snippet).unwrap();
            let line = text[..at].matches('\n').count() + 1;
            let col = at - text[..at].rfind('\n').map_or(0, |p| p + 1) + 1;
            let want = format!("s.toml:{line}:{col}:");
            assert!(
                message.contains(&want),
                "case {k}: not at {want}\n{message}"
            );
        }
    }
}
