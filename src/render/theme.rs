//! The theme: Tera templates, static files and interface labels. The
//! default theme in `themes/default/` is compiled into the binary; a
//! project's `themes/<name>/` may replace any single file of it.

use crate::diagnostic::Diagnostic;
use crate::model::Settings;
use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;
use walkdir::WalkDir;

macro_rules! builtin {
    ($($path:literal),+ $(,)?) => {
        &[$(($path, include_bytes!(concat!("../../themes/default/", $path)) as &[u8]),)+]
    };
}

/// The default theme's files, by path inside the theme folder.
const BUILTIN: &[(&str, &[u8])] = builtin![
    "templates/base.html",
    "templates/index.html",
    "templates/band.html",
    "templates/lesson.html",
    "templates/meeting.html",
    "templates/handout.html",
    "templates/calendar.html",
    "templates/calendar-print.html",
    "templates/pack.html",
    "templates/downloads.html",
    "templates/search.html",
    "templates/meetings.html",
    "templates/parents.html",
    "templates/guide.html",
    "templates/guides.html",
    "templates/print-guide.html",
    "templates/partials/help.html",
    "templates/print-base.html",
    "templates/print-lesson.html",
    "templates/print-worksheet.html",
    "templates/print-meeting.html",
    "templates/print-handout.html",
    "templates/print-slot.html",
    "templates/partials/print-help.html",
    "templates/partials/print-lesson.html",
    "templates/partials/print-worksheet.html",
    "templates/partials/print-meeting.html",
    "templates/partials/print-handout.html",
    "templates/partials/lesson-item.html",
    "templates/classroom.html",
    "static/style.css",
    "static/print.css",
    "static/search.js",
    "static/nav.js",
    "static/now.js",
    "static/classroom.css",
    "static/classroom.js",
    "labels/zh-Hans.toml",
    "labels/zh-Hant.toml",
    "labels/en.toml",
];

/// How messages name a file of the built-in theme.
const BUILTIN_MARK: &str = "（内置主题）";

/// Interface labels: `[section] key = "text"`.
pub type Labels = BTreeMap<String, BTreeMap<String, String>>;

/// A loaded theme.
pub struct Theme {
    /// The templates, ready to render.
    pub tera: Tera,
    /// Files copied to `static/` in the output.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Labels for the project's language.
    pub labels: Labels,
    /// Each template's name (`partials/help.html`) and the path its
    /// problems are reported at: the project's override, or the built-in
    /// theme's file.
    pub shown: BTreeMap<String, String>,
}

