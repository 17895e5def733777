//! Prior distributions of uncertain parameters.
//!
//! A [`Prior`] is one of five families, each bounded so that every point of
//! the unit cube maps to a finite parameter value (the unscrambled Sobol'
//! sequence starts at u = 0, Morris grids reach u = 1):
//!
//! | text | distribution |
//! |---|---|
//! | `uniform(lo, hi)` | uniform on [lo, hi] |
//! | `loguniform(lo, hi)` | log-uniform on [lo, hi], 0 < lo (ln x uniform) |
//! | `beta(a, b)`, `beta(a, b, lo, hi)` | Beta(a, b), on [0, 1] or scaled to [lo, hi] |
//! | `normal(mu, sigma, lo, hi)` | normal N(mu, sigma²) truncated to [lo, hi] |
//! | `choice([v1, v2, …])` | each of distinct values with equal probability |
//!
//! The truncated normal requires its range: an untruncated normal maps u = 0
//! to −∞, and every parameter of a scenario has a range it must stay in.
//!
//! Every prior offers the inverse distribution function ([`Prior::quantile`],
//! which maps Sobol' and Morris unit-cube points to parameter values), the
//! distribution function, its support, analytic mean and variance, and
//! random draws from a ChaCha8 stream ([`Prior::sample`]) by algorithms
//! implemented here, so the same seed draws the same values whatever version
//! of `rand` is in use:
//!
//! - uniform, log-uniform and truncated normal: inversion, x = F⁻¹(U), with
//!   one [`uniform_open`] draw; the normal quantile is solved in whichever
//!   tail is smaller, so ranges far in a tail keep their accuracy;
//! - beta: X = G₁/(G₁ + G₂) with Gᵢ gamma variates by Marsaglia & Tsang (2000,
//!   "A simple method for generating gamma variables", *ACM TOMS* 26:363),
//!   whose normal deviates are themselves drawn by inversion; for shapes
//!   below 1, G(a) = G(a + 1)·U^(1/a) (their §6). The gammas are carried as
//!   logarithms so tiny shapes cannot underflow to 0/0;
//! - choice: one unbiased [`uniform_index`].
//!
//! The text form is parsed by `FromStr` and written by `Display` (the two
//! round-trip); errors carry the character column of the problem
//! ([`ParsePriorError`]).

mod parse;

pub use parse::ParsePriorError;

use crate::montecarlo::{uniform_index, uniform_open};
use crate::stats::{incomplete_beta, ln_gamma, normal_cdf, normal_quantile};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;

/// The prior distribution of one uncertain parameter; built only through its
/// checked constructors or `FromStr`, so every prior is a proper distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct Prior(Kind);

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Uniform {
        lo: f64,
        hi: f64,
    },
    LogUniform {
        lo: f64,
        hi: f64,
    },
    Beta {
        a: f64,
        b: f64,
        lo: f64,
        hi: f64,
    },
    Normal {
        mu: f64,
        sigma: f64,
        lo: f64,
        hi: f64,
    },
    /// Distinct values, ascending.
    Choice(Vec<f64>),
}

