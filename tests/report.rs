//! Results a researcher can read (issue 17): the verdict of `compare`,
//! `decisions.csv` of traced runs and `explain`, and `report`'s page — each
//! checked as a user would meet it, through the real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use statecraft::doctrine::Family;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const CLASSIC: &str = "scenarios/classic_cooperation.toml";
const FLAGSHIP: &str = "scenarios/kazakhstan_wto_eaeu.toml";

fn statecraft() -> Command {
    let mut c = Command::cargo_bin("statecraft").unwrap();
    c.timeout(std::time::Duration::from_secs(300));
    c
}

/// Rows of a CSV file as maps from column to cell.
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or(f64::NAN)
}

/// Two neoliberal states in a repeated prisoner's dilemma at δ = 0.6: above
/// the neoliberal threshold, below the neorealist one (tests/compare.rs).
/// `s1_cooperates` holds by construction for neoliberals and cannot for
/// neorealists; `s1_plays` holds under every profile (not diagnostic);
/// `target` is a calibration target that never holds; `s2_often` splits runs.
const THRESHOLD: &str = r#"
[scenario]
name = "threshold"
[timeline]
start = 1
end = 50
[run]
runs = 60
seed = 3
[model]
reciprocity = "tit_for_tat"
[doctrines.neoliberal]
discount = 0.6
matrix = { precision = inf }
[doctrines.neorealist]
discount = 0.6
relative_gains = 0.5
matrix = { precision = inf }
[states.S1]
name = "One"
gdp_musd = 1000
military_musd = 10
doctrine = "neoliberal"
[states.S2]
name = "Two"
gdp_musd = 1000
military_musd = 10
doctrine = "neoliberal"
[games.g]
kind = "matrix"
payoffs = { R = 3, S = 0, T = 5, P = 1 }
pairs = [["S1", "S2"]]
noise = 0.06
[[expect]]
id = "s1_cooperates"
fact = "metric"
state = "S1"
metric = "cooperation_rate:g"
min = 0.8
[[expect]]
id = "s2_often"
fact = "metric"
state = "S2"
metric = "cooperation_rate:g"
min = 0.9
[[expect]]
id = "s1_plays"
fact = "metric"
state = "S1"
metric = "rounds_played:g"
min = 50
[[expect]]
id = "target"
role = "calibration"
fact = "metric"
state = "S1"
metric = "rounds_played:g"
max = 0
"#;

