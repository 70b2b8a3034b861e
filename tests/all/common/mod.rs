//! Helpers shared by the integration tests: real files in temp dirs, the
//! real binary.
#![allow(dead_code)]

use assert_cmd::Command;
use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once, OnceLock};

/// A copy of the base fixture in a temp dir: (tempdir, project, out).
pub fn base_project() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("project");
    copy_tree(&fixture("base"), &project);
    let out = tmp.path().join("site");
    (tmp, project, out)
}

/// Writes `text` as the project's override of the theme template `name`
/// (`partials/help.html`), with its folders.
pub fn write_template(project: &Path, name: &str, text: &str) {
    let path = project.join("themes/default/templates").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture folder under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// The real `xinyu` binary.
pub fn xinyu() -> Command {
    Command::cargo_bin("xinyu").expect("binary built")
}

/// Copies a folder tree (files only), skipping files named `EXPECT`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else if entry.file_name() != "EXPECT" {
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The base fixture with `tests/fixtures/facts/` laid over it, copied to
/// `dir`: local facts in a lesson's title, objective, materials and body
/// and in a meeting's spoken line, one value spelling markup.
pub fn base_with_facts(dir: &Path) {
    copy_tree(&fixture("base"), dir);
    copy_tree(&fixture("facts"), dir);
}

/// A local fact's value in `base_with_facts`, which must stay text.
pub const FACT_VALUE: &str = "行政楼二楼 <b>*周三*</b>";

/// The text of a whole HTML document, as a reader sees it.
pub fn page_text(html: &str) -> String {
    Html::parse_document(html).root_element().text().collect()
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Runs `xinyu build PROJECT --out OUT`; returns (exit code, stderr). The
/// day is fixed, so a hotline's age (which `build` reports too) cannot
/// change the messages.
pub fn build(project: &Path, out: &Path) -> (i32, String) {
    let o = xinyu()
        .arg("build")
        .arg(project)
        .arg("--out")
        .arg(out)
        .env("XINYU_TODAY", "2026-11-22")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A site built once per test process, for the tests that only read it:
/// the exit code and stderr of `build`, and the output folder.
pub struct Built {
    pub code: i32,
    pub err: String,
    pub dir: PathBuf,
}

impl Built {
    /// The output folder, once the build is known to have succeeded.
    pub fn site(&self) -> &Path {
        assert_eq!(self.code, 0, "{}", self.err);
        &self.dir
    }
}

/// The shipped curriculum, built once (a debug build takes about 20 s) into
/// a folder named `curriculum-site`, as `assert_offline_and_complete`
/// expects. Read only: a test that writes into a site copies it first.
pub fn shared_curriculum() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build_kept(&repo().join("curriculum"), "curriculum-site"))
}

/// The base fixture, built once into a folder named `site`. Read only, as
/// `shared_curriculum`.
pub fn shared_base() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build_kept(&fixture("base"), "site"))
}

/// Builds `project` into `NAME` in a temp folder that lives until the test
/// process exits.
fn build_kept(project: &Path, name: &str) -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    let (code, err) = build(project, &dir);
    remove_at_exit(tmp);
    Built { code, err, dir }
}

/// Statics are never dropped, so the shared sites' temp folders are removed
/// by a C `atexit` hook, which also runs when the harness exits with a
/// failure.
fn remove_at_exit(dir: tempfile::TempDir) {
    static DIRS: Mutex<Vec<tempfile::TempDir>> = Mutex::new(Vec::new());
    extern "C" fn remove_all() {
        if let Ok(mut dirs) = DIRS.lock() {
            dirs.clear();
        }
    }
    unsafe extern "C" {
        fn atexit(f: extern "C" fn()) -> std::ffi::c_int;
    }
    static HOOK: Once = Once::new();
    // SAFETY: registers a plain function without arguments, as C asks.
    HOOK.call_once(|| assert_eq!(unsafe { atexit(remove_all) }, 0, "atexit"));
    DIRS.lock().unwrap().push(dir);
}

