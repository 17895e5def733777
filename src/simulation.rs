//! One run of a world: the yearly schedule of docs/model.md §3, from the first year
//! to the last, producing a [`RunOutcome`].
//!
//! Each round: (1) timeline events — historical joins; (2) institutional moves —
//! votes on common measures, accession talks; (3) policy moves — the tariff game
//! and the matrix games, states moving in a random order drawn each round;
//! (4) enforcement — union coercion, dispute settlement; (5) the economy — the
//! trade equilibrium of the policies in force; (6) learning — affinities, norms
//! (enforcement beliefs are updated where they are observed, in step 4);
//! (7) observation. Every random number comes from the run's own stream
//! (`montecarlo::run_rng`).

use crate::doctrine::{Doctrine, Viewpoint};
use crate::economy::{Economy, Gains};
use crate::game::dispute::Dispute;
use crate::game::matrix::MatrixRun;
use crate::game::{accession, alignment, dispute, initiative, sanctions, tariff, union};
use crate::institution::{Belief, Policy, Stance};
use crate::montecarlo::run_rng;
use crate::outcome::{Catalogue, Event, EventKind, Measure, RunOutcome, Series, TimePoint};
use crate::trade::TradeError;
use crate::world::{Matrix, Profile, World};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// A run that cannot go on: the trade equilibrium failed. Reported, never
/// written as a number.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("run {run}, year {year}: {source}")]
pub struct SimError {
    pub run: u64,
    pub year: i32,
    pub source: TradeError,
}

/// Per-state tallies behind the run's metrics.
#[derive(Clone, Debug, Default)]
pub struct Record {
    /// Year each state joined each institution during the run (state × institution).
    pub joined: Vec<f64>,
    /// Member-rounds and compliant member-rounds (state × institution).
    pub member_rounds: Vec<u32>,
    pub compliant_rounds: Vec<u32>,
    pub welfare_sum: Vec<f64>,
    pub tariff_sum: Vec<f64>,
    pub economy_rounds: u32,
    pub disputes_filed: Vec<u32>,
    pub disputes_faced: Vec<u32>,
    pub rounds_coerced: Vec<u32>,
    pub rounds_retaliated: Vec<u32>,
    /// Was each state violating each institution's rules last round?
    violating: Vec<bool>,
    /// Has each state been a member of each institution (in force) in this run?
    ever_member: Vec<bool>,
    /// Investment initiatives: rounds in force and rounds taking part (state × institution).
    pub initiative_rounds: Vec<u32>,
    pub participation_rounds: Vec<u32>,
    /// Sanctions: rounds as a third state under sanctions, complied, countered.
    pub sanction_rounds: Vec<u32>,
    pub complied_rounds: Vec<u32>,
    pub counter_rounds: Vec<u32>,
    pub alignment_switches: Vec<u32>,
    /// Welfare lost to contagion (percent, summed), and this round's shock.
    pub contagion_loss: Vec<f64>,
    pub shock: Vec<f64>,
    /// Bound by its union's adopted joint counter-response (state × regime).
    pub committed: Vec<bool>,
    /// This round's welfare change (contagion shock included) and mean
    /// tariff, as summed into `welfare_sum` and `tariff_sum`.
    pub year_welfare: Vec<f64>,
    pub year_tariff: Vec<f64>,
}

/// Options of a run that do not change its results, only what is recorded.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    pub timeseries: bool,
}

