//! Bad input, as a user meets it: each test breaks a small valid scenario in
//! one place, runs the real binary and checks that it exits with status 2 and
//! says where (file, line, column, dotted field) and what would be valid.
//!
//! Expected lines and columns are computed from the broken text (the position
//! of a unique snippet), never typed in by hand, so the fixture can grow.

use assert_cmd::Command;
use std::path::Path;
use tempfile::TempDir;

/// A minimal valid scenario: three states, one matrix game, one fact.
const VALID: &str = r#"# A minimal valid scenario; every test below breaks it in one place.
[scenario]
name = "mini"

[timeline]
start = 2000
end = 2010

[run]
runs = 3
seed = 7

[doctrines.neoliberal]
discount = 0.9

[states.AAA]
name = "Aland"
gdp_musd = 1000
military_musd = 50
neighbours = ["BBB"]
doctrine = "neoliberal"

[states.BBB]
name = "Beland"
gdp_musd = 2000
military_musd = 80
doctrine = "neorealist"

[states.CCC]
name = "Ceeland"
gdp_musd = 1500
military_musd = 20
doctrine = "constructivist"

[affinity.CCC]
AAA = 0.5

[games.trade]
kind = "matrix"
payoffs = { R = 3, S = 0, T = 5, P = 1 }
pairs = [["AAA", "BBB"], ["BBB", "CCC"]]

[games.trade.strategies]
BBB = "tit_for_tat"

[[expect]]
id = "aaa_cooperates"
fact = "metric"
state = "AAA"
metric = "cooperation_rate:trade"
min = 0.5
"#;

/// The file name the scenario is written to (and so named in messages).
const FILE: &str = "bad.toml";

/// `VALID` with the one occurrence of `from` replaced by `to`.
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        VALID.matches(from).count(),
        1,
        "`{from}` must occur exactly once in the fixture"
    );
    VALID.replacen(from, to, 1)
}

/// `LINE:COLUMN` (1-based, column in characters) of the one occurrence of `snippet`.
fn at(text: &str, snippet: &str) -> String {
    assert_eq!(
        text.matches(snippet).count(),
        1,
        "`{snippet}` must occur exactly once"
    );
    let start = text.find(snippet).unwrap();
    let line = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    format!("{line}:{column}")
}

/// The source line the error quotes, as `LINE | text`, for the line holding `snippet`.
fn quoted_line(text: &str, snippet: &str) -> String {
    let start = text.find(snippet).unwrap();
    let line = text[..start].matches('\n').count() + 1;
    format!("{line} | {}", text.lines().nth(line - 1).unwrap())
}

/// A temporary directory holding the scenario as `bad.toml`.
fn scenario(text: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(FILE), text).unwrap();
    dir
}

fn statecraft(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("statecraft").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// Run `statecraft ARGS` in `dir`, assert exit status 2, return stderr.
fn fails_in(dir: &Path, args: &[&str]) -> String {
    let out = statecraft(dir)
        .args(args)
        .assert()
        .code(2)
        .get_output()
        .clone();
    String::from_utf8(out.stderr).unwrap()
}

/// `statecraft check bad.toml EXTRA...` on `text`: exit status 2; stderr.
fn check_fails(text: &str, extra: &[&str]) -> String {
    let dir = scenario(text);
    let mut args = vec!["check", FILE];
    args.extend_from_slice(extra);
    fails_in(dir.path(), &args)
}

fn assert_has(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            stderr.contains(part),
            "stderr lacks {part:?}; it was:\n{stderr}"
        );
    }
}

/// Check `text` and assert an error at `snippet` about `field`, quoting the
/// source line, whose message contains each of `parts`.
fn assert_error_at(text: &str, snippet: &str, field: &str, parts: &[&str]) {
    let stderr = check_fails(text, &[]);
    let head = format!("error: {FILE}:{}: field `{field}`: ", at(text, snippet));
    assert!(
        stderr.starts_with(&head),
        "stderr should start with {head:?}; it was:\n{stderr}"
    );
    assert_has(&stderr, &[&quoted_line(text, snippet)]);
    assert_has(&stderr, parts);
}

