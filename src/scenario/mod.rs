//! Scenario files: parse, apply `--set` overrides, check, resolve to a [`World`].
//!
//! "Parse, then resolve, then run": the TOML text is parsed once into a spanned
//! tree, command-line overrides are written into that tree (so they reach every
//! field and go through the same checks as the file), the tree is deserialised
//! into [`format::ScenarioFile`], and [`resolve`] checks meaning and builds the
//! world. Every failure becomes a [`ScenarioError`] naming file, line, column,
//! dotted field and what would be valid.

pub mod data;
pub mod error;
pub mod format;
pub mod fuzz;
pub mod priors;
mod resolve;

pub use error::{Origin, ScenarioError};

use crate::world::World;
use format::ScenarioFile;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A `--set PATH=VALUE` override of any scenario field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub path: String,
    pub value: String,
}

impl FromStr for Override {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('=') {
            Some((path, value)) if !path.trim().is_empty() => Ok(Override {
                path: path.trim().to_string(),
                value: value.trim().to_string(),
            }),
            _ => Err(format!(
                "expected PATH=VALUE (e.g. doctrines.neoliberal.discount=0.8), got `{s}`"
            )),
        }
    }
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

/// One step of a dotted field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A dotted field path such as `states.KAZ.gdp_musd` or `expect[2].min`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// Parse `a.b.0.c` or `a.b[0].c`.
    pub fn parse(s: &str) -> FieldPath {
        let mut segs = Vec::new();
        for part in s.split('.') {
            let mut rest = part;
            while let Some(open) = rest.find('[') {
                if open > 0 {
                    segs.push(Seg::Key(rest[..open].to_string()));
                }
                let close = rest[open..].find(']').map_or(rest.len(), |c| open + c);
                match rest[open + 1..close].parse() {
                    Ok(i) => segs.push(Seg::Index(i)),
                    Err(_) => {
                        segs.push(Seg::Key(rest[open..=close.min(rest.len() - 1)].to_string()))
                    }
                }
                rest = &rest[(close + 1).min(rest.len())..];
            }
            if !rest.is_empty() {
                segs.push(match rest.parse::<usize>() {
                    Ok(i) => Seg::Index(i),
                    Err(_) => Seg::Key(rest.to_string()),
                });
            }
        }
        FieldPath(segs)
    }

    pub fn key(&self, k: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }

    pub fn index(&self, i: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A loaded scenario: the world plus what identifies its source.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub world: World,
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub overrides: Vec<Override>,
    /// The scenario's text, from which a run's world is built again with its
    /// own draw of the priors (`--prior-predictive`).
    pub text: String,
}

impl Loaded {
    /// The world of a run whose uncertain parameters take `values` (one per
    /// prior, in order), on top of the job's own overrides.
    pub fn with_draw(&self, values: &[f64]) -> Result<World, ScenarioError> {
        let mut with = self.overrides.clone();
        with.extend(
            self.world
                .priors
                .iter()
                .zip(values)
                .map(|(u, &x)| priors::set(u, x)),
        );
        load_checked(&self.text, &self.path.display().to_string(), &with)
    }
}

