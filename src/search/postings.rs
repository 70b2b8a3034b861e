//! The postings: which docs hold each term. A CJK term (a character or a
//! pair of neighbours) is packed into a `u64`, so tokenising a doc makes
//! no string per term; the docs' terms are merged chunk by chunk, every
//! shard in parallel, and each term's ids are kept as varint gaps, so
//! memory holds the postings, not every doc's terms.

use super::is_cjk;
use super::normalize::{Mapped, common_char, normalize};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// A CJK character (its code point) or a pair of them (tagged with
/// [`PAIR`], first character in bits 21–41).
type Key = u64;

const PAIR: Key = 1 << 42;
const CHAR_BITS: u32 = 21;
const CHAR_MASK: Key = (1 << CHAR_BITS) - 1;

fn unigram(c: char) -> Key {
    Key::from(u32::from(c))
}

fn bigram(a: char, b: char) -> Key {
    PAIR | (Key::from(u32::from(a)) << CHAR_BITS) | Key::from(u32::from(b))
}

/// The characters of a key, first one first.
fn key_chars(k: Key) -> (Option<char>, char) {
    let low = char::from_u32((k & CHAR_MASK) as u32).unwrap_or('\u{FFFD}');
    if k & PAIR == 0 {
        (None, low)
    } else {
        let high = char::from_u32(((k >> CHAR_BITS) & CHAR_MASK) as u32).unwrap_or('\u{FFFD}');
        (Some(high), low)
    }
}

fn key_text(k: Key) -> String {
    match key_chars(k) {
        (Some(a), b) => [a, b].into_iter().collect(),
        (None, b) => b.to_string(),
    }
}

/// [`super::shard_of`] of the key's text, without making the text.
fn key_shard(k: Key, shards: u32) -> u32 {
    let h = match key_chars(k) {
        (Some(a), b) => u32::from(a).wrapping_mul(31).wrapping_add(u32::from(b)),
        (None, b) => u32::from(b),
    };
    h % shards.max(1)
}

/// The distinct terms of one doc's normalised text, each with its shard,
/// in no particular order (a shard's postings are keyed by term, and a
/// doc's id is pushed once per term, so the order within a doc never
/// reaches the output): what [`super::tokens`] gives, without a string per
/// CJK term.
pub(super) struct DocTerms {
    keys: Vec<(u32, Key)>,
    words: Vec<(u32, String)>,
}

impl DocTerms {
    /// The terms of a normalised text.
    #[cfg(test)]
    pub(super) fn of(text: &str, shards: u32) -> Self {
        let mut t = Reader::new(text.len(), shards);
        text.chars().for_each(|c| t.push(c));
        t.finish()
    }

    /// The terms of `parts` joined by spaces and normalised. Each
    /// character is mapped the common way as it is read (no normalised copy
    /// of the text is made); a text with any other character is joined and
    /// normalised the general way first.
    pub(super) fn of_parts(parts: &[&str], shards: u32) -> Self {
        let len = parts.iter().map(|p| p.len() + 1).sum();
        let mut t = Reader::new(len, shards);
        for part in parts {
            for c in part.chars() {
                match common_char(c) {
                    Some(Mapped::One(m)) => t.push(m),
                    Some(Mapped::Many(m)) => m.chars().for_each(|m| t.push(m)),
                    None => {
                        let text = normalize(&parts.join(" "));
                        let mut t = Reader::new(text.len(), shards);
                        text.chars().for_each(|c| t.push(c));
                        return t.finish();
                    }
                }
            }
            // A space ends any run, as between the joined parts.
            t.push(' ');
        }
        t.finish()
    }
}

/// Reads a normalised text character by character into its [`DocTerms`].
struct Reader {
    shards: u32,
    /// Each term once: a text repeats most of its characters and pairs.
    /// Sized for the text up front: growing the set rehashed it several
    /// times per doc (a CJK character is three bytes and brings at most
    /// two new terms, and most are repeats).
    seen: rustc_hash::FxHashSet<Key>,
    /// The common characters as single terms are marked in a bitset, not
    /// hashed: half the set's inserts, and the set was the largest part of
    /// the index's time.
    common: [u64; COMMON_WORDS],
    keys: Vec<(u32, Key)>,
    words: Vec<(u32, String)>,
    word: String,
    /// The previous character of the CJK run this one continues.
    prev: Option<char>,
}

