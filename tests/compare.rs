//! `statecraft compare`: theories side by side with common random numbers, and
//! retrodiction of a scenario's facts.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn statecraft() -> Command {
    Command::cargo_bin("statecraft").unwrap()
}

/// Two states in a repeated prisoner's dilemma with δ = 0.6: above the
/// neoliberal threshold (T−R)/(T−P) = 0.5, below the neorealist one with k = 0.5
/// (T′ = T + k(T−S): (7.5−3)/(7.5−1) ≈ 0.69). The fact "S1 cooperates" holds by
/// construction for neoliberals and fails for neorealists. Trembles make runs
/// differ; tit-for-tat beliefs let the neoliberals forgive them.
const THRESHOLD: &str = r#"
[scenario]
name = "threshold"
[timeline]
start = 1
end = 50
[run]
runs = 40
seed = 3
[model]
reciprocity = "tit_for_tat"
[doctrines.neoliberal]
discount = 0.6
matrix = { precision = inf }
[doctrines.neorealist]
discount = 0.6
relative_gains = 0.5
matrix = { precision = inf }
[states.S1]
name = "One"
gdp_musd = 1000
military_musd = 10
doctrine = "neoliberal"
[states.S2]
name = "Two"
gdp_musd = 1000
military_musd = 10
doctrine = "neoliberal"
[games.g]
kind = "matrix"
payoffs = { R = 3, S = 0, T = 5, P = 1 }
pairs = [["S1", "S2"]]
noise = 0.02
[[expect]]
id = "s1_cooperates"
description = "S1 cooperates in most rounds"
fact = "metric"
state = "S1"
metric = "cooperation_rate:g"
min = 0.8
"#;

