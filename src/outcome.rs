//! What a run records: per-state metrics, an event log and optional time series
//! (docs/model.md §7.15; the columns are documented in `results/README.md`).
//!
//! The metric catalogue ([`Catalogue`]) is fixed by the world before any run, so
//! every run fills the same slots in the same order and summaries can be
//! accumulated by index.

use crate::event::Event;
use crate::state::{DecisionRecord, ForecastRecord};
use crate::world::World;

/// What a metric measures; the catalogue pairs each with a state and a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Mean payoff per round played in a matrix game.
    MeanPayoff(usize),
    /// Total payoff in a matrix game.
    TotalPayoff(usize),
    /// Share of the state's moves in a game that were cooperative.
    CooperationRate(usize),
    /// Share of the state's pair-rounds in which both cooperated.
    MutualCooperationRate(usize),
    /// Pair-rounds played in a game.
    RoundsPlayed(usize),
    /// Mean affinity toward all other states at the end.
    MeanAffinity,
    /// Affinity toward a great power at the end.
    Affinity(usize),
    /// Internalised norm of an institution at the end.
    Norm(usize),
    /// Year the state joined an institution during the run (by accession or
    /// exogenously); undefined if it did not.
    AccessionYear(usize),
    /// 1 if a member of the institution at the end, else 0.
    MemberAtEnd(usize),
    /// Share of the state's member-rounds compliant with the institution.
    ComplianceShare(usize),
    /// Bound tariff in a trade regime at the end, percent.
    BoundTariff(usize),
    /// Mean over rounds of the trade-weighted tariff the state applies, percent.
    MeanTariff,
    /// Mean over rounds of the welfare change, percent of baseline real spending.
    WelfareChange,
    DisputesFiled,
    DisputesFaced,
    /// Rounds in which the state was coerced by a union leader.
    RoundsCoerced,
    /// Rounds in which the state faced authorised retaliation.
    RoundsRetaliated,
    /// Mean intensity of the state's participation in an initiative over its
    /// rounds in force (0 none, ½ some, 1 deep).
    Participation(usize),
    /// Investment dependence on initiative sponsors at the end (the largest).
    InvestmentDependence,
    /// Share of the state's sanction-rounds (as a third state) it complied.
    SanctionsComplianceShare,
    /// Rounds the state joined a counter-response.
    CounterRounds,
    /// Rounds the state let sanctioned goods through to the target.
    CircumventRounds,
    /// Welfare lost to sanctions' contagion, percent of spending (summed).
    ContagionLoss,
    /// 1 if aligned with bloc B at the end, else 0.
    Aligned(usize),
    /// 1 if hedging at the end, else 0.
    Hedging,
    /// Times the state changed its alignment.
    AlignmentSwitches,
    /// Capability share the state can count on at the end (own plus bloc partners').
    Security,
    /// Region-level (state `ALL`): mean affinity over all ordered pairs at the end.
    RegionAffinity,
    /// Region-level: the culture of anarchy at the end — −1 Hobbesian (mean
    /// affinity below −1/3), 0 Lockean, +1 Kantian (above 1/3) (Wendt 1999).
    CultureOfAnarchy,
    /// Order-making: drafts the state tabled; its drafts accepted by all.
    ProposalsMade,
    ProposalsAccepted,
    /// Institutions the state founded (as a founding member); joined later.
    InstitutionsFounded,
    InstitutionsJoined,
    /// Region-level: members of a union formed by proposal at the end.
    Size(usize),
    /// Region-level: the depth of a union formed by proposal (undefined if
    /// it was never founded).
    Depth(usize),
}

impl Measure {
    /// May this metric be undefined (NaN, written as an empty cell) in a run
    /// by design — a ratio with nothing to divide by, a year that never came?
    /// Any other metric that is NaN is a numerical failure.
    pub fn may_be_undefined(self) -> bool {
        matches!(
            self,
            Measure::MeanPayoff(_)
                | Measure::CooperationRate(_)
                | Measure::MutualCooperationRate(_)
                | Measure::AccessionYear(_)
                | Measure::ComplianceShare(_)
                | Measure::BoundTariff(_)
                | Measure::MeanTariff
                | Measure::WelfareChange
                | Measure::Participation(_)
                | Measure::SanctionsComplianceShare
                | Measure::Depth(_)
        )
    }
}

