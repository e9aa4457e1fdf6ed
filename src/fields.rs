//! The parameters of `ra_call_control`, one row each in [`FIELDS`].
//!
//! VICIdial's `agc/api.php` never rejects a value it dislikes: it DELETES
//! every character outside a per-parameter class and carries on with what
//! is left (`SALES.LINE` transfers to `SALESLINE`, status `A.B` is stored as
//! `AB`, `TOOLONGX` is cut to `TOOLON` by its VARCHAR(6) column), and the
//! classes changed between versions. Each row of [`FIELDS`] says what the
//! server keeps, from which version, and how long a value may be; [`check`]
//! accepts exactly the values the target server acts on as sent and
//! refuses everything else with a [`FieldError`] naming the field. Case is
//! always kept: the server matches users, call IDs and in-groups
//! case-insensitively but dials the text it was given.

use alloc::string::String;
use core::fmt;

use crate::charset::CharSet;
use crate::stage::Stage;
use crate::version::{ServerVersion, Target};

/// A parameter of `ra_call_control`, in wire order.
///
/// ```
/// use vicidial_xfer::Field;
/// assert_eq!(Field::AgentUser.param(), "agent_user");
/// assert_eq!(Field::AgentUser.label(), "Agent user");
/// assert_eq!(Field::from_param("value"), Some(Field::CallId));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Field {
    /// `source`: free label of the calling application.
    Source,
    /// `user`: the API user.
    User,
    /// `pass`: the API user's password.
    Pass,
    /// `agent_user`: the remote agent.
    AgentUser,
    /// `stage`: what to do with the call.
    Stage,
    /// `value`: the call ID of the live call.
    CallId,
    /// `ingroup_choices`: the in-group (queue) to transfer into.
    Ingroup,
    /// `phone_number`: the number or extension to transfer to.
    PhoneNumber,
    /// `status`: the disposition written to the lead and call log.
    Status,
}

/// The characters a version keeps in a parameter, from `since` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kept {
    /// The first version with this filter.
    pub since: ServerVersion,
    /// The characters kept (everything else is deleted).
    pub set: CharSet,
    /// The characters this version added, in words (`- and _`).
    pub added: &'static str,
    /// All the characters kept, in words (`A-Z a-z 0-9 - _`).
    pub allowed: &'static str,
}

/// One parameter's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field.
    pub field: Field,
    /// The parameter name api.php reads.
    pub param: &'static str,
    /// The human name used in messages.
    pub label: &'static str,
    /// Shortest accepted length, in characters.
    pub min_len: usize,
    /// Longest accepted length: the database column it is matched against
    /// or stored in (longer values are cut or never match).
    pub max_len: usize,
    /// What each version keeps, oldest first; the first row is in force
    /// from [`ServerVersion::OLDEST`]. Every row keeps all the characters
    /// of the rows before it (filters only ever grew).
    pub kept: &'static [Kept],
    /// Why a refused character matters (appended to the message).
    pub why: &'static str,
}

const fn v(minor: u16, build: u16) -> ServerVersion {
    ServerVersion::new(minor, build)
}

const OLDEST: ServerVersion = ServerVersion::OLDEST;

