//! Who may do what: the one place that decides.
//!
//! The records are about victims of violence, many of them children, so access is least
//! privilege: every actor reaches only the complaints their work needs, and sees only the
//! fields their role needs. Handlers and services never decide by themselves; they ask
//! [`decide`] and do what the [`Grant`] says (list in its [`Scope`], show its [`Fields`]).
//! Being a pure function of (actor, action), it is tested as a table, role by role.

use crate::complaint::{Channel, Complaint, Reporter, code_list};
use crate::routing::AgencyKind;
use crate::support::ConsentPart;
use uuid::Uuid;

code_list! {
    /// What a staff account does. Each role sees only what its work needs.
    StaffRole {
        /// Manages accounts and tokens; sees no complaint.
        Administrator = "administrator",
        /// Takes calls and messages at the contact center; registers and reads complaints.
        Operator = "operator",
        /// Leads a shift of operators; also sees statistics.
        Supervisor = "supervisor",
        /// Works the complaints assigned to their agency.
        AgencyOfficer = "agency_officer",
        /// Heads an agency: its complaints and its statistics.
        AgencyHead = "agency_head",
        /// A family support center's specialist: the complaints assigned to the center.
        FamilySupportSpecialist = "family_support_specialist",
        /// An account of a school or another educational institution: reports at once, and
        /// sees its own reports.
        SchoolReporter = "school_reporter",
        /// Aggregates only, never a personal field.
        Analyst = "analyst",
        /// Reads and exports the audit trail.
        Auditor = "auditor",
    }
}

impl StaffRole {
    /// Whether an account with this role must belong to an agency.
    pub fn needs_agency(self) -> bool {
        matches!(self, StaffRole::AgencyOfficer | StaffRole::AgencyHead | StaffRole::FamilySupportSpecialist)
    }

    /// Whether an account with this role must belong to an educational institution.
    pub fn needs_institution(self) -> bool {
        self == StaffRole::SchoolReporter
    }
}

code_list! {
    /// What an agency system's API token may do, named when the token is issued.
    Permission {
        /// Read the complaints assigned to the token's agency.
        ReadComplaints = "complaints:read",
        /// Refer a complaint to the contact center (channel `agency_referral`).
        SubmitComplaints = "complaints:submit",
        /// Work the agency's assignments: acknowledge, report, request extensions, forward.
        WorkAssignments = "assignments:work",
    }
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    /// The agency the actor belongs to (agency roles and agency systems).
    pub agency_id: Option<String>,
    /// The educational institution the actor belongs to (school reporters).
    pub institution_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// A person signed in with their account.
    User { id: Uuid, role: StaffRole },
    /// An agency's system, with an API token limited to named permissions.
    AgencySystem { token_id: Uuid, permissions: Vec<Permission> },
}

impl Actor {
    pub fn user(id: Uuid, role: StaffRole, agency_id: Option<String>, institution_id: Option<String>) -> Actor {
        Actor { kind: ActorKind::User { id, role }, agency_id, institution_id }
    }

    /// The operator of demo mode, who signs in with the bootstrap token (id nil).
    pub fn demo_operator() -> Actor {
        Actor::user(Uuid::nil(), StaffRole::Operator, None, None)
    }

    pub fn role(&self) -> Option<StaffRole> {
        match self.kind {
            ActorKind::User { role, .. } => Some(role),
            ActorKind::AgencySystem { .. } => None,
        }
    }

    /// The user's or the token's id, for the audit trail.
    pub fn id(&self) -> Uuid {
        match self.kind {
            ActorKind::User { id, .. } => id,
            ActorKind::AgencySystem { token_id, .. } => token_id,
        }
    }

    fn may(&self, permission: Permission) -> bool {
        matches!(&self.kind, ActorKind::AgencySystem { permissions, .. } if permissions.contains(&permission))
    }
}

