//! An automated accessibility pass: axe-core (pinned in `tests/a11y/`,
//! installed by `.ci/run` with `npm ci`) runs in real headless Chromium from
//! `file://` on the home, band, lesson, search (with a query and a filter),
//! meeting, handout, calendar, downloads and print pages of the shipped
//! curriculum and on a pack's index. No serious or critical violation may
//! remain. The browser tests are ignored by plain `cargo test`; `.ci/run`
//! runs them with `--include-ignored`, and a missing axe-core or Chromium
//! fails them.

use crate::common::*;
use scraper::{Html, Selector};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// axe-core as `npm ci` in `tests/a11y/` installs it; fails the test when
/// it is not installed.
fn axe() -> PathBuf {
    let p = repo().join("tests/a11y/node_modules/axe-core/axe.min.js");
    assert!(
        p.is_file(),
        "axe-core is required for the accessibility pass: run `npm ci` in tests/a11y"
    );
    p
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
#[ignore = "needs Chromium and axe-core (npm ci in tests/a11y): run by .ci/run with --include-ignored"]
fn no_serious_accessibility_violations_on_the_main_pages() {
    let browser = chromium();
    let axe = axe();
    // axe's two scripts go into the site: a copy of the shared build.
    let dir = shared_curriculum().site();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(dir, &site);
    fs::copy(&axe, site.join("axe.min.js")).unwrap();
    fs::copy(repo().join("tests/a11y/run.js"), site.join("axe-run.js")).unwrap();
    let lesson = fs::read_dir(site.join("lessons/junior-high"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html") && n.matches('.').count() == 1)
        .min()
        .expect("a junior-high lesson page");
    let first = |dir: &str| {
        fs::read_dir(site.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".html") && n.matches('.').count() == 1)
            .min()
            .map(|n| format!("{dir}/{n}"))
            .unwrap()
    };
    let lesson = format!("lessons/junior-high/{lesson}");
    let print = lesson.replace(".html", ".print.html");
    let (meeting, handout) = (first("meetings"), first("parents"));
    // A pack opens from its own folder: check its index too.
    let pack = site.join("pack");
    let zip = fs::read_dir(site.join("packs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    unzip(&zip, &pack);
    let mut report = String::new();
    for (page, query) in [
        ("index.html", ""),
        ("bands/junior-high.html", ""),
        (lesson.as_str(), ""),
        ("search.html", "?q=%E6%83%85%E7%BB%AA&band=junior-high"),
        (meeting.as_str(), ""),
        (handout.as_str(), ""),
        ("calendars/2026-autumn.html", ""),
        ("downloads.html", ""),
        (print.as_str(), ""),
        ("pack/index.html", ""),
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

/// Loads `page` in a frame of the given width (a headless window cannot
/// be narrower than 500 px) with a script that reports how wide the
/// document is; returns (document width, viewport width).
fn widths(browser: &Path, site: &Path, page: &str, width: u32) -> (u32, u32) {
    let html = fs::read_to_string(site.join(page)).unwrap();
    let copy = page.replace(".html", &format!(".w{width}.html"));
    let probe = "<script>window.addEventListener('load',function(){setTimeout(function(){\
        parent.document.getElementById('widths').textContent=\
        document.documentElement.scrollWidth+' '+window.innerWidth;},100);});</script></body>";
    fs::write(site.join(&copy), html.replace("</body>", probe)).unwrap();
    let frame = site.join(format!("frame-{width}.html"));
    fs::write(
        &frame,
        format!(
            "<!DOCTYPE html><html><body style=margin:0><pre id=widths></pre>\
             <iframe src=\"{copy}\" style=\"width:{width}px;height:900px;border:0\"></iframe></body></html>"
        ),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            // The frame reports to its parent: both are file:// pages.
            "--allow-file-access-from-files",
            "--window-size=1920,1000",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", frame.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let doc = Html::parse_document(&dom);
    let text: String = doc
        .select(&Selector::parse("#widths").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    let mut it = text.split(' ').map(|n| {
        n.parse()
            .unwrap_or_else(|_| panic!("{page}: no width report: {text:?}"))
    });
    let (doc_w, win_w) = (it.next().unwrap(), it.next().unwrap());
    assert_eq!(win_w, width, "{page}: the frame is not {width}px wide");
    (doc_w, win_w)
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn pages_fit_a_phone_and_a_projector_and_keyboard_focus_shows() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    assert_eq!(build(&fixture("base"), &site).0, 0);
    for page in [
        "index.html",
        "bands/junior-high.html",
        "lessons/junior-high/01-emotion-weather.html",
        "search.html",
        "calendars/2026-autumn.html",
    ] {
        for width in [320, 1920] {
            let (doc, win) = widths(&browser, &site, page, width);
            assert!(
                doc <= win,
                "{page} at {width}px: {doc}px wide, scrolls sideways"
            );
        }
    }
    // Focus is visible, and no positive tabindex reorders the keyboard path.
    let css = fs::read_to_string(site.join("static/style.css")).unwrap();
    assert!(
        css.contains(":focus-visible { outline: 3px solid"),
        "focus style"
    );
    for (rel, bytes) in snapshot_tree(&site) {
        if rel.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            let doc = Html::parse_document(&html);
            let sel = Selector::parse("[tabindex]").unwrap();
            for el in doc.select(&sel) {
                let t: i32 = el.value().attr("tabindex").unwrap().parse().unwrap();
                assert!(t <= 0, "{rel}: tabindex {t}");
            }
        }
    }
}
