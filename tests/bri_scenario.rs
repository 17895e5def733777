//! The BRI–EAEU overlap scenario (2013–2030) loads, runs, and reports every
//! metric and event of Belt and Road participation, sanctions, contagion,
//! alignment and identity.

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};

const SCENARIO: &str = "scenarios/bri_eaeu_overlap.toml";

#[test]
fn the_overlap_scenario_runs_and_reports_every_metric_and_event() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    Command::cargo_bin("statecraft")
        .unwrap()
        .args(["check", SCENARIO])
        .assert()
        .success();
    Command::cargo_bin("statecraft")
        .unwrap()
        .args([
            "run",
            SCENARIO,
            "--runs",
            "10",
            "--seed",
            "3",
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
        metrics
            .entry(cells[2].to_string())
            .or_default()
            .insert(cells[3].to_string());
        if cells[3] == "culture_of_anarchy" {
            assert!(["-1", "0", "1"].contains(&cells[4]), "{line}");
        }
    }
    let kaz = &metrics["KAZ"];
    for m in [
        "participation:BRI",
        "accession_year:BRI",
        "member_at_end:BRI",
        "investment_dependence",
        "sanctions_compliance_share",
        "counter_rounds",
        "circumvent_rounds",
        "contagion_loss",
        "aligned:CSTO",
        "aligned:WEST",
        "hedging",
        "alignment_switches",
        "security",
        "affinity:CHN",
        "affinity:RUS",
        "welfare_change",
    ] {
        assert!(kaz.contains(m), "KAZ lacks {m}");
    }
    assert!(
        !metrics["CHN"].contains("participation:BRI"),
        "the sponsor does not 'take part'"
    );
    assert!(
        metrics["ALL"].contains("culture_of_anarchy") && metrics["ALL"].contains("mean_affinity")
    );
    let events = std::fs::read_to_string(out.join("events.csv")).unwrap();
    let kinds: BTreeSet<&str> = events
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    for kind in [
        "sanction",
        "contagion",
        "proposal",
        "join",
        "vote",
        "alignment",
        "invitation",
        "participation",
        "circumvention",
    ] {
        assert!(kinds.contains(kind), "no `{kind}` event; seen {kinds:?}");
    }
    let bri_joins = events
        .lines()
        .filter(|l| l.contains(",join,") && l.contains(",BRI,"))
        .count();
    assert!(bri_joins > 0, "somebody joins the Belt and Road");

    // Alignment and participation are reported every year.
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    for metric in ["aligned:CSTO", "aligned:WEST", "participation:BRI"] {
        assert!(
            series
                .lines()
                .any(|l| l.contains(",KAZ,") && l.contains(&format!(",{metric},"))),
            "no yearly {metric} for KAZ"
        );
    }
    // The 2014 contagion was sized from the fact it would be scored against,
    // so it is a calibration target, never evidence.
    let world =
        statecraft::scenario::load(std::path::Path::new("scenarios/bri_eaeu_overlap.toml"), &[])
            .unwrap()
            .world;
    let contagion = world
        .facts
        .iter()
        .find(|f| f.id == "p4_contagion_hits_kaz_2014")
        .unwrap();
    assert_eq!(contagion.role, statecraft::world::FactRole::Calibration);

    // The run metric `welfare_change` is the mean of its yearly series,
    // contagion shock included (KAZ is hit in 2014).
    let mut yearly: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let series = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    for line in series.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        if c[3] == "KAZ" && c[4] == "welfare_change" {
            yearly
                .entry(c[1].to_string())
                .or_default()
                .push(c[5].parse().unwrap());
        }
    }
    for line in outcomes.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        if c[2] == "KAZ" && c[3] == "welfare_change" {
            let years = &yearly[c[1]];
            let mean = years.iter().sum::<f64>() / years.len() as f64;
            let metric: f64 = c[4].parse().unwrap();
            assert!(
                (mean - metric).abs() < 1e-9,
                "run {}: series mean {mean} vs metric {metric}",
                c[1]
            );
        }
    }
}
