//! Institutions in force during a run, and how policies become tariffs.
//!
//! A [`Policy`] is everything states do that the trade equilibrium needs: each
//! state's tariff [`Stance`], memberships, the bound tariffs negotiated, which
//! common measures are in force and which members break union law by not
//! applying them, authorised
//! retaliation and the union leader's coercion. [`Policy::shock`] turns it into
//! tariffs t′_ni and trade-cost changes d̂_ni (docs/model.md §7.3):
//!
//! * members of the same customs union trade duty-free (internal free trade);
//! * otherwise an importer applies its stance's rate to everyone (MFN): the
//!   union's CET, its WTO bound rate, its own applied tariff, or its unilateral
//!   tariff;
//! * trade between two members of a trade regime costs its
//!   `member_cost_factor` times as much, both ways (bound-tariff certainty);
//! * a union measure adds its ad valorem equivalent (duty × covered share of
//!   the target's exports; a one-sector approximation) unless the member
//!   breaks union law by not applying it (a member cannot waive an adopted
//!   measure; only a repeal vote ends it for everyone);
//! * authorised retaliation adds to the retaliator's tariff on the violator;
//! * a coerced member's exports that transit the union leader cost more
//!   (Chang et al. n.d.: Russia's control of Kazakh oil transit).
//!
//! Violations of a trade regime's rules are tariffs above the bound toward
//! fellow members outside one's customs union, and WTO-inconsistent union
//! measures applied against fellow members.

use crate::matrix::Matrix;
use crate::world::{Channel, World};
use serde::Serialize;

/// Which tariff a state applies to goods from outside its customs union.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// The customs union's common external tariff.
    Cet,
    /// The trade regime's bound rate.
    Bound,
    /// The state's own applied tariff.
    Own,
    /// A unilateral tariff increase.
    Unilateral,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Cet => "cet",
            Stance::Bound => "bound",
            Stance::Own => "own",
            Stance::Unilateral => "unilateral",
        }
    }
}

/// What every state does this round, as far as the economy is concerned.
#[derive(Debug, PartialEq)]
pub struct Policy {
    pub year: i32,
    pub stance: Vec<Stance>,
    /// Membership, state × institution (row-major; see [`Policy::is_member`]).
    member: Vec<bool>,
    institutions: usize,
    /// Bound tariff negotiated by accession, state × institution (fraction;
    /// NaN: the scenario's schedule applies, see [`Policy::bound_rate`]).
    pub bound: Matrix,
    /// Per common measure (all unions' measures, in institution order):
    /// adopted, and so in force within its years.
    adopted: Vec<bool>,
    /// Per state × measure: the member does not apply the adopted measure, a
    /// breach of union law.
    breached: Vec<bool>,
    /// Per institution: the change to a customs union's CET schedule its
    /// members have adopted on the leader's proposal (fraction; 0 elsewhere).
    pub cet_offset: Vec<f64>,
    /// State × institution: the union has exempted the member from its CET,
    /// so it may lawfully apply its trade-regime bound where that is lower
    /// (Kazakhstan's WTO lines under the EAEU Treaty).
    pub exempt: Vec<bool>,
    /// Authorised or reciprocal retaliation: extra tariff of importer n on exporter i.
    pub retaliation: Matrix,
    /// Per state: the coercion a union leader or an initiative's sponsor
    /// applies to it this round, if any.
    pub coerced: Vec<Option<Coercion>>,
    /// State × institution: how far a state takes part in an investment
    /// initiative (0 none, ½ some, 1 deep; see [`INTENSITIES`]); a state
    /// takes part when it is above 0.
    intensity: Vec<f64>,
    /// State × institution: the deepest participation the initiative's
    /// sponsor offers to finance (0: not invited this year).
    pub offer: Vec<f64>,
    /// Union × institution: the union's leader objects to its members'
    /// taking part in the investment initiative.
    pub objecting: Vec<bool>,
    /// Per institution: a customs union's charter, decision rule and
    /// membership rule — the scenario's for a declared union, the accepted
    /// draft's for one a proposal founded during the run.
    pub charter: Vec<crate::world::Charter>,
    pub decision: Vec<crate::world::DecisionRule>,
    pub open: Vec<bool>,
    /// Year each state joined each institution (state × institution; the
    /// founding year or earlier for original members): a lag runs from it.
    pub since: Vec<i32>,
    /// Each state's stance toward each sanctions regime (state × sanction).
    pub sanction: Vec<SanctionStance>,
    /// Secondary sanctions on a state by a regime's senders this round (state × sanction).
    pub secondary: Vec<bool>,
    /// Per sanctions regime: the target's union leader rewards the union
    /// members that join a counter-response.
    pub reward: Vec<bool>,
}

