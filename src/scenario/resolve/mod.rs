//! Checking a parsed scenario for meaning and resolving it to a [`World`].
//!
//! One file per part of the scenario, named for what it resolves: [`states`]
//! (with the doctrines), [`relations`] (affinity, norms, dependence),
//! [`institutions`] and the rules of each kind ([`trade_regime`],
//! [`customs_union`], [`initiative`]), [`games`], [`profiles`], [`trade`],
//! [`sanctions`] (with the blocs) and [`facts`]. This file holds what they share
//! — the [`Resolver`]'s lookups and checks — and the few top-level settings
//! (`[scenario]`, `[timeline]`, `[run]`, `[model]`, `[sweep]`).
//!
//! Parts are resolved in a fixed order, so that of several mistakes the same one
//! is always reported first; a later part may read an earlier one (the trade
//! model calibrates to the institutions in force, facts to the metrics a run
//! reports), never the reverse.
//!
//! Every check names the dotted field and says what would be valid; the caller
//! turns the field into a line and column.

mod customs_union;
mod facts;
mod games;
mod initiative;
mod institutions;
mod profiles;
mod proposals;
mod relations;
mod sanctions;
mod states;
mod targets;
mod trade;
mod trade_regime;

use super::format::ScenarioFile;
use super::{FieldPath, Located, ScenarioError};
use crate::design::SweepPlan;
use crate::doctrine::ParamOverrides;
use crate::doctrine::params::Range;
use crate::outcome::Catalogue;
use crate::world::{self, ModelSettings, RunDefaults, World};
use std::path::Path;

type Result<T> = std::result::Result<T, ScenarioError>;

/// Longest timeline accepted, in rounds (years).
const MAX_ROUNDS: i32 = 1000;

/// What a lower-case name may be made of. Such names end up in a results
/// folder's name (the scenario's) and in output columns (a game's within metric
/// names, a profile's), so only characters safe in both are allowed.
const LOWER_NAME: &str = "a lower-case name of letters, digits, `_` or `-`";

/// What an upper-case code may be made of; codes are written into every
/// output's `state` or `institution` column.
const CODE: &str = "an upper-case code of up to 12 letters, digits or `_`";

/// The valid range of every tariff-like rate, in percent.
const TARIFF: &str = "a tariff in percent, between 0 and 1000";

/// Does a rate in percent lie in the range [`TARIFF`] describes?
fn percent_ok(x: f64) -> bool {
    x.is_finite() && (0.0..=1000.0).contains(&x)
}