/// The mutable state of one run, shared by the games of a round.
pub struct RunState<'w> {
    pub world: &'w World,
    /// The doctrine of every state under the profile being run.
    pub doctrines: &'w [Doctrine],
    pub year: i32,
    pub rng: ChaCha8Rng,
    /// Current affinity a_ij.
    pub affinity: Matrix,
    /// Current internalised norms, state × institution.
    pub norms: Matrix,

    great_power: Vec<bool>,
    /// Affinity signals received this round: sum and count per (observer, about).
    signal_sum: Matrix,
    signal_count: Matrix,
    /// Per institution this round: (compliant moves by members, moves by members).
    compliance: Vec<(u32, u32)>,
    events: Vec<Event>,
    /// What every state does, as the economy sees it.
    pub policy: Policy,
    economy: Option<Economy<'w>>,
    /// Per institution: the shared belief that a violation is challenged
    /// (trade regime) or that a deviation is coerced (customs union).
    pub beliefs: Vec<Belief>,
    pub disputes: Vec<Dispute>,
    pub talks: Vec<accession::Talks>,
    pub record: Record,
    /// Current investment dependence of i on j (grows with initiative participation).
    pub investment: Matrix,
    /// Each state's alignment (None: hedging).
    pub alignment: Vec<Option<usize>>,
    run: u64,
}

impl<'w> RunState<'w> {
    fn new(world: &'w World, doctrines: &'w [Doctrine], rng: ChaCha8Rng, run: u64) -> Self {
        let n = world.n_states();
        let k = world.institutions.len();
        let mut policy = Policy::initial(world, world.start);
        // Historical joins in the first year happen in that year's events, so
        // they are logged and dated like any other.
        for (i, inst) in world.institutions.iter().enumerate() {
            for &(s, year) in &inst.joined {
                if year == world.start {
                    policy.set_member(s, i, false);
                }
            }
        }
        // Measures voted on before the timeline starts count as adopted.
        for (u, inst) in world.institutions.iter().enumerate() {
            for m in 0..inst.union().map_or(0, |r| r.measures.len()) {
                let decided = union::decided_before(world, u, m, world.start);
                policy.set_adopted(world, u, m, decided);
            }
        }
        let beliefs = world
            .institutions
            .iter()
            .map(|i| match (i.regime(), i.union()) {
                (Some(r), _) => Belief::new(r.challenge_prior),
                (_, Some(u)) => Belief::new(u.coercion_prior),
                _ => Belief::new([1.0, 1.0]),
            })
            .collect();
        let record = Record {
            joined: vec![f64::NAN; n * k],
            member_rounds: vec![0; n * k],
            compliant_rounds: vec![0; n * k],
            welfare_sum: vec![0.0; n],
            tariff_sum: vec![0.0; n],
            economy_rounds: 0,
            disputes_filed: vec![0; n],
            disputes_faced: vec![0; n],
            rounds_coerced: vec![0; n],
            rounds_retaliated: vec![0; n],
            violating: vec![false; n * k],
            ever_member: vec![false; n * k],
            initiative_rounds: vec![0; n * k],
            participation_rounds: vec![0; n * k],
            sanction_rounds: vec![0; n],
            complied_rounds: vec![0; n],
            counter_rounds: vec![0; n],
            contagion_loss: vec![0.0; n],
            alignment_switches: vec![0; n],
            shock: vec![0.0; n],
            committed: vec![false; n * world.sanctions.len()],
            year_welfare: vec![0.0; n],
            year_tariff: vec![0.0; n],
        };
        RunState {
            policy,
            economy: world.trade.as_ref().map(|t| Economy::new(world, t)),
            beliefs,
            disputes: Vec::new(),
            talks: Vec::new(),
            record,
            investment: world.dependence[crate::world::Channel::Investment as usize].clone(),
            alignment: world.alignment.clone(),
            run,
            world,
            doctrines,
            year: world.start,
            rng,
            affinity: world.affinity.clone(),
            norms: world.norms.clone(),

            great_power: world.states.iter().map(|s| s.great_power).collect(),
            signal_sum: Matrix::new(n, n, 0.0),
            signal_count: Matrix::new(n, n, 0.0),
            compliance: vec![(0, 0); k],
            events: Vec::new(),
        }
    }

