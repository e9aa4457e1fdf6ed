//! String helpers with no panic path.
//!
//! `&s[..n]`, `split_at` and `str::find` with a `&str` pattern all keep a
//! panic branch that formats its message (the char and range `Debug`
//! impls, `core::fmt`); in the wasm module those branches alone cost about
//! 5 KB gzipped. The parser never panics anyway, so it slices with `get`
//! and searches substrings byte by byte. Splitting at an ASCII byte is
//! here too: `str::split(char)` and friends bring core's char searcher
//! (about 0.5 KB gzipped, and slower at `opt-level = "z"`).

use alloc::string::String;

/// `&s[..n]`, or all of `s` when `n` is not a char boundary inside it.
#[inline(always)]
pub(crate) fn head(s: &str, n: usize) -> &str {
    s.get(..n).unwrap_or(s)
}

/// `&s[n..]`, or `""` when `n` is not a char boundary inside it.
#[inline(always)]
pub(crate) fn tail(s: &str, n: usize) -> &str {
    s.get(n..).unwrap_or("")
}

/// The largest char boundary of `s` at or below `n`.
pub(crate) fn floor_boundary(s: &str, n: usize) -> usize {
    if n >= s.len() {
        return s.len();
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// At most `n` bytes of `s`, cut at a char boundary.
pub(crate) fn cut(s: &str, n: usize) -> &str {
    head(s, floor_boundary(s, n))
}

/// Byte index of the first `needle` in `hay`: scan for its first byte,
/// then compare. Indexes found are char boundaries (`needle` is UTF-8).
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else { return Some(0) };
    let last = h.len().checked_sub(n.len())?;
    let mut i = 0;
    while i <= last {
        i += position(h.get(i..=last)?, first)?;
        if h.get(i..i + n.len()) == Some(n) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether `hay` contains `needle`.
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `hay` with every `needle` replaced by `with`.
pub(crate) fn replace(hay: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(at) = find(rest, needle).filter(|_| !needle.is_empty()) {
        out.push_str(head(rest, at));
        out.push_str(with);
        rest = tail(rest, at + needle.len());
    }
    out.push_str(rest);
    out
}

/// Byte index of the first `b` (ASCII) in `s`: a char boundary.
pub(crate) fn find_byte(s: &str, b: u8) -> Option<usize> {
    debug_assert!(b.is_ascii());
    position(s.as_bytes(), b)
}

/// `s.trim()`: without the white space (Unicode `White_Space`) at both
/// ends. ASCII is tested byte by byte; only a non-ASCII end is decoded
/// (in functions of their own). Core's `trim` runs a char searcher, about
/// 1 KB of wasm code that V8 would compile the first time a reply is
/// parsed.
pub(crate) fn trim(s: &str) -> &str {
    trim_end(trim_start(s))
}

/// `s.trim_start()`, as [`trim`].
pub(crate) fn trim_start(s: &str) -> &str {
    let mut rest = s;
    loop {
        let n = match rest.as_bytes().first() {
            Some(&b) if b.is_ascii() => usize::from(is_ascii_space(b)),
            Some(_) => space_at_start(rest),
            None => 0,
        };
        if n == 0 {
            return rest;
        }
        rest = tail(rest, n);
    }
}

/// `s.trim_end()`, as [`trim`].
pub(crate) fn trim_end(s: &str) -> &str {
    let mut rest = s;
    loop {
        let n = match rest.as_bytes().last() {
            Some(&b) if b.is_ascii() => usize::from(is_ascii_space(b)),
            Some(_) => space_at_end(rest),
            None => 0,
        };
        if n == 0 {
            return rest;
        }
        rest = head(rest, rest.len() - n);
    }
}

/// The ASCII characters of `White_Space`: tab, line feed, vertical tab,
/// form feed, carriage return and space.
#[inline(always)]
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// The length of the white space character `s` starts with (0: none).
/// Never inlined (build.mjs `NOT_INLINED`), as [`space_at_end`].
#[inline(never)]
fn space_at_start(s: &str) -> usize {
    s.chars().next().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8)
}

/// The length of the white space character `s` ends with (0: none).
#[inline(never)]
fn space_at_end(s: &str) -> usize {
    s.chars().next_back().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8)
}

/// Index of the first `b` in `bytes`, eight bytes at a time (as core's
/// memchr, which `str::split` uses: a byte loop made `parse_reply` 10 %
/// slower).
fn position(bytes: &[u8], b: u8) -> Option<usize> {
    let pattern = u64::from(b) * ONES;
    let mut at = 0;
    while let Some(word) = word_at(bytes, at) {
        if has_below(word ^ pattern, 1) {
            break;
        }
        at += 8;
    }
    while let Some(&x) = bytes.get(at) {
        if x == b {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// `0x01` in every byte of a word.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;

/// The eight bytes of `bytes` from `at`, little-endian, if there are eight.
#[inline(always)]
pub(crate) fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let mut word = [0u8; 8];
    word.copy_from_slice(bytes.get(at..at + 8)?);
    Some(u64::from_le_bytes(word))
}

/// Whether one of the eight bytes of `w` is below `n` (n <= 0x80): exact
/// for the word as a whole (a borrow only spreads above a byte that is).
/// Bytes from 0x80 never are, so UTF-8 never matches an ASCII test.
#[inline(always)]
pub(crate) fn has_below(w: u64, n: u8) -> bool {
    w.wrapping_sub(u64::from(n) * ONES) & !w & (0x80 * ONES) != 0
}

/// `s.split_once(sep)` for an ASCII `sep`.
pub(crate) fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let at = find_byte(s, sep)?;
    Some((head(s, at), tail(s, at + 1)))
}

/// `s.split(sep)` for an ASCII `sep`.
pub(crate) fn split(s: &str, sep: u8) -> Split<'_> {
    splitn(s, usize::MAX, sep)
}

/// `s.splitn(n, sep)` for an ASCII `sep`: at most `n` pieces, the last one
/// holding the rest.
pub(crate) fn splitn(s: &str, n: usize, sep: u8) -> Split<'_> {
    Split { rest: Some(s), sep, left: n }
}

