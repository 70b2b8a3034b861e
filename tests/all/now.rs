//! "What to teach now" on the home page and a pack's index, and the page
//! frame around it: one search box, a header that holds, the slot table
//! with its print links once per slot.

use crate::common::*;
use scraper::{ElementRef, Html, Selector};
use std::fs;
use std::path::Path;

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect()
}

/// The base fixture's pack of slot 1 for the whole school, unzipped.
fn unzip_first_pack(site: &Path, dir: &Path) {
    let zip = fs::read_dir(site.join("packs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".zip"))
        .min()
        .unwrap();
    unzip(&zip, dir);
}

#[test]
fn the_home_page_carries_every_slot_and_a_plain_link_to_the_calendars() {
    let out = shared_base().site();
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let now = doc
        .select(&sel("section#now"))
        .next()
        .expect("a now section");
    assert_eq!(text(now.select(&sel("h2")).next().unwrap()), "本周该上什么");
    // Every slot, with its dates for the script, hidden until it picks one.
    let slots: Vec<_> = now.select(&sel(".now-slot")).collect();
    let dates: Vec<(&str, &str)> = slots
        .iter()
        .map(|s| {
            let v = s.value();
            assert!(v.attr("hidden").is_some(), "a slot shows without JS");
            (v.attr("data-start").unwrap(), v.attr("data-end").unwrap())
        })
        .collect();
    assert_eq!(
        dates,
        [("2026-08-31", "2026-09-13"), ("2026-09-21", "2026-10-04")]
    );
    // Per band, the lessons, linked relative to the home page.
    let first = text(slots[0]);
    assert!(
        first.contains("初中") && first.contains("情绪气象站"),
        "{first}"
    );
    let links: Vec<&str> = slots[0]
        .select(&sel("a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert!(links.contains(&"lessons/junior-high/01-emotion-weather.html"));
    for l in &links {
        assert!(out.join(l).is_file(), "{l}");
    }
    // Without JS: the calendars, plainly linked; the script is a local file.
    let cals: Vec<&str> = now
        .select(&sel(".now-calendars a"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(cals, ["calendars/2026-autumn.html"]);
    assert!(html.contains("<script src=\"static/now.js\"></script>"));
    assert!(out.join("static/now.js").is_file());
    // The messages carry no build date: the script fills in today.
    let msg = now.value().attr("data-current").unwrap();
    assert!(msg.contains("{}"), "{msg}");
}

#[test]
fn a_pack_index_is_its_own_slot_and_the_frame_has_one_search_box() {
    let out = shared_base().site();
    let tmp = tempfile::tempdir().unwrap();
    let pack = tmp.path().join("pack");
    unzip_first_pack(out, &pack);
    let html = fs::read_to_string(pack.join("index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let now = doc.select(&sel("#now[data-fixed]")).next().expect("now");
    let span = now.select(&sel("[data-start]")).next().unwrap().value();
    assert_eq!(
        (span.attr("data-start"), span.attr("data-end")),
        (Some("2026-08-31"), Some("2026-09-13"))
    );
    assert!(pack.join("static/now.js").is_file());
    // One search box per page, the search page included.
    for page in [
        out.join("index.html"),
        out.join("search.html"),
        out.join("calendars/2026-autumn.html"),
        pack.join("search.html"),
    ] {
        let doc = Html::parse_document(&fs::read_to_string(&page).unwrap());
        let boxes = doc.select(&sel("input[type=search]")).count();
        assert_eq!(boxes, 1, "{}", page.display());
    }
}

#[test]
fn the_slot_table_names_print_pages_once_per_slot_and_each_band_in_its_cell() {
    let out = shared_base().site();
    let html = fs::read_to_string(out.join("calendars/2026-autumn.html")).unwrap();
    let doc = Html::parse_document(&html);
    let groups: Vec<_> = doc.select(&sel("table.slots tbody")).collect();
    assert_eq!(groups.len(), 2);
    for g in &groups {
        let prints: Vec<_> = g.select(&sel(".slot-print")).collect();
        assert_eq!(prints.len(), 1, "{}", text(*g));
        let p = text(prints[0]);
        assert_eq!(p.matches("打印本期全部材料").count(), 1, "{p}");
        for a in prints[0].select(&sel("a")) {
            let href = a.value().attr("href").unwrap();
            assert!(out.join("calendars").join(href).is_file(), "{href}");
        }
        // Each cell says its band, for the one-column phone layout.
        let bands: Vec<&str> = g
            .select(&sel("td[data-band]"))
            .map(|td| td.value().attr("data-band").unwrap())
            .collect();
        assert_eq!(bands, ["小学低年级", "初中"]);
    }
    assert_eq!(html.matches("打印本期全部材料").count(), 2);
}

/// The visible slots' headings and the state the script chose, for the
/// page at `page` (with its query) in headless Chromium.
fn shown(browser: &Path, page: &Path) -> (String, Vec<String>, String) {
    let (dom, requested) = chromium_load(browser, page);
    for r in &requested {
        // The page itself is requested with its query string.
        let r = r.to_string_lossy();
        let file = r.split('?').next().unwrap();
        assert!(Path::new(file).is_file(), "requested a missing file {r}");
    }
    let doc = Html::parse_document(&dom);
    let now = doc.select(&sel("#now")).next().expect("now");
    let state = now.value().attr("data-now").unwrap_or("").to_string();
    let slots = now
        .select(&sel(".now-slot:not([hidden]) h3"))
        .map(text)
        .collect();
    let status = doc
        .select(&sel("#now-status:not([hidden])"))
        .next()
        .map(text)
        .unwrap_or_default();
    (state, slots, status)
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn the_home_page_shows_todays_slot_from_file_urls() {
    let browser = chromium();
    let out = shared_base().site();
    let tmp = tempfile::tempdir().unwrap();
    let at = |day: &str| shown(&browser, &out.join(format!("index.html?today={day}")));
    let (state, slots, status) = at("2026-09-01");
    assert_eq!(state, "current");
    assert_eq!(slots.len(), 1, "{slots:?}");
    assert!(slots[0].contains("课次 1"), "{slots:?}");
    assert!(status.starts_with("今天是9月1日"), "{status}");
    // The exam week between the slots: the next slot.
    let (state, slots, status) = at("2026-09-16");
    assert_eq!(state, "between");
    assert!(slots.len() == 1 && slots[0].contains("课次 2"), "{slots:?}");
    assert!(status.contains("下一个课次"), "{status}");
    // Before the first and after the last slot.
    let (state, slots, _) = at("2026-08-20");
    assert_eq!(state, "before");
    assert!(slots.len() == 1 && slots[0].contains("课次 1"), "{slots:?}");
    let (state, slots, status) = at("2026-10-13");
    assert_eq!(state, "after");
    assert!(slots.is_empty(), "{slots:?}");
    assert!(status.contains("都已结束"), "{status}");
    // A pack knows its own dates.
    let pack = tmp.path().join("pack");
    unzip_first_pack(out, &pack);
    let (state, _, status) = shown(&browser, &pack.join("index.html?today=2026-10-13"));
    assert_eq!(state, "after");
    assert!(status.contains("更新的课程包"), "{status}");
    let (state, _, _) = shown(&browser, &pack.join("index.html?today=2026-09-07"));
    assert_eq!(state, "current");
}
