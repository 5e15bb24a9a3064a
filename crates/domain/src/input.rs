//! Reading loose JSON values into typed ones, for every input of the domain (complaints,
//! action reports): each read pushes a field error for a bad value and returns `None`, so that
//! every bad field of a request is reported at once. Messages never repeat the rejected value.
//!
//! Modules add their own reads (`impl Reader<'_>` beside their inputs); these are the shared ones.

use crate::error::Errors;
use serde_json::Value;

pub(crate) struct Reader<'a> {
    pub(crate) errors: &'a mut Errors,
    /// The day of the request, in Kazakhstan time (for the bounds of dates and ages).
    pub(crate) today: time::Date,
}

impl Reader<'_> {
    pub(crate) fn required<T>(
        &mut self,
        value: Option<Value>,
        field: &str,
        read: impl FnOnce(&mut Self, Value, &str) -> Option<T>,
    ) -> Option<T> {
        match present(value) {
            Some(v) => read(self, v, field),
            None => {
                self.errors.push(field, "required", "this field is required");
                None
            }
        }
    }

    pub(crate) fn optional<T>(
        &mut self,
        value: Option<Value>,
        field: &str,
        read: impl FnOnce(&mut Self, Value, &str) -> Option<T>,
    ) -> Option<T> {
        present(value).and_then(|v| read(self, v, field))
    }

    pub(crate) fn text(&mut self, value: Value, field: &str, max_chars: usize) -> Option<String> {
        let Value::String(s) = value else {
            self.errors.push(field, "expected_text", "expected text");
            return None;
        };
        let s = s.trim();
        if s.chars().count() > max_chars {
            self.errors.push(field, "too_long", format!("at most {max_chars} characters"));
            return None;
        }
        Some(s.to_owned())
    }

    pub(crate) fn code<T>(
        &mut self,
        value: Value,
        field: &str,
        parse: impl FnOnce(&str) -> Option<T>,
        allowed: impl FnOnce() -> String,
    ) -> Option<T> {
        let parsed = value.as_str().and_then(|s| parse(s.trim()));
        if parsed.is_none() {
            self.errors.push(field, "unknown_value", format!("expected one of: {}", allowed()));
        }
        parsed
    }

    pub(crate) fn integer(&mut self, value: Value, field: &str, min: i64, max: i64) -> Option<i64> {
        let Some(n) = value.as_i64() else {
            self.errors.push(field, "expected_number", "expected a whole number");
            return None;
        };
        if !(min..=max).contains(&n) {
            self.errors.push(field, "out_of_range", format!("expected a number from {min} to {max}"));
            return None;
        }
        Some(n)
    }
}

/// A value that is there: not absent, not null, not blank text.
pub(crate) fn present(value: Option<Value>) -> Option<Value> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        v => v,
    }
}

/// Reads a request body into an input of loose fields. A body that is not a JSON object is one
/// field error (`body`). One pass on the usual path; only a body that fails is looked at again,
/// to say why.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, crate::Error> {
    serde_json::from_slice(body).map_err(|_| {
        let (code, message) = match serde_json::from_slice::<Value>(body) {
            Ok(_) => ("expected_object", "the body must be a JSON object"),
            Err(_) => ("invalid_json", "the body is not valid JSON"),
        };
        crate::Error::Validation(vec![crate::FieldError::new("body", code, message)])
    })
}
