//! # vicidial-xfer
//!
//! Exact, validated VICIdial `agc/api.php?function=ra_call_control&stage=INGROUPTRANSFER`
//! requests, and typed replies.
//!
//! VICIdial's agent API is unforgiving in quiet ways: it deletes characters
//! it does not allow (so `SALES.LINE` transfers to `SALESLINE`), answers
//! SUCCESS for an in-group with a trailing space that then dials nowhere,
//! echoes the password (and an SQL statement containing it) in its auth
//! error, and deletes the call on success, so a retry answers "no active
//! call found". This crate promises that what you send is exactly what the
//! server will act on, that every reply is understood or shown raw, and
//! that no secret leaks.
//!
//! ```
//! use vicidial_xfer::{decode_transfer, parse_reply, TransferDraft};
//!
//! let request = TransferDraft {
//!     source: Some("crm"),
//!     user: Some("6666"),
//!     pass: Some("12+34"),
//!     agent_user: Some("1028"),
//!     call_id: Some("Y0315201639000402027"),
//!     ingroup: Some("SALESLINE"),
//!     status: None,
//! }
//! .validate()
//! .expect("valid");
//! let body = request.encode(); // POST body or GET query
//! assert!(body.contains("pass=12%2B34"));
//! assert_eq!(decode_transfer(&body).unwrap(), request);
//!
//! let reply = parse_reply("SUCCESS: ra_call_control transfer - 1028|Y0315201639000402027|\n");
//! assert_eq!(reply.code(), "TRANSFERRED");
//! ```
//!
//! The core is `no_std` + `alloc`; the `std` feature (default) adds
//! `std::error::Error` impls, `serde` adds (de)serialization with camelCase
//! names, and `wasm` adds the wasm-bindgen layer behind the npm package.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![deny(missing_docs)]
#![cfg_attr(not(feature = "wasm"), forbid(unsafe_code))]

extern crate alloc;

pub mod client;
pub mod decode;
pub mod fields;
pub mod redact;
pub mod reply;
pub mod request;
mod text;

#[cfg(any(feature = "wasm", feature = "client"))]
pub mod wasm;

pub use client::{Outcome, TransferLog, Transport};
pub use decode::{decode_transfer, DecodeError, DecodeErrorKind, Param};
pub use fields::{Field, FieldError, FieldErrorKind};
pub use reply::{parse_reply, AuthReason, Reply};
pub use request::{TransferDraft, TransferRequest};
