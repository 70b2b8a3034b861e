//! What the assets of a project may be: pictures, sound, documents. A pack
//! is opened by double click on school PCs, so a web page, a script or a
//! program among its files would run with the teacher's rights, and an
//! SVG picture can carry a script that runs when it is opened on its own.

use crate::diagnostic::Diagnostic;
use std::path::Path;

/// Extensions of files that run when opened: never shipped.
const ACTIVE: [&str; 16] = [
    "html", "htm", "xhtml", "shtml", "mht", "mhtml", "js", "mjs", "vbs", "hta", "exe", "bat",
    "cmd", "ps1", "scr", "lnk",
];

/// Checks every asset (project-relative paths).
pub fn check(root: &Path, assets: &[String], diags: &mut Vec<Diagnostic>) {
    for rel in assets {
        let ext = rel
            .rsplit_once('.')
            .map_or("", |(_, e)| e)
            .to_ascii_lowercase();
        if ACTIVE.contains(&ext.as_str()) {
            diags.push(
                Diagnostic::error(rel, 0, 0, format!("课程包里不能放 .{ext} 文件：双击它会运行网页、脚本或程序"))
                    .with_hint("素材只放图片、声音、视频和文档（PNG、JPG、SVG、MP3、MP4、PDF、DOCX 等）\u{FF1B}网页内容请写成 Markdown"),
            );
        } else if ext == "svg"
            && let Ok(bytes) = std::fs::read(root.join(rel))
        {
            let text = String::from_utf8_lossy(&bytes);
            if let Some((at, what)) = active_in_svg(&text) {
                let line = text[..at].matches('\n').count() + 1;
                let col = text[..at]
                    .rsplit('\n')
                    .next()
                    .map_or(0, |l| l.chars().count())
                    + 1;
                diags.push(
                    Diagnostic::error(rel, line, col, format!("SVG 图片里有会运行的内容（{what}）"))
                        .with_len(what.chars().count())
                        .with_hint("单独打开这张图时它会运行\u{FF1B}请用绘图软件重新导出为不含脚本的 SVG\u{FF0C}或另存为 PNG"),
                );
            }
        }
    }
}

/// The first script, event handler, embedded page, `javascript:` URL or
/// link to another site in an SVG: (byte offset, what).
fn active_in_svg(svg: &str) -> Option<(usize, String)> {
    use std::sync::LazyLock;
    static ACTIVE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)(<\s*(?:script|foreignobject|iframe|embed|object|handler)\b)|(\son[a-z]+\s*=)|((?:java|vb)script\s*:)|((?:xlink:)?href\s*=\s*["']\s*(?:https?:)?//)"#,
        )
        .expect("valid regex")
    });
    ACTIVE.captures(svg).and_then(|c| {
        let m = c.get(0)?;
        Some((
            m.start() + (m.len() - m.as_str().trim_start().len()),
            m.as_str().trim().to_string(),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::active_in_svg;

    #[test]
    fn scripts_handlers_and_remote_links_are_found() {
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><rect onclick=\"x()\"/></svg>",
            "<svg><a href=\"javascript:x()\"/></svg>",
            "<svg><foreignObject><p>x</p></foreignObject></svg>",
            "<svg><image xlink:href=\"https://x.org/a.png\"/></svg>",
        ] {
            assert!(active_in_svg(bad).is_some(), "{bad}");
        }
        let drawn = r#"<svg xmlns="http://www.w3.org/2000/svg"><style>.a{fill:red}</style><image href="data:image/png;base64,AAA"/><circle class="a" r="3"/></svg>"#;
        assert_eq!(active_in_svg(drawn), None);
    }
}
