//! Fuzz target `serve_path`: see `harness::serve_path`.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::serve_path(data));
