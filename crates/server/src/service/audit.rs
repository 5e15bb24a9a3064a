//! The auditor's reading of the audit trail (itself audited), and the chain's check.

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
