//! The three stages of `ra_call_control`, one row each in [`STAGES`].
//!
//! Every stage shares api.php's common path (credentials, the API switch,
//! `value`/`agent_user`/`stage` non-empty, the function allowed,
//! `agent_user` logged in, a live call with that call ID); the stage is
//! compared only after those, exactly and case-sensitively. Then:
//!
//! - `INGROUPTRANSFER` queues a `Redirect` of the caller's channel to
//!   `90009*{ingroup}**{lead_id}**{phone}**{agent_user}**`;
//! - `EXTENSIONTRANSFER` queues a `Redirect` to `Exten: {phone_number}` in
//!   the call's server context;
//! - `HANGUP` queues a `Hangup` of the call's channel.
//!
//! After any success the server writes the status, sets the agent holding
//! the call READY and DELETES the live call: the same request again
//! answers `no active call found`.

use core::fmt;
#[cfg(test)]
use alloc::string::String;

use crate::fields::Field;

/// A stage of `ra_call_control`.
///
/// ```
/// use vicidial_xfer::Stage;
/// assert_eq!(Stage::from_wire("HANGUP"), Some(Stage::Hangup));
/// assert_eq!(Stage::from_wire("hangup"), None); // compared exactly
/// assert_eq!(Stage::ExtensionTransfer.wire(), "EXTENSIONTRANSFER");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum Stage {
    /// Move the call into an in-group queue (`ingroup_choices`).
    #[cfg_attr(feature = "serde", serde(rename = "INGROUPTRANSFER"))]
    IngroupTransfer,
    /// Move the call to a number or extension (`phone_number`).
    #[cfg_attr(feature = "serde", serde(rename = "EXTENSIONTRANSFER"))]
    ExtensionTransfer,
    /// Hang the call up.
    #[cfg_attr(feature = "serde", serde(rename = "HANGUP"))]
    Hangup,
}

/// What the server does for a stage, and which fields it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageSpec {
    /// The stage.
    pub stage: Stage,
    /// The exact word api.php compares.
    pub wire: &'static str,
    /// Fields the request must carry (besides credentials, which a proxy
    /// may add).
    pub required: &'static [Field],
    /// Fields this stage does not read: given, they are refused.
    pub unused: &'static [Field],
    /// The manager action queued on success.
    pub action: &'static str,
}

/// Every stage's rules, indexed by `Stage as usize`.
pub const STAGES: [StageSpec; 3] = [
    StageSpec {
        stage: Stage::IngroupTransfer,
        wire: "INGROUPTRANSFER",
        required: &[Field::AgentUser, Field::CallId, Field::Ingroup],
        // Only echoed in the SUCCESS line's third field.
        unused: &[Field::PhoneNumber],
        action: "Redirect",
    },
    StageSpec {
        stage: Stage::ExtensionTransfer,
        wire: "EXTENSIONTRANSFER",
        required: &[Field::AgentUser, Field::CallId, Field::PhoneNumber],
        unused: &[Field::Ingroup],
        action: "Redirect",
    },
    StageSpec {
        stage: Stage::Hangup,
        wire: "HANGUP",
        required: &[Field::AgentUser, Field::CallId],
        // Both ignored by api.php for HANGUP.
        unused: &[Field::Ingroup, Field::PhoneNumber],
        action: "Hangup",
    },
];

impl Stage {
    /// Every stage.
    pub const ALL: [Stage; 3] = [Stage::IngroupTransfer, Stage::ExtensionTransfer, Stage::Hangup];

    /// This stage's row of [`STAGES`].
    pub const fn spec(self) -> &'static StageSpec {
        &STAGES[self as usize]
    }

    /// The exact word api.php compares (`INGROUPTRANSFER`, ...).
    pub const fn wire(self) -> &'static str {
        self.spec().wire
    }

    /// The stage named exactly `word`.
    pub fn from_wire(word: &str) -> Option<Stage> {
        // By length first: one comparison of bytes at most (the test
        // `from_wire_reads_every_wire_word_and_nothing_else` pins it to STAGES).
        let stage = match word.len() {
            15 => Stage::IngroupTransfer,
            17 => Stage::ExtensionTransfer,
            6 => Stage::Hangup,
            _ => return None,
        };
        (stage.wire() == word).then_some(stage)
    }

    /// Whether this stage moves the call (either transfer) rather than
    /// ending it.
    pub const fn is_transfer(self) -> bool {
        !matches!(self, Stage::Hangup)
    }

    /// Whether `field` is required by this stage.
    pub fn requires(self, field: Field) -> bool {
        FIELD_SETS[self as usize].0 & bit(field) != 0
    }

    /// Whether this stage does not read `field`.
    pub fn ignores(self, field: Field) -> bool {
        FIELD_SETS[self as usize].1 & bit(field) != 0
    }
}

const fn bit(field: Field) -> u16 {
    1 << field as u16
}

const fn set_of(fields: &[Field]) -> u16 {
    let mut set = 0;
    let mut i = 0;
    while i < fields.len() {
        set |= bit(fields[i]);
        i += 1;
    }
    set
}

/// Each stage's `required` and `unused` fields of [`STAGES`] as bit sets
/// (bit `Field as usize`), made from the table when compiling: a test
/// per field and stage is one AND, not a search of a slice.
const FIELD_SETS: [(u16, u16); 3] = {
    let mut sets = [(0, 0); 3];
    let mut i = 0;
    while i < STAGES.len() {
        sets[i] = (set_of(STAGES[i].required), set_of(STAGES[i].unused));
        i += 1;
    }
    sets
};

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_wire_reads_every_wire_word_and_nothing_else() {
        for stage in Stage::ALL {
            let word = stage.wire();
            assert_eq!(Stage::from_wire(word), Some(stage));
            for other in [word.to_lowercase(), alloc::format!("{word} "), alloc::format!(" {word}"), String::from(&word[1..]), word.replace('N', "M")] {
                assert_eq!(Stage::from_wire(&other), None, "{other:?}");
            }
        }
        assert_eq!(Stage::from_wire(""), None);
    }

    #[test]
    fn the_field_sets_are_the_tables_lists() {
        for stage in Stage::ALL {
            for field in Field::ALL {
                assert_eq!(stage.requires(field), stage.spec().required.contains(&field), "{stage:?} {field:?}");
                assert_eq!(stage.ignores(field), stage.spec().unused.contains(&field), "{stage:?} {field:?}");
            }
        }
    }
}
