//! The complaints repository: insert (used by the intake writer), read one, list a page,
//! and the lookups of the status page and of idempotent retries.

use crate::sealed::{IIN, PHONE, Sealer};
use crate::{Db, Keys, Result, StoreError, on_db};
use domain::assessment::{Assessment, AssignmentView, StoredTriage};
use domain::complaint::{
    Channel, Complaint, Language, NewComplaint, Perpetrator, Relation, Reporter, ReporterContact, Sex, Status, Victim,
};
use domain::ids::{ComplaintId, TrackingCode};
use domain::priority::Priority;
use domain::region::Region;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

/// A complaint ready to be written: validated, with its id, code and PIN hash.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub id: ComplaintId,
    pub tracking_code: TrackingCode,
    pub status_pin_hash: Vec<u8>,
    pub received_at: OffsetDateTime,
    pub complaint: NewComplaint,
    /// Categories, risk and assignments with their deadlines, written in the same transaction.
    pub assessment: Assessment,
    /// The versions of the reference data the assessment used.
    pub reference_version: String,
    pub idempotency: Option<Idempotency>,
    /// The school (or other institution) whose account reported it.
    pub institution_id: Option<String>,
    /// The institution whose QR code it came through (a child's report from a school's poster).
    pub qr_institution: Option<String>,
    /// What a school said beyond the complaint, when it came as a school's report.
    pub school_report: Option<crate::schools::SchoolReportRow>,
    /// Who registered it, for the audit event written with it.
    pub created_by: domain::audit::AuditActor,
}

/// The key of an idempotent request, and a hash of its body (to tell a retry from a
/// different request reusing the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    pub request_hash: Vec<u8>,
}

/// What the status page needs to find a complaint by its code and check the PIN.
#[derive(Debug, Clone)]
pub struct StatusRecord {
    pub id: ComplaintId,
    pub status_pin_hash: Vec<u8>,
    pub status: Status,
    pub received_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// A complaint already stored under an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedRecord {
    pub id: ComplaintId,
    pub tracking_code: TrackingCode,
    pub request_hash: Vec<u8>,
}

/// Filters of the staff list. All optional; `after` is the cursor (the last id of the
/// previous page).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub region: Option<&'static Region>,
    pub channel: Option<Channel>,
    pub status: Option<Status>,
    pub received_from: Option<OffsetDateTime>,
    pub received_to: Option<OffsetDateTime>,
    pub after: Option<ComplaintId>,
    /// Only complaints assigned to this agency.
    pub agency_id: Option<String>,
    /// Only complaints reported by this institution.
    pub institution_id: Option<String>,
    /// Only complaints whose reporter's phone has this blind index.
    pub phone_index: Option<Vec<u8>>,
    /// Only complaints whose reporter or a victim has an IIN with this blind index.
    pub iin_index: Option<Vec<u8>>,
    pub limit: u32,
}

const COMPLAINT_COLUMNS: &str = "id, tracking_code, status_pin_hash, channel, received_at, updated_at, region, locality, \
     language, narrative, status, reporter_anonymous, reporter_name, reporter_phone, reporter_relation, \
     reporter_consent_to_contact, reporter_safe_to_contact, reporter_safe_contact_time, idempotency_key, request_hash, \
     risk_level, risk_computed, priority, triage, reference_version, reporter_phone_index, institution_id, \
     address, reporter_iin, reporter_iin_index, qr_institution";

/// The columns of a complaint as read back (a macro, so that queries stay literal strings).
macro_rules! select_complaint {
    () => {
        "SELECT id, tracking_code, channel, received_at, updated_at, region, locality, language, narrative, priority, triage, \
     status, reporter_anonymous, reporter_name, reporter_phone, reporter_relation, reporter_consent_to_contact, \
     reporter_safe_to_contact, reporter_safe_contact_time, reporter_iin, address, institution_id, qr_institution FROM complaints"
    };
}

/// The columns of an assignment (a macro, so that queries stay literal strings).
macro_rules! assignment_columns {
    () => {
        "complaint_id, agency_id, agency_kind, role, rule_id, status, created_at, acknowledge_due_at, report_due_at, next_check_at"
    };
}

