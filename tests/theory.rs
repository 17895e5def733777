//! Theory checks (docs/model.md §1, §7.10): with best responses
//! (λ = ∞) and grim reciprocity the doctrines reproduce the textbook cooperation
//! thresholds of the repeated prisoner's dilemma, each side of the threshold.

mod common;

use common::{mean, pair_world};

const AXELROD: (f64, f64, f64, f64) = (3.0, 0.0, 5.0, 1.0);
const EPS: f64 = 0.005;

/// Cooperation rate of S1 over a 50-round match with best responses.
fn cooperation(
    n: usize,
    doctrine: &str,
    payoffs: (f64, f64, f64, f64),
    discount: f64,
    extra: &str,
) -> f64 {
    let params = format!(
        "[doctrines.{doctrine}]\ndiscount = {discount}\n[doctrines.{doctrine}.matrix]\nprecision = inf\n"
    );
    let w = pair_world(n, doctrine, payoffs, 50, "", &(params + extra));
    mean(&w, "S1", "cooperation_rate:g", 1)
}

/// The same for neorealists with Grieco's coefficient `k`.
fn realist_cooperation(n: usize, k: f64, discount: f64) -> f64 {
    let both = format!(
        "[states.S1.params]\nrelative_gains = {k}\n[states.S2.params]\nrelative_gains = {k}\n"
    );
    cooperation(n, "neorealist", AXELROD, discount, &both)
}

fn neoliberal_threshold((r, _s, t, p): (f64, f64, f64, f64)) -> f64 {
    (t - r) / (t - p)
}

/// Grieco's transformation for two states: T′ = T + k(T−S).
fn grieco_threshold((r, s, t, p): (f64, f64, f64, f64), k: f64) -> f64 {
    let t2 = t + k * (t - s);
    (t2 - r) / (t2 - p)
}

/// Snidal's N-state threshold: relative gains spread evenly over N − 1 others.
fn snidal_threshold((r, s, t, p): (f64, f64, f64, f64), k: f64, n: usize) -> f64 {
    let m = (n - 1) as f64;
    ((1.0 + k) * (t - r) - k * (s - r) / m) / ((1.0 + k) * (t - p) - k * (s - p) / m)
}

#[test]
fn neoliberals_cooperate_iff_discount_exceeds_the_folk_threshold() {
    for payoffs in [
        AXELROD,
        (4.0, 1.0, 6.0, 2.0),
        (2.0, -1.0, 3.0, 0.0),
        (10.0, 0.0, 11.0, 1.0),
    ] {
        let d = neoliberal_threshold(payoffs);
        assert_eq!(
            cooperation(2, "neoliberal", payoffs, d + EPS, ""),
            1.0,
            "{payoffs:?} above {d}"
        );
        assert_eq!(
            cooperation(2, "neoliberal", payoffs, d - EPS, ""),
            0.0,
            "{payoffs:?} below {d}"
        );
    }
}

#[test]
fn neorealists_follow_griecos_transformed_threshold() {
    for k in [0.25, 0.5, 1.0, 3.0] {
        let d = grieco_threshold(AXELROD, k);
        assert!(d > neoliberal_threshold(AXELROD));
        assert_eq!(realist_cooperation(2, k, d + EPS), 1.0, "k={k} above {d}");
        assert_eq!(realist_cooperation(2, k, d - EPS), 0.0, "k={k} below {d}");
    }
}

#[test]
fn relative_gains_threshold_falls_toward_the_neoliberal_one_as_states_multiply() {
    let k = 0.5;
    let mut previous = f64::INFINITY;
    for n in [2, 3, 4, 6, 10, 20] {
        let d = snidal_threshold(AXELROD, k, n);
        assert!(
            d < previous && d > neoliberal_threshold(AXELROD),
            "threshold must fall with n"
        );
        previous = d;
        assert_eq!(realist_cooperation(n, k, d + EPS), 1.0, "n={n} above {d}");
        assert_eq!(realist_cooperation(n, k, d - EPS), 0.0, "n={n} below {d}");
    }
    assert_eq!(
        snidal_threshold(AXELROD, k, 2),
        grieco_threshold(AXELROD, k)
    );
    // At δ = 0.6 a neorealist pair defects when alone and cooperates among ten states.
    assert_eq!(realist_cooperation(2, k, 0.6), 0.0);
    assert_eq!(realist_cooperation(10, k, 0.6), 1.0);
}

#[test]
fn threat_weights_follow_capability_and_proximity() {
    let text = "[scenario]\nname = \"t\"\n[timeline]\nstart = 1\nend = 2\n[model]\ndistant_proximity = 0.25\n\
        [states.S1]\nname = \"a\"\ngdp_musd = 1\nmilitary_musd = 100\ndoctrine = \"neorealist\"\nneighbours = [\"S2\"]\n\
        [states.S2]\nname = \"b\"\ngdp_musd = 1\nmilitary_musd = 100\ndoctrine = \"neorealist\"\n\
        [states.S3]\nname = \"c\"\ngdp_musd = 1\nmilitary_musd = 300\ndoctrine = \"neorealist\"\n";
    let w = common::world(text);
    // S1: neighbour S2 weighs 100 × 1, distant S3 weighs 300 × 0.25.
    assert!((w.threat.get(0, 1) - 100.0 / 175.0).abs() < 1e-12);
    assert!((w.threat.get(0, 2) - 75.0 / 175.0).abs() < 1e-12);
    // Borders are symmetric: S2 sees S1 as a neighbour too.
    assert!((w.threat.get(1, 0) - 100.0 / 175.0).abs() < 1e-12);
    for i in 0..3 {
        let sum: f64 = w.threat.row(i).iter().sum();
        assert!((sum - 1.0).abs() < 1e-12 && w.threat.get(i, i) == 0.0);
    }
}

