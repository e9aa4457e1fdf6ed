//! Building `ra_call_control` requests for every stage.
//!
//! The server reads every parameter from the query first, then from an
//! `application/x-www-form-urlencoded` body, so one encoded string serves
//! as a GET query and as a POST body. POST keeps credentials out of URLs
//! (and so out of access logs, proxies and browser history).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::charset::CharSet;
use crate::fields::{check, Field, FieldError, FieldErrorKind};
use crate::stage::Stage;
use crate::version::Target;

/// The API function this crate speaks.
pub const FUNCTION: &str = "ra_call_control";

/// How the password appears in [`CallControlRequest::encode_masked`].
pub const MASK: &str = "********";

/// Unvalidated request fields, as they arrive from a form or another
/// language. `None` means "not given".
///
/// ```
/// use vicidial_xfer::{CallControlDraft, Field, Target};
/// let draft = CallControlDraft {
///     stage: Some("HANGUP"),
///     agent_user: Some("1028"),
///     call_id: Some("Y0315201639000402027"),
///     ingroup: Some("SALESLINE"),
///     ..CallControlDraft::default()
/// };
/// let problems = draft.problems(Target::AnyVersion);
/// assert_eq!(problems[0].field, Field::Ingroup);
/// assert_eq!(problems[0].code(), "NOT_USED_BY_STAGE");
/// assert_eq!(problems[0].message(), "In-group is not used by HANGUP (the server ignores it): leave it out");
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct CallControlDraft<'a> {
    /// `stage` (required): `INGROUPTRANSFER`, `EXTENSIONTRANSFER` or `HANGUP`.
    pub stage: Option<&'a str>,
    /// `source`.
    pub source: Option<&'a str>,
    /// `user`.
    pub user: Option<&'a str>,
    /// `pass`.
    pub pass: Option<&'a str>,
    /// `agent_user` (required).
    pub agent_user: Option<&'a str>,
    /// `value`, the call ID (required).
    pub call_id: Option<&'a str>,
    /// `ingroup_choices` (INGROUPTRANSFER).
    pub ingroup: Option<&'a str>,
    /// `phone_number` (EXTENSIONTRANSFER).
    pub phone_number: Option<&'a str>,
    /// `status`.
    pub status: Option<&'a str>,
}

impl fmt::Debug for CallControlDraft<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("CallControlDraft");
        for &field in &Field::ALL {
            let v = self.get(field);
            d.field(field.param(), &if field == Field::Pass { v.map(|_| crate::redact::REDACTED) } else { v });
        }
        d.finish()
    }
}

impl<'a> CallControlDraft<'a> {
    /// A draft with every field taken from `get`.
    pub fn from_fn(mut get: impl FnMut(Field) -> Option<&'a str>) -> Self {
        let mut d = CallControlDraft::default();
        for field in Field::ALL {
            *d.slot(field) = get(field);
        }
        d
    }