/// Every parameter's rules, indexed by `Field as usize`. The version rows
/// are read from api.php's history (`versions.md`) and checked against the
/// filter probes of real servers (`tests/recordings/filters/`).
pub const FIELDS: [FieldSpec; 9] = [
    FieldSpec {
        field: Field::Source,
        param: "source",
        label: "Source",
        // "fewer than 2 left: Invalid Source"; the API log column is VARCHAR(20).
        min_len: 2,
        max_len: 20,
        kept: &[Kept { since: OLDEST, set: CharSet::ALNUM, added: "", allowed: "A-Z a-z 0-9" }],
        why: " (the server deletes other characters)",
    },
    FieldSpec {
        field: Field::User,
        param: "user",
        label: "API user",
        // vicidial_users.user is VARCHAR(20).
        min_len: 1,
        max_len: 20,
        kept: &[Kept { since: OLDEST, set: CharSet::WORD_DASH, added: "", allowed: "A-Z a-z 0-9 - _" }],
        why: " (the server deletes other characters)",
    },
    FieldSpec {
        field: Field::Pass,
        param: "pass",
        label: "API password",
        // vicidial_users.pass is VARCHAR(100).
        min_len: 1,
        max_len: 100,
        kept: &[
            Kept { since: OLDEST, set: CharSet::WORD_DASH, added: "", allowed: "A-Z a-z 0-9 - _" },
            // 2.14-72 / 220220-0847.
            Kept { since: v(14, 72), set: CharSet::PASS_2_14_72, added: ". + / =", allowed: "A-Z a-z 0-9 - _ . + / =" },
        ],
        why: " (the server deletes other characters)",
    },
    FieldSpec {
        field: Field::AgentUser,
        param: "agent_user",
        label: "Agent user",
        // vicidial_live_agents.user is VARCHAR(20).
        min_len: 1,
        max_len: 20,
        kept: &[
            Kept { since: OLDEST, set: CharSet::ALNUM, added: "", allowed: "A-Z a-z 0-9" },
            // 2.14-75 / 230519-0731: `ra_1` was `ra1` before.
            Kept { since: v(14, 75), set: CharSet::WORD_DASH, added: "- and _", allowed: "A-Z a-z 0-9 - _" },
        ],
        why: " (the server deletes other characters)",
    },
    FieldSpec {
        field: Field::Stage,
        param: "stage",
        label: "Stage",
        min_len: 1,
        max_len: 20,
        // Compared exactly; checked against the stage table, not a class.
        kept: &[Kept { since: OLDEST, set: CharSet::ALNUM, added: "", allowed: "A-Z a-z 0-9" }],
        why: "",
    },
    FieldSpec {
        field: Field::CallId,
        param: "value",
        label: "Call ID",
        // vicidial_auto_calls.callerid is VARCHAR(20).
        min_len: 1,
        max_len: 20,
        kept: &[
            Kept { since: OLDEST, set: CharSet::WORD_DASH, added: "", allowed: "A-Z a-z 0-9 - _" },
            // 2.14-67 / 201112-2053.
            Kept { since: v(14, 67), set: CharSet::CALL_ID_2_14_67, added: "|", allowed: "A-Z a-z 0-9 - _ |" },
        ],
        why: " (the server deletes other characters, so Y...027. would match call Y...027)",
    },
    FieldSpec {
        field: Field::Ingroup,
        param: "ingroup_choices",
        label: "In-group",
        // group_id is VARCHAR(20); the admin screen needs 2 or more.
        min_len: 2,
        max_len: 20,
        kept: &[Kept { since: OLDEST, set: CharSet::INGROUP_ID, added: "", allowed: "A-Z a-z 0-9 _" }],
        why: " (in-group IDs have no spaces, dots or dashes; the server deletes dots, so SALES.LINE would transfer to SALESLINE)",
    },
    FieldSpec {
        field: Field::PhoneNumber,
        param: "phone_number",
        label: "Phone number",
        // "fewer than 2 left: not valid"; vicidial_manager's column is VARCHAR(200).
        min_len: 2,
        max_len: 200,
        kept: &[
            // 2.12-49 and older: digits only.
            Kept { since: OLDEST, set: CharSet::DIGITS, added: "", allowed: "0-9" },
            // 2.12-50 / 150715.
            Kept { since: v(12, 50), set: CharSet::DIALABLE, added: "* and #", allowed: "0-9 * #" },
            // 2.14-82 / 250122-1010.
            Kept { since: v(14, 82), set: CharSet::DIALABLE_ALNUM, added: "letters", allowed: "0-9 * # A-Z a-z" },
        ],
        why: " (the server deletes other characters and dials the rest)",
    },
    FieldSpec {
        field: Field::Status,
        param: "status",
        label: "Status",
        // vicidial_list.status is VARCHAR(6): `TOOLONGX` is stored as `TOOLON`.
        min_len: 1,
        max_len: 6,
        kept: &[Kept { since: OLDEST, set: CharSet::WORD_DASH, added: "", allowed: "A-Z a-z 0-9 - _" }],
        why: " (the server deletes other characters)",
    },
];

