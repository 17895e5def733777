//! `[priors]` and `--prior-predictive` (docs/model.md §8, Parameter
//! uncertainty): located errors for bad priors, draws reproducible at any
//! thread count and shard split, the same draw under every profile, and a
//! drawn value acting exactly as the same value given with `--set`.

use assert_cmd::Command;
use std::path::Path;

const CLASSIC: &str = "scenarios/classic_cooperation.toml";

fn statecraft() -> Command {
    Command::cargo_bin("statecraft").unwrap()
}

/// The classic scenario with its `[priors]` replaced by `priors`.
fn classic_with(dir: &Path, priors: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(CLASSIC).unwrap();
    let base = &text[..text
        .find("[priors]")
        .expect("the classic scenario has priors")];
    let path = dir.join("classic.toml");
    std::fs::write(&path, format!("{base}[priors]\n{priors}")).unwrap();
    path
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn bad_priors_exit_2_with_file_line_column_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "\"doctrines.neoliberal.discount\" = \"uniform(0.95, 0.5)\"\n",
            "lo < hi required",
        ),
        (
            "\"doctrines.neoliberal.discount\" = \"gamma(2, 1)\"\n",
            "unknown distribution `gamma`",
        ),
        (
            "\"doctrines.neoliberal.discount\" = \"uniform(0.95, 0.99)\"\n",
            "lies outside the prior's range",
        ),
        (
            "\"doctrines.neoliberal.discount\" = \"loguniform(0, 0.95)\"\n",
            "log-uniform bounds must be > 0",
        ),
        (
            "\"doctrines.neoliberal.discount\" = \"choice([])\"\n",
            "empty choice",
        ),
        (
            "\"doctrines.neoliberal.dicsount\" = \"uniform(0.5, 0.95)\"\n",
            "is not a field of the scenario",
        ),
        (
            "\"states.XXX.gdp_musd\" = \"uniform(1, 2)\"\n",
            "no state `XXX`",
        ),
        (
            "\"doctrines.neoliberal.discount\" = \"uniform(0.5, 1.5)\"\n",
            "at the upper end of its prior (1.5) the scenario is invalid",
        ),
        (
            "\"timeline.end\" = \"uniform(150, 250)\"\n",
            "at the lower end of its prior (150) the scenario is invalid",
        ),
        (
            "\"scenario.name\" = \"uniform(1, 2)\"\n",
            "a prior can only make a number uncertain",
        ),
        (
            "\"doctrines.neoliberal.discount\" = 0.5\n",
            "a prior is written as a string",
        ),
    ];
    for (priors, message) in cases {
        let path = classic_with(dir.path(), priors);
        let out = statecraft().arg("check").arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{priors}: {stderr}");
        assert!(stderr.contains(message), "{priors}: {stderr}");
        // file:line:column of the [priors] entry, and the field.
        let line = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .position(|l| l == priors.trim_end())
            .unwrap()
            + 1;
        assert!(
            stderr.contains(&format!("classic.toml:{line}:")),
            "{priors}: {stderr}"
        );
        assert!(stderr.contains("field `priors."), "{priors}: {stderr}");
    }
    // The caret goes under the number at fault, not just the entry.
    let path = classic_with(
        dir.path(),
        "\"doctrines.neoliberal.discount\" = \"uniform(0.9, 0.5)\"\n",
    );
    let out = statecraft().arg("check").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let col = "\"doctrines.neoliberal.discount\" = \"uniform(0.9, "
        .chars()
        .count()
        + 1;
    assert!(stderr.contains(&format!(":{col}: ")), "{stderr}");
}

