//! Calibration targets (`[[target]]`, docs/model.md §8): summary statistics
//! of what a parameter set's runs report, each with its observed value, the
//! scale its distance is measured in and its source.
//!
//! A target's statistic is taken over the runs of one parameter set (one ABC
//! particle): the mean of a state's metric, the share of runs whose metric lies
//! in a range, a quantile of the metric, or the share of runs matching a fact.
//! Its distance from the observed value is |statistic − observed| / scale.

use serde::Serialize;

/// What a target measures over a parameter set's runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Statistic {
    /// The mean of the metric; runs where it is undefined count as
    /// `undefined` if given, else are left out.
    Mean {
        state: usize,
        metric: String,
        undefined: Option<f64>,
    },
    /// The share of runs whose metric lies in [min, max] (undefined: outside).
    Share {
        state: usize,
        metric: String,
        min: f64,
        max: f64,
    },
    /// The q-quantile (type 7) of the metric, undefined runs as for `Mean`.
    Quantile {
        state: usize,
        metric: String,
        q: f64,
        undefined: Option<f64>,
    },
    /// The share of runs matching fact `fact` (an index into the world's facts).
    Fact { fact: usize },
}

/// One `[[target]]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub id: String,
    pub description: String,
    /// The pattern it belongs to (e.g. `P1`), for the held-out check of
    /// `choose`; may be empty.
    pub pattern: String,
    pub statistic: Statistic,
    pub observed: f64,
    /// A difference of one scale is a distance of 1.
    pub scale: f64,
    pub source: String,
    /// Never used in fitting; only predicted (posterior predictive).
    pub held_out: bool,
}