/// The pieces of [`split`] and [`splitn`].
pub(crate) struct Split<'a> {
    rest: Option<&'a str>,
    sep: u8,
    left: usize,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        self.left = self.left.checked_sub(1)?;
        match find_byte(rest, self.sep).filter(|_| self.left > 0) {
            Some(at) => {
                self.rest = Some(tail(rest, at + 1));
                Some(head(rest, at))
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Appends `n` in decimal, without `core::fmt`.
pub(crate) fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in digits.get(i..).unwrap_or(&[]) {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_agrees_with_std() {
        for (hay, needle) in [("", ""), ("abc", ""), ("", "a"), ("abcabd", "abd"), ("aaab", "aab"), ("é|é", "|é"), ("x", "xy")] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
        }
    }

    #[test]
    fn splitting_at_a_byte_agrees_with_std() {
        for s in ["", "|", "a", "a|b", "|a||b|", "é|€|😀", "a|b|c|d|e"] {
            assert_eq!(split(s, b'|').collect::<alloc::vec::Vec<_>>(), s.split('|').collect::<alloc::vec::Vec<_>>(), "{s:?}");
            for n in 0..6 {
                assert_eq!(splitn(s, n, b'|').collect::<alloc::vec::Vec<_>>(), s.splitn(n, '|').collect::<alloc::vec::Vec<_>>(), "{s:?} {n}");
            }
            assert_eq!(split_once(s, b'|'), s.split_once('|'), "{s:?}");
            assert_eq!(find_byte(s, b'|'), s.find('|'), "{s:?}");
        }
    }

    #[test]
    fn finding_a_byte_agrees_with_std_at_every_offset_of_a_word() {
        for len in 0..40 {
            for at in 0..=len {
                // Non-ASCII around (never mistaken for the byte), the byte at `at` (or nowhere).
                let s: String = (0..len).map(|i| if i == at { '|' } else if i % 3 == 0 { 'é' } else { 'a' }).collect();
                assert_eq!(find_byte(&s, b'|'), s.find('|'), "{s:?}");
                assert_eq!(find(&s, "|a"), s.find("|a"), "{s:?}");
            }
        }
    }

    #[test]
    fn trimming_agrees_with_std() {
        let pieces = ["", " ", "\t", "\n", "\r\n", "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{3000}", "\u{feff}", "\u{200b}", "a", "é", "😀", "a b"];
        for x in pieces {
            for y in pieces {
                for z in pieces {
                    let s: String = [x, y, z, y, x].concat();
                    assert_eq!(trim(&s), s.trim(), "{s:?}");
                    assert_eq!(trim_start(&s), s.trim_start(), "{s:?}");
                    assert_eq!(trim_end(&s), s.trim_end(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn replace_agrees_with_std() {
        for (hay, needle) in [("a1234b1234", "1234"), ("1111", "11"), ("abc", "z"), ("", "a"), ("ééé", "é")] {
            assert_eq!(replace(hay, needle, "[R]"), hay.replace(needle, "[R]"), "{hay:?} {needle:?}");
        }
    }

    #[test]
    fn decimal_matches_std() {
        for n in [0usize, 7, 10, 200, 502, 999, 1000, usize::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, alloc::format!("{n}"));
        }
    }

    #[test]
    fn slicing_never_panics() {
        assert_eq!(head("é", 1), "é");
        assert_eq!(tail("é", 1), "");
        assert_eq!(cut("éé", 3), "é");
        assert_eq!(cut("ab", 9), "ab");
    }
}
