//! Pack files: the manifest, `SHA256SUMS`, and a byte-reproducible zip.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;

/// Version of the manifest format; bump when its meaning changes.
pub const FORMAT_VERSION: u32 = 1;

/// Lowercase hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes).into())
}

/// Lowercase hex of a sha256: each file of every pack is listed twice
/// (manifest and `SHA256SUMS`), and a `format!` per byte was a fifth of a
/// percent of a 10,000-lesson build.
fn hex(digest: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// One file listed in a manifest.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path inside the pack.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Lowercase hex sha256.
    pub sha256: String,
}

/// What a pack says about itself in `manifest.json`.
#[derive(Serialize, Debug, Clone)]
pub struct Manifest {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Pack id, also the zip's file name without `.zip`.
    pub id: String,
    /// Project title.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Term: calendar id, display name, autumn|spring.
    pub term: TermInfo,
    /// Slot number in the term.
    pub slot: u32,
    /// First day of the fortnight (ISO date).
    pub first_date: String,
    /// Last day of the fortnight (ISO date).
    pub last_date: String,
    /// Band slugs in the pack.
    pub bands: Vec<String>,
    /// `xinyu <version>`.
    pub generator: String,
    /// Every file of the pack except `manifest.json` and `SHA256SUMS`.
    pub files: Vec<FileEntry>,
}

/// The term a pack belongs to.
#[derive(Serialize, Debug, Clone)]
pub struct TermInfo {
    /// Short ASCII id, e.g. `2026-autumn`.
    pub id: String,
    /// Display name from the calendar.
    pub name: String,
    /// `autumn` or `spring`.
    pub term: String,
}

/// Adds `manifest.json` and `SHA256SUMS` to the pack's files and returns the
/// zip bytes. Entries are sorted, dated 1980-01-01 and given fixed
/// permissions, so the same files always give the same bytes.
pub fn seal(mut files: BTreeMap<String, Vec<u8>>, manifest: Manifest) -> anyhow::Result<Vec<u8>> {
    // Pack paths come from `plan::paths` and are clean; refuse anything
    // else rather than write an entry an unzip tool would place outside
    // its folder, mangle or reject (found by the `pack` fuzz target).
    if let Some(bad) = files
        .keys()
        .find(|p| !clean_entry(p) || *p == "manifest.json" || *p == "SHA256SUMS")
    {
        anyhow::bail!("pack entry {bad:?} is not a clean relative path");
    }
    let mut manifest = manifest;
    // Each file hashed once: for the manifest, SHA256SUMS and the zip.
    let digest = |b: &[u8]| -> [u8; 32] { Sha256::digest(b).into() };
    let mut digests: BTreeMap<String, [u8; 32]> =
        files.iter().map(|(p, b)| (p.clone(), digest(b))).collect();
    manifest.files = files
        .iter()
        .zip(digests.values())
        .map(|((path, bytes), d)| FileEntry {
            path: path.clone(),
            size: bytes.len() as u64,
            sha256: hex(d),
        })
        .collect();
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    digests.insert("manifest.json".into(), digest(&json));
    files.insert("manifest.json".into(), json);
    // `sha256sum -c SHA256SUMS` format: hash, two spaces, path.
    let sums: String = digests
        .iter()
        .map(|(p, d)| format!("{}  {p}\n", hex(d)))
        .collect();
    digests.insert("SHA256SUMS".into(), digest(sums.as_bytes()));
    files.insert("SHA256SUMS".into(), sums.into_bytes());

    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        // The same keys in the same order: each file beside its hash.
        debug_assert!(files.keys().eq(digests.keys()));
        for ((path, bytes), d) in files.iter().zip(digests.values()) {
            crate::signing::refuse_secret_key(path, bytes)?;
            add_deflated(&mut zip, path, bytes, d)?;
        }
        zip.finish()?;
    }
    Ok(out.into_inner())
}

/// How every entry is written: deflated, dated 1980-01-01, mode 0644.
fn entry_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

/// Adds `bytes` (whose sha256 is `sha256`) to `zip` as `path`: the entry
/// deflated once per process by [`deflated`], copied raw.
fn add_deflated<W: std::io::Write + std::io::Seek>(
    zip: &mut zip::ZipWriter<W>,
    path: &str,
    bytes: &[u8],
    sha256: &[u8; 32],
) -> anyhow::Result<()> {
    let one = deflated(bytes, sha256)?;
    let mut one = zip::ZipArchive::new(std::io::Cursor::new(one.as_slice()))?;
    zip.raw_copy_file_rename(one.by_index_raw(0)?, path)?;
    Ok(())
}

