//! The code map's rules, checked on the source tree (ARCHITECTURE.md,
//! "Invariants of the code"). Each rule is a plain text scan of `src/`:
//! cheap, and good enough for rules about which module may name what.
//! `rules_catch_violations` plants one violation of each rule in a temp
//! tree, so none of these checks can pass by finding nothing.

use std::path::{Path, PathBuf};

/// Calls that create, replace or remove files and folders.
const WRITES: &[&str] = &[
    "fs::write",
    "File::create",
    "create_dir",
    "fs::rename",
    "remove_dir",
    "remove_file",
    "fs::copy",
    "OpenOptions",
    "persist(",
    "tempdir(",
    "NamedTempFile",
    "set_permissions",
];

/// The one module allowed to write.
const WRITER: &str = "writer.rs";

/// The longest a module may be, in lines.
const MAX_LINES: usize = 600;

/// Source files below `src`, as (path relative to `src` with `/`, text).
fn sources(src: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Code lines only: comments are prose and may name anything, and unit
/// tests (a `#[cfg(test)]` module closes each file here) make temp files.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
}

/// Every broken rule, one line each (`file:line: rule`).
fn violations(src: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, text) in sources(src) {
        let lines = text.lines().count();
        if lines > MAX_LINES {
            out.push(format!(
                "{rel}: {lines} lines; a module must be readable in one sitting (≤ {MAX_LINES})"
            ));
        }
        let in_pure = rel.starts_with("model/") || rel.starts_with("plan/");
        let in_render = rel.starts_with("render/");
        for (n, line) in code_lines(&text) {
            if rel != WRITER {
                for w in WRITES {
                    if line.contains(w) {
                        out.push(format!(
                            "{rel}:{n}: writes ({w}) outside src/{WRITER}, the only writer"
                        ));
                    }
                }
            }
            if in_pure {
                for banned in ["pulldown_cmark", "use tera", "tera::", "std::fs", "fs::"] {
                    if line.contains(banned) {
                        out.push(format!(
                            "{rel}:{n}: names {banned}; the model and the plan are plain data without I/O, Markdown or templates"
                        ));
                    }
                }
            }
            if in_render && (line.contains("crate::load") || line.contains("super::load")) {
                out.push(format!(
                    "{rel}:{n}: render imports load; what both need belongs in model/"
                ));
            }
        }
    }
    out
}

#[test]
fn the_source_tree_keeps_the_code_map() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // Make sure the scan sees the tree it is meant to see.
    let files = sources(&src);
    assert!(files.iter().any(|(p, _)| p == WRITER));
    assert!(files.iter().any(|(p, _)| p.starts_with("plan/")));
    assert!(files.iter().any(|(p, _)| p.starts_with("render/pages/")));
    let found = violations(&src);
    assert!(found.is_empty(), "\n{}\n", found.join("\n"));
}

#[test]
fn rules_catch_violations() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path();
    let put = |rel: &str, text: &str| {
        let p = src.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    put(
        "writer.rs",
        "fn w() { std::fs::write(\"a\", b\"\").unwrap(); }\n",
    );
    put(
        "commands/build.rs",
        "// fs::write in a comment is fine\nfn f() { std::fs::write(\"x\", b\"\").ok(); }\n\
         #[cfg(test)]\nmod tests {\n    fn t() { std::fs::write(\"y\", b\"\").ok(); }\n}\n",
    );
    put("model/mod.rs", "use pulldown_cmark::Parser;\n");
    put("plan/mod.rs", "fn f() { let _ = std::fs::read(\"x\"); }\n");
    put("render/pages/x.rs", "use crate::load::normalize;\n");
    put("render/big.rs", &"fn f() {}\n".repeat(MAX_LINES + 1));
    let found = violations(src);
    let has = |needle: &str| found.iter().any(|v| v.contains(needle));
    assert!(has("commands/build.rs:2: writes (fs::write)"), "{found:#?}");
    assert!(!has("commands/build.rs:1"), "{found:#?}");
    assert!(!has("commands/build.rs:5"), "{found:#?}");
    assert!(!has("writer.rs:"), "{found:#?}");
    assert!(has("model/mod.rs:1: names pulldown_cmark"), "{found:#?}");
    assert!(has("plan/mod.rs:1: names std::fs"), "{found:#?}");
    assert!(
        has("render/pages/x.rs:1: render imports load"),
        "{found:#?}"
    );
    assert!(has("render/big.rs: 601 lines"), "{found:#?}");
    assert_eq!(found.len(), 6, "{found:#?}");
}
