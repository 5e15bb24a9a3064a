//! The one error envelope of the API: `{"errors":[{"field","code","message"}]}`.

use crate::error::AppError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Error;
use serde::Serialize;
use utoipa::ToSchema;

/// Every error response of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub errors: Vec<ErrorItem>,
}

/// One thing wrong. `field` is set for a bad field (e.g. `victims[0].age`), else null.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorItem {
    pub field: Option<String>,
    /// `required`, `too_long`, `unknown_value`, `not_found`, `unauthorized`, `rate_limited`, …
    pub code: &'static str,
    pub message: String,
}

impl ErrorBody {
    pub fn one(code: &'static str, message: impl Into<String>) -> Self {
        Self { errors: vec![ErrorItem { field: None, code, message: message.into() }] }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::Domain(Error::Validation(fields)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody {
                    errors: fields
                        .into_iter()
                        .map(|f| ErrorItem { field: Some(f.field), code: f.code, message: f.message })
                        .collect(),
                },
            ),
            AppError::Domain(Error::NotFound) => (StatusCode::NOT_FOUND, ErrorBody::one("not_found", "nothing found")),
            AppError::Domain(Error::Conflict(code)) => (StatusCode::CONFLICT, ErrorBody::one(code, conflict_message(code))),
            AppError::Domain(Error::InvalidTransition(code)) => {
                (StatusCode::CONFLICT, ErrorBody::one(code, "not allowed in this state"))
            }
            AppError::Domain(Error::Forbidden) => (StatusCode::FORBIDDEN, ErrorBody::one("forbidden", "not allowed")),
            AppError::Unauthorized => {
                let mut response =
                    (StatusCode::UNAUTHORIZED, Json(ErrorBody::one("unauthorized", "sign in, or send a valid token")))
                        .into_response();
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return response;
            }
            AppError::RateLimited(wait) => {
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, Json(ErrorBody::one("rate_limited", "too many attempts; try again later")))
                        .into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
                return response;
            }
            AppError::Internal(error) => {
                // The request id is on the span; the cause goes to the log, not to the caller.
                tracing::error!(error = format!("{error:#}"), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::one("internal", "something went wrong on our side; quote the x-request-id header"),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

fn conflict_message(code: &str) -> &'static str {
    match code {
        "idempotency_key_reused" => "this Idempotency-Key was used for a different request",
        _ => "conflict",
    }
}
