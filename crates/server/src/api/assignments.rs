//! `/api/v1/inbox` and `/api/v1/complaints/{id}/assignments/{agency_id}`: the agencies' work on
//! their assignments (with a session or an agency system's token), and the contact center's
//! review of it.

use super::errors::ErrorBody;
use super::extract::StaffCaller;
use crate::error::AppError;
use crate::service::assignments::{self as service, StepInput};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use domain::assignment::escalation::Urgency;
use domain::assignment::{ActionReport, Step};
use domain::ids::ComplaintId;
use serde::{Deserialize, Serialize};
use store::assignments::{Assignment, HistoryEntry, InboxRow};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

/// One line of an agency's inbox: what is due and by when (no personal field).
#[derive(Serialize, ToSchema)]
pub struct InboxItem {
    pub complaint_id: uuid::Uuid,
    pub agency_id: String,
    /// The officer the agency head gave it to, if any.
    pub officer_id: Option<uuid::Uuid>,
    /// lead, support or informed
    pub role: String,
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledge_due_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub report_due_at: Option<OffsetDateTime>,
    /// The next deadline has passed.
    pub overdue: bool,
    /// The next deadline falls today (Kazakhstan time).
    pub due_today: bool,
    pub region: String,
    pub priority: String,
    pub risk_level: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

impl InboxItem {
    fn of(row: InboxRow, now: OffsetDateTime) -> InboxItem {
        let urgency = Urgency::of(row.next_deadline(), now);
        InboxItem {
            overdue: urgency.overdue,
            due_today: urgency.due_today,
            complaint_id: row.complaint_id,
            agency_id: row.agency_id,
            officer_id: row.officer_id,
            role: row.role,
            status: row.status,
            acknowledge_due_at: row.acknowledge_due_at,
            report_due_at: row.report_due_at,
            region: row.region,
            priority: row.priority,
            risk_level: row.risk_level,
            received_at: row.received_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxParams {
    /// 1 to 500, default 100.
    limit: Option<u32>,
    /// `true`: only those the agency head gave the caller.
    mine: Option<bool>,
}

/// The caller's agency's open assignments, the earliest report deadline first.
#[utoipa::path(get, path = "/api/v1/inbox", tag = "assignments", params(InboxParams),
    responses((status = 200, body = Vec<InboxItem>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn inbox(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Query(params): Query<InboxParams>,
) -> Result<Json<Vec<InboxItem>>, AppError> {
    let limit = params.limit.unwrap_or(100).clamp(1, 500);
    let now = state.clock.now();
    let rows = service::inbox(&state, &staff, limit, params.mine.unwrap_or(false)).await?;
    Ok(Json(rows.into_iter().map(|r| InboxItem::of(r, now)).collect()))
}

/// One step of an assignment's history.
#[derive(Serialize, ToSchema)]
pub struct HistoryItem {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub step: String,
    pub status: String,
    /// user, token
    pub actor_kind: String,
    pub note: Option<String>,
}

/// An assignment: where it stands, what may be done next, its report and its history.
#[derive(Serialize, ToSchema)]
pub struct AssignmentBody {
    pub complaint_id: uuid::Uuid,
    pub agency_id: String,
    pub role: String,
    pub status: String,
    /// The officer the agency head gave it to, if any.
    pub officer_id: Option<uuid::Uuid>,
    /// The steps possible from here (each by its side: the agency or the contact center).
    pub steps: Vec<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledge_due_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub report_due_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reported_at: Option<OffsetDateTime>,
    pub report: Option<ActionReport>,
    pub history: Vec<HistoryItem>,
}

impl AssignmentBody {
    fn of(a: Assignment, history: Vec<HistoryEntry>) -> Result<AssignmentBody, AppError> {
        let report =
            a.report.as_deref().map(serde_json::from_str).transpose().map_err(|e| anyhow::anyhow!("stored report: {e}"))?;
        Ok(AssignmentBody {
            complaint_id: a.complaint_id.0,
            steps: a.status.steps().iter().map(|s| s.as_str().to_owned()).collect(),
            agency_id: a.agency_id,
            officer_id: a.officer_id,
            role: a.role,
            status: a.status.as_str().to_owned(),
            acknowledge_due_at: a.acknowledge_due_at,
            report_due_at: a.report_due_at,
            acknowledged_at: a.acknowledged_at,
            reported_at: a.reported_at,
            report,
            history: history
                .into_iter()
                .map(|h| HistoryItem { at: h.at, step: h.step, status: h.status, actor_kind: h.actor_kind, note: h.note })
                .collect(),
        })
    }
}

fn complaint_id(id: &str) -> Result<ComplaintId, AppError> {
    uuid::Uuid::parse_str(id).map(ComplaintId).map_err(|_| AppError::Domain(domain::Error::NotFound))
}

/// One assignment, for its agency and for the contact center. Audited as a view.
#[utoipa::path(get, path = "/api/v1/complaints/{id}/assignments/{agency_id}", tag = "assignments",
    params(("id" = uuid::Uuid, Path), ("agency_id" = String, Path)),
    responses((status = 200, body = AssignmentBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn get(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path((id, agency_id)): Path<(String, String)>,
) -> Result<Json<AssignmentBody>, AppError> {
    let (_, assignment, history) = service::get(&state, &staff, complaint_id(&id)?, &agency_id).await?;
    Ok(Json(AssignmentBody::of(assignment, history)?))
}

/// Take a step: `acknowledge`, `request_extension`, `forward`, `submit_report` (the agency);
/// `grant_extension`, `refuse_extension`, `accept`, `return`, `close`, `reopen` (the contact
/// center). A step not possible from the current status is a 409; so is a step that another
/// person took first.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/assignments/{agency_id}/{step}", tag = "assignments",
    params(("id" = uuid::Uuid, Path), ("agency_id" = String, Path), ("step" = String, Path)),
    request_body = StepInput,
    responses((status = 200, body = AssignmentBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn step(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path((id, agency_id, step)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<AssignmentBody>, AppError> {
    let Some(step) = Step::parse(&step) else { return Err(AppError::Domain(domain::Error::NotFound)) };
    // A step without anything to carry may come without a body.
    let input = if body.iter().all(u8::is_ascii_whitespace) {
        StepInput::default()
    } else {
        serde_json::from_slice(&body).map_err(|_| AppError::field("body", "invalid_json", "expected a JSON object"))?
    };
    let (assignment, history) = service::take_step(&state, &staff, complaint_id(&id)?, &agency_id, step, input).await?;
    Ok(Json(AssignmentBody::of(assignment, history)?))
}

/// The officer to give an assignment to.
#[derive(Deserialize, ToSchema)]
pub struct OfficerRequest {
    pub officer_id: uuid::Uuid,
}

/// Give an assignment to one of the agency's officers (the agency head). Audited.
#[utoipa::path(put, path = "/api/v1/complaints/{id}/assignments/{agency_id}/officer", tag = "assignments",
    params(("id" = uuid::Uuid, Path), ("agency_id" = String, Path)), request_body = OfficerRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn assign_officer(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path((id, agency_id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<axum::http::StatusCode, AppError> {
    let request: OfficerRequest =
        serde_json::from_slice(&body).map_err(|_| AppError::field("officer_id", "invalid", "an account id"))?;
    service::assign_officer(&state, &staff, complaint_id(&id)?, &agency_id, request.officer_id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The earlier complaint a new one is about.
#[derive(Deserialize, ToSchema)]
pub struct RelatedRequest {
    pub earlier_id: uuid::Uuid,
}

/// How many of the earlier complaint's assignments were reopened.
#[derive(Serialize, ToSchema)]
pub struct Reopened {
    pub reopened: usize,
}

/// Say that this complaint is about the same situation as an earlier one (found with
/// `POST /api/v1/complaints/search`): the earlier one's accepted or closed lead assignments are
/// reopened, with this complaint named as the reason (the contact center). Audited.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/related", tag = "assignments", request_body = RelatedRequest,
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Reopened), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn relate(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Reopened>, AppError> {
    let request: RelatedRequest =
        serde_json::from_slice(&body).map_err(|_| AppError::field("earlier_id", "invalid", "a complaint id"))?;
    let reopened = service::relate(&state, &staff, complaint_id(&id)?, ComplaintId(request.earlier_id)).await?;
    Ok(Json(Reopened { reopened }))
}
