//! Saltelli's design for Sobol' indices, in SALib's row layout.
//!
//! For N base points and D parameters, point i of a 2D-dimensional Sobol'
//! sequence gives row i of A (its first D coordinates) and of B (its last D).
//! Rows are grouped by base point, as SALib's `sample.sobol.sample` writes
//! them: A, AB_1, …, AB_D, [BA_1, …, BA_D with second order], B — N·(D + 2)
//! rows, or N·(2D + 2). AB_j is A's row with coordinate j taken from B; BA_j
//! is B's row with coordinate j taken from A.
//!
//! Skipping: none by default, as in SALib ≥ 1.4.6 (`skip_values=0`), so the
//! first base point is the origin for A and for B (its AB rows repeat A);
//! `points(m)` starts at Sobol' point m, SALib's `skip_values=m`. SALib's
//! older `sample.saltelli` skipped max(16, the power of two ≥ N) points;
//! passing that m reproduces it. The balance of the sequence holds for N a
//! power of two (SciPy warns otherwise; we do not refuse).

use super::sobol_indices::{self, SobolIndices};
use super::{Resamples, SensitivityError, SobolSequence};
use std::fmt;
use std::str::FromStr;

/// The shape of a Saltelli design: base points N, parameters D, and whether
/// the BA blocks for second-order indices are included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saltelli {
    base: usize,
    params: usize,
    second_order: bool,
}

/// The block a design row belongs to. The parameter index is 0-based;
/// the text form numbers parameters from 1, as the literature writes AB_i:
/// `A`, `AB_1` … `AB_D`, `BA_1` … `BA_D`, `B`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Block {
    A,
    AB(usize),
    BA(usize),
    B,
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Block::A => write!(f, "A"),
            Block::AB(i) => write!(f, "AB_{}", i + 1),
            Block::BA(i) => write!(f, "BA_{}", i + 1),
            Block::B => write!(f, "B"),
        }
    }
}

impl FromStr for Block {
    type Err = String;

    fn from_str(s: &str) -> Result<Block, String> {
        let param = |i: &str| match i.parse::<usize>() {
            Ok(i) if i >= 1 => Some(i - 1),
            _ => None,
        };
        let block = match s {
            "A" => Some(Block::A),
            "B" => Some(Block::B),
            _ => s
                .strip_prefix("AB_")
                .and_then(param)
                .map(Block::AB)
                .or_else(|| s.strip_prefix("BA_").and_then(param).map(Block::BA)),
        };
        block.ok_or_else(|| {
            format!("unknown block `{s}`; expected A, B, AB_i or BA_i with i from 1")
        })
    }
}

impl Saltelli {
    /// A design of `base` points for `params` parameters.
    pub fn new(
        base: usize,
        params: usize,
        second_order: bool,
    ) -> Result<Saltelli, SensitivityError> {
        if params == 0 {
            return Err(SensitivityError::NoParameters);
        }
        if base == 0 {
            return Err(SensitivityError::TooFewPoints {
                what: "base point",
                min: 1,
                got: 0,
            });
        }
        if 2 * params > super::MAX_DIMENSIONS {
            return Err(SensitivityError::TooManyDimensions {
                needed: 2 * params,
                max: super::MAX_DIMENSIONS,
            });
        }
        let design = Saltelli {
            base,
            params,
            second_order,
        };
        let rows = (base as u64).saturating_mul(design.per_base() as u64);
        // Far beyond any run budget, and keeps every row index a usize.
        const MAX_ROWS: u64 = 1 << 32;
        if rows > MAX_ROWS {
            return Err(SensitivityError::TooManyRows {
                rows,
                max: MAX_ROWS,
            });
        }
        Ok(design)
    }

    pub fn base(&self) -> usize {
        self.base
    }

    pub fn params(&self) -> usize {
        self.params
    }

    pub fn second_order(&self) -> bool {
        self.second_order
    }

    /// Rows per base point: D + 2, or 2D + 2 with second order.
    pub fn per_base(&self) -> usize {
        if self.second_order {
            2 * self.params + 2
        } else {
            self.params + 2
        }
    }

    /// Rows of the design: N·(D + 2) or N·(2D + 2).
    pub fn rows(&self) -> usize {
        self.base * self.per_base()
    }

