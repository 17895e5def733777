//! `statecraft explain`: one state's story in one traced run, read from a
//! results directory — each year's events involving the state and its
//! decisions, with the option chosen, its probability and the component of
//! the utility that decided it.
//!
//! The component that decided a choice is the largest contribution to the
//! utility difference between the chosen option and the best alternative
//! (the alternative with the highest utility): the term without which the
//! choice would most likely have gone the other way. When the logit rule drew
//! an option worse than the best, the story says so, and names the component
//! that put the best alternative ahead.

use crate::doctrine::Valuation;
use crate::job::TraceRuns;
use crate::output::chunk::DECISION_COLUMNS;
use crate::output::manifest;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Why a story cannot be told.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// A directory without the files, run, state or profile asked for.
    #[error("{0}")]
    Input(String),
    #[error("cannot read {path}: {what}")]
    Read { path: PathBuf, what: String },
}

fn read_error(path: &Path, e: impl std::fmt::Display) -> ExplainError {
    ExplainError::Read {
        path: path.to_path_buf(),
        what: e.to_string(),
    }
}

/// One option of a decision as read back.
#[derive(Clone, Debug)]
struct Choice {
    label: String,
    parts: [f64; 9],
    total: f64,
    probability: f64,
    chosen: bool,
}

/// One decision of the state.
#[derive(Clone, Debug)]
struct Decision {
    year: i32,
    name: String,
    options: Vec<Choice>,
}

/// What a job directory's `manifest.json` says that a story needs.
struct Job {
    profiles: Vec<String>,
    states: Vec<String>,
    trace: Option<TraceRuns>,
}

fn manifest(dir: &Path) -> Result<Job, ExplainError> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|_| {
        ExplainError::Input(format!(
            "{} is not a results directory of `run` or `compare`: it has no manifest.json",
            dir.display()
        ))
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| read_error(&path, e))?;
    let states = manifest::state_codes(&json);
    let trace = match json["trace"].as_str() {
        Some(t) => Some(t.parse().map_err(|e| read_error(&path, e))?),
        None => None,
    };
    Ok(Job {
        profiles: manifest::strings(&json["profiles"]),
        states,
        trace,
    })
}

/// The story of `state` in `run` under `profile` (the job's first profile if
/// `None`), from the traced results directory `dir`.
pub fn story(
    dir: &Path,
    run: u64,
    state: &str,
    profile: Option<&str>,
) -> Result<String, ExplainError> {
    let job = manifest(dir)?;
    let decisions_path = dir.join("decisions.csv");
    if !decisions_path.is_file() {
        return Err(ExplainError::Input(format!(
            "{} has no decisions.csv: its job traced no run; run it again with --trace {run} (and --out elsewhere, or --force)",
            dir.display()
        )));
    }
    let traced = job.trace.as_ref();
    if !traced.is_some_and(|t| t.contains(run)) {
        return Err(ExplainError::Input(format!(
            "run {run} was not traced in {}; its traced runs are {}",
            dir.display(),
            traced.map_or("none".to_string(), |t| t.to_string())
        )));
    }
    if !job.states.iter().any(|s| s == state) {
        return Err(ExplainError::Input(format!(
            "unknown state `{state}`; the scenario's states are {}",
            job.states.join(", ")
        )));
    }
    let profile = match profile {
        Some(p) if job.profiles.iter().any(|q| q == p) => p.to_string(),
        Some(p) => {
            return Err(ExplainError::Input(format!(
                "profile `{p}` is not in {}; its profiles are {}",
                dir.display(),
                job.profiles.join(", ")
            )));
        }
        None => job.profiles.first().cloned().unwrap_or_default(),
    };
    let decisions = read_decisions(&decisions_path, &profile, run, state)?;
    let events = read_events(&dir.join("events.csv"), &profile, run, state)?;

    let mut s = String::new();
    let others = if job.profiles.len() > 1 {
        format!(" (of {}: choose with --profile)", job.profiles.join(", "))
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "{state} in run {run} under profile {profile}{others}: {} decisions, {} events",
        decisions.len(),
        events.len()
    );
    let mut years: BTreeMap<i32, (Vec<String>, Vec<&Decision>)> = BTreeMap::new();
    for (year, e) in &events {
        years.entry(*year).or_default().0.push(e.clone());
    }
    for d in &decisions {
        years.entry(d.year).or_default().1.push(d);
    }
    for (year, (events, decisions)) in &years {
        let _ = writeln!(s, "\n{year}");
        for e in events {
            let _ = writeln!(s, "  event: {e}");
        }
        for d in decisions {
            let _ = writeln!(s, "  {}", describe(d));
        }
    }
    if decisions.is_empty() {
        let _ = writeln!(
            s,
            "\n{state} made no decision in this run (it plays fixed strategies, or does not act)"
        );
    }
    Ok(s)
}

