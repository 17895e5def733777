//! Docs that cannot drift: every scenario key the loader accepts is documented
//! in `scenarios/README.md`, and every metric, output column and event kind the
//! program writes is documented in `results/README.md`.
//!
//! Nothing here is a hand-kept list. Scenario keys come from the loader's own
//! serde types: a tracing deserializer walks `ScenarioFile` and records every
//! struct's field names and every enum's variant names as serde sees them
//! (renames included). Metrics come from the catalogue of every shipped
//! scenario; columns from the headers of the files real jobs write; event kinds
//! from the program's list of them.

use assert_cmd::Command;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use statecraft::event::EventKind;
use statecraft::outcome::{Catalogue, METRIC_BASES, REGION};
use statecraft::scenario::format::ScenarioFile;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The sections of a Markdown page whose heading contains `needle`, joined;
/// each runs to the next heading of the same or a higher level (`#` lines in
/// code blocks are not headings).
fn sections(page: &str, needle: &str) -> String {
    let mut out = String::new();
    let mut inside: Option<usize> = None;
    let mut fenced = false;
    for line in page.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        let level = line.chars().take_while(|&c| c == '#').count();
        if !fenced && level > 0 && line[level..].starts_with(' ') {
            if inside.is_some_and(|l| level <= l) {
                inside = None;
            }
            if inside.is_none() && line.contains(needle) {
                inside = Some(level);
            }
        }
        if inside.is_some() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `word` written as code: `` `word` ``, or as the key or first value of a
/// longer code span (`` `word = 1` ``, `` `word:<I>` ``).
fn mentions(text: &str, word: &str) -> bool {
    let tick = format!("`{word}");
    text.match_indices(&tick).any(|(i, _)| {
        let next = text[i + tick.len()..].chars().next();
        matches!(next, Some('`' | ' ' | ':' | '.' | '[' | '='))
    })
}

/// `word` written as code in the first cell of a table row: the row that
/// documents it.
fn in_table(text: &str, word: &str) -> bool {
    text.lines()
        .filter_map(|l| l.strip_prefix('|'))
        .filter_map(|l| l.split('|').next())
        .any(|cell| mentions(cell, word))
}

/// `base:<QUALIFIER>` (any placeholder name) written as code in the first cell
/// of a table row.
fn family_in_table(text: &str, base: &str) -> bool {
    let head = format!("`{base}:<");
    text.lines()
        .filter_map(|l| l.strip_prefix('|'))
        .filter_map(|l| l.split('|').next())
        .any(|cell| {
            cell.match_indices(&head).any(|(i, _)| {
                let rest = &cell[i + head.len()..];
                rest.find(">`").is_some_and(|end| {
                    rest[..end]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
            })
        })
}

/// A metric or series name, `name` or `base:qualifier`, has its table row.
fn name_in_table(text: &str, name: &str) -> bool {
    match name.split_once(':') {
        Some((base, _)) => family_in_table(text, base),
        None => in_table(text, name),
    }
}

fn shipped_scenarios() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no shipped scenarios found");
    paths
}

// ---------------------------------------------------------------------------
// A tracing deserializer: offers every field of every struct, one entry of
// every map and sequence, `Some` for every option and the first variant of
// every enum, and records what serde asked for.

/// What one trace saw.
#[derive(Default)]
struct Trace {
    /// Struct fields by table path (`states.<KEY>`, `expect[]`, ...).
    fields: BTreeMap<String, Vec<&'static str>>,
    /// Enum variants by field path.
    variants: BTreeMap<String, Vec<&'static str>>,
    /// For self-describing types (`deserialize_any`): which kind of value to
    /// offer at each path; the driver moves to the next kind when the type's
    /// visitor refuses one, until the whole file deserialises.
    any_kind: BTreeMap<String, usize>,
    /// The `deserialize_any` path whose offer was refused in this attempt.
    refused: Option<String>,
}

#[derive(Debug)]
struct TraceError(String);

impl std::fmt::Display for TraceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TraceError {}

impl de::Error for TraceError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        TraceError(msg.to_string())
    }
}