impl Clone for Policy {
    fn clone(&self) -> Self {
        Policy {
            year: self.year,
            stance: self.stance.clone(),
            member: self.member.clone(),
            institutions: self.institutions,
            bound: self.bound.clone(),
            adopted: self.adopted.clone(),
            breached: self.breached.clone(),
            cet_offset: self.cet_offset.clone(),
            exempt: self.exempt.clone(),
            retaliation: self.retaliation.clone(),
            coerced: self.coerced.clone(),
            intensity: self.intensity.clone(),
            offer: self.offer.clone(),
            objecting: self.objecting.clone(),
            charter: self.charter.clone(),
            decision: self.decision.clone(),
            open: self.open.clone(),
            since: self.since.clone(),
            sanction: self.sanction.clone(),
            secondary: self.secondary.clone(),
            reward: self.reward.clone(),
        }
    }

    /// Field by field into the existing buffers: copying a policy of the same
    /// world allocates nothing, which keeps the forecast of an option free of
    /// allocation (`RunState::copy_of`). The destructuring is exhaustive, so a
    /// new field cannot be forgotten here.
    fn clone_from(&mut self, source: &Self) {
        let Policy {
            year,
            stance,
            member,
            institutions,
            bound,
            adopted,
            breached,
            cet_offset,
            exempt,
            retaliation,
            coerced,
            intensity,
            offer,
            objecting,
            charter,
            decision,
            open,
            since,
            sanction,
            secondary,
            reward,
        } = source;
        self.year = *year;
        self.stance.clone_from(stance);
        self.member.clone_from(member);
        self.institutions = *institutions;
        self.bound.clone_from(bound);
        self.adopted.clone_from(adopted);
        self.breached.clone_from(breached);
        self.cet_offset.clone_from(cet_offset);
        self.exempt.clone_from(exempt);
        self.retaliation.clone_from(retaliation);
        self.coerced.clone_from(coerced);
        self.intensity.clone_from(intensity);
        self.offer.clone_from(offer);
        self.objecting.clone_from(objecting);
        self.charter.clone_from(charter);
        self.decision.clone_from(decision);
        self.open.clone_from(open);
        self.since.clone_from(since);
        self.sanction.clone_from(sanction);
        self.secondary.clone_from(secondary);
        self.reward.clone_from(reward);
    }
}

/// The levels of participation in an investment initiative: none, some,
/// deep. Three levels keep the choice small and readable while letting depth
/// differ between participants (a continuum would add nothing the data can
/// tell apart).
pub const INTENSITIES: [f64; 3] = [0.0, 0.5, 1.0];

/// The name of a participation level.
pub fn intensity_name(x: f64) -> &'static str {
    if x <= 0.0 {
        "none"
    } else if x < 1.0 {
        "some"
    } else {
        "deep"
    }
}

/// What a trade-regime violation is about: a tariff above the bound, or a
/// union measure the regime's rules do not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    Bound,
    Measure { union: usize, measure: usize },
}

impl Cause {
    /// Its name in events: `bound`, or `measure <name>`.
    pub fn describe(self, world: &World) -> String {
        match self {
            Cause::Bound => "bound".into(),
            Cause::Measure { union, measure } => format!(
                "measure {}",
                world.institutions[union].union().expect("a union").measures[measure].name
            ),
        }
    }
}

