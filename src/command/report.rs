//! `statecraft report`: write `report.html` and `report/*.svg` for a results
//! directory ([`crate::page`]) and list the figures it drew.

use super::{CommandError, Context};
use crate::cli::ReportArgs;
use crate::page::{self, PageError};
use std::fmt::Write as _;

impl From<PageError> for CommandError {
    fn from(e: PageError) -> Self {
        match e {
            PageError::Input(_) => CommandError::Input(e.to_string()),
            PageError::Read { .. } => CommandError::Runtime(e.to_string()),
            PageError::Write(o) => o.into(),
        }
    }
}

pub fn execute(args: &ReportArgs, _ctx: &Context) -> Result<String, CommandError> {
    let written = page::build(&args.dir, &args.state)?;
    let mut s = format!(
        "{} ({} figures, each also in {}/)\n",
        written.html.display(),
        written.figures.len(),
        crate::output::REPORT_DIR
    );
    for f in &written.figures {
        let _ = writeln!(
            s,
            "  {}.svg  {} (from {})",
            f.name,
            f.title,
            f.sources.join(", ")
        );
    }
    for n in &written.notes {
        let _ = writeln!(s, "note: {n}");
    }
    Ok(s)
}
