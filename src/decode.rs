//! Decoding a query string or form body back into a [`TransferRequest`].
//!
//! A proxy uses this to learn exactly what a client asked for before it
//! adds credentials and forwards. It is stricter than the server on
//! purpose: where PHP would quietly keep the last of two duplicates, drop
//! a malformed `%` escape or delete a character, the decoder refuses.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::fields::{Field, FieldError, FieldErrorKind};
use crate::request::{TransferDraft, TransferRequest, FUNCTION, STAGE};

/// The largest input the decoder reads, in bytes. A valid request with a
/// 100-character password encodes to well under 1 KiB.
pub const MAX_INPUT: usize = 4096;

/// The longest unknown parameter name kept in an error.
const MAX_NAME: usize = 40;

/// The parameter a decode error is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Param {
    /// One of the request fields.
    Field(Field),
    /// `function`.
    Function,
    /// `stage`.
    Stage,
    /// A parameter this request does not have (name cut to 40 bytes).
    Other(String),
    /// The input as a whole.
    Input,
}

impl Param {
    /// The key used in error reports: the field's project-wide name,
    /// `function`, `stage`, the unknown parameter's name, or `input`.
    pub fn name(&self) -> &str {
        match self {
            Param::Field(f) => f.name(),
            Param::Function => "function",
            Param::Stage => "stage",
            Param::Other(name) => name,
            Param::Input => "input",
        }
    }
}

/// What is wrong with the encoded input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum DecodeErrorKind {
    /// A field's value breaks its rule.
    Field(FieldErrorKind),
    /// A required parameter is absent.
    Missing,
    /// The parameter appears twice (the server would silently keep the
    /// last one).
    Duplicate,
    /// A parameter INGROUPTRANSFER does not take.
    UnknownParameter,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// `function` is not `ra_call_control`.
    UnsupportedFunction,
    /// `stage` is not `INGROUPTRANSFER`.
    UnsupportedStage,
    /// The input is longer than [`MAX_INPUT`].
    TooLarge,
}

impl DecodeErrorKind {
    /// The stable machine code.
    pub const fn code(self) -> &'static str {
        match self {
            DecodeErrorKind::Field(k) => k.code(),
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
/// let errs = decode_transfer("function=ra_call_control&stage=HANGUP").unwrap_err();
/// assert_eq!(errs[0].param.name(), "stage");
/// assert_eq!(errs[0].code(), "UNSUPPORTED_STAGE");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
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

    /// A fixed, human-readable sentence.
    pub fn message(&self) -> &'static str {
        match (&self.param, self.kind) {
            (Param::Field(f), DecodeErrorKind::Field(kind)) => FieldError::new(*f, kind).message(),
            (Param::Field(f), DecodeErrorKind::Missing) => FieldError::new(*f, FieldErrorKind::Missing).message(),
            (Param::Function, DecodeErrorKind::Missing) => "function is required",
            (Param::Stage, DecodeErrorKind::Missing) => "stage is required",
            (_, DecodeErrorKind::Missing) => "parameter is required",
            (_, DecodeErrorKind::Duplicate) => "parameter appears more than once (the server would silently use the last)",
            (_, DecodeErrorKind::UnknownParameter) => "parameter is not part of an INGROUPTRANSFER request",
            (_, DecodeErrorKind::BadEncoding) => "parameter is not valid percent-encoded UTF-8",
            (_, DecodeErrorKind::UnsupportedFunction) => "function must be ra_call_control",
            (_, DecodeErrorKind::UnsupportedStage) => "stage must be INGROUPTRANSFER",
            (_, DecodeErrorKind::TooLarge) => "request is larger than 4096 bytes",
            (_, DecodeErrorKind::Field(_)) => "value is not valid",
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.param.name())?;
        f.write_str(": ")?;
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DecodeError {}

/// Decodes `input` (a query string, with or without a leading `?`, or a
/// form body) into a validated request, or every problem found.
///
/// Empty segments (`a=1&&b=2`, a trailing `&`) are skipped as PHP does; a
/// segment without `=` is a parameter with an empty value.
///
/// ```
/// use vicidial_xfer::decode_transfer;
/// let req = decode_transfer(
///     "agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER\
///      &value=Y0315201639000402027&ingroup_choices=SALESLINE&pass=a%2Bb&user=6666",
/// )
/// .unwrap();
/// assert_eq!(req.pass.unwrap().expose(), "a+b");
/// ```
pub fn decode_transfer(input: &str) -> Result<TransferRequest, Vec<DecodeError>> {
    if input.len() > MAX_INPUT {
        return Err(alloc::vec![DecodeError { param: Param::Input, kind: DecodeErrorKind::TooLarge }]);
    }
    let input = input.strip_prefix('?').unwrap_or(input);
    let mut errors = Vec::new();
    // Slots: the seven fields, then function and stage.
    let mut values: [Option<String>; 9] = Default::default();
    let mut seen = [false; 9];
    let mut duplicated = [false; 9];
    for segment in input.split('&').filter(|s| !s.is_empty()) {
        let (raw_key, raw_value) = segment.split_once('=').unwrap_or((segment, ""));
        let key = match decode_component(raw_key) {
            Some(k) => k,
            None => {
                errors.push(DecodeError { param: Param::Other(cut(raw_key)), kind: DecodeErrorKind::BadEncoding });
                continue;
            }
        };
        let (slot, param) = match key.as_str() {
            "function" => (7, Param::Function),
            "stage" => (8, Param::Stage),
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
    for (slot, param, expected, wrong) in [
        (7, Param::Function, FUNCTION, DecodeErrorKind::UnsupportedFunction),
        (8, Param::Stage, STAGE, DecodeErrorKind::UnsupportedStage),
    ] {
        match &values[slot] {
            Some(v) if v == expected => {}
            Some(_) => errors.push(DecodeError { param, kind: wrong }),
            None if !seen[slot] => errors.push(DecodeError { param, kind: DecodeErrorKind::Missing }),
            None => {}
        }
    }
    let draft = TransferDraft {
        source: values[Field::Source as usize].as_deref(),
        user: values[Field::User as usize].as_deref(),
        pass: values[Field::Pass as usize].as_deref(),
        agent_user: values[Field::AgentUser as usize].as_deref(),
        call_id: values[Field::CallId as usize].as_deref(),
        ingroup: values[Field::Ingroup as usize].as_deref(),
        status: values[Field::Status as usize].as_deref(),
    };
    for problem in draft.problems() {
        // A field already reported (duplicate, bad encoding) is not also missing.
        let slot = problem.field as usize;
        if problem.kind == FieldErrorKind::Missing && seen[slot] {
            continue;
        }
        let kind = match problem.kind {
            FieldErrorKind::Missing => DecodeErrorKind::Missing,
            k => DecodeErrorKind::Field(k),
        };
        errors.push(DecodeError { param: Param::Field(problem.field), kind });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(draft.checked())
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
    let raw = if raw.contains('+') {
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
