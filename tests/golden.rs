//! Golden outputs: the bytes of every file that a set of shipped-scenario jobs
//! writes (run, compare, sweep, trade, check), as SHA-256, against
//! `tests/golden.txt`. A refactor must leave them all unchanged; a change of
//! behaviour changes them on purpose, and the commit that does so re-records
//! them (`GOLDEN_BLESS=1 cargo test --release --test golden`) and says why.
//! Manifests (which hold times and paths) are left out.

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The jobs whose outputs are recorded: (directory, arguments).
const JOBS: &[(&str, &[&str])] = &[
    (
        "run_classic",
        &[
            "run",
            "scenarios/classic_cooperation.toml",
            "--runs",
            "300",
            "--timeseries",
        ],
    ),
    (
        "cmp_flagship",
        &[
            "compare",
            "scenarios/kazakhstan_wto_eaeu.toml",
            "--runs",
            "130",
            "--timeseries",
        ],
    ),
    (
        "cmp_focus",
        &[
            "compare",
            "scenarios/kazakhstan_wto_eaeu.toml",
            "--runs",
            "60",
            "--focus",
            "KAZ",
        ],
    ),
    (
        "cmp_bri",
        &[
            "compare",
            "scenarios/bri_eaeu_overlap.toml",
            "--runs",
            "130",
            "--timeseries",
        ],
    ),
    (
        "cmp_eurasia",
        &[
            "compare",
            "scenarios/eurasian_union_1994.toml",
            "--runs",
            "40",
        ],
    ),
    (
        "cmp_classic",
        &[
            "compare",
            "scenarios/classic_cooperation.toml",
            "--runs",
            "200",
        ],
    ),
    (
        "sweep_classic",
        &[
            "sweep",
            "scenarios/classic_cooperation.toml",
            "--vary",
            "doctrines.neoliberal.discount=0.3:0.9:0.2",
            "--runs",
            "50",
        ],
    ),
    (
        "sweep_lhs",
        &[
            "sweep",
            "scenarios/kazakhstan_wto_eaeu.toml",
            "--design",
            "lhs",
            "--points",
            "3",
            "--vary",
            "trade.elasticity=4:8",
            "--runs",
            "20",
        ],
    ),
    (
        "trade_tariff",
        &[
            "trade",
            "scenarios/kazakhstan_wto_eaeu.toml",
            "--tariff",
            "KAZ:*=20",
        ],
    ),
    (
        "trade_autarky",
        &["trade", "scenarios/kazakhstan_wto_eaeu.toml", "--autarky"],
    ),
];

/// `check` prints to standard output; its text is recorded as a file.
const CHECKS: &[&str] = &[
    "scenarios/kazakhstan_wto_eaeu.toml",
    "scenarios/bri_eaeu_overlap.toml",
    "scenarios/classic_cooperation.toml",
    "scenarios/eurasian_union_1994.toml",
];

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file under `dir` but manifests, by path relative to `root`.
fn hash_tree(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            hash_tree(root, &path, out);
        } else if name != "manifest.json" && name != "sweep.json" {
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            out.insert(rel, sha256(&std::fs::read(&path).unwrap()));
        }
    }
}

#[test]
fn shipped_scenarios_write_the_recorded_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for (dir, args) in JOBS {
        Command::cargo_bin("statecraft")
            .unwrap()
            .args(*args)
            .arg("--quiet")
            .arg("--out")
            .arg(root.join(dir))
            .assert()
            .success();
    }
    for scenario in CHECKS {
        let out = Command::cargo_bin("statecraft")
            .unwrap()
            .args(["check", scenario])
            .output()
            .unwrap();
        assert!(out.status.success());
        let name = Path::new(scenario).file_stem().unwrap().to_string_lossy();
        std::fs::write(root.join(format!("check_{name}.txt")), out.stdout).unwrap();
    }
    let mut hashes = BTreeMap::new();
    hash_tree(root, root, &mut hashes);
    let actual: String = hashes
        .iter()
        .map(|(path, hash)| format!("{hash}  {path}\n"))
        .collect();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden.txt");
    if std::env::var_os("GOLDEN_BLESS").is_some() {
        std::fs::write(&golden, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&golden).unwrap();
    let differing: Vec<&str> = actual
        .lines()
        .filter(|l| !expected.lines().any(|e| e == *l))
        .collect();
    assert!(
        differing.is_empty() && expected.lines().count() == actual.lines().count(),
        "outputs differ from tests/golden.txt in:\n{}",
        differing.join("\n")
    );
}
