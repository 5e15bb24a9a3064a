//! The error of every use case: a refusal by the rules (`domain::Error`), or one of the
//! refusals of the edge (no token, too many attempts), or a failure of ours.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Domain(#[from] domain::Error),
    /// No valid session or token where one is needed.
    #[error("unauthorized")]
    Unauthorized,
    /// Too many attempts: try again after this long.
    #[error("too many attempts")]
    RateLimited(Duration),
    /// A failure of ours. The cause is logged with the request id; the caller sees only the id.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> Self {
        AppError::Internal(e.into())
    }
}

impl AppError {
    /// A refusal of one field.
    pub fn field(field: &str, code: &'static str, message: &str) -> Self {
        AppError::Domain(domain::Error::Validation(vec![domain::FieldError::new(field, code, message)]))
    }
}
