//! Morris's elementary effects: trajectories on a p-level grid (Morris 1991)
//! and μ, μ*, σ (Campolongo, Cariboni & Saltelli 2007), as SALib 1.6.0's
//! `sample.morris` (without optimised trajectories or groups) and
//! `analyze.morris` (unscaled) define them.
//!
//! The grid has levels 0, 1/(p−1), …, 1 and the step is Δ = p/(2(p−1)),
//! half the levels up. A trajectory of D + 1 rows is Morris's randomised
//! B* = (J x* + (Δ/2)((2B − J)D* + J))P*: a base point x* with each
//! coordinate drawn from the lower half of the grid {0, …, 1 − Δ}, a
//! direction ±1 for each parameter, and a random order in which the
//! parameters move; row 0 starts each parameter at x* (moving up) or x* + Δ
//! (moving down), and row k + 1 moves the k-th parameter of that order by
//! its step. Design rows are grouped by trajectory, r·(D + 1) rows.
//!
//! The elementary effect of parameter j in a trajectory is
//! (y(upper point) − y(lower point))/Δ, Δ the step in the unit cube, as in
//! SALib: the effect is per unit-cube step, so a parameter with range
//! [lo, hi] and a linear effect c has μ* = |c|·(hi − lo). μ is the mean
//! effect, μ* the mean absolute effect, σ the standard deviation (n − 1),
//! and the half-width of μ* is Z·sd (n − 1) of μ* over bootstrap resamples
//! of the trajectories.
//!
//! Draws per trajectory come in SALib's order — the parameters' order
//! (Fisher–Yates), their directions, then the base point — but from a
//! ChaCha8 stream, so trajectories differ from SALib's while the design is
//! the same. Campolongo's selection of the most spread-out trajectories is
//! not implemented.

use super::{Resamples, SensitivityError, check_outputs, mean, sd, z_score};
use crate::montecarlo::uniform_index;
use rand_chacha::ChaCha8Rng;

/// A Morris design: r trajectories of D + 1 rows in the unit cube.
#[derive(Clone, Debug, PartialEq)]
pub struct Morris {
    params: usize,
    levels: usize,
    rows: Vec<Vec<f64>>,
    /// For row k + 1 of each trajectory, the parameter that moved from row
    /// k and whether it moved up; trajectory by trajectory.
    moves: Vec<(usize, bool)>,
}

/// Elementary-effect statistics of each parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct MorrisIndices {
    /// Mean elementary effect (signed: effects of both signs cancel).
    pub mu: Vec<f64>,
    /// Mean absolute elementary effect: the screening measure.
    pub mu_star: Vec<f64>,
    /// Standard deviation of the effects: interactions and nonlinearity.
    pub sigma: Vec<f64>,
    pub mu_star_conf: Vec<f64>,
}

fn check_levels(levels: usize) -> Result<(), SensitivityError> {
    if levels >= 2 && levels % 2 == 0 {
        Ok(())
    } else {
        Err(SensitivityError::Levels(levels))
    }
}

fn check_trajectories(r: usize) -> Result<(), SensitivityError> {
    if r >= 2 {
        Ok(())
    } else {
        // σ and the bootstrap need two.
        Err(SensitivityError::TooFewPoints {
            what: "trajectories",
            min: 2,
            got: r,
        })
    }
}