#[test]
fn friendly_constructivists_cooperate_where_neorealists_defect() {
    let friends = "[affinity.S1]\nS2 = 0.9\n[affinity.S2]\nS1 = 0.9\n";
    // δ = 0.3 is below even the neoliberal threshold of 0.5.
    assert_eq!(cooperation(2, "neorealist", AXELROD, 0.3, ""), 0.0);
    assert_eq!(cooperation(2, "neoliberal", AXELROD, 0.3, ""), 0.0);
    assert_eq!(cooperation(2, "constructivist", AXELROD, 0.3, friends), 1.0);
    // Neutral constructivists behave like neoliberals (a Lockean culture)...
    let d = neoliberal_threshold(AXELROD);
    assert_eq!(cooperation(2, "constructivist", AXELROD, d + EPS, ""), 1.0);
    assert_eq!(cooperation(2, "constructivist", AXELROD, d - EPS, ""), 0.0);
    // ...and enemies see the game as zero-sum and defect however patient (Hobbesian).
    let enemies = "[affinity.S1]\nS2 = -1.0\n[affinity.S2]\nS1 = -1.0\n";
    assert_eq!(
        cooperation(2, "constructivist", AXELROD, 0.95, enemies),
        0.0
    );
}

/// Cooperation rate of S1 when the game is played under a trade regime both
/// belong to: `discount` is the doctrine's δ, `weights` its matrix-family
/// coefficients (payoff units).
fn cooperation_in_institution(doctrine: &str, discount: f64, weights: &str, extra: &str) -> f64 {
    let text = format!(
        "[doctrines.{doctrine}]\ndiscount = {discount}\n\
         [doctrines.{doctrine}.matrix]\nprecision = inf\n{weights}\n\
         [institutions.WTO]\nkind = \"trade_regime\"\nmembers = [\"S1\", \"S2\"]\n{extra}"
    );
    let w = pair_world(2, doctrine, AXELROD, 50, "institution = \"WTO\"", &text);
    mean(&w, "S1", "cooperation_rate:g", 1)
}

#[test]
fn reputation_in_an_institution_lowers_the_neoliberal_threshold() {
    // U(C) − U(D) = R − T + ρ + δ/(1−δ)(R − P): cooperate iff δ ≥ (T−R−ρ)/(T−P−ρ).
    let (r, _, t, p) = AXELROD;
    let rho = 1.0;
    let d = (t - r - rho) / (t - p - rho);
    let weights = format!("reputation = {rho}");
    assert_eq!(
        cooperation_in_institution("neoliberal", d + EPS, &weights, ""),
        1.0
    );
    assert_eq!(
        cooperation_in_institution("neoliberal", d - EPS, &weights, ""),
        0.0
    );
    // Outside an institution, no reputation is at stake.
    assert_eq!(cooperation(2, "neoliberal", AXELROD, d + EPS, ""), 0.0);
}

#[test]
fn internalised_norms_make_constructivists_comply() {
    // With norm n and weight ν: cooperate iff δ ≥ (T−R−νn)/(T−P−νn).
    let (r, _, t, p) = AXELROD;
    let nu_n = 1.5;
    let d = (t - r - nu_n) / (t - p - nu_n);
    let weights = format!("norm_weight = {nu_n}");
    let norms = "[model]\nnorm_learning = 0\n[norms.S1]\nWTO = 1.0\n[norms.S2]\nWTO = 1.0\n";
    assert_eq!(
        cooperation_in_institution("constructivist", d + EPS, &weights, norms),
        1.0
    );
    assert_eq!(
        cooperation_in_institution("constructivist", d - EPS, &weights, norms),
        0.0
    );
    // Without internalised norms the threshold is the neoliberal one again.
    assert_eq!(
        cooperation_in_institution(
            "constructivist",
            d + EPS,
            &weights,
            "[model]\nnorm_learning = 0\n"
        ),
        0.0
    );
}

#[test]
fn a_random_game_length_shortens_the_shadow_of_the_future() {
    // Effective discount is δ·w: δ = 0.9 with w = 0.5 is below 0.5, with w = 0.6 above.
    let run = |w: f64| {
        let params = "[doctrines.neoliberal]\ndiscount = 0.9\n[doctrines.neoliberal.matrix]\nprecision = inf\n";
        let world = pair_world(
            2,
            "neoliberal",
            AXELROD,
            50,
            &format!("continuation = {w}"),
            params,
        );
        mean(&world, "S1", "cooperation_rate:g", 20)
    };
    assert_eq!(run(0.5), 0.0);
    assert_eq!(run(0.6), 1.0);
}

#[test]
fn logit_precision_controls_how_often_states_err() {
    // λ = 0: a coin flip; large λ: the best response (cooperation at δ = 0.9).
    let rate = |precision: f64| {
        let params = format!(
            "[model]\nreciprocity = \"tit_for_tat\"\n[doctrines.neoliberal]\ndiscount = 0.9\n[doctrines.neoliberal.matrix]\nprecision = {precision}\n"
        );
        let w = pair_world(2, "neoliberal", AXELROD, 100, "", &params);
        mean(&w, "S1", "cooperation_rate:g", 200)
    };
    let (random, sharp) = (rate(0.0), rate(50.0));
    assert!((random - 0.5).abs() < 0.01, "λ = 0 gives {random}");
    assert!(sharp > 0.999, "λ = 50 gives {sharp}");
    assert!(rate(0.1) < rate(0.5) && rate(0.5) < sharp);
}
