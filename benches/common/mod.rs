//! Scenarios shared by the benchmarks, built in code so that a benchmark does
//! not change when a shipped scenario file is edited.

#![allow(dead_code)]

use statecraft::outcome::Catalogue;
use statecraft::world::{Profile, World};

/// Rounds of every match in the round-robin benchmarks.
pub const ROUNDS: u32 = 200;

/// The eight classic fixed strategies, with the state code that plays each.
pub const CLASSIC: [(&str, &str); 8] = [
    ("ALLC", "all_cooperate"),
    ("ALLD", "all_defect"),
    ("TFT", "tit_for_tat"),
    ("GRIM", "grim"),
    ("WSLS", "win_stay_lose_shift"),
    ("ALT", "alternator"),
    ("STFT", "suspicious_tit_for_tat"),
    ("GTFT", "generous_tit_for_tat"),
];

/// Eight states deciding by doctrine: a mix of the three theories.
pub const DOCTRINE_STATES: [(&str, &str); 8] = [
    ("REA1", "neorealist"),
    ("REA2", "neorealist"),
    ("REA3", "neorealist"),
    ("LIB1", "neoliberal"),
    ("LIB2", "neoliberal"),
    ("LIB3", "neoliberal"),
    ("CON1", "constructivist"),
    ("CON2", "constructivist"),
];

fn header(name: &str) -> String {
    format!(
        "[scenario]\nname = \"{name}\"\n\n[timeline]\nstart = 1\nend = {ROUNDS}\n\n\
         [doctrines.neorealist]\nrelative_gains = 0.5\n\n\
         [doctrines.neoliberal]\ndiscount = 0.9\n\n\
         [doctrines.constructivist]\nsalience = 1.0\n\n"
    )
}

fn state(code: &str, doctrine: &str) -> String {
    format!(
        "[states.{code}]\nname = \"{code}\"\ngdp_musd = 100000\nmilitary_musd = 2000\ndoctrine = \"{doctrine}\"\n\n"
    )
}

const GAME: &str = "[games.trade_dilemma]\nkind = \"matrix\"\npayoffs = { R = 3, S = 0, T = 5, P = 1 }\n\
                    pairs = \"all\"\nnoise = 0.0\ncontinuation = 1.0\n\n";

/// A round robin among the eight classic strategies.
pub fn classic_round_robin() -> String {
    let mut s = header("bench_classic");
    for (code, _) in CLASSIC {
        s += &state(code, "neoliberal");
    }
    s += GAME;
    s += "[games.trade_dilemma.strategies]\n";
    for (code, strategy) in CLASSIC {
        s += &format!("{code} = \"{strategy}\"\n");
    }
    s
}

/// A round robin among eight states that all decide by their doctrine; the
/// constructivists start with mixed affinities so that learning has work to do.
pub fn doctrine_round_robin() -> String {
    let mut s = header("bench_doctrine");
    for (code, doctrine) in DOCTRINE_STATES {
        s += &state(code, doctrine);
    }
    s += "[affinity.CON1]\nLIB1 = 0.5\nREA1 = -0.3\nCON2 = 0.8\n\n";
    s += "[affinity.CON2]\nLIB2 = 0.4\nREA2 = -0.5\nCON1 = 0.8\n\n";
    s += GAME;
    s
}

/// A loaded benchmark world with what `simulate` needs beside it.
pub struct Setup {
    pub world: World,
    pub profile: Profile,
    pub catalogue: Catalogue,
}

impl Setup {
    pub fn parse(text: &str) -> Setup {
        let world = statecraft::scenario::load_str(text, "bench.toml", &[])
            .unwrap_or_else(|e| panic!("benchmark scenario is invalid: {e}"));
        Setup::from_world(world)
    }

    pub fn from_world(world: World) -> Setup {
        let profile = world.scenario_profile();
        let catalogue = Catalogue::new(&world);
        Setup {
            world,
            profile,
            catalogue,
        }
    }

    /// Pair-rounds one run plays: every pair of every game, every active year
    /// (matches never end early in these scenarios: continuation = 1).
    pub fn pair_rounds(&self) -> u64 {
        self.world
            .games
            .iter()
            .map(|g| g.pairs.len() as u64 * (g.until - g.from + 1) as u64)
            .sum()
    }
}
