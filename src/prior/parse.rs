//! The text form of a prior, `name(number, …)` or `choice([number, …])`:
//! parsed with the column of any problem, written so that it parses back to
//! the same prior.

use super::{Fault, Kind, Prior, PriorError};
use std::fmt;
use std::str::FromStr;

/// A prior's text that does not parse, and where: `column` counts characters
/// from 1 at the start of the text (a caller reading the text from a file
/// adds the column the text starts at, minus 1).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("column {column}: {error}")]
pub struct ParsePriorError {
    pub column: usize,
    pub error: PriorError,
}

/// The distributions, what they take, and how many numbers.
const FAMILIES: [(&str, &str, &[usize]); 5] = [
    ("uniform", "2 numbers: uniform(lo, hi)", &[2]),
    ("loguniform", "2 numbers: loguniform(lo, hi)", &[2]),
    (
        "beta",
        "2 or 4 numbers: beta(a, b) or beta(a, b, lo, hi)",
        &[2, 4],
    ),
    ("normal", "4 numbers: normal(mu, sigma, lo, hi)", &[4]),
    ("choice", "a list of numbers: choice([v1, v2, ...])", &[]),
];

struct Cursor {
    chars: Vec<char>,
    at: usize,
}

impl Cursor {
    fn column(&self) -> usize {
        self.at + 1
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(c) => format!("`{c}`"),
            None => "the end of the text".into(),
        }
    }

    fn fail(&self, expected: &'static str) -> ParsePriorError {
        ParsePriorError {
            column: self.column(),
            error: PriorError::Syntax {
                expected,
                found: self.found(),
            },
        }
    }

    fn eat(&mut self, c: char, expected: &'static str) -> Result<(), ParsePriorError> {
        self.skip_space();
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.fail(expected))
        }
    }

    fn word(&mut self) -> String {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    /// Numbers separated by commas up to `close`; each with its column.
    fn numbers(&mut self, close: char) -> Result<Vec<(f64, usize)>, ParsePriorError> {
        let mut out = Vec::new();
        self.skip_space();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(out);
        }
        loop {
            self.skip_space();
            let column = self.column();
            let start = self.at;
            while self
                .peek()
                .is_some_and(|c| !c.is_whitespace() && !matches!(c, ',' | ')' | ']' | '(' | '['))
            {
                self.at += 1;
            }
            let text: String = self.chars[start..self.at].iter().collect();
            if text.is_empty() {
                return Err(self.fail("a number"));
            }
            let x = text.parse::<f64>().map_err(|_| ParsePriorError {
                column,
                error: PriorError::NotANumber(text.clone()),
            })?;
            out.push((x, column));
            self.skip_space();
            match self.peek() {
                Some(',') => self.at += 1,
                Some(c) if c == close => {
                    self.at += 1;
                    return Ok(out);
                }
                _ => {
                    return Err(self.fail(if close == ')' {
                        "`,` or `)`"
                    } else {
                        "`,` or `]`"
                    }));
                }
            }
        }
    }
}

impl FromStr for Prior {
    type Err = ParsePriorError;

