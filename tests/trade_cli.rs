//! `statecraft trade`: static what-ifs on the flagship scenario's trade model,
//! their files, and the errors a user meets.

use assert_cmd::Command;
use predicates::prelude::*;
use std::collections::HashMap;
use std::path::Path;

const KAZ: &str = "scenarios/kazakhstan_wto_eaeu.toml";

fn statecraft() -> Command {
    Command::cargo_bin("statecraft").unwrap()
}

/// Run `statecraft trade KAZ <args> --out <out>` and return welfare changes by state.
fn welfare(out: &Path, args: &[&str]) -> HashMap<String, f64> {
    statecraft()
        .args(["trade", KAZ, "--quiet", "--out"])
        .arg(out)
        .args(args)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(out.join("trade.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "state,welfare_change_percent,real_income_musd,price_change_percent,wage_change_percent,domestic_share"
    );
    lines
        .map(|l| {
            let mut f = l.split(',');
            let state = f.next().unwrap().to_string();
            (state, f.next().unwrap().parse().unwrap())
        })
        .collect()
}

#[test]
fn the_start_point_against_itself_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    let w = welfare(&out, &["--year", "2019"]);
    assert_eq!(w.len(), 12);
    assert!(w.values().all(|&x| x == 0.0), "{w:?}");
    // Shares are unchanged too, and every importer's row sums to one.
    let shares = std::fs::read_to_string(out.join("trade_shares.csv")).unwrap();
    let mut lines = shares.lines();
    assert_eq!(
        lines.next().unwrap(),
        "importer,exporter,share_before,share_after"
    );
    let mut sums: HashMap<String, f64> = HashMap::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f[2], f[3], "{l}");
        *sums.entry(f[0].to_string()).or_default() += f[3].parse::<f64>().unwrap();
    }
    assert_eq!(sums.len(), 12);
    assert!(sums.values().all(|s| (s - 1.0).abs() < 1e-12), "{sums:?}");
}

#[test]
fn a_unilateral_tariff_helps_the_setter_and_hurts_most_partners() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    statecraft()
        .args(["trade", KAZ, "--tariff", "KAZ:*=20", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("changes: --tariff KAZ:*=20"))
        .stdout(predicate::str::contains("welfare %"))
        .stdout(predicate::str::contains("trade_shares.csv"))
        .stdout(predicate::function(|s: &str| {
            s.lines().all(|l| l.chars().count() <= 80)
        }));
    let w = welfare(&dir.path().join("q"), &["--tariff", "KAZ:*=20"]);
    assert!(w["KAZ"] > 0.1, "terms-of-trade gain for KAZ: {w:?}");
    let losers = w.iter().filter(|&(s, &x)| s != "KAZ" && x < 0.0).count();
    assert!(
        losers > 11 / 2,
        "most partners lose from KAZ's tariff: {w:?}"
    );
    assert!(w["RUS"] < 0.0 && w["KGZ"] < 0.0, "{w:?}");
}

#[test]
fn autarky_hurts_everyone_and_says_deficits_are_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    statecraft()
        .args(["trade", KAZ, "--autarky", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("trade deficits are set to"));
    let w = welfare(&dir.path().join("q"), &["--autarky"]);
    assert_eq!(w.len(), 12);
    assert!(w.values().all(|&x| x < 0.0), "{w:?}");
    let shares = std::fs::read_to_string(dir.path().join("q/trade_shares.csv")).unwrap();
    for l in shares.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let expected = if f[0] == f[1] { 1.0 } else { 0.0 };
        assert_eq!(f[3].parse::<f64>().unwrap(), expected, "{l}");
    }
}

#[test]
fn cheaper_trade_costs_raise_welfare_of_both_partners() {
    let dir = tempfile::tempdir().unwrap();
    let w = welfare(
        &dir.path().join("t"),
        &["--cost", "KAZ:CHN=0.9", "--cost", "CHN:KAZ=0.9"],
    );
    assert!(w["KAZ"] > 0.0 && w["CHN"] > 0.0, "{w:?}");
}

