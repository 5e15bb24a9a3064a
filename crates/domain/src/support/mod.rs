//! A family support center's work with one person or family: from the referral to closure.
//!
//! Marriage and Family Code art. 5-1 p.3 gives family support centers the coordination of
//! support for families in difficult life situations and for people showing signs of domestic
//! violence (DOMAIN.md). The contact center, or an agency working the complaint, refers the
//! person to a center with their consent: what may be shared ([`ConsentPart`]) and with whom
//! (agency kinds). The center accepts — which opens one support case — or refuses with a reason,
//! within a deadline. The case then holds what the center knows and does: the needs assessed,
//! the safety plan, the individual support plan (goals, services with a responsible specialist
//! and a due date), the services delivered, safety check-ins on a schedule, the mobile groups'
//! visits and the family's category of the Digital Family Map (D crisis, E distressed).
//!
//! Closing a case is a decision of two people: the specialist asks with an outcome, the center's
//! head approves (closes) or returns it. A closed case reopens with a reason. The rules of that
//! life live in one function, [`next`], so that the API, the pages and any job agree.
//!
//! # Transitions
//!
//! | From                | Step              | Who                    | To                  |
//! |---------------------|-------------------|------------------------|---------------------|
//! | `open`              | `request_closure` | specialist or head     | `closure_requested` |
//! | `closure_requested` | `approve_closure` | head                   | `closed`            |
//! | `closure_requested` | `return_closure`  | head                   | `open`              |
//! | `closed`            | `reopen`          | specialist or head     | `open`              |
//!
//! Refusals ([`Error::InvalidTransition`]): `case_closed` (any step but `reopen`, and any work,
//! on a closed case), `closure_requested` (`request_closure` twice), `no_closure_requested`
//! (`approve_closure` or `return_closure` of an open case), `not_closed` (`reopen` of a case
//! that is not closed).
//!
//! Personal free text (notes, plans, findings, reasons) is the store's to seal; this module only
//! validates it ([`input`]).

pub mod input;

#[cfg(test)]
mod tests;

use crate::complaint::code_list;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

pub use input::*;

/// Dates as the API and the stored JSON spell them.
pub(crate) const DATE_FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

time::serde::format_description!(iso_date, Date, DATE_FORMAT);

code_list! {
    /// What a center offers and what a support plan plans (one closed list, so that a plan can
    /// be read against what its center offers).
    SupportService {
        PsychologicalCounselling = "psychological_counselling",
        LegalAid = "legal_aid",
        SocialBenefitsApplication = "social_benefits_application",
        /// A place in the center's shelter: while in progress, it occupies one of its places.
        ShelterPlacement = "shelter_placement",
        MedicalHelp = "medical_help",
        Employment = "employment",
        ChildrensSchooling = "childrens_schooling",
    }
}

code_list! {
    /// A part of a case the person may agree to share.
    ConsentPart {
        /// How to reach the person: the referral's note.
        Contact = "contact",
        /// The needs assessed at intake.
        Assessment = "assessment",
        /// The safety plan and the individual support plan.
        Plan = "plan",
        /// The services delivered, check-ins and visits with their notes, and the reasons of
        /// category changes.
        Log = "log",
    }
}

code_list! {
    /// Where a referral stands. A pending referral past its deadline is shown `overdue`
    /// (see [`ReferralStatus::shown`]); that is not stored.
    ReferralStatus { Pending = "pending", Accepted = "accepted", Refused = "refused" }
}

impl ReferralStatus {
    /// The status as shown at `now`: `overdue` for a pending referral past its deadline.
    pub fn shown(self, decide_by: OffsetDateTime, now: OffsetDateTime) -> &'static str {
        if self == ReferralStatus::Pending && now > decide_by { "overdue" } else { self.as_str() }
    }
}

code_list! {
    /// An area of need assessed at intake.
    NeedArea {
        Safety = "safety", Housing = "housing", Income = "income", Health = "health",
        Children = "children", Legal = "legal",
    }
}

code_list! {
    /// How pressing a need is.
    NeedLevel { None = "none", Moderate = "moderate", Urgent = "urgent" }
}

code_list! {
    /// Where a planned service stands.
    ServiceStatus { Planned = "planned", InProgress = "in_progress", Delivered = "delivered", Cancelled = "cancelled" }
}

code_list! {
    /// How a safety check-in went.
    CheckInOutcome { Safe = "safe", Concern = "concern", Unreachable = "unreachable" }
}

code_list! {
    /// The family's category of the Digital Family Map the centers work from.
    FamilyCategory {
        /// Crisis.
        D = "D",
        /// Distressed.
        E = "E",
    }
}

code_list! {
    /// Why a case closes.
    Outcome {
        SafeAndStable = "safe_and_stable",
        GoalsMet = "goals_met",
        ReferredElsewhere = "referred_elsewhere",
        DeclinedFurtherSupport = "declined_further_support",
        LostContact = "lost_contact",
        MovedAway = "moved_away",
    }
}

