//! Sovereignty, a cost of membership (docs/model.md §4, §7.18): what a state
//! gives up by pooling decisions in an institution, the same forecast for
//! every doctrine.
//!
//! Bakumbayev (2025, "Small state as order-maker", *Post-Soviet Affairs*)
//! traces the failure of Kazakhstan's 1994 "all in one" Eurasian Union to
//! others reading it as a surrender of sovereignty and a restoration of the
//! USSR, and the success of "core only" (economic scope, consensus) to its
//! small cost; Alesina & Spolaore (1997, "On the number and size of
//! nations", *QJE* 112:1027) weigh the gains of size against the cost of
//! heterogeneous preferences. Here the yearly cost to member i is
//!
//! `σ · depth · scope · (1 + fear_i)`,
//!
//! depth in [¼, 1] (an intergovernmental body, plus a quarter for each of a
//! supranational executive, a common parliament, a common currency), scope 1
//! (economic) or 2 (also political and security), and fear_i = max(0, −a_ig)
//! the distrust of i toward the most capable great power g among the other
//! members — fear of "restoration". σ is `model.sovereignty_cost_percent`,
//! percent of spending a year.

use crate::matrix::Matrix;
use crate::world::{Charter, World};

/// The yearly sovereignty cost to `s` of membership with `others` in an
/// institution with `charter`, percent of spending, given affinities `a`.
pub fn cost(
    world: &World,
    affinity: &Matrix,
    s: usize,
    charter: &Charter,
    others: &[usize],
) -> f64 {
    let great = others
        .iter()
        .copied()
        .filter(|&j| j != s && world.states[j].great_power)
        .max_by(|&a, &b| {
            world.states[a]
                .military_musd
                .total_cmp(&world.states[b].military_musd)
                .then(b.cmp(&a))
        });
    let fear = great.map_or(0.0, |g| (-affinity.get(s, g)).max(0.0));
    world.model.sovereignty_cost * charter.depth() * charter.scope() * (1.0 + fear)
}
