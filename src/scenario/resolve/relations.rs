//! How states stand toward each other and toward institutions, as matrices:
//! `[dependence.<CODE>.<CODE>]`, `[affinity.<CODE>]` and `[norms.<CODE>]`.
//!
//! Every table is directed and sparse: `[affinity.KAZ] RUS = 0.6` is how KAZ
//! sees RUS, not the reverse, and a pair left out is 0 (no dependence, a neutral
//! view, no internalised norm). A state's relation to itself is not a
//! parameter, so writing one is a mistake rather than something to ignore.

use super::{Resolver, Result, path};
use crate::doctrine::params::Range;
use crate::matrix::Matrix;
use crate::scenario::format::ScenarioFile;

/// Dependence by channel — transit, security, investment — as shares in [0, 1].
pub(super) fn dependence(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    n: usize,
) -> Result<[Matrix; 3]> {
    let mut dependence = [
        Matrix::new(n, n, 0.0),
        Matrix::new(n, n, 0.0),
        Matrix::new(n, n, 0.0),
    ];
    for (from, row) in &spec.dependence {
        let i = r.state_key(&path("dependence").key(from), from)?;
        for (to, d) in row {
            let at = path("dependence").key(from).key(to);
            let j = r.state_key(&at, to)?;
            if i == j {
                return r.err_key(&at, "a state cannot depend on itself");
            }
            for (k, (key, x)) in [
                ("transit", d.transit),
                ("security", d.security),
                ("investment", d.investment),
            ]
            .into_iter()
            .enumerate()
            {
                r.require(Range::Unit.admits(x), &at.key(key), x, "a share in [0, 1]")?;
                dependence[k].set(i, j, x);
            }
        }
    }
    Ok(dependence)
}

/// How each state sees each other, in [-1, 1].
pub(super) fn affinity(r: &Resolver<'_, '_>, spec: &ScenarioFile, n: usize) -> Result<Matrix> {
    let mut affinity = Matrix::new(n, n, 0.0);
    for (from, row) in &spec.affinity {
        let i = r.state_key(&path("affinity").key(from), from)?;
        for (to, &a) in row {
            let at = path("affinity").key(from).key(to);
            let j = r.state_key(&at, to)?;
            if i == j {
                return r.err_key(&at, "a state's affinity toward itself is not a parameter");
            }
            r.require(
                (-1.0..=1.0).contains(&a),
                &at,
                a,
                "an affinity in [-1, 1] (-1 enemy, 0 neutral, 1 friend)",
            )?;
            affinity.set(i, j, a);
        }
    }
    Ok(affinity)
}

/// Each state's initial internalised norm of each of the `k` institutions, in [0, 1].
pub(super) fn norms(
    r: &Resolver<'_, '_>,
    spec: &ScenarioFile,
    n: usize,
    k: usize,
) -> Result<Matrix> {
    let mut norms = Matrix::new(n, k, 0.0);
    for (code, row) in &spec.norms {
        let s = r.state_key(&path("norms").key(code), code)?;
        for (inst, &x) in row {
            let at = path("norms").key(code).key(inst);
            let i = r.institution_key(&at, inst)?;
            r.require(
                Range::Unit.admits(x),
                &at,
                x,
                "an internalised norm in [0, 1]",
            )?;
            norms.set(s, i, x);
        }
    }
    Ok(norms)
}
