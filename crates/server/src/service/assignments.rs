//! The agencies' work on their assignments, and the contact center's review of it: the inbox,
//! one assignment with its history, and each step (acknowledge, report, extension, forward,
//! accept, return, close, reopen). The state machine is `domain::assignment`; who may take a
//! step is `domain::policy`; every step is written with its audit event.

use super::Staff;
use crate::error::AppError;
use crate::state::AppState;
use domain::Error;
use domain::assessment::PlannedAssignment;
use domain::assignment::{ActionReportInput, AssignmentStatus, Side, Step, complaint_closed, escalation, next};
use domain::calendar::DeadlineKind;
use domain::complaint::{Complaint, Status};
use domain::error::Errors;
use domain::ids::ComplaintId;
use domain::policy::{Action, Denied, Scope, decide};
use store::assignments::{self, Assignment, HistoryEntry, InboxRow, StepChange};
use time::{Date, OffsetDateTime};

const REASON_CHARS: usize = 2_000;

/// What a step carries; each step needs some of it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StepInput {
    /// Required to return a report, to request or refuse an extension, to forward, to reopen.
    pub reason: Option<String>,
    /// `request_extension` and `grant_extension`: the new report deadline (YYYY-MM-DD), within
    /// the legal cap.
    pub until: Option<String>,
    /// `forward`: the competent agency (an id of `GET /api/v1/agencies`).
    pub to_agency_id: Option<String>,
    /// `submit_report`: the action report.
    #[schema(value_type = Option<ActionReportInput>)]
    pub report: Option<serde_json::Value>,
}

/// An agency's open assignments, the earliest deadline first (no personal field); with
/// `mine`, only those the agency head gave the caller.
pub async fn inbox(state: &AppState, staff: &Staff, limit: u32, mine: bool) -> Result<Vec<InboxRow>, AppError> {
    let grant = decide(&staff.actor, &Action::ViewInbox).map_err(Error::from)?;
    let Scope::Agency(agency_id) = grant.scope else { return Err(Error::Forbidden.into()) };
    let mut rows = assignments::inbox(&state.db, &agency_id, limit).await?;
    if mine {
        rows.retain(|r| r.officer_id == Some(staff.actor.id()));
    }
    Ok(rows)
}

/// Whether the staff member may give this agency's assignments to its officers.
pub fn may_assign(staff: &Staff, agency_id: &str) -> bool {
    decide(&staff.actor, &Action::AssignOfficer { agency_id }).is_ok()
}

/// Gives an assignment to one of the agency's officers (the agency head). Audited.
pub async fn assign_officer(
    state: &AppState,
    staff: &Staff,
    complaint_id: ComplaintId,
    agency_id: &str,
    officer_id: uuid::Uuid,
) -> Result<(), AppError> {
    match decide(&staff.actor, &Action::AssignOfficer { agency_id }) {
        Ok(_) => {}
        Err(Denied::OutOfScope) => return Err(Error::NotFound.into()),
        Err(denied) => return Err(Error::from(denied).into()),
    }
    let officer = store::users::get(&state.db, officer_id).await?;
    let colleague = officer.is_some_and(|u| !u.disabled && u.agency_id.as_deref() == Some(agency_id));
    if !colleague {
        return Err(AppError::field("officer_id", "unknown_value", "an account of this agency"));
    }
    let event =
        domain::audit::AuditEntry::new(state.clock.now(), staff.audit_actor(), domain::audit::AuditAction::AssignmentStep)
            .on("complaint", complaint_id.0)
            .with("agency_id", agency_id)
            .with("step", "assign_officer")
            .with("officer_id", officer_id.to_string());
    if !assignments::assign_officer(&state.db, &state.store_keys, complaint_id, agency_id, officer_id, event).await? {
        return Err(Error::NotFound.into());
    }
    Ok(())
}

/// One assignment with its history and its complaint (with the fields the caller may see), for
/// its agency and for the contact center. Audited as a view of the complaint (the report and
/// notes may describe the people).
pub async fn get(
    state: &AppState,
    staff: &Staff,
    complaint_id: ComplaintId,
    agency_id: &str,
) -> Result<(Complaint, Assignment, Vec<HistoryEntry>), AppError> {
    let complaint = super::complaints::get(state, staff, complaint_id).await?;
    let assignment = find(state, complaint_id, agency_id).await?;
    if !complaint.assignments.iter().any(|a| a.agency_id == agency_id) {
        return Err(Error::NotFound.into());
    }
    let history = assignments::history(&state.db, &state.store_keys, complaint_id, agency_id).await?;
    Ok((complaint, assignment, history))
}

