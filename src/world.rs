//! The world a scenario resolves to: plain data, no behaviour beyond lookups.
//!
//! Everything named in a scenario file is resolved here to indices (states,
//! institutions, games), so the simulation never looks anything up by name.
//! MODEL.md §2 lists the entities; §5 how they are initialised.

use crate::doctrine::{Doctrine, ParamOverrides, Params};
use crate::game::matrix::MatrixGame;
use crate::retrodiction::FactDef;
use serde::Serialize;

/// A dense row-major matrix of f64 (pairwise relations, state × institution tables).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Matrix {
    pub fn new(rows: usize, cols: usize, fill: f64) -> Self {
        Matrix {
            rows,
            cols,
            data: vec![fill; rows * cols],
        }
    }

    #[inline]
    pub fn get(&self, r: usize, c: usize) -> f64 {
        self.data[r * self.cols + c]
    }

    #[inline]
    pub fn set(&mut self, r: usize, c: usize, x: f64) {
        self.data[r * self.cols + c] = x;
    }

    #[inline]
    pub fn row(&self, r: usize) -> &[f64] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    #[inline]
    pub fn row_mut(&mut self, r: usize) -> &mut [f64] {
        &mut self.data[r * self.cols..(r + 1) * self.cols]
    }
}

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
}

impl State {
    pub fn params_for(&self, doctrine: Doctrine) -> &Params {
        &self.params[doctrine.index()]
    }
}

/// Kinds of institution (MODEL.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    TradeRegime,
    CustomsUnion,
    InvestmentInitiative,
    Alliance,
}

impl InstitutionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::TradeRegime => "trade_regime",
            InstitutionKind::CustomsUnion => "customs_union",
            InstitutionKind::InvestmentInitiative => "investment_initiative",
            InstitutionKind::Alliance => "alliance",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Institution {
    pub code: String,
    pub name: String,
    pub kind: InstitutionKind,
    /// Members at the start of the timeline.
    pub members: Vec<usize>,
    pub founded: Option<i32>,
    pub leader: Option<usize>,
}

/// Model-wide settings that are not doctrine coefficients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelSettings {
    /// Proximity weight of a non-neighbour in threat perception (a neighbour is 1).
    pub distant_proximity: f64,
}

/// Defaults for the command line, from the scenario's `[run]` table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunDefaults {
    pub runs: u64,
    pub seed: u64,
}

/// A named doctrine assignment: every state's doctrine (MODEL.md §8).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Profile {
    pub name: String,
    pub doctrines: Vec<Doctrine>,
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
    /// Initial internalised norm of each state for each institution.
    pub norms: Matrix,
    pub institutions: Vec<Institution>,
    pub games: Vec<MatrixGame>,
    pub facts: Vec<FactDef>,
    /// Scenario-defined doctrine mixes.
    pub profiles: Vec<Profile>,
    pub model: ModelSettings,
    pub run: RunDefaults,
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

    /// Every profile name [`World::profile`] accepts.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names = vec!["scenario".to_string()];
        names.extend(Doctrine::ALL.iter().map(|d| d.as_str().to_string()));
        names.extend(self.profiles.iter().map(|p| p.name.clone()));
        names
    }
}

/// Threat weights θ_ij ∝ capability_j × proximity_ij over j ≠ i, summing to 1
/// (Walt 1987, balance of threat). With no capability anywhere, threat is spread
/// evenly.
pub fn threat_weights(states: &[State], distant_proximity: f64) -> Matrix {
    let n = states.len();
    let mut theta = Matrix::new(n, n, 0.0);
    for i in 0..n {
        let raw = |j: usize| -> f64 {
            let proximity = if states[i].neighbours.contains(&j) {
                1.0
            } else {
                distant_proximity
            };
            states[j].military_musd * proximity
        };
        let total: f64 = (0..n).filter(|&j| j != i).map(raw).sum();
        for j in (0..n).filter(|&j| j != i) {
            let w = if total > 0.0 {
                raw(j) / total
            } else {
                1.0 / (n - 1) as f64
            };
            theta.set(i, j, w);
        }
    }
    theta
}
