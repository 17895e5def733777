//! `statecraft sweep` with the designs of sensitivity analysis: points read
//! from a CSV file (with located errors), Morris and Sobol' designs over
//! `--vary` ranges and over a scenario's `[priors]`, their blocks, the
//! sweep-level files (`sensitivity.csv`, `sweep_retrodiction.csv`),
//! `--summary-only`, and byte-identical results at any thread count, across
//! shards joined by `merge`, and after `--resume`.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

const CLASSIC: &str = "scenarios/classic_cooperation.toml";
const VARY: [&str; 4] = [
    "--vary",
    "doctrines.neoliberal.discount=0.5:0.95",
    "--vary",
    "games.trade_dilemma.noise=0:0.05",
];

fn statecraft() -> Command {
    Command::cargo_bin("statecraft").unwrap()
}

fn sweep(scenario: &str, out: &Path, extra: &[&str]) {
    statecraft()
        .args(["sweep", scenario, "--runs", "20", "--seed", "3", "--quiet"])
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Distinct (point, block) pairs of sweep.csv, in order.
fn blocks(out: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = read(&out.join("sweep.csv"))
        .lines()
        .skip(1)
        .map(|l| {
            let r: Vec<&str> = l.split(',').collect();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    v.dedup();
    v
}

#[test]
fn a_sobol_design_has_salibs_blocks_and_writes_every_index_with_an_interval() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let extra = [
        &VARY[..],
        &["--design", "sobol", "--base", "8", "--second-order"],
    ]
    .concat();
    sweep(CLASSIC, &out, &extra);
    // N·(2D + 2) points, grouped by base point: A, AB_1, AB_2, BA_1, BA_2, B.
    let b = blocks(&out);
    assert_eq!(b.len(), 8 * 6);
    let labels: Vec<&str> = b[..6].iter().map(|x| x.1.as_str()).collect();
    assert_eq!(labels, ["A", "AB_1", "AB_2", "BA_1", "BA_2", "B"]);
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("sweep.json"))).unwrap();
    assert_eq!(json["blocks"][7], "AB_1");
    assert_eq!(json["sensitivity"]["method"], "sobol");
    assert_eq!(json["sensitivity"]["base"], 8);
    assert_eq!(json["sensitivity"]["priors"][0], "uniform(0.5, 0.95)");
    assert_eq!(json["sensitivity"]["unit"].as_array().unwrap().len(), 48);

    let sens = read(&out.join("sensitivity.csv"));
    let mut lines = sens.lines();
    assert_eq!(
        lines.next().unwrap(),
        "profile,state,output,parameter,index,estimate,ci_low,ci_high"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let indices: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[4]).collect();
    assert_eq!(indices, ["S1", "S2", "ST"].into_iter().collect());
    for r in &rows {
        let (x, lo, hi): (f64, f64, f64) = (
            r[5].parse().unwrap(),
            r[6].parse().unwrap(),
            r[7].parse().unwrap(),
        );
        assert!(lo <= x && x <= hi, "{r:?}");
        if r[4] == "S2" {
            assert_eq!(
                r[3],
                "doctrines.neoliberal.discount*games.trade_dilemma.noise"
            );
        }
    }
    // Facts are outputs too, without a state.
    assert!(
        rows.iter()
            .any(|r| r[2] == "fact:tft_cooperates" && r[1].is_empty())
    );
    // Every point's share of every fact (and `all`).
    let retro = read(&out.join("sweep_retrodiction.csv"));
    assert!(retro.starts_with("point,profile,fact,runs,matched,share\n"));
    assert_eq!(retro.lines().count(), 1 + 48 * 3);

    // Too few base points can give A and B the same column: refused.
    statecraft()
        .args([
            "sweep", CLASSIC, "--runs", "2", "--design", "sobol", "--base", "4",
        ])
        .args(VARY)
        .arg("--out")
        .arg(dir.path().join("blind"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the same values of games.trade_dilemma.noise (parameter 2)",
        ));
}

#[test]
fn a_morris_design_moves_one_parameter_a_step_and_screens_by_mu_star() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m");
    let extra = [&VARY[..], &["--design", "morris", "--trajectories", "3"]].concat();
    statecraft()
        .args(["sweep", CLASSIC, "--runs", "20", "--seed", "3", "--out"])
        .arg(&out)
        .args(&extra)
        .assert()
        .success()
        .stdout(predicate::str::contains("largest mu_star"))
        .stdout(predicate::str::contains("tft_cooperates"));
    let b = blocks(&out);
    assert_eq!(b.len(), 3 * 3);
    let labels: Vec<&str> = b[..4].iter().map(|x| x.1.as_str()).collect();
    assert_eq!(labels, ["T1.0", "T1.1", "T1.2", "T2.0"]);
    let sens = read(&out.join("sensitivity.csv"));
    let mu: Vec<&str> = sens.lines().filter(|l| l.contains(",mu,")).collect();
    assert!(!mu.is_empty());
    // μ and σ have no interval; μ* has one.
    assert!(mu.iter().all(|l| l.ends_with(",,")));
    assert!(
        sens.lines()
            .filter(|l| l.contains(",mu_star,"))
            .all(|l| !l.ends_with(",,"))
    );
}

