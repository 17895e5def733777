//! Classic fixed strategies for repeated 2×2 games, for teaching and validation.
//!
//! Axelrod (1984, *The Evolution of Cooperation*) for tit-for-tat, grim
//! (Friedman), suspicious tit-for-tat and the alternator; Nowak & Sigmund (1992,
//! *Nature* 355:250) for generous tit-for-tat; Nowak & Sigmund (1993, *Nature*
//! 364:56) for win-stay-lose-shift (Pavlov).

use crate::world::{Action, Strategy};

/// What a strategy sees of a match before it moves.
#[derive(Clone, Copy, Debug)]
pub struct History {
    /// Rounds already played in this match.
    pub round: u32,
    pub my_last: Option<Action>,
    pub their_last: Option<Action>,
    /// Whether the partner has ever defected in this match.
    pub they_defected: bool,
}

/// The strategy's move; `u` is a uniform draw in [0, 1), read only by random
/// strategies, `forgiveness` only by generous tit-for-tat.
pub fn play(strategy: Strategy, h: History, forgiveness: f64, u: f64) -> Action {
    use Action::{Cooperate as C, Defect as D};
    match strategy {
        Strategy::AllCooperate => C,
        Strategy::AllDefect => D,
        Strategy::TitForTat => h.their_last.unwrap_or(C),
        Strategy::SuspiciousTitForTat => h.their_last.unwrap_or(D),
        Strategy::Grim => {
            if h.they_defected {
                D
            } else {
                C
            }
        }
        // Pavlov: repeat the last move after R or T (partner cooperated), switch
        // after S or P — i.e. cooperate iff both moved alike last round.
        Strategy::WinStayLoseShift => match (h.my_last, h.their_last) {
            (Some(mine), Some(theirs)) => {
                if mine == theirs {
                    C
                } else {
                    D
                }
            }
            _ => C,
        },
        Strategy::Alternator => {
            if h.round % 2 == 0 {
                C
            } else {
                D
            }
        }
        Strategy::GenerousTitForTat => match h.their_last {
            Some(D) if u >= forgiveness => D,
            _ => C,
        },
        Strategy::Random => {
            if u < 0.5 {
                C
            } else {
                D
            }
        }
    }
}
