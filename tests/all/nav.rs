//! The band sidebar on lesson pages: one `nav/<band>.js` per band fills it
//! in the browser, so a page carries only a link to its band and its
//! neighbours, and the output grows linearly with the number of lessons.

use crate::common::*;
use scraper::{Html, Selector};
use std::fs;
use std::path::Path;

const PAGE: &str = "lessons/junior-high/02-pause.html";

/// Adds `n` spring lessons to the junior-high band of the project at `p`.
fn add_lessons(p: &Path, n: u32) {
    let text = fs::read_to_string(p.join("lessons/junior-high/02-pause.md")).unwrap();
    for i in 1..=n {
        let lesson = text
            .replace("title: 按下暂停键", &format!("title: 练习课{i}"))
            .replace("term: autumn", "term: spring")
            .replace("order: 2", &format!("order: {i}"));
        fs::write(p.join(format!("lessons/junior-high/s{i:03}.md")), lesson).unwrap();
    }
}

fn sidebar_links(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(".sidebar a").unwrap();
    doc.select(&sel)
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect()
}

#[test]
fn lesson_pages_link_only_their_neighbours_and_stay_the_same_size() {
    let small = shared_base().site();
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big");
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    add_lessons(&p, 60);
    let (code, err) = build(&p, &big);
    assert_eq!(code, 0, "{err}");
    let a = fs::read_to_string(small.join(PAGE)).unwrap();
    let b = fs::read_to_string(big.join(PAGE)).unwrap();
    // Without JavaScript: the band page and the previous lesson (the last of
    // its term has no next), whatever the band's size.
    assert_eq!(
        sidebar_links(&b),
        [
            "../../bands/junior-high.html",
            "../../lessons/junior-high/01-emotion-weather.html"
        ]
    );
    assert!(b.contains("src=\"../../nav/junior-high.js\""), "{b}");
    assert_eq!(a.len(), b.len(), "a lesson page grew with its band");
    // The band's list lives once, in its nav file.
    let nav = fs::read_to_string(big.join("nav/junior-high.js")).unwrap();
    assert!(nav.starts_with("window.XINYU_NAV="));
    assert_eq!(nav.matches(".html").count(), 62);
    assert!(
        !big.join("nav/senior-high.js").exists(),
        "no lessons, no nav file"
    );
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn the_sidebar_lists_the_band_in_the_browser_and_marks_the_current_lesson() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    add_lessons(&p, 3);
    let out = tmp.path().join("site");
    let (code, err) = build(&p, &out);
    assert_eq!(code, 0, "{err}");
    let (dom, requested) = chromium_load(&browser, &out.join(PAGE));
    for r in &requested {
        assert!(r.is_file(), "requested a missing file {}", r.display());
    }
    let doc = Html::parse_document(&dom);
    let sel = Selector::parse("#sidebar-list a").unwrap();
    let items: Vec<(String, String, bool)> = doc
        .select(&sel)
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
                a.value().attr("aria-current") == Some("page"),
            )
        })
        .collect();
    let want = [
        ("第1课 情绪气象站", "01-emotion-weather.html", false),
        ("第2课 按下暂停键", "02-pause.html", true),
        ("第1课 练习课1", "s001.html", false),
        ("第2课 练习课2", "s002.html", false),
        ("第3课 练习课3", "s003.html", false),
    ];
    assert_eq!(items.len(), want.len(), "{items:?}");
    for ((t, h, c), (wt, wh, wc)) in items.iter().zip(want) {
        assert_eq!((t.as_str(), c), (wt, &wc));
        assert_eq!(h, &format!("../../lessons/junior-high/{wh}"));
    }
    let terms: Vec<String> = doc
        .select(&Selector::parse(".sidebar h3").unwrap())
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(terms, ["秋季学期", "春季学期"]);
    // Every sidebar link leads to a real page.
    for (_, h, _) in &items {
        assert!(out.join("lessons/junior-high").join(h).is_file(), "{h}");
    }
}

#[test]
fn packs_have_no_sidebar_and_print_hides_it() {
    let out = shared_base().site();
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    unzip(&out.join("packs/2026-autumn-s01.zip"), &pack);
    let page = fs::read_to_string(pack.join("lessons/junior-high.html")).unwrap();
    assert!(!page.contains("class=\"sidebar\"") && !pack.join("nav").exists());
    let css = fs::read_to_string(out.join("static/print.css")).unwrap();
    assert!(css.contains(".sidebar { display: none; }"));
    let css = fs::read_to_string(out.join("static/style.css")).unwrap();
    let print = css.split("@media print").nth(1).unwrap();
    assert!(print.contains(".sidebar"), "style.css prints the sidebar");
}
