//! Experimental designs: which points of parameter space a sweep visits.
//!
//! A factorial design takes every combination of each parameter's grid
//! `from, from+step, …, to`; a Latin hypercube (McKay, Beckman & Conover 1979,
//! "A comparison of three methods for selecting values of input variables in
//! the analysis of output from a computer code", *Technometrics* 21:239) takes
//! N points with exactly one in each of N equal strata of every parameter,
//! placed by a ChaCha8 stream reserved for the design ([`DESIGN_STREAM`] of
//! the master seed), so the same seed gives the same sweep.
//!
//! For sensitivity analysis, [`sample`] builds a Morris or a Saltelli (Sobol')
//! design ([`crate::sensitivity`]) in the unit cube and maps every coordinate
//! through its parameter's prior quantile, keeping each row's block label; and
//! [`read_csv`] takes the points of a design made by another program (SALib,
//! pyabc, EMA Workbench) from a CSV file. Pure apart from that one read: no
//! scenario.

use crate::prior::Prior;
use crate::sensitivity::{Morris, Saltelli};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A scenario's own sweep (its `[sweep]` table, resolved): the design, the
/// points of a Latin hypercube, and the varied parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepPlan {
    pub design: Design,
    pub points: Option<usize>,
    pub vary: Vec<Dimension>,
}

/// The random stream of the master seed that places Latin-hypercube points
/// (runs use streams 0, 1, 2, …).
pub const DESIGN_STREAM: u64 = u64::MAX;

/// One varied parameter: a dotted scenario path and its range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub path: String,
    pub from: f64,
    pub to: f64,
    /// Grid step (factorial designs; Latin-hypercube values are snapped to it if given).
    pub step: Option<f64>,
}

impl FromStr for Dimension {
    type Err = String;

    /// `path=from:to:step` (or `path=from:to` for a Latin hypercube).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "expected PATH=FROM:TO:STEP (e.g. doctrines.neoliberal.discount=0.5:0.95:0.05), got `{s}`"
            )
        };
        let (path, range) = s.split_once('=').ok_or_else(bad)?;
        let parts: Vec<&str> = range.split(':').collect();
        let num = |x: &str| x.trim().parse::<f64>().map_err(|_| bad());
        let (from, to, step) = match parts.as_slice() {
            [a, b] => (num(a)?, num(b)?, None),
            [a, b, c] => (num(a)?, num(b)?, Some(num(c)?)),
            _ => return Err(bad()),
        };
        let d = Dimension {
            path: path.trim().to_string(),
            from,
            to,
            step,
        };
        d.check()?;
        Ok(d)
    }
}

impl Dimension {
    pub fn check(&self) -> Result<(), String> {
        if self.path.is_empty()
            || !self.from.is_finite()
            || !self.to.is_finite()
            || self.to < self.from
        {
            return Err(format!(
                "`{}`: a range needs finite from <= to, got {}:{}",
                self.path, self.from, self.to
            ));
        }
        if let Some(step) = self.step
            && !(step.is_finite() && step > 0.0)
        {
            return Err(format!(
                "`{}`: the step must be a positive number, got {step}",
                self.path
            ));
        }
        Ok(())
    }

    /// The factorial grid from..=to by step.
    fn grid(&self) -> Result<Vec<f64>, String> {
        let step = self.step.ok_or_else(|| {
            format!(
                "`{}`: a factorial design needs a step (FROM:TO:STEP)",
                self.path
            )
        })?;
        let n = ((self.to - self.from) / step + 1e-9).floor() as usize;
        if n > 100_000 {
            return Err(format!(
                "`{}`: {} grid values is too many",
                self.path,
                n + 1
            ));
        }
        Ok((0..=n).map(|i| tidy(self.from + i as f64 * step)).collect())
    }

    fn snap(&self, x: f64) -> f64 {
        match self.step {
            Some(step) => tidy((self.from + ((x - self.from) / step).round() * step).min(self.to)),
            None => x,
        }
    }
}

/// Round away binary noise (0.30000000000000004 → 0.3) so values print as
/// written.
fn tidy(x: f64) -> f64 {
    let scale = 1e12;
    (x * scale).round() / scale
}

/// How points are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    Factorial,
    Lhs,
}

impl FromStr for Design {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "factorial" => Ok(Design::Factorial),
            "lhs" => Ok(Design::Lhs),
            _ => Err(format!("unknown design `{s}`; use factorial or lhs")),
        }
    }
}

/// `--design`: a grid design, points read from a file, or a sensitivity
/// design over the priors (or the `--vary` ranges).
#[derive(Clone, Debug, PartialEq)]
pub enum DesignChoice {
    Grid(Design),
    /// `csv:FILE`: one column per path, one row per point.
    Csv(PathBuf),
    Morris,
    Sobol,
}

