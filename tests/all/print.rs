//! PDFs made with real headless Chromium, checked with poppler: A4 pages,
//! parent handouts in large type, no text outside the page, the help box
//! whole on one page, one printed item per page in "print this slot".

use crate::common::*;
use std::path::Path;
use std::process::Command;

struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// Every word of a PDF with its box, from `pdftotext -bbox`.
fn words(pdftotext: &Path, pdf: &Path) -> (Vec<Word>, Vec<(f64, f64)>) {
    let o = Command::new(pdftotext)
        .args(["-bbox"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let mut out = Vec::new();
    let mut pages = Vec::new();
    let num = |s: &str, key: &str| -> f64 {
        let at = s.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        s[at..at + s[at..].find('"').unwrap()].parse().unwrap()
    };
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("<page ") {
            pages.push((num(l, "width"), num(l, "height")));
        } else if l.starts_with("<word ") {
            let t = &l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()];
            out.push(Word {
                page: pages.len(),
                x0: num(l, "xMin"),
                y0: num(l, "yMin"),
                x1: num(l, "xMax"),
                y1: num(l, "yMax"),
                text: t.to_string(),
            });
        }
    }
    (out, pages)
}

fn page_text(ws: &[Word], page: usize) -> String {
    ws.iter()
        .filter(|w| w.page == page)
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join("")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[test]
#[ignore = "needs Chromium and pdftotext (poppler-utils): run by .ci/run with --include-ignored"]
fn printed_pdfs_are_a4_large_type_for_parents_and_keep_the_help_box_whole() {
    let browser = chromium();
    let pdftotext = tool(&["pdftotext"], "PDF checks (poppler-utils)");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pdf");
    let o = xinyu()
        .arg("print")
        .arg(fixture("base"))
        .arg("--out")
        .arg(&out)
        .arg("--browser")
        .arg(&browser)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> = snapshot_tree(&out).into_keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2026-autumn-calendar.pdf",
            "2026-autumn-s01-junior-high.pdf",
            "2026-autumn-s01-lower-primary.pdf",
            "2026-autumn-s02-junior-high.pdf",
            "2026-autumn-s02-lower-primary.pdf"
        ]
    );

    // Calibrate: the height pdftotext gives a line of 16 pt text in the
    // print font, printed by the same browser.
    let calib = tmp.path().join("calib.html");
    std::fs::write(
        &calib,
        "<html><head><link rel=stylesheet href=\"print.css\"></head><body><p style=\"font-size:16pt\">家长朋友您好这是十六磅的字</p><p style=\"font-size:12pt\">老师您好这是十二磅的字</p></body></html>",
    )
    .unwrap();
    std::fs::copy(
        repo().join("themes/default/static/print.css"),
        tmp.path().join("print.css"),
    )
    .unwrap();
    let calib_pdf = tmp.path().join("calib.pdf");
    std::fs::write(
        &calib_pdf,
        xinyu::print::to_pdf(&browser, &calib, "20260101").unwrap(),
    )
    .unwrap();
    let (cw, _) = words(&pdftotext, &calib_pdf);
    let h16 = cw
        .iter()
        .find(|w| w.text.contains("十六磅"))
        .map(|w| w.y1 - w.y0)
        .unwrap();
    let h12 = cw
        .iter()
        .find(|w| w.text.contains("十二磅"))
        .map(|w| w.y1 - w.y0)
        .unwrap();
    assert!(h16 > h12 * 1.25, "calibration failed: {h16} vs {h12}");

    for name in &names {
        let (ws, pages) = words(&pdftotext, &out.join(name));
        // A4: 595 × 842 pt, portrait, or landscape for the calendar.
        for (w, h) in &pages {
            let (w, h) = if name.contains("calendar") {
                (*h, *w)
            } else {
                (*w, *h)
            };
            assert!(
                (w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0,
                "{name}: page {w}×{h} is not A4"
            );
        }
        if name.contains("calendar") {
            assert_eq!(
                pages.len(),
                1,
                "{name}: the term calendar must fit one sheet"
            );
        }
        // Nothing runs off the page: lines and tables stay inside the paper
        // (boxes are the font's, taller than the glyphs, so only x is
        // held to a margin).
        for wd in &ws {
            let (pw, ph) = pages[wd.page - 1];
            assert!(
                wd.x0 >= 10.0 && wd.y0 >= 0.0 && wd.x1 <= pw - 10.0 && wd.y1 <= ph,
                "{name} p{}: `{}` outside the page",
                wd.page,
                wd.text
            );
        }
        // The help box is never split: its first and last lines share a page.
        let help_pages: Vec<usize> = (1..=pages.len())
            .filter(|p| page_text(&ws, *p).contains("需要帮助时"))
            .collect();
        assert!(!help_pages.is_empty(), "{name}: no help box");
        for p in &help_pages {
            assert!(
                page_text(&ws, *p).contains("遇到紧急危险"),
                "{name}: help box split after page {p}"
            );
        }
    }

    // "Print this slot" for junior high, slot 1: lesson, worksheet, meeting,
    // handout, each starting on a new page with its own help box.
    let jh = out.join("2026-autumn-s01-junior-high.pdf");
    let (ws, pages) = words(&pdftotext, &jh);
    let help_pages: Vec<usize> = (1..=pages.len())
        .filter(|p| page_text(&ws, *p).contains("需要帮助时"))
        .collect();
    assert_eq!(help_pages.len(), 4, "expected 4 printed items");
    let starts = ["情绪气象站", "学习单", "你好，新集体", "家长可以这样陪伴"];
    let mut prev_end = 0;
    for (item, end) in starts.iter().zip(&help_pages) {
        let first = prev_end + 1;
        assert!(
            page_text(&ws, first).contains(item),
            "item `{item}` does not start on page {first}"
        );
        prev_end = *end;
    }
    // The handout (last item) is in large type: at least 16 pt.
    let last = pages.len();
    let body: Vec<f64> = ws
        .iter()
        .filter(|w| w.page == last && w.text.chars().count() >= 4)
        .map(|w| w.y1 - w.y0)
        .collect();
    let handout = median(body);
    assert!(
        handout >= h16 * 0.98,
        "parent handout text is {:.1} (16 pt is {:.1})",
        handout,
        h16
    );
    // …and the teacher's copy is smaller, at least 12 pt.
    let teacher: Vec<f64> = ws
        .iter()
        .filter(|w| w.page == 1 && w.text.chars().count() >= 4)
        .map(|w| w.y1 - w.y0)
        .collect();
    let teacher = median(teacher);
    assert!(
        teacher >= h12 * 0.98 && teacher < handout,
        "teacher copy text is {teacher:.1}"
    );
    // Lower primary, slot 1: only the lesson (no worksheet, meeting or handout).
    let (ws, pages) = words(&pdftotext, &out.join("2026-autumn-s01-lower-primary.pdf"));
    let n = (1..=pages.len())
        .filter(|p| page_text(&ws, *p).contains("需要帮助时"))
        .count();
    assert_eq!(n, 1);
}