#[test]
fn sensitivity_outputs_are_identical_at_any_thread_count_across_shards_and_after_resume() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let extra = [&VARY[..], &["--design", "sobol", "--base", "8"]].concat();
    let with = |name: &str, more: &[&str]| {
        let out = d.join(name);
        sweep(CLASSIC, &out, &[&extra[..], more].concat());
        out
    };
    let one = with("t1", &["--threads", "1"]);
    let two = with("t2", &["--threads", "2"]);
    let files = ["sensitivity.csv", "sweep.csv", "sweep_retrodiction.csv"];
    for f in files {
        assert_eq!(read(&one.join(f)), read(&two.join(f)), "{f}");
    }
    let shards: Vec<_> = (0..3)
        .map(|k| with(&format!("s{k}"), &["--shard", &format!("{k}/3")]))
        .collect();
    assert!(!shards[0].join("sensitivity.csv").exists());
    let merged = d.join("merged");
    statecraft()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success()
        .stdout(predicate::str::contains("largest ST"));
    for f in files {
        assert_eq!(read(&one.join(f)), read(&merged.join(f)), "{f}");
    }
    // An interrupted sweep (a point lost, the sweep files not yet written)
    // finished by --resume.
    std::fs::remove_dir_all(two.join("points").join("p0007")).unwrap();
    for f in files {
        std::fs::remove_file(two.join(f)).unwrap();
    }
    sweep(CLASSIC, &two, &[&extra[..], &["--resume"]].concat());
    for f in files {
        assert_eq!(read(&one.join(f)), read(&two.join(f)), "{f}");
    }
}

#[test]
fn sensitivity_designs_vary_the_priors_and_summary_only_keeps_the_summaries() {
    let dir = tempfile::tempdir().unwrap();
    // The classic scenario with its own [priors] replaced by two.
    let classic = read(Path::new(CLASSIC));
    let text = classic[..classic.find("[priors]").unwrap()].to_string()
        + "\n[priors]\n\"doctrines.neoliberal.discount\" = \"beta(2, 2, 0.5, 0.95)\"\n\"games.trade_dilemma.noise\" = \"uniform(0, 0.05)\"\n";
    let scenario = dir.path().join("with_priors.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("p");
    sweep(
        scenario.to_str().unwrap(),
        &out,
        &[
            "--design",
            "morris",
            "--trajectories",
            "2",
            "--summary-only",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("sweep.json"))).unwrap();
    assert_eq!(
        json["dimensions"][0]["path"],
        "doctrines.neoliberal.discount"
    );
    assert_eq!(json["sensitivity"]["priors"][0], "beta(2, 2, 0.5, 0.95)");
    assert_eq!(json["summary_only"], true);
    // The values are the priors' quantiles of the unit-cube rows: u = 1/3 of
    // a uniform on [0, 0.05] is 0.05/3.
    let unit = &json["sensitivity"]["unit"];
    let points = &json["points"];
    for (u, x) in unit
        .as_array()
        .unwrap()
        .iter()
        .zip(points.as_array().unwrap())
    {
        let (u, x) = (u[1].as_f64().unwrap(), x[1].as_f64().unwrap());
        assert!((x - 0.05 * u).abs() < 1e-15, "{u} → {x}");
    }
    let p0 = out.join("points").join("p0000");
    assert!(p0.join("summary.csv").exists() && p0.join("retrodiction.csv").exists());
    assert!(!p0.join("outcomes.csv").exists() && !p0.join("events.csv").exists());
    assert!(out.join("sensitivity.csv").exists());

    // Without priors or --vary there is nothing to screen.
    let bare = dir.path().join("bare.toml");
    std::fs::write(&bare, &classic[..classic.find("[priors]").unwrap()]).unwrap();
    statecraft()
        .arg("sweep")
        .arg(&bare)
        .args(["--design", "sobol", "--runs", "2", "--out"])
        .arg(dir.path().join("none"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("declares none"));
}

#[test]
fn a_csv_design_runs_the_files_points_and_bad_files_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let design = dir.path().join("design.csv");
    std::fs::write(
        &design,
        "doctrines.neoliberal.discount,games.trade_dilemma.noise\n0.6,0\n\n0.9,0.02\n",
    )
    .unwrap();
    let out = dir.path().join("c");
    let arg = format!("csv:{}", design.display());
    statecraft()
        .args(["sweep", CLASSIC, "--runs", "20", "--design", &arg, "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 points"))
        .stdout(predicate::str::contains("lowest and highest"));
    let text = read(&out.join("sweep.csv"));
    assert!(text.starts_with(
        "point,block,doctrines.neoliberal.discount,games.trade_dilemma.noise,profile"
    ));
    assert!(text.contains("\n1,,0.9,0.02,scenario,"));
    assert!(!out.join("sensitivity.csv").exists());

    let bad = |name: &str, contents: &str, expected: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, contents).unwrap();
        let want = format!("{}{expected}", file.display());
        statecraft()
            .args(["sweep", CLASSIC, "--runs", "2", "--design"])
            .arg(format!("csv:{}", file.display()))
            .arg("--out")
            .arg(dir.path().join(format!("out-{name}")))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(want));
    };
    bad(
        "nan.csv",
        "games.trade_dilemma.noise\n0.01\n  abc\n",
        ":3:3: column `games.trade_dilemma.noise`: expected a finite number, got `abc`",
    );
    bad(
        "width.csv",
        "a.b,c.d\n1,2,3\n",
        ":2:5: this point has 3 values",
    );
    bad("empty.csv", "\n\n", ":1:1: the design file is empty");
    bad(
        "twice.csv",
        "x.y,x.y\n1,2\n",
        ":1:5: `x.y` is column 1 and again column 2",
    );
    bad(
        "nopoints.csv",
        "x.y\n",
        ":2:1: the design file has a header but no points",
    );
    bad(
        "unknown.csv",
        "games.trade_dilemma.noise,doctrines.neoliberal.nonsense\n0,1\n",
        ":1:27: column `doctrines.neoliberal.nonsense` is not a field of the scenario",
    );
    statecraft()
        .args(["sweep", CLASSIC, "--design", "csv:/no/such/file.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/no/such/file.csv: cannot read the design file",
        ));
}