    pub(crate) fn slot(&mut self, field: Field) -> &mut Option<&'a str> {
        match field {
            Field::Stage => &mut self.stage,
            Field::Source => &mut self.source,
            Field::User => &mut self.user,
            Field::Pass => &mut self.pass,
            Field::AgentUser => &mut self.agent_user,
            Field::CallId => &mut self.call_id,
            Field::Ingroup => &mut self.ingroup,
            Field::PhoneNumber => &mut self.phone_number,
            Field::Status => &mut self.status,
        }
    }

    /// The value given for `field`.
    pub fn get(&self, field: Field) -> Option<&'a str> {
        match field {
            Field::Stage => self.stage,
            Field::Source => self.source,
            Field::User => self.user,
            Field::Pass => self.pass,
            Field::AgentUser => self.agent_user,
            Field::CallId => self.call_id,
            Field::Ingroup => self.ingroup,
            Field::PhoneNumber => self.phone_number,
            Field::Status => self.status,
        }
    }

    /// The stage, when it is one of the three.
    pub fn stage(&self) -> Option<Stage> {
        self.stage.and_then(Stage::from_wire)
    }

    /// Every problem with the draft for `target`, in field order (empty
    /// when valid).
    ///
    /// Without a valid stage, the other fields are still checked for
    /// their characters and lengths, but not for being required or unused.
    pub fn problems(&self, target: Target) -> Vec<FieldError> {
        let stage = self.stage();
        let credentials = self.user.is_some() || self.pass.is_some();
        let mut out = Vec::new();
        for &field in &Field::ALL {
            let problem = match (self.get(field), stage) {
                (Some(_), Some(s)) if s.ignores(field) => {
                    let mut e = FieldError::new(field, FieldErrorKind::NotUsedByStage);
                    e.stage = Some(s);
                    Some(e)
                }
                (Some(v), _) => check(field, v, target).err(),
                (None, _) if field == Field::Stage => Some(FieldError::new(field, FieldErrorKind::Missing)),
                (None, Some(s)) if s.requires(field) => {
                    let mut e = FieldError::new(field, FieldErrorKind::Missing);
                    e.stage = Some(s);
                    Some(e)
                }
                // The server needs all three credentials together.
                (None, _) if credentials && matches!(field, Field::Source | Field::User | Field::Pass) => {
                    Some(FieldError::new(field, FieldErrorKind::Missing))
                }
                (None, _) => None,
            };
            out.extend(problem);
        }
        out
    }

    /// Validates every field for `target`; on failure returns all problems
    /// at once.
    pub fn validate(&self, target: Target) -> Result<CallControlRequest, Vec<FieldError>> {
        let problems = self.problems(target);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(CallControlRequest {
            stage: self.stage().unwrap_or(Stage::IngroupTransfer),
            values: Field::ALL.map(|f| if f == Field::Stage { None } else { self.get(f).map(String::from) }),
        })
    }

    /// The request [`validate`](Self::validate) would give, encoded,
    /// without copying a value: for the wasm binding, which calls it only
    /// after [`problems`](Self::problems) came back empty (then `stage()`
    /// is one of the three). The test
    /// `a_valid_draft_encodes_as_its_validated_request` pins it to
    /// `validate(..).encode()`.
    #[cfg(any(feature = "wasm", test))]
    pub(crate) fn encode_valid(&self) -> Encoded {
        encode_values(self.stage().unwrap_or(Stage::IngroupTransfer), &Field::ALL.map(|f| self.get(f)))
    }
}

/// A validated `ra_call_control` request. Only validation makes one.
///
/// Credentials (`source`, `user`, `pass`) are optional: a proxy that holds
/// them may add them (all three together).
///
/// ```
/// use vicidial_xfer::{CallControlDraft, Target};
/// let req = CallControlDraft {
///     stage: Some("EXTENSIONTRANSFER"),
///     agent_user: Some("1028"),
///     call_id: Some("Y0315201639000402027"),
///     phone_number: Some("7275559999"),
///     ..CallControlDraft::default()
/// }
/// .validate(Target::AnyVersion)
/// .unwrap();
/// assert_eq!(
///     req.encode(),
///     "agent_user=1028&function=ra_call_control&stage=EXTENSIONTRANSFER\
///      &value=Y0315201639000402027&phone_number=7275559999"
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CallControlRequest {
    stage: Stage,
    /// Indexed by `Field as usize`; the stage slot stays `None`.
    values: [Option<String>; Field::COUNT],
}

impl fmt::Debug for CallControlRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("CallControlRequest");
        d.field("stage", &self.stage);
        for field in Field::ALL.into_iter().filter(|f| *f != Field::Stage) {
            let v = self.values[field as usize].as_deref();
            d.field(field.param(), &if field == Field::Pass { v.map(|_| crate::redact::REDACTED) } else { v });
        }
        d.finish()
    }
}

impl CallControlRequest {
    /// The stage.
    pub const fn stage(&self) -> Stage {
        self.stage
    }

