//! Observation (the schedule's last step): each run's metrics per state at the
//! end, and — with `--timeseries` — every state's yearly series, read off the
//! run's state and the matrix games' tallies. Names and units of every metric
//! are the catalogue's ([`crate::outcome`]) and `results/README.md`'s.

use crate::game::matrix::MatrixRun;
use crate::outcome::{Measure, Series, TimePoint};
use crate::security;
use crate::state::RunState;

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

pub(crate) fn measure(rs: &RunState<'_>, games: &[MatrixRun], state: usize, m: Measure) -> f64 {
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
        Measure::Participation(i) => ratio(
            rs.record.participation[state * k + i],
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
        Measure::CircumventRounds => f64::from(rs.record.circumvent_rounds[state]),
        Measure::ContagionLoss => rs.record.contagion_loss[state],
        Measure::Aligned(b) => f64::from(u8::from(rs.alignment[state] == Some(b))),
        Measure::Hedging => f64::from(u8::from(rs.alignment[state].is_none())),
        Measure::AlignmentSwitches => f64::from(rs.record.alignment_switches[state]),
        Measure::Security => security::share(rs.world, &rs.policy, &rs.alignment, state),
        Measure::RegionAffinity => rs.region_affinity(),
        Measure::ProposalsMade => f64::from(rs.record.proposals_made[state]),
        Measure::ProposalsAccepted => f64::from(rs.record.proposals_accepted[state]),
        Measure::InstitutionsFounded => f64::from(rs.record.founded[state]),
        Measure::InstitutionsJoined => f64::from(rs.record.joined_later[state]),
        Measure::Size(u) => (0..rs.world.n_states())
            .filter(|&s| rs.policy.is_member(s, u))
            .count() as f64,
        Measure::Depth(u) => {
            if rs.author[u].is_some() {
                rs.policy.charter[u].depth()
            } else {
                f64::NAN
            }
        }
        Measure::CultureOfAnarchy => culture(rs.region_affinity()),
    }
}

pub(crate) fn record_year(rs: &mut RunState<'_>, games: &[MatrixRun], out: &mut Vec<TimePoint>) {
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
            for (i, inst) in world.institutions.iter().enumerate() {
                if inst.initiative().is_some()
                    && inst.leader != Some(state)
                    && inst.in_force(rs.year)
                {
                    push(Series::Participation(i), rs.policy.intensity(state, i));
                }
            }
        }
        for b in 0..world.blocs.len() {
            push(
                Series::Aligned(b),
                f64::from(u8::from(rs.alignment[state] == Some(b))),
            );
        }
    }
}
