//! The files of a calibration (results/README.md, "Calibration"):
//! `particles.csv`, `posterior.csv`, `generations.csv`, `models.csv` and the
//! posterior-predictive `retrodiction.csv`. Every number is written as the
//! other CSVs write it (shortest round-trip decimal, empty if undefined), and
//! every sum is taken in particle order, so the files are byte-identical at
//! any thread count.

use super::{CalibrateError, Fitted, Problem, Statistics};
use crate::abc::weighted_quantile;
use crate::output::{self, CsvFile};
use std::path::Path;

/// The files a calibration writes (and `--force` replaces).
pub const FILES: [&str; 5] = [
    "particles.csv",
    "posterior.csv",
    "generations.csv",
    "models.csv",
    "retrodiction.csv",
];

/// Quantiles of the posterior summary.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

fn num(x: f64) -> Result<String, CalibrateError> {
    let mut buf = String::new();
    output::number(&mut buf, x)
        .map(str::to_string)
        .map_err(|e| CalibrateError::Runtime(format!("a statistic is not finite: {e}")))
}

/// `particles.csv`, `posterior.csv`, `generations.csv` and `models.csv`.
pub fn write_outputs(problem: &Problem, fitted: &Fitted, dir: &Path) -> Result<(), CalibrateError> {
    let world = problem.world();
    let names: Vec<&str> = problem.profiles.iter().map(|p| p.name.as_str()).collect();
    let paths: Vec<&str> = world.priors.iter().map(|u| u.path.as_str()).collect();

    let mut header = vec![
        "generation",
        "particle",
        "attempt",
        "profile",
        "weight",
        "distance",
    ];
    header.extend(&paths);
    let mut f = CsvFile::create(dir, "particles.csv", &header)?;
    for state in &fitted.generations {
        let g = state.generation().to_string();
        for (i, p) in state.particles.iter().enumerate() {
            let mut row = vec![
                g.clone(),
                i.to_string(),
                p.attempt.to_string(),
                names[p.model].to_string(),
                num(p.weight)?,
                num(p.distance)?,
            ];
            for x in problem.values(&p.params) {
                row.push(num(x)?);
            }
            f.row(&row)?;
        }
    }
    f.finish()?;

    let mut f = CsvFile::create(
        dir,
        "posterior.csv",
        &[
            "profile",
            "parameter",
            "prior",
            "prior_mean",
            "prior_sd",
            "mean",
            "sd",
            "q05",
            "q25",
            "q50",
            "q75",
            "q95",
        ],
    )?;
    let state = &fitted.outcome.state;
    for (m, name) in names.iter().enumerate() {
        for (k, u) in world.priors.iter().enumerate() {
            let Some(s) = posterior(problem, state, m, k) else {
                continue;
            };
            let mut row = vec![
                name.to_string(),
                u.path.clone(),
                u.prior.to_string(),
                num(u.prior.mean())?,
                num(u.prior.variance().sqrt())?,
                num(s.mean)?,
                num(s.sd)?,
            ];
            for q in s.quantiles {
                row.push(num(q)?);
            }
            f.row(&row)?;
        }
    }
    f.finish()?;

    let mut f = CsvFile::create(
        dir,
        "generations.csv",
        &[
            "generation",
            "epsilon",
            "simulations",
            "acceptance_rate",
            "ess",
        ],
    )?;
    let mut m = CsvFile::create(dir, "models.csv", &["generation", "profile", "probability"])?;
    for g in &state.history {
        f.row([
            g.generation.to_string(),
            g.epsilon.map_or(Ok(String::new()), num)?,
            g.simulations.to_string(),
            num(g.acceptance_rate)?,
            num(g.ess)?,
        ])?;
        for (name, p) in names.iter().zip(&g.model_probabilities) {
            m.row([g.generation.to_string(), name.to_string(), num(*p)?])?;
        }
    }
    f.finish()?;
    m.finish()?;
    Ok(())
}

/// One row of the posterior predictive.
#[derive(Clone, Debug, PartialEq)]
pub struct Predicted {
    /// A profile's name, or `all` for the model average.
    pub profile: String,
    /// `target` or `fact`.
    pub kind: &'static str,
    pub id: String,
    pub pattern: String,
    /// `fit`, `not_fitted` or `held_out` for a target; the fact's role.
    pub role: String,
    pub observed: f64,
    /// The weighted mean over the particles.
    pub predicted: f64,
    pub p05: f64,
    pub p95: f64,
    /// Whether the statistic is a probability (a share or a fact).
    pub probability: bool,
    pub scale: f64,
}

