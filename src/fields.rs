//! Validated request fields.
//!
//! VICIdial's `agc/api.php` never rejects a value it dislikes: it DELETES
//! every character outside a per-parameter allowed set and carries on with
//! what is left (`SALES.LINE` becomes `SALESLINE`, status `A.B` is stored as
//! `AB`, `TOOLONGX` is truncated to `TOOLON` by its VARCHAR(6) column). Each
//! type here therefore accepts exactly the values the server acts on as
//! sent, and rejects everything else with a [`FieldError`] naming the field.
//! Case is always preserved: the server matches users, call IDs and in-groups
//! case-insensitively but builds dial strings from the text it was given.

use alloc::string::String;
use core::fmt;

/// A request field, named by the key used across the project (JavaScript
/// request objects, error reports).
///
/// ```
/// use vicidial_xfer::Field;
/// assert_eq!(Field::AgentUser.name(), "agentUser");
/// assert_eq!(Field::AgentUser.param(), "agent_user");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Field {
    /// `source`: free label of the calling application.
    Source,
    /// `user`: the API user.
    User,
    /// `pass`: the API user's password.
    Pass,
    /// `agent_user`: the remote agent whose call is transferred.
    AgentUser,
    /// `value`: the call ID of the live call.
    CallId,
    /// `ingroup_choices`: the in-group (queue) to transfer into.
    Ingroup,
    /// `status`: the disposition written to the lead and call log.
    Status,
}

impl Field {
    /// Every field, in wire order.
    pub const ALL: [Field; 7] = [
        Field::Source,
        Field::User,
        Field::Pass,
        Field::AgentUser,
        Field::CallId,
        Field::Ingroup,
        Field::Status,
    ];

    /// The project-wide key of this field (`agentUser`, `callId`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Field::Source => "source",
            Field::User => "user",
            Field::Pass => "pass",
            Field::AgentUser => "agentUser",
            Field::CallId => "callId",
            Field::Ingroup => "ingroup",
            Field::Status => "status",
        }
    }

    /// The parameter name `agc/api.php` reads for this field.
    pub const fn param(self) -> &'static str {
        match self {
            Field::Source => "source",
            Field::User => "user",
            Field::Pass => "pass",
            Field::AgentUser => "agent_user",
            Field::CallId => "value",
            Field::Ingroup => "ingroup_choices",
            Field::Status => "status",
        }
    }

    /// The field whose wire parameter is `param`, if any.
    pub fn from_param(param: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.param() == param)
    }

    /// The characters the server keeps in this parameter (with
    /// `use_non_latin=0`, the default); it deletes all others.
    ///
    /// In-groups are stricter than the server's filter: the admin screen
    /// creates in-group IDs from `[A-Za-z0-9_]` only, so a space or `-`,
    /// although kept, can never match one.
    pub const fn keeps(self, b: u8) -> bool {
        let word = b.is_ascii_alphanumeric();
        match self {
            Field::Source => word,
            Field::User | Field::AgentUser | Field::Status => word || b == b'-' || b == b'_',
            Field::Pass => {
                word || matches!(b, b'-' | b'_' | b'.' | b'+' | b'/' | b'=')
            }
            Field::CallId => word || b == b'-' || b == b'_' || b == b'|',
            Field::Ingroup => word || b == b'_',
        }
    }

    /// Shortest accepted length, in characters.
    pub const fn min_len(self) -> usize {
        match self {
            // "fewer than 2 left: Invalid Source"
            Field::Source => 2,
            // In-group IDs are 2 to 20 characters.
            Field::Ingroup => 2,
            _ => 1,
        }
    }

    /// Longest accepted length, in characters: the width of the database
    /// column the value is matched against or stored in (longer values are
    /// silently truncated or never match).
    pub const fn max_len(self) -> usize {
        match self {
            // vicidial_users.pass is VARCHAR(100).
            Field::Pass => 100,
            // vicidial_list.status is VARCHAR(6): `TOOLONGX` is stored as `TOOLON`.
            Field::Status => 6,
            // user, agent_user, callerid, group_id and the API log's source
            // column are VARCHAR(20).
            _ => 20,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with a field's value. Each kind has a stable machine code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum FieldErrorKind {
    /// A required field is absent (or a credential without its partner).
    Missing,
    /// The value is the empty string.
    Empty,
    /// Fewer characters than the field's minimum.
    TooShort,
    /// More characters than the column holds.
    TooLong,
    /// A character the server would delete (or, for in-groups, that no
    /// in-group ID can contain).
    InvalidCharacter,
    /// A leading or trailing space: the server keeps it in an in-group and
    /// answers SUCCESS for a dial string that goes nowhere.
    SurroundingSpace,
    /// A comma-separated list: the server deletes the commas and looks up
    /// the concatenation (`SALESLINE,BILLING` -> `SALESLINEBILLING`).
    ListNotAllowed,
    /// `DEFAULTINGROUP` inside a longer value: the server replaces the
    /// substring, so only the exact word is meaningful.
    DefaultIngroupMisused,
}

impl FieldErrorKind {
    /// The stable machine code (`INVALID_CHARACTER`, ...).
    pub const fn code(self) -> &'static str {
        match self {
            FieldErrorKind::Missing => "MISSING",
            FieldErrorKind::Empty => "EMPTY",
            FieldErrorKind::TooShort => "TOO_SHORT",
            FieldErrorKind::TooLong => "TOO_LONG",
            FieldErrorKind::InvalidCharacter => "INVALID_CHARACTER",
            FieldErrorKind::SurroundingSpace => "SURROUNDING_SPACE",
            FieldErrorKind::ListNotAllowed => "LIST_NOT_ALLOWED",
            FieldErrorKind::DefaultIngroupMisused => "DEFAULTINGROUP_MISUSED",
        }
    }
}