/// The kinds of value offered to a self-describing type, in order.
const ANY_KINDS: usize = 6;

struct Tracer<'t> {
    path: String,
    trace: &'t RefCell<Trace>,
}

impl<'t> Tracer<'t> {
    fn at(&self, path: String) -> Tracer<'t> {
        Tracer {
            path,
            trace: self.trace,
        }
    }
}

/// The fields of a struct, each offered once.
struct Fields<'t> {
    tracer: Tracer<'t>,
    fields: &'static [&'static str],
    next: usize,
}

impl<'de, 't> MapAccess<'de> for Fields<'t> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        match self.fields.get(self.next) {
            Some(f) => seed.deserialize(f.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TraceError> {
        let field = self.fields[self.next];
        self.next += 1;
        let path = if self.tracer.path.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.tracer.path)
        };
        seed.deserialize(self.tracer.at(path))
    }
}

/// One entry of a map (key `<KEY>`), or none.
struct Entry<'t> {
    tracer: Tracer<'t>,
    done: bool,
}

impl<'de, 't> MapAccess<'de> for Entry<'t> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        if self.done {
            return Ok(None);
        }
        seed.deserialize("KEY".into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TraceError> {
        self.done = true;
        seed.deserialize(self.tracer.at(format!("{}.<KEY>", self.tracer.path)))
    }
}

/// One element of a sequence, or none.
struct Element<'t> {
    tracer: Option<Tracer<'t>>,
}

impl<'de, 't> de::SeqAccess<'de> for Element<'t> {
    type Error = TraceError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TraceError> {
        match self.tracer.take() {
            Some(t) => {
                let path = format!("{}[]", t.path);
                seed.deserialize(t.at(path)).map(Some)
            }
            None => Ok(None),
        }
    }
}

macro_rules! scalars {
    ($($method:ident => $visit:ident($($value:expr)?);)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
            visitor.$visit($($value)?)
        })*
    };
}

impl<'de, 't> Deserializer<'de> for Tracer<'t> {
    type Error = TraceError;