impl FromStr for DesignChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "morris" => Ok(DesignChoice::Morris),
            "sobol" => Ok(DesignChoice::Sobol),
            _ => match s.strip_prefix("csv:") {
                Some("") => Err("--design csv:FILE needs a file name after `csv:`".into()),
                Some(file) => Ok(DesignChoice::Csv(PathBuf::from(file))),
                None => s.parse().map(DesignChoice::Grid).map_err(|_| {
                    format!("unknown design `{s}`; use factorial, lhs, csv:FILE, morris or sobol")
                }),
            },
        }
    }
}

/// The reserved stream of the master seed for the bootstrap resamples of
/// sensitivity indices (Morris trajectories are placed by [`DESIGN_STREAM`]).
pub const BOOTSTRAP_STREAM: u64 = u64::MAX - 1;

/// A sensitivity method and its settings, as `sweep.json` records them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Method {
    /// Morris (1991): `trajectories` (r) on a grid of `levels` (p).
    Morris { trajectories: usize, levels: usize },
    /// Saltelli (2002) on a Sobol' sequence: `base` points (N).
    Sobol { base: usize, second_order: bool },
}

/// A parameter of a sensitivity design: a dotted path and its prior.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub path: String,
    pub prior: Prior,
}

/// A sensitivity design: the rows in the unit cube, the parameter values
/// they map to, and each row's block.
#[derive(Clone, Debug, PartialEq)]
pub struct Sampled {
    pub unit: Vec<Vec<f64>>,
    pub points: Vec<Vec<f64>>,
    pub blocks: Vec<String>,
}

/// The block label of row `row` of a Morris design with `params`
/// parameters: `T<t>.<k>`, trajectory t (from 1) and step k (0 its start,
/// k its k-th move).
pub fn morris_block(params: usize, row: usize) -> String {
    format!("T{}.{}", row / (params + 1) + 1, row % (params + 1))
}

/// The rows of `method`'s design over `params`, each coordinate u mapped to
/// its prior's quantile. Morris trajectories are placed by the design stream
/// of `seed`; a Saltelli design starts its Sobol' sequence at the origin,
/// as SALib does (`skip_values = 0`).
pub fn sample(method: Method, params: &[Parameter], seed: u64) -> Result<Sampled, String> {
    let d = params.len();
    let unit: Vec<Vec<f64>> = match method {
        Method::Morris {
            trajectories,
            levels,
        } => {
            let mut rng = crate::montecarlo::run_rng(seed, DESIGN_STREAM);
            Morris::sample(d, trajectories, levels, &mut rng)
                .map_err(|e| e.to_string())?
                .rows()
                .to_vec()
        }
        Method::Sobol { base, second_order } => Saltelli::new(base, d, second_order)
            .and_then(|s| s.points(0))
            .map_err(|e| e.to_string())?,
    };
    if unit.len() > 1_000_000 {
        return Err(format!(
            "the design has {} points; at most 1000000 are supported",
            unit.len()
        ));
    }
    if let Method::Sobol { base, second_order } = method {
        // The first points of the unscrambled sequence can repeat a
        // coordinate of A in B (for 4 parameters and 8 base points, the
        // first): AB_j is then A, and parameter j's indices are 0 whatever
        // the model does.
        let per = Saltelli::new(base, d, second_order)
            .expect("built above")
            .per_base();
        let blind: Vec<String> = (0..d)
            .filter(|&j| (0..base).all(|i| unit[i * per][j] == unit[i * per + per - 1][j]))
            .map(|j| format!("{} (parameter {})", params[j].path, j + 1))
            .collect();
        if !blind.is_empty() {
            return Err(format!(
                "with --base {base} the Sobol' sequence gives the matrices A and B the same values of {}, so its indices would be 0 whatever the model does; use a larger --base (a power of two, e.g. {})",
                blind.join(", "),
                (2 * base).next_power_of_two()
            ));
        }
    }
    let blocks = (0..unit.len())
        .map(|row| match method {
            Method::Morris { .. } => morris_block(d, row),
            Method::Sobol {
                base, second_order, ..
            } => Saltelli::new(base, d, second_order)
                .expect("built above")
                .block(row)
                .to_string(),
        })
        .collect();
    let points = unit
        .iter()
        .map(|row| {
            row.iter()
                .zip(params)
                .map(|(&u, p)| p.prior.quantile(u))
                .collect()
        })
        .collect();
    Ok(Sampled {
        unit,
        points,
        blocks,
    })
}

