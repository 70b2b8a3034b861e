//! Building valid projects: the shipped curriculum, the minimal example and
//! the base fixture give complete, offline, deterministic sites.

use crate::common::*;
use scraper::{Html, Selector};
use std::collections::BTreeSet;
use std::fs;

#[test]
fn shipped_curriculum_builds_into_a_complete_offline_site() {
    let built = shared_curriculum();
    let (out, err) = (built.site(), &built.err);
    assert!(
        !err.contains("警告"),
        "the shipped curriculum must build without warnings:\n{err}"
    );
    let pages = assert_offline_and_complete(out);
    assert!(pages > 20, "only {pages} pages");
    // Bold next to Chinese punctuation (`**提示：**学生…`) must render as bold.
    for (rel, bytes) in snapshot_tree(out) {
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
    // Breaks and events in one list by date: 国庆 (1–7 October) comes
    // before 10 October, on the printed calendar and in the slot's pack.
    let print = fs::read_to_string(out.join("calendars/2026-autumn-print.html")).unwrap();
    let national = print.find("国庆节").unwrap();
    let mental_health = print.find("世界精神卫生日").unwrap();
    assert!(national < mental_health, "dates out of order");
}

#[test]
fn minimal_example_builds_into_a_complete_offline_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&repo().join("examples/minimal"), &out);
    assert_eq!(code, 0, "{err}");
    // A newcomer copies this folder: it must be complete, so `build` (which
    // runs every check) has nothing at all to warn about.
    assert!(
        !err.contains("警告") && !err.contains("错误"),
        "the minimal example must build without warnings:\n{err}"
    );
    assert_offline_and_complete(&out);
    for page in [
        "lessons/junior-high/01-emotion-weather.html",
        "lessons/junior-high/02-pause-button.html",
        // Its calendar, to print and to import into a phone.
        "calendars/2026-autumn.html",
        "calendars/2026-autumn-print.html",
        "calendars/2026-autumn.ics",
        "downloads.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
    // Both slots of the four-week term are written, so both have packs:
    // the whole-school one and the junior-high one.
    let packs: BTreeSet<String> = fs::read_dir(out.join("packs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        packs,
        [
            "2026-autumn-s01-junior-high.zip",
            "2026-autumn-s01.zip",
            "2026-autumn-s02-junior-high.zip",
            "2026-autumn-s02.zip",
        ]
        .map(String::from)
        .into(),
        "{err}"
    );
}

#[test]
fn same_input_gives_byte_identical_output() {
    // The shared build is the first; the second is this test's own, in a
    // folder of the same name elsewhere.
    let a = shared_curriculum();
    assert_eq!(a.code, 0, "{}", a.err);
    let tmp = tempfile::tempdir().unwrap();
    let b = tmp.path().join("curriculum-site");
    assert_eq!(build(&repo().join("curriculum"), &b).0, 0);
    let (ta, tb) = (snapshot_tree(&a.dir), snapshot_tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between two builds");
    }
}

#[test]
fn a_lesson_page_is_a_lesson_plan() {
    let out = shared_base().site();
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
    assert!(facts.contains(&"7–9年级".to_string()), "{facts:?}");
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
    assert_eq!(doc.select(&anchors).count(), 4, "one link per phase");
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
    let out = shared_base().site();
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
fn local_facts_reach_pages_prints_and_search_as_plain_text() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    base_with_facts(&project);
    let out = tmp.path().join("site");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    // The base fixture has one parent handout: those warnings only.
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("警告")).collect();
    assert!(warnings.iter().all(|w| w.contains("家长读本不够")), "{err}");
    assert_offline_and_complete(&out);
    let read = |rel: &str| fs::read_to_string(out.join(rel)).unwrap();
    let title = format!("按下暂停键：去{FACT_VALUE}");
    for page in [
        "lessons/junior-high/02-pause.html",
        "lessons/junior-high/02-pause.print.html",
        "print/2026-autumn-s02-junior-high.html",
    ] {
        let html = read(page);
        // Text, never markup: `<b>` is escaped, `*` stays an asterisk.
        assert!(!html.contains("<b>*周三*</b>"), "{page}");
        let text = page_text(&html);
        let doc = Html::parse_document(&html);
        let h1 = Selector::parse("h1").unwrap();
        let headings: Vec<String> = doc.select(&h1).map(|e| e.text().collect()).collect();
        assert!(headings.contains(&title), "{page}: {headings:?}");
        for want in [
            format!("会用三步暂停法，知道可以去{FACT_VALUE}"),
            format!("{FACT_VALUE}的沙盘"),
            "心里难受时，可以找林小雨老师，也可以拨打12356。".to_string(),
            // A code span and `\{{` keep the braces.
            "写成 {{心理老师}} 或 {{心理老师}} 时原样显示".to_string(),
        ] {
            assert!(text.contains(&want), "{page}: no `{want}` in\n{text}");
        }
        assert!(!text.contains("{{心理咨询室}}"), "{page}");
        assert!(!text.contains("{{热线}}"), "{page}");
    }
    // What other pages show of the lesson: its title in the band's list,
    // the sidebar's list and the next-lesson link.
    assert!(page_text(&read("bands/junior-high.html")).contains(&title));
    assert!(
        read("nav/junior-high.js").contains("按下暂停键：去行政楼二楼 \\u003cb>*周三*\\u003c/b>")
    );
    assert!(page_text(&read("lessons/junior-high/01-emotion-weather.html")).contains(&title));
    // A hotline by its name in a spoken line: its number.
    let doc = Html::parse_document(&read("meetings/autumn-09-hello.html"));
    let lines = Selector::parse("p.line").unwrap();
    let spoken: Vec<String> = doc.select(&lines).map(|e| e.text().collect()).collect();
    assert!(
        spoken.contains(&"班主任:谢谢大家。有困难随时拨打12356。".to_string()),
        "{spoken:?}"
    );
    // The search text is the filled text.
    let mut search = read("search-index.js");
    for e in fs::read_dir(out.join("search")).unwrap() {
        search.push_str(&fs::read_to_string(e.unwrap().path()).unwrap());
    }
    assert!(search.contains("可以找林小雨老师，也可以拨打12356"));
    assert!(search.contains("会用三步暂停法，知道可以去行政楼二楼"));
    assert!(!search.contains("{{热线}}") && !search.contains("{{ 心理老师 }}"));
}

