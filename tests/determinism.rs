//! Reproducibility: run r draws from ChaCha stream r of the seed, and results
//! are byte-identical whatever the thread count.

use assert_cmd::Command;
use rand::{Rng, RngExt};
use statecraft::montecarlo::run_rng;
use std::path::Path;

#[test]
fn golden_first_draws_of_two_run_streams() {
    // If these change, every published result changes: the RNG, its seeding or
    // the stream layout moved. That needs a major version and a note.
    let mut r0 = run_rng(42, 0);
    assert_eq!(
        [r0.next_u64(), r0.next_u64(), r0.next_u64()],
        [
            12578764544318200737,
            17529487244874322312,
            7886285670807131020
        ]
    );
    assert_eq!(r0.random::<f64>(), 0.6273605211973403);
    let mut r1 = run_rng(42, 1);
    assert_eq!(
        [r1.next_u64(), r1.next_u64(), r1.next_u64()],
        [
            13222472167927179408,
            3078952320862533021,
            8898984633443201687
        ]
    );
    assert_eq!(r1.random::<f64>(), 0.8462661931917854);
}

fn run(out: &Path, threads: usize, seed: u64) {
    Command::cargo_bin("statecraft")
        .unwrap()
        .args([
            "run",
            "scenarios/classic_cooperation.toml",
            "--runs",
            "300",
            "--timeseries",
            "--quiet",
        ])
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--threads")
        .arg(threads.to_string())
        .arg("--out")
        .arg(out)
        // Trembles and random match lengths make every run draw many numbers.
        .args([
            "--set",
            "games.trade_dilemma.noise=0.05",
            "--set",
            "games.trade_dilemma.continuation=0.995",
        ])
        .assert()
        .success();
}

#[test]
fn identical_files_at_1_2_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    let outs: Vec<_> = [1, 2, 4]
        .iter()
        .map(|t| dir.path().join(format!("t{t}")))
        .collect();
    for (out, threads) in outs.iter().zip([1, 2, 4]) {
        run(out, threads, 7);
    }
    for file in [
        "outcomes.csv",
        "summary.csv",
        "events.csv",
        "timeseries.csv",
    ] {
        let reference = std::fs::read(outs[0].join(file)).unwrap();
        assert!(reference.len() > 1000, "{file} is suspiciously small");
        for other in &outs[1..] {
            assert!(
                reference == std::fs::read(other.join(file)).unwrap(),
                "{file} differs at {}",
                other.display()
            );
        }
    }
    // The runs really are random: different runs give different outcomes.
    let summary = std::fs::read_to_string(outs[0].join("summary.csv")).unwrap();
    let tft = summary
        .lines()
        .find(|l| l.starts_with("scenario,TFT,cooperation_rate:"))
        .unwrap();
    let sd: f64 = tft.split(',').nth(5).unwrap().parse().unwrap();
    assert!(sd > 0.0, "{tft}");
}

#[test]
fn a_different_seed_gives_different_results_and_the_same_seed_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    run(&a, 2, 7);
    run(&b, 2, 8);
    run(&c, 1, 7);
    let read = |d: &Path| std::fs::read(d.join("outcomes.csv")).unwrap();
    assert_ne!(read(&a), read(&b));
    assert_eq!(read(&a), read(&c));
}