/// `bytes` as the only entry of a zip, compressed once per process for
/// each content: the theme's files are in every pack, and a slot's
/// whole-school pack holds the pages of its band packs (a quarter of what
/// the packs of a build deflate). Copied raw into each pack, an entry is
/// byte for byte what writing it there would give (the unit test below
/// compares the two ways). The cache lives as long as the process: a
/// build or `pack` run; `serve`, which runs for hours, makes no packs.
fn deflated(bytes: &[u8], sha256: &[u8; 32]) -> anyhow::Result<std::sync::Arc<Vec<u8>>> {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};
    /// One-entry zips by their content's sha256.
    type Done = Mutex<HashMap<[u8; 32], Arc<Vec<u8>>>>;
    static DONE: LazyLock<Done> = LazyLock::new(Default::default);
    if let Some(z) = DONE.lock().unwrap_or_else(|p| p.into_inner()).get(sha256) {
        return Ok(z.clone());
    }
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file("x", entry_options())?;
        zip.write_all(bytes)?;
        zip.finish()?;
    }
    let z = Arc::new(out.into_inner());
    DONE.lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(*sha256, z.clone());
    Ok(z)
}

/// A zip entry name every unzip tool keeps inside its folder: relative,
/// `/`-separated plain names, no control character, backslash or colon.
fn clean_entry(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(|c: char| c.is_control() || c == '\\' || c == ':')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format_version: FORMAT_VERSION,
            id: "t-s01".into(),
            title: "t".into(),
            publisher: "p".into(),
            term: TermInfo {
                id: "t".into(),
                name: "t".into(),
                term: "autumn".into(),
            },
            slot: 1,
            first_date: "2026-08-31".into(),
            last_date: "2026-09-13".into(),
            bands: vec!["junior-high".into()],
            generator: "xinyu test".into(),
            files: vec![],
        }
    }

    #[test]
    fn hashes_are_written_as_sha256sum_writes_them() {
        // FIPS 180-2's example, and every byte value against `{:02x}`.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        for start in (0..=255u8).step_by(32) {
            let d: [u8; 32] = std::array::from_fn(|i| start + i as u8);
            let want: String = d.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(hex(&d), want);
        }
    }

    #[test]
    fn unclean_entry_names_are_refused() {
        for bad in [
            "../x",
            "/abs",
            "a//b",
            "a/./b",
            "a\\b",
            "c:x",
            "search-inde\u{1}\0\0\0",
            "manifest.json",
            "SHA256SUMS",
            "",
        ] {
            let files = BTreeMap::from([(bad.to_string(), b"x".to_vec())]);
            assert!(seal(files, manifest()).is_err(), "{bad:?} accepted");
        }
        let ok = BTreeMap::from([("lessons/中文 a.html".to_string(), b"x".to_vec())]);
        assert!(seal(ok, manifest()).is_ok());
    }

    #[test]
    fn raw_copied_entries_are_the_bytes_written_ones_would_be() {
        let files = [
            ("a/b.html", "<p>情绪小怪兽</p>".repeat(500).into_bytes()),
            ("empty.txt", Vec::new()),
            ("static/x.css", b"p{}".to_vec()),
        ];
        let mut direct = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut direct);
            for (path, bytes) in &files {
                zip.start_file(*path, entry_options()).unwrap();
                zip.write_all(bytes).unwrap();
            }
            zip.finish().unwrap();
        }
        let mut copied = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut copied);
            for (path, bytes) in &files {
                add_deflated(&mut zip, path, bytes, &Sha256::digest(bytes).into()).unwrap();
            }
            zip.finish().unwrap();
        }
        assert_eq!(direct.into_inner(), copied.into_inner());
    }

    #[test]
    fn sealing_is_byte_reproducible_and_lists_every_file() {
        let mut files = BTreeMap::new();
        files.insert("index.html".to_string(), b"<p>hi</p>".to_vec());
        files.insert("static/style.css".to_string(), b"p{}".to_vec());
        let a = seal(files.clone(), manifest()).unwrap();
        let b = seal(files, manifest()).unwrap();
        assert_eq!(a, b);
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        let names: Vec<String> = (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "SHA256SUMS",
                "index.html",
                "manifest.json",
                "static/style.css"
            ]
        );
        let mut sums = String::new();
        std::io::Read::read_to_string(&mut z.by_name("SHA256SUMS").unwrap(), &mut sums).unwrap();
        assert_eq!(sums.lines().count(), 3);
        assert!(sums.contains(&format!("{}  index.html", sha256_hex(b"<p>hi</p>"))));
    }
}
