//! Static trade what-ifs: `statecraft trade` (docs/model.md §7.2).
//!
//! One counterfactual on a scenario's calibrated trade model, without the games:
//! the policies in force in a year (all exogenous memberships of that year, union
//! members at the CET, every union measure applied; [`Policy::initial`]) give the
//! start point's tariffs t and trade costs; [`TariffRule`]s replace tariffs,
//! [`CostRule`]s multiply the iceberg trade cost d, and `autarky` makes every
//! international flow prohibitive. Both the start point and the what-if are
//! solved in changes against the calibrated baseline by exact hat algebra
//! (Dekle, Eaton & Kortum 2007, "Unbalanced Trade", *American Economic Review*
//! 97(2): 351–355; the one-sector case of Caliendo & Parro 2015), and every
//! reported change is the what-if relative to the start point, so the start
//! point itself reports zeros.
//!
//! Trade deficits stay at their baseline values, except under autarky, where no
//! deficit can be financed: there both the start point and the what-if have
//! zero deficits, so the welfare change is the gains from trade alone (with zero
//! tariffs it equals `λ_nn^(1/ε) − 1`, Arkolakis, Costinot & Rodríguez-Clare 2012).
//!
//! The library neither prints nor reads the command line: [`evaluate`] returns a
//! plain [`WhatIf`], [`WhatIf::table`] its text and [`WhatIf::write`] its CSVs.

use crate::matrix::Matrix;
use crate::output::{CsvFile, OutputError, number};
use crate::policy::Policy;
use crate::trade::{Shock, Solution, Solver, TradeError};
use crate::world::World;
use std::fmt::{self, Write as _};
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The files [`WhatIf::write`] writes; `force` replaces exactly these.
pub const TRADE_FILES: &[&str] = &["trade.csv", "trade_shares.csv"];

/// One side of a bilateral rule: a state code or every state (`*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Side {
    All,
    State(String),
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Side::All => f.write_str("*"),
            Side::State(code) => f.write_str(code),
        }
    }
}

/// A rule for the pairs `IMPORTER:EXPORTER`, with its value.
#[derive(Clone, Debug, PartialEq)]
pub struct PairRule {
    pub importer: Side,
    pub exporter: Side,
    pub value: f64,
}

impl PairRule {
    /// Parse `IMPORTER:EXPORTER=VALUE`, leaving the value's checks to the caller.
    fn parse(s: &str, what: &str, example: &str) -> Result<(Side, Side, String), String> {
        let shape = || format!("expected IMPORTER:EXPORTER={what} (e.g. {example}), got `{s}`");
        let (pair, value) = s.split_once('=').ok_or_else(shape)?;
        let (importer, exporter) = pair.split_once(':').ok_or_else(shape)?;
        let side = |x: &str| -> Result<Side, String> {
            match x.trim() {
                "" => Err(shape()),
                "*" => Ok(Side::All),
                code => Ok(Side::State(code.to_string())),
            }
        };
        Ok((side(importer)?, side(exporter)?, value.trim().to_string()))
    }

    /// The (importer, exporter) index pairs the rule covers, never a state with
    /// itself; `flag` names the rule in error messages.
    fn pairs(&self, world: &World, flag: &str) -> Result<Vec<(usize, usize)>, WhatIfError> {
        let resolve = |side: &Side| -> Result<Option<usize>, WhatIfError> {
            match side {
                Side::All => Ok(None),
                Side::State(code) => world.state_index(code).map(Some).ok_or_else(|| {
                    WhatIfError::Input(format!(
                        "unknown state `{code}` in {flag}; this scenario has: {}, or * for all",
                        codes(world)
                    ))
                }),
            }
        };
        let (importer, exporter) = (resolve(&self.importer)?, resolve(&self.exporter)?);
        if let (Some(n), Some(i)) = (importer, exporter)
            && n == i
        {
            return Err(WhatIfError::Input(format!(
                "{flag} names `{}` on both sides, but a state's own goods cross no border; \
                 name two different states or use *",
                world.states[n].code
            )));
        }
        let n_states = world.n_states();
        let mut pairs = Vec::new();
        for n in importer.map_or(0..n_states, |n| n..n + 1) {
            for i in exporter.map_or(0..n_states, |i| i..i + 1) {
                if n != i {
                    pairs.push((n, i));
                }
            }
        }
        Ok(pairs)
    }
}

/// `--tariff IMPORTER:EXPORTER=RATE`: the importer's tariff on the exporter's
/// goods becomes RATE percent (replacing the start point's tariff).
#[derive(Clone, Debug, PartialEq)]
pub struct TariffRule(pub PairRule);