/// The points of a design written by another program: `file` is
/// comma-separated, its first line the dotted paths (one column each, as
/// `--set` takes them), each further line one point; blank lines are
/// skipped, a field may be wrapped in double quotes (but holds no comma).
/// Errors say `FILE:LINE:COLUMN: what`, column counted in characters from 1.
/// The dimensions' ranges are the smallest and largest value of each column.
pub fn read_csv(file: &Path) -> Result<(Vec<Dimension>, Vec<Vec<f64>>), String> {
    let name = file.display();
    let text = std::fs::read_to_string(file).map_err(|e| {
        format!("{name}: cannot read the design file: {e} (--design csv:FILE wants a CSV file of points, one column per path)")
    })?;
    // Each field with the column (in characters, from 1) where it starts.
    let fields = |line: &str| -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut at = 1;
        for field in line.split(',') {
            let lead = field.chars().take_while(|c| c.is_whitespace()).count();
            let trimmed = field.trim();
            let unquoted = trimmed
                .strip_prefix('"')
                .and_then(|f| f.strip_suffix('"'))
                .unwrap_or(trimmed);
            out.push((at + lead, unquoted.to_string()));
            at += field.chars().count() + 1;
        }
        out
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((head_line, head)) = lines.next() else {
        return Err(format!(
            "{name}:1:1: the design file is empty; its first line must name the varied paths, comma-separated"
        ));
    };
    let header = fields(head);
    for (k, (col, path)) in header.iter().enumerate() {
        if path.is_empty() {
            return Err(format!(
                "{name}:{head_line}:{col}: header column {} is empty; the first line names one dotted path per column, e.g. trade.elasticity",
                k + 1
            ));
        }
        if let Some(first) = header[..k].iter().position(|(_, p)| p == path) {
            return Err(format!(
                "{name}:{head_line}:{col}: `{path}` is column {} and again column {}; each path may be varied once",
                first + 1,
                k + 1
            ));
        }
        if path.parse::<f64>().is_ok() {
            return Err(format!(
                "{name}:{head_line}:{col}: the first line must be a header of dotted paths, but column {} is the number {path}",
                k + 1
            ));
        }
    }
    let mut points = Vec::new();
    for (line, l) in lines {
        let row = fields(l);
        if row.len() != header.len() {
            let col = row.get(header.len()).map_or(l.chars().count() + 1, |f| f.0);
            return Err(format!(
                "{name}:{line}:{col}: this point has {} values, but the header names {} paths",
                row.len(),
                header.len()
            ));
        }
        let mut values = Vec::with_capacity(row.len());
        for ((col, text), (_, path)) in row.iter().zip(&header) {
            match text.parse::<f64>() {
                Ok(x) if x.is_finite() => values.push(x),
                _ => {
                    return Err(format!(
                        "{name}:{line}:{col}: column `{path}`: expected a finite number, got `{text}`"
                    ));
                }
            }
        }
        points.push(values);
    }
    if points.is_empty() {
        return Err(format!(
            "{name}:{}:1: the design file has a header but no points; add one line of values per point",
            head_line + 1
        ));
    }
    if points.len() > 1_000_000 {
        return Err(format!(
            "{name}: the design has {} points; at most 1000000 are supported",
            points.len()
        ));
    }
    let dims = header
        .iter()
        .enumerate()
        .map(|(k, (_, path))| {
            let column = points.iter().map(|p| p[k]);
            Dimension {
                path: path.clone(),
                from: column.clone().fold(f64::INFINITY, f64::min),
                to: column.fold(f64::NEG_INFINITY, f64::max),
                step: None,
            }
        })
        .collect();
    Ok((dims, points))
}