/// A coercion of one state this round (docs/model.md §7.7, §7.11), by the
/// leader of a customs union — through transit (the state's exports crossing
/// the leader), investment (its trade with the leader, in proportion to the
/// investment the leader can withdraw) and security (the commitment the
/// leader withdraws, read by [`crate::security`]) — or by an investment
/// initiative's sponsor, through investment alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coercion {
    /// The union or initiative whose leader coerces.
    pub by: usize,
    /// The coerced state's investment dependence on the leader when coerced.
    pub investment: f64,
}

/// A third state's answer to sanctions (docs/model.md §7.12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionStance {
    /// Trade as usual.
    Ignore,
    /// Apply the senders' trade-cost increase to one's own trade with the target.
    Comply,
    /// Join a counter-response: raise trade costs with the senders.
    Counter,
    /// Let the senders' goods be re-exported to the target through one's
    /// territory, for a share of the price gap, at the risk of detection and
    /// secondary sanctions.
    Circumvent,
}

impl SanctionStance {
    pub fn as_str(self) -> &'static str {
        match self {
            SanctionStance::Ignore => "ignore",
            SanctionStance::Comply => "comply",
            SanctionStance::Counter => "counter",
            SanctionStance::Circumvent => "circumvent",
        }
    }
}

impl Policy {
    /// The policy at the start of a run (or in any `year` with historical,
    /// exogenous memberships): union members apply the CET, everyone else its
    /// own tariff, every measure is adopted and applied.
    pub fn initial(world: &World, year: i32) -> Policy {
        let n = world.n_states();
        let k = world.institutions.len();
        let mut member = vec![false; n * k];
        let bound = Matrix::new(n, k, f64::NAN);
        for (i, inst) in world.institutions.iter().enumerate() {
            let joined = inst
                .joined
                .iter()
                .filter(|&&(_, y)| y <= year)
                .map(|&(s, _)| s);
            for s in inst.members.iter().copied().chain(joined) {
                member[s * k + i] = true;
            }
        }
        let measures = measure_slot(world, k, 0);
        let mut p = Policy {
            year,
            stance: vec![Stance::Own; n],
            member,
            institutions: k,
            bound,
            adopted: vec![true; measures],
            breached: vec![false; n * measures],
            cet_offset: vec![0.0; k],
            exempt: vec![false; n * k],
            retaliation: Matrix::new(n, n, 0.0),
            coerced: vec![None; n],
            intensity: vec![0.0; n * k],
            offer: vec![0.0; n * k],
            objecting: vec![false; k * k],
            charter: world
                .institutions
                .iter()
                .map(|i| {
                    i.union()
                        .map_or(crate::world::Charter::default(), |u| u.charter)
                })
                .collect(),
            decision: world
                .institutions
                .iter()
                .map(|i| {
                    i.union()
                        .map_or(crate::world::DecisionRule::Consensus, |u| u.decision)
                })
                .collect(),
            open: vec![false; k],
            since: vec![i32::MIN; n * k],
            sanction: vec![SanctionStance::Ignore; n * world.sanctions.len()],
            secondary: vec![false; n * world.sanctions.len()],
            reward: vec![false; world.sanctions.len()],
        };
        // Members of an initiative from the start take part fully (the
        // sponsor, and any the scenario lists); every invited state starts
        // with the sponsor's offer of deep participation, which the sponsor
        // reviews (game::initiative).
        for (i, inst) in world.institutions.iter().enumerate() {
            if let Some(rules) = inst.initiative() {
                for s in (0..n).filter(|&s| p.member[s * k + i]) {
                    p.intensity[s * k + i] = 1.0;
                }
                for s in (0..n).filter(|&s| p.member[s * k + i] || rules.invited.contains(&s)) {
                    p.offer[s * k + i] = 1.0;
                }
            }
        }
        for (i, inst) in world.institutions.iter().enumerate() {
            for &(s, y) in inst.joined.iter().filter(|&&(_, y)| y <= year) {
                p.since[s * k + i] = y;
            }
        }
        for s in 0..n {
            if p.union_of(world, s).is_some() {
                p.stance[s] = Stance::Cet;
            }
        }
        p
    }

