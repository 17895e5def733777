//! Forecasting the consequences of a policy change with the trade equilibrium,
//! for any game that changes policies (tariff stances, accession, measures,
//! coercion, disputes). docs/model.md §4 Prediction and §7.4: other states' policies are held
//! at their last observed values; the continuation is the per-round outcome
//! after partners respond as the state believes they will.

use crate::doctrine::{self, Consequences, Doctrine};
use crate::economy::Gains;
use crate::policy::Policy;
use crate::state::{RunState, SimError};

/// What a state expects from one option, before valuation by its doctrine.
#[derive(Clone, Debug, Default)]
pub struct Forecast {
    /// ĝ of every state this round.
    pub now: Gains,
    /// ĝ of every state per round in the continuation.
    pub cont: Gains,
    /// Rule violations committed (reputation at stake).
    pub reputation_loss: f64,
    pub expected_retaliation: f64,
    pub expected_coercion: f64,
    /// (institution, complies).
    pub compliance: Vec<(usize, bool)>,
    /// Change in the state's dependence on each listed state.
    pub dependence: Vec<(usize, f64)>,
}

impl Forecast {
    /// A forecast in which the continuation repeats this round.
    pub fn stationary(now: Gains) -> Self {
        Forecast {
            cont: now.clone(),
            now,
            ..Forecast::default()
        }
    }
}

/// The utility state `s` assigns to a forecast, by its doctrine.
pub fn utility(rs: &RunState<'_>, s: usize, f: &Forecast) -> f64 {
    let view = rs.viewpoint(s, 1.0);
    let now: Vec<(usize, f64)> = f.now.iter().copied().enumerate().collect();
    let cont: Vec<(usize, f64)> = f.cont.iter().copied().enumerate().collect();
    doctrine::value(
        &view,
        &Consequences {
            gains: &now,
            continuation: &cont,
            reputation_loss: f.reputation_loss,
            expected_retaliation: f.expected_retaliation,
            expected_coercion: f.expected_coercion,
            compliance: &f.compliance,
            dependence: &f.dependence,
            ..Consequences::default()
        },
    )
}

/// Choose among forecasts by logit with state `s`'s precision; one draw.
pub fn choose(rs: &mut RunState<'_>, s: usize, utilities: &[f64]) -> usize {
    use rand::RngExt;
    let u = rs.rng.random::<f64>();
    let precision = rs.viewpoint(s, 1.0).params.precision;
    doctrine::choose(precision, utilities, u)
}

/// Forecast for state `s` of moving from the status quo `base` to `next`
/// (a policy in which only `s`'s own choices differ): reciprocity in the
/// continuation, and — by doctrine — expected retaliation and coercion.
pub fn forecast_change(
    rs: &mut RunState<'_>,
    s: usize,
    base: &Policy,
    next: &Policy,
) -> Result<Forecast, SimError> {
    let world = rs.world;
    let n = world.n_states();
    let now = rs.gains(next)?;
    // Partners answer defection with defection, in kind: a tariff rise over the
    // status quo, or a breach of a trade regime's bound toward them, is met by
    // an equal rise on s's goods (grim and tit-for-tat beliefs agree on this
    // stationary outcome).
    let regimes: Vec<usize> = (0..world.institutions.len())
        .filter(|&k| world.institutions[k].regime().is_some())
        .collect();
    let mut answered = next.clone();
    let mut raised = false;
    for j in (0..n).filter(|&j| j != s) {
        let rise = next.tariff(world, s, j) - base.tariff(world, s, j);
        let breach = regimes
            .iter()
            .map(|&k| next.violation(world, k, s, j))
            .fold(0.0, f64::max);
        let defection = rise.max(breach);
        if defection > 1e-12 {
            let r = answered.retaliation.get(j, s) + defection;
            answered.retaliation.set(j, s, r);
            raised = true;
        }
    }
    let cont = if raised {
        rs.gains(&answered)?
    } else {
        now.clone()
    };
    let doctrine = rs.doctrines[s];
    let delta = world.states[s].params_for(doctrine).discount;
    let mut f = Forecast {
        now,
        cont,
        ..Forecast::default()
    };
    for (k, inst) in world.institutions.iter().enumerate() {
        if !base.active(world, s, k) {
            continue;
        }
        if let Some(rules) = inst.regime() {
            let violates = next.violates(world, k, s);
            f.compliance.push((k, !violates));
            if violates {
                f.reputation_loss += 1.0;
                if doctrine == Doctrine::Neoliberal {
                    // Authorised retaliation equal to the harm, after the
                    // dispute's consultation and panel years.
                    let mut retaliated = next.clone();
                    for j in 0..n {
                        let margin = next.violation(world, k, s, j);
                        if margin > 0.0 {
                            retaliated.retaliation.set(
                                j,
                                s,
                                retaliated.retaliation.get(j, s) + margin,
                            );
                        }
                    }
                    let loss = f.now[s] - rs.gains(&retaliated)?[s];
                    let lag = rules.consultation_years + rules.panel_years;
                    f.expected_retaliation +=
                        rs.beliefs[k].mean() * loss * delta.powi(lag) / (1.0 - delta);
                }
            }
        } else if inst.union().is_some() {
            let complies = next.active(world, s, k) && next.complies_with_union(world, k, s);
            f.compliance.push((k, complies));
            if !complies && doctrine == Doctrine::Neorealist && inst.leader != Some(s) {
                let mut coerced = next.clone();
                coerced.coerced[s] = Some(k);
                let loss = f.now[s] - rs.gains(&coerced)?[s];
                f.expected_coercion += rs.beliefs[k].mean() * loss / (1.0 - delta);
            }
        }
    }
    Ok(f)
}