/// The points of a design: one value per dimension each.
pub fn points(
    dims: &[Dimension],
    design: Design,
    n: Option<usize>,
    seed: u64,
) -> Result<Vec<Vec<f64>>, String> {
    if dims.is_empty() {
        return Err(
            "a sweep needs at least one --vary PATH=FROM:TO:STEP (or a [sweep] table)".into(),
        );
    }
    match design {
        Design::Factorial => {
            let grids = dims
                .iter()
                .map(Dimension::grid)
                .collect::<Result<Vec<_>, _>>()?;
            let total = grids
                .iter()
                .try_fold(1usize, |acc, g| acc.checked_mul(g.len()))
                .unwrap_or(usize::MAX);
            if total > 1_000_000 {
                return Err(format!(
                    "the factorial design has {total} points; narrow the ranges or use --design lhs"
                ));
            }
            let mut out = vec![Vec::new()];
            for grid in &grids {
                out = out
                    .into_iter()
                    .flat_map(|p| grid.iter().map(move |&x| [p.clone(), vec![x]].concat()))
                    .collect();
            }
            Ok(out)
        }
        Design::Lhs => {
            let n = n.ok_or("a Latin-hypercube design needs --points N")?;
            if n == 0 || n > 1_000_000 {
                return Err(format!("--points must be between 1 and 1000000, got {n}"));
            }
            let mut rng = crate::montecarlo::run_rng(seed, DESIGN_STREAM);
            let mut out = vec![vec![0.0; dims.len()]; n];
            for (d, dim) in dims.iter().enumerate() {
                // A random permutation of the strata, then a uniform draw in each.
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    strata.swap(i, rng.random_range(0..=i));
                }
                for (point, &stratum) in out.iter_mut().zip(&strata) {
                    let u: f64 = rng.random();
                    let x = dim.from + (stratum as f64 + u) / n as f64 * (dim.to - dim.from);
                    point[d] = dim.snap(x);
                }
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim(s: &str) -> Dimension {
        s.parse().unwrap()
    }

    #[test]
    fn factorial_designs_take_every_combination_of_the_grids() {
        let p = points(
            &[dim("a=0:1:0.5"), dim("b=10:20:10")],
            Design::Factorial,
            None,
            1,
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                vec![0.0, 10.0],
                vec![0.0, 20.0],
                vec![0.5, 10.0],
                vec![0.5, 20.0],
                vec![1.0, 10.0],
                vec![1.0, 20.0]
            ]
        );
        // Binary noise is rounded away: 0.1 steps print as written.
        let g = points(&[dim("x=0.1:0.5:0.1")], Design::Factorial, None, 1).unwrap();
        assert_eq!(
            g.iter().map(|v| v[0]).collect::<Vec<_>>(),
            vec![0.1, 0.2, 0.3, 0.4, 0.5]
        );
    }

    #[test]
    fn latin_hypercubes_put_one_point_in_every_stratum_and_repeat_with_the_seed() {
        let dims = [dim("a=0:1"), dim("b=-5:5")];
        let n = 50;
        let p = points(&dims, Design::Lhs, Some(n), 7).unwrap();
        assert_eq!(p.len(), n);
        for (d, dim) in dims.iter().enumerate() {
            let mut strata: Vec<usize> = p
                .iter()
                .map(|v| ((v[d] - dim.from) / (dim.to - dim.from) * n as f64).floor() as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..n).collect::<Vec<_>>(), "dimension {d}");
        }
        assert_eq!(p, points(&dims, Design::Lhs, Some(n), 7).unwrap());
        assert_ne!(p, points(&dims, Design::Lhs, Some(n), 8).unwrap());
    }

    #[test]
    fn sensitivity_designs_map_the_unit_cube_through_the_priors_and_label_their_blocks() {
        let params = [
            Parameter {
                path: "a".into(),
                prior: Prior::uniform(10.0, 20.0).unwrap(),
            },
            Parameter {
                path: "b".into(),
                prior: Prior::choice(&[1.0, 2.0]).unwrap(),
            },
        ];
        let sobol = Method::Sobol {
            base: 8,
            second_order: false,
        };
        // Four base points give A and B the same second coordinate.
        let four = Method::Sobol {
            base: 4,
            second_order: false,
        };
        let blind = sample(four, &[params[0].clone(), params[0].clone()], 1);
        assert!(blind.unwrap_err().contains("a (parameter 2)"));
        let s = sample(sobol, &params, 1).unwrap();
        assert_eq!(s.points.len(), 8 * 4);
        assert_eq!(s.blocks[..4], ["A", "AB_1", "AB_2", "B"]);
        for (u, x) in s.unit.iter().zip(&s.points) {
            assert_eq!(x[0], params[0].prior.quantile(u[0]));
            assert!(x[1] == 1.0 || x[1] == 2.0);
        }
        let morris = Method::Morris {
            trajectories: 3,
            levels: 4,
        };
        let m = sample(morris, &params, 1).unwrap();
        assert_eq!(
            m.blocks,
            [
                "T1.0", "T1.1", "T1.2", "T2.0", "T2.1", "T2.2", "T3.0", "T3.1", "T3.2"
            ]
        );
        assert_eq!(m, sample(morris, &params, 1).unwrap());
        assert_eq!("csv:x.csv".parse(), Ok(DesignChoice::Csv("x.csv".into())));
        assert_eq!("lhs".parse(), Ok(DesignChoice::Grid(Design::Lhs)));
        assert_eq!("sobol".parse(), Ok(DesignChoice::Sobol));
        assert!("csv:".parse::<DesignChoice>().is_err());
        assert!("halton".parse::<DesignChoice>().is_err());
    }

    #[test]
    fn bad_ranges_are_refused() {
        assert!("a=1:0:0.1".parse::<Dimension>().is_err());
        assert!("a=0:1:0".parse::<Dimension>().is_err());
        assert!("a=0:1:x".parse::<Dimension>().is_err());
        assert!("a".parse::<Dimension>().is_err());
        assert!(points(&[dim("a=0:1")], Design::Factorial, None, 1).is_err());
        assert!(points(&[dim("a=0:1")], Design::Lhs, None, 1).is_err());
    }
}
