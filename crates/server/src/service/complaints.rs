//! Receiving a complaint, reading complaints, and a reporter's status check.

use super::{Caller, Staff};
use crate::error::AppError;
use crate::keys::request_hash;
use crate::state::AppState;
use domain::Error;
use domain::assessment::{Assessment, PlannedAssignment, RiskView};
use domain::audit::{AuditAction, AuditActor, AuditEntry};
use domain::complaint::{Complaint, ComplaintInput, NewComplaint, StatusView};
use domain::ids::{ComplaintId, StatusPin, TrackingCode};
use domain::policy::{Action, Fields, Grant, RecordScope, Scope, decide, redact};
use domain::priority::Priority;
use store::complaints::{self, Idempotency, ListFilter, NewRecord};
use store::writer::Outcome;

/// What a reporter gets back: the code and PIN to follow the complaint.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub id: ComplaintId,
    pub tracking_code: TrackingCode,
    pub status_pin: StatusPin,
    /// True when this was a retry of a request already stored.
    pub replayed: bool,
    /// What intake decided (not known again for a replayed request).
    pub assessment: Option<Preview>,
    /// Whether the reporter consented to be contacted and said it is safe.
    pub may_be_contacted: bool,
}

const MAX_KEY_CHARS: usize = 200;

/// Where a complaint came from, beyond its channel: the school whose QR code a child used, or
/// the school report it came as. Stored in the complaint's own transaction.
#[derive(Debug, Default)]
pub struct Origin {
    pub qr_institution: Option<String>,
    pub school_report: Option<store::schools::SchoolReportRow>,
}

/// Receives a complaint: limits public callers, validates, checks the door is open to the
/// caller, and returns once the complaint is committed. `body` is the request as sent (for
/// idempotent retries).
pub async fn submit(
    state: &AppState,
    input: ComplaintInput,
    body: &[u8],
    caller: &Caller,
    idempotency_key: Option<&str>,
) -> Result<Receipt, AppError> {
    submit_from(state, input, body, caller, idempotency_key, Origin::default()).await
}

/// [`submit`], with where the complaint came from.
pub async fn submit_from(
    state: &AppState,
    input: ComplaintInput,
    body: &[u8],
    caller: &Caller,
    idempotency_key: Option<&str>,
    origin: Origin,
) -> Result<Receipt, AppError> {
    if let Caller::Public { address, human_checked: false } = caller {
        state.public_reports.take(address).map_err(AppError::RateLimited)?;
    }
    let idempotency = idempotency_key.map(|key| idempotency(key, body, caller)).transpose()?;
    let complaint = input.validate(state.clock.now(), &state.reference.taxonomy)?;
    let (created_by, institution_id) = match caller {
        Caller::Public { .. } if complaint.channel.is_public() => (AuditActor::public(), None),
        Caller::Public { .. } => return Err(AppError::Unauthorized),
        Caller::Staff(staff) => {
            decide(&staff.actor, &Action::SubmitComplaint(complaint.channel)).map_err(Error::from)?;
            (staff.audit_actor(), staff.actor.institution_id.clone())
        }
    };
    let new = Registration { complaint, created_by, institution_id, idempotency, origin };
    register(state, new).await
}

/// A validated complaint, ready to be assessed and stored, with who registers it.
pub struct Registration {
    pub complaint: NewComplaint,
    pub created_by: AuditActor,
    /// The institution whose account reports it.
    pub institution_id: Option<String>,
    pub idempotency: Option<Idempotency>,
    pub origin: Origin,
}

/// Assesses a validated complaint (categories, risk, routing, deadlines), stores it with the
/// writer and returns once it is committed. Callers have checked the caller may register it.
pub async fn register(state: &AppState, new: Registration) -> Result<Receipt, AppError> {
    let now = state.clock.now();
    let Registration { complaint, created_by, institution_id, idempotency, origin } = new;
    let channel = complaint.channel;
    let id = ComplaintId::new(now, rand::random());
    let tracking_code = TrackingCode::from_random(rand::random());
    let status_pin = state.keys.status_pin(id);
    let assessment = Assessment::of(&state.reference, &complaint, &complaint.categories, &complaint.answers, now);
    let decided = Preview::of(&assessment);
    let may_be_contacted = complaint.reporter.may_be_contacted();
    let record = NewRecord {
        assessment,
        reference_version: state.reference.version().to_owned(),
        id,
        status_pin_hash: state.keys.pin_hash(&tracking_code, &status_pin),
        tracking_code,
        received_at: now,
        complaint,
        idempotency,
        institution_id,
        qr_institution: origin.qr_institution,
        school_report: origin.school_report,
        created_by,
    };
    match state.writer.write(record).await? {
        Outcome::Created { id, tracking_code } => {
            metrics::counter!("qorgau_complaints_received_total", "channel" => channel.as_str()).increment(1);
            Ok(Receipt { id, tracking_code, status_pin, replayed: false, assessment: Some(decided), may_be_contacted })
        }
        Outcome::Replayed { id, tracking_code } => Ok(Receipt {
            id,
            status_pin: state.keys.status_pin(id),
            tracking_code,
            replayed: true,
            assessment: None,
            may_be_contacted,
        }),
        Outcome::KeyReused => Err(Error::Conflict("idempotency_key_reused").into()),
    }
}

