//! One module per command, and what they share: printing diagnostics,
//! parsing `--band` and `--term`.

pub mod build;
pub mod calendar;
pub mod check;
pub mod keygen;
pub mod new;
pub mod pack;
pub mod print;
pub mod serve;
pub mod start;
pub mod verify;

use crate::diagnostic::{self, Diagnostics, Severity};
use crate::model::Band;

pub use crate::gate::{term_matches, today};
use std::sync::OnceLock;

/// How much a command says: `--quiet` (errors only), normal, `--verbose`
/// (also what it did and how long each step took).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Only errors.
    Quiet,
    /// Findings, progress and the summary.
    #[default]
    Normal,
    /// Also each file made and the time of each step.
    Verbose,
}

static VERBOSITY: OnceLock<Verbosity> = OnceLock::new();

/// Sets how much every command says; called once, by `main`.
pub fn set_verbosity(v: Verbosity) {
    let _ = VERBOSITY.set(v);
}

/// How much commands say.
pub fn verbosity() -> Verbosity {
    VERBOSITY.get().copied().unwrap_or_default()
}

/// A summary or progress line on stderr, unless `--quiet`.
pub fn say(line: impl std::fmt::Display) {
    if verbosity() > Verbosity::Quiet {
        eprintln!("{line}");
    }
}

/// A line only `--verbose` shows.
pub fn detail(line: impl std::fmt::Display) {
    if verbosity() == Verbosity::Verbose {
        eprintln!("{line}");
    }
}

/// A progress bar on stderr for `total` steps of `what`: drawn only on a
/// terminal and not with `--quiet`, so logs and pipes get none.
pub fn progress(total: usize, what: &str) -> indicatif::ProgressBar {
    if verbosity() == Verbosity::Quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}（{elapsed_precise}）")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// Seconds since `start`, for `--verbose`.
pub fn seconds(start: std::time::Instant) -> String {
    format!("{:.1} 秒", start.elapsed().as_secs_f64())
}

/// Prints diagnostics rustc-style to stderr, then the counts.
pub fn report(diags: &Diagnostics, sources: &crate::diagnostic::Sources) {
    let mut diags = diags;
    let errors_only;
    if verbosity() == Verbosity::Quiet {
        let mut e = Diagnostics::default();
        diags
            .sorted()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .for_each(|d| e.push(d.clone()));
        errors_only = e;
        diags = &errors_only;
    }
    if diags.is_empty() {
        return;
    }
    let shown = diags
        .folded(
            crate::check::PLACEHOLDER,
            3,
            |n| format!("有 {n} 个文件还留着没写完的占位提示"),
            "逐个打开下面的文件\u{FF0C}把括号里的提示换成自己写的内容",
        )
        .folded(
            crate::check::CLASSROOM_EMPTY,
            3,
            |n| format!("有 {n} 个教案或班会还没有标出课堂投影的内容"),
            "在这些文件的环节里加“> 投影：”开头的引用\u{FF0C}写学生在大屏上要看的任务、问题或规则",
        );
    eprint!("{}", diagnostic::render(&shown, sources));
    let (e, w) = shown.counts();
    eprintln!("{e} 个错误\u{FF0C}{w} 个警告");
}

/// Where a command writes, as its hints name it: what a teacher changes
/// to write somewhere else.
#[derive(Clone, Copy)]
pub enum Place {
    /// A site, packs or PDFs: `--out` chooses another folder.
    Out,
    /// `keygen`'s key folder, its one argument.
    Keys,
}

impl Place {
    /// How to write somewhere else, ending where the place goes:
    /// "…换到" + "空间更大的位置".
    fn move_to(self) -> &'static str {
        match self {
            Place::Out => "用 --out 换到",
            Place::Keys => "把密钥文件夹放到",
        }
    }
}

/// Prints an I/O failure with a plain-words hint for the causes a teacher
/// can fix: a full disk, a read-only folder or USB stick, missing rights.
pub fn report_io(e: &anyhow::Error, place: Place) {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem, StorageFull};
    eprintln!("错误：{}", crate::diagnostic::error_text(e));
    let kind = e
        .chain()
        .find_map(|c| c.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    let (what, to) = match kind {
        Some(StorageFull) => (
            "磁盘（或 U 盘）空间不够了\u{FF1A}请清理出空间，或",
            "空间更大的位置",
        ),
        Some(ReadOnlyFilesystem) => (
            "这个位置是只读的（例如写保护的 U 盘或光盘）\u{FF1A}请",
            "可以写入的位置",
        ),
        Some(PermissionDenied) => (
            "没有写入这个文件夹的权限\u{FF1A}请",
            "自己的文件夹里，或请管理员开放权限",
        ),
        _ => return,
    };
    eprintln!("  = 提示\u{FF1A}{what}{}{to}", place.move_to());
}

/// Parses a `--band` value (slug or Chinese name); prints the usage error.
pub fn band_arg(s: &str) -> Result<Band, i32> {
    Band::parse(s).ok_or_else(|| {
        let names: Vec<String> = Band::ALL
            .iter()
            .map(|b| format!("{}（{}）", b.zh(), b.slug()))
            .collect();
        eprintln!(
            "错误：`{s}` 不是学段\u{FF1B}可用的学段\u{FF1A}{}",
            names.join("、")
        );
        // A grade where a band belongs: 七年级, 高一, 8.
        if let Some(g) = grade_of(s)
            && let Some(b) = Band::ALL.iter().find(|b| b.grades().any(|x| x == g))
        {
            eprintln!("  = 提示：{s}属于{}\u{FF0C}这里写 {}", b.zh(), b.zh());
        }
        2
    })
}

/// The grade a word names: `七年级`, `7年级`, `初二`, `高一`, `8`.
fn grade_of(s: &str) -> Option<u8> {
    const DIGITS: [&str; 12] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
    ];
    let s = s.trim();
    let number = |t: &str| -> Option<u8> {
        t.parse::<u8>()
            .ok()
            .or_else(|| DIGITS.iter().position(|d| *d == t).map(|i| i as u8 + 1))
    };
    let g = if let Some(t) = s.strip_suffix("年级") {
        number(t)?
    } else if let Some(t) = s.strip_prefix('初') {
        number(t)? + 6
    } else if let Some(t) = s.strip_prefix('高') {
        number(t)? + 9
    } else {
        number(s)?
    };
    (1..=12).contains(&g).then_some(g)
}

/// Checks `--grade` (1–12, inside `--band` when both are given) and
/// returns the band to use: the grade's band, or `--band`.
pub fn grade_arg(grade: Option<u8>, band: Option<Band>) -> Result<Option<Band>, i32> {
    let Some(g) = grade else { return Ok(band) };
    let Some(of) = Band::ALL
        .iter()
        .copied()
        .find(|b| b.grades().any(|x| x == g))
    else {
        eprintln!(
            "错误：`--grade {g}` 不是年级\u{FF1B}年级写 1 到 12 的数字（七年级写 7\u{FF0C}高一写 10）"
        );
        return Err(2);
    };
    if let Some(b) = band
        && b != of
    {
        eprintln!(
            "错误：{g} 年级不属于{}\u{FF08}它属于{}\u{FF09}\u{FF1B}只写 --grade 即可",
            b.zh(),
            of.zh()
        );
        return Err(2);
    }
    Ok(Some(of))
}