/// Why a prior's parameters do not define a distribution.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PriorError {
    #[error("unknown distribution `{0}`; expected uniform, loguniform, beta, normal or choice")]
    UnknownDistribution(String),
    #[error("expected {expected}, found {found}")]
    Syntax {
        expected: &'static str,
        found: String,
    },
    #[error("`{0}` is not a number")]
    NotANumber(String),
    #[error("{0} is not finite; every parameter of a prior must be a finite number")]
    NotFinite(f64),
    #[error("{name} takes {usage}, got {got} number{}", plural(*.got))]
    Arity {
        name: &'static str,
        usage: &'static str,
        got: usize,
    },
    #[error("lo < hi required, got lo = {lo}, hi = {hi}")]
    Range { lo: f64, hi: f64 },
    #[error("log-uniform bounds must be > 0, got {0}")]
    LogUniformBound(f64),
    #[error("beta shape parameters must be > 0, got {0}")]
    BetaShape(f64),
    #[error("normal needs sigma > 0, got {0}")]
    Sigma(f64),
    #[error(
        "normal({mu}, {sigma}, {lo}, {hi}) puts no representable probability in its range; \
         the range must lie within about 37 sigma of mu"
    )]
    NoMass {
        mu: f64,
        sigma: f64,
        lo: f64,
        hi: f64,
    },
    #[error("empty choice; list at least one value, e.g. choice([1, 2, 4])")]
    EmptyChoice,
    #[error("choice values must be distinct; {0} is listed twice")]
    DuplicateChoice(f64),
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A failed check and the 0-based index of the argument at fault (the parser
/// turns it into a column).
type Fault = (PriorError, usize);

fn finite(args: &[f64]) -> Result<(), Fault> {
    match args.iter().position(|x| !x.is_finite()) {
        Some(i) => Err((PriorError::NotFinite(args[i]), i)),
        None => Ok(()),
    }
}

fn range(lo: f64, hi: f64, at: usize) -> Result<(), Fault> {
    if lo < hi {
        Ok(())
    } else {
        Err((PriorError::Range { lo, hi }, at + 1))
    }
}

impl Prior {
    /// Uniform on [lo, hi].
    pub fn uniform(lo: f64, hi: f64) -> Result<Prior, PriorError> {
        Self::checked_uniform(lo, hi).map_err(|f| f.0)
    }

    /// Log-uniform on [lo, hi] (0 < lo < hi): ln x is uniform on [ln lo, ln hi].
    pub fn loguniform(lo: f64, hi: f64) -> Result<Prior, PriorError> {
        Self::checked_loguniform(lo, hi).map_err(|f| f.0)
    }

    /// Beta(a, b) scaled to [lo, hi] (`beta(a, b, 0.0, 1.0)` is the standard
    /// beta): lo + (hi − lo)·X, X with density ∝ x^(a−1)(1 − x)^(b−1).
    pub fn beta(a: f64, b: f64, lo: f64, hi: f64) -> Result<Prior, PriorError> {
        Self::checked_beta(a, b, lo, hi).map_err(|f| f.0)
    }

    /// N(mu, sigma²) truncated to [lo, hi].
    pub fn normal(mu: f64, sigma: f64, lo: f64, hi: f64) -> Result<Prior, PriorError> {
        Self::checked_normal(mu, sigma, lo, hi).map_err(|f| f.0)
    }

    /// Each of the distinct `values` with probability 1/k (kept in ascending
    /// order, which is the order of the quantile).
    pub fn choice(values: &[f64]) -> Result<Prior, PriorError> {
        Self::checked_choice(values).map_err(|f| f.0)
    }

    fn checked_uniform(lo: f64, hi: f64) -> Result<Prior, Fault> {
        finite(&[lo, hi])?;
        range(lo, hi, 0)?;
        Ok(Prior(Kind::Uniform { lo, hi }))
    }

    fn checked_loguniform(lo: f64, hi: f64) -> Result<Prior, Fault> {
        finite(&[lo, hi])?;
        if lo <= 0.0 {
            return Err((PriorError::LogUniformBound(lo), 0));
        }
        range(lo, hi, 0)?;
        Ok(Prior(Kind::LogUniform { lo, hi }))
    }

    fn checked_beta(a: f64, b: f64, lo: f64, hi: f64) -> Result<Prior, Fault> {
        finite(&[a, b, lo, hi])?;
        for (i, shape) in [a, b].into_iter().enumerate() {
            if shape <= 0.0 {
                return Err((PriorError::BetaShape(shape), i));
            }
        }
        range(lo, hi, 2)?;
        Ok(Prior(Kind::Beta { a, b, lo, hi }))
    }

    fn checked_normal(mu: f64, sigma: f64, lo: f64, hi: f64) -> Result<Prior, Fault> {
        finite(&[mu, sigma, lo, hi])?;
        if sigma <= 0.0 {
            return Err((PriorError::Sigma(sigma), 1));
        }
        range(lo, hi, 2)?;
        let mass = truncated_mass((lo - mu) / sigma, (hi - mu) / sigma);
        // Below ~1e-300 the tail formulas lose their meaning (subnormals).
        if mass.is_nan() || mass < 1e-300 {
            return Err((PriorError::NoMass { mu, sigma, lo, hi }, 2));
        }
        Ok(Prior(Kind::Normal { mu, sigma, lo, hi }))
    }

    fn checked_choice(values: &[f64]) -> Result<Prior, Fault> {
        if values.is_empty() {
            return Err((PriorError::EmptyChoice, 0));
        }
        finite(values)?;
        if let Some(again) = (1..values.len()).find(|&i| values[..i].contains(&values[i])) {
            return Err((PriorError::DuplicateChoice(values[again]), again));
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Ok(Prior(Kind::Choice(sorted)))
    }

    /// The smallest and largest value the prior can take (closed bounds).
    /// Is this a choice among whole numbers only (a prior for a count or a year)?
    pub fn is_whole_choice(&self) -> bool {
        matches!(&self.0, Kind::Choice(v) if v.iter().all(|x| x.fract() == 0.0 && x.abs() < 9e15))
    }

    pub fn support(&self) -> (f64, f64) {
        match &self.0 {
            Kind::Uniform { lo, hi }
            | Kind::LogUniform { lo, hi }
            | Kind::Beta { lo, hi, .. }
            | Kind::Normal { lo, hi, .. } => (*lo, *hi),
            Kind::Choice(v) => (v[0], v[v.len() - 1]),
        }
    }

    /// Whether `x` is a value the prior can take: inside the closed support,
    /// or one of the listed values of a choice.
    pub fn contains(&self, x: f64) -> bool {
        match &self.0 {
            Kind::Choice(v) => v.contains(&x),
            _ => {
                let (lo, hi) = self.support();
                (lo..=hi).contains(&x)
            }
        }
    }

    /// The analytic mean.
    pub fn mean(&self) -> f64 {
        match &self.0 {
            Kind::Uniform { lo, hi } => 0.5 * (lo + hi),
            Kind::LogUniform { lo, hi } => (hi - lo) / (hi / lo).ln(),
            Kind::Beta { a, b, lo, hi } => lo + (hi - lo) * a / (a + b),
            Kind::Normal { mu, sigma, lo, hi } => {
                let (alpha, beta) = ((lo - mu) / sigma, (hi - mu) / sigma);
                let mass = truncated_mass(alpha, beta);
                mu + sigma * (density(alpha) - density(beta)) / mass
            }
            Kind::Choice(v) => v.iter().sum::<f64>() / v.len() as f64,
        }
    }

    /// The analytic variance.
    pub fn variance(&self) -> f64 {
        match &self.0 {
            Kind::Uniform { lo, hi } => (hi - lo).powi(2) / 12.0,
            Kind::LogUniform { lo, hi } => {
                let l = (hi / lo).ln();
                let m = (hi - lo) / l;
                (hi * hi - lo * lo) / (2.0 * l) - m * m
            }
            Kind::Beta { a, b, lo, hi } => {
                (hi - lo).powi(2) * a * b / ((a + b).powi(2) * (a + b + 1.0))
            }
            Kind::Normal { mu, sigma, lo, hi } => {
                let (alpha, beta) = ((lo - mu) / sigma, (hi - mu) / sigma);
                let mass = truncated_mass(alpha, beta);
                let (da, db) = (density(alpha), density(beta));
                let shift = (da - db) / mass;
                sigma * sigma * (1.0 + (alpha * da - beta * db) / mass - shift * shift)
            }
            Kind::Choice(v) => {
                let m = v.iter().sum::<f64>() / v.len() as f64;
                v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64
            }
        }
    }

    /// The distribution function P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        let (lo, hi) = self.support();
        if x < lo {
            return 0.0;
        }
        if x >= hi {
            return 1.0;
        }
        let p = match &self.0 {
            Kind::Uniform { lo, hi } => (x - lo) / (hi - lo),
            Kind::LogUniform { lo, hi } => (x / lo).ln() / (hi / lo).ln(),
            Kind::Beta { a, b, lo, hi } => incomplete_beta(*a, *b, (x - lo) / (hi - lo)),
            Kind::Normal { mu, sigma, lo, hi } => {
                let (alpha, beta, z) = ((lo - mu) / sigma, (hi - mu) / sigma, (x - mu) / sigma);
                // The same tail as the mass, so both keep their precision.
                let below = if alpha + beta <= 0.0 {
                    normal_cdf(z) - normal_cdf(alpha)
                } else {
                    normal_cdf(-alpha) - normal_cdf(-z)
                };
                below / truncated_mass(alpha, beta)
            }
            Kind::Choice(v) => v.iter().filter(|&&c| c <= x).count() as f64 / v.len() as f64,
        };
        p.clamp(0.0, 1.0)
    }

    /// The inverse distribution function: the smallest x with F(x) ≥ u, for
    /// u in [0, 1] (NaN otherwise); 0 maps to the lower bound and 1 to the
    /// upper. A choice of k values maps u to value ⌊u·k⌋ (the last for u = 1).
    pub fn quantile(&self, u: f64) -> f64 {
        if !(0.0..=1.0).contains(&u) {
            return f64::NAN;
        }
        let (lo, hi) = self.support();
        if u == 0.0 {
            return lo;
        }
        if u == 1.0 {
            return hi;
        }
        let x = match &self.0 {
            Kind::Uniform { lo, hi } => lo + u * (hi - lo),
            Kind::LogUniform { lo, hi } => (lo.ln() + u * (hi / lo).ln()).exp(),
            Kind::Beta { a, b, lo, hi } => lo + (hi - lo) * beta_quantile(*a, *b, u),
            Kind::Normal { mu, sigma, lo, hi } => {
                let (alpha, beta) = ((lo - mu) / sigma, (hi - mu) / sigma);
                let mass = truncated_mass(alpha, beta);
                // Mass below and above the answer; solve in the smaller tail.
                let below = normal_cdf(alpha) + u * mass;
                let above = normal_cdf(-beta) + (1.0 - u) * mass;
                let z = if below <= above {
                    normal_quantile(below)
                } else {
                    -normal_quantile(above)
                };
                mu + sigma * z
            }
            Kind::Choice(v) => v[((u * v.len() as f64).floor() as usize).min(v.len() - 1)],
        };
        x.clamp(lo, hi)
    }

    /// The natural logarithm of the normalised density at `x` (of the
    /// probability of `x` for a choice), −∞ outside the support: what ABC
    /// weights need (docs/model.md §8).
    pub fn ln_density(&self, x: f64) -> f64 {
        if !self.contains(x) {
            return f64::NEG_INFINITY;
        }
        match &self.0 {
            Kind::Uniform { lo, hi } => -(hi - lo).ln(),
            Kind::LogUniform { lo, hi } => -x.ln() - (hi / lo).ln().ln(),
            Kind::Beta { a, b, lo, hi } => {
                let z = (x - lo) / (hi - lo);
                (a - 1.0) * z.ln() + (b - 1.0) * (1.0 - z).ln() + ln_gamma(a + b)
                    - ln_gamma(*a)
                    - ln_gamma(*b)
                    - (hi - lo).ln()
            }
            Kind::Normal { mu, sigma, lo, hi } => {
                let z = (x - mu) / sigma;
                let mass = truncated_mass((lo - mu) / sigma, (hi - mu) / sigma);
                -0.5 * z * z - sigma.ln() - 0.5 * (2.0 * PI).ln() - mass.ln()
            }
            Kind::Choice(v) => -(v.len() as f64).ln(),
        }
    }

    /// The values of a choice (ascending); `None` for a continuous prior.
    pub fn values(&self) -> Option<&[f64]> {
        match &self.0 {
            Kind::Choice(v) => Some(v),
            _ => None,
        }
    }

    /// One draw from the prior, using `rng` (see the module header for the
    /// algorithms).
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match &self.0 {
            Kind::Beta { a, b, lo, hi } => {
                let (g1, g2) = (ln_gamma_variate(rng, *a), ln_gamma_variate(rng, *b));
                // G₁/(G₁+G₂) from logarithms: never 0/0.
                let x = 1.0 / (1.0 + (g2 - g1).exp());
                (lo + (hi - lo) * x).clamp(*lo, *hi)
            }
            Kind::Choice(v) => v[uniform_index(rng, v.len())],
            _ => self.quantile(uniform_open(rng)),
        }
    }
}

