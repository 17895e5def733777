//! Classic strategies: 200-round match scores equal the textbook values
//! (Axelrod 1984 payoffs R=3, S=0, T=5, P=1), played through the real engine.

mod common;

use common::{mean, pair_world};

const AXELROD: (f64, f64, f64, f64) = (3.0, 0.0, 5.0, 1.0);

/// Total payoffs of a `rounds`-round match between two fixed strategies.
fn scores(a: &str, b: &str, rounds: i32) -> (f64, f64) {
    let extra = format!("[games.g.strategies]\nS1 = \"{a}\"\nS2 = \"{b}\"\n");
    let w = pair_world(2, "neoliberal", AXELROD, rounds, "", &extra);
    (
        mean(&w, "S1", "total_payoff:g", 1),
        mean(&w, "S2", "total_payoff:g", 1),
    )
}

#[test]
fn textbook_200_round_scores() {
    let cases = [
        ("tit_for_tat", "all_defect", (199.0, 204.0)),
        ("all_cooperate", "all_defect", (0.0, 1000.0)),
        ("tit_for_tat", "tit_for_tat", (600.0, 600.0)),
        ("all_defect", "all_defect", (200.0, 200.0)),
        ("grim", "all_cooperate", (600.0, 600.0)),
        ("grim", "all_defect", (199.0, 204.0)),
        // Alternator C,D,C,D…: grim is exploited once, then defects for ever.
        (
            "grim",
            "alternator",
            (3.0 + 0.0 + 99.0 * 5.0 + 99.0 * 1.0, 3.0 + 5.0 + 99.0 * 1.0),
        ),
        // Suspicious tit-for-tat locks tit-for-tat into alternating exploitation.
        ("tit_for_tat", "suspicious_tit_for_tat", (500.0, 500.0)),
        (
            "suspicious_tit_for_tat",
            "suspicious_tit_for_tat",
            (200.0, 200.0),
        ),
        // Pavlov against all-defect: exploited every other round.
        ("win_stay_lose_shift", "all_defect", (100.0, 600.0)),
        ("win_stay_lose_shift", "tit_for_tat", (600.0, 600.0)),
        ("all_cooperate", "alternator", (300.0, 800.0)),
        ("generous_tit_for_tat", "tit_for_tat", (600.0, 600.0)),
    ];
    for (a, b, expected) in cases {
        assert_eq!(scores(a, b, 200), expected, "{a} vs {b}");
        // And symmetrically, seated the other way round.
        assert_eq!(scores(b, a, 200), (expected.1, expected.0), "{b} vs {a}");
    }
}

#[test]
fn generous_tit_for_tat_forgives_at_the_nowak_sigmund_rate() {
    // Forgiveness defaults to min(1 − (T−R)/(R−S), (R−P)/(T−P)) = 1/3 for Axelrod's
    // payoffs: after the first round it cooperates against all-defect a third of the time.
    let extra = "[games.g.strategies]\nS1 = \"generous_tit_for_tat\"\nS2 = \"all_defect\"\n";
    let w = pair_world(2, "neoliberal", AXELROD, 200, "", extra);
    assert!((w.games[0].forgiveness - 1.0 / 3.0).abs() < 1e-12);
    let rate = mean(&w, "S1", "cooperation_rate:g", 2000);
    let expected = (1.0 + 199.0 / 3.0) / 200.0;
    assert!((rate - expected).abs() < 0.005, "{rate} vs {expected}");
    // An explicit forgiveness overrides the default.
    let w = pair_world(2, "neoliberal", AXELROD, 200, "forgiveness = 0.0", extra);
    assert_eq!(mean(&w, "S1", "cooperation_rate:g", 1), 1.0 / 200.0);
}

#[test]
fn random_strategy_cooperates_half_the_time() {
    let extra = "[games.g.strategies]\nS1 = \"random\"\nS2 = \"all_cooperate\"\n";
    let w = pair_world(2, "neoliberal", AXELROD, 200, "", extra);
    let rate = mean(&w, "S1", "cooperation_rate:g", 500);
    assert!((rate - 0.5).abs() < 0.01, "{rate}");
}

#[test]
fn trembles_flip_moves_at_the_noise_rate() {
    let extra = "[games.g.strategies]\nS1 = \"all_cooperate\"\nS2 = \"all_cooperate\"\n";
    let w = pair_world(2, "neoliberal", AXELROD, 200, "noise = 0.1", extra);
    let rate = mean(&w, "S1", "cooperation_rate:g", 500);
    assert!((rate - 0.9).abs() < 0.005, "{rate}");
    // Noise breaks tit-for-tat's mutual cooperation (echo effect) but not Pavlov's.
    let pair = |a: &str| {
        let extra = format!("[games.g.strategies]\nS1 = \"{a}\"\nS2 = \"{a}\"\n");
        let w = pair_world(2, "neoliberal", AXELROD, 200, "noise = 0.02", &extra);
        mean(&w, "S1", "mutual_cooperation_rate:g", 300)
    };
    let (tft, wsls) = (pair("tit_for_tat"), pair("win_stay_lose_shift"));
    assert!(
        wsls > tft + 0.2,
        "Pavlov {wsls} should out-cooperate tit-for-tat {tft} under noise"
    );
}

#[test]
fn continuation_probability_gives_geometric_match_lengths() {
    // With w = 0.9 a match lasts min(Geometric, 200) rounds: mean ≈ (1 − w^200)/(1 − w) ≈ 10.
    let extra = "[games.g.strategies]\nS1 = \"all_cooperate\"\nS2 = \"all_cooperate\"\n";
    let w = pair_world(2, "neoliberal", AXELROD, 200, "continuation = 0.9", extra);
    let rounds = mean(&w, "S1", "rounds_played:g", 4000);
    let expected = (1.0 - 0.9f64.powi(200)) / 0.1;
    assert!((rounds - expected).abs() < 0.5, "{rounds} vs {expected}");
}
