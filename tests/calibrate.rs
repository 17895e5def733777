//! `calibrate` and `choose` (docs/model.md §8, Calibration and model choice)
//! on a matrix-game scenario written here, whose answers are known: the
//! repeated prisoner's dilemma with best responses has the cooperation
//! threshold δ > (T − R)/(T − P) = 0.5 for neoliberals and Grieco's
//! δ > (T′ − R)/(T′ − P) = 0.692 (T′ = T + k(T − S), k = 0.5) for neorealists
//! (tests/theory.rs). Also: the same bytes at 1 and 2 threads, a killed
//! calibration resumed to the same bytes, and bad targets located, exit 2.

mod common;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn statecraft() -> Command {
    Command::cargo_bin("statecraft").unwrap()
}

/// Two states playing the repeated dilemma for 30 rounds, both doctrines at
/// discount `delta` with best responses (or logit precision `precision` and
/// trembles `noise`), then `tail` (priors, targets).
fn matrix(delta: f64, precision: &str, noise: f64, tail: &str) -> String {
    format!(
        r#"[scenario]
name = "pd"
[timeline]
start = 1
end = 30
[run]
runs = 1
seed = 5
[doctrines.neoliberal]
discount = {delta}
[doctrines.neoliberal.matrix]
precision = {precision}
[doctrines.neorealist]
discount = {delta}
relative_gains = 0.5
[doctrines.neorealist.matrix]
precision = {precision}
[games.g]
kind = "matrix"
payoffs = {{ R = 3, S = 0, T = 5, P = 1 }}
pairs = [["S1", "S2"]]
noise = {noise}
[states.S1]
name = "One"
gdp_musd = 1000
military_musd = 100
doctrine = "neoliberal"
[states.S2]
name = "Two"
gdp_musd = 1000
military_musd = 100
doctrine = "neoliberal"
{tail}"#
    )
}

/// The cooperation target with `observed`.
fn target(observed: f64) -> String {
    format!(
        r#"
[[target]]
id = "coop"
statistic = "mean"
state = "S1"
metric = "cooperation_rate:g"
observed = {observed}
scale = 0.1
source = "simulated in this test"
"#
    )
}

