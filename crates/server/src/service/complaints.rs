//! Receiving a complaint, reading complaints, and a reporter's status check.

use super::Caller;
use crate::error::AppError;
use crate::keys::request_hash;
use crate::state::AppState;
use domain::Error;
use domain::assessment::{Assessment, PlannedAssignment, RiskView};
use domain::complaint::{Complaint, ComplaintInput, StatusView};
use domain::ids::{ComplaintId, StatusPin, TrackingCode};
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

/// Receives a complaint: limits public callers, validates, checks the door is open to the
/// caller, and returns once the complaint is committed. `body` is the request as sent (for
/// idempotent retries).
pub async fn submit(
    state: &AppState,
    input: ComplaintInput,
    body: &[u8],
    caller: Caller,
    idempotency_key: Option<&str>,
) -> Result<Receipt, AppError> {
    if let Caller::Public { address, human_checked: false } = caller {
        state.public_reports.take(&address).map_err(AppError::RateLimited)?;
    }
    let idempotency = idempotency_key.map(|key| idempotency(key, body, caller)).transpose()?;
    let now = state.clock.now();
    let complaint = input.validate(now, &state.reference.taxonomy)?;
    if caller != Caller::Staff && !complaint.channel.is_public() {
        return Err(AppError::Unauthorized);
    }
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

/// Keys are scoped to the kind of caller, so that the public cannot collide with staff.
fn idempotency(key: &str, body: &[u8], caller: Caller) -> Result<Idempotency, AppError> {
    let valid = !key.is_empty() && key.len() <= MAX_KEY_CHARS && key.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(AppError::field("Idempotency-Key", "invalid", "1 to 200 visible ASCII characters"));
    }
    let scope = match caller {
        Caller::Staff => "staff",
        Caller::Public { .. } => "public",
    };
    Ok(Idempotency { key: format!("{scope}:{key}"), request_hash: request_hash(body) })
}

/// One complaint, for staff.
pub async fn get(state: &AppState, id: ComplaintId) -> Result<Complaint, AppError> {
    complaints::get(&state.db, id).await?.ok_or(AppError::Domain(Error::NotFound))
}

/// A page of complaints, newest first, and the cursor of the next page (if any).
pub async fn list(state: &AppState, mut filter: ListFilter) -> Result<(Vec<Complaint>, Option<ComplaintId>), AppError> {
    let limit = filter.limit;
    filter.limit = limit + 1;
    let mut page = complaints::list(&state.db, &filter).await?;
    let next = if page.len() > limit as usize {
        page.truncate(limit as usize);
        page.last().map(|c| c.id)
    } else {
        None
    };
    Ok((page, next))
}

/// A reporter's look at their complaint. Unknown codes and wrong PINs get the same answer,
/// and count against the address and the code alike.
pub async fn status(state: &AppState, code: &str, pin: &str, caller: Caller) -> Result<StatusView, AppError> {
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
        Caller::Public { address, .. } => Some(address),
        Caller::Staff => None,
    };
    if let Some(address) = address {
        state.wrong_pins_by_address.has_left(&address).map_err(AppError::RateLimited)?;
    }
    state.wrong_pins_by_code.has_left(&code.as_str().to_owned()).map_err(AppError::RateLimited)?;
    let found = complaints::find_for_status(&state.db, &code).await?;
    match found {
        Some(r) if state.keys.pin_matches(&code, &pin, &r.status_pin_hash) => {
            Ok(StatusView { tracking_code: code, status: r.status, received_at: r.received_at, updated_at: r.updated_at })
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