#[test]
fn the_valid_fixture_passes_check() {
    let dir = scenario(VALID);
    statecraft(dir.path())
        .args(["check", FILE])
        .assert()
        .success()
        .stdout(predicates::str::contains("the scenario is valid"));
}

#[test]
fn malformed_toml_names_the_position() {
    let text = edit("name = \"Aland\"", "name = \"Aland");
    let stderr = check_fails(&text, &[]);
    // The parser stops at the end of the line, where the closing quote is missing.
    let end = "name = \"Aland".len() + 1;
    let line = at(&text, "name = \"Aland")
        .split(':')
        .next()
        .unwrap()
        .to_string();
    assert_has(
        &stderr,
        &[
            &format!("error: {FILE}:{line}:{end}: invalid TOML"),
            "expected `\"`",
        ],
    );
}

#[test]
fn a_duplicate_key_is_named() {
    let text = edit("gdp_musd = 2000\n", "gdp_musd = 2000\ngdp_musd = 2100\n");
    let stderr = check_fails(&text, &[]);
    assert_has(
        &stderr,
        &[&format!(
            "error: {FILE}:{}: invalid TOML: duplicate key `gdp_musd`",
            at(&text, "gdp_musd = 2100")
        )],
    );
}

#[test]
fn unknown_key_in_doctrine_parameters_lists_the_valid_ones() {
    let text = edit("discount = 0.9", "dicount = 0.9");
    assert_error_at(
        &text,
        "dicount",
        "doctrines.neoliberal.dicount",
        &["unknown key `dicount`", "`discount`", "`relative_gains`"],
    );
}

#[test]
fn unknown_key_at_top_level_lists_the_tables() {
    let text = edit("[run]", "[runs]");
    assert_error_at(
        &text,
        "runs]",
        "runs",
        &["unknown key `runs`", "`run`", "`timeline`", "`states`"],
    );
}

#[test]
fn wrong_type_says_what_is_expected() {
    let text = edit("gdp_musd = 2000", "gdp_musd = \"2000\"");
    assert_error_at(
        &text,
        "\"2000\"",
        "states.BBB.gdp_musd",
        &["invalid type: string \"2000\", expected a number"],
    );
}

#[test]
fn missing_required_key_is_reported_at_its_table() {
    let text = edit("military_musd = 80\n", "");
    assert_error_at(
        &text,
        "[states.BBB]",
        "states.BBB.military_musd",
        &["required key `military_musd` is missing"],
    );
}

#[test]
fn unknown_state_in_neighbours() {
    let text = edit("neighbours = [\"BBB\"]", "neighbours = [\"BBX\"]");
    assert_error_at(
        &text,
        "\"BBX\"",
        "states.AAA.neighbours[0]",
        &["unknown state `BBX`", "states are AAA, BBB, CCC"],
    );
}

#[test]
fn unknown_state_in_game_pairs() {
    let text = edit("[\"BBB\", \"CCC\"]]", "[\"BBB\", \"CCX\"]]");
    assert_error_at(
        &text,
        "[\"BBB\", \"CCX\"]",
        "games.trade.pairs[1]",
        &["unknown state `CCX`", "states are AAA, BBB, CCC"],
    );
}

#[test]
fn unknown_state_in_affinity_points_at_the_key() {
    let text = edit("AAA = 0.5", "AAX = 0.5");
    assert_error_at(
        &text,
        "AAX",
        "affinity.CCC.AAX",
        &["unknown state `AAX`", "states are AAA, BBB, CCC"],
    );
    let text = edit("[affinity.CCC]", "[affinity.CXC]");
    assert_error_at(&text, "CXC", "affinity.CXC", &["unknown state `CXC`"]);
}