#[test]
fn calendar_page_places_lessons_in_slots_and_skips_exam_weeks() {
    let out = shared_base().site();
    let html = fs::read_to_string(out.join("calendars/2026-autumn.html")).unwrap();
    let doc = Html::parse_document(&html);
    // One row group per slot: its header line, then the bands' lessons.
    let rows = Selector::parse("table.slots tbody").unwrap();
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
fn a_theme_looping_over_a_table_gives_the_same_page_every_build() {
    // Tera keeps a table in a hash map; without a fixed order each build
    // would list `t`'s labels and `site`'s fields in a new order.
    let (tmp, project, _) = base_project();
    write_template(
        &project,
        "partials/help.html",
        "<p id=\"t\">{% for k, v in t %}{{ k }} {% endfor %}</p>\
         <p id=\"site\">{% for k, v in site %}{{ k }} {% endfor %}</p>",
    );
    let pages: Vec<String> = (0..2)
        .map(|i| {
            let out = tmp.path().join(format!("site{i}"));
            let (code, err) = build(&project, &out);
            assert_eq!(code, 0, "{err}");
            fs::read_to_string(out.join("index.html")).unwrap()
        })
        .collect();
    assert_eq!(pages[0], pages[1], "two builds of one project differ");
    let list = |id: &str| -> Vec<String> {
        let start = pages[0].find(&format!("<p id=\"{id}\">")).unwrap();
        let rest = &pages[0][start..];
        let text = &rest[rest.find('>').unwrap() + 1..rest.find("</p>").unwrap()];
        text.split_whitespace().map(String::from).collect()
    };
    // The labels in name order, as the theme's labels file sorts them; the
    // site's fields in the order the book lists them.
    let labels = list("t");
    assert!(labels.len() > 50, "{labels:?}");
    assert!(labels.is_sorted(), "{labels:?}");
    assert_eq!(
        list("site"),
        ["title", "publisher", "lang", "generator", "public_key"]
    );
}

#[test]
fn a_broken_theme_template_is_reported_and_output_kept() {
    let (_tmp, project, out) = base_project();
    assert_eq!(build(&project, &out).0, 0);
    let before = snapshot_tree(&out);
    write_template(
        &project,
        "index.html",
        "{% extends \"base.html\" %}{% block content %}{{ oops {% endblock content %}",
    );
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("themes/default/templates/index.html"), "{err}");
    assert_eq!(snapshot_tree(&out), before);
}

