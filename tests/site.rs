//! Building valid projects: the shipped curriculum, the minimal example and
//! the base fixture give complete, offline, deterministic sites.

mod common;
use common::*;
use scraper::{Html, Selector};
use std::collections::BTreeSet;
use std::fs;

#[test]
fn shipped_curriculum_builds_into_a_complete_offline_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("curriculum-site");
    let (code, err) = build(&repo().join("curriculum"), &out);
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("warning"),
        "the shipped curriculum must build without warnings:\n{err}"
    );
    let pages = assert_offline_and_complete(&out);
    assert!(pages > 20, "only {pages} pages");
    // Bold next to Chinese punctuation (`**提示：**学生…`) must render as bold.
    for (rel, bytes) in snapshot_tree(&out) {
        if rel.ends_with(".html") {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("**"),
                "{rel}: literal ** in the page"
            );
        }
    }
    for page in [
        "index.html",
        "meetings.html",
        "parents.html",
        "bands/lower-primary.html",
        "bands/senior-high.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
}

#[test]
fn minimal_example_builds_into_a_complete_offline_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&repo().join("examples/minimal"), &out);
    assert_eq!(code, 0, "{err}");
    // `build` runs every check: the example has one parent handout only.
    assert!(
        err.lines()
            .filter(|l| l.starts_with("warning"))
            .all(|l| l.contains("份家长读本")),
        "{err}"
    );
    assert_offline_and_complete(&out);
    assert!(
        out.join("lessons/junior-high/01-emotion-weather.html")
            .is_file()
    );
}

#[test]
fn same_input_gives_byte_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(build(&repo().join("curriculum"), &a).0, 0);
    assert_eq!(build(&repo().join("curriculum"), &b).0, 0);
    let (ta, tb) = (snapshot_tree(&a), snapshot_tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between two builds");
    }
}

#[test]
fn a_lesson_page_is_a_lesson_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&fixture("base"), &out);
    assert_eq!(code, 0, "{err}");
    let html = fs::read_to_string(out.join("lessons/junior-high/01-emotion-weather.html")).unwrap();
    let doc = Html::parse_document(&html);
    let text = |sel: &str| -> Vec<String> {
        let s = Selector::parse(sel).unwrap();
        doc.select(&s)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    assert_eq!(text("h1"), ["情绪气象站"]);
    let facts = text(".facts dd");
    assert!(facts.contains(&"初中".to_string()), "{facts:?}");
    assert!(facts.contains(&"7年级".to_string()), "{facts:?}");
    assert!(facts.contains(&"45 分钟".to_string()), "{facts:?}");
    assert!(
        facts.contains(&"情绪调适、认识自我".to_string()),
        "{facts:?}"
    );
    assert!(facts.contains(&"游戏、问题辨析".to_string()), "{facts:?}");
    assert_eq!(text(".objectives dt"), ["认知目标", "情感目标", "行为目标"]);
    assert_eq!(
        text(".phases .min"),
        ["5 分钟", "25 分钟", "10 分钟", "5 分钟"]
    );
    // Every timeline entry jumps to its phase heading.
    let anchors = Selector::parse(".phases a").unwrap();
    for a in doc.select(&anchors) {
        let id = a.value().attr("href").unwrap().trim_start_matches('#');
        let target = Selector::parse(&format!("h3[id=\"{id}\"]")).unwrap();
        assert_eq!(doc.select(&target).count(), 1, "no heading for #{id}");
    }
    assert_eq!(text(".worksheet h2"), ["学习单"]);
    assert!(text(".parent-link a")[0].contains("家长可以这样陪伴"));
    assert_eq!(text("a[rel=next]"), ["按下暂停键 ›"]);
    // The image next to the lesson is copied and shown.
    assert!(out.join("lessons/junior-high/thermometer.svg").is_file());
    assert!(html.contains("src=thermometer.svg") || html.contains("src=\"thermometer.svg\""));
    insta::assert_snapshot!("lesson_page_main", readable_main(&html));
}

/// The `<main>` element with one tag per line, for a reviewable snapshot.
fn readable_main(html: &str) -> String {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + "</main>".len();
    html[start..end].replace("><", ">\n<")
}

#[test]
fn meeting_page_marks_speakers_and_segments() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert_eq!(build(&fixture("base"), &out).0, 0);
    let html = fs::read_to_string(out.join("meetings/autumn-09-hello.html")).unwrap();
    let doc = Html::parse_document(&html);
    let s = Selector::parse("p.line > strong:first-child").unwrap();
    let speakers: Vec<String> = doc.select(&s).map(|e| e.text().collect()).collect();
    assert_eq!(speakers, ["主持人甲", "主持人乙", "班主任"]);
    let seg = Selector::parse(".phases .min").unwrap();
    let mins: Vec<String> = doc.select(&seg).map(|e| e.text().collect()).collect();
    assert_eq!(mins, ["5 分钟", "25 分钟", "15 分钟"]);
    let roles = Selector::parse(".role").unwrap();
    assert_eq!(doc.select(&roles).count(), 3);
}