/// Keys are scoped to the caller, so that the public cannot collide with staff, nor one
/// account or agency system with another.
pub(super) fn idempotency(key: &str, body: &[u8], caller: &Caller) -> Result<Idempotency, AppError> {
    let valid = !key.is_empty() && key.len() <= MAX_KEY_CHARS && key.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(AppError::field("Idempotency-Key", "invalid", "1 to 200 visible ASCII characters"));
    }
    let scope = match caller {
        Caller::Staff(staff) => format!("staff:{}", staff.actor.id().simple()),
        Caller::Public { .. } => "public".to_owned(),
    };
    Ok(Idempotency { key: format!("{scope}:{key}"), request_hash: request_hash(body) })
}

/// One complaint, as far as the staff member may see it. A complaint out of their scope is
/// "not found" (its existence is not confirmed); the look is audited.
pub async fn get(state: &AppState, staff: &Staff, id: ComplaintId) -> Result<Complaint, AppError> {
    let mut complaint = complaints::get(&state.db, &state.store_keys, id).await?.ok_or(Error::NotFound)?;
    let fields = fields_for(staff, &complaint).map_err(|_| Error::NotFound)?;
    redact(&mut complaint, fields);
    audit_views(state, staff, std::slice::from_ref(&complaint), "read").await?;
    Ok(complaint)
}

/// A page of complaints within the staff member's scope, newest first, each shown with the
/// fields their role may see, and the cursor of the next page (if any). Audited per record.
pub async fn list(
    state: &AppState,
    staff: &Staff,
    filter: ListFilter,
) -> Result<(Vec<Complaint>, Option<ComplaintId>), AppError> {
    let grant = decide(&staff.actor, &Action::ListComplaints).map_err(Error::from)?;
    list_in(state, staff, &grant, filter, "list").await
}

/// Complaints whose reporter's phone, or whose reporter's or a victim's IIN, is the one given
/// (through the blind indexes: the values themselves are never searched or logged).
pub async fn search(state: &AppState, staff: &Staff, query: SearchQuery) -> Result<Vec<Complaint>, AppError> {
    let grant = decide(&staff.actor, &Action::ListComplaints).map_err(Error::from)?;
    let mut errors = domain::error::Errors::default();
    let phone = query.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let phone = phone.and_then(|p| match domain::complaint::normalise_phone(p) {
        Some(p) => Some(p),
        None => {
            errors.push("phone", "invalid_phone", "expected a phone number such as +7 701 123 45 67");
            None
        }
    });
    let iin = query.iin.as_deref().map(str::trim).filter(|i| !i.is_empty());
    let iin = iin.and_then(|i| match domain::iin::Iin::parse(i) {
        Ok(iin) => Some(iin),
        Err(e) => {
            errors.push("iin", "invalid_iin", e.to_string());
            None
        }
    });
    if errors.is_empty() && phone.is_none() && iin.is_none() {
        errors.push("phone", "required", "give a phone number or an IIN");
    }
    errors.finish(|| ())?;
    let keys = &state.store_keys.fields;
    let filter = ListFilter {
        phone_index: phone.map(|p| keys.blind_index(store::sealed::PHONE, &p)),
        iin_index: iin.map(|i| keys.blind_index(store::sealed::IIN, i.as_str())),
        limit: 100,
        ..Default::default()
    };
    let entry = AuditEntry::new(state.clock.now(), staff.audit_actor(), AuditAction::ComplaintSearch);
    store::audit::append(&state.db, &state.store_keys.chain, &[entry]).await?;
    Ok(list_in(state, staff, &grant, filter, "search").await?.0)
}

/// A look-up by phone or IIN.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SearchQuery {
    pub phone: Option<String>,
    pub iin: Option<String>,
}

async fn list_in(
    state: &AppState,
    staff: &Staff,
    grant: &Grant,
    mut filter: ListFilter,
    via: &'static str,
) -> Result<(Vec<Complaint>, Option<ComplaintId>), AppError> {
    match &grant.scope {
        Scope::All => {}
        Scope::Agency(id) => filter.agency_id = Some(id.clone()),
        Scope::Institution(id) => filter.institution_id = Some(id.clone()),
        Scope::NotRecords => return Err(Error::Forbidden.into()),
    }
    let limit = filter.limit;
    filter.limit = limit + 1;
    let mut page = complaints::list(&state.db, &state.store_keys, &filter).await?;
    let next = if page.len() > limit as usize {
        page.truncate(limit as usize);
        page.last().map(|c| c.id)
    } else {
        None
    };
    for complaint in &mut page {
        // The scope filter already chose these; the policy still decides each one's fields.
        let fields =
            fields_for(staff, complaint).map_err(|_| anyhow::anyhow!("a listed complaint is out of the lister's scope"))?;
        redact(complaint, fields);
    }
    audit_views(state, staff, &page, via).await?;
    Ok((page, next))
}

