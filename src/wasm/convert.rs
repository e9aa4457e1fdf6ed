//! Conversions between JavaScript values and the core's types.
//!
//! Inputs are read with `Reflect::get` + `as_string` (a serde deserializer
//! would cost ~13 KB of wasm); outputs are built in `out`.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::out::{array, Obj};
use crate::decode::DecodeError;
use crate::fields::{Field, FieldError};
use crate::request::TransferDraft;

/// A request object's fields, copied out of JavaScript.
#[derive(Default)]
pub(crate) struct OwnedDraft {
    values: [Option<String>; 7],
    /// Fields given as something other than a string (or null/undefined).
    not_strings: Vec<Field>,
}

impl OwnedDraft {
    /// Reads `source, user, pass, agentUser, callId, ingroup, status` from
    /// `obj`; `undefined` and `null` mean "not given".
    pub(crate) fn read(obj: &JsValue) -> Result<OwnedDraft, JsValue> {
        if !obj.is_object() {
            return Err(js_sys::TypeError::new("the transfer request must be an object").into());
        }
        let mut draft = OwnedDraft::default();
        for field in Field::ALL {
            let v = Reflect::get(obj, &JsValue::from_str(field.name()))?;
            if v.is_undefined() || v.is_null() {
                continue;
            }
            match v.as_string() {
                Some(s) => draft.values[field as usize] = Some(s),
                None => draft.not_strings.push(field),
            }
        }
        Ok(draft)
    }

    /// Fills every field not given here from `defaults`.
    pub(crate) fn or(mut self, defaults: &OwnedDraft) -> OwnedDraft {
        for (mine, theirs) in self.values.iter_mut().zip(&defaults.values) {
            if mine.is_none() && theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
        self
    }

    pub(crate) fn get(&self, field: Field) -> Option<&str> {
        self.values[field as usize].as_deref()
    }

    pub(crate) fn draft(&self) -> TransferDraft<'_> {
        TransferDraft {
            source: self.get(Field::Source),
            user: self.get(Field::User),
            pass: self.get(Field::Pass),
            agent_user: self.get(Field::AgentUser),
            call_id: self.get(Field::CallId),
            ingroup: self.get(Field::Ingroup),
            status: self.get(Field::Status),
        }
    }

    /// Every problem, wrong types first, as `{ field, code, message }` records.
    pub(crate) fn issues(&self) -> Vec<Issue<'static>> {
        let mut out: Vec<Issue<'static>> = self.not_strings.iter().map(|f| Issue::not_a_string(*f)).collect();
        out.extend(
            self.draft()
                .problems()
                .iter()
                .filter(|p| !self.not_strings.contains(&p.field))
                .map(Issue::from_field),
        );
        out
    }
}

/// One problem, in the shape JavaScript sees.
pub(crate) struct Issue<'a> {
    field: &'a str,
    code: &'static str,
    message: &'static str,
    position: Option<usize>,
}

impl Issue<'static> {
    pub(crate) fn from_field(e: &FieldError) -> Self {
        Issue { field: e.field.name(), code: e.code(), message: e.message(), position: e.position }
    }

    fn not_a_string(field: Field) -> Self {
        let message = match field {
            Field::Source => "source must be a string",
            Field::User => "user must be a string",
            Field::Pass => "pass must be a string",
            Field::AgentUser => "agentUser must be a string (call IDs and users are text: \"1028\", not 1028)",
            Field::CallId => "callId must be a string",
            Field::Ingroup => "ingroup must be a string",
            Field::Status => "status must be a string",
        };
        Issue { field: field.name(), code: "NOT_A_STRING", message, position: None }
    }
}

impl<'a> Issue<'a> {
    pub(crate) fn from_decode(e: &'a DecodeError) -> Self {
        Issue { field: e.param.name(), code: e.code(), message: e.message(), position: None }
    }

    /// `{ field, code, message, position? }`.
    fn js(&self) -> JsValue {
        let obj = Obj::new().str("field", self.field).str("code", self.code).str("message", self.message);
        match self.position {
            Some(p) => obj.num("position", p as f64).js(),
            None => obj.js(),
        }
    }
}

/// `[{ field, code, message, position? }, ...]`.
pub(crate) fn issues_js(issues: &[Issue<'_>]) -> JsValue {
    array(issues.iter().map(Issue::js))
}

/// An `Error` whose `issues` property lists the problems.
pub(crate) fn validation_error(issues: &[Issue<'_>]) -> JsValue {
    let mut text = String::from("invalid transfer request: ");
    for (i, issue) in issues.iter().enumerate() {
        if i > 0 {
            text.push_str("; ");
        }
        text.push_str(issue.message);
    }
    let err = js_sys::Error::new(&text);
    err.set_name("TransferValidationError");
    let _ = Reflect::set(&err, &JsValue::from_str("issues"), &issues_js(issues));
    err.into()
}

/// Reads an optional string property of an options object.
pub(crate) fn opt_string(options: &JsValue, key: &str) -> Option<String> {
    if !options.is_object() {
        return None;
    }
    Reflect::get(options, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

/// Reads a plain object's own string-valued entries.
pub(crate) fn string_entries(obj: &JsValue) -> Result<Vec<(String, String)>, JsValue> {
    if obj.is_undefined() || obj.is_null() {
        return Ok(Vec::new());
    }
    let obj: &Object = obj.dyn_ref().ok_or_else(|| js_sys::TypeError::new("headers must be an object"))?;
    let mut out = Vec::new();
    for entry in Object::entries(obj).iter() {
        let pair: Array = entry.into();
        let (k, v) = (pair.get(0).as_string(), pair.get(1).as_string());
        match (k, v) {
            (Some(k), Some(v)) => out.push((k, v)),
            _ => return Err(js_sys::TypeError::new("header values must be strings").into()),
        }
    }
    Ok(out)
}