/// Every `href`/`src` in every page resolves to a real file inside the
/// site; nothing is loaded from outside; every page carries the help box.
pub fn assert_offline_and_complete(site: &Path) -> usize {
    let files = snapshot_tree(site);
    let links =
        Selector::parse("a[href], link[href], img[src], script[src], source[src], iframe[src], audio[src], video[src], video[poster], track[src]")
            .unwrap();
    let help = Selector::parse("aside.help").unwrap();
    let h1 = Selector::parse("h1").unwrap();
    let mut pages = 0;
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let text = String::from_utf8(bytes.clone()).unwrap();
        let doc = Html::parse_document(&text);
        // A gathered print page has one item per printed page, each with its
        // own title and help box; every other page has exactly one of each.
        // The classroom view is a projector's screens: no page heading or
        // help box of its own (sensitive lessons carry the help path in
        // their 投影 blocks), so only the offline rules below apply.
        let screen = rel.ends_with(".classroom.html");
        let items = if rel.starts_with("print/") {
            doc.select(&Selector::parse(".print-item").unwrap()).count()
        } else {
            1
        };
        assert!(items >= 1, "{rel}: empty print page");
        if !screen {
            assert_eq!(
                doc.select(&help).count(),
                items,
                "{rel}: one help box per printed item"
            );
            assert_eq!(
                doc.select(&h1).count(),
                items,
                "{rel}: one h1 per page or printed item"
            );
        }
        // Headings never skip a level (h2 → h4), so a screen reader's
        // outline is whole.
        let mut prev = 0;
        for h in doc.select(&Selector::parse("h1, h2, h3, h4, h5, h6").unwrap()) {
            let level: u32 = h.value().name()[1..].parse().unwrap();
            assert!(level <= prev + 1, "{rel}: h{prev} followed by h{level}");
            prev = level;
        }
        assert!(
            screen || text.contains("12356") || !site.ends_with("curriculum-site"),
            "{rel}: hotline missing"
        );
        let urls = doc.select(&links).flat_map(|el| {
            ["href", "src", "poster"]
                .into_iter()
                .filter_map(move |a| el.value().attr(a).map(|u| (el, u)))
        });
        for (el, url) in urls {
            let loads = el.value().name() != "a";
            if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//") {
                assert!(!loads, "{rel}: loads an external asset {url}");
                continue;
            }
            if url.starts_with('#') || url.starts_with("mailto:") {
                continue;
            }
            let path = url.split(['#', '?']).next().unwrap();
            assert!(
                !path.is_empty() && !path.ends_with('/'),
                "{rel}: directory URL {url}"
            );
            assert!(!path.starts_with('/'), "{rel}: absolute URL {url}");
            let decoded = percent_encoding::percent_decode_str(path)
                .decode_utf8()
                .unwrap();
            let base = Path::new(rel).parent().unwrap();
            let target = normalize(&base.join(decoded.as_ref()));
            assert!(
                files.contains_key(&target),
                "{rel}: broken link {url} → {target}"
            );
        }
    }
    pages
}

pub fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c.as_os_str().to_string_lossy().as_ref() {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s.to_string()),
        }
    }
    parts.join("/")
}

/// A program on PATH. A missing one fails the test, saying what it is for:
/// a test never passes without checking. Tests that need a tool a plain
/// machine may lack are `#[ignore]`d; `.ci/run` installs the tools and runs
/// them with `--include-ignored`.
pub fn tool(names: &[&str], why: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "{} is required for {why} but is not on PATH (.ci/run installs it)",
        names[0]
    )
}

/// Real headless Chromium, as `.ci/run` installs it; fails the test when
/// there is none.
pub fn chromium() -> PathBuf {
    tool(
        &["chromium", "chromium-browser", "google-chrome"],
        "browser tests (Debian: apt install chromium fonts-noto-cjk)",
    )
}

/// Loads a page from `file://` in headless Chromium; returns the DOM after
/// load and every `file://` path the browser requested (from its verbose
/// log), so a test can check that each request found its file.
pub fn chromium_load(browser: &Path, page: &Path) -> (String, Vec<PathBuf>) {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.display());
    let o = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=1",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(&url)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&o.stderr);
    let requested = log
        .lines()
        .filter_map(|l| l.split("FileURLLoader::Start: file://").nth(1))
        .map(|u| {
            PathBuf::from(
                percent_encoding::percent_decode_str(u.trim())
                    .decode_utf8_lossy()
                    .into_owned(),
            )
        })
        .collect();
    (String::from_utf8_lossy(&o.stdout).into_owned(), requested)
}

/// Extracts a zip into `dir` with the zip crate.
pub fn unzip(zip: &Path, dir: &Path) {
    let f = fs::File::open(zip).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    z.extract(dir).unwrap();
}
