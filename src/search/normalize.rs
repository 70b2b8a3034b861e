//! Search text normalised the one way the index and the query share: NFKC
//! (full-width Latin and digits become ASCII), then lowercase.
//!
//! Must not: tokenise (that is `search.rs` and `postings.rs`).

use unicode_normalization::UnicodeNormalization;

/// NFKC and lowercase: what both the index and the query go through.
pub fn normalize(s: &str) -> String {
    if let Some(fast) = common_normalize(s) {
        return fast;
    }
    general_normalize(s)
}

/// [`normalize`] for any text: NFKC (skipped when the quick check says the
/// text is normal already), then lowercase.
fn general_normalize(s: &str) -> String {
    if unicode_normalization::is_nfkc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes {
        return lowercase(s);
    }
    lowercase(&s.nfkc().collect::<String>())
}

/// [`normalize`] in one pass for what nearly every lesson is written in:
/// ASCII, CJK ideographs, the full-width forms of ASCII (`，：（３` become
/// `,:(3`) and the ideographic space, `…` and `①`–`⑳`, and punctuation
/// and signs NFKC keeps (`、。《》【】“”—·×→□○√☆`). None of these composes
/// with a neighbour, so each maps on its own. `None` when the text holds
/// anything else. A test checks each character against the general way.
fn common_normalize(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match common_char(c)? {
            Mapped::One(m) => out.push(m),
            Mapped::Many(m) => out.push_str(m),
        }
    }
    Some(out)
}

/// What one character of the common way becomes.
pub(super) enum Mapped {
    One(char),
    Many(&'static str),
}

/// How [`normalize`] maps `c` on its own when `c` is one of the common
/// characters (see `common_normalize`); `None` for any other.
#[inline(always)]
pub(super) fn common_char(c: char) -> Option<Mapped> {
    const CIRCLED: [&str; 20] = [
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
        "17", "18", "19", "20",
    ];
    Some(Mapped::One(match c {
        _ if c.is_ascii() => c.to_ascii_lowercase(),
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => c,
        '\u{2026}' => return Some(Mapped::Many("...")),
        // ① to ⑳: their numbers.
        '\u{2460}'..='\u{2473}' => {
            return Some(Mapped::Many(CIRCLED[(c as u32 - 0x2460) as usize]));
        }
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)?.to_ascii_lowercase(),
        '\u{3000}' => ' ',
        '\u{3001}'
        | '\u{3002}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301B}'
        | '\u{2013}'
        | '\u{2014}'
        | '\u{2018}'
        | '\u{2019}'
        | '\u{201C}'
        | '\u{201D}'
        | '\u{00B7}'
        | '\u{00D7}'
        | '\u{00F7}'
        | '\u{2022}'
        | '\u{2190}'..='\u{2199}'
        | '\u{221A}'
        | '\u{25A0}'..='\u{25FF}'
        | '\u{2605}'
        | '\u{2606}'
        | '\u{2713}'
        | '\u{2714}' => c,
        _ => return None,
    }))
}

/// `str::to_lowercase`, without a table lookup for each Chinese character
/// (they have no case). Its one rule that depends on neighbours is the
/// final sigma, so a text with `Σ` goes the standard way.
fn lowercase(s: &str) -> String {
    if s.contains('Σ') {
        return s.to_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if is_cjk(c) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

pub(super) fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_way_normalises_as_the_general_way() {
        let mut covered = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("a{c}Ｂ");
            if let Some(fast) = common_normalize(&s) {
                assert_eq!(fast, general_normalize(&s), "U+{:04X}", c as u32);
                covered += 1;
            }
        }
        // ASCII, both ideograph blocks, the full-width forms and the rest.
        assert_eq!(
            covered,
            128 + 20992 + 6592 + 94 + 1 + 1 + 20 + 2 + 10 + 8 + 8 + 2 + 10 + 1 + 96 + 4
        );
        assert_eq!(
            common_normalize("心理（３）班：ＡＢ…⑫"),
            Some("心理(3)班:ab...12".into())
        );
        assert_eq!(common_normalize("Ⅻ"), None);
    }

    #[test]
    fn lowercase_is_the_standard_one() {
        for s in [
            "考试焦虑 ABC Ǆ İstanbul ΑΣ ΣΑ Σ ẞ Ⅻ ＡＢＣ 𐐀",
            "ΟΔΟΣ ΟΔΟΣ.",
            "Straße ÀÉÎ 情绪",
        ] {
            assert_eq!(lowercase(s), s.to_lowercase(), "{s}");
        }
    }
}
