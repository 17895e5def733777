//! The commands called as a library, without a process: flags parsed from a
//! list of strings, a context of our own for progress and cancellation, the
//! printed text and the typed error (with its exit status) returned.

use clap::{CommandFactory, Parser};
use statecraft::cli::{Cli, Command, TradeArgs};
use statecraft::command::{self, CommandError, Context, trade};
use statecraft::job::Progress;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

const CLASSIC: &str = "scenarios/classic_cooperation.toml";
const KAZ: &str = "scenarios/kazakhstan_wto_eaeu.toml";

fn parse(args: &[&str]) -> Command {
    Cli::try_parse_from(std::iter::once("statecraft").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{e}"))
        .command
}

/// `statecraft <args> --out <out>`, silently.
fn execute(args: &[&str], out: &Path) -> Result<String, CommandError> {
    let out = out.to_str().unwrap();
    let command = parse(&[args, &["--out", out]].concat());
    command::execute(&command, &Context::silent())
}

/// Records every `start`, and sets the cancel flag at the first run finished
/// if asked to (as a Ctrl-C would).
#[derive(Default)]
struct Recorder {
    starts: Mutex<Vec<(u64, u64)>>,
    stop: AtomicBool,
    stop_at_first_run: bool,
}

impl Progress for Recorder {
    fn start(&self, total: u64, done: u64) {
        self.starts.lock().unwrap().push((total, done));
    }

    fn set(&self, _done: u64) {
        if self.stop_at_first_run {
            self.stop.store(true, Ordering::SeqCst);
        }
    }
}

impl Recorder {
    fn stopping() -> Self {
        Recorder {
            stop_at_first_run: true,
            ..Recorder::default()
        }
    }

    fn run(&self, args: &[&str]) -> Result<String, CommandError> {
        let context = Context {
            progress: self,
            cancel: &self.stop,
            fault: None,
            width: command::DEFAULT_WIDTH,
        };
        command::execute(&parse(args), &context)
    }
}

#[test]
fn check_returns_the_description_it_prints() {
    let text = command::execute(&parse(&["check", CLASSIC]), &Context::silent()).unwrap();
    assert!(text.starts_with("scenario classic_cooperation"), "{text}");
    assert!(text.contains("the scenario is valid"));
}

#[test]
fn run_returns_its_summary_and_quiet_returns_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = execute(&["run", CLASSIC, "--runs", "20"], &dir.path().join("a")).unwrap();
    assert!(text.starts_with("20 runs in "), "{text}");
    assert!(text.contains(" runs/s on "), "{text}");
    assert!(!text.contains("profile-runs"), "one profile: {text}");
    assert!(dir.path().join("a/summary.csv").exists());
    let quiet = execute(
        &["run", CLASSIC, "--runs", "20", "--quiet"],
        &dir.path().join("b"),
    );
    assert_eq!(quiet.unwrap(), "");
}

#[test]
fn compare_counts_profile_runs_in_its_rate() {
    let dir = tempfile::tempdir().unwrap();
    let text = execute(
        &[
            "compare",
            CLASSIC,
            "--runs",
            "10",
            "--profiles",
            "neorealist,neoliberal,constructivist",
        ],
        &dir.path().join("c"),
    )
    .unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("10 runs × 3 profiles in "), "{first}");
    assert!(first.contains(" profile-runs/s on "), "{first}");
    // Seconds carry at most two decimals and the rate none.
    let secs = first
        .split(" in ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert!(
        secs.split('.').nth(1).is_none_or(|d| d.len() <= 2),
        "{first}"
    );
    let rate = first.split('(').nth(1).unwrap().split(' ').next().unwrap();
    assert!(rate.parse::<u64>().is_ok(), "{first}");
}

