//! Hardening: no input can crash xinyu, corrupt its output or leak into a
//! pack. Each test names the threat it covers in HARDENING.md.

use crate::common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A lesson for `lessons/junior-high/` with order `order` and `body` after
/// a complete 45-minute `## 活动过程`.
fn lesson(title: &str, order: u32, extra: &str) -> String {
    format!(
        "---\ntitle: {title}\nterm: autumn\norder: {order}\nduration: 45\nareas: [emotions]\nforms: [game]\nobjectives:\n  cognitive: 知道情绪没有好坏之分\n  affective: 愿意接纳自己的情绪\n  behavioral: 学会描述感受\n---\n\n## 活动过程\n\n### 暖身（5分钟）\n\n说说心情。\n\n### 主题活动（30分钟）\n\n四人一组。\n\n### 分享（10分钟）\n\n说一说。\n\n{extra}"
    )
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("xinyu")
}

// --- Paths ---------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_project_is_an_error_and_never_copied() {
    let (tmp, project, out) = base_project();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let before = snapshot_tree(&out);
    let secret = tmp.path().join("secret.txt");
    fs::write(&secret, "TOP-SECRET-12345").unwrap();
    let dir = project.join("lessons/junior-high");
    std::os::unix::fs::symlink(&secret, dir.join("notes.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), dir.join("up")).unwrap();
    let extra = "[笔记](notes.txt)\n\n![图](up/secret.txt)\n";
    let text = lesson("情绪气象站", 1, extra);
    let line = text.lines().position(|l| l.starts_with("[笔记]")).unwrap() + 1;
    fs::write(dir.join("01-emotion-weather.md"), &text).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    for l in [line, line + 2] {
        let at = format!("lessons/junior-high/01-emotion-weather.md:{l}:1");
        assert!(err.contains(&at), "must name {at}:\n{err}");
    }
    assert!(err.contains("项目文件夹外面"), "{err}");
    assert_eq!(snapshot_tree(&out), before, "previous output changed");

    // A lesson file or an assets folder that is a symlink out of the tree.
    fs::write(
        dir.join("01-emotion-weather.md"),
        lesson("情绪气象站", 1, ""),
    )
    .unwrap();
    fs::remove_file(dir.join("notes.txt")).unwrap();
    fs::remove_file(dir.join("up")).unwrap();
    let outside = tmp.path().join("outside.md");
    fs::write(&outside, lesson("外面的课", 3, "")).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("03-outside.md")).unwrap();
    // (An empty assets/ may exist in a working copy, never in a clone.)
    let _ = fs::remove_dir(project.join("assets"));
    std::os::unix::fs::symlink(tmp.path(), project.join("assets")).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("lessons/junior-high/03-outside.md"), "{err}");
    assert!(err.contains("assets"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot_tree(&out), before, "previous output changed");
    let all = snapshot_tree(&out);
    assert!(
        all.values()
            .all(|b| !String::from_utf8_lossy(b).contains("TOP-SECRET"))
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_project_still_works() {
    let (_tmp, project, out) = base_project();
    let dir = project.join("lessons/junior-high");
    std::os::unix::fs::symlink("thermometer.svg", dir.join("t2.svg")).unwrap();
    let text = lesson("情绪气象站", 1, "![温度计](t2.svg)\n");
    fs::write(dir.join("01-emotion-weather.md"), text).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    assert!(out.join("lessons/junior-high/t2.svg").is_file());
}

#[test]
fn zip_entries_are_relative_and_clean() {
    let out = shared_base().site();
    let mut zips = 0;
    for (rel, bytes) in snapshot_tree(out) {
        if !rel.ends_with(".zip") {
            continue;
        }
        zips += 1;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..z.len() {
            let f = z.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            assert!(f.enclosed_name().is_some(), "{rel}: unsafe entry {name}");
            assert!(
                !name.starts_with('/')
                    && !name.contains('\\')
                    && !name.contains(':')
                    && name
                        .split('/')
                        .all(|s| !s.is_empty() && s != "." && s != ".."),
                "{rel}: unclean entry {name}"
            );
            assert!(name.is_ascii(), "{rel}: non-ASCII entry {name}");
        }
    }
    assert!(zips > 0);
}

// --- Interrupted builds ---------------------------------------------------

/// Kills `cmd` after `delay`; returns true when it finished first.
fn run_and_kill(mut cmd: Command, delay: Duration) -> bool {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    // SIGKILL on Unix: no destructors, no cleanup.
    child.kill().unwrap();
    child.wait().unwrap();
    false
}

/// Snapshot of a folder without hidden files left by an interrupted write
/// (`.name.tmp`), which readers never see as output.
fn visible_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot_tree(dir)
        .into_iter()
        .filter(|(k, _)| !k.rsplit('/').next().unwrap_or("").ends_with(".tmp"))
        .collect()
}

/// The project in one of two states that build differently.
fn set_state(project: &Path, b: bool) {
    let dir = project.join("lessons/junior-high");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let path = &files[0];
    let text = fs::read_to_string(path).unwrap();
    let marked = text.contains("\ntitle: （修订）");
    let text = match (b, marked) {
        (true, false) => text.replacen("\ntitle: ", "\ntitle: （修订）", 1),
        (false, true) => text.replacen("\ntitle: （修订）", "\ntitle: ", 1),
        _ => text,
    };
    fs::write(path, text).unwrap();
}

/// Builds (or packs) state A and state B once each, then repeatedly starts
/// the command for the other state and kills it after a growing delay: the
/// output must always be exactly A or exactly B, and the next run must work.
fn killed_runs_never_leave_partial_output(args: &[&str], what: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    copy_tree(&repo().join("curriculum"), &project);
    let out = tmp.path().join("out");
    let run = |state: bool| {
        set_state(&project, state);
        let mut c = Command::new(bin());
        c.args(args).arg(&project).arg("--out").arg(&out);
        c
    };
    let ok = |mut c: Command| {
        let o = c.output().unwrap();
        assert!(
            o.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let t = Instant::now();
    ok(run(true));
    let full = t.elapsed();
    let b = visible_tree(&out);
    ok(run(false));
    let a = visible_tree(&out);
    assert_ne!(a, b, "{what}: the two states must differ");
    assert!(!a.is_empty());
    let mut state = false;
    let mut killed = 0;
    // Deterministic delays, from "just started" to "almost done".
    for ms in [1u64, 5, 20, 50, 100, 200, 350, 500, 750, 1000, 1500, 2000] {
        let delay = Duration::from_millis(ms);
        if delay > full + Duration::from_millis(500) {
            break;
        }
        if !run_and_kill(run(!state), delay) {
            killed += 1;
        }
        let now = visible_tree(&out);
        if now == a {
            state = false;
        } else if now == b {
            state = true;
        } else {
            let old = tmp.path().join(".out.xinyu-old");
            panic!(
                "{what} killed after {ms} ms left partial output ({} files; A has {}, B has {}; old copy present: {})",
                now.len(),
                a.len(),
                b.len(),
                old.exists()
            );
        }
    }
    assert!(
        killed >= 3,
        "{what}: too few runs were interrupted ({killed})"
    );
    // The next complete run is not disturbed by what the killed ones left.
    ok(run(!state));
    assert_eq!(visible_tree(&out), if state { a } else { b });
    let litter: Vec<String> = snapshot_tree(&out)
        .into_keys()
        .filter(|k| k.ends_with(".tmp"))
        .collect();
    assert!(litter.is_empty(), "{what}: left {litter:?}");
    assert!(!tmp.path().join(".out.xinyu-tmp").exists());
}

#[cfg(unix)]
#[test]
fn a_killed_build_leaves_the_previous_site_complete() {
    killed_runs_never_leave_partial_output(&["build"], "build");
}

#[cfg(unix)]
#[test]
fn a_killed_pack_leaves_every_previous_zip_complete() {
    killed_runs_never_leave_partial_output(&["pack", "--band", "junior-high"], "pack");
}

// --- Big and odd inputs ---------------------------------------------------

#[test]
fn a_5_mb_lesson_builds() {
    let (_tmp, project, out) = base_project();
    let para = "同学们围成一圈，轮流说出此刻的心情，并用一个词描述身体的感觉。\n\n";
    let mut extra = String::from("## 课后延伸\n\n");
    while extra.len() < 5 * 1024 * 1024 {
        extra.push_str(para);
    }
    let path = project.join("lessons/junior-high/01-emotion-weather.md");
    fs::write(&path, lesson("情绪气象站", 1, &extra)).unwrap();
    let t = Instant::now();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let page = fs::read_to_string(out.join("lessons/junior-high/01-emotion-weather.html")).unwrap();
    assert!(page.matches("轮流说出此刻的心情").count() > 10_000);
    eprintln!("5 MB lesson built in {:?}", t.elapsed());
}

/// `count` tiny lessons in one band, each its own order.
fn many_lessons(count: u32) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    copy_tree(&repo().join("examples/minimal"), &project);
    let dir = project.join("lessons/junior-high");
    fs::remove_dir_all(&dir).unwrap();
    fs::create_dir_all(&dir).unwrap();
    for i in 1..=count {
        fs::write(
            dir.join(format!("{i:05}.md")),
            lesson(&format!("第{i}课"), i, ""),
        )
        .unwrap();
    }
    let out = tmp.path().join("site");
    (tmp, project, out)
}

#[test]
fn ten_thousand_lessons_in_one_band_build() {
    // A province-wide library: far more lessons than the term has slots.
    let (_tmp, project, out) = many_lessons(10_000);
    let t = Instant::now();
    let (code, err) = build(&project, &out);
    eprintln!("10,000 lessons built in {:?}", t.elapsed());
    assert_eq!(code, 0, "{}", &err[..2000.min(err.len())]);
    assert!(out.join("lessons/junior-high/00001.html").is_file());
    assert!(out.join("lessons/junior-high/10000.html").is_file());
    // However many lessons there are, at most one warning about them
    // (the example's one parent handout is another check's warning).
    assert!(
        err.lines()
            .filter(|l| l.starts_with("警告") && !l.contains("家长读本"))
            .count()
            <= 1,
        "{}",
        &err[..2000.min(err.len())]
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn deep_chinese_and_spaced_paths_build() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("我的 课程 项目");
    copy_tree(&fixture("base"), &project);
    let mut dir = project.join("lessons/junior-high");
    for i in 0..30 {
        dir = dir.join(format!("第 {i} 层"));
    }
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("情绪 小课.md"),
        lesson("深处的课", 3, "![温度计](<图 片.svg>)\n"),
    )
    .unwrap();
    fs::copy(
        project.join("lessons/junior-high/thermometer.svg"),
        dir.join("图 片.svg"),
    )
    .unwrap();
    let out = tmp.path().join("输出 文件夹");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let pages = assert_offline_and_complete(&out);
    assert!(pages > 5);
    let found = snapshot_tree(&out)
        .into_keys()
        .any(|k| k.ends_with("情绪 小课.html") && k.matches('/').count() > 30);
    assert!(found, "deep page missing");
    // The image with a space in its name is on the page, not its Markdown.
    let page = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name() == "情绪 小课.html")
        .map(|e| fs::read_to_string(e.path()).unwrap())
        .unwrap();
    assert!(
        page.contains("%E5%9B%BE%20%E7%89%87.svg\"") && !page.contains("]("),
        "{page}"
    );
}

#[test]
fn empty_and_front_matter_only_files_get_clear_messages() {
    let (_tmp, project, out) = base_project();
    let dir = project.join("lessons/junior-high");
    fs::write(dir.join("03-empty.md"), "").unwrap();
    fs::write(
        dir.join("04-only-front-matter.md"),
        "---\ntitle: 只有前置信息\nterm: autumn\norder: 4\nduration: 45\nareas: [emotions]\nforms: [game]\nobjectives:\n  cognitive: 知道\n  affective: 愿意\n  behavioral: 学会\n---\n",
    )
    .unwrap();
    fs::write(project.join("calendars/empty.toml"), "").unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("lessons/junior-high/03-empty.md:1:1"), "{err}");
    assert!(err.contains("文件是空的"), "{err}");
    assert!(
        err.contains("lessons/junior-high/04-only-front-matter.md"),
        "{err}"
    );
    assert!(err.contains("活动过程"), "{err}");
    assert!(err.contains("calendars/empty.toml"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists());
}

// --- File-system limits (tmpfs) -------------------------------------------

/// A tmpfs mounted for one test, unmounted on drop. Mounting needs root (or
/// CAP_SYS_ADMIN): the tests that use it are `#[ignore]`d, and fail when
/// the mount does.
struct Mount(PathBuf);

impl Mount {
    fn new(at: &Path, opts: &str) -> Mount {
        fs::create_dir_all(at).unwrap();
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
            .arg(at)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run mount: {e}"));
        assert!(
            o.status.success(),
            "mounting a tmpfs is required for the file-system limit tests (needs root or \
             CAP_SYS_ADMIN; see HARDENING.md): {}",
            String::from_utf8_lossy(&o.stderr)
        );
        Mount(at.to_path_buf())
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
#[ignore = "needs root (or CAP_SYS_ADMIN) to mount a tmpfs: run by .ci/run with --include-ignored"]
fn a_full_disk_gives_a_clear_message_and_keeps_the_previous_site() {
    let tmp = tempfile::tempdir().unwrap();
    let disk = tmp.path().join("disk");
    // Big enough for one base build, too small for a second one beside it.
    let _m = Mount::new(&disk, "size=1200k");
    let out = disk.join("site");
    let (code, err) = build(&fixture("base"), &out);
    assert_eq!(code, 0, "the base build must fit:\n{err}");
    let before = snapshot_tree(&out);
    // A lesson with a big image: the second build cannot fit.
    let (_t2, project, _) = base_project();
    let noise: Vec<u8> = (0..900_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    fs::write(project.join("lessons/junior-high/big.png"), noise).unwrap();
    let path = project.join("lessons/junior-high/01-emotion-weather.md");
    fs::write(&path, lesson("情绪气象站", 1, "![大图](big.png)\n")).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    // In Chinese, the system's own words left out.
    assert!(
        err.contains("磁盘（或 U 盘）空间不够（系统错误 28）"),
        "{err}"
    );
    assert!(!err.contains("No space left"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot_tree(&out), before, "previous output changed");
    assert!(
        !disk.join(".site.xinyu-tmp").exists(),
        "staging left behind"
    );
}

#[test]
#[ignore = "needs root (or CAP_SYS_ADMIN) to mount a tmpfs: run by .ci/run with --include-ignored"]
fn a_read_only_output_folder_gives_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let disk = tmp.path().join("ro");
    // Read-only for root too: a read-only file system, not chmod.
    let _m = Mount::new(&disk, "ro,size=64k");
    let out = disk.join("site");
    let (code, err) = build(&fixture("base"), &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&disk.display().to_string()), "{err}");
    assert!(err.contains("这个位置是只读的（系统错误 30）"), "{err}");
    assert!(!err.contains("Read-only"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_chmod_read_only_output_folder_gives_a_clear_message() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    // Everything the build reads is inside the temp dir, open to all, so a
    // build run as another user can reach it.
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let project = tmp.path().join("project");
    copy_tree(&fixture("base"), &project);
    let parent = tmp.path().join("locked");
    fs::create_dir_all(&parent).unwrap();
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permission bits: then the commands run as `nobody`,
    // from a copy of the binary it can reach.
    let probe = parent.join("probe");
    let as_nobody = fs::write(&probe, b"x").is_ok();
    let program = if as_nobody {
        fs::remove_file(&probe).unwrap();
        let copy = tmp.path().join("xinyu");
        fs::copy(bin(), &copy).unwrap();
        copy
    } else {
        bin()
    };
    let run = |args: &[&std::ffi::OsStr]| {
        let mut cmd = Command::new(&program);
        if as_nobody {
            cmd.uid(65534).gid(65534);
        }
        cmd.args(args)
            .output()
            .expect("run xinyu (as nobody when root)")
    };
    let out = parent.join("site");
    let keys = parent.join("keys");
    let built = run(&[
        "build".as_ref(),
        project.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let keygen = run(&[
        "keygen".as_ref(),
        keys.as_os_str(),
        "--no-password".as_ref(),
    ]);
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o755)).unwrap();

    let err = String::from_utf8_lossy(&built.stderr);
    assert_eq!(built.status.code(), Some(1), "{err}");
    assert!(err.contains("没有权限（系统错误 13）"), "{err}");
    assert!(
        err.contains("提示：没有写入这个文件夹的权限：请用 --out 换到自己的文件夹"),
        "{err}"
    );
    assert!(!err.contains("Permission denied"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists());

    // keygen has no --out: its hint names the key folder instead.
    let err = String::from_utf8_lossy(&keygen.stderr);
    assert_eq!(keygen.status.code(), Some(1), "{err}");
    assert!(err.contains("没有权限（系统错误 13）"), "{err}");
    assert!(err.contains("请把密钥文件夹放到自己的文件夹里"), "{err}");
    assert!(!err.contains("--out"), "{err}");
    assert!(!keys.exists());
}

#[test]
fn lessons_beyond_the_slots_are_one_warning_and_no_reason_to_refuse_packs() {
    let (_tmp, project, out) = base_project();
    for i in 0..20 {
        fs::write(
            project.join(format!("lessons/junior-high/extra-{i:02}.md")),
            lesson(&format!("拓展课{i}"), 100 + i, ""),
        )
        .unwrap();
    }
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    // One warning about them (the base fixture's parent-handout warnings
    // come from another check).
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("警告") && !l.contains("家长读本"))
            .count(),
        1,
        "{err}"
    );
    assert!(err.contains("有 20 份教案的 order 大于校历"), "{err}");
    assert!(err.contains("lessons/junior-high/extra-00.md:4:1"), "{err}");
    // On the site, and the slot packs are still made.
    assert!(out.join("lessons/junior-high/extra-19.html").is_file());
    assert!(out.join("packs/2026-autumn-s01.zip").is_file());
}

// --- Second pass: builds that meet each other, and what lives in the output

#[test]
fn a_second_build_into_the_same_folder_is_refused_while_the_first_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    // The shipped curriculum takes long enough for the second to meet it.
    let mut first = Command::new(bin())
        .args(["build", "--out"])
        .arg(&out)
        .arg(repo().join("curriculum"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lock = tmp.path().join(".site.xinyu-lock");
    let start = std::time::Instant::now();
    while !lock.exists() && start.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (code, err) = build(&fixture("base"), &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("另一个 xinyu 正在往"), "{err}");
    let status = first.wait().unwrap();
    assert!(status.success());
    // The first build's site is whole.
    assert!(assert_offline_and_complete(&out) > 400);
    // Once it ended, the next build runs.
    let (code, err) = build(&fixture("base"), &out);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn output_inside_an_input_folder_is_refused() {
    let (_tmp, project, _) = base_project();
    for inside in ["assets/site", "lessons/junior-high/out"] {
        let (code, err) = build(&project, &project.join(inside));
        assert_eq!(code, 1, "{inside}: {err}");
        let folder = inside.split('/').next().unwrap();
        assert!(err.contains(&format!("在项目的 {folder}/ 里面")), "{err}");
        assert!(!project.join(inside).exists());
    }
}

#[test]
fn files_added_by_hand_to_a_built_site_are_not_wiped_silently() {
    let (_tmp, project, out) = base_project();
    assert_eq!(build(&project, &out).0, 0);
    fs::write(out.join("我的备课笔记.docx"), b"notes").unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("1 个文件不是 xinyu 生成的") && err.contains("我的备课笔记.docx"),
        "{err}"
    );
    assert!(out.join("我的备课笔记.docx").exists());
    fs::remove_file(out.join("我的备课笔记.docx")).unwrap();
    assert_eq!(build(&project, &out).0, 0);
}

#[test]
fn a_build_killed_mid_swap_is_repaired_even_when_the_next_build_stops() {
    let (tmp, project, out) = base_project();
    assert_eq!(build(&project, &out).0, 0);
    let before = snapshot_tree(&out);
    // Killed after the first rename of the swap: only the old copy is left.
    fs::rename(&out, tmp.path().join(".site.xinyu-old")).unwrap();
    let lesson = project.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&lesson).unwrap();
    fs::write(&lesson, text.replace("title:", "titel:")).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("原来的输出没有改动"), "{err}");
    assert_eq!(
        snapshot_tree(&out),
        before,
        "the previous site must be back"
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_named_not_lost() {
    use std::os::unix::ffi::OsStrExt;
    let (_tmp, project, out) = base_project();
    // "情绪" in GBK, as an old archive tool leaves it.
    let name = std::ffi::OsStr::from_bytes(b"\xc7\xe9\xd0\xf7.md");
    fs::write(project.join("lessons/junior-high").join(name), "x").unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("文件名不是 UTF-8 编码"), "{err}");
    assert!(err.contains("lessons/junior-high/"), "{err}");
    assert!(!err.contains("No such file"), "{err}");
}

// --- Second pass: what a link or an asset can do on a school PC ----------

#[test]
fn links_to_schemes_that_start_programs_are_refused_in_content_and_theme() {
    for (link, scheme) in [
        ("[诊断](ms-msdt:/id%20PCWDiagnostic)", "ms-msdt"),
        ("[搜索](search-ms:query=报告)", "search-ms"),
        ("[共享](file://server/share/a.docx)", "file"),
        ("[应用](weixin://dl/chat)", "weixin"),
        ("<a href=\"ms-msdt:/id\">诊断</a>", "ms-msdt"),
    ] {
        let (_tmp, project, out) = base_project();
        fs::write(
            project.join("lessons/junior-high/03-link.md"),
            lesson("链接", 3, &format!("{link}\n")),
        )
        .unwrap();
        let (code, err) = build(&project, &out);
        assert_eq!(code, 1, "{link}: {err}");
        assert!(
            err.contains(&format!("链接用了 `{scheme}:`")) && err.contains("03-link.md:"),
            "{link}: {err}"
        );
    }
    // Web, mail and phone links stay.
    let (_tmp, project, out) = base_project();
    fs::write(
        project.join("lessons/junior-high/03-link.md"),
        lesson(
            "链接",
            3,
            "[网站](https://example.org) [邮件](mailto:a@b.cn) [电话](tel:12356)\n",
        ),
    )
    .unwrap();
    assert_eq!(build(&project, &out).0, 0);
    // A theme template is held to the same list.
    write_template(
        &project,
        "partials/help.html",
        "<aside class=\"help\"><a href=\"search-ms:query=x\">找</a></aside>",
    );
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("themes/default/templates/partials/help.html") && err.contains("search-ms"),
        "{err}"
    );
}

#[test]
fn active_assets_are_refused_with_their_place() {
    let (_tmp, project, out) = base_project();
    let assets = project.join("assets");
    fs::create_dir_all(&assets).unwrap();
    fs::write(
        assets.join("evil.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<circle r=\"3\"/>\n<script>alert(1)</script>\n</svg>\n",
    )
    .unwrap();
    fs::write(assets.join("page.html"), "<p>x</p>").unwrap();
    fs::write(
        project.join("lessons/junior-high/03-pic.md"),
        lesson("图", 3, "![圆](../../assets/evil.svg)\n"),
    )
    .unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("assets/evil.svg:3:1") && err.contains("<script"),
        "{err}"
    );
    assert!(
        err.contains("不能放 .html 文件") && err.contains("assets/page.html"),
        "{err}"
    );
    // A drawing exported with styles and an embedded picture is fine.
    fs::write(
        assets.join("evil.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><style>.a{fill:red}</style><circle class=\"a\" r=\"3\"/></svg>",
    )
    .unwrap();
    fs::remove_file(assets.join("page.html")).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn raw_html_paths_are_checked_and_point_into_the_pack() {
    let (tmp, project, out) = base_project();
    fs::create_dir_all(project.join("assets")).unwrap();
    fs::copy(
        project.join("lessons/junior-high/thermometer.svg"),
        project.join("assets/pic.svg"),
    )
    .unwrap();
    let page = project.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(
        &page,
        format!("{text}\n<figure><img src=\"../../assets/pic.svg\" alt=\"温度计\"></figure>\n"),
    )
    .unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    // In every pack that carries the lesson, the picture is there and the
    // page points at it.
    let dir = tmp.path().join("unzipped");
    unzip(&out.join("packs/2026-autumn-s01-junior-high.zip"), &dir);
    let html = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.path().extension().is_some_and(|x| x == "html")
                && fs::read_to_string(e.path()).is_ok_and(|h| h.contains("alt=\"温度计\""))
        })
        .expect("the lesson page in the pack");
    let body = fs::read_to_string(html.path()).unwrap();
    let src = body
        .split("alt=\"温度计\"")
        .next()
        .and_then(|b| b.rsplit("src=\"").next())
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let target = html.path().parent().unwrap().join(&src);
    assert!(target.is_file(), "{src} from {}", html.path().display());
    // A raw link out of the project is refused like a Markdown one.
    fs::write(
        &page,
        format!("{text}\n<a href=\"../../../../etc/passwd\">x</a>\n"),
    )
    .unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("指到了项目文件夹外面"), "{err}");
}

#[test]
fn a_theme_style_sheet_that_loads_from_the_web_fails_the_build() {
    let (_tmp, project, out) = base_project();
    let s = project.join("themes/default/static");
    fs::create_dir_all(&s).unwrap();
    fs::write(
        s.join("style.css"),
        "body{color:#222}\n@font-face{font-family:x;src:url(https://fonts.example.com/x.woff2)}\n",
    )
    .unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("themes/default/static/style.css")
            && err.contains("https://fonts.example.com/x.woff2"),
        "{err}"
    );
}

#[test]
fn pathological_input_is_refused_with_its_limit() {
    // A hundred thousand nested <div>s (1 MB), a 600,000-character title,
    // a calendar in the year 9999: each is an error naming the limit.
    let (_tmp, project, out) = base_project();
    let deep = format!("{}x{}\n", "<div>".repeat(100_000), "</div>".repeat(100_000));
    fs::write(
        project.join("lessons/junior-high/03-deep.md"),
        lesson("深", 3, &deep),
    )
    .unwrap();
    fs::write(
        project.join("lessons/junior-high/04-long.md"),
        lesson(&"情绪".repeat(300_000), 4, ""),
    )
    .unwrap();
    let cal = project.join("calendars/2026-autumn.toml");
    let text = fs::read_to_string(&cal).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("first_monday"))
        .unwrap();
    fs::write(&cal, text.replace(line, "first_monday = 9999-12-27")).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("03-deep.md:") && err.contains("超过了 100 层"),
        "{err}"
    );
    assert!(
        err.contains("04-long.md:") && err.contains("标题有 600000 个字"),
        "{err}"
    );
    assert!(
        err.contains("first_monday 是 9999-12-27，年份不对"),
        "{err}"
    );
    assert!(!out.exists());
}

