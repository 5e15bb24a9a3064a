//! Family support centers: the registry of centers, referrals with the person's consent, and
//! the support cases (migration 0012). Every change is written with its audit event in one
//! transaction; every personal free text is sealed (notes, reasons, the assessment, the plans,
//! the visits' findings). Codes, times and counts stay readable, so that the figures and the
//! check-in reminders ([`due_check_ins`]) read no personal column.
//!
//! A case is saved whole ([`save`]) with a version check: two people saving at once cannot both
//! win, and the loser is told to reload rather than silently overwriting.

use crate::db::audited;
use crate::sealed::Sealer;
use crate::{Db, Keys, Result, StoreError, on_db};
use domain::audit::AuditEntry;
use domain::support::{Assessment, CaseStatus, CenterProfile, Consent, FamilyCategory, Outcome, Plan, ReferralStatus};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("unreadable {what}"))
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|_| corrupt(what))
}

fn stored(t: OffsetDateTime) -> OffsetDateTime {
    domain::clock::storable(t)
}

// --- Centers ---

/// A center in the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Center {
    pub agency_id: String,
    pub region: String,
    pub profile: CenterProfile,
    pub updated_at: OffsetDateTime,
}

type CenterRow = (String, String, String, String, i64, i64, i64, OffsetDateTime);

macro_rules! select_center {
    () => {
        "SELECT agency_id, region, address, services, capacity, shelter_places, shelter_occupied, updated_at FROM support_centers"
    };
}

fn center_of(row: CenterRow) -> Result<Center> {
    let (agency_id, region, address, services, capacity, places, occupied, updated_at) = row;
    let count = |n: i64| u32::try_from(n).map_err(|_| corrupt("support_centers counts"));
    let profile = CenterProfile {
        address,
        services: parse_json(&services, "support_centers.services")?,
        capacity: count(capacity)?,
        shelter_places: count(places)?,
        shelter_occupied: count(occupied)?,
    };
    Ok(Center { agency_id, region, profile, updated_at })
}

/// Sets a center's profile (inserted or replaced), audited.
pub async fn set_center(db: &Db, keys: &Keys, center: &Center, event: AuditEntry) -> Result<()> {
    let p = &center.profile;
    audited!(db, &keys.chain, std::slice::from_ref(&event), tx => {
        sqlx::query(
            "INSERT INTO support_centers (agency_id, region, address, services, capacity, shelter_places, shelter_occupied, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (agency_id) DO UPDATE SET region = $2, \
             address = $3, services = $4, capacity = $5, shelter_places = $6, shelter_occupied = $7, updated_at = $8",
        )
        .bind(&center.agency_id)
        .bind(&center.region)
        .bind(&p.address)
        .bind(json(&p.services))
        .bind(i64::from(p.capacity))
        .bind(i64::from(p.shelter_places))
        .bind(i64::from(p.shelter_occupied))
        .bind(stored(center.updated_at))
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}

/// One center, if registered.
pub async fn center(db: &Db, agency_id: &str) -> Result<Option<Center>> {
    let sql = concat!(select_center!(), " WHERE agency_id = $1");
    let row: Option<CenterRow> = on_db!(db, pool => sqlx::query_as(sql).bind(agency_id).fetch_optional(pool).await?);
    row.map(center_of).transpose()
}

/// The registered centers (of one region, or all), by id.
pub async fn centers(db: &Db, region: Option<&str>) -> Result<Vec<Center>> {
    let sql = concat!(select_center!(), " WHERE ($1 IS NULL OR region = $1) ORDER BY agency_id");
    let rows: Vec<CenterRow> = on_db!(db, pool => sqlx::query_as(sql).bind(region).fetch_all(pool).await?);
    rows.into_iter().map(center_of).collect()
}

/// Sets the shelter places occupied now, never above the places; audited. False if the center
/// is not registered or has fewer places.
pub async fn set_occupancy(
    db: &Db,
    keys: &Keys,
    agency_id: &str,
    occupied: u32,
    at: OffsetDateTime,
    event: AuditEntry,
) -> Result<bool> {
    Ok(audited!(db, &keys.chain, std::slice::from_ref(&event), tx => {
        let updated = sqlx::query(
            "UPDATE support_centers SET shelter_occupied = $2, updated_at = $3 WHERE agency_id = $1 AND shelter_places >= $2",
        )
        .bind(agency_id)
        .bind(i64::from(occupied))
        .bind(stored(at))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        true
    }))
}

// --- Referrals ---

/// A referral to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReferralRow {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub center_id: String,
    /// `None`: the contact center referred.
    pub source_agency_id: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub decide_by: OffsetDateTime,
    pub consent: Consent,
    pub note: Option<String>,
}

/// A referral as stored, opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub center_id: String,
    pub source_agency_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub decide_by: OffsetDateTime,
    pub consent: Consent,
    pub note: Option<String>,
    pub status: ReferralStatus,
    pub decided_at: Option<OffsetDateTime>,
    pub refusal: Option<String>,
}