#[test]
fn errors_carry_their_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = execute(
        &["run", CLASSIC, "--profile", "hegemonic"],
        &dir.path().join("u"),
    )
    .unwrap_err();
    assert_eq!(unknown.exit_code(), 2);
    assert!(unknown.to_string().contains("unknown profile `hegemonic`"));
    let no_trade = execute(&["trade", CLASSIC, "--autarky"], &dir.path().join("t")).unwrap_err();
    assert_eq!(no_trade.exit_code(), 2, "{no_trade}");
    // Zero, too many or overflowing runs or threads are refused while parsing.
    for (flag, limit) in [("--runs", "1000000000"), ("--threads", "1024")] {
        for bad in [
            "0",
            "1000000001",
            "10000",
            "18446744073709551616",
            "99999999999999999999",
        ] {
            if flag == "--runs" && bad == "10000" {
                continue;
            }
            let e = Cli::try_parse_from(["statecraft", "run", CLASSIC, flag, bad]).unwrap_err();
            assert!(
                e.to_string()
                    .contains(&format!("must be between 1 and {limit}")),
                "{flag} {bad}: {e}"
            );
            assert_eq!(e.exit_code(), 2);
        }
    }
    // --resume and --force together have no meaning.
    let e = Cli::try_parse_from(["statecraft", "run", CLASSIC, "--resume", "--force"]).unwrap_err();
    assert!(e.to_string().contains("cannot be used with"), "{e}");
    assert_eq!(e.exit_code(), 2);
}

/// A 300-run job (three chunks) into `out`.
fn job<'a>(out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let args = ["run", CLASSIC, "--runs", "300", "--seed", "5", "--out"];
    [&args[..], &[out.to_str().unwrap()], extra].concat()
}

#[test]
fn an_interrupted_run_asks_for_resume_and_resuming_counts_only_new_work() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, cut) = (dir.path().join("whole"), dir.path().join("cut"));
    Recorder::default().run(&job(&whole, &[])).unwrap();

    // Stopped after the first chunk, as by Ctrl-C.
    let stopped = Recorder::stopping().run(&job(&cut, &[])).unwrap_err();
    assert_eq!(stopped.exit_code(), 130, "{stopped}");
    assert!(stopped.to_string().contains("--resume"), "{stopped}");

    // The same command again names the way out.
    let again = Recorder::default().run(&job(&cut, &[])).unwrap_err();
    assert_eq!(again.exit_code(), 2);
    assert!(
        again
            .to_string()
            .contains("pass --resume to finish it (or --force to start again)"),
        "{again}"
    );

    // A resume starts the progress at the kept runs, and says what the rate counts.
    let resumed = Recorder::default();
    let text = resumed.run(&job(&cut, &["--resume"])).unwrap();
    assert_eq!(*resumed.starts.lock().unwrap(), vec![(300, 128)]);
    assert!(
        text.contains(
            "1 chunk was already finished and kept; the rate counts only the 172 runs simulated now"
        ),
        "{text}"
    );
    assert_eq!(
        std::fs::read(whole.join("outcomes.csv")).unwrap(),
        std::fs::read(cut.join("outcomes.csv")).unwrap()
    );
    // A finished directory is protected with the usual message.
    let finished = Recorder::default().run(&job(&cut, &[])).unwrap_err();
    assert!(finished.to_string().contains("already holds results"));
}

#[test]
fn an_interrupted_sweep_asks_for_resume_and_resumes_its_half_done_point() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let args = [
        "sweep",
        CLASSIC,
        "--vary",
        "doctrines.neoliberal.discount=0.4:0.6:0.2",
        "--runs",
        "200",
        "--out",
        out.to_str().unwrap(),
    ];
    let stopped = Recorder::stopping().run(&args).unwrap_err();
    assert_eq!(stopped.exit_code(), 130, "{stopped}");
    let again = Recorder::default().run(&args).unwrap_err();
    assert!(
        again.to_string().contains("pass --resume to finish it"),
        "{again}"
    );
    let resumed = Recorder::default();
    let text = resumed.run(&[&args[..], &["--resume"]].concat()).unwrap();
    // The sweep's 400 runs start at none kept; the first point's job then
    // finds its first chunk kept.
    assert_eq!(*resumed.starts.lock().unwrap(), vec![(400, 0), (400, 128)]);
    assert!(
        text.starts_with("2 points × 200 runs per point → "),
        "{text}"
    );
    assert!(out.join("sweep.csv").exists());
}

