//! The world a scenario resolves to: plain data, no behaviour beyond lookups.
//!
//! Everything named in a scenario file is resolved here to indices (states,
//! institutions, games), so the simulation never looks anything up by name.
//! docs/model.md §2 lists the entities; §5 how they are initialised.

mod fact;
mod game;
mod institution;
mod target;

pub use fact::{EventFact, Fact, FactDef, FactRole};
pub use game::{Action, MatrixGame, Payoffs, Player, Strategy};
pub use institution::{
    AccessionIssue, CetRule, Charter, DecisionRule, InitiativeRules, Institution, InstitutionKind,
    Measure, RegimeRules, Rules, UnionRules, step_rate,
};
pub use target::{Statistic, Target};

use crate::design::SweepPlan;
use crate::doctrine::{Doctrine, ParamOverrides, Params};
use crate::matrix::Matrix;
use serde::Serialize;

/// A state (agent) as the scenario defines it.
#[derive(Clone, Debug, Serialize)]
pub struct State {
    pub code: String,
    pub name: String,
    /// GDP, US$ million.
    pub gdp_musd: f64,
    /// Military capability: military expenditure, US$ million.
    pub military_musd: f64,
    pub great_power: bool,
    /// Indices of neighbouring states (symmetric).
    pub neighbours: Vec<usize>,
    /// The doctrine the scenario assigns.
    pub doctrine: Doctrine,
    /// The state's own parameter overrides, kept so a profile can switch doctrine.
    pub overrides: ParamOverrides,
    /// Resolved parameters under each doctrine, indexed by [`Doctrine::index`].
    pub params: [Params; 3],
    /// Own applied MFN tariff outside a customs union (fraction).
    pub tariff: f64,
    /// Tariff set when raising tariffs unilaterally (fraction).
    pub unilateral_tariff: f64,
    /// Whether the state makes choices: false for an accounting aggregate (a
    /// rest of the world), which keeps its policies, files no dispute and
    /// casts no vote.
    pub acts: bool,
    /// How the state learns (affinity, norms): the same whatever its doctrine.
    pub learning: Learning,
    /// How the state believes partners answer a defection: part of its world
    /// model, so the same whatever its doctrine.
    pub reciprocity: Reciprocity,
}

/// How a state believes its partners answer a defection (docs/model.md §4, Prediction).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reciprocity {
    /// Once a relationship has seen a defection, the partner defects for ever.
    Grim,
    /// The partner repeats what the state did last round.
    TitForTat,
}

/// Rates at which a state's identity and norms move (docs/model.md §4, Learning).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Learning {
    /// μ, rate at which affinity moves toward the signal of the round.
    pub affinity: f64,
    /// Rate at which affinity drifts back to its baseline in a quiet round.
    pub drift: f64,
    /// η, rate of norm internalisation.
    pub norms: f64,
}

impl State {
    pub fn params_for(&self, doctrine: Doctrine) -> &Params {
        &self.params[doctrine.index()]
    }
}

/// Sanctions of senders on a target (docs/model.md §7.12).
#[derive(Clone, Debug, Serialize)]
pub struct Sanction {
    pub name: String,
    pub senders: Vec<usize>,
    pub target: usize,
    pub from: i32,
    pub until: i32,
    /// Trade costs between the parties are multiplied by 1 + cost_increase.
    pub cost_increase: f64,
    /// Chance a third state in a counter-response is itself sanctioned.
    pub secondary_risk: f64,
    /// Yearly chance that a third state's re-exports to the target are
    /// detected, which brings secondary sanctions.
    pub detection: f64,
    /// Share of the trade between senders and target that the sanctions'
    /// wedge destroys and a circumventing state re-routes.
    pub reexport_share: f64,
    /// Cut in a union member's transit costs (per unit of transit dependence)
    /// that the target's union leader may offer for joining a
    /// counter-response (fraction).
    pub leader_reward: f64,
    /// First-year welfare loss (percent) of the target's union partners per
    /// unit of exposure (trade with the target / GDP).
    pub contagion_percent: f64,
    pub counter_response_year: Option<i32>,
}

impl Sanction {
    pub fn active(&self, year: i32) -> bool {
        (self.from..=self.until).contains(&year)
    }
}

/// An institution's design as a proposal states it (docs/model.md §7.18).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    /// The states invited, the proposer among them.
    pub members: Vec<usize>,
    pub charter: Charter,
    pub decision: DecisionRule,
    /// Others may join later (true), or only by the members' unanimous
    /// invitation (false).
    pub open: bool,
}

/// A proposer's standing offer to found an institution: its first draft,
/// tabled in `from` (as history has it), which it adapts after refusals.
#[derive(Clone, Debug, Serialize)]
pub struct Proposal {
    pub proposer: usize,
    /// The customs union (declared with `cet_rule` and no members) the
    /// proposal founds.
    pub institution: usize,
    pub from: i32,
    pub draft: Draft,
}

