//! PDFs through a locally installed Chromium, Chrome or Edge in headless
//! mode: the same HTML print pages and print CSS a teacher would print from
//! the browser, so there is one layout to get right.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Program names looked up on PATH, in order.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "microsoft-edge-stable",
    "msedge",
];

/// The usual install locations on Windows, macOS and Linux.
fn usual_places() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = Vec::new();
    for base in ["C:\\Program Files", "C:\\Program Files (x86)"] {
        v.push(PathBuf::from(base).join("Microsoft\\Edge\\Application\\msedge.exe"));
        v.push(PathBuf::from(base).join("Google\\Chrome\\Application\\chrome.exe"));
    }
    if let Some(local) = std::env::var_os("LOCALAPPDATA") {
        v.push(PathBuf::from(&local).join("Google\\Chrome\\Application\\chrome.exe"));
        v.push(PathBuf::from(&local).join("Chromium\\Application\\chrome.exe"));
    }
    for app in [
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
        "/snap/bin/chromium",
    ] {
        v.push(PathBuf::from(app));
    }
    v
}

/// Finds a browser: the one given, else `XINYU_BROWSER`, else PATH, else the
/// usual install locations.
pub fn find_browser(explicit: Option<&Path>) -> Result<PathBuf> {
    let env = std::env::var_os("XINYU_BROWSER").map(PathBuf::from);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    search_browser(explicit, env.as_deref(), &dirs, &usual_places())
}

/// [`find_browser`] with its inputs given: the `--browser` path, the value
/// of `XINYU_BROWSER`, the PATH folders and the usual install locations, in
/// that order. Only files that exist count.
fn search_browser(
    explicit: Option<&Path>,
    env: Option<&Path>,
    path_dirs: &[PathBuf],
    places: &[PathBuf],
) -> Result<PathBuf> {
    if let Some(p) = explicit {
        if p.is_file() {
            return Ok(p.to_path_buf());
        }
        bail!("--browser 指定的 {} 不存在", p.display());
    }
    if let Some(p) = env.filter(|p| p.is_file()) {
        return Ok(p.to_path_buf());
    }
    for dir in path_dirs {
        for n in NAMES {
            for candidate in [dir.join(n), dir.join(format!("{n}.exe"))] {
                if candidate.is_file() {
                    return Ok(candidate);
                }
            }
        }
    }
    if let Some(p) = places.iter().find(|p| p.is_file()) {
        return Ok(p.clone());
    }
    bail!(
        "没有找到 Chrome、Edge 或 Chromium 浏览器\u{FF0C}无法生成 PDF。\n\
         网页版的打印页不受影响\u{FF1A}用浏览器打开后按 Ctrl+P 打印即可。\n\
         要生成 PDF\u{FF1A}Windows 10/11 自带 Edge\u{FF1B}也可以安装 Chrome\u{FF1B}\
         Linux 上运行 sudo apt install chromium fonts-noto-cjk\u{FF1B}\
         装在别处时用 --browser 指定浏览器程序的路径。"
    )
}

/// A `file://` URL for a local path.
fn file_url(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let s = abs.to_string_lossy().replace('\\', "/");
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    format!(
        "file://{}",
        percent_encoding::utf8_percent_encode(&s, PATH_SET)
    )
}

