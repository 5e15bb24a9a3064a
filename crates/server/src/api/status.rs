//! `/api/v1/status/{tracking_code}`: a reporter's view of their complaint.

use super::errors::ErrorBody;
use super::extract::ClientAddress;
use crate::error::AppError;
use crate::service::{Caller, complaints as service};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use domain::complaint::StatusView;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PinQuery {
    pin: Option<String>,
}

/// The status of a complaint: status and dates only, nothing personal.
///
/// The PIN goes in the `X-Status-Pin` header (preferred: it stays out of logs and
/// histories) or the `pin` query parameter. An unknown code and a wrong PIN get the same
/// 404; after 5 wrong PINs for a code, or 20 from an address, within 15 minutes, 429.
#[utoipa::path(
    get, path = "/api/v1/status/{tracking_code}", tag = "status",
    params(
        ("tracking_code" = String, Path, example = "K7M2Q-9XQP4"),
        ("X-Status-Pin" = Option<String>, Header),
        ("pin" = Option<String>, Query),
    ),
    responses(
        (status = 200, body = StatusView),
        (status = 404, description = "No complaint with this code and PIN", body = ErrorBody),
        (status = 422, description = "A malformed code or PIN", body = ErrorBody),
        (status = 429, description = "Too many wrong PINs", body = ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(code): Path<String>,
    Query(query): Query<PinQuery>,
    headers: HeaderMap,
) -> Result<Json<StatusView>, AppError> {
    let pin = headers.get("x-status-pin").and_then(|v| v.to_str().ok()).map(str::to_owned).or(query.pin).unwrap_or_default();
    let view = service::status(&state, &code, &pin, &Caller::Public { address, human_checked: false }).await?;
    Ok(Json(view))
}
