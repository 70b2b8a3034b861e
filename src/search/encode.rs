//! How the search files are written small: the doc list as rows over one
//! dictionary, postings as gaps with runs folded, a text block's texts with
//! their runs of spaces squeezed to one; and as scripts, their JSON safe
//! inside `<script>`. `search.js` reads them back; a change here is a
//! change there.

use super::Doc;
use serde::Serialize;

/// A doc as `search.js` reads it: `[title, shared, rest, kind, [bands],
/// term, [band slugs], [areas], [forms], term slug, [grades], [phrases]]`.
/// The URL is `rest` after the first `shared` UTF-16 units of the previous
/// doc's URL (docs of a folder share most of theirs); every other field but
/// the title is a position in `w`.
pub(super) type Row<'a> = (
    &'a str,
    usize,
    &'a str,
    u32,
    Vec<u32>,
    u32,
    Vec<u32>,
    Vec<u32>,
    Vec<u32>,
    u32,
    Vec<u32>,
    Vec<u32>,
);

/// The docs as rows over one dictionary (see `Index` in the parent module).
pub(super) fn rows<'a>(docs: &'a [Doc]) -> (Vec<&'a str>, Vec<Row<'a>>) {
    let mut words: Vec<&'a str> = Vec::new();
    let mut seen: std::collections::HashMap<&'a str, u32> = std::collections::HashMap::new();
    let mut code = |s: &'a str| -> u32 {
        *seen.entry(s).or_insert_with(|| {
            words.push(s);
            words.len() as u32 - 1
        })
    };
    let mut prev = "";
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        // The byte where this URL leaves the previous one (the bytes before
        // it are the same in both, so it is a char boundary of each).
        let at = prev
            .char_indices()
            .zip(d.u.chars())
            .find(|((_, a), b)| a != b)
            .map_or(prev.len().min(d.u.len()), |((i, _), _)| i);
        let shared = d.u[..at].encode_utf16().count();
        out.push((
            d.t.as_str(),
            shared,
            &d.u[at..],
            code(&d.k),
            d.b.iter().map(|s| code(s)).collect(),
            code(&d.r),
            d.g.iter().map(|s| code(s)).collect(),
            d.a.iter().map(|s| code(s)).collect(),
            d.f.iter().map(|s| code(s)).collect(),
            code(&d.s),
            d.y.iter().map(|s| code(s)).collect(),
            d.m.iter().map(|s| code(s)).collect(),
        ));
        prev = &d.u;
    }
    (words, out)
}

/// Ascending doc ids as gaps (small numbers, a smaller file), with a run
/// of gaps of 1 as one negative number, `-k` for the next `k` ids one after
/// another: a character most docs have (的, 我) then takes a few bytes, not
/// two per doc. `search.js` reads it back in `postings`. Each number goes
/// to `emit` in turn.
pub(super) fn fold_gaps(ids: impl IntoIterator<Item = u32>, mut emit: impl FnMut(i64)) {
    // A run of one is written as the gap it is.
    #[inline(always)]
    fn end_run(run: i64, emit: &mut impl FnMut(i64)) {
        match run {
            0 => {}
            1 => emit(1),
            k => emit(-k),
        }
    }
    let mut prev = 0u32;
    let mut run = 0i64;
    for (i, id) in ids.into_iter().enumerate() {
        let g = id - prev;
        prev = id;
        if g == 1 && i > 0 {
            run += 1;
            continue;
        }
        end_run(run, &mut emit);
        run = 0;
        emit(i64::from(g));
    }
    end_run(run, &mut emit);
}

/// [`fold_gaps`] into a list.
#[cfg(test)]
pub(super) fn gaps(ids: &[u32]) -> Vec<i64> {
    let mut out = Vec::with_capacity(ids.len());
    fold_gaps(ids.iter().copied(), |g| out.push(g));
    out
}

/// A postings shard's script, `XINYU_SHARD(n,{"term":[gaps…],…});`: the
/// bytes of `format!("XINYU_SHARD({n},{});\n", script_json(&map))` for the
/// map of each term to its gaps ([`fold_gaps`]), made in one buffer as the
/// terms come.
/// Before, each term became a string and its ids two lists, all of them
/// went into two `BTreeMap`s and serde_json wrote the second one.
pub(super) struct ShardScript {
    out: String,
    first: bool,
    digits: itoa::Buffer,
}

