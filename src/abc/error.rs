//! Why a run failed ([`AbcError`]).

use super::Stop;
use super::generation::MAX_TRIES;
use std::convert::Infallible;

/// Why a run failed. `E` is the simulator's error type.
#[derive(Debug, thiserror::Error)]
pub enum AbcError<E = Infallible> {
    #[error(
        "generation {generation}, attempt {attempt}: simulating model {model} at {params:?} failed: {source}"
    )]
    Simulator {
        generation: u32,
        attempt: u64,
        model: usize,
        params: Vec<f64>,
        source: E,
    },
    #[error(
        "generation {generation}, attempt {attempt}: model {model} at {params:?} gave the distance {distance}; a distance must be finite and non-negative (return a large finite one to reject)"
    )]
    Distance {
        generation: u32,
        attempt: u64,
        model: usize,
        params: Vec<f64>,
        distance: f64,
    },
    #[error(
        "generation {generation}, attempt {attempt}: {MAX_TRIES} proposals in a row fell outside the priors' support"
    )]
    Support { generation: u32, attempt: u64 },
    #[error(
        "generation {generation}: model {model} at {params:?} is in its priors' support but has no positive finite weight (a prior whose density is not positive and finite where it claims support?)"
    )]
    Weight {
        generation: u32,
        model: usize,
        params: Vec<f64>,
    },
    #[error("the first generation did not complete: {0}")]
    FirstGeneration(Stop),
    #[error("attempts out of order: expected attempt {expected}, got {got}")]
    Order { expected: u64, got: u64 },
    #[error("the state or attempts do not fit these models: {0}")]
    State(String),
}

impl AbcError {
    /// An engine error (never the simulator's) as an error of any simulator.
    pub(crate) fn widen<E>(self) -> AbcError<E> {
        match self {
            AbcError::Simulator { source, .. } => match source {},
            AbcError::Distance {
                generation,
                attempt,
                model,
                params,
                distance,
            } => AbcError::Distance {
                generation,
                attempt,
                model,
                params,
                distance,
            },
            AbcError::Support {
                generation,
                attempt,
            } => AbcError::Support {
                generation,
                attempt,
            },
            AbcError::Weight {
                generation,
                model,
                params,
            } => AbcError::Weight {
                generation,
                model,
                params,
            },
            AbcError::FirstGeneration(s) => AbcError::FirstGeneration(s),
            AbcError::Order { expected, got } => AbcError::Order { expected, got },
            AbcError::State(s) => AbcError::State(s),
        }
    }
}
