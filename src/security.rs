//! Security, a state variable (docs/model.md §4 Security): the share of the
//! capability around a state that is on its side.
//!
//! Waltz (1979) makes security the first concern of states in anarchy and
//! relative capability its measure; Walt (1987) weighs others' capability by
//! proximity (balance of threat), and Buzan & Wæver (2003, *Regions and
//! Powers*) make security regional. Here every other state j's capability m_j
//! reaches i with weight reach_ij (1 for a neighbour, `model.distant_proximity`
//! for another state of i's region, 0 outside it) and is split by j's
//! commitment c_ij to i's defence: the committed
//! part supports i, the rest is a potential threat:
//!
//! `Sec_i = S_i / (S_i + T_i)`,  `S_i = m_i + Σ_j reach_ij·c_ij·m_j`,
//! `T_i = Σ_j reach_ij·(1 − c_ij)·m_j`.
//!
//! The commitment is the largest of: i's security dependence on j (troops,
//! bases, arms supply: the scenario's `dependence.<i>.<j>.security`), unless j
//! is withdrawing it this year as coercion; `model.alignment_commitment` if i
//! and j are aligned with the same bloc; `model.alliance_commitment` if both
//! are members of an alliance in force. Sec is in [0, 1]; a state alone with no
//! capability around it is fully secure (1).

use crate::policy::Policy;
use crate::world::{Channel, World};

/// j's commitment to i's defence, c_ij, under `policy` and `alignment`.
pub fn commitment(
    world: &World,
    policy: &Policy,
    alignment: &[Option<usize>],
    i: usize,
    j: usize,
) -> f64 {
    if i == j {
        return 1.0;
    }
    let withdrawn = policy.coerced[i]
        .filter(|c| world.institutions[c.by].union().is_some())
        .and_then(|c| world.institutions[c.by].leader)
        .is_some_and(|leader| leader == j);
    let patron = if withdrawn {
        0.0
    } else {
        world.dependence[Channel::Security as usize].get(i, j)
    };
    let aligned = match (alignment[i], alignment[j]) {
        (Some(a), Some(b)) if a == b => world.model.alignment_commitment,
        _ => 0.0,
    };
    let allied = world
        .institutions
        .iter()
        .enumerate()
        .filter(|(_, inst)| inst.kind == crate::world::InstitutionKind::Alliance)
        .any(|(k, _)| policy.active(world, i, k) && policy.active(world, j, k));
    let allied = if allied {
        world.model.alliance_commitment
    } else {
        0.0
    };
    patron.max(aligned).max(allied)
}

/// How far j's capability reaches i: 1 for a neighbour, the model's distant
/// proximity for another state of i's region, 0 outside it (`World::reach`).
pub fn reach(world: &World, i: usize, j: usize) -> f64 {
    world.reach.get(i, j)
}

/// Sec_i under `policy` and `alignment`.
pub fn share(world: &World, policy: &Policy, alignment: &[Option<usize>], i: usize) -> f64 {
    let mut support = world.states[i].military_musd;
    let mut threat = 0.0;
    for j in (0..world.n_states()).filter(|&j| j != i) {
        let m = reach(world, i, j) * world.states[j].military_musd;
        let c = commitment(world, policy, alignment, i, j);
        support += c * m;
        threat += (1.0 - c) * m;
    }
    if support + threat > 0.0 {
        support / (support + threat)
    } else {
        1.0
    }
}
