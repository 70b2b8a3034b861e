//! Reading text files the way teachers save them: UTF-8 with or without a
//! BOM, CRLF line endings, and GBK/GB18030 or UTF-16 ("Unicode") from
//! Windows Notepad.

use crate::diagnostic::Diagnostic;
use std::borrow::Cow;

/// A decoded text file.
#[derive(Clone, Debug)]
pub struct Decoded<'a> {
    /// The text with BOM removed and line endings normalised to `\n`:
    /// the bytes themselves when they are that already (no copy).
    pub text: Cow<'a, str>,
    /// A warning when the file had to be converted from another encoding.
    pub warning: Option<Diagnostic>,
}

/// Decodes the raw bytes of `rel` (a project-relative path, used in
/// messages). Non-UTF-8 text that decodes cleanly as GB18030 (a superset of
/// GBK) is converted with a warning; anything else is an error that says how
/// to re-save the file. UTF-16 with a byte-order mark is converted with a
/// warning too.
pub fn decode<'a>(rel: &str, bytes: &'a [u8]) -> Result<Decoded<'a>, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // simdutf8 says "valid" several times faster than std on Chinese text;
    // std runs only for a file that is not, to say where.
    let checked = simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes));
    let (text, warning) = match checked {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(utf8_err) => {
            // Notepad's "Unicode" is UTF-16 with a byte-order mark.
            let utf16 = if bytes.starts_with(b"\xFF\xFE") {
                Some(encoding_rs::UTF_16LE)
            } else if bytes.starts_with(b"\xFE\xFF") {
                Some(encoding_rs::UTF_16BE)
            } else {
                None
            };
            if let Some(enc) = utf16 {
                let (cow, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
                if had_errors || cow.contains('\0') {
                    return Err(Diagnostic::error(
                        rel,
                        0,
                        0,
                        "文件像是 UTF-16 编码，但内容有损坏，无法读取",
                    )
                    .with_hint(RESAVE_HINT));
                }
                let warning = Diagnostic::warning(
                    rel,
                    0,
                    0,
                    "文件是 UTF-16 编码（记事本里叫“Unicode”），已自动转换为 UTF-8 读取",
                )
                .with_hint(RESAVE_HINT);
                let text = cow.into_owned();
                let text = if text.contains('\r') {
                    text.replace("\r\n", "\n").replace('\r', "\n")
                } else {
                    text
                };
                return Ok(Decoded {
                    text: Cow::Owned(text),
                    warning: Some(warning),
                });
            }
            let (cow, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors || cow.contains('\0') {
                let line = bytes[..utf8_err.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                return Err(Diagnostic::error(
                    rel,
                    line,
                    0,
                    "文件不是 UTF-8 编码，也不是 GBK/GB18030 编码，无法读取",
                )
                .with_hint(RESAVE_HINT));
            }
            let warning = Diagnostic::warning(
                rel,
                0,
                0,
                "文件是 GBK/GB18030 编码，已自动转换为 UTF-8 读取",
            )
            .with_hint(RESAVE_HINT);
            (Cow::Owned(cow.into_owned()), Some(warning))
        }
    };
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    };
    Ok(Decoded { text, warning })
}

const RESAVE_HINT: &str = "请用记事本打开该文件，选择“文件 → 另存为”，把“编码”改为 UTF-8 后保存";

/// True for files editors leave behind while saving: never content.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notepad_unicode_files_are_converted_with_a_warning() {
        let text = "---\r\ntitle: 情绪气象站\r\n---\r\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [le, be] {
            let d = decode("lessons/a.md", &bytes).unwrap();
            assert_eq!(d.text, "---\ntitle: 情绪气象站\n---\n");
            let w = d.warning.unwrap();
            assert!(w.message.contains("UTF-16"), "{}", w.message);
            assert_eq!(w.file, "lessons/a.md");
        }
        // An odd number of bytes after the mark is damage, not text.
        assert!(decode("a.md", &[0xFF, 0xFE, 0x41]).is_err());
    }

    #[test]
    fn bom_and_crlf_are_normal_input() {
        let d = decode("a.md", b"\xEF\xBB\xBF---\r\ntitle: x\r\n---\r\n").unwrap();
        assert_eq!(d.text, "---\ntitle: x\n---\n");
        assert!(d.warning.is_none());
    }

    #[test]
    fn gbk_is_converted_with_a_warning() {
        let (bytes, _, _) = encoding_rs::GBK.encode("标题:情绪气象站\n");
        let d = decode("lessons/a.md", &bytes).unwrap();
        assert_eq!(d.text, "标题:情绪气象站\n");
        let w = d.warning.unwrap();
        assert_eq!(w.file, "lessons/a.md");
        assert!(w.message.contains("GBK"));
    }

    #[test]
    fn binary_garbage_is_rejected_with_resave_hint() {
        let e = decode("a.md", b"ok\n\xFF\xFF\xFF\x00").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.hint.unwrap().contains("UTF-8"));
    }
}