code_list! {
    /// Where a support case stands.
    CaseStatus { Open = "open", ClosureRequested = "closure_requested", Closed = "closed" }
}

code_list! {
    /// A step of a support case's life (see the module's table).
    CaseStep {
        RequestClosure = "request_closure",
        ApproveClosure = "approve_closure",
        ReturnClosure = "return_closure",
        Reopen = "reopen",
    }
}

impl CaseStep {
    /// Whether only the center's head may take it.
    pub fn needs_head(self) -> bool {
        matches!(self, CaseStep::ApproveClosure | CaseStep::ReturnClosure)
    }
}

/// The state machine: the status after `step`, or the refusal's code.
pub fn next(status: CaseStatus, step: CaseStep) -> Result<CaseStatus, Error> {
    use CaseStatus::*;
    use CaseStep::*;
    match (status, step) {
        (Open, RequestClosure) => Ok(ClosureRequested),
        (ClosureRequested, ApproveClosure) => Ok(Closed),
        (ClosureRequested, ReturnClosure) => Ok(Open),
        (Closed, Reopen) => Ok(Open),
        (Closed, _) => Err(Error::InvalidTransition("case_closed")),
        (ClosureRequested, RequestClosure) => Err(Error::InvalidTransition("closure_requested")),
        (Open, ApproveClosure | ReturnClosure) => Err(Error::InvalidTransition("no_closure_requested")),
        (Open | ClosureRequested, Reopen) => Err(Error::InvalidTransition("not_closed")),
    }
}

/// Whether the case may be worked (assessed, planned, logged…): anything but closed, so that a
/// closure awaiting the head's decision does not stop the work.
pub fn workable(status: CaseStatus) -> Result<(), Error> {
    if status == CaseStatus::Closed { Err(Error::InvalidTransition("case_closed")) } else { Ok(()) }
}

/// When the next safety check-in is due: `interval_days` after the last one (or the opening).
pub fn next_check_in(last: OffsetDateTime, interval_days: u16) -> OffsetDateTime {
    last + Duration::days(interval_days.into())
}

/// The median of `values` (the mean of the two middle ones for an even count); `None` if empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The change of shelter places occupied when a plan replaces another: placements in progress
/// occupy a place.
pub fn shelter_change(before: Option<&Plan>, after: &Plan) -> i64 {
    let placed = |plan: &Plan| {
        plan.services().filter(|s| s.service == SupportService::ShelterPlacement && s.status == ServiceStatus::InProgress).count()
    };
    i64::try_from(placed(after)).unwrap_or(0) - before.map(|p| i64::try_from(placed(p)).unwrap_or(0)).unwrap_or(0)
}

/// A center's profile in the registry (its agency id, name and region are the directory's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CenterProfile {
    pub address: String,
    pub services: Vec<SupportService>,
    /// How many people it can support at once.
    pub capacity: u32,
    pub shelter_places: u32,
    pub shelter_occupied: u32,
}

/// What may be shared of a case, and with whom.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Consent {
    /// Agency kinds that may see the parts (besides the center and the contact center).
    pub share_with: Vec<crate::routing::AgencyKind>,
    pub parts: Vec<ConsentPart>,
}

/// A validated referral.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReferral {
    pub complaint_id: Uuid,
    pub center_id: String,
    pub consent: Consent,
    /// How to reach the person and what the center should know (sealed).
    pub note: Option<String>,
}

/// One area's need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Need {
    pub area: NeedArea,
    pub level: NeedLevel,
    pub note: Option<String>,
}

/// The intake assessment: every area, in the order of [`NeedArea::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    pub needs: Vec<Need>,
}

/// A service planned for a goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlannedService {
    pub service: SupportService,
    /// An account of the center.
    pub responsible_id: Uuid,
    /// `YYYY-MM-DD`.
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub status: ServiceStatus,
}

/// A goal of the individual support plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Goal {
    pub goal: String,
    pub services: Vec<PlannedService>,
}

/// The individual support plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Plan {
    pub goals: Vec<Goal>,
}

impl Plan {
    pub fn services(&self) -> impl Iterator<Item = &PlannedService> {
        self.goals.iter().flat_map(|g| g.services.iter())
    }
}

/// A service delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDelivery {
    pub service: SupportService,
    pub on: Date,
    pub minutes: u16,
    pub note: Option<String>,
}

/// A safety check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub outcome: CheckInOutcome,
    pub note: Option<String>,
    /// A new interval between check-ins, if it changes.
    pub interval_days: Option<u16>,
}

/// A member of a mobile group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub agency_kind: crate::routing::AgencyKind,
    pub name: Option<String>,
    pub role: Option<String>,
}

/// A mobile group's visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Visit {
    #[serde(with = "iso_date")]
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub members: Vec<Member>,
    pub findings: String,
}

/// A change of the family's category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryChange {
    pub category: FamilyCategory,
    pub reason: String,
}

/// What a step carries: the outcome of a closure asked, the reason of a return or a reopening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDetails {
    pub outcome: Option<Outcome>,
    pub reason: Option<String>,
}
