//! The verdict of a comparison: which profile reproduces the evidence best.
//!
//! A profile's score in one run is the number of **diagnostic evidence
//! facts** it matched: evidence (never a calibration target) that tells some
//! two of the compared profiles apart (the 95% interval of some pair's ratio of shares excludes 1, [`crate::output::paired_ratio`]).
//! Profiles are ranked by their mean score, and each is compared with the best
//! by the paired difference of scores (run r of every profile drew stream r,
//! so the scores of one run are paired) with a 95% t-interval.
//!
//! Which facts are diagnostic is known only once every run is in, yet memory
//! must not grow with the runs. So [`Tally`] keeps, in run order, integer
//! co-occurrence counts — for each profile, Σ_r h_a·h_b over every pair of
//! evidence facts (a, b), and for each pair of profiles the cross counts —
//! from which the sum and the sum of squares of any subset's per-run score,
//! and of any paired difference of scores, follow exactly at the end. The
//! counts are integers, so the result does not depend on how runs were
//! chunked, resumed or merged.
//!
//! It also notes two things a reader should be warned of: profiles with the
//! same outcomes in every run (the comparison cannot tell them apart) and
//! **doctrine-blind** states — states whose doctrine differs between the
//! profiles yet whose every choice was the same in every run (fixed
//! strategies, states that do not act, or choices no doctrine changes).

use crate::outcome::RunOutcome;
use crate::world::{FactRole, Profile, World};

/// Running counts behind a verdict; fed one run (every profile) at a time.
#[derive(Clone, Debug)]
pub struct Tally {
    profiles: usize,
    /// Fact indices (into `world.facts`) of the evidence facts.
    evidence: Vec<usize>,
    runs: u64,
    /// [profile][a][b]: runs in which the profile matched evidence facts a and b.
    co: Vec<u64>,
    /// [pair p < q][a][b]: runs in which p matched a and q matched b.
    cross: Vec<u64>,
    /// [pair p < q]: same values and events in every run so far.
    identical: Vec<bool>,
    /// [state]: the same choices under every profile in every run so far.
    same_choices: Vec<bool>,
}

/// One profile's line of the verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub profile: String,
    /// 1 for the best.
    pub rank: usize,
    /// Mean diagnostic evidence facts matched per run, and its 95% t-interval.
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Mean over runs of (best's score − this profile's score) and its 95%
    /// paired t-interval; `None` for the best itself.
    pub behind: Option<(f64, f64, f64)>,
    /// Runs matching every evidence fact at once, and their share.
    pub joint_matched: u64,
    pub joint_share: f64,
    /// Profiles with the same outcomes as this one in every run.
    pub identical_to: Vec<String>,
}

/// A comparison's verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub runs: u64,
    /// Evidence facts (calibration targets excluded).
    pub evidence: usize,
    /// The diagnostic evidence facts counted, by id.
    pub diagnostic: Vec<String>,
    /// Every profile, best first.
    pub ranking: Vec<Ranked>,
    /// Doctrine-blind states, by code.
    pub blind: Vec<String>,
}

/// The two-sided 95% t-interval of a mean from n values with this sum and sum
/// of squares (the mean itself when n < 2 or every value is the same).
fn interval(n: u64, sum: f64, sumsq: f64) -> (f64, f64, f64) {
    let nf = n as f64;
    let mean = sum / nf;
    if n < 2 {
        return (mean, f64::NAN, f64::NAN);
    }
    let var = ((sumsq - sum * sum / nf) / (nf - 1.0)).max(0.0);
    if var == 0.0 {
        return (mean, mean, mean);
    }
    let half = crate::stats::t_quantile(0.975, nf - 1.0) * (var / nf).sqrt();
    (mean, mean - half, mean + half)
}

impl Tally {
    /// A tally for `profiles` of `world`; `None` unless there are at least two
    /// profiles and one evidence fact, when there is nothing to rank.
    pub fn new(world: &World, profiles: &[Profile]) -> Option<Self> {
        let evidence: Vec<usize> = (0..world.facts.len())
            .filter(|&k| world.facts[k].role == FactRole::Evidence)
            .collect();
        let p = profiles.len();
        if p < 2 || evidence.is_empty() {
            return None;
        }
        let f = evidence.len();
        let pairs = p * (p - 1) / 2;
        Some(Tally {
            profiles: p,
            evidence,
            runs: 0,
            co: vec![0; p * f * f],
            cross: vec![0; pairs * f * f],
            identical: vec![true; pairs],
            same_choices: vec![true; world.n_states()],
        })
    }

