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
pub fn run_summary(world: &World, report: &JobReport, width: usize) -> String {
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
    facts_table(&mut s, report, width);
    ratios_table(&mut s, report);
    if let Some(v) = &report.verdict {
        s.push('\n');
        s += &verdict_text(v, width);
    }
    let mut files = vec!["outcomes.csv", "summary.csv", "events.csv"];
    if report.timeseries {
        files.push("timeseries.csv");
    }
    if report.trace.is_some() {
        files.push("decisions.csv");
    }
    if report.verdict.is_some() {
        files.push("verdict.csv");
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
    let dir = shell_word(&report.out);
    if let Some(t) = &report.trace {
        let state = world.states.first().map_or("S", |st| st.code.as_str());
        let _ = writeln!(
            s,
            "decisions of traced runs {t} are in decisions.csv; one state's story: statecraft explain {dir} --run {} --state {state}",
            t.runs().next().unwrap_or(0)
        );
    }
    let _ = writeln!(s, "report with figures: statecraft report {dir}");
    s
}

/// The share of runs matching each fact: a column per profile, with full
/// names, if that fits in `width` columns; else transposed, a row per profile
/// and a numbered column per fact (named in a legend below), in as many
/// blocks as the width needs.
fn facts_table(s: &mut String, report: &JobReport, width: usize) {
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
    let share = |p: &str, fact: &str| {
        report
            .retrodiction
            .iter()
            .find(|r| r.profile == p && r.fact == fact)
            .map_or(f64::NAN, |r| r.share)
    };
    // c: a calibration target (not evidence); =: no two profiles differ.
    let mark = |f: &crate::output::RetrodictionRow| match (f.role.as_str(), f.diagnostic) {
        ("calibration", _) => "c",
        (_, Some(false)) => "=",
        _ => "",
    };
    let label = |f: &crate::output::RetrodictionRow| {
        let name = if f.fact == "all" {
            "all evidence facts jointly"
        } else {
            f.fact.as_str()
        };
        format!("{name} {}", mark(f)).trim_end().to_string()
    };
    let _ = writeln!(
        s,
        "\nfacts: share of {} matching",
        plural(report.runs, "run")
    );
    let labels: Vec<String> = facts.iter().map(|f| label(f)).collect();
    let names: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
    let normal = Grid {
        rows: &labels,
        columns: &names,
        cell: &|r, c| format!("{:.2}", share(profiles[c], &facts[r].fact)),
    };
    if normal.fits(width) {
        normal.render(s, width);
    } else {
        let numbers: Vec<String> = (1..=facts.len())
            .map(|k| {
                if k == facts.len() {
                    "all".to_string()
                } else {
                    k.to_string()
                }
            })
            .collect();
        Grid {
            rows: &names,
            columns: &numbers,
            cell: &|r, c| format!("{:.2}", share(profiles[r], &facts[c].fact)),
        }
        .render(s, width);
        let _ = writeln!(s, "  facts:");
        for (n, l) in numbers.iter().zip(&labels) {
            let _ = writeln!(s, "  {n:>5}  {l}");
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

/// A table of short cells under full-length column names, its row labels on
/// the left: split into blocks of columns that each fit the width.
struct Grid<'a> {
    rows: &'a [String],
    columns: &'a [String],
    cell: &'a dyn Fn(usize, usize) -> String,
}

impl Grid<'_> {
    fn label_width(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.chars().count())
            .max()
            .unwrap_or(0)
    }

    fn column_width(&self, c: usize) -> usize {
        self.columns[c].chars().count().max(4)
    }

    /// Does every column fit in one block?
    fn fits(&self, width: usize) -> bool {
        let total: usize = (0..self.columns.len())
            .map(|c| 2 + self.column_width(c))
            .sum();
        2 + self.label_width() + total <= width
    }

    fn render(&self, s: &mut String, width: usize) {
        let label = self.label_width();
        let mut start = 0;
        while start < self.columns.len() {
            // At least one column per block, however narrow the terminal.
            let mut end = start + 1;
            let mut used = 2 + label + 2 + self.column_width(start);
            while end < self.columns.len() && used + 2 + self.column_width(end) <= width {
                used += 2 + self.column_width(end);
                end += 1;
            }
            let _ = write!(s, "  {:<label$}", "");
            for c in start..end {
                let _ = write!(s, "  {:>w$}", self.columns[c], w = self.column_width(c));
            }
            let _ = writeln!(s);
            for (r, name) in self.rows.iter().enumerate() {
                let _ = write!(s, "  {name:<label$}");
                for c in start..end {
                    let _ = write!(s, "  {:>w$}", (self.cell)(r, c), w = self.column_width(c));
                }
                let _ = writeln!(s);
            }
            start = end;
        }
    }
}

/// The verdict as printed after a comparison (and in its report): the
/// profiles ranked by the diagnostic evidence facts they match per run, a
/// sentence saying what that means, and warnings about profiles that cannot
/// be told apart and states whose doctrine changes nothing.
pub fn verdict_text(v: &crate::verdict::Verdict, width: usize) -> String {
    let mut s = String::new();
    let d = v.diagnostic.len();
    let _ = writeln!(
        s,
        "verdict: diagnostic evidence facts matched per run ({d} of the {} evidence facts {} the profiles apart)",
        v.evidence,
        if d == 1 { "tells" } else { "tell" }
    );
    let name = v
        .ranking
        .iter()
        .map(|r| r.profile.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    let interval = |m: f64, lo: f64, hi: f64| {
        if lo.is_nan() {
            format!("{m:.2}")
        } else {
            format!("{m:.2} [{lo:.2}, {hi:.2}]")
        }
    };
    let _ = writeln!(
        s,
        "  {:>4}  {:<name$}  {:<20}  {:<20}  jointly",
        "rank", "profile", "matched [95% CI]", "behind best [paired]"
    );
    for r in &v.ranking {
        let behind = r
            .behind
            .map_or("-".to_string(), |(m, lo, hi)| interval(m, lo, hi));
        let _ = writeln!(
            s,
            "  {:>4}  {:<name$}  {:<20}  {:<20}  {:.2}",
            r.rank,
            r.profile,
            interval(r.mean, r.ci_low, r.ci_high),
            behind,
            r.joint_share
        );
    }
    s += &wrap(&verdict_sentence(v), width);
    let mut groups: Vec<Vec<&str>> = Vec::new();
    for r in &v.ranking {
        if !r.identical_to.is_empty() && !groups.iter().any(|g| g.contains(&r.profile.as_str())) {
            let mut g = vec![r.profile.as_str()];
            g.extend(r.identical_to.iter().map(String::as_str));
            groups.push(g);
        }
    }
    if !groups.is_empty() {
        let groups: Vec<String> = groups.iter().map(|g| g.join(" = ")).collect();
        s += &wrap(
            &format!(
                "warning: identical profiles (the same outcomes in every run, so the comparison cannot tell them apart): {}",
                groups.join("; ")
            ),
            width,
        );
    }
    if !v.blind.is_empty() {
        s += &wrap(
            &format!(
                "warning: doctrine-blind states (their doctrine differs between the profiles, yet they made the same choices under every profile in every run: fixed strategies, no choices, or none a doctrine changes): {}",
                v.blind.join(", ")
            ),
            width,
        );
    }
    s
}

/// The verdict in one plain sentence.
fn verdict_sentence(v: &crate::verdict::Verdict) -> String {
    let joint = match v
        .ranking
        .iter()
        .filter(|r| r.joint_matched > 0)
        .max_by(|a, b| {
            a.joint_share
                .total_cmp(&b.joint_share)
                .then(b.rank.cmp(&a.rank))
        }) {
        None => format!(
            "no profile matches the evidence facts jointly in any of the {} runs",
            v.runs
        ),
        Some(r) => format!(
            "`{}` matches every evidence fact at once most often, in {:.0}% of runs",
            r.profile,
            100.0 * r.joint_share
        ),
    };
    let d = v.diagnostic.len();
    if d == 0 {
        return format!(
            "{joint}; no evidence fact tells the profiles apart in {} runs (no pair's ratio of shares has an interval excluding 1), so none ranks above another.",
            v.runs
        );
    }
    let best = &v.ranking[0];
    let facts = if d == 1 {
        "1 diagnostic fact".to_string()
    } else {
        format!("{d} diagnostic facts")
    };
    // The runner-up is the best profile that is not the best's twin.
    let twins = if best.identical_to.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = best.identical_to.iter().map(|p| format!("`{p}`")).collect();
        format!(" (identical to {})", names.join(", "))
    };
    let Some(second) = v
        .ranking
        .iter()
        .skip(1)
        .find(|r| !best.identical_to.contains(&r.profile))
    else {
        return format!("{joint}; every profile has the same outcomes in every run.");
    };
    let (m, lo, hi) = second.behind.unwrap_or((0.0, f64::NAN, f64::NAN));
    let by = if lo.is_nan() {
        format!("{m:.2}")
    } else {
        format!("{m:.2} [{lo:.2}, {hi:.2}]")
    };
    let lead = format!(
        "{joint}; `{}`{twins} matches most, {:.2} of {facts} per run",
        best.profile, best.mean
    );
    if m == 0.0 && (lo.is_nan() || lo == hi) {
        format!(
            "{lead}, and `{}` matches the same in every run.",
            second.profile
        )
    } else if lo <= 0.0 {
        format!(
            "{lead}, but is not told apart from `{}` (behind by {by}).",
            second.profile
        )
    } else {
        format!("{lead}, ahead of `{}` by {by}.", second.profile)
    }
}

/// `text` broken into lines of at most `width` columns at spaces, the lines
/// after the first indented by two.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out += &line;
            out.push('\n');
            line = format!("  {word}");
        } else {
            if len > 0 {
                line.push(' ');
            }
            line += word;
        }
    }
    out += &line;
    out.push('\n');
    out
}

/// `path` as one word of a shell command: as it is if it needs no quoting,
/// else in single quotes.
pub fn shell_word(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+:@%,=".contains(c));
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
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
