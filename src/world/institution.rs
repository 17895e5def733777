//! Institutions as a scenario defines them (plain data): kinds, members,
//! founding and leader, and the rules each kind carries — a trade regime's
//! bound tariffs, accession and dispute settings; a customs union's common
//! external tariff, decision rule, votes and common measures; an investment
//! initiative's corridors. What the rules *do* during a run lives in
//! [`crate::policy`] (policies to tariffs) and [`crate::game`] (the choices).

use serde::{Deserialize, Serialize};

/// Kinds of institution (docs/model.md §2).
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
    /// Members from the start (or from founding).
    pub members: Vec<usize>,
    /// States that join later, exogenously: (state, year).
    pub joined: Vec<(usize, i32)>,
    /// First year in force (None: from the start).
    pub founded: Option<i32>,
    pub leader: Option<usize>,
    pub rules: Rules,
}

impl Institution {
    pub fn in_force(&self, year: i32) -> bool {
        self.founded.is_none_or(|f| year >= f)
    }

    pub fn regime(&self) -> Option<&RegimeRules> {
        match &self.rules {
            Rules::TradeRegime(r) => Some(r),
            _ => None,
        }
    }

    pub fn union(&self) -> Option<&UnionRules> {
        match &self.rules {
            Rules::CustomsUnion(u) => Some(u),
            _ => None,
        }
    }

    pub fn initiative(&self) -> Option<&InitiativeRules> {
        match &self.rules {
            Rules::InvestmentInitiative(i) => Some(i),
            _ => None,
        }
    }
}

/// Mechanics of an institution, by kind.
#[derive(Clone, Debug, Serialize)]
pub enum Rules {
    /// Declared only (investment initiatives and alliances in this version).
    Declared,
    TradeRegime(RegimeRules),
    CustomsUnion(UnionRules),
    InvestmentInitiative(InitiativeRules),
}

/// An investment initiative (the Belt and Road): a sponsor (the institution's
/// leader) cuts trade costs on participants' corridors after a lag; taking part
/// builds investment dependence on the sponsor and, with public suspicion,
/// weighs on the participant's view of it.
#[derive(Clone, Debug, Serialize)]
pub struct InitiativeRules {
    /// Iceberg trade-cost factor d̂ on a participant's corridor pairs.
    pub cost_cut: f64,
    pub lag_years: i32,
    /// Partners whose trade with a participant gets cheaper (both directions).
    pub corridor: Vec<usize>,
    /// States that may take part (the sponsor's invitation).
    pub invited: Vec<usize>,
    /// Investment dependence on the sponsor added per year of deep
    /// participation (scaled by the intensity).
    pub dependence_per_year: f64,
    /// Signal to a participant's affinity toward the sponsor each year:
    /// 1 − 2·public_suspicion; and the weight of its domestic legitimacy cost.
    pub public_suspicion: f64,
    /// Yearly legitimacy cost of deep participation at full public
    /// suspicion, percent of spending: the cost is this × suspicion × intensity.
    pub legitimacy_cost: f64,
    /// Yearly cost to the sponsor of financing deep participation, percent of
    /// the participant's GDP (the concessional part of its lending).
    pub offer_cost: f64,
    /// Rise in the costs of a coerced participant's trade with the sponsor
    /// per unit of its investment dependence (fraction).
    pub coercion_cost: f64,
    /// Beta prior (coerced, not coerced) that the sponsor coerces a
    /// participant that scales down or leaves.
    pub coercion_prior: [f64; 2],
}

/// A trade regime (the WTO): bound tariffs, accession, dispute settlement.
#[derive(Clone, Debug, Serialize)]
pub struct RegimeRules {
    /// (applicant, year of application).
    pub applicants: Vec<(usize, i32)>,
    /// Bound tariff schedule of each state as a member: (from year, fraction)
    /// steps; None: its own tariff. A bound negotiated by accession replaces it.
    pub bound: Vec<Option<Vec<(i32, f64)>>>,
    /// Probability that a violation is detected in a year.
    pub monitoring: f64,
    /// Trade costs between two members, both ways, are this factor times
    /// those outside: the certainty of bound tariffs (1: no effect).
    pub member_cost_factor: f64,
    /// Legal cost of requesting consultations, US$ million.
    pub filing_cost_musd: f64,
    /// Further legal cost of a panel (and an appeal), US$ million.
    pub panel_cost_musd: f64,
    /// Years an appeal takes while the appellate body can sit.
    pub appeal_years: i32,
    /// From this year an appeal stalls a case for ever (the appellate body
    /// cannot sit: a timeline event); None: appeals always conclude.
    pub appeal_stall_from: Option<i32>,
    /// Cap on an authorised retaliation tariff (fraction).
    pub max_retaliation: f64,
    /// Cost to a member of blocking a consensus (a veto), percent of its real
    /// spending: the diplomatic price of standing alone.
    pub veto_cost: f64,
    pub consultation_years: i32,
    pub panel_years: i32,
    /// Beta prior (challenged, unchallenged).
    pub challenge_prior: [f64; 2],
    /// Share of an applicant's imports a member must supply to negotiate a
    /// bilateral deal (fraction): the principal-supplier test.
    pub principal_supplier: f64,
    /// Non-tariff issues members raise in accession talks.
    pub issues: Vec<AccessionIssue>,
}

