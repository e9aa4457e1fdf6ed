//! String helpers with no panic path.
//!
//! `&s[..n]`, `split_at` and `str::find` with a `&str` pattern all keep a
//! panic branch that formats its message (the char and range `Debug`
//! impls, `core::fmt`); in the wasm module those branches alone cost about
//! 5 KB gzipped. The parser never panics anyway, so it slices with `get`
//! and searches substrings byte by byte.

use alloc::string::String;

/// `&s[..n]`, or all of `s` when `n` is not a char boundary inside it.
pub(crate) fn head(s: &str, n: usize) -> &str {
    s.get(..n).unwrap_or(s)
}

/// `&s[n..]`, or `""` when `n` is not a char boundary inside it.
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
        i += h.get(i..=last)?.iter().position(|&b| b == first)?;
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
