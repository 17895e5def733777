//! The results store under abuse (issue 18): two processes on one
//! directory, damaged chunks, non-finite numbers, a kill at every point of the
//! final assembly, merges onto their own input, special files as input,
//! encoding errors. Each test is a user session with the real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const CLASSIC: &str = "scenarios/classic_cooperation.toml";
const FLAGSHIP: &str = "scenarios/kazakhstan_wto_eaeu.toml";
const FINAL: [&str; 5] = [
    "outcomes.csv",
    "summary.csv",
    "events.csv",
    "timeseries.csv",
    "comparison.csv",
];

fn statecraft() -> Command {
    let mut c = Command::cargo_bin("statecraft").unwrap();
    c.timeout(Duration::from_secs(300));
    c
}

/// `run CLASSIC --seed 3 --timeseries --runs RUNS EXTRA... --out OUT`.
fn job(out: &Path, runs: u64, extra: &[&str]) -> Command {
    let mut c = statecraft();
    c.args(["run", CLASSIC, "--seed", "3", "--timeseries", "--quiet"])
        .arg("--runs")
        .arg(runs.to_string())
        .args(extra)
        .arg("--out")
        .arg(out);
    c
}

/// Every final CSV of `a` equals `b`'s, byte for byte (and exists in both
/// or neither).
fn assert_same(a: &Path, b: &Path) {
    for f in FINAL {
        let (x, y) = (std::fs::read(a.join(f)).ok(), std::fs::read(b.join(f)).ok());
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    assert!(a.join("outcomes.csv").is_file(), "{} is empty", a.display());
}

fn no_final_csv(dir: &Path) {
    for f in FINAL
        .iter()
        .chain(&["trade.csv", "trade_shares.csv", "manifest.json"])
    {
        assert!(
            !dir.join(f).exists(),
            "{} was written",
            dir.join(f).display()
        );
    }
}

/// A copy of directory `from` (and its subdirectories) at `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_second_process_on_a_directory_is_refused_and_the_first_finishes_as_if_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (alone, shared) = (dir.path().join("alone"), dir.path().join("shared"));
    job(&alone, 3000, &[]).assert().success();
    let bin = assert_cmd::cargo::cargo_bin("statecraft");
    let mut first = std::process::Command::new(bin)
        .args(["run", CLASSIC, "--seed", "3", "--timeseries", "--quiet"])
        .args(["--runs", "3000", "--threads", "1", "--out"])
        .arg(&shared)
        .spawn()
        .unwrap();
    // Wait until the first holds the lock and has written its pid.
    let lock = shared.join(".lock");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(&lock).map_or(true, |t| t.trim().is_empty()) {
        assert!(Instant::now() < deadline, "the first process took no lock");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = first.id().to_string();
    // Whatever the second asks for, it is refused at once and writes nothing.
    for extra in [&["--resume"][..], &["--force"], &[]] {
        job(&shared, 3000, extra)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("pid {pid}")))
            .stderr(predicate::str::contains(
                "in use by another statecraft process",
            ));
    }
    // A merge that reads it is refused too.
    statecraft()
        .args(["merge"])
        .arg(&shared)
        .arg("--out")
        .arg(dir.path().join("m"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("pid {pid}")));
    assert!(first.wait().unwrap().success());
    assert_same(&alone, &shared);
    assert!(!lock.exists(), "the lock file is removed with the lock");
    assert!(!shared.join(".chunks").exists());
}

/// Two shards (four chunks) of a 512-run job in `root/s0`, `root/s1`, and
/// the lone run in `root/whole`.
fn shards(root: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (s0, s1, whole) = (root.join("s0"), root.join("s1"), root.join("whole"));
    job(&s0, 512, &["--shard", "0/2"]).assert().success();
    job(&s1, 512, &["--shard", "1/2"]).assert().success();
    job(&whole, 512, &[]).assert().success();
    (s0, s1, whole)
}

type Tamper = fn(&str) -> String;

