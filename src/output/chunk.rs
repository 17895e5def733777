//! Chunk files: the unit of crash-safe, resumable and shardable output.
//!
//! Runs are grouped into fixed chunks of [`CHUNK_RUNS`] (chunk c holds runs
//! c·CHUNK_RUNS onwards). Each finished chunk's rows are persisted as files in
//! the results directory's `.chunks/` folder, written under a temporary name and
//! renamed into place, so a chunk file that exists is complete. The final CSVs
//! are the chunk files concatenated in chunk order under a header, and every
//! summary is computed by reading the chunk files back in order — one code path
//! for an uninterrupted run, a resumed one and merged shards, which is why their
//! outputs are byte-identical.

use super::{OutputError, number};
use crate::event::{Event, EventKind};
use crate::outcome::{Catalogue, RunOutcome};
use crate::world::{Profile, World};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Runs per chunk. Part of the output format: shards split work by chunks.
pub const CHUNK_RUNS: u64 = 128;

/// Folder of chunk files inside a results directory.
pub const CHUNK_DIR: &str = ".chunks";

/// The streamed CSV files, in the order they are assembled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Outcomes,
    Events,
    Timeseries,
    /// Every decision of the traced runs (`--trace`).
    Decisions,
    /// Each state's digest of its choices per (profile, run): kept in the
    /// chunks for the verdict's doctrine-blind states, never assembled into
    /// a final file.
    Choices,
}

/// The columns of `decisions.csv` (results/README.md); columns 8 to 16 are
/// [`Valuation::COMPONENTS`](crate::doctrine::Valuation::COMPONENTS), which a
/// test below holds them to.
pub const DECISION_COLUMNS: &[&str] = &[
    "profile",
    "run",
    "year",
    "state",
    "decision",
    "step",
    "option",
    "label",
    "own_now",
    "own_future",
    "others",
    "retaliation",
    "coercion",
    "reputation",
    "security",
    "norms",
    "dependence",
    "total",
    "probability",
    "chosen",
];

/// Which optional streams a job writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Streams {
    pub timeseries: bool,
    /// Some runs are traced (`decisions.csv`).
    pub trace: bool,
}

impl Stream {
    pub fn file(self) -> &'static str {
        match self {
            Stream::Outcomes => "outcomes.csv",
            Stream::Events => "events.csv",
            Stream::Timeseries => "timeseries.csv",
            Stream::Decisions => "decisions.csv",
            Stream::Choices => "choices.csv",
        }
    }

    pub fn header(self) -> &'static [&'static str] {
        match self {
            Stream::Outcomes => &["profile", "run", "state", "metric", "value"],
            Stream::Events => &[
                "profile",
                "run",
                "year",
                "kind",
                "actor",
                "target",
                "institution",
                "detail",
            ],
            Stream::Timeseries => &["profile", "run", "year", "state", "metric", "value"],
            Stream::Decisions => DECISION_COLUMNS,
            Stream::Choices => &["profile", "run", "choices"],
        }
    }

    /// Is the stream assembled into a final CSV of the results directory?
    pub fn is_final(self) -> bool {
        self != Stream::Choices
    }

    /// The streams a job writes, in the order of a chunk's record.
    pub fn all(streams: Streams) -> &'static [Stream] {
        use Stream::*;
        match (streams.timeseries, streams.trace) {
            (false, false) => &[Outcomes, Events, Choices],
            (true, false) => &[Outcomes, Events, Timeseries, Choices],
            (false, true) => &[Outcomes, Events, Decisions, Choices],
            (true, true) => &[Outcomes, Events, Timeseries, Decisions, Choices],
        }
    }
}

/// Number of chunks `runs` runs fill.
pub fn chunk_count(runs: u64) -> u64 {
    runs.div_ceil(CHUNK_RUNS)
}

/// The runs of chunk `index` among `runs` runs.
pub fn chunk_runs(index: u64, runs: u64) -> std::ops::Range<u64> {
    index * CHUNK_RUNS..((index + 1) * CHUNK_RUNS).min(runs)
}

pub fn chunk_path(dir: &Path, index: u64, stream: Stream) -> PathBuf {
    dir.join(CHUNK_DIR)
        .join(format!("{index:08}.{}", stream.file()))
}