    /// State `me`'s point of view for a decision in a game whose matches continue
    /// with probability `continuation`.
    pub fn viewpoint(&self, me: usize, continuation: f64) -> Viewpoint<'_> {
        let doctrine = self.doctrines[me];
        let params = self.world.states[me].params_for(doctrine);
        Viewpoint {
            me,
            doctrine,
            params,
            threat: self.world.threat.row(me),
            affinity: self.affinity.row(me),
            norms: self.norms.row(me),
            great_power: &self.great_power,
            delta: params.discount * continuation,
        }
    }

    /// `observer` saw `about` cooperate (+1) or defect, coerce, sanction (−1).
    pub fn signal(&mut self, observer: usize, about: usize, value: f64) {
        let i = observer * self.signal_sum.cols + about;
        self.signal_sum.data[i] += value;
        self.signal_count.data[i] += 1.0;
    }

    /// A member of `institution` complied with its rules or did not.
    pub fn observe_compliance(&mut self, institution: usize, complied: bool) {
        let c = &mut self.compliance[institution];
        c.0 += u32::from(complied);
        c.1 += 1;
    }

    pub fn event(&mut self, mut event: Event) {
        event.year = self.year;
        self.events.push(event);
    }

    /// ĝ of every state under `policy` (zeros when the world has no trade model).
    pub fn gains(&mut self, policy: &Policy) -> Result<Gains, SimError> {
        let (run, year) = (self.run, self.year);
        match &mut self.economy {
            Some(e) => e
                .gains(policy)
                .map_err(|source| SimError { run, year, source }),
            None => Ok(vec![0.0; self.world.n_states()].into()),
        }
    }

    /// Equilibria solved so far in this run.
    pub fn solves(&self) -> u64 {
        self.economy.as_ref().map_or(0, |e| e.solves)
    }

    /// Step 1: historical joins take effect; coercion is decided afresh each round.
    fn timeline_events(&mut self) {
        let world = self.world;
        let k = world.institutions.len();
        self.policy.year = self.year;
        self.policy.coerced.iter_mut().for_each(|c| *c = None);
        for (i, inst) in world.institutions.iter().enumerate() {
            for &(s, year) in &inst.joined {
                if year == self.year && !self.policy.is_member(s, i) {
                    self.policy.set_member(s, i, true);
                    // An initiative's corridor opens `lag_years` after this.
                    self.policy.since[s * k + i] = year;
                    self.record.joined[s * k + i] = year as f64;
                    self.event(Event::new(EventKind::Join, s).institution(i));
                }
            }
        }
        for s in 0..world.n_states() {
            for i in 0..k {
                if self.policy.active(world, s, i) {
                    // Entering a customs union means adopting its CET.
                    let entering = !self.record.ever_member[s * k + i];
                    if entering && world.institutions[i].union().is_some() {
                        self.policy.stance[s] = Stance::Cet;
                    }
                    self.record.ever_member[s * k + i] = true;
                }
            }
        }
    }

    /// Step 5: the economy of the policies in force (welfare, applied tariffs).
    fn observe_economy(&mut self) -> Result<(), SimError> {
        let n = self.world.n_states();
        if self.economy.is_some() {
            let gains = self.gains(&self.policy.clone())?;
            self.record.economy_rounds += 1;
            let tariffs = self
                .economy
                .as_mut()
                .map(|e| e.mean_tariffs(&self.policy))
                .unwrap_or_default();
            for s in 0..n {
                // This round's contagion shock counts once, in its year.
                let welfare = gains[s] + std::mem::take(&mut self.record.shock[s]);
                self.record.year_welfare[s] = welfare;
                self.record.year_tariff[s] = tariffs[s];
                self.record.welfare_sum[s] += welfare;
                self.record.tariff_sum[s] += tariffs[s];
            }
        }
        Ok(())
    }

    /// Steps 6–7 for institutions: compliance tallies, violation events,
    /// compliance signals and norms.
    fn observe_policies(&mut self) {
        let world = self.world;
        let n = world.n_states();
        let k = world.institutions.len();
        for s in 0..n {
            if self.policy.retaliation.data[..]
                .chunks(n)
                .any(|row| row[s] > 0.0)
            {
                self.record.rounds_retaliated[s] += 1;
            }
        }
        for (i, inst) in world.institutions.iter().enumerate() {
            let members: Vec<usize> = (0..n)
                .filter(|&s| self.policy.active(world, s, i))
                .collect();
            let complies = |p: &Policy, s: usize| p.complies(world, i, s);
            // A member that has left keeps counting, as non-compliant: exit is
            // the fullest breach of an institution's rules.
            for &s in &members {
                self.record.ever_member[s * k + i] = true;
            }
            for s in 0..n {
                let left = !members.contains(&s) && self.record.ever_member[s * k + i];
                if left && complies(&self.policy, s).is_some() {
                    self.record.member_rounds[s * k + i] += 1;
                }
            }
            for &s in &members {
                let Some(ok) = complies(&self.policy, s) else {
                    continue;
                };
                self.record.member_rounds[s * k + i] += 1;
                self.record.compliant_rounds[s * k + i] += u32::from(ok);
                self.observe_compliance(i, ok);
                // Fellow members read compliance as cooperation, violation as defection.
                for &other in members.iter().filter(|&&o| o != s) {
                    self.signal(other, s, if ok { 1.0 } else { -1.0 });
                }
                let was = std::mem::replace(&mut self.record.violating[s * k + i], !ok);
                if !ok && !was && inst.regime().is_some() {
                    self.event(Event::new(EventKind::Violation, s).institution(i));
                }
            }
        }
    }

    /// Shuffle `order` (Fisher–Yates) with the run's stream.
    fn draw_move_order(&mut self, order: &mut [usize]) {
        for i in (1..order.len()).rev() {
            let j = self.rng.random_range(0..=i);
            order.swap(i, j);
        }
    }

    /// docs/model.md §7.14: affinity moves toward the round's mean signal, or
    /// drifts back to its baseline when nothing was signalled; norms move toward
    /// members' compliance with each institution observed this round.
    fn learn(&mut self) {
        let n = self.world.n_states();
        for i in 0..n {
            let params = self.world.states[i].params_for(self.doctrines[i]);
            for j in (0..n).filter(|&j| j != i) {
                let count = self.signal_count.get(i, j);
                let a = self.affinity.get(i, j);
                let next = if count > 0.0 {
                    let signal = self.signal_sum.get(i, j) / count;
                    (1.0 - params.affinity_learning) * a + params.affinity_learning * signal
                } else {
                    a + params.affinity_drift * (self.world.affinity.get(i, j) - a)
                };
                self.affinity.set(i, j, next.clamp(-1.0, 1.0));
            }
            for (inst, &(complied, moves)) in self.compliance.iter().enumerate() {
                if moves == 0 {
                    continue;
                }
                let peer = f64::from(complied) / f64::from(moves);
                let norm = self.norms.get(i, inst);
                let member = f64::from(u8::from(self.policy.active(self.world, i, inst)));
                let target = member * peer;
                self.norms
                    .set(i, inst, norm + params.norm_learning * (target - norm));
            }
        }
        self.signal_sum.data.iter_mut().for_each(|x| *x = 0.0);
        self.signal_count.data.iter_mut().for_each(|x| *x = 0.0);
        self.compliance.iter_mut().for_each(|c| *c = (0, 0));
    }

    /// Mean affinity over all ordered pairs of distinct states.
    fn region_affinity(&self) -> f64 {
        let n = self.world.n_states();
        (0..n).map(|i| self.mean_affinity(i)).sum::<f64>() / n as f64
    }

    fn mean_affinity(&self, i: usize) -> f64 {
        let n = self.world.n_states();
        let row = self.affinity.row(i);
        (0..n).filter(|&j| j != i).map(|j| row[j]).sum::<f64>() / (n - 1) as f64
    }
}

