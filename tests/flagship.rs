//! The flagship scenario (Kazakhstan between the WTO and the EAEU, 1995–2025)
//! loads, runs, and exercises every mechanism: every metric is reported for
//! every state and the event log shows each institutional mechanism at work.

use assert_cmd::Command;
use predicates::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const FLAGSHIP: &str = "scenarios/kazakhstan_wto_eaeu.toml";

#[test]
fn the_flagship_checks() {
    Command::cargo_bin("statecraft")
        .unwrap()
        .args(["check", FLAGSHIP])
        .assert()
        .success()
        .stdout(predicate::str::contains("institutions (2)"))
        .stdout(predicate::str::contains("the scenario is valid"));
}

#[test]
fn the_flagship_runs_and_reports_every_metric_and_mechanism() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    Command::cargo_bin("statecraft")
        .unwrap()
        .args([
            "run",
            FLAGSHIP,
            "--runs",
            "12",
            "--seed",
            "5",
            "--timeseries",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();

    let outcomes = std::fs::read_to_string(out.join("outcomes.csv")).unwrap();
    let mut metrics: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in outcomes.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (state, metric, value) = (cells[2], cells[3], cells[4]);
        metrics
            .entry(state.to_string())
            .or_default()
            .insert(metric.to_string());
        let base = metric.split(':').next().unwrap();
        if value.is_empty() {
            assert!(
                ["accession_year", "bound_tariff", "compliance_share"].contains(&base),
                "{metric} of {state} is undefined"
            );
            continue;
        }
        let x: f64 = value.parse().unwrap();
        match base {
            "member_at_end" => assert!(x == 0.0 || x == 1.0),
            "compliance_share" => assert!((0.0..=1.0).contains(&x)),
            "accession_year" => assert!((1995.0..=2025.0).contains(&x)),
            "mean_tariff" | "bound_tariff" | "disputes_filed" | "disputes_faced"
            | "rounds_coerced" => {
                assert!(x >= 0.0, "{metric} of {state} = {x}")
            }
            _ => assert!(x.is_finite(), "{metric} of {state} = {x}"),
        }
    }
    // Twelve regions, plus the region-level metrics under `ALL`.
    assert_eq!(metrics.len(), 13, "every region is a state");
    let region = metrics.remove("ALL").unwrap();
    assert!(region.contains("culture_of_anarchy") && region.contains("mean_affinity"));
    for (state, names) in &metrics {
        for required in [
            "accession_year:WTO",
            "member_at_end:WTO",
            "compliance_share:WTO",
            "bound_tariff:WTO",
            "member_at_end:EAEU",
            "compliance_share:EAEU",
            "mean_tariff",
            "welfare_change",
            "disputes_filed",
            "disputes_faced",
            "rounds_coerced",
            "rounds_retaliated",
        ] {
            assert!(names.contains(required), "{state} lacks {required}");
        }
    }

    let events = std::fs::read_to_string(out.join("events.csv")).unwrap();
    let kinds: BTreeSet<&str> = events
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    // History the scenario imposes: applications, exogenous joins, the 2011 vote
    // on the pipes measure; and the mechanisms that respond to it.
    for kind in [
        "application",
        "offer",
        "join",
        "vote",
        "measure_adopted",
        "violation",
        "filing",
        "coercion",
    ] {
        assert!(
            kinds.contains(kind),
            "no `{kind}` event in 12 runs; kinds seen: {kinds:?}"
        );
    }
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    for name in [
        "welfare_change",
        "mean_tariff",
        "compliant:WTO",
        "compliant:EAEU",
    ] {
        assert!(series.contains(&format!(",{name},")), "no {name} series");
    }
}

#[test]
fn a_run_is_the_same_whatever_its_thread_solved_before() {
    // Equilibria are cached per worker thread across runs; a run must not
    // depend on what the cache already holds.
    use statecraft::outcome::Catalogue;
    use statecraft::simulation::{RunOptions, simulate};
    let loaded = statecraft::scenario::load(std::path::Path::new(FLAGSHIP), &[]).unwrap();
    let world = std::sync::Arc::new(loaded.world);
    let run = |warm_up: bool| {
        let world = world.clone();
        std::thread::spawn(move || {
            let catalogue = Catalogue::new(&world);
            let profile = world.profile("neoliberal").unwrap();
            if warm_up {
                for r in 10..16 {
                    simulate(&world, &profile, &catalogue, 3, r, &RunOptions::default()).unwrap();
                }
            }
            simulate(&world, &profile, &catalogue, 3, 4, &RunOptions::default()).unwrap()
        })
        .join()
        .unwrap()
    };
    let (cold, warm) = (run(false), run(true));
    assert_eq!(
        cold.values.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        warm.values.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(cold.events, warm.events);
    assert!(
        warm.solves < cold.solves,
        "the warmed-up cache should save solves ({} vs {})",
        warm.solves,
        cold.solves
    );
}