/// Writes records in the given transaction: three multi-row inserts, however many records.
pub(crate) async fn insert_all<'c, DB>(tx: &mut sqlx::Transaction<'c, DB>, keys: &Keys, records: &[&NewRecord]) -> Result<()>
where
    DB: sqlx::Database,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'e> &'e mut <DB as sqlx::Database>::Connection: sqlx::Executor<'e, Database = DB>,
    Uuid: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    OffsetDateTime: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'static str: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'static str>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Vec<u8>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<Vec<u8>>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<bool>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<OffsetDateTime>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if records.is_empty() {
        return Ok(());
    }
    let mut q = QueryBuilder::<DB>::new(format!("INSERT INTO complaints ({COMPLAINT_COLUMNS}) "));
    q.push_values(records, |mut row, r| {
        let c = &r.complaint;
        let contact = match &c.reporter {
            Reporter::Anonymous => ReporterContact::default(),
            Reporter::Identified(contact) => contact.clone(),
        };
        let seal = Sealer::new(keys, "complaints", r.id);
        let at = domain::clock::storable(r.received_at);
        row.push_bind(r.id.0)
            .push_bind(r.tracking_code.as_str().to_owned())
            .push_bind(r.status_pin_hash.clone())
            .push_bind(c.channel.as_str())
            .push_bind(at)
            .push_bind(at)
            .push_bind(c.region.code)
            .push_bind(c.locality.clone())
            .push_bind(c.language.as_str())
            .push_bind(seal.one("narrative", &c.narrative))
            .push_bind(Status::Received.as_str())
            .push_bind(matches!(c.reporter, Reporter::Anonymous))
            .push_bind(seal.opt("reporter_name", contact.name.as_deref()))
            .push_bind(seal.opt("reporter_phone", contact.phone.as_deref()))
            .push_bind(contact.relation.map(Relation::as_str))
            .push_bind(contact.consent_to_contact)
            .push_bind(contact.safe_to_contact)
            .push_bind(seal.opt("reporter_safe_contact_time", contact.safe_contact_time.as_deref()))
            .push_bind(r.idempotency.as_ref().map(|i| i.key.clone()))
            .push_bind(r.idempotency.as_ref().map(|i| i.request_hash.clone()))
            .push_bind(r.assessment.triage.level.as_str())
            .push_bind(r.assessment.triage.computed.as_str())
            .push_bind(r.assessment.priority.as_str())
            .push_bind(stored_triage(r))
            .push_bind(r.reference_version.clone())
            .push_bind(contact.phone.as_deref().map(|p| keys.fields.blind_index(PHONE, p)))
            .push_bind(r.institution_id.clone())
            .push_bind(seal.opt("address", c.address.as_deref()))
            .push_bind(seal.opt("reporter_iin", contact.iin.as_deref()))
            .push_bind(contact.iin.as_deref().map(|i| keys.fields.blind_index(IIN, i)))
            .push_bind(r.qr_institution.clone());
    });
    q.build().execute(&mut **tx).await?;

    let schools: Vec<_> = records.iter().filter_map(|r| r.school_report.as_ref().map(|s| (r.id, r.received_at, s))).collect();
    crate::schools::insert_all(tx, keys, &schools).await?;

    let victims: Vec<_> =
        records.iter().flat_map(|r| r.complaint.victims.iter().enumerate().map(move |(i, v)| (r.id, i, v))).collect();
    if !victims.is_empty() {
        let mut q = QueryBuilder::<DB>::new(
            "INSERT INTO complaint_victims (complaint_id, position, age, birth_year, sex, minor, disability, name, iin, iin_index) ",
        );
        q.push_values(&victims, |mut row, (id, i, v)| {
            let seal = Sealer::new(keys, "complaint_victims", format!("{id}/{i}"));
            row.push_bind(id.0)
                .push_bind(*i as i64)
                .push_bind(v.age.map(i64::from))
                .push_bind(v.birth_year.map(i64::from))
                .push_bind(v.sex.as_str())
                .push_bind(v.minor)
                .push_bind(v.disability)
                .push_bind(seal.opt("name", v.name.as_deref()))
                .push_bind(seal.opt("iin", v.iin.as_deref()))
                .push_bind(v.iin.as_deref().map(|iin| keys.fields.blind_index(IIN, iin)));
        });
        q.build().execute(&mut **tx).await?;
    }

    let perpetrators: Vec<_> =
        records.iter().flat_map(|r| r.complaint.perpetrators.iter().enumerate().map(move |(i, p)| (r.id, i, p))).collect();
    if !perpetrators.is_empty() {
        let mut q = QueryBuilder::<DB>::new("INSERT INTO complaint_perpetrators (complaint_id, position, relation, sex, name) ");
        q.push_values(&perpetrators, |mut row, (id, i, p)| {
            let seal = Sealer::new(keys, "complaint_perpetrators", format!("{id}/{i}"));
            row.push_bind(id.0)
                .push_bind(*i as i64)
                .push_bind(p.relation.as_str())
                .push_bind(p.sex.as_str())
                .push_bind(seal.opt("name", p.name.as_deref()));
        });
        q.build().execute(&mut **tx).await?;
    }

    let categories: Vec<_> =
        records.iter().flat_map(|r| r.assessment.categories.iter().enumerate().map(move |(i, c)| (r.id, i, c))).collect();
    if !categories.is_empty() {
        let mut q = QueryBuilder::<DB>::new("INSERT INTO complaint_categories (complaint_id, position, code) ");
        q.push_values(&categories, |mut row, (id, i, code)| {
            row.push_bind(id.0).push_bind(*i as i64).push_bind((*code).clone());
        });
        q.build().execute(&mut **tx).await?;
    }

    let assignments: Vec<_> = records.iter().flat_map(|r| r.assessment.assignments.iter().map(move |a| (r, a))).collect();
    if !assignments.is_empty() {
        let mut q = QueryBuilder::<DB>::new(concat!("INSERT INTO assignments (", assignment_columns!(), ") "));
        q.push_values(&assignments, |mut row, (r, a)| {
            let at = domain::clock::storable(r.received_at);
            row.push_bind(r.id.0)
                .push_bind(a.agency_id.clone())
                .push_bind(code_of(&a.agency_kind))
                .push_bind(code_of(&a.role))
                .push_bind(a.rule_id.clone())
                .push_bind(PENDING)
                .push_bind(at)
                .push_bind(a.acknowledge_due_at.map(domain::clock::storable))
                .push_bind(a.report_due_at.map(domain::clock::storable))
                // The scheduler looks at it at once, and decides when to look again.
                .push_bind(at);
        });
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// The status of a new assignment (the agency has not acknowledged it yet).
const PENDING: &str = "pending";

/// The stored code of a closed list that serialises as a string (its serde name).
pub(crate) fn code_of(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        _ => unreachable!("codes serialise as strings"),
    }
}