/// Simulate run `run` of `world` under `profile`, drawing from stream `run` of `seed`.
pub fn simulate(
    world: &World,
    profile: &Profile,
    catalogue: &Catalogue,
    seed: u64,
    run: u64,
    options: RunOptions,
) -> Result<RunOutcome, SimError> {
    let mut rs = RunState::new(world, &profile.doctrines, run_rng(seed, run), run);
    let mut games: Vec<MatrixRun> = world
        .games
        .iter()
        .map(|g| MatrixRun::new(g, world.n_states()))
        .collect();
    let mut order: Vec<usize> = (0..world.n_states()).collect();
    let mut timeseries = Vec::new();
    // Institutional mechanics act through tariffs, so they need the trade model.
    let institutions = world.trade.is_some() && !world.institutions.is_empty();
    for year in world.years() {
        rs.year = year;
        rs.timeline_events();
        let trade = world.trade.is_some();
        if trade {
            sanctions::impose(&mut rs);
        }
        rs.draw_move_order(&mut order);
        if institutions {
            union::vote_measures(&mut rs)?;
            accession::negotiate(&mut rs)?;
            initiative::play_round(&mut rs, &order)?;
        }
        if trade {
            tariff::play_round(&mut rs, &order)?;
            sanctions::play_round(&mut rs, &order)?;
        }

        if !world.blocs.is_empty() {
            alignment::play_round(&mut rs, &order);
        }
        for (g, game) in world.games.iter().enumerate() {
            if game.active(year) {
                games[g].play_round(g, game, &mut rs, &order);
            }
        }
        if institutions {
            union::coerce(&mut rs)?;
            dispute::enforce(&mut rs)?;
            rs.observe_policies();
            initiative::learn(&mut rs);
        }
        if trade {
            sanctions::enforce(&mut rs);
            rs.observe_economy()?;
        }
        rs.learn();
        if options.timeseries {
            record_year(&mut rs, &games, &mut timeseries);
        }
    }
    let values = catalogue
        .keys
        .iter()
        .map(|k| measure(&rs, &games, k.state, k.measure))
        .collect();
    let solves = rs.solves();
    Ok(RunOutcome {
        run,
        values,
        events: rs.events,
        timeseries,
        solves,
    })
}