/// One decision in a line: what was chosen, how likely it was, and what
/// decided it.
fn describe(d: &Decision) -> String {
    let Some(c) = d.options.iter().position(|o| o.chosen) else {
        return format!("{}: no option recorded as chosen", d.name);
    };
    let chosen = &d.options[c];
    if d.options.len() == 1 {
        return format!("{}: `{}`, the only option", d.name, chosen.label);
    }
    // The best alternative: the highest utility among the other options.
    let alt = (0..d.options.len())
        .filter(|&k| k != c)
        .max_by(|&a, &b| d.options[a].total.total_cmp(&d.options[b].total))
        .expect("two options or more");
    let other = &d.options[alt];
    let diff = chosen.total - other.total;
    let delta: Vec<f64> = (0..9).map(|k| chosen.parts[k] - other.parts[k]).collect();
    let head = format!(
        "{}: chose `{}` (p = {:.2}) over `{}` (p = {:.2}, {} options)",
        d.name,
        chosen.label,
        chosen.probability,
        other.label,
        other.probability,
        d.options.len()
    );
    let pick = |better: bool| {
        (0..9)
            .max_by(|&a, &b| {
                let (x, y) = (delta[a], delta[b]);
                if better {
                    x.total_cmp(&y)
                } else {
                    y.total_cmp(&x)
                }
            })
            .expect("nine components")
    };
    if diff >= 0.0 {
        let k = pick(true);
        if delta[k] <= 0.0 {
            return format!("{head}: a tie, no component apart");
        }
        format!(
            "{head}: decided by {} ({:+.3} of the {:+.3} utility lead)",
            Valuation::COMPONENTS[k],
            delta[k],
            diff
        )
    } else {
        let k = pick(false);
        format!(
            "{head}: drawn against the odds — `{}` was ahead by {:.3}, most on {} ({:+.3})",
            other.label,
            -diff,
            Valuation::COMPONENTS[k],
            -delta[k]
        )
    }
}

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>, ExplainError> {
    csv::Reader::from_path(path).map_err(|e| read_error(path, e))
}

fn read_decisions(
    path: &Path,
    profile: &str,
    run: u64,
    state: &str,
) -> Result<Vec<Decision>, ExplainError> {
    let mut rdr = reader(path)?;
    let header = rdr.headers().map_err(|e| read_error(path, e))?.clone();
    if header.iter().collect::<Vec<_>>() != DECISION_COLUMNS {
        return Err(read_error(path, "its header is not that of decisions.csv"));
    }
    let run = run.to_string();
    let mut out: Vec<Decision> = Vec::new();
    let mut last_step = String::new();
    let number = |r: &csv::StringRecord, k: usize| -> Result<f64, ExplainError> {
        match &r[k] {
            "" => Ok(f64::NAN),
            x => x
                .parse()
                .map_err(|_| read_error(path, format!("bad number `{x}`"))),
        }
    };
    for record in rdr.records() {
        let r = record.map_err(|e| read_error(path, e))?;
        if &r[0] != profile || r[1] != run || &r[3] != state {
            continue;
        }
        let mut parts = [0.0; 9];
        for (k, p) in parts.iter_mut().enumerate() {
            *p = number(&r, 8 + k)?;
        }
        let option = Choice {
            label: r[7].to_string(),
            parts,
            total: number(&r, 17)?,
            probability: number(&r, 18)?,
            chosen: &r[19] == "true",
        };
        if out.is_empty() || r[5] != last_step {
            last_step = r[5].to_string();
            out.push(Decision {
                year: r[2]
                    .parse()
                    .map_err(|_| read_error(path, format!("bad year `{}`", &r[2])))?,
                name: r[4].to_string(),
                options: Vec::new(),
            });
        }
        out.last_mut().expect("pushed").options.push(option);
    }
    Ok(out)
}

/// The events of `run` under `profile` in which `state` acts or is the
/// target, each as (year, text).
fn read_events(
    path: &Path,
    profile: &str,
    run: u64,
    state: &str,
) -> Result<Vec<(i32, String)>, ExplainError> {
    let mut rdr = reader(path)?;
    let run = run.to_string();
    let mut out = Vec::new();
    for record in rdr.records() {
        let r = record.map_err(|e| read_error(path, e))?;
        if r.len() < 8 || &r[0] != profile || r[1] != run || (&r[4] != state && &r[5] != state) {
            continue;
        }
        let year = r[2]
            .parse()
            .map_err(|_| read_error(path, format!("bad year `{}`", &r[2])))?;
        let mut text = format!("{} {}", &r[3], &r[4]);
        if !r[5].is_empty() {
            text += &format!(" → {}", &r[5]);
        }
        if !r[6].is_empty() {
            text += &format!(" in {}", &r[6]);
        }
        if !r[7].is_empty() {
            text += &format!(" ({})", &r[7]);
        }
        out.push((year, text));
    }
    Ok(out)
}
