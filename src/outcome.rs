//! What a run records: per-state metrics, an event log and optional time series
//! (MODEL.md §7.3; the columns are documented in `results/README.md`).
//!
//! The metric catalogue ([`Catalogue`]) is fixed by the world before any run, so
//! every run fills the same slots in the same order and summaries can be
//! accumulated by index.

use crate::world::World;
use serde::Serialize;

/// Kinds of event in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A state defects against a partner who cooperated last round (or opens with
    /// defection).
    Defection,
    /// A state returns to cooperation after a round of mutual defection.
    Reconciliation,
    /// A match of a matrix game ends by the continuation draw.
    MatchEnd,
}

impl EventKind {
    pub const ALL: &'static [EventKind] = &[
        EventKind::Defection,
        EventKind::Reconciliation,
        EventKind::MatchEnd,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Defection => "defection",
            EventKind::Reconciliation => "reconciliation",
            EventKind::MatchEnd => "match_end",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// One entry of the event log. Year is filled in by the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub year: i32,
    pub kind: EventKind,
    pub actor: usize,
    pub target: Option<usize>,
    pub institution: Option<usize>,
    pub game: Option<usize>,
    pub detail: String,
}

impl Event {
    pub fn new(kind: EventKind, actor: usize) -> Self {
        Event {
            year: 0,
            kind,
            actor,
            target: None,
            institution: None,
            game: None,
            detail: String::new(),
        }
    }

    pub fn target(mut self, target: usize) -> Self {
        self.target = Some(target);
        self
    }

    pub fn game(mut self, game: usize) -> Self {
        self.game = Some(game);
        self
    }
}

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
            }
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
}

impl Series {
    pub fn name(self, world: &World) -> String {
        match self {
            Series::CooperationRate(g) => format!("cooperation_rate:{}", world.games[g].name),
            Series::MeanPayoff(g) => format!("mean_payoff:{}", world.games[g].name),
            Series::MeanAffinity => "mean_affinity".into(),
            Series::Affinity(j) => format!("affinity:{}", world.states[j].code),
            Series::Norm(i) => format!("norm:{}", world.institutions[i].code),
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
}
