//! The wasm side of the crate.
//!
//! - feature `wasm`: the wasm-bindgen exports behind the npm package
//!   (`pkg-template/`), which validate, build, parse and conclude; the
//!   package's JavaScript (`api.js`) does the fetch. A request crosses as
//!   one text of counted entries, fields by letter; results as one text
//!   each (JSON, a built request's three lines, a parsed reply's record).
//! - feature `client`: [`client::FetchClient`], a Rust-side HTTP client
//!   (gloo-net, the global `fetch`) for Rust/wasm web apps such as Leptos or
//!   Yew dashboards, with the same outcome rules as the package's
//!   `TransferClient`: redirects refused, reply cap, proxy refusals typed.

#[cfg(feature = "wasm")]
mod bindings;
#[cfg(feature = "wasm")]
mod convert;
#[cfg(feature = "wasm")]
mod json;
#[cfg(feature = "wasm")]
mod reader;

#[cfg(all(feature = "wasm", target_arch = "wasm32", not(feature = "std"), not(feature = "client")))]
mod runtime;

#[cfg(feature = "wasm")]
pub use bindings::*;

#[cfg(feature = "client")]
pub mod client;

/// Issue codes the bindings add to the core's (`FieldErrorKind`, `DecodeErrorKind`):
/// a value that is not a string, a key that is not a field, a request that is not an object.
pub const BINDING_ISSUE_CODES: [&str; 3] = ["NOT_A_STRING", "UNKNOWN_FIELD", "NOT_AN_OBJECT"];

/// Outcome codes the clients add to the core's reply and transport codes:
/// an invalid request (nothing sent), a reply over the 256 KiB cap.
pub const CLIENT_OUTCOME_CODES: [&str; 2] = ["INVALID_REQUEST", "REPLY_TOO_LARGE"];

/// The keys of `parseReply`'s object, in the order of their one-letter
/// codes in the record the wasm returns (`a` is `message`; bindings.rs
/// `parse`). api.js's `RECORD_KEYS` is the same list (tests/pkg_codes.rs).
pub const RECORD_KEYS: [&str; 16] = [
    "message", "raw", "code", "agentUser", "callId", "ingroup", "phoneNumber", "user", "stage", "reason", "source", "function", "userGroup", "line",
    "cause", "excerpt",
];

/// The JavaScript key of each request field, in [`Field::ALL`](crate::Field::ALL)
/// order: the wrapper names a field by its letter, `a` + its place here
/// (reader.rs). serde's camelCase gives the same words; api.js's
/// `FIELD_KEYS` is the same list (tests/pkg_codes.rs).
pub const FIELD_KEYS: [&str; 9] = ["source", "user", "pass", "agentUser", "stage", "callId", "ingroup", "phoneNumber", "status"];