/// A stored code back into its closed list.
fn from_code<T: serde::de::DeserializeOwned>(code: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).map_err(|_| corrupt("code"))
}

fn stored_triage(r: &NewRecord) -> String {
    serde_json::to_string(&StoredTriage::new(&r.complaint.answers, &r.assessment)).expect("plain data serialises")
}

const SELECT_BY_KEY: &str = "SELECT id, tracking_code, request_hash FROM complaints WHERE idempotency_key = $1";

/// The complaint stored under an idempotency key, if any.
pub async fn find_by_idempotency_key(db: &Db, key: &str) -> Result<Option<KeyedRecord>> {
    let row: Option<(Uuid, String, Option<Vec<u8>>)> =
        on_db!(db, pool => sqlx::query_as(SELECT_BY_KEY).bind(key).fetch_optional(pool).await?);
    row.map(keyed_record).transpose()
}

/// The same, inside the writer's transaction.
pub(crate) async fn find_by_idempotency_key_in<'c, DB>(
    tx: &mut sqlx::Transaction<'c, DB>,
    key: &str,
) -> Result<Option<KeyedRecord>>
where
    DB: sqlx::Database,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'e> &'e mut <DB as sqlx::Database>::Connection: sqlx::Executor<'e, Database = DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    (Uuid, String, Option<Vec<u8>>): for<'r> FromRow<'r, DB::Row>,
{
    let row: Option<(Uuid, String, Option<Vec<u8>>)> = sqlx::query_as(SELECT_BY_KEY).bind(key).fetch_optional(&mut **tx).await?;
    row.map(keyed_record).transpose()
}