/// Checks shared by every part of the scenario, with the names declared so far.
struct Resolver<'a, 'r> {
    at: &'a Located<'r>,
    codes: Vec<String>,
    institutions: Vec<String>,
    /// First and last year of the timeline.
    timeline: (i32, i32),
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

/// A display name that may be left out: the code stands in for it.
fn name_or_code(name: &str, code: &str) -> String {
    if name.is_empty() { code } else { name }.to_string()
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

    /// `at.name` must not be blank.
    /// Refuse the first key of `present` (name, whether it is set) that is set
    /// but not in `allowed`: a table whose kind decides which keys it takes
    /// (a fact's `fact`, a target's `statistic`). `what` names the kind, as in
    /// "a fact of kind `event`".
    fn only_keys(
        &self,
        at: &FieldPath,
        present: &[(&str, bool)],
        allowed: &[&str],
        what: &str,
        besides: &str,
    ) -> Result<()> {
        match present.iter().find(|(k, set)| *set && !allowed.contains(k)) {
            Some((field, _)) => self.err(
                &at.key(field),
                format!("{what} takes only: {}{besides}", allowed.join(", ")),
            ),
            None => Ok(()),
        }
    }

    fn require_name(&self, at: &FieldPath, name: &str) -> Result<()> {
        self.require(
            !name.trim().is_empty(),
            &at.key("name"),
            "an empty name",
            "a non-empty name",
        )
    }

    /// Like [`Self::require`], for a name written as a key.
    fn require_key(&self, ok: bool, at: &FieldPath, name: &str, valid: &str) -> Result<()> {
        if ok {
            Ok(())
        } else {
            self.err_key(at, format!("must be {valid}, got `{name}`"))
        }
    }

    /// The key that ends `at` must be a lower-case name (games, profiles).
    fn require_lower_name(&self, at: &FieldPath, name: &str) -> Result<()> {
        self.require_key(is_name(name), at, name, LOWER_NAME)
    }

    /// An optional number, its default when left out, checked either way (a
    /// default is a number the user never wrote, but it must still be valid
    /// once other keys are overridden).
    fn or_default(
        &self,
        at: &FieldPath,
        x: Option<f64>,
        default: f64,
        valid: &str,
        ok: fn(f64) -> bool,
    ) -> Result<f64> {
        let x = x.unwrap_or(default);
        self.require(ok(x), at, x, valid)?;
        Ok(x)
    }

    /// A year within the timeline.
    fn year(&self, at: &FieldPath, year: i32) -> Result<()> {
        let (start, end) = self.timeline;
        self.require((start..=end).contains(&year), at, year, &within(start, end))
    }

    /// The last year of something in force from `from`.
    fn until(&self, at: &FieldPath, from: i32, until: i32) -> Result<()> {
        self.require(until >= from, at, until, "a year not before `from`")
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

    /// An institution named by a value, e.g. `institution = "WTO"`.
    fn institution(&self, at: &FieldPath, code: &str) -> Result<usize> {
        self.find_institution(code)
            .map_err(|m| self.at.error(at, m))
    }

    /// An institution named by a key, e.g. `[norms.KAZ] WTO = 0.5`.
    fn institution_key(&self, at: &FieldPath, code: &str) -> Result<usize> {
        self.find_institution(code)
            .map_err(|m| self.at.key_error(at, m))
    }

    fn check_params(&self, at: &FieldPath, o: &ParamOverrides) -> Result<()> {
        for (name, x, range) in o.numbers() {
            let at = name.split('.').fold(at.clone(), |p, seg| p.key(seg));
            self.require(range.admits(x), &at, x, range.describe())?;
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

fn within(start: i32, end: i32) -> String {
    format!("a year within the timeline ({start}–{end})")
}

pub(super) fn resolve(spec: &ScenarioFile, at: &Located<'_>, dir: &Path) -> Result<World> {
    let tl = &spec.timeline;
    let r = Resolver {
        at,
        codes: spec.states.keys().cloned().collect(),
        institutions: spec.institutions.keys().cloned().collect(),
        timeline: (tl.start, tl.end),
    };

    let meta = &spec.scenario;
    r.require(
        is_name(&meta.name),
        &path("scenario.name"),
        format!("`{}`", meta.name),
        &format!("{LOWER_NAME} (it names the results folder)"),
    )?;
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
        (1..=crate::montecarlo::MAX_RUNS).contains(&spec.run.runs),
        &path("run.runs"),
        spec.run.runs,
        &format!(
            "between 1 and {} (split larger jobs into --shard jobs of the same --runs)",
            crate::montecarlo::MAX_RUNS
        ),
    )?;
    let dp = spec.model.distant_proximity;
    r.require(
        Range::Unit.admits(dp),
        &path("model.distant_proximity"),
        dp,
        Range::Unit.describe(),
    )?;

    for (key, x) in [
        (
            "model.alignment_commitment",
            spec.model.alignment_commitment,
        ),
        ("model.alliance_commitment", spec.model.alliance_commitment),
        (
            "model.regional_trade_share",
            spec.model.regional_trade_share,
        ),
    ] {
        r.require(Range::Unit.admits(x), &path(key), x, Range::Unit.describe())?;
    }
    let sovereignty = spec.model.sovereignty_cost_percent;
    r.require(
        sovereignty.is_finite() && (0.0..=100.0).contains(&sovereignty),
        &path("model.sovereignty_cost_percent"),
        sovereignty,
        "a yearly cost in percent of spending, between 0 and 100",
    )?;
    let cut = spec.model.depth_trade_cut_percent;
    r.require(
        cut.is_finite() && (0.0..100.0).contains(&cut),
        &path("model.depth_trade_cut_percent"),
        cut,
        "a percentage in [0, 100)",
    )?;
    let states = states::resolve(&r, spec)?;
    let n = states.len();
    let institutions = institutions::resolve(&r, spec, &states)?;
    let dependence = relations::dependence(&r, spec, n)?;
    let affinity = relations::affinity(&r, spec, n)?;
    let norms = relations::norms(&r, spec, n, institutions.len())?;
    let games = games::resolve(&r, spec, n)?;
    let profiles = profiles::resolve(&r, spec, &states)?;

    let share = spec.model.regional_trade_share;
    let reach = world::reach(&states, None, dp, share);
    let threat = world::threat_weights(&states, &reach);
    let mut world = World {
        name: meta.name.clone(),
        title: meta.title.clone(),
        description: meta.description.clone(),
        start: tl.start,
        end: tl.end,
        states,
        affinity,
        threat,
        reach,
        norms,
        dependence,
        trade: None,
        institutions,
        games,
        facts: Vec::new(),
        targets: Vec::new(),
        profiles,
        model: ModelSettings {
            distant_proximity: dp,
            bandwagon_ratio: spec.model.bandwagon_ratio,
            alignment_commitment: spec.model.alignment_commitment,
            alliance_commitment: spec.model.alliance_commitment,
            regional_trade_share: share,
            sovereignty_cost: sovereignty,
            depth_trade_cut: spec.model.depth_trade_cut_percent / 100.0,
        },
        run: RunDefaults {
            runs: spec.run.runs,
            seed: spec.run.seed,
        },
        sweep: None,
        priors: Vec::new(),
        sanctions: Vec::new(),
        proposals: Vec::new(),
        authorship: spec.model.authorship_percent,
        blocs: Vec::new(),
        alignment: vec![None; n],
    };
    r.require(
        spec.model.bandwagon_ratio.is_finite() && spec.model.bandwagon_ratio >= 1.0,
        &path("model.bandwagon_ratio"),
        spec.model.bandwagon_ratio,
        "a capability ratio >= 1",
    )?;
    (world.blocs, world.alignment) = sanctions::blocs(&r, spec, n)?;
    world.sanctions = sanctions::resolve(&r, spec)?;
    world.proposals = proposals::resolve(&r, spec, &world.institutions)?;
    r.require(
        world.authorship.is_finite() && (0.0..=100.0).contains(&world.authorship),
        &path("model.authorship_percent"),
        world.authorship,
        "a yearly cost in percent of spending, between 0 and 100",
    )?;
    // The trade model calibrates to the policies in force in its data year —
    // institutions, measures, sanctions — so it needs the world built so far.
    if let Some(t) = &spec.trade {
        let model = trade::resolve(&r, spec, t, &world, dir)?;
        // With trade data, a state's region is its neighbours and the states
        // it trades with most; threat is read within it.
        let n = world.n_states();
        let flows = crate::matrix::Matrix::from_fn(n, n, |i, j| model.baseline.flow(i, j));
        world.reach = world::reach(&world.states, Some(&flows), dp, share);
        world.threat = world::threat_weights(&world.states, &world.reach);
        world.trade = Some(model);
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
        world.sweep = Some(SweepPlan {
            design: sweep.design,
            points: sweep.points,
            vary: sweep.vary.clone(),
        });
    }
    // A fact is scored from what a run reports, so it is checked last, against
    // the catalogue of the finished world.
    let catalogue = Catalogue::new(&world);
    for (k, f) in spec.expect.iter().enumerate() {
        let fact = facts::resolve(&r, &path("expect").index(k), f, &world, &catalogue)?;
        if world.facts.iter().any(|g| g.id == fact.id) {
            return r.err(
                &path("expect").index(k).key("id"),
                format!("the id `{}` is used by another fact", fact.id),
            );
        }
        world.facts.push(fact);
    }
    for (k, t) in spec.target.iter().enumerate() {
        let target = targets::resolve(&r, &path("target").index(k), t, &world, &catalogue)?;
        if world.targets.iter().any(|g| g.id == target.id) {
            return r.err(
                &path("target").index(k).key("id"),
                format!("the id `{}` is used by another target", target.id),
            );
        }
        world.targets.push(target);
    }
    Ok(world)
}
