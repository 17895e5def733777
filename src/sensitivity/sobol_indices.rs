//! Sobol' indices from the outputs of a Saltelli design, as SALib 1.6.0's
//! `analyze.sobol.analyze` computes them.
//!
//! The outputs are first standardised, y ← (y − ȳ)/sd(y) over all rows (sd
//! with n in the denominator): the indices are ratios, so the scale cancels,
//! but S1's estimator is not invariant to a shift of y and SALib centres it
//! this way. With f_A, f_B, f_ABj, f_BAj the standardised outputs of the
//! blocks and V the variance (denominator n) of f_A and f_B taken together:
//!
//! - S1_j = mean(f_B·(f_ABj − f_A)) / V (Saltelli et al. 2010, table 2 (b));
//! - ST_j = mean((f_A − f_ABj)²) / (2V) (Jansen 1999; Saltelli et al. 2010 (f));
//! - S2_jk = mean(f_BAj·f_ABk − f_A·f_B) / V − S1_j − S1_k (Saltelli 2002).
//!
//! An index is 0 when its outputs do not vary (range or V at most machine
//! epsilon), as in SALib. Each confidence half-width is Z·sd (n − 1) of the
//! index recomputed on every bootstrap resample of the base points — the
//! same resamples for every index, as SALib draws them.

use super::saltelli::Saltelli;
use super::{Resamples, SensitivityError, check_outputs, mean, sd, z_score};

/// Sobol' indices of each parameter, with bootstrap confidence half-widths.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolIndices {
    /// First-order index of each parameter: its share of the output variance
    /// on its own.
    pub s1: Vec<f64>,
    pub s1_conf: Vec<f64>,
    /// Total index: its share with every interaction it takes part in.
    pub st: Vec<f64>,
    pub st_conf: Vec<f64>,
    /// Second-order indices of the pairs i < j, in the order (0, 1), (0, 2),
    /// …, (1, 2), …; empty for a design without second order.
    pub s2: Vec<SecondOrder>,
}

/// The second-order index of the pair (i, j), i < j.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SecondOrder {
    pub i: usize,
    pub j: usize,
    pub s2: f64,
    pub s2_conf: f64,
}

/// The standardised outputs of each block, one value per base point.
struct Blocks {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<Vec<f64>>,
    ba: Vec<Vec<f64>>,
}

impl Blocks {
    /// The range of f_A and f_B over the base points `rows`.
    fn range(&self, rows: &[usize]) -> f64 {
        let values = rows.iter().flat_map(|&i| [self.a[i], self.b[i]]);
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        hi - lo
    }

    /// V: the variance of f_A then f_B over `rows` (denominator n, two
    /// passes, as `numpy.var`).
    fn variance(&self, rows: &[usize]) -> f64 {
        let values = || {
            rows.iter()
                .map(|&i| self.a[i])
                .chain(rows.iter().map(|&i| self.b[i]))
        };
        let m = mean(values());
        mean(values().map(|x| (x - m) * (x - m)))
    }

    fn first(&self, rows: &[usize], j: usize, v: f64) -> f64 {
        let (a, b, ab) = (&self.a, &self.b, &self.ab[j]);
        ratio(mean(rows.iter().map(|&i| b[i] * (ab[i] - a[i]))), v)
    }

    fn total(&self, rows: &[usize], j: usize, v: f64) -> f64 {
        let (a, ab) = (&self.a, &self.ab[j]);
        ratio(0.5 * mean(rows.iter().map(|&i| (a[i] - ab[i]).powi(2))), v)
    }

    fn second(&self, rows: &[usize], j: usize, k: usize, v: f64) -> f64 {
        let (a, b, abk, baj) = (&self.a, &self.b, &self.ab[k], &self.ba[j]);
        let vjk = ratio(mean(rows.iter().map(|&i| baj[i] * abk[i] - a[i] * b[i])), v);
        vjk - self.first(rows, j, v) - self.first(rows, k, v)
    }
}

/// An estimate over V, 0 where V is no more than rounding.
fn ratio(numerator: f64, v: f64) -> f64 {
    if v > f64::EPSILON { numerator / v } else { 0.0 }
}

pub(super) fn analyze(
    design: &Saltelli,
    y: &[f64],
    resamples: &Resamples,
    conf_level: f64,
) -> Result<SobolIndices, SensitivityError> {
    check_outputs(y, design.rows())?;
    resamples.check(design.base())?;
    let z = z_score(conf_level)?;
    let (n, d, step) = (design.base(), design.params(), design.per_base());
    let pairs: Vec<(usize, usize)> = if design.second_order() {
        (0..d)
            .flat_map(|i| (i + 1..d).map(move |j| (i, j)))
            .collect()
    } else {
        Vec::new()
    };

    let centre = mean(y.iter().copied());
    let spread = mean(y.iter().map(|x| (x - centre) * (x - centre))).sqrt();
    if spread == 0.0 {
        // Constant outputs: nothing to attribute (SALib returns zeros too).
        return Ok(SobolIndices {
            s1: vec![0.0; d],
            s1_conf: vec![0.0; d],
            st: vec![0.0; d],
            st_conf: vec![0.0; d],
            s2: pairs
                .into_iter()
                .map(|(i, j)| SecondOrder {
                    i,
                    j,
                    s2: 0.0,
                    s2_conf: 0.0,
                })
                .collect(),
        });
    }
    let f = |row: usize| (y[row] - centre) / spread;
    let blocks = Blocks {
        a: (0..n).map(|i| f(i * step)).collect(),
        b: (0..n).map(|i| f(i * step + step - 1)).collect(),
        ab: (0..d)
            .map(|j| (0..n).map(|i| f(i * step + 1 + j)).collect())
            .collect(),
        ba: if design.second_order() {
            (0..d)
                .map(|j| (0..n).map(|i| f(i * step + 1 + d + j)).collect())
                .collect()
        } else {
            Vec::new()
        },
    };

    let all: Vec<usize> = (0..n).collect();
    let v = if blocks.range(&all) > f64::EPSILON {
        blocks.variance(&all)
    } else {
        0.0
    };
    // The resampled outputs as a whole: when they do not vary, every
    // resampled index is 0 and so is its half-width (SALib's check).
    let varies = resamples
        .draws
        .iter()
        .any(|r| blocks.range(r) > f64::EPSILON);
    let vs: Vec<f64> = resamples.draws.iter().map(|r| blocks.variance(r)).collect();
    let half_width = |estimate: &dyn Fn(&[usize], f64) -> f64| -> f64 {
        if !varies {
            return 0.0;
        }
        let values: Vec<f64> = resamples
            .draws
            .iter()
            .zip(&vs)
            .map(|(r, &v)| estimate(r, v))
            .collect();
        z * sd(&values)
    };

    let mut out = SobolIndices {
        s1: Vec::with_capacity(d),
        s1_conf: Vec::with_capacity(d),
        st: Vec::with_capacity(d),
        st_conf: Vec::with_capacity(d),
        s2: Vec::with_capacity(pairs.len()),
    };
    for j in 0..d {
        out.s1.push(blocks.first(&all, j, v));
        out.s1_conf.push(half_width(&|r, v| blocks.first(r, j, v)));
        out.st.push(blocks.total(&all, j, v));
        out.st_conf.push(half_width(&|r, v| blocks.total(r, j, v)));
    }
    for (i, j) in pairs {
        out.s2.push(SecondOrder {
            i,
            j,
            s2: blocks.second(&all, i, j, v),
            s2_conf: half_width(&|r, v| blocks.second(r, i, j, v)),
        });
    }
    Ok(out)
}
