//! What the engine asks of a parameter's prior: a draw, a density and a
//! support — the [`Prior`] trait — with two reference implementations,
//! [`Normal`] and [`Uniform`], and the standard normal draw the kernels use.
//!
//! The trait is deliberately small so that any prior family (log-uniform,
//! beta, truncated normal, a choice among values) is a few lines: `sample`
//! and `density` are required, the rest have defaults.
//!
//! **The density must be normalised** (integrate, or for a choice sum, to 1
//! over its support). With one model a constant factor would cancel in the
//! normalised weights, but model choice compares the weights of particles of
//! different models: a prior given as `p⁹` instead of `10 p⁹` would make its
//! model look ten times less probable than it is.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The prior of one parameter.
pub trait Prior: Send + Sync {
    /// One draw from the prior, from the attempt's stream only.
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64;

    /// The normalised density at `x` (the probability of `x` for a prior over
    /// finitely many values), 0 outside the support.
    fn density(&self, x: f64) -> f64;

    /// `ln density(x)`, −∞ outside the support. Override it where the
    /// density underflows in the tails.
    fn ln_density(&self, x: f64) -> f64 {
        self.density(x).ln()
    }

    /// Whether `x` is in the support (proposals outside it are redrawn).
    fn contains(&self, x: f64) -> bool {
        self.density(x) > 0.0
    }

    /// For a prior over finitely many values (a choice), those values: the
    /// engine then perturbs the parameter by jumping between them instead of
    /// adding normal noise. `None` (the default) for a continuous prior.
    fn values(&self) -> Option<&[f64]> {
        None
    }
}

/// A normal prior N(mean, sd²) on the whole real line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Normal {
    mean: f64,
    sd: f64,
}

impl Normal {
    /// `None` unless `mean` is finite and `sd` finite and positive.
    pub fn new(mean: f64, sd: f64) -> Option<Normal> {
        (mean.is_finite() && sd.is_finite() && sd > 0.0).then_some(Normal { mean, sd })
    }
}

impl Prior for Normal {
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.mean + self.sd * standard_normal(rng)
    }

    fn density(&self, x: f64) -> f64 {
        self.ln_density(x).exp()
    }

    fn ln_density(&self, x: f64) -> f64 {
        let z = (x - self.mean) / self.sd;
        -0.5 * z * z - self.sd.ln() - LN_SQRT_2PI
    }

    fn contains(&self, x: f64) -> bool {
        x.is_finite()
    }
}

/// A uniform prior on the closed interval [low, high].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Uniform {
    low: f64,
    high: f64,
}

impl Uniform {
    /// `None` unless both ends are finite and `low < high`.
    pub fn new(low: f64, high: f64) -> Option<Uniform> {
        (low.is_finite() && high.is_finite() && low < high).then_some(Uniform { low, high })
    }
}

impl Prior for Uniform {
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.low + (self.high - self.low) * rng.random::<f64>()
    }

    fn density(&self, x: f64) -> f64 {
        if self.contains(x) {
            1.0 / (self.high - self.low)
        } else {
            0.0
        }
    }

    fn contains(&self, x: f64) -> bool {
        (self.low..=self.high).contains(&x)
    }
}

/// ln √(2π).
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// One standard normal draw by the Box–Muller transform. It always takes
/// exactly two uniforms (the sine half is discarded), so the number of draws
/// a proposal consumes never depends on the values drawn.
pub fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    // 1 − U is in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::run_rng;

    #[test]
    fn reference_priors_are_normalised_and_bounded() {
        let n = Normal::new(1.0, 2.0).unwrap();
        // ∫ density ≈ 1 by the midpoint rule over ±10 sd.
        let h = 0.01;
        let total: f64 = (0..4000)
            .map(|i| n.density(-19.0 + (i as f64 + 0.5) * h) * h)
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let u = Uniform::new(-1.0, 3.0).unwrap();
        assert_eq!(u.density(0.0), 0.25);
        assert_eq!(u.density(3.5), 0.0);
        assert!(u.contains(3.0) && !u.contains(-1.5));
        assert!(Normal::new(0.0, 0.0).is_none() && Uniform::new(1.0, 1.0).is_none());
        let mut rng = run_rng(3, 0);
        assert!((0..1000).all(|_| u.contains(u.sample(&mut rng))));
    }

    #[test]
    fn standard_normal_draws_have_unit_moments() {
        let mut rng = run_rng(11, 5);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
        let below = xs.iter().filter(|&&x| x < -1.959_964).count() as f64 / n as f64;
        assert!((below - 0.025).abs() < 0.002, "{below}");
    }
}