#[test]
fn the_verdict_ranks_by_diagnostic_facts_with_paired_intervals_recomputed_from_the_runs() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("threshold.toml");
    std::fs::write(&scenario, THRESHOLD).unwrap();
    let out = dir.path().join("c");
    let printed = statecraft()
        .args(["compare"])
        .arg(&scenario)
        .args(["--profiles", "neorealist,neoliberal,scenario", "--out"])
        .arg(&out)
        .env("COLUMNS", "400") // no line broken inside a sentence
        .assert()
        .success()
        .stdout(predicate::str::contains("verdict:"))
        .stdout(predicate::str::contains(
            "`neoliberal` (identical to `scenario`) matches most",
        ))
        .stdout(predicate::str::contains(
            "identical profiles (the same outcomes in every run",
        ))
        .stdout(predicate::str::contains("neoliberal = scenario"))
        .stdout(predicate::str::contains("statecraft report"))
        .get_output()
        .stdout
        .clone();
    let printed = String::from_utf8(printed).unwrap();

    // Which facts count: evidence that some pair of profiles tells apart.
    let retro = csv_rows(&out.join("retrodiction.csv"));
    let diagnostic: Vec<String> = retro
        .iter()
        .filter(|r| r["profile"] == "neorealist" && r["role"] == "evidence")
        .filter(|r| r["diagnostic"] == "true")
        .map(|r| r["fact"].clone())
        .collect();
    assert!(diagnostic.contains(&"s1_cooperates".to_string()));
    assert!(
        !diagnostic.contains(&"s1_plays".to_string()),
        "s1_plays holds everywhere"
    );
    assert!(
        !diagnostic.contains(&"target".to_string()),
        "a calibration target never counts"
    );

    // Each profile's score in each run, from outcomes.csv.
    let facts: BTreeMap<&str, (&str, &str, f64, f64)> = [
        (
            "s1_cooperates",
            ("S1", "cooperation_rate:g", 0.8, f64::INFINITY),
        ),
        ("s2_often", ("S2", "cooperation_rate:g", 0.9, f64::INFINITY)),
        ("s1_plays", ("S1", "rounds_played:g", 50.0, f64::INFINITY)),
    ]
    .into_iter()
    .collect();
    let mut score: BTreeMap<(String, u64), f64> = BTreeMap::new();
    for r in csv_rows(&out.join("outcomes.csv")) {
        let run: u64 = r["run"].parse().unwrap();
        let entry = score.entry((r["profile"].clone(), run)).or_default();
        for id in &diagnostic {
            let (state, metric, lo, hi) = facts[id.as_str()];
            let x = num(&r["value"]);
            if r["state"] == state && r["metric"] == metric && lo <= x && x <= hi {
                *entry += 1.0;
            }
        }
    }
    let runs = 60u64;
    let scores = |p: &str| -> Vec<f64> { (0..runs).map(|r| score[&(p.to_string(), r)]).collect() };
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let t = statecraft::stats::t_quantile(0.975, runs as f64 - 1.0);
    let interval = |x: &[f64]| {
        let m = mean(x);
        let var = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() as f64 - 1.0);
        let half = t * (var / x.len() as f64).sqrt();
        (m, m - half, m + half)
    };

    let verdict = csv_rows(&out.join("verdict.csv"));
    let order: Vec<&str> = verdict.iter().map(|r| r["profile"].as_str()).collect();
    // The tie between the two identical profiles keeps the order given.
    assert_eq!(order, ["neoliberal", "scenario", "neorealist"]);
    let best = scores("neoliberal");
    for row in &verdict {
        assert_eq!(row["facts"], diagnostic.len().to_string());
        assert_eq!(
            row["evidence"], "3",
            "three evidence facts; the target is not one"
        );
        let mine = scores(&row["profile"]);
        let (m, lo, hi) = interval(&mine);
        let close = |a: &str, b: f64| (num(a) - b).abs() < 1e-9 || (num(a) == b);
        assert!(close(&row["mean"], m), "{row:?} vs {m}");
        if lo != hi {
            assert!(
                close(&row["ci_low"], lo) && close(&row["ci_high"], hi),
                "{row:?}"
            );
        }
        let d: Vec<f64> = best.iter().zip(&mine).map(|(b, x)| b - x).collect();
        if row["rank"] == "1" {
            assert_eq!(row["behind_best"], "");
        } else {
            let (dm, dlo, dhi) = interval(&d);
            assert!(close(&row["behind_best"], dm), "{row:?} vs {dm}");
            if dlo != dhi {
                assert!(close(&row["behind_ci_low"], dlo) && close(&row["behind_ci_high"], dhi));
            } else {
                assert_eq!(num(&row["behind_ci_low"]), dm);
            }
        }
    }
    let neorealist = verdict
        .iter()
        .find(|r| r["profile"] == "neorealist")
        .unwrap();
    // s1_cooperates holds in every neoliberal run and no neorealist one.
    assert!(num(&neorealist["behind_ci_low"]) >= 0.9, "{neorealist:?}");
    assert_eq!(verdict[0]["identical_to"], "scenario");
    assert_eq!(verdict[2]["identical_to"], "");
    // The sentence quotes the difference to the runner-up as written.
    assert!(
        printed.contains("ahead of") || printed.contains("match the same"),
        "{printed}"
    );
}

/// The precision λ a state's decision used: its doctrine's weights for the
/// decision's family (docs/model.md §4; `RunState::decide`).
fn precision(
    world: &statecraft::world::World,
    profile: &statecraft::world::Profile,
    state: &str,
    decision: &str,
) -> f64 {
    let s = world.state_index(state).unwrap();
    let family = if decision == "alignment" {
        Family::Alignment
    } else if world.games.iter().any(|g| g.name == decision) {
        Family::Matrix
    } else {
        Family::Trade
    };
    world.states[s]
        .params_for(profile.doctrines[s])
        .weights(family)
        .precision
}

