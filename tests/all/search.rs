//! Offline search in real headless Chromium, from `file://`: the site's and
//! a pack's search page find lessons by words in their titles and bodies.

use crate::common::*;
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
    let out = shared_base().site();
    let tmp = tempfile::tempdir().unwrap();
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
    let out = shared_base().site();
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

/// The base fixture with one more paragraph in 按下暂停键: 爱 only inside
/// longer runs (关爱, 爱自己), twice within one snippet; no other page of
/// the base has the character.
fn base_with_love(dir: &Path) {
    copy_tree(&fixture("base"), dir);
    let lesson = dir.join("lessons/junior-high/02-pause.md");
    let mut text = std::fs::read_to_string(&lesson).unwrap();
    text.push_str("\n老师关爱每一个人，也教大家爱自己。\n");
    std::fs::write(&lesson, text).unwrap();
}

/// The `<mark>`s of each result's snippet on `search.html?q=…`.
fn marks(browser: &Path, page: &Path, q: &str) -> Vec<Vec<String>> {
    let encoded: String =
        percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string();
    let (dom, _) = chromium_load(
        browser,
        &page.with_file_name(format!("search.html?q={encoded}")),
    );
    let doc = Html::parse_document(&dom);
    let item = Selector::parse("#search-results .item .snippet").unwrap();
    let mark = Selector::parse("mark").unwrap();
    doc.select(&item)
        .map(|s| s.select(&mark).map(|m| m.text().collect()).collect())
        .collect()
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn a_single_character_is_found_inside_words_and_every_hit_is_marked() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    base_with_love(&project);
    let out = tmp.path().join("site");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let page = out.join("search.html");
    // 爱 occurs only in 关爱 and 爱自己; 愛 is its Traditional form.
    assert_eq!(search(&browser, &page, "爱"), ["按下暂停键"]);
    assert_eq!(search(&browser, &page, "愛"), ["按下暂停键"]);
    // A single character of a title word, and of a link in a body (the
    // title ranks first).
    assert_eq!(search(&browser, &page, "象"), ["情绪气象站"]);
    assert_eq!(search(&browser, &page, "停"), ["按下暂停键", "情绪气象站"]);
    // Every hit in the snippet is marked, of every word.
    assert_eq!(marks(&browser, &page, "爱"), [["爱", "爱"]]);
    assert_eq!(
        marks(&browser, &page, "爱 老师"),
        [["老师", "爱", "爱"]],
        "both words, in the order they occur"
    );
    // With a filter that excludes it, the single character finds nothing.
    assert!(search_url(&browser, &page, "q=%E7%88%B1&band=lower-primary").is_empty());
    // Objectives are sentences: joined with 。, not spaces.
    let (dom, _) = chromium_load(
        &browser,
        &page.with_file_name("search.html?q=%E4%BF%A1%E5%8F%B7"),
    );
    assert!(
        dom.contains("信号</mark>。愿意先停一停。会用三步暂停法。"),
        "{dom}"
    );
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn a_browser_that_cannot_search_says_so() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert_eq!(build(&fixture("base"), &out).0, 0);
    let page = out.join("search.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let message = "这个浏览器不能使用搜索。";
    assert!(html.contains(message), "the message is in the page itself");
    assert!(html.contains("Chrome 64、Edge 79、Firefox 78、Safari 11.1"));
    let shown = |dom: &str| {
        let doc = Html::parse_document(dom);
        let sel = Selector::parse("#search-unsupported").unwrap();
        let p = doc.select(&sel).next().expect("the message element");
        !(p.attr("style").unwrap_or("").contains("display: none") || p.attr("hidden").is_some())
    };
    // Chromium runs search: the message is hidden and results come.
    let (dom, _) = chromium_load(
        &browser,
        &page.with_file_name("search.html?q=%E6%83%85%E7%BB%AA"),
    );
    assert!(!shown(&dom), "shown in a browser that can search");
    assert!(dom.contains("class=\"item\""), "no results");
    // Browsers that lack what search.js needs see it: no
    // String.prototype.normalize (IE11), or regular expressions without
    // Unicode classes.
    for (name, lacks) in [
        ("old.html", "delete String.prototype.normalize;"),
        (
            "old-regexp.html",
            "window.RegExp = function () { throw new SyntaxError(\"u\"); };",
        ),
    ] {
        let old = html.replacen("<head>", &format!("<head><script>{lacks}</script>"), 1);
        std::fs::write(out.join(name), old).unwrap();
        let (dom, _) = chromium_load(&browser, &out.join(name));
        assert!(shown(&dom), "hidden in a browser where {lacks}");
    }
}

#[test]
fn the_stylesheet_keeps_its_colours_without_custom_properties() {
    // IE11 drops a declaration with var(): each one follows the same
    // declaration with the plain value.
    let css = std::fs::read_to_string(repo().join("themes/default/static/style.css")).unwrap();
    let css = without_comments(&css);
    let (_, after_root) = css.split_once(":root").unwrap();
    let (root, _) = after_root
        .split_once('}')
        .map(|(r, rest)| (r.trim_start_matches([' ', '{']), rest))
        .unwrap();
    let vars: Vec<(&str, &str)> = root
        .split(';')
        .filter_map(|d| d.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    assert!(vars.len() >= 5, "{vars:?}");
    let plain = |v: &str| {
        let mut v = v.to_string();
        for (k, value) in &vars {
            v = v.replace(&format!("var({k})"), value);
        }
        v
    };
    let mut checked = 0;
    for block in css.split('{').skip(1) {
        let body = block.split('}').next().unwrap();
        let decls: Vec<&str> = body.split(';').map(str::trim).collect();
        for (i, d) in decls.iter().enumerate() {
            if !d.contains("var(--") || d.starts_with("--") {
                continue;
            }
            let (prop, value) = d.split_once(':').unwrap();
            let want = format!("{prop}: {}", plain(value.trim()));
            assert!(
                i > 0 && decls[i - 1] == want,
                "`{d}` needs `{want};` before it"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

/// The stylesheet without its comments.
fn without_comments(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some((before, after)) = rest.split_once("/*") {
        out.push_str(before);
        rest = after.split_once("*/").map_or("", |(_, a)| a);
    }
    out.push_str(rest);
    out
}

#[test]
fn without_javascript_the_search_page_lists_everything_by_band() {
    let out = shared_base().site();
    let page = std::fs::read_to_string(out.join("search.html")).unwrap();
    // The list is in <noscript>: a parser with scripts on reads it as text.
    let doc = Html::parse_document(&page);
    let noscript = Selector::parse("noscript").unwrap();
    let html: String = doc
        .select(&noscript)
        .map(|n| n.text().collect::<String>())
        .collect();
    assert!(html.contains("这个浏览器关闭了 JavaScript，不能搜索。"));
    let doc = Html::parse_fragment(&html);
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
    let out = shared_curriculum().site();
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