// --- Raw HTML, media and pictures (issue 18) ---------------------------

/// A minimal WAV file: one second of silence at 8 kHz, 8-bit mono.
fn wav() -> Vec<u8> {
    let samples = 8000u32;
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + samples).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&8000u32.to_le_bytes());
    w.extend_from_slice(&8000u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&8u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&samples.to_le_bytes());
    w.extend(std::iter::repeat_n(128u8, samples as usize));
    w
}

/// The base project with a relaxation recording in a lesson, written both
/// ways: as a Markdown image and as HTML with a poster and a `<source>`.
fn project_with_media() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, project, out) = base_project();
    fs::create_dir_all(project.join("assets")).unwrap();
    fs::write(project.join("assets/relax.wav"), wav()).unwrap();
    fs::write(project.join("assets/breath.wav"), wav()).unwrap();
    fs::copy(
        project.join("lessons/junior-high/thermometer.svg"),
        project.join("assets/poster.svg"),
    )
    .unwrap();
    let page = project.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(
        &page,
        format!(
            "{text}\n![放松训练引导语](../../assets/relax.wav)\n\n<video poster=\"../../assets/poster.svg\"\n  controls>\n<source src = \"../../assets/breath.wav\" type=\"audio/wav\">\n</video>\n"
        ),
    )
    .unwrap();
    (tmp, project, out)
}

