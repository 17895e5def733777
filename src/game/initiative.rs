//! Investment initiatives (docs/model.md §7.11): the Belt and Road as a costly
//! choice on both sides.
//!
//! * The **sponsor** decides each year, for each state it may invite, the
//!   deepest participation it will finance (none, some, deep), weighing its
//!   own forecast gains from the state's corridor against the concessional
//!   cost of the lending (`offer_cost_percent` of the participant's GDP a
//!   year, at deep participation).
//! * A **rival** — the leader of a customs union whose members are invited,
//!   other than the sponsor — decides whether to object to its members'
//!   taking part. An objection is a threat through its leverage: a member
//!   that takes part anyway may be coerced like one that breaks union law
//!   (Chang, Shen & Yu n.d. and De Jesus & Duarte n.d. on Russia's wariness of
//!   China in Central Asia; in fact Russia chose to "conjugate" the EAEU with
//!   the Belt and Road in 2015).
//! * Each **invited state** chooses an intensity x up to the offer. Deeper
//!   participation cuts its corridor costs more after a lag (de Soyres et al.
//!   2020), builds more investment dependence on the sponsor — leverage the
//!   sponsor may use if the state later scales down (Dreher et al. 2022,
//!   *Banking on Beijing*, on the terms of Chinese lending) — and costs more
//!   domestic legitimacy where the public distrusts the sponsor
//!   (`legitimacy_cost_percent` × `public_suspicion` × x a year: the 2016 and
//!   2019 protests in Kazakhstan against Chinese land leases and investment,
//!   De Jesus & Duarte n.d.).
//!
//! Every option is forecast the same way whatever the chooser's doctrine;
//! each doctrine values the gains, the coercion it expects, the security it
//! stands to lose and the dependence it takes on.

use super::forecast::{Forecast, decide, expect_coercion, forecast_change};
use crate::doctrine::Expected;
use crate::event::{Event, EventKind};
use crate::policy::{Coercion, INTENSITIES, Policy, intensity_name};
use crate::state::{RunState, SimError};

/// Step 2 for initiatives: rivals object or not, sponsors make offers,
/// invited states choose how far to take part.
pub fn play_round(rs: &mut RunState<'_>, order: &[usize]) -> Result<(), SimError> {
    let world = rs.world;
    for (u, inst) in world.institutions.iter().enumerate() {
        let (Some(_), Some(sponsor)) = (inst.initiative(), inst.leader) else {
            continue;
        };
        if !inst.in_force(rs.year) {
            continue;
        }
        objections(rs, u, sponsor)?;
        // Offers are multi-year financing commitments: made when the
        // initiative starts and reviewed once every lag (the time its
        // infrastructure takes), not re-opened every year.
        let rules = inst.initiative().expect("an initiative");
        let start = inst.founded.unwrap_or(world.start).max(world.start);
        let review = (rs.year - start) % rules.lag_years.max(1) == 0;
        if world.states[sponsor].acts && review {
            offers(rs, u, sponsor)?;
        }
        participation(rs, u, sponsor, order)?;
    }
    Ok(())
}

/// The states the sponsor may invite: the scenario's candidates that act.
fn candidates(rs: &RunState<'_>, u: usize, sponsor: usize) -> Vec<usize> {
    let world = rs.world;
    let rules = world.institutions[u].initiative().expect("an initiative");
    rules
        .invited
        .iter()
        .copied()
        .filter(|&s| s != sponsor && world.states[s].acts)
        .collect()
}

/// `base` with `s` taking part in `u` at intensity `x`, its corridor open.
fn at_intensity(base: &Policy, world: &crate::world::World, s: usize, u: usize, x: f64) -> Policy {
    let k = world.institutions.len();
    let lag = world.institutions[u]
        .initiative()
        .expect("an initiative")
        .lag_years;
    let mut p = base.clone();
    p.set_intensity(s, u, x);
    if x > 0.0 {
        p.since[s * k + u] = p.since[s * k + u].min(base.year - lag);
    }
    p
}

/// The yearly legitimacy cost to `s` of taking part at `x`, percent of spending.
fn legitimacy(rs: &RunState<'_>, u: usize, x: f64) -> f64 {
    let rules = rs.world.institutions[u]
        .initiative()
        .expect("an initiative");
    rules.legitimacy_cost * rules.public_suspicion * x
}

