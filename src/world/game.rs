//! Repeated 2×2 games as a scenario defines them (plain data): payoffs with
//! their textbook thresholds, the pairs that play, trembles, the continuation
//! probability, and who plays each state's seat — its doctrine or a classic
//! fixed strategy. How a match is played is in [`crate::game::matrix`] and
//! [`crate::game::strategy`].

use serde::{Deserialize, Serialize};

/// Payoffs of a symmetric 2×2 game to the row player.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Payoffs {
    /// Reward for mutual cooperation.
    pub r: f64,
    /// Sucker's payoff: cooperating against a defector.
    pub s: f64,
    /// Temptation: defecting against a cooperator.
    pub t: f64,
    /// Punishment for mutual defection.
    pub p: f64,
}

impl Payoffs {
    #[inline]
    pub fn of(&self, mine: Action, theirs: Action) -> f64 {
        match (mine, theirs) {
            (Action::Cooperate, Action::Cooperate) => self.r,
            (Action::Cooperate, Action::Defect) => self.s,
            (Action::Defect, Action::Cooperate) => self.t,
            (Action::Defect, Action::Defect) => self.p,
        }
    }

    /// T > R > P > S: a prisoner's dilemma.
    pub fn is_prisoners_dilemma(&self) -> bool {
        self.t > self.r && self.r > self.p && self.p > self.s
    }

    /// The discount factor above which grim reciprocity sustains cooperation
    /// between two self-interested players: (T−R)/(T−P).
    pub fn grim_threshold(&self) -> f64 {
        (self.t - self.r) / (self.t - self.p)
    }

    /// Nowak & Sigmund's (1992) generous tit-for-tat forgiveness,
    /// min(1 − (T−R)/(R−S), (R−P)/(T−P)), clamped to [0, 1].
    pub fn generous_forgiveness(&self) -> f64 {
        let a = 1.0 - (self.t - self.r) / (self.r - self.s);
        let b = (self.r - self.p) / (self.t - self.p);
        let g = a.min(b);
        if g.is_finite() {
            g.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// Who plays a state's side of a matrix game.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Player {
    /// The state decides by its doctrine.
    Doctrine,
    Strategy(Strategy),
}

/// A resolved matrix game.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixGame {
    pub name: String,
    pub payoffs: Payoffs,
    /// Pairs of state indices, each playing one match.
    pub pairs: Vec<(usize, usize)>,
    /// Tremble probability: a chosen move is flipped with this probability.
    pub noise: f64,
    /// Probability w of another round after each round (1 = fixed length).
    pub continuation: f64,
    /// Generous tit-for-tat's probability of forgiving a defection.
    pub forgiveness: f64,
    /// Institution whose rules cooperation honours, if any.
    pub institution: Option<usize>,
    /// First and last year the game is played.
    pub from: i32,
    pub until: i32,
    /// The player of every state (doctrine unless a strategy is assigned).
    pub players: Vec<Player>,

    /// Per state: its `(pair, side)` seats, side 0 or 1.
    pub seats: Vec<Vec<(usize, usize)>>,
}

impl MatrixGame {
    pub fn active(&self, year: i32) -> bool {
        (self.from..=self.until).contains(&year)
    }
}

/// A fixed rule of play, independent of any doctrine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    AllCooperate,
    AllDefect,
    TitForTat,
    SuspiciousTitForTat,
    Grim,
    WinStayLoseShift,
    Alternator,
    GenerousTitForTat,
    /// Cooperates with probability 1/2 each round (Axelrod's RANDOM).
    Random,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::AllCooperate => "all_cooperate",
            Strategy::AllDefect => "all_defect",
            Strategy::TitForTat => "tit_for_tat",
            Strategy::SuspiciousTitForTat => "suspicious_tit_for_tat",
            Strategy::Grim => "grim",
            Strategy::WinStayLoseShift => "win_stay_lose_shift",
            Strategy::Alternator => "alternator",
            Strategy::GenerousTitForTat => "generous_tit_for_tat",
            Strategy::Random => "random",
        }
    }

    /// Whether the strategy draws random numbers (so the caller draws only then).
    pub fn is_random(self) -> bool {
        matches!(self, Strategy::GenerousTitForTat | Strategy::Random)
    }
}

/// A move in a 2×2 game.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Cooperate,
    Defect,
}

impl Action {
    pub fn flipped(self) -> Action {
        match self {
            Action::Cooperate => Action::Defect,
            Action::Defect => Action::Cooperate,
        }
    }
}