#[test]
fn local_sound_and_video_reach_the_site_and_the_pack_with_a_player() {
    let (tmp, project, out) = project_with_media();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("去掉"), "nothing is removed: {err}");
    let page = fs::read_to_string(out.join("lessons/junior-high/01-emotion-weather.html")).unwrap();
    assert!(
        page.contains("<audio src=\"../../assets/relax.wav\" controls=\"\" preload=\"metadata\" title=\"放松训练引导语\">"),
        "{page}"
    );
    assert!(page.contains("<span class=\"media-caption\">放松训练引导语</span>"));
    // Every src, poster and href of the site and of the pack resolves.
    assert_offline_and_complete(&out);
    let dir = tmp.path().join("unzipped");
    unzip(&out.join("packs/2026-autumn-s01-junior-high.zip"), &dir);
    assert_offline_and_complete(&dir);
    let files: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    // Packs give assets short names: two recordings and the poster.
    assert_eq!(
        files.iter().filter(|f| f.ends_with(".wav")).count(),
        2,
        "{files:?}"
    );
    let page = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| fs::read_to_string(e.path()).unwrap())
        .find(|h| h.contains("放松训练引导语") && h.contains("<video"))
        .expect("the lesson page in the pack");
    assert!(page.contains("poster=\"../assets/a"), "{page}");
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn a_recording_in_a_pack_plays_from_file_urls() {
    let browser = chromium();
    let (tmp, project, out) = project_with_media();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let dir = tmp.path().join("unzipped");
    unzip(&out.join("packs/2026-autumn-s01-junior-high.zip"), &dir);
    let lesson = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| {
            e.path().extension().is_some_and(|x| x == "html")
                && !e.path().to_string_lossy().contains("classroom")
                && fs::read_to_string(e.path()).is_ok_and(|h| h.contains("放松训练引导语"))
        })
        .expect("the lesson page in the pack");
    let (dom, requested) = chromium_load(&browser, lesson.path());
    assert!(dom.contains("<audio"), "{dom}");
    // The browser asked for both recordings (preload="metadata"; a pack
    // gives them short names), and each request found its file inside
    // the pack, with the bytes of the project's recording.
    let wavs: Vec<&PathBuf> = requested
        .iter()
        .filter(|r| r.to_string_lossy().ends_with(".wav"))
        .collect();
    assert_eq!(wavs.len(), 2, "{requested:?}");
    for hit in wavs {
        assert!(hit.is_file() && hit.starts_with(&dir), "{}", hit.display());
        assert_eq!(fs::read(hit).unwrap(), wav());
    }
}