fn keyed_record((id, code, hash): (Uuid, String, Option<Vec<u8>>)) -> Result<KeyedRecord> {
    Ok(KeyedRecord { id: ComplaintId(id), tracking_code: tracking_code(&code)?, request_hash: hash.unwrap_or_default() })
}

#[derive(FromRow)]
struct ComplaintRow {
    id: Uuid,
    tracking_code: String,
    channel: String,
    received_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    region: String,
    locality: Option<String>,
    language: String,
    narrative: Vec<u8>,
    status: String,
    reporter_anonymous: bool,
    reporter_name: Option<Vec<u8>>,
    reporter_phone: Option<Vec<u8>>,
    reporter_relation: Option<String>,
    reporter_consent_to_contact: bool,
    reporter_safe_to_contact: bool,
    reporter_safe_contact_time: Option<Vec<u8>>,
    reporter_iin: Option<Vec<u8>>,
    address: Option<Vec<u8>>,
    institution_id: Option<String>,
    qr_institution: Option<String>,
    priority: String,
    triage: String,
}

#[derive(FromRow)]
struct CategoryRow {
    complaint_id: Uuid,
    code: String,
}

#[derive(FromRow)]
struct AssignmentRow {
    complaint_id: Uuid,
    agency_id: String,
    agency_kind: String,
    role: String,
    rule_id: String,
    status: String,
    acknowledge_due_at: Option<OffsetDateTime>,
    report_due_at: Option<OffsetDateTime>,
}

#[derive(FromRow)]
struct VictimRow {
    complaint_id: Uuid,
    position: i64,
    name: Option<Vec<u8>>,
    iin: Option<Vec<u8>>,
    age: Option<i64>,
    birth_year: Option<i64>,
    sex: String,
    minor: Option<bool>,
    disability: Option<bool>,
}

#[derive(FromRow)]
struct PerpetratorRow {
    complaint_id: Uuid,
    position: i64,
    name: Option<Vec<u8>>,
    relation: String,
    sex: String,
}

/// One complaint, whole.
pub async fn get(db: &Db, keys: &Keys, id: ComplaintId) -> Result<Option<Complaint>> {
    let sql = concat!(select_complaint!(), " WHERE id = $1");
    let row: Option<ComplaintRow> = on_db!(db, pool => sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await?);
    let Some(row) = row else { return Ok(None) };
    Ok(assemble(db, keys, vec![row]).await?.pop())
}

/// A page of complaints, newest first.
pub async fn list(db: &Db, keys: &Keys, filter: &ListFilter) -> Result<Vec<Complaint>> {
    let sql = concat!(
        select_complaint!(),
        " WHERE ($1 IS NULL OR region = $1) AND ($2 IS NULL OR channel = $2) AND ($3 IS NULL OR status = $3) \
         AND ($4 IS NULL OR id >= $4) AND ($5 IS NULL OR id < $5) AND ($6 IS NULL OR id < $6) \
         AND ($8 IS NULL OR id IN (SELECT complaint_id FROM assignments WHERE agency_id = $8)) \
         AND ($9 IS NULL OR institution_id = $9) AND ($10 IS NULL OR reporter_phone_index = $10) \
         AND ($11 IS NULL OR reporter_iin_index = $11 OR id IN (SELECT complaint_id FROM complaint_victims WHERE iin_index = $11)) \
         ORDER BY id DESC LIMIT $7"
    );
    // Ids sort by time of receipt: a window of times is a range of ids (no index on the times).
    let from = filter.received_from.map(|t| ComplaintId::first_at(t).0);
    let to = filter.received_to.map(|t| ComplaintId::first_at(t).0);
    let rows: Vec<ComplaintRow> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(filter.region.map(|r| r.code))
        .bind(filter.channel.map(Channel::as_str))
        .bind(filter.status.map(Status::as_str))
        .bind(from)
        .bind(to)
        .bind(filter.after.map(|id| id.0))
        .bind(i64::from(filter.limit))
        .bind(filter.agency_id.clone())
        .bind(filter.institution_id.clone())
        .bind(filter.phone_index.clone())
        .bind(filter.iin_index.clone())
        .fetch_all(pool)
        .await?);
    assemble(db, keys, rows).await
}

