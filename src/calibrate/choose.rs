//! ABC model choice between doctrine profiles (Toni & Stumpf 2010) with its
//! two honesty checks (docs/model.md §8):
//!
//! - **Repeats.** The choice is run with seeds s, s + 1, …, s + R − 1; the
//!   posterior probability of a profile is the mean over the repeats, and its
//!   Monte Carlo error the repeats' standard deviation / √R. The interval is
//!   mean ± 1.96 × that error, clipped to [0, 1]: it says how far another
//!   seed could move the answer, not how uncertain the posterior itself is.
//! - **Held-out pattern.** The choice is fitted to the targets of one pattern
//!   only; every other target (of another pattern, or `held_out`) is
//!   predicted from that posterior. Targets that are probabilities (shares,
//!   facts) are scored by the Brier score (p − o)² and the logarithmic score
//!   −[o ln p + (1 − o) ln(1 − p)], p clipped to [0.001, 0.999] so a
//!   confident miss costs about 6.9, not infinity — both proper scoring rules
//!   (Gneiting & Raftery 2007, "Strictly proper scoring rules, prediction,
//!   and estimation", *JASA* 102:359). A Brier score of 0.25 is what a
//!   forecast of ½ earns; lower is better. Other targets are reported by
//!   their standardised error (predicted − observed) / scale.
//! - **Model recovery.** For each profile and replicate, parameters are drawn
//!   from the priors, the profile is simulated `runs` times there and its
//!   statistics become the observed values; the choice is run on them. The
//!   confusion matrix (true profile × most probable profile) and the share of
//!   replicates recovered say whether these targets can tell the profiles
//!   apart at all (the idea of a model-recovery study as in Wagenmakers,
//!   Ratcliff, Gomez & Iverson 2004, *J. Math. Psychol.* 48:28).
//!
//! Replicates draw from a stream of their own: generation slot 2²⁰ + 1 of the
//! engine's layout, which no generation uses; each replicate's choice runs
//! under the seed s + 1000 + index, so that its proposals differ from the
//! main choice's.

use super::write::{self, Predicted};
use super::{CalibrateError, Mode, Problem, Settings, fit, predict};
use crate::abc::MAX_GENERATIONS;
use crate::job::Progress;
use crate::montecarlo::run_rng;
use crate::world::Profile;
use crate::{output, scenario::Loaded};
use rand::Rng;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// The stream of model-recovery replicate `index`.
pub fn recovery_stream(index: u64) -> u64 {
    (1 << 63) | ((u64::from(MAX_GENERATIONS) + 1) << 41) | (index << 1)
}

/// What `choose` runs.
#[derive(Clone, Debug)]
pub struct Spec {
    pub settings: Settings,
    pub runs: u64,
    /// Repeats of the choice with consecutive seeds (≥ 1).
    pub repeats: u32,
    /// Model-recovery replicates per profile (0: no study).
    pub recovery: u32,
    /// The pattern the held-out check fits; `None`: the first pattern with
    /// targets, if any other target is left to predict.
    pub fit_pattern: Option<String>,
    /// Skip the held-out check.
    pub no_held_out: bool,
}

/// The held-out check's results.
#[derive(Clone, Debug)]
pub struct HeldOut {
    pub pattern: String,
    pub fitted: Vec<String>,
    pub rows: Vec<Scored>,
    /// Per profile name (and `all`): mean Brier score over the scored
    /// targets, mean log score, targets scored.
    pub scores: Vec<(String, f64, f64, usize)>,
}

/// One predicted target of the held-out check.
#[derive(Clone, Debug)]
pub struct Scored {
    pub row: Predicted,
    pub brier: f64,
    pub log_score: f64,
    pub standardised_error: f64,
}

/// One model-recovery replicate.
#[derive(Clone, Debug)]
pub struct Replicate {
    pub truth: usize,
    pub replicate: u32,
    pub probabilities: Vec<f64>,
    pub chosen: usize,
}

/// Everything `choose` found.
#[derive(Clone, Debug)]
pub struct Choice {
    pub profiles: Vec<String>,
    pub fitted: Vec<String>,
    /// Per repeat, its seed and the profiles' probabilities.
    pub repeats: Vec<(u64, Vec<f64>)>,
    pub mean: Vec<f64>,
    pub mc_error: Vec<f64>,
    pub held_out: Option<HeldOut>,
    pub recovery: Vec<Replicate>,
    pub simulations: u64,
}