impl ShardScript {
    /// Shard `n`'s script, with room for `capacity` bytes of terms.
    pub(super) fn new(n: usize, capacity: usize) -> Self {
        let mut out = String::with_capacity(capacity + 32);
        out.push_str("XINYU_SHARD(");
        out.push_str(itoa::Buffer::new().format(n));
        out.push_str(",{");
        ShardScript {
            out,
            first: true,
            digits: itoa::Buffer::new(),
        }
    }

    /// The next term, which must sort after the one before (by its bytes,
    /// as a `BTreeMap<String, _>` orders them), with its ascending doc ids.
    pub(super) fn term(&mut self, term: &str, ids: impl IntoIterator<Item = u32>) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        // A term is CJK characters or letters and digits: never escaped.
        // Anything else is written the way serde_json writes it.
        if needs_escape(term.as_bytes()) {
            self.out.push_str(&script_json(&term));
        } else {
            self.out.push('"');
            self.out.push_str(term);
            self.out.push('"');
        }
        self.out.push_str(":[");
        let (out, digits) = (&mut self.out, &mut self.digits);
        let mut sep = false;
        fold_gaps(ids, |g| {
            if sep {
                out.push(',');
            }
            sep = true;
            out.push_str(digits.format(g));
        });
        self.out.push(']');
    }

    /// The script.
    pub(super) fn finish(mut self) -> String {
        self.out.push_str("});\n");
        self.out
    }
}

/// `x`'s words joined by one space (what
/// `x.split_whitespace().collect::<Vec<_>>().join(" ")` gives), found by
/// looking at bytes: only ASCII and the lead bytes 0xC2, 0xE1, 0xE2 and
/// 0xE3 can start a Unicode space, and the few such spaces are matched on
/// their bytes, so no character is decoded (Chinese characters start with
/// 0xE4–0xE9 and are stepped over whole, by one table lookup each).
/// Appended to `out`, whatever `out` already holds: no space goes before
/// `x`'s first word.
pub(super) fn squeeze_into(x: &str, out: &mut String) {
    /// For each byte that starts a character, how far to step over it; 0
    /// for the bytes that may start a space: ASCII controls and space, and
    /// the four lead bytes. The scan starts at a character and steps whole
    /// characters, so it only ever looks at their first bytes.
    const STEP: [u8; 256] = {
        let mut t = [1u8; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = match i {
                0..=0x20 | 0xC2 | 0xE1 | 0xE2 | 0xE3 => 0,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            i += 1;
        }
        t
    };
    let b = x.as_bytes();
    // A `str`'s bytes are UTF-8: a lead byte has its continuation bytes.
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    // The length of the space at `i`, if one starts there.
    let space = |i: usize| match b[i] {
        b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' => Some(1),
        // U+0085, U+00A0.
        0xC2 => matches!(at(i + 1), 0x85 | 0xA0).then_some(2),
        // U+1680.
        0xE1 => (at(i + 1) == 0x9A && at(i + 2) == 0x80).then_some(3),
        // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F.
        0xE2 => match at(i + 1) {
            0x80 => matches!(at(i + 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF).then_some(3),
            0x81 => (at(i + 2) == 0x9F).then_some(3),
            _ => None,
        },
        // U+3000.
        0xE3 => (at(i + 1) == 0x80 && at(i + 2) == 0x80).then_some(3),
        _ => None,
    };
    let start_len = out.len();
    out.reserve(x.len());
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        let from = i;
        while i < b.len() {
            let step = STEP[usize::from(b[i])];
            if step == 0 {
                break;
            }
            i += usize::from(step);
        }
        // A `str` ends with a whole character, so the steps land on its end.
        if i > from {
            word.get_or_insert(from);
        }
        if i == b.len() {
            break;
        }
        match space(i) {
            Some(len) => {
                if let Some(start) = word.take() {
                    if out.len() > start_len {
                        out.push(' ');
                    }
                    out.push_str(&x[start..i]);
                }
                i += len;
            }
            None => {
                word.get_or_insert(i);
                // Over the whole character (、 and 。 start with 0xE3).
                i += match b[i] {
                    0xC2 => 2,
                    0xE1..=0xE3 => 3,
                    _ => 1,
                };
            }
        }
    }
    if let Some(start) = word {
        if out.len() > start_len {
            out.push(' ');
        }
        out.push_str(&x[start..]);
    }
}

/// As JSON that is safe inside a `<script>`: `<` escaped.
pub(super) fn script_json(v: &impl Serialize) -> String {
    let json = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    // `replace` copies the whole text even when there is nothing to
    // replace, as in nearly every text block.
    if memchr::memchr(b'<', json.as_bytes()).is_some() {
        json.replace('<', "\\u003c")
    } else {
        json
    }
}

/// A text block's script, `XINYU_TEXT(k,[…]);`, its texts squeezed:
/// the bytes of `format!("XINYU_TEXT({k},{});\n", script_json(&squeezed))`,
/// made in one buffer. A text with nothing JSON or a `<script>` must
/// escape (nearly every one) goes in as it is; serde_json scanned and
/// copied each byte of the index's largest part (a tenth of a
/// 10,000-lesson site's bytes), and `format!` copied it again.
pub(super) fn text_block<'a>(k: usize, texts: impl Iterator<Item = &'a str> + Clone) -> String {
    use std::fmt::Write;
    let len: usize = texts.clone().map(|t| t.len() + 3).sum();
    let mut out = String::with_capacity(len + 32);
    let _ = write!(out, "XINYU_TEXT({k},[");
    for (i, t) in texts.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        let from = out.len();
        squeeze_into(t, &mut out);
        if needs_escape(&out.as_bytes()[from..]) {
            let squeezed = out.split_off(from);
            out.pop();
            out.push_str(&script_json(&squeezed));
        } else {
            out.push('"');
        }
    }
    out.push_str("]);\n");
    out
}

