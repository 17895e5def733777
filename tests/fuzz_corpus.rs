//! The fuzzing targets' committed corpora (`fuzz/corpus/<target>/`), replayed
//! in the normal suite through the same entry points `cargo fuzz` drives
//! (`statecraft::scenario::fuzz`): every input — including each one that once
//! crashed or hung, kept under `fuzz/regressions/<target>/` — must be
//! loaded or refused without a panic, and quickly. No nightly toolchain needed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn replay(target: &str, min: usize, call: impl Fn(&[u8])) {
    let files = inputs(target);
    assert!(
        files.len() >= min,
        "fuzz/corpus/{target} holds {} inputs; expected at least {min}",
        files.len()
    );
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let started = Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&bytes)));
        assert!(result.is_ok(), "{} panicked", path.display());
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{} took {:?}",
            path.display(),
            started.elapsed()
        );
    }
}

#[test]
fn the_scenario_corpus_loads_or_is_refused_without_a_panic() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/fuzz.toml");
    replay("scenario", 10, |b| {
        statecraft::scenario::fuzz::scenario(b, file)
    });
}

#[test]
fn the_trade_flows_corpus_is_read_or_refused_without_a_panic() {
    replay("flows", 10, statecraft::scenario::fuzz::flows);
}
