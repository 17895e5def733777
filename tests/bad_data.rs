//! Bad trade data, as a user meets it: each test copies the flagship scenario
//! into a temporary directory beside a copy of its flows CSV broken in one
//! place, runs `statecraft check` and checks that it exits with status 2 and
//! names the CSV file, the line and column (where there is one), the column
//! and what would be valid.
//!
//! The scenario sits in a subdirectory and is checked from its parent, so every
//! test also checks that `trade.flows` is resolved relative to the scenario
//! file, not the working directory. Expected lines and columns are computed
//! from the broken text, never typed in by hand.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Where the scenario is copied, relative to the temporary directory.
const SCENARIO_DIR: &str = "scenario";
const SCENARIO: &str = "scenario/kaz.toml";
/// The CSV as the scenario names it (`trade.flows`).
const FLOWS: &str = "data/trade_2019.csv";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The flows CSV as the user will see it named in messages.
fn shown() -> String {
    Path::new(SCENARIO_DIR).join(FLOWS).display().to_string()
}

/// The real 2019 flows.
fn original() -> String {
    std::fs::read_to_string(repo("scenarios/data/trade_2019.csv")).unwrap()
}

/// The flows with the one occurrence of `from` replaced by `to`.
fn edit(from: &str, to: &str) -> String {
    let text = original();
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur exactly once in the flows"
    );
    text.replacen(from, to, 1)
}

/// `LINE:COLUMN` (1-based, column in characters) of byte offset `start`.
fn position(text: &str, start: usize) -> String {
    let line = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    format!("{line}:{column}")
}

/// `LINE:COLUMN` of the one occurrence of `snippet`.
fn at(text: &str, snippet: &str) -> String {
    assert_eq!(
        text.matches(snippet).count(),
        1,
        "`{snippet}` must occur exactly once"
    );
    position(text, text.find(snippet).unwrap())
}

/// The line number holding the one occurrence of `snippet`.
fn line_of(text: &str, snippet: &str) -> usize {
    at(text, snippet)
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The source line the error quotes, as `LINE | text`, for the line holding `snippet`.
fn quoted_line(text: &str, snippet: &str) -> String {
    let line = line_of(text, snippet);
    format!("{line} | {}", text.lines().nth(line - 1).unwrap())
}

/// A temporary directory holding the flagship scenario in `scenario/` and,
/// unless `flows` is `None`, the flows CSV at `scenario/data/trade_2019.csv`.
fn scenario(flows: Option<&str>) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join(SCENARIO_DIR);
    std::fs::create_dir_all(at.join("data")).unwrap();
    std::fs::copy(
        repo("scenarios/kazakhstan_wto_eaeu.toml"),
        dir.path().join(SCENARIO),
    )
    .unwrap();
    if let Some(text) = flows {
        std::fs::write(at.join(FLOWS), text).unwrap();
    }
    dir
}

fn check(dir: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("statecraft")
        .unwrap()
        .current_dir(dir)
        .args(["check", SCENARIO])
        .assert()
}

/// `statecraft check` on the scenario with `flows`: exit status 2; stderr.
fn check_fails(flows: Option<&str>) -> String {
    let dir = scenario(flows);
    let out = check(dir.path()).code(2).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

fn assert_has(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            stderr.contains(part),
            "stderr lacks {part:?}; it was:\n{stderr}"
        );
    }
}

/// Check `flows` and assert an error at `start` (a byte offset) about the CSV
/// column `column` (or none), quoting the line holding `snippet`, whose
/// message contains each of `parts`.
fn assert_error_at(flows: &str, start: usize, column: &str, snippet: &str, parts: &[&str]) {
    let stderr = check_fails(Some(flows));
    let field = if column.is_empty() {
        String::new()
    } else {
        format!(" field `{column}`:")
    };
    let head = format!("error: {}:{}:{field} ", shown(), position(flows, start));
    assert!(
        stderr.starts_with(&head),
        "stderr should start with {head:?}; it was:\n{stderr}"
    );
    assert_has(&stderr, &[&quoted_line(flows, snippet)]);
    assert_has(&stderr, parts);
}

/// Byte offset of the one occurrence of `snippet`, plus `skip` bytes.
fn offset(text: &str, snippet: &str, skip: usize) -> usize {
    assert_eq!(text.matches(snippet).count(), 1, "`{snippet}` not unique");
    text.find(snippet).unwrap() + skip
}

#[test]
fn the_unmodified_copy_passes_check() {
    let dir = scenario(Some(&original()));
    check(dir.path())
        .success()
        .stdout(predicates::str::contains("the scenario is valid"));
}