/// What a complaint is, as far as access goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordScope<'a> {
    /// The agencies the complaint is assigned to.
    pub agencies: &'a [&'a str],
    /// The institution that reported it, if a school did.
    pub institution_id: Option<&'a str>,
    /// Whether the reporter consented to be contacted and said it is safe.
    pub reporter_contactable: bool,
}

/// What an actor asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Register a complaint that came by this channel.
    SubmitComplaint(Channel),
    /// List complaints (the grant's scope says which).
    ListComplaints,
    /// Read one complaint.
    ViewComplaint(RecordScope<'a>),
    /// Counts by region, category, status: no personal field.
    ViewStatistics,
    /// Browse the audit trail.
    ReadAudit,
    /// Export the audit trail (breach notification).
    ExportAudit,
    /// Create accounts, change roles, lock and unlock.
    ManageUsers,
    /// Issue and revoke agency systems' API tokens.
    ManageTokens,
    /// Import and correct the registry of educational institutions.
    ManageInstitutions,
    /// Print an institution's QR poster (its code leads to that school's report form): any
    /// staff member, a school only its own, so that no school posts another's code.
    ViewInstitutionPoster { bin: &'a str },
    /// Change one's own password, sign out.
    ManageOwnAccount,
    /// See an agency's inbox of assignments (the grant's scope names the agency).
    ViewInbox,
    /// Take an agency's step on its assignment (acknowledge, report, extension, forward).
    WorkAssignment { agency_id: &'a str },
    /// Take the contact center's step (accept or return a report, decide an extension, close,
    /// reopen).
    ReviewAssignment,
    /// Give an agency's assignment to one of its officers (the agency head).
    AssignOfficer { agency_id: &'a str },
    /// List a complaint's evidence and open its files: whoever may read the complaint.
    ViewEvidence(RecordScope<'a>),
    /// Attach a file or a link to a complaint (`agency_id: None`) or to an agency's work on it,
    /// for its action report (`Some`: that agency's assignment).
    AddEvidence { record: RecordScope<'a>, agency_id: Option<&'a str> },
    /// Set a family support center's profile in the registry (administrators).
    ManageCenters,
    /// Read the registry of family support centers (no personal field).
    ViewCenters,
    /// Set the shelter places a center occupies now (its head).
    SetOccupancy { center_id: &'a str },
    /// Refer a complaint's person to a family support center; `agencies` are those the
    /// complaint is assigned to.
    Refer { agencies: &'a [&'a str] },
    /// Accept or refuse a referral to this center.
    DecideReferral { center_id: &'a str },
    /// See referrals (the grant's scope: one center's inbox, or all for the contact center).
    ViewReferrals,
    /// Work a support case of this center: assess, plan, log, check in, ask for closure, reopen.
    WorkSupportCase { center_id: &'a str },
    /// Approve or return the closure of a support case of this center (its head).
    ApproveClosure { center_id: &'a str },
    /// See a support case; which of its parts: [`case_access`].
    ViewSupportCase(CaseScope<'a>),
}

/// What a support case is, as far as access goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseScope<'a> {
    /// The center that works it.
    pub center_id: &'a str,
    /// The agencies the case's complaint is assigned to, with their kinds.
    pub assigned: &'a [(&'a str, AgencyKind)],
    /// The person's consent: the agency kinds it shares with, and the parts.
    pub share_with: &'a [AgencyKind],
    pub parts: &'a [ConsentPart],
}

/// What of a support case an actor may see and do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAccess {
    /// The personal parts shown; the summary (status, category, services, schedule, outcome)
    /// goes with any access.
    pub parts: Vec<ConsentPart>,
    /// Whether the actor works the case (its center's specialists and head).
    pub work: bool,
}

/// Who sees what of a support case. The person's consent is enforced here, once:
///
/// - the center's specialists and head see every part and work the case;
/// - the contact center (operators, supervisors) made or received the referral and follows the
///   family until the crisis is resolved (DOMAIN.md): it sees the summary always, and the
///   personal parts the consent names;
/// - an agency officer or head whose agency is assigned to the complaint sees the summary and
///   the consented parts **only if the consent shares with their agency's kind**. Otherwise
///   they get nothing — not even that a case exists ([`Denied::OutOfScope`], a 404): a consent
///   that excludes the police keeps the police out of the case entirely;
/// - a specialist of another center, and every other role, gets nothing.
pub fn case_access(actor: &Actor, case: &CaseScope) -> Result<CaseAccess, Denied> {
    use StaffRole::*;
    let ActorKind::User { role, .. } = actor.kind else { return Err(Denied::Role) };
    let consented = || CaseAccess { parts: case.parts.to_vec(), work: false };
    match role {
        FamilySupportSpecialist | AgencyHead if actor.agency_id.as_deref() == Some(case.center_id) => {
            Ok(CaseAccess { parts: ConsentPart::ALL.to_vec(), work: true })
        }
        Operator | Supervisor => Ok(consented()),
        FamilySupportSpecialist => Err(Denied::OutOfScope),
        AgencyOfficer | AgencyHead => {
            let agency = actor.agency_id.as_deref().ok_or(Denied::NoAffiliation)?;
            let kind = case.assigned.iter().find(|(id, _)| *id == agency).map(|(_, kind)| *kind);
            match kind {
                Some(kind) if case.share_with.contains(&kind) => Ok(consented()),
                _ => Err(Denied::OutOfScope),
            }
        }
        _ => Err(Denied::Role),
    }
}

/// Which complaints a grant reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every complaint (the contact center).
    All,
    /// Those assigned to this agency.
    Agency(String),
    /// Those this institution reported.
    Institution(String),
    /// The action is not about complaints.
    NotRecords,
}

/// Which fields of a complaint a grant shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fields {
    /// No personal field at all: no names, contacts, addresses, IINs, narrative.
    NoPersonal,
    /// Everything about the victims and what happened, but not who reported it: the
    /// reporter did not agree to be contacted (or said it is not safe).
    WithoutReporter,
    /// Everything.
    All,
}

/// Permission to act, and its limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub scope: Scope,
    pub fields: Fields,
}

/// Why an action is refused (not shown to the actor beyond "forbidden").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The role may never do this.
    Role,
    /// The role may, but not on this record (another agency's or institution's).
    OutOfScope,
    /// The account lacks the agency or institution its role needs.
    NoAffiliation,
}

