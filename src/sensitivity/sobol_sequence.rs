//! The Sobol' low-discrepancy sequence (Sobol' 1967, "On the distribution of
//! points in a cube and the approximate evaluation of integrals", *USSR
//! Comput. Math. Math. Phys.* 7:86), unscrambled, with the direction numbers
//! of Joe & Kuo (2008, new-joe-kuo-6.21201, the first [`MAX_DIMENSIONS`]
//! dimensions, embedded as published in `new-joe-kuo-6.1024`).
//!
//! Points come in Gray-code order (Antonov & Saleev 1979): point i is the XOR
//! of the direction numbers V_k for the bits k set in i ⊕ (i >> 1), so point
//! i follows from point i − 1 by one XOR. This is the order of SciPy's
//! `qmc.Sobol(d, scramble=False)`, which SALib's `sample.sobol` uses: point 0
//! is the origin, point 1 is (½, …, ½), and the values agree bit for bit.
//! Direction numbers carry 32 bits (SciPy's default is 30), so up to 2³²
//! points are distinct; the first 2³⁰, all SciPy makes by default, are
//! identical to SciPy's.
//!
//! Nothing is skipped unless asked: [`SobolSequence::fast_forward`]`(m)`
//! starts the sequence at point m, as SciPy's `fast_forward(m)` and SALib's
//! `skip_values = m` do.

use super::SensitivityError;

/// Dimensions the embedded direction numbers provide.
pub const MAX_DIMENSIONS: usize = 1024;

/// Bits of every coordinate: point i is an integer vector divided by 2³².
const BITS: usize = 32;

/// Joe & Kuo's table: `d s a m_1 … m_s` per dimension d ≥ 2.
const TABLE: &str = include_str!("new-joe-kuo-6.1024");

/// The unscrambled Sobol' sequence in `dimensions` dimensions, an iterator
/// over points of [0, 1)^dimensions.
#[derive(Clone, Debug)]
pub struct SobolSequence {
    /// V_1..V_32 of each dimension: m_k shifted to the k-th binary place.
    directions: Vec<[u32; BITS]>,
    /// The index of the next point.
    index: u64,
    /// The next point as integers.
    point: Vec<u32>,
}

impl SobolSequence {
    pub fn new(dimensions: usize) -> Result<SobolSequence, SensitivityError> {
        if dimensions == 0 {
            return Err(SensitivityError::NoParameters);
        }
        if dimensions > MAX_DIMENSIONS {
            return Err(SensitivityError::TooManyDimensions {
                needed: dimensions,
                max: MAX_DIMENSIONS,
            });
        }
        // Dimension 1 is van der Corput's sequence: every m_k = 1.
        let mut initial: Vec<Vec<u64>> = vec![vec![1]];
        for line in TABLE.lines() {
            if initial.len() == dimensions {
                break;
            }
            let numbers: Vec<u64> = line
                .split_whitespace()
                .map_while(|w| w.parse().ok())
                .collect();
            // The comment and header lines parse to nothing.
            if let [_, s, a, m @ ..] = numbers.as_slice() {
                if m.len() as u64 == *s {
                    initial.push([*a].iter().chain(m).copied().collect());
                }
            }
        }
        if initial.len() < dimensions {
            return Err(SensitivityError::TooManyDimensions {
                needed: dimensions,
                max: initial.len(),
            });
        }
        let directions = initial.iter().enumerate().map(|(d, row)| {
            if d == 0 {
                std::array::from_fn(|k| 1u32 << (BITS - 1 - k))
            } else {
                directions(row[0], &row[1..])
            }
        });
        Ok(SobolSequence {
            directions: directions.collect(),
            index: 0,
            point: vec![0; dimensions],
        })
    }

    pub fn dimensions(&self) -> usize {
        self.point.len()
    }

    /// Skip `n` points: the next point is the one `n` further on.
    pub fn fast_forward(&mut self, n: u64) {
        self.index = self.index.saturating_add(n).min(1 << BITS);
        let gray = self.index ^ (self.index >> 1);
        for (x, v) in self.point.iter_mut().zip(&self.directions) {
            *x = (0..BITS)
                .filter(|&k| (gray >> k) & 1 == 1)
                .fold(0, |acc, k| acc ^ v[k]);
        }
    }
}

impl Iterator for SobolSequence {
    type Item = Vec<f64>;

    /// The next point; `None` after the 2³² distinct points.
    fn next(&mut self) -> Option<Vec<f64>> {
        if self.index >= 1 << BITS {
            return None;
        }
        const SCALE: f64 = 1.0 / (1u64 << BITS) as f64;
        let out = self.point.iter().map(|&x| f64::from(x) * SCALE).collect();
        // Gray code: the next point differs by V_c, c the lowest zero bit of
        // the current index.
        let c = self.index.trailing_ones() as usize;
        if c < BITS {
            for (x, v) in self.point.iter_mut().zip(&self.directions) {
                *x ^= v[c];
            }
        }
        self.index += 1;
        Some(out)
    }
}

/// V_1..V_32 of one dimension from its polynomial's coefficients `a` and
/// initial direction integers m_1..m_s (Bratley & Fox 1988, §2):
/// m_k = 2a₁m_{k−1} ⊕ 2²a₂m_{k−2} ⊕ … ⊕ 2^{s−1}a_{s−1}m_{k−s+1} ⊕ 2^s m_{k−s} ⊕ m_{k−s},
/// with a₁ the most significant of the s − 1 bits of a.
fn directions(a: u64, initial: &[u64]) -> [u32; BITS] {
    let s = initial.len();
    let mut m = [0u64; BITS];
    for k in 0..BITS {
        m[k] = if k < s {
            initial[k]
        } else {
            let mut next = m[k - s] ^ (m[k - s] << s);
            for i in 1..s {
                if (a >> (s - 1 - i)) & 1 == 1 {
                    next ^= m[k - i] << i;
                }
            }
            next
        };
    }
    // m_k < 2^k, so m_k · 2^(32−k) fits in 32 bits.
    std::array::from_fn(|k| (m[k] << (BITS - 1 - k)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_dimension_it_promises() {
        let seq = SobolSequence::new(MAX_DIMENSIONS).unwrap();
        assert_eq!(seq.dimensions(), MAX_DIMENSIONS);
        assert!(matches!(
            SobolSequence::new(MAX_DIMENSIONS + 1),
            Err(SensitivityError::TooManyDimensions {
                needed: 1025,
                max: 1024
            })
        ));
        assert!(SobolSequence::new(0).is_err());
    }

    #[test]
    fn fast_forward_lands_where_stepping_does() {
        let stepped: Vec<Vec<f64>> = SobolSequence::new(7).unwrap().skip(37).take(5).collect();
        let mut jumped = SobolSequence::new(7).unwrap();
        jumped.fast_forward(37);
        assert_eq!(jumped.take(5).collect::<Vec<_>>(), stepped);
    }

    #[test]
    fn every_coordinate_of_the_first_2_to_the_m_points_fills_each_cell_once() {
        // The (0, m, 1) property of each one-dimensional projection: the
        // first 2^m values are exactly the multiples of 2^-m.
        let m = 10;
        let points: Vec<Vec<f64>> = SobolSequence::new(64).unwrap().take(1 << m).collect();
        for d in 0..64 {
            let mut cells: Vec<u64> = points
                .iter()
                .map(|p| (p[d] * (1u64 << m) as f64) as u64)
                .collect();
            cells.sort();
            assert_eq!(cells, (0..1u64 << m).collect::<Vec<_>>(), "dimension {d}");
        }
    }
}