#[test]
fn a_byte_order_mark_is_ignored() {
    // As spreadsheets write "CSV UTF-8": the mark is invisible to the user.
    let dir = scenario(Some(&format!("\u{feff}{}", original())));
    check(dir.path()).success();
}

#[test]
fn a_missing_partner_row_is_named() {
    let flows = edit("KAZ,RUS,5602.5\r\n", "");
    let stderr = check_fails(Some(&flows));
    // No line to point at: the row is not there.
    assert_has(
        &stderr,
        &[
            &format!("error: {}: no row for KAZ → RUS", shown()),
            "every ordered pair of the scenario's states needs a row",
            "write 0 for no trade",
        ],
    );
}

#[test]
fn a_negative_flow() {
    let flows = edit("KAZ,RUS,5602.5", "KAZ,RUS,-5602.5");
    assert_error_at(
        &flows,
        offset(&flows, "-5602.5", 0),
        "value_musd",
        "KAZ,RUS,-5602.5",
        &["a trade flow must be a finite number >= 0, got -5602.5"],
    );
}

#[test]
fn a_non_numeric_cell() {
    let flows = edit("RUS,KAZ,13682.5", "RUS,KAZ,n/a");
    assert_error_at(
        &flows,
        offset(&flows, "RUS,KAZ,n/a", 8),
        "value_musd",
        "RUS,KAZ,n/a",
        &[
            "`n/a` is not a number",
            "expected exports in US$ million, e.g. 5602.5",
        ],
    );
}

#[test]
fn a_thousands_separator_makes_a_fourth_cell() {
    let flows = edit("RUS,KAZ,13682.5", "RUS,KAZ,13,682.5");
    assert_error_at(
        &flows,
        offset(&flows, "RUS,KAZ,13,682.5", 0),
        "",
        "RUS,KAZ,13,682.5",
        &["expected 3 cells (exporter,importer,value_musd), found 4"],
    );
}

#[test]
fn an_unknown_region_code() {
    let states =
        "the scenario's states are KAZ, RUS, CHN, EU27, BLR, ARM, KGZ, UKR, USA, TUR, UZB, ROW";
    let flows = edit("KAZ,RUS,5602.5", "KAZ,RUX,5602.5");
    assert_error_at(
        &flows,
        offset(&flows, "KAZ,RUX", 4),
        "importer",
        "KAZ,RUX",
        &["unknown state `RUX`", states],
    );
    // An exporter on the last line.
    let flows = edit("ROW,UZB,", "RWO,UZB,");
    assert_error_at(
        &flows,
        offset(&flows, "RWO,UZB", 0),
        "exporter",
        "RWO,UZB",
        &["unknown state `RWO`", states],
    );
}

#[test]
fn a_duplicated_row() {
    // A second KAZ → RUS row, with another value, after KAZ → CHN.
    let flows = edit("KAZ,CHN,7823.4\r\n", "KAZ,CHN,7823.4\r\nKAZ,RUS,5700.0\r\n");
    let first = line_of(&flows, "KAZ,RUS,5602.5");
    assert_error_at(
        &flows,
        offset(&flows, "KAZ,RUS,5700.0", 0),
        "",
        "KAZ,RUS,5700.0",
        &[
            "a second row for KAZ → RUS",
            &format!("the first is line {first}"),
            "each ordered pair (exporter, importer) needs exactly one row",
        ],
    );
}

#[test]
fn a_self_flow() {
    let flows = edit("KAZ,CHN,7823.4", "KAZ,KAZ,7823.4");
    assert_error_at(
        &flows,
        offset(&flows, "KAZ,KAZ,7823.4", 4),
        "importer",
        "KAZ,KAZ,7823.4",
        &[
            "`KAZ` trades with itself",
            "domestic absorption (GDP − exports), not a flow",
            "delete this row",
        ],
    );
}

#[test]
fn a_wrong_header() {
    let flows = edit(
        "exporter,importer,value_musd",
        "exporter,importer,value_usd",
    );
    assert_error_at(
        &flows,
        0,
        "",
        "exporter,importer,value_usd",
        &[
            "the header must be `exporter,importer,value_musd`",
            "got `exporter,importer,value_usd`",
        ],
    );
}

#[test]
fn an_empty_file() {
    let stderr = check_fails(Some(""));
    assert_has(
        &stderr,
        &[
            &format!("error: {}: the trade data is empty", shown()),
            "expected a header exporter,importer,value_musd",
        ],
    );
}

#[test]
fn a_missing_file() {
    let stderr = check_fails(None);
    assert_has(
        &stderr,
        &[
            &format!("error: {}: cannot read the trade data", shown()),
            "`trade.flows` names a CSV file (exporter,importer,value_musd) relative to the scenario file's directory",
        ],
    );
}