impl From<Denied> for crate::Error {
    fn from(_: Denied) -> Self {
        crate::Error::Forbidden
    }
}

/// Decides whether `actor` may do `action`, and within which limits.
pub fn decide(actor: &Actor, action: &Action) -> Result<Grant, Denied> {
    match &actor.kind {
        ActorKind::User { role, .. } => decide_for_role(actor, *role, action),
        ActorKind::AgencySystem { .. } => decide_for_system(actor, action),
    }
}

fn decide_for_role(actor: &Actor, role: StaffRole, action: &Action) -> Result<Grant, Denied> {
    use StaffRole::*;
    match (role, action) {
        (_, Action::ManageOwnAccount) => not_records(),
        (Administrator, Action::ManageUsers | Action::ManageTokens | Action::ManageInstitutions) => not_records(),
        (Auditor, Action::ReadAudit | Action::ExportAudit) => not_records(),
        (SchoolReporter, Action::ViewInstitutionPoster { bin }) => {
            let own = actor.institution_id.as_deref().ok_or(Denied::NoAffiliation)?;
            if own == *bin { not_records() } else { Err(Denied::OutOfScope) }
        }
        (_, Action::ViewInstitutionPoster { .. }) => not_records(),
        (Supervisor | AgencyHead | Analyst, Action::ViewStatistics) => statistics(actor, role),
        (Operator | Supervisor, Action::SubmitComplaint(_)) => everything(),
        (Operator | Supervisor, Action::ListComplaints | Action::ViewComplaint(_)) => everything(),
        (SchoolReporter, Action::SubmitComplaint(Channel::School)) => institution(actor),
        (SchoolReporter, Action::ListComplaints) => institution(actor),
        (SchoolReporter, Action::ViewComplaint(record)) => {
            let grant = institution(actor)?;
            in_scope(&grant.scope, record).then_some(grant).ok_or(Denied::OutOfScope)
        }
        (AgencyOfficer | AgencyHead | FamilySupportSpecialist, Action::ListComplaints | Action::ViewInbox) => agency(actor),
        (AgencyOfficer | AgencyHead | FamilySupportSpecialist, Action::WorkAssignment { agency_id }) => {
            own_agency(actor, agency_id)
        }
        (Operator | Supervisor, Action::ReviewAssignment) => everything(),
        (AgencyHead, Action::AssignOfficer { agency_id }) => own_agency(actor, agency_id),
        (AgencyOfficer | AgencyHead | FamilySupportSpecialist, Action::ViewComplaint(record)) => agency_record(actor, record),
        (_, Action::ViewEvidence(record)) => decide_for_role(actor, role, &Action::ViewComplaint(*record)),
        (Operator | Supervisor, Action::AddEvidence { agency_id: None, .. }) => everything(),
        (SchoolReporter, Action::AddEvidence { record, agency_id: None }) => {
            decide_for_role(actor, role, &Action::ViewComplaint(*record))
        }
        (AgencyOfficer | AgencyHead | FamilySupportSpecialist, Action::AddEvidence { record, agency_id }) => {
            agency_evidence(actor, record, *agency_id)
        }
        (_, action) => decide_support(actor, role, action),
    }
}

