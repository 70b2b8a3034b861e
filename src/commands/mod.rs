//! One module per command, and what they share: printing diagnostics and
//! writing an output file atomically.

pub mod build;
pub mod calendar;
pub mod check;
pub mod new;
pub mod pack;
pub mod print;
pub mod serve;

use crate::diagnostic::{self, Diagnostics};
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::Path;

/// Prints diagnostics rustc-style to stderr, then the counts.
pub fn report(diags: &Diagnostics, sources: &BTreeMap<String, String>) {
    if diags.is_empty() {
        return;
    }
    eprint!("{}", diagnostic::render(diags, sources));
    let (e, w) = diags.counts();
    eprintln!("{e} 个错误\u{FF0C}{w} 个警告");
}

/// Writes a file next to its final name and renames it into place, so a
/// reader never sees half a zip or PDF.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(name))
        .with_context(|| format!("无法写入 {}", dir.join(name).display()))
}
