//! Offline search in real headless Chromium, from `file://`: the site's and
//! a pack's search page find lessons by words in their titles and bodies.

mod common;
use common::*;
use scraper::{Html, Selector};
use std::path::Path;

/// Opens `search.html?q=…` and returns the result titles in order.
fn search(browser: &Path, page: &Path, q: &str) -> Vec<String> {
    let encoded: String =
        percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string();
    let url_page = page.with_file_name(format!("search.html?q={encoded}"));
    let (dom, _) = chromium_load(browser, &url_page);
    let doc = Html::parse_document(&dom);
    let sel = Selector::parse("#search-results .item-title").unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

#[test]
fn site_and_pack_search_work_offline() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&fixture("base"), &out);
    assert_eq!(code, 0, "{err}");
    let page = out.join("search.html");
    // A title word ranks first; a word only in a body is found; nonsense finds nothing.
    assert_eq!(
        search(&browser, &page, "情绪").first().map(String::as_str),
        Some("情绪气象站")
    );
    assert_eq!(search(&browser, &page, "温度"), ["情绪气象站"]);
    // The snippet highlights the match.
    let url_page = page.with_file_name("search.html?q=%E6%9C%A8%E5%A4%B4%E4%BA%BA");
    let (dom, _) = chromium_load(&browser, &url_page);
    assert!(
        dom.contains("<mark>木头人</mark>"),
        "no highlighted snippet"
    );
    assert_eq!(search(&browser, &page, "木头人"), ["按下暂停键"]);
    assert!(search(&browser, &page, "量子力学").is_empty());
    // Two words must both match.
    assert_eq!(search(&browser, &page, "情绪 天气"), ["情绪气象站"]);
    // A pack searches only its own pages.
    let pack = tmp.path().join("pack");
    unzip(&out.join("packs/2026-autumn-s01.zip"), &pack);
    assert_eq!(
        search(&browser, &pack.join("search.html"), "情绪")
            .first()
            .map(String::as_str),
        Some("情绪气象站")
    );
    assert!(
        search(&browser, &pack.join("search.html"), "木头人").is_empty(),
        "slot 2's lesson is not in this pack"
    );
}

#[test]
fn without_javascript_the_search_page_lists_everything_by_band() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert_eq!(build(&fixture("base"), &out).0, 0);
    let html = std::fs::read_to_string(out.join("search.html")).unwrap();
    let doc = Html::parse_document(&html);
    let sel = Selector::parse("#search-all h3").unwrap();
    let bands: Vec<String> = doc.select(&sel).map(|e| e.text().collect()).collect();
    assert_eq!(bands, ["小学低年级", "初中"]);
    for title in [
        "情绪气象站",
        "按下暂停键",
        "你好，新同学",
        "排好队，不着急",
        "你好，新集体",
    ] {
        assert!(html.contains(title), "{title} missing from the no-JS list");
    }
}
