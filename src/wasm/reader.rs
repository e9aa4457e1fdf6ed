//! Reads the request the wrapper sends: ONE JSON object text (the wrapper
//! copies the own enumerable properties, puts `0` for every value that is
//! not a string, and `JSON.stringify`s that). A hand-written reader: a
//! serde deserializer from JavaScript would cost ~13 KB of wasm.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::convert::js_key;
use crate::fields::Field;

/// The fields of one request, by JS key.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    /// In [`Field::ALL`] order; borrowed from the request text unless the
    /// JSON string had escapes (no copy, no allocation for plain values).
    values: [Option<Cow<'a, str>>; Field::COUNT],
    /// Bit i: the field `Field::ALL[i]` held something other than a string or null.
    pub(crate) not_strings: u16,
    /// Keys that are not request fields (cut to 64 characters), in order.
    pub(crate) unknown: Vec<String>,
}

/// `field`'s place in [`Field::ALL`] (its discriminant: the test
/// `field_index_is_its_place_in_all` checks, as the core's request relies on it too).
fn index(field: Field) -> usize {
    field as usize
}

impl Fields<'_> {
    pub(crate) fn get(&self, field: Field) -> Option<&str> {
        self.values[index(field)].as_deref()
    }

    pub(crate) fn is_string_or_absent(&self, field: Field) -> bool {
        self.not_strings & (1 << index(field)) == 0
    }
}

struct Cursor<'a> {
    src: &'a str,
    s: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        while self.s.get(self.at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.s.get(self.at) == Some(&b)).then(|| self.at += 1)
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.at).copied()
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.s.get(self.at..self.at + 4)?;
        self.at += 4;
        digits.iter().try_fold(0u32, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
    }

    /// A string literal (the cursor on its `"`). `Ok(None)`: well-formed
    /// JSON but not a Unicode string (a lone surrogate).
    fn string(&mut self) -> Option<Option<Cow<'a, str>>> {
        self.eat(b'"')?;
        let start = self.at;
        // The common case: no escape before the closing quote.
        let run = self.s.get(start..)?.iter().position(|b| *b == b'"' || *b == b'\\')?;
        if self.s.get(start + run) == Some(&b'"') {
            self.at = start + run + 1;
            return Some(Some(Cow::Borrowed(self.src.get(start..start + run)?)));
        }
        let mut out = String::new();
        let mut lone = false;
        loop {
            // The plain run up to the next quote or backslash (ASCII: char boundaries).
            let run = self.s.get(self.at..)?.iter().position(|b| *b == b'"' || *b == b'\\')?;
            out.push_str(self.src.get(self.at..self.at + run)?);
            self.at += run;
            let b = *self.s.get(self.at)?;
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let e = *self.s.get(self.at)?;
                    self.at += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) && self.s.get(self.at..self.at + 2) == Some(b"\\u") {
                                self.at += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    lone = true;
                                    lo
                                }
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or_else(|| {
                                lone = true;
                                '\u{fffd}'
                            })
                        }
                        _ => return None,
                    };
                    out.push(c);
                }
                _ => {}
            }
        }
        Some((!lone).then_some(Cow::Owned(out)))
    }

    /// Skips any JSON value.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth -= 1,
                        _ => {}
                    }
                    self.at += 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
            }
            _ => {
                let start = self.at;
                while self.s.get(self.at).is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
                    self.at += 1;
                }
                (self.at > start).then_some(())
            }
        }
    }
}

/// Reads `{"agentUser":"1028",...}`. `None`: not a JSON object (a wrapper bug).
pub(crate) fn read(json: &str) -> Option<Fields<'_>> {
    let mut c = Cursor { src: json, s: json.as_bytes(), at: 0 };
    let mut fields = Fields::default();
    c.eat(b'{')?;
    if c.eat(b'}').is_none() {
        loop {
            let key = c.string()??;
            c.eat(b':')?;
            let field = Field::ALL.into_iter().find(|f| js_key(*f) == key);
            match (field, c.peek()?) {
                (Some(f), b'"') => match c.string()? {
                    Some(s) => fields.values[index(f)] = Some(s),
                    None => fields.not_strings |= 1 << index(f),
                },
                (Some(_), b'n') => c.skip()?,
                (Some(f), _) => {
                    fields.not_strings |= 1 << index(f);
                    c.skip()?;
                }
                (None, _) => {
                    fields.unknown.push(key.chars().take(64).collect());
                    c.skip()?;
                }
            }
            if c.eat(b',').is_none() {
                c.eat(b'}')?;
                break;
            }
        }
    }
    c.ws();
    (c.at == json.len()).then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_index_is_its_place_in_all() {
        for (i, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(index(f), i, "{f:?}");
        }
    }

    #[test]
    fn reads_strings_escapes_and_marks_the_rest() {
        let f = read(r#"{"agentUser":"10\"2\\8\u00e9\ud83d\ude00","callId":0,"ingroup":null,"x-y":{"a":[1,"}"]},"status":"\ud800"}"#).unwrap();
        assert_eq!(f.get(Field::AgentUser), Some("10\"2\\8é😀"));
        assert!(!f.is_string_or_absent(Field::CallId));
        assert_eq!(f.get(Field::Ingroup), None);
        assert!(f.is_string_or_absent(Field::Ingroup));
        assert!(!f.is_string_or_absent(Field::Status), "a lone surrogate is not a string");
        assert_eq!(f.unknown, ["x-y"]);
        assert!(read("{}").is_some_and(|f| f.unknown.is_empty()));
        for bad in ["", "[]", "{", r#"{"a":}"#, r#"{"a":"b"} x"#, r#"{"a":"\q"}"#, "{\"a\":1,}"] {
            assert!(read(bad).is_none(), "{bad}");
        }
    }
}