    /// The bound tariff of `s` in trade regime `r` this year: negotiated at
    /// accession, else the scenario's schedule, else the state's own tariff.
    pub fn bound_rate(&self, world: &World, s: usize, r: usize) -> f64 {
        let negotiated = self.bound.get(s, r);
        if !negotiated.is_nan() {
            return negotiated;
        }
        world.institutions[r]
            .regime()
            .and_then(|rules| rules.bound[s].as_deref())
            .and_then(|steps| crate::world::step_rate(steps, self.year))
            .unwrap_or(world.states[s].tariff)
    }

    /// Is `s` a member of institution `inst` (in force or not)?
    pub fn is_member(&self, s: usize, inst: usize) -> bool {
        self.member[s * self.institutions + inst]
    }

    pub fn set_member(&mut self, s: usize, inst: usize, member: bool) {
        self.member[s * self.institutions + inst] = member;
    }

    /// How far `s` takes part in initiative `inst` (0 when it does not).
    pub fn intensity(&self, s: usize, inst: usize) -> f64 {
        self.intensity[s * self.institutions + inst]
    }

    /// Set `s`'s participation in initiative `inst`; it is a member while
    /// the intensity is above 0.
    pub fn set_intensity(&mut self, s: usize, inst: usize, x: f64) {
        self.intensity[s * self.institutions + inst] = x;
        self.member[s * self.institutions + inst] = x > 0.0;
    }

    /// Does `s` take part in an investment initiative that the leader of its
    /// customs union `u` objects to?
    pub fn defies(&self, world: &World, u: usize, s: usize) -> bool {
        let k = self.institutions;
        (0..k).any(|i| self.objecting[u * k + i] && self.active(world, s, i))
    }

    /// Is `s` a member of institution `inst` with the institution in force?
    pub fn active(&self, world: &World, s: usize, inst: usize) -> bool {
        self.is_member(s, inst) && world.institutions[inst].in_force(self.year)
    }

    /// Has union `u` adopted its measure `m`?
    pub fn is_adopted(&self, world: &World, u: usize, m: usize) -> bool {
        self.adopted[measure_slot(world, u, m)]
    }

    pub fn set_adopted(&mut self, world: &World, u: usize, m: usize, adopted: bool) {
        self.adopted[measure_slot(world, u, m)] = adopted;
    }

    /// Does member `s` break union law by not applying measure `m` of union `u`?
    pub fn is_breached(&self, world: &World, s: usize, u: usize, m: usize) -> bool {
        self.breached[s * self.adopted.len() + measure_slot(world, u, m)]
    }

    pub fn set_breached(&mut self, world: &World, s: usize, u: usize, m: usize, breached: bool) {
        let slot = s * self.adopted.len() + measure_slot(world, u, m);
        self.breached[slot] = breached;
    }

    /// Set whether `s` leaves every measure of union `u` unapplied.
    pub fn set_all_breached(&mut self, world: &World, s: usize, u: usize, breached: bool) {
        for m in 0..world.institutions[u]
            .union()
            .map_or(0, |r| r.measures.len())
        {
            self.set_breached(world, s, u, m, breached);
        }
    }

    /// The customs union `s` belongs to (in force), if any.
    pub fn union_of(&self, world: &World, s: usize) -> Option<usize> {
        (0..world.institutions.len())
            .find(|&i| world.institutions[i].union().is_some() && self.active(world, s, i))
    }

    /// The trade regime `s` belongs to (in force), if any.
    pub fn regime_of(&self, world: &World, s: usize) -> Option<usize> {
        (0..world.institutions.len())
            .find(|&i| world.institutions[i].regime().is_some() && self.active(world, s, i))
    }

    /// The CET of union `u` in force this year: its schedule plus the changes
    /// its members adopted.
    pub fn cet(&self, world: &World, u: usize) -> f64 {
        let rules = world.institutions[u].union().expect("a union");
        (rules.cet(self.year) + self.cet_offset[u]).max(0.0)
    }

    /// The rate state `s` applies to goods from outside its union under `stance`.
    pub fn stance_rate(&self, world: &World, s: usize, stance: Stance) -> f64 {
        let own = world.states[s].tariff;
        match stance {
            Stance::Cet => self.union_of(world, s).map_or(own, |u| self.cet(world, u)),
            Stance::Bound => self
                .regime_of(world, s)
                .map_or(own, |r| self.bound_rate(world, s, r)),
            Stance::Own => own,
            Stance::Unilateral => world.states[s].unilateral_tariff,
        }
    }

