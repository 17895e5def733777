//! `statecraft sweep`: the scenario at every point of a design, into
//! `results/<scenario>/sweep-<seed>`.
//!
//! Grid designs vary `--vary` (factorial unless `--design` says otherwise),
//! else the scenario's `[sweep]` table; `--design csv:FILE` takes the points
//! of a file; `--design morris` and `--design sobol` vary the `--vary` ranges
//! (uniform) when given, else the scenario's `[priors]`. `--runs` is per
//! point. Running the points, resuming and sharding are
//! [`crate::sweep::run`]'s.

use super::{CommandError, Context, default_out};
use crate::cli::SweepArgs;
use crate::design::{self, Design, DesignChoice, Dimension, Method, Parameter};
use crate::prior::Prior;
use crate::report::plural;
use crate::scenario::{self, Loaded, Override};
use crate::sweep::{self, SensitivityPlan, SweepReport, SweepSpec};
use std::fmt::Write as _;
use std::path::Path;

/// The points of a sweep and what they record.
struct Plan {
    dimensions: Vec<Dimension>,
    points: Vec<Vec<f64>>,
    blocks: Vec<String>,
    sensitivity: Option<SensitivityPlan>,
}

pub fn execute(args: &SweepArgs, ctx: &Context) -> Result<String, CommandError> {
    if args.job.prior_predictive {
        return Err(CommandError::Input(
            "--prior-predictive is for run and compare; a sweep visits the points of its design (use --design sobol or morris to sweep over the priors)".into(),
        ));
    }
    let base = scenario::load(&args.job.scenario, &args.job.set)?;
    let world = &base.world;
    let (seed, runs) = super::seed_and_runs(&args.job, world);
    let plan = match &args.design {
        Some(DesignChoice::Csv(file)) => {
            if !args.vary.is_empty() {
                return Err(CommandError::Input(
                    "--design csv:FILE takes its paths from the file's header; drop --vary".into(),
                ));
            }
            csv_plan(&base, file)?
        }
        Some(DesignChoice::Morris) => sensitivity_plan(
            args,
            &base,
            Method::Morris {
                trajectories: args.trajectories,
                levels: args.levels,
            },
            seed,
        )?,
        Some(DesignChoice::Sobol) => sensitivity_plan(
            args,
            &base,
            Method::Sobol {
                base: args.base,
                second_order: args.second_order,
            },
            seed,
        )?,
        Some(DesignChoice::Grid(d)) => grid_plan(args, &base, Some(*d), seed)?,
        None => grid_plan(args, &base, None, seed)?,
    };
    let spec = SweepSpec {
        dimensions: plan.dimensions,
        points: plan.points,
        profile: args.profile.clone(),
        seed,
        runs,
        shard: args.job.shard,
        out: args
            .job
            .out
            .clone()
            .unwrap_or_else(|| default_out(world, &format!("sweep-{seed}"))),
        force: args.job.force,
        resume: args.job.resume,
        timeseries: args.job.timeseries,
        blocks: plan.blocks,
        sensitivity: plan.sensitivity,
        summary_only: args.summary_only,
    };
    let report = sweep::run(&base, &spec, ctx.progress, ctx.cancel)?;
    Ok(if args.job.quiet {
        String::new()
    } else {
        summary(&report)
    })
}

/// A factorial or Latin-hypercube design over `--vary` or the `[sweep]` table.
fn grid_plan(
    args: &SweepArgs,
    base: &Loaded,
    design: Option<Design>,
    seed: u64,
) -> Result<Plan, CommandError> {
    let (dimensions, design, n) = match (&base.world.sweep, args.vary.is_empty()) {
        (_, false) => (
            args.vary.clone(),
            design.unwrap_or(Design::Factorial),
            args.points,
        ),
        (Some(s), true) => (
            s.vary.clone(),
            design.unwrap_or(s.design),
            args.points.or(s.points),
        ),
        (None, true) => {
            return Err(CommandError::Input(
                "nothing to vary: pass --vary PATH=FROM:TO:STEP or add a [sweep] table".into(),
            ));
        }
    };
    let points = design::points(&dimensions, design, n, seed).map_err(CommandError::Input)?;
    Ok(Plan {
        dimensions,
        points,
        blocks: Vec::new(),
        sensitivity: None,
    })
}

/// The points of `file`, each column's path checked against the scenario
/// (an unknown path is blamed on its header cell).
fn csv_plan(base: &Loaded, file: &Path) -> Result<Plan, CommandError> {
    let (dimensions, points) = design::read_csv(file).map_err(CommandError::Input)?;
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let line = text.lines().position(|l| !l.trim().is_empty()).unwrap_or(0) + 1;
    for (k, d) in dimensions.iter().enumerate() {
        let mut set = base.overrides.clone();
        set.push(Override {
            path: d.path.clone(),
            value: format!("{:?}", points[0][k]),
        });
        if let Err(e) = scenario::load(&base.path, &set) {
            // Only an error about this column's field is the header's fault;
            // a value the field refuses is the point's, found when the sweep
            // checks every point.
            let unknown = e.message.contains("unknown") || e.message.contains("not a field");
            if unknown {
                let col = header
                    .find(d.path.as_str())
                    .map_or(1, |b| header[..b].chars().count() + 1);
                return Err(CommandError::Input(format!(
                    "{}:{line}:{col}: column `{}` is not a field of the scenario: {}",
                    file.display(),
                    d.path,
                    e.message
                )));
            }
        }
    }
    Ok(Plan {
        dimensions,
        points,
        blocks: Vec::new(),
        sensitivity: None,
    })
}

