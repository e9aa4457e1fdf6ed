//! api.php versions, and which version's rules a request is checked against.
//!
//! api.php's input filters changed over the years (`agent_user` keeps `-`
//! and `_` only from 2.14-75, `pass` keeps `. + / =` only from 2.14-72,
//! `phone_number` keeps letters only from 2.14-82, ...; the table is
//! [`crate::fields::FIELDS`]). A value is exact only against the filters of
//! the server that receives it. `function=version` answers
//! `VERSION: 2.14-82|BUILD: 250122-1010|DATE: ...|EPOCH: ...` without
//! credentials; [`ServerVersion::parse`] reads that line or the bare
//! `2.14-82`.
//!
//! The set of `ra_call_control` reply lines is the same from 2.12-47 (the
//! permission check) to 2.14-82, so 2.12-47 is the oldest version this
//! crate supports. A version newer than [`ServerVersion::NEWEST`] is
//! checked with the newest rules known.

use core::cmp::Ordering;
use core::fmt;

/// An api.php version, `2.14-82` (`2.{minor}-{build}`).
///
/// ```
/// use vicidial_xfer::ServerVersion;
/// let v = ServerVersion::parse("2.14-75").unwrap();
/// assert!(v >= ServerVersion::new(14, 75));
/// let line = "VERSION: 2.14-82|BUILD: 250122-1010|DATE: 2026-12-01 07:00:00|EPOCH: 1796108400";
/// assert_eq!(ServerVersion::parse(line).unwrap(), ServerVersion::NEWEST);
/// assert_eq!(ServerVersion::parse("2.8-32").unwrap_err().code(), "VERSION_TOO_OLD");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServerVersion {
    minor: u16,
    build: u16,
}

impl PartialOrd for ServerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ServerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.minor, self.build).cmp(&(other.minor, other.build))
    }
}

/// Why a version string was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionError {
    /// Not `2.N-N` nor a `VERSION: 2.N-N|...` line.
    Unreadable,
    /// Older than [`ServerVersion::OLDEST`]: its replies and filters are
    /// not modelled, so no request can be promised exact.
    TooOld,
}

impl VersionError {
    /// The stable machine code.
    pub const fn code(self) -> &'static str {
        match self {
            VersionError::Unreadable => "VERSION_UNREADABLE",
            VersionError::TooOld => "VERSION_TOO_OLD",
        }
    }

    /// A fixed sentence.
    pub const fn message(self) -> &'static str {
        match self {
            VersionError::Unreadable => {
                "serverVersion must look like 2.14-82, or be the line function=version answers (VERSION: 2.14-82|BUILD: ...)"
            }
            VersionError::TooOld => "serverVersion is older than api.php 2.12-47, the oldest version whose rules are known",
        }
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for VersionError {}

impl ServerVersion {
    /// 2.12-47 / 150429-1717: the permission check; the oldest supported.
    pub const OLDEST: ServerVersion = ServerVersion::new(12, 47);
    /// 2.14-82 / 250122-1010: the newest api.php known.
    pub const NEWEST: ServerVersion = ServerVersion::new(14, 82);

    /// `2.{minor}-{build}`.
    pub const fn new(minor: u16, build: u16) -> ServerVersion {
        ServerVersion { minor, build }
    }

    /// Reads `2.14-82`, or the reply line of `function=version`
    /// (`VERSION: 2.14-82|BUILD: ...`). Surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<ServerVersion, VersionError> {
        let text = crate::text::trim(text);
        let text = match text.strip_prefix("VERSION:") {
            Some(rest) => crate::text::split(crate::text::trim_start(rest), b'|').next().unwrap_or(""),
            None => text,
        };
        let rest = text.strip_prefix("2.").ok_or(VersionError::Unreadable)?;
        let (minor, build) = crate::text::split_once(rest, b'-').ok_or(VersionError::Unreadable)?;
        let v = ServerVersion { minor: number(minor)?, build: number(build)? };
        if v < ServerVersion::OLDEST {
            return Err(VersionError::TooOld);
        }
        Ok(v)
    }

    /// The minor number (`14` in 2.14-82).
    pub const fn minor(self) -> u16 {
        self.minor
    }

    /// The build number (`82` in 2.14-82).
    pub const fn build(self) -> u16 {
        self.build
    }

    /// Appends `2.14-82` to `out`, without `core::fmt`.
    pub fn push_to(self, out: &mut alloc::string::String) {
        out.push_str("2.");
        crate::text::push_decimal(out, usize::from(self.minor));
        out.push('-');
        crate::text::push_decimal(out, usize::from(self.build));
    }
}

fn number(digits: &str) -> Result<u16, VersionError> {
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VersionError::Unreadable);
    }
    // At most four digits: no overflow.
    Ok(digits.bytes().fold(0, |n, d| n * 10 + u16::from(d - b'0')))
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = alloc::string::String::new();
        self.push_to(&mut s);
        f.write_str(&s)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ServerVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = alloc::string::String::new();
        self.push_to(&mut out);
        s.serialize_str(&out)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ServerVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <alloc::string::String as serde::Deserialize>::deserialize(d)?;
        ServerVersion::parse(&s).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

/// Which server a request is checked against.
///
/// ```
/// use vicidial_xfer::{ServerVersion, Target};
/// assert_eq!(Target::default(), Target::AnyVersion);
/// let t = Target::Version(ServerVersion::parse("2.14-82").unwrap());
/// assert_eq!(t.version(), Some(ServerVersion::NEWEST));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// The version is not known: only the rules that hold on EVERY
    /// supported version (2.12-47 to 2.14-82) apply, so nothing sent can be
    /// rewritten by any of them.
    #[default]
    AnyVersion,
    /// That version's rules (the newest known for a newer version).
    Version(ServerVersion),
}

impl Target {
    /// The version, when known.
    pub const fn version(self) -> Option<ServerVersion> {
        match self {
            Target::AnyVersion => None,
            Target::Version(v) => Some(v),
        }
    }

    /// `Target::Version` of the parsed text, or `AnyVersion` for `None`.
    ///
    /// ```
    /// use vicidial_xfer::Target;
    /// assert_eq!(Target::parse(None).unwrap(), Target::AnyVersion);
    /// assert_eq!(Target::parse(Some("2.4-20")).unwrap_err().code(), "VERSION_TOO_OLD");
    /// ```
    pub fn parse(text: Option<&str>) -> Result<Target, VersionError> {
        match text {
            None => Ok(Target::AnyVersion),
            Some(t) => ServerVersion::parse(t).map(Target::Version),
        }
    }
}

impl From<Option<ServerVersion>> for Target {
    fn from(v: Option<ServerVersion>) -> Target {
        v.map_or(Target::AnyVersion, Target::Version)
    }
}
