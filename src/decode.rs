//! Decoding a query string or form body back into a [`CallControlRequest`].
//!
//! A proxy uses this to learn exactly what a client asked for before it
//! adds credentials and forwards. It is stricter than the server on
//! purpose: where PHP would quietly keep the last of two duplicates, drop
//! a malformed `%` escape or delete a character, the decoder refuses.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::fields::{Field, FieldError, FieldErrorKind};
use crate::request::{CallControlDraft, CallControlRequest, FUNCTION};
use crate::stage::Stage;
use crate::text;
use crate::version::Target;

/// The largest input the decoder reads, in bytes. A valid request with a
/// 100-character password encodes to well under 1 KiB.
pub const MAX_INPUT: usize = 4096;

/// The longest unknown parameter name kept in an error.
const MAX_NAME: usize = 40;

/// The parameter a decode error is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// One of the request fields.
    Field(Field),
    /// `function`.
    Function,
    /// A parameter `ra_call_control` does not take (name cut to 40 bytes).
    Other(String),
    /// The input as a whole.
    Input,
}

impl Param {
    /// The wire name: the field's parameter (`agent_user`), `function`,
    /// the unknown parameter's name, or `input`.
    pub fn name(&self) -> &str {
        match self {
            Param::Field(f) => f.param(),
            Param::Function => "function",
            Param::Other(name) => name,
            Param::Input => "input",
        }
    }
}

/// What is wrong with the encoded input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// A field's value breaks its rule.
    Field(FieldError),
    /// A required parameter is absent.
    Missing,
    /// The parameter appears twice (the server would silently keep the
    /// last one).
    Duplicate,
    /// A parameter `ra_call_control` does not take.
    UnknownParameter,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// `function` is not `ra_call_control`.
    UnsupportedFunction,
    /// A stage the caller does not accept here ([`decode_transfer`]: not
    /// INGROUPTRANSFER).
    UnsupportedStage,
    /// The input is longer than [`MAX_INPUT`].
    TooLarge,
}

impl DecodeErrorKind {
    /// The stable machine code.
    pub const fn code(self) -> &'static str {
        match self {
            DecodeErrorKind::Field(e) => e.code(),
            DecodeErrorKind::Missing => "MISSING",
            DecodeErrorKind::Duplicate => "DUPLICATE_PARAMETER",
            DecodeErrorKind::UnknownParameter => "UNKNOWN_PARAMETER",
            DecodeErrorKind::BadEncoding => "BAD_ENCODING",
            DecodeErrorKind::UnsupportedFunction => "UNSUPPORTED_FUNCTION",
            DecodeErrorKind::UnsupportedStage => "UNSUPPORTED_STAGE",
            DecodeErrorKind::TooLarge => "TOO_LARGE",
        }
    }
}

/// One problem found while decoding.
///
/// ```
/// use vicidial_xfer::decode_transfer;
/// let errs = decode_transfer("function=ra_call_control&stage=HANGUP&agent_user=1028&value=Y1").unwrap_err();
/// assert_eq!(errs[0].param.name(), "stage");
/// assert_eq!(errs[0].code(), "UNSUPPORTED_STAGE");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Which parameter.
    pub param: Param,
    /// What is wrong.
    pub kind: DecodeErrorKind,
}

impl DecodeError {
    /// The stable machine code.
    pub const fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// A human-readable sentence naming the parameter.
    pub fn message(&self) -> String {
        let fixed = match (&self.param, self.kind) {
            (_, DecodeErrorKind::Field(e)) => return e.message(),
            (Param::Field(f), DecodeErrorKind::Missing) => return FieldError::new(*f, FieldErrorKind::Missing).message(),
            (Param::Function, DecodeErrorKind::Missing) => "function is required",
            (_, DecodeErrorKind::Missing) => "parameter is required",
            (_, DecodeErrorKind::Duplicate) => " appears more than once (the server would silently use the last)",
            (_, DecodeErrorKind::UnknownParameter) => " is not a parameter of ra_call_control",
            (_, DecodeErrorKind::BadEncoding) => " is not valid percent-encoded UTF-8",
            (_, DecodeErrorKind::UnsupportedFunction) => "function must be ra_call_control",
            (_, DecodeErrorKind::UnsupportedStage) => "Stage must be INGROUPTRANSFER here",
            (_, DecodeErrorKind::TooLarge) => "request is larger than 4096 bytes",
        };
        let mut m = String::new();
        if fixed.starts_with(' ') {
            match &self.param {
                Param::Field(f) => m.push_str(f.label()),
                p => m.push_str(p.name()),
            }
        }
        m.push_str(fixed);
        m
    }
}

/// The same shape as [`FieldError`]'s: `{ field, code, message, position? }`,
/// `field` being the field's camelCase name or the parameter as sent.
#[cfg(feature = "serde")]
impl serde::Serialize for DecodeError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if let DecodeErrorKind::Field(e) = self.kind {
            return e.serialize(s);
        }
        let mut map = s.serialize_map(None)?;
        match &self.param {
            Param::Field(f) => map.serialize_entry("field", f)?,
            p => map.serialize_entry("field", p.name())?,
        }
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("message", &self.message())?;
        map.end()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DecodeError {}

