//! `statecraft trade`: one static what-if on the scenario's calibrated trade
//! model ([`crate::whatif`]), its table printed and its two CSVs written.
//! Its default directory is `results/<scenario>/trade`.

use super::{CommandError, Context, default_out};
use crate::cli::TradeArgs;
use crate::scenario;
use crate::whatif::{self, Experiment};
use std::fmt::Write as _;

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
        .unwrap_or_else(|| default_out(&loaded.world, "trade"));
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
