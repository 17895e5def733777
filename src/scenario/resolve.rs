//! Checking a parsed scenario for meaning and resolving it to a [`World`].
//!
//! Every check names the dotted field and says what would be valid; the caller
//! turns the field into a line and column.

use super::format::{
    DecisionRule, FactKindSpec, FactSpec, GameSpec, InstitutionSpec, PairsSpec, ProfileBase,
    RateSpec, ScenarioFile,
};
use super::{FieldPath, Located, ScenarioError};
use crate::doctrine::params::Range;
use crate::doctrine::{Doctrine, ParamOverrides, Params};
use crate::game::matrix::{MatrixGame, Payoffs, Player};
use crate::institution::Policy;
use crate::outcome::{Catalogue, EventKind};
use crate::retrodiction::{EventFact, Fact, FactDef};
use crate::trade::{Baseline, Solver};
use crate::world::{
    self, InitiativeRules, Institution, InstitutionKind, Matrix, Measure, ModelSettings, Profile,
    RegimeRules, Rules, RunDefaults, Sanction, State, TradeModel, UnionRules, World,
};
use std::path::Path;

type Result<T> = std::result::Result<T, ScenarioError>;

/// Names of the built-in doctrine profiles, which scenario profiles may not reuse.
pub const BUILT_IN_PROFILES: &[&str] = &["scenario", "neorealist", "neoliberal", "constructivist"];

/// Longest timeline accepted, in rounds (years).
const MAX_ROUNDS: i32 = 1000;

struct Resolver<'a, 'r> {
    at: &'a Located<'r>,
    codes: Vec<String>,
    institutions: Vec<String>,
}

fn path(s: &str) -> FieldPath {
    FieldPath::parse(s)
}