/// Read, check and resolve the scenario at `path` with `overrides` applied.
/// The file must be a regular file of at most
/// [`data::MAX_SCENARIO_BYTES`], in UTF-8.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Loaded, ScenarioError> {
    if path.as_os_str().is_empty() {
        return Err(ScenarioError::whole(
            "",
            "the scenario path is empty; name a scenario file (TOML), e.g. scenarios/classic_cooperation.toml",
        ));
    }
    let file = path.display().to_string();
    let bytes = data::read_input(path, data::MAX_SCENARIO_BYTES)
        .map_err(|e| ScenarioError::whole(&file, format!("cannot read the scenario file: {e}")))?;
    let world = load_bytes(&bytes, &file, overrides)?;
    Ok(Loaded {
        world,
        path: path.to_path_buf(),
        sha256: sha256_hex(&bytes),
        overrides: overrides.to_vec(),
        // load_bytes has checked the bytes are UTF-8.
        text: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Check and resolve the scenario whose file holds `bytes` (named `file` in
/// messages; data files are found relative to it): what [`load`] does once
/// it has read the file, and the entry point the fuzzing targets exercise.
pub fn load_bytes(
    bytes: &[u8],
    file: &str,
    overrides: &[Override],
) -> Result<World, ScenarioError> {
    if bytes.len() as u64 > data::MAX_SCENARIO_BYTES {
        return Err(ScenarioError::whole(
            file,
            format!(
                "the scenario file is {} bytes, more than the {} MiB a scenario may have",
                bytes.len(),
                data::MAX_SCENARIO_BYTES >> 20
            ),
        ));
    }
    let text = data::utf8(bytes, file, "the scenario file")?;
    load_str(text, file, overrides)
}

/// Check and resolve scenario `text` (named `file` in messages).
pub fn load_str(text: &str, file: &str, overrides: &[Override]) -> Result<World, ScenarioError> {
    let world = load_checked(text, file, overrides)?;
    // No draw from the priors may make the scenario invalid: check it with
    // every prior at the lower, then the upper end of its support.
    for upper in [false, true] {
        if world.priors.is_empty() {
            break;
        }
        let mut with = overrides.to_vec();
        with.extend(priors::bounds(&world.priors, upper));
        if let Err(e) = load_checked(text, file, &with) {
            return Err(priors::at_bound(text, file, &world.priors, upper, e));
        }
    }
    Ok(world)
}

/// A world with `overrides` applied to `text`, with every check but that of
/// its priors' bounds.
fn load_checked(text: &str, file: &str, overrides: &[Override]) -> Result<World, ScenarioError> {
    let root = DeTable::parse(text).map_err(|e| {
        let origin = e.span().map_or(Origin::Whole, |s| error::locate(text, s));
        let mut message = syntax_message(e.message());
        // toml says only "duplicate key"; its span is the key, so name it.
        if let Some(key) = e
            .span()
            .and_then(|s| text.get(s))
            .filter(|_| e.message().trim() == "duplicate key")
        {
            message = format!("{message} `{key}`; each key (or table) may be defined only once");
        }
        ScenarioError {
            file: file.into(),
            origin,
            field: String::new(),
            message,
        }
    })?;
    let root_span = root.span();
    let mut root = root.into_inner();
    // The file's own values, before any --set: a prior must contain these
    // (an override may leave a prior's range on purpose).
    let file_values = root.clone();
    let parsed: Vec<(FieldPath, &Override)> = overrides
        .iter()
        .map(|o| (FieldPath::parse(&o.path), o))
        .collect();
    let ctx = Context {
        file,
        text,
        overrides: &parsed,
    };
    for (path, o) in &parsed {
        let value = match DeValue::parse(&o.value) {
            Ok(v) => v,
            Err(_) => Spanned::new(0..0, DeValue::String(Cow::Borrowed(o.value.as_str()))),
        };
        if let Some((entry, message)) = undeclared(&root, &path.0) {
            return Err(ctx.error_at(&entry, None, message));
        }
        set_path(&mut root, &path.0, value).map_err(|message| ctx.error_at(path, None, message))?;
    }
    let uncertain = priors::read(&root, &file_values, &ctx)?;
    let mut plain = root.clone();
    plain.remove("priors");
    let de = toml::de::Deserializer::from(Spanned::new(root_span, plain));
    let spec: ScenarioFile = serde_path_to_error::deserialize(de).map_err(|e| {
        let mut path = FieldPath(
            e.path()
                .iter()
                .filter_map(|s| match s {
                    serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                    serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                    _ => None,
                })
                .collect(),
        );
        let inner = e.into_inner();
        let message = inner.message().to_string();
        let quoted = |prefix: &str| {
            message
                .strip_prefix(prefix)
                .and_then(|m| m.split('`').next())
                .map(str::to_string)
        };
        // serde_path_to_error has usually recorded an unknown key already (it
        // captures map keys as they are read); add it only where it has not, so
        // the path is `doctrines.neoliberal.dicount`, not `...dicount.dicount`.
        if let Some(key) = quoted("unknown field `")
            && path.0.last() != Some(&Seg::Key(key.clone()))
        {
            path = path.key(&key);
        }
        let mut err = ctx.error_at(&path, inner.span(), type_message(&message));
        // A missing key is reported at its parent table, which is where it must
        // be written (and whose line we show); the field names the key itself.
        if let Some(key) = quoted("missing field `") {
            err.field = path.key(&key).to_string();
        }
        err
    })?;
    // Data files are found relative to the scenario file.
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    let mut world = resolve::resolve(&spec, &ctx.with_root(&root), dir)?;
    world.priors = uncertain;
    Ok(world)
}

/// What resolution needs to report errors.
pub(crate) struct Context<'a> {
    file: &'a str,
    text: &'a str,
    overrides: &'a [(FieldPath, &'a Override)],
}