/// Check every traced decision of `out` (a traced directory of `scenario`):
/// its options' components sum to their utility, the utilities give each
/// option's logit probability exp(λU)/Σexp(λU) with the decider's λ, and one
/// option is chosen. Returns the kinds of decision seen and how many
/// decisions were checked.
fn recombine(out: &Path, scenario: &Path) -> (BTreeSet<String>, usize) {
    let world = statecraft::scenario::load(scenario, &[]).unwrap().world;
    let rows = csv_rows(&out.join("decisions.csv"));
    type Row = BTreeMap<String, String>;
    // (profile, run, step) → the decision's options.
    let mut decisions: BTreeMap<(String, String, String), Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        decisions
            .entry((r["profile"].clone(), r["run"].clone(), r["step"].clone()))
            .or_default()
            .push(r);
    }
    let parts = statecraft::doctrine::Valuation::COMPONENTS;
    let mut kinds = BTreeSet::new();
    for ((profile, _, _), options) in &decisions {
        let p = statecraft::job::profile(&world, profile).unwrap();
        let lambda = precision(&world, &p, &options[0]["state"], &options[0]["decision"]);
        assert!(lambda.is_finite());
        let u: Vec<f64> = options.iter().map(|o| num(&o["total"])).collect();
        for o in options {
            let sum: f64 = parts.iter().map(|c| num(&o[*c])).sum();
            assert!(
                (sum - num(&o["total"])).abs() <= 1e-9 * sum.abs().max(1.0),
                "{o:?}"
            );
        }
        let max = u.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = u.iter().map(|x| (lambda * (x - max)).exp()).sum();
        for (o, x) in options.iter().zip(&u) {
            let p = (lambda * (x - max)).exp() / z;
            assert!(
                (p - num(&o["probability"])).abs() < 1e-9,
                "{o:?}: exp(λU)/Σexp(λU) = {p} with λ = {lambda}"
            );
        }
        assert_eq!(
            options.iter().filter(|o| o["chosen"] == "true").count(),
            1,
            "one option chosen"
        );
        kinds.insert(options[0]["decision"].clone());
    }
    (kinds, decisions.len())
}

