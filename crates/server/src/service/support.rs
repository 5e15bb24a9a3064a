//! Family support centers (issue 7): the registry of centers, referrals with the person's
//! consent, and the support case from acceptance to closure; the figures.
//!
//! Every function takes `(&AppState, &Staff, …)` so that the API and the pages call the same
//! use case. The rules are `domain::support` (the case's state machine and inputs) and
//! `domain::policy` (who may do what; [`domain::policy::case_access`] enforces the consent:
//! an agency the consent does not share with gets a 404, as if the case did not exist). Every
//! view of a case is audited (`support.view`, with the parts shown) before it is returned.

use super::Staff;
use crate::error::AppError;
use crate::state::AppState;
use domain::Error;
use domain::audit::{AuditAction, AuditActor, AuditEntry};
use domain::policy::{Action, CaseAccess, CaseScope, Denied, Scope, case_access, decide};
use domain::routing::AgencyKind;
use domain::support::*;
use serde::Serialize;
use store::support::{self as store_support, Center, Entry, NewEntry, NewReferralRow, Referral, Saved, SupportCase};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// Refusals that must not confirm that a record exists become "not found".
fn hidden(denied: Denied) -> AppError {
    match denied {
        Denied::OutOfScope => Error::NotFound.into(),
        other => Error::from(other).into(),
    }
}

fn allow(staff: &Staff, action: &Action) -> Result<(), AppError> {
    decide(&staff.actor, action).map(|_| ()).map_err(hidden)
}

fn event(state: &AppState, staff: &Staff, action: AuditAction) -> AuditEntry {
    AuditEntry::new(state.clock.now(), staff.audit_actor(), action)
}

// --- Centers ---

/// A center of the registry, as shown to staff (no personal field).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CenterView {
    pub agency_id: String,
    pub region: String,
    pub address: String,
    pub services: Vec<SupportService>,
    pub capacity: u32,
    pub shelter_places: u32,
    pub shelter_occupied: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<Center> for CenterView {
    fn from(c: Center) -> Self {
        let p = c.profile;
        CenterView {
            agency_id: c.agency_id,
            region: c.region,
            address: p.address,
            services: p.services,
            capacity: p.capacity,
            shelter_places: p.shelter_places,
            shelter_occupied: p.shelter_occupied,
            updated_at: c.updated_at,
        }
    }
}

/// Sets a center's profile (administrators). The id must be a family support center of the
/// directory.
pub async fn set_center(state: &AppState, staff: &Staff, agency_id: &str, input: CenterInput) -> Result<CenterView, AppError> {
    allow(staff, &Action::ManageCenters)?;
    let agency = state.reference.agencies.get(agency_id).filter(|a| a.kind == AgencyKind::FamilySupportCenter);
    let agency = agency.ok_or(Error::NotFound)?;
    let profile = input.validate()?;
    let center = Center {
        agency_id: agency.id.clone(),
        region: agency.region.clone().unwrap_or_default(),
        profile,
        updated_at: domain::clock::storable(state.clock.now()),
    };
    let event = event(state, staff, AuditAction::CenterSet).on("agency", &center.agency_id);
    store_support::set_center(&state.db, &state.store_keys, &center, event).await?;
    Ok(center.into())
}

/// The registered centers, of one region or all.
pub async fn centers(state: &AppState, staff: &Staff, region: Option<&str>) -> Result<Vec<CenterView>, AppError> {
    allow(staff, &Action::ViewCenters)?;
    Ok(store_support::centers(&state.db, region).await?.into_iter().map(CenterView::from).collect())
}