    /// `uniform(0.1, 0.9)`, `loguniform(1e-3, 10)`, `beta(2, 5)`,
    /// `beta(2, 5, 0.1, 0.9)`, `normal(0.5, 0.1, 0, 1)`, `choice([1, 2, 4])`;
    /// spaces are free, names are lower case.
    fn from_str(s: &str) -> Result<Prior, ParsePriorError> {
        let mut cur = Cursor {
            chars: s.chars().collect(),
            at: 0,
        };
        cur.skip_space();
        let name_column = cur.column();
        let name = cur.word();
        if name.is_empty() {
            return Err(cur.fail("a distribution such as uniform(0, 1)"));
        }
        let Some(&(family, usage, arities)) = FAMILIES.iter().find(|f| f.0 == name) else {
            return Err(ParsePriorError {
                column: name_column,
                error: PriorError::UnknownDistribution(name),
            });
        };
        cur.eat('(', "`(` after the distribution's name")?;
        let list_column = cur.column();
        let numbers = if family == "choice" {
            cur.eat(
                '[',
                "`[`: choice lists its values in brackets, e.g. choice([1, 2, 4])",
            )?;
            let numbers = cur.numbers(']')?;
            cur.eat(')', "`)` after the list")?;
            numbers
        } else {
            cur.numbers(')')?
        };
        let close_column = cur.at;
        cur.skip_space();
        if cur.peek().is_some() {
            return Err(cur.fail("the end of the prior"));
        }
        let args: Vec<f64> = numbers.iter().map(|n| n.0).collect();
        if !arities.is_empty() && !arities.contains(&args.len()) {
            let largest = arities[arities.len() - 1];
            return Err(ParsePriorError {
                column: numbers.get(largest).map_or(close_column, |n| n.1),
                error: PriorError::Arity {
                    name: family,
                    usage,
                    got: args.len(),
                },
            });
        }
        let built: Result<Prior, Fault> = match (family, args.as_slice()) {
            ("uniform", &[lo, hi]) => Prior::checked_uniform(lo, hi),
            ("loguniform", &[lo, hi]) => Prior::checked_loguniform(lo, hi),
            ("beta", &[a, b]) => Prior::checked_beta(a, b, 0.0, 1.0),
            ("beta", &[a, b, lo, hi]) => Prior::checked_beta(a, b, lo, hi),
            ("normal", &[mu, sigma, lo, hi]) => Prior::checked_normal(mu, sigma, lo, hi),
            _ => Prior::checked_choice(&args),
        };
        built.map_err(|(error, arg)| ParsePriorError {
            column: numbers.get(arg).map_or(list_column, |n| n.1),
            error,
        })
    }
}