impl Reader {
    fn new(len: usize, shards: u32) -> Self {
        Reader {
            shards,
            seen: rustc_hash::FxHashSet::with_capacity_and_hasher(len / 3, Default::default()),
            common: [0; COMMON_WORDS],
            keys: Vec::with_capacity(len / 3),
            words: Vec::new(),
            word: String::new(),
            prev: None,
        }
    }

    fn flush(&mut self) {
        if !self.word.is_empty() {
            let w = std::mem::take(&mut self.word);
            self.words.push((super::shard_of(&w, self.shards), w));
        }
    }

    // Called for every character of every doc: inlined into the loops.
    #[inline(always)]
    fn push(&mut self, c: char) {
        if is_cjk(c) {
            self.flush();
            let k = unigram(c);
            let new = match u32::from(c).checked_sub(*COMMON_CJK.start()) {
                Some(i) if COMMON_CJK.contains(&u32::from(c)) => {
                    let (w, bit) = (i as usize / 64, 1u64 << (i % 64));
                    let new = self.common[w] & bit == 0;
                    self.common[w] |= bit;
                    new
                }
                _ => self.seen.insert(k),
            };
            if new {
                self.keys.push((key_shard(k, self.shards), k));
            }
            if let Some(p) = self.prev {
                let k = bigram(p, c);
                if self.seen.insert(k) {
                    self.keys.push((key_shard(k, self.shards), k));
                }
            }
            self.prev = Some(c);
        } else if is_word_char(c) {
            self.prev = None;
            self.word.push(c);
        } else {
            self.prev = None;
            self.flush();
        }
    }

    fn finish(mut self) -> DocTerms {
        self.flush();
        self.words.sort_unstable();
        self.words.dedup();
        DocTerms {
            keys: self.keys,
            words: self.words,
        }
    }
}

/// The CJK Unified Ideographs block, where almost every character of a
/// Chinese text is.
const COMMON_CJK: std::ops::RangeInclusive<u32> = 0x4E00..=0x9FFF;

/// 64-bit words of a bitset over [`COMMON_CJK`].
const COMMON_WORDS: usize = ((*COMMON_CJK.end() - *COMMON_CJK.start()) as usize + 1).div_ceil(64);

/// `char::is_alphanumeric`, answered at once for ASCII and for the
/// punctuation Chinese text is full of (General Punctuation, and the CJK
/// symbols and punctuation U+3000–U+3004 and U+3008–U+3020, none of them a
/// letter or digit), which the standard library looks up in a table.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if matches!(c as u32, 0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020) {
        return false;
    }
    c.is_alphanumeric()
}

/// One chunk's terms regrouped by shard, each with its doc's id, in doc
/// order: a shard then reads only its own terms, not every doc's list.
pub(super) struct Buckets<'a> {
    keys: Vec<Vec<(Key, u32)>>,
    words: Vec<Vec<(&'a str, u32)>>,
}

impl<'a> Buckets<'a> {
    /// The terms of `docs`, whose ids start at `base`.
    pub(super) fn of(docs: impl Iterator<Item = &'a DocTerms>, base: u32, shards: u32) -> Self {
        let mut b = Buckets {
            keys: vec![Vec::new(); shards as usize],
            words: vec![Vec::new(); shards as usize],
        };
        for (j, d) in docs.enumerate() {
            let id = base + j as u32;
            for (s, k) in &d.keys {
                b.keys[*s as usize].push((*k, id));
            }
            for (s, w) in &d.words {
                b.words[*s as usize].push((w.as_str(), id));
            }
        }
        b
    }
}

/// A term's ascending doc ids, as LEB128 gaps (most take one byte).
#[derive(Default)]
struct Ids {
    last: u32,
    bytes: Vec<u8>,
}

impl Ids {
    fn push(&mut self, id: u32) {
        let mut g = id - self.last;
        self.last = id;
        loop {
            let b = (g & 0x7F) as u8;
            g >>= 7;
            if g == 0 {
                self.bytes.push(b);
                break;
            }
            self.bytes.push(b | 0x80);
        }
    }

    fn ids(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let (mut id, mut g, mut shift) = (0u32, 0u32, 0);
        for &b in &self.bytes {
            g |= u32::from(b & 0x7F) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                id += g;
                out.push(id);
                (g, shift) = (0, 0);
            }
        }
        out
    }
}