    /// The value of `field` exactly as it will be sent (the stage's wire
    /// word for [`Field::Stage`]; `None` for the password: use
    /// [`expose_password`](Self::expose_password)).
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::Stage => Some(self.stage.wire()),
            Field::Pass => None,
            f => self.values[f as usize].as_deref(),
        }
    }

    /// The password itself, for building the request. The only way out.
    pub fn expose_password(&self) -> Option<&str> {
        self.values[Field::Pass as usize].as_deref()
    }

    /// The call ID.
    pub fn call_id(&self) -> &str {
        self.values[Field::CallId as usize].as_deref().unwrap_or("")
    }

    /// What the action moves the call to: the in-group, the phone number,
    /// or `None` for HANGUP.
    pub fn target(&self) -> Option<&str> {
        match self.stage {
            Stage::IngroupTransfer => self.get(Field::Ingroup),
            Stage::ExtensionTransfer => self.get(Field::PhoneNumber),
            Stage::Hangup => None,
        }
    }

    /// Whether the request carries credentials.
    pub fn has_credentials(&self) -> bool {
        [Field::Source, Field::User, Field::Pass].iter().any(|f| self.values[*f as usize].is_some())
    }

    /// This request with the credentials a proxy holds (validated like
    /// every field; `Err` names the bad one).
    pub fn with_credentials(&self, source: &str, user: &str, pass: &str, target: Target) -> Result<Self, FieldError> {
        let mut out = self.clone();
        for (field, value) in [(Field::Source, source), (Field::User, user), (Field::Pass, pass)] {
            check(field, value, target)?;
            out.values[field as usize] = Some(String::from(value));
        }
        Ok(out)
    }

    /// The request as `application/x-www-form-urlencoded`, usable as a GET
    /// query (after `?`) or a POST body. Parameter order is fixed: `source,
    /// user, pass, agent_user, function, stage, value, ingroup_choices,
    /// phone_number, status`; absent parameters are left out; a `+` is sent
    /// as `%2B` (a raw `+` decodes to a space, which the server deletes).
    pub fn encode(&self) -> String {
        String::from(self.encoded().body())
    }

    /// The same encoding with the password replaced by [`MASK`], for
    /// previews and logs.
    pub fn encode_masked(&self) -> String {
        self.encoded().masked()
    }

    fn encoded(&self) -> Encoded {
        encode_values(self.stage, &self.values.each_ref().map(Option::as_deref))
    }
}

/// An encoded request and where its password's value lies in it: the
/// masked preview is the same text with that range replaced, so one
/// encoding serves both.
pub(crate) struct Encoded {
    /// Every parameter after a `&`, the first one too: [`body`](Self::body) is the rest.
    text: String,
    pass: Option<core::ops::Range<usize>>,
}

impl Encoded {
    /// The encoded request.
    pub(crate) fn body(&self) -> &str {
        self.text.get(1..).unwrap_or("")
    }

    /// Where the password's value lies in [`body`](Self::body).
    #[cfg(any(feature = "wasm", test))]
    pub(crate) fn pass_in_body(&self) -> Option<(usize, usize)> {
        self.pass.as_ref().map(|p| (p.start - 1, p.end - 1))
    }

    /// The body with the password's value replaced by [`MASK`].
    fn masked(&self) -> String {
        match &self.pass {
            Some(p) => [self.text.get(1..p.start).unwrap_or(""), MASK, self.text.get(p.end..).unwrap_or("")].concat(),
            None => String::from(self.body()),
        }
    }
}

/// `values` (indexed by `Field as usize`; the stage slot is not read: the
/// stage's wire word is sent) as [`CallControlRequest::encode`] writes them.
fn encode_values(stage: Stage, values: &[Option<&str>; Field::COUNT]) -> Encoded {
    let mut text = String::with_capacity(160);
    let mut pass = None;
    for &field in &Field::ALL {
        let value = match field {
            Field::Stage => {
                put(&mut text, "&function=", FUNCTION);
                Some(stage.wire())
            }
            f => values[f as usize],
        };
        if let Some(v) = value {
            let before = text.len();
            put(&mut text, AMP_PARAMS[field as usize], v);
            if field == Field::Pass {
                pass = Some(before + "&pass=".len()..text.len());
            }
        }
    }
    Encoded { text, pass }
}

/// `&` + [`Field::param`] + `=` for each field, by `Field as usize`: one
/// append per parameter name, not three (at opt-level "z" each is a
/// call). The test `amp_params_are_the_params` checks the words.
const AMP_PARAMS: [&str; Field::COUNT] =
    ["&source=", "&user=", "&pass=", "&agent_user=", "&stage=", "&value=", "&ingroup_choices=", "&phone_number=", "&status="];

