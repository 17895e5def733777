//! One run of a world: the yearly schedule of MODEL.md §3, from the first year
//! to the last, producing a [`RunOutcome`].
//!
//! Each round: (1) timeline events, (2) institutional moves, (3) policy moves —
//! here the matrix games, states moving in a random order drawn each round,
//! (4) enforcement, (5) the economy, (6) learning, (7) observation. Steps that no
//! mechanism of this version fills are simply absent; every random number comes
//! from the run's own stream (`montecarlo::run_rng`).

use crate::doctrine::{Doctrine, Viewpoint};
use crate::game::matrix::MatrixRun;
use crate::montecarlo::run_rng;
use crate::outcome::{Catalogue, Event, Measure, RunOutcome, Series, TimePoint};
use crate::world::{Matrix, Profile, World};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

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
    /// Membership, state × institution (1 = member).
    pub member: Matrix,
    great_power: Vec<bool>,
    /// Affinity signals received this round: sum and count per (observer, about).
    signal_sum: Matrix,
    signal_count: Matrix,
    /// Per institution this round: (compliant moves by members, moves by members).
    compliance: Vec<(u32, u32)>,
    events: Vec<Event>,
}

impl<'w> RunState<'w> {
    fn new(world: &'w World, doctrines: &'w [Doctrine], rng: ChaCha8Rng) -> Self {
        let n = world.n_states();
        let k = world.institutions.len();
        let mut member = Matrix::new(n, k, 0.0);
        for (i, inst) in world.institutions.iter().enumerate() {
            for &s in &inst.members {
                member.set(s, i, 1.0);
            }
        }
        RunState {
            world,
            doctrines,
            year: world.start,
            rng,
            affinity: world.affinity.clone(),
            norms: world.norms.clone(),
            member,
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

    /// Shuffle `order` (Fisher–Yates) with the run's stream.
    fn draw_move_order(&mut self, order: &mut [usize]) {
        for i in (1..order.len()).rev() {
            let j = self.rng.random_range(0..=i);
            order.swap(i, j);
        }
    }

    /// MODEL.md §4 Learning: affinity moves toward the round's mean signal, or
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
                let target = self.member.get(i, inst) * peer;
                self.norms
                    .set(i, inst, norm + params.norm_learning * (target - norm));
            }
        }
        self.signal_sum.data.iter_mut().for_each(|x| *x = 0.0);
        self.signal_count.data.iter_mut().for_each(|x| *x = 0.0);
        self.compliance.iter_mut().for_each(|c| *c = (0, 0));
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
) -> RunOutcome {
    let mut rs = RunState::new(world, &profile.doctrines, run_rng(seed, run));
    let mut games: Vec<MatrixRun> = world
        .games
        .iter()
        .map(|g| MatrixRun::new(g, world.n_states()))
        .collect();
    let mut order: Vec<usize> = (0..world.n_states()).collect();
    let mut timeseries = Vec::new();
    for year in world.years() {
        rs.year = year;
        rs.draw_move_order(&mut order);
        for (g, game) in world.games.iter().enumerate() {
            if game.active(year) {
                games[g].play_round(g, game, &mut rs, &order);
            }
        }
        rs.learn();
        if options.timeseries {
            record_year(&rs, &games, &mut timeseries);
        }
    }
    let values = catalogue
        .keys
        .iter()
        .map(|k| measure(&rs, &games, k.state, k.measure))
        .collect();
    RunOutcome {
        run,
        values,
        events: rs.events,
        timeseries,
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

fn measure(rs: &RunState<'_>, games: &[MatrixRun], state: usize, m: Measure) -> f64 {
    let tally = |g: usize| games[g].total[state];
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
    }
}

fn record_year(rs: &RunState<'_>, games: &[MatrixRun], out: &mut Vec<TimePoint>) {
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
        }
    }
}
