//! The mutable state of one run: every state variable that changes from year
//! to year (docs/model.md §2, §4), in one place below the games that read and
//! change it.
//!
//! [`RunState`] holds the policies in force ([`Policy`]), affinities, norms,
//! enforcement beliefs ([`Belief`]), investment dependence, alignments, open
//! disputes and accession talks, the run's random stream, and the tallies
//! behind its metrics ([`Record`]). The games (one layer up) read it to
//! forecast and write their choices into it; the yearly schedule
//! ([`crate::simulation`]) calls them in order.

use crate::doctrine::{self, Doctrine, Family, Forecast, Valuation, Viewpoint};
use crate::economy::{Economy, Welfare};
use crate::event::Event;
use crate::matrix::Matrix;
use crate::policy::{Cause, Policy};
use crate::trade::TradeError;
use crate::world::World;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

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
    pub(crate) violating: Vec<bool>,
    /// Has each state been a member of each institution (in force) in this run?
    pub(crate) ever_member: Vec<bool>,
    /// Investment initiatives: rounds in force, and the intensities of
    /// participation summed over them (state × institution).
    pub initiative_rounds: Vec<u32>,
    pub participation: Vec<f64>,
    /// Did the state take part less this year than the year before (state ×
    /// institution)? The sponsor may then coerce.
    pub(crate) reduced: Vec<bool>,
    /// Sanctions: rounds as a third state under sanctions, complied, countered.
    pub sanction_rounds: Vec<u32>,
    pub complied_rounds: Vec<u32>,
    pub counter_rounds: Vec<u32>,
    /// Rounds the state let sanctioned goods through (as a third state).
    pub circumvent_rounds: Vec<u32>,
    /// Order-making: drafts the state tabled, its drafts that were
    /// accepted, institutions it founded, institutions it joined later.
    pub proposals_made: Vec<u32>,
    pub proposals_accepted: Vec<u32>,
    pub founded: Vec<u32>,
    pub joined_later: Vec<u32>,
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
    /// Decisions with at least two options, and those whose two best options
    /// lay within 1/λ of each other.
    pub decisions: u64,
    pub near_ties: u64,
    /// A digest of each state's choices in order (year, decision, options,
    /// option chosen): two runs of a state with equal digests made the same
    /// choices, which is how `compare` finds doctrine-blind states.
    pub choices: Vec<u64>,
}

/// A Beta belief about a probability, from counts of what happened to anyone.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Belief {
    pub yes: f64,
    pub no: f64,
}

impl Belief {
    pub fn new(prior: [f64; 2]) -> Self {
        Belief {
            yes: prior[0],
            no: prior[1],
        }
    }

    pub fn mean(&self) -> f64 {
        self.yes / (self.yes + self.no)
    }

    pub fn observe(&mut self, happened: bool) {
        if happened {
            self.yes += 1.0;
        } else {
            self.no += 1.0;
        }
    }
}

/// Where a dispute stands (the WTO's DSU, in outline).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stage {
    /// Consultations, from the filing on; the complainant may request a panel
    /// once `consultation_years` have passed.
    Consultations,
    /// A panel, requested in this year; it rules after `panel_years`.
    Panel { requested: i32 },
    /// The respondent appealed the ruling in this year; a stalled appeal
    /// (the appellate body cannot sit) never ends.
    Appeal { lodged: i32, stalled: bool },
    /// Authorised retaliation: the complainant's extra tariff on the respondent.
    Retaliation { tariff: f64 },
}

/// A dispute in a trade regime over one cause, from the request for
/// consultations to its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispute {
    pub regime: usize,
    pub complainant: usize,
    pub respondent: usize,
    pub cause: Cause,
    pub filed: i32,
    pub stage: Stage,
}

/// A proposal's state during a run (docs/model.md §7.18).
#[derive(Clone, Debug, PartialEq)]
pub struct DraftState {
    /// The draft as the proposer last adapted it.
    pub draft: crate::world::Draft,
    /// The invitees that refused it when it was last put.
    pub refused: Vec<usize>,
    /// Whether the first draft has been tabled.
    pub tabled: bool,
}