/// Decodes `input` (a query string, with or without a leading `?`, or a
/// form body) into a request validated for `target`, or every problem
/// found.
///
/// Empty segments (`a=1&&b=2`, a trailing `&`) are skipped as PHP does; a
/// segment without `=` is a parameter with an empty value.
///
/// ```
/// use vicidial_xfer::{decode_call_control, Field, Stage, Target};
/// let req = decode_call_control(
///     "agent_user=1028&function=ra_call_control&stage=HANGUP&value=Y0315201639000402027",
///     Target::AnyVersion,
/// )
/// .unwrap();
/// assert_eq!(req.stage(), Stage::Hangup);
/// assert_eq!(req.get(Field::AgentUser), Some("1028"));
/// ```
pub fn decode_call_control(input: &str, target: Target) -> Result<CallControlRequest, Vec<DecodeError>> {
    decode_for(input, target, None)
}

/// Decodes an INGROUPTRANSFER request (the rules every version shares);
/// any other stage is [`DecodeErrorKind::UnsupportedStage`].
///
/// ```
/// use vicidial_xfer::decode_transfer;
/// let req = decode_transfer(
///     "agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER\
///      &value=Y0315201639000402027&ingroup_choices=SALESLINE&pass=a-b&user=6666&source=crm",
/// )
/// .unwrap();
/// assert_eq!(req.expose_password(), Some("a-b"));
/// ```
pub fn decode_transfer(input: &str) -> Result<CallControlRequest, Vec<DecodeError>> {
    decode_for(input, Target::AnyVersion, Some(Stage::IngroupTransfer))
}

/// The decoder; with `only`, a stage other than that one is refused as
/// [`DecodeErrorKind::UnsupportedStage`] and the fields are checked for it.
fn decode_for(input: &str, target: Target, only: Option<Stage>) -> Result<CallControlRequest, Vec<DecodeError>> {
    if input.len() > MAX_INPUT {
        return Err(alloc::vec![DecodeError { param: Param::Input, kind: DecodeErrorKind::TooLarge }]);
    }
    let input = input.strip_prefix('?').unwrap_or(input);
    let mut errors = Vec::new();
    // Slots: the fields (by `Field as usize`), then `function`.
    const FUNCTION_SLOT: usize = Field::COUNT;
    let mut values: [Option<String>; Field::COUNT + 1] = Default::default();
    let mut seen = [false; Field::COUNT + 1];
    let mut duplicated = [false; Field::COUNT + 1];
    for segment in text::split(input, b'&').filter(|s| !s.is_empty()) {
        let (raw_key, raw_value) = text::split_once(segment, b'=').unwrap_or((segment, ""));
        let key = match decode_component(raw_key) {
            Some(k) => k,
            None => {
                errors.push(DecodeError { param: Param::Other(cut(raw_key)), kind: DecodeErrorKind::BadEncoding });
                continue;
            }
        };
        let (slot, param) = match key.as_str() {
            "function" => (FUNCTION_SLOT, Param::Function),
            other => match Field::from_param(other) {
                Some(f) => (f as usize, Param::Field(f)),
                None => {
                    errors.push(DecodeError { param: Param::Other(cut(&key)), kind: DecodeErrorKind::UnknownParameter });
                    continue;
                }
            },
        };
        if seen[slot] {
            if !duplicated[slot] {
                duplicated[slot] = true;
                errors.push(DecodeError { param, kind: DecodeErrorKind::Duplicate });
            }
            values[slot] = None;
            continue;
        }
        seen[slot] = true;
        match decode_component(raw_value) {
            Some(v) => values[slot] = Some(v),
            None => errors.push(DecodeError { param, kind: DecodeErrorKind::BadEncoding }),
        }
    }
    match &values[FUNCTION_SLOT] {
        Some(v) if v == FUNCTION => {}
        Some(_) => errors.push(DecodeError { param: Param::Function, kind: DecodeErrorKind::UnsupportedFunction }),
        None if !seen[FUNCTION_SLOT] => errors.push(DecodeError { param: Param::Function, kind: DecodeErrorKind::Missing }),
        None => {}
    }
    if let Some(stage) = only {
        let slot = Field::Stage as usize;
        if seen[slot] && values[slot].as_deref() != Some(stage.wire()) && !duplicated[slot] {
            errors.push(DecodeError { param: Param::Field(Field::Stage), kind: DecodeErrorKind::UnsupportedStage });
            values[slot] = Some(String::from(stage.wire()));
        }
    }
    let draft = CallControlDraft::from_fn(|f| values[f as usize].as_deref());
    match draft.validate(target) {
        Ok(request) if errors.is_empty() => Ok(request),
        Ok(_) => Err(errors),
        Err(problems) => {
            for problem in problems {
                // A field already reported (duplicate, bad encoding) is not also missing.
                if problem.kind == FieldErrorKind::Missing && seen[problem.field as usize] {
                    continue;
                }
                let kind = match problem.kind {
                    FieldErrorKind::Missing => DecodeErrorKind::Missing,
                    _ => DecodeErrorKind::Field(problem),
                };
                errors.push(DecodeError { param: Param::Field(problem.field), kind });
            }
            Err(errors)
        }
    }
}

/// Percent-decodes one form component strictly: `+` is a space, every `%`
/// must start a two-digit hex escape, and the result must be UTF-8.
fn decode_component(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let ok = bytes.len() > i + 2 && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit();
            if !ok {
                return None;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return Some(String::from(raw));
    }
    let plus_free;
    let raw = if text::find_byte(raw, b'+').is_some() {
        plus_free = raw.replace('+', " ");
        plus_free.as_str()
    } else {
        raw
    };
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(raw).collect();
    String::from_utf8(decoded).ok()
}

fn cut(name: &str) -> String {
    String::from(crate::text::cut(name, MAX_NAME))
}