#[test]
fn negative_gdp() {
    let text = edit("gdp_musd = 1500", "gdp_musd = -1500");
    assert_error_at(
        &text,
        "-1500",
        "states.CCC.gdp_musd",
        &["must be a positive number (GDP, US$ million) up to 1e12, got -1500"],
    );
}

#[test]
fn discount_factor_outside_zero_one() {
    let text = edit("discount = 0.9", "discount = 1.0");
    assert_error_at(
        &text,
        "1.0",
        "doctrines.neoliberal.discount",
        &["must be a number in [0, 1), got 1"],
    );
}

#[test]
fn timeline_ending_before_it_starts() {
    let text = edit("end = 2010", "end = 1990");
    assert_error_at(
        &text,
        "1990",
        "timeline.end",
        &["must be a year >= timeline.start (2000), got 1990"],
    );
}

#[test]
fn affinity_outside_minus_one_one() {
    let text = edit("AAA = 0.5", "AAA = 1.5");
    assert_error_at(
        &text,
        "1.5",
        "affinity.CCC.AAA",
        &["must be an affinity in [-1, 1]", "got 1.5"],
    );
}

#[test]
fn unknown_doctrine_lists_the_doctrines() {
    let text = edit("doctrine = \"constructivist\"", "doctrine = \"marxist\"");
    assert_error_at(
        &text,
        "\"marxist\"",
        "states.CCC.doctrine",
        &[
            "unknown variant `marxist`",
            "`neorealist`, `neoliberal`, `constructivist`",
        ],
    );
}

#[test]
fn unknown_strategy_lists_the_strategies() {
    let text = edit("\"tit_for_tat\"", "\"tit_for_two_tats\"");
    assert_error_at(
        &text,
        "\"tit_for_two_tats\"",
        "games.trade.strategies.BBB",
        &[
            "unknown variant `tit_for_two_tats`",
            "`tit_for_tat`",
            "`generous_tit_for_tat`",
            "`random`",
        ],
    );
}

#[test]
fn a_state_paired_with_itself() {
    let text = edit("[[\"AAA\", \"BBB\"]", "[[\"AAA\", \"AAA\"]");
    assert_error_at(
        &text,
        "[\"AAA\", \"AAA\"]",
        "games.trade.pairs[0]",
        &["a state cannot play against itself"],
    );
}

#[test]
fn a_pair_listed_twice_in_either_order() {
    let text = edit("[\"BBB\", \"CCC\"]]", "[\"BBB\", \"AAA\"]]");
    assert_error_at(
        &text,
        "[\"BBB\", \"AAA\"]",
        "games.trade.pairs[1]",
        &["this pair is listed twice"],
    );
}

#[test]
fn a_pair_of_three_states() {
    let text = edit("[\"BBB\", \"CCC\"]]", "[\"BBB\", \"CCC\", \"AAA\"]]");
    assert_error_at(
        &text,
        "[\"BBB\", \"CCC\", \"AAA\"]",
        "games.trade.pairs[1]",
        &["exactly two states", "this one names 3"],
    );
}

#[test]
fn expect_fact_with_unknown_state() {
    let text = edit("state = \"AAA\"", "state = \"AXA\"");
    assert_error_at(
        &text,
        "\"AXA\"",
        "expect[0].state",
        &["unknown state `AXA`", "states are AAA, BBB, CCC"],
    );
}

#[test]
fn expect_fact_with_unknown_metric_lists_the_metrics() {
    let text = edit(
        "metric = \"cooperation_rate:trade\"",
        "metric = \"cooperation:trade\"",
    );
    assert_error_at(
        &text,
        "\"cooperation:trade\"",
        "expect[0].metric",
        &[
            "`AAA` reports no metric `cooperation:trade`",
            "cooperation_rate:trade",
            "mean_payoff:trade",
        ],
    );
}