/// Accession talks between one applicant and one trade regime: a bilateral
/// track with each principal supplier.
#[derive(Clone, Debug, PartialEq)]
pub struct Talks {
    pub regime: usize,
    pub applicant: usize,
    pub tracks: Vec<Track>,
}

/// One member's bilateral track in accession talks.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    pub member: usize,
    /// The member's latest demand for the applicant's bound (fraction).
    pub demand: Option<f64>,
    /// Whether the applicant has accepted it.
    pub agreed: bool,
    /// The member's belief about the lowest bound the applicant accepts:
    /// uniform on [low, high] (fractions).
    pub low: f64,
    pub high: f64,
}

/// One option of a traced decision: its utility by component and its logit
/// probability.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionRecord {
    pub label: String,
    pub valuation: Valuation,
    pub probability: f64,
}

/// A traced decision (`--trace`): who chose what among which options.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionRecord {
    pub year: i32,
    pub state: usize,
    pub decision: String,
    pub options: Vec<OptionRecord>,
    pub chosen: usize,
}

/// The forecasts one decision of an observed state rested on (tests of the
/// world model: they must not depend on the state's doctrine).
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastRecord {
    pub year: i32,
    pub decision: String,
    pub forecasts: Vec<Forecast>,
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

    pub(crate) great_power: Vec<bool>,
    /// Affinity signals received this round: sum and count per (observer, about).
    pub(crate) signal_sum: Matrix,
    pub(crate) signal_count: Matrix,
    /// Per institution this round: (compliant moves by members, moves by members).
    pub(crate) compliance: Vec<(u32, u32)>,
    pub(crate) events: Vec<Event>,
    /// What every state does, as the economy sees it.
    pub policy: Policy,
    pub(crate) economy: Option<Economy<'w>>,
    /// Per institution: the shared belief that a violation is challenged
    /// (trade regime) or that a deviation is coerced (customs union).
    pub beliefs: Vec<Belief>,
    pub disputes: Vec<Dispute>,
    pub talks: Vec<Talks>,
    /// Per proposal of the scenario: its current draft, the states that
    /// refused it last time, and whether it was tabled yet.
    pub drafts: Vec<DraftState>,
    /// Per institution founded by a proposal: its author.
    pub author: Vec<Option<usize>>,
    pub record: Record,
    /// Yearly reform cost (percent of spending) each state pays for the
    /// non-tariff issues of the accessions it has made.
    pub reform_cost: Vec<f64>,
    /// Current investment dependence of i on j (grows with initiative participation).
    pub investment: Matrix,
    /// Each state's alignment (None: hedging).
    pub alignment: Vec<Option<usize>>,
    pub(crate) run: u64,
    /// Every decision, when the run is traced.
    pub trace: Option<Vec<DecisionRecord>>,
    /// The state whose forecasts are recorded, and the record.
    pub observe: Option<(usize, Vec<ForecastRecord>)>,
    /// The state whose choices are replayed, and its choices still to come
    /// (last first).
    pub replay: Option<(usize, Vec<usize>)>,
    /// Reused buffer of a decision's utilities.
    scratch: Vec<f64>,
    /// Buffers the forecasts reuse, so that forecasting an option allocates
    /// nothing once a run is under way ([`RunState::copy_of`]).
    pub(crate) spare: Spare,
}

/// Reused buffers of the forecasts: policies, forecasts, and the years until
/// each member's retaliation (`game::forecast`).
#[derive(Default)]
pub(crate) struct Spare {
    policies: Vec<Policy>,
    forecasts: Vec<Forecast>,
    pub(crate) due: Vec<Option<u32>>,
}

impl Spare {
    /// `p` copied into a policy buffer given back earlier, if there is one.
    fn copy_of(&mut self, p: &Policy) -> Policy {
        match self.policies.pop() {
            Some(mut q) => {
                q.clone_from(p);
                q
            }
            None => p.clone(),
        }
    }
}

