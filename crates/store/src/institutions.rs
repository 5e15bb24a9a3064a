//! The registry of educational institutions, by BIN: written by the CSV import, read when a
//! complaint names a school and when staff look one up.
//!
//! An import writes all its rows in one transaction: a ministry's file is in or it is not,
//! never half of it. A row whose BIN is already registered updates it; one that holds the same
//! values leaves it untouched (and its `updated_at` with it), so the counts say what changed.
//!
//! Names are searched by prefix on `name_key` ([`domain::institution::name_key`]), made in Rust
//! so that Kazakh and Russian names fold the same way on both backends.

use crate::{Db, Result, StoreError, on_db};
use domain::institution::{Bin, Institution, InstitutionKind, name_key};
use domain::region::Region;
use sqlx::FromRow;
use time::OffsetDateTime;

/// An institution as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub institution: Institution,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    /// Already registered with the same values.
    pub unchanged: u64,
}

/// Which institutions to list; `None` for no condition.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub region: Option<&'static Region>,
    pub kind: Option<InstitutionKind>,
    /// The start of the name, in any case (`ё` and `е` alike).
    pub name_prefix: Option<String>,
}

#[derive(FromRow)]
struct Row {
    bin: String,
    kind: String,
    name: String,
    region: String,
    locality: String,
    education_department: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<Row> for Registered {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Registered> {
        let corrupt = |column: &str| StoreError::Corrupt(format!("institutions.{column}"));
        let institution = Institution {
            bin: Bin::parse(&r.bin).map_err(|_| corrupt("bin"))?,
            kind: InstitutionKind::parse(&r.kind).ok_or_else(|| corrupt("kind"))?,
            region: Region::by_code(&r.region).ok_or_else(|| corrupt("region"))?,
            name: r.name,
            locality: r.locality,
            education_department: r.education_department,
        };
        Ok(Registered { institution, created_at: r.created_at, updated_at: r.updated_at })
    }
}

macro_rules! select_institution {
    () => {
        "SELECT bin, kind, name, region, locality, education_department, created_at, updated_at FROM institutions"
    };
}

/// The conditions of a [`Filter`], on `$1` region, `$2` kind, `$3` name pattern.
macro_rules! filter_conditions {
    () => {
        " WHERE ($1 IS NULL OR region = $1) AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR name_key LIKE $3 ESCAPE '\\')"
    };
}

const INSERT: &str = "INSERT INTO institutions (bin, kind, name, name_key, region, locality, education_department, \
     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (bin) DO NOTHING";

const UPDATE: &str = "UPDATE institutions SET kind = $2, name = $3, name_key = $4, region = $5, locality = $6, \
     education_department = $7, updated_at = $8 WHERE bin = $1 \
     AND (kind <> $2 OR name <> $3 OR region <> $5 OR locality <> $6 OR education_department <> $7)";

/// Registers `institutions` (new BINs) or brings them up to date (known ones), in one
/// transaction. The insert goes first, so that two imports at once cannot both insert a BIN.
pub async fn upsert_many(db: &Db, institutions: &[Institution], now: OffsetDateTime) -> Result<UpsertCounts> {
    let at = domain::clock::storable(now);
    let mut counts = UpsertCounts::default();
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for i in institutions {
            let key = name_key(&i.name);
            let bind = |sql| {
                sqlx::query(sql)
                    .bind(i.bin.as_str())
                    .bind(i.kind.as_str())
                    .bind(&i.name)
                    .bind(key.clone())
                    .bind(i.region.code)
                    .bind(&i.locality)
                    .bind(&i.education_department)
                    .bind(at)
            };
            if bind(INSERT).execute(&mut *tx).await?.rows_affected() == 1 {
                counts.inserted += 1;
            } else if bind(UPDATE).execute(&mut *tx).await?.rows_affected() == 1 {
                counts.updated += 1;
            } else {
                counts.unchanged += 1;
            }
        }
        tx.commit().await?;
    });
    Ok(counts)
}

/// The institution with this BIN, if registered.
pub async fn get(db: &Db, bin: &Bin) -> Result<Option<Registered>> {
    let sql = concat!(select_institution!(), " WHERE bin = $1");
    let row: Option<Row> = on_db!(db, pool => sqlx::query_as(sql).bind(bin.as_str()).fetch_optional(pool).await?);
    row.map(Registered::try_from).transpose()
}

/// A page of the institutions that match `filter`, by name (then BIN).
pub async fn list(db: &Db, filter: &Filter, limit: u32, offset: u32) -> Result<Vec<Registered>> {
    let sql = concat!(select_institution!(), filter_conditions!(), " ORDER BY name_key, bin LIMIT $4 OFFSET $5");
    let (region, kind, pattern) = bindings(filter);
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(sql)
        .bind(region)
        .bind(kind)
        .bind(pattern.clone())
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(pool)
        .await?);
    rows.into_iter().map(Registered::try_from).collect()
}

/// How many institutions match `filter`.
pub async fn count(db: &Db, filter: &Filter) -> Result<u64> {
    let sql = concat!("SELECT COUNT(*) FROM institutions", filter_conditions!());
    let (region, kind, pattern) = bindings(filter);
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(sql).bind(region).bind(kind).bind(pattern.clone()).fetch_one(pool).await?);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The values of `$1`–`$3` of [`filter_conditions!`]. A prefix that folds to nothing is no
/// condition; `%`, `_` and `\` in it match only themselves.
fn bindings(filter: &Filter) -> (Option<&'static str>, Option<&'static str>, Option<String>) {
    let pattern = filter.name_prefix.as_deref().map(name_key).filter(|k| !k.is_empty()).map(|key| {
        let escaped: String =
            key.chars().flat_map(|c| matches!(c, '%' | '_' | '\\').then_some('\\').into_iter().chain([c])).collect();
        format!("{escaped}%")
    });
    (filter.region.map(|r| r.code), filter.kind.map(InstitutionKind::as_str), pattern)
}

/// The names of the registered institutions among `bins` (unregistered ones are left out).
pub async fn names(db: &Db, bins: &[&str]) -> Result<std::collections::BTreeMap<String, String>> {
    let mut names = std::collections::BTreeMap::new();
    for chunk in bins.chunks(500) {
        let rows: Vec<(String, String)> = on_db!(db, pool => {
            let mut q = sqlx::QueryBuilder::new("SELECT bin, name FROM institutions WHERE bin IN (");
            let mut list = q.separated(", ");
            for bin in chunk {
                list.push_bind(*bin);
            }
            q.push(")");
            q.build_query_as().fetch_all(pool).await?
        });
        names.extend(rows);
    }
    Ok(names)
}
