//! A calibration's generation shared out across processes or machines
//! (`statecraft calibrate --shard K/N`), without changing a bit of the result.
//!
//! ABC-SMC is sequential between generations and parallel within one: the
//! attempts of generation t depend only on (seed, t, attempt index) and on
//! population t − 1 ([`crate::abc`], "Sharding"). So a generation is shared
//! out like this:
//!
//! 1. **Shards.** `calibrate --out DIR --shard K/N` reads DIR's finished
//!    generations, plans the next one and simulates its attempts K, K + N,
//!    K + 2N, … until it has accepted ⌈particles / N⌉ of them (or reached the
//!    generation's limit). It writes them, after every batch, to
//!    `DIR/.abc/shards/generation-TTTT/shard-K-of-N/attempts.json` — with the
//!    SHA-256 of the run's identity and of the attempts — under a lock of its
//!    own, so N shards run at once in one directory (a shared file system),
//!    and a killed shard run again continues where it stopped.
//! 2. **The step that joins them.** `calibrate --out DIR --resume` takes
//!    every shard's attempts of the next generation, checks each against the
//!    proposal the plan makes at its index, simulates the attempts no shard
//!    computed, and finishes the generation exactly as a run without shards
//!    would ([`crate::abc::Abc::step_with`]); then it goes on to the next
//!    generations itself, up to `--generations`.
//!
//! Between the two, the shards' files can be copied from machine to machine:
//! they are checked, not trusted. A file that is damaged, holds an attempt
//! its population would not have proposed, or comes from another
//! architecture or operating system is ignored with a notice, and its
//! attempts are simulated again: a bad file costs time, never a changed
//! result. A shard whose simulation fails stops at that attempt and leaves
//! it to the joining step, which fails on it only if the generation needs
//! it.

use super::{CalibrateError, Identity, Problem, Settings, check_identity, engine_error};
use super::{generation_file, load_generations, write_identity};
use crate::abc::{Abc, Attempt, MAX_ATTEMPTS};
use crate::job::{Progress, Shard};
use crate::output::chunk::sha256_hex;
use crate::output::lock::{self, DirLock};
use crate::output::{self, OutputError};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The file of a shard's attempts, in its own directory.
const ATTEMPTS: &str = "attempts.json";

/// One shard's attempts of one generation, as written to disk.
#[derive(Serialize, Deserialize)]
struct ShardFile {
    /// SHA-256 of the run's `identity.json`.
    run: String,
    /// The machine's architecture and operating system ([`platform`]).
    platform: String,
    generation: u32,
    shard: Shard,
    /// SHA-256 of the attempts' JSON.
    sha256: String,
    attempts: Vec<Attempt>,
}

/// What a shard did.
pub struct ShardDone {
    /// The generation it worked on; `None` when the run needs no more.
    pub generation: Option<u32>,
    pub attempts: usize,
    pub accepted: usize,
    /// Its file (when it worked on a generation).
    pub path: PathBuf,
}

/// The directory of the shards of generation `t`.
fn generation_dir(store: &Path, t: u32) -> PathBuf {
    store.join("shards").join(format!("generation-{t:04}"))
}

fn identity_sha(identity: &Identity) -> String {
    sha256_hex(&identity.to_json())
}

/// Where a shard ran: distances are trusted from machines of the same
/// architecture and system only, whose floating-point mathematics (the
/// system's `exp`, `ln`, `powf`) is the one the joining step would use.
fn platform() -> String {
    format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS)
}

