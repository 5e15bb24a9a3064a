//! Schools and children: a school's report (from its own account, about its own institution),
//! a child's report through a school's QR code, and the figures per region and institution.
//!
//! A school report is a complaint of the `school` channel with the school's facts beside it:
//! the domain builds the complaint from the institution in the registry (region, locality) and
//! the kind's category, and intake routes it by the routing rules like any other complaint.
//! Its lateness — the time from learning to reporting against `school_report_limit` — is fixed
//! when it is made, so that a later change of the limit does not rewrite history.

use super::complaints::{self, Origin, Receipt, Registration};
use super::{Caller, Staff};
use crate::error::AppError;
use crate::state::AppState;
use domain::Error;
use domain::audit::{AuditAction, AuditEntry};
use domain::complaint::{Channel, ComplaintInput};
use domain::ids::ComplaintId;
use domain::institution::{Bin, Institution};
use domain::policy::{Action, Scope, decide};
use domain::region::Region;
use domain::school::{SchoolReportInput, Timeliness};
use store::schools::{FigureFilter, SchoolReportRow, StoredSchoolReport};
use time::OffsetDateTime;

/// What a school gets back: the complaint's receipt and how timely the report was.
pub struct SchoolReceipt {
    pub receipt: Receipt,
    pub timeliness: Timeliness,
}

/// A school's report from one of its accounts, stored and routed at once.
pub async fn submit_report(
    state: &AppState,
    staff: &Staff,
    input: SchoolReportInput,
    body: &[u8],
    idempotency_key: Option<&str>,
) -> Result<SchoolReceipt, AppError> {
    decide(&staff.actor, &Action::SubmitComplaint(Channel::School)).map_err(Error::from)?;
    let bin = staff.actor.institution_id.clone().ok_or(Error::Forbidden)?;
    let institution = registered(state, &bin)
        .await?
        .ok_or_else(|| AppError::field("institution", "not_registered", "the account's institution is not in the registry"))?;
    let caller = Caller::Staff(staff.clone());
    let idempotency = idempotency_key.map(|key| complaints::idempotency(key, body, &caller)).transpose()?;
    let now = state.clock.now();
    let report = input.validate(now, &institution)?;
    let timeliness = Timeliness::of(report.learned_at, now, state.school_report_limit);
    let row = SchoolReportRow {
        institution_bin: bin.clone(),
        kind: report.kind,
        learned_at: report.learned_at,
        timeliness,
        minors: report.minors,
        actions_taken: report.actions_taken,
    };
    let registration = Registration {
        complaint: report.complaint,
        created_by: staff.audit_actor(),
        institution_id: Some(bin),
        idempotency,
        origin: Origin { school_report: Some(row), ..Origin::default() },
    };
    let receipt = complaints::register(state, registration).await?;
    Ok(SchoolReceipt { receipt, timeliness })
}

/// The school report of a complaint, for whoever may see the complaint (the view is audited
/// with the complaint's). `None` when the complaint did not come as a school report.
pub async fn report_of(state: &AppState, staff: &Staff, id: ComplaintId) -> Result<Option<StoredSchoolReport>, AppError> {
    complaints::get(state, staff, id).await?;
    Ok(store::schools::get(&state.db, &state.store_keys, id).await?)
}

/// The institution a QR code names, if the code is a registered BIN.
pub async fn qr_institution(state: &AppState, code: &str) -> Result<Option<Institution>, AppError> {
    registered(state, code).await
}

/// A report through an institution's QR code: the public form's complaint, with the institution
/// attached and its region and locality taken from the registry (the child never types them).
/// Floods from one code are met with the human check the caller asks for, never a refusal.
pub async fn submit_from_qr(
    state: &AppState,
    institution: &Institution,
    mut input: ComplaintInput,
    body: &[u8],
    caller: &Caller,
    idempotency_key: Option<&str>,
) -> Result<Receipt, AppError> {
    if let Caller::Public { human_checked: false, .. } = caller {
        state.qr_reports.take(&institution.bin.as_str().to_owned()).map_err(AppError::RateLimited)?;
    }
    input.channel = Some(Channel::Qr.as_str().into());
    input.region = Some(institution.region.code.into());
    input.locality = Some(institution.locality.clone().into());
    let origin = Origin { qr_institution: Some(institution.bin.as_str().to_owned()), ..Origin::default() };
    complaints::submit_from(state, input, body, caller, idempotency_key, origin).await
}

async fn registered(state: &AppState, code: &str) -> Result<Option<Institution>, AppError> {
    let Ok(bin) = Bin::parse(code) else { return Ok(None) };
    Ok(store::institutions::get(&state.db, &bin).await?.map(|r| r.institution))
}

