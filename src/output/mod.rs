//! Result files: tidy CSVs and a manifest (PRODUCT.md, Outputs; every column is
//! documented in `results/README.md`).
//!
//! Runs are persisted chunk by chunk ([`chunk`]); [`assemble`] joins the chunk
//! files of a whole job — from one process, a resumed one, or several shards —
//! into the final CSVs and folds them, run by run, into per-metric
//! accumulators ([`Summariser`]), so memory does not grow with the number of
//! runs. Files are written under a `.partial` name and renamed into place when
//! complete, so a finished name always holds a finished file.

pub mod chunk;
pub mod lock;
pub mod manifest;

use crate::outcome::{Catalogue, RunOutcome};
use crate::retrodiction::Scorer;
use crate::stats::{Accumulator, Summary};
use crate::verdict::{Tally, Verdict};
use crate::world::{FactRole, Profile, World};
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// Files a results directory may hold; `--force` replaces exactly these.
pub const RESULT_FILES: &[&str] = &[
    "outcomes.csv",
    "summary.csv",
    "events.csv",
    "timeseries.csv",
    "comparison.csv",
    "retrodiction.csv",
    "retrodiction_pairs.csv",
    "draws.csv",
    "decisions.csv",
    "verdict.csv",
    "report.html",
    "manifest.json",
];

/// The folder of a report's figures (`statecraft report`), deleted with the
/// results by `--force`.
pub const REPORT_DIR: &str = "report";

/// A failure to write results.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "the results directory {0} already holds results; pass --force to replace them or --out to write elsewhere"
    )]
    Exists(PathBuf),
    #[error(
        "the results directory {0} holds an interrupted job; pass --resume to finish it (or --force to start again)"
    )]
    Interrupted(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "{path} is damaged ({what}); if it is a chunk file, run the job (or shard) that wrote it again with --resume, which computes the chunk again"
    )]
    Corrupt { path: PathBuf, what: String },
    #[error("{0}")]
    Mismatch(String),
    #[error(
        "the results directory {} is in use by another statecraft process ({}); wait for it to finish or stop it, or write elsewhere with --out",
        dir.display(),
        pid.map_or("its pid is not known yet".to_string(), |p| format!("pid {p}"))
    )]
    Locked { dir: PathBuf, pid: Option<u32> },
    /// A number that is not finite where a finite one must be written.
    #[error("{0}")]
    NotFinite(String),
    /// A [`Fault`] injected on purpose (a test of crash recovery).
    #[error(
        "stopped on purpose at `{0}` (fault injection for tests); the directory is left as a kill at that point would leave it"
    )]
    Injected(Fault),
}

/// A point of the final assembly at which a test asks a job or a merge to
/// stop as if killed there (the binary reads it from `STATECRAFT_FAULT`; the
/// library takes it as a parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// After the first final CSV has its name, before the others.
    MidAssembly,
    /// After every final CSV, before `manifest.json`.
    BeforeManifest,
}

impl Fault {
    pub const ALL: [Fault; 2] = [Fault::MidAssembly, Fault::BeforeManifest];

    pub fn as_str(self) -> &'static str {
        match self {
            Fault::MidAssembly => "mid-assembly",
            Fault::BeforeManifest => "before-manifest",
        }
    }

    /// Stop here if this is the fault asked for.
    pub fn at(point: Fault, asked: Option<Fault>) -> Result<(), OutputError> {
        match asked {
            Some(f) if f == point => Err(OutputError::Injected(f)),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Fault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Fault::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Fault::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown fault `{s}`; expected one of {}", names.join(", "))
            })
    }
}

/// A number that may not be written: an infinity (NaN is written as an empty
/// cell, which means undefined).
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[error("{0} is not a finite number")]
pub struct NotFinite(pub f64);

impl From<NotFinite> for OutputError {
    fn from(e: NotFinite) -> Self {
        OutputError::NotFinite(format!(
            "refusing to write {}: every number written must be finite",
            e.0
        ))
    }
}

