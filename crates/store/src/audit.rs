//! The audit trail: append-only events chained by a keyed hash, written in the transaction
//! of the change they record.
//!
//! Each event's hash is HMAC-SHA256, under a key derived from the server secret, of the
//! previous event's hash and of every field of the event (length-prefixed). Editing, deleting
//! or inserting an event breaks the chain from there on, and without the key the chain cannot
//! be recomputed to hide it. One row, `audit_head`, holds the last sequence number and hash;
//! each appending transaction updates it first, which serialises appends on both backends.

use crate::{Db, Result, StoreError, on_db};
use domain::audit::{ActorType, AuditAction, AuditEntry};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sqlx::{FromRow, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

/// The key of the chain (derived from the server secret by the caller).
#[derive(Clone)]
pub struct ChainKey([u8; 32]);

impl ChainKey {
    pub fn new(bytes: [u8; 32]) -> ChainKey {
        ChainKey(bytes)
    }
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(…)")
    }
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, FromRow, serde::Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_kind: String,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<String>,
    pub action: String,
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    pub address: Option<String>,
    pub detail: String,
    #[serde(skip)]
    pub hash: Vec<u8>,
}

/// Appends events in the caller's transaction.
pub(crate) async fn append_in<'c, DB>(tx: &mut sqlx::Transaction<'c, DB>, key: &ChainKey, entries: &[AuditEntry]) -> Result<()>
where
    DB: sqlx::Database,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'e> &'e mut <DB as sqlx::Database>::Connection: sqlx::Executor<'e, Database = DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    Vec<u8>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    OffsetDateTime: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'static str: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'static str>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<Uuid>: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    (i64, Vec<u8>): for<'r> FromRow<'r, DB::Row>,
{
    if entries.is_empty() {
        return Ok(());
    }
    // fetch_all, not fetch_one: a RETURNING statement left unfinished on SQLite keeps the
    // write open past the commit.
    let head: Vec<(i64, Vec<u8>)> = sqlx::query_as("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(entries.len() as i64)
        .fetch_all(&mut **tx)
        .await?;
    let (last, mut hash) = head.into_iter().next().ok_or_else(|| StoreError::Corrupt("audit_head is missing".into()))?;
    let first = last - entries.len() as i64 + 1;
    let events: Vec<StoredEvent> = entries
        .iter()
        .zip(first..)
        .map(|(entry, seq)| {
            let event = stored(seq, entry, &hash, key);
            hash = event.hash.clone();
            event
        })
        .collect();
    let mut q = QueryBuilder::<DB>::new(
        "INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_role, action, record_kind, record_id, address, detail, hash) ",
    );
    q.push_values(&events, |mut row, e| {
        row.push_bind(e.seq)
            .push_bind(e.at)
            .push_bind(e.actor_kind.clone())
            .push_bind(e.actor_id)
            .push_bind(e.actor_role.clone())
            .push_bind(e.action.clone())
            .push_bind(e.record_kind.clone())
            .push_bind(e.record_id.clone())
            .push_bind(e.address.clone())
            .push_bind(e.detail.clone())
            .push_bind(e.hash.clone());
    });
    q.build().execute(&mut **tx).await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(hash).execute(&mut **tx).await?;
    Ok(())
}

/// Appends events in a transaction of their own (events that record no change: views,
/// sign-ins, failed sign-ins, exports).
pub async fn append(db: &Db, key: &ChainKey, entries: &[AuditEntry]) -> Result<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        append_in(&mut tx, key, entries).await?;
        tx.commit().await?;
    });
    Ok(())
}

fn stored(seq: i64, entry: &AuditEntry, previous: &[u8], key: &ChainKey) -> StoredEvent {
    let (record_kind, record_id) = match &entry.record {
        Some((kind, id)) => (Some((*kind).to_owned()), Some(id.clone())),
        None => (None, None),
    };
    let mut event = StoredEvent {
        seq,
        at: domain::clock::storable(entry.at),
        actor_kind: entry.actor.kind.as_str().to_owned(),
        actor_id: entry.actor.id,
        actor_role: entry.actor.role.map(str::to_owned),
        action: entry.action.as_str().to_owned(),
        record_kind,
        record_id,
        address: entry.actor.address.clone(),
        detail: entry.detail.to_string(),
        hash: Vec::new(),
    };
    event.hash = chain_hash(key, previous, &event);
    event
}

/// The keyed hash of an event after `previous`: every field, length-prefixed, so that no two
/// different events encode alike.
fn chain_hash(key: &ChainKey, previous: &[u8], e: &StoredEvent) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key.0).expect("HMAC takes any key length");
    let id = e.actor_id.map(|id| id.to_string());
    let fields: [Option<&[u8]>; 11] = [
        Some(previous),
        Some(&e.seq.to_be_bytes()),
        Some(&e.at.unix_timestamp().to_be_bytes()),
        Some(e.actor_kind.as_bytes()),
        id.as_deref().map(str::as_bytes),
        e.actor_role.as_deref().map(str::as_bytes),
        Some(e.action.as_bytes()),
        e.record_kind.as_deref().map(str::as_bytes),
        e.record_id.as_deref().map(str::as_bytes),
        e.address.as_deref().map(str::as_bytes),
        Some(e.detail.as_bytes()),
    ];
    for field in fields {
        match field {
            Some(bytes) => {
                mac.update(&(bytes.len() as u64).to_be_bytes());
                mac.update(bytes);
            }
            None => mac.update(&u64::MAX.to_be_bytes()),
        }
    }
    mac.finalize().into_bytes().to_vec()
}

