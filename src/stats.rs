//! Sequential, deterministic summary statistics.
//!
//! Values arrive in run order and are folded one at a time (Welford's algorithm
//! for mean and variance), so a summary never depends on thread count. The 95%
//! interval of the mean uses Student's t with n − 1 degrees of freedom.
//!
//! Quantiles (p05, p50, p95; Hyndman & Fan type 7, as R's and NumPy's default)
//! are exact as long as a metric has taken at most [`EXACT_DISTINCT`] distinct
//! values — every discrete metric (years, counts, shares of a fixed number of
//! rounds) and every metric at up to that many runs. Past that, values are kept
//! as a fixed number of weighted centroids, merged pairwise in sorted order,
//! which keeps memory independent of the number of runs at a rank error of about
//! 1/[`EXACT_DISTINCT`].

use serde::Serialize;

/// Distinct values kept exactly before centroids start merging.
pub const EXACT_DISTINCT: usize = 2048;

/// Summary of one metric over runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Runs in which the metric was defined.
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

/// Running mean, variance and quantile sketch of one metric.
#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    n: u64,
    mean: f64,
    m2: f64,
    sketch: Sketch,
}

impl Accumulator {
    /// Add one run's value; NaN (undefined in that run) is skipped.
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.sketch.push(x);
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    pub fn summary(&mut self) -> Summary {
        let nan = f64::NAN;
        if self.n == 0 {
            return Summary {
                n: 0,
                mean: nan,
                sd: nan,
                ci_low: nan,
                ci_high: nan,
                p05: nan,
                p50: nan,
                p95: nan,
            };
        }
        let (sd, half) = if self.n > 1 {
            let sd = (self.m2 / (self.n - 1) as f64).sqrt();
            (
                sd,
                t_quantile(0.975, (self.n - 1) as f64) * sd / (self.n as f64).sqrt(),
            )
        } else {
            (nan, nan)
        };
        self.sketch.flush();
        Summary {
            n: self.n,
            mean: self.mean,
            sd,
            ci_low: self.mean - half,
            ci_high: self.mean + half,
            p05: self.sketch.quantile(0.05),
            p50: self.sketch.quantile(0.50),
            p95: self.sketch.quantile(0.95),
        }
    }
}

/// Sorted weighted centroids plus an unsorted buffer of recent values.
#[derive(Clone, Debug, Default)]
struct Sketch {
    centroids: Vec<(f64, u64)>,
    buffer: Vec<f64>,
}

impl Sketch {
    fn push(&mut self, x: f64) {
        self.buffer.push(x);
        if self.buffer.len() >= EXACT_DISTINCT {
            self.flush();
        }
    }

    /// Merge the buffer into the centroids; halve them while there are too many.
    fn flush(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        self.buffer.sort_by(f64::total_cmp);
        let mut merged: Vec<(f64, u64)> =
            Vec::with_capacity(self.centroids.len() + self.buffer.len());
        let (mut a, mut b) = (0, 0);
        while a < self.centroids.len() || b < self.buffer.len() {
            let take_centroid = b == self.buffer.len()
                || (a < self.centroids.len() && self.centroids[a].0 <= self.buffer[b]);
            let next = if take_centroid {
                a += 1;
                self.centroids[a - 1]
            } else {
                b += 1;
                (self.buffer[b - 1], 1)
            };
            match merged.last_mut() {
                Some(last) if last.0 == next.0 => last.1 += next.1,
                _ => merged.push(next),
            }
        }
        self.buffer.clear();
        while merged.len() > EXACT_DISTINCT {
            merged = merged
                .chunks(2)
                .map(|c| {
                    let count: u64 = c.iter().map(|x| x.1).sum();
                    let value = c.iter().map(|x| x.0 * x.1 as f64).sum::<f64>() / count as f64;
                    (value, count)
                })
                .collect();
        }
        self.centroids = merged;
    }

    /// Type-7 quantile of the (expanded) centroids; call after `flush`.
    fn quantile(&self, p: f64) -> f64 {
        let n: u64 = self.centroids.iter().map(|c| c.1).sum();
        if n == 0 {
            return f64::NAN;
        }
        let h = (n - 1) as f64 * p;
        let lo = h.floor() as u64;
        let frac = h - lo as f64;
        let at = |rank: u64| -> f64 {
            let mut seen = 0;
            for &(v, c) in &self.centroids {
                seen += c;
                if rank < seen {
                    return v;
                }
            }
            self.centroids[self.centroids.len() - 1].0
        };
        let x_lo = at(lo);
        if frac == 0.0 {
            x_lo
        } else {
            x_lo + frac * (at(lo + 1) - x_lo)
        }
    }
}

