//! An assignment: one agency's share of the work on a complaint, and its life as a state machine.
//!
//! The contact center routes a complaint to the competent agencies (police, guardianship,
//! health, …); each gets an assignment. The law obliges an agency to take up what it is sent
//! and to say what it did, within deadlines, and the contact center to check that answer
//! before the applicant is told the case is dealt with. So an assignment is a short
//! conversation between two sides ([`Side`]): the agency acknowledges, works, maybe asks for
//! more time or hands the case on, and reports; the contact center decides on extensions and
//! accepts or returns the report, and closes (or reopens) the assignment.
//!
//! The rules live in one function, [`next`], so that the API, the staff pages and the
//! escalation job cannot disagree about what may happen next; [`AssignmentStatus::steps`]
//! lists the same rules for pages to offer only the steps that can succeed.
//!
//! # Transitions
//!
//! | From                 | Step                | Side           | To                   |
//! |----------------------|---------------------|----------------|----------------------|
//! | `pending`            | `acknowledge`       | agency         | `acknowledged`       |
//! | `pending`            | `forward`           | agency         | `forwarded`          |
//! | `pending`            | `submit_report`     | agency         | `reported` (¹)       |
//! | `acknowledged`       | `request_extension` | agency         | `extension_requested`|
//! | `acknowledged`       | `forward`           | agency         | `forwarded`          |
//! | `acknowledged`       | `submit_report`     | agency         | `reported`           |
//! | `extension_requested`| `grant_extension`   | contact center | `acknowledged` (²)   |
//! | `extension_requested`| `refuse_extension`  | contact center | `acknowledged` (²)   |
//! | `extension_requested`| `submit_report`     | agency         | `reported` (³)       |
//! | `returned`           | `request_extension` | agency         | `extension_requested`|
//! | `returned`           | `submit_report`     | agency         | `reported`           |
//! | `reported`           | `accept`            | contact center | `accepted`           |
//! | `reported`           | `return`            | contact center | `returned`           |
//! | `accepted`           | `close`             | contact center | `closed`             |
//! | `accepted`           | `reopen`            | contact center | `acknowledged` (⁴)   |
//! | `closed`             | `reopen`            | contact center | `acknowledged` (⁴)   |
//!
//! Nothing else is possible; in particular `forwarded` is final (the receiving agency gets an
//! assignment of its own, which carries on), and `closed` only reopens.
//!
//! 1. An agency that acts at once and reports without acknowledging first has plainly taken
//!    the complaint up: the report counts as the acknowledgment (the caller records both).
//! 2. Granted or refused, the agency is back at work: only the deadline differs (see
//!    [`crate::calendar::extend`]). An extension asked after a return also comes back to
//!    `acknowledged`: the return's reason stays in the assignment's history.
//! 3. A report sent while an extension is awaited answers the request: there is nothing left
//!    to extend, and the agency is not held back by a decision it no longer needs.
//! 4. A new complaint about the same situation, or an applicant who disputes the outcome,
//!    puts the agency back to work; it has already taken the case up, so not `pending`.
//!
//! # Refusals
//!
//! A step that is not in the table is refused with [`Error::InvalidTransition`] and a stable
//! code saying what the step needs (the pages translate it):
//!
//! | Code                    | When                                                              |
//! |-------------------------|-------------------------------------------------------------------|
//! | `assignment_forwarded`  | any step on a forwarded assignment                                |
//! | `assignment_closed`     | any step but `reopen` on a closed assignment                      |
//! | `not_pending`           | `acknowledge` on an assignment already taken up                   |
//! | `not_acknowledged`      | `request_extension` before the assignment is acknowledged         |
//! | `not_in_work`           | `request_extension` or `submit_report` once the report is in      |
//! | `extension_pending`     | `request_extension` or `forward` while an extension is awaited    |
//! | `no_extension_requested`| `grant_extension` or `refuse_extension` with no request awaited   |
//! | `report_submitted`      | `forward` once a report was submitted                             |
//! | `no_report_to_review`   | `accept` or `return` with no report awaiting review               |
//! | `not_accepted`          | `close` before the report is accepted                             |
//! | `not_finished`          | `reopen` of an assignment neither accepted nor closed             |

pub mod compliance;
pub mod escalation;
pub mod report;

#[cfg(test)]
mod tests;

pub use report::{Action, ActionKind, ActionReport, ActionReportInput};

use crate::complaint::code_list;
use crate::error::Error;

code_list! {
    /// Where an assignment stands.
    AssignmentStatus {
        /// New: routed to the agency, not yet acknowledged.
        Pending = "pending",
        /// Taken up by the agency, which is working on it.
        Acknowledged = "acknowledged",
        /// The agency asked for a later deadline; the contact center has not decided yet.
        ExtensionRequested = "extension_requested",
        /// The action report was submitted and awaits the contact center's review.
        Reported = "reported",
        /// The report was returned for rework, with a reason.
        Returned = "returned",
        /// The contact center accepted the report.
        Accepted = "accepted",
        /// Handed to another competent agency, which gets its own new assignment.
        Forwarded = "forwarded",
        Closed = "closed",
    }
}