/// Sets the shelter places a center occupies now (its head), never above its places.
pub async fn set_occupancy(
    state: &AppState,
    staff: &Staff,
    center_id: &str,
    input: OccupancyInput,
) -> Result<CenterView, AppError> {
    allow(staff, &Action::SetOccupancy { center_id })?;
    let center = store_support::center(&state.db, center_id).await?.ok_or(Error::NotFound)?;
    let occupied = input.validate(center.profile.shelter_places)?;
    let now = state.clock.now();
    let event = event(state, staff, AuditAction::CenterOccupancy).on("agency", center_id).with("occupied", occupied);
    if !store_support::set_occupancy(&state.db, &state.store_keys, center_id, occupied, now, event).await? {
        return Err(Error::Conflict("center_changed").into());
    }
    Ok(store_support::center(&state.db, center_id).await?.ok_or(Error::NotFound)?.into())
}

// --- Referrals ---

/// A referral as shown: no personal field (the note is part of the case, as `contact`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralView {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub center_id: String,
    /// The referring agency; null: the contact center.
    pub source_agency_id: Option<String>,
    /// pending, accepted, refused, or overdue (pending past its deadline).
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub decide_by: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    /// The consent's codes (what may be shared, with whom); null in inbox lines.
    pub consent: Option<Consent>,
    /// The support case opened on acceptance (same id).
    pub case_id: Option<Uuid>,
}

impl ReferralView {
    fn of(r: &Referral, now: OffsetDateTime) -> ReferralView {
        ReferralView {
            id: r.id,
            complaint_id: r.complaint_id,
            center_id: r.center_id.clone(),
            source_agency_id: r.source_agency_id.clone(),
            status: r.status.shown(r.decide_by, now).to_owned(),
            created_at: r.created_at,
            decide_by: r.decide_by,
            decided_at: r.decided_at,
            consent: Some(r.consent.clone()),
            case_id: (r.status == ReferralStatus::Accepted).then_some(r.id),
        }
    }
}

/// Refers a complaint's person to a center: the contact center, or an agency assigned to the
/// complaint (which is then the source; whether its action report names a family support
/// referral is recorded in the audit event). The center decides within the configured hours.
pub async fn refer(state: &AppState, staff: &Staff, input: ReferralInput) -> Result<ReferralView, AppError> {
    let new = input.validate(&state.reference.agencies)?;
    let unknown = || AppError::field("complaint_id", "unknown_value", "a complaint you work on");
    let complaint = store::complaints::get(&state.db, &state.store_keys, domain::ids::ComplaintId(new.complaint_id)).await?;
    let complaint = complaint.ok_or_else(unknown)?;
    let agencies: Vec<&str> = complaint.assignments.iter().map(|a| a.agency_id.as_str()).collect();
    let grant = decide(&staff.actor, &Action::Refer { agencies: &agencies }).map_err(|denied| match denied {
        Denied::OutOfScope => unknown(),
        other => Error::from(other).into(),
    })?;
    let source_agency_id = match grant.scope {
        Scope::Agency(agency) => Some(agency),
        _ => None,
    };
    let in_report = match &source_agency_id {
        Some(agency) => reported_referral(state, complaint.id, agency).await?,
        None => false,
    };
    let now = state.clock.now();
    let row = NewReferralRow {
        id: Uuid::now_v7(),
        complaint_id: new.complaint_id,
        center_id: new.center_id,
        source_agency_id,
        created_by: Some(staff.actor.id()),
        created_at: domain::clock::storable(now),
        decide_by: domain::clock::storable(now + state.referral_decision),
        consent: new.consent,
        note: new.note,
    };
    let codes = |list: Vec<&str>| serde_json::Value::from(list);
    let event = event(state, staff, AuditAction::ReferralCreate)
        .on("referral", row.id)
        .with("complaint_id", row.complaint_id.to_string())
        .with("center_id", row.center_id.clone())
        .with("share_with", codes(row.consent.share_with.iter().map(|k| k.as_str()).collect()))
        .with("parts", codes(row.consent.parts.iter().map(|p| p.as_str()).collect()))
        .with("in_action_report", in_report);
    if !store_support::create_referral(&state.db, &state.store_keys, &row, event).await? {
        return Err(Error::Conflict("already_referred").into());
    }
    let stored = store_support::referral(&state.db, &state.store_keys, row.id).await?.ok_or(Error::NotFound)?;
    Ok(ReferralView::of(&stored, now))
}