impl Field {
    /// Every field, in wire order.
    pub const ALL: [Field; 9] = [
        Field::Source,
        Field::User,
        Field::Pass,
        Field::AgentUser,
        Field::Stage,
        Field::CallId,
        Field::Ingroup,
        Field::PhoneNumber,
        Field::Status,
    ];

    /// How many fields there are.
    pub const COUNT: usize = 9;

    /// This field's row of [`FIELDS`].
    pub const fn spec(self) -> &'static FieldSpec {
        &FIELDS[self as usize]
    }

    /// The parameter name `agc/api.php` reads for this field.
    pub const fn param(self) -> &'static str {
        self.spec().param
    }

    /// The human name used in messages (`Agent user`, `Call ID`, ...).
    pub const fn label(self) -> &'static str {
        self.spec().label
    }

    /// The field whose wire parameter is `param`.
    pub fn from_param(param: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.param() == param)
    }

    /// The characters the target server keeps in this parameter: for
    /// [`Target::AnyVersion`] only those every supported version keeps.
    ///
    /// ```
    /// use vicidial_xfer::{Field, ServerVersion, Target};
    /// let any = Field::AgentUser.kept(Target::AnyVersion);
    /// assert!(!any.contains(b'_'));
    /// let new = Field::AgentUser.kept(Target::Version(ServerVersion::new(14, 75)));
    /// assert!(new.contains(b'_'));
    /// ```
    pub fn kept(self, target: Target) -> CharSet {
        self.kept_row(target).map(|k| k.set).unwrap_or(CharSet::EMPTY)
    }

    /// The characters the target server keeps, in words.
    fn kept_words(self, target: Target) -> &'static str {
        self.kept_row(target).map(|k| k.allowed).unwrap_or("")
    }

    /// The row in force for `target`: the oldest for [`Target::AnyVersion`]
    /// (filters only grew, so it is what every version keeps).
    fn kept_row(self, target: Target) -> Option<&'static Kept> {
        let rows = self.spec().kept;
        match target.version() {
            None => rows.first(),
            Some(v) => rows.iter().rev().find(|k| k.since <= v),
        }
    }

    /// The first version whose filter keeps `b` in this parameter.
    pub fn kept_since(self, b: u8) -> Option<&'static Kept> {
        self.spec().kept.iter().find(|k| k.set.contains(b))
    }

    /// Whether the server keeps `b` in this parameter on every supported version.
    pub fn keeps(self, b: u8) -> bool {
        self.kept(Target::AnyVersion).contains(b)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What is wrong with a field's value. Each kind has a stable machine code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum FieldErrorKind {
    /// A required field is absent (or a credential without its partners).
    Missing,
    /// The value is the empty string.
    Empty,
    /// Fewer characters than the field's minimum.
    TooShort,
    /// More characters than the column holds.
    TooLong,
    /// A character no supported version keeps (or, for in-groups, that no
    /// in-group ID can contain).
    InvalidCharacter,
    /// A character only newer api.php versions keep than the target (or,
    /// with no version given, than the oldest supported one).
    NeedsNewerVersion,
    /// A `+` in a phone number: the server deletes it (`+17275559999`
    /// dials `17275559999`).
    PlusNotKept,
    /// A leading or trailing space: the server keeps it in an in-group and
    /// answers SUCCESS for a dial string that goes nowhere.
    SurroundingSpace,
    /// A comma-separated list: the server deletes the commas and looks up
    /// the concatenation (`SALESLINE,BILLING` -> `SALESLINEBILLING`).
    ListNotAllowed,
    /// `DEFAULTINGROUP` inside a longer value: the server replaces any value
    /// containing it, so only the exact word is meaningful.
    DefaultIngroupMisused,
    /// The stage is not one of the three, exactly (the server compares it
    /// case-sensitively and answers `stage is not valid`).
    StageNotValid,
    /// The field is given but this stage does not use it (the server
    /// ignores or only echoes it: the caller meant something else).
    NotUsedByStage,
}

