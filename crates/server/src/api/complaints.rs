//! `/api/v1/complaints`: receive, list, read.

use super::errors::ErrorBody;
use super::extract::{OptionalStaff, StaffCaller};
use crate::error::AppError;
use crate::service::complaints as service;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::complaint::{Channel, Complaint, ComplaintInput, Status};
use domain::error::Errors;
use domain::ids::ComplaintId;
use domain::region::Region;
use serde::{Deserialize, Serialize};
use store::complaints::ListFilter;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

/// What the reporter must keep: the tracking code and the PIN (shown only in this answer).
#[derive(Serialize, ToSchema)]
pub struct ReceiptBody {
    pub id: uuid::Uuid,
    #[schema(example = "K7M2Q-9XQP4")]
    pub tracking_code: String,
    /// Six digits. Not stored in a readable form: this answer is the only place it appears.
    #[schema(example = "048213")]
    pub status_pin: String,
    /// Where the reporter can follow the complaint.
    pub status_url: String,
}

/// Receive a complaint.
///
/// Open without a token for the public channels (`web`, `qr`); the others need a staff or
/// integration token. A 201 is sent only after the complaint is committed to the database.
/// With an `Idempotency-Key`, a retry returns the same complaint (and the header
/// `Idempotent-Replayed: true`); the same key with another body is a 409.
#[utoipa::path(
    post, path = "/api/v1/complaints", tag = "complaints",
    request_body(content = ComplaintInput, description = "The complaint. Bodies over 64 KiB are refused with 413."),
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 200 visible ASCII characters")),
    responses(
        (status = 201, description = "Stored", body = ReceiptBody),
        (status = 401, description = "A channel other than web or qr without a valid token", body = ErrorBody),
        (status = 409, description = "The Idempotency-Key was used for another body", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 422, description = "Invalid fields, every one listed", body = ErrorBody),
        (status = 429, description = "Too many public reports from one address; see Retry-After", body = ErrorBody),
    ),
    security((), ("staff_token" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    OptionalStaff(caller): OptionalStaff,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return Ok(too_large_or_unreadable(rejection)),
    };
    let key = idempotency_key(&headers)?;
    let input = ComplaintInput::from_json(&body)?;
    let receipt = service::submit(&state, input, &body, &caller, key).await?;
    let mut response = (
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/complaints/{}", receipt.id))],
        Json(ReceiptBody {
            id: receipt.id.0,
            tracking_code: receipt.tracking_code.to_string(),
            status_pin: receipt.status_pin.as_str().to_owned(),
            status_url: "/status".into(),
        }),
    )
        .into_response();
    if receipt.replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The request's `Idempotency-Key`, if it has one (checked further by the service).
pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    match headers.get("idempotency-key").map(|v| v.to_str()) {
        Some(Err(_)) => Err(AppError::field("Idempotency-Key", "invalid", "1 to 200 visible ASCII characters")),
        Some(Ok(key)) => Ok(Some(key)),
        None => Ok(None),
    }
}

fn too_large_or_unreadable(rejection: BytesRejection) -> Response {
    let status = rejection.status();
    let body = if status == StatusCode::PAYLOAD_TOO_LARGE {
        ErrorBody::one("too_large", "the body is over 64 KiB")
    } else {
        ErrorBody::one("unreadable_body", "the body could not be read")
    };
    (status, Json(body)).into_response()
}

/// Filters of the list. Times are RFC 3339 (`2026-11-25T00:00:00+05:00`).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// ISO 3166-2:KZ code.
    region: Option<String>,
    channel: Option<String>,
    status: Option<String>,
    /// Received at or after.
    received_from: Option<String>,
    /// Received before.
    received_to: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1 to 100, default 50.
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ComplaintPage {
    pub items: Vec<Complaint>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// List complaints, newest first: those the caller's role reaches (all for the contact
/// center, those assigned to an agency for its officers and systems, a school's own reports
/// for the school), each with the fields the role may see. Every complaint listed is audited.
#[utoipa::path(
    get, path = "/api/v1/complaints", tag = "complaints", params(ListParams),
    responses(
        (status = 200, body = ComplaintPage),
        (status = 401, body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody),
    ),
    security(("staff_token" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Query(params): Query<ListParams>,
) -> Result<Json<ComplaintPage>, AppError> {
    let filter = list_filter(params)?;
    let (items, next) = service::list(&state, &staff, filter).await?;
    Ok(Json(ComplaintPage { items, next_cursor: next.map(|id| id.to_string()) }))
}

fn list_filter(p: ListParams) -> Result<ListFilter, AppError> {
    let mut errors = Errors::default();
    let mut filter = ListFilter { limit: 50, ..Default::default() };
    if let Some(r) = p.region {
        filter.region = Region::by_code(&r).or_else(|| bad(&mut errors, "region", "expected an ISO 3166-2:KZ code"));
    }
    if let Some(c) = p.channel {
        filter.channel = Channel::parse(&c).or_else(|| bad(&mut errors, "channel", "unknown channel"));
    }
    if let Some(s) = p.status {
        filter.status = Status::parse(&s).or_else(|| bad(&mut errors, "status", "unknown status"));
    }
    if let Some(t) = p.received_from {
        filter.received_from =
            OffsetDateTime::parse(&t, &Rfc3339).ok().or_else(|| bad(&mut errors, "received_from", "expected an RFC 3339 time"));
    }
    if let Some(t) = p.received_to {
        filter.received_to =
            OffsetDateTime::parse(&t, &Rfc3339).ok().or_else(|| bad(&mut errors, "received_to", "expected an RFC 3339 time"));
    }
    if let Some(c) = p.cursor {
        filter.after =
            uuid::Uuid::parse_str(&c).ok().map(ComplaintId).or_else(|| bad(&mut errors, "cursor", "not a cursor from this API"));
    }
    if let Some(l) = p.limit {
        match l.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => filter.limit = n,
            _ => errors.push("limit", "out_of_range", "expected a number from 1 to 100"),
        }
    }
    Ok(errors.finish(|| filter)?)
}

fn bad<T>(errors: &mut Errors, field: &str, message: &str) -> Option<T> {
    errors.push(field, "invalid", message);
    None
}

/// Read one complaint, with the fields the caller's role may see. A complaint outside the
/// caller's scope is a 404, as if it did not exist. Audited.
#[utoipa::path(
    get, path = "/api/v1/complaints/{id}", tag = "complaints",
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Complaint), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("staff_token" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<String>,
) -> Result<Json<Complaint>, AppError> {
    let id = uuid::Uuid::parse_str(&id).map(ComplaintId).map_err(|_| AppError::Domain(domain::Error::NotFound))?;
    Ok(Json(service::get(&state, &staff, id).await?))
}

/// Find complaints by the reporter's phone, or the reporter's or a victim's IIN. A POST, so
/// that the number is never in a URL or an access log. Within the caller's scope; audited.
#[utoipa::path(
    post, path = "/api/v1/complaints/search", tag = "complaints",
    request_body = service::SearchQuery,
    responses((status = 200, body = Vec<Complaint>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = []))
)]
pub async fn search(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    body: Result<Json<service::SearchQuery>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Vec<Complaint>>, AppError> {
    let Json(query) = body.map_err(|_| AppError::field("body", "unreadable_body", "expected {\"phone\": …} or {\"iin\": …}"))?;
    Ok(Json(service::search(&state, &staff, query).await?))
}