/// The intensity at which `s` would take part under an offer of `cap`, by
/// its material interest — its long-run gains less the legitimacy cost — as
/// the sponsor or a rival forecasts it (without reading its doctrine).
fn material_response(rs: &mut RunState<'_>, u: usize, s: usize, cap: f64) -> Result<f64, SimError> {
    let world = rs.world;
    let base = rs.policy.clone();
    let mut best = (0.0, f64::NEG_INFINITY);
    for &x in INTENSITIES.iter().filter(|&&x| x <= cap) {
        let g = rs.gains(&at_intensity(&base, world, s, u, x))?[s] - legitimacy(rs, u, x);
        if g > best.1 + 1e-12 {
            best = (x, g);
        }
    }
    Ok(best.0)
}

/// Each customs union's leader (other than the sponsor) whose members are
/// among the candidates decides whether to object, forecasting that its
/// members give way (take part not at all) if it does.
fn objections(rs: &mut RunState<'_>, u: usize, sponsor: usize) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    let invited = candidates(rs, u, sponsor);
    for (c, inst) in world.institutions.iter().enumerate() {
        let Some(leader) = inst.leader else { continue };
        if inst.union().is_none()
            || leader == sponsor
            || !world.states[leader].acts
            || !rs.policy.active(world, leader, c)
        {
            continue;
        }
        let members: Vec<usize> = invited
            .iter()
            .copied()
            .filter(|&m| m != leader && rs.policy.active(world, m, c))
            .collect();
        if members.is_empty() {
            continue;
        }
        let base = rs.policy.clone();
        let mut objecting = base.clone();
        objecting.objecting[c * k + u] = true;
        for &m in &members {
            objecting.set_intensity(m, u, 0.0);
        }
        let mut accepting = base.clone();
        accepting.objecting[c * k + u] = false;
        let options = [
            forecast_change(rs, leader, &base, &objecting)?,
            forecast_change(rs, leader, &base, &accepting)?,
        ];
        let label = |i: usize| ["object", "accept"][i].into();
        let objects = decide(rs, leader, "initiative objection", &options, &label) == 0;
        if objects != base.objecting[c * k + u] {
            rs.policy.objecting[c * k + u] = objects;
            let detail = if objects { "objects" } else { "withdrawn" };
            rs.event(
                Event::new(EventKind::Objection, leader)
                    .target(sponsor)
                    .institution(u)
                    .detail(detail.to_string()),
            );
        }
    }
    Ok(())
}

/// The sponsor's offer to each candidate: the deepest participation it
/// finances, valued by its doctrine on its forecast of the candidate's
/// material response and the cost of the lending.
fn offers(rs: &mut RunState<'_>, u: usize, sponsor: usize) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    let rules = world.institutions[u].initiative().expect("an initiative");
    for s in candidates(rs, u, sponsor) {
        let base = rs.policy.clone();
        let status = rs.gains(&base)?;
        let mut forecasts = Vec::with_capacity(INTENSITIES.len());
        for &cap in &INTENSITIES {
            let x = material_response(rs, u, s, cap)?;
            let world_at = at_intensity(&base, world, s, u, x);
            let mut later = rs.gains(&world_at)?;
            // Lending at depth x costs the sponsor a share of the
            // participant's GDP, from now on.
            let cost =
                rules.offer_cost * x * world.states[s].gdp_musd / world.states[sponsor].gdp_musd;
            later[sponsor] -= cost;
            let mut now = status.clone();
            now[sponsor] -= cost;
            forecasts.push(Forecast {
                now,
                cont: later.clone(),
                later: Some((rules.lag_years.max(1) as u32, later)),
                ..Forecast::default()
            });
        }
        let label = |i: usize| intensity_name(INTENSITIES[i]).into();
        let cap = INTENSITIES[decide(rs, sponsor, "initiative offer", &forecasts, &label)];
        if cap != base.offer[s * k + u] {
            rs.policy.offer[s * k + u] = cap;
            rs.event(
                Event::new(EventKind::Invitation, sponsor)
                    .target(s)
                    .institution(u)
                    .detail(intensity_name(cap).to_string()),
            );
        }
    }
    Ok(())
}

