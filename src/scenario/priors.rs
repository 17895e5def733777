//! A scenario's `[priors]`: which of its numbers are uncertain, and how
//! (docs/model.md §8, "Parameter uncertainty").
//!
//! Each entry maps a dotted field path — the same paths as `--set` — to a
//! prior written as text (`uniform(0.5, 0.95)`, see [`crate::prior`]). A prior
//! is checked where it is written: the text must parse (the caret goes under
//! the character at fault), the path must name a field the scenario has, the
//! value the file gives that field (its default) must lie in the prior's
//! support, a choice of whole numbers is written as whole numbers, and the
//! scenario must still be valid with every prior at the lower end of its
//! support and again with every prior at the upper end (so no draw can make
//! a run's scenario invalid because one bound is out of a field's range).
//! A drawn value is written into the scenario exactly as `--set` writes one,
//! so it goes through every check a value in the file goes through.

use super::error::{Origin, locate};
use super::{Context, FieldPath, Override, ScenarioError, Seg, undeclared};
use crate::prior::Prior;
use crate::world::Uncertain;
use toml::de::{DeTable, DeValue};

/// The `--set` override that gives the uncertain parameter `u` the value `x`.
pub fn set(u: &Uncertain, x: f64) -> Override {
    let value = if u.whole {
        format!("{}", x as i64)
    } else {
        format!("{x:?}")
    };
    Override {
        path: u.path.clone(),
        value,
    }
}

/// Read and check the `[priors]` table of `root` (with overrides applied);
/// Bounds are checked by the caller with [`bounds`].
/// `file` is the same tree before the command line's overrides, whose values
/// are the scenario's own.
pub(crate) fn read(
    root: &DeTable<'_>,
    file: &DeTable<'_>,
    ctx: &Context<'_>,
) -> Result<Vec<Uncertain>, ScenarioError> {
    let Some(table) = root.get("priors") else {
        return Ok(Vec::new());
    };
    let at = |field: String, span: std::ops::Range<usize>, message: String| ScenarioError {
        file: ctx.file.into(),
        origin: locate(ctx.text, span),
        field,
        message,
    };
    let DeValue::Table(entries) = table.get_ref() else {
        return Err(at(
            "priors".into(),
            table.span(),
            "`priors` must be a table of \"dotted.path\" = \"distribution(...)\" entries".into(),
        ));
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let path_text = key.get_ref().to_string();
        let field = format!("priors.\"{path_text}\"");
        let DeValue::String(text) = value.get_ref() else {
            return Err(at(
                field,
                value.span(),
                format!(
                    "a prior is written as a string, e.g. \"{path_text}\" = \"uniform(0.5, 0.95)\""
                ),
            ));
        };
        let prior: Prior = text.parse().map_err(|e: crate::prior::ParsePriorError| {
            // The text starts one character after the opening quote.
            let start = value.span().start + 1;
            let offset: usize = text.chars().take(e.column - 1).map(char::len_utf8).sum();
            let mut err = at(
                field.clone(),
                start + offset..start + offset + 1,
                format!("{}; valid priors are uniform(lo, hi), loguniform(lo, hi), beta(a, b[, lo, hi]), normal(mu, sigma, lo, hi), choice([v, ...])", e.error),
            );
            if let Origin::File { width, .. } = &mut err.origin {
                *width = (*width).max(1);
            }
            err
        })?;
        let path = FieldPath::parse(&path_text);
        let key_error = |message: String| at(field.clone(), key.span(), message);
        if path.0.first() == Some(&Seg::Key("priors".into())) {
            return Err(key_error("a prior cannot be uncertain itself".into()));
        }
        if let Some((_, message)) = undeclared(root, &path.0) {
            return Err(key_error(message));
        }
        let existing = value_at(file, &path.0);
        let default = match existing.map(|v| v.get_ref()) {
            None => None,
            Some(DeValue::Float(x)) => x.as_str().parse::<f64>().ok(),
            Some(DeValue::Integer(i)) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|i| i as f64),
            Some(other) => {
                return Err(key_error(format!(
                    "`{path_text}` is {} in the scenario; a prior can only make a number uncertain",
                    other.type_str()
                )));
            }
        };
        if let Some(x) = default
            && !prior.contains(x)
        {
            let (lo, hi) = prior.support();
            return Err(at(
                field,
                value.span(),
                format!(
                    "the scenario's value of `{path_text}`, {x}, lies outside the prior's range [{lo}, {hi}]; a prior must include the value the scenario uses"
                ),
            ));
        }
        let whole = prior.is_whole_choice();
        out.push(Uncertain {
            path: path_text,
            prior,
            default,
            // A choice of whole numbers is written as whole numbers, which
            // whole-number fields (years, counts) require and number fields
            // accept; any other prior draws fractions, which a whole-number
            // field refuses at the bounds check, with its own message.
            whole,
            span: value.span(),
        });
    }
    Ok(out)
}

/// The overrides that put every prior at the lower (`upper` = false) or upper
/// end of its support.
pub(crate) fn bounds(priors: &[Uncertain], upper: bool) -> Vec<Override> {
    priors
        .iter()
        .map(|u| {
            let (lo, hi) = u.prior.support();
            set(u, if upper { hi } else { lo })
        })
        .collect()
}

/// The value at exactly `path`, if the scenario writes one.
fn value_at<'a, 'i>(root: &'a DeTable<'i>, path: &[Seg]) -> Option<&'a toml::Spanned<DeValue<'i>>> {
    let (first, rest) = path.split_first()?;
    let Seg::Key(k) = first else { return None };
    let mut value = root.get(k.as_str())?;
    for seg in rest {
        value = match (seg, value.get_ref()) {
            (Seg::Key(k), DeValue::Table(t)) => t.get(k.as_str())?,
            (Seg::Index(i), DeValue::Table(t)) => t.get(i.to_string().as_str())?,
            (Seg::Index(i), DeValue::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The error of a scenario that is invalid with every prior at one end of
/// its support: blamed on the prior of the field at fault if there is one
/// (the caret under that prior), else on the field itself, naming the bound.
pub(crate) fn at_bound(
    text: &str,
    file: &str,
    priors: &[Uncertain],
    upper: bool,
    e: ScenarioError,
) -> ScenarioError {
    let end = if upper { "upper" } else { "lower" };
    let blamed = priors.iter().find(|u| {
        let p = FieldPath::parse(&u.path).to_string();
        e.field == p || e.field.starts_with(&format!("{p}.")) || p.starts_with(&e.field)
    });
    match blamed {
        Some(u) => {
            let (lo, hi) = u.prior.support();
            let message = if e.message.starts_with("unknown key") {
                format!(
                    "`{}` is not a field of the scenario: {}; a prior takes the same paths as --set",
                    u.path, e.message
                )
            } else {
                format!(
                    "at the {end} end of its prior ({}) the scenario is invalid: {}; narrow the prior to values the field accepts",
                    if upper { hi } else { lo },
                    e.message
                )
            };
            ScenarioError {
                file: file.into(),
                origin: locate(text, u.span.clone()),
                field: format!("priors.\"{}\"", u.path),
                message,
            }
        }
        None => ScenarioError {
            message: format!(
                "with every prior at the {end} end of its range the scenario is invalid: {}; narrow the priors",
                e.message
            ),
            ..e
        },
    }
}