/// Reads the people of the complaints in `rows` (two queries, whatever the count).
async fn assemble(db: &Db, keys: &Keys, rows: Vec<ComplaintRow>) -> Result<Vec<Complaint>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let victims: Vec<VictimRow> = children_of(
        db,
        "SELECT complaint_id, position, name, iin, age, birth_year, sex, minor, disability FROM complaint_victims",
        &ids,
        "complaint_id, position",
    )
    .await?;
    let perpetrators: Vec<PerpetratorRow> = children_of(
        db,
        "SELECT complaint_id, position, name, relation, sex FROM complaint_perpetrators",
        &ids,
        "complaint_id, position",
    )
    .await?;
    let categories: Vec<CategoryRow> =
        children_of(db, "SELECT complaint_id, code FROM complaint_categories", &ids, "complaint_id, position").await?;
    let assignments: Vec<AssignmentRow> =
        children_of(db, concat!("SELECT ", assignment_columns!(), " FROM assignments"), &ids, "complaint_id, agency_id").await?;
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            let people = People {
                victims: victims.iter().filter(|v| v.complaint_id == id).map(|v| victim(keys, v)).collect::<Result<_>>()?,
                perpetrators: perpetrators
                    .iter()
                    .filter(|p| p.complaint_id == id)
                    .map(|p| perpetrator(keys, p))
                    .collect::<Result<_>>()?,
                categories: categories.iter().filter(|c| c.complaint_id == id).map(|c| c.code.clone()).collect(),
                assignments: assignments.iter().filter(|a| a.complaint_id == id).map(assignment).collect::<Result<_>>()?,
            };
            complaint(keys, row, people)
        })
        .collect()
}

/// The rows of a child table for the complaints `ids` (one query, whatever the count).
async fn children_of<R>(db: &Db, select: &'static str, ids: &[Uuid], order: &'static str) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    Ok(on_db!(db, pool => {
        let mut q = QueryBuilder::new(select);
        q.push(" WHERE complaint_id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        q.push(") ORDER BY ").push(order);
        q.build_query_as().fetch_all(pool).await?
    }))
}

/// What a complaint row is read with.
struct People {
    victims: Vec<Victim>,
    perpetrators: Vec<Perpetrator>,
    categories: Vec<String>,
    assignments: Vec<AssignmentView>,
}

fn assignment(a: &AssignmentRow) -> Result<AssignmentView> {
    Ok(AssignmentView {
        agency_id: a.agency_id.clone(),
        agency_kind: from_code(&a.agency_kind)?,
        role: from_code(&a.role)?,
        rule_id: a.rule_id.clone(),
        status: a.status.clone(),
        acknowledge_due_at: a.acknowledge_due_at,
        report_due_at: a.report_due_at,
    })
}

fn complaint(keys: &Keys, row: ComplaintRow, people: People) -> Result<Complaint> {
    let triage: StoredTriage = serde_json::from_str(&row.triage).map_err(|_| corrupt("triage"))?;
    let sealed = Sealer::new(keys, "complaints", ComplaintId(row.id));
    let reporter = if row.reporter_anonymous {
        Reporter::Anonymous
    } else {
        Reporter::Identified(ReporterContact {
            name: sealed.open_opt("reporter_name", row.reporter_name.as_deref())?,
            phone: sealed.open_opt("reporter_phone", row.reporter_phone.as_deref())?,
            relation: row.reporter_relation.as_deref().map(|r| code(r, Relation::parse)).transpose()?,
            consent_to_contact: row.reporter_consent_to_contact,
            safe_to_contact: row.reporter_safe_to_contact,
            safe_contact_time: sealed.open_opt("reporter_safe_contact_time", row.reporter_safe_contact_time.as_deref())?,
            iin: sealed.open_opt("reporter_iin", row.reporter_iin.as_deref())?,
        })
    };
    Ok(Complaint {
        id: ComplaintId(row.id),
        tracking_code: tracking_code(&row.tracking_code)?,
        status: code(&row.status, Status::parse)?,
        received_at: row.received_at,
        updated_at: row.updated_at,
        details: NewComplaint {
            channel: code(&row.channel, Channel::parse)?,
            region: code(&row.region, Region::by_code)?,
            locality: row.locality,
            language: code(&row.language, Language::parse)?,
            narrative: sealed.open("narrative", &row.narrative)?,
            address: sealed.open_opt("address", row.address.as_deref())?,
            reporter,
            victims: people.victims,
            perpetrators: people.perpetrators,
            categories: people.categories,
            answers: triage.answers(),
        },
        institution_id: row.institution_id,
        qr_institution: row.qr_institution,
        priority: code(&row.priority, Priority::parse)?,
        risk: triage.risk,
        assignments: people.assignments,
    })
}

