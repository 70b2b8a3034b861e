//! Splitting a Markdown file into its YAML front matter and its body.

use crate::diagnostic::Diagnostic;

/// A file split at its front matter.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// Line number (1-based, in the file) of the YAML's first line.
    pub yaml_first_line: usize,
    /// Everything after the closing `---` line.
    pub body: &'a str,
    /// Line number of the body's first line.
    pub body_first_line: usize,
}

/// Splits `text` (already decoded, `\n` line endings). A file must start with
/// a `---` line and the front matter must be closed by another `---` line.
pub fn split<'a>(rel: &str, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        let hint = "文件第一行必须是 `---`，接着是 title、term 等字段，再用一行 `---` 结束";
        let msg = if text.trim().is_empty() {
            "文件是空的，缺少开头的前置信息（front matter）"
        } else {
            "文件开头缺少前置信息（front matter）"
        };
        return Err(Diagnostic::error(rel, 1, 1, msg).with_hint(hint));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        if line.trim_end() == "---" || line.trim_end() == "..." {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[body_start..],
                body_first_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error(rel, 1, 1, "前置信息（front matter）没有结束")
            .with_len(3)
            .with_hint("在最后一个字段下面加一行 `---`，把前置信息和正文分开"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("a.md", "---\ntitle: x\nterm: autumn\n---\n# 正文\n").unwrap();
        assert_eq!(s.yaml, "title: x\nterm: autumn\n");
        assert_eq!(s.yaml_first_line, 2);
        assert_eq!(s.body, "# 正文\n");
        assert_eq!(s.body_first_line, 5);
    }

    #[test]
    fn only_front_matter_is_fine() {
        let s = split("a.md", "---\ntitle: x\n---").unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors() {
        assert!(
            split("a.md", "# 标题\n")
                .unwrap_err()
                .message
                .contains("缺少")
        );
        assert!(split("a.md", "").unwrap_err().message.contains("空"));
        assert!(
            split("a.md", "---\ntitle: x\n")
                .unwrap_err()
                .message
                .contains("没有结束")
        );
    }
}
