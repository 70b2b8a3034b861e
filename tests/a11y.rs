//! An automated accessibility pass: axe-core (pinned in `tests/a11y/`,
//! installed by `.ci/run` with `npm ci`) runs in real headless Chromium from
//! `file://` on the home page, a band page, a lesson page and the search
//! page of the shipped curriculum. No serious or critical violation may
//! remain. Under CI a missing axe-core or Chromium fails the test.

mod common;
use common::*;
use scraper::{Html, Selector};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// axe-core as `npm ci` in `tests/a11y/` installs it.
fn axe() -> Option<PathBuf> {
    let p = repo().join("tests/a11y/node_modules/axe-core/axe.min.js");
    if p.is_file() {
        return Some(p);
    }
    assert!(
        !in_ci(),
        "axe-core is required for the accessibility pass: run `npm ci` in tests/a11y"
    );
    eprintln!("skipping: axe-core is not installed (npm ci in tests/a11y)");
    None
}

/// Copies `page` (relative to `site`) to a sibling that also loads axe and
/// the runner, opens it with `query`, and returns axe's violations.
fn violations(browser: &Path, site: &Path, page: &str, query: &str) -> Vec<Value> {
    let html = fs::read_to_string(site.join(page)).unwrap();
    let root = "../".repeat(page.matches('/').count());
    let extra = format!(
        "<script src=\"{root}axe.min.js\"></script><script src=\"{root}axe-run.js\"></script></body>"
    );
    assert!(html.contains("</body>"), "{page}: no </body>");
    let copy = page.replace(".html", ".axe.html");
    fs::write(site.join(&copy), html.replace("</body>", &extra)).unwrap();
    let (dom, _) = chromium_load(browser, &site.join(format!("{copy}{query}")));
    let doc = Html::parse_document(&dom);
    let sel = Selector::parse("#axe-result").unwrap();
    let text: String = doc
        .select(&sel)
        .next()
        .unwrap_or_else(|| panic!("{page}: axe did not report"))
        .text()
        .collect();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v.get("error").is_none(), "{page}: axe failed: {v}");
    v.as_array().unwrap().clone()
}

#[test]
fn no_serious_accessibility_violations_on_the_main_pages() {
    let Some(browser) = chromium() else { return };
    let Some(axe) = axe() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let (code, err) = build(&repo().join("curriculum"), &site);
    assert_eq!(code, 0, "{err}");
    fs::copy(&axe, site.join("axe.min.js")).unwrap();
    fs::copy(repo().join("tests/a11y/run.js"), site.join("axe-run.js")).unwrap();
    let lesson = fs::read_dir(site.join("lessons/junior-high"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html") && n.matches('.').count() == 1)
        .min()
        .expect("a junior-high lesson page");
    let lesson = format!("lessons/junior-high/{lesson}");
    let mut report = String::new();
    for (page, query) in [
        ("index.html", ""),
        ("bands/junior-high.html", ""),
        (lesson.as_str(), ""),
        ("search.html", "?q=%E6%83%85%E7%BB%AA"),
    ] {
        let found = violations(&browser, &site, page, query);
        for v in &found {
            eprintln!("{page}: {} ({}) {}", v["id"], v["impact"], v["help"]);
            if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
                report.push_str(&format!("{page}: {v:#}\n"));
            }
        }
    }
    assert!(
        report.is_empty(),
        "serious accessibility problems:\n{report}"
    );
}