#[test]
fn traced_utilities_recombine_to_the_logit_probability_of_each_option() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("kz");
    statecraft()
        .args(["compare", FLAGSHIP, "--profiles", "scenario,neoliberal"])
        .args(["--runs", "3", "--trace", "1", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let rows = csv_rows(&out.join("decisions.csv"));
    assert!(rows.len() > 500, "only {} rows", rows.len());
    assert!(rows.iter().all(|r| r["run"] == "1"), "only the traced run");
    let (_, checked) = recombine(&out, Path::new(FLAGSHIP));
    assert!(checked > 100, "{checked} decisions");

    // explain tells the story of that run, and refuses the others.
    statecraft()
        .args(["explain"])
        .arg(&out)
        .args(["--run", "1", "--state", "KAZ", "--profile", "neoliberal"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "KAZ in run 1 under profile neoliberal",
        ))
        .stdout(predicate::str::contains("decided by"))
        .stdout(predicate::str::contains("event: application KAZ in WTO"));
    statecraft()
        .args(["explain"])
        .arg(&out)
        .args(["--run", "0", "--state", "KAZ"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run 0 was not traced"))
        .stderr(predicate::str::contains("traced runs are 1"));
    statecraft()
        .args(["explain"])
        .arg(&out)
        .args(["--run", "1", "--state", "XYZ"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown state `XYZ`"));
    statecraft()
        .args(["compare", FLAGSHIP, "--runs", "2", "--trace", "2", "--out"])
        .arg(dir.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--trace 2: run 2 is not among the job's 2 runs",
        ));
}

/// Every kind of decision the games name with a literal in `src/game/`
/// (`decide(rs, s, "kind", …)`, a union's `vote(rs, …, "kind", …)`, and
/// alignment): a new kind of decision is found here, and must then be traced.
fn decision_kinds_in_the_source() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/game");
    let mut kinds = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // A decision's kind is the literal among `decide`'s arguments before
        // the options (the first borrowed one), and among `vote`'s.
        for (call, end) in [("decide(", '&'), ("vote(rs,", ')')] {
            for (at, _) in text.match_indices(call) {
                let args = &text[at + call.len()..];
                let args = &args[..args.find(end).unwrap_or(0)];
                let mut quoted = args.split('"');
                if let (Some(_), Some(kind), Some(_)) =
                    (quoted.next(), quoted.next(), quoted.next())
                {
                    kinds.insert(kind.to_string());
                }
            }
        }
    }
    kinds
}

/// A world where order-making happens: S1 tables an all-in-one deep union
/// (by invitation) to every state, which two states that fear the great
/// power refuse; S1 adapts, the union is founded, its leader proposes CET
/// changes, and those outside may ask to join (tests/order.rs, Downs, Rocke &
/// Barsoom 1998).
fn order_world(dir: &Path) -> PathBuf {
    let codes = ["GP", "S1", "S2", "S3", "S4", "S5", "ROW"];
    let mut flows = String::from("exporter,importer,value_musd\n");
    for a in codes {
        for b in codes.iter().filter(|&&b| b != a) {
            let v = if a == "ROW" || *b == "ROW" { 400 } else { 100 };
            flows += &format!("{a},{b},{v}\n");
        }
    }
    std::fs::write(dir.join("flows.csv"), flows).unwrap();
    let state = |c: &str, extra: &str, gdp: u32, military: u32| {
        format!(
            "[states.{c}]\nname = \"{c}\"\ngdp_musd = {gdp}\nmilitary_musd = {military}\n\
             doctrine = \"neoliberal\"\ntariff_percent = 10\n\
             params = {{ trade = {{ precision = 100 }} }}\n{extra}\n"
        )
    };
    let mut text = String::from(
        "[scenario]\nname = \"order\"\n[timeline]\nstart = 1994\nend = 2010\n\
         [model]\nsovereignty_cost_percent = 3\n\
         [trade]\nflows = \"flows.csv\"\nelasticity = 5\nbaseline_year = 1994\n",
    );
    text += &state("GP", "great_power = true", 1000, 1000);
    for c in ["S1", "S2", "S3", "S4", "S5"] {
        text += &state(c, "", 1000, 10);
    }
    text += &state("ROW", "acts = false", 50000, 10);
    text += "[affinity.S4]\nGP = -0.9\n[affinity.S5]\nGP = -0.9\n\
             [institutions.U]\nkind = \"customs_union\"\ncet_rule = \"largest\"\n\
             leader = \"S1\"\ncet_step_percent = 1\n\
             [[proposals]]\nby = \"S1\"\ninstitution = \"U\"\nfrom = 1994\n\
             members = [\"S1\", \"S2\", \"S3\", \"S4\", \"S5\", \"GP\"]\n\
             organs = [\"supranational\", \"parliament\", \"currency\"]\n\
             membership = \"invitation\"\n";
    let path = dir.join("order.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn every_kind_of_decision_is_traced_and_its_utilities_recombine() {
    // The shipped scenarios and an order-making world between them make
    // every kind of decision: tariffs, WTO accession and disputes, the
    // union's law, Belt and Road intensity, offers, objections and coercion,
    // sanctions stances (circumvention among them) and the counter-response,
    // alignment, a matrix game, and the proposals game (draft votes,
    // adaptation, accession and invitation).
    let dir = tempfile::tempdir().unwrap();
    let order = order_world(dir.path());
    let bri = Path::new("scenarios/bri_eaeu_overlap.toml");
    let jobs: [(&Path, &[&str]); 4] = [
        // In run 2 of the flagship Russia links its accession (2010–11).
        (Path::new(FLAGSHIP), &["--runs", "3", "--trace", "1-2"]),
        (bri, &["--runs", "2", "--trace", "1"]),
        (
            Path::new(CLASSIC),
            &["--runs", "1", "--trace", "0", "--profiles", "scenario"],
        ),
        (&order, &["--runs", "2", "--trace", "1"]),
    ];
    let mut seen = BTreeSet::new();
    let mut labels: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (k, (scenario, args)) in jobs.iter().enumerate() {
        let out = dir.path().join(format!("out{k}"));
        statecraft()
            .arg("compare")
            .arg(scenario)
            .args(*args)
            .args(["--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        let (kinds, checked) = recombine(&out, scenario);
        assert!(checked > 0, "{}: no decision", scenario.display());
        seen.extend(kinds);
        for r in csv_rows(&out.join("decisions.csv")) {
            labels
                .entry(r["decision"].clone())
                .or_default()
                .insert(r["label"].clone());
        }
    }
    let mut wanted = decision_kinds_in_the_source();
    wanted.insert("trade_dilemma".into()); // classic_cooperation's matrix game
    assert!(wanted.len() >= 30, "only {wanted:?} found in src/game");
    let missing: Vec<&String> = wanted.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "decisions never traced: {missing:?}; traced: {seen:?}"
    );
    // Sanctions stances include circumvention, Belt and Road participation
    // its intensity levels, and the union's draft votes accept and refuse.
    assert!(labels["sanctions"].contains("circumvent"), "{labels:?}");
    assert!(labels["initiative"].len() > 2, "{:?}", labels["initiative"]);
    assert_eq!(
        labels["proposal vote"],
        BTreeSet::from(["accept".to_string(), "refuse".to_string()])
    );
}

/// `run CLASSIC --runs 300 --trace 0,130-131,299 EXTRA --out OUT`.
fn traced(out: &Path, extra: &[&str]) -> Command {
    let mut c = statecraft();
    c.args(["run", CLASSIC, "--runs", "300", "--seed", "5", "--quiet"])
        .args(["--trace", "0,130-131,299"])
        .args(extra)
        .arg("--out")
        .arg(out);
    c
}

fn same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let (x, y) = (std::fs::read(a.join(f)), std::fs::read(b.join(f)));
        assert!(
            x.is_ok() && x.ok() == y.ok(),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn decisions_are_the_same_bytes_at_any_thread_count_after_a_resume_and_after_a_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| dir.path().join(n);
    traced(&d("t1"), &["--threads", "1"]).assert().success();
    traced(&d("t2"), &["--threads", "2"]).assert().success();
    let files = ["decisions.csv", "outcomes.csv", "events.csv", "summary.csv"];
    same_files(&d("t1"), &d("t2"), &files);
    let rows = csv_rows(&d("t1").join("decisions.csv"));
    let runs: BTreeSet<&str> = rows.iter().map(|r| r["run"].as_str()).collect();
    assert_eq!(
        runs.into_iter().collect::<Vec<_>>(),
        ["0", "130", "131", "299"]
    );

    // Killed before its manifest, then resumed: the same bytes.
    traced(&d("cut"), &[])
        .env("STATECRAFT_FAULT", "before-manifest")
        .assert()
        .code(1);
    traced(&d("cut"), &["--resume"]).assert().success();
    same_files(&d("t1"), &d("cut"), &files);

    // A resume with another --trace is another job.
    traced(&d("t1"), &["--resume"]).assert().code(2);
    let mut other = statecraft();
    other
        .args([
            "run", CLASSIC, "--runs", "300", "--seed", "5", "--quiet", "--trace", "1",
        ])
        .arg("--out")
        .arg(d("cut2"));
    traced(&d("cut2"), &[])
        .env("STATECRAFT_FAULT", "before-manifest")
        .assert()
        .code(1);
    other
        .arg("--resume")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--trace"));

    // Shards and merge.
    traced(&d("s0"), &["--shard", "0/2"]).assert().success();
    traced(&d("s1"), &["--shard", "1/2"]).assert().success();
    statecraft()
        .args(["merge", "--quiet"])
        .args([d("s0"), d("s1")])
        .arg("--out")
        .arg(d("m"))
        .assert()
        .success();
    same_files(&d("t1"), &d("m"), &files);
}

#[test]
fn a_killed_traced_run_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, killed) = (dir.path().join("whole"), dir.path().join("killed"));
    let args = |out: &Path| -> Vec<std::ffi::OsString> {
        let mut v: Vec<std::ffi::OsString> = [
            "run",
            CLASSIC,
            "--runs",
            "2000",
            "--seed",
            "9",
            "--quiet",
            "--trace",
            "1,700,1999",
            "--threads",
            "1",
            "--out",
        ]
        .iter()
        .map(Into::into)
        .collect();
        v.push(out.into());
        v
    };
    statecraft().args(args(&whole)).assert().success();
    let bin = assert_cmd::cargo::cargo_bin("statecraft");
    let mut child = std::process::Command::new(bin)
        .args(args(&killed))
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let done = std::fs::read_dir(killed.join(".chunks")).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sha256"))
            })
            .count()
        });
        if done >= 3 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !killed.join("decisions.csv").exists(),
        "the run finished before it could be killed"
    );
    let mut resume = args(&killed);
    resume.push("--resume".into());
    statecraft().args(resume).assert().success();
    same_files(
        &whole,
        &killed,
        &["decisions.csv", "outcomes.csv", "events.csv"],
    );
}