/// Dependence channels (docs/model.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Transit = 0,
    Security = 1,
    Investment = 2,
}

/// The trade model of a world.
#[derive(Clone, Debug, Serialize)]
pub struct TradeModel {
    /// Unique within the process: keys the shared equilibrium cache, so two
    /// worlds (e.g. two points of a sweep) never share solutions.
    #[serde(skip)]
    pub id: u64,
    /// The CSV of flows, as written in the scenario.
    pub flows: String,
    /// SHA-256 of the flows file: results from different data never mix.
    pub flows_sha256: String,
    pub baseline_year: i32,
    pub deficits: crate::trade::Deficits,
    pub baseline: crate::trade::Baseline,
    /// Each state's real GDP by year relative to the data year (L̂, state
    /// order within each year), from the first year of the timeline; empty
    /// when the scenario gives no GDP series (every year is then the data
    /// year's economy).
    pub growth: Vec<(i32, Vec<f64>)>,
}

impl TradeModel {
    /// The endowment changes of `year`, if the scenario gives GDP by year.
    pub fn endowment(&self, year: i32) -> Option<&[f64]> {
        self.growth
            .iter()
            .find(|(y, _)| *y == year)
            .map(|(_, l)| l.as_slice())
    }
}

/// Model-wide settings that are not doctrine coefficients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelSettings {
    /// Proximity weight of a non-neighbour in threat perception (a neighbour is 1).
    pub distant_proximity: f64,
    /// Capability ratio of a neighbouring great power to a state above which a
    /// neorealist bandwagons with it instead of balancing against it.
    pub bandwagon_ratio: f64,
    /// Share of its capability a state commits to the defence of states
    /// aligned with the same bloc (security, docs/model.md §4).
    pub alignment_commitment: f64,
    /// Share of its capability a state commits to fellow members of an
    /// alliance in force.
    pub alliance_commitment: f64,
    /// A non-neighbour is in a state's region if it has at least this share
    /// of the state's trade (exports plus imports); outside the region a
    /// state's capability neither threatens nor weighs (security, alignment).
    pub regional_trade_share: f64,
    /// Yearly sovereignty cost of membership at full depth and economic
    /// scope with no distrust, percent of spending (docs/model.md §4).
    pub sovereignty_cost: f64,
    /// The cut in trade costs between members of a customs union at full
    /// depth (fraction; scaled by the union's depth).
    pub depth_trade_cut: f64,
}

/// A coalition states may align with (docs/model.md §7.13).
#[derive(Clone, Debug, Serialize)]
pub struct Bloc {
    pub code: String,
    pub name: String,
}

/// Defaults for the command line, from the scenario's `[run]` table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunDefaults {
    pub runs: u64,
    pub seed: u64,
}

/// A named doctrine assignment: every state's doctrine (docs/model.md §7.16).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Profile {
    pub name: String,
    pub doctrines: Vec<Doctrine>,
}

impl Profile {
    /// Its name and every state's doctrine, as the records of a job or a
    /// calibration identify it.
    pub fn record(&self) -> (String, Vec<String>) {
        (
            self.name.clone(),
            self.doctrines
                .iter()
                .map(|d| d.as_str().to_string())
                .collect(),
        )
    }
}

/// One uncertain parameter of `[priors]`: its `--set` path, its prior and the
/// value the scenario gives it (`None` when the file leaves it at its
/// built-in default).
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertain {
    pub path: String,
    pub prior: crate::prior::Prior,
    pub default: Option<f64>,
    /// Whether the prior draws whole numbers only (and values are written so).
    pub whole: bool,
    /// Where the prior is written in the scenario file (byte range).
    pub span: std::ops::Range<usize>,
}

/// Everything a run needs, resolved from a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct World {
    pub name: String,
    pub title: String,
    pub description: String,
    pub start: i32,
    pub end: i32,
    pub states: Vec<State>,
    /// Baseline affinity a_ij (how i sees j), in [−1, 1].
    pub affinity: Matrix,
    /// θ_ij: threat weights, capability × proximity normalised over the others.
    pub threat: Matrix,
    /// reach_ij: how far j's capability reaches i — 1 for a neighbour,
    /// `distant_proximity` for another state of i's region, 0 outside it.
    pub reach: Matrix,
    /// Initial internalised norm of each state for each institution.
    pub norms: Matrix,
    /// Dependence of i on j by channel, indexed by [`Channel`].
    pub dependence: [Matrix; 3],
    /// The trade equilibrium's calibrated baseline, if the scenario has `[trade]`.
    pub trade: Option<TradeModel>,
    pub institutions: Vec<Institution>,
    pub games: Vec<MatrixGame>,
    pub facts: Vec<FactDef>,
    /// Calibration targets (`[[target]]`).
    pub targets: Vec<Target>,
    /// Scenario-defined doctrine mixes.
    pub profiles: Vec<Profile>,
    pub model: ModelSettings,
    pub run: RunDefaults,
    pub sanctions: Vec<Sanction>,
    /// Proposals of new institutions (docs/model.md §7.18).
    pub proposals: Vec<Proposal>,
    /// A great power's yearly status cost of belonging to an institution it
    /// did not propose, percent of spending.
    pub authorship: f64,
    pub blocs: Vec<Bloc>,
    /// Each state's alignment at the start (None: hedging).
    pub alignment: Vec<Option<usize>>,
    /// The scenario's own parameter sweep, if it defines one.
    pub sweep: Option<SweepPlan>,
    /// The uncertain parameters of `[priors]`, in the order written.
    #[serde(skip)]
    pub priors: Vec<Uncertain>,
}

