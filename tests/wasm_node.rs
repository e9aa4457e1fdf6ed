//! The wasm suite under Node (also run in Chromium workers by setting
//! `WASM_BINDGEN_USE_DEDICATED_WORKER=1` / `WASM_BINDGEN_USE_SERVICE_WORKER=1`).
#![cfg(target_arch = "wasm32")]

mod wasm_suite;
