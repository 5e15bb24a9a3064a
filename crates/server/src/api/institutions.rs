//! `/api/v1/institutions`: the registry of schools, colleges and kindergartens — imported from
//! CSV by administrators, looked up by staff.

use super::errors::ErrorBody;
use super::extract::StaffCaller;
use crate::error::AppError;
use crate::service::institutions as service;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::error::FieldError;
use domain::institution::Institution;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A refused row: its line in the file and every problem, by field and code.
#[derive(Serialize, ToSchema)]
pub struct RefusedRowBody {
    pub line: usize,
    pub problems: Vec<FieldError>,
}

/// What an import did.
#[derive(Serialize, ToSchema)]
pub struct ImportBody {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub refused: Vec<RefusedRowBody>,
}

/// Import institutions from a CSV file (UTF-8; columns `bin,kind,name,region,locality,
/// education_department` in any order). Accepted rows are written in one transaction; each
/// refused row is named with its reasons. Administrators only; audited.
#[utoipa::path(post, path = "/api/v1/institutions/import", tag = "institutions", request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn import(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    body: Bytes,
) -> Result<Json<ImportBody>, AppError> {
    if body.len() > service::MAX_CSV_BYTES {
        return Err(AppError::field("file", "too_large", "at most 16 MiB at once"));
    }
    let imported = service::import_csv(&state, &staff, &body).await?;
    let refused = imported.report.refused.into_iter().map(|r| RefusedRowBody { line: r.line, problems: r.problems }).collect();
    let counts = imported.counts;
    Ok(Json(ImportBody { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, refused }))
}

/// Filters of the registry.
#[derive(Deserialize, IntoParams)]
pub struct InstitutionQuery {
    /// ISO 3166-2:KZ code.
    pub region: Option<String>,
    /// school, college or kindergarten.
    pub kind: Option<String>,
    /// The start of the name.
    pub q: Option<String>,
}

/// Look institutions up (up to 200, by name). Any staff member.
#[utoipa::path(get, path = "/api/v1/institutions", tag = "institutions", params(InstitutionQuery),
    responses((status = 200, body = Vec<Institution>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    StaffCaller(_staff): StaffCaller,
    Query(query): Query<InstitutionQuery>,
) -> Result<Json<Vec<Institution>>, AppError> {
    let found = service::list(&state, query.region.as_deref(), query.kind.as_deref(), query.q).await?;
    Ok(Json(found.into_iter().map(|r| r.institution).collect()))
}

/// The QR code of an institution's report form (`{public_url}/qr/{bin}`) as an SVG file, to
/// print. Any staff member; a school only its own. A BIN that is not one, or not registered: 404.
#[utoipa::path(get, path = "/api/v1/institutions/{bin}/qr.svg", tag = "institutions", params(("bin" = String, Path, description = "The institution's BIN")),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn qr_svg(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(bin): Path<String>,
) -> Result<Response, AppError> {
    let poster = service::poster(&state, &staff, &bin).await?;
    Ok(svg_download(poster.institution.bin.as_str(), poster.svg_document()?))
}

/// An SVG as a file to save (`qr-<bin>.svg`), never sniffed as anything else.
pub fn svg_download(bin: &str, svg: String) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response();
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"qr-{bin}.svg\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