#[test]
fn a_misspelt_name_in_a_shared_template_is_one_chinese_error_at_its_line() {
    let (_tmp, project, out) = base_project();
    assert_eq!(build(&project, &out).0, 0);
    let before = snapshot_tree(&out);
    // Every page includes the help box: one typo stops them all.
    write_template(
        &project,
        "partials/help.html",
        "<aside class=\"help\">\n<p>{{ site.titel }}</p>\n</aside>",
    );
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert_eq!(err.matches("错误：").count(), 1, "{err}");
    assert!(err.contains("错误：没有 `titel` 这一项"), "{err}");
    assert!(
        err.contains("themes/default/templates/partials/help.html:2:12"),
        "{err}"
    );
    assert!(err.contains("这里能用的有：generator、lang"), "{err}");
    assert!(err.contains("等页面时出错"), "{err}");
    assert!(!err.contains("error:"), "{err}");
    assert_eq!(snapshot_tree(&out), before);
}

#[test]
fn an_external_stylesheet_in_a_theme_fails_the_build() {
    let (_tmp, project, out) = base_project();
    write_template(
        &project,
        "partials/help.html",
        "<aside class=\"help\"><link rel=\"stylesheet\" href=\"https://cdn.example.com/x.css\"></aside>",
    );
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1);
    assert!(err.contains("https://cdn.example.com/x.css"), "{err}");
}

#[test]
fn bom_and_crlf_files_build() {
    // 02-pause.md in the base fixture starts with a BOM and uses CRLF.
    let raw = fs::read(fixture("base/lessons/junior-high/02-pause.md")).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBF") && raw.windows(2).any(|w| w == b"\r\n"));
    let tmp = tempfile::tempdir().unwrap();
    let out = shared_base().site();
    let html = fs::read_to_string(out.join("lessons/junior-high/02-pause.html")).unwrap();
    assert!(html.contains("<h1>按下暂停键</h1>"));

    // The same file saved by Notepad as "Unicode" (UTF-16 LE with a BOM)
    // builds the same page, with a warning that names it.
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let text = String::from_utf8(raw).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        text.trim_start_matches('\u{FEFF}')
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    fs::write(p.join("lessons/junior-high/02-pause.md"), utf16).unwrap();
    let out16 = tmp.path().join("site16");
    let (code, err) = build(&p, &out16);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("lessons/junior-high/02-pause.md") && err.contains("UTF-16"),
        "{err}"
    );
    assert_eq!(
        fs::read(out16.join("lessons/junior-high/02-pause.html")).unwrap(),
        fs::read(out.join("lessons/junior-high/02-pause.html")).unwrap()
    );
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
    let o = xinyu().args(["pack", "--help"]).output().unwrap();
    assert!(o.status.success());
    insta::assert_snapshot!("help_pack", String::from_utf8_lossy(&o.stdout));
    // `xinyu help pack` is the same page.
    let same = xinyu().args(["help", "pack"]).output().unwrap();
    assert_eq!(same.stdout, o.stdout);
    // Every command's page is reviewed, and none has English in it.
    for cmd in [
        "init", "new", "build", "print", "check", "serve", "calendar", "verify", "keygen", "help",
    ] {
        let o = xinyu().args([cmd, "--help"]).output().unwrap();
        assert!(o.status.success(), "{cmd}");
        let page = String::from_utf8_lossy(&o.stdout).into_owned();
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Commands",
            "Print",
            "[default",
            "[possible",
        ] {
            assert!(!page.contains(english), "{cmd} --help: {english}: {page}");
        }
        insta::assert_snapshot!(format!("help_{cmd}"), page);
    }
}