/// The damage the stress test found merged silently, each to one chunk file.
fn tamperings() -> Vec<(&'static str, &'static str, Tamper)> {
    fn change_digit(text: &str) -> String {
        // The last digit of the 10th line.
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let line = &mut lines[9];
        let i = line.rfind(|c: char| c.is_ascii_digit()).unwrap();
        let d = line.as_bytes()[i] - b'0';
        line.replace_range(i..=i, &((d + 1) % 10).to_string());
        lines.join("\n") + "\n"
    }
    fn empty(_: &str) -> String {
        String::new()
    }
    fn truncate(text: &str) -> String {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.truncate(lines.len() * 7 / 8);
        lines.join("\n") + "\n"
    }
    fn duplicate_row(text: &str) -> String {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(5, lines[5]);
        lines.join("\n") + "\n"
    }
    fn change_code(text: &str) -> String {
        text.replacen(",REA,", ",ZZZ,", 1)
    }
    vec![
        ("outcomes", "a changed digit", change_digit as Tamper),
        ("events", "a changed digit", change_digit),
        ("events", "emptied", empty),
        ("outcomes", "emptied", empty),
        ("events", "truncated", truncate),
        ("outcomes", "a duplicated row", duplicate_row),
        ("events", "a duplicated row", duplicate_row),
        ("outcomes", "a changed state code", change_code),
        ("events", "a changed state code", change_code),
    ]
}

#[test]
fn every_kind_of_damage_to_a_chunk_is_caught_by_merge_and_computed_again_by_resume() {
    let dir = tempfile::tempdir().unwrap();
    let (s0, s1, whole) = shards(dir.path());
    for (k, (stream, damage, tamper)) in tamperings().into_iter().enumerate() {
        let case = dir.path().join(format!("case{k}"));
        let (t0, t1) = (case.join("s0"), case.join("s1"));
        copy_dir(&s0, &t0);
        copy_dir(&s1, &t1);
        // Chunk 3 is shard 1's second chunk.
        let file = t1.join(format!(".chunks/00000003.{stream}.csv"));
        let text = std::fs::read_to_string(&file).unwrap();
        let tampered = tamper(&text);
        assert_ne!(text, tampered, "{damage}: the tampering changed nothing");
        std::fs::write(&file, tampered).unwrap();
        let what = format!("{damage} in a {stream} chunk");

        // merge refuses, naming the file, and writes nothing.
        let merged = case.join("merged");
        statecraft()
            .args(["merge"])
            .args([&t0, &t1])
            .arg("--out")
            .arg(&merged)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(file.display().to_string()))
            .stderr(predicate::str::contains("SHA-256"));
        no_final_csv(&merged);

        // --resume of the shard notices, computes the chunk again, and the
        // merge then gives the bytes of the lone run.
        let out = job(&t1, 512, &["--shard", "1/2", "--resume"])
            .assert()
            .success()
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("chunk 3 is damaged") && stderr.contains(&file.display().to_string()),
            "{what}: --resume did not say so: {stderr}"
        );
        statecraft()
            .args(["merge", "--quiet"])
            .args([&t0, &t1])
            .arg("--out")
            .arg(&merged)
            .assert()
            .success();
        assert_same(&whole, &merged);
    }
}

#[test]
fn a_whole_job_stopped_before_its_manifest_with_a_damaged_chunk_resumes_to_the_lone_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (alone, cut) = (dir.path().join("alone"), dir.path().join("cut"));
    job(&alone, 400, &[]).assert().success();
    job(&cut, 400, &[])
        .env("STATECRAFT_FAULT", "before-manifest")
        .assert()
        .code(1);
    let chunk = cut.join(".chunks/00000001.outcomes.csv");
    let text = std::fs::read_to_string(&chunk).unwrap();
    std::fs::write(&chunk, text.replacen(",REA,", ",ZZZ,", 1)).unwrap();
    job(&cut, 400, &["--resume"])
        .assert()
        .success()
        .stderr(predicate::str::contains("chunk 1 is damaged"));
    assert_same(&alone, &cut);
}

#[test]
fn a_kill_at_any_point_of_the_final_assembly_is_finished_by_resume() {
    let dir = tempfile::tempdir().unwrap();
    let alone = dir.path().join("alone");
    job(&alone, 300, &[]).assert().success();
    for fault in ["mid-assembly", "before-manifest"] {
        let cut = dir.path().join(fault);
        job(&cut, 300, &[])
            .env("STATECRAFT_FAULT", fault)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "stopped on purpose at `{fault}`"
            )));
        assert!(!cut.join("manifest.json").exists());
        assert!(
            cut.join(".chunks/job.json").exists(),
            "{fault}: chunks deleted"
        );
        assert!(
            cut.join("outcomes.csv").exists(),
            "{fault}: no final CSV yet"
        );
        // The same command again points to --resume, which finishes the job.
        job(&cut, 300, &[])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("pass --resume"));
        job(&cut, 300, &["--resume"]).assert().success();
        assert_same(&alone, &cut);
        assert!(cut.join("manifest.json").exists());
        assert!(!cut.join(".chunks").exists());
        // A finished directory stays finished.
        job(&cut, 300, &["--resume"]).assert().code(2);
    }
    assert!(
        "no-such-point"
            .parse::<statecraft::output::Fault>()
            .is_err(),
        "unknown faults are refused"
    );
    job(&dir.path().join("x"), 10, &[])
        .env("STATECRAFT_FAULT", "no-such-point")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("STATECRAFT_FAULT"));
}