/// The posterior predictive of every target and fact, per profile (weights
/// normalised within it) and, with several profiles, model-averaged (`all`).
pub fn predictive_rows(problem: &Problem, fitted: &Fitted, stats: &[Statistics]) -> Vec<Predicted> {
    let world = problem.world();
    let particles = &fitted.outcome.state.particles;
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (m, p) in problem.profiles.iter().enumerate() {
        let own: Vec<usize> = (0..particles.len())
            .filter(|&i| particles[i].model == m)
            .collect();
        if !own.is_empty() {
            groups.push((p.name.clone(), own));
        }
    }
    if problem.profiles.len() > 1 {
        groups.push(("all".into(), (0..particles.len()).collect()));
    }
    let mut rows = Vec::new();
    for (name, members) in &groups {
        let total: f64 = members.iter().map(|&i| particles[i].weight).sum();
        let summary = |value: &dyn Fn(usize) -> f64| -> (f64, f64, f64) {
            let mut points: Vec<(f64, f64)> = members
                .iter()
                .map(|&i| (value(i), particles[i].weight / total))
                .filter(|(x, _)| !x.is_nan())
                .collect();
            let mass: f64 = points.iter().map(|p| p.1).sum();
            if points.is_empty() || mass <= 0.0 {
                return (f64::NAN, f64::NAN, f64::NAN);
            }
            points.iter_mut().for_each(|p| p.1 /= mass);
            let mean = points.iter().map(|(x, w)| x * w).sum();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            (
                mean,
                weighted_quantile(&points, 0.05),
                weighted_quantile(&points, 0.95),
            )
        };
        for (k, t) in world.targets.iter().enumerate() {
            let (predicted, p05, p95) = summary(&|i| stats[i].targets[k]);
            let role = if t.held_out {
                "held_out"
            } else if problem.fit.contains(&k) {
                "fit"
            } else {
                "not_fitted"
            };
            rows.push(Predicted {
                profile: name.clone(),
                kind: "target",
                id: t.id.clone(),
                pattern: t.pattern.clone(),
                role: role.into(),
                observed: problem.observed[k],
                predicted,
                p05,
                p95,
                probability: matches!(
                    t.statistic,
                    crate::world::Statistic::Share { .. } | crate::world::Statistic::Fact { .. }
                ),
                scale: t.scale,
            });
        }
        for (k, f) in world.facts.iter().enumerate() {
            let (predicted, p05, p95) = summary(&|i| stats[i].facts[k]);
            rows.push(Predicted {
                profile: name.clone(),
                kind: "fact",
                id: f.id.clone(),
                pattern: String::new(),
                role: f.role.as_str().into(),
                observed: 1.0,
                predicted,
                p05,
                p95,
                probability: true,
                scale: 1.0,
            });
        }
    }
    rows
}

/// `retrodiction.csv`: the posterior predictive.
pub fn write_predictive(rows: &[Predicted], dir: &Path) -> Result<(), CalibrateError> {
    let mut f = CsvFile::create(
        dir,
        "retrodiction.csv",
        &[
            "profile",
            "kind",
            "id",
            "pattern",
            "role",
            "observed",
            "predicted",
            "p05",
            "p95",
        ],
    )?;
    for r in rows {
        f.row([
            r.profile.clone(),
            r.kind.to_string(),
            r.id.clone(),
            r.pattern.clone(),
            r.role.clone(),
            num(r.observed)?,
            num(r.predicted)?,
            num(r.p05)?,
            num(r.p95)?,
        ])?;
    }
    f.finish()?;
    Ok(())
}

/// The posterior of parameter `k` of profile `model` in the scenario's own
/// values (not the engine's): weighted mean, sd and [`QUANTILES`], taken as
/// [`State::posterior`](crate::abc::State::posterior) takes them; `None` if
/// the profile has no particle.
pub fn posterior(
    problem: &Problem,
    state: &crate::abc::State,
    model: usize,
    k: usize,
) -> Option<crate::abc::ParameterSummary> {
    let mut points: Vec<(f64, f64)> = state
        .particles
        .iter()
        .filter(|p| p.model == model)
        .map(|p| (problem.values(&p.params)[k], p.weight))
        .collect();
    if points.is_empty() {
        return None;
    }
    let total: f64 = points.iter().map(|p| p.1).sum();
    points.iter_mut().for_each(|p| p.1 /= total);
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mean: f64 = points.iter().map(|(x, w)| w * x).sum();
    let var: f64 = points.iter().map(|(x, w)| w * (x - mean).powi(2)).sum();
    Some(crate::abc::ParameterSummary {
        mean,
        sd: var.sqrt(),
        quantiles: QUANTILES
            .iter()
            .map(|&p| weighted_quantile(&points, p))
            .collect(),
    })
}