fn referral_sealer(keys: &Keys, id: Uuid) -> Sealer<'_> {
    Sealer::new(keys, "referrals", id)
}

/// Writes a new referral, audited; false (nothing written) when the complaint already has one
/// pending or accepted to that center (index `referrals_once`).
pub async fn create_referral(db: &Db, keys: &Keys, r: &NewReferralRow, event: AuditEntry) -> Result<bool> {
    let seal = referral_sealer(keys, r.id);
    Ok(audited!(db, &keys.chain, std::slice::from_ref(&event), tx => {
        let inserted = sqlx::query(
            "INSERT INTO referrals (id, complaint_id, center_id, source_agency_id, created_by, created_at, decide_by, \
             share_with, parts, note, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending') \
             ON CONFLICT DO NOTHING",
        )
        .bind(r.id)
        .bind(r.complaint_id)
        .bind(&r.center_id)
        .bind(r.source_agency_id.as_deref())
        .bind(r.created_by)
        .bind(stored(r.created_at))
        .bind(stored(r.decide_by))
        .bind(json(&r.consent.share_with))
        .bind(json(&r.consent.parts))
        .bind(seal.opt("note", r.note.as_deref()))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(false);
        }
        true
    }))
}

type ReferralRow = (
    Uuid,
    Uuid,
    String,
    Option<String>,
    OffsetDateTime,
    OffsetDateTime,
    String,
    String,
    Option<Vec<u8>>,
    String,
    Option<OffsetDateTime>,
    Option<Vec<u8>>,
);

/// One referral, opened.
pub async fn referral(db: &Db, keys: &Keys, id: Uuid) -> Result<Option<Referral>> {
    let sql = "SELECT id, complaint_id, center_id, source_agency_id, created_at, decide_by, share_with, parts, note, status, \
               decided_at, refusal FROM referrals WHERE id = $1";
    let row: Option<ReferralRow> = on_db!(db, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?);
    let Some((
        id,
        complaint_id,
        center_id,
        source_agency_id,
        created_at,
        decide_by,
        share_with,
        parts,
        note,
        status,
        decided_at,
        refusal,
    )) = row
    else {
        return Ok(None);
    };
    let seal = referral_sealer(keys, id);
    Ok(Some(Referral {
        id,
        complaint_id,
        center_id,
        source_agency_id,
        created_at,
        decide_by,
        consent: Consent {
            share_with: parse_json(&share_with, "referrals.share_with")?,
            parts: parse_json(&parts, "referrals.parts")?,
        },
        note: seal.open_opt("note", note.as_deref())?,
        status: ReferralStatus::parse(&status).ok_or_else(|| corrupt("referrals.status"))?,
        decided_at,
        refusal: seal.open_opt("refusal", refusal.as_deref())?,
    }))
}

/// One line of a center's inbox of referrals: no personal field.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReferralLine {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub center_id: String,
    pub source_agency_id: Option<String>,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub decide_by: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
}