impl FromStr for TariffRule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (importer, exporter, value) = PairRule::parse(s, "RATE", "KAZ:*=20")?;
        let rate: f64 = value
            .strip_suffix('%')
            .unwrap_or(&value)
            .trim()
            .parse()
            .map_err(|_| {
                format!("the tariff RATE in `{s}` must be a number of percent, e.g. 20")
            })?;
        if !(rate.is_finite() && rate >= 0.0) {
            return Err(format!(
                "the tariff RATE in `{s}` must be a finite percentage >= 0 (a subsidy is not a tariff)"
            ));
        }
        Ok(TariffRule(PairRule {
            importer,
            exporter,
            value: rate,
        }))
    }
}

impl fmt::Display for TariffRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.0;
        write!(f, "--tariff {}:{}={}", r.importer, r.exporter, r.value)
    }
}

/// `--cost IMPORTER:EXPORTER=FACTOR`: the iceberg trade cost d of the
/// exporter's goods to the importer is multiplied by FACTOR (0.96: 4% cheaper;
/// `inf`: prohibitive, an embargo).
#[derive(Clone, Debug, PartialEq)]
pub struct CostRule(pub PairRule);

impl FromStr for CostRule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (importer, exporter, value) = PairRule::parse(s, "FACTOR", "KAZ:CHN=0.96")?;
        let factor: f64 = value.parse().map_err(|_| {
            format!("the cost FACTOR in `{s}` must be a number, e.g. 0.96 for a 4% cut")
        })?;
        if factor.is_nan() || factor <= 0.0 {
            return Err(format!(
                "the cost FACTOR in `{s}` must be > 0 (it multiplies the trade cost: 0.96 is a 4% cut, 1.1 a 10% rise, inf an embargo)"
            ));
        }
        Ok(CostRule(PairRule {
            importer,
            exporter,
            value: factor,
        }))
    }
}

impl fmt::Display for CostRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.0;
        write!(f, "--cost {}:{}={}", r.importer, r.exporter, r.value)
    }
}

/// The what-if to evaluate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Experiment {
    /// The year whose policies give the start point [default: the trade model's
    /// baseline year].
    pub year: Option<i32>,
    /// Applied in order; a later rule replaces an earlier one on the same pair.
    pub tariffs: Vec<TariffRule>,
    /// Multiplied together.
    pub costs: Vec<CostRule>,
    /// Every international flow prohibitive, deficits zero.
    pub autarky: bool,
}

/// Why a what-if could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    /// Bad input: the scenario has no trade model, or a rule is invalid.
    #[error("{0}")]
    Input(String),
    /// The equilibrium was not found.
    #[error("{0}")]
    Trade(#[from] TradeError),
}

/// One state's results: the what-if relative to the start point.
#[derive(Clone, Debug, PartialEq)]
pub struct StateRow {
    pub code: String,
    /// 100 (Ŵ′/Ŵ − 1): change in real spending E/P.
    pub welfare_change_percent: f64,
    /// Real spending in the what-if, E′/P̂ in baseline prices, US$ million.
    pub real_income_musd: f64,
    /// Real spending at the start point, US$ million.
    pub real_income_before_musd: f64,
    /// Change of the consumer price index, percent.
    pub price_change_percent: f64,
    /// Change of the wage (output per unit of labour, in world-GDP units), percent.
    /// Under autarky relative wages are indeterminate (every state clears its
    /// own market); the solver keeps each state's output at its baseline value.
    pub wage_change_percent: f64,
    /// λ′_nn, share of spending on domestic goods in the what-if.
    pub domestic_share: f64,
    /// λ_nn at the start point.
    pub domestic_share_before: f64,
    /// λ′_ni by exporter i (the own entry is the domestic share), in the what-if.
    pub shares: Vec<f64>,
    /// The same at the start point.
    pub shares_before: Vec<f64>,
}

/// The evaluated what-if.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatIf {
    pub scenario: String,
    /// The year whose policies give the start point.
    pub year: i32,
    /// The trade model's calibration year.
    pub baseline_year: i32,
    pub epsilon: f64,
    pub autarky: bool,
    /// Deficits were set to zero (autarky) although the baseline has some.
    pub deficits_zeroed: bool,
    /// The rules applied, as command-line flags.
    pub rules: Vec<String>,
    pub rows: Vec<StateRow>,
}

