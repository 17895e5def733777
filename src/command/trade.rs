//! `statecraft trade`: one static what-if on the scenario's calibrated trade
//! model ([`crate::whatif`]), its table printed and its two CSVs written.
//!
//! Each what-if has its own default directory, `results/<scenario>/trade-<label>`,
//! the [`label`] spelling out its flags, so that several what-ifs of one
//! scenario can be run one after the other; the same what-if again is refused
//! without `--force`.

use super::{CommandError, Context, default_out, file_safe};
use crate::cli::TradeArgs;
use crate::scenario;
use crate::whatif::{self, Experiment, PairRule, Side};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// Labels longer than this are shortened to their first [`KEEP`] characters
/// and a hash of the whole.
const LONGEST: usize = 64;
const KEEP: usize = 48;

pub fn execute(args: &TradeArgs, _ctx: &Context) -> Result<String, CommandError> {
    let loaded = scenario::load(&args.scenario, &args.set)?;
    let experiment = Experiment {
        year: args.year,
        tariffs: args.tariff.clone(),
        costs: args.cost.clone(),
        autarky: args.autarky,
    };
    let result = whatif::evaluate(&loaded.world, &experiment)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&loaded.world, &format!("trade-{}", label(args))));
    let files = result.write(&out, args.force)?;
    if args.quiet {
        return Ok(String::new());
    }
    let mut text = result.table();
    for f in files {
        let _ = writeln!(text, "wrote {}", f.display());
    }
    Ok(text)
}

/// The what-if's name in its default directory: its parts joined by `_`, in
/// the order tariffs, costs (each as given), autarky, year, overrides —
/// `tariff-<importer>-<exporter>-<rate>` (`*` spelled `all`),
/// `cost-<importer>-<exporter>-<factor>`, `autarky`, `y<year>` and
/// `set-<first 8 hex digits of the SHA-256 of the --set overrides, one
/// PATH=VALUE per line>`; `baseline` if there are none. Only `[A-Za-z0-9._-]`;
/// past 64 characters, the first 48, `-` and 8 hex digits of the SHA-256 of
/// the whole label.
pub fn label(args: &TradeArgs) -> String {
    let pair = |kind: &str, r: &PairRule| {
        let side = |s: &Side| match s {
            Side::All => "all".to_string(),
            Side::State(code) => code.clone(),
        };
        format!(
            "{kind}-{}-{}-{}",
            side(&r.importer),
            side(&r.exporter),
            r.value
        )
    };
    let mut parts: Vec<String> = args.tariff.iter().map(|t| pair("tariff", &t.0)).collect();
    parts.extend(args.cost.iter().map(|c| pair("cost", &c.0)));
    if args.autarky {
        parts.push("autarky".into());
    }
    if let Some(year) = args.year {
        parts.push(format!("y{year}"));
    }
    if !args.set.is_empty() {
        let overrides: String = args.set.iter().map(|o| format!("{o}\n")).collect();
        parts.push(format!("set-{}", hex8(&overrides)));
    }
    let label = if parts.is_empty() {
        "baseline".to_string()
    } else {
        file_safe(&parts.join("_"))
    };
    if label.len() > LONGEST {
        format!("{}-{}", &label[..KEEP], hex8(&label))
    } else {
        label
    }
}

/// The first 8 hex digits of the SHA-256 of `text`.
fn hex8(text: &str) -> String {
    Sha256::digest(text.as_bytes())[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