/// Referrals to a center (or to every center), of one status or all, the earliest deadline first.
pub async fn referrals(
    db: &Db,
    center_id: Option<&str>,
    status: Option<ReferralStatus>,
    limit: u32,
) -> Result<Vec<ReferralLine>> {
    let sql = "SELECT id, complaint_id, center_id, source_agency_id, status, created_at, decide_by, decided_at FROM referrals \
               WHERE ($1 IS NULL OR center_id = $1) AND ($2 IS NULL OR status = $2) ORDER BY decide_by, id LIMIT $3";
    Ok(on_db!(db, pool => sqlx::query_as(sql)
        .bind(center_id)
        .bind(status.map(|s| s.as_str()))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?))
}

/// Refuses a pending referral with its reason (sealed), audited. False if it was no longer pending.
pub async fn refuse(
    db: &Db,
    keys: &Keys,
    id: Uuid,
    by: Uuid,
    reason: &str,
    at: OffsetDateTime,
    event: AuditEntry,
) -> Result<bool> {
    let refusal = referral_sealer(keys, id).one("refusal", reason);
    Ok(audited!(db, &keys.chain, std::slice::from_ref(&event), tx => {
        let updated = sqlx::query(
            "UPDATE referrals SET status = 'refused', decided_at = $2, decided_by = $3, refusal = $4 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(stored(at))
        .bind(by)
        .bind(refusal)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        true
    }))
}

// --- Cases ---

/// A support case, opened.
#[derive(Debug, Clone, PartialEq)]
pub struct SupportCase {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub center_id: String,
    pub region: String,
    pub status: CaseStatus,
    pub category: Option<FamilyCategory>,
    pub referred_at: OffsetDateTime,
    pub opened_at: OffsetDateTime,
    pub first_service_at: Option<OffsetDateTime>,
    pub check_in_days: u16,
    pub next_check_in_at: OffsetDateTime,
    pub reminded_at: Option<OffsetDateTime>,
    pub outcome: Option<Outcome>,
    pub closed_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    pub assessment: Option<Assessment>,
    pub safety_plan: Option<String>,
    pub plan: Option<Plan>,
    /// Checked and bumped by [`save`].
    pub version: i64,
}

fn case_sealer(keys: &Keys, id: Uuid) -> Sealer<'_> {
    Sealer::new(keys, "support_cases", id)
}

/// The sealed columns of a case: assessment, safety plan, plan.
type SealedParts = (Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>);

fn seal_parts(keys: &Keys, case: &SupportCase) -> SealedParts {
    let seal = case_sealer(keys, case.id);
    (
        case.assessment.as_ref().map(|a| seal.one("assessment", &json(a))),
        seal.opt("safety_plan", case.safety_plan.as_deref()),
        case.plan.as_ref().map(|p| seal.one("plan", &json(p))),
    )
}

/// Accepts a pending referral and opens its case (same id), audited. False if the referral was
/// no longer pending.
pub async fn accept(db: &Db, keys: &Keys, case: &SupportCase, by: Uuid, event: AuditEntry) -> Result<bool> {
    let (assessment, safety_plan, plan) = seal_parts(keys, case);
    Ok(audited!(db, &keys.chain, std::slice::from_ref(&event), tx => {
        let updated = sqlx::query(
            "UPDATE referrals SET status = 'accepted', decided_at = $2, decided_by = $3 WHERE id = $1 AND status = 'pending'",
        )
        .bind(case.id)
        .bind(stored(case.opened_at))
        .bind(by)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO support_cases (id, complaint_id, center_id, region, status, category, referred_at, opened_at, \
             first_service_at, check_in_days, next_check_in_at, reminded_at, outcome, closed_at, updated_at, assessment, \
             safety_plan, plan, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, NULL, NULL, NULL, $8, $11, \
             $12, $13, 1)",
        )
        .bind(case.id)
        .bind(case.complaint_id)
        .bind(&case.center_id)
        .bind(&case.region)
        .bind(case.status.as_str())
        .bind(case.category.map(|c| c.as_str()))
        .bind(stored(case.referred_at))
        .bind(stored(case.opened_at))
        .bind(i64::from(case.check_in_days))
        .bind(stored(case.next_check_in_at))
        .bind(assessment)
        .bind(safety_plan)
        .bind(plan)
        .execute(&mut *tx)
        .await?;
        true
    }))
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: Uuid,
    complaint_id: Uuid,
    center_id: String,
    region: String,
    status: String,
    category: Option<String>,
    referred_at: OffsetDateTime,
    opened_at: OffsetDateTime,
    first_service_at: Option<OffsetDateTime>,
    check_in_days: i64,
    next_check_in_at: OffsetDateTime,
    reminded_at: Option<OffsetDateTime>,
    outcome: Option<String>,
    closed_at: Option<OffsetDateTime>,
    updated_at: OffsetDateTime,
    assessment: Option<Vec<u8>>,
    safety_plan: Option<Vec<u8>>,
    plan: Option<Vec<u8>>,
    version: i64,
}