#[test]
fn media_and_pictures_from_the_web_are_errors_at_their_line_however_written() {
    let (_tmp, project, out) = base_project();
    let page = project.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&page).unwrap();
    let lines = text.lines().count();
    fs::write(
        &page,
        format!(
            "{text}\n<img alt=\"图\" src = \"https://e.cn/a.png\">\n\n<audio\n  src='https://e.cn/relax.mp3'></audio>\n"
        ),
    )
    .unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    for (url, line) in [
        ("https://e.cn/a.png", lines + 2),
        ("https://e.cn/relax.mp3", lines + 5),
    ] {
        assert!(
            err.contains(&format!("引用了网上的资源 {url}"))
                && err.contains(&format!("01-emotion-weather.md:{line}:")),
            "{url} at line {line}: {err}"
        );
    }
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_theme_override_with_spaces_around_the_equals_sign_is_still_offline() {
    let (_tmp, project, out) = base_project();
    let base = fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    write_template(
        &project,
        "base.html",
        &base.replacen(
            "</head>",
            "<script src = \"https://cdn.example.com/x.js\"></script></head>",
            1,
        ),
    );
    let (code, err) = build(&project, &out);
    assert_eq!(code, 1, "{err}");
    // Named in the file that was edited, at its line, once.
    let line = base[..base.find("</head>").unwrap()].matches('\n').count() + 1;
    assert!(
        err.contains("模板引用了网上的资源 https://cdn.example.com/x.js")
            && err.contains(&format!("themes/default/templates/base.html:{line}")),
        "{err}"
    );
    assert_eq!(err.matches("cdn.example.com").count(), 1, "{err}");
}