/// Whether the agency's action report on the complaint names a family support referral.
async fn reported_referral(state: &AppState, id: domain::ids::ComplaintId, agency: &str) -> Result<bool, AppError> {
    let assignment = store::assignments::get(&state.db, &state.store_keys, id, agency).await?;
    let report =
        assignment.and_then(|a| a.report).and_then(|r| serde_json::from_str::<domain::assignment::ActionReport>(&r).ok());
    Ok(report.is_some_and(|r| r.actions.iter().any(|a| matches!(a, domain::assignment::Action::FamilySupportReferral))))
}

/// Referrals to the caller's center (its specialists and head), or to every center (the
/// contact center); `status` one of pending, accepted, refused, overdue. The earliest deadline
/// first. No personal field.
pub async fn referrals(state: &AppState, staff: &Staff, status: Option<&str>, limit: u32) -> Result<Vec<ReferralView>, AppError> {
    let grant = decide(&staff.actor, &Action::ViewReferrals).map_err(Error::from)?;
    let center = match grant.scope {
        Scope::Agency(center) => Some(center),
        _ => None,
    };
    let wanted = status.map(str::trim).filter(|s| !s.is_empty());
    let stored =
        match wanted {
            None => None,
            Some("overdue") => Some(ReferralStatus::Pending),
            Some(code) => Some(ReferralStatus::parse(code).ok_or_else(|| {
                AppError::field("status", "unknown_value", "expected one of: pending, accepted, refused, overdue")
            })?),
        };
    let now = state.clock.now();
    let lines = store_support::referrals(&state.db, center.as_deref(), stored, limit.clamp(1, 500)).await?;
    Ok(lines
        .into_iter()
        .map(|l| {
            let status = ReferralStatus::parse(&l.status).unwrap_or(ReferralStatus::Pending);
            ReferralView {
                status: status.shown(l.decide_by, now).to_owned(),
                case_id: (status == ReferralStatus::Accepted).then_some(l.id),
                id: l.id,
                complaint_id: l.complaint_id,
                center_id: l.center_id,
                source_agency_id: l.source_agency_id,
                created_at: l.created_at,
                decide_by: l.decide_by,
                decided_at: l.decided_at,
                consent: None,
            }
        })
        .filter(|v| wanted.is_none_or(|w| v.status == w))
        .collect())
}

/// A pending referral to the caller's center (404 for anyone else).
async fn pending_referral(state: &AppState, staff: &Staff, id: Uuid) -> Result<Referral, AppError> {
    let referral = store_support::referral(&state.db, &state.store_keys, id).await?.ok_or(Error::NotFound)?;
    allow(staff, &Action::DecideReferral { center_id: &referral.center_id })?;
    if referral.status != ReferralStatus::Pending {
        return Err(Error::InvalidTransition("referral_decided").into());
    }
    Ok(referral)
}

/// The center accepts a referral: one support case opens (same id), its first check-in due
/// after the interval. Returns the case.
pub async fn accept(state: &AppState, staff: &Staff, id: Uuid, input: AcceptInput) -> Result<CaseView, AppError> {
    let referral = pending_referral(state, staff, id).await?;
    let check_in_days = input.validate()?;
    let complaint = store::complaints::get(&state.db, &state.store_keys, domain::ids::ComplaintId(referral.complaint_id)).await?;
    let region = complaint.map(|c| c.details.region.code.to_owned()).unwrap_or_default();
    let now = domain::clock::storable(state.clock.now());
    let case = SupportCase {
        id,
        complaint_id: referral.complaint_id,
        center_id: referral.center_id.clone(),
        region,
        status: CaseStatus::Open,
        category: None,
        referred_at: referral.created_at,
        opened_at: now,
        first_service_at: None,
        check_in_days,
        next_check_in_at: next_check_in(now, check_in_days),
        reminded_at: None,
        outcome: None,
        closed_at: None,
        updated_at: now,
        assessment: None,
        safety_plan: None,
        plan: None,
        version: 1,
    };
    let event = event(state, staff, AuditAction::ReferralAccept).on("referral", id).with("center_id", referral.center_id);
    if !store_support::accept(&state.db, &state.store_keys, &case, staff.actor.id(), event).await? {
        return Err(Error::InvalidTransition("referral_decided").into());
    }
    get(state, staff, id).await
}