/// One case, opened. Callers check who may see what of it.
pub async fn case(db: &Db, keys: &Keys, id: Uuid) -> Result<Option<SupportCase>> {
    let sql = "SELECT id, complaint_id, center_id, region, status, category, referred_at, opened_at, first_service_at, \
               check_in_days, next_check_in_at, reminded_at, outcome, closed_at, updated_at, assessment, safety_plan, plan, \
               version FROM support_cases WHERE id = $1";
    let row: Option<CaseRow> = on_db!(db, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?);
    row.map(|row| case_of(keys, row)).transpose()
}

fn case_of(keys: &Keys, row: CaseRow) -> Result<SupportCase> {
    let seal = case_sealer(keys, row.id);
    let opened = |column: &str, value: Option<Vec<u8>>| seal.open_opt(column, value.as_deref());
    let assessment = opened("assessment", row.assessment)?.map(|a| parse_json(&a, "support_cases.assessment")).transpose()?;
    let plan = opened("plan", row.plan)?.map(|p| parse_json(&p, "support_cases.plan")).transpose()?;
    Ok(SupportCase {
        safety_plan: opened("safety_plan", row.safety_plan)?,
        assessment,
        plan,
        status: CaseStatus::parse(&row.status).ok_or_else(|| corrupt("support_cases.status"))?,
        category: row
            .category
            .as_deref()
            .map(|c| FamilyCategory::parse(c).ok_or_else(|| corrupt("support_cases.category")))
            .transpose()?,
        outcome: row.outcome.as_deref().map(|o| Outcome::parse(o).ok_or_else(|| corrupt("support_cases.outcome"))).transpose()?,
        check_in_days: u16::try_from(row.check_in_days).map_err(|_| corrupt("support_cases.check_in_days"))?,
        id: row.id,
        complaint_id: row.complaint_id,
        center_id: row.center_id,
        region: row.region,
        referred_at: row.referred_at,
        opened_at: row.opened_at,
        first_service_at: row.first_service_at,
        next_check_in_at: row.next_check_in_at,
        reminded_at: row.reminded_at,
        closed_at: row.closed_at,
        updated_at: row.updated_at,
        version: row.version,
    })
}

/// One line of what happened to a case.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewEntry {
    /// assessment, safety_plan, plan, service, check_in, visit, category, step.
    pub kind: &'static str,
    /// The service, the check-in's outcome, the new category, the step.
    pub code: Option<String>,
    /// The former category or status.
    pub previous: Option<String>,
    /// The day of a delivery or a visit.
    pub on_day: Option<Date>,
    pub minutes: Option<i64>,
    /// A note, a reason, a visit as JSON (sealed).
    pub detail: Option<String>,
}