    /// The base point (0-based) row `row` belongs to.
    pub fn base_point(&self, row: usize) -> usize {
        row / self.per_base()
    }

    /// The block of row `row`.
    pub fn block(&self, row: usize) -> Block {
        let k = row % self.per_base();
        let d = self.params;
        match k {
            0 => Block::A,
            _ if k == self.per_base() - 1 => Block::B,
            _ if k <= d => Block::AB(k - 1),
            _ => Block::BA(k - 1 - d),
        }
    }

    /// The rows of the design in the unit cube, starting the Sobol' sequence
    /// at point `skip` (0: no skipping, SALib's default).
    pub fn points(&self, skip: u64) -> Result<Vec<Vec<f64>>, SensitivityError> {
        let d = self.params;
        let last = skip.saturating_add(self.base as u64);
        if last > 1 << 32 {
            return Err(SensitivityError::TooManyRows {
                rows: last,
                max: 1 << 32,
            });
        }
        let mut sequence = SobolSequence::new(2 * d)?;
        sequence.fast_forward(skip);
        let mut out = Vec::with_capacity(self.rows());
        for point in sequence.take(self.base) {
            let (a, b) = point.split_at(d);
            out.push(a.to_vec());
            for j in 0..d {
                let mut row = a.to_vec();
                row[j] = b[j];
                out.push(row);
            }
            if self.second_order {
                for j in 0..d {
                    let mut row = b.to_vec();
                    row[j] = a[j];
                    out.push(row);
                }
            }
            out.push(b.to_vec());
        }
        Ok(out)
    }

    /// Sobol' indices from the outputs `y` of the design's rows (in row
    /// order), with bootstrap half-widths at `conf_level` from `resamples`
    /// of the N base points (see [`SobolIndices`]).
    pub fn analyze(
        &self,
        y: &[f64],
        resamples: &Resamples,
        conf_level: f64,
    ) -> Result<SobolIndices, SensitivityError> {
        sobol_indices::analyze(self, y, resamples, conf_level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_follow_salibs_row_order_and_their_labels_parse_back() {
        let s = Saltelli::new(3, 2, true).unwrap();
        assert_eq!(s.rows(), 3 * 6);
        let labels: Vec<String> = (0..6).map(|r| s.block(r).to_string()).collect();
        assert_eq!(labels, ["A", "AB_1", "AB_2", "BA_1", "BA_2", "B"]);
        assert_eq!(s.block(6), Block::A);
        assert_eq!(s.base_point(17), 2);
        for r in 0..s.rows() {
            assert_eq!(s.block(r).to_string().parse::<Block>(), Ok(s.block(r)));
        }
        assert!("AB_0".parse::<Block>().is_err());
        assert!("C".parse::<Block>().is_err());
        let first = Saltelli::new(4, 3, false).unwrap();
        assert_eq!(first.rows(), 4 * 5);
        assert_eq!(first.block(4), Block::B);
        assert_eq!(first.block(3), Block::AB(2));
    }

    #[test]
    fn cross_rows_take_one_column_from_the_other_matrix() {
        let s = Saltelli::new(8, 3, true).unwrap();
        let rows = s.points(0).unwrap();
        assert_eq!(rows.len(), s.rows());
        for base in 0..8 {
            let at = |k: usize| &rows[base * s.per_base() + k];
            let (a, b) = (at(0), at(7));
            for j in 0..3 {
                let (ab, ba) = (at(1 + j), at(4 + j));
                for c in 0..3 {
                    assert_eq!(ab[c], if c == j { b[c] } else { a[c] });
                    assert_eq!(ba[c], if c == j { a[c] } else { b[c] });
                }
            }
        }
        // No skipping: the first base point is the origin.
        assert!(rows[0].iter().chain(&rows[7]).all(|&x| x == 0.0));
    }

    #[test]
    fn impossible_designs_are_refused() {
        assert_eq!(
            Saltelli::new(8, 0, false),
            Err(SensitivityError::NoParameters)
        );
        assert!(Saltelli::new(0, 3, false).is_err());
        assert!(Saltelli::new(8, 513, false).is_err());
        assert!(Saltelli::new(8, 512, false).is_ok());
        assert!(Saltelli::new(1 << 31, 10, false).is_err());
    }
}