#[test]
fn what_the_allow_list_removes_is_a_warning_at_its_place() {
    let (_tmp, project, out) = base_project();
    let page = project.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&page).unwrap();
    let lines = text.lines().count();
    fs::write(
        &page,
        format!(
            "{text}\n<center>居中的标题</center>\n\n<p style=\"color:red\">红字</p>\n\n我的名字：<input type=\"text\">\n"
        ),
    )
    .unwrap();
    let o = xinyu().arg("check").arg(&project).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("HTML 标签 <center> 生成网页时会被去掉")
            && err.contains(&format!("01-emotion-weather.md:{}:1", lines + 2)),
        "{err}"
    );
    assert!(
        err.contains("HTML 属性 style 生成网页时会被去掉")
            && err.contains(&format!("01-emotion-weather.md:{}:4", lines + 4)),
        "{err}"
    );
    // A text field would print as a box: said where it is, and what to
    // write instead.
    assert!(
        err.contains("正文里的 <input type=\"text\"> 在网页和打印稿上会变成一个不能勾的小方框")
            && err.contains(&format!("01-emotion-weather.md:{}:6", lines + 6))
            && err.contains("________"),
        "{err}"
    );
    // A warning: the site still builds, with the text kept.
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let page = fs::read_to_string(out.join("lessons/junior-high/01-emotion-weather.html")).unwrap();
    assert!(page.contains("居中的标题") && !page.contains("<center>"));
}