/// A named non-tariff issue of accession talks (services, state aid,
/// sanitary rules…): a reform the applicant must make, at a yearly cost.
#[derive(Clone, Debug, Serialize)]
pub struct AccessionIssue {
    pub name: String,
    /// Members that raise it.
    pub members: Vec<usize>,
    /// Yearly cost to the applicant once a member, percent of its spending.
    pub reform_cost: f64,
}

/// The rate of a step schedule in force in `year`: the latest step at or
/// before it, or the first step before the schedule starts.
pub fn step_rate(steps: &[(i32, f64)], year: i32) -> Option<f64> {
    steps
        .iter()
        .rev()
        .find(|(y, _)| *y <= year)
        .or(steps.first())
        .map(|s| s.1)
}

/// A customs union: common external tariff, internal free trade, common
/// trade remedies, a leader who may coerce.
#[derive(Clone, Debug, Serialize)]
pub struct UnionRules {
    /// CET step schedule: (from year, rate as a fraction), sorted by year.
    pub cet: Vec<(i32, f64)>,
    pub decision: DecisionRule,
    /// Vote weight of each state (weighted rule).
    pub votes: Vec<f64>,
    /// Rise in trade costs on a coerced member's exports that transit the leader (fraction).
    pub coercion_cost: f64,
    /// Beta prior (coerced, not coerced).
    pub coercion_prior: [f64; 2],
    pub measures: Vec<Measure>,
    /// Size of a change to the CET the leader may propose in a year (fraction;
    /// 0: the CET follows its schedule).
    pub cet_step: f64,
    /// What the union is: its scope and its supranational organs.
    pub charter: Charter,
    /// For a union formed by a proposal during the run (no members at the
    /// start): how its CET is set when it is founded.
    pub cet_rule: Option<CetRule>,
}

/// How the CET of a union formed by a proposal is set at its founding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CetRule {
    /// The own tariff of the founding member with the largest GDP (the
    /// Customs Union's CET was largely Russia's tariff: World Bank 2012).
    Largest,
    /// The GDP-weighted mean of the founding members' own tariffs.
    Mean,
}

/// An institution's scope and depth (docs/model.md §7.7, §7.18; Bakumbayev
/// 2025 on the Eurasian Union project's "all in one" against "core only").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Charter {
    /// Economic only, or political and security too.
    pub political: bool,
    /// A supranational executive (the Eurasian Economic Commission).
    pub supranational: bool,
    /// A common parliament.
    pub parliament: bool,
    /// A common currency.
    pub currency: bool,
}

impl Charter {
    /// Depth in [¼, 1]: an intergovernmental body is ¼, each supranational
    /// organ adds ¼.
    pub fn depth(&self) -> f64 {
        (1 + u8::from(self.supranational) + u8::from(self.parliament) + u8::from(self.currency))
            as f64
            / 4.0
    }

    /// Scope: 1 economic, 2 economic and political.
    pub fn scope(&self) -> f64 {
        if self.political { 2.0 } else { 1.0 }
    }
}

impl UnionRules {
    /// The CET in force in `year`: the latest step at or before it (the first
    /// step before that).
    pub fn cet(&self, year: i32) -> f64 {
        step_rate(&self.cet, year).unwrap_or(0.0)
    }
}

/// A common trade-remedy measure (e.g. an anti-dumping duty).
#[derive(Clone, Debug, Serialize)]
pub struct Measure {
    pub name: String,
    pub target: usize,
    /// Duty as a fraction.
    pub duty: f64,
    /// Share of the target's exports to the union covered.
    pub coverage: f64,
    pub from: i32,
    pub until: i32,
    pub wto_consistent: bool,
}

impl Measure {
    /// The year its union votes on it: its first year, or the union's
    /// founding if that comes later.
    pub fn vote_year(&self, founded: Option<i32>) -> i32 {
        founded.map_or(self.from, |f| self.from.max(f))
    }

    /// Ad valorem equivalent on all of the target's goods in a one-sector model.
    pub fn tariff_equivalent(&self) -> f64 {
        self.duty * self.coverage
    }
}

/// How a customs union decides on common measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionRule {
    Weighted,
    Consensus,
}