/// Appends `amp_key` (`&name=`) and `value`, encoded.
// `push_str`, not `push(char)`: at opt-level "z" the latter calls the UTF-8 encoder.
#[allow(clippy::single_char_add_str)]
fn put(out: &mut String, amp_key: &str, value: &str) {
    out.push_str(amp_key);
    // application/x-www-form-urlencoded as form_urlencoded::byte_serialize
    // writes it (the test `put_encodes_as_form_urlencoded` compares every
    // byte): A-Z a-z 0-9 - _ . * as they are, space as +, every other byte
    // %XX. By hand: the crate's 768-byte table of "%00".."%FF" cost the wasm
    // module 0.4 KB gzip.
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // Validated values are mostly letters and digits: copied at once.
    if CharSet::FORM_PLAIN.first_outside(value.as_bytes()).is_none() {
        out.push_str(value);
        return;
    }
    for b in value.bytes() {
        if CharSet::FORM_PLAIN.contains(b) {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push_str("+");
        } else {
            out.push_str("%");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Serializes with camelCase keys; the password as `[REDACTED]`: serde
/// output is for display and logs, the wire form is
/// [`CallControlRequest::encode`].
#[cfg(feature = "serde")]
impl serde::Serialize for CallControlRequest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for field in Field::ALL {
            let value = if field == Field::Pass { self.expose_password().map(|_| crate::redact::REDACTED) } else { self.get(field) };
            if let Some(v) = value {
                map.serialize_entry(&field, v)?;
            }
        }
        map.end()
    }
}

/// Deserializes the camelCase form (`stage`, `agentUser`, `callId`,
/// `ingroup`, `phoneNumber`, ...), validated with the rules every version
/// shares; the error is the first problem's message.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for CallControlRequest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Owned {
            stage: Option<String>,
            source: Option<String>,
            user: Option<String>,
            pass: Option<String>,
            agent_user: Option<String>,
            call_id: Option<String>,
            ingroup: Option<String>,
            phone_number: Option<String>,
            status: Option<String>,
        }
        let o = Owned::deserialize(d)?;
        let draft = CallControlDraft {
            stage: o.stage.as_deref(),
            source: o.source.as_deref(),
            user: o.user.as_deref(),
            pass: o.pass.as_deref(),
            agent_user: o.agent_user.as_deref(),
            call_id: o.call_id.as_deref(),
            ingroup: o.ingroup.as_deref(),
            phone_number: o.phone_number.as_deref(),
            status: o.status.as_deref(),
        };
        draft.validate(Target::AnyVersion).map_err(|problems| {
            let first = problems.first().map(FieldError::message).unwrap_or_default();
            serde::de::Error::custom(first)
        })
    }
}

/// An INGROUPTRANSFER draft: [`CallControlDraft`] without `stage` and
/// `phone_number`.
///
/// ```
/// use vicidial_xfer::TransferDraft;
/// let req = TransferDraft {
///     agent_user: Some("1028"),
///     call_id: Some("Y0315201639000402027"),
///     ingroup: Some("SALESLINE"),
///     ..TransferDraft::default()
/// }
/// .validate()
/// .unwrap();
/// assert_eq!(
///     req.encode(),
///     "agent_user=1028&function=ra_call_control&stage=INGROUPTRANSFER\
///      &value=Y0315201639000402027&ingroup_choices=SALESLINE"
/// );
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferDraft<'a> {
    /// `source`.
    pub source: Option<&'a str>,
    /// `user`.
    pub user: Option<&'a str>,
    /// `pass`.
    pub pass: Option<&'a str>,
    /// `agent_user` (required).
    pub agent_user: Option<&'a str>,
    /// `value`, the call ID (required).
    pub call_id: Option<&'a str>,
    /// `ingroup_choices` (required).
    pub ingroup: Option<&'a str>,
    /// `status`.
    pub status: Option<&'a str>,
}

impl fmt::Debug for TransferDraft<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.call_control(), f)
    }
}

impl<'a> TransferDraft<'a> {
    /// The same draft as a [`CallControlDraft`] with stage INGROUPTRANSFER.
    pub fn call_control(&self) -> CallControlDraft<'a> {
        CallControlDraft {
            stage: Some(Stage::IngroupTransfer.wire()),
            source: self.source,
            user: self.user,
            pass: self.pass,
            agent_user: self.agent_user,
            call_id: self.call_id,
            ingroup: self.ingroup,
            phone_number: None,
            status: self.status,
        }
    }

    /// Validates with the rules every supported version shares.
    pub fn validate(&self) -> Result<CallControlRequest, Vec<FieldError>> {
        self.call_control().validate(Target::AnyVersion)
    }

    /// Validates for `target`.
    pub fn validate_for(&self, target: Target) -> Result<CallControlRequest, Vec<FieldError>> {
        self.call_control().validate(target)
    }
}

