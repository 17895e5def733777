//! Scenario errors: what is wrong, where (file, line, column, dotted field), and
//! what would be valid. Rendered with the offending source line and a caret.

use std::fmt;

/// Where in the input an error is.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A position in the scenario file (1-based line and column).
    File {
        line: usize,
        column: usize,
        source_line: String,
        width: usize,
    },
    /// A `--set PATH=VALUE` override on the command line.
    Override(String),
    /// The file as a whole (e.g. it cannot be read).
    Whole,
}

/// A scenario that cannot be used, and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The scenario (or data) file as the user named it.
    pub file: String,
    pub origin: Origin,
    /// Dotted path of the field, e.g. `states.KAZ.gdp_musd` (empty if none).
    pub field: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl ScenarioError {
    /// An error about `file` as a whole (it cannot be read, or lacks a row).
    pub(crate) fn whole(file: &str, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.into(),
            origin: Origin::Whole,
            field: String::new(),
            message: message.into(),
        }
    }

    pub fn line(&self) -> Option<usize> {
        match self.origin {
            Origin::File { line, .. } => Some(line),
            _ => None,
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = if self.field.is_empty() {
            String::new()
        } else {
            format!(" field `{}`:", self.field)
        };
        match &self.origin {
            Origin::File {
                line,
                column,
                source_line,
                width,
            } => {
                writeln!(f, "{}:{line}:{column}:{field} {}", self.file, self.message)?;
                let gutter = line.to_string().len();
                writeln!(f, "{:gutter$} |", "")?;
                writeln!(f, "{line} | {source_line}")?;
                let pad: String = source_line
                    .chars()
                    .take(column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "{:gutter$} | {pad}{}", "", "^".repeat((*width).max(1)))
            }
            Origin::Override(set) => {
                write!(f, "{} (in --set {set}):{field} {}", self.file, self.message)
            }
            Origin::Whole if self.file.is_empty() => write!(f, "{}", self.message),
            Origin::Whole => write!(f, "{}:{field} {}", self.file, self.message),
        }
    }
}

/// Line, column (1-based, in characters) and the line's text at a byte offset.
pub fn locate(text: &str, span: std::ops::Range<usize>) -> Origin {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[..start].matches('\n').count() + 1;
    let column = text[line_start..start].chars().count() + 1;
    let source_line = text[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    let end = span.end.clamp(start, line_end);
    let width = text[start..end].chars().count();
    Origin::File {
        line,
        column,
        source_line,
        width,
    }
}

/// The names a scenario declares in one of its tables (`states`, `profiles`),
/// as every message about an unknown name lists them: the fix is usually a
/// misspelling, and the list shows the right spelling.
pub(crate) fn declared(table: &str, names: &[String]) -> String {
    if names.is_empty() {
        format!("the scenario declares no {table}")
    } else {
        format!("the scenario's {table} are {}", names.join(", "))
    }
}

/// A state code that is not one of `codes`, wherever it was written.
pub(crate) fn unknown_state(code: &str, codes: &[String]) -> String {
    format!("unknown state `{code}`; {}", declared("states", codes))
}