/// A line of a case's history, opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub seq: i64,
    pub at: OffsetDateTime,
    pub kind: String,
    pub actor_id: Option<Uuid>,
    pub code: Option<String>,
    pub previous: Option<String>,
    /// `YYYY-MM-DD`.
    pub on_day: Option<String>,
    pub minutes: Option<i64>,
    pub detail: Option<String>,
}

/// What [`save`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Done,
    /// Someone changed the case since it was read.
    Stale,
    /// A shelter placement would take a place the center does not have (or is not registered).
    ShelterFull,
}

fn entry_sealer(keys: &Keys, case_id: Uuid) -> Sealer<'_> {
    Sealer::new(keys, "support_entries", case_id)
}

/// Saves a changed case with its history line, the change of its center's occupied shelter
/// places (`shelter`, from the plan's placements) and its audit event, in one transaction.
pub async fn save(
    db: &Db,
    keys: &Keys,
    case: &SupportCase,
    actor_id: Option<Uuid>,
    entry: &NewEntry,
    shelter: i64,
    event: AuditEntry,
) -> Result<Saved> {
    let (assessment, safety_plan, plan) = seal_parts(keys, case);
    let entry_seal = entry_sealer(keys, case.id);
    let at = stored(event.at);
    Ok(audited!(db, &keys.chain, std::slice::from_ref(&event), tx => {
        let updated = sqlx::query(
            "UPDATE support_cases SET status = $2, category = $3, first_service_at = $4, check_in_days = $5, \
             next_check_in_at = $6, reminded_at = $7, outcome = $8, closed_at = $9, updated_at = $10, assessment = $11, \
             safety_plan = $12, plan = $13, version = version + 1 WHERE id = $1 AND version = $14",
        )
        .bind(case.id)
        .bind(case.status.as_str())
        .bind(case.category.map(|c| c.as_str()))
        .bind(case.first_service_at.map(stored))
        .bind(i64::from(case.check_in_days))
        .bind(stored(case.next_check_in_at))
        .bind(case.reminded_at.map(stored))
        .bind(case.outcome.map(|o| o.as_str()))
        .bind(case.closed_at.map(stored))
        .bind(at)
        .bind(assessment)
        .bind(safety_plan)
        .bind(plan)
        .bind(case.version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(Saved::Stale);
        }
        if shelter != 0 {
            let moved = sqlx::query(
                "UPDATE support_centers SET shelter_occupied = CASE WHEN shelter_occupied + $2 < 0 THEN 0 \
                 ELSE shelter_occupied + $2 END WHERE agency_id = $1 AND shelter_occupied + $2 <= shelter_places",
            )
            .bind(&case.center_id)
            .bind(shelter)
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() == 0 && shelter > 0 {
                return Ok(Saved::ShelterFull);
            }
        }
        let seq: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM support_entries WHERE case_id = $1")
            .bind(case.id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO support_entries (case_id, seq, at, kind, actor_id, code, previous, on_day, minutes, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(case.id)
        .bind(seq)
        .bind(at)
        .bind(entry.kind)
        .bind(actor_id)
        .bind(entry.code.as_deref())
        .bind(entry.previous.as_deref())
        .bind(entry.on_day.map(|d| d.to_string()))
        .bind(entry.minutes)
        .bind(entry.detail.as_deref().map(|d| entry_seal.one(&format!("detail{seq}"), d)))
        .execute(&mut *tx)
        .await?;
        Saved::Done
    }))
}

type EntryRow =
    (i64, OffsetDateTime, String, Option<Uuid>, Option<String>, Option<String>, Option<String>, Option<i64>, Option<Vec<u8>>);

/// What happened to a case, oldest first, opened. Callers check who may see the details.
pub async fn entries(db: &Db, keys: &Keys, case_id: Uuid) -> Result<Vec<Entry>> {
    let sql = "SELECT seq, at, kind, actor_id, code, previous, on_day, minutes, detail FROM support_entries \
               WHERE case_id = $1 ORDER BY seq";
    let rows: Vec<EntryRow> = on_db!(db, pool => sqlx::query_as(sql).bind(case_id).fetch_all(pool).await?);
    let seal = entry_sealer(keys, case_id);
    rows.into_iter()
        .map(|(seq, at, kind, actor_id, code, previous, on_day, minutes, detail)| {
            let detail = seal.open_opt(&format!("detail{seq}"), detail.as_deref())?;
            Ok(Entry { seq, at, kind, actor_id, code, previous, on_day, minutes, detail })
        })
        .collect()
}

/// A case whose safety check-in is overdue and not yet reminded: no personal field.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DueCheckIn {
    pub case_id: Uuid,
    pub center_id: String,
    pub next_check_in_at: OffsetDateTime,
    /// The case's specialist: the one who accepted the referral.
    pub specialist_id: Option<Uuid>,
}

/// The topic of a check-in reminder in the outbox.
pub const CHECK_IN_DUE: &str = "support.check_in_due";

/// Cases not closed whose next check-in is due by `now` and whose reminder was not yet queued,
/// the most overdue first (index `support_cases_check_in`).
pub async fn due_check_ins(db: &Db, now: OffsetDateTime, limit: u32) -> Result<Vec<DueCheckIn>> {
    let sql = "SELECT c.id AS case_id, c.center_id, c.next_check_in_at, r.decided_by AS specialist_id \
               FROM support_cases c JOIN referrals r ON r.id = c.id \
               WHERE c.reminded_at IS NULL AND c.status <> 'closed' AND c.next_check_in_at <= $1 \
               ORDER BY c.next_check_in_at, c.id LIMIT $2";
    Ok(on_db!(db, pool => sqlx::query_as(sql).bind(stored(now)).bind(i64::from(limit)).fetch_all(pool).await?))
}

/// Queues the reminder of an overdue check-in to the case's specialist (`user:<id>`, or the
/// center's people when nobody accepted it by name) in the outbox, marks the case reminded and
/// appends `event`, in one transaction: exactly once across servers. False if the case moved on
/// (a check-in recorded, closed, or already reminded): the reminder then is not for this one.
pub async fn remind(db: &Db, keys: &Keys, due: &DueCheckIn, event: AuditEntry) -> Result<bool> {
    let recipient = match due.specialist_id {
        Some(id) => format!("user:{id}"),
        None => format!("center:{}", due.center_id),
    };
    let payload = serde_json::json!({"case_id": due.case_id, "agency_id": due.center_id,
        "due_at": due.next_check_in_at.unix_timestamp()});
    let dedupe_key = format!("check_in:{}:{}", due.case_id, due.next_check_in_at.unix_timestamp());
    Ok(audited!(db, &keys.chain, std::slice::from_ref(&event), tx => {
        let updated = sqlx::query(
            "UPDATE support_cases SET reminded_at = $3 WHERE id = $1 AND next_check_in_at = $2 AND reminded_at IS NULL \
             AND status <> 'closed'",
        )
        .bind(due.case_id)
        .bind(stored(due.next_check_in_at))
        .bind(stored(event.at))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO outbox (id, created_at, topic, recipient, payload, dedupe_key, status, attempts, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $2) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(Uuid::now_v7())
        .bind(stored(event.at))
        .bind(CHECK_IN_DUE)
        .bind(&recipient)
        .bind(payload.to_string())
        .bind(dedupe_key)
        .execute(&mut *tx)
        .await?;
        true
    }))
}

/// Cases of a center (or every case), the most recently changed first: no personal field.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseLine {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub center_id: String,
    pub status: String,
    pub category: Option<String>,
    pub next_check_in_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

pub async fn cases(db: &Db, center_id: Option<&str>, limit: u32) -> Result<Vec<CaseLine>> {
    let sql = "SELECT id, complaint_id, center_id, status, category, next_check_in_at, updated_at FROM support_cases \
               WHERE ($1 IS NULL OR center_id = $1) ORDER BY updated_at DESC, id LIMIT $2";
    Ok(on_db!(db, pool => sqlx::query_as(sql).bind(center_id).bind(i64::from(limit)).fetch_all(pool).await?))
}

// --- Figures ---

/// Which cases the figures count: a period, and one region or center, or all.
#[derive(Debug, Clone)]
pub struct FigureFilter {
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
    pub region: Option<String>,
    pub center_id: Option<String>,
}

/// The figures as counted, without a personal column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// Cases open at some time in the period.
    pub people_supported: i64,
    /// Service code → (deliveries, total minutes), deliveries logged in the period.
    pub services: Vec<(String, i64, i64)>,
    /// Hours from referral to first service, of cases whose first service fell in the period.
    pub first_service_hours: Vec<f64>,
    /// Outcome code → cases closed in the period.
    pub outcomes: Vec<(String, i64)>,
    /// Registered centers: (id, region, places, occupied).
    pub shelters: Vec<(String, String, i64, i64)>,
}

