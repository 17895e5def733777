//! Helpers shared by the integration tests: build worlds from TOML text and
//! average a metric over runs through the real simulation.
#![allow(dead_code)]

use statecraft::outcome::Catalogue;
use statecraft::simulation::{RunOptions, simulate};
use statecraft::world::{Profile, World};
use std::path::Path;

/// Write `flows.csv` in `dir`: 100 (US$ million) from every one of `codes` to
/// every other, except the `special` (exporter, importer, value) pairs.
pub fn write_flows(dir: &Path, codes: &[&str], special: &[(&str, &str, f64)]) {
    let mut csv = String::from("exporter,importer,value_musd\n");
    for a in codes {
        for b in codes.iter().filter(|b| *b != a) {
            let v = special
                .iter()
                .find(|s| s.0 == *a && s.1 == *b)
                .map_or(100.0, |s| s.2);
            csv += &format!("{a},{b},{v}\n");
        }
    }
    std::fs::write(dir.join("flows.csv"), csv).unwrap();
}

/// Write `text` to `dir/s.toml` and load it (so relative data paths resolve
/// in `dir`), panicking with the rendered error if it is invalid.
pub fn load(dir: &Path, text: &str) -> World {
    let path = dir.join("s.toml");
    std::fs::write(&path, text).unwrap();
    statecraft::scenario::load(&path, &[])
        .unwrap_or_else(|e| panic!("{e}"))
        .world
}

/// Load a scenario from text, panicking with the rendered error if it is invalid.
pub fn world(text: &str) -> World {
    statecraft::scenario::load_str(text, "test.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// Mean of `metric` for `state` over `runs` runs of `profile` (seed 1).
pub fn mean_metric(world: &World, profile: &Profile, state: &str, metric: &str, runs: u64) -> f64 {
    let catalogue = Catalogue::new(world);
    let s = world.state_index(state).expect("state");
    let slot = catalogue
        .find(s, metric)
        .unwrap_or_else(|| panic!("no metric {metric} for {state}"));
    let total: f64 = (0..runs)
        .map(|r| {
            simulate(world, profile, &catalogue, 1, r, &RunOptions::default())
                .expect("run")
                .values[slot]
        })
        .sum();
    total / runs as f64
}

/// Mean of `metric` for `state` under the scenario's own doctrines.
pub fn mean(world: &World, state: &str, metric: &str, runs: u64) -> f64 {
    mean_metric(world, &world.scenario_profile(), state, metric, runs)
}

/// A symmetric world of `n` equal states (codes S1..Sn, no neighbours) whose
/// first two play the repeated game `g`; `doctrine` for all. `game` is added to
/// the game's table (e.g. `noise = 0.1`), `extra` appended at the end
/// (parameters, affinities, institutions, strategies).
pub fn pair_world(
    n: usize,
    doctrine: &str,
    payoffs: (f64, f64, f64, f64),
    rounds: i32,
    game: &str,
    extra: &str,
) -> World {
    let (r, s, t, p) = payoffs;
    let mut text = format!(
        "[scenario]\nname = \"t\"\n[timeline]\nstart = 1\nend = {rounds}\n\n\
         [games.g]\nkind = \"matrix\"\npayoffs = {{ R = {r}, S = {s}, T = {t}, P = {p} }}\npairs = [[\"S1\", \"S2\"]]\n{game}\n\n"
    );
    for i in 1..=n {
        text += &format!(
            "[states.S{i}]\nname = \"State {i}\"\ngdp_musd = 1000\nmilitary_musd = 100\ndoctrine = \"{doctrine}\"\n"
        );
    }
    text += extra;
    world(&text)
}
