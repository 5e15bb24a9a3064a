//! Re-sealing personal values under the current field key, after a key is added: the sealed
//! columns of complaints and their people, evidence links, and evidence files (each file
//! rewritten whole under its name, as `evidence::store_file` writes it, so that a crash leaves
//! either the old sealed file or the new one).
//!
//! Values are read a page at a time; each one not sealed with the current key is opened with
//! its own (old) key and sealed again with the current one. A row is updated only if one of
//! its values changed, so running it twice does nothing the second time, and an interrupted
//! run can simply be started again.

use crate::audit::append;
use crate::sealed::Sealer;
use crate::{Db, Keys, Result, on_db};
use domain::audit::{AuditAction, AuditActor, AuditEntry};
use domain::ids::ComplaintId;
use std::path::Path;
use uuid::Uuid;

const PAGE: i64 = 500;

/// Re-seals every personal value and evidence file (under `evidence_dir`) not sealed with the
/// current key; returns how many.
pub async fn reseal_all(db: &Db, keys: &Keys, evidence_dir: &Path) -> Result<u64> {
    let count = complaints(db, keys).await?
        + people(db, keys, "complaint_victims", &["name", "iin"]).await?
        + people(db, keys, "complaint_perpetrators", &["name"]).await?
        + uuid_keyed(db, keys, "evidence", "id", "url").await?
        + uuid_keyed(db, keys, "school_reports", "complaint_id", "actions_taken").await?
        + evidence_files(db, keys, evidence_dir).await?;
    let entry = AuditEntry::new(time::OffsetDateTime::now_utc(), AuditActor::system(), AuditAction::KeysRotate)
        .with("key_id", keys.fields.current_id().as_str())
        .with("resealed", count);
    append(db, &keys.chain, &[entry]).await?;
    Ok(count)
}

/// The value sealed anew, if it was sealed with another key.
fn reseal(sealer: &Sealer, column: &str, value: &mut Option<Vec<u8>>, keys: &Keys) -> Result<bool> {
    match value {
        Some(sealed) if !keys.fields.is_current(sealed) => {
            let plain = sealer.open(column, sealed)?;
            *sealed = sealer.one(column, &plain);
            Ok(true)
        }
        _ => Ok(false),
    }
}

const COMPLAINT_COLUMNS: [&str; 6] =
    ["narrative", "address", "reporter_name", "reporter_phone", "reporter_iin", "reporter_safe_contact_time"];

type ComplaintRow = (Uuid, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>);

