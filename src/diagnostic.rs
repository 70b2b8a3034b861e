//! Diagnostics: every problem a user can cause, with file, line, column,
//! message and hint. Loading and checking collect them all; the command
//! prints them together and then decides the exit code.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use std::collections::BTreeMap;

/// The decoded text of every file read, by project-relative path: what
/// diagnostics show their lines from. Bodies share these texts.
pub type Sources = BTreeMap<String, std::sync::Arc<str>>;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// One problem in the user's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Project-relative path with `/` separators; empty for project-wide problems.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column counted in characters, 0 when unknown.
    pub column: usize,
    /// How many characters to underline (at least one is shown).
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// What would be right.
    pub hint: Option<String>,
    /// What kind of finding this is, for findings a report may fold into
    /// one when there are many (`""` for the rest).
    pub kind: &'static str,
}

impl Diagnostic {
    /// An error at a position.
    pub fn error(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            column,
            len: 1,
            message: message.into(),
            hint: None,
            kind: "",
        }
    }

    /// A warning at a position.
    pub fn warning(file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    /// Adds the "what would be right" part.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Names the kind of finding (see [`Diagnostics::folded`]).
    pub fn with_kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// Sets how many characters the caret underlines.
    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    /// `file:line:col`, the short location used in one-line output.
    pub fn location(&self) -> String {
        match (self.file.is_empty(), self.line, self.column) {
            (true, _, _) => String::new(),
            (false, 0, _) => self.file.clone(),
            (false, l, 0) => format!("{}:{}", self.file, l),
            (false, l, c) => format!("{}:{}:{}", self.file, l, c),
        }
    }
}

impl Diagnostic {
    /// One JSON object, for machines (CI, editors).
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "severity": match self.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        })
        .to_string()
    }
}

/// A bag of diagnostics, kept in a stable order.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Moves every diagnostic of `other` into this bag.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one error is present.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors and warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        (errors, self.items.len() - errors)
    }

    /// The diagnostics, in the order they were added.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics, errors first, each sorted by file, line and
    /// column (parallel loading must not change the order users see, and a
    /// real error must not sit below a page of warnings).
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (a.severity, &a.file, a.line, a.column, &a.message)
                .cmp(&(b.severity, &b.file, b.line, b.column, &b.message))
        });
        v.dedup();
        v
    }
}

impl Diagnostics {
    /// For people: more than `most` warnings of one `kind` become one
    /// warning that lists their places (a fresh project has a prompt in
    /// every file; the list is the to-do, a page of carets is noise).
    /// Errors are never folded.
    pub fn folded(
        &self,
        kind: &'static str,
        most: usize,
        message: impl FnOnce(usize) -> String,
        what_to_do: &str,
    ) -> Diagnostics {
        let (many, rest): (Vec<&Diagnostic>, Vec<&Diagnostic>) = self
            .sorted()
            .into_iter()
            .partition(|d| d.kind == kind && d.severity == Severity::Warning);
        let mut out = Diagnostics {
            items: rest.into_iter().cloned().collect(),
        };
        if many.len() <= most {
            out.items.extend(many.into_iter().cloned());
            return out;
        }
        let places: Vec<String> = many
            .iter()
            .map(|d| format!("{}\u{FF08}{}\u{FF09}", d.location(), d.message))
            .collect();
        out.items.push(Diagnostic {
            file: String::new(),
            line: 0,
            column: 0,
            hint: Some(format!("{what_to_do}\u{FF1A}\n{}", places.join("\n"))),
            ..Diagnostic::warning("", 0, 0, message(many.len())).with_kind(kind)
        });
        out
    }
}

