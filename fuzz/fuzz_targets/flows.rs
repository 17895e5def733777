//! The trade-flows CSV reader on arbitrary bytes: it must return a matrix or
//! an error, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    statecraft::scenario::fuzz::flows(data);
});