/// Every word clap itself prints is Chinese: no English heading, flag
/// description or error anywhere a teacher looks.
#[test]
fn command_line_mistakes_get_chinese_messages_with_hints() {
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["biuld"],
            "错误：没有 `biuld` 这个命令",
            "你是不是想写 `build`？",
        ),
        (
            &["new", "lessen", "--band", "初中", "--title", "x"],
            "`lessen` 不是 <种类> 可用的值",
            "可用的值：lesson、meeting、handout、guide",
        ),
        (
            &["new", "lesson", "--band", "初中"],
            "缺少必填的参数：--title <标题>",
            "--title 情绪气象站",
        ),
        (&["init"], "缺少必填的参数：<文件夹>", "xinyu init 我的课程"),
        (
            &["pack", "--slto", "1"],
            "不认识的参数 `--slto`",
            "你是不是想写 `--slot`？",
        ),
        (
            &["pack", "--slot", "abc"],
            "`abc` 不能用作 --slot <课次>",
            "这里要写一个数字",
        ),
        (
            &["check", "--format", "xml"],
            "`xml` 不是 --format <格式> 可用的值",
            "可用的值：human、json",
        ),
        (&["help", "pakc"], "没有 `pakc` 这个命令", "可用的命令"),
    ];
    for (args, message, hint) in cases {
        let o = xinyu().args(*args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        insta::assert_snapshot!(format!("cli_error_{}", args.join("_")), err);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(err.contains(hint), "{args:?}: {err}");
        for english in ["error:", "Usage", "help", "For more", "tip:"] {
            assert!(
                !err.contains(english) || english == "help" && err.contains("--help"),
                "{args:?} prints English `{english}`: {err}"
            );
        }
    }
    let o = xinyu().args(["biuld"]).output().unwrap();
    insta::assert_snapshot!("unknown_command", String::from_utf8_lossy(&o.stderr));
    for page in [
        vec!["--help"],
        vec!["new", "--help"],
        vec!["serve", "--help"],
    ] {
        let o = xinyu().args(&page).output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Commands",
            "Print",
            "default:",
            "possible values",
        ] {
            assert!(!out.contains(english), "{page:?} shows `{english}`:\n{out}");
        }
    }
}

/// A training course for 心理委员 with timed parts, and a blank 一生一策 form.
const GUIDE: &str = "---
title: 心理委员培训：学会倾听
audience: [心理教师, 心理委员]
bands: [junior-high]
month: 9
duration: 40
---

## 第一讲：心理委员做什么、不做什么（20分钟）

心理委员是同学和老师之间的桥梁，不是咨询师，也不替同学保守危险的秘密。倾听口诀：先听完，再说话。

## 第二讲：什么时候告诉老师（20分钟）

同学说到不想活了、伤害自己，当天就告诉心理老师或班主任。
";

const PLAN: &str = "---
title: 一生一策个案支持计划（空白模板）
audience: [心理教师, 班主任]
bands: [junior-high]
template: true
---

## 基本信息

- 姓名：＿＿＿＿
- 班级：＿＿＿＿
- 联系电话：（由学校档案室填写）

## 支持措施

1. 每周由班主任谈心一次。
";