impl OutputError {
    pub fn read(path: &Path, source: io::Error) -> Self {
        OutputError::Read {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn io(path: &Path, source: io::Error) -> Self {
        OutputError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Does `dir` hold results or chunks of a job?
pub fn holds_results(dir: &Path) -> bool {
    dir.join(chunk::CHUNK_DIR).exists()
        || RESULT_FILES
            .iter()
            .any(|f| dir.join(f).exists() || dir.join(format!("{f}.partial")).exists())
}

/// Does `dir` hold an interrupted job: chunks, but no `manifest.json` (which is
/// written last, so a finished directory has one)?
fn is_interrupted(dir: &Path) -> bool {
    dir.join(chunk::CHUNK_DIR).exists() && !dir.join("manifest.json").exists()
}

/// Prepare `dir` for new results: refuse if it holds any, unless `force`.
pub fn prepare_dir(dir: &Path, force: bool) -> Result<(), OutputError> {
    let existing: Vec<PathBuf> = RESULT_FILES
        .iter()
        .flat_map(|f| [dir.join(f), dir.join(format!("{f}.partial"))])
        .filter(|p| p.exists())
        .collect();
    let chunks = dir.join(chunk::CHUNK_DIR);
    if !existing.is_empty() || chunks.exists() {
        if !force && is_interrupted(dir) {
            return Err(OutputError::Interrupted(dir.to_path_buf()));
        }
        if !force {
            return Err(OutputError::Exists(dir.to_path_buf()));
        }
        if chunks.exists() {
            fs::remove_dir_all(&chunks).map_err(|e| OutputError::io(&chunks, e))?;
        }
        for p in existing {
            fs::remove_file(&p).map_err(|e| OutputError::io(&p, e))?;
        }
        let figures = dir.join(REPORT_DIR);
        if figures.is_dir() {
            fs::remove_dir_all(&figures).map_err(|e| OutputError::io(&figures, e))?;
        }
    }
    chunk::remove_retired(dir)?;
    fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))
}

/// Refuse a merge whose `out` is one of its input directories (compared as
/// canonical paths, so `./a`, `a/` and a link to `a` are all `a`) — the merge
/// would delete the shard it reads — or whose input another process is
/// writing right now.
pub fn check_merge_dirs(dirs: &[PathBuf], out: &Path) -> Result<(), OutputError> {
    let canonical = |p: &Path| fs::canonicalize(p).ok();
    let target = canonical(out);
    for dir in dirs {
        if target.is_some() && canonical(dir) == target {
            return Err(OutputError::Mismatch(format!(
                "--out {} is one of the directories to merge ({}); write the merged results to a new directory",
                out.display(),
                dir.display()
            )));
        }
        if let Some(pid) = lock::in_use(dir) {
            return Err(OutputError::Locked {
                dir: dir.clone(),
                pid,
            });
        }
    }
    Ok(())
}

/// A CSV file being written under its `.partial` name.
pub struct CsvFile {
    path: PathBuf,
    partial: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl CsvFile {
    pub fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Self, OutputError> {
        let path = dir.join(name);
        let partial = dir.join(format!("{name}.partial"));
        let file = File::create(&partial).map_err(|e| OutputError::io(&partial, e))?;
        let mut writer =
            csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 16, file));
        writer
            .write_record(header)
            .map_err(|e| OutputError::io(&partial, e.into()))?;
        Ok(CsvFile {
            path,
            partial,
            writer,
        })
    }

    pub fn row<I, T>(&mut self, fields: I) -> Result<(), OutputError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(fields)
            .map_err(|e| OutputError::io(&self.partial, e.into()))
    }

    /// Flush, sync and rename into place.
    pub fn finish(self) -> Result<PathBuf, OutputError> {
        let CsvFile {
            path,
            partial,
            writer,
        } = self;
        let file = writer
            .into_inner()
            .map_err(|e| OutputError::io(&partial, e.into_error()))?
            .into_inner()
            .map_err(|e| OutputError::io(&partial, e.into_error()))?;
        file.sync_all().map_err(|e| OutputError::io(&partial, e))?;
        fs::rename(&partial, &path).map_err(|e| OutputError::io(&path, e))?;
        Ok(path)
    }
}

/// Write `contents` to `dir/name` atomically (temp file + rename).
pub fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> Result<PathBuf, OutputError> {
    write_via(dir, name, &format!("{name}.partial"), contents)
}

