//! `statecraft sweep`: designs, common random numbers across points,
//! reproducibility, the scenario's own [sweep] table, and sharded sweeps.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const CLASSIC: &str = "scenarios/classic_cooperation.toml";

fn statecraft() -> Command {
    Command::cargo_bin("statecraft").unwrap()
}

fn sweep(out: &Path, extra: &[&str]) {
    statecraft()
        .args([
            "sweep", CLASSIC, "--runs", "40", "--seed", "2", "--quiet", "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

/// (point, parameter value, mean) of one state's metric in sweep.csv.
fn series(out: &Path, state: &str, metric: &str) -> Vec<(usize, f64, f64)> {
    let text = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (s, m, mean) = (col("state"), col("metric"), col("mean"));
    text.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| r[s] == state && r[m] == metric)
        .map(|r| {
            (
                r[0].parse().unwrap(),
                // After the point and its block.
                r[2].parse().unwrap(),
                r[mean].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_factorial_sweep_covers_the_grid_and_shows_the_shadow_of_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    sweep(
        &out,
        &[
            "--vary",
            "doctrines.neoliberal.discount=0.1:0.9:0.2",
            "--set",
            "games.trade_dilemma.noise=0",
        ],
    );
    let rows = series(&out, "LIB", "cooperation_rate:trade_dilemma");
    let values: Vec<f64> = rows.iter().map(|r| r.1).collect();
    assert_eq!(values, vec![0.1, 0.3, 0.5, 0.7, 0.9]);
    // Below the threshold (T−R)/(T−P) = 0.5 the neoliberal defects against
    // cooperators; above it, it cooperates with them.
    assert!(rows[0].2 < 0.2 && rows[4].2 > 0.5, "{rows:?}");
    let below = rows
        .iter()
        .filter(|r| r.1 < 0.5)
        .map(|r| r.2)
        .fold(0.0, f64::max);
    let above = rows
        .iter()
        .filter(|r| r.1 > 0.5)
        .map(|r| r.2)
        .fold(1.0, f64::min);
    assert!(
        above > below + 0.3,
        "cooperation must jump across the threshold: {rows:?}"
    );
    for k in 0..5 {
        assert!(out.join(format!("points/p{k:04}/outcomes.csv")).exists());
    }
}

#[test]
fn two_factor_designs_and_latin_hypercubes_produce_the_expected_points() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("f");
    sweep(
        &out,
        &[
            "--vary",
            "doctrines.neoliberal.discount=0.5:0.9:0.4",
            "--vary",
            "games.trade_dilemma.noise=0:0.02:0.01",
        ],
    );
    let text = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut points: Vec<(String, String, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let r: Vec<&str> = l.split(',').collect();
            (r[0].to_string(), r[2].to_string(), r[3].to_string())
        })
        .collect();
    points.dedup();
    let expected: Vec<(String, String, String)> = [
        ("0", "0.5", "0"),
        ("1", "0.5", "0.01"),
        ("2", "0.5", "0.02"),
        ("3", "0.9", "0"),
        ("4", "0.9", "0.01"),
        ("5", "0.9", "0.02"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(points, expected);

    let lhs = dir.path().join("l");
    sweep(
        &lhs,
        &[
            "--design",
            "lhs",
            "--points",
            "4",
            "--vary",
            "doctrines.neoliberal.discount=0.2:1.0",
        ],
    );
    let values: Vec<f64> = series(&lhs, "LIB", "cooperation_rate:trade_dilemma")
        .iter()
        .map(|r| r.1)
        .collect();
    let mut strata: Vec<usize> = values
        .iter()
        .map(|v| ((v - 0.2) / 0.8 * 4.0).floor() as usize)
        .collect();
    strata.sort();
    assert_eq!(
        strata,
        vec![0, 1, 2, 3],
        "one point per stratum: {values:?}"
    );
}

#[test]
fn the_same_seed_gives_the_same_sweep_and_shards_merge_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let vary = [
        "--design",
        "lhs",
        "--points",
        "5",
        "--vary",
        "doctrines.neorealist.relative_gains=0:2",
    ];
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    sweep(&a, &vary);
    sweep(&b, &vary);
    assert_eq!(
        std::fs::read(a.join("sweep.csv")).unwrap(),
        std::fs::read(b.join("sweep.csv")).unwrap()
    );
    let shards: Vec<_> = (0..3).map(|k| dir.path().join(format!("s{k}"))).collect();
    for (k, s) in shards.iter().enumerate() {
        sweep(s, &[&vary[..], &["--shard", &format!("{k}/3")]].concat());
    }
    let merged = dir.path().join("m");
    statecraft()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .arg("--quiet")
        .assert()
        .success();
    assert_eq!(
        std::fs::read(a.join("sweep.csv")).unwrap(),
        std::fs::read(merged.join("sweep.csv")).unwrap()
    );
    statecraft()
        .arg("merge")
        .args(&shards[..2])
        .arg("--out")
        .arg(dir.path().join("m2"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a shard is missing"));
}

#[test]
fn a_scenario_sweep_table_is_used_when_no_vary_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(CLASSIC).unwrap()
        + "\n[sweep]\ndesign = \"factorial\"\n[[sweep.vary]]\npath = \"games.trade_dilemma.noise\"\nfrom = 0.0\nto = 0.04\nstep = 0.02\n";
    let scenario = dir.path().join("with_sweep.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("t");
    statecraft()
        .arg("sweep")
        .arg(&scenario)
        .args(["--runs", "10", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let values: Vec<f64> = series(&out, "TFT", "cooperation_rate:trade_dilemma")
        .iter()
        .map(|r| r.1)
        .collect();
    assert_eq!(values, vec![0.0, 0.02, 0.04]);
    statecraft()
        .args(["sweep", CLASSIC, "--runs", "5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to vary"));
}
