//! Data files a scenario refers to (bilateral trade flows), read with the same
//! care as the scenario itself: every error names the file, line, column and
//! what would be valid.

use super::error::{Origin, ScenarioError, locate, unknown_state};
use crate::matrix::Matrix;
use std::io::Read;
use std::path::Path;

const HEADER: [&str; 3] = ["exporter", "importer", "value_musd"];

/// Largest scenario file read, in bytes (16 MiB; the shipped ones are a few KB).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// Largest data file (trade flows CSV) read, in bytes (256 MiB).
pub const MAX_DATA_BYTES: u64 = 256 << 20;

/// The bytes of the input file at `path`: it must be a regular file (a FIFO,
/// a device or a directory is refused before it is opened, so nothing hangs)
/// of at most `cap` bytes, and is read through a reader bounded by `cap`, so a
/// file that grows while it is read cannot exhaust memory. The error says why,
/// for a message that names the file.
pub(crate) fn read_input(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(format!("it is {}, not a regular file", kind(&meta)));
    }
    let too_big = |len: u64| {
        format!(
            "it is {len} bytes, more than the {} MiB an input file may have",
            cap >> 20
        )
    };
    if meta.len() > cap {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > cap {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What kind of file system entry `meta` is, for a message.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// `bytes` as UTF-8 text, or an error at the line and column (in characters)
/// of the first byte that is not UTF-8. `what` names the file in the message.
pub(crate) fn utf8<'b>(bytes: &'b [u8], file: &str, what: &str) -> Result<&'b str, ScenarioError> {
    let e = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let at = e.valid_up_to();
    let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let line_start = prefix.rfind('\n').map_or(0, |i| i + 1);
    let line_end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let bad = e.error_len().unwrap_or(bytes.len() - at);
    let shown: Vec<String> = bytes[at..at + bad]
        .iter()
        .map(|b| format!("0x{b:02X}"))
        .collect();
    Err(ScenarioError {
        file: file.into(),
        origin: Origin::File {
            line: prefix.matches('\n').count() + 1,
            column: prefix[line_start..].chars().count() + 1,
            source_line: String::from_utf8_lossy(&bytes[line_start..line_end])
                .trim_end_matches('\r')
                .to_string(),
            width: 1,
        },
        field: String::new(),
        message: format!(
            "{what} is not UTF-8 text: the byte{} {} here {} not valid UTF-8; save the file as UTF-8",
            if bad == 1 { "" } else { "s" },
            shown.join(" "),
            if bad == 1 { "is" } else { "are" },
        ),
    })
}

/// Read bilateral exports (US$ million) for the scenario's states from the
/// bytes of a flows CSV (named `shown` in messages): `flows[(i, n)]` = exports
/// of i to n. Every ordered pair of distinct states needs one row.
pub fn parse_flows(bytes: &[u8], shown: &str, codes: &[String]) -> Result<Matrix, ScenarioError> {
    let whole = |message: String| ScenarioError::whole(shown, message);
    let text = utf8(bytes, shown, "the trade data")?;
    // Spreadsheets often save CSV with a byte-order mark; it is invisible, so
    // a header rejected because of it would look correct to the user.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
