//! `/api/v1/complaints/{id}/evidence` and `/api/v1/evidence/{id}`: attaching files and links to
//! a complaint or to an agency's work on it, listing them, and downloading a file.
//!
//! An upload is the file itself as the body, whatever `Content-Type` is sent: the type is read
//! from the bytes. Its route has its own body limit ([`UPLOAD_BODY_LIMIT`], a little over the
//! 10 MiB a file may have), so that a file up to the limit gets its answer from the rules (a
//! 422 naming the field `file`) rather than a bare 413; every other route keeps 64 KiB.
//! A file is given back as an attachment of its sniffed type, with `nosniff`, never cached.

use super::errors::ErrorBody;
use super::extract::StaffCaller;
use crate::error::AppError;
use crate::service::evidence as service;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::ids::{ComplaintId, EvidenceId};
use serde::{Deserialize, Serialize};
use store::evidence::{Content, EvidenceItem};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

/// The body limit of an upload: the largest file, and room for a form around it.
pub const UPLOAD_BODY_LIMIT: usize = domain::evidence::MAX_FILE_BYTES + 64 * 1024;

/// A stored file.
#[derive(Serialize, ToSchema)]
pub struct StoredFile {
    pub id: uuid::Uuid,
    /// Read from the content: image/png, image/jpeg, image/gif, image/webp, application/pdf.
    pub media_type: String,
    /// In bytes.
    pub size: u64,
}

/// A piece of evidence as listed: a file's description (download it at `download`), or a link
/// with the time it was captured.
#[derive(Serialize, ToSchema)]
pub struct EvidenceBody {
    pub id: uuid::Uuid,
    /// file or link
    pub kind: String,
    /// The agency whose assignment (action report) it belongs to; null for the complaint's own.
    pub agency_id: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<u64>,
    /// Where to download a file.
    pub download: Option<String>,
    pub url: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub captured_at: Option<OffsetDateTime>,
    /// user or token
    pub added_by_kind: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl EvidenceBody {
    fn of(item: EvidenceItem) -> EvidenceBody {
        let mut body = EvidenceBody {
            id: item.id.0,
            kind: item.kind().as_str().to_owned(),
            agency_id: item.agency_id,
            media_type: None,
            size: None,
            download: None,
            url: None,
            captured_at: None,
            added_by_kind: item.added_by_kind.as_str().to_owned(),
            created_at: item.created_at,
        };
        match item.content {
            Content::File { media_type, size, .. } => {
                body.media_type = Some(media_type.as_str().to_owned());
                body.size = Some(size);
                body.download = Some(format!("/api/v1/evidence/{}", item.id));
            }
            Content::Link { url, captured_at } => {
                body.url = Some(url);
                body.captured_at = Some(captured_at);
            }
        }
        body
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The agency whose assignment the file belongs to (its action report); the caller's own
    /// agency. Left out, the file is the complaint's (contact center, school).
    agency: Option<String>,
}

fn complaint_id(id: &str) -> Result<ComplaintId, AppError> {
    uuid::Uuid::parse_str(id).map(ComplaintId).map_err(|_| AppError::Domain(domain::Error::NotFound))
}

fn too_large_or_unreadable(rejection: BytesRejection) -> Response {
    let status = rejection.status();
    let body = if status == StatusCode::PAYLOAD_TOO_LARGE {
        ErrorBody::one("too_large", "the body is over 10 MiB")
    } else {
        ErrorBody::one("unreadable_body", "the body could not be read")
    };
    (status, Json(body)).into_response()
}

/// Attach a file: the raw bytes as the body, any `Content-Type` (the type is read from the
/// content: PNG, JPEG, GIF, WebP images or PDF, whole, at most 10 MiB). With `?agency=`, to
/// the caller's agency's assignment. Audited (`evidence.add`).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/evidence", tag = "evidence",
    params(("id" = uuid::Uuid, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file itself."),
    responses((status = 201, body = StoredFile), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such complaint, or not the caller's to see", body = ErrorBody),
        (status = 413, description = "The body is over 10 MiB and 64 KiB", body = ErrorBody),
        (status = 422, description = "Field `file`: `empty`, `too_large`, `unsupported_type`", body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<String>,
    Query(params): Query<UploadParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return Ok(too_large_or_unreadable(rejection)),
    };
    let id = service::add_file(&state, &staff, complaint_id(&id)?, params.agency.as_deref(), &body).await?;
    // Accepted, so its type is known: the same reading of the bytes the check made.
    let media_type = domain::evidence::sniff(&body).map(|m| m.as_str().to_owned()).unwrap_or_default();
    let answer = StoredFile { id: id.0, media_type, size: body.len() as u64 };
    let location = format!("/api/v1/evidence/{id}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(answer)).into_response())
}

/// A link to a post and when it was captured.
#[derive(Deserialize, ToSchema)]
pub struct LinkRequest {
    /// An http(s) address, without a user name or password.
    #[schema(example = "https://www.instagram.com/p/Synthetic/")]
    pub url: Option<String>,
    /// RFC 3339, between 2000 and now.
    #[schema(example = "2026-11-25T14:30:00+05:00")]
    pub captured_at: Option<String>,
}

/// The new evidence's id.
#[derive(Serialize, ToSchema)]
pub struct Added {
    pub id: uuid::Uuid,
}

/// Record a link to a post with the time it was captured. With `?agency=`, to the caller's
/// agency's assignment. Audited (`evidence.add`; never the address).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/evidence/links", tag = "evidence",
    params(("id" = uuid::Uuid, Path), UploadParams), request_body = LinkRequest,
    responses((status = 201, body = Added), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "Fields `url`, `captured_at`", body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn add_link(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<String>,
    Query(params): Query<UploadParams>,
    body: Bytes,
) -> Result<Response, AppError> {
    let request: LinkRequest =
        serde_json::from_slice(&body).map_err(|_| AppError::field("body", "invalid_json", "expected a JSON object"))?;
    let captured_at = request.captured_at.as_deref().and_then(|t| OffsetDateTime::parse(t.trim(), &Rfc3339).ok());
    let input = service::link_input(request.url.unwrap_or_default(), captured_at)?;
    let id = service::add_link(&state, &staff, complaint_id(&id)?, params.agency.as_deref(), input).await?;
    Ok((StatusCode::CREATED, Json(Added { id: id.0 })).into_response())
}

/// A complaint's evidence, oldest first, with links' addresses (so audited as a view, when
/// there is any). Files are downloaded one by one.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/evidence", tag = "evidence", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Vec<EvidenceBody>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<EvidenceBody>>, AppError> {
    let items = service::list(&state, &staff, complaint_id(&id)?).await?;
    Ok(Json(items.into_iter().map(EvidenceBody::of).collect()))
}

/// Download a file: its bytes as an attachment of the type read from its content, with
/// `X-Content-Type-Options: nosniff`, never cached. A link answers with its JSON description.
/// Audited (`evidence.view`) before the bytes are sent.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "evidence", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn download(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = uuid::Uuid::parse_str(&id).map(EvidenceId).map_err(|_| AppError::Domain(domain::Error::NotFound))?;
    let (item, bytes) = service::view(&state, &staff, id).await?;
    let Content::File { media_type, .. } = item.content else { return Ok(Json(EvidenceBody::of(item)).into_response()) };
    let disposition = format!("attachment; filename=\"evidence-{}.{}\"", item.id, media_type.extension());
    let headers = [
        (header::CONTENT_TYPE, media_type.as_str().to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CACHE_CONTROL, "no-store".to_owned()),
    ];
    Ok((headers, bytes).into_response())
}
