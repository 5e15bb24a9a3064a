//! The one error type of the domain, and the field-level validation error.
//!
//! Field errors carry a machine code (stable, documented, used as a translation key by the
//! web pages) and an English message (for API clients). They never carry the rejected
//! value: it may be personal data, and errors end up in logs.

use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The path of the field in the request, e.g. `victims[0].age`.
    pub field: String,
    /// A stable code, e.g. `required`, `too_long`, `out_of_range`.
    pub code: &'static str,
    /// A plain-English explanation.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into() }
    }
}

/// Every way a use case can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("the request has {} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("invalid transition: {0}")]
    InvalidTransition(&'static str),
}

/// Collects field errors while a request is validated, so that every bad field is reported
/// at once rather than the first one only.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, field: impl Into<String>, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// How many errors concern `path` or a field inside it.
    pub fn count_under(&self, path: &str) -> usize {
        self.0.iter().filter(|e| e.field == path || e.field.strip_prefix(path).is_some_and(|rest| rest.starts_with('.'))).count()
    }

    /// `Ok(value)` when nothing was pushed, else the collected errors.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Error> {
        if self.0.is_empty() { Ok(value()) } else { Err(Error::Validation(self.0)) }
    }
}