/// The family support centers' work (see [`case_access`] for the cases themselves).
fn decide_support(actor: &Actor, role: StaffRole, action: &Action) -> Result<Grant, Denied> {
    use StaffRole::*;
    match (role, action) {
        (Administrator, Action::ManageCenters) => not_records(),
        (SchoolReporter | Auditor, Action::ViewCenters) => Err(Denied::Role),
        (_, Action::ViewCenters) => not_records(),
        (AgencyHead, Action::SetOccupancy { center_id } | Action::ApproveClosure { center_id }) => own_agency(actor, center_id),
        (Operator | Supervisor, Action::Refer { .. } | Action::ViewReferrals) => everything(),
        (AgencyOfficer | AgencyHead | FamilySupportSpecialist, Action::Refer { agencies }) => {
            let grant = agency(actor)?;
            let assigned = actor.agency_id.as_deref().is_some_and(|own| agencies.contains(&own));
            assigned.then_some(grant).ok_or(Denied::OutOfScope)
        }
        (FamilySupportSpecialist | AgencyHead, Action::DecideReferral { center_id } | Action::WorkSupportCase { center_id }) => {
            own_agency(actor, center_id)
        }
        (FamilySupportSpecialist | AgencyHead, Action::ViewReferrals) => agency(actor),
        (_, Action::ViewSupportCase(case)) => {
            let access = case_access(actor, case)?;
            let scope = if access.work { Scope::Agency(case.center_id.to_owned()) } else { Scope::All };
            let fields = if access.parts.is_empty() { Fields::NoPersonal } else { Fields::WithoutReporter };
            Ok(Grant { scope, fields })
        }
        _ => Err(Denied::Role),
    }
}

fn decide_for_system(actor: &Actor, action: &Action) -> Result<Grant, Denied> {
    match action {
        Action::SubmitComplaint(Channel::AgencyReferral) if actor.may(Permission::SubmitComplaints) => agency(actor),
        Action::ListComplaints if actor.may(Permission::ReadComplaints) => agency(actor),
        Action::ViewComplaint(record) if actor.may(Permission::ReadComplaints) => agency_record(actor, record),
        Action::ViewInbox if actor.may(Permission::ReadComplaints) || actor.may(Permission::WorkAssignments) => agency(actor),
        Action::WorkAssignment { agency_id } if actor.may(Permission::WorkAssignments) => own_agency(actor, agency_id),
        Action::ViewEvidence(record) if actor.may(Permission::ReadComplaints) || actor.may(Permission::WorkAssignments) => {
            agency_record(actor, record)
        }
        Action::AddEvidence { record, agency_id } if actor.may(Permission::WorkAssignments) => {
            agency_evidence(actor, record, *agency_id)
        }
        _ => Err(Denied::Role),
    }
}