/// The pseudo-state of region-level metrics, written as `ALL`.
pub const REGION: usize = usize::MAX;

/// A state's code, or `ALL` for region-level metrics.
pub fn state_code(world: &World, state: usize) -> &str {
    if state == REGION {
        "ALL"
    } else {
        world.states[state].code.as_str()
    }
}

/// Base names of all metrics with their meaning, for documentation and for
/// validating `expect` facts.
pub const METRIC_BASES: &[(&str, &str)] = &[
    (
        "mean_payoff",
        "mean payoff per round played in matrix game G",
    ),
    ("total_payoff", "total payoff in matrix game G"),
    (
        "cooperation_rate",
        "share of the state's moves in game G that were cooperative",
    ),
    (
        "mutual_cooperation_rate",
        "share of the state's pair-rounds in game G with mutual cooperation",
    ),
    ("rounds_played", "pair-rounds the state played in game G"),
    (
        "mean_affinity",
        "mean affinity toward all other states at the end",
    ),
    ("affinity", "affinity toward great power X at the end"),
    ("norm", "internalised norm of institution I at the end"),
    (
        "accession_year",
        "year the state joined institution I during the run (empty if it did not)",
    ),
    (
        "member_at_end",
        "1 if a member of institution I at the end, else 0",
    ),
    (
        "compliance_share",
        "share of the state's member-rounds compliant with institution I",
    ),
    (
        "bound_tariff",
        "the state's bound tariff in trade regime I at the end, percent",
    ),
    (
        "mean_tariff",
        "mean over rounds of the trade-weighted tariff the state applies, percent",
    ),
    (
        "welfare_change",
        "mean over rounds of the welfare change, percent of baseline real spending",
    ),
    ("disputes_filed", "disputes the state filed"),
    ("disputes_faced", "disputes filed against the state"),
    (
        "rounds_coerced",
        "rounds in which a union leader coerced the state",
    ),
    (
        "rounds_retaliated",
        "rounds in which the state faced authorised retaliation",
    ),
    (
        "participation",
        "mean intensity of the state's participation in initiative I over its years in force: 0 none, 0.5 some, 1 deep",
    ),
    (
        "investment_dependence",
        "the state's investment dependence on initiative sponsors at the end",
    ),
    (
        "sanctions_compliance_share",
        "share of the state's rounds as a third state under sanctions in which it complied",
    ),
    (
        "counter_rounds",
        "rounds the state joined a counter-response to sanctions",
    ),
    (
        "proposals_made",
        "drafts of new institutions the state tabled",
    ),
    (
        "proposals_accepted",
        "the state's drafts that every invitee accepted (so founded an institution)",
    ),
    (
        "institutions_founded",
        "institutions formed by proposal of which the state was a founding member",
    ),
    (
        "institutions_joined",
        "institutions formed by proposal the state joined after their founding",
    ),
    (
        "size",
        "region (state ALL): members of union I, formed by proposal, at the end",
    ),
    (
        "depth",
        "region (state ALL): depth of union I, formed by proposal, at the end (1/4 intergovernmental, + 1/4 per supranational organ); empty if never founded",
    ),
    (
        "circumvent_rounds",
        "rounds the state let sanctioned goods be re-exported to the target",
    ),
    (
        "contagion_loss",
        "welfare lost to sanctions' contagion, percent of spending",
    ),
    ("aligned", "1 if aligned with bloc B at the end, else 0"),
    (
        "hedging",
        "1 if hedging (aligned with no bloc) at the end, else 0",
    ),
    (
        "alignment_switches",
        "times the state changed its alignment",
    ),
    (
        "security",
        "the security share at the end: own capability plus the capability committed to the state, against the threat of the rest, weighted by reach",
    ),
    (
        "culture_of_anarchy",
        "region (state ALL): -1 Hobbesian, 0 Lockean, +1 Kantian by mean affinity at the end",
    ),
];

/// One slot of the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricKey {
    pub state: usize,
    pub measure: Measure,
    /// `base` or `base:qualifier`, as written in outputs and `expect` facts.
    pub name: String,
}

/// Every metric a run of this world reports, in output order (state by state).
#[derive(Clone, Debug)]
pub struct Catalogue {
    pub keys: Vec<MetricKey>,
}