async fn complaints(db: &Db, keys: &Keys) -> Result<u64> {
    let mut after = Uuid::nil();
    let mut count = 0;
    loop {
        let rows: Vec<ComplaintRow> = on_db!(db, pool => sqlx::query_as(
            "SELECT id, narrative, address, reporter_name, reporter_phone, reporter_iin, reporter_safe_contact_time \
             FROM complaints WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after).bind(PAGE).fetch_all(pool).await?);
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (id, a, b, c, d, e, f) in rows {
            let sealer = Sealer::new(keys, "complaints", ComplaintId(id));
            let mut values = [a, b, c, d, e, f];
            let mut changed = 0;
            for (column, value) in COMPLAINT_COLUMNS.iter().zip(values.iter_mut()) {
                changed += u64::from(reseal(&sealer, column, value, keys)?);
            }
            if changed > 0 {
                let [a, b, c, d, e, f] = values;
                on_db!(db, pool => sqlx::query(
                    "UPDATE complaints SET narrative = COALESCE($2, narrative), address = $3, reporter_name = $4, \
                     reporter_phone = $5, reporter_iin = $6, reporter_safe_contact_time = $7 WHERE id = $1")
                    .bind(id).bind(a).bind(b).bind(c).bind(d).bind(e).bind(f).execute(pool).await.map(drop)?);
                count += changed;
            }
        }
    }
    Ok(count)
}

/// A victim's or perpetrator's key and up to two sealed values.
type PersonRow = (Uuid, i64, Option<Vec<u8>>, Option<Vec<u8>>);

/// Victims' or perpetrators' sealed columns (`columns`, at most two).
async fn people(db: &Db, keys: &Keys, table: &'static str, columns: &[&'static str]) -> Result<u64> {
    let second = columns.get(1).copied().unwrap_or("NULL");
    let select = format!(
        "SELECT complaint_id, position, {}, {second} FROM {table} WHERE (complaint_id, position) > ($1, $2) \
         ORDER BY complaint_id, position LIMIT $3",
        columns[0]
    );
    let update = format!(
        "UPDATE {table} SET {} = $3{} WHERE complaint_id = $1 AND position = $2",
        columns[0],
        match columns.get(1) {
            Some(c) => format!(", {c} = $4"),
            None => String::new(),
        }
    );
    let (mut after, mut position) = (Uuid::nil(), -1i64);
    let mut count = 0;
    loop {
        let rows: Vec<PersonRow> = on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(select.clone()))
            .bind(after).bind(position).bind(PAGE).fetch_all(pool).await?);
        let Some(last) = rows.last() else { break };
        (after, position) = (last.0, last.1);
        for (id, pos, mut first, mut other) in rows {
            let sealer = Sealer::new(keys, table, format!("{}/{pos}", ComplaintId(id)));
            let mut changed = u64::from(reseal(&sealer, columns[0], &mut first, keys)?);
            if let Some(column) = columns.get(1) {
                changed += u64::from(reseal(&sealer, column, &mut other, keys)?);
            }
            if changed > 0 {
                on_db!(db, pool => {
                    let query = sqlx::query(sqlx::AssertSqlSafe(update.clone())).bind(id).bind(pos).bind(first);
                    let query = if columns.len() > 1 { query.bind(other) } else { query };
                    query.execute(pool).await.map(drop)?
                });
                count += changed;
            }
        }
    }
    Ok(count)
}

/// One sealed column of a table keyed by a UUID (the row id its values are sealed with), e.g.
/// evidence links' `url`, school reports' `actions_taken`. Statements are chosen from a closed
/// list, never built from input.
async fn uuid_keyed(db: &Db, keys: &Keys, table: &'static str, key: &'static str, column: &'static str) -> Result<u64> {
    let select = format!("SELECT {key}, {column} FROM {table} WHERE {key} > $1 AND {column} IS NOT NULL ORDER BY {key} LIMIT $2");
    let update = format!("UPDATE {table} SET {column} = $2 WHERE {key} = $1");
    let mut after = Uuid::nil();
    let mut count = 0;
    loop {
        let rows: Vec<(Uuid, Option<Vec<u8>>)> = on_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(select.clone()))
            .bind(after).bind(PAGE).fetch_all(pool).await?);
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (id, mut value) in rows {
            if reseal(&Sealer::new(keys, table, id), column, &mut value, keys)? {
                on_db!(db, pool => sqlx::query(sqlx::AssertSqlSafe(update.clone()))
                    .bind(id).bind(value).execute(pool).await.map(drop)?);
                count += 1;
            }
        }
    }
    Ok(count)
}

/// Evidence files, each once however many rows name it.
async fn evidence_files(db: &Db, keys: &Keys, dir: &Path) -> Result<u64> {
    let mut after = String::new();
    let mut count = 0;
    loop {
        let addresses: Vec<String> = on_db!(db, pool => sqlx::query_scalar(
            "SELECT DISTINCT address FROM evidence WHERE address > $1 ORDER BY address LIMIT $2")
            .bind(&after).bind(PAGE).fetch_all(pool).await?);
        let Some(last) = addresses.last() else { break };
        after = last.clone();
        for address in &addresses {
            count += u64::from(crate::evidence::reseal_file(keys, dir, address).await?);
        }
    }
    Ok(count)
}
