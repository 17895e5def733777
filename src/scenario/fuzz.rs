//! The entry points of the fuzzing targets (`fuzz/`, run with `cargo fuzz`)
//! and of the test that replays their committed corpus in the normal suite
//! (`tests/fuzz_corpus.rs`): each takes arbitrary bytes and must return,
//! whatever they are — never panic, never hang.

use super::{Override, data, load_bytes};
use crate::matrix::Matrix;
use crate::trade::{Baseline, Shock, Solver};

/// Load `bytes` as a scenario file named `file` (its data files are found
/// beside it). Bytes before the first NUL, if any, are `--set` overrides, one
/// `PATH=VALUE` per line, so that the override paths are fuzzed too.
pub fn scenario(bytes: &[u8], file: &str) {
    let (overrides, text) = match bytes.iter().position(|&b| b == 0) {
        Some(nul) => (&bytes[..nul], &bytes[nul + 1..]),
        None => (&[][..], bytes),
    };
    let overrides: Vec<Override> = String::from_utf8_lossy(overrides)
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect();
    let _ = load_bytes(text, file, &overrides);
}

/// Read `bytes` as the trade-flows CSV of three states `AAA`, `BBB`, `CCC`;
/// flows that parse are calibrated (GDP 10⁴ US$ million each) and solved for
/// the baseline and for autarky, so that whatever the reader accepts is fed
/// to the solver.
pub fn flows(bytes: &[u8]) {
    let codes: Vec<String> = ["AAA", "BBB", "CCC"].map(String::from).to_vec();
    let Ok(flows) = data::parse_flows(bytes, "flows.csv", &codes) else {
        return;
    };
    let tariff = Matrix::new(3, 3, 0.0);
    let Ok(base) = Baseline::calibrate(&[1e4; 3], &flows, &tariff, 5.0) else {
        return;
    };
    let mut solver = Solver::new(3);
    let mut prohibitive = Matrix::new(3, 3, f64::INFINITY);
    for i in 0..3 {
        prohibitive.set(i, i, 1.0);
    }
    let zero = [0.0; 3];
    for (cost, deficit) in [
        (&Matrix::new(3, 3, 1.0), &base.deficit[..]),
        (&prohibitive, &zero[..]),
    ] {
        let shock = Shock {
            tariff: &tariff,
            cost,
            deficit,
            endowment: None,
        };
        if let Ok(s) = solver.solve(&base, &shock, None) {
            assert!(s.welfare.iter().all(|w| w.is_finite()));
        }
    }
}