/// A JPEG of `w` × `h` that compresses like a photo.
fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) % 64;
        image::Rgb([(x % 256) as u8, (y % 256) as u8, (n * 4) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut out, 98,
        ))
        .unwrap();
    out
}

#[test]
fn a_phone_photo_is_named_with_its_size_and_shrunk_for_packs_when_asked() {
    let (tmp, project, out) = base_project();
    fs::create_dir_all(project.join("assets")).unwrap();
    let big = photo(3000, 2250);
    assert!(big.len() > 1024 * 1024, "{}", big.len());
    fs::write(project.join("assets/class.jpg"), &big).unwrap();
    let page = project.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(
        &page,
        format!("{text}\n![班级合影](../../assets/class.jpg)\n"),
    )
    .unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let mb = format!("{:.1} MB", big.len() as f64 / 1048576.0);
    assert!(
        err.contains("assets/class.jpg")
            && err.contains(&format!("图片有 {mb}"))
            && err.contains("超过了 1.0 MB 的上限"),
        "{err}"
    );
    // Asked to shrink: no warning, and the site and every pack carry a
    // copy that fits 1600 px, the same bytes on every build.
    let settings = project.join("xinyu.toml");
    let s = fs::read_to_string(&settings).unwrap();
    fs::write(&settings, format!("{s}\n[images]\nshrink = true\n")).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("图片有"), "{err}");
    let site_copy = fs::read(out.join("assets/class.jpg")).unwrap();
    let img = image::load_from_memory(&site_copy).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 1200));
    assert!(site_copy.len() < big.len() / 2);
    let dir = tmp.path().join("unzipped");
    unzip(&out.join("packs/2026-autumn-s01-junior-high.zip"), &dir);
    let packed = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().ends_with(".jpg"))
        .expect("the photo in the pack");
    assert_eq!(fs::read(packed.path()).unwrap(), site_copy);
    let zip = fs::read(out.join("packs/2026-autumn-s01-junior-high.zip")).unwrap();
    let again = tmp.path().join("again");
    let (code, err) = build(&project, &again);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fs::read(again.join("packs/2026-autumn-s01-junior-high.zip")).unwrap(),
        zip,
        "byte-identical packs"
    );
    // The project's own photo is never changed.
    assert_eq!(fs::read(project.join("assets/class.jpg")).unwrap(), big);
}