/// Evaluate `experiment` on `world`'s trade model.
pub fn evaluate(world: &World, experiment: &Experiment) -> Result<WhatIf, WhatIfError> {
    let model = world.trade.as_ref().ok_or_else(|| {
        WhatIfError::Input(format!(
            "scenario `{}` has no [trade] table, so there is no trade model to run a what-if on; \
             add one (see scenarios/README.md) or use a scenario that has it",
            world.name
        ))
    })?;
    let year = experiment.year.unwrap_or(model.baseline_year);
    if !(world.years().contains(&year) || year == model.baseline_year) {
        return Err(WhatIfError::Input(format!(
            "--year {year} is outside the scenario's timeline {}–{} (the trade model's baseline year is {})",
            world.start, world.end, model.baseline_year
        )));
    }
    if experiment.autarky && !(experiment.tariffs.is_empty() && experiment.costs.is_empty()) {
        return Err(WhatIfError::Input(
            "--autarky makes all trade prohibitive, so --tariff and --cost would have no effect; \
             drop them or drop --autarky"
                .into(),
        ));
    }
    let n = world.n_states();
    let base = &model.baseline;
    let (mut tariff0, mut cost0) = (Matrix::new(n, n, 0.0), Matrix::new(n, n, 1.0));
    Policy::initial(world, year).shock(world, &mut tariff0, &mut cost0);
    let (mut tariff1, mut cost1) = (tariff0.clone(), cost0.clone());
    for rule in &experiment.tariffs {
        for (a, b) in rule.0.pairs(world, &rule.to_string())? {
            tariff1.set(a, b, rule.0.value / 100.0);
        }
    }
    for rule in &experiment.costs {
        for (a, b) in rule.0.pairs(world, &rule.to_string())? {
            cost1.set(a, b, cost1.get(a, b) * rule.0.value);
        }
    }
    if experiment.autarky {
        for a in 0..n {
            for b in (0..n).filter(|&b| b != a) {
                cost1.set(a, b, f64::INFINITY);
            }
        }
    }
    let deficit = if experiment.autarky {
        vec![0.0; n]
    } else {
        base.deficit.clone()
    };
    let mut solver = Solver::new(n);
    let start = solver
        .solve(
            base,
            &Shock {
                tariff: &tariff0,
                cost: &cost0,
                deficit: &deficit,
                endowment: None,
            },
            None,
        )?
        .clone();
    let after: &Solution = solver.solve(
        base,
        &Shock {
            tariff: &tariff1,
            cost: &cost1,
            deficit: &deficit,
            endowment: None,
        },
        None,
    )?;
    let real = |s: &Solution, m: usize| s.spending[m] / s.price[m];
    let change = |after: f64, before: f64| 100.0 * (after / before - 1.0);
    let rows = (0..n)
        .map(|m| StateRow {
            code: world.states[m].code.clone(),
            welfare_change_percent: change(real(after, m), real(&start, m)),
            real_income_musd: real(after, m),
            real_income_before_musd: real(&start, m),
            price_change_percent: change(after.price[m], start.price[m]),
            wage_change_percent: change(after.wage[m], start.wage[m]),
            domestic_share: after.shares.get(m, m),
            domestic_share_before: start.shares.get(m, m),
            shares: after.shares.row(m).to_vec(),
            shares_before: start.shares.row(m).to_vec(),
        })
        .collect();
    let mut rules: Vec<String> = experiment.tariffs.iter().map(|r| r.to_string()).collect();
    rules.extend(experiment.costs.iter().map(|r| r.to_string()));
    if experiment.autarky {
        rules.push("--autarky".into());
    }
    Ok(WhatIf {
        scenario: world.name.clone(),
        year,
        baseline_year: model.baseline_year,
        epsilon: base.epsilon,
        autarky: experiment.autarky,
        deficits_zeroed: experiment.autarky && base.deficit.iter().any(|&d| d != 0.0),
        rules,
        rows,
    })
}