fn victim(keys: &Keys, v: &VictimRow) -> Result<Victim> {
    let sealed = Sealer::new(keys, "complaint_victims", format!("{}/{}", ComplaintId(v.complaint_id), v.position));
    Ok(Victim {
        name: sealed.open_opt("name", v.name.as_deref())?,
        iin: sealed.open_opt("iin", v.iin.as_deref())?,
        age: v.age.map(|a| u8::try_from(a).map_err(|_| corrupt("age"))).transpose()?,
        birth_year: v.birth_year.map(|b| u16::try_from(b).map_err(|_| corrupt("birth_year"))).transpose()?,
        sex: code(&v.sex, Sex::parse)?,
        minor: v.minor,
        disability: v.disability,
    })
}

fn perpetrator(keys: &Keys, p: &PerpetratorRow) -> Result<Perpetrator> {
    let sealed = Sealer::new(keys, "complaint_perpetrators", format!("{}/{}", ComplaintId(p.complaint_id), p.position));
    Ok(Perpetrator {
        name: sealed.open_opt("name", p.name.as_deref())?,
        relation: code(&p.relation, Relation::parse)?,
        sex: code(&p.sex, Sex::parse)?,
    })
}

fn code<T>(stored: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
    parse(stored).ok_or_else(|| corrupt("code"))
}

fn tracking_code(stored: &str) -> Result<TrackingCode> {
    TrackingCode::parse(stored).ok_or_else(|| corrupt("tracking_code"))
}

/// Names the column, never the value (which may be personal).
fn corrupt(column: &str) -> StoreError {
    StoreError::Corrupt(format!("unreadable {column}"))
}

/// What the status page needs, by tracking code.
pub async fn find_for_status(db: &Db, code: &TrackingCode) -> Result<Option<StatusRecord>> {
    let sql = "SELECT id, status_pin_hash, status, received_at, updated_at FROM complaints WHERE tracking_code = $1";
    let row: Option<(Uuid, Vec<u8>, String, OffsetDateTime, OffsetDateTime)> =
        on_db!(db, pool => sqlx::query_as(sql).bind(code.as_str()).fetch_optional(pool).await?);
    row.map(|(id, status_pin_hash, status, received_at, updated_at)| {
        Ok(StatusRecord { id: ComplaintId(id), status_pin_hash, status: code_status(&status)?, received_at, updated_at })
    })
    .transpose()
}

fn code_status(s: &str) -> Result<Status> {
    code(s, Status::parse)
}

/// How many of `ids` are stored (the benchmark's check that nothing acknowledged was lost).
pub async fn count_existing(db: &Db, ids: &[ComplaintId]) -> Result<u64> {
    let mut found = 0;
    for chunk in ids.chunks(500) {
        let n: i64 = on_db!(db, pool => {
            let mut q = QueryBuilder::new("SELECT COUNT(*) FROM complaints WHERE id IN (");
            let mut list = q.separated(", ");
            for id in chunk { list.push_bind(id.0); }
            q.push(")");
            q.build_query_scalar().fetch_one(pool).await?
        });
        found += n as u64;
    }
    Ok(found)
}

/// How many complaints are stored.
pub async fn count(db: &Db) -> Result<u64> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM complaints").fetch_one(pool).await?);
    Ok(n as u64)
}