/// The figures of one institution or region.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FigureRow {
    /// The BIN (institutions) or the region code (regions).
    pub id: String,
    /// The institution's name, or the region's in the language asked for.
    pub name: String,
    /// The region code.
    pub region: String,
    pub school_reports: i64,
    pub bullying: i64,
    pub cyberbullying: i64,
    /// School reports later than the limit in force when they were made.
    pub late: i64,
    /// The mean time from learning to reporting, in hours (one decimal); none without reports.
    pub mean_delay_hours: Option<f64>,
    /// Reports through the institution's QR codes.
    pub qr_reports: i64,
}

/// The figures for a period.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SchoolFigures {
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    /// The lateness limit now in force, in hours.
    pub limit_hours: i64,
    pub regions: Vec<FigureRow>,
    pub institutions: Vec<FigureRow>,
}

/// Reports, bullying and cyberbullying, lateness and QR reports per region and institution, for
/// those who may see statistics. An agency head sees their agency's region only.
pub async fn figures(
    state: &AppState,
    staff: &Staff,
    period: (OffsetDateTime, OffsetDateTime),
    region: Option<&'static Region>,
    language: domain::complaint::Language,
) -> Result<SchoolFigures, AppError> {
    let grant = decide(&staff.actor, &Action::ViewStatistics).map_err(Error::from)?;
    let region = match grant.scope {
        Scope::All => region,
        Scope::Agency(id) => Some(agency_region(state, &id)?),
        Scope::Institution(_) | Scope::NotRecords => return Err(Error::Forbidden.into()),
    };
    let (from, to) = period;
    let entry = AuditEntry::new(state.clock.now(), staff.audit_actor(), AuditAction::StatisticsView).with("of", "schools");
    store::audit::append(&state.db, &state.store_keys.chain, &[entry]).await?;
    let counted = store::schools::figures(&state.db, &FigureFilter { from, to, region }).await?;
    let bins: Vec<&str> = counted.institutions.keys().map(|(bin, _)| bin.as_str()).collect();
    let names = store::institutions::names(&state.db, &bins).await?;
    let institutions = counted
        .institutions
        .iter()
        .map(|((bin, region), c)| row(bin, names.get(bin).cloned().unwrap_or_default(), region, c))
        .collect();
    let regions = counted
        .regions
        .iter()
        .map(|(code, c)| {
            let name = Region::by_code(code).map(|r| r.name(language).to_owned()).unwrap_or_default();
            row(code, name, code, c)
        })
        .collect();
    Ok(SchoolFigures { from, to, limit_hours: state.school_report_limit.whole_hours(), regions, institutions })
}

fn agency_region(state: &AppState, agency_id: &str) -> Result<&'static Region, AppError> {
    let agency = state.reference.agencies.get(agency_id).ok_or(Error::Forbidden)?;
    let code = agency.region.as_deref().ok_or(Error::Forbidden)?;
    Ok(Region::by_code(code).ok_or(Error::Forbidden)?)
}

fn row(id: &str, name: String, region: &str, c: &store::schools::Counts) -> FigureRow {
    let mean = (c.school_reports > 0).then(|| {
        let hours = c.delay_seconds_total as f64 / c.school_reports as f64 / 3600.0;
        (hours * 10.0).round() / 10.0
    });
    FigureRow {
        id: id.to_owned(),
        name,
        region: region.to_owned(),
        school_reports: c.school_reports,
        bullying: c.bullying,
        cyberbullying: c.cyberbullying,
        late: c.late,
        mean_delay_hours: mean,
        qr_reports: c.qr_reports,
    }
}

/// The longest period the figures cover at once.
const MAX_PERIOD_DAYS: i64 = 5 * 366;

/// The period of the figures from two Kazakhstan days, `YYYY-MM-DD`, both included; by default
/// the last 30 days up to today.
pub fn period(from: Option<&str>, to: Option<&str>, now: OffsetDateTime) -> Result<(OffsetDateTime, OffsetDateTime), AppError> {
    let today = domain::clock::local(now).date();
    let mut errors = domain::error::Errors::default();
    let mut day = |value: Option<&str>, field: &str, default: time::Date| match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Some(default),
        Some(v) => {
            let parsed = time::Date::parse(v, time::macros::format_description!("[year]-[month]-[day]")).ok();
            if parsed.is_none() {
                errors.push(field, "expected_date", "expected a date such as 2026-11-25");
            }
            parsed
        }
    };
    let to = day(to, "to", today);
    let from = day(from, "from", today - time::Duration::days(29));
    if let (Some(from), Some(to)) = (from, to)
        && (from > to || (to - from).whole_days() > MAX_PERIOD_DAYS)
    {
        errors.push("from", "out_of_range", "on or before `to`, at most five years before it");
    }
    let start = |d: time::Date| d.midnight().assume_offset(domain::clock::KAZAKHSTAN_OFFSET);
    Ok(errors.finish(|| (start(from.expect("checked")), start(to.expect("checked")) + time::Duration::days(1)))?)
}
