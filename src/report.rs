//! Readable text for the terminal: the `check` summary of a scenario and the
//! short table printed after a run. The library returns text; the binary prints.

use crate::job::JobReport;
use crate::outcome::Catalogue;
use crate::world::Player;
use crate::world::World;
use std::fmt::Write;

/// What `statecraft check` prints.
pub fn describe(world: &World) -> String {
    let mut s = String::new();
    let title = if world.title.is_empty() {
        String::new()
    } else {
        format!(" — {}", world.title)
    };
    let _ = writeln!(s, "scenario {}{title}", world.name);
    let _ = writeln!(
        s,
        "timeline {}–{} ({} rounds); defaults: {} runs, seed {}",
        world.start,
        world.end,
        world.end - world.start + 1,
        world.run.runs,
        world.run.seed
    );
    let _ = writeln!(s, "\nstates ({})", world.n_states());
    let _ = writeln!(
        s,
        "  {:<6} {:<22} {:<15} {:>10} {:>9}  neighbours",
        "code", "name", "doctrine", "GDP $bn", "mil. $bn"
    );
    for st in &world.states {
        let gp = if st.great_power { "*" } else { "" };
        let neighbours: Vec<&str> = st
            .neighbours
            .iter()
            .map(|&j| world.states[j].code.as_str())
            .collect();
        let _ = writeln!(
            s,
            "  {:<6} {:<22} {:<15} {:>10.1} {:>9.1}  {}",
            format!("{}{gp}", st.code),
            truncate(&st.name, 22),
            st.doctrine.as_str(),
            st.gdp_musd / 1000.0,
            st.military_musd / 1000.0,
            if neighbours.is_empty() {
                "-".into()
            } else {
                neighbours.join(" ")
            }
        );
    }
    if world.states.iter().any(|s| s.great_power) {
        let _ = writeln!(s, "  (* great power)");
    }
    if !world.institutions.is_empty() {
        let _ = writeln!(s, "\ninstitutions ({})", world.institutions.len());
        for inst in &world.institutions {
            let members: Vec<&str> = inst
                .members
                .iter()
                .map(|&j| world.states[j].code.as_str())
                .collect();
            let _ = writeln!(
                s,
                "  {:<6} {:<22} {:<14} members: {}",
                inst.code,
                truncate(&inst.name, 22),
                inst.kind.as_str(),
                members.join(" ")
            );
        }
    }
    if !world.games.is_empty() {
        let _ = writeln!(s, "\ngames ({})", world.games.len());
        for g in &world.games {
            let p = &g.payoffs;
            let _ = write!(
                s,
                "  {} — matrix R={} S={} T={} P={}",
                g.name, p.r, p.s, p.t, p.p
            );
            if p.is_prisoners_dilemma() {
                let _ = write!(
                    s,
                    " (prisoner's dilemma; δ* = (T−R)/(T−P) = {:.3})",
                    p.grim_threshold()
                );
            }
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "    {} pairs, years {}–{}, noise {}, continuation {}{}",
                g.pairs.len(),
                g.from,
                g.until,
                g.noise,
                g.continuation,
                g.institution.map_or(String::new(), |i| format!(
                    ", under {}",
                    world.institutions[i].code
                ))
            );
            let fixed: Vec<String> = g
                .players
                .iter()
                .enumerate()
                .filter_map(|(i, pl)| match pl {
                    Player::Strategy(st) => {
                        Some(format!("{} {}", world.states[i].code, st.as_str()))
                    }
                    Player::Doctrine => None,
                })
                .collect();
            if !fixed.is_empty() {
                let _ = writeln!(s, "    fixed strategies: {}", fixed.join(", "));
            }
        }
    }
    let codes = |list: &[usize]| {
        list.iter()
            .map(|&j| world.states[j].code.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    for inst in world
        .institutions
        .iter()
        .filter(|i| i.initiative().is_some())
    {
        let r = inst.initiative().expect("filtered");
        let sponsor = inst.leader.map_or("-", |l| world.states[l].code.as_str());
        let _ = writeln!(
            s,
            "\n{}: sponsor {sponsor}, cost factor {} after {} years on corridors to {}; public suspicion {}",
            inst.code,
            r.cost_cut,
            r.lag_years,
            codes(&r.corridor),
            r.public_suspicion
        );
    }
    if !world.sanctions.is_empty() {
        let _ = writeln!(s, "\nsanctions ({})", world.sanctions.len());
        for x in &world.sanctions {
            let _ = writeln!(
                s,
                "  {:<14} {} on {}, {}–{}, trade costs ×{}",
                truncate(&x.name, 14),
                codes(&x.senders),
                world.states[x.target].code,
                x.from,
                x.until,
                1.0 + x.cost_increase
            );
        }
    }
    if !world.blocs.is_empty() {
        let _ = writeln!(s, "\nblocs ({})", world.blocs.len());
        for (b, bloc) in world.blocs.iter().enumerate() {
            let members: Vec<usize> = (0..world.n_states())
                .filter(|&i| world.alignment[i] == Some(b))
                .collect();
            let _ = writeln!(
                s,
                "  {:<6} {:<22} aligned: {}",
                bloc.code,
                truncate(&bloc.name, 22),
                codes(&members)
            );
        }
    }
    let _ = writeln!(s, "\nprofiles: {}", world.profile_names().join(", "));
    if !world.priors.is_empty() {
        let _ = writeln!(
            s,
            "\npriors ({}; --prior-predictive draws them, sweep --design morris|sobol screens them)",
            world.priors.len()
        );
        for u in &world.priors {
            let default = u
                .default
                .map_or("built-in default".to_string(), |x| format!("{x}"));
            let _ = writeln!(
                s,
                "  {:<40} {:<34} scenario: {default}",
                u.path,
                u.prior.to_string()
            );
        }
    }
    if !world.facts.is_empty() {
        let _ = writeln!(s, "\nexpected facts ({})", world.facts.len());
        for f in &world.facts {
            let role = match f.role {
                crate::world::FactRole::Calibration => " (calibration target: not evidence)",
                crate::world::FactRole::Evidence => "",
            };
            let _ = writeln!(s, "  {:<24} {}{role}", f.id, f.description);
        }
    }
    let catalogue = Catalogue::new(world);
    let _ = writeln!(
        s,
        "\n{} metrics per run and profile; the scenario is valid.",
        catalogue.len()
    );
    s
}

/// How sharp the scenario's choices are (docs/model.md §4, Adaptation): in a
/// reference run — run 0 of the scenario's own profile and seed — the share
/// of decisions whose two best options lay within 1/λ of each other, where
/// the logit rule really draws rather than picks the best.
pub fn sharpness(world: &World) -> Result<String, crate::state::SimError> {
    let catalogue = Catalogue::new(world);
    let outcome = crate::simulation::simulate(
        world,
        &world.scenario_profile(),
        &catalogue,
        world.run.seed,
        0,
        &crate::simulation::RunOptions::default(),
    )?;
    if outcome.decision_count == 0 {
        return Ok(String::new());
    }
    Ok(format!(
        "decisions in run 0 (seed {}): {}; {:.0}% of them near ties (two best options within 1/λ)\n",
        world.run.seed,
        outcome.decision_count,
        100.0 * outcome.near_ties as f64 / outcome.decision_count as f64
    ))
}

/// What `statecraft run` prints when done: timing, then each game's
/// cooperation rate and mean payoff per state with 95% intervals.
pub fn run_summary(world: &World, report: &JobReport) -> String {
    let mut s = String::new();
    if let Some(shard) = report.shard {
        let _ = writeln!(
            s,
            "shard {shard}: {} in {} s → {}\njoin the shards with: statecraft merge <shard directories> --out <dir>",
            plural(report.runs, "run"),
            seconds(report.wall),
            report.out.display()
        );
        return s;
    }
    if report.merged_shards > 0 {
        let _ = writeln!(
            s,
            "merged {} shards: {} → {}",
            report.merged_shards,
            plural(report.runs, "run"),
            report.out.display()
        );
    } else {
        // With several profiles a run is simulated once per profile, and the
        // rate says so: it counts profile-runs.
        let (runs, unit) = if report.profiles > 1 {
            let runs = format!(
                "{} × {} profiles",
                plural(report.runs, "run"),
                report.profiles
            );
            (runs, "profile-runs/s")
        } else {
            (plural(report.runs, "run"), "runs/s")
        };
        let _ = writeln!(
            s,
            "{runs} in {} s ({:.0} {unit} on {}) → {}",
            seconds(report.wall),
            report.runs_per_second,
            plural(report.threads as u64, "thread"),
            report.out.display()
        );
    }
    if report.reused_chunks > 0 {
        let were = if report.reused_chunks == 1 {
            "chunk was"
        } else {
            "chunks were"
        };
        let _ = writeln!(
            s,
            "{} {were} already finished and kept; the rate counts only the {} simulated now",
            report.reused_chunks,
            plural(report.simulated, "run")
        );
    }
    if !report.damaged.is_empty() {
        let chunks: Vec<String> = report.damaged.iter().map(|d| d.chunk.to_string()).collect();
        let _ = writeln!(
            s,
            "{} damaged (its bytes differed from the SHA-256 recorded when it was written) and computed again: chunk {}",
            if chunks.len() == 1 {
                "1 chunk was".to_string()
            } else {
                format!("{} chunks were", chunks.len())
            },
            chunks.join(", ")
        );
    }
    if report.solves > 0 {
        let per_run =
            report.solves as f64 / (report.simulated.max(1) * report.profiles.max(1)) as f64;
        let _ = writeln!(
            s,
            "{} trade equilibria solved ({per_run:.0} per run)",
            report.solves
        );
    }
    for game in &world.games {
        let _ = writeln!(s, "\n{}: mean over runs [95% CI]", game.name);
        let _ = writeln!(
            s,
            "  {:<14} {:<7} {:<26} {:<26}",
            "profile", "state", "cooperation rate", "mean payoff per round"
        );
        for row in report
            .summaries
            .iter()
            .filter(|r| r.metric == format!("cooperation_rate:{}", game.name))
        {
            let payoff = report.summaries.iter().find(|p| {
                p.profile == row.profile
                    && p.state == row.state
                    && p.metric == format!("mean_payoff:{}", game.name)
            });
            let cell = |x: &crate::stats::Summary| {
                format!("{:.3} [{:.3}, {:.3}]", x.mean, x.ci_low, x.ci_high)
            };
            let _ = writeln!(
                s,
                "  {:<14} {:<7} {:<26} {:<26}",
                truncate(&row.profile, 14),
                row.state,
                cell(&row.summary),
                payoff.map_or(String::new(), |p| cell(&p.summary))
            );
        }
    }
    facts_table(&mut s, report);
    ratios_table(&mut s, report);
    let mut files = vec!["outcomes.csv", "summary.csv", "events.csv"];
    if report.timeseries {
        files.push("timeseries.csv");
    }
    if !report.comparison.is_empty() {
        files.push("comparison.csv");
    }
    if !report.retrodiction.is_empty() {
        files.push("retrodiction.csv");
    }
    if !report.ratios.is_empty() {
        files.push("retrodiction_pairs.csv");
    }
    if report.prior_predictive {
        files.push("draws.csv");
    }
    files.push("manifest.json");
    let _ = writeln!(s, "\nfiles: {} (see results/README.md)", files.join(", "));
    if let Some(r) = report.comparison.iter().find(|r| r.difference.is_none()) {
        let _ = writeln!(
            s,
            "paired differences against `{}` (common random numbers) are in comparison.csv",
            r.profile
        );
    }
    s
}

/// Profiles per block of the facts table, so that it fits in 80 columns.
const PROFILES_PER_BLOCK: usize = 5;

/// The share of runs matching each fact, a column per profile.
fn facts_table(s: &mut String, report: &JobReport) {
    if report.retrodiction.is_empty() {
        return;
    }
    let mut profiles: Vec<&str> = Vec::new();
    for r in &report.retrodiction {
        if !profiles.contains(&r.profile.as_str()) {
            profiles.push(&r.profile);
        }
    }
    let facts: Vec<&crate::output::RetrodictionRow> = report
        .retrodiction
        .iter()
        .filter(|r| r.profile == profiles[0])
        .collect();
    let _ = writeln!(
        s,
        "\nfacts: share of {} matching",
        plural(report.runs, "run")
    );
    for block in profiles.chunks(PROFILES_PER_BLOCK) {
        let _ = write!(s, "  {:<30}", "");
        for p in block {
            let _ = write!(s, " {:>9}", truncate(p, 9));
        }
        let _ = writeln!(s);
        for fact in &facts {
            let label = if fact.fact == "all" {
                "all evidence facts jointly"
            } else {
                fact.fact.as_str()
            };
            // c: a calibration target (not evidence); =: no two profiles differ.
            let mark = match (fact.role.as_str(), fact.diagnostic) {
                ("calibration", _) => " c",
                (_, Some(false)) => " =",
                _ => "  ",
            };
            let _ = write!(s, "  {:<28}{mark}", truncate(label, 28));
            for p in block {
                let share = report
                    .retrodiction
                    .iter()
                    .find(|r| r.profile == *p && r.fact == fact.fact)
                    .map_or(f64::NAN, |r| r.share);
                let _ = write!(s, " {share:>9.2}");
            }
            let _ = writeln!(s);
        }
    }
    let calibration = facts.iter().any(|f| f.role == "calibration");
    let flat = facts.iter().any(|f| f.diagnostic == Some(false));
    if calibration {
        let _ = writeln!(
            s,
            "  c: a calibration target (its number set a parameter): reported, never evidence"
        );
    }
    if flat {
        let _ = writeln!(
            s,
            "  =: not diagnostic: for every pair of profiles the 95% interval of the ratio of their shares contains 1"
        );
    }
}

/// For each diagnostic fact, the pair of profiles whose shares differ most:
/// the ratio of their shares with its 95% paired interval (all pairs are in
/// retrodiction_pairs.csv).
fn ratios_table(s: &mut String, report: &JobReport) {
    let mut shown = false;
    let mut k = 0;
    while k < report.ratios.len() {
        let fact = &report.ratios[k].fact;
        let end = k + report.ratios[k..]
            .iter()
            .take_while(|r| &r.fact == fact)
            .count();
        // The pair farthest from 1 on the log scale, either way round.
        let strongest = report.ratios[k..end]
            .iter()
            .filter(|r| r.differs())
            .max_by(|a, b| a.ratio.ln().abs().total_cmp(&b.ratio.ln().abs()));
        if let Some(r) = strongest {
            if !shown {
                let _ = writeln!(
                    s,
                    "\nfacts that tell profiles apart: the largest ratio of shares (paired, 95%)"
                );
                shown = true;
            }
            let (a, b, ratio, lo, hi) = if r.ratio >= 1.0 {
                (&r.profile, &r.versus, r.ratio, r.ci_low, r.ci_high)
            } else {
                (
                    &r.versus,
                    &r.profile,
                    1.0 / r.ratio,
                    1.0 / r.ci_high,
                    1.0 / r.ci_low,
                )
            };
            let label = if fact == "all" {
                "all facts jointly"
            } else {
                fact
            };
            let _ = writeln!(
                s,
                "  {:<30} {a} / {b} = {ratio:.2} [{lo:.2}, {hi:.2}]",
                truncate(label, 30)
            );
        }
        k = end;
    }
}

/// A duration in seconds without noise: two decimals below 10 s, one below
/// 100 s, whole seconds above.
fn seconds(wall: std::time::Duration) -> String {
    match wall.as_secs_f64() {
        x if x < 10.0 => format!("{x:.2}"),
        x if x < 100.0 => format!("{x:.1}"),
        x => format!("{x:.0}"),
    }
}

pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        s.chars().take(width - 1).collect::<String>() + "…"
    }
}