/// Each candidate chooses its intensity up to the offer (a state above the
/// offer is cut back to it: the sponsor no longer finances more).
fn participation(
    rs: &mut RunState<'_>,
    u: usize,
    sponsor: usize,
    order: &[usize],
) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    let rules = world.institutions[u].initiative().expect("an initiative");
    let invited = candidates(rs, u, sponsor);
    let base = rs.policy.clone();
    let mut moves = Vec::new();
    for &s in order.iter().filter(|s| invited.contains(s)) {
        let now_x = base.intensity(s, u);
        let cap = base.offer[s * k + u];
        let levels: Vec<f64> = INTENSITIES.iter().copied().filter(|&x| x <= cap).collect();
        if levels.len() < 2 {
            if now_x > cap {
                moves.push((s, cap, true));
            }
            continue;
        }
        let since = base.since[s * k + u];
        // Years until the corridor is open at the chosen depth: the whole lag
        // for a newcomer, the rest of it for a participant still inside it.
        let wait = if now_x == 0.0 {
            rules.lag_years
        } else if since == i32::MIN {
            0
        } else {
            (since + rules.lag_years - rs.year).max(0)
        };
        let mut forecasts = Vec::with_capacity(levels.len());
        for &x in &levels {
            let open = at_intensity(&base, world, s, u, x);
            let mut f = forecast_change(rs, s, &base, &open)?;
            let with = f.now.clone();
            let mut during = base.clone();
            during.set_intensity(s, u, x.min(now_x));
            let during = rs.gains(&during)?;
            let cost = legitimacy(rs, u, x);
            let minus = |mut g: crate::economy::Welfare| {
                g[s] -= cost;
                g
            };
            f.now = minus(if wait > 0 {
                during.clone()
            } else {
                with.clone()
            });
            if wait > 1 {
                f.cont = minus(during);
                f.later = Some((wait as u32, minus(with)));
            } else {
                f.cont = minus(with);
            }
            f.dependence.push((sponsor, x * rules.dependence_per_year));
            expect_sponsor(rs, u, sponsor, s, x, &open, &mut f)?;
            expect_rival(rs, u, s, x, &open, &mut f)?;
            forecasts.push(f);
        }
        let label = |i: usize| intensity_name(levels[i]).into();
        let x = levels[decide(rs, s, "initiative", &forecasts, &label)];
        if x != now_x {
            moves.push((s, x, false));
        }
    }
    for (s, x, forced) in moves {
        let before = rs.policy.intensity(s, u);
        rs.policy.set_intensity(s, u, x);
        // Only a state's own choice to scale down invites the sponsor's
        // coercion, not the end of financing the sponsor itself decided.
        rs.record.reduced[s * k + u] = !forced && x < before;
        if before == 0.0 {
            rs.policy.since[s * k + u] = rs.year;
            if rs.record.joined[s * k + u].is_nan() {
                rs.record.joined[s * k + u] = f64::from(rs.year);
            }
            rs.event(
                Event::new(EventKind::Join, s)
                    .institution(u)
                    .detail(intensity_name(x).to_string()),
            );
        } else if x == 0.0 {
            rs.event(Event::new(EventKind::Exit, s).institution(u));
        }
        rs.event(
            Event::new(EventKind::Participation, s)
                .institution(u)
                .detail(format!(
                    "{} → {}",
                    intensity_name(before),
                    intensity_name(x)
                )),
        );
    }
    Ok(())
}

/// What `s` expects from the sponsor if it takes part less than now while it
/// depends on the sponsor's investment: the sponsor may withdraw it, with the
/// initiative's shared belief that it does.
fn expect_sponsor(
    rs: &mut RunState<'_>,
    u: usize,
    sponsor: usize,
    s: usize,
    x: f64,
    next: &Policy,
    f: &mut Forecast,
) -> Result<(), SimError> {
    let world = rs.world;
    let baseline = world.dependence[crate::world::Channel::Investment as usize].get(s, sponsor);
    let exposed = rs.investment.get(s, sponsor) - baseline;
    if x >= rs.policy.intensity(s, u) || exposed <= 0.0 {
        return Ok(());
    }
    let mut coerced = next.clone();
    coerced.coerced[s] = Some(Coercion {
        by: u,
        investment: exposed,
    });
    let loss = rs.gains(next)?[s] - rs.gains(&coerced)?[s];
    f.coercion.push(Expected {
        source: sponsor,
        probability: rs.beliefs[u].mean(),
        per_year: loss,
        from: 0,
    });
    Ok(())
}

