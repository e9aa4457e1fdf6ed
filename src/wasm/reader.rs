//! Reads the request the wrapper (api.js `requestBytes`) sends: its own
//! enumerable properties, as ONE text of entries:
//!
//! ```text
//! text  = *entry [ "!" count ":" version ]
//! entry = ( letter | count ":" key ) ( "=" count ":" value | "!" )
//! ```
//!
//! A request field is named by its letter (`a` + its place in
//! [`Field::ALL`]: api.js's `FIELD_KEYS` is the same list, compared by
//! tests/pkg_codes.rs); any other key by its counted name, reported as
//! UNKNOWN_FIELD. `count` is the decimal length of the key or value in
//! UTF-16 code units (JavaScript's `length`); `!` marks a value that is not
//! a string (a number, an object, a string with a lone surrogate):
//! reported as NOT_A_STRING, never converted. `null` and `undefined` are
//! not sent (not given). No escaping at all, so nothing to undo, and any
//! character can appear in a key or value. The optional `version` is the
//! caller's `serverVersion` (an entry begins with a letter or a digit, so
//! a `!` where an entry would begin cannot be one): riding in the same
//! text, it costs no second string to copy into wasm memory; last, so the
//! wrapper reads its arguments in their order.
//!
//! Measured against the JSON text it replaced (the wrapper's copy +
//! `JSON.stringify`, a JSON reader here): the wrapper's part 0.74 -> 0.43
//! µs per call, and 0.8 KB less gzipped wasm; letters for fields instead of
//! their names: reading 7 fields 870 -> 230 ns (no name comparisons).

use alloc::string::String;
use alloc::vec::Vec;

use crate::fields::Field;
use crate::request::CallControlDraft;

/// The fields of one request.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    /// The string values, borrowed from the request text.
    pub(crate) draft: CallControlDraft<'a>,
    /// Bit i: the field `Field::ALL[i]` held something other than a string.
    pub(crate) not_strings: u16,
    /// Keys that are not request fields (cut to 64 characters), in order.
    pub(crate) unknown: Vec<String>,
}

/// `field`'s place in [`Field::ALL`] (its discriminant: the test
/// `field_index_is_its_place_in_all` checks, as the core's request relies on it too).
fn index(field: Field) -> usize {
    field as usize
}

impl<'a> Fields<'a> {
    pub(crate) fn get(&self, field: Field) -> Option<&'a str> {
        self.draft.get(field)
    }

    pub(crate) fn is_string_or_absent(&self, field: Field) -> bool {
        self.not_strings & (1 << index(field)) == 0
    }
}

/// `count ":"` then that many UTF-16 units of `s`: (the text, the rest).
/// One pass over the digits (at opt-level "z" each helper is a call: a
/// `split_once` and two iterator passes made reading a field 47 ns).
pub(crate) fn counted(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let mut units = 0usize;
    let mut at = 0;
    loop {
        match *bytes.get(at)? {
            b':' if at > 0 => break,
            d @ b'0'..=b'9' if at < 9 => units = units * 10 + usize::from(d - b'0'),
            _ => return None,
        }
        at += 1;
    }
    let body = s.get(at + 1..)?;
    // ASCII (almost every value): one byte per unit. A byte loop, not
    // `<[u8]>::is_ascii`, whose inlined word-at-a-time code made this
    // function 116 B larger, compiled by V8 on a first parseReply
    // (secrets are short).
    if body.as_bytes().get(..units).is_some_and(|head| head.iter().all(|&b| b < 0x80)) {
        return body.split_at_checked(units);
    }
    split_units(body, units)
}

/// `body` split after `units` UTF-16 units, for text that is not ASCII
/// there. Never inlined (build.mjs `NOT_INLINED`): a first call with ASCII
/// values does not compile it.
#[inline(never)]
fn split_units(body: &str, units: usize) -> Option<(&str, &str)> {
    // Count units by UTF-8 lead bytes: one per character, two for a
    // four-byte one (a surrogate pair); stop at the lead byte after the last.
    let mut seen = 0;
    for (at, &b) in body.as_bytes().iter().enumerate() {
        if b & 0xC0 == 0x80 {
            continue;
        }
        if seen == units {
            return body.split_at_checked(at);
        }
        seen += if b >= 0xF0 { 2 } else { 1 };
    }
    (seen == units).then_some((body, ""))
}