impl FieldErrorKind {
    /// Every kind, for code listings.
    pub const ALL: [FieldErrorKind; 12] = [
        FieldErrorKind::Missing,
        FieldErrorKind::Empty,
        FieldErrorKind::TooShort,
        FieldErrorKind::TooLong,
        FieldErrorKind::InvalidCharacter,
        FieldErrorKind::NeedsNewerVersion,
        FieldErrorKind::PlusNotKept,
        FieldErrorKind::SurroundingSpace,
        FieldErrorKind::ListNotAllowed,
        FieldErrorKind::DefaultIngroupMisused,
        FieldErrorKind::StageNotValid,
        FieldErrorKind::NotUsedByStage,
    ];

    /// The stable machine code (`INVALID_CHARACTER`, ...).
    pub const fn code(self) -> &'static str {
        match self {
            FieldErrorKind::Missing => "MISSING",
            FieldErrorKind::Empty => "EMPTY",
            FieldErrorKind::TooShort => "TOO_SHORT",
            FieldErrorKind::TooLong => "TOO_LONG",
            FieldErrorKind::InvalidCharacter => "INVALID_CHARACTER",
            FieldErrorKind::NeedsNewerVersion => "NEEDS_NEWER_VERSION",
            FieldErrorKind::PlusNotKept => "PLUS_NOT_KEPT",
            FieldErrorKind::SurroundingSpace => "SURROUNDING_SPACE",
            FieldErrorKind::ListNotAllowed => "LIST_NOT_ALLOWED",
            FieldErrorKind::DefaultIngroupMisused => "DEFAULTINGROUP_MISUSED",
            FieldErrorKind::StageNotValid => "STAGE_NOT_VALID",
            FieldErrorKind::NotUsedByStage => "NOT_USED_BY_STAGE",
        }
    }
}

/// A rejected field value: which field, what kind of problem, and where.
///
/// ```
/// use vicidial_xfer::{fields::check, Field, FieldErrorKind, Target};
/// let err = check(Field::Ingroup, "SALES.LINE", Target::AnyVersion).unwrap_err();
/// assert_eq!(err.field, Field::Ingroup);
/// assert_eq!(err.kind, FieldErrorKind::InvalidCharacter);
/// assert_eq!(err.position, Some(5));
/// assert_eq!(err.code(), "INVALID_CHARACTER");
/// assert!(err.message().starts_with("In-group may contain only A-Z a-z 0-9 _"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field the value was meant for.
    pub field: Field,
    /// What is wrong with it.
    pub kind: FieldErrorKind,
    /// For character problems: the index (0-based, in Unicode scalar
    /// values) of the offending character.
    pub position: Option<usize>,
    /// For [`FieldErrorKind::NeedsNewerVersion`]: the first version that
    /// keeps the character.
    pub since: Option<ServerVersion>,
    /// The version the value was checked against, when one was given.
    pub version: Option<ServerVersion>,
    /// For [`FieldErrorKind::NotUsedByStage`] and `Missing`: the stage.
    pub stage: Option<Stage>,
}

