//! `xinyu init` and `xinyu new`: valid skeletons, the next free order,
//! ASCII file names, and nothing ever overwritten.

use crate::common::*;
use std::fs;

#[test]
fn init_makes_a_project_that_builds_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("新项目");
    let o = xinyu()
        .arg("init")
        .arg(&dir)
        .env("XINYU_TODAY", "2026-11-22")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "xinyu.toml",
        "calendars/2026-autumn.toml",
        "meetings/autumn-09-01.md",
        "parents/autumn-1.md",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    for b in [
        "lower-primary",
        "middle-primary",
        "upper-primary",
        "junior-high",
        "senior-high",
    ] {
        assert!(dir.join(format!("lessons/{b}/autumn-01.md")).is_file());
    }
    let (code, err) = build(&dir, &tmp.path().join("site"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 个错误"), "{err}");
    let o = xinyu()
        .arg("check")
        .arg(&dir)
        .env("XINYU_TODAY", "2026-11-22")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A second init changes nothing.
    fs::write(dir.join("xinyu.toml"), "title = \"我改过的\"\n").unwrap();
    let o = xinyu().arg("init").arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        fs::read_to_string(dir.join("xinyu.toml")).unwrap(),
        "title = \"我改过的\"\n"
    );
}

#[test]
fn new_writes_complete_skeletons_at_the_next_free_order() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    let new = |args: &[&str]| {
        let o = xinyu().arg("new").args(args).arg(&p).output().unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).trim().to_string(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    // Junior high has orders 1 and 2 in autumn: the new lesson is order 3.
    let (code, path, err) = new(&[
        "lesson",
        "--band",
        "初中",
        "--title",
        "压力小气球",
        "--term",
        "autumn",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(path.ends_with("lessons/junior-high/autumn-03.md"), "{path}");
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("order: 3")
            && text.contains("duration: 45")
            && text.contains("title: \"压力小气球\"")
    );
    for field in [
        "objectives:",
        "cognitive:",
        "affective:",
        "behavioral:",
        "key_points:",
        "difficulties:",
        "materials:",
        "forms:",
        "areas:",
        "## 活动过程",
        "## 学习单",
    ] {
        assert!(text.contains(field), "{field} missing");
    }
    let (code, path, err) = new(&[
        "meeting",
        "--band",
        "junior-high,senior-high",
        "--title",
        "春天的班会",
        "--term",
        "spring",
        "--month",
        "4",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(path.ends_with("meetings/spring-04.md"), "{path}");
    let (code, path, err) = new(&[
        "handout",
        "--band",
        "junior-high",
        "--title",
        "第二份读本",
        "--term",
        "autumn",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(path.ends_with("parents/junior-high-autumn-2.md"), "{path}");
    assert!(fs::read_to_string(&path).unwrap().contains("order: 2"));
    // Everything still builds (the new lesson needs a third slot: a warning, not an error).
    let (code, err) = build(&p, &tmp.path().join("site"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 个错误"), "{err}");
    // Bad arguments are usage errors.
    assert_eq!(
        new(&["lesson", "--band", "middle-school", "--title", "x"]).0,
        2
    );
    assert_eq!(
        new(&[
            "lesson", "--band", "初中", "--title", "x", "--term", "summer"
        ])
        .0,
        2
    );
}

#[test]
fn titles_with_yaml_punctuation_are_quoted() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("p");
    copy_tree(&fixture("base"), &p);
    for title in ["第3课: 情绪", "#1 情绪", "[草稿]情绪", "他说\"你好\""] {
        let o = xinyu()
            .args(["new", "handout"])
            .arg(&p)
            .args(["--band", "初中", "--term", "autumn", "--title", title])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{title}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let (code, err) = build(&p, &tmp.path().join("site"));
    assert_eq!(code, 0, "{err}");
}

/// Runs `xinyu ARGS` on a fixed day; (exit code, stdout, stderr).
fn run(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let o = xinyu()
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

/// Replaces every prompt the skeletons write in every text file of `dir`.
fn fill_placeholders(dir: &std::path::Path) {
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        let ext = e.path().extension().and_then(|x| x.to_str());
        if !matches!(ext, Some("md" | "toml")) {
            continue;
        }
        let mut text = fs::read_to_string(e.path()).unwrap();
        for p in xinyu::scaffold::PLACEHOLDERS {
            text = text.replace(p.text, "已写好的内容");
        }
        fs::write(e.path(), text).unwrap();
    }
}

#[test]
fn a_new_project_names_its_placeholders_and_is_packed_only_when_they_are_filled() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    let (code, _, err) = run(&[os("init"), dir.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    // Nobody has called the hotlines yet: no date says so.
    let settings = fs::read_to_string(dir.join("xinyu.toml")).unwrap();
    assert!(!settings.contains("verified_on = 2026-11-22"), "{settings}");
    assert!(
        !settings
            .lines()
            .any(|l| l.trim_start().starts_with("verified_on")),
        "{settings}"
    );
    let line_of = |text: &str, needle: &str| {
        text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
    };

    // `check`: every prompt with file:line:column, as warnings.
    let (code, out, err) = run(&[os("check"), dir.as_os_str(), os("--format"), os("json")]);
    assert_eq!(code, 0, "{err}");
    let found: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |file: &str, msg: &str| {
        found
            .iter()
            .find(|d| d["file"] == file && d["message"].as_str().unwrap().contains(msg))
            .unwrap_or_else(|| panic!("no `{msg}` in {file}:\n{out}"))
    };
    let lesson = "lessons/junior-high/autumn-01.md";
    let lesson_text = fs::read_to_string(dir.join(lesson)).unwrap();
    // One finding per file: at its first prompt, naming the lines of the
    // others (the activity names among them).
    let prompts = find(lesson, "处没写完的占位提示");
    assert_eq!(prompts["severity"], "warning");
    let first = line_of(&lesson_text, "（");
    assert_eq!(prompts["line"], first);
    let first_text = lesson_text.lines().nth(first as usize - 1).unwrap();
    let column = first_text[..first_text.find('（').unwrap()].chars().count() as u64 + 1;
    assert_eq!(prompts["column"], column);
    let activity = line_of(&lesson_text, "### 暖身导入");
    let hint = prompts["hint"].as_str().unwrap();
    assert!(
        hint.contains("其余在第") && hint.contains(&activity.to_string()),
        "{hint}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|d| d["file"] == lesson && d["message"].as_str().unwrap().contains("占位提示"))
            .count(),
        1
    );
    let publisher = find("xinyu.toml", "（教研室或学校名称）");
    assert_eq!(publisher["line"], line_of(&settings, "publisher"));
    assert_eq!(publisher["column"], 14);
    let hotline = find("xinyu.toml", "还没有核实");
    assert_eq!(hotline["line"], line_of(&settings, "\"12356\""));
    assert!(
        hotline["hint"]
            .as_str()
            .unwrap()
            .contains("verified_on = 2026-11-22")
    );
    for d in found
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("占位提示"))
    {
        assert!(
            d["line"].as_u64() > Some(0) && d["column"].as_u64() > Some(0),
            "{d}"
        );
    }
    assert!(find("meetings/autumn-09-01.md", "占位提示")["line"].as_u64() > Some(0));
    assert!(find("parents/autumn-1.md", "占位提示")["line"].as_u64() > Some(0));

    // `build` previews the draft with the same warnings, but makes no pack.
    let site = tmp.path().join("site");
    let (code, err) = build(&dir, &site);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 个错误"), "{err}");
    assert!(
        err.contains(&format!("{lesson}:")) && err.contains("处没写完的占位提示"),
        "{err}"
    );
    assert!(err.contains("这次没有生成"), "{err}");
    assert!(
        !snapshot_tree(&site).keys().any(|k| k.ends_with(".zip")),
        "a pack with prompts was published"
    );

    // `pack` and `print` refuse, naming each prompt as an error.
    let packs = tmp.path().join("packs");
    let (code, _, err) = run(&[os("pack"), dir.as_os_str(), os("--out"), packs.as_os_str()]);
    assert_eq!(code, 1, "{err}");
    // One finding per file, at its first prompt, counting the rest.
    assert!(
        err.contains("错误：还有 ") && err.contains("处没写完的占位提示，第一处是“"),
        "{err}"
    );
    assert!(err.contains("xinyu.toml:3:14"), "{err}");
    assert!(!packs.exists() || snapshot_tree(&packs).is_empty());
    let pdf = tmp.path().join("pdf");
    let (code, _, err) = run(&[os("print"), dir.as_os_str(), os("--out"), pdf.as_os_str()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("处没写完的占位提示"), "{err}");

    // Filled in, the project packs.
    fill_placeholders(&dir);
    let (_, out, _) = run(&[os("check"), dir.as_os_str(), os("--format"), os("json")]);
    assert!(!out.contains("占位提示"), "{out}");
    let (code, _, err) = run(&[os("pack"), dir.as_os_str(), os("--out"), packs.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert!(packs.join("2026-autumn-s01.zip").is_file());

    // A draft for a later slot holds back only the packs that carry it.
    let (code, _, err) = run(&[
        os("new"),
        os("lesson"),
        dir.as_os_str(),
        os("--band"),
        os("初中"),
        os("--title"),
        os("草稿"),
        os("--term"),
        os("autumn"),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&[os("pack"), dir.as_os_str(), os("--out"), packs.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("警告：还有 ") && err.contains("处没写完的占位提示"),
        "{err}"
    );
    let (code, _, err) = run(&[
        os("pack"),
        dir.as_os_str(),
        os("--band"),
        os("junior-high"),
        os("--slot"),
        os("2"),
        os("--out"),
        packs.as_os_str(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("错误：还有 ")
            && err.contains("处没写完的占位提示")
            && err.contains("lessons/junior-high/autumn-02.md:"),
        "{err}"
    );
}