/// The record of chunk `index`: the SHA-256 of each of its files, in the
/// format of `sha256sum` (`<hex>  <file name>`, one line per stream). Written
/// last, it is what commits the chunk: a chunk without it is unfinished.
pub fn record_path(dir: &Path, index: u64) -> PathBuf {
    dir.join(CHUNK_DIR).join(format!("{index:08}.sha256"))
}

/// SHA-256 of `bytes` as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The digests a chunk's record holds, by stream, if it has a readable
/// record naming exactly the streams of the job.
fn read_record(dir: &Path, index: u64, streams: Streams) -> Result<Option<Vec<String>>, String> {
    let path = record_path(dir, index);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("its record cannot be read: {e}")),
    };
    let streams = Stream::all(streams);
    let mut digests = Vec::with_capacity(streams.len());
    let mut lines = text.lines();
    for &stream in streams {
        let name = format!("{index:08}.{}", stream.file());
        let line = lines.next().unwrap_or_default();
        match line.split_once("  ") {
            Some((digest, file))
                if file == name
                    && digest.len() == 64
                    && digest.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                digests.push(digest.to_ascii_lowercase())
            }
            _ => {
                return Err(format!(
                    "its record {} has no SHA-256 line for {name}",
                    path.display()
                ));
            }
        }
    }
    if lines.next().is_some() {
        return Err(format!("its record {} has extra lines", path.display()));
    }
    Ok(Some(digests))
}

/// What a results directory holds of one chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChunkStatus {
    /// Not committed (no record): to be computed.
    Missing,
    /// Committed, but a file is missing or its bytes differ from the SHA-256
    /// recorded when it was written.
    Damaged { path: PathBuf, what: String },
    /// Committed, and (if checked) every file has the recorded SHA-256.
    Complete,
}

/// The state of chunk `index` in `dir`; with `verify`, every file of a
/// committed chunk is read and its SHA-256 compared with the record.
pub fn status(dir: &Path, index: u64, streams: Streams, verify: bool) -> ChunkStatus {
    let digests = match read_record(dir, index, streams) {
        Ok(Some(d)) => d,
        Ok(None) => return ChunkStatus::Missing,
        Err(what) => {
            return ChunkStatus::Damaged {
                path: record_path(dir, index),
                what,
            };
        }
    };
    for (&stream, expected) in Stream::all(streams).iter().zip(&digests) {
        let path = chunk_path(dir, index, stream);
        let damaged = |what: String| ChunkStatus::Damaged {
            path: path.clone(),
            what,
        };
        if !verify {
            if !path.is_file() {
                return damaged("the file is missing".into());
            }
            continue;
        }
        match file_sha256(&path) {
            Ok(actual) if &actual == expected => {}
            Ok(actual) => {
                return damaged(format!(
                    "its SHA-256 is {actual}, but {expected} was recorded when the chunk was written"
                ));
            }
            Err(e) => return damaged(format!("it cannot be read: {e}")),
        }
    }
    ChunkStatus::Complete
}

