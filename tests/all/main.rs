//! Every integration test, in one test binary: one link of the library and
//! the dev-dependencies instead of one per file, and one process, so tests
//! share what they only read (`common::shared_*`). Each module was a file
//! of its own in `tests/`; run one with `cargo test --test all site::`.

mod common;

mod a11y;
mod bad_input;
mod check;
mod classroom;
mod curriculum;
mod fuzz_corpus;
mod hardening;
mod nav;
mod new;
mod now;
mod packs;
mod print;
mod properties;
mod search;
mod serve;
mod site;
mod tidy;