/// The center refuses a referral, with a reason (sealed).
pub async fn refuse(state: &AppState, staff: &Staff, id: Uuid, input: ReasonInput) -> Result<ReferralView, AppError> {
    let referral = pending_referral(state, staff, id).await?;
    let reason = input.validate()?;
    let now = state.clock.now();
    let event = event(state, staff, AuditAction::ReferralRefuse).on("referral", id).with("center_id", referral.center_id);
    if !store_support::refuse(&state.db, &state.store_keys, id, staff.actor.id(), &reason, now, event).await? {
        return Err(Error::InvalidTransition("referral_decided").into());
    }
    let stored = store_support::referral(&state.db, &state.store_keys, id).await?.ok_or(Error::NotFound)?;
    Ok(ReferralView::of(&stored, now))
}

// --- Cases ---

/// A planned service as the summary shows it (without the goal's text).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceLine {
    pub service: SupportService,
    pub status: ServiceStatus,
    /// `YYYY-MM-DD`.
    pub due_on: String,
}

/// The safety plan with its last edit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SafetyPlanView {
    pub text: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub edited_at: Option<OffsetDateTime>,
    pub edited_by: Option<Uuid>,
}

/// One line of a case's history: what, when, who, codes; its note only with the `log` part.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub seq: i64,
    /// assessment, safety_plan, plan, service, check_in, visit, category, step.
    pub kind: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub by: Option<Uuid>,
    /// The service, the check-in's outcome, the new category, the step.
    pub code: Option<String>,
    /// The former category or status.
    pub previous: Option<String>,
    pub on: Option<String>,
    pub minutes: Option<i64>,
    /// The note or reason (with the `log` part).
    pub note: Option<String>,
    /// A mobile group's visit (with the `log` part).
    pub visit: Option<Visit>,
}

/// A support case as the caller may see it: the summary always, the personal parts as
/// `parts` says (see `domain::policy::case_access`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub center_id: String,
    pub region: String,
    pub status: CaseStatus,
    pub category: Option<FamilyCategory>,
    #[serde(with = "time::serde::rfc3339")]
    pub referred_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_service_at: Option<OffsetDateTime>,
    pub check_in_days: u16,
    #[serde(with = "time::serde::rfc3339")]
    pub next_check_in_at: OffsetDateTime,
    pub check_in_overdue: bool,
    pub outcome: Option<Outcome>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    pub services: Vec<ServiceLine>,
    pub consent: Consent,
    /// The personal parts shown to the caller.
    pub parts: Vec<ConsentPart>,
    /// Whether the caller works the case (its center's specialists and head).
    pub may_work: bool,
    /// The referral's note (`contact`).
    pub contact: Option<String>,
    pub assessment: Option<Assessment>,
    /// With `plan`.
    pub safety_plan: Option<SafetyPlanView>,
    pub plan: Option<Plan>,
    pub history: Vec<EntryView>,
}