/// The old name of a validated INGROUPTRANSFER request.
pub type TransferRequest = CallControlRequest;

#[cfg(test)]
mod put_tests {
    use super::put;
    use alloc::string::String;

    #[test]
    fn put_encodes_as_form_urlencoded() {
        let every_byte: alloc::vec::Vec<u8> = (0..=255u8).collect();
        let mut values: alloc::vec::Vec<String> = (0..=127u8).map(|b| String::from(char::from(b))).collect();
        values.extend(["", "SALESLINE", "a b+c&d=e%f", "é€😀", "Y0315201639000402027", "-_.*~!'()"].map(String::from));
        values.push(String::from_utf8_lossy(&every_byte).into_owned());
        for value in values {
            let mut out = String::from("k=v");
            put(&mut out, "&key=", &value);
            let want: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            assert_eq!(out, alloc::format!("k=v&key={want}"), "{value:?}");
        }
    }

    #[test]
    fn amp_params_are_the_params() {
        for field in crate::Field::ALL {
            assert_eq!(super::AMP_PARAMS[field as usize], alloc::format!("&{}=", field.param()));
        }
    }
}

#[cfg(test)]
mod encode_tests {
    use super::*;

    #[test]
    fn a_valid_draft_encodes_as_its_validated_request() {
        let mut valid = 0;
        for stage in ["INGROUPTRANSFER", "EXTENSIONTRANSFER", "HANGUP"] {
            for credentials in [None, Some(("crm", "6666", "12+34/=.x")), Some(("crm", "6666", "1234"))] {
                for agent_user in ["1028", "ra_1028"] {
                    for call_id in ["Y0315201639000402027", "Y1|x"] {
                        for status in [None, Some("SALE"), Some("A b")] {
                            for target in [Target::AnyVersion, Target::Version(crate::ServerVersion::NEWEST)] {
                                let draft = CallControlDraft {
                                    stage: Some(stage),
                                    source: credentials.map(|c| c.0),
                                    user: credentials.map(|c| c.1),
                                    pass: credentials.map(|c| c.2),
                                    agent_user: Some(agent_user),
                                    call_id: Some(call_id),
                                    ingroup: (stage == "INGROUPTRANSFER").then_some("SALESLINE"),
                                    phone_number: (stage == "EXTENSIONTRANSFER").then_some("*72#AGENT1028"),
                                    status,
                                };
                                if let Ok(req) = draft.validate(target) {
                                    valid += 1;
                                    let e = draft.encode_valid();
                                    assert_eq!(e.body(), req.encode(), "{draft:?}");
                                    assert_eq!(e.masked(), req.encode_masked(), "{draft:?}");
                                    // The range holds exactly the encoded password, after `pass=`.
                                    let range = e.pass_in_body().map(|(start, end)| (&e.body()[..start], &e.body()[start..end]));
                                    let want = draft.pass.map(|p| form_urlencoded::byte_serialize(p.as_bytes()).collect::<String>());
                                    assert_eq!(range.map(|(_, pass)| String::from(pass)), want, "{draft:?}");
                                    assert!(range.is_none_or(|(before, _)| before.ends_with("pass=")));
                                }
                            }
                        }
                    }
                }
            }
        }
        // Every stage, with and without credentials, on both targets.
        assert!(valid >= 30, "only {valid} valid drafts");
    }

    #[test]
    fn the_preview_masks_the_password_and_nothing_else() {
        let draft = CallControlDraft { stage: Some("HANGUP"), agent_user: Some("1028"), call_id: Some("Y1"), ..Default::default() };
        let req = draft.validate(Target::AnyVersion).unwrap();
        assert_eq!(req.encode_masked(), req.encode());
        let with = req.with_credentials("crm", "6666", "pa+ss", Target::Version(crate::ServerVersion::NEWEST)).unwrap();
        assert_eq!(with.encode(), "source=crm&user=6666&pass=pa%2Bss&agent_user=1028&function=ra_call_control&stage=HANGUP&value=Y1");
        assert_eq!(with.encode_masked(), "source=crm&user=6666&pass=********&agent_user=1028&function=ra_call_control&stage=HANGUP&value=Y1");
    }
}
