//! Repeated 2×2 games among listed pairs of states (docs/model.md §7.10).
//!
//! Each listed pair plays one match over the game's years. A player is either a
//! state deciding by its doctrine or a classic fixed [`Strategy`]. Doctrine
//! players forecast the partner's move as its last observed one (cooperation
//! before any history) and add a continuation term: the stationary per-round
//! outcome after the partner responds as the state believes (docs/model.md §4,
//! Prediction) — cooperation is met by cooperation unless, under grim beliefs,
//! the relationship has already seen a defection; defection is met by defection.
//! With λ → ∞ this reproduces the textbook thresholds: a neoliberal pair
//! cooperates iff δ ≥ (T−R)/(T−P) (Friedman 1971; Axelrod 1984), Grieco's k
//! raises the threshold, and more states lower it again (Snidal 1991).
//!
//! Trembles (Selten 1975) flip a chosen move with probability `noise`; a
//! continuation probability w < 1 ends each match after any round with
//! probability 1 − w (Axelrod's random game length), and doctrine players then
//! discount the future by δ·w.

use super::strategy::{self, History};
use crate::doctrine::{self, Consequences, Family, Gains, Valuation};
use crate::event::{Event, EventKind};
use crate::state::RunState;
use crate::world::{Action, MatrixGame, Player, Reciprocity};
use rand::RngExt;

/// One match's memory.
#[derive(Clone, Copy, Debug, Default)]
struct Match {
    rounds: u32,
    last: [Option<Action>; 2],
    defected: [bool; 2],
    pending: [Option<Action>; 2],
    over: bool,
}

/// Per-state tallies of one game over a run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tally {
    pub payoff: f64,
    pub moves: u64,
    pub cooperations: u64,
    pub mutual_cooperations: u64,
}

/// A game's state during one run.
pub struct MatrixRun {
    matches: Vec<Match>,
    /// Totals over the run.
    pub total: Vec<Tally>,
    /// Totals of the current round (for time series).
    pub round: Vec<Tally>,
}

impl MatrixRun {
    pub fn new(game: &MatrixGame, n_states: usize) -> Self {
        MatrixRun {
            matches: vec![Match::default(); game.pairs.len()],
            total: vec![Tally::default(); n_states],
            round: vec![Tally::default(); n_states],
        }
    }

    /// Play one round: every state in `order` chooses its moves in all its
    /// matches from last round's observations, then all moves are revealed.
    pub fn play_round(
        &mut self,
        game_index: usize,
        game: &MatrixGame,
        rs: &mut RunState<'_>,
        order: &[usize],
    ) {
        self.round.iter_mut().for_each(|t| *t = Tally::default());
        for &me in order {
            for &(p, side) in &game.seats[me] {
                let m = &self.matches[p];
                if m.over {
                    continue;
                }
                let (a, b) = game.pairs[p];
                let partner = if side == 0 { b } else { a };
                let history = History {
                    round: m.rounds,
                    my_last: m.last[side],
                    their_last: m.last[1 - side],
                    they_defected: m.defected[1 - side],
                };
                let mut action = match game.players[me] {
                    Player::Strategy(s) => {
                        let u = if s.is_random() {
                            rs.rng.random::<f64>()
                        } else {
                            0.0
                        };
                        strategy::play(s, history, game.forgiveness, u)
                    }
                    Player::Doctrine => {
                        let broken = m.defected[0] || m.defected[1];
                        doctrine_move(game, rs, me, partner, history, broken)
                    }
                };
                if game.noise > 0.0 && rs.rng.random::<f64>() < game.noise {
                    action = action.flipped();
                }
                self.matches[p].pending[side] = Some(action);
            }
        }
        self.reveal(game_index, game, rs);
    }

