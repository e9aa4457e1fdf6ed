//! # vicidial-xfer
//!
//! Exact, validated VICIdial `agc/api.php?function=ra_call_control`
//! requests for every stage (`INGROUPTRANSFER`, `EXTENSIONTRANSFER`,
//! `HANGUP`) and every api.php version from 2.12-47 to 2.14-82, and typed
//! replies.
//!
//! VICIdial's agent API is unforgiving in quiet ways: it deletes characters
//! it does not allow (so `SALES.LINE` transfers to `SALESLINE`), and which
//! ones changed between versions; it answers SUCCESS for an in-group with a
//! trailing space that then dials nowhere, echoes the password (and an SQL
//! statement containing it) in its auth error, prints SUCCESS before it
//! writes anything, and deletes the call on success, so a retry answers "no
//! active call found". This crate promises that what you send is exactly
//! what the server will act on, on the version it runs, that every reply is
//! understood or shown raw, and that no secret leaks.
//!
//! The rules live in tables: [`fields::FIELDS`] (one row per parameter:
//! wire name, label, lengths, the characters each version keeps),
//! [`stage::STAGES`] (one row per stage: required and unused fields) and
//! the reply lines of the private `line` module.
//!
//! ```
//! use vicidial_xfer::{decode_call_control, parse_reply, CallControlDraft, ServerVersion, Target};
//!
//! // `function=version` answers this line; without it, only the rules
//! // every supported version shares apply.
//! let target = Target::Version(ServerVersion::parse("VERSION: 2.14-82|BUILD: 250122-1010").unwrap());
//! let request = CallControlDraft {
//!     stage: Some("EXTENSIONTRANSFER"),
//!     source: Some("crm"),
//!     user: Some("6666"),
//!     pass: Some("12+34"),
//!     agent_user: Some("ra_1028"),
//!     call_id: Some("Y0315201639000402027"),
//!     phone_number: Some("AGENT1028"),
//!     ..CallControlDraft::default()
//! }
//! .validate(target)
//! .expect("valid on 2.14-82");
//! let body = request.encode(); // POST body or GET query
//! assert!(body.contains("pass=12%2B34"));
//! assert_eq!(decode_call_control(&body, target).unwrap(), request);
//!
//! let reply = parse_reply("SUCCESS: ra_call_control transfer - ra_1028|Y0315201639000402027|AGENT1028\n");
//! assert_eq!(reply.code(), "TRANSFERRED");
//! ```
//!
//! The core is `no_std` + `alloc`; the `std` feature (default) adds
//! `std::error::Error` impls, `serde` adds serialization in the shapes the
//! bindings show (camelCase), and `wasm` adds the wasm-bindgen layer behind
//! the npm package.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![deny(missing_docs)]
#![cfg_attr(not(feature = "wasm"), forbid(unsafe_code))]

extern crate alloc;

pub mod charset;
pub mod client;
pub mod decode;
pub mod fields;
mod line;
pub mod redact;
pub mod reply;
pub mod request;
pub mod stage;
mod text;
pub mod version;

#[cfg(any(feature = "wasm", feature = "client"))]
pub mod wasm;

pub use client::{Outcome, TransferLog, Transport};
pub use decode::{decode_call_control, decode_transfer, DecodeError, DecodeErrorKind, Param};
pub use fields::{Field, FieldError, FieldErrorKind};
pub use reply::{parse_reply, parse_reply_with_secret, AuthReason, Died, Reply};
pub use request::{CallControlDraft, CallControlRequest, TransferDraft, TransferRequest};
pub use stage::Stage;
pub use version::{ServerVersion, Target, VersionError};