/// What the policy lets the staff member see of this complaint.
fn fields_for(staff: &Staff, complaint: &Complaint) -> Result<Fields, domain::policy::Denied> {
    let agencies: Vec<&str> = complaint.assignments.iter().map(|a| a.agency_id.as_str()).collect();
    let record = RecordScope {
        agencies: &agencies,
        institution_id: complaint.institution_id.as_deref(),
        reporter_contactable: complaint.details.reporter.may_be_contacted(),
    };
    decide(&staff.actor, &Action::ViewComplaint(record)).map(|grant| grant.fields)
}

/// One audit event per complaint whose personal data were shown.
async fn audit_views(state: &AppState, staff: &Staff, shown: &[Complaint], via: &'static str) -> Result<(), AppError> {
    let now = state.clock.now();
    let events: Vec<_> = shown
        .iter()
        .map(|c| AuditEntry::new(now, staff.audit_actor(), AuditAction::ComplaintView).on("complaint", c.id.0).with("via", via))
        .collect();
    store::audit::append(&state.db, &state.store_keys.chain, &events).await?;
    Ok(())
}

/// A reporter's look at their complaint. Unknown codes and wrong PINs get the same answer,
/// and count against the address and the code alike.
pub async fn status(state: &AppState, code: &str, pin: &str, caller: &Caller) -> Result<StatusView, AppError> {
    let mut errors = domain::error::Errors::default();
    let code = TrackingCode::parse(code);
    let pin = StatusPin::parse(pin);
    if code.is_none() {
        errors.push("tracking_code", "invalid_code", "expected a code such as K7M2Q-9XQP4");
    }
    if pin.is_none() {
        errors.push("pin", "invalid_pin", "expected 6 digits");
    }
    errors.finish(|| ())?;
    let (code, pin) = (code.expect("checked"), pin.expect("checked"));
    let address = match caller {
        Caller::Public { address, .. } => Some(*address),
        Caller::Staff(_) => None,
    };
    if let Some(address) = address {
        state.wrong_pins_by_address.has_left(&address).map_err(AppError::RateLimited)?;
    }
    state.wrong_pins_by_code.has_left(&code.as_str().to_owned()).map_err(AppError::RateLimited)?;
    let found = complaints::find_for_status(&state.db, &code).await?;
    match found {
        Some(r) if state.keys.pin_matches(&code, &pin, &r.status_pin_hash) => {
            let progress = store::assignments::progress(&state.db, r.id).await?;
            Ok(StatusView {
                tracking_code: code,
                status: r.status,
                received_at: r.received_at,
                updated_at: r.updated_at,
                progress,
            })
        }
        _ => {
            if let Some(address) = address {
                let _ = state.wrong_pins_by_address.take(&address);
            }
            let _ = state.wrong_pins_by_code.take(&code.as_str().to_owned());
            Err(Error::NotFound.into())
        }
    }
}

/// What intake would make of a complaint, without storing anything.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Preview {
    pub risk: RiskView,
    pub priority: Priority,
    /// Primary first; suggested from the answers when none were given.
    pub categories: Vec<String>,
    pub assignments: Vec<PlannedAssignment>,
}

/// Assesses a complaint as intake would at this moment: risk, categories, routing, deadlines.
/// The fields that do not change the assessment (channel, language, narrative) may be left out.
pub fn preview(state: &AppState, mut input: ComplaintInput) -> Result<Preview, AppError> {
    default_if_blank(&mut input.channel, "phone");
    default_if_blank(&mut input.language, "kk");
    default_if_blank(&mut input.narrative, "(preview)");
    let now = state.clock.now();
    let complaint = input.validate(now, &state.reference.taxonomy)?;
    let assessment = Assessment::of(&state.reference, &complaint, &complaint.categories, &complaint.answers, now);
    Ok(Preview::of(&assessment))
}

impl Preview {
    fn of(assessment: &Assessment) -> Preview {
        Preview {
            risk: assessment.risk_view(),
            priority: assessment.priority,
            categories: assessment.categories.clone(),
            assignments: assessment.assignments.clone(),
        }
    }
}

fn default_if_blank(field: &mut Option<serde_json::Value>, default: &str) {
    let blank = field.as_ref().is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()));
    if blank {
        *field = Some(serde_json::Value::String(default.into()));
    }
}