/// The standard normal density φ(z).
fn density(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// P(α ≤ Z ≤ β) for a standard normal Z, taken in the tail the interval
/// leans into, where Φ is accurate in relative terms.
fn truncated_mass(alpha: f64, beta: f64) -> f64 {
    if alpha + beta <= 0.0 {
        normal_cdf(beta) - normal_cdf(alpha)
    } else {
        normal_cdf(-alpha) - normal_cdf(-beta)
    }
}

/// x with I_x(a, b) = u, 0 < u < 1: Newton's method on the regularised
/// incomplete beta function, inside a bracket that shrinks at every step;
/// a step leaving the bracket is replaced by bisection. The upper half is
/// solved as 1 − X ~ Beta(b, a) at 1 − u (exact for u ≥ ½), where I is
/// accurate in relative terms, so the upper tail keeps its precision.
fn beta_quantile(a: f64, b: f64, u: f64) -> f64 {
    if u > 0.5 {
        return 1.0 - beta_quantile(b, a, 1.0 - u);
    }
    let ln_norm = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b);
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    let mut x = a / (a + b);
    for _ in 0..300 {
        let f = incomplete_beta(a, b, x) - u;
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let pdf = (ln_norm + (a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln()).exp();
        let newton = x - f / pdf;
        let next = if pdf.is_finite() && pdf > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - x).abs() <= 1e-15 * next || hi - lo <= 1e-15 * hi {
            return next;
        }
        x = next;
    }
    x
}

/// ln G for a Gamma(shape, 1) variate G, by Marsaglia & Tsang (2000).
fn ln_gamma_variate(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        // G(a) = G(a + 1)·U^(1/a): the gamma first, then the uniform.
        let boosted = ln_gamma_variate(rng, shape + 1.0);
        return boosted + uniform_open(rng).ln() / shape;
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal_quantile(uniform_open(rng));
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = uniform_open(rng);
        // The squeeze first, then the exact test.
        if u < 1.0 - 0.0331 * x.powi(4) || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d.ln() + v.ln();
        }
    }
}
