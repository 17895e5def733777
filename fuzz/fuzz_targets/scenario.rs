//! The scenario loader on arbitrary bytes: it must return a world or an error,
//! never panic or hang. Bytes before the first NUL, if any, are `--set`
//! overrides, one per line, so the override paths are fuzzed too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    statecraft::scenario::fuzz::scenario(
        data,
        concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/fuzz.toml"),
    );
});
