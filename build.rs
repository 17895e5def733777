//! Records, for the run manifest, the git commit the binary was built from (if
//! known) and the versions of the crates that determine results.

use std::process::Command;

const CRATES: &[&str] = &[
    "rand",
    "rand_chacha",
    "rand_core",
    "rayon",
    "serde",
    "csv",
    "toml",
    "clap",
];

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    let commit = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=STATECRAFT_GIT_COMMIT={commit}");

    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut versions = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take())
            && CRATES.contains(&n.as_str())
        {
            versions.push(format!("{n}={}", v.trim_matches('"')));
        }
    }
    println!(
        "cargo:rustc-env=STATECRAFT_CRATE_VERSIONS={}",
        versions.join(",")
    );
}