/// The case, its referral and what the caller may see of it (404 when nothing).
async fn load(state: &AppState, staff: &Staff, id: Uuid) -> Result<(SupportCase, Referral, CaseAccess), AppError> {
    let case = store_support::case(&state.db, &state.store_keys, id).await?.ok_or(Error::NotFound)?;
    let referral = store_support::referral(&state.db, &state.store_keys, id).await?.ok_or(Error::NotFound)?;
    let complaint = store::complaints::get(&state.db, &state.store_keys, domain::ids::ComplaintId(case.complaint_id)).await?;
    let assigned: Vec<(&str, AgencyKind)> = complaint
        .as_ref()
        .map(|c| c.assignments.iter().map(|a| (a.agency_id.as_str(), a.agency_kind)).collect())
        .unwrap_or_default();
    let scope = CaseScope {
        center_id: &case.center_id,
        assigned: &assigned,
        share_with: &referral.consent.share_with,
        parts: &referral.consent.parts,
    };
    // Whoever may not see the case is not told it exists.
    let access = case_access(&staff.actor, &scope).map_err(|_| Error::NotFound)?;
    Ok((case, referral, access))
}

/// One support case, as the caller may see it. Audited (`support.view`, the parts shown).
pub async fn get(state: &AppState, staff: &Staff, id: Uuid) -> Result<CaseView, AppError> {
    let (case, referral, access) = load(state, staff, id).await?;
    let entries = store_support::entries(&state.db, &state.store_keys, id).await?;
    let parts: Vec<&str> = access.parts.iter().map(|p| p.as_str()).collect();
    let event = event(state, staff, AuditAction::SupportView).on("support_case", id).with("parts", parts);
    store::audit::append(&state.db, &state.store_keys.chain, &[event]).await?;
    Ok(view(case, referral, access, entries, state.clock.now()))
}

fn view(case: SupportCase, referral: Referral, access: CaseAccess, entries: Vec<Entry>, now: OffsetDateTime) -> CaseView {
    let shows = |part| access.parts.contains(&part);
    let services = case
        .plan
        .iter()
        .flat_map(|p| p.services())
        .map(|s| ServiceLine { service: s.service, status: s.status, due_on: s.due_on.to_string() })
        .collect();
    let last_safety_edit = entries.iter().rev().find(|e| e.kind == "safety_plan");
    let safety_plan = case.safety_plan.filter(|_| shows(ConsentPart::Plan)).map(|text| SafetyPlanView {
        text,
        edited_at: last_safety_edit.map(|e| e.at),
        edited_by: last_safety_edit.and_then(|e| e.actor_id),
    });
    let history = entries.into_iter().map(|e| entry_view(e, shows(ConsentPart::Log))).collect();
    CaseView {
        check_in_overdue: case.status != CaseStatus::Closed && case.next_check_in_at <= now,
        id: case.id,
        complaint_id: case.complaint_id,
        center_id: case.center_id,
        region: case.region,
        status: case.status,
        category: case.category,
        referred_at: case.referred_at,
        opened_at: case.opened_at,
        first_service_at: case.first_service_at,
        check_in_days: case.check_in_days,
        next_check_in_at: case.next_check_in_at,
        outcome: case.outcome,
        closed_at: case.closed_at,
        services,
        contact: referral.note.filter(|_| shows(ConsentPart::Contact)),
        assessment: case.assessment.filter(|_| shows(ConsentPart::Assessment)),
        safety_plan,
        plan: case.plan.filter(|_| shows(ConsentPart::Plan)),
        history,
        consent: referral.consent,
        parts: access.parts,
        may_work: access.work,
    }
}

fn entry_view(e: Entry, with_notes: bool) -> EntryView {
    let detail = e.detail.filter(|_| with_notes);
    let (note, visit) = match e.kind.as_str() {
        "visit" => (None, detail.and_then(|d| serde_json::from_str(&d).ok())),
        _ => (detail, None),
    };
    EntryView {
        seq: e.seq,
        kind: e.kind,
        at: e.at,
        by: e.actor_id,
        code: e.code,
        previous: e.previous,
        on: e.on_day,
        minutes: e.minutes,
        note,
        visit,
    }
}