/// Simulate shard `shard`'s attempts of the generation after the last
/// finished one in `dir` (see the module's description).
pub fn run(
    problem: &Problem,
    settings: &Settings,
    dir: &Path,
    shard: Shard,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<ShardDone, CalibrateError> {
    let abc = Abc::new(problem.models(), settings.config(problem.profiles.len()))
        .map_err(|e| CalibrateError::Input(format!("cannot calibrate: {e}")))?;
    if shard.count > MAX_ATTEMPTS {
        return Err(CalibrateError::Input(format!(
            "--shard {shard}: a generation has at most {MAX_ATTEMPTS} attempts, so at most that many shards"
        )));
    }
    let store = dir.join(super::ABC_DIR);
    let identity = problem.identity(settings);
    if store.join("identity.json").exists() {
        let what = (
            "cannot run a shard in",
            "give the shard the flags of the calibration there, or another --out",
        );
        check_identity(&store, &identity, dir, what)?;
    } else {
        // Shards starting at once write the same bytes, each atomically.
        write_identity(&store, &identity)?;
    }
    let generations = load_generations(&store, dir)?;
    let t = generations.len() as u32;
    let last = generations.last();
    if abc.stop(last).is_some() {
        return Ok(ShardDone {
            generation: None,
            attempts: 0,
            accepted: 0,
            path: dir.to_path_buf(),
        });
    }
    let plan = abc.plan(last).map_err(|e| engine_error(e.widen()))?;
    let own = generation_dir(&store, t).join(format!("shard-{}-of-{}", shard.index, shard.count));
    let _lock = DirLock::acquire(&own)?;
    let run_sha = identity_sha(&identity);
    let path = own.join(ATTEMPTS);
    let mut done = match read(&path) {
        Ok(None) => Vec::new(),
        Ok(Some(f)) => {
            let indices_ok = f
                .attempts
                .iter()
                .enumerate()
                .all(|(j, a)| a.index == shard.index + j as u64 * shard.count);
            let checked = f.run == run_sha
                && f.generation == t
                && f.shard == shard
                && indices_ok
                && f.attempts
                    .iter()
                    .all(|a| abc.check_attempt(&plan, a).is_ok());
            if checked {
                f.attempts
            } else {
                progress.notice(&format!(
                    "{} holds attempts of another run or generation; simulating shard {shard} again",
                    path.display()
                ));
                Vec::new()
            }
        }
        Err(why) => {
            progress.notice(&format!(
                "{} is damaged ({why}); simulating shard {shard} again",
                path.display()
            ));
            Vec::new()
        }
    };
    progress.start(
        plan.shard_target(shard.count) as u64,
        plan.accepted(&done) as u64,
    );
    let simulate = |m: usize, p: &[f64], rng: &mut ChaCha8Rng| problem.simulate(m, p, rng);
    let finished_elsewhere = || store.join(generation_file(t)).exists();
    while let Some(batch) = abc.shard_batch(&plan, last, shard.index, shard.count, &done) {
        if cancel.load(Ordering::Relaxed) {
            return Err(CalibrateError::Interrupted(format!(
                "interrupted; shard {shard}'s {} attempts of generation {t} are kept in {} — run the same command to finish it",
                done.len(),
                path.display()
            )));
        }
        if finished_elsewhere() {
            break;
        }
        let mut failure = None;
        for r in abc.evaluate_at(&plan, &batch, &simulate) {
            match r {
                Ok(a) => done.push(a),
                Err(e) => {
                    failure = Some(engine_error(e));
                    break;
                }
            }
        }
        write(&own, &run_sha, t, shard, &done)?;
        if let Some(e) = failure {
            // The shard stops here: the attempt matters only if the
            // generation needs it, and then the step that joins the shards
            // meets the same failure and reports it, as a run without shards
            // would.
            progress.notice(&format!(
                "shard {shard} stops at a failed attempt, left to the step that joins the shards: {e}"
            ));
            break;
        }
        progress.set(plan.accepted(&done) as u64);
    }
    Ok(ShardDone {
        generation: Some(t),
        attempts: done.len(),
        accepted: plan.accepted(&done),
        path,
    })
}

/// Write a shard's attempts atomically, with their checksums.
fn write(
    own: &Path,
    run: &str,
    generation: u32,
    shard: Shard,
    attempts: &[Attempt],
) -> Result<(), CalibrateError> {
    let body = serde_json::to_vec(attempts).expect("attempts serialise");
    let file = ShardFile {
        run: run.to_string(),
        platform: platform(),
        generation,
        shard,
        sha256: sha256_hex(&body),
        attempts: attempts.to_vec(),
    };
    let json = serde_json::to_vec(&file).expect("a shard file serialises");
    output::write_atomic(own, ATTEMPTS, &json)?;
    Ok(())
}

/// A shard file, `None` if there is none, or why it cannot be used.
fn read(path: &Path) -> Result<Option<ShardFile>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let file: ShardFile = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let body = serde_json::to_vec(&file.attempts).expect("attempts serialise");
    if sha256_hex(&body) != file.sha256 {
        return Err("its attempts do not match their recorded SHA-256".into());
    }
    Ok(Some(file))
}