/// A rejected field value: which field, what kind of problem, and where.
///
/// ```
/// use vicidial_xfer::{fields::Ingroup, Field, FieldErrorKind};
/// let err = Ingroup::new("SALES.LINE").unwrap_err();
/// assert_eq!(err.field, Field::Ingroup);
/// assert_eq!(err.kind, FieldErrorKind::InvalidCharacter);
/// assert_eq!(err.position, Some(5));
/// assert_eq!(err.code(), "INVALID_CHARACTER");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct FieldError {
    /// The field the value was meant for.
    pub field: Field,
    /// What is wrong with it.
    pub kind: FieldErrorKind,
    /// For `InvalidCharacter` and `SurroundingSpace`: the character index
    /// (0-based, in Unicode scalar values) of the offending character.
    pub position: Option<usize>,
}

impl FieldError {
    /// An error without a position.
    pub const fn new(field: Field, kind: FieldErrorKind) -> Self {
        FieldError { field, kind, position: None }
    }

    /// The stable machine code of the problem.
    pub const fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// A fixed, human-readable sentence naming the field and the rule.
    pub const fn message(&self) -> &'static str {
        use Field as F;
        use FieldErrorKind as K;
        match (self.field, self.kind) {
            (F::Source, K::Missing) => "source is required when credentials are sent",
            (F::User, K::Missing) => "user is required when pass is sent",
            (F::Pass, K::Missing) => "pass is required when user is sent",
            (F::AgentUser, K::Missing) => "agentUser is required",
            (F::CallId, K::Missing) => "callId is required",
            (F::Ingroup, K::Missing) => "ingroup is required",
            (F::Status, K::Missing) => "status is missing",
            (F::Source, K::Empty) => "source must not be empty",
            (F::User, K::Empty) => "user must not be empty",
            (F::Pass, K::Empty) => "pass must not be empty",
            (F::AgentUser, K::Empty) => "agentUser must not be empty",
            (F::CallId, K::Empty) => "callId must not be empty",
            (F::Ingroup, K::Empty) => "ingroup must not be empty",
            (F::Status, K::Empty) => "status must not be empty (leave it out for the server default RAXFER)",
            (F::Source, K::TooShort) => "source must be at least 2 characters (the server answers Invalid Source)",
            (F::Ingroup, K::TooShort) => "ingroup must be 2 to 20 characters",
            (F::User, K::TooShort) => "user must not be empty",
            (F::Pass, K::TooShort) => "pass must not be empty",
            (F::AgentUser, K::TooShort) => "agentUser must not be empty",
            (F::CallId, K::TooShort) => "callId must not be empty",
            (F::Status, K::TooShort) => "status must not be empty",
            (F::Source, K::TooLong) => "source must be at most 20 characters",
            (F::User, K::TooLong) => "user must be at most 20 characters",
            (F::Pass, K::TooLong) => "pass must be at most 100 characters",
            (F::AgentUser, K::TooLong) => "agentUser must be at most 20 characters",
            (F::CallId, K::TooLong) => "callId must be at most 20 characters",
            (F::Ingroup, K::TooLong) => "ingroup must be 2 to 20 characters",
            (F::Status, K::TooLong) => "status must be at most 6 characters (the server truncates longer ones)",
            (F::Source, K::InvalidCharacter) => "source may contain only letters A-Z, a-z and digits 0-9",
            (F::User, K::InvalidCharacter) => "user may contain only A-Z a-z 0-9 - _",
            (F::Pass, K::InvalidCharacter) => "pass may contain only A-Z a-z 0-9 - _ . + / = (the server deletes other characters)",
            (F::AgentUser, K::InvalidCharacter) => "agentUser may contain only A-Z a-z 0-9 - _",
            (F::CallId, K::InvalidCharacter) => "callId may contain only A-Z a-z 0-9 - _ |",
            (F::Ingroup, K::InvalidCharacter) => "ingroup may contain only A-Z a-z 0-9 _ (in-group IDs have no spaces, dots or dashes)",
            (F::Status, K::InvalidCharacter) => "status may contain only A-Z a-z 0-9 - _",
            (F::Ingroup, K::SurroundingSpace) => "ingroup has a leading or trailing space (the server would answer SUCCESS and dial nowhere)",
            (F::Source, K::SurroundingSpace) => "source has a leading or trailing space",
            (F::User, K::SurroundingSpace) => "user has a leading or trailing space",
            (F::Pass, K::SurroundingSpace) => "pass has a leading or trailing space (the server deletes spaces)",
            (F::AgentUser, K::SurroundingSpace) => "agentUser has a leading or trailing space",
            (F::CallId, K::SurroundingSpace) => "callId has a leading or trailing space",
            (F::Status, K::SurroundingSpace) => "status has a leading or trailing space",
            (_, K::ListNotAllowed) => "ingroup must be ONE in-group ID, not a list",
            (_, K::DefaultIngroupMisused) => "ingroup may be exactly DEFAULTINGROUP, not a value containing it",
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FieldError {}

/// The word the server replaces with the call's default transfer group.
pub const DEFAULT_INGROUP: &str = "DEFAULTINGROUP";

/// Checks `value` against the rules of `field`, without allocating.
///
/// Order: empty, surrounding space, list, `DEFAULTINGROUP` misuse, invalid
/// character, then length; the first problem found is reported.
///
/// ```
/// use vicidial_xfer::{fields::check, Field, FieldErrorKind};
/// assert!(check(Field::Status, "SALE").is_ok());
/// assert_eq!(check(Field::Status, "TOOLONGX").unwrap_err().kind, FieldErrorKind::TooLong);
/// ```
pub fn check(field: Field, value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Empty));
    }
    let bytes = value.as_bytes();
    if bytes[0] == b' ' || bytes[bytes.len() - 1] == b' ' {
        let position = if bytes[0] == b' ' { 0 } else { value.chars().count() - 1 };
        return Err(FieldError { field, kind: FieldErrorKind::SurroundingSpace, position: Some(position) });
    }
    if field == Field::Ingroup {
        if bytes.contains(&b',') {
            return Err(FieldError::new(field, FieldErrorKind::ListNotAllowed));
        }
        if value != DEFAULT_INGROUP && contains(bytes, DEFAULT_INGROUP.as_bytes()) {
            return Err(FieldError::new(field, FieldErrorKind::DefaultIngroupMisused));
        }
    }
    // Every byte before the first refused one is ASCII, so its byte index
    // is also its character index.
    if let Some(position) = bytes.iter().position(|&b| !field.keeps(b)) {
        return Err(FieldError { field, kind: FieldErrorKind::InvalidCharacter, position: Some(position) });
    }
    // Only ASCII is left, so bytes are characters.
    if bytes.len() < field.min_len() {
        return Err(FieldError::new(field, FieldErrorKind::TooShort));
    }
    if bytes.len() > field.max_len() {
        return Err(FieldError::new(field, FieldErrorKind::TooLong));
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

macro_rules! field_type {
    ($(#[$doc:meta])* $name:ident, $field:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(try_from = "String"))]
        pub struct $name(String);

        impl $name {
            /// The field this type validates.
            pub const FIELD: Field = $field;

            /// Validates `value`; it is kept exactly as given (case included).
            pub fn new(value: impl Into<String>) -> Result<Self, FieldError> {
                let value = value.into();
                check($field, &value)?;
                Ok($name(value))
            }

            /// The value, exactly as it will be sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Wraps a value that already passed [`check`].
            pub(crate) fn trusted(value: String) -> Self {
                debug_assert!(check($field, &value).is_ok());
                $name(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(value: String) -> Result<Self, FieldError> {
                $name::new(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = FieldError;
            fn try_from(value: &str) -> Result<Self, FieldError> {
                $name::new(value)
            }
        }
    };
}

macro_rules! public_field {
    ($name:ident) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

field_type!(
    /// `source`: a label for the calling application, logged by the server.
    ///
    /// The server keeps only `A-Z a-z 0-9` (so `c.r.m` becomes `crm`) and
    /// answers `ERROR: Invalid Source` when fewer than 2 remain.
    Source,
    Field::Source
);
public_field!(Source);

field_type!(
    /// `user`: the API user (`vicidial_users.user`, VARCHAR(20)).
    ///
    /// The server keeps only `A-Z a-z 0-9 - _`.
    User,
    Field::User
);
public_field!(User);

field_type!(
    /// `pass`: the API user's password (`vicidial_users.pass`, VARCHAR(100)).
    ///
    /// The server keeps only `A-Z a-z 0-9 - _ . + / =`. A `+` must reach it
    /// as `+`, so it is sent as `%2B` (a raw `+` decodes to a space, which
    /// is then deleted). `Debug` and `Display` never show the password.
    ///
    /// ```
    /// use vicidial_xfer::fields::Password;
    /// let p = Password::new("s3cr+t").unwrap();
    /// assert_eq!(format!("{p:?}"), "Password([REDACTED])");
    /// assert_eq!(p.expose(), "s3cr+t");
    /// ```
    Password,
    Field::Pass
);

impl Password {
    /// The password itself, for building the request. The only way out.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::redact::REDACTED)
    }
}

/// Serializes as the redaction marker: serde output is for display and
/// logs; the wire form is [`crate::TransferRequest::encode`].
#[cfg(feature = "serde")]
impl serde::Serialize for Password {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(crate::redact::REDACTED)
    }
}

field_type!(
    /// `agent_user`: the remote agent's user (VARCHAR(20)), who must be in
    /// `vicidial_live_agents`.
    ///
    /// The server keeps only `A-Z a-z 0-9 - _`.
    AgentUser,
    Field::AgentUser
);
public_field!(AgentUser);

field_type!(
    /// `value`: the call ID of the live call (`vicidial_auto_calls.callerid`,
    /// VARCHAR(20), e.g. `Y0315201639000402027`).
    ///
    /// The server keeps only `A-Z a-z 0-9 - _ |` (so `Y...027.` silently
    /// matches call `Y...027`).
    CallId,
    Field::CallId
);
public_field!(CallId);

field_type!(
    /// `ingroup_choices`: ONE in-group ID (`[A-Za-z0-9_]{2,20}`, as the
    /// admin screen creates them) or exactly `DEFAULTINGROUP`.
    ///
    /// The server deletes `.` and `,` and keeps spaces: `SALES.LINE`
    /// transfers to `SALESLINE`, `SALESLINE,BILLING` looks up
    /// `SALESLINEBILLING`, and `SALESLINE ` answers SUCCESS and dials
    /// nowhere. `DEFAULTINGROUP` is replaced as a substring, so
    /// `XDEFAULTINGROUPX` is rejected here.
    ///
    /// ```
    /// use vicidial_xfer::fields::Ingroup;
    /// assert!(Ingroup::new("SalesLine").is_ok());
    /// assert!(Ingroup::new("DEFAULTINGROUP").unwrap().is_default());
    /// assert!(Ingroup::new("SALESLINE ").is_err());
    /// ```
    Ingroup,
    Field::Ingroup
);
public_field!(Ingroup);

impl Ingroup {
    /// Whether this is the reserved `DEFAULTINGROUP`: the server substitutes
    /// the default transfer group of the call's in-group (inbound) or
    /// campaign (outbound).
    pub fn is_default(&self) -> bool {
        self.0 == DEFAULT_INGROUP
    }
}

field_type!(
    /// `status`: the disposition written to the lead and the call log
    /// (VARCHAR(6); the server's default is `RAXFER`).
    ///
    /// The server keeps only `A-Z a-z 0-9 - _` and does not check the
    /// length: `TOOLONGX` would be stored as `TOOLON`.
    Status,
    Field::Status
);
public_field!(Status);