const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`');

/// Prints one HTML page to a PDF. `stamp` (`YYYYMMDD`) replaces the
/// creation and modification dates Chromium writes, so the same page always
/// gives the same bytes.
pub fn to_pdf(browser: &Path, html: &Path, stamp: &str) -> Result<Vec<u8>> {
    // Chromium cannot sandbox itself when run as root (containers, CI);
    // only then try again without the sandbox.
    match run_browser(browser, html, false) {
        Ok(bytes) => Ok(fix_dates(bytes, stamp)),
        Err(_) => run_browser(browser, html, true).map(|b| fix_dates(b, stamp)),
    }
}

fn run_browser(browser: &Path, html: &Path, no_sandbox: bool) -> Result<Vec<u8>> {
    let profile = crate::writer::Scratch::new()?;
    let pdf = profile.path().join("out.pdf");
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--disable-gpu",
        "--no-pdf-header-footer",
        // The same flag before Chrome and Edge 112 (109 is the last on Windows 7).
        "--print-to-pdf-no-header",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        // Wait (in virtual time) until every pending load has settled, so a
        // busy machine prints the same page as an idle one.
        "--virtual-time-budget=5000",
        "--run-all-compositor-stages-before-draw",
    ]);
    if no_sandbox {
        cmd.arg("--no-sandbox");
    }
    cmd.arg(format!(
        "--user-data-dir={}",
        profile.path().join("profile").display()
    ));
    cmd.arg(format!("--print-to-pdf={}", pdf.display()));
    cmd.arg(file_url(html));
    let out = cmd
        .output()
        .with_context(|| format!("无法运行浏览器 {}", browser.display()))?;
    std::fs::read(&pdf).map_err(|_| {
        anyhow::anyhow!(
            "浏览器没有生成 PDF({})\u{FF1A}{}",
            html.display(),
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        )
    })
}

/// Replaces every `D:YYYYMMDDHHMMSS` date with `D:<stamp>000000`: the same
/// length, so the PDF's byte offsets stay valid.
fn fix_dates(mut pdf: Vec<u8>, stamp: &str) -> Vec<u8> {
    let fixed = format!(
        "{:0<8}000000",
        stamp
            .chars()
            .filter(char::is_ascii_digit)
            .take(8)
            .collect::<String>()
    );
    let mut i = 0;
    while i + 16 <= pdf.len() {
        if &pdf[i..i + 2] == b"D:" && pdf[i + 2..i + 16].iter().all(u8::is_ascii_digit) {
            pdf[i + 2..i + 16].copy_from_slice(fixed.as_bytes());
            i += 16;
        } else {
            i += 1;
        }
    }
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_fixed_in_place() {
        let pdf = b"<</CreationDate (D:20261122162220+00'00')/ModDate (D:20261122162221+00'00')>>"
            .to_vec();
        let fixed = fix_dates(pdf.clone(), "2026-08-31");
        assert_eq!(fixed.len(), pdf.len());
        assert_eq!(
            String::from_utf8(fixed).unwrap(),
            "<</CreationDate (D:20260831000000+00'00')/ModDate (D:20260831000000+00'00')>>"
        );
    }

    #[test]
    fn with_no_browser_anywhere_the_message_says_how_to_get_one() {
        let e = search_browser(None, None, &[], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("没有找到 Chrome、Edge 或 Chromium"), "{e}");
        assert!(e.contains("Ctrl+P"), "{e}");
        assert!(
            e.contains("sudo apt install chromium fonts-noto-cjk"),
            "{e}"
        );
        assert!(e.contains("--browser"), "{e}");
        // Names that do not exist are not a browser either.
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("chromium");
        let e = search_browser(
            None,
            Some(&missing),
            &[tmp.path().to_path_buf()],
            std::slice::from_ref(&missing),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("没有找到 Chrome、Edge 或 Chromium"), "{e}");
    }

    #[test]
    fn a_missing_explicit_browser_is_named_and_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let found = tmp.path().join("chromium");
        std::fs::write(&found, b"").unwrap();
        let missing = tmp.path().join("no-such-browser");
        let e = search_browser(Some(&missing), Some(&found), &[], &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("--browser 指定的") && e.contains("no-such-browser"),
            "{e}"
        );
        assert!(e.contains("不存在"), "{e}");
    }

    #[test]
    fn the_browser_is_taken_from_flag_then_variable_then_path_then_usual_places() {
        let tmp = tempfile::tempdir().unwrap();
        let file = |name: &str| {
            let p = tmp.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, b"").unwrap();
            p
        };
        let flag = file("flag/browser");
        let var = file("var/browser");
        let on_path = file("bin/google-chrome.exe");
        let usual = file("usual/chrome");
        let dirs = [tmp.path().join("empty"), tmp.path().join("bin")];
        let places = [tmp.path().join("usual/missing"), usual.clone()];
        let find = |f: Option<&Path>, v: Option<&Path>, d: &[PathBuf]| {
            search_browser(f, v, d, &places).unwrap()
        };
        assert_eq!(find(Some(&flag), Some(&var), &dirs), flag);
        assert_eq!(find(None, Some(&var), &dirs), var);
        // A variable naming a missing file is passed over.
        let gone = tmp.path().join("var/gone");
        assert_eq!(find(None, Some(&gone), &dirs), on_path);
        assert_eq!(find(None, None, &dirs), on_path);
        assert_eq!(find(None, None, &[]), usual);
    }

    #[test]
    fn file_urls_are_encoded() {
        assert!(file_url(Path::new("/tmp/我的 课/a.html")).starts_with("file:///tmp/"));
        assert!(file_url(Path::new("/tmp/a b.html")).ends_with("/a%20b.html"));
    }
}
