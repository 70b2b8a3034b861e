//! The postings: which docs hold each term. A CJK term (a character or a
//! pair of neighbours) is packed into a `u64`, so tokenising a doc makes
//! no string per term; the docs' terms are merged chunk by chunk, every
//! shard in parallel, and each term's ids are kept as varint gaps, so
//! memory holds the postings, not every doc's terms.

use super::encode::ShardScript;
use super::is_cjk;
use super::normalize::{Mapped, common_char, normalize};
use rustc_hash::{FxHashMap, FxHashSet};
#[cfg(test)]
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

/// Bits of a [`Key`]; the bits above hold a term's shard in [`DocTerms`]
/// and its doc's place in the chunk in [`Buckets`], so each entry is one
/// `u64` (half the memory a tagged pair took, and half the copying).
const KEY_BITS: u32 = 43;
const KEY_MASK: u64 = (1 << KEY_BITS) - 1;

/// Appends the key's text to `out`.
fn push_key_text(k: Key, out: &mut String) {
    let (first, last) = key_chars(k);
    out.extend(first);
    out.push(last);
}

#[cfg(test)]
fn key_text(k: Key) -> String {
    let mut s = String::new();
    push_key_text(k, &mut s);
    s
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
    /// Each CJK term with its shard in the bits above [`KEY_BITS`].
    keys: Vec<u64>,
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
                        t.recycle();
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

thread_local! {
    /// Each thread's set of terms seen and list of terms found, kept from
    /// one doc to the next. Made afresh for every doc, they took new memory
    /// each time, and the kernel zeroing it cost more than the set's work.
    static SCRATCH: std::cell::Cell<(FxHashSet<Key>, Vec<u64>)> = Default::default();
}

/// A scratch set this much bigger than a doc needs is not kept: clearing
/// it would cost more than it saves.
const SCRATCH_SLACK: usize = 8;

/// Reads a normalised text character by character into its [`DocTerms`].
struct Reader {
    shards: u32,
    /// Each term once: a text repeats most of its characters and pairs.
    /// Sized for the text up front: growing the set rehashed it several
    /// times per doc (a CJK character is three bytes and brings at most
    /// two new terms, and most are repeats).
    seen: FxHashSet<Key>,
    /// The common characters as single terms are marked in a bitset, not
    /// hashed: half the set's inserts, and the set was the largest part of
    /// the index's time.
    common: [u64; COMMON_WORDS],
    keys: Vec<u64>,
    words: Vec<(u32, String)>,
    word: String,
    /// The previous character of the CJK run this one continues.
    prev: Option<char>,
}

impl Reader {
    fn new(len: usize, shards: u32) -> Self {
        let (mut seen, mut keys) = SCRATCH.take();
        let want = len / 3;
        if seen.capacity() > SCRATCH_SLACK * want.max(1024) {
            seen = FxHashSet::default();
        }
        seen.clear();
        seen.reserve(want);
        keys.clear();
        keys.reserve(want);
        Reader {
            shards,
            seen,
            common: [0; COMMON_WORDS],
            keys,
            words: Vec::new(),
            word: String::new(),
            prev: None,
        }
    }

    /// Gives the set and the list back to the thread for its next doc.
    fn recycle(self) {
        SCRATCH.set((self.seen, self.keys));
    }

    fn found(&mut self, k: Key) {
        self.keys
            .push(k | u64::from(key_shard(k, self.shards)) << KEY_BITS);
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
                self.found(k);
            }
            if let Some(p) = self.prev {
                let k = bigram(p, c);
                if self.seen.insert(k) {
                    self.found(k);
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
        let mut words = std::mem::take(&mut self.words);
        words.sort_unstable();
        words.dedup();
        // A copy of exactly the terms found: the list itself is sized for
        // the text, most of which repeats.
        let keys = self.keys.clone();
        self.recycle();
        DocTerms { keys, words }
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
    /// The first doc's id.
    base: u32,
    /// Per shard, each CJK term with its doc's place after `base` in the
    /// bits above [`KEY_BITS`].
    keys: Vec<Vec<u64>>,
    words: Vec<Vec<(&'a str, u32)>>,
}

impl<'a> Buckets<'a> {
    /// The terms of `docs`, whose ids start at `base`. The lists of
    /// `spare` (an earlier chunk's, from [`Buckets::into_spare`]) are
    /// filled again: a chunk's lists take tens of megabytes, and taking
    /// them new for every chunk had the kernel zero them every time.
    pub(super) fn of(
        docs: impl Iterator<Item = &'a DocTerms> + Clone,
        base: u32,
        shards: u32,
        spare: Vec<Vec<u64>>,
    ) -> Self {
        let shards = shards as usize;
        let mut keys = spare;
        keys.resize_with(shards, Vec::new);
        keys.truncate(shards);
        // Each list sized once, to what it will hold: growing them copied
        // every list several times per chunk.
        let mut counts = vec![0usize; shards];
        let mut n = 0usize;
        for d in docs.clone() {
            n += 1;
            for k in &d.keys {
                counts[(k >> KEY_BITS) as usize] += 1;
            }
        }
        // A doc's place has the 21 bits above the key: a chunk holds
        // `CHUNK` (1,024) docs.
        assert!(n <= 1 << (64 - KEY_BITS), "{n} docs in one chunk");
        for (list, n) in keys.iter_mut().zip(counts) {
            list.clear();
            list.reserve_exact(n);
        }
        let mut b = Buckets {
            base,
            keys,
            words: vec![Vec::new(); shards],
        };
        for (j, d) in docs.enumerate() {
            let place = (j as u64) << KEY_BITS;
            for k in &d.keys {
                b.keys[(k >> KEY_BITS) as usize].push(k & KEY_MASK | place);
            }
            for (s, w) in &d.words {
                b.words[*s as usize].push((w.as_str(), base + j as u32));
            }
        }
        b
    }

    /// The lists, for the next chunk's [`Buckets::of`].
    pub(super) fn into_spare(self) -> Vec<Vec<u64>> {
        self.keys
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

    /// The ids, read back from their gaps.
    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (mut id, mut g, mut shift) = (0u32, 0u32, 0);
        self.bytes.iter().filter_map(move |&b| {
            g |= u32::from(b & 0x7F) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                id += g;
                (g, shift) = (0, 0);
                Some(id)
            } else {
                None
            }
        })
    }

    #[cfg(test)]
    fn ids(&self) -> Vec<u32> {
        self.iter().collect()
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
        for e in &chunk.keys[n] {
            let id = chunk.base + (e >> KEY_BITS) as u32;
            self.keys.entry(e & KEY_MASK).or_default().push(id);
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

    /// Shard `n`'s script, `search/p-N.js` ([`ShardScript`]): its terms in
    /// the order of their texts' bytes, as a `BTreeMap` of strings holds
    /// them. CJK keys sort by [`text_order`], without making their text;
    /// the few words by their bytes; the two lists are then merged.
    pub(super) fn script(self, n: usize) -> String {
        let mut keys: Vec<(Key, Ids)> = self.keys.into_iter().collect();
        keys.sort_unstable_by_key(|(k, _)| text_order(*k));
        let mut words: Vec<(String, Ids)> = self.words.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Most gaps take one byte here and two or three digits and a comma
        // there; a term takes its text and about six bytes more.
        let len = keys
            .iter()
            .map(|(_, ids)| 12 + 3 * ids.bytes.len())
            .chain(
                words
                    .iter()
                    .map(|(w, ids)| w.len() + 6 + 3 * ids.bytes.len()),
            )
            .sum();
        let mut script = ShardScript::new(n, len);
        let mut text = String::with_capacity(8);
        let mut words = words.into_iter().peekable();
        for (k, ids) in &keys {
            text.clear();
            push_key_text(*k, &mut text);
            while let Some((w, ids)) = words.next_if(|(w, _)| w.as_str() < text.as_str()) {
                script.term(&w, ids.iter());
            }
            script.term(&text, ids.iter());
        }
        for (w, ids) in words {
            script.term(&w, ids.iter());
        }
        script.finish()
    }

    /// Term → ascending doc ids, ordered by the term's text.
    #[cfg(test)]
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

/// A number that orders CJK keys as their texts' bytes do: UTF-8 keeps
/// the order of code points, and a character comes before every pair it
/// starts.
fn text_order(k: Key) -> u64 {
    match key_chars(k) {
        (Some(a), b) => (u64::from(a) << 22) | (u64::from(b) + 1),
        (None, b) => u64::from(b) << 22,
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
            let mut got: Vec<(u32, String)> = t
                .keys
                .iter()
                .map(|k| ((k >> KEY_BITS) as u32, key_text(k & KEY_MASK)))
                .collect();
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
    fn a_shard_script_is_its_postings_as_serde_json_writes_them() {
        use super::super::encode::{gaps, script_json};
        // CJK in and beyond the common block (four-byte characters sort
        // after three-byte ones), a compatibility ideograph, Latin with
        // and without accents, digits, Greek and Cyrillic.
        let docs = [
            "情绪 abc 𠀀𠀁 情",
            "情绪管理 café 3年级 Ωμέγα",
            "abc 管理 ｘｙｚ 丽\u{F900} 12 привет",
            "é e z 𠀁情 绪",
        ];
        for shards in [1, 3, 7] {
            let terms: Vec<DocTerms> = docs
                .iter()
                .map(|d| DocTerms::of(&super::super::normalize(d), shards))
                .collect();
            for n in 0..shards as usize {
                let shard = || {
                    let mut s = Shard::default();
                    s.add(n, &Buckets::of(terms.iter(), 0, shards, Vec::new()));
                    s
                };
                let map: BTreeMap<String, Vec<i64>> = shard()
                    .into_sorted()
                    .into_iter()
                    .map(|(t, ids)| (t, gaps(&ids)))
                    .collect();
                let want = format!("XINYU_SHARD({n},{});\n", script_json(&map));
                assert_eq!(shard().script(n), want, "{shards} shards");
            }
        }
    }

    #[test]
    fn a_shard_keeps_only_its_terms_in_doc_order() {
        let shards = 3;
        let docs = ["情绪 abc", "情绪管理", "abc 管理"];
        let terms: Vec<DocTerms> = docs.iter().map(|d| DocTerms::of(d, shards)).collect();
        let mut all = BTreeMap::new();
        for n in 0..shards {
            let mut s = Shard::default();
            // The second chunk fills the first one's lists again.
            let first = Buckets::of(terms[..1].iter(), 0, shards, Vec::new());
            s.add(n as usize, &first);
            let second = Buckets::of(terms[1..].iter(), 1, shards, first.into_spare());
            s.add(n as usize, &second);
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