/// What `qorgau audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Events checked.
    pub events: u64,
    /// The first broken link, if any.
    pub broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The sequence number where the chain breaks.
    pub seq: i64,
    pub reason: &'static str,
}

const VERIFY_PAGE: i64 = 5_000;

/// Walks the chain from the first event and names the first broken link: an event whose hash
/// does not follow from the one before (changed, inserted, or the one before deleted), a gap
/// in the numbers, or a head that does not match the last event (events cut off the end).
pub async fn verify(db: &Db, key: &ChainKey) -> Result<Verification> {
    let mut previous = vec![0u8; 32];
    let mut expected_seq = 1i64;
    let mut events = 0u64;
    loop {
        let page: Vec<StoredEvent> = on_db!(db, pool => sqlx::query_as(concat!(
            "SELECT seq, at, actor_kind, actor_id, actor_role, action, record_kind, record_id, address, detail, hash ",
            "FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2"))
            .bind(expected_seq).bind(VERIFY_PAGE).fetch_all(pool).await?);
        let done = (page.len() as i64) < VERIFY_PAGE;
        for event in page {
            if event.seq != expected_seq {
                return Ok(broken(events, expected_seq, "missing event"));
            }
            if chain_hash(key, &previous, &event) != event.hash {
                return Ok(broken(events, event.seq, "hash does not follow from the previous event"));
            }
            previous = event.hash;
            expected_seq += 1;
            events += 1;
        }
        if done {
            break;
        }
    }
    let (head_seq, head_hash): (i64, Vec<u8>) =
        on_db!(db, pool => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(pool).await?);
    if head_seq != expected_seq - 1 || head_hash != previous {
        return Ok(broken(events, expected_seq, "events after this point are missing"));
    }
    Ok(Verification { events, broken: None })
}

fn broken(events: u64, seq: i64, reason: &'static str) -> Verification {
    Verification { events, broken: Some(BrokenLink { seq, reason }) }
}

/// Filters of the auditor's page and of the export. All optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub actor_id: Option<Uuid>,
    pub action: Option<AuditAction>,
    pub actor_kind: Option<ActorType>,
    pub record_id: Option<String>,
    /// Events before this sequence number (the cursor of the next page).
    pub before: Option<i64>,
    pub limit: u32,
}

/// Events matching the filter, newest first.
pub async fn list(db: &Db, filter: &AuditFilter) -> Result<Vec<StoredEvent>> {
    let sql = concat!(
        "SELECT seq, at, actor_kind, actor_id, actor_role, action, record_kind, record_id, address, detail, hash ",
        "FROM audit_events WHERE ($1 IS NULL OR at >= $1) AND ($2 IS NULL OR at < $2) AND ($3 IS NULL OR actor_id = $3) ",
        "AND ($4 IS NULL OR action = $4) AND ($5 IS NULL OR actor_kind = $5) AND ($6 IS NULL OR record_id = $6) ",
        "AND ($7 IS NULL OR seq < $7) ORDER BY seq DESC LIMIT $8"
    );
    let rows = on_db!(db, pool => sqlx::query_as(sql)
        .bind(filter.since.map(domain::clock::storable))
        .bind(filter.until.map(domain::clock::storable))
        .bind(filter.actor_id)
        .bind(filter.action.map(AuditAction::as_str))
        .bind(filter.actor_kind.map(ActorType::as_str))
        .bind(filter.record_id.clone())
        .bind(filter.before)
        .bind(i64::from(filter.limit))
        .fetch_all(pool)
        .await?);
    Ok(rows)
}

/// Every event since `since`, oldest first (for a breach notification), in pages of
/// `page_size` to keep memory flat; `each` is called once per page.
pub async fn export_since<F>(db: &Db, since: OffsetDateTime, page_size: u32, mut each: F) -> Result<u64>
where
    F: FnMut(&[StoredEvent]) -> std::io::Result<()>,
{
    let mut after = 0i64;
    let mut total = 0u64;
    loop {
        let page: Vec<StoredEvent> = on_db!(db, pool => sqlx::query_as(concat!(
            "SELECT seq, at, actor_kind, actor_id, actor_role, action, record_kind, record_id, address, detail, hash ",
            "FROM audit_events WHERE at >= $1 AND seq > $2 ORDER BY seq LIMIT $3"))
            .bind(domain::clock::storable(since)).bind(after).bind(i64::from(page_size)).fetch_all(pool).await?);
        let Some(last) = page.last() else { break };
        after = last.seq;
        total += page.len() as u64;
        each(&page)?;
    }
    Ok(total)
}