#[test]
fn expect_fact_with_unknown_event_kind_lists_the_kinds() {
    let fact = "fact = \"metric\"\nstate = \"AAA\"\nmetric = \"cooperation_rate:trade\"\nmin = 0.5";
    let text = edit(
        fact,
        "fact = \"event\"\nevent = \"invasion\"\nstate = \"AAA\"",
    );
    assert_error_at(
        &text,
        "\"invasion\"",
        "expect[0].event",
        &[
            "unknown event kind `invasion`",
            "defection, reconciliation, match_end",
        ],
    );
}

#[test]
fn expect_fact_with_a_field_its_kind_does_not_take() {
    let text = edit("min = 0.5", "min = 0.5\nby = 2005");
    assert_error_at(
        &text,
        "2005",
        "expect[0].by",
        &["a fact of kind `metric` takes only: state, metric, min, max"],
    );
}

#[test]
fn set_with_an_unknown_path_is_reported_as_from_set() {
    let stderr = check_fails(VALID, &["--set", "doctrines.neoliberal.dleta=0.5"]);
    assert_has(
        &stderr,
        &[
            &format!(
                "error: {FILE} (in --set doctrines.neoliberal.dleta=0.5): field `doctrines.neoliberal.dleta`:"
            ),
            "unknown key `dleta`",
            "`discount`",
        ],
    );
}

#[test]
fn set_with_a_value_of_the_wrong_type() {
    let stderr = check_fails(VALID, &["--set", "states.AAA.gdp_musd=lots"]);
    assert_has(
        &stderr,
        &[
            &format!(
                "error: {FILE} (in --set states.AAA.gdp_musd=lots): field `states.AAA.gdp_musd`:"
            ),
            "invalid type: string \"lots\", expected a number",
        ],
    );
}

#[test]
fn set_with_an_index_out_of_range() {
    let stderr = check_fails(VALID, &["--set", "expect.3.min=0.2"]);
    assert_has(
        &stderr,
        &[
            &format!("error: {FILE} (in --set expect.3.min=0.2): field `expect[3].min`:"),
            "`expect` has 1 entries",
        ],
    );
}

#[test]
fn set_that_breaks_part_of_a_value_is_named() {
    // The pair is checked as a whole; the file's line still shows the valid
    // pair, so the message must say which --set changed it.
    let stderr = check_fails(VALID, &["--set", "games.trade.pairs.0.1=AAA"]);
    let snippet = "[\"AAA\", \"BBB\"]";
    assert_has(
        &stderr,
        &[
            &format!(
                "error: {FILE}:{}: field `games.trade.pairs[0]`:",
                at(VALID, snippet)
            ),
            "a state cannot play against itself (after --set games.trade.pairs.0.1=AAA)",
        ],
    );
}

#[test]
fn run_with_a_bad_set_writes_nothing() {
    let dir = scenario(VALID);
    let stderr = fails_in(
        dir.path(),
        &[
            "run",
            FILE,
            "--runs",
            "2",
            "--out",
            "out",
            "--set",
            "timeline.end=1999",
        ],
    );
    assert_has(
        &stderr,
        &[
            &format!("error: {FILE} (in --set timeline.end=1999): field `timeline.end`:"),
            "got 1999",
        ],
    );
    assert!(
        !dir.path().join("out").exists(),
        "no results directory may be created"
    );
}

#[test]
fn a_missing_scenario_file() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = fails_in(dir.path(), &["check", "nowhere.toml"]);
    assert_has(
        &stderr,
        &["error: nowhere.toml: cannot read the scenario file"],
    );
}