/// A number as it parses back exactly: Rust's shortest round-trip form,
/// in exponent notation when very small or large.
fn number(x: f64) -> String {
    if x != 0.0 && !(1e-4..1e16).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

impl fmt::Display for Prior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |xs: &[f64]| xs.iter().map(|&x| number(x)).collect::<Vec<_>>().join(", ");
        match &self.0 {
            Kind::Uniform { lo, hi } => write!(f, "uniform({})", list(&[*lo, *hi])),
            Kind::LogUniform { lo, hi } => write!(f, "loguniform({})", list(&[*lo, *hi])),
            Kind::Beta { a, b, lo, hi } if *lo == 0.0 && *hi == 1.0 => {
                write!(f, "beta({})", list(&[*a, *b]))
            }
            Kind::Beta { a, b, lo, hi } => write!(f, "beta({})", list(&[*a, *b, *lo, *hi])),
            Kind::Normal { mu, sigma, lo, hi } => {
                write!(f, "normal({})", list(&[*mu, *sigma, *lo, *hi]))
            }
            Kind::Choice(v) => write!(f, "choice([{}])", list(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(s: &str) -> (usize, String) {
        let e = s.parse::<Prior>().unwrap_err();
        (e.column, e.error.to_string())
    }

    #[test]
    fn every_form_parses_and_round_trips_through_display() {
        for (text, written) in [
            ("uniform(0.1, 0.9)", "uniform(0.1, 0.9)"),
            ("  uniform( -2 ,3 ) ", "uniform(-2, 3)"),
            ("loguniform(1e-3, 10)", "loguniform(0.001, 10)"),
            ("loguniform(1e-7, 1e20)", "loguniform(1e-7, 1e20)"),
            ("beta(2, 5)", "beta(2, 5)"),
            ("beta(2, 5, 0, 1)", "beta(2, 5)"),
            ("beta(2, 5, 0.1, 0.9)", "beta(2, 5, 0.1, 0.9)"),
            ("normal(0.5, 0.1, 0, 1)", "normal(0.5, 0.1, 0, 1)"),
            ("choice([1, 2, 4])", "choice([1, 2, 4])"),
            ("choice([4, 0.5, -1])", "choice([-1, 0.5, 4])"),
            ("choice([7])", "choice([7])"),
            (
                "uniform(0.30000000000000004, 1)",
                "uniform(0.30000000000000004, 1)",
            ),
        ] {
            let prior: Prior = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(prior.to_string(), written, "{text}");
            assert_eq!(written.parse::<Prior>().unwrap(), prior, "{written}");
        }
    }

    #[test]
    fn bad_text_says_what_is_wrong_what_would_be_valid_and_where() {
        for (text, column, message) in [
            (
                "gauss(0, 1)",
                1,
                "unknown distribution `gauss`; expected uniform, loguniform, beta, normal or choice",
            ),
            (
                "",
                1,
                "expected a distribution such as uniform(0, 1), found the end of the text",
            ),
            (
                "uniform 0, 1",
                9,
                "expected `(` after the distribution's name, found `0`",
            ),
            ("uniform(0, x1)", 12, "`x1` is not a number"),
            ("uniform(0 1)", 11, "expected `,` or `)`, found `1`"),
            ("uniform(0, )", 12, "expected a number, found `)`"),
            (
                "uniform(0, 1",
                13,
                "expected `,` or `)`, found the end of the text",
            ),
            (
                "uniform(0, 1) x",
                15,
                "expected the end of the prior, found `x`",
            ),
            (
                "uniform(1)",
                10,
                "uniform takes 2 numbers: uniform(lo, hi), got 1 number",
            ),
            (
                "uniform(1, 2, 3)",
                15,
                "uniform takes 2 numbers: uniform(lo, hi), got 3 numbers",
            ),
            (
                "beta(1, 2, 3)",
                13,
                "beta takes 2 or 4 numbers: beta(a, b) or beta(a, b, lo, hi), got 3 numbers",
            ),
            (
                "uniform(0.9, 0.1)",
                14,
                "lo < hi required, got lo = 0.9, hi = 0.1",
            ),
            ("uniform(1, 1)", 12, "lo < hi required, got lo = 1, hi = 1"),
            (
                "loguniform(0, 10)",
                12,
                "log-uniform bounds must be > 0, got 0",
            ),
            (
                "loguniform(-1, 10)",
                12,
                "log-uniform bounds must be > 0, got -1",
            ),
            (
                "loguniform(10, 1)",
                16,
                "lo < hi required, got lo = 10, hi = 1",
            ),
            (
                "beta(2, -5)",
                9,
                "beta shape parameters must be > 0, got -5",
            ),
            (
                "beta(2, 5, 1, 0)",
                15,
                "lo < hi required, got lo = 1, hi = 0",
            ),
            ("normal(0.5, 0, 0, 1)", 13, "normal needs sigma > 0, got 0"),
            (
                "normal(0.5, 0.1)",
                16,
                "normal takes 4 numbers: normal(mu, sigma, lo, hi), got 2 numbers",
            ),
            (
                "normal(0, 1, 40, 41)",
                14,
                "normal(0, 1, 40, 41) puts no representable probability in its range; \
                 the range must lie within about 37 sigma of mu",
            ),
            (
                "uniform(0, inf)",
                12,
                "inf is not finite; every parameter of a prior must be a finite number",
            ),
            (
                "choice([])",
                8,
                "empty choice; list at least one value, e.g. choice([1, 2, 4])",
            ),
            (
                "choice(1, 2)",
                8,
                "expected `[`: choice lists its values in brackets, e.g. choice([1, 2, 4]), found `1`",
            ),
            (
                "choice([1, 2, 1])",
                15,
                "choice values must be distinct; 1 is listed twice",
            ),
            ("choice([1, 2)", 13, "expected `,` or `]`, found `)`"),
        ] {
            assert_eq!(
                error(text),
                (column, message.to_string()),
                "parsing `{text}`"
            );
        }
        let e = "uniform(0.9, 0.1)".parse::<Prior>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "column 14: lo < hi required, got lo = 0.9, hi = 0.1"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // "é" is two bytes but one column.
        assert_eq!(error("uniform(é, 1)").0, 9);
    }
}