/// Whether a JSON string of `b` in a `<script>` has any escape: a quote,
/// a backslash, a control character (serde_json) or `<` (`script_json`).
/// Written without an early exit, so it runs over wide words.
fn needs_escape(b: &[u8]) -> bool {
    b.chunks(64).any(|c| {
        c.iter().fold(false, |a, &x| {
            a | (x < 0x20) | (x == b'"') | (x == b'\\') | (x == b'<')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`squeeze_into`] a new string.
    fn squeeze(x: &str) -> String {
        let mut out = String::new();
        squeeze_into(x, &mut out);
        out
    }

    #[test]
    fn text_blocks_are_what_serde_json_gives_for_the_squeezed_texts() {
        let texts = [
            "",
            "   ",
            "情绪小怪兽 来了",
            "老师说：“你好。”\n\n学生：你好！",
            "a\"b",
            "c\\d",
            "e</script>f",
            "g\u{1}h\u{1F}i\u{7F}",
            "tab\tand\r\nnew line",
            "\u{2028}x\u{3000}y\u{A0}z\u{85}",
            "  前后  ",
        ];
        let old = |k: usize, ts: &[&str]| {
            let squeezed: Vec<String> = ts.iter().map(|t| squeeze(t)).collect();
            format!("XINYU_TEXT({k},{});\n", script_json(&squeezed))
        };
        assert_eq!(text_block(7, [].into_iter()), old(7, &[]));
        let mut compared = 0;
        for n in 1..=super::super::BLOCK {
            for w in texts.windows(n) {
                assert_eq!(text_block(3, w.iter().copied()), old(3, w), "{w:?}");
                compared += 1;
            }
        }
        assert_eq!(compared, 38);
        // The escapes were taken: a quote, a backslash, a control
        // character and `<`.
        let block = text_block(0, texts.iter().copied());
        for e in ["a\\\"b", "c\\\\d", "e\\u003c/script>f", "g\\u0001h"] {
            assert!(block.contains(e), "{e} not in {block}");
        }
    }

    #[test]
    fn squeeze_joins_the_words_split_whitespace_finds() {
        let spaces: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let mut texts = vec![
            String::new(),
            " ".into(),
            "一".into(),
            "  情绪 \n\n管理\t小组\u{3000}活动\u{A0}a\u{85}b\u{2028}c  ".into(),
            "\u{E4}\u{C2}\u{A9}é…—“”、。\u{1680}\u{1681}\u{3001}".into(),
        ];
        texts.extend(spaces.iter().map(|s| format!("前{s}后{s}")));
        // Every character whose UTF-8 starts like a space's, and its
        // neighbours; and characters of each length, stepped over whole.
        texts.extend(
            (0x80..0x4000)
                .chain([0xFFFD, 0xFFFF, 0x10000, 0x20000, 0x1F600, 0x10FFFF])
                .filter_map(char::from_u32)
                .map(|c| format!("前{c}后 {c}{c}\u{3000}a{c}")),
        );
        for t in texts {
            assert_eq!(
                squeeze(&t),
                t.split_whitespace().collect::<Vec<_>>().join(" "),
                "{t:?}"
            );
        }
    }

    #[test]
    fn the_doc_list_is_rows_over_one_dictionary() {
        let doc = |t: &str, u: &str, m: &[&str]| Doc {
            t: t.into(),
            u: u.into(),
            k: "活动课".into(),
            b: vec!["初中".into()],
            r: "秋季学期".into(),
            g: vec!["junior-high".into()],
            a: vec!["emotions".into()],
            f: vec![],
            s: "autumn".into(),
            y: vec!["7".into()],
            m: m.iter().map(|s| s.to_string()).collect(),
        };
        let docs = [
            doc("甲", "lessons/junior-high/情绪-1.html", &["情绪", "7年级"]),
            doc("乙", "lessons/junior-high/情绪-2.html", &["7年级"]),
            doc("丙", "meetings/a.html", &[]),
        ];
        let (w, d) = rows(&docs);
        assert_eq!(
            w,
            [
                "活动课",
                "初中",
                "秋季学期",
                "junior-high",
                "emotions",
                "autumn",
                "7",
                "情绪",
                "7年级"
            ]
        );
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"[["甲",0,"lessons/junior-high/情绪-1.html",0,[1],2,[3],[4],[],5,[6],[7,8]],"#,
                r#"["乙",23,"2.html",0,[1],2,[3],[4],[],5,[6],[8]],"#,
                r#"["丙",0,"meetings/a.html",0,[1],2,[3],[4],[],5,[6],[]]]"#
            )
        );
        // 23 UTF-16 units: what String.prototype.slice counts in search.js.
        assert_eq!("lessons/junior-high/情绪-".encode_utf16().count(), 23);
    }

    #[test]
    fn a_term_that_needs_escaping_is_escaped_as_serde_json_would() {
        // Tokenising never makes one; the script stays valid if it did.
        let terms: [(&str, &[u32]); 3] = [("a\"b<\\", &[1, 2, 3]), ("z", &[]), ("情绪", &[0, 5])];
        let mut script = ShardScript::new(4, 0);
        let mut map = std::collections::BTreeMap::new();
        for (t, ids) in terms {
            script.term(t, ids.iter().copied());
            map.insert(t, gaps(ids));
        }
        assert_eq!(
            script.finish(),
            format!("XINYU_SHARD(4,{});\n", script_json(&map))
        );
    }

    #[test]
    fn runs_of_neighbouring_ids_are_one_number() {
        assert_eq!(gaps(&[7, 57, 107]), [7, 50, 50]);
        // 0, then 1..=4 one after another, then 9, 10, then 20.
        assert_eq!(gaps(&[0, 1, 2, 3, 4, 9, 10, 20]), [0, -4, 5, 1, 10]);
        assert_eq!(gaps(&[3, 4, 5]), [3, -2]);
        assert_eq!(gaps(&[]), Vec::<i64>::new());
        // Read back as search.js does.
        let ids = [0, 1, 2, 3, 4, 9, 10, 11, 20, 21];
        let mut back = Vec::new();
        let mut id = 0i64;
        for g in gaps(&ids) {
            if g < 0 {
                for _ in 0..-g {
                    id += 1;
                    back.push(id);
                }
            } else {
                id += g;
                back.push(id);
            }
        }
        assert_eq!(back, ids.map(i64::from));
    }
}
