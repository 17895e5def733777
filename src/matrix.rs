//! A dense row-major matrix of `f64`: pairwise relations (trade shares,
//! tariffs, affinities, dependences) and state × institution tables. The one
//! container every layer shares, so it sits at the bottom and knows nothing of
//! states or institutions.

use serde::Serialize;

/// A dense row-major matrix of f64 (pairwise relations, state × institution tables).
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Clone for Matrix {
    fn clone(&self) -> Self {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.clone(),
        }
    }

    /// Into the existing buffer: copying a matrix of the same size allocates
    /// nothing (the forecast's policies are copied so, see
    /// `RunState::copy_of`).
    fn clone_from(&mut self, source: &Self) {
        self.rows = source.rows;
        self.cols = source.cols;
        self.data.clone_from(&source.data);
    }
}

impl Matrix {
    pub fn new(rows: usize, cols: usize, fill: f64) -> Self {
        Matrix {
            rows,
            cols,
            data: vec![fill; rows * cols],
        }
    }

    #[inline]
    /// A matrix with entry (r, c) = f(r, c).
    pub fn from_fn(rows: usize, cols: usize, f: impl Fn(usize, usize) -> f64) -> Self {
        let mut m = Matrix::new(rows, cols, 0.0);
        for r in 0..rows {
            for c in 0..cols {
                m.set(r, c, f(r, c));
            }
        }
        m
    }

    pub fn get(&self, r: usize, c: usize) -> f64 {
        self.data[r * self.cols + c]
    }

    #[inline]
    pub fn set(&mut self, r: usize, c: usize, x: f64) {
        self.data[r * self.cols + c] = x;
    }

    #[inline]
    pub fn row(&self, r: usize) -> &[f64] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    #[inline]
    pub fn row_mut(&mut self, r: usize) -> &mut [f64] {
        &mut self.data[r * self.cols..(r + 1) * self.cols]
    }
}
