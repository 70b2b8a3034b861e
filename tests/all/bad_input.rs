//! Every kind of bad input: a clear error naming file and line, a non-zero
//! exit, and the previous output left exactly as it was. The wording of
//! each message is snapshot-tested so changes to it are reviewed.

use crate::common::*;
use std::fs;

/// One fixture folder per kind of bad input, each laid over `base/`.
#[test]
fn each_bad_input_is_reported_and_leaves_previous_output_untouched() {
    let cases_dir = fixture("bad");
    let mut cases: Vec<_> = fs::read_dir(&cases_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected the full set of bad-input fixtures, found {}",
        cases.len()
    );
    for case in cases {
        let tmp = tempfile::tempdir().unwrap();
        let project = tmp.path().join("project");
        let out = tmp.path().join("site");
        copy_tree(&fixture("base"), &project);
        let (code, err) = build(&project, &out);
        assert_eq!(code, 0, "{case}: the base project must build first:\n{err}");
        let before = snapshot_tree(&out);

        copy_tree(&cases_dir.join(&case), &project);
        let (code, err) = build(&project, &out);
        let expect = fs::read_to_string(cases_dir.join(&case).join("EXPECT")).unwrap();
        let expect = expect.trim();
        assert_eq!(code, 1, "{case}: a bad input must fail the build:\n{err}");
        assert!(
            err.contains(expect),
            "{case}: message must name `{expect}`:\n{err}"
        );
        assert!(err.contains("错误"), "{case}: {err}");
        assert!(!err.contains("panicked"), "{case}: {err}");
        assert_eq!(
            snapshot_tree(&out),
            before,
            "{case}: the previous output changed"
        );
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("xinyu-tmp") || n.contains("xinyu-old"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{case}: staging folders left behind: {leftovers:?}"
        );
        insta::assert_snapshot!(format!("bad_{case}"), err);
    }
}

#[test]
fn a_folder_without_settings_is_not_a_project() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, err) = build(tmp.path(), &tmp.path().join("site"));
    assert_eq!(code, 1);
    assert!(err.contains("没有 xinyu.toml"), "{err}");
    assert!(!tmp.path().join("site").exists());
}

#[test]
fn gbk_files_are_converted_with_a_warning_not_garbled() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    let path = project.join("parents/emotion-coaching.md");
    let text = fs::read_to_string(&path).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    fs::write(&path, &gbk).unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("警告"), "{err}");
    assert!(err.contains("parents/emotion-coaching.md"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
    let page = fs::read_to_string(out.join("parents/emotion-coaching.html")).unwrap();
    assert!(
        page.contains("孩子情绪大的时候"),
        "the converted text must read correctly"
    );
}

#[test]
fn a_foreign_output_folder_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("我的文档");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("论文.docx"), b"precious").unwrap();
    let (code, err) = build(&fixture("base"), &out);
    assert_eq!(code, 1);
    assert!(err.contains("不是 xinyu 生成的"), "{err}");
    assert_eq!(fs::read(out.join("论文.docx")).unwrap(), b"precious");
}

#[test]
fn output_cannot_be_the_project_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    let before = snapshot_tree(&project);
    let (code, err) = build(&project, &project);
    assert_eq!(code, 1);
    assert!(err.contains("包含项目本身"), "{err}");
    assert_eq!(snapshot_tree(&project), before);
}

#[test]
fn all_errors_of_a_build_are_reported_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    for case in [
        "unknown-field",
        "speaker-not-in-roles",
        "calendar-not-monday",
    ] {
        copy_tree(&fixture("bad").join(case), &project);
    }
    let (code, err) = build(&project, &tmp.path().join("site"));
    assert_eq!(code, 1);
    assert!(err.contains("3 个错误"), "{err}");
}

#[test]
fn a_file_that_fails_to_load_is_not_also_reported_as_a_broken_link() {
    // 01 links to 02 and names a handout; break 02 and the handout.
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    for rel in [
        "lessons/junior-high/02-pause.md",
        "parents/emotion-coaching.md",
    ] {
        let path = project.join(rel);
        let text = fs::read_to_string(&path)
            .unwrap()
            .replacen("title:", "titel:", 1);
        fs::write(&path, text).unwrap();
    }
    let (code, err) = build(&project, &tmp.path().join("site"));
    assert_eq!(code, 1);
    assert!(
        err.contains("2 个错误"),
        "only the two broken files are reported:\n{err}"
    );
    assert!(!err.contains("不存在") && !err.contains("找不到"), "{err}");
}

#[test]
fn a_link_through_a_drive_letter_is_refused_and_nothing_is_copied() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    let path = project.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("(02-pause.md)", "(../../C:/Users/老师/名单.xlsx)");
    fs::write(&path, text).unwrap();
    let (code, err) = build(&project, &tmp.path().join("site"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("指到了项目文件夹外面"), "{err}");
}

#[test]
fn two_inputs_for_one_output_file_are_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    // Same pack names: the calendar file and a Chinese-named copy of it.
    fs::copy(
        project.join("calendars/2026-autumn.toml"),
        project.join("calendars/2026秋季.toml"),
    )
    .unwrap();
    let (code, err) = build(&project, &tmp.path().join("site"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("课程包会重名"), "{err}");
    fs::remove_file(project.join("calendars/2026秋季.toml")).unwrap();
    // `a.print.md` would become the print page of `a.md`.
    let lesson = fs::read_to_string(project.join("lessons/junior-high/02-pause.md"))
        .unwrap()
        .replace("order: 2", "order: 3");
    fs::write(
        project.join("lessons/junior-high/01-emotion-weather.print.md"),
        lesson,
    )
    .unwrap();
    let (code, err) = build(&project, &tmp.path().join("site"));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("两个不同的输入都要生成 lessons/junior-high/01-emotion-weather.print.html"),
        "{err}"
    );
}

#[test]
fn upper_case_extensions_still_make_html_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    fs::rename(
        project.join("lessons/junior-high/02-pause.md"),
        project.join("lessons/junior-high/02-pause.MD"),
    )
    .unwrap();
    let path = project.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("(02-pause.md)", "(02-pause.MD)");
    fs::write(&path, text).unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("lessons/junior-high/02-pause.html").is_file());
    assert_offline_and_complete(&out);
}
