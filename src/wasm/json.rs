//! Results cross to JavaScript as ONE JSON string, which the wrapper turns
//! into plain objects with `JSON.parse`.
//!
//! Building objects key by key from Rust costs a boundary crossing and a
//! string decode per key and per value (about 20 per transfer); one string
//! and `JSON.parse` measured 2-3 times faster, and smaller than serde.

// One-character appends are `push_str`: at `opt-level = "z"`, `push(char)`
// calls the UTF-8 encoder each time (measured in the profile of the JSON writer).
#![allow(clippy::single_char_add_str)]

use alloc::string::String;

/// A JSON object under construction.
pub(crate) struct Json {
    out: String,
    first: bool,
}

impl Json {
    pub(crate) fn object() -> Json {
        // Room for a reply with its message and excerpt: no regrowth (and
        // copy) on the way; the bump allocator frees it all after the call.
        let mut out = String::with_capacity(512);
        out.push_str("{");
        Json { out, first: true }
    }

    /// `key` is one of this crate's static identifiers (camelCase ASCII
    /// letters: nothing to escape), written as it is: three appends per key
    /// (at `opt-level = "z"` each append is a call).
    fn key(&mut self, key: &str) {
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphabetic()), "JSON key {key:?} would need escaping");
        self.out.push_str(if self.first { "\"" } else { ",\"" });
        self.first = false;
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    pub(crate) fn str(mut self, key: &str, value: &str) -> Json {
        self.key(key);
        string(&mut self.out, value);
        self
    }

    pub(crate) fn opt_str(self, key: &str, value: Option<&str>) -> Json {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    pub(crate) fn bool(mut self, key: &str, value: bool) -> Json {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    pub(crate) fn num(mut self, key: &str, value: usize) -> Json {
        self.key(key);
        crate::text::push_decimal(&mut self.out, value);
        self
    }

    /// `value` must already be JSON.
    pub(crate) fn raw(mut self, key: &str, value: &str) -> Json {
        self.key(key);
        self.out.push_str(value);
        self
    }

    pub(crate) fn end(mut self) -> String {
        self.out.push_str("}");
        self.out
    }
}

/// A JSON array of already-encoded values.
pub(crate) fn array(items: impl Iterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

/// Appends `s` as a JSON string literal, copying runs of plain bytes at
/// once (a char-by-char loop is several times slower at `opt-level = "z"`).
fn string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\"");
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'"' && b != b'\\' && b >= 0x20 {
            continue;
        }
        // `b` is ASCII, so `run..i` and `i + 1..` are char boundaries.
        out.push_str(s.get(run..i).unwrap_or(""));
        run = i + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push_str("\"");
}