    /// Fold one run: `hits(p, k)` says whether profile p matched fact k;
    /// `outcomes` are the run's outcomes under every profile, in order.
    pub fn push(&mut self, hits: &dyn Fn(usize, usize) -> bool, outcomes: &[RunOutcome]) {
        self.runs += 1;
        let f = self.evidence.len();
        let matched: Vec<Vec<usize>> = (0..self.profiles)
            .map(|p| {
                (0..f)
                    .filter(|&a| hits(p, self.evidence[a]))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (p, m) in matched.iter().enumerate() {
            for &a in m {
                for &b in m {
                    self.co[(p * f + a) * f + b] += 1;
                }
            }
        }
        let mut pair = 0;
        for p in 0..self.profiles {
            for q in p + 1..self.profiles {
                for &a in &matched[p] {
                    for &b in &matched[q] {
                        self.cross[(pair * f + a) * f + b] += 1;
                    }
                }
                if self.identical[pair] {
                    let (x, y) = (&outcomes[p], &outcomes[q]);
                    // Bitwise, so that NaN (undefined) equals NaN.
                    let same_values = x.values.len() == y.values.len()
                        && x.values
                            .iter()
                            .zip(&y.values)
                            .all(|(a, b)| a.to_bits() == b.to_bits());
                    self.identical[pair] = same_values && x.events == y.events;
                }
                pair += 1;
            }
        }
        for (s, same) in self.same_choices.iter_mut().enumerate() {
            let first = outcomes[0].choices.get(s);
            *same &= outcomes.iter().all(|o| o.choices.get(s) == first);
        }
    }

    fn pair(&self, p: usize, q: usize) -> usize {
        debug_assert!(p < q);
        // Pairs are numbered (0,1), (0,2), …, (1,2), …
        p * (2 * self.profiles - p - 1) / 2 + (q - p - 1)
    }

    /// The verdict, given which facts turned out diagnostic (`diagnostic[k]`
    /// for fact k of the world) and the runs matching every evidence fact
    /// jointly, per profile.
    pub fn finish(
        &self,
        world: &World,
        profiles: &[Profile],
        diagnostic: &[Option<bool>],
        joint: &[u64],
    ) -> Verdict {
        let f = self.evidence.len();
        let chosen: Vec<usize> = (0..f)
            .filter(|&a| diagnostic[self.evidence[a]] == Some(true))
            .collect();
        let n = self.runs;
        // Σ_r score and Σ_r score² of profile p over the chosen facts.
        let co = |p: usize, a: usize, b: usize| self.co[(p * f + a) * f + b] as f64;
        let score = |p: usize| -> (f64, f64) {
            let sum = chosen.iter().map(|&a| co(p, a, a)).sum();
            let sumsq = chosen
                .iter()
                .flat_map(|&a| chosen.iter().map(move |&b| (a, b)))
                .map(|(a, b)| co(p, a, b))
                .sum();
            (sum, sumsq)
        };
        // Σ_r h_pa·h_qb for any two profiles.
        let cross = |p: usize, q: usize, a: usize, b: usize| -> f64 {
            if p < q {
                self.cross[(self.pair(p, q) * f + a) * f + b] as f64
            } else {
                self.cross[(self.pair(q, p) * f + b) * f + a] as f64
            }
        };
        let means: Vec<f64> = (0..self.profiles)
            .map(|p| score(p).0 / n.max(1) as f64)
            .collect();
        let mut order: Vec<usize> = (0..self.profiles).collect();
        // Best first; equal scores keep the order the profiles were given.
        order.sort_by(|&a, &b| means[b].total_cmp(&means[a]).then(a.cmp(&b)));
        let best = order[0];
        let ranking = order
            .iter()
            .enumerate()
            .map(|(rank, &p)| {
                let (sum, sumsq) = score(p);
                let (mean, ci_low, ci_high) = interval(n, sum, sumsq);
                let behind = (p != best).then(|| {
                    // D_r = score_best − score_p; Σ D² expands into the counts.
                    let (sb, ssb) = score(best);
                    let mut sumsq_d = ssb + sumsq;
                    for &a in &chosen {
                        for &b in &chosen {
                            sumsq_d -= cross(best, p, a, b) + cross(p, best, a, b);
                        }
                    }
                    interval(n, sb - sum, sumsq_d)
                });
                let identical_to = (0..self.profiles)
                    .filter(|&q| q != p && self.identical[self.pair(p.min(q), p.max(q))])
                    .map(|q| profiles[q].name.clone())
                    .collect();
                Ranked {
                    profile: profiles[p].name.clone(),
                    rank: rank + 1,
                    mean,
                    ci_low,
                    ci_high,
                    behind,
                    joint_matched: joint[p],
                    joint_share: joint[p] as f64 / n.max(1) as f64,
                    identical_to,
                }
            })
            .collect();
        let blind = (0..world.n_states())
            .filter(|&s| {
                let varies = profiles
                    .iter()
                    .any(|p| p.doctrines[s] != profiles[0].doctrines[s]);
                varies && self.same_choices[s]
            })
            .map(|s| world.states[s].code.clone())
            .collect();
        Verdict {
            runs: n,
            evidence: f,
            diagnostic: chosen
                .iter()
                .map(|&a| world.facts[self.evidence[a]].id.clone())
                .collect(),
            ranking,
            blind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_of_constant_values_is_the_value() {
        assert_eq!(interval(4, 4.0, 4.0), (1.0, 1.0, 1.0));
        let (m, lo, hi) = interval(2, 1.0, 1.0); // values 0 and 1
        assert_eq!(m, 0.5);
        assert!(lo < 0.0 && hi > 1.0, "t(0.975, 1) is 12.7: {lo} {hi}");
    }
}
