//! The house reads one way: every module sits in the layer `src/lib.rs`
//! declares, imports only from its own layer or lower ones, and no two
//! top-level modules import each other, directly or round a circle.
//!
//! The test reads the layer table of `src/lib.rs`'s overview and every
//! `crate::`/`super::` path in `src/` (use trees expanded, comments and string
//! literals ignored), so the table is the documentation and the rule at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// `module → layer` from lines `//! | N name | `a`, `b` | ... |` of lib.rs.
fn layer_table(lib: &str) -> BTreeMap<String, u32> {
    let mut table = BTreeMap::new();
    for line in lib.lines() {
        let Some(row) = line.strip_prefix("//! | ") else {
            continue;
        };
        let cells: Vec<&str> = row.split(" | ").collect();
        let Some(layer) = cells[0]
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        for module in cells[1].split(',') {
            let name = module.trim().trim_matches('`').to_string();
            assert!(
                table.insert(name.clone(), layer).is_none(),
                "module `{name}` is listed twice in src/lib.rs's layer table"
            );
        }
    }
    table
}

/// The modules lib.rs declares.
fn declared(lib: &str) -> BTreeSet<String> {
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').trim().to_string())
        })
        .collect()
}

/// Source text with comments, string and char literals blanked out.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == b'r' && (b[i..].starts_with(b"r\"") || b[i..].starts_with(b"r#")) {
            // Raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while j < b.len() && b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            if j < b.len() && b[j] == b'"' {
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                j += 1;
                while j < b.len() && !b[j..].starts_with(&close) {
                    j += 1;
                }
                i = (j + close.len()).min(b.len());
                out.push_str("\"\"");
            } else {
                out.push('r');
                i += 1;
            }
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            // A char literal ('a' or '\n'), not a lifetime.
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("' '");
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Expand a use tree (`a::{b, c::{d, e as f}}`) into paths.
fn expand(tree: &str) -> Vec<String> {
    fn go(prefix: &str, t: &str, out: &mut Vec<String>) {
        let t = t.trim();
        if let Some(open) = t.find('{') {
            let base = format!("{prefix}{}", t[..open].trim());
            let inner = &t[open + 1..t.rfind('}').expect("balanced braces")];
            let (mut depth, mut start) = (0, 0);
            for (k, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        go(&base, &inner[start..k], out);
                        start = k + 1;
                    }
                    _ => {}
                }
            }
            go(&base, &inner[start..], out);
        } else if !t.is_empty() {
            let leaf = t.split(" as ").next().unwrap_or(t).trim();
            out.push(format!("{prefix}{leaf}"));
        }
    }
    let mut out = Vec::new();
    go("", tree, &mut out);
    out
}

/// Every path a file names that starts with `crate::` or `super::`, with
/// the byte offset where it is named.
fn paths(code: &str) -> Vec<(usize, String)> {
    let mut found: Vec<(usize, String)> = Vec::new();
    // `use` items, whose trees may group paths in braces.
    let mut rest = code;
    while let Some(k) = rest.find("use ") {
        let before = rest[..k].chars().last();
        let after = &rest[k + 4..];
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            if let Some(end) = after.find(';') {
                let at = code.len() - after.len();
                found.extend(expand(&after[..end]).into_iter().map(|p| (at, p)));
                rest = &after[end..];
                continue;
            }
        }
        rest = after;
    }
    // Inline paths anywhere in the code (`crate::world::Channel::Transit`).
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(k) = code[from..].find(start) {
            let at = from + k;
            let before = code[..at].chars().last();
            if before.is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != ':') {
                let path: String = code[at..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                found.push((at, path));
            }
            from = at + start.len();
        }
    }
    found
        .into_iter()
        .filter(|(_, p)| p.starts_with("crate::") || p.starts_with("super::"))
        .collect()
}