/// SHA-256 of a file's bytes, hex.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut hasher = Sha256::new();
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hex(&hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

/// The SHA-256 recorded for `stream` of chunk `index`, for [`super::assemble`]
/// to check the bytes it copies.
pub(super) fn recorded(
    dir: &Path,
    index: u64,
    stream: Stream,
    streams: Streams,
) -> Result<String, OutputError> {
    let position = Stream::all(streams).iter().position(|&s| s == stream);
    match (read_record(dir, index, streams), position) {
        (Ok(Some(digests)), Some(k)) => Ok(digests[k].clone()),
        (Ok(None), _) | (_, None) => Err(OutputError::Corrupt {
            path: record_path(dir, index),
            what: "the chunk has no record of its SHA-256".into(),
        }),
        (Err(what), _) => Err(OutputError::Corrupt {
            path: record_path(dir, index),
            what,
        }),
    }
}

/// Check that `stream` of chunk `index` still has the bytes its record
/// vouches for (for a stream read, not copied, by the assembly).
pub(super) fn verify(
    dir: &Path,
    index: u64,
    stream: Stream,
    streams: Streams,
) -> Result<(), OutputError> {
    let expected = recorded(dir, index, stream, streams)?;
    let path = chunk_path(dir, index, stream);
    let actual = file_sha256(&path).map_err(|e| OutputError::read(&path, e))?;
    if actual == expected {
        Ok(())
    } else {
        Err(OutputError::Corrupt {
            path,
            what: format!(
                "its SHA-256 is {actual}, but {expected} was recorded when the chunk was written"
            ),
        })
    }
}

/// Delete chunk `index`'s record and files (a damaged chunk, to be computed
/// again): the record first, so that a stop half-way leaves it unfinished.
pub fn discard(dir: &Path, index: u64) -> Result<(), OutputError> {
    let record = record_path(dir, index);
    let every = Streams {
        timeseries: true,
        trace: true,
    };
    let paths = std::iter::once(record).chain(
        Stream::all(every)
            .iter()
            .map(|&s| chunk_path(dir, index, s)),
    );
    for path in paths {
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(OutputError::io(&path, e));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Where a finished job's `.chunks/` is moved before it is deleted.
pub const RETIRED_DIR: &str = ".chunks-finished";

/// Delete a finished job's `.chunks/` (after its `manifest.json` is
/// written): renamed out of the way first, so that a stop while deleting
/// leaves a finished directory with no `.chunks/`, only leftovers under
/// [`RETIRED_DIR`] that the next job in the directory deletes.
pub fn retire(dir: &Path) -> Result<(), OutputError> {
    let folder = dir.join(CHUNK_DIR);
    let retired = dir.join(RETIRED_DIR);
    remove_retired(dir)?;
    match fs::rename(&folder, &retired) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        r => r.map_err(|e| OutputError::io(&folder, e))?,
    }
    remove_retired(dir)
}

/// Delete leftovers of an earlier [`retire`] stopped half-way.
pub fn remove_retired(dir: &Path) -> Result<(), OutputError> {
    let retired = dir.join(RETIRED_DIR);
    match fs::remove_dir_all(&retired) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(OutputError::io(&retired, e)),
        _ => Ok(()),
    }
}

/// Make the renames in `dir` durable (a no-op where directories cannot be
/// opened).
pub(super) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    let _ = dir;
    Ok(())
}

/// Rows of one chunk, formatted in memory and then persisted.
pub struct ChunkRows<'w> {
    world: &'w World,
    catalogue: &'w Catalogue,
    profiles: &'w [Profile],
    writers: Vec<(Stream, csv::Writer<Vec<u8>>)>,
    scratch: (String, String, String),
}

impl<'w> ChunkRows<'w> {
    pub fn new(
        world: &'w World,
        catalogue: &'w Catalogue,
        profiles: &'w [Profile],
        streams: Streams,
    ) -> Self {
        let writers = Stream::all(streams)
            .iter()
            .map(|&s| (s, csv::Writer::from_writer(Vec::new())))
            .collect();
        ChunkRows {
            world,
            catalogue,
            profiles,
            writers,
            scratch: Default::default(),
        }
    }

