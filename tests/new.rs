//! `xinyu init` and `xinyu new`: valid skeletons, the next free order,
//! ASCII file names, and nothing ever overwritten.

mod common;
use common::*;
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
