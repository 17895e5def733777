//! Global sensitivity analysis: which uncertain parameter decides a result.
//!
//! Two methods, each a design (the points of the unit cube to run, in a fixed
//! row order) and an analysis (indices from the outputs of those rows, in the
//! same order). Both follow SALib 1.6.0 (Herman & Usher 2017, "SALib: an
//! open-source Python library for sensitivity analysis", *JOSS* 2:97) row for
//! row and formula for formula, so a design and its outputs give the same
//! indices here as there; `scripts/check_salib.py` checks it against SALib
//! itself (identical designs, indices within 1e-9).
//!
//! - **Variance-based (Sobol') indices.** [`Saltelli`] builds the design of
//!   Saltelli (2002, "Making best use of model evaluations to compute
//!   sensitivity indices", *Comput. Phys. Commun.* 145:280) from a
//!   2D-dimensional [`SobolSequence`]: matrices A and B, and the cross
//!   matrices AB_i (A with column i from B) and, for second-order indices,
//!   BA_i. [`Saltelli::analyze`] estimates first-order indices S1 by
//!   Saltelli et al. (2010, "Variance based sensitivity analysis of model
//!   output. Design and estimator for the total sensitivity index", *Comput.
//!   Phys. Commun.* 181:259), total indices ST by Jansen (1999, "Analysis of
//!   variance designs for model output", *Comput. Phys. Commun.* 117:35), and
//!   second-order indices S2 by Saltelli (2002) — the decomposition of
//!   variance of Sobol' (2001, "Global sensitivity indices for nonlinear
//!   mathematical models and their Monte Carlo estimates", *Math. Comput.
//!   Simul.* 55:271).
//! - **Elementary effects.** [`Morris`] builds r trajectories of Morris
//!   (1991, "Factorial sampling plans for preliminary computational
//!   experiments", *Technometrics* 33:161) on a p-level grid, and
//!   [`Morris::analyze`] gives μ, σ and μ* (the mean absolute effect of
//!   Campolongo, Cariboni & Saltelli 2007, "An effective screening design for
//!   sensitivity analysis of large models", *Environ. Model. Softw.* 22:1509).
//!
//! Confidence half-widths are SALib's: Z·sd of the statistic over bootstrap
//! [`Resamples`] (sd with n − 1, Z the normal quantile of ½ + level/2). The
//! resamples come from a ChaCha8 stream (or are given), so values differ from
//! SALib's NumPy draws while the estimator is the same. Everything is
//! computed sequentially in a fixed order: the same design, outputs and
//! resamples give bit-identical indices.
//!
//! Designs live in the unit cube; a parameter's value is its prior's quantile
//! of the coordinate ([`crate::prior::Prior::quantile`]). The analyses read
//! only the outputs (and, for Morris, which parameter moved), so they hold for
//! any prior.

mod morris;
mod saltelli;
mod sobol_indices;
mod sobol_sequence;

pub use morris::{Morris, MorrisIndices};
pub use saltelli::{Block, Saltelli};
pub use sobol_indices::{SecondOrder, SobolIndices};
pub use sobol_sequence::{MAX_DIMENSIONS, SobolSequence};

use crate::montecarlo::uniform_index;
use crate::stats::normal_quantile;
use rand_chacha::ChaCha8Rng;