impl<'w> RunState<'w> {
    pub fn new(world: &'w World, doctrines: &'w [Doctrine], rng: ChaCha8Rng, run: u64) -> Self {
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
            for (m, measure) in inst
                .union()
                .map_or(&[][..], |r| &r.measures)
                .iter()
                .enumerate()
            {
                let decided = measure.vote_year(inst.founded) < world.start;
                policy.set_adopted(world, u, m, decided);
            }
        }
        let beliefs = world
            .institutions
            .iter()
            .map(|i| match (i.regime(), i.union()) {
                (Some(r), _) => Belief::new(r.challenge_prior),
                (_, Some(u)) => Belief::new(u.coercion_prior),
                _ => Belief::new(i.initiative().map_or([1.0, 1.0], |r| r.coercion_prior)),
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
            participation: vec![0.0; n * k],
            reduced: vec![false; n * k],
            sanction_rounds: vec![0; n],
            complied_rounds: vec![0; n],
            counter_rounds: vec![0; n],
            circumvent_rounds: vec![0; n],
            proposals_made: vec![0; n],
            proposals_accepted: vec![0; n],
            founded: vec![0; n],
            joined_later: vec![0; n],
            contagion_loss: vec![0.0; n],
            alignment_switches: vec![0; n],
            shock: vec![0.0; n],
            committed: vec![false; n * world.sanctions.len()],
            year_welfare: vec![0.0; n],
            year_tariff: vec![0.0; n],
            decisions: 0,
            near_ties: 0,
            choices: vec![0; n],
        };
        RunState {
            policy,
            economy: world.trade.as_ref().map(|t| Economy::new(world, t)),
            beliefs,
            disputes: Vec::new(),
            talks: Vec::new(),
            drafts: world
                .proposals
                .iter()
                .map(|p| DraftState {
                    draft: p.draft.clone(),
                    refused: Vec::new(),
                    tabled: false,
                })
                .collect(),
            author: vec![None; k],
            reform_cost: vec![0.0; n],
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
            trace: None,
            observe: None,
            replay: None,
            scratch: Vec::new(),
            spare: Spare::default(),
        }
    }

    /// A copy of `p` in a policy buffer given back earlier
    /// ([`recycle`](Self::recycle)): no allocation once a few have been.
    pub fn copy_of(&mut self, p: &Policy) -> Policy {
        self.spare.copy_of(p)
    }

    /// A copy of the status quo, like [`copy_of`](Self::copy_of) — a game
    /// compares its options with it while it changes `self`.
    pub fn status_quo(&mut self) -> Policy {
        self.spare.copy_of(&self.policy)
    }

    /// Give a policy's buffers back for [`copy_of`](Self::copy_of).
    pub fn recycle(&mut self, p: Policy) {
        self.spare.policies.push(p);
    }

    /// An empty forecast of `now` and `cont`, in buffers given back earlier
    /// ([`recycle_forecast`](Self::recycle_forecast)).
    pub fn blank_forecast(&mut self, now: Welfare, cont: Welfare) -> Forecast {
        match self.spare.forecasts.pop() {
            Some(mut f) => {
                f.now = now;
                f.cont = cont;
                f.later = None;
                f.security = 0.0;
                f.retaliation.clear();
                f.coercion.clear();
                f.dependence.clear();
                f.violations.clear();
                f.compliance.clear();
                f
            }
            None => Forecast {
                now,
                cont,
                ..Forecast::default()
            },
        }
    }

    /// Give a forecast's buffers back for [`blank_forecast`](Self::blank_forecast).
    pub fn recycle_forecast(&mut self, f: Forecast) {
        self.spare.forecasts.push(f);
    }

    /// [`recycle_forecast`](Self::recycle_forecast) each of a decision's
    /// forecasts once it is decided.
    pub fn recycle_forecasts(&mut self, fs: impl IntoIterator<Item = Forecast>) {
        self.spare.forecasts.extend(fs);
    }

