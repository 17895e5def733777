//! The games states play each round (docs/model.md §7.5–7.13).
//!
//! Each game forecasts the consequences of its options and hands them to the
//! shared decision engine in [`crate::doctrine`]; none has a decision rule of its
//! own, except the classic fixed strategies of matrix games kept for teaching and
//! validation.

pub mod accession;
pub mod alignment;
pub mod dispute;
pub mod forecast;
pub mod initiative;
pub mod matrix;
pub mod order;
pub mod sanctions;
pub mod strategy;
pub mod tariff;
pub mod union;