#[test]
fn run_refuses_to_overwrite_results_without_force() {
    let dir = scenario(VALID);
    let run = ["run", FILE, "--runs", "2", "--out", "out", "--quiet"];
    statecraft(dir.path()).args(run).assert().success();
    let out = dir.path().join("out");
    // Every file's name and bytes, in name order.
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    assert!(
        before.iter().any(|(name, _)| name == "outcomes.csv"),
        "the first run writes outcomes.csv"
    );

    // A different seed would write different files; none may be touched.
    let stderr = fails_in(
        dir.path(),
        &[
            "run", FILE, "--runs", "2", "--seed", "99", "--out", "out", "--quiet",
        ],
    );
    assert_has(&stderr, &["already holds results", "--force"]);
    let after = snapshot();
    assert_eq!(before, after, "existing results must be left untouched");
}

#[test]
fn a_state_coded_all_is_refused() {
    let text = edit("[states.CCC]", "[states.ALL]").replace("[affinity.CCC]", "[affinity.ALL]");
    assert_error_at(&text, "ALL]\nname", "states.ALL", &["`ALL` is reserved"]);
}

#[test]
fn sanctions_regimes_need_distinct_names() {
    let regime = |name: &str| {
        format!(
            "\n[[sanctions]]\nname = {name}\nsenders = [\"AAA\"]\ntarget = \"BBB\"\nfrom = 2001\ncost_increase = 0.1\n"
        )
    };
    let text = format!(
        "{VALID}{}{}",
        regime("\"first\""),
        regime("\"first\" # again")
    );
    assert_error_at(
        &text,
        "\"first\" # again",
        "sanctions[1].name",
        &["names an earlier", "distinct"],
    );
    let empty = format!("{VALID}{}", regime("\" \""));
    assert_error_at(&empty, "\" \"", "sanctions[0].name", &["a non-empty name"]);
}

#[test]
fn set_through_an_undeclared_entry_lists_the_declared_ones() {
    // Creating the entry would only report the keys it lacks (`name`, `kind`);
    // the mistake is the key, so the message lists the valid ones.
    let cases = [
        (
            "states.XYZ.gdp_musd=5",
            "states.XYZ",
            "no state `XYZ`; the scenario's states are AAA, BBB, CCC",
        ),
        (
            "games.trad.noise=0.1",
            "games.trad",
            "no game `trad`; the scenario's games are trade",
        ),
        (
            "institutions.WTO.monitoring=0.5",
            "institutions.WTO",
            "no institution `WTO`; the scenario declares no institutions",
        ),
        (
            "profiles.realist.base=neorealist",
            "profiles.realist",
            "no profile `realist`; the scenario declares no profiles",
        ),
        (
            "blocs.WEST.name=West",
            "blocs.WEST",
            "no bloc `WEST`; the scenario declares no blocs",
        ),
        (
            "sanctions.0.from=2001",
            "sanctions[0]",
            "no sanctions[0]; the scenario declares no [[sanctions]]",
        ),
    ];
    for (set, field, message) in cases {
        let stderr = check_fails(VALID, &["--set", set]);
        assert_has(
            &stderr,
            &[&format!(
                "error: {FILE} (in --set {set}): field `{field}`: {message}"
            )],
        );
    }
}

#[test]
fn set_may_still_add_a_whole_entry() {
    let dir = scenario(VALID);
    statecraft(dir.path())
        .args([
            "check",
            FILE,
            "--set",
            "profiles.realist={ base = \"neorealist\" }",
        ])
        .assert()
        .success();
}

#[test]
fn a_whole_number_field_states_its_real_range() {
    // `runs` is at least 1; its type error must not say ">= 0".
    let text = edit("runs = 3", "runs = 500.5");
    assert_error_at(
        &text,
        "500.5",
        "run.runs",
        &["invalid type: floating point `500.5`, expected a whole number >= 1"],
    );
    // A duration is a number of years, not a year.
    let text = format!(
        "{VALID}\n[institutions.WTO]\nkind = \"trade_regime\"\nmembers = [\"AAA\"]\npanel_years = 2.5\n"
    );
    assert_error_at(
        &text,
        "2.5",
        "institutions.WTO.panel_years",
        &["expected a whole number of years in [0, 50]"],
    );
}
