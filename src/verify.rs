//! Checking a pack's zip against its own `manifest.json` and `SHA256SUMS`,
//! in memory: nothing is extracted. Names that would land outside a folder
//! (zip-slip), links, too many entries and absurd sizes are refused before
//! anything is read.
//!
//! Must not: read or write files, or print (`commands::verify` does).

use crate::render::archive::sha256_hex;
use std::collections::BTreeMap;
use std::io::Read;

/// At most this many entries (a whole-school pack has a few hundred).
pub const MAX_ENTRIES: usize = 20_000;
/// At most this many bytes in one entry, uncompressed.
pub const MAX_ENTRY: u64 = 1 << 30;
/// At most this many bytes in all entries together, uncompressed.
pub const MAX_TOTAL: u64 = 2 << 30;

/// What a pack's manifest says of it, for people.
#[derive(Debug, Default)]
pub struct About {
    /// Pack id (`2026-autumn-s01`).
    pub id: String,
    /// Publisher.
    pub publisher: String,
    /// Term's display name.
    pub term: String,
    /// Slot number.
    pub slot: u64,
    /// First and last day.
    pub dates: (String, String),
    /// Files listed in the manifest.
    pub files: usize,
}

/// The verdict on one zip's contents.
#[derive(Debug)]
pub enum Verdict {
    /// Every file matches the manifest and `SHA256SUMS`.
    Intact(About),
    /// Some files differ: (path, what is wrong), sorted by path.
    Changed(About, Vec<(String, String)>),
    /// Not a xinyu pack: why.
    NotAPack(String),
}

/// Checks the zip `bytes`.
pub fn check(bytes: &[u8]) -> Verdict {
    let files = match read(bytes) {
        Ok(f) => f,
        Err(why) => return Verdict::NotAPack(why),
    };
    let Some(manifest) = files.get("manifest.json") else {
        return Verdict::NotAPack("里面没有 manifest.json".into());
    };
    let Ok(m) = serde_json::from_slice::<serde_json::Value>(manifest) else {
        return Verdict::NotAPack("manifest.json 不是 xinyu 写的清单".into());
    };
    let listed = m["files"].as_array();
    let generator = m["generator"].as_str().unwrap_or("");
    let (Some(listed), true, Some(id)) =
        (listed, generator.starts_with("xinyu "), m["id"].as_str())
    else {
        return Verdict::NotAPack("manifest.json 不是 xinyu 写的清单".into());
    };
    let about = About {
        id: id.to_string(),
        publisher: m["publisher"].as_str().unwrap_or("").to_string(),
        term: m["term"]["name"].as_str().unwrap_or("").to_string(),
        slot: m["slot"].as_u64().unwrap_or(0),
        dates: (
            m["first_date"].as_str().unwrap_or("").to_string(),
            m["last_date"].as_str().unwrap_or("").to_string(),
        ),
        files: listed.len(),
    };
    let mut wrong: BTreeMap<String, String> = BTreeMap::new();
    let mut note = |path: &str, why: &str| {
        wrong
            .entry(path.to_string())
            .or_insert_with(|| why.to_string());
    };
    // The manifest's list: every file present with its size and hash.
    let mut in_manifest = std::collections::BTreeSet::new();
    for f in listed {
        let (Some(path), Some(size), Some(hash)) =
            (f["path"].as_str(), f["size"].as_u64(), f["sha256"].as_str())
        else {
            note("manifest.json", "文件清单的格式被改坏了");
            continue;
        };
        in_manifest.insert(path.to_string());
        match files.get(path) {
            None => note(path, "清单里有这个文件，包里却没有"),
            Some(b) if b.len() as u64 != size || sha256_hex(b) != hash => {
                note(path, "内容和 manifest.json 记录的不一样");
            }
            Some(_) => {}
        }
    }
    for path in files.keys() {
        if path != "manifest.json" && path != "SHA256SUMS" && !in_manifest.contains(path) {
            note(path, "包里多出来的文件，清单里没有");
        }
    }
    // SHA256SUMS: every file but itself, manifest.json included.
    match files.get("SHA256SUMS").map(|b| std::str::from_utf8(b)) {
        None => note("SHA256SUMS", "缺少校验文件 SHA256SUMS"),
        Some(Err(_)) => note("SHA256SUMS", "校验文件 SHA256SUMS 被改坏了"),
        Some(Ok(text)) => {
            let mut summed = std::collections::BTreeSet::new();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let Some((hash, path)) = line.split_once("  ") else {
                    note("SHA256SUMS", "校验文件 SHA256SUMS 被改坏了");
                    continue;
                };
                summed.insert(path.to_string());
                match files.get(path) {
                    None => note(path, "SHA256SUMS 里有这个文件，包里却没有"),
                    Some(b) if sha256_hex(b) != hash => {
                        note(path, "内容和 SHA256SUMS 记录的不一样");
                    }
                    Some(_) => {}
                }
            }
            for path in files.keys() {
                if path != "SHA256SUMS" && !summed.contains(path) {
                    note(path, "SHA256SUMS 里没有这个文件");
                }
            }
        }
    }
    if wrong.is_empty() {
        Verdict::Intact(about)
    } else {
        Verdict::Changed(about, wrong.into_iter().collect())
    }
}