    scalars! {
        deserialize_bool => visit_bool(false);
        deserialize_i8 => visit_i8(0);
        deserialize_i16 => visit_i16(0);
        deserialize_i32 => visit_i32(0);
        deserialize_i64 => visit_i64(0);
        deserialize_u8 => visit_u8(0);
        deserialize_u16 => visit_u16(0);
        deserialize_u32 => visit_u32(0);
        deserialize_u64 => visit_u64(0);
        deserialize_f32 => visit_f32(0.0);
        deserialize_f64 => visit_f64(0.0);
        deserialize_char => visit_char('X');
        deserialize_str => visit_str("X");
        deserialize_string => visit_str("X");
        deserialize_identifier => visit_str("X");
        deserialize_bytes => visit_bytes(b"X");
        deserialize_byte_buf => visit_bytes(b"X");
        deserialize_unit => visit_unit();
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        let kind = *self.trace.borrow().any_kind.get(&self.path).unwrap_or(&0);
        let result = match kind {
            0 => visitor.visit_f64(0.0),
            1 => visitor.visit_str("X"),
            2 => visitor.visit_seq(Element {
                tracer: Some(self.at(self.path.clone())),
            }),
            3 => visitor.visit_map(Entry {
                tracer: self.at(self.path.clone()),
                done: false,
            }),
            4 => visitor.visit_u64(1),
            _ => visitor.visit_bool(false),
        };
        if result.is_err() {
            let mut trace = self.trace.borrow_mut();
            if trace.refused.is_none() {
                trace.refused = Some(self.path.clone());
            }
        }
        result
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        visitor.visit_some(self)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        visitor.visit_seq(Element { tracer: Some(self) })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        visitor.visit_seq(Element { tracer: Some(self) })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        visitor.visit_seq(Element { tracer: Some(self) })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        visitor.visit_map(Entry {
            tracer: self,
            done: false,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        self.trace
            .borrow_mut()
            .fields
            .insert(self.path.clone(), fields.to_vec());
        visitor.visit_map(Fields {
            tracer: self,
            fields,
            next: 0,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        self.trace
            .borrow_mut()
            .variants
            .insert(self.path.clone(), variants.to_vec());
        visitor.visit_enum(variants[0].into_deserializer())
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        visitor.visit_unit()
    }
}

/// Every table the scenario format has, with its keys, and every enum's
/// variants, as the loader's serde types declare them.
fn scenario_format() -> Trace {
    let trace = RefCell::new(Trace::default());
    for _attempt in 0..100 {
        {
            let mut t = trace.borrow_mut();
            t.fields.clear();
            t.variants.clear();
            t.refused = None;
        }
        let result = <ScenarioFile as serde::Deserialize>::deserialize(Tracer {
            path: String::new(),
            trace: &trace,
        });
        let refused = trace.borrow_mut().refused.take();
        match (result, refused) {
            (Ok(_), _) => return trace.into_inner(),
            (Err(e), Some(path)) => {
                let mut t = trace.borrow_mut();
                let kind = t.any_kind.entry(path.clone()).or_insert(0);
                *kind += 1;
                assert!(
                    *kind < ANY_KINDS,
                    "no kind of value deserialises `{path}`: {e}"
                );
            }
            (Err(e), None) => panic!("tracing the scenario format failed: {e}"),
        }
    }
    panic!("tracing the scenario format did not settle");
}

/// The first segment of a table path: the top-level table it belongs to.
fn top(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

#[test]
fn the_tracer_sees_the_whole_format() {
    let trace = scenario_format();
    // A few keys at every depth, as a check on the tracer itself.
    for (table, key) in [
        ("", "states"),
        ("states.<KEY>", "gdp_musd"),
        ("states.<KEY>.params", "discount"),
        ("institutions.<KEY>.accession", "principal_supplier_percent"),
        ("institutions.<KEY>.measures[]", "wto_consistent"),
        ("games.<KEY>.payoffs", "R"),
        ("sweep.vary[]", "step"),
        ("expect[]", "occurs"),
        ("dependence.<KEY>.<KEY>", "transit"),
    ] {
        let fields = trace
            .fields
            .get(table)
            .unwrap_or_else(|| panic!("no table `{table}` in {:?}", trace.fields.keys()));
        assert!(fields.contains(&key), "`{table}` lacks `{key}`: {fields:?}");
    }
    assert!(trace.variants["institutions.<KEY>.kind"].contains(&"customs_union"));
}

#[test]
fn every_scenario_key_is_in_scenarios_readme() {
    let page = read("scenarios/README.md");
    let trace = scenario_format();
    let mut missing = Vec::new();
    for (table, fields) in &trace.fields {
        for field in fields {
            if table.is_empty() {
                // Top-level tables: `[name]`, `[name.<...>]` or `[[name]]`.
                let found = [
                    format!("`[{field}]"),
                    format!("`[{field}."),
                    format!("`[[{field}]]"),
                ]
                .iter()
                .any(|s| page.contains(s.as_str()));
                if !found {
                    missing.push(format!("[{field}] (a top-level table)"));
                }
                continue;
            }
            // A key is documented in the sections about its top-level table:
            // by a row of a key table, or, for a key that opens a table of
            // its own (`[doctrines.neoliberal]`), anywhere in those sections.
            let top = top(table);
            let text = [
                format!("[{top}."),
                format!("[{top}]"),
                format!("[[{top}"),
                format!("`[{top}"),
            ]
            .iter()
            .map(|n| sections(&page, n))
            .collect::<String>();
            let opens_table = trace.fields.contains_key(&format!("{table}.{field}"));
            // A key of a nested table may be written with its table's name
            // (`trade.precision` for `precision` of [doctrines.*.trade]).
            let parent = table.rsplit('.').next().unwrap_or(table);
            let dotted = format!("{parent}.{field}");
            if !(in_table(&text, field)
                || in_table(&text, &dotted)
                || opens_table && mentions(&text, field))
            {
                missing.push(format!("`{field}` of [{table}]"));
            }
        }
    }
    for (path, variants) in &trace.variants {
        for v in variants {
            if !mentions(&page, v) && !page.contains(&format!("\"{v}\"")) {
                missing.push(format!("value \"{v}\" of `{path}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "scenarios/README.md does not document these keys the loader accepts:\n  {}",
        missing.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// results/README.md

#[test]
fn every_metric_is_in_results_readme() {
    let page = read("results/README.md");
    let metrics = sections(&page, "Metrics");
    let mut names = BTreeSet::new();
    for path in shipped_scenarios() {
        let world = statecraft::scenario::load(&path, &[])
            .unwrap_or_else(|e| panic!("{e}"))
            .world;
        for key in Catalogue::new(&world).keys {
            names.insert((key.name.clone(), key.state == REGION));
        }
    }
    let mut missing = Vec::new();
    for (name, region) in &names {
        let documented = if *region {
            name_in_table(&sections(&page, "Region-level"), name)
        } else {
            name_in_table(&metrics, name)
        };
        if !documented {
            missing.push(match name.split_once(':') {
                Some((base, q)) => {
                    format!("{name} (document the family as `{base}:<…>`, here {q})")
                }
                None => name.clone(),
            });
        }
    }
    for (base, _) in METRIC_BASES {
        if !in_table(&metrics, base) && !family_in_table(&metrics, base) {
            missing.push(format!("{base} (a base name of the catalogue)"));
        }
    }
    assert!(
        missing.is_empty(),
        "results/README.md (Metrics) does not document these metrics:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn every_event_kind_is_in_results_readme() {
    let events = sections(&read("results/README.md"), "`events.csv`");
    let missing: Vec<&str> = EventKind::ALL
        .iter()
        .map(|k| k.as_str())
        .filter(|k| !in_table(&events, k))
        .collect();
    assert!(
        missing.is_empty(),
        "results/README.md (events.csv) does not document these event kinds: {missing:?}"
    );
}

fn statecraft(dir: &Path, args: &[&str]) {
    Command::cargo_bin("statecraft")
        .unwrap()
        .current_dir(repo())
        .args(args)
        .arg("--quiet")
        .arg("--out")
        .arg(dir)
        .assert()
        .success();
}

/// Every file under `dir`, recursively.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_output_column_is_in_results_readme() {
    let page = read("results/README.md");
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let vary = "doctrines.neoliberal.discount";
    let jobs: &[(&str, &[&str])] = &[
        (
            "run",
            &[
                "run",
                "scenarios/classic_cooperation.toml",
                "--runs",
                "3",
                "--timeseries",
            ],
        ),
        (
            "compare",
            &[
                "compare",
                "scenarios/kazakhstan_wto_eaeu.toml",
                "--runs",
                "2",
                "--timeseries",
                "--trace",
                "1",
            ],
        ),
        (
            "bri",
            &[
                "compare",
                "scenarios/bri_eaeu_overlap.toml",
                "--runs",
                "2",
                "--timeseries",
            ],
        ),
        (
            "sweep",
            &[
                "sweep",
                "scenarios/classic_cooperation.toml",
                "--runs",
                "2",
                "--vary",
                "doctrines.neoliberal.discount=0.5:0.9:0.4",
            ],
        ),
        (
            "sobol",
            &[
                "sweep",
                "scenarios/classic_cooperation.toml",
                "--runs",
                "2",
                "--design",
                "sobol",
                "--base",
                "4",
                "--second-order",
                "--summary-only",
                "--vary",
                "doctrines.neoliberal.discount=0.5:0.9",
            ],
        ),
        (
            "calibrate",
            &[
                "calibrate",
                "scenarios/kazakhstan_wto_eaeu.toml",
                "--particles",
                "4",
                "--generations",
                "2",
                "--runs",
                "1",
            ],
        ),
        (
            "choose",
            &[
                "choose",
                "scenarios/kazakhstan_wto_eaeu.toml",
                "--profiles",
                "neorealist,neoliberal",
                "--particles",
                "6",
                "--generations",
                "2",
                "--runs",
                "1",
                "--repeats",
                "2",
                "--recovery",
                "1",
            ],
        ),
        (
            "trade",
            &[
                "trade",
                "scenarios/kazakhstan_wto_eaeu.toml",
                "--tariff",
                "KAZ:*=20",
            ],
        ),
    ];
    for (dir, args) in jobs {
        statecraft(&t.join(dir), args);
    }
    let mut paths = Vec::new();
    files(t, &mut paths);
    let mut missing = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".csv") {
            let text = std::fs::read_to_string(path).unwrap();
            let header = text.lines().next().unwrap_or_default();
            let section = sections(&page, &format!("{name}`"));
            assert!(
                !section.is_empty(),
                "results/README.md has no section on `{name}`"
            );
            for column in header.split(',') {
                // sweep.csv has one column per varied parameter, named by its path.
                if name == "sweep.csv" && column == vary {
                    continue;
                }
                // particles.csv has one column per prior, named by its path
                // (a dotted path; no fixed column has a dot).
                if name == "particles.csv" && column.contains('.') {
                    continue;
                }
                if !in_table(&section, column) {
                    missing.insert(format!("{name}: column `{column}`"));
                }
            }
            // The series of timeseries.csv are named like metrics.
            if name == "timeseries.csv" {
                let series: BTreeSet<&str> = text
                    .lines()
                    .skip(1)
                    .filter_map(|l| l.split(',').nth(4))
                    .collect();
                for s in series {
                    if !name_in_table(&section, s) {
                        missing.insert(format!("timeseries.csv: series `{s}`"));
                    }
                }
            }
            seen.insert(name);
        } else if name == "manifest.json" {
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let section = sections(&page, "`manifest.json`");
            for (key, value) in json.as_object().unwrap() {
                let nested = value
                    .as_object()
                    .filter(|_| key != "parameters" && key != "crates");
                match nested {
                    Some(fields) => {
                        for sub in fields.keys() {
                            if !in_table(&section, &format!("{key}.{sub}")) {
                                missing.insert(format!("manifest.json: field `{key}.{sub}`"));
                            }
                        }
                    }
                    None if !in_table(&section, key) => {
                        missing.insert(format!("manifest.json: field `{key}`"));
                    }
                    None => {}
                }
            }
        }
    }
    for expected in [
        "outcomes.csv",
        "summary.csv",
        "events.csv",
        "timeseries.csv",
        "comparison.csv",
        "retrodiction.csv",
        "verdict.csv",
        "decisions.csv",
        "sweep.csv",
        "sweep_retrodiction.csv",
        "sensitivity.csv",
        "trade.csv",
        "trade_shares.csv",
        "particles.csv",
        "posterior.csv",
        "generations.csv",
        "models.csv",
        "choice.csv",
        "repeats.csv",
        "held_out.csv",
        "recovery.csv",
        "confusion.csv",
    ] {
        assert!(
            seen.contains(expected),
            "no job wrote {expected}; found {seen:?}"
        );
    }
    assert!(
        missing.is_empty(),
        "results/README.md does not document:\n  {}",
        missing.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}

/// Every doctrine coefficient's row in scenarios/README.md states its default
/// and its plausible range `low..high`, as `doctrine::params` defines them.
#[test]
fn every_coefficient_is_documented_with_its_default_and_plausible_range() {
    let page = read("scenarios/README.md");
    let number = |x: f64| {
        let s = format!("{x}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    };
    let mut missing = Vec::new();
    for c in statecraft::doctrine::params::coefficients() {
        let row = page
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", c.path)));
        let Some(row) = row else {
            missing.push(format!("{}: no row", c.path));
            continue;
        };
        let default = format!("`{}`", number(c.default));
        let range = format!("`{}..{}`", number(c.plausible.0), number(c.plausible.1));
        if !row.contains(&default) || !row.contains(&range) {
            missing.push(format!(
                "{}: wants {default} and {range} in `{row}`",
                c.path
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "scenarios/README.md's coefficient table disagrees with doctrine::params:\n  {}",
        missing.join("\n  ")
    );
}
