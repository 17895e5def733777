//! The scenario file format (TOML), exactly as written by a user.
//!
//! These types mirror the file one to one (every table and key is documented in
//! `scenarios/README.md`); unknown keys are errors. Nothing here is validated
//! beyond types — [`super::resolve`] checks meaning and builds the [`World`].
//!
//! [`World`]: crate::world::World

use crate::doctrine::{Doctrine, ParamOverrides};
use crate::world::{DecisionRule, FactRole, InstitutionKind, Reciprocity, Strategy};
use indexmap::IndexMap;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub scenario: Meta,
    pub timeline: TimelineSpec,
    #[serde(default)]
    pub run: RunSpec,
    #[serde(default)]
    pub model: ModelSpec,
    #[serde(default)]
    pub doctrines: DoctrinesSpec,
    pub states: IndexMap<String, StateSpec>,
    /// affinity.I.J = a_ij, how I sees J.
    #[serde(default)]
    pub affinity: IndexMap<String, IndexMap<String, f64>>,
    /// norms.S.I = initial internalised norm of state S for institution I.
    #[serde(default)]
    pub norms: IndexMap<String, IndexMap<String, f64>>,
    /// dependence.I.J = how I depends on J, by channel.
    #[serde(default)]
    pub dependence: IndexMap<String, IndexMap<String, DependenceSpec>>,
    pub trade: Option<TradeSpec>,
    #[serde(default)]
    pub institutions: IndexMap<String, InstitutionSpec>,
    #[serde(default)]
    pub games: IndexMap<String, GameSpec>,
    #[serde(default)]
    pub profiles: IndexMap<String, ProfileSpec>,
    #[serde(default)]
    pub expect: Vec<FactSpec>,
    /// `[[target]]`: calibration targets.
    #[serde(default)]
    pub target: Vec<TargetSpec>,
    pub sweep: Option<SweepSpec>,
    #[serde(default)]
    pub sanctions: Vec<SanctionSpec>,
    /// `[[proposals]]`: proposals of new institutions.
    #[serde(default)]
    pub proposals: Vec<ProposalSpec>,
    /// `[blocs.CODE]`: the coalitions states may align with.
    #[serde(default)]
    pub blocs: IndexMap<String, BlocSpec>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BlocSpec {
    #[serde(default)]
    pub name: String,
    /// States aligned with the bloc at the start (others hedge).
    #[serde(default)]
    pub members: Vec<String>,
}

/// `[[sanctions]]`: trade-cost sanctions of senders on a target.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SanctionSpec {
    pub name: String,
    pub senders: Vec<String>,
    pub target: String,
    pub from: i32,
    pub until: Option<i32>,
    pub cost_increase: f64,
    #[serde(default)]
    pub secondary_risk: f64,
    #[serde(default)]
    pub contagion_percent: f64,
    pub counter_response_year: Option<i32>,
    /// Yearly chance that re-exports to the target are detected.
    pub detection: Option<f64>,
    /// Share of the destroyed sender–target trade a circumventing state re-routes.
    pub reexport_share: Option<f64>,
    /// The target's union leader's transit-cost cut for joining a counter-response, percent.
    pub leader_reward_percent: Option<f64>,
}

/// `[[proposals]]`: a state's first draft of a new institution.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalSpec {
    /// The proposer.
    pub by: String,
    /// The customs union (declared with `cet_rule`) the proposal founds.
    pub institution: String,
    /// The year the first draft is tabled.
    pub from: i32,
    /// The states invited (the proposer among them).
    pub members: Vec<String>,
    pub scope: Option<String>,
    #[serde(default)]
    pub organs: Vec<String>,
    pub decision: Option<crate::world::DecisionRule>,
    /// `open` (others may join later) or `invitation` (only by the members'
    /// unanimous invitation).
    pub membership: Option<String>,
}

/// `[sweep]`: a parameter experiment for `statecraft sweep`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    #[serde(default = "factorial")]
    pub design: crate::design::Design,
    /// Points of a Latin-hypercube design.
    #[serde(default, deserialize_with = "whole::points")]
    pub points: Option<usize>,
    pub vary: Vec<crate::design::Dimension>,
}