    /// Tariff equivalent of union measures that importer `n` applies to exporter
    /// `i`; with `wto_inconsistent_only`, only those that break trade-regime rules.
    pub fn measures_on(
        &self,
        world: &World,
        n: usize,
        i: usize,
        wto_inconsistent_only: bool,
    ) -> f64 {
        let Some(u) = self.union_of(world, n) else {
            return 0.0;
        };
        let rules = world.institutions[u]
            .union()
            .expect("a union has union rules");
        rules
            .measures
            .iter()
            .enumerate()
            .filter(|&(m, measure)| {
                measure.target == i
                    && self.measure_in_force(world, u, m)
                    && !self.is_breached(world, n, u, m)
                    && !(wto_inconsistent_only && measure.wto_consistent)
            })
            .map(|(_, measure)| measure.tariff_equivalent())
            .sum()
    }

    /// The tariff importer `n` applies to exporter `i` (fraction).
    pub fn tariff(&self, world: &World, n: usize, i: usize) -> f64 {
        if n == i {
            return 0.0;
        }
        let union = self.union_of(world, n);
        if union.is_some() && union == self.union_of(world, i) {
            return self.retaliation.get(n, i);
        }
        self.stance_rate(world, n, self.stance[n])
            + self.measures_on(world, n, i, false)
            + self.retaliation.get(n, i)
    }

    /// Tariffs t′_ni and trade-cost changes d̂_ni this policy implies (the
    /// same as [`Policy::tariff`] for every pair, with memberships looked up
    /// once per state).
    pub fn shock(&self, world: &World, tariff: &mut Matrix, cost: &mut Matrix) {
        self.shock_into(world, tariff, cost, &mut ShockScratch::default());
    }

    /// [`Policy::shock`] with reusable workspace: once `scratch` has grown
    /// to the world's size, building the matrices allocates nothing (the
    /// forecast hot path builds them for every option evaluated).
    pub fn shock_into(
        &self,
        world: &World,
        tariff: &mut Matrix,
        cost: &mut Matrix,
        scratch: &mut ShockScratch,
    ) {
        let n_states = world.n_states();
        let ShockScratch {
            unions,
            applied,
            members,
            open,
        } = scratch;
        unions.clear();
        unions.extend((0..n_states).map(|s| self.union_of(world, s)));
        // Tariff equivalents of the measures each importer applies, by target.
        for n in 0..n_states {
            let rate = self.stance_rate(world, n, self.stance[n]);
            applied.clear();
            if let Some(u) = unions[n] {
                let measures = &world.institutions[u].union().expect("a union").measures;
                for (m, measure) in measures.iter().enumerate() {
                    if self.measure_in_force(world, u, m) && !self.is_breached(world, n, u, m) {
                        applied.push((measure.target, measure.tariff_equivalent()));
                    }
                }
            }
            for i in 0..n_states {
                let t = if n == i {
                    0.0
                } else if unions[n].is_some() && unions[n] == unions[i] {
                    self.retaliation.get(n, i)
                } else {
                    let measures: f64 = applied.iter().filter(|m| m.0 == i).map(|m| m.1).sum();
                    rate + measures + self.retaliation.get(n, i)
                };
                tariff.set(n, i, t);
                cost.set(n, i, 1.0);
            }
        }
        self.apply_regimes(world, cost, members);
        self.apply_unions(world, cost, members);
        self.apply_initiatives(world, cost, open);
        self.apply_sanctions(world, cost);
        for (i, c) in self.coerced.iter().enumerate() {
            let Some(c) = c else { continue };
            let inst = &world.institutions[c.by];
            let Some(leader) = inst.leader else { continue };
            // Two channels act through trade (the third, security, through
            // the security share): the member's exports that transit the
            // leader cost more, and so does its trade with the leader, in
            // proportion to the investment the leader can withdraw. Both
            // compound with the initiatives' cuts and the sanctions on the
            // same pairs rather than replacing them. A sponsor has only the
            // investment channel.
            let (coercion_cost, transit) = match (inst.union(), inst.initiative()) {
                (Some(rules), _) => (
                    rules.coercion_cost,
                    world.dependence[Channel::Transit as usize].get(i, leader),
                ),
                (None, Some(rules)) => (rules.coercion_cost, 0.0),
                _ => continue,
            };
            if transit > 0.0 {
                for n in (0..n_states).filter(|&n| n != i && n != leader) {
                    cost.set(n, i, cost.get(n, i) * (1.0 + coercion_cost * transit));
                }
            }
            let investment = 1.0 + coercion_cost * c.investment;
            cost.set(leader, i, cost.get(leader, i) * investment);
            cost.set(i, leader, cost.get(i, leader) * investment);
        }
        self.apply_rewards(world, cost);
    }