/// The zip's files in memory, after refusing anything a pack never holds.
fn read(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| "这不是 zip 文件\u{FF0C}或者文件不完整".to_string())?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "里面有 {} 个文件，超过了 {MAX_ENTRIES} 个",
            zip.len()
        ));
    }
    // Names first, so nothing is read from a zip with a bad one.
    let mut total = 0u64;
    for i in 0..zip.len() {
        let e = zip
            .by_index_raw(i)
            .map_err(|_| "zip 文件已经损坏".to_string())?;
        let name = String::from_utf8_lossy(e.name_raw()).into_owned();
        if !plain_name(&name) {
            return Err(format!(
                "里面有可疑的文件名 {name}\u{FF0C}解压时会写到解压文件夹之外\u{FF1B}已拒绝\u{FF0C}没有解压任何文件"
            ));
        }
        if e.is_symlink() {
            return Err(format!(
                "里面有链接文件 {name}\u{FF1B}已拒绝\u{FF0C}没有解压任何文件"
            ));
        }
        if e.size() > MAX_ENTRY {
            return Err(format!(
                "里面的文件 {name} 大得不合常理\u{FF1B}已拒绝\u{FF0C}没有解压任何文件"
            ));
        }
        total = total.saturating_add(e.size());
    }
    if total > MAX_TOTAL {
        return Err(
            "解压后的总大小超过 2 GB\u{FF0C}不合常理\u{FF1B}已拒绝\u{FF0C}没有解压任何文件"
                .to_string(),
        );
    }
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut e = zip
            .by_index(i)
            .map_err(|_| "zip 文件已经损坏".to_string())?;
        if e.is_dir() {
            continue;
        }
        let name = String::from_utf8_lossy(e.name_raw()).into_owned();
        // Read one byte more than declared: a header that lies is caught.
        let size = e.size();
        let mut buf = Vec::new();
        (&mut e)
            .take(size.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|_| format!("zip 文件已经损坏\u{FF08}{name}\u{FF09}"))?;
        if buf.len() as u64 != size {
            return Err(format!("zip 文件已经损坏\u{FF08}{name}\u{FF09}"));
        }
        if files.insert(name.clone(), buf).is_some() {
            return Err(format!("里面有两个同名文件 {name}"));
        }
    }
    Ok(files)
}

/// A relative `/`-separated path with no `..`, `.`, empty part, drive,
/// backslash or control character.
fn plain_name(name: &str) -> bool {
    let name = name.strip_suffix('/').unwrap_or(name);
    !name.is_empty()
        && !name.contains(['\\', ':', '\0'])
        && !name.chars().any(char::is_control)
        && name
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_slip_names_are_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "a\\..\\x",
            "a//b",
            "",
        ] {
            assert!(!plain_name(bad), "{bad}");
        }
        for good in ["index.html", "static/style.css", "lessons/"] {
            assert!(plain_name(good), "{good}");
        }
    }
}
