//! `statecraft report`: one self-contained page, `report.html`, for any
//! results directory — the verdict, figures as inline SVG (each also written
//! to `report/<name>.svg`, with the CSV it was drawn from named under it) and
//! tables. No script, no style sheet or font from elsewhere, no network: the
//! page opens from a disk, a mail attachment or an archive as it is.
//!
//! It reads only the directory's files, never the scenario: a job directory
//! (`manifest.json`: run, compare, merge, a sweep's point), a sweep
//! directory (`sweep.json` and `sweep.csv`) or a trade what-if (`trade.csv`).
//! Files of analyses still to come — `sensitivity.csv` (sensitivity indices)
//! and `particles.csv` (a calibration's weighted particles) — are drawn when
//! present in any results directory, or in a directory that holds only them.
//! Large files are streamed; per-year quantiles use the bounded
//! [`crate::stats::Accumulator`], so memory does not grow with the runs.

mod plot;

use crate::output::{OutputError, REPORT_DIR, manifest, write_atomic};
use crate::stats::Accumulator;
use plot::{Panel, Point};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Why a report cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Not a results directory, or an unknown state asked for.
    #[error("{0}")]
    Input(String),
    #[error("cannot read {path}: {what}")]
    Read { path: PathBuf, what: String },
    #[error(transparent)]
    Write(#[from] OutputError),
}

fn read_error(path: &Path, e: impl std::fmt::Display) -> PageError {
    PageError::Read {
        path: path.to_path_buf(),
        what: e.to_string(),
    }
}

/// One figure of the page.
#[derive(Clone, Debug)]
pub struct Figure {
    /// Its file under `report/`, without `.svg`; also its anchor on the page.
    pub name: String,
    pub title: String,
    /// The CSV files it was drawn from.
    pub sources: Vec<String>,
    pub svg: String,
}

/// What a finished report wrote.
#[derive(Clone, Debug)]
pub struct Written {
    pub html: PathBuf,
    pub figures: Vec<Figure>,
    /// What the page says could not be drawn, and why.
    pub notes: Vec<String>,
}

/// A page under construction: sections of HTML and the figures among them.
#[derive(Default)]
struct Page {
    body: String,
    figures: Vec<Figure>,
    notes: Vec<String>,
}

impl Page {
    fn heading(&mut self, text: &str) {
        let _ = writeln!(self.body, "<h2>{}</h2>", esc(text));
    }

    fn para(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p>{}</p>", esc(text));
    }

    fn note(&mut self, text: String) {
        let _ = writeln!(self.body, "<p class=\"note\">{}</p>", esc(&text));
        self.notes.push(text);
    }

    fn figure(
        &mut self,
        name: String,
        title: String,
        sources: &[&str],
        svg: Result<String, String>,
    ) {
        let svg = match svg {
            Ok(svg) => svg,
            Err(e) => {
                self.note(format!("{title}: could not be drawn ({e})"));
                return;
            }
        };
        // A file name: every character outside [A-Za-z0-9._-] becomes `-`.
        let name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let links: Vec<String> = sources
            .iter()
            .map(|s| format!("<code>{}</code>", esc(s)))
            .collect();
        // Inline SVG needs no namespace in HTML; leaving it out keeps every
        // URL off the page.
        let inline = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
        let _ = writeln!(
            self.body,
            "<figure id=\"{name}\">\n<h3>{}</h3>\n{inline}\n<figcaption>Drawn from {}; also <a href=\"{REPORT_DIR}/{name}.svg\">{REPORT_DIR}/{name}.svg</a>.</figcaption>\n</figure>",
            esc(&title),
            links.join(" and ")
        );
        self.figures.push(Figure {
            name,
            title,
            sources: sources.iter().map(|s| s.to_string()).collect(),
            svg,
        });
    }

    fn table(&mut self, caption: &str, header: &[String], rows: &[Vec<String>]) {
        let _ = writeln!(
            self.body,
            "<table>\n<caption>{}</caption>\n<tr>",
            esc(caption)
        );
        for h in header {
            let _ = write!(self.body, "<th>{}</th>", esc(h));
        }
        let _ = writeln!(self.body, "</tr>");
        for row in rows {
            let _ = write!(self.body, "<tr>");
            for (k, cell) in row.iter().enumerate() {
                let tag = if k == 0 { "th" } else { "td" };
                let _ = write!(self.body, "<{tag}>{}</{tag}>", esc(cell));
            }
            let _ = writeln!(self.body, "</tr>");
        }
        let _ = writeln!(self.body, "</table>");
    }
}