/// Every shard's attempts of generation `t` of the run `identity` in
/// `store`, by attempt index. A file is used only if every attempt in it
/// passes `check` (its proposal is the plan's); files of another run,
/// generation or platform, damaged ones and ones that fail the check are
/// left out with a notice: their attempts are simulated again, which costs
/// time, never a changed result.
pub(super) fn attempts(
    store: &Path,
    identity: &Identity,
    t: u32,
    check: &dyn Fn(&Attempt) -> bool,
    progress: &dyn Progress,
) -> Result<BTreeMap<u64, Attempt>, CalibrateError> {
    let mut known = BTreeMap::new();
    let dir = generation_dir(store, t);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(known);
    };
    let mut shards: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    shards.sort();
    let run = identity_sha(identity);
    for shard in shards {
        let path = shard.join(ATTEMPTS);
        let why = match read(&path) {
            Ok(None) => continue,
            Err(why) => why,
            Ok(Some(f)) if f.run != run || f.generation != t => {
                "it holds attempts of another run or generation".to_string()
            }
            Ok(Some(f)) if f.platform != platform() => format!(
                "it was computed on {}, not {}, whose floating-point results may differ",
                f.platform,
                platform()
            ),
            Ok(Some(f)) => match f.attempts.iter().find(|a| !check(a)) {
                Some(a) => format!(
                    "its attempt {} was not proposed from this population; delete {}",
                    a.index,
                    dir.display()
                ),
                None => {
                    for a in f.attempts {
                        if let Some(other) = known.get(&a.index)
                            && other != &a
                        {
                            return Err(CalibrateError::Runtime(format!(
                                "two shards of generation {t} disagree on attempt {} ({} is one of them); delete {} and run the shards again",
                                a.index,
                                path.display(),
                                dir.display()
                            )));
                        }
                        known.insert(a.index, a);
                    }
                    continue;
                }
            },
        };
        progress.notice(&format!(
            "ignoring {} ({why}): its attempts are simulated here",
            path.display()
        ));
    }
    Ok(known)
}

/// Delete the shards' files of every generation up to finished generation
/// `t`, except those a shard still holds (it sees the generation finished and
/// stops; the next finished generation sweeps its directory).
pub(super) fn remove(store: &Path, t: u32) -> Result<(), OutputError> {
    let root = store.join("shards");
    let Ok(generations) = std::fs::read_dir(&root) else {
        return Ok(());
    };
    for dir in generations.filter_map(|e| e.ok().map(|e| e.path())) {
        let number = dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("generation-"))
            .and_then(|n| n.parse::<u32>().ok());
        if number.is_none_or(|g| g > t) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for shard in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if lock::in_use(&shard).is_none() {
                std::fs::remove_dir_all(&shard).map_err(|e| OutputError::io(&shard, e))?;
            }
        }
        // Left in place if a shard still holds its directory.
        let _ = std::fs::remove_dir(&dir);
    }
    let _ = std::fs::remove_dir(&root);
    Ok(())
}

/// Whether any shard has written attempts of generation `t`.
pub(super) fn exist(store: &Path, t: u32) -> bool {
    generation_dir(store, t).is_dir()
}