/// Every `href` and `src` attribute value of a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            out.push(rest[..rest.find('"').unwrap_or(rest.len())].to_string());
        }
    }
    out
}

/// Make the report of `dir` and check its structure: one inline `<svg>` per
/// figure, each with a title and its own `.svg` file, no link off the page.
fn check_report(dir: &Path, at_least: usize) -> String {
    let out = statecraft()
        .args(["report"])
        .arg(dir)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let figures = html.matches("<figure").count();
    assert!(figures >= at_least, "{}: {figures} figures", dir.display());
    assert_eq!(
        html.matches("<svg").count(),
        figures,
        "one <svg> per figure"
    );
    assert_eq!(html.matches("</svg>").count(), figures);
    for block in html.split("<figure").skip(1) {
        let title = block
            .split("<h3>")
            .nth(1)
            .and_then(|t| t.split("</h3>").next());
        assert!(
            title.is_some_and(|t| !t.trim().is_empty()),
            "a figure without a title"
        );
        assert!(
            block.contains("<figcaption>Drawn from <code>"),
            "no source named"
        );
    }
    for link in links(&html) {
        assert!(
            !link.starts_with("http://")
                && !link.starts_with("https://")
                && !link.starts_with("//"),
            "external link {link}"
        );
        if let Some(file) = link.strip_prefix("report/") {
            assert!(dir.join("report").join(file).is_file(), "{link} missing");
        }
    }
    assert!(
        !html.contains("<script"),
        "no script is needed to see the figures"
    );
    let svgs = std::fs::read_dir(dir.join("report")).unwrap().count();
    assert_eq!(svgs, figures, "one .svg file per figure");
    String::from_utf8(out).unwrap()
}