impl Theme {
    /// A label, or the key itself when a theme forgot it.
    pub fn label(&self, section: &str, key: &str) -> String {
        self.labels
            .get(section)
            .and_then(|s| s.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
}

/// Loads the theme named in the settings, layering the project's files over
/// the built-in ones. Problems name the theme file.
pub fn load(root: &Path, settings: &Settings) -> Result<Theme, Vec<Diagnostic>> {
    let mut files: BTreeMap<String, (String, Vec<u8>)> = BUILTIN
        .iter()
        .map(|(p, b)| (p.to_string(), (format!("{BUILTIN_MARK}{p}"), b.to_vec())))
        .collect();
    let mut diags = Vec::new();
    let dir = root.join("themes").join(&settings.theme);
    if dir.is_dir() {
        for entry in WalkDir::new(&dir).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "",
                        0,
                        0,
                        format!("无法读取主题文件：{}", crate::diagnostic::walk_text(&e)),
                    ));
                    continue;
                }
            };
            let name = entry.file_name().to_string_lossy();
            if !entry.file_type().is_file() || crate::source::is_editor_temp(&name) {
                continue;
            }
            let inner = entry
                .path()
                .strip_prefix(&dir)
                .unwrap_or(entry.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let shown = format!("themes/{}/{inner}", settings.theme);
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    files.insert(inner, (shown, bytes));
                }
                Err(e) => diags.push(Diagnostic::error(
                    &shown,
                    0,
                    0,
                    format!("无法读取：{}", crate::diagnostic::io_text(&e)),
                )),
            }
        }
    } else if settings.theme != "default" {
        diags.push(
            Diagnostic::error("xinyu.toml", 0, 0, format!("找不到主题文件夹 themes/{}/", settings.theme))
                .with_hint("新建这个文件夹并放入要替换的模板（templates/）或样式（static/），或删掉 theme 设置使用默认主题"),
        );
    }

    let mut templates = Vec::new();
    let mut statics = BTreeMap::new();
    let mut labels = Labels::new();
    let lang_file = format!("labels/{}.toml", settings.language.code());
    // Built-in labels first, then the project's overrides of single keys.
    if let Some((_, b)) = BUILTIN.iter().find(|(p, _)| *p == lang_file) {
        merge_labels(&mut labels, b, BUILTIN_MARK, &mut diags);
    }
    for (inner, (shown, bytes)) in &files {
        if let Some(name) = inner.strip_prefix("templates/") {
            match String::from_utf8(bytes.clone()) {
                Ok(s) => {
                    for (at, url, _) in crate::markdown::urls_in_html(&s) {
                        if let Some(sch) = crate::markdown::scheme(&url)
                            && !crate::markdown::SAFE_SCHEMES.contains(&sch.as_str())
                        {
                            let line = s[..at].matches('\n').count() + 1;
                            diags.push(
                                Diagnostic::error(shown, line, 0, format!("模板里的链接用了 `{sch}:`\u{FF0C}点开可能会在学校电脑上启动别的程序"))
                                    .with_hint("链接只能用相对路径\u{FF0C}或 https://、mailto:、tel: 开头的地址"),
                            );
                        }
                    }
                    // Read with the same tokenizer as content, so
                    // `src = "https://…"` is caught in the file edited,
                    // before any page is rendered from it.
                    for (at, url) in crate::markdown::external_assets_in_html(&s) {
                        let line = s[..at].matches('\n').count() + 1;
                        diags.push(
                            Diagnostic::error(shown, line, 0, format!("模板引用了网上的资源 {url}"))
                                .with_hint("离线网站不能加载网上的样式、字体、脚本或图片\u{FF1B}请把文件下载后放进主题的 static/ 文件夹\u{FF0C}再用相对路径引用"),
                        );
                    }
                    templates.push((name.to_string(), s, shown.clone()))
                }
                Err(_) => diags.push(
                    Diagnostic::error(shown, 0, 0, "模板文件不是 UTF-8 编码")
                        .with_hint("请另存为 UTF-8"),
                ),
            }
        } else if let Some(name) = inner.strip_prefix("static/") {
            if name.to_ascii_lowercase().ends_with(".css")
                && let Some((line, url)) = remote_in_css(&String::from_utf8_lossy(bytes))
            {
                diags.push(
                    Diagnostic::error(shown, line, 0, format!("样式表引用了网上的资源 {url}"))
                        .with_hint("离线网站不能加载网上的字体、图片或样式\u{FF1B}请把文件下载后放进主题的 static/ 文件夹\u{FF0C}再用相对路径引用"),
                );
            }
            statics.insert(name.to_string(), bytes.clone());
        } else if *inner == lang_file && !shown.starts_with(BUILTIN_MARK) {
            merge_labels(&mut labels, bytes, shown, &mut diags);
        }
    }
    let mut tera = Tera::new();
    tera.set_escape_fn(escape_html);
    let shown: BTreeMap<String, String> = templates
        .iter()
        .map(|(name, _, shown)| (name.clone(), shown.clone()))
        .collect();
    if diags.is_empty() {
        // All at once: Tera resolves `extends` and `include` across the set.
        let set = templates.iter().map(|(n, t, _)| (n.as_str(), t.as_str()));
        if let Err(e) = tera.add_raw_templates(set) {
            // When Tera names no template: the first one the project overrides.
            let fallback = templates
                .iter()
                .find(|(_, _, shown)| !shown.starts_with(BUILTIN_MARK))
                .map_or("themes/default", |(_, _, shown)| shown.as_str());
            diags.push(super::template_error::diagnostic(&e, &shown, fallback));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Theme {
        tera,
        statics,
        labels,
        shown,
    })
}

/// The first `url(…)` or `@import` of a style sheet that loads from
/// another site: (line, URL).
fn remote_in_css(css: &str) -> Option<(usize, String)> {
    use std::sync::LazyLock;
    static REMOTE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)(?:url\(\s*["']?|@import\s+["'])\s*((?:[a-z][a-z0-9+.-]*:)?//[^"')\s]*)"#,
        )
        .expect("valid regex")
    });
    REMOTE.captures(css).and_then(|c| {
        let m = c.get(1)?;
        Some((
            css[..m.start()].matches('\n').count() + 1,
            m.as_str().to_string(),
        ))
    })
}

fn merge_labels(into: &mut Labels, bytes: &[u8], shown: &str, diags: &mut Vec<Diagnostic>) {
    let text = String::from_utf8_lossy(bytes);
    match toml::from_str::<Labels>(&text) {
        Ok(l) => {
            for (section, map) in l {
                into.entry(section).or_default().extend(map);
            }
        }
        Err(e) => diags.push(Diagnostic::error(
            shown,
            0,
            0,
            format!("界面文字文件格式不对：{}", e.message()),
        )),
    }
}

/// Tera's HTML escaping, byte for byte (`&`, `<`, `>`, `"`, `'` as `&amp;`
/// `&lt;` `&gt;` `&quot;` `&#39;`), by pulldown-cmark's escaper, which
/// finds them with SIMD and writes the runs between them whole. Tera's own
/// writes every byte through `dyn Write` on its own: a tenth of the time
/// a page took.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    pulldown_cmark_escape::escape_html(pulldown_cmark_escape::IoWriter(out), input)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping_is_teras_byte_for_byte() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for s in [
            "",
            "情绪小怪兽",
            "a&b<c>d\"e'f",
            "&&<<>>\"\"''",
            "<script>alert('x')</script> “引号” ‘单引号’ 12356",
            every_ascii.as_str(),
            &"情绪<小>怪&兽\"说'".repeat(40),
            &format!("{}'{}", "a".repeat(31), "b".repeat(17)),
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::escape_html(s, &mut ours).unwrap();
            tera::escape_html(s, &mut teras).unwrap();
            assert_eq!(ours, teras, "{s:?}");
        }
    }
}