    fn reveal(&mut self, game_index: usize, game: &MatrixGame, rs: &mut RunState<'_>) {
        for (p, &(a, b)) in game.pairs.iter().enumerate() {
            let m = &mut self.matches[p];
            if m.over {
                continue;
            }
            let (Some(move_a), Some(move_b)) = (m.pending[0], m.pending[1]) else {
                continue;
            };
            let both = move_a == Action::Cooperate && move_b == Action::Cooperate;
            for (side, me, mine, theirs) in [(0, a, move_a, move_b), (1, b, move_b, move_a)] {
                let payoff = game.payoffs.of(mine, theirs);
                let coop = mine == Action::Cooperate;
                for t in [&mut self.total[me], &mut self.round[me]] {
                    t.payoff += payoff;
                    t.moves += 1;
                    t.cooperations += u64::from(coop);
                    t.mutual_cooperations += u64::from(both);
                }
                let partner = if side == 0 { b } else { a };
                rs.signal(partner, me, if coop { 1.0 } else { -1.0 });
                // Membership as it stands this round (joins and exits count).
                if let Some(inst) = game.institution
                    && rs.policy.active(rs.world, me, inst)
                {
                    rs.observe_compliance(inst, coop);
                }
                // Log turning points only: a defection against a partner who
                // cooperated (or opened), a return to cooperation after a defection.
                let their_last = m.last[1 - side];
                let kind = match (mine, their_last) {
                    (Action::Defect, None | Some(Action::Cooperate))
                        if m.last[side] != Some(Action::Defect) =>
                    {
                        Some(EventKind::Defection)
                    }
                    (Action::Cooperate, Some(Action::Defect))
                        if m.last[side] == Some(Action::Defect) =>
                    {
                        Some(EventKind::Reconciliation)
                    }
                    _ => None,
                };
                // Fixed strategies are known by definition; the log explains the
                // choices of states that decide by a theory.
                if let Some(kind) = kind
                    && game.players[me] == Player::Doctrine
                {
                    rs.event(Event::new(kind, me).target(partner).game(game_index));
                }
                m.defected[side] |= !coop;
            }
            m.last = [Some(move_a), Some(move_b)];
            m.pending = [None, None];
            m.rounds += 1;
            if game.continuation < 1.0 && rs.rng.random::<f64>() >= game.continuation {
                m.over = true;
                rs.event(
                    Event::new(EventKind::MatchEnd, a)
                        .target(b)
                        .game(game_index),
                );
            }
        }
    }
}

/// A doctrine player's move: the consequences of cooperating and defecting
/// (the same whatever its doctrine), valued by its doctrine, chosen by logit.
fn doctrine_move(
    game: &MatrixGame,
    rs: &mut RunState<'_>,
    me: usize,
    partner: usize,
    h: History,
    broken: bool,
) -> Action {
    let pay = &game.payoffs;
    // The partner is expected to repeat its last move; cooperation before any history.
    let expected = h.their_last.unwrap_or(Action::Cooperate);
    let grim_broken = broken && rs.world.states[me].reciprocity == Reciprocity::Grim;
    let institution = game
        .institution
        .filter(|&i| rs.policy.active(rs.world, me, i));
    let view = rs.viewpoint(me, Family::Matrix);
    let mut valuations = [Valuation::default(); 2];
    for (slot, action) in [Action::Cooperate, Action::Defect].into_iter().enumerate() {
        let now = [
            (me, pay.of(action, expected)),
            (partner, pay.of(expected, action)),
        ];
        let continuation = match action {
            Action::Cooperate if grim_broken => [(me, pay.s), (partner, pay.t)],
            Action::Cooperate => [(me, pay.r), (partner, pay.r)],
            Action::Defect => [(me, pay.p), (partner, pay.p)],
        };
        let complies = action == Action::Cooperate;
        let compliance = institution.map(|i| [(i, complies)]);
        let violation = institution.filter(|_| !complies).map(|i| [i]);
        let c = Consequences {
            now: Gains::Sparse(&now),
            cont: Gains::Sparse(&continuation),
            survival: game.continuation,
            violations: violation.as_ref().map_or(&[], |v| v.as_slice()),
            compliance: compliance.as_ref().map_or(&[], |c| c.as_slice()),
            ..Consequences::default()
        };
        valuations[slot] = doctrine::value(&view, &c);
    }
    let label = |k: usize| ["cooperate", "defect"][k].into();
    if rs.decide(me, Family::Matrix, &game.name, &valuations, &label) == 0 {
        Action::Cooperate
    } else {
        Action::Defect
    }
}