#[test]
fn the_report_builds_for_run_compare_sweep_and_trade_directories() {
    let dir = tempfile::tempdir().unwrap();
    let d = |n: &str| -> PathBuf { dir.path().join(n) };
    let job = |args: &[&str], out: &Path| {
        statecraft()
            .args(args)
            .arg("--quiet")
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    };
    job(&["run", CLASSIC, "--runs", "12", "--timeseries"], &d("run"));
    job(
        &[
            "compare",
            FLAGSHIP,
            "--runs",
            "4",
            "--timeseries",
            "--focus",
            "KAZ",
        ],
        &d("compare"),
    );
    job(
        &[
            "sweep",
            CLASSIC,
            "--runs",
            "4",
            "--vary",
            "doctrines.neoliberal.discount=0.5:0.9:0.2",
        ],
        &d("sweep"),
    );
    job(&["trade", FLAGSHIP, "--tariff", "KAZ:*=20"], &d("trade"));

    let printed = check_report(&d("run"), 2);
    assert!(
        printed.contains("facts.svg") && printed.contains("fan-LIB-"),
        "{printed}"
    );
    let printed = check_report(&d("compare"), 3);
    assert!(
        printed.contains("differences-KAZ.svg"),
        "the focus state: {printed}"
    );
    let html = std::fs::read_to_string(d("compare").join("report.html")).unwrap();
    assert!(html.contains("<h2>Verdict</h2>") && html.contains("verdict:"));
    let printed = check_report(&d("sweep"), 1);
    assert!(printed.contains("sweep-LIB-"), "{printed}");
    let printed = check_report(&d("trade"), 1);
    assert!(printed.contains("trade-welfare.svg"));
    let html = std::fs::read_to_string(d("trade").join("report.html")).unwrap();
    assert!(html.contains("welfare_change_percent") && html.contains("importer \\ exporter"));

    // A report again replaces its own files; every state on asking.
    statecraft()
        .args(["report"])
        .arg(d("compare"))
        .args(["--state", "all"])
        .assert()
        .success()
        .stdout(predicate::str::contains("differences-RUS.svg"));
    statecraft()
        .args(["report"])
        .arg(d("compare"))
        .args(["--state", "XYZ"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown state `XYZ` for --state"));
    // --force of the job deletes the report with the results.
    job(&["run", CLASSIC, "--runs", "3", "--force"], &d("run"));
    assert!(!d("run").join("report.html").exists() && !d("run").join("report").exists());
}

#[test]
fn the_report_draws_sensitivity_and_posterior_files_when_present() {
    // The sensitivity and calibration commands do not write these files yet;
    // the page draws them in any results directory, or alone.
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep");
    statecraft()
        .args(["sweep", CLASSIC, "--runs", "2", "--quiet", "--out"])
        .arg(&sweep)
        .args(["--vary", "doctrines.neoliberal.discount=0.5:0.9:0.4"])
        .assert()
        .success();
    let sensitivity = "profile,state,output,parameter,index,estimate,ci_low,ci_high\n\
        scenario,LIB,cooperation_rate:trade_dilemma,discount,S1,0.6,0.5,0.7\n\
        scenario,LIB,cooperation_rate:trade_dilemma,discount,ST,0.7,0.55,0.8\n\
        scenario,LIB,cooperation_rate:trade_dilemma,precision,S1,0.1,0.0,0.2\n";
    std::fs::write(sweep.join("sensitivity.csv"), sensitivity).unwrap();
    let printed = check_report(&sweep, 2);
    assert!(printed.contains("sensitivity-0.svg"), "{printed}");

    // A calibration's particles alone: two models, two generations (only
    // the last is drawn), a parameter that only one model has.
    let calib = dir.path().join("calibration");
    std::fs::create_dir(&calib).unwrap();
    let mut posterior =
        String::from("generation,profile,particle,weight,distance,discount,salience\n");
    for k in 0..40 {
        let x = f64::from(k) / 40.0;
        posterior += &format!("0,neoliberal,{k},0.0125,0.9,{x},{x}\n");
        posterior += &format!("1,neoliberal,{k},0.0125,0.3,{},{}\n", 0.5 + x / 4.0, x);
        posterior += &format!("1,neorealist,{k},0.0125,0.4,{},\n", 0.2 + x / 2.0);
    }
    std::fs::write(calib.join("particles.csv"), posterior).unwrap();
    let printed = check_report(&calib, 1);
    assert!(printed.contains("posterior.svg"), "{printed}");
    let svg = std::fs::read_to_string(calib.join("report/posterior.svg")).unwrap();
    assert!(svg.contains("generation 1"), "the last generation");
    assert!(svg.contains("discount (neorealist)") && !svg.contains("salience (neorealist)"));

    // A file without a column the page needs: exit 2, the file and column.
    std::fs::write(
        sweep.join("sensitivity.csv"),
        "profile,state\nscenario,LIB\n",
    )
    .unwrap();
    statecraft()
        .args(["report"])
        .arg(&sweep)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "sensitivity.csv:1: no column `output`",
        ));
}