/// What `s` expects from the leader of its customs union if it takes part
/// while that leader objects: coercion, as for a breach of union law.
fn expect_rival(
    rs: &mut RunState<'_>,
    u: usize,
    s: usize,
    x: f64,
    next: &Policy,
    f: &mut Forecast,
) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    let Some(c) = rs.policy.union_of(world, s) else {
        return Ok(());
    };
    if x > 0.0 && rs.policy.objecting[c * k + u] && world.institutions[c].leader != Some(s) {
        expect_coercion(rs, s, c, next, f)?;
    }
    Ok(())
}

/// Step 4 for initiatives: each sponsor decides, by its doctrine, whether to
/// coerce a state that took part less this year while it depended on the
/// sponsor's investment; everyone updates the belief that it does.
pub fn coerce(rs: &mut RunState<'_>) -> Result<(), SimError> {
    let world = rs.world;
    let k = world.institutions.len();
    for (u, inst) in world.institutions.iter().enumerate() {
        let (Some(_), Some(sponsor)) = (inst.initiative(), inst.leader) else {
            continue;
        };
        if !inst.in_force(rs.year) || !world.states[sponsor].acts {
            continue;
        }
        for s in (0..world.n_states()).filter(|&s| s != sponsor) {
            if !std::mem::take(&mut rs.record.reduced[s * k + u]) {
                continue;
            }
            let baseline =
                world.dependence[crate::world::Channel::Investment as usize].get(s, sponsor);
            let exposed = rs.investment.get(s, sponsor) - baseline;
            if exposed <= 0.0 || rs.policy.coerced[s].is_some() {
                continue;
            }
            let coercion = Coercion {
                by: u,
                investment: exposed,
            };
            let mut coerced = rs.policy.clone();
            coerced.coerced[s] = Some(coercion);
            // The sponsor expects coercion to bring the state back to deep
            // participation.
            let back = at_intensity(&rs.policy.clone(), world, s, u, 1.0);
            let act = Forecast {
                now: rs.gains(&coerced)?,
                cont: rs.gains(&back)?,
                ..Forecast::default()
            };
            let wait = Forecast::stationary(rs.status_quo_gains()?);
            let label = |i: usize| ["coerce", "wait"][i].into();
            let coerces = decide(rs, sponsor, "initiative coercion", &[act, wait], &label) == 0;
            rs.beliefs[u].observe(coerces);
            if coerces {
                rs.policy.coerced[s] = Some(coercion);
                rs.record.rounds_coerced[s] += 1;
                rs.signal(s, sponsor, -1.0);
                rs.event(
                    Event::new(EventKind::Coercion, sponsor)
                        .target(s)
                        .institution(u),
                );
            }
        }
    }
    Ok(())
}

/// After the year's moves: participants' investment dependence on the sponsor
/// grows with the depth of their participation (non-participants' fades back
/// toward the scenario's baseline), and each participant's affinity toward
/// the sponsor receives the signal x·(1 − 2·public_suspicion) (investment as
/// cooperation, suspicion as threat).
pub fn learn(rs: &mut RunState<'_>) {
    let world = rs.world;
    let k = world.institutions.len();
    for (u, inst) in world.institutions.iter().enumerate() {
        let (Some(rules), Some(sponsor)) = (inst.initiative(), inst.leader) else {
            continue;
        };
        if !inst.in_force(rs.year) {
            continue;
        }
        for s in (0..world.n_states()).filter(|&s| s != sponsor) {
            let baseline =
                world.dependence[crate::world::Channel::Investment as usize].get(s, sponsor);
            let d = rs.investment.get(s, sponsor);
            let x = if rs.policy.active(world, s, u) {
                rs.policy.intensity(s, u)
            } else {
                0.0
            };
            if x > 0.0 {
                rs.investment
                    .set(s, sponsor, (d + x * rules.dependence_per_year).min(1.0));
                rs.signal(s, sponsor, x * (1.0 - 2.0 * rules.public_suspicion));
            } else {
                rs.investment
                    .set(s, sponsor, (d - rules.dependence_per_year).max(baseline));
            }
            rs.record.participation[s * k + u] += x;
            rs.record.initiative_rounds[s * k + u] += 1;
        }
    }
}
