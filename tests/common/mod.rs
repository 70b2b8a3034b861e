//! Helpers shared by the integration tests: real files in temp dirs, the
//! real binary.
#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

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

/// Runs `xinyu build PROJECT --out OUT`; returns (exit code, stderr).
pub fn build(project: &Path, out: &Path) -> (i32, String) {
    let o = xinyu()
        .arg("build")
        .arg(project)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