/// A Morris or Sobol' design over the `--vary` ranges (uniform priors) or
/// else the scenario's `[priors]`.
fn sensitivity_plan(
    args: &SweepArgs,
    base: &Loaded,
    method: Method,
    seed: u64,
) -> Result<Plan, CommandError> {
    let params: Vec<Parameter> = if !args.vary.is_empty() {
        args.vary
            .iter()
            .map(|d| {
                Prior::uniform(d.from, d.to)
                    .map(|prior| Parameter {
                        path: d.path.clone(),
                        prior,
                    })
                    .map_err(|e| CommandError::Input(format!("--vary {}: {e}", d.path)))
            })
            .collect::<Result<_, _>>()?
    } else if !base.world.priors.is_empty() {
        base.world
            .priors
            .iter()
            .map(|u| Parameter {
                path: u.path.clone(),
                prior: u.prior.clone(),
            })
            .collect()
    } else {
        return Err(CommandError::Input(format!(
            "nothing to vary: a {} design varies the scenario's [priors], and {} declares none; add a [priors] table or pass --vary PATH=FROM:TO",
            match method {
                Method::Morris { .. } => "Morris",
                Method::Sobol { .. } => "Sobol'",
            },
            base.path.display()
        )));
    };
    let sampled = design::sample(method, &params, seed).map_err(CommandError::Input)?;
    let dimensions = params
        .iter()
        .map(|p| {
            let (from, to) = p.prior.support();
            Dimension {
                path: p.path.clone(),
                from,
                to,
                step: None,
            }
        })
        .collect();
    Ok(Plan {
        dimensions,
        points: sampled.points,
        blocks: sampled.blocks,
        sensitivity: Some(SensitivityPlan {
            method,
            priors: params.iter().map(|p| p.prior.to_string()).collect(),
            unit: sampled.unit,
        }),
    })
}

/// Parameters shown per fact in the printed table.
const TOP: usize = 3;

/// What a finished sweep prints.
pub fn summary(report: &SweepReport) -> String {
    let what = if report.shard.is_some() {
        "shard of a sweep; merge the shards with statecraft merge"
    } else {
        "sweep.csv"
    };
    let mut s = format!(
        "{} × {} per point → {} ({what})\n",
        plural(report.points as u64, "point"),
        plural(report.runs, "run"),
        report.out.display()
    );
    if report.shard.is_none() {
        s += &format!(
            "report with figures: statecraft report {}\n",
            crate::report::shell_word(&report.out)
        );
    }
    if report.kept > 0 {
        let were = if report.kept == 1 {
            "point was"
        } else {
            "points were"
        };
        s += &format!("{} {were} already finished and kept\n", report.kept);
    }
    digest_table(&mut s, &report.digest);
    s
}

/// The top parameters of each fact (sensitivity designs), else each fact's
/// range of shares over the points.
pub fn digest_table(s: &mut String, d: &sweep::Digest) {
    let width = |names: &mut dyn Iterator<Item = &String>| {
        names.map(|n| n.chars().count()).max().unwrap_or(0).min(34)
    };
    let short = |name: &str, w: usize| {
        if name.chars().count() > w {
            name.chars().take(w - 1).collect::<String>() + "…"
        } else {
            name.to_string()
        }
    };
    if let Some(index) = d.ranked_by {
        let w = width(&mut d.top.iter().map(|t| &t.0));
        let _ = writeln!(
            s,
            "\nparameters with the largest {index} of each fact's share (all indices in sensitivity.csv):"
        );
        for (fact, ranked) in &d.top {
            let top: Vec<String> = ranked
                .iter()
                .take(TOP)
                .map(|(p, x)| format!("{p} {x:.2}"))
                .collect();
            let _ = writeln!(s, "  {:<w$}  {}", short(fact, w), top.join(", "));
        }
        let mut skipped = Vec::new();
        if d.constant > 0 {
            skipped.push(format!("{} constant over the design", d.constant));
        }
        if d.undefined > 0 {
            skipped.push(format!("{} undefined at some point", d.undefined));
        }
        if !skipped.is_empty() {
            let _ = writeln!(s, "outputs without indices: {}", skipped.join(", "));
        }
    } else if !d.fact_ranges.is_empty() {
        let w = width(&mut d.fact_ranges.iter().map(|t| &t.0));
        let _ = writeln!(
            s,
            "\nshare of runs matching each fact, lowest and highest over the points (sweep_retrodiction.csv):"
        );
        for (fact, lo, hi) in &d.fact_ranges {
            let _ = writeln!(s, "  {:<w$}  {lo:.2} – {hi:.2}", short(fact, w));
        }
    }
}