/// Whether the staff member may take steps of `side` on this agency's assignment (for pages
/// to offer only those).
pub fn may_take(staff: &Staff, agency_id: &str, side: Side) -> bool {
    let action = match side {
        Side::Agency => Action::WorkAssignment { agency_id },
        Side::ContactCenter => Action::ReviewAssignment,
    };
    decide(&staff.actor, &action).is_ok()
}

async fn find(state: &AppState, complaint_id: ComplaintId, agency_id: &str) -> Result<Assignment, AppError> {
    let found = assignments::get(&state.db, &state.store_keys, complaint_id, agency_id).await?;
    Ok(found.ok_or(Error::NotFound)?)
}

/// Takes one step of an assignment's life; returns the assignment after it, with its history.
pub async fn take_step(
    state: &AppState,
    staff: &Staff,
    complaint_id: ComplaintId,
    agency_id: &str,
    step: Step,
    input: StepInput,
) -> Result<(Assignment, Vec<HistoryEntry>), AppError> {
    let action = match step.side() {
        Side::Agency => Action::WorkAssignment { agency_id },
        Side::ContactCenter => Action::ReviewAssignment,
    };
    match decide(&staff.actor, &action) {
        Ok(_) => {}
        // Another agency's assignment is not confirmed to exist.
        Err(Denied::OutOfScope) => return Err(Error::NotFound.into()),
        Err(denied) => return Err(Error::from(denied).into()),
    }
    let assignment = find(state, complaint_id, agency_id).await?;
    let to = next(assignment.status, step)?;
    let complaint = store::complaints::get(&state.db, &state.store_keys, complaint_id).await?.ok_or(Error::NotFound)?;
    let now = state.clock.now();
    let prepared = prepare(state, &complaint, &assignment, step, input, now)?;
    let complaint_status = complaint_status(state, &assignment, step, to).await?;
    let change = StepChange {
        complaint_id,
        agency_id: agency_id.to_owned(),
        step,
        from: assignment.status,
        to,
        at: now,
        actor: staff.audit_actor(),
        note: prepared.note,
        report: prepared.report,
        report_due_at: prepared.report_due_at,
        complaint_status,
        notify_reporter: complaint_status.is_some_and(|s| s != complaint.status) && complaint.details.reporter.may_be_contacted(),
        restart_escalation: {
            let before = escalation::deadline(assignment.status, assignment.acknowledge_due_at, assignment.report_due_at);
            let due = prepared.report_due_at.or(assignment.report_due_at);
            before != escalation::deadline(to, assignment.acknowledge_due_at, due)
        },
        forward_to: prepared.forward_to,
    };
    if !assignments::apply(&state.db, &state.store_keys, &change).await? {
        return Err(Error::Conflict("assignment_changed").into());
    }
    let history = assignments::history(&state.db, &state.store_keys, complaint_id, agency_id).await?;
    Ok((find(state, complaint_id, agency_id).await?, history))
}

/// What a step writes besides its new status.
#[derive(Default)]
struct Prepared {
    note: Option<String>,
    report: Option<String>,
    report_due_at: Option<OffsetDateTime>,
    forward_to: Option<PlannedAssignment>,
}

/// Checks what the step carries, every bad field at once.
fn prepare(
    state: &AppState,
    complaint: &Complaint,
    assignment: &Assignment,
    step: Step,
    input: StepInput,
    now: OffsetDateTime,
) -> Result<Prepared, AppError> {
    let mut errors = Errors::default();
    let mut prepared = Prepared { note: reason(&mut errors, step, input.reason), ..Default::default() };
    match step {
        Step::RequestExtension | Step::GrantExtension => {
            prepared.report_due_at = extension(state, &mut errors, complaint, assignment, input.until.as_deref());
            if step == Step::RequestExtension {
                // The agency asks; the deadline moves only when the contact center grants it.
                let asked = prepared.report_due_at.take().map(|t| domain::clock::local(t).date().to_string());
                prepared.note = Some(format!("{} {}", asked.unwrap_or_default(), prepared.note.unwrap_or_default()));
            }
        }
        Step::Forward => prepared.forward_to = forward(state, &mut errors, complaint, assignment, input.to_agency_id, now),
        Step::SubmitReport => prepared.report = report(&mut errors, input.report, domain::clock::local(now).date()),
        _ => {}
    }
    errors.finish(|| prepared).map_err(AppError::from)
}

fn reason(errors: &mut Errors, step: Step, reason: Option<String>) -> Option<String> {
    let reason = reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    let needed = matches!(step, Step::Return | Step::RequestExtension | Step::RefuseExtension | Step::Forward | Step::Reopen);
    match &reason {
        None if needed => errors.push("reason", "required", "say why"),
        Some(r) if r.chars().count() > REASON_CHARS => errors.push("reason", "too_long", "at most 2000 characters"),
        _ => {}
    }
    reason
}