/// The message for "no browser anywhere" is checked by the unit tests in
/// `src/print.rs`, with no PATH and no usual install locations; a machine
/// with a browser in one of those locations cannot show it end to end. This
/// checks that `print` stops with `find_browser`'s error and makes nothing.
#[test]
fn without_a_browser_print_says_how_to_get_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pdf");
    let o = xinyu()
        .arg("print")
        .arg(fixture("base"))
        .arg("--out")
        .arg(&out)
        .arg("--browser")
        .arg(tmp.path().join("no-such-browser"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("错误：--browser 指定的")
            && err.contains("no-such-browser")
            && err.contains("不存在"),
        "{err}"
    );
    assert!(!out.exists(), "print wrote PDFs without a browser");
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn packs_with_pdfs_stay_byte_identical_and_list_the_pdfs() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    for run in ["a", "b"] {
        let o = xinyu()
            .arg("pack")
            .arg(fixture("base"))
            .args(["--slot", "1", "--pdf", "--browser"])
            .arg(&browser)
            .arg("--out")
            .arg(tmp.path().join(run))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (a, b) = (
        snapshot_tree(&tmp.path().join("a")),
        snapshot_tree(&tmp.path().join("b")),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        if bytes != &b[name] {
            // Say which file inside the zip changed, to tell a PDF from the rest.
            let (da, db) = (tmp.path().join("da"), tmp.path().join("db"));
            unzip(&tmp.path().join("a").join(name), &da);
            unzip(&tmp.path().join("b").join(name), &db);
            let (ta, tb) = (snapshot_tree(&da), snapshot_tree(&db));
            let changed: Vec<&String> = ta.keys().filter(|k| ta.get(*k) != tb.get(*k)).collect();
            panic!("{name} differs between runs: {changed:?}");
        }
    }
    let dir = tmp.path().join("x");
    unzip(&tmp.path().join("a/2026-autumn-s01.zip"), &dir);
    assert!(
        dir.join("pdf/junior-high.pdf").is_file() && dir.join("pdf/lower-primary.pdf").is_file()
    );
    assert_offline_and_complete(&dir);
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("pdf/junior-high.pdf"));
}
