//! Experimental designs: which points of parameter space a sweep visits.
//!
//! A factorial design takes every combination of each parameter's grid
//! `from, from+step, …, to`; a Latin hypercube (McKay, Beckman & Conover 1979,
//! "A comparison of three methods for selecting values of input variables in
//! the analysis of output from a computer code", *Technometrics* 21:239) takes
//! N points with exactly one in each of N equal strata of every parameter,
//! placed by a ChaCha8 stream reserved for the design ([`DESIGN_STREAM`] of
//! the master seed), so the same seed gives the same sweep. Pure: no scenario,
//! no files.

use rand::RngExt;
use serde::{Deserialize, Serialize};
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
    fn bad_ranges_are_refused() {
        assert!("a=1:0:0.1".parse::<Dimension>().is_err());
        assert!("a=0:1:0".parse::<Dimension>().is_err());
        assert!("a=0:1:x".parse::<Dimension>().is_err());
        assert!("a".parse::<Dimension>().is_err());
        assert!(points(&[dim("a=0:1")], Design::Factorial, None, 1).is_err());
        assert!(points(&[dim("a=0:1")], Design::Lhs, None, 1).is_err());
    }
}
