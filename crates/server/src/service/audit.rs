//! What auditors and analysts read: the audit trail, and counts with no personal field. Both
//! readings are themselves audited.

use super::Staff;
use crate::error::AppError;
use crate::state::AppState;
use domain::Error;
use domain::audit::{AuditAction, AuditEntry};
use domain::policy::{Action, decide};
use store::audit::{AuditFilter, StoredEvent};

/// A page of events, newest first, for an auditor.
pub async fn events(state: &AppState, staff: &Staff, filter: AuditFilter) -> Result<Vec<StoredEvent>, AppError> {
    decide(&staff.actor, &Action::ReadAudit).map_err(Error::from)?;
    let events = store::audit::list(&state.db, &filter).await?;
    let entry = AuditEntry::new(state.clock.now(), staff.audit_actor(), AuditAction::AuditView);
    store::audit::append(&state.db, &state.store_keys.chain, &[entry]).await?;
    Ok(events)
}

/// Counts of complaints, with no personal field: all of them, or an agency head's agency's.
/// Audited.
pub async fn statistics(state: &AppState, staff: &Staff) -> Result<store::statistics::Statistics, AppError> {
    let grant = decide(&staff.actor, &Action::ViewStatistics).map_err(Error::from)?;
    let agency = match &grant.scope {
        domain::policy::Scope::Agency(id) => Some(id.as_str()),
        _ => None,
    };
    let statistics = store::statistics::of(&state.db, agency).await?;
    let entry = AuditEntry::new(state.clock.now(), staff.audit_actor(), AuditAction::StatisticsView);
    store::audit::append(&state.db, &state.store_keys.chain, &[entry]).await?;
    Ok(statistics)
}

/// Compliance with the deadlines, per agency and per region: analysts and supervisors see all,
/// an agency head their agency's. No personal field. Audited.
pub async fn compliance(state: &AppState, staff: &Staff) -> Result<domain::assignment::compliance::Compliance, AppError> {
    let grant = decide(&staff.actor, &Action::ViewStatistics).map_err(Error::from)?;
    let agency = match &grant.scope {
        domain::policy::Scope::Agency(id) => Some(id.as_str()),
        _ => None,
    };
    let timings = store::assignments::timings(&state.db, agency).await?;
    let entry =
        AuditEntry::new(state.clock.now(), staff.audit_actor(), AuditAction::StatisticsView).with("figures", "compliance");
    store::audit::append(&state.db, &state.store_keys.chain, &[entry]).await?;
    Ok(domain::assignment::compliance::compliance(&timings, state.clock.now()))
}