/// S1's mean cooperation rate over `runs` runs of `text` under `profile`.
fn cooperation(text: &str, profile: &str, runs: u64) -> f64 {
    let w = common::world(text);
    common::mean_metric(
        &w,
        &w.profile(profile).unwrap(),
        "S1",
        "cooperation_rate:g",
        runs,
    )
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("pd.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The fields of a CSV line (quoted fields may hold commas).
fn split(line: &str) -> Vec<String> {
    let (mut out, mut field, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Column `name` of the first row of `csv` whose column `key` is `value`.
fn cell(csv: &str, key: &str, value: &str, name: &str) -> f64 {
    let mut lines = csv.lines();
    let header = split(lines.next().unwrap());
    let (k, n) = (
        header.iter().position(|h| *h == key).unwrap(),
        header.iter().position(|h| *h == name).unwrap(),
    );
    lines
        .map(split)
        .find(|row| row[k] == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value}"))[n]
        .parse()
        .unwrap()
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn the_posterior_of_delta_lies_above_the_threshold_of_the_neoliberal_that_made_the_data() {
    let observed = cooperation(&matrix(0.8, "inf", 0.0, ""), "neoliberal", 1);
    assert_eq!(observed, 1.0, "a neoliberal with δ = 0.8 cooperates");
    let tail = format!(
        "[priors]\n\"doctrines.neoliberal.discount\" = \"uniform(0.3, 0.97)\"\n{}",
        target(observed)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &matrix(0.8, "inf", 0.0, &tail));
    let out = dir.path().join("cal");
    statecraft()
        .args([
            "calibrate",
            path.to_str().unwrap(),
            "--profile",
            "neoliberal",
        ])
        .args(["--particles", "200", "--generations", "4", "--runs", "1"])
        .args(["--out", out.to_str().unwrap(), "-q"])
        .assert()
        .success();
    let post = read(&out, "posterior.csv");
    let q05 = cell(&post, "parameter", "doctrines.neoliberal.discount", "q05");
    let mean = cell(&post, "parameter", "doctrines.neoliberal.discount", "mean");
    assert!(
        q05 > 0.5,
        "the 5% quantile {q05} is above the threshold 0.5"
    );
    // The cooperation rate is a step at 0.5, so the posterior is the prior
    // cut there: uniform on (0.5, 0.97], mean 0.735.
    assert!((mean - 0.735).abs() < 0.03, "{mean}");
    let gens = read(&out, "generations.csv");
    // Exact matches drive ε to 0, which stops the run (the minimum ε).
    assert!(gens.trim_end().ends_with(&format!(
        ",{}",
        gens.lines().last().unwrap().rsplit(',').next().unwrap()
    )));
    assert_eq!(cell(&gens, "generation", "1", "epsilon"), 0.0, "{gens}");
    let retro = read(&out, "retrodiction.csv");
    let predicted = cell(&retro, "id", "coop", "predicted");
    assert!((predicted - 1.0).abs() < 1e-12, "{retro}");
}

#[test]
fn choose_favours_the_neoliberal_that_made_the_data_at_delta_0_6() {
    // δ = 0.6 lies between the two thresholds (0.5 and 0.692).
    let observed = cooperation(&matrix(0.6, "inf", 0.0, ""), "neoliberal", 1);
    assert_eq!(observed, 1.0);
    assert_eq!(
        cooperation(&matrix(0.6, "inf", 0.0, ""), "neorealist", 1),
        0.0,
        "a neorealist with k = 0.5 defects below δ* = 0.692"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), &matrix(0.6, "inf", 0.0, &target(observed)));
    let out = dir.path().join("choice");
    let assert = statecraft()
        .args([
            "choose",
            path.to_str().unwrap(),
            "--profiles",
            "neorealist,neoliberal",
        ])
        .args(["--particles", "100", "--generations", "3", "--runs", "1"])
        .args(["--repeats", "2", "--recovery", "2", "--no-held-out"])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let choice = read(&out, "choice.csv");
    let p = cell(&choice, "profile", "neoliberal", "probability");
    assert!(p > 0.95, "P(neoliberal) = {p}\n{choice}");
    assert!(text.contains("Most probable: neoliberal"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // The two profiles predict different data: recovery is perfect.
    let confusion = read(&out, "confusion.csv");
    assert!(text.contains("Recovered 4 of 4"), "{text}\n{confusion}");
    for row in ["neorealist,neorealist,2,1", "neoliberal,neoliberal,2,1"] {
        assert!(confusion.contains(row), "{confusion}");
    }
}

/// A noisy scenario with two priors: distances vary, weights differ.
fn noisy(dir: &Path) -> PathBuf {
    let tail = format!(
        "[priors]\n\"doctrines.neoliberal.discount\" = \"uniform(0.3, 0.97)\"\n\"games.g.noise\" = \"uniform(0, 0.2)\"\n{}",
        target(0.7)
    );
    write(dir, &matrix(0.8, "5", 0.05, &tail))
}

fn files(dir: &Path) -> Vec<(String, String)> {
    [
        "particles.csv",
        "posterior.csv",
        "generations.csv",
        "models.csv",
        "retrodiction.csv",
    ]
    .iter()
    .map(|f| (f.to_string(), read(dir, f)))
    .collect()
}

fn calibrate(path: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    calibrate_to(path, out, 6, extra)
}

/// `calibrate` with `generations` in all.
fn calibrate_to(path: &Path, out: &Path, generations: u32, extra: &[&str]) -> std::process::Output {
    statecraft()
        .args(calibrate_args(path, out, generations, extra))
        .output()
        .unwrap()
}

/// `calibrate` of 6 generations started in the background.
fn spawn_calibrate(path: &Path, out: &Path, extra: &[&str]) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("statecraft"))
        .args(calibrate_args(path, out, 6, extra))
        .spawn()
        .unwrap()
}

/// The arguments of every calibration of these tests.
fn calibrate_args(path: &Path, out: &Path, generations: u32, extra: &[&str]) -> Vec<String> {
    let generations = generations.to_string();
    let mut args = vec![
        "calibrate",
        path.to_str().unwrap(),
        "--profile",
        "neoliberal",
        "--particles",
        "60",
        "--runs",
        "3",
        "--generations",
        &generations,
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend(extra);
    args.into_iter().map(str::to_string).collect()
}

#[test]
fn the_same_seed_gives_the_same_particles_at_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let path = noisy(dir.path());
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    assert!(calibrate(&path, &one, &["--threads", "1"]).status.success());
    assert!(calibrate(&path, &two, &["--threads", "2"]).status.success());
    assert_eq!(files(&one), files(&two));
    let other = dir.path().join("other");
    assert!(calibrate(&path, &other, &["--seed", "6"]).status.success());
    assert_ne!(files(&one), files(&other), "another seed, other particles");
}

#[test]
fn a_killed_calibration_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = noisy(dir.path());
    let whole = dir.path().join("whole");
    assert!(calibrate(&path, &whole, &[]).status.success());
    let killed = dir.path().join("killed");
    let mut child = spawn_calibrate(&path, &killed, &[]);
    let first = killed.join(".abc").join("generation-0001.json");
    let start = std::time::Instant::now();
    while !first.exists() && start.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let last = killed.join(".abc").join("generation-0005.json");
    assert!(!last.exists(), "killed before the last generation");
    // Without --resume the directory is refused; with it the run finishes.
    let refused = calibrate(&path, &killed, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--resume"));
    assert!(calibrate(&path, &killed, &["--resume"]).status.success());
    assert_eq!(files(&whole), files(&killed));
    // A resume of another calibration is refused.
    let other = calibrate(&path, &killed, &["--resume", "--seed", "9"]);
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("another calibration"));
}

#[test]
fn bad_targets_exit_2_with_file_line_column_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = target(1.0);
    let cases: &[(&str, &str, &str)] = &[
        (
            "metric = \"cooperation_rate:g\"",
            "metric = \"cooperation:g\"",
            "reports no metric",
        ),
        ("scale = 0.1", "scale = 0", "positive finite number"),
        (
            "source = \"simulated in this test\"",
            "source = \"\"",
            "published work",
        ),
        (
            "statistic = \"mean\"",
            "statistic = \"median\"",
            "unknown variant",
        ),
        (
            "statistic = \"mean\"",
            "statistic = \"mean\"\nq = 0.5",
            "takes only",
        ),
        (
            "statistic = \"mean\"",
            "statistic = \"share\"",
            "needs `min`, `max`",
        ),
        ("state = \"S1\"", "state = \"S9\"", "S9"),
    ];
    for (from, to, message) in cases {
        let text = matrix(0.8, "inf", 0.0, &good.replace(from, to));
        let path = write(dir.path(), &text);
        let out = statecraft()
            .args([
                "calibrate",
                path.to_str().unwrap(),
                "--profile",
                "neoliberal",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{to}: {stderr}");
        assert!(stderr.contains(message), "{to}: {stderr}");
        assert!(stderr.contains("pd.toml:"), "{to}: {stderr}");
        assert!(stderr.contains("target[0]"), "{to}: {stderr}");
    }
    // A target fitted to an evidence fact is refused; held out, it is not.
    let fact = "[[expect]]\nid = \"coops\"\nfact = \"metric\"\nstate = \"S1\"\nmetric = \"cooperation_rate:g\"\nmin = 0.5\n\n[[target]]\nid = \"f\"\nstatistic = \"fact\"\nfact = \"coops\"\nobserved = 1\nscale = 0.25\nsource = \"a test\"\n";
    let path = write(dir.path(), &matrix(0.8, "inf", 0.0, fact));
    let out = statecraft()
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is evidence"), "{stderr}");
    assert!(stderr.contains("target[0].fact"), "{stderr}");
    let held = fact.replace(
        "source = \"a test\"",
        "source = \"a test\"\nheld_out = true",
    );
    let path = write(dir.path(), &matrix(0.8, "inf", 0.0, &held));
    statecraft()
        .args(["check", path.to_str().unwrap()])
        .assert()
        .success();
    // No targets, or no priors to calibrate: exit 2 with the reason.
    let path = write(
        dir.path(),
        &matrix(
            0.8,
            "inf",
            0.0,
            "[priors]\n\"doctrines.neoliberal.discount\" = \"uniform(0.3, 0.97)\"\n",
        ),
    );
    let out = statecraft()
        .args([
            "calibrate",
            path.to_str().unwrap(),
            "--profile",
            "neoliberal",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [[target]]"));
    let path = write(dir.path(), &matrix(0.8, "inf", 0.0, &good));
    let out = statecraft()
        .args([
            "calibrate",
            path.to_str().unwrap(),
            "--profile",
            "neoliberal",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("declares no [priors]"));
}

#[test]
fn a_calibration_sharded_across_processes_equals_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = noisy(dir.path());
    let whole = dir.path().join("whole");
    assert!(calibrate(&path, &whole, &[]).status.success());
    let sharded = dir.path().join("sharded");
    for t in 1..=6u32 {
        // Three shards at once in one directory, then two in another
        // generation: how the attempts are shared out never matters.
        let count = if t % 2 == 0 { 2 } else { 3 };
        let children: Vec<_> = (0..count)
            .map(|k| spawn_calibrate(&path, &sharded, &["--shard", &format!("{k}/{count}")]))
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let shards = sharded
            .join(".abc")
            .join("shards")
            .join(format!("generation-{:04}", t - 1));
        if t == 1 {
            // A shard run again continues from its file: here, done already.
            let file = shards.join("shard-0-of-3").join("attempts.json");
            let before = std::fs::read(&file).unwrap();
            assert!(
                calibrate(&path, &sharded, &["--shard", "0/3"])
                    .status
                    .success()
            );
            assert_eq!(before, std::fs::read(&file).unwrap());
        }
        if t == 3 {
            // A damaged shard file is ignored, with a notice: its attempts
            // are simulated by the step that joins the shards.
            std::fs::write(
                shards.join("shard-1-of-3").join("attempts.json"),
                "{\"run\"",
            )
            .unwrap();
        }
        let joined = calibrate_to(&path, &sharded, t, &["--resume"]);
        assert!(joined.status.success(), "{joined:?}");
        let stderr = String::from_utf8_lossy(&joined.stderr);
        assert_eq!(t == 3, stderr.contains("ignoring"), "{stderr}");
        assert!(
            !shards.exists(),
            "a finished generation's shard files are removed"
        );
    }
    assert_eq!(files(&whole), files(&sharded));
    // A shard of a run that needs nothing more says so and changes nothing.
    let again = calibrate(&path, &sharded, &["--shard", "0/2"]);
    assert!(again.status.success());
    assert_eq!(files(&whole), files(&sharded));
    // Sharding another calibration's directory is refused, and so are more
    // shards than a generation has attempts.
    let other = calibrate(&path, &sharded, &["--shard", "0/2", "--seed", "9"]);
    assert_eq!(other.status.code(), Some(2));
    let many = calibrate(&path, &sharded, &["--shard", "0/18446744073709551615"]);
    assert_eq!(many.status.code(), Some(2), "{many:?}");
}

#[test]
fn an_attempt_a_shard_did_not_propose_from_the_population_is_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = noisy(dir.path());
    let out = dir.path().join("out");
    assert!(calibrate_to(&path, &out, 1, &[]).status.success());
    assert!(calibrate(&path, &out, &["--shard", "0/1"]).status.success());
    let file = out
        .join(".abc/shards/generation-0001/shard-0-of-1")
        .join("attempts.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    // Move one proposal and record a matching checksum: only the check
    // against the plan can catch it.
    json["attempts"][0]["params"][0] = serde_json::json!(0.123);
    let body = serde_json::to_vec(&json["attempts"]).unwrap();
    json["sha256"] = serde_json::json!(sha256(&body));
    std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
    // The joining step ignores the file, with a notice naming it, and
    // simulates its attempts itself: the result is a run without shards'.
    let joined = calibrate_to(&path, &out, 2, &["--resume"]);
    assert!(joined.status.success(), "{joined:?}");
    let stderr = String::from_utf8_lossy(&joined.stderr);
    assert!(
        stderr.contains("was not proposed from this population") && stderr.contains("shard-0-of-1"),
        "{stderr}"
    );
    let whole = dir.path().join("whole");
    assert!(calibrate_to(&path, &whole, 2, &[]).status.success());
    assert_eq!(files(&whole), files(&out));
}

#[test]
fn a_shard_file_from_another_platform_is_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = noisy(dir.path());
    let out = dir.path().join("out");
    assert!(calibrate_to(&path, &out, 1, &[]).status.success());
    assert!(calibrate(&path, &out, &["--shard", "0/1"]).status.success());
    let file = out
        .join(".abc/shards/generation-0001/shard-0-of-1")
        .join("attempts.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    // Another system's `exp` and `powf` may round differently, so its
    // distances are not this machine's.
    json["platform"] = serde_json::json!("riscv64-plan9");
    std::fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
    let joined = calibrate_to(&path, &out, 2, &["--resume"]);
    assert!(joined.status.success(), "{joined:?}");
    let stderr = String::from_utf8_lossy(&joined.stderr);
    assert!(
        stderr.contains("computed on riscv64-plan9") && stderr.contains("ignoring"),
        "{stderr}"
    );
    let whole = dir.path().join("whole");
    assert!(calibrate_to(&path, &whole, 2, &[]).status.success());
    assert_eq!(files(&whole), files(&out));
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn parameters_fits_only_the_priors_named_and_refuses_others() {
    let dir = tempfile::tempdir().unwrap();
    let path = noisy(dir.path());
    let out = dir.path().join("one");
    let only = ["--parameters", "doctrines.neoliberal.discount"];
    assert!(calibrate_to(&path, &out, 2, &only).status.success());
    let particles = read(&out, "particles.csv");
    let header = particles.lines().next().unwrap();
    assert!(
        header.ends_with(",doctrines.neoliberal.discount"),
        "{header}"
    );
    assert!(!header.contains("games.g.noise"), "{header}");
    let posterior = read(&out, "posterior.csv");
    assert!(!posterior.contains("games.g.noise"), "{posterior}");
    // Another set of parameters is another calibration.
    let resumed = calibrate_to(&path, &out, 3, &["--resume"]);
    assert_eq!(resumed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&resumed.stderr).contains("another calibration"));
    let unknown = calibrate_to(&path, &out, 2, &["--parameters", "games.g.nois", "--force"]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("games.g.nois") && stderr.contains("games.g.noise"),
        "{stderr}"
    );
}
