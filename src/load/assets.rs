//! What the assets of a project may be: pictures, sound, documents. A pack
//! is opened by double click on school PCs, so a web page, a script or a
//! program among its files would run with the teacher's rights, and an
//! SVG picture can carry a script that runs when it is opened on its own.

use crate::diagnostic::Diagnostic;
use crate::model::Images;
use std::path::Path;

/// Extensions of files that run when opened: never shipped.
const ACTIVE: [&str; 16] = [
    "html", "htm", "xhtml", "shtml", "mht", "mhtml", "js", "mjs", "vbs", "hta", "exe", "bat",
    "cmd", "ps1", "scr", "lnk",
];

/// Checks every asset (project-relative paths).
pub fn check(root: &Path, assets: &[String], images: Images, diags: &mut Vec<Diagnostic>) {
    for rel in assets {
        let ext = rel
            .rsplit_once('.')
            .map_or("", |(_, e)| e)
            .to_ascii_lowercase();
        if crate::images::is_picture(&ext)
            && let Ok(meta) = std::fs::metadata(root.join(rel))
            && meta.len() > images.max_kb * 1024
            && !(images.shrink && crate::images::can_shrink(&ext))
        {
            diags.push(too_big(rel, &ext, meta.len(), images));
        }
        if ACTIVE.contains(&ext.as_str()) {
            diags.push(
                Diagnostic::error(rel, 0, 0, format!("课程包里不能放 .{ext} 文件：双击它会运行网页、脚本或程序"))
                    .with_hint("素材只放图片、声音、视频和文档（PNG、JPG、SVG、MP3、MP4、PDF、DOCX 等）\u{FF1B}网页内容请写成 Markdown"),
            );
        } else if ext == "svg"
            && let Ok(bytes) = std::fs::read(root.join(rel))
        {
            let text = String::from_utf8_lossy(&bytes);
            if let Some((at, what)) = crate::markdown::active_in_svg(&text) {
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

/// A picture bigger than the project allows: its size, the limit, and
/// what to do.
fn too_big(rel: &str, ext: &str, len: u64, images: Images) -> Diagnostic {
    let size = |b: u64| {
        if b >= 1024 * 1024 {
            format!("{:.1} MB", b as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", b.div_ceil(1024))
        }
    };
    let hint = if crate::images::can_shrink(ext) {
        format!(
            "每个用到它的课程包都会变大，U 盘拷贝和老电脑打开都会变慢\u{FF1B}用画图或手机相册把它缩小（长边 {} 像素就够投影用），或在 xinyu.toml 里写 [images] 和 shrink = true，让网站和课程包自动带缩小的图（项目里的原图不变）",
            crate::images::LONG_EDGE
        )
    } else {
        "每个用到它的课程包都会变大\u{FF1B}请另存为 JPG（照片）或 PNG（图表），缩小到长边 1600 像素左右".to_string()
    };
    Diagnostic::warning(
        rel,
        0,
        0,
        format!(
            "图片有 {}\u{FF0C}超过了 {} 的上限",
            size(len),
            size(images.max_kb * 1024)
        ),
    )
    .with_kind("image-size")
    .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use crate::markdown::active_in_svg;

    #[test]
    fn scripts_handlers_and_remote_links_are_found() {
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><rect onclick=\"x()\"/></svg>",
            "<svg><a href=\"javascript:x()\"/></svg>",
            "<svg><foreignObject><p>x</p></foreignObject></svg>",
            "<svg><image xlink:href=\"https://x.org/a.png\"/></svg>",
            "<svg><image xlink:href = 'https://x.org/a.png'/></svg>",
            "<svg><style>@import url(https://x.org/a.css);</style></svg>",
        ] {
            assert!(active_in_svg(bad).is_some(), "{bad}");
        }
        let drawn = r#"<svg xmlns="http://www.w3.org/2000/svg"><style>.a{fill:red}</style><image href="data:image/png;base64,AAA"/><circle class="a" r="3"/></svg>"#;
        assert_eq!(active_in_svg(drawn), None);
    }
}