code_list! {
    /// What one side does to an assignment.
    Step {
        Acknowledge = "acknowledge",
        RequestExtension = "request_extension",
        GrantExtension = "grant_extension",
        RefuseExtension = "refuse_extension",
        Forward = "forward",
        SubmitReport = "submit_report",
        Accept = "accept",
        Return = "return",
        Close = "close",
        Reopen = "reopen",
    }
}

/// Who takes a step: the agency working the assignment, or the contact center reviewing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Agency,
    ContactCenter,
}

impl Step {
    /// Who may take this step.
    pub fn side(self) -> Side {
        match self {
            Step::Acknowledge | Step::RequestExtension | Step::Forward | Step::SubmitReport => Side::Agency,
            Step::GrantExtension | Step::RefuseExtension | Step::Accept | Step::Return | Step::Close | Step::Reopen => {
                Side::ContactCenter
            }
        }
    }
}

impl AssignmentStatus {
    /// Whether the agency still owes something (for inboxes and escalation): taking the
    /// assignment up, or its report. A requested extension does not stop the clock until it
    /// is granted, so it stays open too.
    pub fn is_open(self) -> bool {
        use AssignmentStatus::*;
        matches!(self, Pending | Acknowledged | ExtensionRequested | Returned)
    }

    /// Steps possible from here (for pages to offer only those), in the order of [`Step::ALL`].
    /// Exactly the steps for which [`next`] succeeds.
    pub fn steps(self) -> &'static [Step] {
        use AssignmentStatus::*;
        use Step::*;
        match self {
            Pending => &[Acknowledge, Forward, SubmitReport],
            Acknowledged => &[RequestExtension, Forward, SubmitReport],
            ExtensionRequested => &[GrantExtension, RefuseExtension, SubmitReport],
            Returned => &[RequestExtension, SubmitReport],
            Reported => &[Accept, Return],
            Accepted => &[Close, Reopen],
            Closed => &[Reopen],
            Forwarded => &[],
        }
    }
}

/// The state machine: the status after `step`, or [`Error::InvalidTransition`] with a stable
/// code (see the module's tables). Who may take the step ([`Step::side`]) is for the caller's
/// access policy to check.
pub fn next(status: AssignmentStatus, step: Step) -> Result<AssignmentStatus, Error> {
    use AssignmentStatus::*;
    use Step::*;
    match (status, step) {
        (Pending, Acknowledge) => Ok(Acknowledged),
        (Pending | Acknowledged, Forward) => Ok(Forwarded),
        (Acknowledged | Returned, RequestExtension) => Ok(ExtensionRequested),
        (ExtensionRequested, GrantExtension | RefuseExtension) => Ok(Acknowledged),
        (Pending | Acknowledged | ExtensionRequested | Returned, SubmitReport) => Ok(Reported),
        (Reported, Accept) => Ok(Accepted),
        (Reported, Return) => Ok(Returned),
        (Accepted, Close) => Ok(Closed),
        (Accepted | Closed, Reopen) => Ok(Acknowledged),
        _ => Err(Error::InvalidTransition(refusal(status, step))),
    }
}

/// The code of a refused step: the final statuses first, then what the step needs.
fn refusal(status: AssignmentStatus, step: Step) -> &'static str {
    use AssignmentStatus::*;
    use Step::*;
    match (status, step) {
        (Forwarded, _) => "assignment_forwarded",
        (Closed, _) => "assignment_closed",
        (_, Acknowledge) => "not_pending",
        (ExtensionRequested, RequestExtension | Forward) => "extension_pending",
        (Pending, RequestExtension) => "not_acknowledged",
        (_, RequestExtension | SubmitReport) => "not_in_work",
        (_, GrantExtension | RefuseExtension) => "no_extension_requested",
        (_, Forward) => "report_submitted",
        (_, Accept | Return) => "no_report_to_review",
        (_, Close) => "not_accepted",
        (_, Reopen) => "not_finished",
    }
}

/// Whether a complaint is dealt with, from the statuses of its lead assignments (role
/// [`crate::routing::Role::Lead`]: the agencies that handle it, not those supporting or
/// merely informed).
///
/// Every lead must be closed or forwarded, and at least one closed. A forwarded assignment is
/// done for its agency: the receiving agency's new assignment takes over its lead, and the
/// caller passes that one among the leads. When every lead is forwarded, nobody has reported
/// yet, so the complaint stays open. An empty list is not closed: a complaint nobody was
/// assigned to has not been dealt with.
pub fn complaint_closed(lead_statuses: &[AssignmentStatus]) -> bool {
    use AssignmentStatus::*;
    lead_statuses.iter().all(|s| matches!(s, Closed | Forwarded)) && lead_statuses.contains(&Closed)
}
