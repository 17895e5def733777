//! A user's first session: check a scenario, run it, read the files, change a
//! parameter with --set, pick a profile, and be protected from overwriting.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const CLASSIC: &str = "scenarios/classic_cooperation.toml";

fn statecraft() -> Command {
    Command::cargo_bin("statecraft").unwrap()
}

fn summary_mean(dir: &Path, profile: &str, state: &str, metric: &str) -> f64 {
    let text = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let prefix = format!("{profile},{state},{metric},");
    let line = text
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {prefix}"));
    line.split(',').nth(4).unwrap().parse().unwrap()
}

#[test]
fn check_prints_a_readable_summary() {
    statecraft()
        .args(["check", CLASSIC])
        .assert()
        .success()
        .stdout(predicate::str::contains("scenario classic_cooperation"))
        .stdout(predicate::str::contains("states (11)"))
        .stdout(predicate::str::contains("δ* = (T−R)/(T−P) = 0.500"))
        .stdout(predicate::str::contains("TFT tit_for_tat"))
        .stdout(predicate::str::contains("the scenario is valid"));
}

#[test]
fn run_writes_tidy_files_and_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    statecraft()
        .args([
            "run",
            CLASSIC,
            "--runs",
            "40",
            "--seed",
            "3",
            "--threads",
            "2",
            "--timeseries",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("40 runs in"))
        .stdout(predicate::str::contains("cooperation rate"));
    let header = |f: &str| {
        std::fs::read_to_string(out.join(f))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(header("outcomes.csv"), "profile,run,state,metric,value");
    assert_eq!(
        header("summary.csv"),
        "profile,state,metric,n,mean,sd,ci_low,ci_high,p05,p50,p95"
    );
    assert_eq!(
        header("events.csv"),
        "profile,run,year,kind,actor,target,institution,detail"
    );
    assert_eq!(
        header("timeseries.csv"),
        "profile,run,year,state,metric,value"
    );
    // 40 runs × (66 per-state + 2 region-level metrics), plus the header.
    assert_eq!(
        std::fs::read_to_string(out.join("outcomes.csv"))
            .unwrap()
            .lines()
            .count(),
        40 * 68 + 1
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 3);
    assert_eq!(manifest["runs"], 40);
    assert_eq!(manifest["runs_simulated"], 40);
    assert_eq!(manifest["threads"], 2);
    assert_eq!(manifest["scenario"]["name"], "classic_cooperation");
    assert_eq!(manifest["scenario"]["sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["runs_per_second"].as_f64().unwrap() > 0.0);
    assert!(manifest["crates"]["rand_chacha"].is_string());
    assert_eq!(manifest["parameters"]["states"][1]["code"], "LIB");
    // No partial files are left behind.
    for entry in std::fs::read_dir(&out).unwrap() {
        assert!(
            !entry
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial")
        );
    }
}

#[test]
fn set_reaches_scenario_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let (patient, impatient) = (dir.path().join("a"), dir.path().join("b"));
    for (out, discount) in [(&patient, "0.9"), (&impatient, "0.2")] {
        statecraft()
            .args([
                "run",
                CLASSIC,
                "--runs",
                "20",
                "--quiet",
                "--set",
                "games.trade_dilemma.noise=0",
                "--set",
            ])
            .arg(format!("doctrines.neoliberal.discount={discount}"))
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    }
    let metric = "cooperation_rate:trade_dilemma";
    let (a, b) = (
        summary_mean(&patient, "scenario", "LIB", metric),
        summary_mean(&impatient, "scenario", "LIB", metric),
    );
    assert!(
        a > b + 0.3,
        "a short shadow of the future must cut cooperation: {a} vs {b}"
    );
    let manifest = std::fs::read_to_string(impatient.join("manifest.json")).unwrap();
    assert!(manifest.contains("doctrines.neoliberal.discount=0.2"));
}

#[test]
fn profiles_switch_doctrines_and_unknown_ones_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    statecraft()
        .args([
            "run",
            CLASSIC,
            "--runs",
            "5",
            "--quiet",
            "--profile",
            "constructivist",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(out.join("outcomes.csv"))
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("constructivist,0,")
    );
    statecraft()
        .args(["run", CLASSIC, "--profile", "hegemonic"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown profile `hegemonic`"))
        .stderr(predicate::str::contains("realist_constructa"));
}

#[test]
fn existing_results_are_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let args = ["run", CLASSIC, "--runs", "5", "--quiet", "--out"];
    statecraft().args(args).arg(&out).assert().success();
    let before = std::fs::read(out.join("outcomes.csv")).unwrap();
    std::fs::write(out.join("outcomes.csv"), b"my notes").unwrap();
    statecraft()
        .args(args)
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already holds results"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read(out.join("outcomes.csv")).unwrap(),
        b"my notes"
    );
    statecraft()
        .args(args)
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert_eq!(std::fs::read(out.join("outcomes.csv")).unwrap(), before);
}

#[test]
fn default_output_directory_is_named_for_scenario_and_seed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(CLASSIC, dir.path().join("s.toml")).unwrap();
    statecraft()
        .current_dir(dir.path())
        .args(["run", "s.toml", "--runs", "3", "--quiet"])
        .assert()
        .success();
    assert!(
        dir.path()
            .join("results/classic_cooperation/run-1984/summary.csv")
            .exists()
    );
    // Another profile with the same seed wants a directory of its own.
    statecraft()
        .current_dir(dir.path())
        .args(["run", "s.toml", "--runs", "3", "--quiet"])
        .args(["--profile", "neorealist"])
        .assert()
        .success();
    assert!(
        dir.path()
            .join("results/classic_cooperation/run-neorealist-1984/summary.csv")
            .exists()
    );
}
