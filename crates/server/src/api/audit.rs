//! `/api/v1/audit`: the audit trail, for auditors.

use super::errors::ErrorBody;
use super::extract::StaffCaller;
use crate::error::AppError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use domain::audit::{ActorType, AuditAction};
use domain::error::Errors;
use serde::{Deserialize, Serialize};
use store::audit::{AuditFilter, StoredEvent};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

/// Filters. Times are RFC 3339.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub since: Option<String>,
    pub until: Option<String>,
    /// A user's or token's id.
    pub actor_id: Option<String>,
    /// user, token, public, system
    pub actor_kind: Option<String>,
    /// e.g. `complaint.view`, `sign_in.failed`.
    pub action: Option<String>,
    /// A complaint's, user's or token's id.
    pub record_id: Option<String>,
    /// `next_before` of the previous page.
    pub before: Option<i64>,
    /// 1 to 500, default 100.
    pub limit: Option<u32>,
}

impl AuditParams {
    /// The store's filter, or every bad field.
    pub fn filter(self) -> Result<AuditFilter, AppError> {
        let mut errors = Errors::default();
        let mut time = |field: &str, value: Option<String>| {
            value.and_then(|t| {
                let parsed = OffsetDateTime::parse(&t, &Rfc3339).ok();
                if parsed.is_none() {
                    errors.push(field, "invalid", "expected an RFC 3339 time");
                }
                parsed
            })
        };
        let since = time("since", self.since);
        let until = time("until", self.until);
        let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let actor_id = blank(self.actor_id).map(|id| uuid::Uuid::parse_str(id.trim()));
        let filter = AuditFilter {
            since,
            until,
            actor_id: actor_id.and_then(|r| r.map_err(|_| errors.push("actor_id", "invalid", "expected an id")).ok()),
            actor_kind: blank(self.actor_kind)
                .and_then(|k| ActorType::parse(&k).or_else(|| bad(&mut errors, "actor_kind", ActorType::codes()))),
            action: blank(self.action)
                .and_then(|a| AuditAction::parse(&a).or_else(|| bad(&mut errors, "action", AuditAction::codes()))),
            record_id: blank(self.record_id).map(|r| r.trim().to_owned()),
            before: self.before,
            limit: self.limit.unwrap_or(100).clamp(1, 500),
        };
        Ok(errors.finish(|| filter)?)
    }
}

fn bad<T>(errors: &mut Errors, field: &str, codes: String) -> Option<T> {
    errors.push(field, "unknown_value", format!("expected one of: {codes}"));
    None
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<StoredEvent>,
    /// Pass as `before` for the next (older) page.
    pub next_before: Option<i64>,
}

/// Browse the audit trail, newest first (auditors). Reading it is itself audited.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn events(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
    Query(params): Query<AuditParams>,
) -> Result<Json<AuditPage>, AppError> {
    let filter = params.filter()?;
    let limit = filter.limit as usize;
    let items = crate::service::audit::events(&state, &staff, filter).await?;
    let next_before = (items.len() == limit).then(|| items.last().map(|e| e.seq)).flatten();
    Ok(Json(AuditPage { items, next_before }))
}

/// Counts of complaints by region, channel, status, risk and primary category: no personal
/// field. Analysts and supervisors see all; an agency head, their agency's. Audited.
#[utoipa::path(get, path = "/api/v1/statistics", tag = "audit",
    responses((status = 200, body = store::statistics::Statistics), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn statistics(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
) -> Result<Json<store::statistics::Statistics>, AppError> {
    Ok(Json(crate::service::audit::statistics(&state, &staff).await?))
}

/// Compliance with the law's deadlines, per agency and per region: acknowledged and reported on
/// time (%), overdue now, median minutes to acknowledge and to report. Analysts and
/// supervisors see all; an agency head, their agency's. Audited.
#[utoipa::path(get, path = "/api/v1/stats/compliance", tag = "audit",
    responses((status = 200, body = domain::assignment::compliance::Compliance), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("staff_token" = [])))]
pub async fn compliance(
    State(state): State<AppState>,
    StaffCaller(staff): StaffCaller,
) -> Result<Json<domain::assignment::compliance::Compliance>, AppError> {
    Ok(Json(crate::service::audit::compliance(&state, &staff).await?))
}