    /// State `me`'s point of view for a decision valued in `family`'s unit.
    pub fn viewpoint(&self, me: usize, family: Family) -> Viewpoint<'_> {
        let doctrine = self.doctrines[me];
        Viewpoint {
            me,
            doctrine,
            params: self.world.states[me].params_for(doctrine),
            family,
            threat: self.world.threat.row(me),
            affinity: self.affinity.row(me),
            norms: self.norms.row(me),
            great_power: &self.great_power,
        }
    }

    /// State `s` chooses among options valued in `family`'s unit, by logit
    /// with its precision, with one draw from the run's stream. Every decision
    /// of every game passes here: the tally of near ties, and the trace when
    /// it is on, see them all. `label` names option k (only called when tracing).
    pub fn decide(
        &mut self,
        s: usize,
        family: Family,
        decision: &str,
        valuations: &[Valuation],
        label: &dyn Fn(usize) -> String,
    ) -> usize {
        use rand::RngExt;
        let u = self.rng.random::<f64>();
        let lambda = self.viewpoint(s, family).weights().precision;
        let mut utilities = std::mem::take(&mut self.scratch);
        utilities.clear();
        utilities.extend(valuations.iter().map(Valuation::total));
        let mut k = doctrine::choose(lambda, &utilities, u);
        if let Some((who, choices)) = &mut self.replay
            && *who == s
            && let Some(recorded) = choices.pop()
        {
            k = recorded;
        }
        self.tally_decision(lambda, &utilities);
        self.record.choices[s] = fold_choice(
            self.record.choices[s],
            self.year,
            decision,
            utilities.len(),
            k,
        );
        if let Some(trace) = &mut self.trace {
            let mut probabilities = Vec::new();
            doctrine::probabilities(lambda, &utilities, &mut probabilities);
            trace.push(DecisionRecord {
                year: self.year,
                state: s,
                decision: decision.to_string(),
                options: valuations
                    .iter()
                    .zip(&probabilities)
                    .enumerate()
                    .map(|(a, (v, &p))| OptionRecord {
                        label: label(a),
                        valuation: *v,
                        probability: p,
                    })
                    .collect(),
                chosen: k,
            });
        }
        self.scratch = utilities;
        k
    }

    /// Count a decision, and whether its two best options lay within 1/λ of
    /// each other (a near tie: the logit rule then really draws).
    pub(crate) fn tally_decision(&mut self, lambda: f64, utilities: &[f64]) {
        if utilities.len() < 2 {
            return;
        }
        let (mut best, mut second) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for &u in utilities {
            if u > best {
                second = best;
                best = u;
            } else if u > second {
                second = u;
            }
        }
        self.record.decisions += 1;
        if lambda.is_finite() && best - second < 1.0 / lambda {
            self.record.near_ties += 1;
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
    pub fn gains(&mut self, policy: &Policy) -> Result<Welfare, SimError> {
        gains_in(&mut self.economy, self.world, self.run, self.year, policy)
    }

    /// ĝ for every state under the status quo.
    pub fn status_quo_gains(&mut self) -> Result<Welfare, SimError> {
        gains_in(
            &mut self.economy,
            self.world,
            self.run,
            self.year,
            &self.policy,
        )
    }

    /// Equilibria solved so far in this run.
    pub fn solves(&self) -> u64 {
        self.economy.as_ref().map_or(0, |e| e.solves)
    }

    pub fn region_affinity(&self) -> f64 {
        let n = self.world.n_states();
        (0..n).map(|i| self.mean_affinity(i)).sum::<f64>() / n as f64
    }

    /// Mean affinity of `i` toward every other state.
    pub fn mean_affinity(&self, i: usize) -> f64 {
        let n = self.world.n_states();
        let row = self.affinity.row(i);
        (0..n).filter(|&j| j != i).map(|j| row[j]).sum::<f64>() / (n - 1) as f64
    }
}

/// Fold one choice into a state's digest of choices (FNV-1a, 64 bits): the
/// same sequence of choices gives the same digest in any process.
fn fold_choice(digest: u64, year: i32, decision: &str, options: usize, chosen: usize) -> u64 {
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut h = if digest == 0 {
        0xcbf2_9ce4_8422_2325
    } else {
        digest
    };
    let bytes = year
        .to_le_bytes()
        .into_iter()
        .chain(decision.bytes())
        .chain([0xff])
        .chain((options as u64).to_le_bytes())
        .chain((chosen as u64).to_le_bytes());
    for b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
    }
    h
}

/// ĝ of every state under `policy` in `economy` (zeros without a trade
/// model); a failure names the run and year.
fn gains_in(
    economy: &mut Option<Economy<'_>>,
    world: &World,
    run: u64,
    year: i32,
    policy: &Policy,
) -> Result<Welfare, SimError> {
    match economy {
        Some(e) => e
            .gains(policy)
            .map_err(|source| SimError { run, year, source }),
        None => Ok(vec![0.0; world.n_states()].into()),
    }
}