/// The postings of one shard.
#[derive(Default)]
pub(super) struct Shard {
    keys: FxHashMap<Key, Ids>,
    words: FxHashMap<String, Ids>,
}

impl Shard {
    /// Adds shard `n`'s terms of a chunk. Chunks must be added in order.
    pub(super) fn add(&mut self, n: usize, chunk: &Buckets) {
        for (k, id) in &chunk.keys[n] {
            self.keys.entry(*k).or_default().push(*id);
        }
        for (w, id) in &chunk.words[n] {
            match self.words.get_mut(*w) {
                Some(ids) => ids.push(*id),
                None => {
                    let mut ids = Ids::default();
                    ids.push(*id);
                    self.words.insert(w.to_string(), ids);
                }
            }
        }
    }

    /// Every CJK character with postings here (each is a unigram term).
    pub(super) fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.keys
            .keys()
            .filter(|k| *k & PAIR == 0)
            .map(|k| key_chars(*k).1)
            .filter(|c| is_cjk(*c))
    }

    /// Term → ascending doc ids, ordered by the term's text.
    pub(super) fn into_sorted(self) -> BTreeMap<String, Vec<u32>> {
        let mut out: BTreeMap<String, Vec<u32>> = self
            .keys
            .into_iter()
            .map(|(k, ids)| (key_text(k), ids.ids()))
            .collect();
        out.extend(self.words.into_iter().map(|(w, ids)| (w, ids.ids())));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_terms_are_the_tokens_with_the_same_shards() {
        let text = super::super::normalize("关爱自己，爱护同伴：3年级的ABC游戏。𠀀𠀁 x");
        for shards in [1, 7, 512] {
            let t = DocTerms::of(&text, shards);
            let mut got: Vec<(u32, String)> =
                t.keys.iter().map(|(s, k)| (*s, key_text(*k))).collect();
            got.extend(t.words.iter().cloned());
            got.sort();
            let mut want: Vec<(u32, String)> = super::super::tokens(&text)
                .into_iter()
                .map(|w| (super::super::shard_of(&w, shards), w))
                .collect();
            want.sort();
            want.dedup();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn parts_read_as_their_text_joined_and_normalised() {
        let texts: [&[&str]; 5] = [
            &["关爱自己", "情绪", "小学高年级", "每个人都有烦恼…①⑫"],
            &["", "ＡＢＣ：３年级", ""],
            &["第㈠课", "ﬁ 和 Å"],
            &["Σ", "ΑΣ ΣΑ"],
            &["𠀀𠀁", "丽\u{F900}"],
        ];
        for parts in texts {
            for shards in [1, 7, 512] {
                let got = DocTerms::of_parts(parts, shards);
                let want = DocTerms::of(&super::super::normalize(&parts.join(" ")), shards);
                let sorted = |t: &DocTerms| {
                    let mut k = t.keys.clone();
                    k.sort();
                    (k, t.words.clone())
                };
                assert_eq!(sorted(&got), sorted(&want), "{parts:?}");
            }
        }
    }

    #[test]
    fn word_chars_are_the_alphanumeric_ones() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ids_survive_their_gaps() {
        let mut ids = Ids::default();
        let want = [0, 1, 2, 127, 128, 16_511, 16_512, 3_000_000, u32::MAX];
        for id in want {
            ids.push(id);
        }
        assert_eq!(ids.ids(), want);
        assert_eq!(ids.bytes[..3], [0, 1, 1]);
    }

    #[test]
    fn a_shard_keeps_only_its_terms_in_doc_order() {
        let shards = 3;
        let docs = ["情绪 abc", "情绪管理", "abc 管理"];
        let terms: Vec<DocTerms> = docs.iter().map(|d| DocTerms::of(d, shards)).collect();
        let mut all = BTreeMap::new();
        for n in 0..shards {
            let mut s = Shard::default();
            s.add(n as usize, &Buckets::of(terms[..1].iter(), 0, shards));
            s.add(n as usize, &Buckets::of(terms[1..].iter(), 1, shards));
            for (term, ids) in s.into_sorted() {
                assert_eq!(super::super::shard_of(&term, shards), n, "{term}");
                all.insert(term, ids);
            }
        }
        assert_eq!(all["情绪"], [0, 1]);
        assert_eq!(all["管理"], [1, 2]);
        assert_eq!(all["abc"], [0, 2]);
        assert_eq!(all["绪管"], [1]);
    }
}