impl WhatIf {
    /// The text `statecraft trade` prints: the experiment, then one line per
    /// state (fits 80 columns).
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: trade what-if (trade elasticity {})",
            self.scenario, self.epsilon
        );
        let _ = writeln!(s, "start point: the policies in force in {}", self.year);
        if self.rules.is_empty() {
            let _ = writeln!(s, "changes: none (the start point against itself)");
        } else {
            let mut line = String::from("changes:");
            for rule in &self.rules {
                if line.len() + 1 + rule.len() > 78 {
                    let _ = writeln!(s, "{line}");
                    line = String::from("        ");
                }
                line.push(' ');
                line.push_str(rule);
            }
            let _ = writeln!(s, "{line}");
        }
        if self.autarky {
            let _ = writeln!(
                s,
                "autarky: every international flow is prohibitive{}",
                if self.deficits_zeroed {
                    "; trade deficits are set to\n  zero in both the start point and the what-if (autarky cannot finance a\n  deficit), so the welfare change is the gains from trade alone"
                } else {
                    ""
                }
            );
        }
        let _ = writeln!(
            s,
            "\n  {:<6} {:>10} {:>13} {:>10}   domestic share %",
            "state", "welfare %", "real income", "price %"
        );
        let _ = writeln!(
            s,
            "  {:<6} {:>10} {:>13} {:>10}   {:>6}   {:>6}",
            "", "", "US$ bn", "", "before", "after"
        );
        for r in &self.rows {
            let _ = writeln!(
                s,
                "  {:<6} {:>10} {:>13.1} {:>10}   {:>6.2} → {:>6.2}",
                r.code,
                signed(r.welfare_change_percent, 3),
                r.real_income_musd / 1000.0,
                signed(r.price_change_percent, 3),
                100.0 * r.domestic_share_before,
                100.0 * r.domestic_share,
            );
        }
        let _ = writeln!(
            s,
            "\nwelfare: change in real spending E/P from the start point; real income in\n{} prices{}",
            self.baseline_year,
            if self.autarky {
                ""
            } else {
                "; trade deficits held at their baseline values"
            }
        );
        s
    }

    /// Write `trade.csv` and `trade_shares.csv` into `dir` (created if needed),
    /// atomically; refuse to replace either unless `force`.
    pub fn write(&self, dir: &Path, force: bool) -> Result<Vec<PathBuf>, OutputError> {
        let existing: Vec<PathBuf> = TRADE_FILES
            .iter()
            .flat_map(|f| [dir.join(f), dir.join(format!("{f}.partial"))])
            .filter(|p| p.exists())
            .collect();
        if !existing.is_empty() {
            if !force {
                return Err(OutputError::Exists(dir.to_path_buf()));
            }
            for p in existing {
                fs::remove_file(&p).map_err(|e| OutputError::io(&p, e))?;
            }
        }
        fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        let mut bufs: [String; 5] = Default::default();
        let mut states = CsvFile::create(
            dir,
            "trade.csv",
            &[
                "state",
                "welfare_change_percent",
                "real_income_musd",
                "price_change_percent",
                "wage_change_percent",
                "domestic_share",
            ],
        )?;
        for r in &self.rows {
            let [a, b, c, d, e] = &mut bufs;
            states.row([
                r.code.as_str(),
                number(a, r.welfare_change_percent)?,
                number(b, r.real_income_musd)?,
                number(c, r.price_change_percent)?,
                number(d, r.wage_change_percent)?,
                number(e, r.domestic_share)?,
            ])?;
        }
        let mut shares = CsvFile::create(
            dir,
            "trade_shares.csv",
            &["importer", "exporter", "share_before", "share_after"],
        )?;
        for r in &self.rows {
            for (x, exporter) in self.rows.iter().enumerate() {
                let [a, b, ..] = &mut bufs;
                shares.row([
                    r.code.as_str(),
                    exporter.code.as_str(),
                    number(a, r.shares_before[x])?,
                    number(b, r.shares[x])?,
                ])?;
            }
        }
        Ok(vec![states.finish()?, shares.finish()?])
    }
}

/// `x` with a sign and `digits` decimals; a value that rounds to zero is `0`.
fn signed(x: f64, digits: usize) -> String {
    let text = format!("{x:+.digits$}");
    if text[1..].chars().all(|c| c == '0' || c == '.') {
        format!("{:.digits$}", 0.0)
    } else {
        text
    }
}

fn codes(world: &World) -> String {
    world
        .states
        .iter()
        .map(|s| s.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_reject_nonsense() {
        let t: TariffRule = "KAZ:*=20".parse().unwrap();
        assert_eq!(t.0.importer, Side::State("KAZ".into()));
        assert_eq!(t.0.exporter, Side::All);
        assert_eq!(t.0.value, 20.0);
        assert_eq!(t.to_string(), "--tariff KAZ:*=20");
        assert_eq!("*:RUS=7.5%".parse::<TariffRule>().unwrap().0.value, 7.5);
        for bad in [
            "KAZ=20",
            "KAZ:*",
            ":RUS=1",
            "KAZ:*=x",
            "KAZ:*=-1",
            "KAZ:*=nan",
        ] {
            assert!(bad.parse::<TariffRule>().is_err(), "{bad}");
        }
        assert_eq!("KAZ:CHN=0.96".parse::<CostRule>().unwrap().0.value, 0.96);
        assert!("KAZ:CHN=inf".parse::<CostRule>().is_ok());
        for bad in ["KAZ:CHN=0", "KAZ:CHN=-0.5", "KAZ:CHN=nan", "KAZ:CHN=cheap"] {
            assert!(bad.parse::<CostRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn signed_never_shows_minus_zero() {
        assert_eq!(signed(-0.0001, 3), "0.000");
        assert_eq!(signed(0.0, 3), "0.000");
        assert_eq!(signed(1.23456, 3), "+1.235");
        assert_eq!(signed(-2.0, 1), "-2.0");
    }
}