#[test]
fn teacher_guides_reach_teachers_and_never_students_or_parents() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    // `new guide` writes a skeleton that builds.
    let o = xinyu()
        .args(["new", "guide"])
        .arg(&p)
        .args([
            "--band",
            "初中",
            "--title",
            "班主任每周排查指南",
            "--month",
            "9",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let skeleton = p.join("guides/junior-high.md");
    assert!(skeleton.is_file());
    // Its prompts are reported until they are written over; the skeleton
    // goes here, so September's packs are made.
    let o = xinyu().arg("check").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("guides/junior-high.md:11:1"), "{err}");
    fs::remove_file(&skeleton).unwrap();
    fs::write(p.join("guides/monitors.md"), GUIDE).unwrap();
    fs::write(p.join("guides/plan-template.md"), PLAN).unwrap();
    let site = tmp.path().join("site");
    let (code, err) = build(&p, &site);
    assert_eq!(code, 0, "{err}");
    assert_offline_and_complete(&site);

    // The site: a list by audience, each guide's page and print copy.
    let list = fs::read_to_string(site.join("guides.html")).unwrap();
    for title in ["心理委员培训：学会倾听", "一生一策个案支持计划（空白模板）"]
    {
        assert!(list.contains(title), "{title} missing from the list");
    }
    assert!(list.contains("给心理委员") && list.contains("给班主任"));
    assert!(!list.contains("班主任每周排查指南"));
    let page = fs::read_to_string(site.join("guides/monitors.html")).unwrap();
    assert!(
        page.contains("倾听口诀") && page.contains("20 分钟"),
        "{page}"
    );
    assert!(site.join("guides/monitors.print.html").is_file());
    let index = fs::read_to_string(site.join("search-index.js")).unwrap();
    assert!(index.contains("心理委员培训：学会倾听"));

    // September's pack carries the month's guides in the teachers' folder.
    let dir = tmp.path().join("pack");
    unzip(&site.join("packs/2026-autumn-s01.zip"), &dir);
    let files = snapshot_tree(&dir);
    let teachers: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("teachers/"))
        .collect();
    assert_eq!(teachers.len(), 2, "{teachers:?}");
    let pack_index = String::from_utf8_lossy(&files["index.html"]).into_owned();
    assert!(pack_index.contains("本月教师指南") && pack_index.contains("心理委员培训：学会倾听"));
    assert!(
        !pack_index.contains("一生一策"),
        "a guide without a month is in no pack"
    );

    // Never in a worksheet, a parent handout or a print-this-fortnight page.
    for (root, tree) in [("site", snapshot_tree(&site)), ("pack", files)] {
        for (path, bytes) in &tree {
            let student_or_parent = path.contains(".worksheet.")
                || path.starts_with("parents/")
                || path.starts_with("print/");
            if student_or_parent {
                let text = String::from_utf8_lossy(bytes);
                assert!(!text.contains("倾听口诀"), "{root}/{path} shows a guide");
            }
        }
    }

    // A filled-in plan is private data: `check` names the line.
    let filled = PLAN.replace("- 姓名：＿＿＿＿", "- 姓名：张小明");
    fs::write(p.join("guides/plan-template.md"), filled).unwrap();
    let o = xinyu().arg("check").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("一生一策模板里填了个人信息：姓名：张小明"),
        "{err}"
    );
    assert!(err.contains("guides/plan-template.md:10:1"), "{err}");
    fs::write(p.join("guides/plan-template.md"), PLAN).unwrap();

    // A parent handout must not lead to a guide.
    let before = snapshot_tree(&site);
    let handout = p.join("parents/emotion-coaching.md");
    let text = fs::read_to_string(&handout).unwrap();
    fs::write(
        &handout,
        format!("{text}\n[给老师看的](../guides/monitors.md)\n"),
    )
    .unwrap();
    let (code, err) = build(&p, &site);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("家长读本链接了教师指南"), "{err}");
    assert!(err.contains("parents/emotion-coaching.md:"), "{err}");
    assert!(
        before == snapshot_tree(&site),
        "a rejected build changed the site"
    );
}

