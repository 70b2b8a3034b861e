//! The classroom view (课堂投影): built from the 投影 blocks of a fixture
//! lesson and meeting, linked from the teacher's pages and packs, checked
//! for teacher-only text, and driven in headless Chromium from `file://`.

use crate::common::*;
use std::fs;
use std::path::{Path, PathBuf};

const LESSON: &str = "lessons/junior-high/01-emotion-weather";

/// Teacher-only text of the fixture lesson, which no screen may show.
const TEACHER_ONLY: &[&str] = &[
    "今天早上出门时天气怎么样",
    "不强求每个人发言",
    "预设",
    "考试前一晚的温度最高",
    "参考答案",
    "因人而异",
    "示例回答",
    "因为每个人的经历不同",
    "情绪没有好坏",
];

fn project(dir: &Path) -> PathBuf {
    let p = dir.join("p");
    copy_tree(&fixture("base"), &p);
    copy_tree(&fixture("classroom"), &p);
    p
}

fn built() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path());
    let site = tmp.path().join("site");
    let (code, err) = build(&p, &site);
    assert_eq!(code, 0, "{err}");
    (tmp, site)
}

#[test]
fn each_phase_is_a_screen_with_only_what_the_class_sees() {
    let (_tmp, site) = built();
    let html = fs::read_to_string(site.join(format!("{LESSON}.classroom.html"))).unwrap();
    let text = page_text(&html);
    // Every phase, in order, with its minutes; headings from the blocks,
    // or the phase title without its numbering.
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse(".cr-screen").unwrap();
    let h1 = scraper::Selector::parse("h1").unwrap();
    let screens: Vec<(String, String)> = doc
        .select(&sel)
        .map(|s| {
            (
                s.select(&h1).next().unwrap().text().collect(),
                s.value().attr("data-minutes").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        screens,
        [
            ("情绪天气预报", "5"),
            ("情绪温度计", "25"),
            ("说一说", "10"),
            ("总结升华", "5"),
        ]
        .map(|(h, m)| (h.to_string(), m.to_string()))
    );
    assert_eq!(html.matches("class=\"cr-screen").count(), 4);
    assert!(text.contains("四人一组，抽一张情境卡"), "{text}");
    assert!(
        text.contains("请听老师说。"),
        "the unmarked phase's calm default"
    );
    for t in TEACHER_ONLY {
        assert!(
            !text.contains(t),
            "teacher-only `{t}` on the classroom view"
        );
    }
    // The teacher's page boxes the blocks and links the view.
    let teacher = fs::read_to_string(site.join(format!("{LESSON}.html"))).unwrap();
    assert_eq!(
        teacher.matches("<blockquote class=\"projection\">").count(),
        3
    );
    assert!(teacher.contains("01-emotion-weather.classroom.html\""));
    // The meeting: its segments, its 投影 block, never the speakers' lines.
    let m = fs::read_to_string(site.join("meetings/autumn-09-hello.classroom.html")).unwrap();
    let mt = page_text(&m);
    assert_eq!(m.matches("class=\"cr-screen").count(), 3);
    assert!(mt.contains("名字接龙") && mt.contains("说出前面同学的名字"));
    assert!(!mt.contains("欢迎来到新集体") && !mt.contains("谢谢大家"));
    let mp = fs::read_to_string(site.join("meetings/autumn-09-hello.html")).unwrap();
    assert!(mp.contains("autumn-09-hello.classroom.html"));
    // The fortnight's print page links the views.
    let prints: Vec<String> = fs::read_dir(site.join("print"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        prints
            .iter()
            .any(|p| p.contains("01-emotion-weather.classroom.html"))
    );
    // Packs carry the views of their lessons.
    let mut found = false;
    for z in fs::read_dir(site.join("packs")).unwrap() {
        let z = z.unwrap().path();
        let dir = tempfile::tempdir().unwrap();
        unzip(&z, dir.path());
        let v = dir.path().join("lessons/junior-high.classroom.html");
        if v.is_file() {
            found |= fs::read_to_string(&v).unwrap().contains("情绪天气预报");
            assert!(dir.path().join("static/classroom.js").is_file());
        }
    }
    assert!(found, "no pack carries the lesson's classroom view");
}

#[test]
fn teacher_text_in_a_block_and_empty_views_are_warned_with_their_place() {
    let tmp = tempfile::tempdir().unwrap();
    let p = project(tmp.path());
    let f = p.join(format!("{LESSON}.md"));
    let text = fs::read_to_string(&f).unwrap().replace(
        "> 同一件事，为什么",
        "> 参考答案：经历不同。\n>\n> 同一件事，为什么",
    );
    let line = text
        .lines()
        .position(|l| l.contains("参考答案：经历不同"))
        .unwrap()
        + 1;
    fs::write(&f, text).unwrap();
    let o = xinyu().arg("check").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains(&format!("{LESSON}.md:{line}:3")), "{err}");
    assert!(err.contains("投影给学生看的内容里有“参考答案”"), "{err}");
    // The other lessons have no 投影 block: each named (three files, not folded).
    assert!(err.contains("课堂投影的每一屏都只有标题"), "{err}");
    assert!(err.contains("lessons/junior-high/02-pause.md"), "{err}");
}

/// A copy of `page` that first replaces the clock with one the test moves,
/// and after the view's script presses `keys` and advances the clock,
/// writing what it saw into `#log`.
fn scripted(page: &Path, steps: &str) -> PathBuf {
    let html = fs::read_to_string(page).unwrap();
    let clock = r#"<script>
var fakeNow = 1000000, timers = [];
Date.now = function () { return fakeNow; };
window.setInterval = function (f) { timers.push(f); return timers.length; };
function advance(ms) { fakeNow += ms; timers.forEach(function (f) { f(); }); }
function key(k) { document.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true })); }
function seen(label) {
  var cur = document.querySelector(".cr-screen.cr-current h1").textContent;
  var shown = Array.prototype.filter.call(document.querySelectorAll(".cr-screen"), function (s) { return getComputedStyle(s).display !== "none"; }).length;
  var log = document.getElementById("log") || document.body.appendChild(Object.assign(document.createElement("pre"), { id: "log" }));
  log.textContent += label + "|" + cur + "|" + shown + "|" + document.getElementById("cr-part").textContent + "|" + document.getElementById("cr-total").textContent + "\n";
}
</script>"#;
    let html = html
        .replacen("<head>", &format!("<head>{clock}"), 1)
        .replacen("</body>", &format!("<script>{steps}</script></body>"), 1);
    let out = page.with_file_name("scripted.classroom.html");
    fs::write(&out, html).unwrap();
    out
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn the_view_moves_with_clicker_keys_and_the_timer_counts_down() {
    let (_tmp, site) = built();
    let page = site.join(format!("{LESSON}.classroom.html"));
    let steps = r#"
seen("start");
key("PageDown"); seen("pagedown");
key("ArrowRight"); seen("right");
key("PageUp"); seen("pageup");
key(" "); advance(61000); seen("ran61");
key(" "); advance(300000); seen("paused");
key("ArrowDown"); key("ArrowDown"); key("ArrowDown"); seen("end");
key(" "); advance(6 * 60000); seen("over");
"#;
    let (dom, requested) = chromium_load(&chromium(), &scripted(&page, steps));
    for r in &requested {
        assert!(r.is_file(), "requested {} which is not there", r.display());
    }
    let log: Vec<&str> = dom
        .split("<pre id=\"log\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("no log:\n{dom}"))
        .lines()
        .collect();
    assert_eq!(
        log,
        [
            "start|情绪天气预报|1|5:00|45:00",
            "pagedown|情绪温度计|1|25:00|45:00",
            "right|说一说|1|10:00|45:00",
            "pageup|情绪温度计|1|25:00|45:00",
            "ran61|情绪温度计|1|23:59|43:59",
            "paused|情绪温度计|1|23:59|43:59",
            "end|总结升华|1|5:00|43:59",
            "over|总结升华|1|超时 1:00|37:59",
        ],
        "{dom}"
    );
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn body_text_is_at_least_32_px_at_1280x720() {
    // Body text at 1280×720: at least 32 px.
    let (_tmp, site) = built();
    let page = site.join(format!("{LESSON}.classroom.html"));
    let steps = r#"
var p = document.querySelector(".cr-current .cr-content p");
var log = document.body.appendChild(Object.assign(document.createElement("pre"), { id: "log" }));
log.textContent = innerWidth + "|" + parseFloat(getComputedStyle(p).fontSize);
"#;
    let html = fs::read_to_string(&page).unwrap().replacen(
        "</body>",
        &format!("<script>{steps}</script></body>"),
        1,
    );
    let out = page.with_file_name("size.classroom.html");
    fs::write(&out, html).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1280,720",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", out.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let log = dom
        .split("<pre id=\"log\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or("");
    let (w, px) = log.split_once('|').unwrap_or_else(|| panic!("{dom}"));
    assert_eq!(w, "1280", "{dom}");
    assert!(px.parse::<f64>().unwrap() >= 32.0, "body text {px} px");
}
