//! Perturbation kernels: the multivariate normal kernel of a model's
//! continuous parameters, and the jump kernels of models and of parameters
//! over finitely many values.
//!
//! The normal kernel's covariance is twice the weighted covariance of the
//! model's particles in the previous generation (Beaumont, Cornuet, Marin &
//! Robert 2009, *Biometrika* 96:983, who show it minimises the Kullback–Leibler
//! divergence between proposal and target for a normal kernel; Filippi,
//! Barnes, Cornebise & Stumpf 2013, *Stat. Appl. Genet. Mol. Biol.* 12:87,
//! derive the same "2 × covariance" as the optimal global kernel). The
//! weighted covariance is the plain one, Σ w̃ (θ − μ)(θ − μ)ᵀ with the weights
//! normalised to 1 — at hundreds of particles a small-sample correction is
//! noise.
//!
//! A singular covariance happens: a model with a single surviving particle,
//! a parameter on which every particle agrees, fewer particles than
//! parameters. When the Cholesky factorisation meets a pivot that is not
//! clearly positive (below 10⁻¹² of its diagonal entry), the kernel falls back
//! to the diagonal of the covariance — the parameters perturbed independently
//! with their own variances — and a variance that is itself zero becomes
//! (10⁻³ × |weighted mean|)², or 10⁻⁶ at a mean of zero: small enough not to
//! undo what the fit learnt, positive so that the kernel has a density. Either
//! kernel is a valid SMC kernel: the weights use whichever was drawn from.

use super::prior::{LN_SQRT_2PI, standard_normal};
use crate::matrix::Matrix;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// A zero-mean multivariate normal kernel N(0, L Lᵀ).
#[derive(Clone, Debug)]
pub(crate) struct Gaussian {
    /// Lower-triangular factor L.
    factor: Matrix,
    /// ln of the normalising constant: −d ln √(2π) − Σ ln Lᵢᵢ.
    ln_norm: f64,
    /// Whether the diagonal fallback was taken.
    diagonal: bool,
}

impl Gaussian {
    /// The kernel of covariance 2 × the weighted covariance of `points`
    /// (rows of equal length; `weights` normalised to sum 1).
    pub(crate) fn fit(points: &[Vec<f64>], weights: &[f64]) -> Gaussian {
        let d = points.first().map_or(0, Vec::len);
        let mut mean = vec![0.0; d];
        for (x, &w) in points.iter().zip(weights) {
            for (m, xi) in mean.iter_mut().zip(x) {
                *m += w * xi;
            }
        }
        let mut cov = Matrix::new(d, d, 0.0);
        for (x, &w) in points.iter().zip(weights) {
            for i in 0..d {
                let di = x[i] - mean[i];
                for j in 0..=i {
                    let v = cov.get(i, j) + 2.0 * w * di * (x[j] - mean[j]);
                    cov.set(i, j, v);
                }
            }
        }
        for i in 0..d {
            for j in 0..i {
                cov.set(j, i, cov.get(i, j));
            }
        }
        match cholesky(&cov) {
            Some(factor) => Gaussian::new(factor, false),
            None => {
                let mut factor = Matrix::new(d, d, 0.0);
                for (i, &m) in mean.iter().enumerate() {
                    let v = cov.get(i, i);
                    let var = if v.is_finite() && v > 0.0 {
                        v
                    } else if m != 0.0 {
                        (1e-3 * m).powi(2)
                    } else {
                        1e-6
                    };
                    factor.set(i, i, var.sqrt());
                }
                Gaussian::new(factor, true)
            }
        }
    }

    fn new(factor: Matrix, diagonal: bool) -> Gaussian {
        let d = factor.rows;
        let ln_det_half: f64 = (0..d).map(|i| factor.get(i, i).ln()).sum();
        Gaussian {
            ln_norm: -(d as f64) * LN_SQRT_2PI - ln_det_half,
            factor,
            diagonal,
        }
    }

    pub(crate) fn is_diagonal(&self) -> bool {
        self.diagonal
    }

    /// `out = centre + L z`, z standard normal (d draws, in order).
    pub(crate) fn perturb(&self, centre: &[f64], rng: &mut ChaCha8Rng, out: &mut [f64]) {
        let d = self.factor.rows;
        let z: Vec<f64> = (0..d).map(|_| standard_normal(rng)).collect();
        for i in 0..d {
            let row = &self.factor.row(i)[..=i];
            let shift: f64 = row.iter().zip(&z).map(|(l, z)| l * z).sum();
            out[i] = centre[i] + shift;
        }
    }

    /// ln N(diff; 0, L Lᵀ), by forward substitution L y = diff.
    pub(crate) fn ln_density(&self, diff: &[f64]) -> f64 {
        let d = self.factor.rows;
        let mut y = vec![0.0; d];
        let mut sq = 0.0;
        for i in 0..d {
            let row = self.factor.row(i);
            let partial: f64 = row[..i].iter().zip(&y).map(|(l, y)| l * y).sum();
            y[i] = (diff[i] - partial) / row[i];
            sq += y[i] * y[i];
        }
        self.ln_norm - 0.5 * sq
    }
}

/// The lower Cholesky factor of a symmetric matrix, or `None` when a pivot is
/// not clearly positive (singular, indefinite or not finite).
pub(crate) fn cholesky(a: &Matrix) -> Option<Matrix> {
    let d = a.rows;
    let mut l = Matrix::new(d, d, 0.0);
    for i in 0..d {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l.get(i, k) * l.get(j, k)).sum();
            let s = a.get(i, j) - dot;
            if i == j {
                let scale = a.get(i, i);
                if !(s.is_finite() && scale.is_finite() && s > 1e-12 * scale && s > 0.0) {
                    return None;
                }
                l.set(i, i, s.sqrt());
            } else {
                l.set(i, j, s / l.get(j, j));
            }
        }
    }
    Some(l)
}