#[test]
fn a_stopped_merge_is_finished_by_merging_again_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let (s0, s1, whole) = shards(dir.path());
    for fault in ["mid-assembly", "before-manifest"] {
        let merged = dir.path().join(format!("merged-{fault}"));
        let merge = || {
            let mut c = statecraft();
            c.args(["merge", "--quiet"])
                .args([&s0, &s1])
                .arg("--out")
                .arg(&merged);
            c
        };
        merge().env("STATECRAFT_FAULT", fault).assert().code(1);
        assert!(!merged.join("manifest.json").exists());
        merge().assert().success();
        assert_same(&whole, &merged);
        assert!(!merged.join(".chunks").exists());
        // Once finished, it is protected again.
        merge()
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--force"));
    }
}

#[test]
fn merge_refuses_an_out_that_is_one_of_its_inputs_and_the_shard_survives() {
    let dir = tempfile::tempdir().unwrap();
    let (s0, s1, whole) = shards(dir.path());
    let before: Vec<_> = std::fs::read_dir(s0.join(".chunks")).unwrap().collect();
    // As the same path, another spelling of it, and with --force.
    let dotted = s0.join("..").join("s0");
    for out in [&s0, &dotted] {
        statecraft()
            .args(["merge"])
            .args([&s0, &s1])
            .arg("--out")
            .arg(out)
            .arg("--force")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "is one of the directories to merge",
            ));
    }
    let after: Vec<_> = std::fs::read_dir(s0.join(".chunks")).unwrap().collect();
    assert_eq!(before.len(), after.len());
    let merged = dir.path().join("merged");
    statecraft()
        .args(["merge", "--quiet"])
        .args([&s0, &s1])
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    assert_same(&whole, &merged);
}

#[test]
fn non_finite_numbers_are_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 3] = [
        (
            "payoff",
            &[
                "run",
                CLASSIC,
                "--runs",
                "2",
                "--set",
                "games.trade_dilemma.payoffs.R=1e308",
            ],
        ),
        (
            "elasticity",
            &[
                "run",
                FLAGSHIP,
                "--runs",
                "2",
                "--set",
                "trade.elasticity=1e-300",
            ],
        ),
        (
            "autarky",
            &[
                "trade",
                FLAGSHIP,
                "--set",
                "trade.elasticity=0.001",
                "--autarky",
            ],
        ),
    ];
    for (name, args) in cases {
        let out = dir.path().join(name);
        let result = statecraft()
            .args(args)
            .arg("--out")
            .arg(&out)
            .assert()
            .failure();
        let stderr = String::from_utf8_lossy(&result.get_output().stderr).to_string();
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        no_final_csv(&out);
        match name {
            // A payoff that large is refused as input.
            "payoff" => assert!(stderr.contains("between -1e12 and 1e12"), "{stderr}"),
            // The numerical failure names the run, the year and the quantity.
            "elasticity" => assert!(
                stderr.contains("run 0, year 1995") && stderr.contains("price index"),
                "{stderr}"
            ),
            _ => assert!(stderr.contains("price index"), "{stderr}"),
        }
    }
    // The largest payoff allowed runs, and every number it writes is finite.
    let big = dir.path().join("big");
    statecraft()
        .args(["run", CLASSIC, "--runs", "3", "--quiet"])
        .args(["--set", "games.trade_dilemma.payoffs.R=1e12", "--out"])
        .arg(&big)
        .assert()
        .success();
    for f in ["outcomes.csv", "summary.csv"] {
        let text = std::fs::read_to_string(big.join(f)).unwrap();
        assert!(
            !text.contains("inf") && !text.contains("NaN"),
            "{f}: {text}"
        );
    }
}