impl Morris {
    /// `trajectories` random trajectories for `params` parameters on a grid
    /// of `levels` levels (even; SALib's default is 4).
    pub fn sample(
        params: usize,
        trajectories: usize,
        levels: usize,
        rng: &mut ChaCha8Rng,
    ) -> Result<Morris, SensitivityError> {
        if params == 0 {
            return Err(SensitivityError::NoParameters);
        }
        check_levels(levels)?;
        check_trajectories(trajectories)?;
        let top = (levels - 1) as f64;
        let half = levels / 2;
        let mut rows = Vec::with_capacity(trajectories * (params + 1));
        let mut moves = Vec::with_capacity(trajectories * params);
        for _ in 0..trajectories {
            let mut order: Vec<usize> = (0..params).collect();
            for i in (1..params).rev() {
                order.swap(i, uniform_index(rng, i + 1));
            }
            let up: Vec<bool> = (0..params).map(|_| uniform_index(rng, 2) == 1).collect();
            let base: Vec<usize> = (0..params).map(|_| uniform_index(rng, half)).collect();
            // Grid levels as integers; Δ is `half` levels.
            let mut level: Vec<usize> = (0..params)
                .map(|j| if up[j] { base[j] } else { base[j] + half })
                .collect();
            rows.push(level.iter().map(|&l| l as f64 / top).collect());
            for &j in &order {
                level[j] = if up[j] { base[j] + half } else { base[j] };
                rows.push(level.iter().map(|&l| l as f64 / top).collect());
                moves.push((j, up[j]));
            }
        }
        Ok(Morris {
            params,
            levels,
            rows,
            moves,
        })
    }

    /// A design given row by row (in the unit cube, e.g. read back from a
    /// file or made by another program): consecutive rows of each trajectory
    /// must differ in exactly one parameter, by ±Δ, each parameter once.
    pub fn from_rows(rows: Vec<Vec<f64>>, levels: usize) -> Result<Morris, SensitivityError> {
        check_levels(levels)?;
        let params = rows.first().map_or(0, Vec::len);
        if params == 0 {
            return Err(SensitivityError::NoParameters);
        }
        if let Some(row) = rows.iter().position(|r| r.len() != params) {
            return Err(SensitivityError::RowWidth {
                row,
                expected: params,
                got: rows[row].len(),
            });
        }
        let per = params + 1;
        check_trajectories(rows.len() / per)?;
        let delta = delta(levels);
        let not_a_step = |row: usize| SensitivityError::NotAStep {
            row,
            next: row + 1,
            delta,
            per,
        };
        if rows.len() % per != 0 {
            return Err(not_a_step(rows.len() - rows.len() % per));
        }
        let mut moves = Vec::with_capacity(rows.len() / per * params);
        for t in 0..rows.len() / per {
            let mut moved = vec![false; params];
            for k in t * per..(t + 1) * per - 1 {
                let changed: Vec<usize> = (0..params)
                    .filter(|&j| rows[k + 1][j] != rows[k][j])
                    .collect();
                let &[j] = changed.as_slice() else {
                    return Err(not_a_step(k));
                };
                let step = rows[k + 1][j] - rows[k][j];
                if moved[j] || (step.abs() - delta).abs() > 1e-9 {
                    return Err(not_a_step(k));
                }
                moved[j] = true;
                moves.push((j, step > 0.0));
            }
        }
        Ok(Morris {
            params,
            levels,
            rows,
            moves,
        })
    }

    /// The design's rows in the unit cube, trajectory by trajectory.
    pub fn rows(&self) -> &[Vec<f64>] {
        &self.rows
    }

    pub fn params(&self) -> usize {
        self.params
    }

    pub fn levels(&self) -> usize {
        self.levels
    }

    pub fn trajectories(&self) -> usize {
        self.rows.len() / (self.params + 1)
    }

    /// The step Δ = p/(2(p−1)) in the unit cube.
    pub fn delta(&self) -> f64 {
        delta(self.levels)
    }

    /// The trajectory (0-based) row `row` belongs to.
    pub fn trajectory(&self, row: usize) -> usize {
        row / (self.params + 1)
    }

    /// The parameter that moved to reach row `row` from the row before;
    /// `None` for the first row of a trajectory.
    pub fn moved(&self, row: usize) -> Option<usize> {
        let per = self.params + 1;
        match row % per {
            0 => None,
            k => self.moves.get(row / per * self.params + k - 1).map(|m| m.0),
        }
    }

