//! Schools' reports and the children's reports that came through a school's QR code: what the
//! school said beyond its complaint (kind, when it learned, minors by role and age, what it did
//! at once, sealed), and the figures per region and institution.
//!
//! A school report is written by the intake writer in the complaint's own transaction
//! ([`insert_all`], called from `complaints::insert_all`), so a report is never acknowledged
//! without its complaint nor the other way round. The figures read no personal column.

use crate::sealed::Sealer;
use crate::{Db, Keys, Result, StoreError, on_db};
use domain::ids::ComplaintId;
use domain::region::Region;
use domain::school::{Minor, SchoolReportKind, Timeliness};
use sqlx::QueryBuilder;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// A school report to be written with its complaint.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolReportRow {
    pub institution_bin: String,
    pub kind: SchoolReportKind,
    pub learned_at: OffsetDateTime,
    pub timeliness: Timeliness,
    pub minors: Vec<Minor>,
    pub actions_taken: String,
}

/// A school report as stored (`actions_taken` is `None` once retention erased it).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSchoolReport {
    pub institution_bin: String,
    pub kind: SchoolReportKind,
    pub learned_at: OffsetDateTime,
    pub reported_at: OffsetDateTime,
    pub timeliness: Timeliness,
    pub minors: Vec<Minor>,
    pub actions_taken: Option<String>,
}

/// Writes the school reports of `records` (complaint id, received at, report) in the writer's
/// transaction.
pub(crate) async fn insert_all<'c, DB>(
    tx: &mut sqlx::Transaction<'c, DB>,
    keys: &Keys,
    reports: &[(ComplaintId, OffsetDateTime, &SchoolReportRow)],
) -> Result<()>
where
    DB: sqlx::Database,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'e> &'e mut <DB as sqlx::Database>::Connection: sqlx::Executor<'e, Database = DB>,
    Uuid: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    OffsetDateTime: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'static str: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Vec<u8>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if reports.is_empty() {
        return Ok(());
    }
    let mut q = QueryBuilder::<DB>::new(
        "INSERT INTO school_reports (complaint_id, institution_bin, kind, learned_at, reported_at, delay_seconds, late, \
         minors, actions_taken) ",
    );
    q.push_values(reports, |mut row, (id, at, r)| {
        let seal = Sealer::new(keys, "school_reports", *id);
        row.push_bind(id.0)
            .push_bind(r.institution_bin.clone())
            .push_bind(r.kind.as_str())
            .push_bind(domain::clock::storable(r.learned_at))
            .push_bind(domain::clock::storable(*at))
            .push_bind(r.timeliness.delay_seconds)
            .push_bind(r.timeliness.late)
            .push_bind(serde_json::to_string(&r.minors).expect("plain data serialises"))
            .push_bind(seal.one("actions_taken", &r.actions_taken));
    });
    q.build().execute(&mut **tx).await?;
    Ok(())
}

type ReportRow = (String, String, OffsetDateTime, OffsetDateTime, i64, bool, String, Option<Vec<u8>>);

/// The school report of a complaint, if it came as one. Callers check who may see it.
pub async fn get(db: &Db, keys: &Keys, id: ComplaintId) -> Result<Option<StoredSchoolReport>> {
    let row: Option<ReportRow> = on_db!(db, pool => sqlx::query_as(
        "SELECT institution_bin, kind, learned_at, reported_at, delay_seconds, late, minors, actions_taken \
         FROM school_reports WHERE complaint_id = $1")
        .bind(id.0).fetch_optional(pool).await?);
    let Some((institution_bin, kind, learned_at, reported_at, delay_seconds, late, minors, actions)) = row else {
        return Ok(None);
    };
    let seal = Sealer::new(keys, "school_reports", id);
    Ok(Some(StoredSchoolReport {
        institution_bin,
        kind: SchoolReportKind::parse(&kind).ok_or_else(|| corrupt("kind"))?,
        learned_at,
        reported_at,
        timeliness: Timeliness { delay_seconds, late },
        minors: serde_json::from_str(&minors).map_err(|_| corrupt("minors"))?,
        actions_taken: seal.open_opt("actions_taken", actions.as_deref())?,
    }))
}

