//! `xinyu check`: safe messaging, privacy and teaching checks with exact
//! positions, JSON for machines, and the exit codes CI relies on.

use crate::common::*;
use serde_json::Value;
use std::fs;

fn check(project: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let o = xinyu()
        .arg("check")
        .arg(project)
        .args(args)
        .env("XINYU_TODAY", "2026-11-22")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_shipped_curriculum_passes_every_check() {
    let (code, _, err) = check(&repo().join("curriculum"), &["--deny-warnings"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn unsafe_and_private_content_is_found_at_its_exact_place() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let jh = p.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&jh).unwrap().replace(
        "初一学生刚进入新环境，情绪起伏大。",
        "初一学生刚进入新环境，情绪起伏大。\n\n有同学说想跳楼，也有人想自伤。联系电话 13912345678，或 010-12345678。\n\n学号：20260101 的同学，身份证 11010519491231002X。\n\n案例：小王最近很难过。",
    );
    let line_with = |text: &str, needle: &str| {
        text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
    };
    let (l_jump, l_id) = (line_with(&text, "跳楼"), line_with(&text, "学号"));
    fs::write(&jh, text).unwrap();
    let lp = p.join("lessons/lower-primary/01-hello.md");
    let text = fs::read_to_string(&lp)
        .unwrap()
        .replace("拍手歌。", "拍手歌。不要想自杀的事。");
    let l_lp = line_with(&text, "自杀");
    fs::write(&lp, text).unwrap();
    let (code, out, err) = check(&p, &["--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let found: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let at = |file: &str, msg: &str| -> Value {
        found
            .iter()
            .find(|d| d["file"] == file && d["message"].as_str().unwrap().contains(msg))
            .unwrap_or_else(|| panic!("no `{msg}` in {file}:\n{out}"))
            .clone()
    };
    let f = "lessons/junior-high/01-emotion-weather.md";
    let means = at(f, "跳楼");
    assert_eq!(
        (
            means["severity"].as_str(),
            means["line"].as_u64(),
            means["column"].as_u64()
        ),
        (Some("error"), Some(l_jump), Some(6))
    );
    let mobile = at(f, "手机号码");
    assert_eq!(
        (mobile["line"].as_u64(), mobile["column"].as_u64()),
        (Some(l_jump), Some(21))
    );
    assert_eq!(at(f, "没有登记为求助热线")["line"], l_jump);
    assert_eq!(at(f, "学号")["line"], l_id);
    assert_eq!(at(f, "身份证号")["column"], 21);
    assert_eq!(at(f, "身份证号")["line"], l_id);
    assert_eq!(at(f, "没有说明是虚构")["severity"], "error");
    assert_eq!(at(f, "没有标 sensitive")["severity"], "warning");
    let lp = at("lessons/lower-primary/01-hello.md", "小学低年级");
    assert_eq!(
        (lp["severity"].as_str(), lp["line"].as_u64()),
        (Some("error"), Some(l_lp))
    );
    assert!(lp["hint"].as_str().unwrap().contains("信任的大人"));
    // Human format shows the line with a caret under the exact span.
    let (_, _, human) = check(&p, &[]);
    assert!(
        human.contains(&format!(
            "lessons/junior-high/01-emotion-weather.md:{l_jump}:6"
        )),
        "{human}"
    );
    assert!(human.contains("^^^^"), "{human}");
}

#[test]
fn personal_data_in_a_local_fact_is_found_in_the_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let settings = p.join("xinyu.toml");
    let mut text = fs::read_to_string(&settings).unwrap();
    text.push_str(
        "\n[facts]\n\"心理老师\" = \"王老师 13912345678\"\n\"咨询室电话\" = \"0551-1234567\"\n\"热线\" = \"{{全国统一心理援助热线}}\"\n",
    );
    let line = text.lines().count() as u64 - 2;
    fs::write(&settings, text).unwrap();
    let (code, out, err) = check(&p, &["--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let found: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|d: &Value| d["file"] == "xinyu.toml")
        .collect();
    let place = |d: &Value| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap());
    assert_eq!(found.len(), 2, "{out}");
    // `"心理老师" = "王老师 ` is 14 characters; `"咨询室电话" = "` 11.
    assert!(found[0]["message"].as_str().unwrap().contains("手机号码"));
    assert_eq!(place(&found[0]), (line, 15));
    assert!(found[1]["message"].as_str().unwrap().contains("没有登记"));
    assert_eq!(place(&found[1]), (line + 1, 12));
    assert!(found[1]["hint"].as_str().unwrap().contains("[[hotlines]]"));
}

#[test]
fn teaching_checks_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    // A lecture-only lesson, marked sensitive, standing alone.
    let path = p.join("lessons/junior-high/02-pause.md");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("forms: [role-play, training]", "forms: [talk]")
        .replace("duration: 45", "duration: 45\r\nsensitive: true")
        .replace("### 暖身(5分钟)", "### 讲解一(5分钟)")
        .replace("### 情境演练(30分钟)", "### 讲解二(30分钟)")
        .replace("### 总结(10分钟)", "### 讲解三(10分钟)");
    fs::write(&path, text).unwrap();
    let (code, out, err) = check(&p, &["--format", "json"]);
    assert_eq!(code, 0, "warnings alone do not fail:\n{err}");
    for msg in [
        "只有专题讲座",
        "看不出有学生活动",
        "敏感话题的课单独出现",
        "秋季学期的家长读本不够",
        "初中只有 1 份",
        "小学低年级只有 0 份",
    ] {
        assert!(out.contains(msg), "missing `{msg}`:\n{out}");
    }
    let (code, _, _) = check(&p, &["--deny-warnings"]);
    assert_eq!(code, 1);
    // Hotlines checked long ago.
    let o = xinyu()
        .arg("check")
        .arg(&p)
        .env("XINYU_TODAY", "2027-09-01")
        .args(["--format", "json"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("已超过 180 天") && out.contains("\"line\":8"),
        "{out}"
    );
    // Usage errors exit with 2.
    let o = xinyu()
        .arg("check")
        .arg(&p)
        .args(["--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_office_can_extend_the_word_lists() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    fs::create_dir_all(p.join("rules")).unwrap();
    fs::write(
        p.join("rules/check.toml"),
        "[means]\nwords = [\"天气预报\"]\n",
    )
    .unwrap();
    let (code, out, _) = check(&p, &["--format", "json"]);
    assert_eq!(code, 1);
    assert!(out.contains("天气预报"), "{out}");
    fs::write(p.join("rules/check.toml"), "[meens]\nwords = []\n").unwrap();
    let (code, out, _) = check(&p, &["--format", "json"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("rules/check.toml") && out.contains("meens"),
        "{out}"
    );
}

/// One check: the text that triggers it and a near miss that must not.
struct Case {
    name: &'static str,
    file: &'static str,
    from: &'static str,
    bad: &'static str,
    good: &'static str,
    needle: &'static str,
}

const LESSON: &str = "lessons/junior-high/01-emotion-weather.md";
const LP: &str = "lessons/lower-primary/01-hello.md";
const HANDOUT: &str = "parents/emotion-coaching.md";
const ANCHOR: &str = "初一学生刚进入新环境，情绪起伏大。";

const CASES: &[Case] = &[
    Case {
        name: "means",
        file: LESSON,
        from: ANCHOR,
        bad: "有人说想割腕。",
        good: "有人说心里很难受。",
        needle: "方法、手段",
    },
    Case {
        name: "lower-primary-suicide",
        file: LP,
        from: "拍手歌。",
        bad: "拍手歌。不要轻生。",
        good: "拍手歌。很难过时告诉信任的大人。",
        needle: "小学低年级",
    },
    Case {
        name: "not-sensitive",
        file: HANDOUT,
        from: "连续两周睡不好、不想上学。",
        bad: "连续两周睡不好，说过想自伤。",
        good: "连续两周睡不好、不想上学。",
        needle: "sensitive",
    },
    Case {
        name: "mobile",
        file: HANDOUT,
        from: "连续两周睡不好、不想上学。",
        bad: "请打 13800138000 联系我。",
        good: "请打 12356 联系我。",
        needle: "手机号码",
    },
    Case {
        name: "landline",
        file: HANDOUT,
        from: "连续两周睡不好、不想上学。",
        bad: "心理室电话 0571-88888888。",
        good: "心理室电话见本页求助信息。",
        needle: "没有登记",
    },
    Case {
        name: "id-card",
        file: LESSON,
        from: ANCHOR,
        bad: "证件 330106200001011234。",
        good: "证件号码不要写进教案。",
        needle: "身份证",
    },
    Case {
        name: "student-number",
        file: LESSON,
        from: ANCHOR,
        bad: "学号：20260315。",
        good: "学号不要写进教案。",
        needle: "学号",
    },
    Case {
        name: "case-not-fictional",
        file: LESSON,
        from: ANCHOR,
        bad: "案例：小李考试没考好。",
        good: "以下案例为虚构。案例：小李（化名）考试没考好。",
        needle: "虚构",
    },
    Case {
        name: "image-without-alt",
        file: LESSON,
        from: "![情绪温度计](thermometer.svg)",
        bad: "![](thermometer.svg)",
        good: "![ 温度计 ](thermometer.svg)",
        needle: "替代文字",
    },
];

#[test]
fn each_check_fires_on_its_case_and_not_on_the_near_miss() {
    for case in CASES {
        for (which, text) in [("bad", case.bad), ("good", case.good)] {
            let tmp = tempfile::tempdir().unwrap();
            let p = tmp.path().join("p");
            copy_tree(&fixture("base"), &p);
            let path = p.join(case.file);
            let original = fs::read_to_string(&path).unwrap();
            assert!(
                original.contains(case.from),
                "{}: anchor missing",
                case.name
            );
            fs::write(&path, original.replacen(case.from, text, 1)).unwrap();
            let (_, out, _) = check(&p, &["--format", "json"]);
            let hits: Vec<&str> = out
                .lines()
                .filter(|l| {
                    l.contains(&format!("\"file\":\"{}\"", case.file)) && l.contains(case.needle)
                })
                .collect();
            if which == "bad" {
                assert_eq!(hits.len(), 1, "{}: expected one finding:\n{out}", case.name);
                let (_, _, human) = check(&p, &[]);
                let block: String = human
                    .split("\n\n")
                    .filter(|b| b.contains(case.file) && b.contains(case.needle))
                    .collect::<Vec<_>>()
                    .join("\n\n");
                insta::assert_snapshot!(format!("check_{}", case.name), block);
            } else {
                assert!(
                    hits.is_empty(),
                    "{}: the near miss was flagged:\n{out}",
                    case.name
                );
            }
        }
    }
}

/// Runs `xinyu <cmd> PROJECT [args]` on a fixed day; (exit code, stderr).
fn publish(cmd: &str, project: &std::path::Path, args: &[&std::ffi::OsStr]) -> (i32, String) {
    let o = xinyu()
        .arg(cmd)
        .arg(project)
        .args(args)
        .env("XINYU_TODAY", "2026-11-22")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `file:line:column` of the first `needle` in `text` (column in characters).
fn place(file: &str, text: &str, needle: &str) -> String {
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap();
    let col = line[..line.find(needle).unwrap()].chars().count() + 1;
    format!("{file}:{}:{col}", i + 1)
}

#[test]
fn privacy_findings_block_build_pack_and_print_and_leave_earlier_output_untouched() {
    fn out(dir: &std::path::Path) -> [&std::ffi::OsStr; 2] {
        ["--out".as_ref(), dir.as_os_str()]
    }
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let (site, packs) = (tmp.path().join("site"), tmp.path().join("packs"));
    assert_eq!(publish("build", &p, &out(&site)).0, 0);
    assert_eq!(publish("pack", &p, &out(&packs)).0, 0);
    let (site_before, packs_before) = (snapshot_tree(&site), snapshot_tree(&packs));
    assert!(!packs_before.is_empty());

    // An ID number in a lesson, a mobile number in a parent handout.
    let lesson = p.join(LESSON);
    let text =
        fs::read_to_string(&lesson)
            .unwrap()
            .replacen(ANCHOR, "证件 330106200001011234。", 1);
    let id_at = place(LESSON, &text, "330106");
    fs::write(&lesson, text).unwrap();
    let handout = p.join(HANDOUT);
    let text = fs::read_to_string(&handout).unwrap().replacen(
        "连续两周睡不好、不想上学。",
        "请打 13800138000 联系我。",
        1,
    );
    let mobile_at = place(HANDOUT, &text, "13800138000");
    fs::write(&handout, text).unwrap();

    let (code, _, checked) = check(&p, &[]);
    assert_eq!(code, 1, "{checked}");
    let pdf = tmp.path().join("pdf");
    for (cmd, dir) in [("build", &site), ("pack", &packs), ("print", &pdf)] {
        let (code, err) = publish(cmd, &p, &out(dir));
        assert_eq!(code, 1, "{cmd} must refuse:\n{err}");
        assert!(
            err.contains(&id_at) && err.contains(&mobile_at),
            "{cmd}: {err}"
        );
        assert!(
            err.contains("身份证号") && err.contains("手机号码"),
            "{err}"
        );
        // The same findings in the same words as `check`.
        assert!(
            err.starts_with(checked.trim_end()),
            "{cmd}:\n{err}\n---\n{checked}"
        );
    }
    assert_eq!(snapshot_tree(&site), site_before, "the site changed");
    assert_eq!(snapshot_tree(&packs), packs_before, "the packs changed");
    assert!(!pdf.exists());
}

#[test]
fn unsafe_messaging_errors_block_and_teaching_warnings_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let site = tmp.path().join("site");
    let packs = tmp.path().join("packs");
    // A lecture-only lesson: a teaching-practice warning.
    let path = p.join("lessons/junior-high/02-pause.md");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("forms: [role-play, training]", "forms: [talk]");
    fs::write(&path, text).unwrap();
    let (_, _, checked) = check(&p, &[]);
    for cmd in ["build", "pack"] {
        let dir = if cmd == "build" { &site } else { &packs };
        let (code, err) = publish(cmd, &p, &["--out".as_ref(), dir.as_os_str()]);
        assert_eq!(code, 0, "{cmd}: a warning must not block:\n{err}");
        assert!(err.contains("只有专题讲座"), "{cmd}: {err}");
        assert!(err.contains("0 个错误"), "{err}");
        assert!(
            err.starts_with(checked.trim_end()),
            "{cmd}:\n{err}\n---\n{checked}"
        );
    }
    // Method words are unsafe messaging: an error for every command.
    let lesson = p.join(LESSON);
    let text = fs::read_to_string(&lesson)
        .unwrap()
        .replacen(ANCHOR, "有人说想割腕。", 1);
    fs::write(&lesson, text).unwrap();
    for cmd in ["build", "pack"] {
        let dir = if cmd == "build" { &site } else { &packs };
        let (code, err) = publish(cmd, &p, &["--out".as_ref(), dir.as_os_str()]);
        assert_eq!(code, 1, "{cmd}: {err}");
        assert!(err.contains("割腕") && err.contains(LESSON), "{cmd}: {err}");
    }
}

#[test]
fn serve_rebuilds_stop_on_the_same_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let out = tmp.path().join("live");
    let (_, mut live) = xinyu::live::full(&p, &out).expect("the base project builds");
    // An edit of one lesson's body takes the quick path: checked all the same.
    let lesson = p.join(LESSON);
    let good = fs::read_to_string(&lesson).unwrap();
    fs::write(&lesson, good.replacen(ANCHOR, "学号：20260315。", 1)).unwrap();
    let before = snapshot_tree(&out);
    let err = live
        .rebuild(&p, &out, &[LESSON.to_string()])
        .expect_err("a student number must stop the preview")
        .page;
    assert!(err.contains("学号") && err.contains(LESSON), "{err}");
    assert_eq!(snapshot_tree(&out), before);
    // A full build refuses it too.
    let err = xinyu::live::full(&p, &out).err().expect("refused").terminal;
    assert!(err.contains("学号"), "{err}");
    // Fixed: the preview comes back.
    fs::write(&lesson, good).unwrap();
    live.rebuild(&p, &out, &[LESSON.to_string()])
        .expect("fixed lesson rebuilds");
}
