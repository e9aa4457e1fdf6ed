//! The wasm side of the crate.
//!
//! - feature `wasm`: the wasm-bindgen exports behind the npm package
//!   (`pkg-template/`), which validate, build, parse and conclude; the
//!   package's JavaScript (`api.js`) does the fetch. Results cross as one
//!   JSON string each.
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
pub use bindings::*;

#[cfg(feature = "client")]
pub mod client;