/// A change to a case: what it writes in the history, and the change of occupied shelter places.
struct Change {
    entry: NewEntry,
    shelter: i64,
}

impl From<NewEntry> for Change {
    fn from(entry: NewEntry) -> Self {
        Change { entry, shelter: 0 }
    }
}

/// Loads a case the caller works (`action`), applies `change`, saves it with its history line
/// and audit event, and returns the case as the caller sees it.
async fn work(
    state: &AppState,
    staff: &Staff,
    id: Uuid,
    head_only: bool,
    change: impl FnOnce(&mut SupportCase, OffsetDateTime) -> Result<Change, AppError>,
) -> Result<CaseView, AppError> {
    let (mut case, _, _) = load(state, staff, id).await?;
    let center_id = case.center_id.as_str();
    let action = if head_only { Action::ApproveClosure { center_id } } else { Action::WorkSupportCase { center_id } };
    allow(staff, &action)?;
    let now = domain::clock::storable(state.clock.now());
    let Change { entry, shelter } = change(&mut case, now)?;
    let action = if entry.kind == "step" { AuditAction::SupportStep } else { AuditAction::SupportUpdate };
    let mut event = event(state, staff, action).on("support_case", id).with("change", entry.kind);
    if let Some(code) = &entry.code {
        event = event.with("code", code.clone());
    }
    match store_support::save(&state.db, &state.store_keys, &case, Some(staff.actor.id()), &entry, shelter, event).await? {
        Saved::Done => get(state, staff, id).await,
        Saved::Stale => Err(Error::Conflict("case_changed").into()),
        Saved::ShelterFull => Err(Error::Conflict("shelter_full").into()),
    }
}

/// Any of the center's specialists and its head (not only the head).
const WORKING: bool = false;

/// Records the intake assessment (replacing the last one).
pub async fn assess(state: &AppState, staff: &Staff, id: Uuid, input: AssessmentInput) -> Result<CaseView, AppError> {
    let assessment = input.validate()?;
    work(state, staff, id, WORKING, |case, _| {
        workable(case.status)?;
        case.assessment = Some(assessment);
        Ok(NewEntry { kind: "assessment", ..NewEntry::default() }.into())
    })
    .await
}

/// Records the safety plan (its last edit's time and author are in the history).
pub async fn set_safety_plan(state: &AppState, staff: &Staff, id: Uuid, input: SafetyPlanInput) -> Result<CaseView, AppError> {
    let text = input.validate()?;
    work(state, staff, id, WORKING, |case, _| {
        workable(case.status)?;
        case.safety_plan = Some(text);
        Ok(NewEntry { kind: "safety_plan", ..NewEntry::default() }.into())
    })
    .await
}

/// Records the individual support plan (replacing the last one). Each service's responsible
/// specialist must be an account of the center; a shelter placement in progress takes one of
/// the center's shelter places (refused with `shelter_full` when none is free), and frees it
/// when it ends.
pub async fn set_plan(state: &AppState, staff: &Staff, id: Uuid, input: PlanInput) -> Result<CaseView, AppError> {
    let (case, _, _) = load(state, staff, id).await?;
    let staff_ids: Vec<Uuid> = center_people(state, &case.center_id).await?.into_iter().map(|(id, _)| id).collect();
    let plan = input.validate(domain::clock::local(state.clock.now()).date(), &staff_ids)?;
    work(state, staff, id, WORKING, |case, _| {
        workable(case.status)?;
        let shelter = shelter_change(case.plan.as_ref(), &plan);
        case.plan = Some(plan);
        Ok(Change { entry: NewEntry { kind: "plan", ..NewEntry::default() }, shelter })
    })
    .await
}

