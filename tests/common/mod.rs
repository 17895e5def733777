//! Helpers shared by the integration tests: build worlds from TOML text and
//! average a metric over runs through the real simulation.
#![allow(dead_code)]

use statecraft::outcome::Catalogue;
use statecraft::simulation::{RunOptions, simulate};
use statecraft::world::{Profile, World};

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
            simulate(world, profile, &catalogue, 1, r, RunOptions::default())
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