#[test]
fn prior_predictive_needs_priors_and_is_refused_by_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(CLASSIC).unwrap();
    let path = dir.path().join("plain.toml");
    std::fs::write(&path, &text[..text.find("[priors]").unwrap()]).unwrap();
    let out = statecraft()
        .args(["run", "--prior-predictive", "--runs", "2", "--out"])
        .arg(dir.path().join("r"))
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("declares none"));
    let out = statecraft()
        .args([
            "sweep",
            CLASSIC,
            "--prior-predictive",
            "--runs",
            "2",
            "--out",
        ])
        .arg(dir.path().join("s"))
        .args(["--vary", "games.trade_dilemma.noise=0:0.01:0.01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn compare(path: &Path, out: &Path, seed: &str, extra: &[&str]) {
    statecraft()
        .arg("compare")
        .arg(path)
        .args([
            "--prior-predictive",
            "--runs",
            "24",
            "--seed",
            seed,
            "--quiet",
            "--profiles",
            "scenario,neoliberal,twin",
        ])
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// The classic scenario shortened, with a profile identical to `scenario`
/// under another name, and priors on a doctrine coefficient and the noise.
fn scenario(dir: &Path) -> std::path::PathBuf {
    let path = classic_with(
        dir,
        "\"doctrines.neoliberal.discount\" = \"choice([0.3, 0.9])\"\n\"games.trade_dilemma.noise\" = \"uniform(0, 0.05)\"\n\n[profiles.twin]\ndescription = \"the scenario's own doctrines, under another name\"\ndoctrines = {}\n",
    );
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("end = 200", "end = 30");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn draws_are_the_same_at_any_thread_count_and_shard_split() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path());
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    compare(&path, &one, "11", &["--threads", "1"]);
    compare(&path, &two, "11", &["--threads", "2"]);
    for s in 0..3 {
        compare(
            &path,
            &dir.path().join(format!("s{s}")),
            "11",
            &["--shard", &format!("{s}/3"), "--threads", "2"],
        );
    }
    let merged = dir.path().join("merged");
    statecraft()
        .arg("merge")
        .args((0..3).map(|s| dir.path().join(format!("s{s}"))))
        .arg("--out")
        .arg(&merged)
        .arg("--quiet")
        .assert()
        .success();
    for file in [
        "draws.csv",
        "outcomes.csv",
        "summary.csv",
        "retrodiction.csv",
        "retrodiction_pairs.csv",
    ] {
        assert_eq!(read(&one, file), read(&two, file), "{file}: 1 vs 2 threads");
        assert_eq!(read(&one, file), read(&merged, file), "{file}: shards");
    }
    // 24 runs × 2 priors, each in its support; both values of the choice drawn.
    let draws = read(&one, "draws.csv");
    let rows: Vec<&str> = draws.lines().skip(1).collect();
    assert_eq!(rows.len(), 48);
    assert!(rows.iter().any(|r| r.ends_with("discount,0.3")));
    assert!(rows.iter().any(|r| r.ends_with("discount,0.9")));
    // Another seed draws other values.
    let other = dir.path().join("other");
    compare(&path, &other, "12", &[]);
    assert_ne!(read(&one, "draws.csv"), read(&other, "draws.csv"));
}

#[test]
fn every_profile_of_a_run_gets_the_same_draw_and_a_draw_acts_like_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path());
    let out = dir.path().join("pp");
    compare(&path, &out, "11", &[]);
    // `twin` has the scenario's doctrines: with the same parameters and
    // stream its rows equal the scenario's, run by run.
    let outcomes = read(&out, "outcomes.csv");
    let rows = |profile: &str| -> Vec<String> {
        outcomes
            .lines()
            .filter(|l| l.starts_with(&format!("{profile},")))
            .map(|l| l.split_once(',').unwrap().1.to_string())
            .collect()
    };
    assert!(!rows("scenario").is_empty());
    assert_eq!(rows("scenario"), rows("twin"));
    // Run 5 with its drawn values given by --set is run 5 of the job.
    let draws = read(&out, "draws.csv");
    let sets: Vec<String> = draws
        .lines()
        .filter(|l| l.starts_with("5,"))
        .map(|l| {
            let mut f = l.splitn(3, ',').skip(1);
            format!("{}={}", f.next().unwrap(), f.next().unwrap())
        })
        .collect();
    assert_eq!(sets.len(), 2);
    let fixed = dir.path().join("fixed");
    let mut cmd = statecraft();
    cmd.arg("run")
        .arg(&path)
        .args(["--runs", "24", "--seed", "11", "--quiet", "--out"])
        .arg(&fixed);
    for s in &sets {
        cmd.args(["--set", s]);
    }
    cmd.assert().success();
    let fixed_rows: Vec<String> = read(&fixed, "outcomes.csv")
        .lines()
        .filter(|l| l.starts_with("scenario,5,"))
        .map(str::to_string)
        .collect();
    let drawn_rows: Vec<String> = outcomes
        .lines()
        .filter(|l| l.starts_with("scenario,5,"))
        .map(str::to_string)
        .collect();
    assert!(!fixed_rows.is_empty());
    assert_eq!(fixed_rows, drawn_rows);
}