fn not_records() -> Result<Grant, Denied> {
    Ok(Grant { scope: Scope::NotRecords, fields: Fields::NoPersonal })
}

fn everything() -> Result<Grant, Denied> {
    Ok(Grant { scope: Scope::All, fields: Fields::All })
}

/// Statistics carry no personal field; an agency head's are their agency's.
fn statistics(actor: &Actor, role: StaffRole) -> Result<Grant, Denied> {
    let scope = match role {
        StaffRole::AgencyHead => Scope::Agency(actor.agency_id.clone().ok_or(Denied::NoAffiliation)?),
        _ => Scope::All,
    };
    Ok(Grant { scope, fields: Fields::NoPersonal })
}

fn institution(actor: &Actor) -> Result<Grant, Denied> {
    let id = actor.institution_id.clone().ok_or(Denied::NoAffiliation)?;
    Ok(Grant { scope: Scope::Institution(id), fields: Fields::All })
}

fn agency(actor: &Actor) -> Result<Grant, Denied> {
    let id = actor.agency_id.clone().ok_or(Denied::NoAffiliation)?;
    Ok(Grant { scope: Scope::Agency(id), fields: Fields::WithoutReporter })
}

/// An agency works only its own assignments.
fn own_agency(actor: &Actor, agency_id: &str) -> Result<Grant, Denied> {
    let grant = agency(actor)?;
    (actor.agency_id.as_deref() == Some(agency_id)).then_some(grant).ok_or(Denied::OutOfScope)
}

/// An agency reads a complaint assigned to it; the reporter's identity only when they
/// agreed to be contacted and said it is safe.
fn agency_record(actor: &Actor, record: &RecordScope) -> Result<Grant, Denied> {
    let mut grant = agency(actor)?;
    if !in_scope(&grant.scope, record) {
        return Err(Denied::OutOfScope);
    }
    if record.reporter_contactable {
        grant.fields = Fields::All;
    }
    Ok(grant)
}

/// An agency adds evidence only to its own assignment of a complaint assigned to it: not to
/// the complaint itself (that is the contact center's), nor to another agency's work.
fn agency_evidence(actor: &Actor, record: &RecordScope, agency_id: Option<&str>) -> Result<Grant, Denied> {
    let grant = agency_record(actor, record)?;
    match agency_id {
        None => Err(Denied::Role),
        Some(id) if actor.agency_id.as_deref() == Some(id) => Ok(grant),
        Some(_) => Err(Denied::OutOfScope),
    }
}

/// Whether a record lies in a scope.
pub fn in_scope(scope: &Scope, record: &RecordScope) -> bool {
    match scope {
        Scope::All => true,
        Scope::Agency(id) => record.agencies.contains(&id.as_str()),
        Scope::Institution(id) => record.institution_id == Some(id.as_str()),
        Scope::NotRecords => false,
    }
}

/// Removes from a complaint what `fields` does not show. A withheld reporter stays
/// "identified" (they were not anonymous), with their contact details emptied.
pub fn redact(complaint: &mut Complaint, fields: Fields) {
    let details = &mut complaint.details;
    if fields < Fields::All
        && let Reporter::Identified(contact) = &mut details.reporter
    {
        contact.name = None;
        contact.phone = None;
        contact.safe_contact_time = None;
    }
    if fields < Fields::WithoutReporter {
        details.narrative.clear();
    }
}

#[cfg(test)]
mod tests;