    /// μ, μ*, σ and μ*'s bootstrap half-width at `conf_level` from the
    /// outputs `y` of the design's rows (in row order). `resamples` are of
    /// the trajectories: one set shared by every parameter, or one set per
    /// parameter (as SALib draws them).
    pub fn analyze(
        &self,
        y: &[f64],
        resamples: &[Resamples],
        conf_level: f64,
    ) -> Result<MorrisIndices, SensitivityError> {
        check_outputs(y, self.rows.len())?;
        let r = self.trajectories();
        if resamples.len() != 1 && resamples.len() != self.params {
            return Err(SensitivityError::ResampleSets {
                params: self.params,
                got: resamples.len(),
            });
        }
        for set in resamples {
            set.check(r)?;
        }
        let z = z_score(conf_level)?;
        let delta = self.delta();
        let per = self.params + 1;
        // effects[j][t]: parameter j's elementary effect in trajectory t.
        let mut effects = vec![vec![0.0; r]; self.params];
        for t in 0..r {
            for k in 0..self.params {
                let (j, up) = self.moves[t * self.params + k];
                let (before, after) = (y[t * per + k], y[t * per + k + 1]);
                let rise = if up { after - before } else { before - after };
                effects[j][t] = rise / delta;
            }
        }
        let mut out = MorrisIndices {
            mu: Vec::with_capacity(self.params),
            mu_star: Vec::with_capacity(self.params),
            sigma: Vec::with_capacity(self.params),
            mu_star_conf: Vec::with_capacity(self.params),
        };
        for (j, ee) in effects.iter().enumerate() {
            out.mu.push(mean(ee.iter().copied()));
            out.mu_star.push(mean(ee.iter().map(|e| e.abs())));
            out.sigma.push(sd(ee));
            let set = &resamples[if resamples.len() == 1 { 0 } else { j }];
            let resampled: Vec<f64> = set
                .draws
                .iter()
                .map(|draw| mean(draw.iter().map(|&t| ee[t].abs())))
                .collect();
            out.mu_star_conf.push(z * sd(&resampled));
        }
        Ok(out)
    }
}

fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels - 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::run_rng;

    #[test]
    fn trajectories_move_each_parameter_once_by_delta_on_the_grid() {
        let mut rng = run_rng(11, 0);
        for levels in [2, 4, 6, 10] {
            let m = Morris::sample(5, 20, levels, &mut rng).unwrap();
            assert_eq!(m.rows().len(), 20 * 6);
            let top = (levels - 1) as f64;
            for row in m.rows() {
                for &x in row {
                    assert!((0.0..=1.0).contains(&x));
                    assert!((x * top - (x * top).round()).abs() < 1e-12);
                }
            }
            // The validation of given rows accepts what sampling makes.
            let again = Morris::from_rows(m.rows().to_vec(), levels).unwrap();
            assert_eq!(again, m);
            assert_eq!(m.moved(0), None);
            assert!(m.moved(1).is_some());
        }
    }

    #[test]
    fn rows_that_are_not_morris_steps_are_refused() {
        let good = vec![
            vec![0.0, 0.0],
            vec![2.0 / 3.0, 0.0],
            vec![2.0 / 3.0, 2.0 / 3.0],
        ];
        let twice = [good.clone(), good.clone()].concat();
        assert!(Morris::from_rows(twice.clone(), 4).is_ok());
        let mut two_at_once = twice.clone();
        two_at_once[1] = vec![2.0 / 3.0, 2.0 / 3.0];
        assert!(matches!(
            Morris::from_rows(two_at_once, 4),
            Err(SensitivityError::NotAStep {
                row: 0,
                next: 1,
                ..
            })
        ));
        let mut wrong_step = twice.clone();
        wrong_step[4] = vec![1.0 / 3.0, 0.0];
        assert!(Morris::from_rows(wrong_step, 4).is_err());
        assert!(Morris::from_rows(twice.clone(), 3).is_err());
        assert!(Morris::from_rows(twice[..5].to_vec(), 4).is_err());
        assert!(Morris::from_rows(good, 4).is_err()); // one trajectory
    }
}