impl World {
    pub fn n_states(&self) -> usize {
        self.states.len()
    }

    pub fn state_index(&self, code: &str) -> Option<usize> {
        self.states.iter().position(|s| s.code == code)
    }

    pub fn institution_index(&self, code: &str) -> Option<usize> {
        self.institutions.iter().position(|i| i.code == code)
    }

    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.start..=self.end
    }

    /// The scenario's own doctrine assignment.
    pub fn scenario_profile(&self) -> Profile {
        Profile {
            name: "scenario".into(),
            doctrines: self.states.iter().map(|s| s.doctrine).collect(),
        }
    }

    /// A profile by name: `scenario`, one of the all-one-doctrine profiles
    /// (`neorealist`, `neoliberal`, `constructivist`) or a scenario-defined mix.
    pub fn profile(&self, name: &str) -> Option<Profile> {
        if name == "scenario" {
            return Some(self.scenario_profile());
        }
        if let Some(&d) = Doctrine::ALL.iter().find(|d| d.as_str() == name) {
            return Some(Profile {
                name: name.into(),
                doctrines: vec![d; self.n_states()],
            });
        }
        self.profiles.iter().find(|p| p.name == name).cloned()
    }

    /// The scenario's assignment with state `s` switched to `doctrine`
    /// (`--focus`), named `CODE_doctrine`.
    pub fn focus_profile(&self, s: usize, doctrine: Doctrine) -> Profile {
        let mut p = self.scenario_profile();
        p.doctrines[s] = doctrine;
        p.name = format!("{}_{}", self.states[s].code, doctrine.as_str());
        p
    }

    /// Every profile name [`World::profile`] accepts.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names = vec!["scenario".to_string()];
        names.extend(Doctrine::ALL.iter().map(|d| d.as_str().to_string()));
        names.extend(self.profiles.iter().map(|p| p.name.clone()));
        names
    }
}

/// reach_ij, how far j's capability reaches i (Walt 1987: threat falls with
/// distance; Buzan & Wæver 2003: security is regional): 1 for a neighbour,
/// `distant_proximity` for another member of i's region, 0 outside it. With
/// trade flows (`flows[(i, j)]` = exports of i to j), i's region is its
/// neighbours and every state with at least `regional_share` of i's trade;
/// without them, every state.
pub fn reach(
    states: &[State],
    flows: Option<&Matrix>,
    distant_proximity: f64,
    regional_share: f64,
) -> Matrix {
    let n = states.len();
    let mut reach = Matrix::new(n, n, 0.0);
    for (i, state) in states.iter().enumerate() {
        let trade = |j: usize| flows.map_or(0.0, |f| f.get(i, j) + f.get(j, i));
        let total: f64 = (0..n).filter(|&j| j != i).map(trade).sum();
        for j in (0..n).filter(|&j| j != i) {
            let r = if state.neighbours.contains(&j) {
                1.0
            } else if flows.is_none() || (total > 0.0 && trade(j) >= regional_share * total) {
                distant_proximity
            } else {
                0.0
            };
            reach.set(i, j, r);
        }
    }
    reach
}

/// Threat weights θ_ij ∝ capability_j × reach_ij over j ≠ i, summing to 1
/// (Walt 1987, balance of threat). With no capability within reach, threat is
/// spread evenly over the states within reach (over everyone if none is).
pub fn threat_weights(states: &[State], reach: &Matrix) -> Matrix {
    let n = states.len();
    let mut theta = Matrix::new(n, n, 0.0);
    for i in 0..n {
        let raw = |j: usize| states[j].military_musd * reach.get(i, j);
        let total: f64 = (0..n).filter(|&j| j != i).map(raw).sum();
        let within: Vec<usize> = (0..n)
            .filter(|&j| j != i && reach.get(i, j) > 0.0)
            .collect();
        for j in (0..n).filter(|&j| j != i) {
            let w = if total > 0.0 {
                raw(j) / total
            } else if within.is_empty() {
                1.0 / (n - 1) as f64
            } else if within.contains(&j) {
                1.0 / within.len() as f64
            } else {
                0.0
            };
            theta.set(i, j, w);
        }
    }
    theta
}