/// Logs a service delivered. The first one of a case marks the time from referral to service.
pub async fn log_service(state: &AppState, staff: &Staff, id: Uuid, input: ServiceLogInput) -> Result<CaseView, AppError> {
    let delivery = input.validate(domain::clock::local(state.clock.now()).date())?;
    work(state, staff, id, WORKING, |case, now| {
        workable(case.status)?;
        case.first_service_at.get_or_insert(now);
        Ok(NewEntry {
            kind: "service",
            code: Some(delivery.service.as_str().to_owned()),
            on_day: Some(delivery.on),
            minutes: Some(delivery.minutes.into()),
            detail: delivery.note,
            ..NewEntry::default()
        }
        .into())
    })
    .await
}

/// Records a safety check-in; the next one is due after the interval (changed if given), and
/// the reminder of the last one is spent.
pub async fn check_in(state: &AppState, staff: &Staff, id: Uuid, input: CheckInInput) -> Result<CaseView, AppError> {
    let check = input.validate()?;
    work(state, staff, id, WORKING, |case, now| {
        workable(case.status)?;
        case.check_in_days = check.interval_days.unwrap_or(case.check_in_days);
        case.next_check_in_at = next_check_in(now, case.check_in_days);
        case.reminded_at = None;
        Ok(NewEntry {
            kind: "check_in",
            code: Some(check.outcome.as_str().to_owned()),
            detail: check.note,
            ..NewEntry::default()
        }
        .into())
    })
    .await
}

/// Records a mobile group's visit (members and findings sealed).
pub async fn record_visit(state: &AppState, staff: &Staff, id: Uuid, input: VisitInput) -> Result<CaseView, AppError> {
    let visit = input.validate(domain::clock::local(state.clock.now()).date())?;
    work(state, staff, id, WORKING, |case, _| {
        workable(case.status)?;
        let kinds: Vec<&str> = visit.members.iter().map(|m| m.agency_kind.as_str()).collect();
        Ok(NewEntry {
            kind: "visit",
            code: Some(kinds.join(",")),
            on_day: Some(visit.on),
            detail: Some(serde_json::to_string(&visit).expect("plain data serialises")),
            ..NewEntry::default()
        }
        .into())
    })
    .await
}

/// Changes the family's category (D crisis, E distressed), with a reason; the history keeps
/// who, when, from and to.
pub async fn set_category(state: &AppState, staff: &Staff, id: Uuid, input: CategoryInput) -> Result<CaseView, AppError> {
    let change = input.validate()?;
    work(state, staff, id, WORKING, |case, _| {
        workable(case.status)?;
        if case.category == Some(change.category) {
            return Err(Error::Conflict("same_category").into());
        }
        let previous = case.category.replace(change.category).map(|c| c.as_str().to_owned());
        Ok(NewEntry {
            kind: "category",
            code: Some(change.category.as_str().to_owned()),
            previous,
            detail: Some(change.reason),
            ..NewEntry::default()
        }
        .into())
    })
    .await
}

/// A step of the case's life: ask for closure with an outcome (specialist or head), approve or
/// return it (the head), reopen with a reason.
pub async fn take_step(
    state: &AppState,
    staff: &Staff,
    id: Uuid,
    step: CaseStep,
    input: CaseStepInput,
) -> Result<CaseView, AppError> {
    let details = input.validate(step)?;
    work(state, staff, id, step.needs_head(), |case, now| {
        let from = case.status;
        case.status = next(from, step)?;
        match step {
            CaseStep::RequestClosure => case.outcome = details.outcome,
            CaseStep::ApproveClosure => case.closed_at = Some(now),
            CaseStep::ReturnClosure => case.outcome = None,
            CaseStep::Reopen => {
                (case.outcome, case.closed_at) = (None, None);
                case.next_check_in_at = next_check_in(now, case.check_in_days);
                case.reminded_at = None;
            }
        }
        Ok(NewEntry {
            kind: "step",
            code: Some(step.as_str().to_owned()),
            previous: Some(from.as_str().to_owned()),
            detail: details.reason,
            ..NewEntry::default()
        }
        .into())
    })
    .await
}