impl Catalogue {
    pub fn new(world: &World) -> Self {
        let mut keys = Vec::new();
        for state in 0..world.n_states() {
            let mut push = |measure: Measure, name: String| {
                keys.push(MetricKey {
                    state,
                    measure,
                    name,
                })
            };
            for (g, game) in world.games.iter().enumerate() {
                if game.seats[state].is_empty() {
                    continue;
                }
                let q = &game.name;
                push(Measure::MeanPayoff(g), format!("mean_payoff:{q}"));
                push(Measure::TotalPayoff(g), format!("total_payoff:{q}"));
                push(Measure::CooperationRate(g), format!("cooperation_rate:{q}"));
                push(
                    Measure::MutualCooperationRate(g),
                    format!("mutual_cooperation_rate:{q}"),
                );
                push(Measure::RoundsPlayed(g), format!("rounds_played:{q}"));
            }
            if world.n_states() > 1 {
                push(Measure::MeanAffinity, "mean_affinity".into());
            }
            for (j, other) in world.states.iter().enumerate() {
                if other.great_power && j != state {
                    push(Measure::Affinity(j), format!("affinity:{}", other.code));
                }
            }
            for (i, inst) in world.institutions.iter().enumerate() {
                push(Measure::Norm(i), format!("norm:{}", inst.code));
                let q = &inst.code;
                push(Measure::AccessionYear(i), format!("accession_year:{q}"));
                push(Measure::MemberAtEnd(i), format!("member_at_end:{q}"));
                // Rules act through tariffs: without a trade model there is
                // nothing to comply with.
                let trade = world.trade.is_some();
                if trade && (inst.regime().is_some() || inst.union().is_some()) {
                    push(Measure::ComplianceShare(i), format!("compliance_share:{q}"));
                }
                if trade && inst.regime().is_some() {
                    push(Measure::BoundTariff(i), format!("bound_tariff:{q}"));
                }
            }
            if world.trade.is_none() {
                continue;
            }
            push(Measure::MeanTariff, "mean_tariff".into());
            push(Measure::WelfareChange, "welfare_change".into());
            if world.institutions.iter().any(|i| i.regime().is_some()) {
                push(Measure::DisputesFiled, "disputes_filed".into());
                push(Measure::DisputesFaced, "disputes_faced".into());
                push(Measure::RoundsRetaliated, "rounds_retaliated".into());
            }
            if world.institutions.iter().any(|i| i.union().is_some()) {
                push(Measure::RoundsCoerced, "rounds_coerced".into());
            }
            for (i, inst) in world.institutions.iter().enumerate() {
                if inst.initiative().is_some() && inst.leader != Some(state) {
                    push(
                        Measure::Participation(i),
                        format!("participation:{}", inst.code),
                    );
                }
            }
            if world.institutions.iter().any(|i| i.initiative().is_some()) {
                push(
                    Measure::InvestmentDependence,
                    "investment_dependence".into(),
                );
            }
            if !world.sanctions.is_empty() {
                push(
                    Measure::SanctionsComplianceShare,
                    "sanctions_compliance_share".into(),
                );
                push(Measure::CounterRounds, "counter_rounds".into());
                push(Measure::CircumventRounds, "circumvent_rounds".into());
                push(Measure::ContagionLoss, "contagion_loss".into());
            }
        }
        for state in (0..world.n_states()).filter(|_| !world.blocs.is_empty()) {
            for (b, bloc) in world.blocs.iter().enumerate() {
                keys.push(MetricKey {
                    state,
                    measure: Measure::Aligned(b),
                    name: format!("aligned:{}", bloc.code),
                });
            }
            keys.push(MetricKey {
                state,
                measure: Measure::Hedging,
                name: "hedging".into(),
            });
            keys.push(MetricKey {
                state,
                measure: Measure::AlignmentSwitches,
                name: "alignment_switches".into(),
            });
            keys.push(MetricKey {
                state,
                measure: Measure::Security,
                name: "security".into(),
            });
        }
        if !world.proposals.is_empty() {
            for state in 0..world.n_states() {
                for (measure, name) in [
                    (Measure::ProposalsMade, "proposals_made"),
                    (Measure::ProposalsAccepted, "proposals_accepted"),
                    (Measure::InstitutionsFounded, "institutions_founded"),
                    (Measure::InstitutionsJoined, "institutions_joined"),
                ] {
                    keys.push(MetricKey {
                        state,
                        measure,
                        name: name.into(),
                    });
                }
            }
            for (u, inst) in world.institutions.iter().enumerate() {
                if inst.union().is_some_and(|r| r.cet_rule.is_some()) {
                    keys.push(MetricKey {
                        state: REGION,
                        measure: Measure::Size(u),
                        name: format!("size:{}", inst.code),
                    });
                    keys.push(MetricKey {
                        state: REGION,
                        measure: Measure::Depth(u),
                        name: format!("depth:{}", inst.code),
                    });
                }
            }
        }
        if world.n_states() > 1 {
            keys.push(MetricKey {
                state: REGION,
                measure: Measure::RegionAffinity,
                name: "mean_affinity".into(),
            });
            keys.push(MetricKey {
                state: REGION,
                measure: Measure::CultureOfAnarchy,
                name: "culture_of_anarchy".into(),
            });
        }
        Catalogue { keys }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn find(&self, state: usize, name: &str) -> Option<usize> {
        self.keys
            .iter()
            .position(|k| k.state == state && k.name == name)
    }

    /// The metric names reported for one state, for error messages.
    pub fn names_for(&self, state: usize) -> Vec<&str> {
        self.keys
            .iter()
            .filter(|k| k.state == state)
            .map(|k| k.name.as_str())
            .collect()
    }
}

/// One time-series row: a state's metric in one year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimePoint {
    pub year: i32,
    pub state: usize,
    pub series: Series,
    pub value: f64,
}