fn factorial() -> crate::design::Design {
    crate::design::Design::Factorial
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineSpec {
    pub start: i32,
    pub end: i32,
}

fn default_runs() -> u64 {
    1000
}

fn default_seed() -> u64 {
    1
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    #[serde(default = "default_runs", deserialize_with = "whole::runs")]
    pub runs: u64,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

impl Default for RunSpec {
    fn default() -> Self {
        RunSpec {
            runs: default_runs(),
            seed: default_seed(),
        }
    }
}

fn default_distant_proximity() -> f64 {
    0.25
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    #[serde(default = "default_distant_proximity")]
    pub distant_proximity: f64,
    #[serde(default = "default_bandwagon_ratio")]
    pub bandwagon_ratio: f64,
    #[serde(default = "default_alignment_commitment")]
    pub alignment_commitment: f64,
    #[serde(default = "default_alliance_commitment")]
    pub alliance_commitment: f64,
    /// Every state's learning rates and reciprocity belief, unless it sets its own.
    #[serde(default = "default_affinity_learning")]
    pub affinity_learning: f64,
    #[serde(default = "default_affinity_drift")]
    pub affinity_drift: f64,
    #[serde(default = "default_norm_learning")]
    pub norm_learning: f64,
    #[serde(default = "default_reciprocity")]
    pub reciprocity: Reciprocity,
    #[serde(default = "default_regional_trade_share")]
    pub regional_trade_share: f64,
    #[serde(default = "default_sovereignty_cost")]
    pub sovereignty_cost_percent: f64,
    #[serde(default = "default_authorship")]
    pub authorship_percent: f64,
    #[serde(default = "default_depth_trade_cut")]
    pub depth_trade_cut_percent: f64,
}

fn default_depth_trade_cut() -> f64 {
    5.0
}

fn default_authorship() -> f64 {
    0.2
}

fn default_regional_trade_share() -> f64 {
    0.05
}

fn default_sovereignty_cost() -> f64 {
    0.2
}

fn yes() -> bool {
    true
}

fn default_alignment_commitment() -> f64 {
    0.25
}

fn default_alliance_commitment() -> f64 {
    0.5
}

fn default_affinity_learning() -> f64 {
    0.1
}

fn default_affinity_drift() -> f64 {
    0.05
}

fn default_norm_learning() -> f64 {
    0.1
}

fn default_reciprocity() -> Reciprocity {
    Reciprocity::Grim
}

fn default_bandwagon_ratio() -> f64 {
    10.0
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            distant_proximity: default_distant_proximity(),
            bandwagon_ratio: default_bandwagon_ratio(),
            alignment_commitment: default_alignment_commitment(),
            alliance_commitment: default_alliance_commitment(),
            affinity_learning: default_affinity_learning(),
            affinity_drift: default_affinity_drift(),
            norm_learning: default_norm_learning(),
            reciprocity: default_reciprocity(),
            regional_trade_share: default_regional_trade_share(),
            sovereignty_cost_percent: default_sovereignty_cost(),
            authorship_percent: default_authorship(),
            depth_trade_cut_percent: default_depth_trade_cut(),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DoctrinesSpec {
    #[serde(default)]
    pub neorealist: ParamOverrides,
    #[serde(default)]
    pub neoliberal: ParamOverrides,
    #[serde(default)]
    pub constructivist: ParamOverrides,
}

impl DoctrinesSpec {
    pub fn get(&self, d: Doctrine) -> &ParamOverrides {
        match d {
            Doctrine::Neorealist => &self.neorealist,
            Doctrine::Neoliberal => &self.neoliberal,
            Doctrine::Constructivist => &self.constructivist,
        }
    }
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateSpec {
    pub name: String,
    pub gdp_musd: f64,
    /// Real GDP by year (constant prices, any unit: only ratios to the data
    /// year are used), for every year of the timeline.
    #[serde(default)]
    pub gdp_by_year: IndexMap<String, f64>,
    pub military_musd: f64,
    #[serde(default)]
    pub great_power: bool,
    #[serde(default)]
    pub neighbours: Vec<String>,
    pub doctrine: Doctrine,
    #[serde(default)]
    pub params: ParamOverrides,
    /// Own applied MFN tariff outside a customs union, percent.
    #[serde(default)]
    pub tariff_percent: f64,
    /// Tariff set when raising tariffs unilaterally, percent (default: the trade table's).
    pub unilateral_tariff_percent: Option<f64>,
    /// Whether the state makes choices (false: an accounting aggregate).
    #[serde(default = "yes")]
    pub acts: bool,
    /// The state's own learning rates and reciprocity belief (default: `[model]`'s).
    pub affinity_learning: Option<f64>,
    pub affinity_drift: Option<f64>,
    pub norm_learning: Option<f64>,
    pub reciprocity: Option<Reciprocity>,
}

/// `[dependence.I.J]`: shares in [0, 1].
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DependenceSpec {
    #[serde(default)]
    pub transit: f64,
    #[serde(default)]
    pub security: f64,
    #[serde(default)]
    pub investment: f64,
}

fn default_elasticity() -> f64 {
    5.0
}

fn default_unilateral() -> f64 {
    20.0
}

/// `[trade]`: the trade equilibrium's data and settings.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TradeSpec {
    /// CSV of bilateral exports (exporter,importer,value_musd), relative to the scenario.
    pub flows: String,
    #[serde(default = "default_elasticity")]
    pub elasticity: f64,
    #[serde(default = "default_deficits")]
    pub deficits: crate::trade::Deficits,
    pub baseline_year: i32,
    #[serde(default = "default_unilateral")]
    pub unilateral_tariff_percent: f64,
    /// The policies in force in the data year where the run decides them.
    #[serde(default)]
    pub history: HistorySpec,
}

/// `[trade.history]`: what was in force in the data year among the things a
/// run decides (memberships by accession or choice, negotiated bounds,
/// stances, sanctions stances), so that the data year's economy is the
/// calibration point.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HistorySpec {
    /// Institution → its members in the data year beyond `members`/`joined`.
    #[serde(default)]
    pub members: IndexMap<String, Vec<String>>,
    /// Trade regime → state → the bound it had negotiated, percent.
    #[serde(default)]
    pub bound_percent: IndexMap<String, IndexMap<String, f64>>,
    /// State → its tariff stance in the data year.
    #[serde(default)]
    pub stances: IndexMap<String, crate::policy::Stance>,
    /// Sanctions regime (by name) → state → its stance in the data year.
    #[serde(default)]
    pub sanctions: IndexMap<String, IndexMap<String, crate::policy::SanctionStance>>,
}

fn default_deficits() -> crate::trade::Deficits {
    crate::trade::Deficits::Fixed
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InstitutionSpec {
    pub kind: InstitutionKind,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
    /// States joining later, exogenously, in the given year.
    #[serde(default)]
    pub joined: IndexMap<String, i32>,
    pub founded: Option<i32>,
    pub leader: Option<String>,
    // Trade regime.
    #[serde(default)]
    pub applicants: IndexMap<String, i32>,
    #[serde(default)]
    pub bound_percent: IndexMap<String, RateSpec>,
    pub monitoring: Option<f64>,
    /// Trade costs between two members are this factor times those outside.
    pub member_cost_factor: Option<f64>,
    /// Legal cost of requesting consultations, US$ million.
    pub filing_cost_musd: Option<f64>,
    /// Further legal cost of a panel, US$ million.
    pub panel_cost_musd: Option<f64>,
    #[serde(default, deserialize_with = "whole::years")]
    pub appeal_years: Option<i32>,
    /// Year from which an appeal stalls a case for ever.
    pub appeal_stall_from: Option<i32>,
    /// Cap on an authorised retaliation tariff, percent.
    pub max_retaliation_percent: Option<f64>,
    pub veto_cost_percent: Option<f64>,
    #[serde(default, deserialize_with = "whole::years")]
    pub consultation_years: Option<i32>,
    #[serde(default, deserialize_with = "whole::years")]
    pub panel_years: Option<i32>,
    pub challenge_prior: Option<Vec<f64>>,
    pub accession: Option<AccessionSpec>,
    // Customs union.
    #[serde(default)]
    pub cet_percent: IndexMap<String, f64>,
    pub decision: Option<DecisionRule>,
    #[serde(default)]
    pub votes: IndexMap<String, f64>,
    pub coercion_cost_percent: Option<f64>,
    pub coercion_prior: Option<Vec<f64>>,
    /// Size of the CET change the leader may propose in a year, percentage points.
    pub cet_step_percent: Option<f64>,
    #[serde(default)]
    pub measures: Vec<MeasureSpec>,
    /// `economic` (default) or `political` (economic, political and security).
    pub scope: Option<String>,
    /// For a union formed by a proposal: how its CET is set at founding.
    pub cet_rule: Option<crate::world::CetRule>,
    /// Supranational organs: any of `supranational`, `parliament`, `currency`.
    #[serde(default)]
    pub organs: Vec<String>,
    // Investment initiative.
    pub cost_cut: Option<f64>,
    #[serde(default, deserialize_with = "whole::years")]
    pub lag_years: Option<i32>,
    #[serde(default)]
    pub corridor: Vec<String>,
    pub dependence_per_year: Option<f64>,
    pub public_suspicion: Option<f64>,
    pub legitimacy_cost_percent: Option<f64>,
    pub offer_cost_percent: Option<f64>,
    /// States the sponsor invites (default: every state).
    #[serde(default)]
    pub invited: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessionSpec {
    /// Share of an applicant's imports a member must supply to negotiate, percent.
    pub principal_supplier_percent: Option<f64>,
    /// Non-tariff issues members raise.
    #[serde(default)]
    pub issues: Vec<IssueSpec>,
}

/// `[[institutions.<CODE>.accession.issues]]`: a non-tariff issue of
/// accession talks.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IssueSpec {
    pub name: String,
    /// Members that raise it.
    pub members: Vec<String>,
    /// Yearly cost to the applicant once it is a member, percent of its spending.
    pub reform_cost_percent: f64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureSpec {
    pub name: String,
    pub target: String,
    pub duty_percent: f64,
    pub coverage: f64,
    pub from: i32,
    pub until: Option<i32>,
    #[serde(default)]
    pub wto_consistent: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GameKind {
    Matrix,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PayoffSpec {
    #[serde(rename = "R")]
    pub r: f64,
    #[serde(rename = "S")]
    pub s: f64,
    #[serde(rename = "T")]
    pub t: f64,
    #[serde(rename = "P")]
    pub p: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GameSpec {
    pub kind: GameKind,
    pub payoffs: PayoffSpec,
    pub pairs: PairsSpec,
    #[serde(default)]
    pub noise: f64,
    #[serde(default = "one")]
    pub continuation: f64,
    pub forgiveness: Option<f64>,
    pub institution: Option<String>,
    pub from: Option<i32>,
    pub until: Option<i32>,
    #[serde(default)]
    pub strategies: IndexMap<String, Strategy>,
}

/// `pairs = "all"` or `pairs = [["A", "B"], ...]`.
///
/// Each pair is read as a list and its length checked in resolution: toml's
/// deserialiser reads `[String; 2]` from a longer array and silently drops the
/// rest, so `["A", "B", "C"]` would pass as `["A", "B"]`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PairsSpec {
    All(String),
    List(Vec<Vec<String>>),
}

impl<'de> Deserialize<'de> for PairsSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PairsSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"all\" or a list of pairs of state codes like [[\"A\", \"B\"]]")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<PairsSpec, E> {
                Ok(PairsSpec::All(s.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PairsSpec, A::Error> {
                let mut pairs = Vec::new();
                while let Some(p) = seq.next_element::<Vec<String>>()? {
                    pairs.push(p);
                }
                Ok(PairsSpec::List(pairs))
            }
        }
        d.deserialize_any(V)
    }
}

/// A rate in percent: one number, or a step schedule by year
/// (`{ 2012 = 10.0, 2020 = 7.8 }`: each rate from its year until the next).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum RateSpec {
    Fixed(f64),
    ByYear(IndexMap<String, f64>),
}

impl<'de> Deserialize<'de> for RateSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RateSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a rate in percent, or rates by year like { 2012 = 10.0, 2020 = 7.8 }")
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<RateSpec, E> {
                Ok(RateSpec::Fixed(x))
            }
            fn visit_i64<E: de::Error>(self, x: i64) -> Result<RateSpec, E> {
                Ok(RateSpec::Fixed(x as f64))
            }
            fn visit_u64<E: de::Error>(self, x: u64) -> Result<RateSpec, E> {
                Ok(RateSpec::Fixed(x as f64))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<RateSpec, A::Error> {
                let mut out = IndexMap::new();
                while let Some((k, v)) = map.next_entry::<String, f64>()? {
                    out.insert(k, v);
                }
                Ok(RateSpec::ByYear(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// What a profile starts from before its own assignments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileBase {
    Scenario,
    Neorealist,
    Neoliberal,
    Constructivist,
}

fn scenario_base() -> ProfileBase {
    ProfileBase::Scenario
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    #[serde(default)]
    pub description: String,
    #[serde(default = "scenario_base")]
    pub base: ProfileBase,
    #[serde(default)]
    pub doctrines: IndexMap<String, Doctrine>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKindSpec {
    MemberAtEnd,
    AccessionYear,
    ComplianceShare,
    Metric,
    Event,
}

/// One `[[expect]]` entry; which fields apply depends on `fact`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FactSpec {
    pub fact: FactKindSpec,
    pub id: Option<String>,
    /// `evidence` (the default) or `calibration`: a fact whose number was used
    /// to set a parameter is reported but never counts as evidence.
    #[serde(default)]
    pub role: FactRole,
    #[serde(default)]
    pub description: String,
    pub state: Option<String>,
    pub institution: Option<String>,
    pub metric: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub member: Option<bool>,
    pub event: Option<String>,
    pub target: Option<String>,
    /// For `event` facts: the event's detail must begin with this text (its
    /// cause, e.g. `measure steel_pipes`).
    pub detail: Option<String>,
    pub by: Option<i32>,
    pub occurs: Option<bool>,
}

/// What a `[[target]]` measures over a parameter set's runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatisticSpec {
    Mean,
    Share,
    Quantile,
    Fact,
}

/// One `[[target]]` entry; which fields apply depends on `statistic`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub id: String,
    #[serde(default)]
    pub description: String,
    /// The pattern the target belongs to (e.g. "P1"), for held-out checks.
    #[serde(default)]
    pub pattern: String,
    pub statistic: TargetStatisticSpec,
    pub state: Option<String>,
    pub metric: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub q: Option<f64>,
    /// For `mean` and `quantile`: the value a run counts with where the
    /// metric is undefined (else such runs are left out).
    pub undefined: Option<f64>,
    /// For `fact`: the id of an `[[expect]]` fact.
    pub fact: Option<String>,
    pub observed: f64,
    pub scale: f64,
    pub source: String,
    #[serde(default)]
    pub held_out: bool,
}

/// Whole numbers whose type errors state the field's own range. serde's say
/// only what the Rust type holds (`expected u64`), which for `runs` reads as
/// "a whole number >= 0" though the least valid value is 1. The range itself is
/// checked where the value is used, as for every other number.
mod whole {
    use serde::de::{self, Deserializer, Unexpected, Visitor};
    use std::fmt;
    use std::marker::PhantomData;

    struct Whole<T> {
        expecting: &'static str,
        target: PhantomData<T>,
    }

    impl<'de, T: TryFrom<i64> + TryFrom<u64>> Visitor<'de> for Whole<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_i64<E: de::Error>(self, x: i64) -> Result<T, E> {
            T::try_from(x).map_err(|_| E::invalid_value(Unexpected::Signed(x), &self))
        }

        fn visit_u64<E: de::Error>(self, x: u64) -> Result<T, E> {
            T::try_from(x).map_err(|_| E::invalid_value(Unexpected::Unsigned(x), &self))
        }
    }

    fn read<'de, D, T>(d: D, expecting: &'static str) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: TryFrom<i64> + TryFrom<u64>,
    {
        d.deserialize_any(Whole {
            expecting,
            target: PhantomData,
        })
    }

    pub(super) fn runs<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        read(d, "a whole number >= 1")
    }

    pub(super) fn points<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        read(d, "a whole number of points, 1 to 1000000").map(Some)
    }

    /// Durations (procedures, lags), as the resolver checks them.
    pub(super) fn years<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        read(d, "a whole number of years in [0, 50]").map(Some)
    }
}
