//! `manifest.json`: everything needed to reproduce a results directory.

use crate::scenario::Loaded;
use serde::Serialize;
use std::time::{Duration, SystemTime};

/// Git commit the binary was built from, if known at build time.
pub fn git_commit() -> Option<&'static str> {
    Some(env!("STATECRAFT_GIT_COMMIT")).filter(|s| !s.is_empty())
}

/// Versions of the crates that determine results, from Cargo.lock at build time.
pub fn crate_versions() -> Vec<(&'static str, &'static str)> {
    env!("STATECRAFT_CRATE_VERSIONS")
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .collect()
}

/// The strings of a JSON array read back from a manifest (none if it is not
/// an array).
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The state codes a manifest's `parameters.states` lists, in order.
pub fn state_codes(json: &serde_json::Value) -> Vec<String> {
    json["parameters"]["states"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Serialize)]
pub struct ScenarioRef<'a> {
    pub name: &'a str,
    pub path: String,
    pub sha256: &'a str,
    pub overrides: Vec<String>,
}

#[derive(Serialize)]
pub struct Manifest<'a> {
    pub program: &'static str,
    pub version: &'static str,
    pub git_commit: Option<&'static str>,
    pub command: &'a str,
    pub scenario: ScenarioRef<'a>,
    pub seed: u64,
    /// Runs of the whole job (every shard).
    pub runs: u64,
    /// Shard `K/N` this directory holds, if any.
    pub shard: Option<String>,
    /// Runs simulated by this process (fewer than `runs` for a shard or a
    /// resume; 0 for a merge).
    pub runs_simulated: u64,
    /// The profile paired differences in `comparison.csv` are taken against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<&'a str>,
    /// Shard directories a merge joined.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    pub profiles: Vec<&'a str>,
    pub timeseries: bool,
    /// The runs traced into `decisions.csv` (`--trace`), as `0,5,10-12`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    pub threads: usize,
    pub crates: serde_json::Map<String, serde_json::Value>,
    pub started: String,
    pub finished: String,
    pub wall_seconds: f64,
    pub runs_per_second: f64,
    /// The resolved world: every parameter after defaults and overrides.
    pub parameters: &'a crate::world::World,
}

impl<'a> Manifest<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        command: &'a str,
        loaded: &'a Loaded,
        seed: u64,
        runs: u64,
        simulated: u64,
        profiles: Vec<&'a str>,
        timeseries: bool,
        threads: usize,
        started: SystemTime,
        wall: Duration,
    ) -> Self {
        let per_second = simulated * profiles.len() as u64;
        let secs = wall.as_secs_f64();
        Manifest {
            program: "statecraft",
            version: env!("CARGO_PKG_VERSION"),
            git_commit: git_commit(),
            command,
            scenario: ScenarioRef {
                name: &loaded.world.name,
                path: loaded.path.display().to_string(),
                sha256: &loaded.sha256,
                overrides: loaded.overrides.iter().map(|o| o.to_string()).collect(),
            },
            seed,
            runs,
            shard: None,
            runs_simulated: simulated,
            merged_from: Vec::new(),
            reference: None,
            profiles,
            timeseries,
            trace: None,
            threads,
            crates: crate_versions()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into()))
                .collect(),
            started: humantime::format_rfc3339_seconds(started).to_string(),
            finished: humantime::format_rfc3339_seconds(started + wall).to_string(),
            wall_seconds: secs,
            runs_per_second: if secs > 0.0 {
                per_second as f64 / secs
            } else {
                0.0
            },
            parameters: &loaded.world,
        }
    }

    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let mut v = serde_json::to_vec_pretty(self)?;
        v.push(b'\n');
        Ok(v)
    }
}