    /// A union leader's reward for joining a counter-response to sanctions
    /// on it: the member's exports that transit the leader cost less, by the
    /// regime's `leader_reward` times its transit dependence (the mirror of
    /// coercion through the same channel).
    fn apply_rewards(&self, world: &World, cost: &mut Matrix) {
        let n = world.n_states();
        let k = world.sanctions.len();
        for (j, s) in world.sanctions.iter().enumerate() {
            if !self.reward[j] || !s.active(self.year) {
                continue;
            }
            let Some(u) = self.union_of(world, s.target) else {
                continue;
            };
            let Some(leader) = world.institutions[u].leader else {
                continue;
            };
            for m in (0..n)
                .filter(|&m| m != leader && self.sanction[m * k + j] == SanctionStance::Counter)
            {
                if !self.active(world, m, u) {
                    continue;
                }
                let transit = world.dependence[Channel::Transit as usize].get(m, leader);
                for other in (0..n).filter(|&o| o != m && o != leader) {
                    cost.set(
                        other,
                        m,
                        cost.get(other, m) * (1.0 - s.leader_reward * transit),
                    );
                }
            }
        }
    }

    /// Customs unions: trade between two active members costs 1 − cut·depth
    /// times as much, both ways, `cut` the model's `depth_trade_cut` — deeper
    /// integration (common rules, a common currency) removes barriers that
    /// tariffs do not measure.
    fn apply_unions(&self, world: &World, cost: &mut Matrix, members: &mut Vec<usize>) {
        let cut = world.model.depth_trade_cut;
        if cut == 0.0 {
            return;
        }
        let n = world.n_states();
        for (u, inst) in world.institutions.iter().enumerate() {
            if inst.union().is_none() || !inst.in_force(self.year) {
                continue;
            }
            let factor = 1.0 - cut * self.charter[u].depth();
            members.clear();
            members.extend((0..n).filter(|&s| self.active(world, s, u)));
            for &a in members.iter() {
                for &b in members.iter().filter(|&&b| b != a) {
                    cost.set(a, b, cost.get(a, b) * factor);
                }
            }
        }
    }

    /// Trade regimes: trade between two active members costs the regime's
    /// `member_cost_factor` times as much, both ways (bound-tariff certainty).
    fn apply_regimes(&self, world: &World, cost: &mut Matrix, members: &mut Vec<usize>) {
        let n = world.n_states();
        for (r, inst) in world.institutions.iter().enumerate() {
            let Some(rules) = inst.regime() else { continue };
            if rules.member_cost_factor == 1.0 || !inst.in_force(self.year) {
                continue;
            }
            members.clear();
            members.extend((0..n).filter(|&s| self.active(world, s, r)));
            for &a in members.iter() {
                for &b in members.iter().filter(|&&b| b != a) {
                    cost.set(a, b, cost.get(a, b) * rules.member_cost_factor);
                }
            }
        }
    }

    /// Does participant `s` of initiative `u` enjoy its cost cut this year (the
    /// lag since joining has passed)?
    pub fn corridor_open(&self, world: &World, s: usize, u: usize) -> bool {
        let Some(rules) = world.institutions[u].initiative() else {
            return false;
        };
        // The sponsor builds the corridors; its own trade gets cheaper only
        // with participants.
        if world.institutions[u].leader == Some(s) {
            return false;
        }
        let since = self.since[s * world.institutions.len() + u];
        self.active(world, s, u) && (since == i32::MIN || self.year - since >= rules.lag_years)
    }