/// Quantile of Student's t distribution with `df` degrees of freedom, by
/// bisection on the distribution function (exact to ~1e-12).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    debug_assert!((0.0..1.0).contains(&p) && df > 0.0);
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    while t_cdf(hi, df) < p {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Student's t distribution function.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    let tail = 0.5 * incomplete_beta(0.5 * df, 0.5, x);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Regularised incomplete beta function I_x(a, b) (continued fraction, Lentz's
/// method; Numerical Recipes §6.4).
pub(crate) fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_fraction(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        for aa in [
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ] {
            d = 1.0 + aa * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + aa / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Exact two-sided McNemar test of paired binary outcomes: with `b` pairs in
/// which only the first matched and `c` in which only the second did, the
/// probability under "no difference" (each discordant pair a fair coin) of a
/// split at least as uneven: min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½)
/// (McNemar 1947; the exact form of Mosteller 1952).
pub fn mcnemar_exact(b: u64, c: u64) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    let nf = n as f64;
    let ln_choose =
        |i: u64| ln_gamma(nf + 1.0) - ln_gamma(i as f64 + 1.0) - ln_gamma((n - i) as f64 + 1.0);
    let tail: f64 = (0..=k)
        .map(|i| (ln_choose(i) - nf * std::f64::consts::LN_2).exp())
        .sum();
    (2.0 * tail).min(1.0)
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9).
pub(crate) fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let series: f64 = G[0] + (1..9).map(|i| G[i] / (x + i as f64)).sum::<f64>();
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

/// The standard normal distribution function Φ(x), to a relative error of
/// about 1e-14 in both tails (down to Φ(−37) ≈ 6e-300).
pub fn normal_cdf(x: f64) -> f64 {
    // Φ(x) = erfc(−x/√2)/2; erfc keeps its relative accuracy for large
    // arguments, so the lower tail is never computed as 1 − (something near 1).
    0.5 * erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

/// The standard normal quantile Φ⁻¹(p): 0 → −∞, 1 → +∞, NaN outside [0, 1].
///
/// The rational start of Abramowitz & Stegun 26.2.23 (error < 4.5e-4) is
/// refined by Halley steps on Φ(x) = p, which converge cubically, so three
/// steps reach full double precision. The tail is solved in whichever of
/// p, 1 − p is smaller (1 − p is exact for p ≥ 0.5), so both tails keep
/// their relative accuracy.
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p > 0.5 {
        return -normal_quantile(1.0 - p);
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 0.5 {
        return 0.0;
    }
    let t = (-2.0 * p.ln()).sqrt();
    let mut x = -(t
        - (2.515_517 + 0.802_853 * t + 0.010_328 * t * t)
            / (1.0 + 1.432_788 * t + 0.189_269 * t * t + 0.001_308 * t * t * t));
    for _ in 0..6 {
        let density = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let e = (normal_cdf(x) - p) / density;
        let step = e / (1.0 + 0.5 * x * e);
        x -= step;
        if step.abs() <= 1e-15 * x.abs().max(1e-300) {
            break;
        }
    }
    x
}

/// The complementary error function erfc(x) = 1 − erf(x).
///
/// |x| < 1: the Maclaurin series of erf in its non-alternating form
/// erf(x) = 2x/√π · e^(−x²) · Σ (2x²)ⁿ / (1·3·…·(2n+1)) (no cancellation);
/// x ≥ 1: the continued fraction of Laplace in its even form, evaluated by
/// Lentz's method (at most ~100 terms at x = 1, fewer beyond), with e^(−x²)
/// split as in Cody (1969) so the rounding of x² does not cost accuracy at
/// large x.
fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    let two_over_sqrt_pi = std::f64::consts::FRAC_2_SQRT_PI;
    if x < 1.0 {
        let x2 = 2.0 * x * x;
        let (mut term, mut sum) = (1.0, 1.0);
        for n in 1..100 {
            term *= x2 / (2 * n + 1) as f64;
            sum += term;
            if term < 1e-17 * sum {
                break;
            }
        }
        return 1.0 - two_over_sqrt_pi * x * (-x * x).exp() * sum;
    }
    if x > 27.3 {
        return 0.0;
    }
    // erfc(x) = 2x e^(−x²)/√π / (2x²+1 − 1·2/(2x²+5 − 3·4/(2x²+9 − …)))
    const TINY: f64 = 1e-300;
    let x2 = x * x;
    let mut f = 2.0 * x2 + 1.0;
    let (mut c, mut d) = (f, 0.0);
    for k in 1..500 {
        let k = k as f64;
        let a = -(2.0 * k - 1.0) * (2.0 * k);
        let b = 2.0 * x2 + 4.0 * k + 1.0;
        d = b + a * d;
        d = if d.abs() < TINY { 1.0 / TINY } else { 1.0 / d };
        c = b + a / c;
        if c.abs() < TINY {
            c = TINY;
        }
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    // e^(−x²) = e^(−h²) · e^(−(x−h)(x+h)) with h = x to 16 fractional bits,
    // so h² is exact.
    let h = (x * 65536.0).floor() / 65536.0;
    let gauss = (-h * h).exp() * (-(x - h) * (x + h)).exp();
    two_over_sqrt_pi * x * gauss / f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_matches_the_binomial_tail() {
        // 1 vs 9 discordant pairs: 2·(1 + 10)/1024 = 0.021484375.
        assert!((mcnemar_exact(1, 9) - 22.0 / 1024.0).abs() < 1e-12);
        assert!((mcnemar_exact(9, 1) - 22.0 / 1024.0).abs() < 1e-12);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
        assert_eq!(mcnemar_exact(5, 5), 1.0);
        // Large counts stay finite and tiny.
        assert!(mcnemar_exact(0, 2000) < 1e-300 || mcnemar_exact(0, 2000) == 0.0);
    }

    #[test]
    fn the_normal_distribution_matches_reference_values_in_both_tails() {
        // Reference values: mpmath.ncdf at 30 digits, to double precision.
        for (x, phi) in [
            (0.0, 0.5),
            (-1.0, 0.158_655_253_931_457_05),
            (1.959_963_984_540_054_2, 0.975),
            (-3.0, 1.349_898_031_630_094_5e-3),
            (-8.0, 6.220_960_574_271_784e-16),
            (-20.0, 2.753_624_118_606_233_7e-89),
            (-37.0, 5.725_571_222_524_577e-300),
        ] {
            let got = normal_cdf(x);
            assert!(
                (got - phi).abs() <= 1e-12 * phi,
                "Φ({x}) = {got:e}, expected {phi:e}"
            );
        }
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054_2).abs() < 1e-15);
        assert_eq!(normal_quantile(0.5), 0.0);
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(1.5).is_nan());
        for p in [
            1e-300,
            1e-100,
            1e-10,
            0.001,
            0.2,
            0.4999,
            0.5001,
            0.9,
            1.0 - 1e-12,
        ] {
            let x = normal_quantile(p);
            let back = if p < 0.5 {
                normal_cdf(x)
            } else {
                1.0 - normal_cdf(-x)
            };
            let scale = p.min(1.0 - p);
            assert!(
                // Limited by the spacing of x: dΦ/Φ ≈ |x| dx.
                ((back - p) / scale).abs() < 1e-12,
                "Φ(Φ⁻¹({p:e})) = {back:e}"
            );
        }
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Two-sided 95% critical values from standard tables.
        for (df, expected) in [
            (1.0, 12.7062),
            (2.0, 4.3027),
            (10.0, 2.2281),
            (30.0, 2.0423),
            (1000.0, 1.9623),
        ] {
            let t = t_quantile(0.975, df);
            assert!((t - expected).abs() < 1e-4, "df {df}: {t} vs {expected}");
        }
        assert!((t_quantile(0.975, 1e7) - 1.959964).abs() < 1e-5);
    }

    #[test]
    fn mean_sd_and_type7_quantiles_are_exact() {
        let mut acc = Accumulator::default();
        for x in [4.0, 1.0, 3.0, 2.0, f64::NAN, 5.0] {
            acc.push(x);
        }
        let s = acc.summary();
        assert_eq!(s.n, 5);
        assert_eq!(s.mean, 3.0);
        assert!((s.sd - 2.5f64.sqrt()).abs() < 1e-12);
        // numpy.quantile([1,2,3,4,5], [.05,.5,.95]) = [1.2, 3.0, 4.8]
        assert!((s.p05 - 1.2).abs() < 1e-12);
        assert_eq!(s.p50, 3.0);
        assert!((s.p95 - 4.8).abs() < 1e-12);
        let half = t_quantile(0.975, 4.0) * s.sd / 5f64.sqrt();
        assert!((s.ci_high - 3.0 - half).abs() < 1e-12);
    }

    #[test]
    fn many_distinct_values_keep_bounded_memory_and_close_quantiles() {
        let mut acc = Accumulator::default();
        let n = 200_000u64;
        // A deterministic permutation of 0..n.
        for i in 0..n {
            acc.push(((i * 7919) % n) as f64);
        }
        assert!(acc.sketch.centroids.len() <= EXACT_DISTINCT);
        let s = acc.summary();
        let exact_median = (n - 1) as f64 / 2.0;
        assert!((s.p50 - exact_median).abs() / n as f64 <= 2.0 / EXACT_DISTINCT as f64);
        assert!((s.p95 - 0.95 * (n - 1) as f64).abs() / n as f64 <= 2.0 / EXACT_DISTINCT as f64);
    }

    #[test]
    fn discrete_values_stay_exact_at_any_count() {
        let mut acc = Accumulator::default();
        for i in 0..100_000u64 {
            acc.push((i % 3) as f64);
        }
        let s = acc.summary();
        assert_eq!((s.p05, s.p50, s.p95), (0.0, 1.0, 2.0));
    }
}
