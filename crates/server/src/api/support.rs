//! `/api/v1/centers`, `/api/v1/referrals`, `/api/v1/support-cases` and `/api/v1/stats/support`:
//! family support centers, referrals to them, the support case from acceptance to closure, and
//! the figures. Handlers parse and render; `service::support` decides and audits.

use super::errors::ErrorBody;
use super::extract::StaffCaller;
use crate::error::AppError;
use crate::service::support::{self as service, CaseView, CenterView, ReferralView, SupportFigures};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::support::*;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

/// An id in a path: a malformed one is simply not found.
fn id(text: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(text).map_err(|_| AppError::Domain(domain::Error::NotFound))
}

/// A body that may be left out (then the input's defaults).
fn optional_body<T: Default>(body: &[u8], read: impl FnOnce(&[u8]) -> Result<T, domain::Error>) -> Result<T, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) { Ok(T::default()) } else { Ok(read(body)?) }
}

/// Set a family support center's profile: address, services, capacity, shelter places and
/// those occupied now (administrators). The id is a `family_support_center` of the directory.
#[utoipa::path(put, path = "/api/v1/centers/{agency_id}", tag = "support", request_body = CenterInput,
    params(("agency_id" = String, Path, description = "e.g. kz-75-family-support-center")),
    responses((status = 200, body = CenterView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn set_center(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(agency_id): Path<String>,
    body: Bytes,
) -> Result<Json<CenterView>, AppError> {
    let input = CenterInput::from_json(&body)?;
    Ok(Json(service::set_center(&state, &staff, &agency_id, input).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CenterParams {
    /// ISO 3166-2:KZ code.
    region: Option<String>,
}

/// The registered centers (staff), of one region or all: no personal field.
#[utoipa::path(get, path = "/api/v1/centers", tag = "support", params(CenterParams),
    responses((status = 200, body = Vec<CenterView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn centers(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Query(params): Query<CenterParams>,
) -> Result<Json<Vec<CenterView>>, AppError> {
    let region = region(params.region.as_deref())?;
    Ok(Json(service::centers(&state, &staff, region.map(|r| r.code)).await?))
}

fn region(code: Option<&str>) -> Result<Option<&'static domain::region::Region>, AppError> {
    match code.map(str::trim).filter(|r| !r.is_empty()) {
        Some(code) => Ok(Some(
            domain::region::Region::by_code(code)
                .ok_or_else(|| AppError::field("region", "unknown_value", "an ISO 3166-2:KZ code"))?,
        )),
        None => Ok(None),
    }
}

/// Set the shelter places occupied now (the center's head), never above the places.
#[utoipa::path(put, path = "/api/v1/centers/{agency_id}/occupancy", tag = "support", request_body = OccupancyInput,
    params(("agency_id" = String, Path)),
    responses((status = 200, body = CenterView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn set_occupancy(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(agency_id): Path<String>,
    body: Bytes,
) -> Result<Json<CenterView>, AppError> {
    let input = OccupancyInput::from_json(&body)?;
    Ok(Json(service::set_occupancy(&state, &staff, &agency_id, input).await?))
}

/// Refer a complaint's person to a family support center, with their consent (what may be
/// shared, with which agency kinds). The contact center, or an agency assigned to the complaint.
/// The center decides within `QORGAU_REFERRAL_DECISION_HOURS` (24 by default).
#[utoipa::path(post, path = "/api/v1/referrals", tag = "support", request_body = ReferralInput,
    responses((status = 201, body = ReferralView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn refer(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    body: Bytes,
) -> Result<(StatusCode, Json<ReferralView>), AppError> {
    let input = ReferralInput::from_json(&body)?;
    Ok((StatusCode::CREATED, Json(service::refer(&state, &staff, input).await?)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralParams {
    /// pending, accepted, refused, overdue.
    status: Option<String>,
    /// 1 to 500, default 100.
    limit: Option<u32>,
}

/// A center's referrals (its specialists and head), or every center's (the contact center), the
/// earliest deadline first. No personal field.
#[utoipa::path(get, path = "/api/v1/referrals", tag = "support", params(ReferralParams),
    responses((status = 200, body = Vec<ReferralView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn referrals(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Query(params): Query<ReferralParams>,
) -> Result<Json<Vec<ReferralView>>, AppError> {
    Ok(Json(service::referrals(&state, &staff, params.status.as_deref(), params.limit.unwrap_or(100)).await?))
}

/// Accept a referral (a specialist or the head of its center): the support case opens, with
/// the same id.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/accept", tag = "support", request_body = Option<AcceptInput>,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(referral): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let input = optional_body(&body, AcceptInput::from_json)?;
    Ok(Json(service::accept(&state, &staff, id(&referral)?, input).await?))
}

/// Refuse a referral, with a reason (a specialist or the head of its center).
#[utoipa::path(post, path = "/api/v1/referrals/{id}/refuse", tag = "support", request_body = ReasonInput,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ReferralView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn refuse(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(referral): Path<String>,
    body: Bytes,
) -> Result<Json<ReferralView>, AppError> {
    let input = optional_body(&body, ReasonInput::from_json)?;
    Ok(Json(service::refuse(&state, &staff, id(&referral)?, input).await?))
}

/// One support case as the caller may see it: the summary, and the personal parts the person's
/// consent allows the caller (its center sees all). An agency the consent does not share with
/// gets a 404. Audited.
#[utoipa::path(get, path = "/api/v1/support-cases/{id}", tag = "support", params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn case(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(case): Path<String>,
) -> Result<Json<CaseView>, AppError> {
    Ok(Json(service::get(&state, &staff, id(&case)?).await?))
}

/// Record the intake assessment: every area's level and note (the center).
#[utoipa::path(put, path = "/api/v1/support-cases/{id}/assessment", tag = "support", request_body = AssessmentInput,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn assess(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(case): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let input = AssessmentInput::from_json(&body)?;
    Ok(Json(service::assess(&state, &staff, id(&case)?, input).await?))
}

/// Record the safety plan (the center).
#[utoipa::path(put, path = "/api/v1/support-cases/{id}/safety-plan", tag = "support", request_body = SafetyPlanInput,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn safety_plan(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(case): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let input = SafetyPlanInput::from_json(&body)?;
    Ok(Json(service::set_safety_plan(&state, &staff, id(&case)?, input).await?))
}

/// Record the individual support plan: goals, each with services, their responsible specialist
/// (an account of the center), due date and status. A shelter placement in progress takes a
/// shelter place (409 `shelter_full` when none is free).
#[utoipa::path(put, path = "/api/v1/support-cases/{id}/plan", tag = "support", request_body = PlanInput,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn plan(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(case): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let input = PlanInput::from_json(&body)?;
    Ok(Json(service::set_plan(&state, &staff, id(&case)?, input).await?))
}

/// Log a service delivered: which, the day, minutes, a note (the center).
#[utoipa::path(post, path = "/api/v1/support-cases/{id}/services", tag = "support", request_body = ServiceLogInput,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn log_service(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(case): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let input = ServiceLogInput::from_json(&body)?;
    Ok(Json(service::log_service(&state, &staff, id(&case)?, input).await?))
}

/// Record a safety check-in: safe, concern or unreachable, a note, maybe a new interval.
#[utoipa::path(post, path = "/api/v1/support-cases/{id}/check-ins", tag = "support", request_body = CheckInInput,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn check_in(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(case): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let input = CheckInInput::from_json(&body)?;
    Ok(Json(service::check_in(&state, &staff, id(&case)?, input).await?))
}

/// Record a mobile group's visit: the day, its members by agency kind, the findings.
#[utoipa::path(post, path = "/api/v1/support-cases/{id}/visits", tag = "support", request_body = VisitInput,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn visit(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(case): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let input = VisitInput::from_json(&body)?;
    Ok(Json(service::record_visit(&state, &staff, id(&case)?, input).await?))
}

/// Change the family's category (D crisis, E distressed), with a reason.
#[utoipa::path(post, path = "/api/v1/support-cases/{id}/category", tag = "support", request_body = CategoryInput,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn category(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path(case): Path<String>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let input = CategoryInput::from_json(&body)?;
    Ok(Json(service::set_category(&state, &staff, id(&case)?, input).await?))
}

/// A step of the case: `request_closure` (with an `outcome`), `approve_closure` and
/// `return_closure` (the head; returning needs a `reason`), `reopen` (with a `reason`). A step
/// not possible from the case's status is a 409.
#[utoipa::path(post, path = "/api/v1/support-cases/{id}/steps/{step}", tag = "support", request_body = Option<CaseStepInput>,
    params(("id" = Uuid, Path), ("step" = String, Path)),
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn step(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Path((case, step)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<CaseView>, AppError> {
    let step = CaseStep::parse(&step).ok_or(AppError::Domain(domain::Error::NotFound))?;
    let input = optional_body(&body, CaseStepInput::from_json)?;
    Ok(Json(service::take_step(&state, &staff, id(&case)?, step, input).await?))
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
}

/// People supported, services delivered by type (count, minutes), the median hours from
/// referral to first service, outcomes of closed cases, shelter occupancy per center. No personal
/// field. Analysts and supervisors; a center's head sees their center's. Audited.
#[utoipa::path(get, path = "/api/v1/stats/support", tag = "support", params(FigureParams),
    responses((status = 200, body = SupportFigures), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn figures(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Query(params): Query<FigureParams>,
) -> Result<Json<SupportFigures>, AppError> {
    let period = crate::service::schools::period(params.from.as_deref(), params.to.as_deref(), state.clock.now())?;
    let region = region(params.region.as_deref())?;
    Ok(Json(service::figures(&state, &staff, period, region).await?))
}