#[test]
fn special_files_as_input_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.toml");
    #[cfg(unix)]
    {
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let started = Instant::now();
        statecraft()
            .timeout(Duration::from_secs(20))
            .args(["check"])
            .arg(&fifo)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "a FIFO (named pipe), not a regular file",
            ));
        assert!(started.elapsed() < Duration::from_secs(10));
        // The trade data as a FIFO.
        let text = std::fs::read_to_string(FLAGSHIP)
            .unwrap()
            .replace("data/trade_2019.csv", "flows.fifo");
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        assert!(
            std::process::Command::new("mkfifo")
                .arg(dir.path().join("flows.fifo"))
                .status()
                .unwrap()
                .success()
        );
        statecraft()
            .timeout(Duration::from_secs(20))
            .args(["check"])
            .arg(dir.path().join("s.toml"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("cannot read the trade data"))
            .stderr(predicate::str::contains("FIFO"));
        statecraft()
            .timeout(Duration::from_secs(20))
            .args(["check", "/dev/zero"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("character device"));
    }
    // A directory, and a file over the size cap.
    statecraft()
        .args(["check"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a directory, not a regular file"));
    let big = dir.path().join("big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(statecraft::scenario::data::MAX_SCENARIO_BYTES + 1)
        .unwrap();
    statecraft()
        .args(["check"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("more than the 16 MiB"));
}

#[test]
fn encoding_errors_name_line_and_column_and_an_empty_path_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // Invalid UTF-8 on line 3, after "title = \"a" (column 12).
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, b"[scenario]\nname = \"x\"\ntitle = \"a\xff\"\n").unwrap();
    statecraft()
        .args(["check"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:3:11:"))
        .stderr(predicate::str::contains("0xFF"));
    // A CSV with a bad byte in its third line.
    let text = std::fs::read_to_string(FLAGSHIP)
        .unwrap()
        .replace("data/trade_2019.csv", "flows.csv");
    std::fs::write(dir.path().join("s.toml"), &text).unwrap();
    let mut csv = std::fs::read("scenarios/data/trade_2019.csv").unwrap();
    let third = csv
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0;
    csv.insert(third + 3, 0xC3);
    std::fs::write(dir.path().join("flows.csv"), &csv).unwrap();
    statecraft()
        .args(["check"])
        .arg(dir.path().join("s.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("flows.csv:3:3:"))
        .stderr(predicate::str::contains("not UTF-8"));
    // An empty trade.flows, in the file or by --set.
    statecraft()
        .args(["check", FLAGSHIP, "--set", "trade.flows="])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`trade.flows`"))
        .stderr(predicate::str::contains("is empty"))
        .stderr(predicate::str::contains(": : cannot read").not());
    let err = statecraft::scenario::load(Path::new(""), &[]).unwrap_err();
    assert!(
        err.to_string().starts_with("the scenario path is empty"),
        "{err}"
    );
}

#[test]
fn shard_arithmetic_does_not_wrap() {
    use statecraft::job::Shard;
    let s: Shard = "9223372036854775807/9223372036854775808".parse().unwrap();
    // Of 10 chunks, the last of 2^63 shards computes only the last chunk.
    assert_eq!(s.chunks(10), 9..10);
    let first: Shard = "0/9223372036854775808".parse().unwrap();
    assert_eq!(first.chunks(10), 0..0);
    // Every chunk in exactly one shard, for a huge job and shard count.
    let total = 7_812_500; // chunks of 10^9 runs
    let n = u64::MAX;
    let last = Shard {
        index: n - 1,
        count: n,
    };
    assert_eq!(last.chunks(total).end, total);
    let dir = tempfile::tempdir().unwrap();
    job(
        &dir.path().join("s"),
        300,
        &["--shard", "9223372036854775807/9223372036854775808"],
    )
    .assert()
    .success();
}

#[test]
fn parameter_ranges_hold_on_every_path_a_value_arrives_by() {
    let dir = tempfile::tempdir().unwrap();
    // The file.
    let text = std::fs::read_to_string(CLASSIC)
        .unwrap()
        .replace("R = 3", "R = 1e300");
    assert!(
        text.contains("1e300"),
        "the teaching scenario's payoffs changed"
    );
    let file = dir.path().join("big.toml");
    std::fs::write(&file, text).unwrap();
    statecraft()
        .args(["check"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("payoffs.R"));
    // --set, for a job and for check.
    let out = dir.path().join("set");
    let out = out.to_str().unwrap();
    for args in [&["check"][..], &["run", "--out", out]] {
        statecraft()
            .args(args)
            .args([FLAGSHIP, "--set", "trade.elasticity=0"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("a trade elasticity in (0, 50]"));
    }
    // --vary: every point is checked before anything is written.
    let sweep = dir.path().join("sweep");
    statecraft()
        .args(["sweep", CLASSIC, "--runs", "2", "--quiet"])
        .args([
            "--vary",
            "games.trade_dilemma.payoffs.R=1:2e12:1e12",
            "--out",
        ])
        .arg(&sweep)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("between -1e12 and 1e12"));
    assert!(!sweep.join("points").exists() && !sweep.join("sweep.json").exists());
}