/// Why a design cannot be built or outputs cannot be analysed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    #[error("a sensitivity design needs at least one parameter")]
    NoParameters,
    #[error("a sensitivity design needs at least {min} {what}, got {got}")]
    TooFewPoints {
        what: &'static str,
        min: usize,
        got: usize,
    },
    #[error(
        "the Sobol' sequence here has {max} dimensions, and this design needs {needed} \
         (a Saltelli design takes two per parameter)"
    )]
    TooManyDimensions { needed: usize, max: usize },
    #[error("the design has {rows} rows; at most {max} are supported")]
    TooManyRows { rows: u64, max: u64 },
    #[error("expected {expected} model outputs, one per design row in row order, got {got}")]
    OutputCount { expected: usize, got: usize },
    #[error("model output {row} (0-based row) is {value}; every output must be a finite number")]
    NonFinite { row: usize, value: f64 },
    #[error("the confidence level must lie strictly between 0 and 1, got {0}")]
    ConfidenceLevel(f64),
    #[error("the bootstrap needs at least 2 resamples, got {0}")]
    TooFewResamples(usize),
    #[error(
        "bootstrap resamples of {got} items do not fit a design of {expected} \
         (base points for Saltelli, trajectories for Morris)"
    )]
    ResampleSize { expected: usize, got: usize },
    #[error("resample {draw} has {len} indices; each needs {size}, each below {size}")]
    ResampleIndices {
        draw: usize,
        len: usize,
        size: usize,
    },
    #[error("Morris needs either one set of resamples or one per parameter ({params}), got {got}")]
    ResampleSets { params: usize, got: usize },
    #[error(
        "a Morris grid needs an even number of levels, at least 2, got {0} \
         (only then is the step p/(2(p−1)) a whole number of grid cells)"
    )]
    Levels(usize),
    #[error("design row {row} has {got} values, but the design has {expected} parameters")]
    RowWidth {
        row: usize,
        expected: usize,
        got: usize,
    },
    #[error(
        "design rows {row} and {next} are not one Morris step: each step changes exactly \
         one parameter by ±{delta}, and each parameter once per trajectory of {per} rows"
    )]
    NotAStep {
        row: usize,
        next: usize,
        delta: f64,
        per: usize,
    },
}

/// Bootstrap resamples: `count` draws, each of `size` indices in 0..size
/// taken with replacement.
#[derive(Clone, Debug, PartialEq)]
pub struct Resamples {
    size: usize,
    draws: Vec<Vec<usize>>,
}

impl Resamples {
    /// Draw `count` resamples of `size` items from `rng`, draw by draw and
    /// index by index, each an unbiased [`uniform_index`].
    pub fn draw(size: usize, count: usize, rng: &mut ChaCha8Rng) -> Resamples {
        let draws = (0..count)
            .map(|_| (0..size).map(|_| uniform_index(rng, size)).collect())
            .collect();
        Resamples { size, draws }
    }

    /// Resamples given index by index (to reproduce another program's).
    pub fn from_indices(
        size: usize,
        draws: Vec<Vec<usize>>,
    ) -> Result<Resamples, SensitivityError> {
        for (draw, d) in draws.iter().enumerate() {
            if d.len() != size || d.iter().any(|&i| i >= size) {
                return Err(SensitivityError::ResampleIndices {
                    draw,
                    len: d.len(),
                    size,
                });
            }
        }
        Ok(Resamples { size, draws })
    }

    /// Items per resample.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Number of resamples.
    pub fn count(&self) -> usize {
        self.draws.len()
    }

    fn check(&self, size: usize) -> Result<(), SensitivityError> {
        if self.size != size {
            return Err(SensitivityError::ResampleSize {
                expected: size,
                got: self.size,
            });
        }
        if self.draws.len() < 2 {
            return Err(SensitivityError::TooFewResamples(self.draws.len()));
        }
        Ok(())
    }
}

/// Z of a two-sided interval at `level`: Φ⁻¹(½ + level/2).
fn z_score(level: f64) -> Result<f64, SensitivityError> {
    if level > 0.0 && level < 1.0 {
        Ok(normal_quantile(0.5 + level / 2.0))
    } else {
        Err(SensitivityError::ConfidenceLevel(level))
    }
}

/// Every output must be finite, and there must be `expected` of them.
fn check_outputs(y: &[f64], expected: usize) -> Result<(), SensitivityError> {
    if y.len() != expected {
        return Err(SensitivityError::OutputCount {
            expected,
            got: y.len(),
        });
    }
    match y.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(SensitivityError::NonFinite { row, value: y[row] }),
        None => Ok(()),
    }
}

/// Mean, in order.
fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for x in xs {
        sum += x;
        n += 1;
    }
    sum / n as f64
}

/// Standard deviation with n − 1 in the denominator (two passes, in order).
fn sd(xs: &[f64]) -> f64 {
    let m = mean(xs.iter().copied());
    let ss: f64 = xs.iter().map(|x| (x - m) * (x - m)).sum();
    (ss / (xs.len() - 1) as f64).sqrt()
}
