//! Global sensitivity analysis: which uncertain parameter decides a result.
//!
//! The designs live in the unit cube and are built from the unscrambled
//! [`SobolSequence`] of Sobol' (1967) with the direction numbers of Joe & Kuo
//! (2008); a parameter's value is its prior's quantile of the coordinate
//! ([`crate::prior::Prior::quantile`]).

mod sobol_sequence;

pub use sobol_sequence::{MAX_DIMENSIONS, SobolSequence};

/// Why a design cannot be built or outputs cannot be analysed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    #[error("a sensitivity design needs at least one parameter")]
    NoParameters,
    #[error(
        "the Sobol' sequence here has {max} dimensions, and this design needs {needed} \
         (a Saltelli design takes two per parameter)"
    )]
    TooManyDimensions { needed: usize, max: usize },
}