    /// Format one run under every profile (profiles in order).
    pub fn push_run(&mut self, outcomes: &[RunOutcome]) -> Result<(), OutputError> {
        let world = self.world;
        let (run, num, year) = &mut self.scratch;
        let io = |e: csv::Error| OutputError::io(Path::new(CHUNK_DIR), e.into());
        for (p, outcome) in outcomes.iter().enumerate() {
            let profile = self.profiles[p].name.as_str();
            run.clear();
            let _ = write!(run, "{}", outcome.run);
            for (stream, w) in &mut self.writers {
                match stream {
                    Stream::Outcomes => {
                        for (key, &value) in self.catalogue.keys.iter().zip(&outcome.values) {
                            let state = crate::outcome::state_code(world, key.state);
                            w.write_record([
                                profile,
                                run.as_str(),
                                state,
                                key.name.as_str(),
                                number(num, value)?,
                            ])
                            .map_err(io)?;
                        }
                    }
                    Stream::Events => {
                        for e in &outcome.events {
                            year.clear();
                            let _ = write!(year, "{}", e.year);
                            let code =
                                |s: Option<usize>| s.map_or("", |s| world.states[s].code.as_str());
                            let institution = e
                                .institution
                                .or_else(|| e.game.and_then(|g| world.games[g].institution))
                                .map_or("", |i| world.institutions[i].code.as_str());
                            let detail = match e.game {
                                Some(g) if e.detail.is_empty() => world.games[g].name.as_str(),
                                _ => e.detail.as_str(),
                            };
                            let actor = world.states[e.actor].code.as_str();
                            w.write_record([
                                profile,
                                run.as_str(),
                                year.as_str(),
                                e.kind.as_str(),
                                actor,
                                code(e.target),
                                institution,
                                detail,
                            ])
                            .map_err(io)?;
                        }
                    }
                    Stream::Timeseries => {
                        for t in &outcome.timeseries {
                            year.clear();
                            let _ = write!(year, "{}", t.year);
                            let name = t.series.name(world);
                            let state = world.states[t.state].code.as_str();
                            w.write_record([
                                profile,
                                run.as_str(),
                                year.as_str(),
                                state,
                                &name,
                                number(num, t.value)?,
                            ])
                            .map_err(io)?;
                        }
                    }
                    Stream::Decisions => {
                        for (step, d) in outcome.decisions.iter().enumerate() {
                            year.clear();
                            let _ = write!(year, "{}", d.year);
                            let state = world.states[d.state].code.as_str();
                            let (step, mut option) = (step.to_string(), String::new());
                            for (k, o) in d.options.iter().enumerate() {
                                option.clear();
                                let _ = write!(option, "{k}");
                                let v = &o.valuation;
                                let mut row: Vec<String> = [
                                    profile,
                                    run.as_str(),
                                    year.as_str(),
                                    state,
                                    d.decision.as_str(),
                                    step.as_str(),
                                    option.as_str(),
                                    o.label.as_str(),
                                ]
                                .map(str::to_string)
                                .to_vec();
                                let parts = v.components();
                                for x in parts.into_iter().chain([v.total(), o.probability]) {
                                    // + 0.0 writes a negative zero (no retaliation
                                    // expected, say) as 0.
                                    row.push(number(num, x + 0.0)?.to_string());
                                }
                                row.push(if k == d.chosen { "true" } else { "false" }.into());
                                w.write_record(&row).map_err(io)?;
                            }
                        }
                    }
                    Stream::Choices => {
                        let digests: Vec<String> = outcome
                            .choices
                            .iter()
                            .map(|c| format!("{c:016x}"))
                            .collect();
                        w.write_record([profile, run.as_str(), &digests.join(" ")])
                            .map_err(io)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Write the chunk's files into `dir/.chunks/` (temporary name, synced,
    /// then renamed), then commit the chunk by writing its record (the
    /// SHA-256 of every file) the same way.
    pub fn persist(self, dir: &Path, index: u64) -> Result<(), OutputError> {
        let folder = dir.join(CHUNK_DIR);
        fs::create_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
        let write = |path: &Path, bytes: &[u8]| -> Result<(), OutputError> {
            let partial = path.with_extension(match path.extension() {
                Some(e) => format!("{}.partial", e.to_string_lossy()),
                None => "partial".into(),
            });
            let write = || -> std::io::Result<()> {
                use std::io::Write;
                let mut f = File::create(&partial)?;
                f.write_all(bytes)?;
                f.sync_all()
            };
            write().map_err(|e| OutputError::io(&partial, e))?;
            fs::rename(&partial, path).map_err(|e| OutputError::io(path, e))
        };
        let mut record = String::new();
        for (stream, w) in self.writers {
            let path = chunk_path(dir, index, stream);
            let bytes = w
                .into_inner()
                .map_err(|e| OutputError::io(&path, e.into_error()))?;
            write(&path, &bytes)?;
            let _ = writeln!(
                record,
                "{}  {index:08}.{}",
                sha256_hex(&bytes),
                stream.file()
            );
        }
        // The files' names must be on disk before the record that vouches
        // for them.
        sync_dir(&folder).map_err(|e| OutputError::io(&folder, e))?;
        write(&record_path(dir, index), record.as_bytes())
    }
}

/// Reads the outcomes and events of chunk files back, run by run.
pub struct ChunkReader<'w> {
    catalogue: &'w Catalogue,
    profiles: &'w [Profile],
    states: HashMap<&'w str, usize>,
    institutions: HashMap<&'w str, usize>,
    outcomes: csv::Reader<BufReader<File>>,
    events: csv::Reader<BufReader<File>>,
    choices: csv::Reader<BufReader<File>>,
    next_event: Option<csv::StringRecord>,
    outcomes_path: PathBuf,
    events_path: PathBuf,
    choices_path: PathBuf,
    states_len: usize,
    /// The runs the chunk holds, still to read.
    runs: std::ops::Range<u64>,
}

impl<'w> ChunkReader<'w> {
    /// Open chunk `index` of a job of `total_runs` runs.
    pub fn open(
        dir: &Path,
        index: u64,
        total_runs: u64,
        world: &'w World,
        catalogue: &'w Catalogue,
        profiles: &'w [Profile],
    ) -> Result<Self, OutputError> {
        let open = |path: &Path| -> Result<csv::Reader<BufReader<File>>, OutputError> {
            let f = File::open(path).map_err(|e| OutputError::read(path, e))?;
            Ok(csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(BufReader::new(f)))
        };
        let (outcomes_path, events_path, choices_path) = (
            chunk_path(dir, index, Stream::Outcomes),
            chunk_path(dir, index, Stream::Events),
            chunk_path(dir, index, Stream::Choices),
        );
        let mut reader = ChunkReader {
            catalogue,
            profiles,
            states: world
                .states
                .iter()
                .enumerate()
                .map(|(i, s)| (s.code.as_str(), i))
                .collect(),
            institutions: world
                .institutions
                .iter()
                .enumerate()
                .map(|(i, s)| (s.code.as_str(), i))
                .collect(),
            outcomes: open(&outcomes_path)?,
            events: open(&events_path)?,
            choices: open(&choices_path)?,
            next_event: None,
            outcomes_path,
            events_path,
            choices_path,
            states_len: world.n_states(),
            runs: chunk_runs(index, total_runs),
        };
        reader.advance_event()?;
        Ok(reader)
    }

    fn corrupt(path: &Path, what: String) -> OutputError {
        OutputError::Corrupt {
            path: path.to_path_buf(),
            what,
        }
    }

    fn advance_event(&mut self) -> Result<(), OutputError> {
        let mut record = csv::StringRecord::new();
        let more = self
            .events
            .read_record(&mut record)
            .map_err(|e| Self::corrupt(&self.events_path, e.to_string()))?;
        if more && record.len() != Stream::Events.header().len() {
            return Err(Self::corrupt(
                &self.events_path,
                format!("a row with {} cells instead of 8", record.len()),
            ));
        }
        self.next_event = more.then_some(record);
        Ok(())
    }

    /// The next run's outcomes under every profile (values and events), or
    /// None once every run of the chunk has been read.
    pub fn next_run(&mut self) -> Result<Option<Vec<RunOutcome>>, OutputError> {
        let Some(run) = self.runs.next() else {
            // Every row must have been consumed by a run of this chunk.
            let mut record = csv::StringRecord::new();
            let extra = self
                .outcomes
                .read_record(&mut record)
                .map_err(|e| Self::corrupt(&self.outcomes_path, e.to_string()))?;
            if extra {
                return Err(Self::corrupt(
                    &self.outcomes_path,
                    "rows after the chunk's last run".into(),
                ));
            }
            if self.next_event.is_some() {
                return Err(Self::corrupt(
                    &self.events_path,
                    "rows that belong to no run of the chunk".into(),
                ));
            }
            if self
                .choices
                .read_record(&mut record)
                .map_err(|e| Self::corrupt(&self.choices_path, e.to_string()))?
            {
                return Err(Self::corrupt(
                    &self.choices_path,
                    "rows after the chunk's last run".into(),
                ));
            }
            return Ok(None);
        };
        let mut record = csv::StringRecord::new();
        let mut out = Vec::with_capacity(self.profiles.len());
        let path = self.outcomes_path.clone();
        let bad = |what: String| Self::corrupt(&path, what);
        for profile in self.profiles {
            let mut values = Vec::with_capacity(self.catalogue.len());
            for key in &self.catalogue.keys {
                if !self
                    .outcomes
                    .read_record(&mut record)
                    .map_err(|e| bad(e.to_string()))?
                {
                    return Err(bad(format!("the file ends before run {run}")));
                }
                if record.len() != Stream::Outcomes.header().len() {
                    return Err(bad(format!(
                        "a row with {} cells instead of 5",
                        record.len()
                    )));
                }
                if &record[0] != profile.name.as_str()
                    || &record[3] != key.name.as_str()
                    || record[1].parse::<u64>().ok() != Some(run)
                {
                    return Err(bad(format!(
                        "expected run {run}, {} {}; found run {}, {} {}",
                        profile.name, key.name, &record[1], &record[0], &record[3]
                    )));
                }
                let value = if record[4].is_empty() {
                    f64::NAN
                } else {
                    record[4]
                        .parse()
                        .map_err(|_| bad(format!("bad value `{}`", &record[4])))?
                };
                values.push(value);
            }
            let mut events = Vec::new();
            while let Some(e) = self.next_event.take() {
                if &e[0] != profile.name.as_str() || e[1].parse::<u64>().ok() != Some(run) {
                    self.next_event = Some(e);
                    break;
                }
                events.push(self.event(&e)?);
                self.advance_event()?;
            }
            let choices = self.next_choices(&profile.name, run)?;
            out.push(RunOutcome {
                run,
                values,
                events,
                timeseries: Vec::new(),
                solves: 0,
                decisions: Vec::new(),
                forecasts: Vec::new(),
                decision_count: 0,
                near_ties: 0,
                choices,
            });
        }
        Ok(Some(out))
    }

    /// The choice digests of `profile` in `run`: the next row of the chunk's
    /// choices file, which must be that one.
    fn next_choices(&mut self, profile: &str, run: u64) -> Result<Vec<u64>, OutputError> {
        let path = self.choices_path.clone();
        let bad = |what: String| Self::corrupt(&path, what);
        let mut record = csv::StringRecord::new();
        if !self
            .choices
            .read_record(&mut record)
            .map_err(|e| bad(e.to_string()))?
        {
            return Err(bad(format!("the file ends before run {run}")));
        }
        if record.len() != 3 || &record[0] != profile || record[1].parse::<u64>().ok() != Some(run)
        {
            return Err(bad(format!(
                "expected run {run} of {profile}, found `{}`",
                record.iter().collect::<Vec<_>>().join(",")
            )));
        }
        let digests = record[2]
            .split(' ')
            .filter(|d| !d.is_empty())
            .map(|d| u64::from_str_radix(d, 16))
            .collect::<Result<Vec<u64>, _>>()
            .map_err(|_| bad(format!("a bad digest in `{}`", &record[2])))?;
        if digests.len() != self.states_len {
            return Err(bad(format!(
                "{} digests for {} states",
                digests.len(),
                self.states_len
            )));
        }
        Ok(digests)
    }

    fn event(&self, e: &csv::StringRecord) -> Result<Event, OutputError> {
        let bad = |what: String| Self::corrupt(&self.events_path, what);
        let state = |code: &str| self.states.get(code).copied();
        let kind = EventKind::parse(&e[3])
            .ok_or_else(|| bad(format!("unknown event kind `{}`", &e[3])))?;
        let actor = state(&e[4]).ok_or_else(|| bad(format!("unknown state `{}`", &e[4])))?;
        let mut event = Event::new(kind, actor);
        event.year = e[2]
            .parse()
            .map_err(|_| bad(format!("bad year `{}`", &e[2])))?;
        event.target = state(&e[5]);
        event.institution = self.institutions.get(&e[6]).copied();
        event.detail = e[7].to_string();
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::DECISION_COLUMNS;
    use crate::doctrine::Valuation;

    #[test]
    fn decisions_csv_names_the_valuation_components_in_their_order() {
        assert_eq!(DECISION_COLUMNS[8..17], Valuation::COMPONENTS);
        assert_eq!(DECISION_COLUMNS[17], "total");
    }
}