    /// Investment initiatives: each pair of a participant (past the lag) and a
    /// corridor partner trades at 1 − x·(1 − `cost_cut`) times the cost, x the
    /// participant's intensity (deep participation gets the whole cut), in
    /// both directions, once however many participants share the corridor.
    fn apply_initiatives(&self, world: &World, cost: &mut Matrix, open: &mut Vec<f64>) {
        let n = world.n_states();
        for (u, inst) in world.institutions.iter().enumerate() {
            let Some(rules) = inst.initiative() else {
                continue;
            };
            if !inst.in_force(self.year) {
                continue;
            }
            // The depth of participation on each side of a pair whose other
            // side is a corridor partner; the deeper one sets the cut.
            open.clear();
            open.extend((0..n).map(|s| {
                if self.corridor_open(world, s, u) {
                    self.intensity(s, u)
                } else {
                    0.0
                }
            }));
            for a in 0..n {
                for b in (0..n).filter(|&b| b != a) {
                    let x = (if rules.corridor.contains(&b) {
                        open[a]
                    } else {
                        0.0
                    })
                    .max(if rules.corridor.contains(&a) {
                        open[b]
                    } else {
                        0.0
                    });
                    if x > 0.0 {
                        cost.set(a, b, cost.get(a, b) * (1.0 - x * (1.0 - rules.cost_cut)));
                    }
                }
            }
        }
    }

    /// Sanctions in force: senders and target, compliers and target, counter-
    /// responders and senders, and senders and the targets of secondary
    /// sanctions trade at (1 + cost_increase) times the cost, both ways.
    fn apply_sanctions(&self, world: &World, cost: &mut Matrix) {
        let n = world.n_states();
        let k = world.sanctions.len();
        for (j, s) in world.sanctions.iter().enumerate() {
            if !s.active(self.year) {
                continue;
            }
            let mut raise = |a: usize, b: usize| {
                for (x, y) in [(a, b), (b, a)] {
                    cost.set(x, y, cost.get(x, y) * (1.0 + s.cost_increase));
                }
            };
            for &sender in &s.senders {
                raise(sender, s.target);
            }
            for state in 0..n {
                match self.sanction[state * k + j] {
                    SanctionStance::Comply => raise(state, s.target),
                    SanctionStance::Counter => {
                        s.senders.iter().for_each(|&sender| raise(state, sender))
                    }
                    // Re-exports earn a rent (RunState's circumvention
                    // gains), not a change of trade costs: the model has no
                    // route through third states.
                    SanctionStance::Ignore | SanctionStance::Circumvent => {}
                }
                if self.secondary[state * k + j] {
                    s.senders.iter().for_each(|&sender| raise(state, sender));
                }
            }
        }
    }

    /// How far importer `n` breaks the rules of trade regime `r` toward
    /// fellow member `j` for one cause (0 = no violation of that kind).
    pub fn violation_of(&self, world: &World, r: usize, n: usize, j: usize, cause: Cause) -> f64 {
        if n == j || !self.active(world, n, r) || !self.active(world, j, r) {
            return 0.0;
        }
        let union = self.union_of(world, n);
        if union.is_some() && union == self.union_of(world, j) {
            return 0.0;
        }
        match cause {
            Cause::Bound => {
                let excess =
                    self.stance_rate(world, n, self.stance[n]) - self.bound_rate(world, n, r);
                if excess > 1e-12 { excess } else { 0.0 }
            }
            Cause::Measure {
                union: u,
                measure: m,
            } => {
                let rules = world.institutions[u].union().expect("a union");
                let measure = &rules.measures[m];
                let applies = union == Some(u)
                    && measure.target == j
                    && !measure.wto_consistent
                    && self.measure_in_force(world, u, m)
                    && !self.is_breached(world, n, u, m);
                if applies {
                    measure.tariff_equivalent()
                } else {
                    0.0
                }
            }
        }
    }

