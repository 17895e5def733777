//! Data files a scenario refers to (bilateral trade flows), read with the same
//! care as the scenario itself: every error names the file, line, column and
//! what would be valid.

use super::error::{ScenarioError, locate, unknown_state};
use crate::matrix::Matrix;
use std::path::Path;

const HEADER: [&str; 3] = ["exporter", "importer", "value_musd"];

/// Read bilateral exports (US$ million) for the scenario's states: `flows[(i, n)]`
/// = exports of i to n. Every ordered pair of distinct states needs one row.
pub fn read_flows(path: &Path, shown: &str, codes: &[String]) -> Result<Matrix, ScenarioError> {
    let whole = |message: String| ScenarioError::whole(shown, message);
    let text = std::fs::read_to_string(path).map_err(|e| {
        whole(format!(
            "cannot read the trade data: {e}; the scenario's `trade.flows` names a CSV file (exporter,importer,value_musd) relative to the scenario file's directory"
        ))
    })?;
    // Spreadsheets often save CSV with a byte-order mark; it is invisible, so
    // a header rejected because of it would look correct to the user.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.split_inclusive('\n').scan(0usize, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line.trim_end_matches(['\n', '\r'])))
    });
    let at =
        |start: usize, col_byte: usize, len: usize, field: &str, message: String| ScenarioError {
            file: shown.into(),
            origin: locate(text, start + col_byte..start + col_byte + len),
            field: field.into(),
            message,
        };
    let Some((start, header)) = lines.next() else {
        return Err(whole(
            "the trade data is empty; expected a header exporter,importer,value_musd".into(),
        ));
    };
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    if names != HEADER {
        return Err(at(
            start,
            0,
            header.len(),
            "",
            format!("the header must be `{}`, got `{header}`", HEADER.join(",")),
        ));
    }
    let n = codes.len();
    let mut flows = Matrix::new(n, n, f64::NAN);
    // Byte offset of the row that set each pair, to name it if it repeats.
    let mut first_row = vec![0usize; n * n];
    for (start, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        // Byte offsets of the three cells within the line.
        let mut cells = Vec::with_capacity(3);
        let mut pos = 0;
        for cell in line.split(',') {
            cells.push((pos, cell));
            pos += cell.len() + 1;
        }
        if cells.len() != 3 {
            return Err(at(
                start,
                0,
                line.len(),
                "",
                format!(
                    "expected 3 cells (exporter,importer,value_musd), found {}",
                    cells.len()
                ),
            ));
        }
        let state = |k: usize| -> Result<usize, ScenarioError> {
            let (pos, cell) = cells[k];
            let code = cell.trim();
            codes.iter().position(|c| c == code).ok_or_else(|| {
                at(
                    start,
                    pos,
                    cell.len(),
                    HEADER[k],
                    unknown_state(code, codes),
                )
            })
        };
        let (exporter, importer) = (state(0)?, state(1)?);
        let (pos, cell) = cells[2];
        let value: f64 = cell.trim().parse().map_err(|_| {
            at(
                start,
                pos,
                cell.len(),
                "value_musd",
                format!(
                    "`{}` is not a number; expected exports in US$ million, e.g. 5602.5",
                    cell.trim()
                ),
            )
        })?;
        if !(value.is_finite() && value >= 0.0) {
            return Err(at(
                start,
                pos,
                cell.len(),
                "value_musd",
                format!("a trade flow must be a finite number >= 0, got {value}"),
            ));
        }
        if exporter == importer {
            // Point at the importer cell, the field named.
            let (pos, cell) = cells[1];
            return Err(at(
                start,
                pos,
                cell.len(),
                "importer",
                format!(
                    "`{}` trades with itself; trade within a region is domestic absorption (GDP − exports), not a flow: delete this row",
                    codes[exporter]
                ),
            ));
        }
        if !flows.get(exporter, importer).is_nan() {
            let first = text[..first_row[exporter * n + importer]]
                .matches('\n')
                .count()
                + 1;
            return Err(at(
                start,
                0,
                line.len(),
                "",
                format!(
                    "a second row for {} → {} (the first is line {first}); each ordered pair (exporter, importer) needs exactly one row",
                    codes[exporter], codes[importer]
                ),
            ));
        }
        first_row[exporter * n + importer] = start;
        flows.set(exporter, importer, value);
    }
    let missing: Vec<String> = (0..n)
        .flat_map(|i| (0..n).map(move |m| (i, m)))
        .filter(|&(i, m)| i != m && flows.get(i, m).is_nan())
        .map(|(i, m)| format!("{} → {}", codes[i], codes[m]))
        .collect();
    if !missing.is_empty() {
        let shown_missing = missing
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let more = if missing.len() > 5 {
            format!(" and {} more", missing.len() - 5)
        } else {
            String::new()
        };
        return Err(whole(format!(
            "no row for {shown_missing}{more}: every ordered pair of the scenario's states needs a row (write 0 for no trade)"
        )));
    }
    for i in 0..n {
        flows.set(i, i, 0.0);
    }
    Ok(flows)
}