#[test]
fn bad_flags_are_input_errors_with_a_helpful_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["--tariff", "XYZ:*=20"], "unknown state `XYZ`"),
        (&["--tariff", "KAZ:*=-5"], ">= 0"),
        (&["--tariff", "KAZ=20"], "IMPORTER:EXPORTER=RATE"),
        (&["--tariff", "KAZ:*=lots"], "number of percent"),
        (&["--cost", "KAZ:CHN=0"], "must be > 0"),
        (&["--cost", "KAZ:CHN=-1"], "must be > 0"),
        (&["--cost", "*:NOPE=0.9"], "unknown state `NOPE`"),
        (&["--tariff", "KAZ:KAZ=5"], "both sides"),
        (&["--year", "1800"], "outside the scenario's timeline"),
        (&["--autarky", "--tariff", "KAZ:*=5"], "--autarky"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (args, message) in cases {
        statecraft()
            .args(["trade", KAZ, "--out"])
            .arg(dir.path())
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    assert!(!dir.path().join("trade.csv").exists());
    statecraft()
        .args(["trade", "scenarios/classic_cooperation.toml", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no [trade] table"));
}

#[test]
fn a_shock_with_no_equilibrium_is_a_runtime_error_not_a_number() {
    let dir = tempfile::tempdir().unwrap();
    // Prohibitive costs everywhere while deficits stay fixed: no equilibrium.
    statecraft()
        .args(["trade", KAZ, "--cost", "*:*=inf", "--out"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did not converge"));
    assert!(!dir.path().join("trade.csv").exists());
}

#[test]
fn existing_trade_files_are_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    let args = ["trade", KAZ, "--quiet", "--out"];
    statecraft().args(args).arg(&out).assert().success();
    std::fs::write(out.join("trade_shares.csv"), b"my notes").unwrap();
    statecraft()
        .args(args)
        .arg(&out)
        .args(["--tariff", "KAZ:*=20"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        std::fs::read(out.join("trade_shares.csv")).unwrap(),
        b"my notes"
    );
    statecraft()
        .args(args)
        .arg(&out)
        .args(["--tariff", "KAZ:*=20", "--force"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(out.join("trade_shares.csv"))
            .unwrap()
            .starts_with("importer,exporter,share_before,share_after")
    );
}

#[test]
fn every_what_if_has_a_default_directory_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join(KAZ);
    let trade = |args: &[&str]| {
        let mut c = statecraft();
        c.current_dir(dir.path())
            .arg("trade")
            .arg(&scenario)
            .args(args)
            .arg("--quiet");
        c
    };
    // The README's what-ifs, one after the other.
    for (args, label) in [
        (&["--tariff", "KAZ:*=20"][..], "tariff-KAZ-all-20"),
        (
            &["--tariff", "*:RUS=25", "--cost", "KAZ:CHN=0.9"],
            "tariff-all-RUS-25_cost-KAZ-CHN-0.9",
        ),
        (&["--autarky"], "autarky"),
        (&["--autarky", "--year", "2019"], "autarky_y2019"),
    ] {
        trade(args).assert().success();
        let out = dir.path().join("results/kazakhstan_wto_eaeu");
        assert!(
            out.join(format!("trade-{label}/trade.csv")).exists(),
            "{label}"
        );
    }
    // The same what-if again is still refused without --force.
    trade(&["--autarky"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    trade(&["--autarky", "--force"]).assert().success();
}

#[test]
fn autarky_from_free_balanced_trade_costs_the_acr_gains() {
    // Three states, zero tariffs, symmetric (so balanced) flows: moving to
    // autarky must cost λ_nn^(1/ε) − 1 (Arkolakis, Costinot & Rodríguez-Clare 2012).
    let dir = tempfile::tempdir().unwrap();
    let mut scenario = String::from(
        "[scenario]\nname = \"mini\"\n[timeline]\nstart = 2000\nend = 2001\n\
         [trade]\nflows = \"flows.csv\"\nbaseline_year = 2000\nelasticity = 4.0\n",
    );
    for (code, gdp) in [("A", 1000), ("B", 2000), ("C", 500)] {
        scenario += &format!(
            "[states.{code}]\nname = \"{code}\"\ngdp_musd = {gdp}\nmilitary_musd = 10\n\
             doctrine = \"neoliberal\"\ntariff_percent = 0\n"
        );
    }
    std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
    std::fs::write(
        dir.path().join("flows.csv"),
        "exporter,importer,value_musd\nA,B,100\nB,A,100\nA,C,50\nC,A,50\nB,C,80\nC,B,80\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    statecraft()
        .arg("trade")
        .arg(dir.path().join("s.toml"))
        .args(["--autarky", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let w: HashMap<String, f64> = std::fs::read_to_string(out.join("trade.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].parse().unwrap())
        })
        .collect();
    // Domestic shares: absorption (GDP − exports) over GDP.
    for (code, lambda) in [
        ("A", 850.0 / 1000.0),
        ("B", 1820.0 / 2000.0),
        ("C", 370.0 / 500.0),
    ] {
        let want = 100.0 * (f64::powf(lambda, 1.0 / 4.0) - 1.0);
        assert!(
            (w[code] - want).abs() < 1e-8,
            "{code}: {} vs {want}",
            w[code]
        );
    }
}
