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
        Stage::ALL.into_iter().find(|s| s.wire() == word)
    }

    /// Whether this stage moves the call (either transfer) rather than
    /// ending it.
    pub const fn is_transfer(self) -> bool {
        !matches!(self, Stage::Hangup)
    }

    /// Whether `field` is required by this stage.
    pub fn requires(self, field: Field) -> bool {
        self.spec().required.contains(&field)
    }

    /// Whether this stage does not read `field`.
    pub fn ignores(self, field: Field) -> bool {
        self.spec().unused.contains(&field)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire())
    }
}
