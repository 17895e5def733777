//! Historical facts a scenario expects (`[[expect]]`, docs/model.md §7.16).
//!
//! Facts are parsed and checked against the world when a scenario loads, so a
//! fact about an unknown state, institution or metric is a scenario error with a
//! location. A [`Scorer`] checks every fact against every run's outcome; the
//! share of runs matching each fact, and all of them jointly, is how a user asks
//! which theory explains a history best.

use crate::world::{EventFact, Fact};

/// How one fact is checked against one run's outcome.
#[derive(Clone, Debug)]
enum Check {
    /// The metric in this catalogue slot lies in [min, max].
    Range { slot: usize, min: f64, max: f64 },
    /// An event fact, checked against the run's log.
    Event(EventFact),
}

/// Every fact of a world, ready to be checked against run outcomes.
#[derive(Clone, Debug)]
pub struct Scorer {
    checks: Vec<Check>,
}

impl Scorer {
    /// Resolve every fact to catalogue slots. Facts are validated when the
    /// scenario loads, so every slot exists.
    pub fn new(world: &crate::world::World, catalogue: &crate::outcome::Catalogue) -> Self {
        let slot = |state: usize, name: String| {
            catalogue
                .find(state, &name)
                .unwrap_or_else(|| panic!("fact metric {name} was validated"))
        };
        let code = |i: usize| world.institutions[i].code.clone();
        let checks = world
            .facts
            .iter()
            .map(|f| match &f.fact {
                Fact::MemberAtEnd {
                    state,
                    institution,
                    member,
                } => {
                    let x = if *member { 1.0 } else { 0.0 };
                    Check::Range {
                        slot: slot(*state, format!("member_at_end:{}", code(*institution))),
                        min: x,
                        max: x,
                    }
                }
                Fact::AccessionYear {
                    state,
                    institution,
                    from,
                    to,
                } => Check::Range {
                    slot: slot(*state, format!("accession_year:{}", code(*institution))),
                    min: f64::from(*from),
                    max: f64::from(*to),
                },
                Fact::ComplianceShare {
                    state,
                    institution,
                    min,
                    max,
                } => Check::Range {
                    slot: slot(*state, format!("compliance_share:{}", code(*institution))),
                    min: *min,
                    max: *max,
                },
                Fact::Metric {
                    state,
                    metric,
                    min,
                    max,
                } => Check::Range {
                    slot: slot(*state, metric.clone()),
                    min: *min,
                    max: *max,
                },
                Fact::Event(e) => Check::Event(e.clone()),
            })
            .collect();
        Scorer { checks }
    }

    pub fn len(&self) -> usize {
        self.checks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    /// Does the run match fact `k`? An undefined metric (e.g. no accession)
    /// matches no range.
    pub fn matches(&self, k: usize, outcome: &crate::outcome::RunOutcome) -> bool {
        match &self.checks[k] {
            Check::Range { slot, min, max } => {
                let x = outcome.values[*slot];
                !x.is_nan() && *min <= x && x <= *max
            }
            Check::Event(e) => e.holds(&outcome.events),
        }
    }
}