impl<'a> Context<'a> {
    fn with_root<'r>(&'r self, root: &'r DeTable<'r>) -> Located<'r> {
        Located { ctx: self, root }
    }

    /// An error at `path`; `span` (if known) is used unless the path was set on
    /// the command line.
    fn error_at(
        &self,
        path: &FieldPath,
        span: Option<std::ops::Range<usize>>,
        message: String,
    ) -> ScenarioError {
        // Values written by --set carry empty spans: they are not in the file.
        let span = span.filter(|s| !s.is_empty());
        let within = self.overrides.iter().find(|(p, _)| prefix(&p.0, &path.0));
        // An override of part of this field (e.g. one state of a pair); the root
        // does not count, or any --set would take the blame for a missing table.
        let beneath = self
            .overrides
            .iter()
            .find(|(p, _)| !path.0.is_empty() && prefix(&path.0, &p.0));
        let mut message = message;
        let origin = match (within, span, beneath) {
            (Some((_, o)), _, _) | (None, None, Some((_, o))) => Origin::Override(o.to_string()),
            (None, Some(s), beneath) => {
                // The file's line shows the value before the override; say so,
                // or the user is shown a line that looks valid.
                if let Some((_, o)) = beneath {
                    message = format!("{message} (after --set {o})");
                }
                error::locate(self.text, s)
            }
            (None, None, None) => Origin::Whole,
        };
        ScenarioError {
            file: self.file.into(),
            origin,
            field: path.to_string(),
            message,
        }
    }
}

/// A context that can also find where a field is in the file.
pub(crate) struct Located<'r> {
    ctx: &'r Context<'r>,
    root: &'r DeTable<'r>,
}

impl Located<'_> {
    /// An error about the field at `path`, located in the file (or override).
    pub(crate) fn error(&self, path: &FieldPath, message: impl Into<String>) -> ScenarioError {
        self.ctx
            .error_at(path, span_of(self.root, &path.0), message.into())
    }

    /// An error about the *name* at the end of `path` (a state code written as
    /// a key, as in `[affinity.CCC] AAX = 0.5`): the caret goes under the key,
    /// since the value beside it is not what is wrong.
    pub(crate) fn key_error(&self, path: &FieldPath, message: impl Into<String>) -> ScenarioError {
        let span = key_span(self.root, &path.0).or_else(|| span_of(self.root, &path.0));
        self.ctx.error_at(path, span, message.into())
    }
}

/// The span of the last key of `path` (a path of keys only).
fn key_span(root: &DeTable<'_>, path: &[Seg]) -> Option<std::ops::Range<usize>> {
    let (Seg::Key(last), parent) = path.split_last()? else {
        return None;
    };
    let mut table = root;
    for seg in parent {
        let Seg::Key(k) = seg else { return None };
        table = table.get(k.as_str())?.get_ref().as_table()?;
    }
    table.get_key_value(last.as_str()).map(|(k, _)| k.span())
}

/// Is `short` a prefix of `long`? A number matches the same digits as a key,
/// since `--set` reads `cet_percent.2010` as an index and serde reports a key.
fn prefix(short: &[Seg], long: &[Seg]) -> bool {
    short.len() <= long.len()
        && short
            .iter()
            .zip(long)
            .all(|(a, b)| seg_name(a) == seg_name(b))
}