/// [`write_atomic`] for a file that several processes may write at once with
/// the same bytes (the identity of a calibration, by shards starting
/// together): each writes its own temporary file, named by its process id,
/// so that no process renames another's half-written one.
pub fn write_atomic_shared(
    dir: &Path,
    name: &str,
    contents: &[u8],
) -> Result<PathBuf, OutputError> {
    write_via(
        dir,
        name,
        &format!("{name}.{}.partial", std::process::id()),
        contents,
    )
}

fn write_via(
    dir: &Path,
    name: &str,
    temporary: &str,
    contents: &[u8],
) -> Result<PathBuf, OutputError> {
    let path = dir.join(name);
    let partial = dir.join(temporary);
    fs::write(&partial, contents).map_err(|e| OutputError::io(&partial, e))?;
    fs::rename(&partial, &path).map_err(|e| OutputError::io(&path, e))?;
    Ok(path)
}

/// A number as written in the CSVs: shortest round-trip decimal; empty if
/// undefined (NaN). An infinity is never written.
pub fn number(buf: &mut String, x: f64) -> Result<&str, NotFinite> {
    buf.clear();
    if x.is_infinite() {
        return Err(NotFinite(x));
    }
    if !x.is_nan() {
        let _ = write!(buf, "{x}");
    }
    Ok(buf)
}

/// The first statistic of `s` that is infinite, by column name.
fn infinite_statistic(s: &Summary) -> Option<(&'static str, f64)> {
    [
        ("mean", s.mean),
        ("sd", s.sd),
        ("ci_low", s.ci_low),
        ("ci_high", s.ci_high),
        ("p05", s.p05),
        ("p50", s.p50),
        ("p95", s.p95),
    ]
    .into_iter()
    .find(|(_, x)| x.is_infinite())
}

/// One row of `summary.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRow {
    pub profile: String,
    pub state: String,
    pub metric: String,
    pub summary: Summary,
}

/// Folds every run's outcomes, in run order, into the summaries, paired
/// differences and retrodiction counts of a job.
pub struct Summariser<'w> {
    world: &'w World,
    catalogue: &'w Catalogue,
    profiles: &'w [Profile],
    /// [profile][catalogue slot]
    accumulators: Vec<Vec<Accumulator>>,
    /// Paired differences from the reference profile, [profile][slot] (only
    /// with more than one profile).
    differences: Vec<Vec<Accumulator>>,
    reference: usize,
    scorer: Scorer,
    /// Runs matching each fact, [profile][fact], and all evidence facts
    /// jointly, [profile].
    matched: Vec<Vec<u64>>,
    matched_all: Vec<u64>,
    /// Discordant runs of every pair of profiles p < q, [fact (then the
    /// joint score)][pair]: (p matched and q did not, q matched and p did not).
    discordant: Vec<Vec<(u64, u64)>>,
    /// The counts behind the verdict (with two or more profiles and an
    /// evidence fact).
    verdict: Option<Tally>,
    runs: u64,
}

/// The ratio of two profiles' shares of a fact, from their paired runs.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareRatio {
    pub fact: String,
    pub profile: String,
    pub versus: String,
    /// Runs in which both, only `profile`, only `versus` matched.
    pub both: u64,
    pub only_profile: u64,
    pub only_versus: u64,
    /// The adjusted ratio (n₁. + 1)/(n.₁ + 1) and its 95% interval.
    pub ratio: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl ShareRatio {
    /// Does the interval exclude 1 (the two profiles' shares differ)?
    pub fn differs(&self) -> bool {
        self.ci_low > 1.0 || self.ci_high < 1.0
    }
}

/// The ratio of two paired binomial proportions with its 95% interval: with
/// `both`, `only_a`, `only_b` runs in which both, only the first, only the
/// second matched, the adjusted Wald interval of Bonett & Price (2006, "Confidence
/// intervals for a ratio of binomial proportions based on paired data",
/// *Statistics in Medicine* 25:3039): ln(ñ₁/ñ₂) ± z·√((b + c + 2)/(ñ₁·ñ₂)),
/// ñ₁ = both + b + 1, ñ₂ = both + c + 1. Adding one to each margin keeps the
/// ratio and its interval finite when a profile never matches, and the
/// variance is the delta method's (b + c)/(n₁.·n.₁), which counts the pairing.
pub fn paired_ratio(both: u64, only_a: u64, only_b: u64) -> (f64, f64, f64) {
    let z = 1.959_963_984_540_054;
    let n1 = (both + only_a + 1) as f64;
    let n2 = (both + only_b + 1) as f64;
    let ratio = n1 / n2;
    let half = z * (((only_a + only_b + 2) as f64) / (n1 * n2)).sqrt();
    (ratio, ratio * (-half).exp(), ratio * half.exp())
}
/// The columns of `verdict.csv` (results/README.md).
pub const VERDICT_COLUMNS: &[&str] = &[
    "rank",
    "profile",
    "runs",
    "evidence",
    "facts",
    "mean",
    "ci_low",
    "ci_high",
    "behind_best",
    "behind_ci_low",
    "behind_ci_high",
    "joint_matched",
    "joint_share",
    "identical_to",
    "doctrine_blind",
];

