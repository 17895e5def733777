//! Historical facts a scenario expects (`[[expect]]`, MODEL.md §8).
//!
//! Facts are parsed and checked against the world when a scenario loads, so a
//! fact about an unknown state, institution or metric is a scenario error with a
//! location.

use crate::outcome::EventKind;
use serde::Serialize;

/// A checkable statement about one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Fact {
    /// The state is (or, with `member = false`, is not) a member at the end.
    MemberAtEnd {
        state: usize,
        institution: usize,
        member: bool,
    },
    /// The state joins the institution in a year within [from, to].
    AccessionYear {
        state: usize,
        institution: usize,
        from: i32,
        to: i32,
    },
    /// The state's share of rounds compliant with the institution is in [min, max].
    ComplianceShare {
        state: usize,
        institution: usize,
        min: f64,
        max: f64,
    },
    /// A metric of the state is in [min, max].
    Metric {
        state: usize,
        metric: String,
        min: f64,
        max: f64,
    },
    /// An event of this kind (by this actor, against this target, in this
    /// institution, where given) occurs by the year `by` — or, with
    /// `occurs = false`, does not.
    Event {
        kind: EventKind,
        actor: Option<usize>,
        target: Option<usize>,
        institution: Option<usize>,
        by: i32,
        occurs: bool,
    },
}

/// A fact with its identifier and the historical claim it encodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactDef {
    pub id: String,
    pub description: String,
    pub fact: Fact,
}
