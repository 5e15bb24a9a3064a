//! Evidence of a complaint and of the agencies' work on it: files (photos, screenshots, PDFs)
//! and links to posts with the time they were captured.
//!
//! Who may see it is who may see the complaint (`policy::Action::ViewEvidence`): a complaint
//! out of the caller's reach is "not found" here as it is in `complaints::get`, so that
//! evidence cannot confirm that a complaint exists. Who may add is narrower
//! (`Action::AddEvidence`): the contact center to the complaint, an agency to its own
//! assignment (its action report), a school to the complaints it reported; one who may see the
//! complaint but not add is refused (403), as they already know it exists.
//!
//! A file's type and size are checked on its bytes (`domain::evidence::check_upload`) after
//! the permission, so that a refusal by type never tells an outsider anything. Files go to the
//! store sealed and content-addressed, in `AppState::evidence_dir`.
//!
//! Every look is audited (`evidence.view`) before anything is returned: [`view`] for one file
//! (or link), and [`list`] too, because a listing shows the links' addresses (staff need them
//! to work; an address may name a person). An empty listing shows nothing and is not audited.

use super::Staff;
use crate::error::AppError;
use crate::state::AppState;
use domain::Error;
use domain::audit::{AuditAction, AuditEntry};
use domain::complaint::Complaint;
use domain::evidence::{EvidenceLinkInput, check_upload};
use domain::ids::{ComplaintId, EvidenceId};
use domain::policy::{Action, Denied, RecordScope, decide};
use store::evidence::{self, Attach, EvidenceItem};

/// Attaches a file to a complaint (`agency_id: None`) or to an agency's assignment of it;
/// returns its id. The type is read from the bytes; the name the file had plays no part.
pub async fn add_file(
    state: &AppState,
    staff: &Staff,
    complaint_id: ComplaintId,
    agency_id: Option<&str>,
    bytes: &[u8],
) -> Result<EvidenceId, AppError> {
    may_add(state, staff, complaint_id, agency_id).await?;
    let media_type = check_upload(bytes)?;
    let actor = staff.audit_actor();
    let attach = Attach { complaint_id, agency_id, added_by: &actor, at: state.clock.now() };
    let id = evidence::store_file(&state.db, &state.store_keys, &state.evidence_dir, &attach, media_type, bytes).await?;
    metrics::counter!("qorgau_evidence_added_total", "kind" => "file").increment(1);
    Ok(id)
}

/// Records a link to a post with the time it was captured; returns its id.
pub async fn add_link(
    state: &AppState,
    staff: &Staff,
    complaint_id: ComplaintId,
    agency_id: Option<&str>,
    input: EvidenceLinkInput,
) -> Result<EvidenceId, AppError> {
    may_add(state, staff, complaint_id, agency_id).await?;
    let now = state.clock.now();
    let link = input.validate(now)?;
    let actor = staff.audit_actor();
    let attach = Attach { complaint_id, agency_id, added_by: &actor, at: now };
    let id = evidence::add_link(&state.db, &state.store_keys, &attach, &link).await?;
    metrics::counter!("qorgau_evidence_added_total", "kind" => "link").increment(1);
    Ok(id)
}

/// A complaint's evidence, oldest first: files described (no bytes), links with their
/// addresses. Audited as a view when anything is listed.
pub async fn list(state: &AppState, staff: &Staff, complaint_id: ComplaintId) -> Result<Vec<EvidenceItem>, AppError> {
    may_view(state, staff, complaint_id).await?;
    let items = evidence::list_for_complaint(&state.db, &state.store_keys, complaint_id).await?;
    if !items.is_empty() {
        let event = viewed(state, staff, complaint_id).with("via", "list").with("count", items.len());
        store::audit::append(&state.db, &state.store_keys.chain, &[event]).await?;
    }
    Ok(items)
}