/// Time-series measures (per year).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// Share of the state's moves in game G this year that were cooperative.
    CooperationRate(usize),
    /// Mean payoff per move in game G this year.
    MeanPayoff(usize),
    MeanAffinity,
    Affinity(usize),
    Norm(usize),
    /// Welfare change this year, percent.
    WelfareChange,
    /// Trade-weighted tariff applied this year, percent.
    MeanTariff,
    /// 1 if compliant with institution I this year (members only).
    Compliant(usize),
    /// Intensity of participation in initiative I this year (0, ½ or 1).
    Participation(usize),
    /// 1 if aligned with bloc B this year, else 0.
    Aligned(usize),
}

impl Series {
    /// May this series be undefined (NaN) in a year by design? Only the
    /// trade-weighted tariff of a state with no imports is.
    pub fn may_be_undefined(self) -> bool {
        matches!(self, Series::MeanTariff | Series::WelfareChange)
    }

    pub fn name(self, world: &World) -> String {
        match self {
            Series::CooperationRate(g) => format!("cooperation_rate:{}", world.games[g].name),
            Series::MeanPayoff(g) => format!("mean_payoff:{}", world.games[g].name),
            Series::MeanAffinity => "mean_affinity".into(),
            Series::Affinity(j) => format!("affinity:{}", world.states[j].code),
            Series::Norm(i) => format!("norm:{}", world.institutions[i].code),
            Series::WelfareChange => "welfare_change".into(),
            Series::MeanTariff => "mean_tariff".into(),
            Series::Compliant(i) => format!("compliant:{}", world.institutions[i].code),
            Series::Participation(i) => format!("participation:{}", world.institutions[i].code),
            Series::Aligned(b) => format!("aligned:{}", world.blocs[b].code),
        }
    }
}

/// Everything one run produced.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutcome {
    pub run: u64,
    /// One value per catalogue slot; NaN means "not defined in this run" and is
    /// written as an empty cell.
    pub values: Vec<f64>,
    pub events: Vec<Event>,
    pub timeseries: Vec<TimePoint>,
    /// Trade equilibria solved in this run (for the timing report).
    pub solves: u64,
    /// Every decision with its options' valuations, when the run is traced.
    pub decisions: Vec<DecisionRecord>,
    /// Every forecast the observed state's decisions rested on.
    pub forecasts: Vec<ForecastRecord>,
    /// Decisions with two or more options, and near ties among them (the two
    /// best options within 1/λ of each other).
    pub decision_count: u64,
    pub near_ties: u64,
    /// Each state's digest of its choices in this run ([`crate::state::Record::choices`]):
    /// equal digests under two profiles mean the state chose alike.
    pub choices: Vec<u64>,
}
