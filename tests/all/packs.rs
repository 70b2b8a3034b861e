//! Lesson packs, the downloads listing and term calendars (.ics, terminal):
//! real zips unzipped into temp dirs, checked with `sha256sum`, a real
//! iCalendar parser and real headless Chromium.

use crate::common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fs;
use std::path::Path;

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The base fixture's shared site (read only).
fn built_base() -> &'static Path {
    let Built { code, err, dir } = shared_base();
    base_built_cleanly(*code, err);
    dir
}

/// A build of the base fixture of its own, for a test that compares two.
fn fresh_base() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let (code, err) = build(&fixture("base"), &out);
    base_built_cleanly(code, &err);
    (tmp, out)
}

fn base_built_cleanly(code: i32, err: &str) {
    assert_eq!(code, 0, "{err}");
    // `build` runs every check: the small fixture only lacks parent handouts.
    assert!(
        err.lines()
            .filter(|l| l.starts_with("警告"))
            .all(|l| l.contains("家长读本不够")),
        "{err}"
    );
}

#[test]
fn build_lists_every_pack_with_size_and_hash() {
    let out = built_base();
    let json: Value = serde_json::from_slice(&fs::read(out.join("packs.json")).unwrap()).unwrap();
    let packs = json["packs"].as_array().unwrap();
    // 2 slots × (whole school + junior-high + lower-primary).
    let ids: Vec<&str> = packs.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "2026-autumn-s01",
            "2026-autumn-s01-lower-primary",
            "2026-autumn-s01-junior-high",
            "2026-autumn-s02",
            "2026-autumn-s02-lower-primary",
            "2026-autumn-s02-junior-high"
        ]
    );
    let downloads = fs::read_to_string(out.join("downloads.html")).unwrap();
    for p in packs {
        let file = out.join(p["file"].as_str().unwrap());
        let bytes = fs::read(&file).unwrap();
        assert_eq!(p["size"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(p["sha256"].as_str().unwrap(), sha256(&bytes));
        assert!(
            downloads.contains(p["sha256"].as_str().unwrap()),
            "downloads page lacks {}",
            p["id"]
        );
    }
    assert_eq!(packs[0]["first_date"], "2026-08-31");
    assert_eq!(packs[0]["last_date"], "2026-09-13");
    assert_eq!(packs[3]["first_date"], "2026-09-21");
    // The Atom feed is well-formed XML with one entry per pack, ids carrying the hash.
    let atom = fs::read_to_string(out.join("packs.atom")).unwrap();
    assert_eq!(atom.matches("<entry>").count(), packs.len());
    for p in packs {
        assert!(atom.contains(&format!(
            "urn:xinyu:pack:{}:{}",
            p["id"].as_str().unwrap(),
            p["sha256"].as_str().unwrap()
        )));
    }
    let py = tool(&["python3"], "the Atom feed's XML check");
    let ok = std::process::Command::new(py)
        .args([
            "-c",
            "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])",
        ])
        .arg(out.join("packs.atom"))
        .status()
        .unwrap();
    assert!(ok.success(), "packs.atom is not well-formed XML");
}

/// Unzips a pack and checks it stands alone.
fn check_pack(zip: &Path, expect_id: &str, expect_bands: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pack");
    unzip(zip, &dir);
    let files = snapshot_tree(&dir);
    // Short ASCII paths only.
    for path in files.keys() {
        assert!(
            path.is_ascii() && path.len() <= 40,
            "{expect_id}: path {path}"
        );
    }
    assert!(files.contains_key("index.html"));
    assert_offline_and_complete(&dir);
    // The manifest lists every other file with size and sha256.
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(m["format_version"], 1);
    assert_eq!(m["id"], expect_id);
    assert_eq!(m["title"], "测试课程");
    assert_eq!(m["publisher"], "测试区教研室");
    assert_eq!(m["term"]["id"], "2026-autumn");
    let bands: Vec<&str> = m["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert_eq!(bands, expect_bands);
    assert!(m["generator"].as_str().unwrap().starts_with("xinyu "));
    let listed: Vec<(String, u64, String)> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["size"].as_u64().unwrap(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let actual: Vec<(String, u64, String)> = files
        .iter()
        .filter(|(p, _)| *p != "manifest.json" && *p != "SHA256SUMS")
        .map(|(p, b)| (p.clone(), b.len() as u64, sha256(b)))
        .collect();
    assert_eq!(
        listed, actual,
        "{expect_id}: manifest does not match the files"
    );
    // The plain checksum file verifies with the real sha256sum.
    let sum = tool(&["sha256sum"], "checksum verification");
    let o = std::process::Command::new(sum)
        .args(["-c", "SHA256SUMS"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{expect_id}: sha256sum -c failed: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).matches(": OK").count(),
        files.len() - 1
    );
}

#[test]
fn every_pack_unzips_into_a_complete_verifiable_offline_tree() {
    let out = built_base();
    check_pack(
        &out.join("packs/2026-autumn-s01.zip"),
        "2026-autumn-s01",
        &["lower-primary", "junior-high"],
    );
    check_pack(
        &out.join("packs/2026-autumn-s02-junior-high.zip"),
        "2026-autumn-s02-junior-high",
        &["junior-high"],
    );
    let tmp = tempfile::tempdir().unwrap();
    unzip(&out.join("packs/2026-autumn-s01.zip"), tmp.path());
    let index = fs::read_to_string(tmp.path().join("index.html")).unwrap();
    // The fortnight at a glance: each band's lesson, the month's meeting, the handout, events, help.
    for want in [
        "情绪气象站",
        "你好，新同学",
        "你好，新集体",
        "家长可以这样陪伴",
        "开学适应活动月",
        "教师节",
        "12356",
    ] {
        assert!(index.contains(want), "pack index lacks {want}");
    }
    // The lesson keeps its image and its link to the handout, under ASCII paths.
    let lesson = fs::read_to_string(tmp.path().join("lessons/junior-high.html")).unwrap();
    assert!(lesson.contains("../assets/a1.svg"), "image not rewritten");
    assert!(
        lesson.contains("../parents/p1.html"),
        "handout link not rewritten"
    );
    // A link to a lesson of another fortnight is not in the pack: text only.
    assert!(
        !lesson.contains("02-pause"),
        "link to a page outside the pack"
    );
    assert!(lesson.contains("按下暂停键"));
}

#[test]
fn a_local_fact_reaches_the_pages_of_a_pack_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    base_with_facts(&project);
    let out = tmp.path().join("site");
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let dir = tmp.path().join("pack");
    unzip(&out.join("packs/2026-autumn-s02-junior-high.zip"), &dir);
    let read = |rel: &str| fs::read_to_string(dir.join(rel)).unwrap();
    for page in [
        "lessons/junior-high.html",
        "lessons/junior-high.print.html",
        "print/junior-high.html",
    ] {
        let html = read(page);
        assert!(
            !html.contains("<b>*周三*</b>"),
            "{page}: markup from a fact"
        );
        let text = page_text(&html);
        assert!(
            text.contains(&format!("按下暂停键：去{FACT_VALUE}")),
            "{page}: title"
        );
        assert!(
            text.contains("心里难受时，可以找林小雨老师，也可以拨打12356。"),
            "{page}: body"
        );
    }
    assert!(page_text(&read("meetings/m1.html")).contains("有困难随时拨打12356。"));
    assert!(read("search/x-0.js").contains("可以找林小雨老师，也可以拨打12356"));
}

#[test]
fn a_meeting_in_several_packs_links_what_each_pack_carries() {
    // September's meeting travels in both fortnights' packs; its link to
    // the first fortnight's lesson leads somewhere only in the first. A
    // body rendered once for all packs would carry one pack's link into
    // the other (or drop it from both), whichever pack came first.
    let (tmp, project, out) = base_project();
    let meeting = project.join("meetings/autumn-09-hello.md");
    let text = fs::read_to_string(&meeting).unwrap().replace(
        "准备名字卡。",
        "准备名字卡，复习[情绪气象站](../lessons/junior-high/01-emotion-weather.md)。",
    );
    fs::write(&meeting, text).unwrap();
    let (code, err) = build(&project, &out);
    assert_eq!(code, 0, "{err}");
    let page = |pack: &str, rel: &str| {
        let dir = tmp.path().join(pack);
        if !dir.exists() {
            unzip(&out.join(format!("packs/{pack}.zip")), &dir);
        }
        fs::read_to_string(dir.join(rel)).unwrap()
    };
    let link = "<a href=\"../lessons/junior-high.html\">情绪气象站</a>";
    for pack in ["2026-autumn-s01", "2026-autumn-s01-junior-high"] {
        for rel in ["meetings/m1.html", "meetings/m1.print.html"] {
            assert!(page(pack, rel).contains(link), "{pack}/{rel}: no link");
        }
        assert!(
            page(pack, "print/junior-high.html").contains("href=\"../lessons/junior-high.html\"")
        );
    }
    for rel in ["meetings/m1.html", "meetings/m1.print.html"] {
        let html = page("2026-autumn-s02-junior-high", rel);
        assert!(
            !html.contains("01-emotion-weather"),
            "{rel}: link to a lesson the pack lacks"
        );
        assert!(!html.contains(link), "{rel}: another pack's link");
        assert!(
            page_text(&html).contains("复习情绪气象站。"),
            "{rel}: link text lost"
        );
    }
}

#[test]
fn the_same_input_gives_byte_identical_zips() {
    let tmp = tempfile::tempdir().unwrap();
    for run in ["a", "b"] {
        let o = xinyu()
            .args(["pack"])
            .arg(fixture("base"))
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
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        ["2026-autumn-s01.zip", "2026-autumn-s02.zip"]
    );
    assert_eq!(a, b);
    // …and the same bytes `build` publishes.
    let out = built_base();
    assert_eq!(
        a["2026-autumn-s01.zip"],
        fs::read(out.join("packs/2026-autumn-s01.zip")).unwrap()
    );
}

#[test]
fn pack_filters_by_term_slot_and_band() {
    let tmp = tempfile::tempdir().unwrap();
    let o = xinyu()
        .args(["pack"])
        .arg(fixture("base"))
        .args(["--out"])
        .arg(tmp.path())
        .args(["--term", "2026-autumn", "--slot", "2", "--band", "初中"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names: Vec<String> = snapshot_tree(tmp.path()).into_keys().collect();
    assert_eq!(names, ["2026-autumn-s02-junior-high.zip"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("sha256"), "{stdout}");
    for (args, msg) in [
        (vec!["--band", "middle-school"], "不是学段"),
        (vec!["--term", "2030-spring"], "没有学期"),
    ] {
        let o = xinyu()
            .arg("pack")
            .arg(fixture("base"))
            .arg("--out")
            .arg(tmp.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(msg));
    }
}

#[test]
fn require_complete_stops_pack_on_a_slot_without_a_lesson() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    fs::remove_file(project.join("lessons/lower-primary/02-line-up.md")).unwrap();
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .arg("--require-complete")
        .arg("--out")
        .arg(tmp.path().join("packs"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("位置：calendars/2026-autumn.toml"), "{err}");
    assert!(
        err.contains("小学低年级秋季学期共 2 个课次，第 2 课次还没有教案"),
        "{err}"
    );
    assert!(err.contains("--require-complete"), "{err}");
    assert!(
        !tmp.path().join("packs").exists(),
        "a failed pack run wrote files"
    );
    // A junior-high pack does not need lower primary.
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .arg("--require-complete")
        .arg("--out")
        .arg(tmp.path().join("jh"))
        .args(["--band", "junior-high"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // build --require-complete still makes the site, warns, and leaves out
    // every pack of that band.
    let o = xinyu()
        .arg("build")
        .arg(&project)
        .arg("--require-complete")
        .arg("--out")
        .arg(tmp.path().join("site"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("警告") && err.contains("第 2 课次还没有教案"),
        "{err}"
    );
    let packs: Vec<String> = snapshot_tree(&tmp.path().join("site/packs"))
        .into_keys()
        .collect();
    assert!(
        packs.iter().all(|p| !p.contains("lower-primary")),
        "{packs:?}"
    );
    assert!(packs.iter().any(|p| p.contains("junior-high")), "{packs:?}");
}

/// A stand-in browser that writes a small file wherever `--print-to-pdf=`
/// says: for tests of what `print` prints, not of how it looks.
fn fake_browser(dir: &Path) -> std::path::PathBuf {
    let fake = dir.join("fake-browser.sh");
    fs::write(
        &fake,
        "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/args.log\"\nfor a in \"$@\"; do case \"$a\" in --print-to-pdf=*) printf '%%PDF-1.4\\n' > \"${a#--print-to-pdf=}\";; esac; done\n",
    )
    .unwrap();
    let mut perm = fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    fs::set_permissions(&fake, perm).unwrap();
    fake
}

/// The base fixture with only the first fortnight written, as a county
/// office has it after writing and before releasing slot 1.
fn only_slot_one(dir: &std::path::Path) {
    copy_tree(&fixture("base"), dir);
    fs::remove_file(dir.join("lessons/lower-primary/02-line-up.md")).unwrap();
    fs::remove_file(dir.join("lessons/junior-high/02-pause.md")).unwrap();
    let first = dir.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&first)
        .unwrap()
        .replace("[按下暂停键](02-pause.md)", "按下暂停键");
    fs::write(&first, text).unwrap();
}

#[test]
fn the_first_fortnight_is_released_before_the_rest_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    only_slot_one(&project);
    // build: every pack of slot 1, a warning naming each band's missing slot.
    let (code, err) = build(&project, &tmp.path().join("site"));
    assert_eq!(code, 0, "{err}");
    // One finding for the term, naming each band's missing slot in grade order.
    assert!(
        err.contains("秋季学期共 2 个课次，还没有教案的有：小学低年级第 2 课次；初中第 2 课次"),
        "{err}"
    );
    assert!(err.contains("位置：calendars/2026-autumn.toml"), "{err}");
    let site = tmp.path().join("site");
    let packs: Vec<String> = snapshot_tree(&site.join("packs")).into_keys().collect();
    assert_eq!(
        packs,
        [
            "2026-autumn-s01-junior-high.zip",
            "2026-autumn-s01-lower-primary.zip",
            "2026-autumn-s01.zip"
        ],
        "{packs:?}"
    );
    // The listings name exactly what exists; the calendar links only the
    // print pages that exist.
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(site.join("packs.json")).unwrap()).unwrap();
    let ids: Vec<&str> = json["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.iter().all(|id| id.contains("-s01")), "{ids:?}");
    let downloads = fs::read_to_string(site.join("downloads.html")).unwrap();
    assert!(downloads.contains("2026-autumn-s01.zip"));
    assert!(!downloads.contains("-s02"));
    let calendar = fs::read_to_string(site.join("calendars/2026-autumn.html")).unwrap();
    assert!(calendar.contains("print/2026-autumn-s01-junior-high.html"));
    assert!(
        !calendar.contains("print/2026-autumn-s02-"),
        "a link to a print page that does not exist"
    );
    assert_offline_and_complete(&site);

    // pack --slot 1 (school and band) succeeds; --slot 2 names what is missing.
    for args in [vec![], vec!["--band", "初中"]] {
        let o = xinyu()
            .arg("pack")
            .arg(&project)
            .args(["--slot", "1"])
            .args(&args)
            .arg("--out")
            .arg(tmp.path().join("packs"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(tmp.path().join("packs/2026-autumn-s01.zip").is_file());
    assert!(
        tmp.path()
            .join("packs/2026-autumn-s01-junior-high.zip")
            .is_file()
    );
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .args(["--slot", "2"])
        .arg("--out")
        .arg(tmp.path().join("packs"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("第 2 课次还不能打包")
            && err.contains("小学低年级、初中还没有 order: 2 的教案"),
        "{err}"
    );

    // print --slot 1 prints both bands' fortnight (a stand-in browser
    // writes the PDF files; real printing is tests/all/print.rs's).
    let fake = fake_browser(tmp.path());
    let o = xinyu()
        .arg("print")
        .arg(&project)
        .args(["--slot", "1", "--browser"])
        .arg(&fake)
        .arg("--out")
        .arg(tmp.path().join("pdf"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("第 2 课次") && err.contains("还没有教案"),
        "{err}"
    );
    let pdfs: Vec<String> = snapshot_tree(&tmp.path().join("pdf")).into_keys().collect();
    assert_eq!(
        pdfs,
        [
            "2026-autumn-s01-junior-high.pdf",
            "2026-autumn-s01-lower-primary.pdf"
        ]
    );
    // No date and temp path on the page: the header flag of Chrome/Edge
    // 112 and later, and the one before it (109 is the last on Windows 7).
    let args = fs::read_to_string(tmp.path().join("args.log")).unwrap();
    assert!(
        args.lines()
            .all(|l| l.contains("--no-pdf-header-footer") && l.contains("--print-to-pdf-no-header")),
        "{args}"
    );
}

/// The base fixture with two lessons in junior high's slot 1: one for
/// grade 7, one for grades 8 and 9.
fn grade_level(dir: &Path) {
    copy_tree(&fixture("base"), dir);
    let first = dir.join("lessons/junior-high/01-emotion-weather.md");
    let text = fs::read_to_string(&first).unwrap();
    let seven = text.replacen(
        "\n# 不写 grades：整个学段（7–9 年级）都上这一课\n",
        "\ngrades: [7]\n",
        1,
    );
    assert_ne!(seven, text, "the fixture changed: update grade_level()");
    fs::write(&first, &seven).unwrap();
    let eight = seven
        .replacen("title: 情绪气象站", "title: 八年级的情绪晴雨表", 1)
        .replacen("grades: [7]", "grades: [8, 9]", 1);
    fs::write(dir.join("lessons/junior-high/01-grade8.md"), eight).unwrap();
}

#[test]
fn grade_level_lessons_share_a_slot_and_each_grade_gets_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    grade_level(&project);
    let site = tmp.path().join("site");
    let (code, err) = build(&project, &site);
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("还没有教案"),
        "slot 1 is covered for every grade: {err}"
    );
    assert_offline_and_complete(&site);

    // Both lessons have pages; the band page and the calendar name each
    // with its grades; the sidebar says whose lesson it is.
    let band = fs::read_to_string(site.join("bands/junior-high.html")).unwrap();
    assert!(band.contains("情绪气象站") && band.contains("八年级的情绪晴雨表"));
    let calendar = fs::read_to_string(site.join("calendars/2026-autumn.html")).unwrap();
    assert!(calendar.contains("7年级：情绪气象站"), "{calendar}");
    assert!(calendar.contains("8–9年级：八年级的情绪晴雨表"));
    let nav = fs::read_to_string(site.join("nav/junior-high.js")).unwrap();
    assert!(nav.contains("八年级的情绪晴雨表（8–9年级）"), "{nav}");
    // The grade-8 lesson's neighbours are its own grades' lessons.
    let eight = fs::read_to_string(site.join("lessons/junior-high/01-grade8.html")).unwrap();
    assert!(
        eight.contains("02-pause.html"),
        "next lesson for grades 8–9"
    );
    assert!(
        !eight.contains("01-emotion-weather.html"),
        "the grade-7 lesson is not a neighbour"
    );

    // The print-this-fortnight page holds both, each with its grade.
    let print = fs::read_to_string(site.join("print/2026-autumn-s01-junior-high.html")).unwrap();
    assert!(print.contains("情绪气象站") && print.contains("八年级的情绪晴雨表"));
    assert!(
        print.contains("<td>7年级</td>") && print.contains("<td>8–9年级</td>"),
        "{print}"
    );

    // Search: a grade filter, and each lesson filed under its grades.
    let search = fs::read_to_string(site.join("search.html")).unwrap();
    assert!(search.contains("id=\"f-grade\""), "no grade filter");
    assert!(search.contains("<option value=\"8\">8年级</option>"));
    let index = fs::read_to_string(site.join("search-index.js")).unwrap();
    let json: serde_json::Value = serde_json::from_str(
        index
            .trim_start_matches("window.XINYU_SEARCH=")
            .trim_end()
            .trim_end_matches(';'),
    )
    .unwrap();
    // A row's grades (position 10) are positions in the dictionary `w`.
    let row = json["d"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == "八年级的情绪晴雨表")
        .expect("the lesson in the index");
    let grades: Vec<&str> = row[10]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json["w"][c.as_u64().unwrap() as usize].as_str().unwrap())
        .collect();
    assert_eq!(grades, ["8", "9"], "{index}");

    // The band pack carries both lessons under names that say the grades.
    let dir = tmp.path().join("jh");
    unzip(&site.join("packs/2026-autumn-s01-junior-high.zip"), &dir);
    assert!(dir.join("lessons/junior-high-7.html").is_file());
    assert!(dir.join("lessons/junior-high-8-9.html").is_file());
    let index = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(index.contains("7年级") && index.contains("8–9年级"));
    assert_offline_and_complete(&dir);

    // pack --grade and print --grade: only that grade's lesson.
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .args(["--slot", "1", "--grade", "8"])
        .arg("--out")
        .arg(tmp.path().join("packs"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let g8 = tmp.path().join("g8");
    unzip(&tmp.path().join("packs/2026-autumn-s01-grade8.zip"), &g8);
    let pages = snapshot_tree(&g8);
    assert!(
        pages.contains_key("lessons/junior-high.html"),
        "{:?}",
        pages.keys()
    );
    let all: String = pages
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .collect();
    assert!(all.contains("八年级的情绪晴雨表") && !all.contains("<h1>情绪气象站</h1>"));
    let fake = fake_browser(tmp.path());
    let o = xinyu()
        .arg("print")
        .arg(&project)
        .args(["--slot", "1", "--grade", "7", "--browser"])
        .arg(&fake)
        .arg("--out")
        .arg(tmp.path().join("pdf"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdfs: Vec<String> = snapshot_tree(&tmp.path().join("pdf")).into_keys().collect();
    assert_eq!(pdfs, ["2026-autumn-s01-grade7.pdf"]);
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .args(["--grade", "8", "--band", "小学低年级"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("8 年级不属于小学低年级"));

    // Two lessons for one grade in one slot: both files named, nothing written.
    let before = snapshot_tree(&site);
    let clash = project.join("lessons/junior-high/01-grade8.md");
    let text =
        fs::read_to_string(&clash)
            .unwrap()
            .replacen("grades: [8, 9]", "grades: [7, 8, 9]", 1);
    fs::write(&clash, text).unwrap();
    let (code, err) = build(&project, &site);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("有 2 份教案都适用于 7 年级"), "{err}");
    assert!(
        err.contains("lessons/junior-high/01-grade8.md:5:1"),
        "{err}"
    );
    assert!(
        err.contains("lessons/junior-high/01-emotion-weather.md:5:1"),
        "{err}"
    );
    assert!(
        before == snapshot_tree(&site),
        "a rejected build changed the site"
    );
}

#[test]
fn a_slot_a_grade_lacks_is_refused_naming_the_grade() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    grade_level(&project);
    // Grades 8 and 9 lose their lesson for slot 1; grade 7 keeps its own.
    fs::remove_file(project.join("lessons/junior-high/01-grade8.md")).unwrap();
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .args(["--slot", "1", "--band", "初中"])
        .arg("--out")
        .arg(tmp.path().join("packs"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("第 1 课次（初中）还不能打包")
            && err.contains("初中的 8、9 年级还没有 order: 1 的教案"),
        "{err}"
    );
    assert!(!tmp.path().join("packs").exists());
}

#[test]
fn a_lesson_whose_order_has_no_slot_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("p");
    copy_tree(&fixture("base"), &project);
    let path = project.join("lessons/junior-high/02-pause.md");
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("order: 2", "order: 7");
    fs::write(&path, text).unwrap();
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .arg("--out")
        .arg(tmp.path().join("packs"))
        .output()
        .unwrap();
    // A warning (book/src/packs.md): the lesson is on the site and in no
    // pack, and no pack is short because of it.
    let err = String::from_utf8_lossy(&o.stderr);
    // Slot 1 is written for every band, so it is packed; the lesson that
    // fits no slot is named, and junior high's empty slot 2 too.
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("lessons/junior-high/02-pause.md:4:1"), "{err}");
    assert!(err.contains("order: 7"), "{err}");
    assert!(tmp.path().join("packs/2026-autumn-s01.zip").is_file());
    assert!(!tmp.path().join("packs/2026-autumn-s02.zip").exists());
    // A whole term at once: junior high's gap stops the pack.
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .arg("--require-complete")
        .arg("--out")
        .arg(tmp.path().join("strict"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("lessons/junior-high/02-pause.md:4:1"), "{err}");
}

#[test]
#[ignore = "needs Chromium: run by .ci/run with --include-ignored"]
fn a_pack_opens_from_file_urls_with_no_failed_request() {
    let browser = chromium();
    let out = built_base();
    let tmp = tempfile::tempdir().unwrap();
    unzip(&out.join("packs/2026-autumn-s01.zip"), tmp.path());
    for page in [
        "index.html",
        "lessons/junior-high.html",
        "meetings/m1.html",
        "parents/p1.html",
    ] {
        let (dom, requested) = chromium_load(&browser, &tmp.path().join(page));
        assert!(dom.contains("需要帮助时"), "{page} did not render");
        // The page itself, its stylesheet, and for the lesson its image.
        assert!(requested.len() >= 2, "{page}: saw only {requested:?}");
        for r in &requested {
            assert!(
                r.starts_with(tmp.path()),
                "{page} requested a file outside the pack: {}",
                r.display()
            );
            assert!(r.is_file(), "{page}: failed request for {}", r.display());
        }
        if page.starts_with("lessons/") {
            assert!(
                requested.iter().any(|r| r.ends_with("assets/a1.svg")),
                "{page}: image not loaded"
            );
        }
    }
    // The check can fail: a page with a missing image is caught.
    fs::write(
        tmp.path().join("broken.html"),
        "<p>需要帮助时</p><img src=\"missing.png\">",
    )
    .unwrap();
    let (_, requested) = chromium_load(&browser, &tmp.path().join("broken.html"));
    assert!(
        requested
            .iter()
            .any(|r| r.ends_with("missing.png") && !r.is_file()),
        "detector is blind: {requested:?}"
    );
}

#[test]
#[ignore = "needs Python 3 with icalendar: run by .ci/run with --include-ignored"]
fn ics_parses_with_a_real_parser_and_round_trips_every_event() {
    let py = tool(&["python3"], "iCalendar checks");
    let out = built_base();
    let ics = out.join("calendars/2026-autumn.ics");
    let script = r#"
import sys, json, icalendar
data = open(sys.argv[1], 'rb').read()
cal = icalendar.Calendar.from_ical(data)
again = icalendar.Calendar.from_ical(cal.to_ical())
def events(c):
    return [{"uid": str(e["UID"]), "summary": str(e["SUMMARY"]),
             "start": e.decoded("DTSTART").isoformat(), "end": e.decoded("DTEND").isoformat()}
            for e in c.walk("VEVENT")]
print(json.dumps({"events": events(cal), "again": events(again), "tz": str(cal.get("X-WR-TIMEZONE"))}, ensure_ascii=False))
"#;
    let o = std::process::Command::new(py)
        .args(["-c", script])
        .arg(&ics)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("No module named 'icalendar'"),
        "python icalendar is required for the iCalendar check: pip install icalendar"
    );
    assert!(o.status.success(), "the .ics did not parse: {err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let events = v["events"].as_array().unwrap();
    assert_eq!(v["events"], v["again"], "events change in a round trip");
    assert_eq!(v["tz"], "Asia/Shanghai");
    // 1 break + 2 events + 2 slots × 2 bands.
    assert_eq!(events.len(), 7, "{events:#?}");
    let uids: std::collections::BTreeSet<&str> =
        events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    assert_eq!(uids.len(), events.len(), "UIDs must be unique");
    let find = |s: &str| {
        events
            .iter()
            .find(|e| e["summary"].as_str().unwrap().contains(s))
            .unwrap()
    };
    assert_eq!(find("期中考试周")["start"], "2026-09-14");
    assert_eq!(
        find("期中考试周")["end"],
        "2026-09-19",
        "DTEND is the day after the last day"
    );
    assert_eq!(find("情绪气象站")["start"], "2026-08-31");
    assert_eq!(find("情绪气象站")["end"], "2026-09-14");
    // Stable UIDs: a second build gives the same file.
    let (_t2, out2) = fresh_base();
    assert_eq!(
        fs::read(&ics).unwrap(),
        fs::read(out2.join("calendars/2026-autumn.ics")).unwrap()
    );
}

#[test]
fn calendar_prints_the_term_slot_by_slot() {
    let o = xinyu()
        .arg("calendar")
        .arg(fixture("base"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    insta::assert_snapshot!("calendar_terminal", String::from_utf8_lossy(&o.stdout));
    let o = xinyu()
        .arg("calendar")
        .arg(fixture("base"))
        .args(["--term", "spring"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

// ---- xinyu verify, keygen and --sign ----------------------------------

/// Runs `xinyu verify ARGS` in `dir`; (exit code, stdout with every public
/// key spelt `<公钥>`, so snapshots do not depend on a fresh key).
fn verify_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = xinyu()
        .current_dir(dir)
        .arg("verify")
        .args(args)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let key = regex_lite_key(&out);
    (o.status.code().unwrap_or(-1), key)
}

/// Replaces each minisign public key (`RW` + 54 base64 characters).
fn regex_lite_key(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("RW") {
        let tail = &rest[i..];
        let n = tail
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/' || *b == b'=')
            .count();
        out.push_str(&rest[..i]);
        if n == 56 {
            out.push_str("<公钥>");
        } else {
            out.push_str(&tail[..n.max(2)]);
        }
        rest = &tail[n.max(2)..];
    }
    out.push_str(rest);
    out
}

/// Slot 1's whole-school pack of the base fixture (signed with `key` when
/// given) in `dir`.
fn pack_slot_one(project: &Path, dir: &Path, key: Option<&Path>) {
    let mut cmd = xinyu();
    cmd.arg("pack")
        .arg(project)
        .args(["--slot", "1", "--out"])
        .arg(dir)
        .env("XINYU_KEY_PASSWORD", "县教研室的密码");
    if let Some(k) = key {
        cmd.arg("--sign").arg(k);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A county's keys (password-protected, the password given as a script
/// would) and a copy of the base fixture with its public key.
fn county(tmp: &Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let o = xinyu()
        .arg("keygen")
        .arg(tmp.join("keys"))
        .env("XINYU_KEY_PASSWORD", "县教研室的密码")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let secret = fs::read_to_string(tmp.join("keys/xinyu.key")).unwrap();
    assert!(
        secret.lines().nth(1).unwrap().starts_with("RWRTY0Iy"),
        "encrypted"
    );
    let public = fs::read_to_string(tmp.join("keys/xinyu.pub")).unwrap();
    let line = public.lines().nth(1).unwrap().to_string();
    assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("public_key = \"{line}\"")));
    let project = tmp.join("county");
    copy_tree(&fixture("base"), &project);
    let toml = fs::read_to_string(project.join("xinyu.toml")).unwrap();
    let toml = toml.replacen('\n', &format!("\npublic_key = \"{line}\"\n"), 1);
    fs::write(project.join("xinyu.toml"), toml).unwrap();
    (project, tmp.join("keys/xinyu.key"), line)
}

/// The files of a zip, in memory.
fn zip_files(zip: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(fs::File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

/// Writes `files` as a zip at `zip`.
fn write_zip(zip: &Path, files: &std::collections::BTreeMap<String, Vec<u8>>) {
    let mut w = zip::ZipWriter::new(fs::File::create(zip).unwrap());
    for (name, bytes) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, bytes).unwrap();
    }
    w.finish().unwrap();
}

/// What someone re-sealing a pack does: change a file, then recompute its
/// entry in manifest.json and SHA256SUMS.
fn reseal(zip: &Path, file: &str, from: &str, to: &str) {
    let mut files = zip_files(zip);
    let text = String::from_utf8(files[file].clone()).unwrap();
    assert!(text.contains(from), "{file} lacks {from}");
    files.insert(file.into(), text.replace(from, to).into_bytes());
    let mut m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        let p = f["path"].as_str().unwrap().to_string();
        f["size"] = files[&p].len().into();
        f["sha256"] = sha256(&files[&p]).into();
    }
    files.insert(
        "manifest.json".into(),
        serde_json::to_vec_pretty(&m).unwrap(),
    );
    files.remove("SHA256SUMS");
    let sums: String = files
        .iter()
        .map(|(p, b)| format!("{}  {p}\n", sha256(b)))
        .collect();
    files.insert("SHA256SUMS".into(), sums.into_bytes());
    write_zip(zip, &files);
}

#[test]
fn a_good_pack_verifies_and_a_changed_byte_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    pack_slot_one(&fixture("base"), tmp.path(), None);
    let (code, out) = verify_in(tmp.path(), &["2026-autumn-s01.zip"]);
    assert_eq!(code, 0, "{out}");
    insta::assert_snapshot!("verify_good", out);
    // One byte of one lesson changed, nothing else.
    let zip = tmp.path().join("2026-autumn-s01.zip");
    let mut files = zip_files(&zip);
    let page = files.get_mut("lessons/junior-high.html").unwrap();
    let at = page.iter().position(|&b| b == b'>').unwrap() + 1;
    page.insert(at, b' ');
    write_zip(&zip, &files);
    let (code, out) = verify_in(tmp.path(), &["2026-autumn-s01.zip"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("2026-autumn-s01.zip：被改动过"), "{out}");
    assert!(out.contains("lessons/junior-high.html：内容和"), "{out}");
    insta::assert_snapshot!("verify_changed", out);
}

#[test]
fn a_resealed_pack_passes_the_hashes_but_fails_the_signature() {
    let tmp = tempfile::tempdir().unwrap();
    let (project, key, line) = county(tmp.path());
    let out_dir = tmp.path().join("out");
    pack_slot_one(&project, &out_dir, Some(&key));
    let sig = out_dir.join("2026-autumn-s01.zip.minisig");
    assert!(sig.is_file());
    // The zip is byte-identical to an unsigned one; only the .minisig is new.
    let plain = tmp.path().join("plain");
    pack_slot_one(&project, &plain, None);
    assert_eq!(
        fs::read(out_dir.join("2026-autumn-s01.zip")).unwrap(),
        fs::read(plain.join("2026-autumn-s01.zip")).unwrap()
    );
    // The public key is printed in every pack page's footer.
    let index =
        String::from_utf8(zip_files(&out_dir.join("2026-autumn-s01.zip"))["index.html"].clone())
            .unwrap();
    assert!(index.contains(&line), "footer lacks the key");
    let pub_file = tmp.path().join("keys/xinyu.pub");
    let pub_arg = pub_file.to_str().unwrap();
    let (code, out) = verify_in(&out_dir, &["2026-autumn-s01.zip", "--key", pub_arg]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("签名有效"), "{out}");
    insta::assert_snapshot!("verify_signed", out);
    // Re-sealed: a hotline changed, manifest.json and SHA256SUMS recomputed.
    reseal(
        &out_dir.join("2026-autumn-s01.zip"),
        "index.html",
        "12356",
        "12345",
    );
    let unzipped = tmp.path().join("unzipped");
    unzip(&out_dir.join("2026-autumn-s01.zip"), &unzipped);
    let sums = std::process::Command::new("sha256sum")
        .args(["-c", "--quiet", "SHA256SUMS"])
        .current_dir(&unzipped)
        .status()
        .unwrap();
    assert!(sums.success(), "the re-sealed pack fools sha256sum -c");
    let (code, out) = verify_in(&out_dir, &["2026-autumn-s01.zip"]);
    assert_eq!(code, 0, "without a key only the hashes are checked: {out}");
    // Inside the project the key comes from xinyu.toml.
    let zip = out_dir.join("2026-autumn-s01.zip");
    let sig_arg = zip.to_str().unwrap();
    let (code, out) = verify_in(&project, &[sig_arg]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("被改动过") && out.contains("签名不符"),
        "{out}"
    );
    let out = out.replace(sig_arg, "2026-autumn-s01.zip");
    insta::assert_snapshot!("verify_resealed", out);
    // Another county's key does not vouch for this pack.
    let o = xinyu()
        .arg("keygen")
        .arg(tmp.path().join("other"))
        .arg("--no-password")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("私钥没有密码保护"));
    let other = tmp.path().join("other/xinyu.pub");
    let (code, out) = verify_in(
        &plain,
        &["2026-autumn-s01.zip", "--key", other.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert!(out.contains("没有签名"), "{out}");
    fs::copy(&sig, plain.join("2026-autumn-s01.zip.minisig")).unwrap();
    let (code, out) = verify_in(
        &plain,
        &["2026-autumn-s01.zip", "--key", other.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert!(out.contains("签名不是公钥"), "{out}");
}

#[test]
fn an_unsigned_pack_checked_with_a_key_says_it_is_not_signed() {
    let tmp = tempfile::tempdir().unwrap();
    let (project, _key, line) = county(tmp.path());
    pack_slot_one(&project, &tmp.path().join("out"), None);
    let (code, out) = verify_in(
        &tmp.path().join("out"),
        &["2026-autumn-s01.zip", "--key", &line],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("2026-autumn-s01.zip：没有签名"), "{out}");
    insta::assert_snapshot!("verify_unsigned", out);
    // A malformed key is a usage error, in Chinese.
    let o = xinyu()
        .args(["verify", "x.zip", "--key", "RWabc"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("公钥格式不对"));
}

#[test]
fn zip_slip_and_foreign_zips_are_refused_in_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a/b");
    fs::create_dir_all(&dir).unwrap();
    let mut slip = std::collections::BTreeMap::new();
    slip.insert("manifest.json".to_string(), b"{}".to_vec());
    slip.insert("../../evil.txt".to_string(), b"owned".to_vec());
    write_zip(&dir.join("slip.zip"), &slip);
    let mut photos = std::collections::BTreeMap::new();
    photos.insert("photo.jpg".to_string(), vec![0xFF, 0xD8, 0xFF]);
    write_zip(&dir.join("photos.zip"), &photos);
    let mut other = std::collections::BTreeMap::new();
    other.insert("manifest.json".to_string(), b"{\"name\": \"app\"}".to_vec());
    write_zip(&dir.join("other.zip"), &other);
    fs::write(dir.join("notes.zip"), "这不是压缩包").unwrap();
    let (code, out) = verify_in(
        &dir,
        &[
            "slip.zip",
            "photos.zip",
            "other.zip",
            "notes.zip",
            "missing.zip",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("slip.zip：不是 xinyu 课程包\n  里面有可疑的文件名 ../../evil.txt"),
        "{out}"
    );
    assert!(!tmp.path().join("evil.txt").exists());
    insta::assert_snapshot!("verify_refused", out);
}

#[test]
fn keys_stay_out_of_projects_sites_and_packs() {
    let tmp = tempfile::tempdir().unwrap();
    let (project, key, _line) = county(tmp.path());
    // keygen refuses a folder inside a project.
    let o = xinyu()
        .arg("keygen")
        .arg(project.join("keys"))
        .arg("--no-password")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("私钥不能放在课程项目里"));
    assert!(!project.join("keys").exists());
    // A secret key pasted into a lesson is never published.
    let secret = fs::read_to_string(&key).unwrap();
    let lesson = walkdir::WalkDir::new(project.join("lessons"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let text = fs::read_to_string(&lesson).unwrap();
    fs::write(
        &lesson,
        format!("{text}\n\n{}\n", secret.lines().nth(1).unwrap()),
    )
    .unwrap();
    let (code, err) = build(&project, &tmp.path().join("site"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("里面有签名用的私钥"), "{err}");
    assert!(!tmp.path().join("site").exists());
    // A wrong password and a key that is not this project's are refused.
    fs::write(&lesson, text).unwrap();
    let o = xinyu()
        .arg("pack")
        .arg(&project)
        .arg("--sign")
        .arg(&key)
        .arg("--out")
        .arg(tmp.path().join("p"))
        .env("XINYU_KEY_PASSWORD", "猜的")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("私钥的密码不对"));
    // A malformed public_key in xinyu.toml is a settings error.
    let toml = fs::read_to_string(project.join("xinyu.toml")).unwrap();
    let bad: String = toml
        .lines()
        .map(|l| {
            if l.starts_with("public_key") {
                "public_key = \"RWQ-不是公钥\""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(project.join("xinyu.toml"), bad).unwrap();
    let o = xinyu().arg("check").arg(&project).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("public_key 写得不对") && err.contains("xinyu.toml:2"),
        "{err}"
    );
}

#[test]
#[ignore = "needs the minisign tool (installed by .ci/run)"]
fn the_standard_minisign_tool_checks_a_signed_pack() {
    let minisign = tool(&["minisign"], "checking a signature as IT staff would");
    let tmp = tempfile::tempdir().unwrap();
    let (project, key, line) = county(tmp.path());
    let out = tmp.path().join("out");
    pack_slot_one(&project, &out, Some(&key));
    let check = |expect: bool| {
        let o = std::process::Command::new(&minisign)
            .args(["-Vm", "2026-autumn-s01.zip", "-P", &line])
            .current_dir(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.success(), expect, "{o:?}");
    };
    check(true);
    reseal(
        &out.join("2026-autumn-s01.zip"),
        "index.html",
        "12356",
        "12345",
    );
    check(false);
}

#[test]
fn a_pack_dropped_on_the_program_is_checked_with_the_key_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (project, key, _line) = county(tmp.path());
    let out = tmp.path().join("out");
    pack_slot_one(&project, &out, Some(&key));
    // The school put the county's xinyu.pub beside its copy of the program.
    let bin = tmp.path().join("程序");
    fs::create_dir_all(&bin).unwrap();
    let exe = bin.join("xinyu");
    let real = assert_cmd::cargo::cargo_bin("xinyu");
    fs::hard_link(&real, &exe)
        .or_else(|_| fs::copy(&real, &exe).map(|_| ()))
        .unwrap();
    let drop = |zip: &str| {
        let o = std::process::Command::new(&exe)
            .arg(zip)
            .current_dir(&out)
            .output()
            .unwrap();
        (
            o.status.code(),
            regex_lite_key(&String::from_utf8_lossy(&o.stdout)),
        )
    };
    // Without the key only the hashes are checked, and the way to add it is said.
    let (code, text) = drop("2026-autumn-s01.zip");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("xinyu.pub 放在 xinyu 程序旁边"), "{text}");
    fs::copy(tmp.path().join("keys/xinyu.pub"), bin.join("xinyu.pub")).unwrap();
    let (code, text) = drop("2026-autumn-s01.zip");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.starts_with("公钥 <公钥>（来自 xinyu 程序旁边的 xinyu.pub）"),
        "{text}"
    );
    assert!(text.contains("签名有效"), "{text}");
    reseal(
        &out.join("2026-autumn-s01.zip"),
        "index.html",
        "12356",
        "12345",
    );
    let (code, text) = drop("2026-autumn-s01.zip");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("被改动过"), "{text}");
}