#[test]
fn calendar_page_places_lessons_in_slots_and_skips_exam_weeks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert_eq!(build(&fixture("base"), &out).0, 0);
    let html = fs::read_to_string(out.join("calendars/2026-autumn.html")).unwrap();
    let doc = Html::parse_document(&html);
    let rows = Selector::parse("table.slots tbody tr").unwrap();
    let rows: Vec<String> = doc
        .select(&rows)
        .map(|r| r.text().collect::<Vec<_>>().join("|"))
        .collect();
    // 5 weeks, one wholly inside the exam break: 4 teaching weeks → 2 slots.
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].contains("情绪气象站") && rows[0].contains("你好，新同学"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains("按下暂停键") && rows[1].contains("排好队"),
        "{}",
        rows[1]
    );
    // The month grid greys the exam week and marks the observance.
    let off = Selector::parse("table.grid tr.off").unwrap();
    let off: Vec<String> = doc.select(&off).map(|r| r.text().collect()).collect();
    assert_eq!(off.len(), 1, "{off:?}");
    assert!(off[0].contains("期中考试周"));
    let observance = Selector::parse("table.grid td.observance .mark").unwrap();
    let marks: Vec<String> = doc
        .select(&observance)
        .map(|r| r.text().collect())
        .collect();
    assert_eq!(marks, ["教师节"]);
    let months = Selector::parse(".month h3").unwrap();
    let months: Vec<String> = doc.select(&months).map(|r| r.text().collect()).collect();
    assert_eq!(months, ["2026年8月", "2026年9月", "2026年10月"]);
    // The A4 landscape print version exists and is linked.
    assert!(html.contains("2026-autumn-print.html"));
    let print = fs::read_to_string(out.join("calendars/2026-autumn-print.html")).unwrap();
    assert!(print.contains("A4 landscape"), "no landscape @page");
}

#[test]
fn a_project_theme_overrides_single_files() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    let theme = project.join("themes/default");
    fs::create_dir_all(theme.join("templates/partials")).unwrap();
    fs::create_dir_all(theme.join("static")).unwrap();
    fs::write(
        theme.join("templates/partials/help.html"),
        "<aside class=\"help\"><h2>本校心理辅导室</h2>{% for h in hotlines %}<p>{{ h.number }}</p>{% endfor %}</aside>",
    )
    .unwrap();
    fs::write(theme.join("static/school.css"), "body{color:#000}").unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("本校心理辅导室"));
    assert!(index.contains("12356"));
    // Files not overridden still come from the built-in theme.
    assert!(
        fs::read_to_string(out.join("static/style.css"))
            .unwrap()
            .contains("--accent")
    );
    assert!(out.join("static/school.css").is_file());
}

#[test]
fn a_broken_theme_template_is_reported_and_output_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    let out = tmp.path().join("site");
    assert_eq!(build(&project, &out).0, 0);
    let before = snapshot_tree(&out);
    let t = project.join("themes/default/templates");
    fs::create_dir_all(&t).unwrap();
    fs::write(
        t.join("index.html"),
        "{% extends \"base.html\" %}{% block content %}{{ oops {% endblock content %}",
    )
    .unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("themes/default/templates/index.html"), "{err}");
    assert_eq!(snapshot_tree(&out), before);
}

#[test]
fn an_external_stylesheet_in_a_theme_fails_the_build() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    let t = project.join("themes/default/templates/partials");
    fs::create_dir_all(&t).unwrap();
    fs::write(t.join("help.html"), "<aside class=\"help\"><link rel=\"stylesheet\" href=\"https://cdn.example.com/x.css\"></aside>").unwrap();
    let (code, err) = build(&project, &tmp.path().join("site"));
    assert_eq!(code, 1);
    assert!(err.contains("https://cdn.example.com/x.css"), "{err}");
}

#[test]
fn bom_and_crlf_files_build() {
    // 02-pause.md in the base fixture starts with a BOM and uses CRLF.
    let raw = fs::read(fixture("base/lessons/junior-high/02-pause.md")).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBF") && raw.windows(2).any(|w| w == b"\r\n"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert_eq!(build(&fixture("base"), &out).0, 0);
    let html = fs::read_to_string(out.join("lessons/junior-high/02-pause.html")).unwrap();
    assert!(html.contains("<h1>按下暂停键</h1>"));
}

#[test]
fn chinese_file_and_folder_names_work() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("我的 课程");
    copy_tree(&fixture("base"), &project);
    let dir = project.join("lessons/初中/情绪");
    fs::create_dir_all(&dir).unwrap();
    let lesson = fs::read_to_string(fixture("base/lessons/junior-high/01-emotion-weather.md"))
        .unwrap()
        .replace("order: 1", "order: 3")
        .replace("![情绪温度计](thermometer.svg)", "")
        .replace("(02-pause.md)", "(../../junior-high/02-pause.md)");
    fs::write(dir.join("第三课.md"), lesson).unwrap();
    let out = tmp.path().join("输出 site");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("lessons/初中/情绪/第三课.html").is_file());
    assert_offline_and_complete(&out);
    let seen: BTreeSet<String> = snapshot_tree(&out).into_keys().collect();
    assert!(seen.contains("bands/junior-high.html"));
}

#[test]
fn help_lists_the_commands() {
    let o = xinyu().arg("--help").output().unwrap();
    assert!(o.status.success());
    insta::assert_snapshot!("help", String::from_utf8_lossy(&o.stdout));
}
