//! Experiments at scale: shards merge into the bytes of one process, merges
//! refuse shards of different jobs, and a killed run resumes to the bytes of an
//! uninterrupted one.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const CLASSIC: &str = "scenarios/classic_cooperation.toml";
const FILES: [&str; 4] = [
    "outcomes.csv",
    "summary.csv",
    "events.csv",
    "timeseries.csv",
];

fn statecraft() -> Command {
    Command::cargo_bin("statecraft").unwrap()
}

fn run(out: &Path, runs: u64, extra: &[&str]) {
    statecraft()
        .args([
            "run",
            CLASSIC,
            "--seed",
            "9",
            "--timeseries",
            "--quiet",
            "--runs",
        ])
        .arg(runs.to_string())
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn assert_same(a: &Path, b: &Path) {
    for f in FILES {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn one_two_three_and_seven_shards_merge_into_the_bytes_of_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let runs = 1000; // 8 chunks of 128 runs
    let serial = dir.path().join("serial");
    run(&serial, runs, &[]);
    for n in [1u64, 2, 3, 7] {
        let shards: Vec<PathBuf> = (0..n)
            .map(|k| dir.path().join(format!("n{n}-k{k}")))
            .collect();
        for (k, out) in shards.iter().enumerate() {
            run(out, runs, &["--shard", &format!("{k}/{n}")]);
        }
        let merged = dir.path().join(format!("merged{n}"));
        // Any order of directories will do.
        statecraft()
            .arg("merge")
            .args(shards.iter().rev())
            .arg("--out")
            .arg(&merged)
            .arg("--quiet")
            .assert()
            .success();
        assert_same(&serial, &merged);
    }
}

#[test]
fn compare_shards_merge_too() {
    let dir = tempfile::tempdir().unwrap();
    let args = |out: &Path, shard: Option<&str>| {
        let mut c = statecraft();
        c.args([
            "compare",
            CLASSIC,
            "--runs",
            "300",
            "--seed",
            "4",
            "--profiles",
            "neorealist,neoliberal",
            "--quiet",
            "--out",
        ])
        .arg(out);
        if let Some(s) = shard {
            c.args(["--shard", s]);
        }
        c.assert().success();
    };
    args(&dir.path().join("serial"), None);
    args(&dir.path().join("a"), Some("0/2"));
    args(&dir.path().join("b"), Some("1/2"));
    statecraft()
        .args(["merge", "--quiet", "--out"])
        .arg(dir.path().join("m"))
        .arg(dir.path().join("a"))
        .arg(dir.path().join("b"))
        .assert()
        .success();
    for f in ["outcomes.csv", "summary.csv", "comparison.csv"] {
        assert_eq!(
            std::fs::read(dir.path().join("serial").join(f)).unwrap(),
            std::fs::read(dir.path().join("m").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn merge_refuses_mismatched_overlapping_or_missing_shards() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    run(&d("a0"), 600, &["--shard", "0/2"]);
    run(&d("a1"), 600, &["--shard", "1/2"]);
    // A different seed.
    statecraft()
        .args([
            "run",
            CLASSIC,
            "--seed",
            "10",
            "--timeseries",
            "--quiet",
            "--runs",
            "600",
            "--shard",
            "1/2",
            "--out",
        ])
        .arg(d("b1"))
        .assert()
        .success();
    let merge = |dirs: &[&str]| {
        let mut c = statecraft();
        c.arg("merge");
        for x in dirs {
            c.arg(d(x));
        }
        c.arg("--out").arg(d("out"));
        c.assert()
    };
    merge(&["a0", "b1"])
        .code(2)
        .stderr(predicate::str::contains("different seed (9 vs 10)"));
    merge(&["a0"])
        .code(2)
        .stderr(predicate::str::contains("a shard is missing"));
    merge(&["a0", "a1", "a1"])
        .code(2)
        .stderr(predicate::str::contains("the shards overlap"));
    // Different runs.
    run(&d("c1"), 700, &["--shard", "1/2"]);
    merge(&["a0", "c1"])
        .code(2)
        .stderr(predicate::str::contains("different number of runs"));
    merge(&["a0", "a1"]).success();
}

#[test]
fn a_run_killed_mid_way_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let runs = 4000;
    let whole = dir.path().join("whole");
    run(&whole, runs, &["--threads", "2"]);
    let killed = dir.path().join("killed");
    let bin = assert_cmd::cargo::cargo_bin("statecraft");
    let mut child = std::process::Command::new(bin)
        .args([
            "run",
            CLASSIC,
            "--seed",
            "9",
            "--timeseries",
            "--quiet",
            "--threads",
            "1",
            "--runs",
        ])
        .arg(runs.to_string())
        .arg("--out")
        .arg(&killed)
        .spawn()
        .unwrap();
    // Wait until a few chunks are persisted, then SIGKILL (no clean-up possible).
    let chunks = killed.join(".chunks");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = std::fs::read_dir(&chunks).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with("outcomes.csv"))
            })
            .count()
        });
        if done >= 3 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !killed.join("outcomes.csv").exists(),
        "the run finished before it could be killed"
    );
    // Without --resume or --force the directory is protected.
    statecraft()
        .args([
            "run",
            CLASSIC,
            "--seed",
            "9",
            "--timeseries",
            "--quiet",
            "--runs",
            "4000",
            "--out",
        ])
        .arg(&killed)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pass --resume to finish it (or --force to start again)",
        ));
    // Resuming with different settings is refused.
    statecraft()
        .args([
            "run",
            CLASSIC,
            "--seed",
            "8",
            "--timeseries",
            "--quiet",
            "--runs",
            "4000",
            "--resume",
            "--out",
        ])
        .arg(&killed)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("different seed"));
    statecraft()
        .args([
            "run",
            CLASSIC,
            "--seed",
            "9",
            "--timeseries",
            "--runs",
            "4000",
            "--resume",
            "--out",
        ])
        .arg(&killed)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "chunks were already finished and kept",
        ));
    assert_same(&whole, &killed);
    assert!(
        !killed.join(".chunks").exists(),
        "chunk files are removed once the results are assembled"
    );
}

#[test]
fn shards_calibrated_on_different_trade_data_are_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("s");
    std::fs::create_dir_all(copy.join("data")).unwrap();
    std::fs::copy("scenarios/kazakhstan_wto_eaeu.toml", copy.join("kz.toml")).unwrap();
    let csv = std::fs::read_to_string("scenarios/data/trade_2019.csv").unwrap();
    std::fs::write(copy.join("data/trade_2019.csv"), &csv).unwrap();
    let shard = |k: u64| {
        statecraft()
            .arg("run")
            .arg(copy.join("kz.toml"))
            .args([
                "--runs",
                "130",
                "--quiet",
                "--shard",
                &format!("{k}/2"),
                "--out",
            ])
            .arg(dir.path().join(format!("k{k}")))
            .assert()
            .success();
    };
    shard(0);
    std::fs::write(
        copy.join("data/trade_2019.csv"),
        csv.replace("KAZ,RUS,5602.5", "KAZ,RUS,5700"),
    )
    .unwrap();
    shard(1);
    statecraft()
        .arg("merge")
        .arg(dir.path().join("k0"))
        .arg(dir.path().join("k1"))
        .arg("--out")
        .arg(dir.path().join("m"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("different trade data file"));
}