/// The jump kernel on `n` alternatives (models, or a choice's values): stay
/// with probability `stay`, else move to one of the n − 1 others uniformly
/// (Toni & Stumpf 2010's model kernel). With one alternative it always stays.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Jump {
    pub(crate) n: usize,
    pub(crate) stay: f64,
}

impl Jump {
    pub(crate) fn draw(self, from: usize, rng: &mut ChaCha8Rng) -> usize {
        if self.n == 1 {
            return from;
        }
        // Always draw both numbers, so the stream's position after a jump
        // does not depend on whether it stayed.
        let u: f64 = rng.random();
        let other = rng.random_range(0..self.n - 1);
        if u < self.stay {
            from
        } else if other >= from {
            other + 1
        } else {
            other
        }
    }

    /// P(to | from).
    pub(crate) fn probability(self, to: usize, from: usize) -> f64 {
        if self.n == 1 {
            1.0
        } else if to == from {
            self.stay
        } else {
            (1.0 - self.stay) / (self.n - 1) as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::run_rng;

    #[test]
    fn cholesky_factors_a_positive_definite_matrix_and_refuses_a_singular_one() {
        let a = Matrix {
            rows: 3,
            cols: 3,
            data: vec![4.0, 2.0, 0.4, 2.0, 2.0, 0.5, 0.4, 0.5, 3.0],
        };
        let l = cholesky(&a).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let llt: f64 = (0..3).map(|k| l.get(i, k) * l.get(j, k)).sum();
                assert!((llt - a.get(i, j)).abs() < 1e-12);
            }
        }
        let singular = Matrix {
            rows: 2,
            cols: 2,
            data: vec![1.0, 2.0, 2.0, 4.0],
        };
        assert!(cholesky(&singular).is_none());
    }

    #[test]
    fn the_kernel_has_twice_the_weighted_covariance_and_a_normalised_density() {
        let points = vec![
            vec![0.0, 1.0],
            vec![1.0, 3.0],
            vec![2.0, 2.0],
            vec![3.0, 6.0],
        ];
        let weights = [0.1, 0.2, 0.3, 0.4];
        let g = Gaussian::fit(&points, &weights);
        assert!(!g.is_diagonal());
        // Weighted mean (2, 3.7); covariance by hand.
        let (mx, my) = (2.0, 3.7);
        let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
        for (p, w) in points.iter().zip(weights) {
            sxx += w * (p[0] - mx) * (p[0] - mx);
            sxy += w * (p[0] - mx) * (p[1] - my);
            syy += w * (p[1] - my) * (p[1] - my);
        }
        let f = &g.factor;
        let c00 = f.get(0, 0).powi(2);
        let c10 = f.get(1, 0) * f.get(0, 0);
        let c11 = f.get(1, 0).powi(2) + f.get(1, 1).powi(2);
        assert!((c00 - 2.0 * sxx).abs() < 1e-12);
        assert!((c10 - 2.0 * sxy).abs() < 1e-12);
        assert!((c11 - 2.0 * syy).abs() < 1e-12);
        // The density integrates to 1 (midpoint rule on a wide grid).
        let h = 0.1;
        let mut total = 0.0;
        for i in 0..400 {
            for j in 0..400 {
                let x = [-20.0 + (i as f64 + 0.5) * h, -20.0 + (j as f64 + 0.5) * h];
                total += g.ln_density(&x).exp() * h * h;
            }
        }
        assert!((total - 1.0).abs() < 1e-6, "{total}");
    }

    #[test]
    fn a_collapsed_population_falls_back_to_a_positive_diagonal() {
        // One surviving particle: covariance zero in every direction.
        let g = Gaussian::fit(&[vec![2.0, 0.0]], &[1.0]);
        assert!(g.is_diagonal());
        assert!((g.factor.get(0, 0) - 2e-3).abs() < 1e-15);
        assert!((g.factor.get(1, 1) - 1e-3).abs() < 1e-15);
        assert!(g.ln_density(&[0.0, 0.0]).is_finite());
        // Perfectly correlated parameters: the diagonal keeps each variance.
        let g = Gaussian::fit(&[vec![0.0, 0.0], vec![1.0, 2.0]], &[0.5, 0.5]);
        assert!(g.is_diagonal());
        assert!((g.factor.get(0, 0) - 0.5f64.sqrt()).abs() < 1e-12);
        assert!((g.factor.get(1, 1) - 2f64.sqrt()).abs() < 1e-12);
        let mut out = [0.0; 2];
        g.perturb(&[0.0, 0.0], &mut run_rng(1, 2), &mut out);
        assert!(out.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn jumps_stay_or_move_uniformly_to_another() {
        let k = Jump { n: 4, stay: 0.7 };
        let total: f64 = (0..4).map(|to| k.probability(to, 2)).sum();
        assert!((total - 1.0).abs() < 1e-15);
        let mut rng = run_rng(5, 9);
        let mut counts = [0usize; 4];
        let n = 40_000;
        for _ in 0..n {
            counts[k.draw(2, &mut rng)] += 1;
        }
        for (to, &c) in counts.iter().enumerate() {
            let p = c as f64 / n as f64;
            assert!((p - k.probability(to, 2)).abs() < 0.01, "{to}: {p}");
        }
        assert_eq!(Jump { n: 1, stay: 0.0 }.draw(0, &mut rng), 0);
    }
}