/// One piece of evidence with a file's bytes (empty for a link), audited before it is
/// returned. A file missing or damaged on disk is a failure of ours (500), never shown.
pub async fn view(state: &AppState, staff: &Staff, evidence_id: EvidenceId) -> Result<(EvidenceItem, Vec<u8>), AppError> {
    let item = evidence::get(&state.db, &state.store_keys, evidence_id).await?.ok_or(Error::NotFound)?;
    may_view(state, staff, item.complaint_id).await?;
    let (item, bytes) = match item.kind() {
        domain::evidence::EvidenceKind::Link => (item, Vec::new()),
        domain::evidence::EvidenceKind::File => {
            let read = evidence::read_file(&state.db, &state.store_keys, &state.evidence_dir, evidence_id).await?;
            read.ok_or(Error::NotFound)?
        }
    };
    let event = viewed(state, staff, item.complaint_id).with("via", "open").with("evidence_id", evidence_id.to_string());
    store::audit::append(&state.db, &state.store_keys.chain, &[event]).await?;
    Ok((item, bytes))
}

/// Whether the staff member may add evidence to this complaint, there (for pages to offer
/// the forms only to those who may use them).
pub fn may_add_to(staff: &Staff, complaint: &Complaint, agency_id: Option<&str>) -> bool {
    let agencies = agencies(complaint);
    let record = record(complaint, &agencies);
    decide(&staff.actor, &Action::AddEvidence { record, agency_id }).is_ok()
}

/// The `evidence.view` event of a look at a complaint's evidence (ids and codes only).
fn viewed(state: &AppState, staff: &Staff, complaint_id: ComplaintId) -> AuditEntry {
    AuditEntry::new(state.clock.now(), staff.audit_actor(), AuditAction::EvidenceView).on("complaint", complaint_id.0)
}

/// The complaint, if the staff member may see its evidence; "not found" otherwise.
async fn may_view(state: &AppState, staff: &Staff, complaint_id: ComplaintId) -> Result<Complaint, AppError> {
    let complaint = store::complaints::get(&state.db, &state.store_keys, complaint_id).await?.ok_or(Error::NotFound)?;
    let agencies = agencies(&complaint);
    decide(&staff.actor, &Action::ViewEvidence(record(&complaint, &agencies))).map_err(|_| Error::NotFound)?;
    Ok(complaint)
}

/// Refuses one who may not see the complaint as "not found", one who sees it but may not add
/// there as forbidden, and an assignment the complaint does not have as "not found". A closed
/// complaint takes no more evidence (a conflict: reopen it first), so that retention, which
/// erases a closed complaint's evidence once, never leaves a later addition behind.
async fn may_add(state: &AppState, staff: &Staff, complaint_id: ComplaintId, agency_id: Option<&str>) -> Result<(), AppError> {
    let complaint = may_view(state, staff, complaint_id).await?;
    let agencies = agencies(&complaint);
    if agency_id.is_some_and(|id| !agencies.contains(&id)) {
        return Err(Error::NotFound.into());
    }
    let action = Action::AddEvidence { record: record(&complaint, &agencies), agency_id };
    decide(&staff.actor, &action).map_err(|_: Denied| Error::Forbidden)?;
    if complaint.status == domain::complaint::Status::Closed {
        return Err(Error::Conflict("complaint_closed").into());
    }
    Ok(())
}

fn agencies(complaint: &Complaint) -> Vec<&str> {
    complaint.assignments.iter().map(|a| a.agency_id.as_str()).collect()
}

fn record<'a>(complaint: &'a Complaint, agencies: &'a [&'a str]) -> RecordScope<'a> {
    RecordScope {
        agencies,
        institution_id: complaint.institution_id.as_deref(),
        reporter_contactable: complaint.details.reporter.may_be_contacted(),
    }
}

/// A link as the API and the form give it: the capture time already read (`None` when it
/// could not be). Every bad field is reported at once: an unreadable time with a bad address.
pub fn link_input(url: String, captured_at: Option<time::OffsetDateTime>) -> Result<EvidenceLinkInput, AppError> {
    match captured_at {
        Some(captured_at) => Ok(EvidenceLinkInput { url, captured_at }),
        None => {
            // Checked with a time that is always accepted, to learn only about the address.
            let earliest = domain::evidence::EARLIEST_CAPTURE;
            let mut fields = match (EvidenceLinkInput { url, captured_at: earliest }).validate(earliest) {
                Err(Error::Validation(fields)) => fields,
                _ => Vec::new(),
            };
            fields.push(domain::FieldError::new("captured_at", "invalid_date", "a time such as 2026-11-25T14:30:00+05:00"));
            Err(Error::Validation(fields).into())
        }
    }
}