fn is_code(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && s.len() <= 12
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl Resolver<'_, '_> {
    fn err<T>(&self, at: &FieldPath, message: impl Into<String>) -> Result<T> {
        Err(self.at.error(at, message))
    }

    /// An error about the name that ends `at`, written as a key (a state's
    /// code in `[affinity.CCC]`, a game's name): located at the key itself.
    fn err_key<T>(&self, at: &FieldPath, message: impl Into<String>) -> Result<T> {
        Err(self.at.key_error(at, message))
    }

    fn require(
        &self,
        ok: bool,
        at: &FieldPath,
        x: impl std::fmt::Display,
        valid: &str,
    ) -> Result<()> {
        if ok {
            Ok(())
        } else {
            self.err(at, format!("must be {valid}, got {x}"))
        }
    }

    /// Like [`Self::require`], for a name written as a key.
    /// `at.name` must not be blank.
    fn require_name(&self, at: &FieldPath, name: &str) -> Result<()> {
        self.require(
            !name.trim().is_empty(),
            &at.key("name"),
            "an empty name",
            "a non-empty name",
        )
    }

    fn require_key(&self, ok: bool, at: &FieldPath, name: &str, valid: &str) -> Result<()> {
        if ok {
            Ok(())
        } else {
            self.err_key(at, format!("must be {valid}, got `{name}`"))
        }
    }

    fn find_state(&self, code: &str) -> std::result::Result<usize, String> {
        self.codes
            .iter()
            .position(|c| c == code)
            .ok_or_else(|| super::error::unknown_state(code, &self.codes))
    }

    /// A state named by a value, e.g. `neighbours = ["KAZ"]`.
    fn state(&self, at: &FieldPath, code: &str) -> Result<usize> {
        self.find_state(code).map_err(|m| self.at.error(at, m))
    }

    /// A state named by a key, e.g. `[affinity.KAZ]`.
    fn state_key(&self, at: &FieldPath, code: &str) -> Result<usize> {
        self.find_state(code).map_err(|m| self.at.key_error(at, m))
    }

    fn find_institution(&self, code: &str) -> std::result::Result<usize, String> {
        self.institutions
            .iter()
            .position(|c| c == code)
            .ok_or_else(|| {
                let known = if self.institutions.is_empty() {
                    "none are declared".into()
                } else {
                    self.institutions.join(", ")
                };
                format!("unknown institution `{code}`; the scenario's institutions: {known}")
            })
    }

    fn institution(&self, at: &FieldPath, code: &str) -> Result<usize> {
        self.find_institution(code)
            .map_err(|m| self.at.error(at, m))
    }

    fn check_params(&self, at: &FieldPath, o: &ParamOverrides) -> Result<()> {
        for (name, x, range) in o.numbers() {
            self.require(range.admits(x), &at.key(name), x, range.describe())?;
        }
        Ok(())
    }

    /// A list of distinct state codes.
    fn state_list(&self, at: &FieldPath, codes: &[String]) -> Result<Vec<usize>> {
        let mut out = Vec::with_capacity(codes.len());
        for (k, code) in codes.iter().enumerate() {
            let s = self.state(&at.index(k), code)?;
            if out.contains(&s) {
                return self.err(&at.index(k), format!("`{code}` is listed twice"));
            }
            out.push(s);
        }
        Ok(out)
    }
}

pub(super) fn resolve(spec: &ScenarioFile, at: &Located<'_>, dir: &Path) -> Result<World> {
    let r = Resolver {
        at,
        codes: spec.states.keys().cloned().collect(),
        institutions: spec.institutions.keys().cloned().collect(),
    };

    let meta = &spec.scenario;
    r.require(
        is_name(&meta.name),
        &path("scenario.name"),
        format!("`{}`", meta.name),
        "a lower-case name of letters, digits, `_` or `-` (it names the results folder)",
    )?;
    let tl = &spec.timeline;
    r.require(
        tl.end >= tl.start,
        &path("timeline.end"),
        tl.end,
        &format!("a year >= timeline.start ({})", tl.start),
    )?;
    r.require(
        i64::from(tl.end) - i64::from(tl.start) < i64::from(MAX_ROUNDS),
        &path("timeline.end"),
        tl.end,
        &format!("at most {MAX_ROUNDS} years after timeline.start"),
    )?;
    r.require(
        spec.run.runs >= 1,
        &path("run.runs"),
        spec.run.runs,
        "at least 1",
    )?;
    let dp = spec.model.distant_proximity;
    r.require(
        Range::Unit.admits(dp),
        &path("model.distant_proximity"),
        dp,
        Range::Unit.describe(),
    )?;

    for d in Doctrine::ALL {
        r.check_params(&path("doctrines").key(d.as_str()), spec.doctrines.get(d))?;
    }

    // States.
    if spec.states.is_empty() {
        return r.err(
            &path("states"),
            "a scenario needs at least one state, e.g. [states.KAZ]",
        );
    }
    let mut states = Vec::with_capacity(spec.states.len());
    for (code, s) in &spec.states {
        let at = path("states").key(code);
        r.require_key(
            is_code(code),
            &at,
            code,
            "an upper-case code of up to 12 letters, digits or `_` (e.g. KAZ, EU27)",
        )?;
        // `ALL` names the region in outputs; a state with that code would be
        // indistinguishable from it.
        if code == "ALL" {
            return r.err_key(
                &at,
                "`ALL` is reserved for region-level metrics; pick another code",
            );
        }
        r.require_name(&at, &s.name)?;
        r.require(
            s.gdp_musd.is_finite() && s.gdp_musd > 0.0,
            &at.key("gdp_musd"),
            s.gdp_musd,
            "a positive number (GDP, US$ million)",
        )?;
        r.require(
            s.military_musd.is_finite() && s.military_musd >= 0.0,
            &at.key("military_musd"),
            s.military_musd,
            "a number >= 0 (military expenditure, US$ million)",
        )?;
        r.check_params(&at.key("params"), &s.params)?;
        let percent = "a tariff in percent, between 0 and 1000";
        let tariff_ok = |x: f64| x.is_finite() && (0.0..=1000.0).contains(&x);
        r.require(
            tariff_ok(s.tariff_percent),
            &at.key("tariff_percent"),
            s.tariff_percent,
            percent,
        )?;
        let unilateral = s
            .unilateral_tariff_percent
            .or(spec.trade.as_ref().map(|t| t.unilateral_tariff_percent))
            .unwrap_or(s.tariff_percent);
        r.require(
            tariff_ok(unilateral),
            &at.key("unilateral_tariff_percent"),
            unilateral,
            percent,
        )?;
        let params = Doctrine::ALL.map(|d| {
            let mut p = Params::default();
            spec.doctrines.get(d).apply(&mut p);
            s.params.apply(&mut p);
            p
        });
        states.push(State {
            code: code.clone(),
            name: s.name.clone(),
            gdp_musd: s.gdp_musd,
            military_musd: s.military_musd,
            great_power: s.great_power,
            neighbours: Vec::new(),
            doctrine: s.doctrine,
            overrides: s.params.clone(),
            params,
            tariff: s.tariff_percent / 100.0,
            unilateral_tariff: unilateral / 100.0,
        });
    }
    for (i, s) in spec.states.values().enumerate() {
        let at = path("states").key(&r.codes[i]).key("neighbours");
        for j in r.state_list(&at, &s.neighbours)? {
            if j == i {
                return r.err(&at, format!("`{}` cannot neighbour itself", r.codes[i]));
            }
            // Borders are symmetric: listing a neighbour on either side suffices.
            for (a, b) in [(i, j), (j, i)] {
                if !states[a].neighbours.contains(&b) {
                    states[a].neighbours.push(b);
                }
            }
        }
    }
    let n = states.len();

    // Institutions.
    let mut institutions = Vec::new();
    for (code, inst) in &spec.institutions {
        let at = path("institutions").key(code);
        r.require_key(
            is_code(code),
            &at,
            code,
            "an upper-case code of up to 12 letters, digits or `_` (e.g. WTO, EAEU)",
        )?;
        if r.codes.contains(code) {
            return r.err_key(
                &at,
                format!("`{code}` is already a state's code; institutions need their own codes"),
            );
        }
        let members = r.state_list(&at.key("members"), &inst.members)?;
        let mut joined = Vec::new();
        for (code, &year) in &inst.joined {
            let s = r.state_key(&at.key("joined").key(code), code)?;
            if members.contains(&s) {
                return r.err_key(
                    &at.key("joined").key(code),
                    format!("`{code}` is already listed in `members`"),
                );
            }
            r.require(
                (tl.start..=tl.end).contains(&year),
                &at.key("joined").key(code),
                year,
                &within(tl.start, tl.end),
            )?;
            joined.push((s, year));
        }
        let leader = match &inst.leader {
            Some(l) => {
                let s = r.state(&at.key("leader"), l)?;
                if !members.contains(&s) {
                    return r.err(
                        &at.key("leader"),
                        format!(
                            "the leader `{l}` must be one of the members ({})",
                            inst.members.join(", ")
                        ),
                    );
                }
                Some(s)
            }
            None => None,
        };
        let rules = resolve_rules(&r, &at, inst, n, &states, &members, (tl.start, tl.end))?;
        institutions.push(Institution {
            code: code.clone(),
            name: if inst.name.is_empty() {
                code.clone()
            } else {
                inst.name.clone()
            },
            kind: inst.kind,
            members,
            joined,
            founded: inst.founded,
            leader,
            rules,
        });
    }
    // A state in two customs unions at once would face two CETs.
    for s in 0..n {
        let unions: Vec<&str> = institutions
            .iter()
            .filter(|i| {
                i.union().is_some() && (i.members.contains(&s) || i.joined.iter().any(|j| j.0 == s))
            })
            .map(|i| i.code.as_str())
            .collect();
        if unions.len() > 1 {
            return r.err(
                &path("institutions").key(unions[1]),
                format!(
                    "`{}` belongs to two customs unions ({}); a state can apply only one CET",
                    r.codes[s],
                    unions.join(", ")
                ),
            );
        }
    }

    // Dependences.
    let mut dependence = [
        Matrix::new(n, n, 0.0),
        Matrix::new(n, n, 0.0),
        Matrix::new(n, n, 0.0),
    ];
    for (from, row) in &spec.dependence {
        let i = r.state_key(&path("dependence").key(from), from)?;
        for (to, d) in row {
            let at = path("dependence").key(from).key(to);
            let j = r.state_key(&at, to)?;
            if i == j {
                return r.err_key(&at, "a state cannot depend on itself");
            }
            for (k, (key, x)) in [
                ("transit", d.transit),
                ("security", d.security),
                ("investment", d.investment),
            ]
            .into_iter()
            .enumerate()
            {
                r.require(Range::Unit.admits(x), &at.key(key), x, "a share in [0, 1]")?;
                dependence[k].set(i, j, x);
            }
        }
    }

    // Affinities and norms.
    let mut affinity = Matrix::new(n, n, 0.0);
    for (from, row) in &spec.affinity {
        let i = r.state_key(&path("affinity").key(from), from)?;
        for (to, &a) in row {
            let at = path("affinity").key(from).key(to);
            let j = r.state_key(&at, to)?;
            if i == j {
                return r.err_key(&at, "a state's affinity toward itself is not a parameter");
            }
            r.require(
                (-1.0..=1.0).contains(&a),
                &at,
                a,
                "an affinity in [-1, 1] (-1 enemy, 0 neutral, 1 friend)",
            )?;
            affinity.set(i, j, a);
        }
    }
    let mut norms = Matrix::new(n, institutions.len(), 0.0);
    for (code, row) in &spec.norms {
        let s = r.state_key(&path("norms").key(code), code)?;
        for (inst, &x) in row {
            let at = path("norms").key(code).key(inst);
            let k = r
                .find_institution(inst)
                .map_err(|m| r.at.key_error(&at, m))?;
            r.require(
                Range::Unit.admits(x),
                &at,
                x,
                "an internalised norm in [0, 1]",
            )?;
            norms.set(s, k, x);
        }
    }

    // Games.
    let mut games = Vec::new();
    for (name, g) in &spec.games {
        games.push(resolve_game(&r, name, g, spec, n)?);
    }

    // Profiles.
    let mut profiles = Vec::new();
    for (name, p) in &spec.profiles {
        let at = path("profiles").key(name);
        r.require_key(
            is_name(name),
            &at,
            name,
            "a lower-case name of letters, digits, `_` or `-`",
        )?;
        if BUILT_IN_PROFILES.contains(&name.as_str()) {
            return r.err_key(
                &at,
                format!("`{name}` is a built-in profile; choose another name"),
            );
        }
        let mut doctrines: Vec<Doctrine> = match p.base {
            ProfileBase::Scenario => states.iter().map(|s| s.doctrine).collect(),
            ProfileBase::Neorealist => vec![Doctrine::Neorealist; n],
            ProfileBase::Neoliberal => vec![Doctrine::Neoliberal; n],
            ProfileBase::Constructivist => vec![Doctrine::Constructivist; n],
        };
        for (code, &d) in &p.doctrines {
            doctrines[r.state_key(&at.key("doctrines").key(code), code)?] = d;
        }
        profiles.push(Profile {
            name: name.clone(),
            doctrines,
        });
    }

    let threat = world::threat_weights(&states, dp);
    let mut world = World {
        name: meta.name.clone(),
        title: meta.title.clone(),
        description: meta.description.clone(),
        start: tl.start,
        end: tl.end,
        states,
        affinity,
        threat,
        norms,
        dependence,
        trade: None,
        institutions,
        games,
        facts: Vec::new(),
        profiles,
        model: ModelSettings {
            distant_proximity: dp,
            bandwagon_ratio: spec.model.bandwagon_ratio,
        },
        run: RunDefaults {
            runs: spec.run.runs,
            seed: spec.run.seed,
        },
        sweep: None,
        sanctions: Vec::new(),
        blocs: Vec::new(),
        alignment: vec![None; n],
    };
    if let Some(t) = &spec.trade {
        world.trade = Some(resolve_trade(&r, t, &world, dir)?);
    }
    r.require(
        spec.model.bandwagon_ratio.is_finite() && spec.model.bandwagon_ratio >= 1.0,
        &path("model.bandwagon_ratio"),
        spec.model.bandwagon_ratio,
        "a capability ratio >= 1",
    )?;
    for (code, b) in &spec.blocs {
        let at = path("blocs").key(code);
        r.require_key(is_code(code), &at, code, "an upper-case code (e.g. WEST)")?;
        let index = world.blocs.len();
        for (k, m) in b.members.iter().enumerate() {
            let s = r.state(&at.key("members").index(k), m)?;
            if let Some(other) = world.alignment[s] {
                return r.err(
                    &at.key("members").index(k),
                    format!("`{m}` is already in bloc `{}`", world.blocs[other].code),
                );
            }
            world.alignment[s] = Some(index);
        }
        world.blocs.push(crate::world::Bloc {
            code: code.clone(),
            name: if b.name.is_empty() {
                code.clone()
            } else {
                b.name.clone()
            },
        });
    }
    for (k, s) in spec.sanctions.iter().enumerate() {
        let at = path("sanctions").index(k);
        r.require_name(&at, &s.name)?;
        if spec.sanctions[..k].iter().any(|o| o.name == s.name) {
            return r.err(
                &at.key("name"),
                format!(
                    "`{}` names an earlier [[sanctions]] entry; names must be distinct",
                    s.name
                ),
            );
        }
        let senders = r.state_list(&at.key("senders"), &s.senders)?;
        if senders.is_empty() {
            return r.err(&at.key("senders"), "sanctions need at least one sender");
        }
        let target = r.state(&at.key("target"), &s.target)?;
        if senders.contains(&target) {
            return r.err(
                &at.key("target"),
                format!("`{}` cannot sanction itself", s.target),
            );
        }
        r.require(
            (tl.start..=tl.end).contains(&s.from),
            &at.key("from"),
            s.from,
            &within(tl.start, tl.end),
        )?;
        let until = s.until.unwrap_or(tl.end);
        r.require(
            until >= s.from,
            &at.key("until"),
            until,
            "a year not before `from`",
        )?;
        r.require(
            s.cost_increase.is_finite() && s.cost_increase >= 0.0,
            &at.key("cost_increase"),
            s.cost_increase,
            "a number >= 0 (0.25 = trade costs up 25%)",
        )?;
        r.require(
            (0.0..=1.0).contains(&s.secondary_risk),
            &at.key("secondary_risk"),
            s.secondary_risk,
            "a probability in [0, 1]",
        )?;
        r.require(
            s.contagion_percent.is_finite() && s.contagion_percent >= 0.0,
            &at.key("contagion_percent"),
            s.contagion_percent,
            "a number >= 0",
        )?;
        if let Some(y) = s.counter_response_year {
            r.require(
                (s.from..=until).contains(&y),
                &at.key("counter_response_year"),
                y,
                "a year while the sanctions are in force",
            )?;
        }
        world.sanctions.push(Sanction {
            name: s.name.clone(),
            senders,
            target,
            from: s.from,
            until,
            cost_increase: s.cost_increase,
            secondary_risk: s.secondary_risk,
            contagion_percent: s.contagion_percent,
            counter_response_year: s.counter_response_year,
        });
    }
    if let Some(sweep) = &spec.sweep {
        for (k, d) in sweep.vary.iter().enumerate() {
            d.check()
                .map_err(|m| r.at.error(&path("sweep.vary").index(k), m))?;
        }
        if sweep.vary.is_empty() {
            return r.err(
                &path("sweep.vary"),
                "a sweep needs at least one [[sweep.vary]] entry (path, from, to, step)",
            );
        }
        world.sweep = Some(sweep.clone());
    }
    let catalogue = Catalogue::new(&world);
    for (k, f) in spec.expect.iter().enumerate() {
        let fact = resolve_fact(&r, &path("expect").index(k), f, &world, &catalogue)?;
        if world.facts.iter().any(|g| g.id == fact.id) {
            return r.err(
                &path("expect").index(k).key("id"),
                format!("the id `{}` is used by another fact", fact.id),
            );
        }
        world.facts.push(fact);
    }
    Ok(world)
}

/// A rate (percent) or a step schedule of rates by year, as fractions sorted by year.
fn rate_schedule(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    rate: &RateSpec,
    ok: fn(f64) -> bool,
) -> Result<Vec<(i32, f64)>> {
    let valid = "a tariff in percent, between 0 and 1000";
    match rate {
        RateSpec::Fixed(x) => {
            r.require(ok(*x), at, x, valid)?;
            Ok(vec![(i32::MIN, x / 100.0)])
        }
        RateSpec::ByYear(steps) => {
            let mut out = Vec::with_capacity(steps.len());
            for (year, &x) in steps {
                let a = at.key(year);
                let y: i32 = year.parse().map_err(|_| {
                    r.at.key_error(
                        &a,
                        format!("`{year}` is not a year; write e.g. 2010 = 10.6"),
                    )
                })?;
                r.require(ok(x), &a, x, valid)?;
                out.push((y, x / 100.0));
            }
            if out.is_empty() {
                return r.err(
                    at,
                    "an empty schedule; write a rate, or rates by year like { 2012 = 10.0 }",
                );
            }
            out.sort_by_key(|c| c.0);
            Ok(out)
        }
    }
}

fn within(start: i32, end: i32) -> String {
    format!("a year within the timeline ({start}–{end})")
}

/// Check the keys of an institution's kind and build its rules; keys that
/// belong to another kind are mistakes.
fn resolve_rules(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    inst: &InstitutionSpec,
    n: usize,
    states: &[State],
    members: &[usize],
    (start, end): (i32, i32),
) -> Result<Rules> {
    let regime_keys = [
        ("applicants", !inst.applicants.is_empty()),
        ("bound_percent", !inst.bound_percent.is_empty()),
        ("monitoring", inst.monitoring.is_some()),
        (
            "nonmember_premium_percent",
            inst.nonmember_premium_percent.is_some(),
        ),
        ("filing_cost_percent", inst.filing_cost_percent.is_some()),
        ("veto_cost_percent", inst.veto_cost_percent.is_some()),
        ("consultation_years", inst.consultation_years.is_some()),
        ("panel_years", inst.panel_years.is_some()),
        ("challenge_prior", inst.challenge_prior.is_some()),
        ("accession", inst.accession.is_some()),
    ];
    let union_keys = [
        ("cet_percent", !inst.cet_percent.is_empty()),
        ("decision", inst.decision.is_some()),
        ("votes", !inst.votes.is_empty()),
        (
            "coercion_cost_percent",
            inst.coercion_cost_percent.is_some(),
        ),
        ("coercion_prior", inst.coercion_prior.is_some()),
        ("measures", !inst.measures.is_empty()),
    ];
    let initiative_keys = [
        ("cost_cut", inst.cost_cut.is_some()),
        ("lag_years", inst.lag_years.is_some()),
        ("corridor", !inst.corridor.is_empty()),
        ("dependence_per_year", inst.dependence_per_year.is_some()),
        ("public_suspicion", inst.public_suspicion.is_some()),
        ("invited", !inst.invited.is_empty()),
    ];
    let misplaced = |keys: &[(&str, bool)], kind: &str| -> Result<()> {
        match keys.iter().find(|k| k.1) {
            Some((key, _)) => r.err(
                &at.key(key),
                format!(
                    "`{key}` belongs to a {kind}, but this institution is a {}",
                    inst.kind.as_str()
                ),
            ),
            None => Ok(()),
        }
    };
    let prior = |key: &str, p: &Option<Vec<f64>>| -> Result<[f64; 2]> {
        match p.as_deref() {
            None => Ok([1.0, 1.0]),
            Some(&[yes, no]) if [yes, no].iter().all(|x| x.is_finite() && *x > 0.0) => {
                Ok([yes, no])
            }
            Some(other) => r.err(
                &at.key(key),
                format!("must be two positive counts [yes, no], got {other:?}"),
            ),
        }
    };
    let fraction = |key: &str,
                    x: Option<f64>,
                    default: f64,
                    valid: &str,
                    ok: fn(f64) -> bool|
     -> Result<f64> {
        let x = x.unwrap_or(default);
        r.require(ok(x), &at.key(key), x, valid)?;
        Ok(x)
    };
    let percent_ok: fn(f64) -> bool = |x| x.is_finite() && (0.0..=1000.0).contains(&x);
    let years_ok: fn(f64) -> bool = |x| (0.0..=50.0).contains(&x);
    match inst.kind {
        InstitutionKind::TradeRegime => {
            misplaced(&union_keys, "customs union")?;
            misplaced(&initiative_keys, "investment initiative")?;
            let mut applicants = Vec::new();
            for (code, &year) in &inst.applicants {
                let a = at.key("applicants").key(code);
                let s = r.state_key(&a, code)?;
                if members.contains(&s) || inst.joined.contains_key(code) {
                    return r.err_key(
                        &a,
                        format!("`{code}` is already a member; applicants join only by accession"),
                    );
                }
                r.require((start..=end).contains(&year), &a, year, &within(start, end))?;
                applicants.push((s, year));
            }
            let mut bound = vec![None; n];
            for (code, rate) in &inst.bound_percent {
                let a = at.key("bound_percent").key(code);
                let s = r.state_key(&a, code)?;
                bound[s] = Some(rate_schedule(r, &a, rate, percent_ok)?);
            }
            let acc = inst.accession.as_ref();
            let offer = fraction(
                "accession.initial_offer_percent",
                acc.and_then(|a| a.initial_offer_percent),
                4.0,
                "a tariff in percent, between 0 and 1000",
                percent_ok,
            )?;
            let concession = fraction(
                "accession.concession_pp",
                acc.and_then(|a| a.concession_pp),
                0.5,
                "percentage points in (0, 100]",
                |x| x > 0.0 && x <= 100.0,
            )?;
            Ok(Rules::TradeRegime(RegimeRules {
                applicants,
                bound,
                monitoring: fraction(
                    "monitoring",
                    inst.monitoring,
                    0.5,
                    "a probability in [0, 1]",
                    |x| (0.0..=1.0).contains(&x),
                )?,
                nonmember_premium: fraction(
                    "nonmember_premium_percent",
                    inst.nonmember_premium_percent,
                    2.0,
                    "a tariff in percent, between 0 and 1000",
                    percent_ok,
                )? / 100.0,
                filing_cost: fraction(
                    "filing_cost_percent",
                    inst.filing_cost_percent,
                    0.01,
                    "a cost in percent of spending, between 0 and 100",
                    |x| (0.0..=100.0).contains(&x),
                )?,
                veto_cost: fraction(
                    "veto_cost_percent",
                    inst.veto_cost_percent,
                    0.05,
                    "a cost in percent of spending, between 0 and 100",
                    |x| (0.0..=100.0).contains(&x),
                )?,
                consultation_years: fraction(
                    "consultation_years",
                    inst.consultation_years.map(f64::from),
                    1.0,
                    "a number of years in [0, 50]",
                    years_ok,
                )? as i32,
                panel_years: fraction(
                    "panel_years",
                    inst.panel_years.map(f64::from),
                    2.0,
                    "a number of years in [0, 50]",
                    years_ok,
                )? as i32,
                challenge_prior: prior("challenge_prior", &inst.challenge_prior)?,
                initial_offer: offer / 100.0,
                concession: concession / 100.0,
            }))
        }
        InstitutionKind::CustomsUnion => {
            misplaced(&regime_keys, "trade regime")?;
            misplaced(&initiative_keys, "investment initiative")?;
            if inst.leader.is_none() {
                return r.err(at, "a customs union needs a `leader` (one of its members), who may coerce deviating members");
            }
            if inst.cet_percent.is_empty() {
                return r.err(at, "a customs union needs `cet_percent`, its common external tariff by year, e.g. { 2010 = 10.6 }");
            }
            let cet = rate_schedule(
                r,
                &at.key("cet_percent"),
                &RateSpec::ByYear(inst.cet_percent.clone()),
                percent_ok,
            )?;
            let decision = inst.decision.unwrap_or(DecisionRule::Consensus);
            let mut votes = vec![0.0; n];
            for (code, &w) in &inst.votes {
                let a = at.key("votes").key(code);
                let s = r.state_key(&a, code)?;
                r.require(w.is_finite() && w >= 0.0, &a, w, "a vote weight >= 0")?;
                votes[s] = w;
            }
            if decision == DecisionRule::Weighted && votes.iter().sum::<f64>() <= 0.0 {
                return r.err(&at.key("votes"), "the weighted decision rule needs `votes`, e.g. { RUS = 57, KAZ = 21.5, BLR = 21.5 }");
            }
            let mut measures = Vec::new();
            for (k, m) in inst.measures.iter().enumerate() {
                let a = at.key("measures").index(k);
                if inst.measures[..k].iter().any(|other| other.name == m.name) {
                    return r.err(&a.key("name"), format!("another measure is already named `{}`; names identify measures in events", m.name));
                }
                let target = r.state(&a.key("target"), &m.target)?;
                r.require(
                    percent_ok(m.duty_percent),
                    &a.key("duty_percent"),
                    m.duty_percent,
                    "a duty in percent, between 0 and 1000",
                )?;
                r.require(
                    Range::Unit.admits(m.coverage),
                    &a.key("coverage"),
                    m.coverage,
                    "a share in [0, 1]",
                )?;
                // A measure may predate the timeline: it then counts as adopted.
                r.require(
                    m.from <= end,
                    &a.key("from"),
                    m.from,
                    &format!("a year not after the timeline's end ({end})"),
                )?;
                let until = m.until.unwrap_or(end);
                r.require(
                    until >= m.from,
                    &a.key("until"),
                    until,
                    "a year not before `from`",
                )?;
                measures.push(Measure {
                    name: m.name.clone(),
                    target,
                    duty: m.duty_percent / 100.0,
                    coverage: m.coverage,
                    from: m.from,
                    until,
                    wto_consistent: m.wto_consistent,
                });
            }
            let _ = states;
            Ok(Rules::CustomsUnion(UnionRules {
                cet,
                decision,
                votes,
                coercion_cost: fraction(
                    "coercion_cost_percent",
                    inst.coercion_cost_percent,
                    10.0,
                    "a percentage between 0 and 1000",
                    percent_ok,
                )? / 100.0,
                coercion_prior: prior("coercion_prior", &inst.coercion_prior)?,
                measures,
            }))
        }
        InstitutionKind::InvestmentInitiative => {
            misplaced(&regime_keys, "trade regime")?;
            misplaced(&union_keys, "customs union")?;
            if inst.leader.is_none() {
                return r.err(
                    at,
                    "an investment initiative needs a `leader`: its sponsor, one of its members",
                );
            }
            let corridor = r.state_list(&at.key("corridor"), &inst.corridor)?;
            let invited = if inst.invited.is_empty() {
                (0..n).collect()
            } else {
                r.state_list(&at.key("invited"), &inst.invited)?
            };
            Ok(Rules::InvestmentInitiative(InitiativeRules {
                cost_cut: fraction(
                    "cost_cut",
                    inst.cost_cut,
                    0.96,
                    "a trade-cost factor in (0, 1]",
                    |x| x > 0.0 && x <= 1.0,
                )?,
                lag_years: fraction(
                    "lag_years",
                    inst.lag_years.map(f64::from),
                    2.0,
                    "a number of years in [0, 50]",
                    years_ok,
                )? as i32,
                corridor,
                invited,
                dependence_per_year: fraction(
                    "dependence_per_year",
                    inst.dependence_per_year,
                    0.05,
                    "a share in [0, 1]",
                    |x| (0.0..=1.0).contains(&x),
                )?,
                public_suspicion: fraction(
                    "public_suspicion",
                    inst.public_suspicion,
                    0.0,
                    "a share in [0, 1]",
                    |x| (0.0..=1.0).contains(&x),
                )?,
            }))
        }
        InstitutionKind::Alliance => {
            misplaced(&regime_keys, "trade regime")?;
            misplaced(&union_keys, "customs union")?;
            misplaced(&initiative_keys, "investment initiative")?;
            Ok(Rules::Declared)
        }
    }
}

/// Read the flows and calibrate the trade model to the policies in force in
/// the baseline year.
fn resolve_trade(
    r: &Resolver<'_, '_>,
    t: &super::format::TradeSpec,
    world: &World,
    dir: &Path,
) -> Result<TradeModel> {
    let at = path("trade");
    r.require(
        t.elasticity.is_finite() && t.elasticity > 0.0 && t.elasticity <= 50.0,
        &at.key("elasticity"),
        t.elasticity,
        "a trade elasticity in (0, 50]",
    )?;
    let file = dir.join(&t.flows);
    let shown = file.display().to_string();
    let codes: Vec<String> = world.states.iter().map(|s| s.code.clone()).collect();
    let flows = super::data::read_flows(&file, &shown, &codes)?;
    let flows_sha256 = std::fs::read(&file)
        .map(|b| super::sha256_hex(&b))
        .unwrap_or_default();
    let n = world.n_states();
    // Domestic absorption is GDP − exports: a state cannot export more than it makes.
    for (i, st) in world.states.iter().enumerate() {
        let exports: f64 = (0..n).map(|m| flows.get(i, m)).sum();
        r.require(
            st.gdp_musd > exports,
            &path("states").key(&st.code).key("gdp_musd"),
            st.gdp_musd,
            &format!("more than the state's goods exports in {} ({exports:.1}): domestic absorption is GDP − exports", t.flows),
        )?;
    }
    let policy = Policy::initial(world, t.baseline_year);
    let (mut tariff, mut cost) = (Matrix::new(n, n, 0.0), Matrix::new(n, n, 1.0));
    policy.shock(world, &mut tariff, &mut cost);
    let gdp: Vec<f64> = world.states.iter().map(|s| s.gdp_musd).collect();
    let calibration = |e: crate::trade::TradeError| r.at.error(&at.key("flows"), format!("{e}"));
    let mut baseline =
        Baseline::calibrate(&gdp, &flows, &tariff, t.elasticity).map_err(calibration)?;
    if t.deficits == crate::trade::Deficits::Purged {
        baseline = baseline.purged(&mut Solver::new(n)).map_err(calibration)?;
    }
    static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    Ok(TradeModel {
        flows_sha256,
        id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        flows: t.flows.clone(),
        baseline_year: t.baseline_year,
        deficits: t.deficits,
        baseline,
    })
}

fn resolve_game(
    r: &Resolver<'_, '_>,
    name: &str,
    g: &GameSpec,
    spec: &ScenarioFile,
    n: usize,
) -> Result<MatrixGame> {
    let at = path("games").key(name);
    r.require_key(
        is_name(name),
        &at,
        name,
        "a lower-case name of letters, digits, `_` or `-`",
    )?;
    let pay = &g.payoffs;
    for (key, x) in [("R", pay.r), ("S", pay.s), ("T", pay.t), ("P", pay.p)] {
        r.require(
            x.is_finite(),
            &at.key("payoffs").key(key),
            x,
            "a finite number",
        )?;
    }
    let payoffs = Payoffs {
        r: pay.r,
        s: pay.s,
        t: pay.t,
        p: pay.p,
    };
    let pairs = match &g.pairs {
        PairsSpec::All(s) if s == "all" => (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect::<Vec<_>>(),
        PairsSpec::All(s) => {
            return r.err(
                &at.key("pairs"),
                format!("must be \"all\" or a list of pairs like [[\"A\", \"B\"]], got \"{s}\""),
            );
        }
        PairsSpec::List(list) => {
            let mut pairs: Vec<(usize, usize)> = Vec::with_capacity(list.len());
            for (k, pair) in list.iter().enumerate() {
                let pat = at.key("pairs").index(k);
                let [a, b] = pair.as_slice() else {
                    let n = pair.len();
                    let message = format!(
                        "a pair names exactly two states, like [\"A\", \"B\"]; this one names {n}"
                    );
                    return r.err(&pat, message);
                };
                let (a, b) = (r.state(&pat, a)?, r.state(&pat, b)?);
                if a == b {
                    return r.err(&pat, "a state cannot play against itself");
                }
                if pairs
                    .iter()
                    .any(|&(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
                {
                    return r.err(&pat, "this pair is listed twice");
                }
                pairs.push((a, b));
            }
            pairs
        }
    };
    if pairs.is_empty() {
        return r.err(&at.key("pairs"), "a game needs at least one pair of states");
    }
    r.require(
        (0.0..=0.5).contains(&g.noise),
        &at.key("noise"),
        g.noise,
        "a tremble probability in [0, 0.5]",
    )?;
    r.require(
        g.continuation > 0.0 && g.continuation <= 1.0,
        &at.key("continuation"),
        g.continuation,
        "a continuation probability in (0, 1]",
    )?;
    let forgiveness = g
        .forgiveness
        .unwrap_or_else(|| payoffs.generous_forgiveness());
    r.require(
        Range::Unit.admits(forgiveness),
        &at.key("forgiveness"),
        forgiveness,
        "a probability in [0, 1]",
    )?;
    let institution = match &g.institution {
        Some(code) => Some(r.institution(&at.key("institution"), code)?),
        None => None,
    };
    let (start, end) = (spec.timeline.start, spec.timeline.end);
    let from = g.from.unwrap_or(start);
    let until = g.until.unwrap_or(end);
    let within = format!("a year within the timeline ({start}–{end})");
    r.require(
        (start..=end).contains(&from),
        &at.key("from"),
        from,
        &within,
    )?;
    r.require(
        (start..=end).contains(&until) && until >= from,
        &at.key("until"),
        until,
        &format!("{within}, not before `from`"),
    )?;
    let mut seats = vec![Vec::new(); n];
    for (p, &(a, b)) in pairs.iter().enumerate() {
        seats[a].push((p, 0));
        seats[b].push((p, 1));
    }
    let mut players = vec![Player::Doctrine; n];
    for (code, &strategy) in &g.strategies {
        let sat = at.key("strategies").key(code);
        let s = r.state_key(&sat, code)?;
        if seats[s].is_empty() {
            return r.err_key(&sat, format!("`{code}` plays no pair in this game"));
        }
        players[s] = Player::Strategy(strategy);
    }

    Ok(MatrixGame {
        name: name.to_string(),
        payoffs,
        pairs,
        noise: g.noise,
        continuation: g.continuation,
        forgiveness,
        institution,
        from,
        until,
        players,

        seats,
    })
}

fn resolve_fact(
    r: &Resolver<'_, '_>,
    at: &FieldPath,
    f: &FactSpec,
    world: &World,
    catalogue: &Catalogue,
) -> Result<FactDef> {
    let kind = f.fact;
    let kind_name = match kind {
        FactKindSpec::MemberAtEnd => "member_at_end",
        FactKindSpec::AccessionYear => "accession_year",
        FactKindSpec::ComplianceShare => "compliance_share",
        FactKindSpec::Metric => "metric",
        FactKindSpec::Event => "event",
    };
    // Fields each kind of fact takes; any other field present is a mistake.
    let allowed: &[&str] = match kind {
        FactKindSpec::MemberAtEnd => &["state", "institution", "member"],
        FactKindSpec::AccessionYear => &["state", "institution", "from", "to"],
        FactKindSpec::ComplianceShare => &["state", "institution", "min", "max"],
        FactKindSpec::Metric => &["state", "metric", "min", "max"],
        FactKindSpec::Event => &["event", "state", "target", "institution", "by", "occurs"],
    };
    let present = [
        ("state", f.state.is_some()),
        ("institution", f.institution.is_some()),
        ("metric", f.metric.is_some()),
        ("min", f.min.is_some()),
        ("max", f.max.is_some()),
        ("from", f.from.is_some()),
        ("to", f.to.is_some()),
        ("member", f.member.is_some()),
        ("event", f.event.is_some()),
        ("target", f.target.is_some()),
        ("by", f.by.is_some()),
        ("occurs", f.occurs.is_some()),
    ];
    for (field, is_set) in present {
        if is_set && !allowed.contains(&field) {
            return r.err(
                &at.key(field),
                format!(
                    "a fact of kind `{kind_name}` takes only: {}",
                    allowed.join(", ")
                ),
            );
        }
    }
    let need = |field: &str, v: Option<&String>| -> Result<String> {
        v.cloned().map_or_else(
            || {
                r.err(
                    &at.key(field),
                    format!("a fact of kind `{kind_name}` needs `{field}`"),
                )
            },
            Ok,
        )
    };
    let state = |r: &Resolver<'_, '_>| -> Result<usize> {
        r.state(&at.key("state"), &need("state", f.state.as_ref())?)
    };
    let institution = |r: &Resolver<'_, '_>| -> Result<usize> {
        r.institution(
            &at.key("institution"),
            &need("institution", f.institution.as_ref())?,
        )
    };
    let bounds = |r: &Resolver<'_, '_>| -> Result<(f64, f64)> {
        let (min, max) = (
            f.min.unwrap_or(f64::NEG_INFINITY),
            f.max.unwrap_or(f64::INFINITY),
        );
        if f.min.is_none() && f.max.is_none() {
            return r.err(
                at,
                format!("a fact of kind `{kind_name}` needs `min`, `max` or both"),
            );
        }
        r.require(
            !min.is_nan() && !max.is_nan() && min <= max,
            &at.key("max"),
            max,
            "a number >= min",
        )?;
        Ok((min, max))
    };
    let fact = match kind {
        FactKindSpec::MemberAtEnd => Fact::MemberAtEnd {
            state: state(r)?,
            institution: institution(r)?,
            member: f.member.unwrap_or(true),
        },
        FactKindSpec::AccessionYear => {
            let (state, institution) = (state(r)?, institution(r)?);
            let from = f.from.unwrap_or(world.start);
            let to = f.to.unwrap_or(world.end);
            r.require(
                to >= from,
                &at.key("to"),
                to,
                &format!("a year >= from ({from})"),
            )?;
            Fact::AccessionYear {
                state,
                institution,
                from,
                to,
            }
        }
        FactKindSpec::ComplianceShare => {
            let (state, institution) = (state(r)?, institution(r)?);
            let inst = &world.institutions[institution];
            if inst.regime().is_none() && inst.union().is_none() {
                return r.err(
                    &at.key("institution"),
                    format!("`{}` is a {} and has no rules to comply with; compliance facts need a trade_regime or customs_union", inst.code, inst.kind.as_str()),
                );
            }
            let (min, max) = bounds(r)?;
            Fact::ComplianceShare {
                state,
                institution,
                min,
                max,
            }
        }
        FactKindSpec::Metric => {
            let s = state(r)?;
            let metric = need("metric", f.metric.as_ref())?;
            if catalogue.find(s, &metric).is_none() {
                let known = catalogue.names_for(s).join(", ");
                return r.err(
                    &at.key("metric"),
                    format!(
                        "`{}` reports no metric `{metric}`; its metrics are: {known}",
                        world.states[s].code
                    ),
                );
            }
            let (min, max) = bounds(r)?;
            Fact::Metric {
                state: s,
                metric,
                min,
                max,
            }
        }
        FactKindSpec::Event => {
            let name = need("event", f.event.as_ref())?;
            let Some(event) = EventKind::parse(&name) else {
                let known: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                return r.err(
                    &at.key("event"),
                    format!(
                        "unknown event kind `{name}`; valid kinds: {}",
                        known.join(", ")
                    ),
                );
            };
            let actor = f
                .state
                .as_ref()
                .map(|c| r.state(&at.key("state"), c))
                .transpose()?;
            let target = f
                .target
                .as_ref()
                .map(|c| r.state(&at.key("target"), c))
                .transpose()?;
            let institution = f
                .institution
                .as_ref()
                .map(|c| r.institution(&at.key("institution"), c))
                .transpose()?;
            let by = f.by.unwrap_or(world.end);
            r.require(
                (world.start..=world.end).contains(&by),
                &at.key("by"),
                by,
                &format!("a year within the timeline ({}–{})", world.start, world.end),
            )?;
            Fact::Event(EventFact {
                kind: event,
                actor,
                target,
                institution,
                by,
                occurs: f.occurs.unwrap_or(true),
            })
        }
    };
    // Every fact is scored from a metric of the run; it must be reported.
    let metric = match &fact {
        Fact::MemberAtEnd {
            state, institution, ..
        } => Some((*state, "member_at_end", *institution)),
        Fact::AccessionYear {
            state, institution, ..
        } => Some((*state, "accession_year", *institution)),
        Fact::ComplianceShare {
            state, institution, ..
        } => Some((*state, "compliance_share", *institution)),
        Fact::Metric { .. } | Fact::Event(_) => None,
    };
    if let Some((s, base, i)) = metric {
        let name = format!("{base}:{}", world.institutions[i].code);
        if catalogue.find(s, &name).is_none() {
            return r.err(
                &at.key("institution"),
                format!("runs of this scenario report no `{name}` (institutions' rules act only in scenarios with a [trade] table)"),
            );
        }
    }
    Ok(FactDef {
        id: f
            .id
            .clone()
            .unwrap_or_else(|| format!("fact{}", world.facts.len() + 1)),
        description: f.description.clone(),
        fact,
    })
}