/// Renders diagnostics rustc-style: header, `file:line:col`, the source line
/// with a caret, and the hint. `sources` maps a project-relative path to the
/// decoded text the line numbers refer to.
pub fn render(diags: &Diagnostics, sources: &Sources) -> String {
    // Only the files a diagnostic names, borrowed: a big project has
    // thousands of sources, and copying them all cost ~100 MB at 10,000
    // lessons for a handful of warnings.
    let mut files = SimpleFiles::new();
    let mut ids = BTreeMap::new();
    for d in diags.sorted() {
        if let Some((name, text)) = sources.get_key_value(&d.file)
            && !ids.contains_key(name)
        {
            ids.insert(name.clone(), files.add(name.as_str(), &**text));
        }
    }
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags.sorted() {
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let mut diag = cs::Diagnostic::new(severity).with_message(&d.message);
        let span = ids
            .get(&d.file)
            .and_then(|id| span_of(&sources[&d.file], d).map(|r| (*id, r)));
        match span {
            Some((id, range)) => {
                diag = diag.with_labels(vec![cs::Label::primary(id, range)]);
            }
            None if !d.file.is_empty() => {
                diag = diag.with_notes(vec![format!("位置：{}", d.location())]);
            }
            None => {}
        }
        if let Some(h) = &d.hint {
            diag = diag.with_notes(vec![format!("提示：{h}")]);
        }
        match term::emit_into_string(&config, &files, &diag) {
            // codespan names the severity in English; a teacher reads Chinese.
            Ok(s) => out.push_str(&chinese_label(&s)),
            Err(_) => {
                out.push_str(&plain(d));
                out.push('\n');
            }
        }
    }
    out
}

/// `error: …` / `warning: …` at the head of a rendered diagnostic, in
/// Chinese with a full-width colon.
fn chinese_label(s: &str) -> String {
    for (en, zh) in [("error: ", "错误\u{FF1A}"), ("warning: ", "警告\u{FF1A}")] {
        if let Some(rest) = s.strip_prefix(en) {
            return format!("{zh}{rest}");
        }
    }
    s.to_string()
}

/// An I/O error as a teacher reads it: what happened, in Chinese, with
/// the system's error number for whoever helps (`系统错误 13`). A message
/// xinyu or a library wrote itself (no error number) is kept as it is.
pub fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "找不到这个文件或文件夹",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已经有同名的文件或文件夹",
        K::StorageFull => "磁盘（或 U 盘）空间不够",
        K::ReadOnlyFilesystem => "这个位置是只读的",
        K::NotADirectory => "路径中有一段是文件，不是文件夹",
        K::IsADirectory => "这是文件夹，不是文件",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::FileTooLarge => "文件太大",
        K::ResourceBusy => "文件正被别的程序占用",
        K::InvalidFilename => "文件名或路径太长，或含有不能用的字符",
        K::CrossesDevices => "不能跨磁盘移动",
        K::UnexpectedEof => "文件没有读完就结束了，可能已经损坏",
        K::AddrInUse => "这个端口已经被别的程序占用",
        K::AddrNotAvailable => "这个地址在本机上不可用",
        K::TimedOut => "等待超时",
        K::OutOfMemory => "内存不够",
        K::Interrupted => "被中断了",
        _ => return e.to_string(),
    };
    match e.raw_os_error() {
        Some(n) => format!("{what}\u{FF08}系统错误 {n}\u{FF09}"),
        None if e.get_ref().is_some() => format!("{what}\u{FF1A}{e}"),
        None => what.to_string(),
    }
}

/// A folder walk's error: the I/O error as [`io_text`] gives it, or a
/// folder that links back into itself.
pub fn walk_text(e: &walkdir::Error) -> String {
    match (e.io_error(), e.path()) {
        (Some(io), Some(p)) => format!("{}\u{FF1A}{}", p.display(), io_text(io)),
        (Some(io), None) => io_text(io),
        (None, p) => format!(
            "{}\u{FF1A}文件夹的链接又指回了它自己",
            p.map(|p| p.display().to_string()).unwrap_or_default()
        ),
    }
}

/// An error and its causes, outermost first, joined by full-width colons;
/// each I/O error as [`io_text`] gives it.
pub fn error_text(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| match c.downcast_ref::<std::io::Error>() {
            Some(io) => io_text(io),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\u{FF1A}")
}

/// One diagnostic on one line, for places without source text.
pub fn plain(d: &Diagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "错误",
        Severity::Warning => "警告",
    };
    let loc = d.location();
    let mut s = if loc.is_empty() {
        format!("{kind}\u{FF1A}{}", d.message)
    } else {
        format!("{kind}\u{FF1A}{loc}\u{FF1A}{}", d.message)
    };
    if let Some(h) = &d.hint {
        s.push_str(&format!("\n  提示：{h}"));
    }
    s
}

