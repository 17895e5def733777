//! The `statecraft` binary: parse the flags, build the thread pool, show
//! progress on standard error and catch Ctrl-C, run the command in the library
//! ([`statecraft::command`]), print what it returns, and map failures to exit
//! codes (2: bad input, 1: a failure while running, 130: interrupted).

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use statecraft::cli::Cli;
use statecraft::command::{self, CommandError, Context};
use statecraft::job::Progress;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by Ctrl-C: the job stops after the chunk in progress.
static STOP: AtomicBool = AtomicBool::new(false);

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(text) => {
            // A closed pipe (`statecraft ... | head`) is not worth a panic.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            match e {
                CommandError::Interrupted(_) => eprintln!("{e}"),
                _ => eprintln!("error: {e}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<String, CommandError> {
    let job = cli.command.job();
    let abc = cli.command.abc();
    rayon::ThreadPoolBuilder::new()
        .num_threads(cli.command.threads().unwrap_or(0)) // 0: one per core
        .build_global()
        .map_err(|e| CommandError::Runtime(format!("cannot start worker threads: {e}")))?;
    if job.is_some() || abc.is_some() {
        catch_ctrl_c();
    }
    let quiet = job.map(|j| j.quiet).or(abc.map(|a| a.quiet));
    let bar = Bar::new(quiet == Some(false) && std::io::stderr().is_terminal());
    let context = Context {
        progress: &bar,
        cancel: &STOP,
        fault: fault()?,
        width: width(),
    };
    let result = command::execute(&cli.command, &context);
    bar.bar.finish_and_clear();
    result
}

/// `STATECRAFT_FAULT=mid-assembly|before-manifest`: stop a job or merge on
/// purpose at that point of its final assembly, as a kill there would (for
/// tests of crash recovery; results/README.md). Read here, never by the
/// library, which takes it as a parameter.
fn fault() -> Result<Option<statecraft::output::Fault>, CommandError> {
    match std::env::var("STATECRAFT_FAULT") {
        Ok(v) if !v.is_empty() => v
            .parse()
            .map(Some)
            .map_err(|e| CommandError::Input(format!("STATECRAFT_FAULT: {e}"))),
        _ => Ok(None),
    }
}

/// The columns of the terminal on standard output, else of `$COLUMNS`, else
/// the library's default: read here, since the library never looks.
fn width() -> usize {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .filter(|&w| w >= 20)
        .unwrap_or(command::DEFAULT_WIDTH)
}

/// Ctrl-C asks the job to stop after the chunk in progress; a second Ctrl-C
/// exits at once (the finished chunks are safe either way).
fn catch_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nstopping after the chunk in progress (Ctrl-C again to quit now)…");
    });
}

/// A progress bar with rate and ETA on standard error, shown only on a
/// terminal and without --quiet.
struct Bar {
    bar: ProgressBar,
    shown: bool,
}

impl Bar {
    fn new(shown: bool) -> Self {
        let rate = |s: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} runs/s", s.per_sec());
        };
        let style =
            ProgressStyle::with_template("{msg}{bar:40} {pos}/{len} runs  {rate}  ETA {eta}")
                .expect("a valid template")
                .with_key("rate", rate);
        let bar = ProgressBar::hidden().with_style(style);
        Bar { bar, shown }
    }
}

impl Progress for Bar {
    fn start(&self, total: u64, done: u64) {
        // Runs kept by a resume are not new work: jump to them unseen, then
        // count the rate and the time left from here.
        self.bar.set_draw_target(ProgressDrawTarget::hidden());
        self.bar.set_length(total);
        self.bar.set_position(done);
        self.bar.tick();
        self.bar.reset_eta();
        if self.shown {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn set(&self, done: u64) {
        self.bar.set_position(done);
    }

    fn notice(&self, message: &str) {
        self.bar.suspend(|| eprintln!("{message}"));
    }

    fn stage(&self, label: &str) {
        // A sweep names the point it is on: `point 3/40 AB_2 ▕bar▏ …`.
        self.bar.set_message(if label.is_empty() {
            String::new()
        } else {
            format!("{label}  ")
        });
    }
}