/// The region and center filters of the figures' queries (`$3`, `$4`).
macro_rules! case_filter {
    () => {
        "($3 IS NULL OR s.region = $3) AND ($4 IS NULL OR s.center_id = $4)"
    };
}

/// Counts the support work in a period. (Sums are cast: PostgreSQL's `SUM` of a `BIGINT` is a
/// `NUMERIC`.)
pub async fn figures(db: &Db, f: &FigureFilter) -> Result<Counts> {
    let (from, to) = (stored(f.from), stored(f.to));
    let (region, center) = (f.region.as_deref(), f.center_id.as_deref());
    let people = concat!(
        "SELECT COUNT(*) FROM support_cases s WHERE s.opened_at < $2 AND (s.closed_at IS NULL OR s.closed_at >= $1) AND ",
        case_filter!()
    );
    let services = concat!(
        "SELECT e.code, COUNT(*), CAST(COALESCE(SUM(e.minutes), 0) AS BIGINT) FROM support_entries e ",
        "JOIN support_cases s ON s.id = e.case_id WHERE e.kind = 'service' AND e.at >= $1 AND e.at < $2 AND ",
        case_filter!(),
        " GROUP BY e.code ORDER BY e.code"
    );
    let first = concat!(
        "SELECT s.referred_at, s.first_service_at FROM support_cases s WHERE s.first_service_at >= $1 ",
        "AND s.first_service_at < $2 AND ",
        case_filter!()
    );
    let outcomes = concat!(
        "SELECT s.outcome, COUNT(*) FROM support_cases s WHERE s.status = 'closed' AND s.closed_at >= $1 AND s.closed_at < $2 ",
        "AND s.outcome IS NOT NULL AND ",
        case_filter!(),
        " GROUP BY s.outcome ORDER BY s.outcome"
    );
    let shelters = "SELECT agency_id, region, shelter_places, shelter_occupied FROM support_centers \
                    WHERE ($1 IS NULL OR region = $1) AND ($2 IS NULL OR agency_id = $2) ORDER BY agency_id";
    Ok(on_db!(db, pool => {
        let people_supported: i64 =
            sqlx::query_scalar(people).bind(from).bind(to).bind(region).bind(center).fetch_one(pool).await?;
        let services: Vec<(String, i64, i64)> =
            sqlx::query_as(services).bind(from).bind(to).bind(region).bind(center).fetch_all(pool).await?;
        let first: Vec<(OffsetDateTime, OffsetDateTime)> =
            sqlx::query_as(first).bind(from).bind(to).bind(region).bind(center).fetch_all(pool).await?;
        let outcomes: Vec<(String, i64)> =
            sqlx::query_as(outcomes).bind(from).bind(to).bind(region).bind(center).fetch_all(pool).await?;
        let shelters: Vec<(String, String, i64, i64)> =
            sqlx::query_as(shelters).bind(region).bind(center).fetch_all(pool).await?;
        let first_service_hours = first.iter().map(|(referred, served)| (*served - *referred).as_seconds_f64() / 3600.0).collect();
        Counts { people_supported, services, first_service_hours, outcomes, shelters }
    }))
}
