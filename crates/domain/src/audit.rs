//! What the audit trail records: who did what, to which record, when, and from where.
//!
//! The law makes the state answer for every complaint, and the data are about victims: every
//! change, every look at personal data, every sign-in and every change of a permission leaves
//! an event, written in the same transaction as the change itself. Events never carry
//! personal data of the people in the complaints, only ids and codes.

use crate::complaint::code_list;
use crate::policy::{Actor, ActorKind};
use time::OffsetDateTime;
use uuid::Uuid;

code_list! {
    /// What happened.
    AuditAction {
        ComplaintCreate = "complaint.create",
        /// Personal data of one complaint were shown (alone or in a list).
        ComplaintView = "complaint.view",
        /// A look-up by phone number or IIN (through the blind index).
        ComplaintSearch = "complaint.search",
        /// Personal fields erased under the retention policy.
        ComplaintAnonymize = "complaint.anonymize",
        /// A step of an assignment's life: acknowledged, reported, accepted, returned, extended,
        /// forwarded, closed, reopened (the step is in the detail).
        AssignmentStep = "assignment.step",
        /// A reminder or an escalation was queued for delivery (recipient and level in the detail).
        AssignmentNotice = "assignment.notice",
        /// A file or a link was added as evidence to a complaint (kind and type in the detail).
        EvidenceAdd = "evidence.add",
        /// An evidence file was shown or downloaded.
        EvidenceView = "evidence.view",
        SignIn = "sign_in",
        SignInFailed = "sign_in.failed",
        SignOut = "sign_out",
        PasswordChange = "password.change",
        UserCreate = "user.create",
        /// Role, agency or institution changed.
        UserRoleChange = "user.role_change",
        /// Where an account gets notices by mail set or cleared (the address is not in the trail).
        UserEmail = "user.email",
        UserLock = "user.lock",
        UserUnlock = "user.unlock",
        TokenIssue = "token.issue",
        TokenRevoke = "token.revoke",
        /// An agency's webhook set or replaced (its secret made anew).
        WebhookSet = "webhook.set",
        StatisticsView = "statistics.view",
        AuditView = "audit.view",
        AuditExport = "audit.export",
        KeysRotate = "keys.rotate",
        /// The registry of institutions imported (counts in the detail).
        InstitutionsImport = "institutions.import",
        /// A family support center's profile set in the registry.
        CenterSet = "center.set",
        /// A center's shelter places occupied now, set by its head.
        CenterOccupancy = "center.occupancy",
        /// A complaint's person referred to a family support center (consent codes in the detail).
        ReferralCreate = "referral.create",
        /// The center accepted a referral: a support case opened.
        ReferralAccept = "referral.accept",
        ReferralRefuse = "referral.refuse",
        /// A support case's personal parts were shown (the parts in the detail).
        SupportView = "support.view",
        /// A support case changed: assessment, safety plan, plan, a service, a check-in, a
        /// visit, the category (what in the detail).
        SupportUpdate = "support.update",
        /// A step of a support case: closure asked, approved, returned; reopened.
        SupportStep = "support.step",
        /// The reminder of an overdue safety check-in was queued.
        SupportRemind = "support.remind",
    }
}

code_list! {
    /// Who acted, in kind.
    ActorType {
        User = "user",
        /// An agency system with an API token.
        Token = "token",
        /// A member of the public (no address is kept: it may locate a victim).
        Public = "public",
        /// Qorgau itself: scheduled jobs and commands run by an operator of the server.
        System = "system",
    }
}

/// The actor as the trail names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditActor {
    pub kind: ActorType,
    pub id: Option<Uuid>,
    /// The role code of a user.
    pub role: Option<&'static str>,
    /// Where the request came from (staff and tokens only).
    pub address: Option<String>,
}

impl AuditActor {
    pub fn of(actor: &Actor, address: Option<String>) -> AuditActor {
        match &actor.kind {
            ActorKind::User { id, role } => {
                AuditActor { kind: ActorType::User, id: Some(*id), role: Some(role.as_str()), address }
            }
            ActorKind::AgencySystem { token_id, .. } => {
                AuditActor { kind: ActorType::Token, id: Some(*token_id), role: None, address }
            }
        }
    }

    pub fn public() -> AuditActor {
        AuditActor { kind: ActorType::Public, id: None, role: None, address: None }
    }

    pub fn system() -> AuditActor {
        AuditActor { kind: ActorType::System, id: None, role: None, address: None }
    }
}

/// One event to append.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: OffsetDateTime,
    pub actor: AuditActor,
    pub action: AuditAction,
    /// The kind of record (`complaint`, `user`, `token`) and its id.
    pub record: Option<(&'static str, String)>,
    /// Codes and ids only, never personal data (a JSON object).
    pub detail: serde_json::Value,
}

impl AuditEntry {
    pub fn new(at: OffsetDateTime, actor: AuditActor, action: AuditAction) -> AuditEntry {
        AuditEntry { at, actor, action, record: None, detail: serde_json::Value::Object(Default::default()) }
    }

    pub fn on(mut self, kind: &'static str, id: impl ToString) -> AuditEntry {
        self.record = Some((kind, id.to_string()));
        self
    }

    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> AuditEntry {
        if let serde_json::Value::Object(map) = &mut self.detail {
            map.insert(key.to_owned(), value.into());
        }
        self
    }
}