/// One row of `comparison.csv`: a profile's mean of a metric and its paired
/// difference from the reference profile.
#[derive(Clone, Debug, PartialEq)]
pub struct ComparisonRow {
    pub profile: String,
    pub state: String,
    pub metric: String,
    pub summary: Summary,
    /// Summary of the per-run differences (profile − reference); None for the
    /// reference itself.
    pub difference: Option<Summary>,
}

/// One row of `retrodiction.csv`: how often a profile's runs match a fact.
#[derive(Clone, Debug, PartialEq)]
pub struct RetrodictionRow {
    pub profile: String,
    /// A fact's id, or `all` for all evidence facts jointly.
    pub fact: String,
    /// `evidence`, `calibration`, or `joint` for the joint score.
    pub role: String,
    pub description: String,
    pub runs: u64,
    pub matched: u64,
    pub share: f64,
    /// 95% Wilson score interval of the share.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Whether any two profiles' shares differ (the 95% interval of the
    /// ratio of their paired shares excludes 1, [`paired_ratio`]); None
    /// with a single profile.
    pub diagnostic: Option<bool>,
}

/// What a finished job wrote, for the printed summary.
#[derive(Clone, Debug, Default)]
pub struct Written {
    pub summaries: Vec<SummaryRow>,
    pub comparison: Vec<ComparisonRow>,
    pub retrodiction: Vec<RetrodictionRow>,
    pub ratios: Vec<ShareRatio>,
    pub verdict: Option<Verdict>,
}