/// Wendt's (1999) three cultures of anarchy from the region's mean affinity:
/// −1 Hobbesian (enemies, below −1/3), 0 Lockean (rivals), +1 Kantian (friends,
/// above 1/3).
pub fn culture(mean_affinity: f64) -> f64 {
    if mean_affinity < -1.0 / 3.0 {
        -1.0
    } else if mean_affinity > 1.0 / 3.0 {
        1.0
    } else {
        0.0
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

fn measure(rs: &RunState<'_>, games: &[MatrixRun], state: usize, m: Measure) -> f64 {
    let tally = |g: usize| games[g].total[state];
    let k = rs.world.institutions.len();
    match m {
        Measure::MeanPayoff(g) => ratio(tally(g).payoff, tally(g).moves as f64),
        Measure::TotalPayoff(g) => tally(g).payoff,
        Measure::CooperationRate(g) => ratio(tally(g).cooperations as f64, tally(g).moves as f64),
        Measure::MutualCooperationRate(g) => {
            ratio(tally(g).mutual_cooperations as f64, tally(g).moves as f64)
        }
        Measure::RoundsPlayed(g) => tally(g).moves as f64,
        Measure::MeanAffinity => rs.mean_affinity(state),
        Measure::Affinity(j) => rs.affinity.get(state, j),
        Measure::Norm(i) => rs.norms.get(state, i),
        Measure::AccessionYear(i) => rs.record.joined[state * k + i],
        Measure::MemberAtEnd(i) => f64::from(u8::from(rs.policy.is_member(state, i))),
        Measure::ComplianceShare(i) => ratio(
            f64::from(rs.record.compliant_rounds[state * k + i]),
            f64::from(rs.record.member_rounds[state * k + i]),
        ),
        Measure::BoundTariff(i) => {
            if rs.policy.is_member(state, i) {
                100.0 * rs.policy.bound_rate(rs.world, state, i)
            } else {
                f64::NAN
            }
        }
        Measure::MeanTariff => ratio(
            rs.record.tariff_sum[state],
            f64::from(rs.record.economy_rounds),
        ),
        Measure::WelfareChange => ratio(
            rs.record.welfare_sum[state],
            f64::from(rs.record.economy_rounds),
        ),
        Measure::DisputesFiled => f64::from(rs.record.disputes_filed[state]),
        Measure::DisputesFaced => f64::from(rs.record.disputes_faced[state]),
        Measure::RoundsCoerced => f64::from(rs.record.rounds_coerced[state]),
        Measure::RoundsRetaliated => f64::from(rs.record.rounds_retaliated[state]),
        Measure::ParticipationShare(i) => ratio(
            f64::from(rs.record.participation_rounds[state * k + i]),
            f64::from(rs.record.initiative_rounds[state * k + i]),
        ),
        Measure::InvestmentDependence => rs
            .world
            .institutions
            .iter()
            .filter(|i| i.initiative().is_some())
            .filter_map(|i| i.leader)
            .filter(|&sponsor| sponsor != state)
            .map(|sponsor| rs.investment.get(state, sponsor))
            .fold(0.0, f64::max),
        Measure::SanctionsComplianceShare => ratio(
            f64::from(rs.record.complied_rounds[state]),
            f64::from(rs.record.sanction_rounds[state]),
        ),
        Measure::CounterRounds => f64::from(rs.record.counter_rounds[state]),
        Measure::ContagionLoss => rs.record.contagion_loss[state],
        Measure::Aligned(b) => f64::from(u8::from(rs.alignment[state] == Some(b))),
        Measure::Hedging => f64::from(u8::from(rs.alignment[state].is_none())),
        Measure::AlignmentSwitches => f64::from(rs.record.alignment_switches[state]),
        Measure::Security => alignment::security(rs, state),
        Measure::RegionAffinity => rs.region_affinity(),
        Measure::CultureOfAnarchy => culture(rs.region_affinity()),
    }
}

fn record_year(rs: &mut RunState<'_>, games: &[MatrixRun], out: &mut Vec<TimePoint>) {
    let world = rs.world;
    for state in 0..world.n_states() {
        let mut push = |series: Series, value: f64| {
            out.push(TimePoint {
                year: rs.year,
                state,
                series,
                value,
            });
        };
        for (g, game) in world.games.iter().enumerate() {
            let t = games[g].round[state];
            if game.active(rs.year) && t.moves > 0 {
                push(
                    Series::CooperationRate(g),
                    t.cooperations as f64 / t.moves as f64,
                );
                push(Series::MeanPayoff(g), t.payoff / t.moves as f64);
            }
        }
        if world.n_states() > 1 {
            push(Series::MeanAffinity, rs.mean_affinity(state));
        }
        for (j, other) in world.states.iter().enumerate() {
            if other.great_power && j != state {
                push(Series::Affinity(j), rs.affinity.get(state, j));
            }
        }
        for i in 0..world.institutions.len() {
            push(Series::Norm(i), rs.norms.get(state, i));
            if rs.policy.active(world, state, i) {
                if let Some(ok) = rs.policy.complies(world, i, state) {
                    push(Series::Compliant(i), f64::from(u8::from(ok)));
                }
            }
        }
        if world.trade.is_some() {
            push(Series::WelfareChange, rs.record.year_welfare[state]);
            push(Series::MeanTariff, rs.record.year_tariff[state]);
        }
    }
}