/// The span of the deepest existing value along `path`.
fn span_of(root: &DeTable<'_>, path: &[Seg]) -> Option<std::ops::Range<usize>> {
    let mut span = None;
    let mut table = Some(root);
    let mut array: Option<&[Spanned<DeValue<'_>>]> = None;
    for seg in path {
        let next = match (seg, table, array) {
            (Seg::Key(k), Some(t), _) => t.get(k.as_str()),
            (Seg::Index(i), _, Some(a)) => a.get(*i),
            // A number addresses a table's key too (year-keyed schedules).
            (Seg::Index(i), Some(t), _) => t.get(i.to_string().as_str()),
            _ => None,
        };
        let Some(value) = next else { break };
        span = Some(value.span());
        table = value.get_ref().as_table();
        array = value.get_ref().as_array().map(|a| &a[..]);
    }
    span
}

/// Top-level tables whose keys declare things, with what one entry is. `--set`
/// may change a declared entry or add one whole (`profiles.p={ base = ... }`),
/// but a path through an undeclared key is almost always a misspelling, and
/// creating the entry would only report the keys it lacks.
const KEYED: [(&str, &str); 5] = [
    ("states", "state"),
    ("institutions", "institution"),
    ("games", "game"),
    ("profiles", "profile"),
    ("blocs", "bloc"),
];

/// Top-level arrays of tables: their entries are addressed by index.
const LISTED: [&str; 3] = ["sanctions", "expect", "target"];

/// If `path` reaches into an entry the scenario does not declare: the entry's
/// path and what to say about it, listing the entries there are.
fn undeclared(root: &DeTable<'_>, path: &[Seg]) -> Option<(FieldPath, String)> {
    let [Seg::Key(table), entry, rest @ ..] = path else {
        return None;
    };
    let at = FieldPath(path[..2].to_vec());
    let present = root.get(table.as_str()).map(|v| v.get_ref());
    if LISTED.contains(&table.as_str()) {
        // An index into an array that exists is checked where it is set.
        return present.is_none().then(|| {
            let message = format!("no {at}; the scenario declares no [[{table}]]");
            (at, message)
        });
    }
    let (_, one) = KEYED.iter().find(|(t, _)| t == table)?;
    if rest.is_empty() {
        return None;
    }
    let names: Vec<String> = match present {
        None => Vec::new(),
        Some(DeValue::Table(t)) if !t.contains_key(seg_name(entry).as_str()) => {
            t.keys().map(|k| k.get_ref().to_string()).collect()
        }
        // Declared, or not a table at all (which deserialising reports).
        Some(_) => return None,
    };
    let message = format!(
        "no {one} `{}`; {}",
        seg_name(entry),
        error::declared(table, &names)
    );
    Some((at, message))
}

/// Write `value` at `path`, creating tables on the way.
fn set_path<'i>(
    table: &mut DeTable<'i>,
    path: &[Seg],
    value: Spanned<DeValue<'i>>,
) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return Err("an empty path; write PATH=VALUE, e.g. timeline.end=2030".into());
    };
    let Seg::Key(key) = first else {
        return Err("a path must start with a key, e.g. states.KAZ.gdp_musd".into());
    };
    if rest.is_empty() {
        table.insert(Spanned::new(0..0, Cow::Owned(key.clone())), value);
        return Ok(());
    }
    let slot = table
        .entry(Spanned::new(0..0, Cow::Owned(key.clone())))
        .or_insert_with(|| Spanned::new(0..0, DeValue::Table(DeTable::new())));
    set_in_value(slot.get_mut(), key, rest, value)
}

fn set_in_value<'i>(
    current: &mut DeValue<'i>,
    key: &str,
    rest: &[Seg],
    value: Spanned<DeValue<'i>>,
) -> Result<(), String> {
    match (current, &rest[0]) {
        (DeValue::Table(t), Seg::Key(_)) => set_path(t, rest, value),
        // In a table a number is a key, e.g. cet_percent.2010 (a year).
        (DeValue::Table(t), Seg::Index(i)) => {
            let mut keyed = rest.to_vec();
            keyed[0] = Seg::Key(i.to_string());
            set_path(t, &keyed, value)
        }
        (DeValue::Array(a), Seg::Index(i)) => {
            let len = a.len();
            let item = a
                .get_mut(*i)
                .ok_or_else(|| format!("`{key}` has {len} entries; index {i} is out of range"))?;
            if rest.len() == 1 {
                *item = value;
                Ok(())
            } else {
                set_in_value(item.get_mut(), key, &rest[1..], value)
            }
        }
        (other, _) => {
            let kind = other.type_str();
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            Err(format!(
                "`{key}` is {article} {kind}, so it has no field `{}`",
                seg_name(&rest[0])
            ))
        }
    }
}

fn seg_name(seg: &Seg) -> String {
    match seg {
        Seg::Key(k) => k.clone(),
        Seg::Index(i) => i.to_string(),
    }
}

fn syntax_message(m: &str) -> String {
    format!("invalid TOML: {}", m.trim())
}

/// serde's messages, lightly reworded for scenario authors.
fn type_message(m: &str) -> String {
    let m = m.trim();
    if let Some(rest) = m.strip_prefix("unknown field ") {
        return format!("unknown key {rest}");
    }
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("required key {rest} is missing");
    }
    // Name types as TOML does, not as Rust does (`expected struct TimelineSpec`).
    let m = match m.find("expected struct ") {
        Some(i) => format!("{}expected a table", &m[..i]),
        None => m.to_string(),
    };
    m.replace("f64", "a number")
        .replace("i32", "a whole number (year)")
        .replace("u64", "a whole number >= 0")
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected a table")
}

/// SHA-256 of `bytes` as lower-case hex: how the manifest identifies the
/// scenario and data files a run read.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