/// The shape every binding shows: `{ field, code, message, position?, since? }`
/// (`field` in camelCase: `agentUser`, `callId`, ...).
#[cfg(feature = "serde")]
impl serde::Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("field", &self.field)?;
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("message", &self.message())?;
        if let Some(p) = self.position {
            map.serialize_entry("position", &p)?;
        }
        if let Some(v) = self.since {
            map.serialize_entry("since", &v)?;
        }
        map.end()
    }
}

impl FieldError {
    /// An error without a position.
    pub const fn new(field: Field, kind: FieldErrorKind) -> Self {
        FieldError { field, kind, position: None, since: None, version: None, stage: None }
    }

    const fn at(field: Field, kind: FieldErrorKind, position: usize) -> Self {
        FieldError { field, kind, position: Some(position), since: None, version: None, stage: None }
    }

    /// The stable machine code of the problem.
    pub const fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// A human-readable sentence naming the field (by its label) and the
    /// rule, made of fixed words from [`FIELDS`].
    pub fn message(&self) -> String {
        use FieldErrorKind as K;
        let spec = self.field.spec();
        let mut m = String::with_capacity(96);
        m.push_str(spec.label);
        let put_len = |m: &mut String, n: usize| crate::text::push_decimal(m, n);
        match self.kind {
            K::Missing => match (self.field, self.stage) {
                (Field::Source, _) => m.push_str(" is required when credentials are sent (the server answers Invalid Source)"),
                (Field::User, _) => m.push_str(" is required when an API password is sent"),
                (Field::Pass, _) => m.push_str(" is required when an API user is sent"),
                (_, Some(stage)) => {
                    m.push_str(" is required for ");
                    m.push_str(stage.wire());
                }
                _ => m.push_str(" is required"),
            },
            K::Empty if self.field == Field::Status => {
                m.push_str(" must not be empty (leave it out for the server default RAXFER)")
            }
            K::Empty => m.push_str(" must not be empty"),
            K::TooShort => {
                m.push_str(" must be at least ");
                put_len(&mut m, spec.min_len);
                m.push_str(" characters");
                if self.field == Field::Source {
                    m.push_str(" (the server answers Invalid Source)");
                }
            }
            K::TooLong => {
                m.push_str(" must be at most ");
                put_len(&mut m, spec.max_len);
                m.push_str(" characters (the server's column holds no more)");
            }
            K::InvalidCharacter if self.field == Field::Stage => m.push_str(" must be INGROUPTRANSFER, EXTENSIONTRANSFER or HANGUP"),
            K::InvalidCharacter => {
                m.push_str(" may contain only ");
                m.push_str(self.field.kept_words(Target::from(self.version)));
                m.push_str(spec.why);
            }
            K::NeedsNewerVersion => {
                let since = self.since.unwrap_or(ServerVersion::NEWEST);
                m.push_str(" may contain ");
                m.push_str(spec.kept.iter().find(|k| k.since == since).map(|k| k.added).unwrap_or("this character"));
                m.push_str(" only on api.php ");
                since.push_to(&mut m);
                m.push_str(" and newer");
                match self.version {
                    None => m.push_str(": pass serverVersion"),
                    Some(v) => {
                        m.push_str(" (api.php ");
                        v.push_to(&mut m);
                        m.push_str(" deletes them)");
                    }
                }
            }
            K::PlusNotKept => m.push_str(
                " must not contain + (the server deletes it: +17275559999 would dial 17275559999); send the digits to dial",
            ),
            K::SurroundingSpace if self.field == Field::Ingroup => {
                m.push_str(" has a leading or trailing space (the server would answer SUCCESS and dial nowhere)")
            }
            K::SurroundingSpace => m.push_str(" has a leading or trailing space (the server would not act on it as sent)"),
            K::ListNotAllowed => m.push_str(" must be ONE in-group ID, not a list (the server deletes the commas)"),
            K::DefaultIngroupMisused => {
                m.push_str(" may be exactly DEFAULTINGROUP, not a value containing it (the server replaces the whole value)")
            }
            K::StageNotValid => m.push_str(" must be exactly INGROUPTRANSFER, EXTENSIONTRANSFER or HANGUP (in capitals)"),
            K::NotUsedByStage => {
                m.push_str(" is not used by ");
                m.push_str(self.stage.map(Stage::wire).unwrap_or("this stage"));
                m.push_str(match self.field {
                    Field::PhoneNumber => " (the server would only echo it): leave it out",
                    _ => " (the server ignores it): leave it out",
                });
            }
        }
        m
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FieldError {}

/// The word the server replaces with the call's default transfer group.
pub const DEFAULT_INGROUP: &str = "DEFAULTINGROUP";

/// Checks `value` against the rules of `field` for `target`, without
/// allocating.
///
/// Order: empty, surrounding space, list, `DEFAULTINGROUP` misuse, `+` in a
/// phone number, characters, then length; the first problem found is
/// reported. The stage is checked against the stage table.
///
/// ```
/// use vicidial_xfer::{fields::check, Field, FieldErrorKind, ServerVersion, Target};
/// assert!(check(Field::Status, "SALE", Target::AnyVersion).is_ok());
/// assert_eq!(check(Field::Status, "TOOLONGX", Target::AnyVersion).unwrap_err().kind, FieldErrorKind::TooLong);
/// let e = check(Field::AgentUser, "ra_1", Target::AnyVersion).unwrap_err();
/// assert_eq!(e.kind, FieldErrorKind::NeedsNewerVersion);
/// assert_eq!(e.message(), "Agent user may contain - and _ only on api.php 2.14-75 and newer: pass serverVersion");
/// assert!(check(Field::AgentUser, "ra_1", Target::Version(ServerVersion::new(14, 82))).is_ok());
/// ```
pub fn check(field: Field, value: &str, target: Target) -> Result<(), FieldError> {
    let with_version = |mut e: FieldError| {
        e.version = target.version();
        e
    };
    if value.is_empty() {
        return Err(FieldError::new(field, FieldErrorKind::Empty));
    }
    if field == Field::Stage {
        return match Stage::from_wire(value) {
            Some(_) => Ok(()),
            None => Err(FieldError::new(field, FieldErrorKind::StageNotValid)),
        };
    }
    let bytes = value.as_bytes();
    if bytes.first() == Some(&b' ') {
        return Err(FieldError::at(field, FieldErrorKind::SurroundingSpace, 0));
    }
    if bytes.last() == Some(&b' ') {
        return Err(FieldError::at(field, FieldErrorKind::SurroundingSpace, value.chars().count() - 1));
    }
    if field == Field::Ingroup {
        if bytes.contains(&b',') {
            return Err(FieldError::new(field, FieldErrorKind::ListNotAllowed));
        }
        if value != DEFAULT_INGROUP && crate::text::contains(value, DEFAULT_INGROUP) {
            return Err(FieldError::new(field, FieldErrorKind::DefaultIngroupMisused));
        }
    }
    // Every byte before the first refused one is ASCII, so its byte index
    // is also its character index.
    if let Some(position) = field.kept(target).first_outside(bytes) {
        let b = bytes[position];
        if field == Field::PhoneNumber && b == b'+' {
            return Err(FieldError::at(field, FieldErrorKind::PlusNotKept, position));
        }
        let mut e = FieldError::at(field, FieldErrorKind::InvalidCharacter, position);
        if let Some(k) = field.kept_since(b) {
            e.kind = FieldErrorKind::NeedsNewerVersion;
            e.since = Some(k.since);
        }
        return Err(with_version(e));
    }
    // Only ASCII is left, so bytes are characters.
    let spec = field.spec();
    if bytes.len() < spec.min_len {
        return Err(FieldError::new(field, FieldErrorKind::TooShort));
    }
    if bytes.len() > spec.max_len {
        return Err(FieldError::new(field, FieldErrorKind::TooLong));
    }
    Ok(())
}
