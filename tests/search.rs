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
    search_url(browser, page, &format!("q={encoded}"))
}

/// Opens `search.html?…` with this query string; returns the result titles.
fn search_url(browser: &Path, page: &Path, query: &str) -> Vec<String> {
    let url_page = page.with_file_name(format!("search.html?{query}"));
    let (dom, _) = chromium_load(browser, &url_page);
    let doc = Html::parse_document(&dom);
    let sel = Selector::parse("#search-results .item-title").unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn site_and_pack_search_work_offline() {
    let browser = chromium();
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
    // A full-width Latin word finds the half-width one (NFKC).
    assert_eq!(search(&browser, &page, "ＡＢＣ"), ["排好队，不着急"]);
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
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn local_facts_are_found_as_the_page_shows_them() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    base_with_facts(&project);
    let out = tmp.path().join("site");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let title = format!("按下暂停键：去{FACT_VALUE}");
    // A fact used only in the body, a fact in the title; the result shows
    // the value as text, not as markup.
    let page = out.join("search.html");
    for q in ["林小雨", "行政楼"] {
        assert_eq!(search(&browser, &page, q), [title.as_str()], "{q}");
    }
    // A hotline by name: the lesson's and the meeting's spoken lines.
    let mut found = search(&browser, &page, "拨打12356");
    found.sort();
    assert_eq!(found, ["你好，新集体", title.as_str()]);
    assert!(
        search(&browser, &page, "热线").is_empty(),
        "a name is not text"
    );
    let pack = tmp.path().join("pack");
    unzip(&out.join("packs/2026-autumn-s02-junior-high.zip"), &pack);
    assert_eq!(
        search(&browser, &pack.join("search.html"), "林小雨"),
        [title]
    );
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn traditional_queries_find_simplified_lessons_and_filters_narrow_them() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&fixture("base"), &out);
    assert_eq!(code, 0, "{err}");
    let page = out.join("search.html");
    // The same lessons, whether typed in Simplified or Traditional.
    for (simplified, traditional) in [
        ("情绪", "情緒"),
        ("暂停", "暫停"),
        ("排好队", "排好隊"),
        ("情绪 天气", "情緒 天氣"),
    ] {
        let want = search(&browser, &page, simplified);
        assert!(!want.is_empty(), "{simplified} finds nothing");
        assert_eq!(search(&browser, &page, traditional), want, "{traditional}");
    }
    // The index maps only characters that occur in it, sorted.
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    let (_, map) = index.split_once("\"t2s\":\"").unwrap();
    // Titles are in search-index.js, terms and text in search/.
    let mut docs = index.clone();
    for f in std::fs::read_dir(out.join("search")).unwrap() {
        docs.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
    }
    let pairs: Vec<char> = map.split('"').next().unwrap().chars().collect();
    assert!(pairs.contains(&'緒'), "t2s map");
    for p in pairs.chunks(2) {
        assert!(
            docs.contains(p[1]),
            "{} maps to {}, which is not in the index",
            p[0],
            p[1]
        );
    }
    assert!(pairs.chunks(2).map(|p| p[0]).is_sorted());
    // Filters from the URL: form, area, band and term, with or without words.
    assert_eq!(
        search_url(&browser, &page, "q=%E6%83%85%E7%BB%AA&form=role-play"),
        ["按下暂停键"]
    );
    assert_eq!(
        search_url(&browser, &page, "band=lower-primary&form=game"),
        ["你好，新同学", "排好队，不着急"]
    );
    assert_eq!(
        search_url(&browser, &page, "area=self&term=autumn"),
        ["情绪气象站"]
    );
    // A value the page does not offer is ignored rather than hiding everything.
    assert_eq!(
        search_url(
            &browser,
            &page,
            "q=%E6%9C%A8%E5%A4%B4%E4%BA%BA&area=nonsense"
        ),
        ["按下暂停键"]
    );
    // The controls are labelled selects inside a fieldset.
    let html = std::fs::read_to_string(&page).unwrap();
    let doc = Html::parse_document(&html);
    for name in ["band", "area", "form", "term"] {
        let sel = Selector::parse(&format!("label[for=f-{name}] + select#f-{name}")).unwrap();
        assert_eq!(doc.select(&sel).count(), 1, "{name} filter");
    }
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

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn the_shipped_curriculum_answers_typical_queries() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&repo().join("curriculum"), &out);
    assert_eq!(code, 0, "{err}");
    let page = out.join("search.html");
    // A topic: the two lessons tagged 考试焦虑 come first, then lessons
    // that only mention it.
    let hits = search(&browser, &page, "考试焦虑");
    let mut first: Vec<&str> = hits.iter().take(2).map(String::as_str).collect();
    first.sort();
    assert_eq!(
        first,
        ["把压力调到“刚刚好”", "考试前的紧张，可以这样安放"],
        "{hits:?}"
    );
    // A grade: only middle-primary lessons (grade 3) and items for them.
    let hits = search(&browser, &page, "3年级");
    assert!(hits.len() >= 9, "{hits:?}");
    let html = std::fs::read_to_string(out.join("bands/middle-primary.html")).unwrap();
    assert!(
        html.contains(&hits[0]),
        "{} is not a grade-3 lesson",
        hits[0]
    );
    // A common word finds many lessons, capped at the 50 shown.
    let hits = search(&browser, &page, "情绪");
    assert!(hits.len() > 10 && hits.len() <= 50, "{hits:?}");
}
