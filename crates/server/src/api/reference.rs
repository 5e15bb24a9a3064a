//! The reference data, read-only: the taxonomy, the agencies, a year's calendar, and the
//! assessment preview (`POST /api/v1/triage`). Open to anyone: nothing here is personal, and
//! a preview stores nothing.

use super::errors::ErrorBody;
use crate::error::AppError;
use crate::service::complaints::{self as service, Preview};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use domain::calendar::DayOff;
use domain::complaint::ComplaintInput;
use domain::routing::Agency;
use domain::taxonomy::Category;
use serde::Serialize;
use utoipa::ToSchema;

/// Assess a complaint without storing it.
///
/// Takes the same body as `POST /api/v1/complaints` (channel, language and narrative may be
/// left out) and returns what intake would decide now: the risk level with its reasons, the
/// categories (suggested from the answers when none are given), the priority, and each agency
/// that must act with the rule that chose it and its deadlines.
#[utoipa::path(
    post, path = "/api/v1/triage", tag = "triage",
    request_body = ComplaintInput,
    responses((status = 200, body = Preview), (status = 422, body = ErrorBody))
)]
pub async fn triage(State(state): State<AppState>, body: Bytes) -> Result<Json<Preview>, AppError> {
    let input = ComplaintInput::from_json(&body)?;
    Ok(Json(service::preview(&state, input)?))
}

#[derive(Serialize, ToSchema)]
pub struct TaxonomyBody {
    pub version: String,
    pub categories: Vec<Category>,
}

/// The categories of complaints, with their legal basis (unconfirmed articles marked).
#[utoipa::path(get, path = "/api/v1/taxonomy", tag = "reference", responses((status = 200, body = TaxonomyBody)))]
pub async fn taxonomy(State(state): State<AppState>) -> Json<TaxonomyBody> {
    let taxonomy = &state.reference.taxonomy;
    Json(TaxonomyBody { version: taxonomy.version().to_owned(), categories: taxonomy.categories().to_vec() })
}

#[derive(Serialize, ToSchema)]
pub struct AgenciesBody {
    pub agencies: Vec<Agency>,
}

/// The agencies complaints are routed to, by region.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "reference", responses((status = 200, body = AgenciesBody)))]
pub async fn agencies(State(state): State<AppState>) -> Json<AgenciesBody> {
    Json(AgenciesBody { agencies: state.reference.agencies.agencies().to_vec() })
}

#[derive(Serialize, ToSchema)]
pub struct CalendarBody {
    pub year: i32,
    /// Whether the year's religious days off and transfers are recorded (else only the fixed holidays count).
    pub complete: bool,
    /// Days off other than ordinary weekends.
    pub days_off: Vec<DayOff>,
    /// Saturdays and Sundays made working days by a transfer.
    #[schema(value_type = Vec<String>)]
    pub working_weekend_days: Vec<String>,
}

/// The working-day calendar of a year (Asia/Almaty).
#[utoipa::path(
    get, path = "/api/v1/calendar/{year}", tag = "reference",
    params(("year" = i32, Path, example = 2026)),
    responses((status = 200, body = CalendarBody), (status = 422, body = ErrorBody))
)]
pub async fn calendar(State(state): State<AppState>, Path(year): Path<String>) -> Result<Json<CalendarBody>, AppError> {
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| AppError::field("year", "out_of_range", "expected a year from 2000 to 2100"))?;
    let calendar = &state.reference.calendar;
    Ok(Json(CalendarBody {
        year,
        complete: calendar.years_with_data().contains(&year),
        days_off: calendar.days_off(year),
        working_weekend_days: calendar.working_weekend_days(year).iter().map(|d| d.to_string()).collect(),
    }))
}