/// Reads the entries and the version (when given). `None`: not the
/// wrapper's format (a wrapper bug).
pub(crate) fn read(text: &str) -> Option<(Option<&str>, Fields<'_>)> {
    let mut rest = text;
    let mut version = None;
    let mut fields = Fields::default();
    while let Some(&first) = rest.as_bytes().first() {
        if first == b'!' {
            // The version, last.
            let (v, after) = counted(rest.get(1..)?)?;
            version = Some(v);
            rest = after;
            if !rest.is_empty() {
                return None;
            }
            break;
        }
        let (field, key, after) = match Field::ALL.get(usize::from(first.wrapping_sub(b'a'))) {
            Some(&f) => (Some(f), "", rest.get(1..)?),
            None => {
                let (key, after) = counted(rest)?;
                (None, key, after)
            }
        };
        let value = match after.as_bytes().first()? {
            b'!' => {
                rest = after.get(1..)?;
                None
            }
            b'=' => {
                let (value, after) = counted(after.get(1..)?)?;
                rest = after;
                Some(value)
            }
            _ => return None,
        };
        match (field, value) {
            (Some(f), Some(v)) => *fields.draft.slot(f) = Some(v),
            (Some(f), None) => fields.not_strings |= 1 << index(f),
            (None, _) => fields.unknown.push(key.chars().take(64).collect()),
        }
    }
    Some((version, fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm::convert::js_key;

    #[test]
    fn field_index_is_its_place_in_all() {
        for (i, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(index(f), i, "{f:?}");
        }
    }

    #[test]
    fn reads_counted_strings_in_utf16_units_and_marks_the_rest() {
        // "10:2=8é😀" is 9 UTF-16 units (😀 is two); a value may hold any character, ":" "=" "!" included.
        // d: agentUser, f: callId, i: status; a field's name is not a letter: an unknown key.
        let (version, f) = read("d=9:10:2=8é😀f!3:x-y=2:!!i=0:9:agentUser!").unwrap();
        assert_eq!(version, None);
        assert_eq!(f.get(Field::AgentUser), Some("10:2=8é😀"));
        assert!(!f.is_string_or_absent(Field::CallId));
        assert_eq!(f.get(Field::Ingroup), None);
        assert!(f.is_string_or_absent(Field::Ingroup));
        assert_eq!(f.get(Field::Status), Some(""));
        assert_eq!(f.unknown, ["x-y", "agentUser"]);
        assert!(read("").is_some_and(|(v, f)| v.is_none() && f.unknown.is_empty()));
        assert_eq!(read(&alloc::format!("80:{}!", "k".repeat(80))).unwrap().1.unknown, ["k".repeat(64)]);
    }

    #[test]
    fn a_last_bang_carries_the_server_version() {
        let (version, f) = read("e=6:HANGUP!7:2.14-82").unwrap();
        assert_eq!((version, f.get(Field::Stage)), (Some("2.14-82"), Some("HANGUP")));
        assert_eq!(read("!0:").unwrap().0, Some(""));
        assert_eq!(read("!1:é").unwrap().0, Some("é"));
        assert!(read("!").is_none() && read("!3:ab").is_none() && read("!x:e!").is_none() && read("!1:xe!").is_none());
    }

    /// The wrapper's text for `entries` (api.js `requestBytes`): a field's letter, UTF-16 lengths.
    fn wire(entries: &[(String, Option<String>)]) -> String {
        let units = |s: &str| s.encode_utf16().count();
        let mut out = String::new();
        for (k, v) in entries {
            match Field::ALL.iter().position(|f| js_key(*f) == k) {
                Some(i) => out.push(char::from(b'a' + i as u8)),
                None => out.push_str(&alloc::format!("{}:{k}", units(k))),
            }
            match v {
                Some(v) => out.push_str(&alloc::format!("={}:{v}", units(v))),
                None => out.push('!'),
            }
        }
        out
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn any_keys_and_values_read_back_exactly(
            entries in proptest::collection::vec(
                (proptest::sample::select(alloc::vec!["stage", "agentUser", "callId", "status", "x", "a", "i", ":=!", "é😀"]).prop_map(String::from),
                 proptest::option::of("[a-z0-9:=!|é€😀\\u{0}\n ]{0,24}")),
                0..8)
        ) {
            let text = wire(&entries);
            let (version, f) = read(&text).expect("the wrapper's format");
            proptest::prop_assert_eq!(version, None);
            // The last entry for a key wins (a JavaScript object has each key once; this is the reader's rule).
            for field in Field::ALL {
                let last = entries.iter().rev().find(|(k, _)| k == js_key(field));
                match last {
                    Some((_, Some(v))) => proptest::prop_assert_eq!(f.get(field), Some(v.as_str())),
                    Some((_, None)) => proptest::prop_assert!(!f.is_string_or_absent(field)),
                    None => proptest::prop_assert!(f.get(field).is_none() && f.is_string_or_absent(field)),
                }
            }
            let unknown: alloc::vec::Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).filter(|k| Field::ALL.iter().all(|f| js_key(*f) != *k)).collect();
            proptest::prop_assert_eq!(f.unknown.iter().map(String::as_str).collect::<alloc::vec::Vec<_>>(), unknown);
        }
    }

    #[test]
    fn anything_but_the_wrappers_format_is_refused() {
        // Counts that run past the end, split a surrogate pair or are not digits; a missing "=" or "!".
        for bad in [
            "{}",
            "5:stage",
            "e",
            "e=9:HANGUP",
            "d=1:😀",
            "x:stage!",
            ":stage!",
            "e?",
            "e=",
            "j!",
            "9999999999:a!",
        ] {
            assert!(read(bad).is_none(), "{bad}");
        }
    }
}