impl Choice {
    /// The interval mean ± 1.96 MC error of profile `m`, clipped to [0, 1].
    pub fn interval(&self, m: usize) -> (f64, f64) {
        let h = 1.96 * self.mc_error[m];
        ((self.mean[m] - h).max(0.0), (self.mean[m] + h).min(1.0))
    }

    /// The confusion matrix: counts[true][chosen].
    pub fn confusion(&self) -> Vec<Vec<u32>> {
        let n = self.profiles.len();
        let mut c = vec![vec![0; n]; n];
        for r in &self.recovery {
            c[r.truth][r.chosen] += 1;
        }
        c
    }

    /// The share of recovery replicates whose true profile was chosen.
    pub fn recovery_rate(&self) -> Option<f64> {
        (!self.recovery.is_empty()).then(|| {
            self.recovery.iter().filter(|r| r.truth == r.chosen).count() as f64
                / self.recovery.len() as f64
        })
    }

    /// The most probable profile (the first of equals).
    pub fn best(&self) -> usize {
        argmax(&self.mean)
    }
}

fn argmax(xs: &[f64]) -> usize {
    let mut best = 0;
    for (i, x) in xs.iter().enumerate() {
        if *x > xs[best] {
            best = i;
        }
    }
    best
}

/// A progress that prefixes its notices.
struct Labelled<'a> {
    inner: &'a dyn Progress,
    label: String,
}

impl Progress for Labelled<'_> {
    fn start(&self, total: u64, done: u64) {
        self.inner.start(total, done);
    }
    fn set(&self, done: u64) {
        self.inner.set(done);
    }
    fn notice(&self, message: &str) {
        self.inner.notice(&format!("{}: {message}", self.label));
    }
}