fn corrupt(column: &str) -> StoreError {
    StoreError::Corrupt(format!("unreadable school_reports.{column}"))
}

/// Which reports the figures count: received in `[from, to)`, in one region or all.
#[derive(Debug, Clone, Copy)]
pub struct FigureFilter {
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
    pub region: Option<&'static Region>,
}

/// The counts of one institution, or of a region (the sum of its institutions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Reports by the school's accounts.
    pub school_reports: i64,
    pub bullying: i64,
    pub cyberbullying: i64,
    /// School reports later than the limit in force when they were made.
    pub late: i64,
    /// The sum of the school reports' delays from learning to reporting, in seconds.
    pub delay_seconds_total: i64,
    /// Children's (and others') reports through the institution's QR code.
    pub qr_reports: i64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.school_reports += other.school_reports;
        self.bullying += other.bullying;
        self.cyberbullying += other.cyberbullying;
        self.late += other.late;
        self.delay_seconds_total += other.delay_seconds_total;
        self.qr_reports += other.qr_reports;
    }
}

/// The figures: per institution (by BIN, with its region code) and per region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolFigures {
    /// (BIN, region code) → counts, in BIN order.
    pub institutions: BTreeMap<(String, String), Counts>,
    /// Region code → counts, in code order.
    pub regions: BTreeMap<String, Counts>,
}

type ReportCounts = (String, String, i64, i64, i64, i64, i64);

/// Counts school reports and QR reports by institution and region. Reads no personal column.
/// (The sum of delays is cast: PostgreSQL's `SUM` of a `BIGINT` is a `NUMERIC`.)
pub async fn figures(db: &Db, filter: &FigureFilter) -> Result<SchoolFigures> {
    let region = filter.region.map(|r| r.code);
    let (from, to) = (domain::clock::storable(filter.from), domain::clock::storable(filter.to));
    let reports: Vec<ReportCounts> = on_db!(db, pool => sqlx::query_as(
        "SELECT s.institution_bin, c.region, COUNT(*), \
         SUM(CASE WHEN s.kind = 'bullying' THEN 1 ELSE 0 END), SUM(CASE WHEN s.kind = 'cyberbullying' THEN 1 ELSE 0 END), \
         SUM(CASE WHEN s.late THEN 1 ELSE 0 END), CAST(SUM(s.delay_seconds) AS BIGINT) \
         FROM school_reports s JOIN complaints c ON c.id = s.complaint_id \
         WHERE s.reported_at >= $1 AND s.reported_at < $2 AND ($3 IS NULL OR c.region = $3) \
         GROUP BY s.institution_bin, c.region")
        .bind(from).bind(to).bind(region).fetch_all(pool).await?);
    let qr: Vec<(String, String, i64)> = on_db!(db, pool => sqlx::query_as(
        "SELECT qr_institution, region, COUNT(*) FROM complaints \
         WHERE qr_institution IS NOT NULL AND received_at >= $1 AND received_at < $2 AND ($3 IS NULL OR region = $3) \
         GROUP BY qr_institution, region")
        .bind(from).bind(to).bind(region).fetch_all(pool).await?);
    let mut figures = SchoolFigures::default();
    for (bin, region, school_reports, bullying, cyberbullying, late, delay_seconds_total) in reports {
        let counts = Counts { school_reports, bullying, cyberbullying, late, delay_seconds_total, qr_reports: 0 };
        figures.institutions.entry((bin, region)).or_default().add(&counts);
    }
    for (bin, region, qr_reports) in qr {
        figures.institutions.entry((bin, region)).or_default().qr_reports += qr_reports;
    }
    for ((_, region), counts) in &figures.institutions {
        figures.regions.entry(region.clone()).or_default().add(counts);
    }
    Ok(figures)
}
