//! `xinyu check`: every check (`gate::open`), no output written.

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style, with the source line and a caret.
    Human,
    /// One JSON object per line.
    Json,
}

/// Runs every check; exit 0 when clean, 1 on errors (or on warnings with
/// `deny_warnings`).
pub fn run(project: &std::path::Path, format: Format, deny_warnings: bool) -> i32 {
    let gate = crate::gate::open(project, &crate::gate::Scope::default());
    let diags = gate.all();
    let (errors, warnings) = diags.counts();
    match format {
        Format::Human => {
            super::report(&diags, &gate.sources);
            if errors == 0 && warnings == 0 {
                super::say("检查完毕\u{FF0C}没有发现问题。");
            }
        }
        Format::Json => {
            for d in diags.sorted() {
                println!("{}", d.to_json());
            }
        }
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        super::build::FAILED
    } else {
        super::build::OK
    }
}