/// The new report deadline: the end of the asked day, later than now's, within the legal cap.
fn extension(
    state: &AppState,
    errors: &mut Errors,
    complaint: &Complaint,
    assignment: &Assignment,
    until: Option<&str>,
) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let Some(date) = until.and_then(|u| Date::parse(u.trim(), &format).ok()) else {
        errors.push("until", "invalid_date", "a date such as 2026-12-31");
        return None;
    };
    let end_of_day = date.with_hms(23, 59, 59).expect("a valid time").assume_offset(domain::clock::KAZAKHSTAN_OFFSET);
    let current = assignment.report_due_at.unwrap_or(complaint.received_at);
    match domain::calendar::extend(&state.reference.deadlines, complaint.received_at, current, end_of_day) {
        Ok(due) => Some(due),
        Err(e) => {
            errors.push("until", "out_of_range", e.to_string());
            None
        }
    }
}

/// The receiving agency's new assignment, with fresh deadlines from now.
fn forward(
    state: &AppState,
    errors: &mut Errors,
    complaint: &Complaint,
    assignment: &Assignment,
    to: Option<String>,
    now: OffsetDateTime,
) -> Option<PlannedAssignment> {
    let to = to.map(|t| t.trim().to_owned()).unwrap_or_default();
    let Some(agency) = state.reference.agencies.get(&to) else {
        errors.push("to_agency_id", "unknown_value", "an agency id of GET /api/v1/agencies");
        return None;
    };
    if complaint.assignments.iter().any(|a| a.agency_id == to) {
        errors.push("to_agency_id", "duplicate", "this agency already has this complaint");
        return None;
    }
    let role = complaint.assignments.iter().find(|a| a.agency_id == assignment.agency_id).map(|a| a.role)?;
    let reference = &state.reference;
    let due = |kind| domain::calendar::due(&reference.calendar, &reference.deadlines, kind, complaint.priority, now);
    Some(PlannedAssignment {
        agency_id: agency.id.clone(),
        agency_kind: agency.kind,
        role,
        rule_id: format!("forwarded_from:{}", assignment.agency_id),
        acknowledge_due_at: Some(due(DeadlineKind::Acknowledgment)),
        report_due_at: Some(due(DeadlineKind::ActionReport)),
    })
}

fn report(errors: &mut Errors, report: Option<serde_json::Value>, today: Date) -> Option<String> {
    let Some(value) = report else {
        errors.push("report", "required", "the action report");
        return None;
    };
    let validated = ActionReportInput::from_json(value.to_string().as_bytes()).and_then(|input| input.validate(today));
    match validated {
        Ok(report) => Some(serde_json::to_string(&report).expect("plain data serialises")),
        Err(Error::Validation(fields)) => {
            for f in fields {
                errors.push(format!("report.{}", f.field), f.code, f.message);
            }
            None
        }
        Err(_) => {
            errors.push("report", "invalid", "expected an action report object");
            None
        }
    }
}

/// The complaint closes when every lead assignment is closed, and is open again on reopening.
async fn complaint_status(
    state: &AppState,
    assignment: &Assignment,
    step: Step,
    to: AssignmentStatus,
) -> Result<Option<Status>, AppError> {
    match step {
        Step::Close => {
            let leads = assignments::statuses_with_role(&state.db, assignment.complaint_id, "lead").await?;
            let after: Vec<_> = leads.into_iter().map(|(id, s)| if id == assignment.agency_id { to } else { s }).collect();
            Ok(complaint_closed(&after).then_some(Status::Closed))
        }
        Step::Reopen => Ok(Some(Status::Received)),
        _ => Ok(None),
    }
}

/// A new complaint is about the same situation as an earlier one: the earlier one's finished
/// lead assignments are reopened (the contact center decides this, having found it by phone or
/// IIN). Returns how many were reopened.
pub async fn relate(state: &AppState, staff: &Staff, new: ComplaintId, earlier: ComplaintId) -> Result<usize, AppError> {
    decide(&staff.actor, &Action::ReviewAssignment).map_err(Error::from)?;
    let new = store::complaints::get(&state.db, &state.store_keys, new).await?.ok_or(Error::NotFound)?;
    if new.id == earlier {
        return Err(AppError::field("earlier_id", "invalid", "a different, earlier complaint"));
    }
    let leads = assignments::statuses_with_role(&state.db, earlier, "lead").await?;
    if leads.is_empty() {
        return Err(Error::NotFound.into());
    }
    let reason = format!("new complaint {} about the same situation", new.tracking_code);
    let mut reopened = 0;
    for (agency_id, status) in leads {
        if status.steps().contains(&Step::Reopen) {
            let input = StepInput { reason: Some(reason.clone()), ..Default::default() };
            take_step(state, staff, earlier, &agency_id, Step::Reopen, input).await?;
            reopened += 1;
        }
    }
    Ok(reopened)
}