/// Run the choice between `profiles` with its checks in `dir`: each fit in
/// a directory of its own (`repeat-R`, `held-out`, `recovery/<profile>-J`),
/// every one resumable.
pub fn choose(
    loaded: &Loaded,
    profiles: Vec<Profile>,
    spec: &Spec,
    dir: &Path,
    mode: Mode,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<Choice, CalibrateError> {
    if profiles.len() < 2 {
        return Err(CalibrateError::Input(
            "model choice needs at least two profiles, e.g. --profiles neorealist,neoliberal"
                .into(),
        ));
    }
    let names: Vec<String> = profiles.iter().map(|p| p.name.clone()).collect();
    let problem = Problem::new(loaded, profiles.clone(), spec.runs, None)?;
    let world = problem.world();
    let mut simulations = 0;
    let mut repeats = Vec::new();
    for r in 0..spec.repeats {
        let mut settings = spec.settings.clone();
        settings.seed = spec.settings.seed.wrapping_add(u64::from(r));
        let sub = dir.join(format!("repeat-{r}"));
        let label = Labelled {
            inner: progress,
            label: format!("repeat {r}"),
        };
        let fitted = fit(&problem, &settings, &sub, mode, &label, cancel)?;
        write::write_outputs(&problem, &fitted, &sub)?;
        if r == 0 {
            let stats = predict(&problem, &fitted)?;
            write::write_predictive(&write::predictive_rows(&problem, &fitted, &stats), &sub)?;
        }
        simulations += fitted.outcome.state.simulations();
        repeats.push((
            settings.seed,
            fitted.outcome.state.model_probabilities(names.len()),
        ));
    }
    let k = repeats.len() as f64;
    let mean: Vec<f64> = (0..names.len())
        .map(|m| repeats.iter().map(|r| r.1[m]).sum::<f64>() / k)
        .collect();
    let mc_error = (0..names.len())
        .map(|m| {
            if repeats.len() < 2 {
                return f64::NAN;
            }
            let var = repeats
                .iter()
                .map(|r| (r.1[m] - mean[m]).powi(2))
                .sum::<f64>()
                / (k - 1.0);
            (var / k).sqrt()
        })
        .collect();

    // The held-out pattern.
    let pattern = spec
        .fit_pattern
        .clone()
        .or_else(|| super::patterns(world).into_iter().next());
    let mut held_out = None;
    if let (false, Some(pattern)) = (spec.no_held_out, pattern) {
        let part = Problem::new(loaded, profiles.clone(), spec.runs, Some(&pattern))?;
        if part.fit.len() < world.targets.len() {
            let sub = dir.join("held-out");
            let label = Labelled {
                inner: progress,
                label: format!("held-out ({pattern})"),
            };
            let fitted = fit(&part, &spec.settings, &sub, mode, &label, cancel)?;
            write::write_outputs(&part, &fitted, &sub)?;
            let stats = predict(&part, &fitted)?;
            let rows = write::predictive_rows(&part, &fitted, &stats);
            write::write_predictive(&rows, &sub)?;
            simulations += fitted.outcome.state.simulations();
            held_out = Some(score(&part, pattern, rows));
        } else if spec.fit_pattern.is_some() {
            return Err(CalibrateError::Input(format!(
                "every target of the scenario is fitted with pattern `{pattern}`: nothing is left to predict"
            )));
        }
    }

    // Model recovery.
    let mut recovery = Vec::new();
    let models = problem.models();
    for (m, name) in names.iter().enumerate() {
        for j in 0..spec.recovery {
            let index = m as u64 * u64::from(spec.recovery) + u64::from(j);
            let mut rng = run_rng(spec.settings.seed, recovery_stream(index));
            let theta: Vec<f64> = models[m].iter().map(|p| p.sample(&mut rng)).collect();
            let data = problem.statistics(m, &theta, rng.next_u64())?;
            let pseudo = Problem {
                loaded,
                profiles: profiles.clone(),
                runs: spec.runs,
                fit: problem.fit.clone(),
                observed: data.targets,
            };
            let mut settings = spec.settings.clone();
            settings.seed = spec.settings.seed.wrapping_add(1000 + index);
            let sub = dir.join("recovery").join(format!("{name}-{j}"));
            let label = Labelled {
                inner: progress,
                label: format!("recovery {name} {j}"),
            };
            let fitted = fit(&pseudo, &settings, &sub, mode, &label, cancel)?;
            simulations += fitted.outcome.state.simulations();
            let probabilities = fitted.outcome.state.model_probabilities(names.len());
            recovery.push(Replicate {
                truth: m,
                replicate: j,
                chosen: argmax(&probabilities),
                probabilities,
            });
        }
    }
    let choice = Choice {
        profiles: names,
        fitted: problem
            .fit
            .iter()
            .map(|&k| world.targets[k].id.clone())
            .collect(),
        repeats,
        mean,
        mc_error,
        held_out,
        recovery,
        simulations,
    };
    write_choice(&choice, dir)?;
    Ok(choice)
}

/// Score the predictions of the targets a held-out fit did not fit.
fn score(part: &Problem, pattern: String, rows: Vec<Predicted>) -> HeldOut {
    let scored: Vec<Scored> = rows
        .into_iter()
        .filter(|r| r.kind == "target" && r.role != "fit")
        .map(|row| {
            let (o, p) = (row.observed, row.predicted);
            let (brier, log_score) = if row.probability && !p.is_nan() {
                let q = p.clamp(0.001, 0.999);
                ((p - o).powi(2), -(o * q.ln() + (1.0 - o) * (1.0 - q).ln()))
            } else {
                (f64::NAN, f64::NAN)
            };
            Scored {
                standardised_error: (p - o) / row.scale,
                brier,
                log_score,
                row,
            }
        })
        .collect();
    let mut scores: Vec<(String, f64, f64, usize)> = Vec::new();
    for s in &scored {
        if !scores.iter().any(|x| x.0 == s.row.profile) {
            scores.push((s.row.profile.clone(), 0.0, 0.0, 0));
        }
    }
    for entry in &mut scores {
        let mine: Vec<&Scored> = scored
            .iter()
            .filter(|s| s.row.profile == entry.0 && !s.brier.is_nan())
            .collect();
        let n = mine.len();
        entry.3 = n;
        entry.1 = mine.iter().map(|s| s.brier).sum::<f64>() / n as f64;
        entry.2 = mine.iter().map(|s| s.log_score).sum::<f64>() / n as f64;
    }
    HeldOut {
        pattern,
        fitted: part
            .fit
            .iter()
            .map(|&k| part.world().targets[k].id.clone())
            .collect(),
        rows: scored,
        scores,
    }
}

fn num(x: f64) -> String {
    let mut buf = String::new();
    output::number(&mut buf, x).map_or(String::new(), str::to_string)
}

/// `choice.csv`, `repeats.csv`, `held_out.csv`, `recovery.csv` and
/// `confusion.csv`.
fn write_choice(c: &Choice, dir: &Path) -> Result<(), CalibrateError> {
    use crate::output::CsvFile;
    let mut f = CsvFile::create(
        dir,
        "choice.csv",
        &[
            "profile",
            "probability",
            "mc_error",
            "low",
            "high",
            "repeats",
        ],
    )?;
    for (m, name) in c.profiles.iter().enumerate() {
        let (low, high) = c.interval(m);
        f.row([
            name.clone(),
            num(c.mean[m]),
            num(c.mc_error[m]),
            num(low),
            num(high),
            c.repeats.len().to_string(),
        ])?;
    }
    f.finish()?;
    let mut f = CsvFile::create(
        dir,
        "repeats.csv",
        &["repeat", "seed", "profile", "probability"],
    )?;
    for (r, (seed, p)) in c.repeats.iter().enumerate() {
        for (name, x) in c.profiles.iter().zip(p) {
            f.row([r.to_string(), seed.to_string(), name.clone(), num(*x)])?;
        }
    }
    f.finish()?;
    if let Some(h) = &c.held_out {
        let mut f = CsvFile::create(
            dir,
            "held_out.csv",
            &[
                "fit_pattern",
                "profile",
                "target",
                "pattern",
                "observed",
                "predicted",
                "brier",
                "log_score",
                "standardised_error",
            ],
        )?;
        for s in &h.rows {
            f.row([
                h.pattern.clone(),
                s.row.profile.clone(),
                s.row.id.clone(),
                s.row.pattern.clone(),
                num(s.row.observed),
                num(s.row.predicted),
                num(s.brier),
                num(s.log_score),
                num(s.standardised_error),
            ])?;
        }
        f.finish()?;
    }
    if !c.recovery.is_empty() {
        let mut f = CsvFile::create(
            dir,
            "recovery.csv",
            &["true_profile", "replicate", "profile", "probability"],
        )?;
        for r in &c.recovery {
            for (name, p) in c.profiles.iter().zip(&r.probabilities) {
                f.row([
                    c.profiles[r.truth].clone(),
                    r.replicate.to_string(),
                    name.clone(),
                    num(*p),
                ])?;
            }
        }
        f.finish()?;
        let mut f = CsvFile::create(
            dir,
            "confusion.csv",
            &["true_profile", "chosen_profile", "count", "share"],
        )?;
        let confusion = c.confusion();
        for (t, row) in confusion.iter().enumerate() {
            let total: u32 = row.iter().sum();
            for (k, n) in row.iter().enumerate() {
                f.row([
                    c.profiles[t].clone(),
                    c.profiles[k].clone(),
                    n.to_string(),
                    num(f64::from(*n) / f64::from(total.max(1))),
                ])?;
            }
        }
        f.finish()?;
    }
    Ok(())
}

/// The printed answer, in plain words, within 80 columns.
pub fn summary(title: &str, c: &Choice, spec: &Spec, dir: &Path) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let best = c.best();
    let _ = writeln!(s, "Which profile explains {title}?");
    let _ = writeln!(
        s,
        "ABC model choice: {} profiles, {} targets fitted, {} particles, {} generations,",
        c.profiles.len(),
        c.fitted.len(),
        spec.settings.particles,
        spec.settings.generations
    );
    let _ = writeln!(
        s,
        "{} runs per particle, {} repeat(s); {} simulated parameter sets in all.",
        spec.runs,
        c.repeats.len(),
        c.simulations
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  {:<24} {:>11}  {:>22}",
        "profile", "posterior", "95% Monte Carlo range"
    );
    for (m, name) in c.profiles.iter().enumerate() {
        let (low, high) = c.interval(m);
        let range = if c.mc_error[m].is_nan() {
            "(one repeat)".to_string()
        } else {
            format!("{low:.2} to {high:.2}")
        };
        let _ = writeln!(
            s,
            "  {:<24} {:>11.2}  {:>22}",
            clip(name, 24),
            c.mean[m],
            range
        );
    }
    let _ = writeln!(s);
    let (low, high) = c.interval(best);
    let range = if c.mc_error[best].is_nan() {
        String::new()
    } else {
        format!(" (from {low:.2} to {high:.2} over seeds)")
    };
    let _ = writeln!(
        s,
        "Most probable: {}, P = {:.2}{range}.",
        c.profiles[best], c.mean[best]
    );
    if let Some(rate) = c.recovery_rate() {
        let n = c.recovery.len();
        let hit = c.recovery.iter().filter(|r| r.truth == r.chosen).count();
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Model recovery: data simulated from each profile at prior draws ({} per",
            spec.recovery
        );
        let _ = writeln!(
            s,
            "profile); rows are the truth, columns the profile chosen:"
        );
        let width = 10;
        let mut head = format!("  {:<16}", "true \\ chosen");
        for name in &c.profiles {
            let _ = write!(head, " {:>width$}", clip(name, width));
        }
        let _ = writeln!(s, "{head}");
        for (t, row) in c.confusion().iter().enumerate() {
            let mut line = format!("  {:<16}", clip(&c.profiles[t], 16));
            for n in row {
                let _ = write!(line, " {n:>width$}");
            }
            let _ = writeln!(s, "{line}");
        }
        let chance = 1.0 / c.profiles.len() as f64;
        let verdict = if rate >= 0.8 {
            "these targets tell the profiles apart"
        } else if rate > chance + 0.15 {
            "these targets tell the profiles apart only partly"
        } else {
            "these targets hardly tell the profiles apart"
        };
        let _ = writeln!(
            s,
            "Recovered {hit} of {n} ({:.0}%; chance is {:.0}%): {verdict}.",
            100.0 * rate,
            100.0 * chance
        );
    }
    if let Some(h) = &c.held_out {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Held-out pattern: fitted on {} ({} target(s)), predicting {} other(s).",
            h.pattern,
            h.fitted.len(),
            h.rows
                .iter()
                .filter(|r| r.row.profile == h.rows[0].row.profile)
                .count()
        );
        if h.scores.iter().all(|x| x.3 == 0) {
            let _ = writeln!(s, "No predicted target is a probability: see held_out.csv.");
        } else {
            let _ = writeln!(
                s,
                "  {:<24} {:>12} {:>10}   (Brier 0.25 = a coin)",
                "profile", "Brier score", "log score"
            );
            for (name, brier, log, _) in &h.scores {
                let _ = writeln!(s, "  {:<24} {brier:>12.3} {log:>10.3}", clip(name, 24));
            }
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "In plain words: {}", plain(c));
    let _ = writeln!(s, "Results in {}", dir.display());
    wrap(&s, 80)
}