/// Byte range of the diagnostic's caret inside `text`, when line and column
/// point at a real place.
fn span_of(text: &str, d: &Diagnostic) -> Option<std::ops::Range<usize>> {
    if d.line == 0 {
        return None;
    }
    let line_start = if d.line == 1 {
        0
    } else {
        text.match_indices('\n').nth(d.line - 2)?.0 + 1
    };
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let col = d.column.max(1);
    let start = line
        .char_indices()
        .nth(col - 1)
        .map_or(line.len(), |(i, _)| i);
    let end = line[start..]
        .char_indices()
        .nth(d.len.max(1))
        .map_or(line.len(), |(i, _)| start + i);
    Some(line_start + start..line_start + end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_read_in_chinese_with_the_system_number() {
        use std::io::{Error, ErrorKind};
        assert_eq!(
            io_text(&Error::from_raw_os_error(13)),
            "没有权限\u{FF08}系统错误 13\u{FF09}"
        );
        let missing = std::fs::read("/nonexistent/xinyu/file").unwrap_err();
        assert_eq!(io_text(&missing), "找不到这个文件或文件夹（系统错误 2）");
        // A message xinyu or a library wrote stays, after what it means.
        let own = Error::new(ErrorKind::AlreadyExists, "a.md");
        assert_eq!(io_text(&own), "已经有同名的文件或文件夹：a.md");
        let other = Error::other("压缩包不完整");
        assert_eq!(io_text(&other), "压缩包不完整");
        // A chain: the context first, full-width colons, no English.
        let e = anyhow::Error::new(Error::from_raw_os_error(28)).context("无法写入 a.html");
        assert_eq!(
            error_text(&e),
            "无法写入 a.html：磁盘（或 U 盘）空间不够（系统错误 28）"
        );
        let walked = walkdir::WalkDir::new("/nonexistent/xinyu")
            .into_iter()
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(
            walk_text(&walked),
            "/nonexistent/xinyu：找不到这个文件或文件夹（系统错误 2）"
        );
    }

    #[test]
    fn caret_counts_characters_not_bytes() {
        let text = "title: 情绪\ntitel: 气象站\n".to_string();
        let d = Diagnostic::error("a.md", 2, 1, "未知字段").with_len(5);
        assert_eq!(span_of(&text, &d), Some(14..19));
        let d = Diagnostic::error("a.md", 1, 8, "x").with_len(2);
        let r = span_of(&text, &d).unwrap();
        assert_eq!(&text[r], "情绪");
    }

    #[test]
    fn rendering_names_file_line_and_hint() {
        let mut sources = BTreeMap::new();
        sources.insert("a.md".to_string(), "---\ntitel: x\n---\n".to_string());
        let mut diags = Diagnostics::default();
        diags.push(
            Diagnostic::error("a.md", 2, 1, "未知字段 `titel`")
                .with_len(5)
                .with_hint("你是不是想写 `title`?"),
        );
        let sources = sources.into_iter().map(|(k, v)| (k, v.into())).collect();
        let out = render(&diags, &sources);
        assert!(out.contains("a.md:2:1"), "{out}");
        assert!(out.contains("titel: x"), "{out}");
        assert!(out.contains("你是不是想写 `title`"), "{out}");
    }

    #[test]
    fn sorted_is_stable_and_deduplicated() {
        let mut diags = Diagnostics::default();
        diags.push(Diagnostic::error("b.md", 1, 1, "x"));
        diags.push(Diagnostic::error("a.md", 3, 1, "y"));
        diags.push(Diagnostic::error("a.md", 3, 1, "y"));
        let files: Vec<_> = diags.sorted().iter().map(|d| d.file.clone()).collect();
        assert_eq!(files, ["a.md", "b.md"]);
    }
}