#[test]
fn run_directories_are_named_for_their_profile() {
    assert_eq!(command::run::leaf("scenario", 1984), "run-1984");
    assert_eq!(
        command::run::leaf("neorealist", 1984),
        "run-neorealist-1984"
    );
    assert_eq!(command::run::leaf("my mix", 7), "run-my-mix-7");
}

fn trade_args(args: &[&str]) -> TradeArgs {
    match parse(&[&["trade", KAZ][..], args].concat()) {
        Command::Trade(t) => t,
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_what_if_has_its_own_default_directory() {
    let label = |args: &[&str]| trade::label(&trade_args(args));
    assert_eq!(label(&["--tariff", "KAZ:*=20"]), "tariff-KAZ-all-20");
    assert_eq!(
        label(&["--tariff", "*:RUS=25", "--cost", "KAZ:CHN=0.9"]),
        "tariff-all-RUS-25_cost-KAZ-CHN-0.9"
    );
    assert_eq!(label(&["--autarky"]), "autarky");
    assert_eq!(label(&["--year", "2019"]), "y2019");
    assert_eq!(label(&[]), "baseline");
    assert_eq!(
        label(&["--tariff", "KAZ:CHN=12.5%", "--cost", "*:*=inf"]),
        "tariff-KAZ-CHN-12.5_cost-all-all-inf"
    );
    // --set adds a hash of the overrides: the same ones, the same label.
    let set = label(&["--autarky", "--set", "trade.elasticity=8"]);
    assert!(set.starts_with("autarky_set-"), "{set}");
    assert_eq!(set.len(), "autarky_set-".len() + 8);
    assert_eq!(set, label(&["--autarky", "--set", "trade.elasticity=8"]));
    assert_ne!(set, label(&["--autarky", "--set", "trade.elasticity=6"]));
    // A long label keeps its first 48 characters and a hash of the whole.
    let many: Vec<String> = ["RUS", "CHN", "KGZ", "UZB"]
        .iter()
        .map(|c| format!("KAZ:{c}=10"))
        .collect();
    let args: Vec<&str> = many.iter().flat_map(|t| ["--tariff", t.as_str()]).collect();
    let long = label(&args);
    assert_eq!(long.len(), 48 + 1 + 8, "{long}");
    assert!(long.starts_with("tariff-KAZ-RUS-10_tariff-KAZ-CHN-10_tariff-KAZ-K"));
    assert!(
        long.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    );
}

#[test]
fn help_examples_are_never_broken_and_sweep_flags_say_what_they_mean() {
    let mut cli = Cli::command().term_width(80);
    cli.build();
    let root = cli.clone();
    for cmd in std::iter::once(&root).chain(cli.get_subcommands()) {
        let examples = cmd
            .get_after_help()
            .map(|s| s.to_string())
            .unwrap_or_default();
        for line in examples.lines() {
            assert!(
                line.chars().count() <= 80,
                "too long for 80 columns: {line}"
            );
        }
        let help = cmd.clone().term_width(80).render_help().to_string();
        assert!(
            help.contains(&examples),
            "`{}` --help wraps its examples:\n{help}",
            cmd.get_name()
        );
    }
    let sweep = cli.find_subcommand("sweep").unwrap();
    let doc = |flag: &str| {
        sweep
            .get_arguments()
            .find(|a| a.get_id() == flag)
            .and_then(|a| a.get_help())
            .map(|h| h.to_string())
            .unwrap()
    };
    assert!(doc("runs").contains("at each point"), "{}", doc("runs"));
    let design = doc("design");
    for name in ["factorial", "lhs", "default: factorial"] {
        assert!(design.contains(name), "{design}");
    }
}