/// 95% Wilson score interval for `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let z = 1.959_963_984_540_054;
    let (n, p) = (n as f64, k as f64 / n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    // The bounds at 0 and n successes are exactly 0 and 1 (no rounding residue).
    let lo = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if k as f64 == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

impl<'w> Summariser<'w> {
    pub fn new(
        world: &'w World,
        catalogue: &'w Catalogue,
        profiles: &'w [Profile],
        reference: usize,
    ) -> Self {
        let scorer = Scorer::new(world, catalogue);
        let compared = if profiles.len() > 1 {
            profiles.len()
        } else {
            0
        };
        Summariser {
            world,
            catalogue,
            profiles,
            accumulators: vec![vec![Accumulator::default(); catalogue.len()]; profiles.len()],
            differences: vec![vec![Accumulator::default(); catalogue.len()]; compared],
            reference,
            matched: vec![vec![0; scorer.len()]; profiles.len()],
            matched_all: vec![0; profiles.len()],
            discordant: vec![
                vec![(0, 0); profiles.len() * profiles.len().saturating_sub(1) / 2];
                scorer.len() + 1
            ],
            scorer,
            verdict: Tally::new(world, profiles),
            runs: 0,
        }
    }

    /// Fold one run under every profile (in profile order); runs must arrive
    /// in order.
    pub fn push_run(&mut self, outcomes: &[RunOutcome]) {
        self.runs += 1;
        let facts = self.scorer.len();
        // Each profile's match of every fact, then of the joint score, this run.
        let mut hits = vec![false; outcomes.len() * (facts + 1)];
        for (p, outcome) in outcomes.iter().enumerate() {
            for (acc, &x) in self.accumulators[p].iter_mut().zip(&outcome.values) {
                acc.push(x);
            }
            // Calibration targets are scored but never count as evidence.
            let mut all = self
                .world
                .facts
                .iter()
                .any(|f| f.role == FactRole::Evidence);
            for k in 0..facts {
                let ok = self.scorer.matches(k, outcome);
                self.matched[p][k] += u64::from(ok);
                if self.world.facts[k].role == FactRole::Evidence {
                    all &= ok;
                }
                hits[p * (facts + 1) + k] = ok;
            }
            self.matched_all[p] += u64::from(all);
            hits[p * (facts + 1) + facts] = all;
            if !self.differences.is_empty() {
                let reference = &outcomes[self.reference].values;
                for (slot, (&x, &r)) in outcome.values.iter().zip(reference).enumerate() {
                    // Common random numbers: run r of every profile drew the
                    // same stream, so differences are paired by run.
                    self.differences[p][slot].push(x - r);
                }
            }
        }
        if let Some(tally) = &mut self.verdict {
            tally.push(&|p, k| hits[p * (facts + 1) + k], outcomes);
        }
        let mut pair = 0;
        for p in 0..outcomes.len() {
            for q in p + 1..outcomes.len() {
                for k in 0..=facts {
                    let (a, b) = (hits[p * (facts + 1) + k], hits[q * (facts + 1) + k]);
                    let d = &mut self.discordant[k][pair];
                    d.0 += u64::from(a && !b);
                    d.1 += u64::from(b && !a);
                }
                pair += 1;
            }
        }
    }

    /// The ratio of every pair of profiles' shares of fact `k` (the joint
    /// score for `k` = the number of facts), pairs in profile order.
    fn ratios(&self, k: usize) -> Vec<ShareRatio> {
        let mut out = Vec::new();
        let mut pair = 0;
        let fact = self.world.facts.get(k).map_or("all", |f| f.id.as_str());
        let matched = |p: usize| {
            if k == self.scorer.len() {
                self.matched_all[p]
            } else {
                self.matched[p][k]
            }
        };
        for p in 0..self.profiles.len() {
            for q in p + 1..self.profiles.len() {
                let (only_p, only_q) = self.discordant[k][pair];
                let both = matched(p) - only_p;
                let (ratio, ci_low, ci_high) = paired_ratio(both, only_p, only_q);
                out.push(ShareRatio {
                    fact: fact.to_string(),
                    profile: self.profiles[p].name.clone(),
                    versus: self.profiles[q].name.clone(),
                    both,
                    only_profile: only_p,
                    only_versus: only_q,
                    ratio,
                    ci_low,
                    ci_high,
                });
                pair += 1;
            }
        }
        out
    }

    /// Does fact `k` tell any two profiles apart — does the interval of the
    /// ratio of their shares exclude 1 for some pair? None with a single
    /// profile.
    fn diagnostic(&self, k: usize) -> Option<bool> {
        (self.profiles.len() > 1).then(|| self.ratios(k).iter().any(ShareRatio::differs))
    }

    /// Write `summary.csv`, and — with several profiles — `comparison.csv`,
    /// and — with facts — `retrodiction.csv` into `dir`.
    pub fn finish(mut self, dir: &Path) -> Result<Written, OutputError> {
        let mut summary = CsvFile::create(
            dir,
            "summary.csv",
            &[
                "profile", "state", "metric", "n", "mean", "sd", "ci_low", "ci_high", "p05", "p50",
                "p95",
            ],
        )?;
        let mut rows = Vec::new();
        let mut bufs: [String; 7] = Default::default();
        for (p, accs) in self.accumulators.iter_mut().enumerate() {
            for (key, acc) in self.catalogue.keys.iter().zip(accs.iter_mut()) {
                let s = acc.summary();
                let row = SummaryRow {
                    profile: self.profiles[p].name.clone(),
                    state: crate::outcome::state_code(self.world, key.state).to_string(),
                    metric: key.name.clone(),
                    summary: s,
                };
                if let Some((stat, x)) = infinite_statistic(&s) {
                    return Err(OutputError::NotFinite(format!(
                        "the {stat} of {} for {} under profile {} over {} runs is {x}: its values are too large to summarise; nothing was written to summary.csv",
                        row.metric, row.state, row.profile, s.n
                    )));
                }
                let [a, b, c, d, e, f, g] = &mut bufs;
                summary.row([
                    row.profile.as_str(),
                    row.state.as_str(),
                    row.metric.as_str(),
                    &s.n.to_string(),
                    number(a, s.mean)?,
                    number(b, s.sd)?,
                    number(c, s.ci_low)?,
                    number(d, s.ci_high)?,
                    number(e, s.p05)?,
                    number(f, s.p50)?,
                    number(g, s.p95)?,
                ])?;
                rows.push(row);
            }
        }
        summary.finish()?;
        let comparison = self.write_comparison(dir, &rows)?;
        let retrodiction = self.write_retrodiction(dir)?;
        let ratios = self.write_ratios(dir)?;
        let verdict = self.write_verdict(dir)?;
        Ok(Written {
            summaries: rows,
            comparison,
            retrodiction,
            ratios,
            verdict,
        })
    }

    fn write_comparison(
        &mut self,
        dir: &Path,
        rows: &[SummaryRow],
    ) -> Result<Vec<ComparisonRow>, OutputError> {
        if self.differences.is_empty() {
            return Ok(Vec::new());
        }
        let mut file = CsvFile::create(
            dir,
            "comparison.csv",
            &[
                "profile",
                "state",
                "metric",
                "n",
                "mean",
                "ci_low",
                "ci_high",
                "reference",
                "diff_n",
                "diff_mean",
                "diff_ci_low",
                "diff_ci_high",
            ],
        )?;
        let reference = self.profiles[self.reference].name.clone();
        let slots = self.catalogue.len();
        let mut out = Vec::with_capacity(rows.len());
        let mut bufs: [String; 6] = Default::default();
        for (p, diffs) in self.differences.iter_mut().enumerate() {
            for (slot, acc) in diffs.iter_mut().enumerate() {
                let row = &rows[p * slots + slot];
                let difference = (p != self.reference).then(|| acc.summary());
                let nan = f64::NAN;
                let d = difference.map_or((String::new(), nan, nan, nan), |d| {
                    (d.n.to_string(), d.mean, d.ci_low, d.ci_high)
                });
                if let Some((stat, x)) = difference.as_ref().and_then(infinite_statistic) {
                    return Err(OutputError::NotFinite(format!(
                        "the {stat} of the paired difference in {} for {} between profiles {} and {reference} is {x}: its values are too large to summarise; nothing was written to comparison.csv",
                        row.metric, row.state, row.profile
                    )));
                }
                let [a, b, c, e, f, g] = &mut bufs;
                file.row([
                    row.profile.as_str(),
                    row.state.as_str(),
                    row.metric.as_str(),
                    &row.summary.n.to_string(),
                    number(a, row.summary.mean)?,
                    number(b, row.summary.ci_low)?,
                    number(c, row.summary.ci_high)?,
                    reference.as_str(),
                    d.0.as_str(),
                    number(e, d.1)?,
                    number(f, d.2)?,
                    number(g, d.3)?,
                ])?;
                out.push(ComparisonRow {
                    profile: row.profile.clone(),
                    state: row.state.clone(),
                    metric: row.metric.clone(),
                    summary: row.summary,
                    difference,
                });
            }
        }
        file.finish()?;
        Ok(out)
    }

    /// `retrodiction_pairs.csv`: for every fact (and the joint score) and
    /// pair of profiles, the ratio of their shares with its interval.
    fn write_ratios(&self, dir: &Path) -> Result<Vec<ShareRatio>, OutputError> {
        if self.scorer.is_empty() || self.profiles.len() < 2 {
            return Ok(Vec::new());
        }
        let mut file = CsvFile::create(
            dir,
            "retrodiction_pairs.csv",
            &[
                "fact",
                "profile",
                "versus",
                "runs",
                "both",
                "only_profile",
                "only_versus",
                "ratio",
                "ci_low",
                "ci_high",
            ],
        )?;
        let mut out = Vec::new();
        let mut bufs: [String; 3] = Default::default();
        for k in 0..=self.scorer.len() {
            for r in self.ratios(k) {
                let [a, b, c] = &mut bufs;
                file.row([
                    r.fact.as_str(),
                    r.profile.as_str(),
                    r.versus.as_str(),
                    &self.runs.to_string(),
                    &r.both.to_string(),
                    &r.only_profile.to_string(),
                    &r.only_versus.to_string(),
                    number(a, r.ratio)?,
                    number(b, r.ci_low)?,
                    number(c, r.ci_high)?,
                ])?;
                out.push(r);
            }
        }
        file.finish()?;
        Ok(out)
    }

    /// `verdict.csv`: the profiles ranked by the diagnostic evidence facts
    /// they match per run ([`crate::verdict`]).
    fn write_verdict(&self, dir: &Path) -> Result<Option<Verdict>, OutputError> {
        let Some(tally) = &self.verdict else {
            return Ok(None);
        };
        let diagnostic: Vec<Option<bool>> =
            (0..self.scorer.len()).map(|k| self.diagnostic(k)).collect();
        let verdict = tally.finish(self.world, self.profiles, &diagnostic, &self.matched_all);
        let mut file = CsvFile::create(dir, "verdict.csv", VERDICT_COLUMNS)?;
        let mut bufs: [String; 7] = Default::default();
        let facts = verdict.diagnostic.len().to_string();
        let blind = verdict.blind.join(" ");
        let nan = f64::NAN;
        for r in &verdict.ranking {
            let [a, b, c, d, e, f, g] = &mut bufs;
            let (behind, lo, hi) = r.behind.unwrap_or((nan, nan, nan));
            file.row([
                r.rank.to_string().as_str(),
                r.profile.as_str(),
                &verdict.runs.to_string(),
                &verdict.evidence.to_string(),
                facts.as_str(),
                number(a, r.mean)?,
                number(b, r.ci_low)?,
                number(c, r.ci_high)?,
                number(d, behind)?,
                number(e, lo)?,
                number(f, hi)?,
                &r.joint_matched.to_string(),
                number(g, r.joint_share)?,
                &r.identical_to.join(" "),
                blind.as_str(),
            ])?;
        }
        file.finish()?;
        Ok(Some(verdict))
    }

    fn write_retrodiction(&mut self, dir: &Path) -> Result<Vec<RetrodictionRow>, OutputError> {
        if self.scorer.is_empty() {
            return Ok(Vec::new());
        }
        let mut file = CsvFile::create(
            dir,
            "retrodiction.csv",
            &[
                "profile",
                "fact",
                "role",
                "description",
                "runs",
                "matched",
                "share",
                "ci_low",
                "ci_high",
                "diagnostic",
            ],
        )?;
        let mut out = Vec::new();
        let mut bufs: [String; 3] = Default::default();
        let diagnostic: Vec<Option<bool>> = (0..=self.scorer.len())
            .map(|k| self.diagnostic(k))
            .collect();
        for (p, profile) in self.profiles.iter().enumerate() {
            let facts = self
                .world
                .facts
                .iter()
                .zip(&self.matched[p])
                .map(|(f, &m)| (f.id.as_str(), f.role.as_str(), f.description.as_str(), m));
            let joint = std::iter::once((
                "all",
                "joint",
                "all evidence facts jointly",
                self.matched_all[p],
            ));
            for (k, (fact, role, description, matched)) in facts.chain(joint).enumerate() {
                let share = matched as f64 / self.runs.max(1) as f64;
                let (lo, hi) = wilson(matched, self.runs);
                let [a, b, c] = &mut bufs;
                let diag = diagnostic[k].map_or("", |d| if d { "true" } else { "false" });
                file.row([
                    profile.name.as_str(),
                    fact,
                    role,
                    description,
                    &self.runs.to_string(),
                    &matched.to_string(),
                    number(a, share)?,
                    number(b, lo)?,
                    number(c, hi)?,
                    diag,
                ])?;
                out.push(RetrodictionRow {
                    profile: profile.name.clone(),
                    fact: fact.to_string(),
                    role: role.to_string(),
                    description: description.to_string(),
                    runs: self.runs,
                    matched,
                    share,
                    ci_low: lo,
                    ci_high: hi,
                    diagnostic: diagnostic[k],
                });
            }
        }
        file.finish()?;
        Ok(out)
    }
}

/// Join the chunk files of a whole job, `sources[c]` being the directory that
/// holds chunk c, into the final CSVs in `out`, and compute every summary by
/// reading them back in run order. Every chunk file's bytes are checked, as
/// they are copied, against the SHA-256 recorded when it was written. With
/// `summary_only` the per-run files are not written (the summaries are still
/// read from the chunks). `fault` stops it half-way on purpose (tests of
/// crash recovery).
#[allow(clippy::too_many_arguments)]
pub fn assemble(
    out: &Path,
    sources: &[PathBuf],
    runs: u64,
    world: &World,
    catalogue: &Catalogue,
    profiles: &[Profile],
    reference: usize,
    streams: chunk::Streams,
    summary_only: bool,
    fault: Option<Fault>,
) -> Result<Written, OutputError> {
    use sha2::{Digest, Sha256};
    use std::io::{Read, Write};
    // A sweep point with --summary-only keeps none of the per-run files.
    let finals = chunk::Stream::all(streams)
        .iter()
        .filter(|s| s.is_final() && !summary_only);
    for (k, &stream) in finals.enumerate() {
        if k == 1 {
            Fault::at(Fault::MidAssembly, fault)?;
        }
        let path = out.join(stream.file());
        let partial = out.join(format!("{}.partial", stream.file()));
        let fail = |e: io::Error| OutputError::io(&partial, e);
        let mut w = BufWriter::with_capacity(1 << 16, File::create(&partial).map_err(fail)?);
        let mut header = csv::Writer::from_writer(Vec::new());
        header
            .write_record(stream.header())
            .map_err(|e| fail(e.into()))?;
        w.write_all(&header.into_inner().map_err(|e| fail(e.into_error()))?)
            .map_err(fail)?;
        let mut buf = vec![0u8; 1 << 16];
        for (c, dir) in sources.iter().enumerate() {
            let expected = chunk::recorded(dir, c as u64, stream, streams)?;
            let chunk = chunk::chunk_path(dir, c as u64, stream);
            let mut reader = File::open(&chunk).map_err(|e| OutputError::read(&chunk, e))?;
            let mut hasher = Sha256::new();
            loop {
                let n = reader
                    .read(&mut buf)
                    .map_err(|e| OutputError::read(&chunk, e))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                w.write_all(&buf[..n]).map_err(fail)?;
            }
            let actual: String = hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if actual != expected {
                return Err(OutputError::Corrupt {
                    path: chunk,
                    what: format!(
                        "its SHA-256 is {actual}, but {expected} was recorded when the chunk was written"
                    ),
                });
            }
        }
        let file = w.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        fs::rename(&partial, &path).map_err(|e| OutputError::io(&path, e))?;
    }
    let mut summariser = Summariser::new(world, catalogue, profiles, reference);
    for (c, dir) in sources.iter().enumerate() {
        chunk::verify(dir, c as u64, chunk::Stream::Choices, streams)?;
        let mut reader = chunk::ChunkReader::open(dir, c as u64, runs, world, catalogue, profiles)?;
        while let Some(run) = reader.next_run()? {
            summariser.push_run(&run);
        }
    }
    summariser.finish(out)
}

#[cfg(test)]
mod tests {
    use super::paired_ratio;

    #[test]
    fn the_paired_ratio_is_the_adjusted_margin_ratio_with_the_delta_method_interval() {
        // 30 runs matched under both, 20 under the first only, 5 under the
        // second only: ñ₁ = 51, ñ₂ = 36, variance (20 + 5 + 2)/(51·36).
        let (r, lo, hi) = paired_ratio(30, 20, 5);
        assert!((r - 51.0 / 36.0).abs() < 1e-15);
        let half = 1.959_963_984_540_054 * (27.0f64 / (51.0 * 36.0)).sqrt();
        assert!((lo - r * (-half).exp()).abs() < 1e-12);
        assert!((hi - r * half.exp()).abs() < 1e-12);
        assert!(lo > 1.0, "20 against 5 discordant runs tell the two apart");
        // Identical profiles: ratio 1, an interval around it.
        let (r, lo, hi) = paired_ratio(40, 0, 0);
        assert_eq!(r, 1.0);
        assert!(lo < 1.0 && hi > 1.0);
        // A profile that never matches keeps a finite ratio and interval.
        let (r, lo, hi) = paired_ratio(0, 0, 50);
        assert!(r > 0.0 && lo.is_finite() && hi < 1.0);
        // Symmetry: swapping the profiles inverts the ratio and the interval.
        let (r2, lo2, hi2) = paired_ratio(30, 5, 20);
        assert!((r2 - 36.0 / 51.0).abs() < 1e-15);
        let (_, lo1, hi1) = paired_ratio(30, 20, 5);
        assert!((lo2 - 1.0 / hi1).abs() < 1e-12 && (hi2 - 1.0 / lo1).abs() < 1e-12);
    }
}
