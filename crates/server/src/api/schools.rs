//! `/api/v1/school-reports` and `/api/v1/stats/schools`: a school's report, read back, and the
//! figures per region and institution.

use super::errors::ErrorBody;
use super::extract::StaffCaller;
use crate::error::AppError;
use crate::service::schools as service;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::assessment::PlannedAssignment;
use domain::ids::ComplaintId;
use domain::school::{Minor, SchoolReportInput, SchoolReportKind, Timeliness};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

/// A school report stored and routed.
#[derive(Serialize, ToSchema)]
pub struct SchoolReceiptBody {
    pub id: uuid::Uuid,
    #[schema(example = "K7M2Q-9XQP4")]
    pub tracking_code: String,
    /// The time from learning to reporting, and whether it was over the limit.
    pub timeliness: Timeliness,
    /// The agencies it was sent to, with their deadlines (absent on an idempotent replay).
    pub assignments: Option<Vec<PlannedAssignment>>,
}

/// Report an unlawful act involving a minor, bullying or cyberbullying (a school's account).
///
/// The institution is the account's own; the report's region and locality are the
/// institution's. It is routed at once by the routing rules (the juvenile police inspectorate
/// and the education department, the police for an unlawful act). The time from learning to
/// reporting is recorded; later than the configured limit (24 hours by default) is late.
/// Evidence is attached afterwards to the complaint (`/api/v1/complaints/{id}/evidence`).
#[utoipa::path(
    post, path = "/api/v1/school-reports", tag = "schools",
    request_body = SchoolReportInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 200 visible ASCII characters")),
    responses(
        (status = 201, description = "Stored and routed", body = SchoolReceiptBody),
        (status = 401, body = ErrorBody), (status = 403, description = "Not a school's account", body = ErrorBody),
        (status = 409, description = "The Idempotency-Key was used for another body", body = ErrorBody),
        (status = 422, description = "Invalid fields, every one listed", body = ErrorBody),
    ),
    security(("staff_token" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let key = super::complaints::idempotency_key(&headers)?;
    let input = SchoolReportInput::from_json(&body)?;
    let done = service::submit_report(&state, &staff, input, &body, key).await?;
    let receipt = done.receipt;
    let body = SchoolReceiptBody {
        id: receipt.id.0,
        tracking_code: receipt.tracking_code.to_string(),
        timeliness: done.timeliness,
        assignments: receipt.assessment.map(|a| a.assignments),
    };
    let location = format!("/api/v1/school-reports/{}", receipt.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response())
}

/// A school report as stored (the complaint itself is at `/api/v1/complaints/{id}`).
#[derive(Serialize, ToSchema)]
pub struct SchoolReportBody {
    pub institution_bin: String,
    pub kind: SchoolReportKind,
    #[serde(with = "time::serde::rfc3339")]
    pub learned_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub reported_at: OffsetDateTime,
    pub timeliness: Timeliness,
    pub minors: Vec<Minor>,
    /// Null once the complaint was anonymised.
    pub actions_taken: Option<String>,
}

/// Read a school report: for whoever may see its complaint (the school that made it, the
/// agencies it was sent to, the contact center). Audited as a view of the complaint.
#[utoipa::path(get, path = "/api/v1/school-reports/{id}", tag = "schools",
    params(("id" = uuid::Uuid, Path, description = "The complaint's id")),
    responses((status = 200, body = SchoolReportBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn get(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<SchoolReportBody>, AppError> {
    let report = service::report_of(&state, &staff, ComplaintId(id)).await?.ok_or(domain::Error::NotFound)?;
    Ok(Json(SchoolReportBody {
        institution_bin: report.institution_bin,
        kind: report.kind,
        learned_at: report.learned_at,
        reported_at: report.reported_at,
        timeliness: report.timeliness,
        minors: report.minors,
        actions_taken: report.actions_taken,
    }))
}

/// The period and place of the figures.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FigureParams {
    /// The first day, `YYYY-MM-DD` in Kazakhstan time; default 29 days before `to`.
    from: Option<String>,
    /// The last day, included; default today.
    to: Option<String>,
    /// ISO 3166-2:KZ code.
    region: Option<String>,
    /// kk, ru or en: the language of the regions' names (default kk).
    lang: Option<String>,
}

/// Schools' reports, bullying and cyberbullying counts, late reports and the mean delay, and
/// reports through QR codes, per region and per institution. No personal field. Analysts and
/// supervisors see all regions; an agency head, their agency's region. Audited.
#[utoipa::path(get, path = "/api/v1/stats/schools", tag = "schools", params(FigureParams),
    responses((status = 200, body = service::SchoolFigures), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn figures(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Query(params): Query<FigureParams>,
) -> Result<Json<service::SchoolFigures>, AppError> {
    let period = service::period(params.from.as_deref(), params.to.as_deref(), state.clock.now())?;
    let region = match params.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(code) => Some(
            domain::region::Region::by_code(code)
                .ok_or_else(|| AppError::field("region", "unknown_value", "an ISO 3166-2:KZ code"))?,
        ),
        None => None,
    };
    let language =
        params.lang.as_deref().and_then(domain::complaint::Language::parse).unwrap_or(domain::complaint::Language::DEFAULT);
    Ok(Json(service::figures(&state, &staff, period, region, language).await?))
}