/// Inline modules (`mod tests { … }`): (name, byte range of the body).
fn inline_modules(code: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = code[from..].find("mod ") {
        let at = from + k;
        from = at + 4;
        if code[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let name: String = code[at + 4..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = code[at + 4..].trim_start()[name.len()..].trim_start();
        if name.is_empty() || !after.starts_with('{') {
            continue;
        }
        let open = code.len() - after.len();
        let mut depth = 0;
        for (j, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push((name.clone(), open..open + j));
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The top-level module a path refers to, seen from a file at module path `me`.
fn target(path: &str, me: &[String]) -> Option<String> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut at: Vec<String> = me.to_vec();
    let mut rest = &segs[..];
    if rest.first() == Some(&"crate") {
        at.clear();
        rest = &rest[1..];
    } else {
        while rest.first() == Some(&"super") {
            at.pop();
            rest = &rest[1..];
        }
    }
    if let Some(top) = at.first() {
        return Some(top.clone());
    }
    rest.first().map(|s| s.to_string())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's module path: `src/game/tariff.rs` → [game, tariff].
fn module_path(rel: &Path) -> Vec<String> {
    let mut segs: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|s| s.to_string_lossy().to_string())
        .collect();
    if segs.last().is_some_and(|s| s == "mod") {
        segs.pop();
    }
    segs
}

#[test]
fn every_module_imports_only_from_its_own_layer_or_below_and_no_module_circles() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let table = layer_table(&lib);
    let modules = declared(&lib);
    let unplaced: Vec<&String> = modules.iter().filter(|m| !table.contains_key(*m)).collect();
    assert!(
        unplaced.is_empty(),
        "modules declared in src/lib.rs but missing from its layer table: {unplaced:?}"
    );
    let stale: Vec<&String> = table.keys().filter(|m| !modules.contains(*m)).collect();
    assert!(
        stale.is_empty(),
        "the layer table names modules src/lib.rs does not declare: {stale:?}"
    );

    // Modules of the binary (declared in main.rs) sit above every layer.
    let main = std::fs::read_to_string(src().join("main.rs")).unwrap();
    let binary = declared(&main);
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let mut violations = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(src()).unwrap();
        // The binary and the crate root sit above every layer.
        if rel == Path::new("main.rs") || rel == Path::new("lib.rs") {
            continue;
        }
        let me = module_path(rel);
        let own = &me[0];
        if binary.contains(own) {
            continue;
        }
        let own_layer = *table
            .get(own)
            .unwrap_or_else(|| panic!("src/{} belongs to no declared module", rel.display()));
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        let inline = inline_modules(&code);
        for (at, path) in paths(&code) {
            let mut here = me.clone();
            here.extend(
                inline
                    .iter()
                    .filter(|(_, body)| body.contains(&at))
                    .map(|(name, _)| name.clone()),
            );
            let Some(to) = target(&path, &here) else {
                continue;
            };
            if &to == own {
                continue;
            }
            let Some(&layer) = table.get(&to) else {
                violations.push(format!("src/{}: `{path}` names no module", rel.display()));
                continue;
            };
            if layer > own_layer {
                violations.push(format!(
                    "src/{} (layer {own_layer}, `{own}`) imports `{path}` from layer {layer} (`{to}`)",
                    rel.display()
                ));
            }
            edges.entry(own.clone()).or_default().insert(to);
        }
    }
    assert!(
        violations.is_empty(),
        "imports that point up the layers:\n  {}",
        violations.join("\n  ")
    );

    // No circle among top-level modules (same-layer imports are allowed).
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(k) = stack.iter().position(|s| s == m) {
            let mut circle = stack[k..].to_vec();
            circle.push(m.to_string());
            return Some(circle);
        }
        if done.contains(m) {
            return None;
        }
        stack.push(m.to_string());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in table.keys() {
        if let Some(circle) = visit(m, &edges, &mut Vec::new(), &mut done) {
            panic!("an import circle: {}", circle.join(" → "));
        }
    }
}

#[test]
fn the_reader_finds_grouped_and_inline_paths() {
    let code = code_only(
        "use crate::{world::{Matrix, World}, trade as t};\n\
         // use crate::job;\n\
         let s = \"crate::report\";\n\
         let x = crate::policy::Stance::Cet;\n\
         use super::forecast::utility;",
    );
    let found: Vec<String> = paths(&code).into_iter().map(|(_, p)| p).collect();
    assert!(found.contains(&"crate::world::Matrix".to_string()));
    assert!(found.contains(&"crate::trade".to_string()));
    assert!(found.iter().any(|p| p.starts_with("crate::policy")));
    assert!(
        !found
            .iter()
            .any(|p| p.contains("job") || p.contains("report"))
    );
    let me = vec!["game".to_string(), "tariff".to_string()];
    assert_eq!(
        target("super::forecast::utility", &me).as_deref(),
        Some("game")
    );
    assert_eq!(
        target("crate::world::Matrix", &me).as_deref(),
        Some("world")
    );
    assert_eq!(
        target("super::x", &["event".to_string()]).as_deref(),
        Some("x")
    );
}