    /// Every cause for which importer `n` breaks trade regime `r`'s rules
    /// toward `j`, with its margin.
    pub fn violations_toward(
        &self,
        world: &World,
        r: usize,
        n: usize,
        j: usize,
    ) -> Vec<(Cause, f64)> {
        let mut out = Vec::new();
        let mut push = |cause| {
            let m = self.violation_of(world, r, n, j, cause);
            if m > 0.0 {
                out.push((cause, m));
            }
        };
        push(Cause::Bound);
        if let Some(u) = self.union_of(world, n) {
            for m in 0..world.institutions[u]
                .union()
                .map_or(0, |r| r.measures.len())
            {
                push(Cause::Measure {
                    union: u,
                    measure: m,
                });
            }
        }
        out
    }

    /// The policy with `n` brought into line for `cause`: its bound rate, or
    /// the measure left unapplied (which, for a union member, breaks union law).
    pub fn remedied(&self, world: &World, n: usize, cause: Cause) -> Policy {
        let mut q = self.clone();
        match cause {
            Cause::Bound => q.stance[n] = Stance::Bound,
            Cause::Measure { union, measure } => q.set_breached(world, n, union, measure, true),
        }
        q
    }

    /// How far importer `n` breaks the rules of trade regime `r` toward fellow
    /// member `j`: its tariff above its bound plus WTO-inconsistent measures
    /// against `j` (0 = no violation).
    pub fn violation(&self, world: &World, r: usize, n: usize, j: usize) -> f64 {
        if n == j || !self.active(world, n, r) || !self.active(world, j, r) {
            return 0.0;
        }
        let union = self.union_of(world, n);
        if union.is_some() && union == self.union_of(world, j) {
            return 0.0;
        }
        let excess =
            (self.stance_rate(world, n, self.stance[n]) - self.bound_rate(world, n, r)).max(0.0);
        let excess = if excess > 1e-12 { excess } else { 0.0 };
        excess + self.measures_on(world, n, j, true)
    }

    /// Does `s` break the rules of trade regime `r` toward anyone?
    pub fn violates(&self, world: &World, r: usize, s: usize) -> bool {
        (0..world.n_states()).any(|j| self.violation(world, r, s, j) > 0.0)
    }

    /// Does `s` honour institution `inst`'s rules (None: it has no rules)?
    pub fn complies(&self, world: &World, inst: usize, s: usize) -> Option<bool> {
        let institution = &world.institutions[inst];
        if institution.regime().is_some() {
            Some(!self.violates(world, inst, s))
        } else if institution.union().is_some() {
            Some(self.complies_with_union(world, inst, s))
        } else {
            None
        }
    }

    /// Is measure `m` of union `u` adopted and within its years?
    pub fn measure_in_force(&self, world: &World, u: usize, m: usize) -> bool {
        let measure = &world.institutions[u].union().expect("a union").measures[m];
        self.is_adopted(world, u, m) && (measure.from..=measure.until).contains(&self.year)
    }

    /// Does member `s` honour customs union `u`: the CET and every common measure?
    pub fn complies_with_union(&self, world: &World, u: usize, s: usize) -> bool {
        let lawful = self.stance[s] == Stance::Cet
            || (self.stance[s] == Stance::Bound && self.exempt[s * self.institutions + u]);
        lawful
            && !(0..world.institutions[u]
                .union()
                .map_or(0, |r| r.measures.len()))
                .any(|m| self.is_breached(world, s, u, m) && self.measure_in_force(world, u, m))
    }
}

/// Workspace of [`Policy::shock_into`], kept between calls.
#[derive(Debug, Default)]
pub struct ShockScratch {
    unions: Vec<Option<usize>>,
    applied: Vec<(usize, f64)>,
    members: Vec<usize>,
    open: Vec<f64>,
}

/// Position of measure `m` of institution `u` among all unions' measures.
fn measure_slot(world: &World, u: usize, m: usize) -> usize {
    world.institutions[..u]
        .iter()
        .map(|i| i.union().map_or(0, |r| r.measures.len()))
        .sum::<usize>()
        + m
}