/// The one-sentence answer.
fn plain(c: &Choice) -> String {
    let best = c.best();
    let mut text = format!(
        "{} is the most probable profile, with posterior probability {:.2}",
        c.profiles[best], c.mean[best]
    );
    if !c.mc_error[best].is_nan() {
        let (low, high) = c.interval(best);
        text += &format!(" ({low:.2} to {high:.2} across seeds)");
    }
    match c.recovery_rate() {
        Some(rate) => {
            let chance = 1.0 / c.profiles.len() as f64;
            text += &format!(
                "; data simulated from a known profile were recovered {:.0}% of the time (chance: {:.0}%), so {}",
                100.0 * rate,
                100.0 * chance,
                if rate >= 0.8 {
                    "the answer can be trusted as far as the model and targets can."
                } else if rate > chance + 0.15 {
                    "treat the answer as suggestive, not decisive."
                } else {
                    "the answer says little: these targets cannot tell the profiles apart."
                }
            );
        }
        None => {
            text += "; no model-recovery study was run (--recovery 0), so how far to trust it is unknown."
        }
    }
    text
}

fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Wrap every line longer than `width` at spaces; shorter lines (tables)
/// are kept as they are.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut current = String::new();
        for word in line.split_whitespace() {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
                out.push_str(&current);
                out.push('\n');
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(&current);
        out.push('\n');
    }
    out
}
