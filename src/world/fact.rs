//! Historical facts a scenario expects (`[[expect]]`), as plain data: a
//! metric in a range, a membership, an accession window, or an event that
//! does (or does not) occur by a year. Scoring runs against them is
//! [`crate::retrodiction`].

use crate::event::EventKind;
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
    /// An event happens (or, with `occurs = false`, does not) by a year.
    Event(EventFact),
}

/// An event of this kind (by this actor, against this target, in this
/// institution, where given) occurs by the year `by` — or, with
/// `occurs = false`, does not.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventFact {
    pub kind: EventKind,
    pub actor: Option<usize>,
    pub target: Option<usize>,
    pub institution: Option<usize>,
    /// The event's detail must begin with this (e.g. the cause of a filing).
    pub detail: Option<String>,
    pub by: i32,
    pub occurs: bool,
}

impl EventFact {
    /// Does this log satisfy the fact?
    pub fn holds(&self, events: &[crate::event::Event]) -> bool {
        let found = events.iter().any(|e| {
            e.kind == self.kind
                && e.year <= self.by
                && self.actor.is_none_or(|a| e.actor == a)
                && self.target.is_none_or(|t| e.target == Some(t))
                && self.institution.is_none_or(|i| e.institution == Some(i))
                && self
                    .detail
                    .as_ref()
                    .is_none_or(|d| e.detail.starts_with(d.as_str()))
        });
        found == self.occurs
    }
}

/// A fact with its identifier and the historical claim it encodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactDef {
    pub id: String,
    pub description: String,
    pub fact: Fact,
    pub role: FactRole,
}

/// What a fact is for (docs/model.md §7.16): evidence for or against a
/// theory, or a calibration target — a number used to set a parameter, which
/// is reported but never counts as evidence (it is left out of the joint score).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactRole {
    #[default]
    Evidence,
    Calibration,
}

impl FactRole {
    pub fn as_str(self) -> &'static str {
        match self {
            FactRole::Evidence => "evidence",
            FactRole::Calibration => "calibration",
        }
    }
}