fn rows(dir: &Path, file: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(dir.join(file))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn share(dir: &Path, profile: &str, fact: &str) -> f64 {
    let row = rows(dir, "retrodiction.csv")
        .into_iter()
        .find(|r| r[0] == profile && r[1] == fact)
        .unwrap();
    row[6].parse().unwrap()
}

fn diagnostic(dir: &Path, profile: &str, fact: &str) -> String {
    let row = rows(dir, "retrodiction.csv")
        .into_iter()
        .find(|r| r[0] == profile && r[1] == fact)
        .unwrap();
    row.last().unwrap().clone()
}

#[test]
fn retrodiction_separates_theories_where_the_thresholds_differ() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("threshold.toml");
    std::fs::write(&scenario, THRESHOLD).unwrap();
    let out = dir.path().join("c");
    statecraft()
        .args(["compare"])
        .arg(&scenario)
        .args(["--profiles", "neoliberal,neorealist", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("s1_cooperates"))
        .stdout(predicate::str::contains("all evidence facts jointly"));
    assert!(share(&out, "neoliberal", "s1_cooperates") > 0.95);
    assert!(share(&out, "neorealist", "s1_cooperates") < 0.05);
    // A fact on which the theories part is diagnostic, for every profile's row.
    assert_eq!(diagnostic(&out, "neoliberal", "s1_cooperates"), "true");
    assert_eq!(diagnostic(&out, "neorealist", "s1_cooperates"), "true");
    assert_eq!(
        share(&out, "neoliberal", "all"),
        share(&out, "neoliberal", "s1_cooperates")
    );
}

#[test]
fn calibration_targets_are_no_evidence_and_facts_every_profile_shares_are_not_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("threshold.toml");
    // Two more facts: S1 plays all 50 rounds (true under every profile), and a
    // calibration target that never holds.
    let text = format!(
        "{THRESHOLD}\n[[expect]]\nid = \"s1_plays\"\nfact = \"metric\"\nstate = \"S1\"\n\
         metric = \"rounds_played:g\"\nmin = 50\n\
         [[expect]]\nid = \"target\"\nrole = \"calibration\"\nfact = \"metric\"\nstate = \"S1\"\n\
         metric = \"rounds_played:g\"\nmax = 0\n"
    );
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("c");
    statecraft()
        .args(["compare"])
        .arg(&scenario)
        .args(["--profiles", "neoliberal,neorealist", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("=: not diagnostic"))
        .stdout(predicate::str::contains("c: a calibration target"));
    assert_eq!(diagnostic(&out, "neoliberal", "s1_plays"), "false");
    assert_eq!(share(&out, "neoliberal", "target"), 0.0);
    // The failing target does not sink the joint score: it is no evidence.
    assert_eq!(
        share(&out, "neoliberal", "all"),
        share(&out, "neoliberal", "s1_cooperates")
    );
    let role = |fact: &str| {
        rows(&out, "retrodiction.csv")
            .into_iter()
            .find(|r| r[1] == fact)
            .unwrap()[2]
            .clone()
    };
    assert_eq!(
        (role("target"), role("s1_plays"), role("all")),
        ("calibration".into(), "evidence".into(), "joint".into())
    );
}

#[test]
fn common_random_numbers_make_paired_intervals_narrower_than_unpaired_ones() {
    // Two profiles that differ only in one state's doctrine share all other
    // randomness (trembles, move order), so per-run differences vary less than
    // the profiles' means do.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    statecraft()
        .args([
            "compare",
            "scenarios/classic_cooperation.toml",
            "--focus",
            "CON",
            "--runs",
            "300",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let comparison = rows(&out, "comparison.csv");
    let find = |profile: &str, state: &str, metric: &str| {
        comparison
            .iter()
            .find(|r| r[0] == profile && r[1] == state && r[2] == metric)
            .unwrap()
            .clone()
    };
    let metric = "mean_payoff:trade_dilemma";
    let mut narrower = 0;
    for state in ["TFT", "GRIM", "WSLS", "GTFT", "REA", "LIB"] {
        let (focus, reference) = (
            find("CON_neorealist", state, metric),
            find("scenario", state, metric),
        );
        let half = |r: &Vec<String>, lo: usize, hi: usize| {
            (r[hi].parse::<f64>().unwrap() - r[lo].parse::<f64>().unwrap()) / 2.0
        };
        let paired = half(&focus, 10, 11);
        let unpaired = (half(&focus, 5, 6).powi(2) + half(&reference, 5, 6).powi(2)).sqrt();
        assert_eq!(
            focus[7], "scenario",
            "differences are taken against the reference"
        );
        narrower += usize::from(paired < unpaired);
    }
    assert!(
        narrower >= 5,
        "paired intervals narrower for only {narrower} of 6 states"
    );
}

#[test]
fn compare_is_identical_at_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    for threads in ["1", "2"] {
        statecraft()
            .args([
                "compare",
                "scenarios/kazakhstan_wto_eaeu.toml",
                "--runs",
                "6",
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(dir.path().join(threads))
            .assert()
            .success();
    }
    for file in [
        "outcomes.csv",
        "summary.csv",
        "events.csv",
        "comparison.csv",
        "retrodiction.csv",
    ] {
        let a = std::fs::read(dir.path().join("1").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("2").join(file)).unwrap();
        assert!(a == b, "{file} differs between 1 and 2 threads");
    }
}

#[test]
fn focus_profiles_and_reference_are_named_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    statecraft()
        .args([
            "compare",
            "scenarios/classic_cooperation.toml",
            "--focus",
            "LIB",
            "--runs",
            "4",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let profiles: std::collections::BTreeSet<String> = rows(&out, "summary.csv")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    // LIB is neoliberal in the scenario, so `scenario` already is LIB_neoliberal.
    let expected: std::collections::BTreeSet<String> =
        ["scenario", "LIB_neorealist", "LIB_constructivist"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    assert_eq!(profiles, expected);
    statecraft()
        .args([
            "compare",
            "scenarios/classic_cooperation.toml",
            "--focus",
            "XYZ",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown state `XYZ`"));
    statecraft()
        .args([
            "compare",
            "scenarios/classic_cooperation.toml",
            "--profiles",
            "neorealist,neoliberal",
            "--reference",
            "scenario",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--reference `scenario` is not among",
        ));
    statecraft()
        .args([
            "compare",
            "scenarios/classic_cooperation.toml",
            "--profiles",
            "neorealist,neorealist",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("listed twice"));
}

#[test]
fn facts_about_unknown_states_or_metrics_are_located_scenario_errors() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("bad.toml");
    let text = THRESHOLD.replace(
        "metric = \"cooperation_rate:g\"",
        "metric = \"cooperation:g\"",
    );
    std::fs::write(&scenario, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("metric = \"cooperation:g\""))
        .unwrap()
        + 1;
    statecraft()
        .args(["compare"])
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "bad.toml:{line}:10: field `expect[0].metric`"
        )))
        .stderr(predicate::str::contains(
            "reports no metric `cooperation:g`",
        ));
    let text = THRESHOLD.replace("state = \"S1\"", "state = \"S9\"");
    std::fs::write(&scenario, &text).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("state = \"S9\""))
        .unwrap()
        + 1;
    statecraft()
        .args(["compare"])
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "bad.toml:{line}:9: field `expect[0].state`"
        )))
        .stderr(predicate::str::contains("unknown state `S9`"));
}