/// Words teachers write that mean what the format means: 秋季 for the
/// autumn term, 讨论 for a discussion; a grade where a band belongs gets
/// the band named.
#[test]
fn everyday_words_are_understood() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let lesson = p.join("lessons/junior-high/02-pause.md");
    let text = fs::read_to_string(&lesson).unwrap();
    let changed =
        text.replacen("term: autumn", "term: 秋季", 1)
            .replacen("forms: [", "forms: [讨论, ", 1);
    assert_ne!(changed, text, "the fixture changed: update this test");
    fs::write(&lesson, changed).unwrap();
    let site = tmp.path().join("site");
    let (code, err) = build(&p, &site);
    assert_eq!(code, 0, "{err}");
    let page = fs::read_to_string(site.join("lessons/junior-high/02-pause.html")).unwrap();
    assert!(page.contains("问题辨析"), "讨论 is the discussion form");
    // Exam weeks and holidays are weeks without lessons, not all holidays.
    let print = fs::read_to_string(site.join("calendars/2026-autumn-print.html")).unwrap();
    assert!(print.contains("（不排课）") && !print.contains("（放假）"));
    let o = xinyu()
        .arg("pack")
        .arg(&p)
        .args(["--band", "七年级"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("初中（junior-high）") && err.contains("七年级属于初中"),
        "{err}"
    );
}

#[test]
fn quiet_shows_only_errors_and_verbose_shows_each_step() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let o = xinyu().args(args).output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let base = fixture("base");
    let out = tmp.path().join("site");
    let out = out.to_str().unwrap();
    // The base fixture has a warning (too few handouts): --quiet hides it
    // and the summary; no progress bar is drawn into a pipe either way.
    let (code, err) = run(&["build", base.to_str().unwrap(), "--out", out, "--quiet"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "", "--quiet printed: {err}");
    let (code, err) = run(&["-v", "build", base.to_str().unwrap(), "--out", out]);
    assert_eq!(code, Some(0), "{err}");
    for want in ["读取和检查", "生成：", ".zip  ", "sha256", "警告", "已生成"] {
        assert!(err.contains(want), "--verbose lacks {want}: {err}");
    }
    assert!(!err.contains("[==") && !err.contains('\r'), "{err}");
    // Errors still show under --quiet.
    let broken = tmp.path().join("p");
    copy_tree(&base, &broken);
    fs::write(
        broken.join("lessons/junior-high/03-broken.md"),
        "no front matter\n",
    )
    .unwrap();
    let (code, err) = run(&["check", broken.to_str().unwrap(), "-q"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("错误") && !err.contains("警告："), "{err}");
}

/// The progress bar counts each job of the plan once, also the pages the
/// search index makes as it reads their docs (a bar that stops short or
/// runs over looks broken to the teacher watching it).
#[test]
fn a_site_run_ticks_once_per_job() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use xinyu::render::{Renderer, pipeline};
    let root = repo().join("examples/minimal");
    let gate = xinyu::gate::open(&root, &xinyu::gate::Scope::default());
    let c = gate.curriculum.expect("the example loads");
    let plan = xinyu::plan::Plan::new(&c, xinyu::plan::Release::Ready);
    let Ok(renderer) = Renderer::new(&root, &c) else {
        panic!("the theme does not load");
    };
    let ticks = AtomicUsize::new(0);
    let tick = || {
        ticks.fetch_add(1, Ordering::Relaxed);
    };
    let run = pipeline::Run {
        root: &root,
        plan: &plan,
        renderer: &renderer,
        pdf_browser: None,
        zip_path: xinyu::plan::paths::pack_zip,
        tick: Some(&tick),
        signer: None,
    };
    let jobs = plan.site(true);
    let out = xinyu::writer::Scratch::new().unwrap();
    let Ok(summary) = pipeline::run(&run, &jobs, &out) else {
        panic!("the example does not build");
    };
    assert!(summary.pages > 5, "{} pages", summary.pages);
    assert!(jobs.contains(&xinyu::plan::Job::Search));
    assert_eq!(ticks.into_inner(), jobs.len());
}