#[test]
fn the_report_refuses_a_directory_that_holds_no_results() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    statecraft()
        .args(["report"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a results directory"))
        .stderr(predicate::str::contains("manifest.json"));
    statecraft()
        .args(["report"])
        .arg(dir.path().join("absent"))
        .assert()
        .code(2);
    assert!(!dir.path().join("report.html").exists());
    // explain refuses a directory without decisions.csv.
    let out = dir.path().join("run");
    statecraft()
        .args(["run", CLASSIC, "--runs", "2", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    statecraft()
        .args(["explain"])
        .arg(&out)
        .args(["--run", "0", "--state", "LIB"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no decisions.csv"));
}

#[test]
fn trace_takes_runs_and_ranges_and_defaults_to_run_0() {
    use clap::Parser;
    use statecraft::cli::{Cli, Command as Cmd};
    use statecraft::job::TraceRuns;
    let t: TraceRuns = "10-12, 0,5,11".parse().unwrap();
    assert_eq!(t.to_string(), "0,5,10-12");
    assert_eq!(t.count(), 5);
    assert!(t.contains(11) && !t.contains(4));
    assert!(
        "3-1"
            .parse::<TraceRuns>()
            .unwrap_err()
            .contains("backwards")
    );
    assert!(
        "0-1000"
            .parse::<TraceRuns>()
            .unwrap_err()
            .contains("at most 1000")
    );
    assert!("0-18446744073709551615".parse::<TraceRuns>().is_err());
    assert!("x".parse::<TraceRuns>().unwrap_err().contains("0,5,10"));
    let traced = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
        Cmd::Run(r) => r.trace.map(|t| t.to_string()),
        _ => unreachable!(),
    };
    assert_eq!(
        traced(&["statecraft", "run", CLASSIC, "--trace"]),
        Some("0".into())
    );
    assert_eq!(
        traced(&["statecraft", "run", CLASSIC, "--trace", "2,4"]),
        Some("2,4".into())
    );
    assert_eq!(traced(&["statecraft", "run", CLASSIC]), None);
    statecraft()
        .args(["run", CLASSIC, "--trace", "5-2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("backwards"));
}