/// `text` safe inside HTML.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A CSV file read whole into named columns (the small summary files).
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Result<Option<Table>, PageError> {
        if !path.is_file() {
            return Ok(None);
        }
        let mut rdr = csv::Reader::from_path(path).map_err(|e| read_error(path, e))?;
        let header = rdr
            .headers()
            .map_err(|e| read_error(path, e))?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = rdr
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .map_err(|e| read_error(path, e))?;
        Ok(Some(Table { header, rows }))
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Column `name`'s index, or a located error: the file, its header line,
    /// the column missing and the columns it has.
    fn need(&self, path: &Path, name: &str) -> Result<usize, PageError> {
        self.col(name).ok_or_else(|| {
            PageError::Input(format!(
                "{}:1: no column `{name}` in the header (it has {})",
                path.display(),
                self.header.join(", ")
            ))
        })
    }
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

/// What a job's `manifest.json` tells the page.
struct Job {
    command: String,
    scenario: String,
    title: String,
    runs: u64,
    seed: u64,
    profiles: Vec<String>,
    states: Vec<String>,
    /// The state index each fact is about, by fact id.
    fact_states: Vec<Option<usize>>,
    timeseries: bool,
    trace: Option<String>,
}

fn read_json(path: &Path) -> Result<serde_json::Value, PageError> {
    let text = std::fs::read_to_string(path).map_err(|e| read_error(path, e))?;
    serde_json::from_str(&text).map_err(|e| read_error(path, e))
}

impl Job {
    fn read(path: &Path) -> Result<Job, PageError> {
        let json = read_json(path)?;
        let p = &json["parameters"];
        let states = manifest::state_codes(&json);
        // A fact is about its `state`, else the target of an event, else its actor.
        let fact_states = p["facts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|f| f["role"].as_str() != Some("calibration"))
                    .map(|f| {
                        let inner = f["fact"].as_object().and_then(|o| o.values().next());
                        inner.and_then(|v| {
                            ["state", "target", "actor"]
                                .iter()
                                .find_map(|k| v[k].as_u64())
                                .map(|x| x as usize)
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Job {
            command: json["command"].as_str().unwrap_or("").to_string(),
            scenario: json["scenario"]["name"].as_str().unwrap_or("").to_string(),
            title: p["title"].as_str().unwrap_or("").to_string(),
            runs: json["runs"].as_u64().unwrap_or(0),
            seed: json["seed"].as_u64().unwrap_or(0),
            profiles: manifest::strings(&json["profiles"]),
            states,
            fact_states,
            timeseries: json["timeseries"].as_bool().unwrap_or(false),
            trace: json["trace"].as_str().map(str::to_string),
        })
    }

    /// The states the page draws: those asked for (`all` for every one),
    /// else the `--focus` state of a comparison (its profiles are
    /// `scenario` and `CODE_<doctrine>`), else the state most evidence facts
    /// are about, else the first.
    fn focus(&self, asked: &[String]) -> Result<Vec<String>, PageError> {
        if asked.iter().any(|s| s == "all") {
            return Ok(self.states.clone());
        }
        if !asked.is_empty() {
            for s in asked {
                if !self.states.contains(s) {
                    return Err(PageError::Input(format!(
                        "unknown state `{s}` for --state; the scenario's states are {} (or all)",
                        self.states.join(", ")
                    )));
                }
            }
            return Ok(asked.to_vec());
        }
        let focus: BTreeSet<&str> = self
            .profiles
            .iter()
            .filter(|p| *p != "scenario")
            .filter_map(|p| p.split_once('_').map(|(code, _)| code))
            .collect();
        let doctrines = ["neorealist", "neoliberal", "constructivist"];
        let all_focus = self.profiles.iter().filter(|p| *p != "scenario").all(|p| {
            p.split_once('_')
                .is_some_and(|(c, d)| self.states.iter().any(|s| s == c) && doctrines.contains(&d))
        });
        if all_focus && focus.len() == 1 {
            return Ok(vec![focus.into_iter().next().expect("one").to_string()]);
        }
        let mut counts = vec![0usize; self.states.len()];
        for s in self.fact_states.iter().flatten() {
            if let Some(c) = counts.get_mut(*s) {
                *c += 1;
            }
        }
        let best = (0..counts.len()).max_by(|&a, &b| counts[a].cmp(&counts[b]).then(b.cmp(&a)));
        Ok(best
            .map(|s| vec![self.states[s].clone()])
            .unwrap_or_default())
    }
}

/// Make `report.html` and `report/*.svg` in `dir`, drawing the `states`
/// asked for (see [`Job::focus`]). Both are rewritten every time.
pub fn build(dir: &Path, states: &[String]) -> Result<Written, PageError> {
    let mut page = Page::default();
    let title;
    if dir.join("manifest.json").is_file() {
        let job = Job::read(&dir.join("manifest.json"))?;
        if read_json(&dir.join("manifest.json"))?["shard"].is_string() {
            return Err(PageError::Input(format!(
                "{} holds one shard of a job, not its results: join the shards with statecraft merge and report on the merged directory",
                dir.display()
            )));
        }
        title = format!("{} — {}", job.scenario, job.command);
        job_page(&mut page, dir, &job, &job.focus(states)?)?;
    } else if dir.join("sweep.json").is_file() {
        title = "sweep".to_string();
        sweep_page(&mut page, dir, states)?;
    } else if dir.join("trade.csv").is_file() {
        title = "trade what-if".to_string();
        trade_page(&mut page, dir)?;
    } else if dir.join("sensitivity.csv").is_file() || dir.join("particles.csv").is_file() {
        title = "sensitivity and calibration".to_string();
    } else {
        return Err(PageError::Input(format!(
            "{} is not a results directory: it has no manifest.json (run, compare, merge), sweep.json (sweep), trade.csv (trade), sensitivity.csv or particles.csv",
            dir.display()
        )));
    }
    extras(&mut page, dir)?;
    let figures_dir = dir.join(REPORT_DIR);
    if figures_dir.is_dir() {
        std::fs::remove_dir_all(&figures_dir).map_err(|e| OutputError::io(&figures_dir, e))?;
    }
    std::fs::create_dir_all(&figures_dir).map_err(|e| OutputError::io(&figures_dir, e))?;
    for f in &page.figures {
        write_atomic(&figures_dir, &format!("{}.svg", f.name), f.svg.as_bytes())?;
    }
    let html = html(&title, &page);
    let path = write_atomic(dir, "report.html", html.as_bytes())?;
    Ok(Written {
        html: path,
        figures: page.figures,
        notes: page.notes,
    })
}

fn html(title: &str, page: &Page) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 960px; margin: 2em auto; padding: 0 1em; color: #222; }}\n\
         figure {{ margin: 2em 0; }} figure svg {{ max-width: 100%; height: auto; }}\n\
         figcaption, .note {{ color: #555; font-size: 0.9em; }}\n\
         pre {{ background: #f6f6f6; padding: 0.8em; overflow-x: auto; }}\n\
         table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }}\n\
         th, td {{ border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; }}\n\
         caption {{ text-align: left; font-weight: bold; padding: 0.3em 0; }}\n\
         </style>\n</head>\n<body>\n<h1>{t}</h1>\n",
        t = esc(title)
    );
    if !page.figures.is_empty() {
        let _ = writeln!(s, "<p>Figures:</p>\n<ol>");
        for f in &page.figures {
            let _ = writeln!(s, "<li><a href=\"#{}\">{}</a></li>", f.name, esc(&f.title));
        }
        let _ = writeln!(s, "</ol>");
    }
    s += &page.body;
    let _ = writeln!(
        s,
        "<p class=\"note\">Made by statecraft {} from the files of this directory (results/README.md describes every column).</p>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    s
}

/// A job directory: verdict, facts, paired differences, yearly fans, the
/// key metrics' table.
fn job_page(page: &mut Page, dir: &Path, job: &Job, focus: &[String]) -> Result<(), PageError> {
    let mut about = format!(
        "{} runs of {} under {} (seed {}): {}.",
        job.runs,
        job.scenario,
        if job.profiles.len() == 1 {
            "one profile".to_string()
        } else {
            format!("{} profiles", job.profiles.len())
        },
        job.seed,
        job.profiles.join(", ")
    );
    if !job.title.is_empty() {
        about = format!("{}. {about}", job.title);
    }
    if let Some(t) = &job.trace {
        about += &format!(
            " Traced runs: {t} (decisions.csv; statecraft explain tells one state's story)."
        );
    }
    page.para(&about);
    if let Some(verdict) = read_verdict(dir)? {
        page.heading("Verdict");
        let _ = writeln!(
            page.body,
            "<pre>{}</pre>",
            esc(&crate::report::verdict_text(&verdict, 100))
        );
    }
    facts_figure(page, dir)?;
    if job.profiles.len() > 1 {
        for state in focus {
            forest_figure(page, dir, state)?;
        }
    }
    if job.timeseries {
        fan_figures(page, dir, focus, &job.profiles)?;
    } else {
        page.note("No yearly fan charts: the job was run without --timeseries.".into());
    }
    metrics_table(page, dir, focus, &job.profiles)?;
    Ok(())
}

/// The verdict as `compare` printed it, read back from `verdict.csv` (and
/// the diagnostic facts from `retrodiction.csv`).
fn read_verdict(dir: &Path) -> Result<Option<crate::verdict::Verdict>, PageError> {
    let path = dir.join("verdict.csv");
    let Some(t) = Table::read(&path)? else {
        return Ok(None);
    };
    let c = |name: &str| t.need(&path, name);
    let (rank, profile, runs, evidence) = (c("rank")?, c("profile")?, c("runs")?, c("evidence")?);
    let (mean, lo, hi) = (c("mean")?, c("ci_low")?, c("ci_high")?);
    let (b, blo, bhi) = (c("behind_best")?, c("behind_ci_low")?, c("behind_ci_high")?);
    let (jm, js, same, blind) = (
        c("joint_matched")?,
        c("joint_share")?,
        c("identical_to")?,
        c("doctrine_blind")?,
    );
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_string).collect() };
    let ranking: Vec<crate::verdict::Ranked> = t
        .rows
        .iter()
        .map(|r| crate::verdict::Ranked {
            profile: r[profile].clone(),
            rank: r[rank].parse().unwrap_or(0),
            mean: num(&r[mean]),
            ci_low: num(&r[lo]),
            ci_high: num(&r[hi]),
            behind: (!r[b].is_empty()).then(|| (num(&r[b]), num(&r[blo]), num(&r[bhi]))),
            joint_matched: r[jm].parse().unwrap_or(0),
            joint_share: num(&r[js]),
            identical_to: words(&r[same]),
        })
        .collect();
    let Some(first) = t.rows.first() else {
        return Ok(None);
    };
    let rpath = dir.join("retrodiction.csv");
    let diagnostic = match Table::read(&rpath)? {
        Some(rt) => {
            let (p, f, role, d) = (
                rt.need(&rpath, "profile")?,
                rt.need(&rpath, "fact")?,
                rt.need(&rpath, "role")?,
                rt.need(&rpath, "diagnostic")?,
            );
            rt.rows
                .iter()
                .filter(|r| r[p] == rt.rows[0][p] && r[role] == "evidence" && r[d] == "true")
                .map(|r| r[f].clone())
                .collect()
        }
        None => Vec::new(),
    };
    Ok(Some(crate::verdict::Verdict {
        runs: first[runs].parse().unwrap_or(0),
        evidence: first[evidence].parse().unwrap_or(0),
        diagnostic,
        ranking,
        blind: words(&first[blind]),
    }))
}

/// Facts × profiles: each profile's share of runs matching each fact, with
/// its Wilson interval.
fn facts_figure(page: &mut Page, dir: &Path) -> Result<(), PageError> {
    let path = dir.join("retrodiction.csv");
    let Some(t) = Table::read(&path)? else {
        page.note(
            "No facts chart: the scenario has no [[expect]] facts (no retrodiction.csv).".into(),
        );
        return Ok(());
    };
    let (p, f, role, d) = (
        t.need(&path, "profile")?,
        t.need(&path, "fact")?,
        t.need(&path, "role")?,
        t.need(&path, "diagnostic")?,
    );
    let (share, lo, hi) = (
        t.need(&path, "share")?,
        t.need(&path, "ci_low")?,
        t.need(&path, "ci_high")?,
    );
    let mut profiles: Vec<String> = Vec::new();
    let mut facts: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut cells: HashMap<(usize, usize), Point> = HashMap::new();
    for r in &t.rows {
        let pi = match profiles.iter().position(|x| *x == r[p]) {
            Some(i) => i,
            None => {
                profiles.push(r[p].clone());
                profiles.len() - 1
            }
        };
        let fi = match facts.iter().position(|x| *x == r[f]) {
            Some(i) => i,
            None => {
                facts.push(r[f].clone());
                let name = if r[f] == "all" {
                    "all evidence facts jointly".to_string()
                } else {
                    r[f].clone()
                };
                labels.push(match (r[role].as_str(), r[d].as_str()) {
                    ("calibration", _) => format!("{name} (calibration)"),
                    (_, "false") => format!("{name} (=)"),
                    _ => name,
                });
                facts.len() - 1
            }
        };
        cells.insert(
            (fi, pi),
            Point {
                value: num(&r[share]),
                low: num(&r[lo]),
                high: num(&r[hi]),
            },
        );
    }
    let svg = plot::dots(
        "Share of runs matching each fact (95% Wilson interval; = not diagnostic)",
        "share of runs matching",
        &labels,
        &profiles,
        &|i, s| cells.get(&(i, s)).copied(),
        (0.0, 1.0),
        false,
    );
    page.heading("Facts");
    page.figure(
        "facts".into(),
        "Facts × profiles".into(),
        &["retrodiction.csv"],
        svg,
    );
    Ok(())
}

/// The base names of metrics, in the order their forest plots and tables
/// come: the economy and the institutions first, then security and games.
const KEY_METRICS: &[&str] = &[
    "welfare_change",
    "mean_tariff",
    "compliance_share",
    "member_at_end",
    "accession_year",
    "bound_tariff",
    "disputes_filed",
    "disputes_faced",
    "rounds_retaliated",
    "rounds_coerced",
    "participation_share",
    "investment_dependence",
    "sanctions_compliance_share",
    "counter_rounds",
    "contagion_loss",
    "security",
    "hedging",
    "aligned",
    "alignment_switches",
    "mean_payoff",
    "cooperation_rate",
    "mutual_cooperation_rate",
    "mean_affinity",
    "affinity",
    "norm",
];

/// Most panels of one figure.
const MOST_PANELS: usize = 8;

fn key_rank(metric: &str) -> usize {
    let base = metric.split(':').next().unwrap_or(metric);
    KEY_METRICS
        .iter()
        .position(|k| *k == base)
        .unwrap_or(KEY_METRICS.len())
}

/// Paired differences from the reference profile in the key metrics of
/// `state` that differ between the profiles: one panel per metric.
fn forest_figure(page: &mut Page, dir: &Path, state: &str) -> Result<(), PageError> {
    let path = dir.join("comparison.csv");
    let Some(t) = Table::read(&path)? else {
        return Ok(());
    };
    let c = |n: &str| t.need(&path, n);
    let (p, s, m, reference) = (c("profile")?, c("state")?, c("metric")?, c("reference")?);
    let (d, lo, hi) = (c("diff_mean")?, c("diff_ci_low")?, c("diff_ci_high")?);
    let rows: Vec<&Vec<String>> = t
        .rows
        .iter()
        .filter(|r| r[s] == state && r[p] != r[reference])
        .collect();
    let mut metrics: Vec<String> = Vec::new();
    for r in &rows {
        let moved = num(&r[d]) != 0.0 && num(&r[d]).is_finite();
        if moved && !metrics.contains(&r[m]) {
            metrics.push(r[m].clone());
        }
    }
    metrics.sort_by_key(|x| key_rank(x));
    let shown = metrics.len().min(MOST_PANELS);
    page.heading(&format!("Paired differences: {state}"));
    if metrics.is_empty() {
        page.note(format!(
            "No metric of {state} differs between the profiles (comparison.csv)."
        ));
        return Ok(());
    }
    if metrics.len() > shown {
        page.note(format!(
            "{state}: {} metrics differ between the profiles; the first {shown} in the order economy, institutions, security, games are drawn (all are in comparison.csv).",
            metrics.len()
        ));
    }
    let reference_name = rows
        .first()
        .map(|r| r[reference].clone())
        .unwrap_or_default();
    let mut profiles: Vec<String> = Vec::new();
    for r in &rows {
        if !profiles.contains(&r[p]) {
            profiles.push(r[p].clone());
        }
    }
    let panels: Vec<Panel> = metrics[..shown]
        .iter()
        .map(|metric| {
            let points = profiles
                .iter()
                .enumerate()
                .filter_map(|(k, prof)| {
                    rows.iter()
                        .find(|r| r[p] == *prof && r[m] == *metric)
                        .map(|r| (k, vec![(k as f64, num(&r[d]), num(&r[lo]), num(&r[hi]))]))
                })
                .collect();
            Panel {
                title: metric.clone(),
                points,
                lines: vec![(7, vec![(-0.5, 0.0), (profiles.len() as f64 - 0.5, 0.0)])],
                hide_x: true,
                ..Panel::default()
            }
        })
        .collect();
    let svg = plot::panels(
        &format!("{state}: each profile minus {reference_name}, mean of paired runs (95% CI)"),
        "profiles, in the legend's order",
        "difference",
        &panels,
        2,
        false,
        &profiles,
    );
    page.figure(
        format!("differences-{state}"),
        format!("Paired differences from {reference_name}: {state}"),
        &["comparison.csv"],
        svg,
    );
    Ok(())
}

/// Series of a state whose fans are drawn, in this order of base names.
const KEY_SERIES: &[&str] = &[
    "welfare_change",
    "mean_tariff",
    "compliant",
    "cooperation_rate",
    "mean_payoff",
    "norm",
    "mean_affinity",
    "affinity",
];

/// Fans per state shown.
const MOST_FANS: usize = 4;

/// Yearly fan charts (median and 5–95% band over runs) of the key series of
/// each focus state, one panel per profile.
fn fan_figures(
    page: &mut Page,
    dir: &Path,
    focus: &[String],
    profiles: &[String],
) -> Result<(), PageError> {
    let path = dir.join("timeseries.csv");
    let open = || -> Result<csv::Reader<std::fs::File>, PageError> {
        csv::Reader::from_path(&path).map_err(|e| read_error(&path, e))
    };
    // Pass 1: which series each focus state has.
    let mut names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in open()?.records() {
        let r = r.map_err(|e| read_error(&path, e))?;
        if r.len() == 6 && focus.iter().any(|s| *s == r[3]) {
            names
                .entry(r[3].to_string())
                .or_default()
                .insert(r[4].to_string());
        }
    }
    let rank = |x: &String| {
        let base = x.split(':').next().unwrap_or(x);
        KEY_SERIES
            .iter()
            .position(|k| *k == base)
            .unwrap_or(KEY_SERIES.len())
    };
    // In the order of `focus`, then of KEY_SERIES.
    let mut chosen: HashMap<(String, String), usize> = HashMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for state in focus {
        let mut list: Vec<String> = names.get(state).into_iter().flatten().cloned().collect();
        list.sort_by_key(|x| rank(x));
        for series in list.into_iter().take(MOST_FANS) {
            chosen.insert((state.clone(), series.clone()), order.len());
            order.push((state.clone(), series));
        }
    }
    // Pass 2: every (series, profile, year)'s values over runs.
    let mut acc: BTreeMap<(usize, usize, i32), Accumulator> = BTreeMap::new();
    for r in open()?.records() {
        let r = r.map_err(|e| read_error(&path, e))?;
        if r.len() != 6 {
            continue;
        }
        let Some(&k) = chosen.get(&(r[3].to_string(), r[4].to_string())) else {
            continue;
        };
        let Some(p) = profiles.iter().position(|x| *x == r[0]) else {
            continue;
        };
        let Ok(year) = r[2].parse::<i32>() else {
            continue;
        };
        acc.entry((k, p, year)).or_default().push(num(&r[5]));
    }
    page.heading("Yearly fan charts");
    for (k, (state, series)) in order.iter().enumerate() {
        let panels: Vec<Panel> = profiles
            .iter()
            .enumerate()
            .map(|(p, name)| {
                let mut band = Vec::new();
                let mut median = Vec::new();
                for ((_, _, year), a) in acc.range_mut((k, p, i32::MIN)..=(k, p, i32::MAX)) {
                    let s = a.summary();
                    if s.n > 0 {
                        band.push((f64::from(*year), s.p05, s.p95));
                        median.push((f64::from(*year), s.p50));
                    }
                }
                Panel {
                    title: name.clone(),
                    bands: vec![(p, band)],
                    lines: vec![(p, median)],
                    ..Panel::default()
                }
            })
            .collect();
        let svg = plot::panels(
            &format!("{state}: {series} by year — median and 5–95% of runs"),
            "year",
            series,
            &panels,
            3,
            true,
            &[],
        );
        page.figure(
            format!("fan-{state}-{series}"),
            format!("{series} of {state} by year"),
            &["timeseries.csv"],
            svg,
        );
    }
    if chosen.is_empty() {
        page.note("timeseries.csv holds no series of the states drawn.".into());
    }
    Ok(())
}

/// The mean [95% CI] of the key metrics of each focus state, a column per
/// profile.
fn metrics_table(
    page: &mut Page,
    dir: &Path,
    focus: &[String],
    profiles: &[String],
) -> Result<(), PageError> {
    let path = dir.join("summary.csv");
    let Some(t) = Table::read(&path)? else {
        return Ok(());
    };
    let c = |n: &str| t.need(&path, n);
    let (p, s, m, mean, lo, hi) = (
        c("profile")?,
        c("state")?,
        c("metric")?,
        c("mean")?,
        c("ci_low")?,
        c("ci_high")?,
    );
    page.heading("Metrics");
    for state in focus {
        let mut metrics: Vec<String> = Vec::new();
        for r in t.rows.iter().filter(|r| r[s] == *state) {
            if !metrics.contains(&r[m]) {
                metrics.push(r[m].clone());
            }
        }
        metrics.sort_by_key(|x| key_rank(x));
        let rows: Vec<Vec<String>> = metrics
            .iter()
            .map(|metric| {
                let mut row = vec![metric.clone()];
                for prof in profiles {
                    let cell = t
                        .rows
                        .iter()
                        .find(|r| r[p] == *prof && r[s] == *state && r[m] == *metric)
                        .map_or(String::new(), |r| {
                            let (a, b, c) = (num(&r[mean]), num(&r[lo]), num(&r[hi]));
                            if a.is_nan() {
                                String::new()
                            } else if b.is_nan() {
                                format!("{a:.3}")
                            } else {
                                format!("{a:.3} [{b:.3}, {c:.3}]")
                            }
                        });
                    row.push(cell);
                }
                row
            })
            .collect();
        let mut header = vec!["metric".to_string()];
        header.extend(profiles.iter().cloned());
        page.table(
            &format!("{state}: mean over runs [95% CI] (summary.csv)"),
            &header,
            &rows,
        );
    }
    Ok(())
}

/// A sweep directory: response curves of the key metrics of the focus
/// states against every varied parameter.
fn sweep_page(page: &mut Page, dir: &Path, asked: &[String]) -> Result<(), PageError> {
    let state_path = dir.join("sweep.json");
    let json = read_json(&state_path)?;
    let dims: Vec<String> = json["dimensions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["path"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let points = json["points"].as_array().map_or(0, |a| a.len());
    let path = dir.join("sweep.csv");
    let Some(t) = Table::read(&path)? else {
        return Err(PageError::Input(format!(
            "{} holds a sweep without sweep.csv: finish it (--resume) or merge its shards first",
            dir.display()
        )));
    };
    let first_point = dir.join("points").join("p0000").join("manifest.json");
    let job = Job::read(&first_point)?;
    let focus = job.focus(asked)?;
    page.para(&format!(
        "A sweep of {} over {points} points of {} ({} runs per point, profile {}).",
        job.scenario,
        dims.join(", "),
        json["runs"].as_u64().unwrap_or(0),
        json["profile"].as_str().unwrap_or("")
    ));
    let c = |n: &str| t.need(&path, n);
    let (s, m, mean, lo, hi) = (
        c("state")?,
        c("metric")?,
        c("mean")?,
        c("ci_low")?,
        c("ci_high")?,
    );
    let dcols: Vec<usize> = dims.iter().map(|d| c(d)).collect::<Result<_, _>>()?;
    page.heading("Response curves");
    for state in &focus {
        let rows: Vec<&Vec<String>> = t.rows.iter().filter(|r| r[s] == *state).collect();
        let mut by_metric: BTreeMap<String, Vec<&Vec<String>>> = BTreeMap::new();
        for r in &rows {
            by_metric.entry(r[m].clone()).or_default().push(r);
        }
        let mut varying: Vec<String> = by_metric
            .iter()
            .filter(|(_, rs)| {
                let (a, b) = plot::span(rs.iter().map(|r| num(&r[mean])), false);
                // span pads a constant by ±0.5: such a metric does not respond.
                (b - a - 1.0).abs() > 1e-9
            })
            .map(|(k, _)| k.clone())
            .collect();
        varying.sort_by_key(|x| key_rank(x));
        if varying.is_empty() {
            page.note(format!(
                "No metric of {state} varies across the sweep's points."
            ));
        }
        for metric in varying.iter().take(MOST_PANELS) {
            let rs = &by_metric[metric];
            let panels: Vec<Panel> = dims
                .iter()
                .zip(&dcols)
                .map(|(dim, &col)| {
                    let mut pts: Vec<(f64, f64, f64, f64)> = rs
                        .iter()
                        .map(|r| (num(&r[col]), num(&r[mean]), num(&r[lo]), num(&r[hi])))
                        .collect();
                    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
                    // A line only where one parameter varies: a Latin
                    // hypercube's neighbours in x differ in the others too.
                    let lines = if dims.len() == 1 {
                        vec![(0, pts.iter().map(|p| (p.0, p.1)).collect())]
                    } else {
                        Vec::new()
                    };
                    Panel {
                        title: dim.clone(),
                        points: vec![(0, pts)],
                        lines,
                        ..Panel::default()
                    }
                })
                .collect();
            let svg = plot::panels(
                &format!("{state}: {metric} at each point (mean over runs, 95% CI)"),
                "parameter value",
                metric,
                &panels,
                2,
                true,
                &[],
            );
            page.figure(
                format!("sweep-{state}-{metric}"),
                format!("{metric} of {state} across the sweep"),
                &["sweep.csv"],
                svg,
            );
        }
    }
    Ok(())
}

/// A trade what-if: welfare by state, and both tables.
fn trade_page(page: &mut Page, dir: &Path) -> Result<(), PageError> {
    let path = dir.join("trade.csv");
    let t = Table::read(&path)?.ok_or_else(|| read_error(&path, "missing"))?;
    let (state, welfare) = (
        t.need(&path, "state")?,
        t.need(&path, "welfare_change_percent")?,
    );
    let labels: Vec<String> = t.rows.iter().map(|r| r[state].clone()).collect();
    let values: Vec<f64> = t.rows.iter().map(|r| num(&r[welfare])).collect();
    page.para("A static what-if on the calibrated trade model: every change is relative to the start point.");
    page.heading("Welfare");
    let svg = plot::bars(
        "Welfare change by state, percent of real spending",
        "welfare change, percent",
        &labels,
        &values,
        None,
    );
    page.figure(
        "trade-welfare".into(),
        "Welfare change by state".into(),
        &["trade.csv"],
        svg,
    );
    page.heading("Tables");
    page.table("trade.csv", &t.header, &t.rows);
    let spath = dir.join("trade_shares.csv");
    if let Some(st) = Table::read(&spath)? {
        let (i, e, before, after) = (
            st.need(&spath, "importer")?,
            st.need(&spath, "exporter")?,
            st.need(&spath, "share_before")?,
            st.need(&spath, "share_after")?,
        );
        let mut exporters: Vec<String> = Vec::new();
        let mut importers: Vec<String> = Vec::new();
        for r in &st.rows {
            if !exporters.contains(&r[e]) {
                exporters.push(r[e].clone());
            }
            if !importers.contains(&r[i]) {
                importers.push(r[i].clone());
            }
        }
        let rows: Vec<Vec<String>> = importers
            .iter()
            .map(|imp| {
                let mut row = vec![imp.clone()];
                for exp in &exporters {
                    row.push(
                        st.rows
                            .iter()
                            .find(|r| r[i] == *imp && r[e] == *exp)
                            .map_or(String::new(), |r| {
                                format!("{:.4} → {:.4}", num(&r[before]), num(&r[after]))
                            }),
                    );
                }
                row
            })
            .collect();
        let mut header = vec!["importer \\ exporter".to_string()];
        header.extend(exporters);
        page.table(
            "trade_shares.csv: share of the importer's spending, before → after",
            &header,
            &rows,
        );
    }
    Ok(())
}

/// Files other analyses add: `sensitivity.csv` (sensitivity indices) and
/// `particles.csv` (a calibration's weighted particles), drawn when present.
fn extras(page: &mut Page, dir: &Path) -> Result<(), PageError> {
    let path = dir.join("sensitivity.csv");
    if let Some(t) = Table::read(&path)? {
        let c = |n: &str| t.need(&path, n);
        let (p, s, o, param, index) = (
            c("profile")?,
            c("state")?,
            c("output")?,
            c("parameter")?,
            c("index")?,
        );
        let (est, lo, hi) = (c("estimate")?, c("ci_low")?, c("ci_high")?);
        let mut groups: Vec<(String, String, String)> = Vec::new();
        for r in &t.rows {
            let g = (r[p].clone(), r[s].clone(), r[o].clone());
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        page.heading("Sensitivity");
        if groups.is_empty() {
            page.note("sensitivity.csv has no rows".to_string());
        } else if groups.len() > MOST_PANELS {
            page.note(format!(
                "the first {MOST_PANELS} of {} (profile, state, output) groups are drawn; the rest are in sensitivity.csv",
                groups.len()
            ));
        }
        for (k, (prof, state, output)) in groups.iter().take(MOST_PANELS).enumerate() {
            let rows: Vec<&Vec<String>> = t
                .rows
                .iter()
                .filter(|r| r[p] == *prof && r[s] == *state && r[o] == *output)
                .collect();
            let labels: Vec<String> = rows
                .iter()
                .map(|r| format!("{} {}", r[param], r[index]))
                .collect();
            let values: Vec<f64> = rows.iter().map(|r| num(&r[est])).collect();
            let intervals: Vec<(f64, f64)> =
                rows.iter().map(|r| (num(&r[lo]), num(&r[hi]))).collect();
            let svg = plot::bars(
                &format!("{output} of {state} ({prof}): sensitivity by parameter and index"),
                "estimate (95% interval)",
                &labels,
                &values,
                Some(&intervals),
            );
            page.figure(
                format!("sensitivity-{k}"),
                format!("Sensitivity of {output} of {state} ({prof})"),
                &["sensitivity.csv"],
                svg,
            );
        }
    }
    posterior(page, dir)
}

/// Columns of `particles.csv` that are not parameters.
const POSTERIOR_FIXED: [&str; 6] = [
    "generation",
    "profile",
    "particle",
    "attempt",
    "weight",
    "distance",
];

/// `particles.csv`, a calibration's weighted particles (results/README.md,
/// "Calibration"): the histogram of each parameter in the last generation,
/// weights normalised within each profile, a panel per profile and
/// parameter; every column but the fixed ones is a parameter, empty in the
/// rows of profiles without it.
fn posterior(page: &mut Page, dir: &Path) -> Result<(), PageError> {
    let path = dir.join("particles.csv");
    let Some(t) = Table::read(&path)? else {
        return Ok(());
    };
    let w = t.need(&path, "weight")?;
    let last = t.col("generation").map(|g| {
        t.rows
            .iter()
            .map(|r| num(&r[g]))
            .fold(f64::NEG_INFINITY, f64::max)
    });
    let rows: Vec<&Vec<String>> = t
        .rows
        .iter()
        .filter(|r| match (t.col("generation"), last) {
            (Some(g), Some(last)) => num(&r[g]) == last,
            _ => true,
        })
        .collect();
    let model = |r: &Vec<String>| t.col("profile").map_or(String::new(), |m| r[m].clone());
    let mut models: Vec<String> = Vec::new();
    for r in &rows {
        if !models.contains(&model(r)) {
            models.push(model(r));
        }
    }
    let params: Vec<usize> = (0..t.header.len())
        .filter(|&k| !POSTERIOR_FIXED.contains(&t.header[k].as_str()))
        .collect();
    let mut panels: Vec<Panel> = Vec::new();
    for m in &models {
        for &k in &params {
            let xs: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| model(r) == *m)
                .map(|r| (num(&r[k]), num(&r[w])))
                .filter(|(x, wt)| x.is_finite() && wt.is_finite() && *wt >= 0.0)
                .collect();
            let total: f64 = xs.iter().map(|x| x.1).sum();
            if xs.is_empty() || total <= 0.0 {
                continue;
            }
            let (a, b) = plot::span(xs.iter().map(|x| x.0), false);
            let bins = 20;
            let width = (b - a) / bins as f64;
            let mut mass = vec![0.0; bins];
            for &(x, wt) in &xs {
                let i = (((x - a) / width) as usize).min(bins - 1);
                mass[i] += wt / total;
            }
            let band = (0..bins)
                .flat_map(|i| {
                    let x0 = a + i as f64 * width;
                    [(x0, 0.0, mass[i]), (x0 + width, 0.0, mass[i])]
                })
                .collect();
            panels.push(Panel {
                title: if m.is_empty() {
                    t.header[k].clone()
                } else {
                    format!("{} ({m})", t.header[k])
                },
                bands: vec![(0, band)],
                ..Panel::default()
            });
        }
    }
    if panels.is_empty() {
        page.note("particles.csv has no parameter column with weighted values to draw".to_string());
        return Ok(());
    }
    page.heading("Posterior");
    if panels.len() > MOST_PANELS {
        page.note(format!(
            "the first {MOST_PANELS} of {} posterior panels are drawn; the rest are in particles.csv",
            panels.len()
        ));
        panels.truncate(MOST_PANELS);
    }
    let generation = last.map_or(String::new(), |g| format!(" of generation {g}"));
    let svg = plot::panels(
        &format!("Posterior of each parameter: weighted particles{generation}"),
        "value",
        "share of weight",
        &panels,
        2,
        false,
        &[],
    );
    page.figure(
        "posterior".into(),
        "Posterior distributions".into(),
        &["particles.csv"],
        svg,
    );
    Ok(())
}
