//! Replays every committed fuzz input (`fuzz/corpus/<target>/`) and every
//! crash the fuzzers found (`tests/fixtures/fuzz-crashes/<target>/`)
//! through the same code the fuzz targets run, so each stays fixed in the
//! normal `cargo test`. See HARDENING.md.

#[path = "../../fuzz/harness.rs"]
mod harness;

use crate::common;
use std::fs;

fn replay(target: &str, run: fn(&[u8])) {
    let mut n = 0;
    for dir in [
        common::repo().join("fuzz/corpus").join(target),
        common::fixture("fuzz-crashes").join(target),
    ] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let data = fs::read(&f).unwrap();
            let ok = std::panic::catch_unwind(|| run(&data));
            assert!(ok.is_ok(), "{target}: {} panicked", f.display());
            n += 1;
        }
    }
    assert!(n > 0, "{target}: no corpus");
}

#[test]
fn frontmatter_corpus() {
    replay("frontmatter", harness::frontmatter);
}

#[test]
fn lesson_corpus() {
    replay("lesson", harness::lesson);
}

#[test]
fn calendar_corpus() {
    replay("calendar", harness::calendar);
}

#[test]
fn search_corpus() {
    replay("search", harness::search);
}

#[test]
fn settings_corpus() {
    replay("settings", harness::settings);
}

#[test]
fn html_corpus() {
    replay("html", harness::html);
}

#[test]
fn ics_corpus() {
    replay("ics", harness::ics);
}

#[test]
fn pack_corpus() {
    replay("pack", harness::pack);
}

#[test]
fn serve_path_corpus() {
    replay("serve_path", harness::serve_path);
}

#[test]
fn project_corpus() {
    replay("project", harness::project);
}