/// The support cases of the caller's center (or all, for the contact center): no personal field.
pub async fn cases(state: &AppState, staff: &Staff, limit: u32) -> Result<Vec<store_support::CaseLine>, AppError> {
    let grant = decide(&staff.actor, &Action::ViewReferrals).map_err(Error::from)?;
    let center = match grant.scope {
        Scope::Agency(center) => Some(center),
        _ => None,
    };
    Ok(store_support::cases(&state.db, center.as_deref(), limit.clamp(1, 500)).await?)
}

// --- Figures ---

/// Deliveries of one service in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceFigure {
    pub service: String,
    pub count: i64,
    pub minutes: i64,
}

/// Cases closed with one outcome in the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutcomeFigure {
    pub outcome: String,
    pub count: i64,
}

/// A center's shelter now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShelterFigure {
    pub center_id: String,
    pub region: String,
    pub places: i64,
    pub occupied: i64,
}

/// The support work in a period: no personal field.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportFigures {
    /// Cases open at some time in the period.
    pub people_supported: i64,
    pub services: Vec<ServiceFigure>,
    /// The median hours from referral to the first service delivered, of cases whose first
    /// service fell in the period; null when there is none.
    pub median_hours_to_first_service: Option<f64>,
    pub outcomes: Vec<OutcomeFigure>,
    pub shelters: Vec<ShelterFigure>,
}

/// The figures (analysts and supervisors; a center's head, their center's). Audited.
pub async fn figures(
    state: &AppState,
    staff: &Staff,
    period: (OffsetDateTime, OffsetDateTime),
    region: Option<&'static domain::region::Region>,
) -> Result<SupportFigures, AppError> {
    let grant = decide(&staff.actor, &Action::ViewStatistics).map_err(Error::from)?;
    let center_id = match grant.scope {
        Scope::Agency(agency) => Some(agency),
        _ => None,
    };
    let filter =
        store_support::FigureFilter { from: period.0, to: period.1, region: region.map(|r| r.code.to_owned()), center_id };
    let counts = store_support::figures(&state.db, &filter).await?;
    let event = event(state, staff, AuditAction::StatisticsView).with("view", "support");
    store::audit::append(&state.db, &state.store_keys.chain, &[event]).await?;
    let mut hours = counts.first_service_hours;
    Ok(SupportFigures {
        people_supported: counts.people_supported,
        services: counts
            .services
            .into_iter()
            .map(|(service, count, minutes)| ServiceFigure { service, count, minutes })
            .collect(),
        median_hours_to_first_service: median(&mut hours).map(|h| (h * 10.0).round() / 10.0),
        outcomes: counts.outcomes.into_iter().map(|(outcome, count)| OutcomeFigure { outcome, count }).collect(),
        shelters: counts
            .shelters
            .into_iter()
            .map(|(center_id, region, places, occupied)| ShelterFigure { center_id, region, places, occupied })
            .collect(),
    })
}

/// Reminds the specialists of the check-ins now overdue (one notice per check-in, queued in the
/// outbox with the case marked and audited in one transaction); returns how many were queued.
/// Run by the scheduler every minute; safe on several servers at once.
pub async fn remind_check_ins(state: &AppState) -> Result<usize, AppError> {
    const BATCH: u32 = 200;
    let mut queued = 0;
    loop {
        let now = state.clock.now();
        let due = store::support::due_check_ins(&state.db, now, BATCH).await?;
        for check_in in &due {
            let event =
                AuditEntry::new(now, AuditActor::system(), AuditAction::SupportRemind).on("support_case", check_in.case_id);
            queued += usize::from(store::support::remind(&state.db, &state.store_keys, check_in, event).await?);
        }
        if due.len() < BATCH as usize {
            return Ok(queued);
        }
    }
}

/// The active accounts of a center (who may be responsible for a plan's service).
pub async fn center_people(state: &AppState, center_id: &str) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(store::users::of_agency(&state.db, center_id).await?)
}
