//! Evidence of a complaint: files (photos, screenshots, PDFs) and links to posts.
//!
//! **Files are stored outside the database**, in a folder the caller names (the server passes
//! `<data_dir>/evidence`): a database with megabytes of pictures in its rows is slow to back up
//! and to copy, and SQLite would rewrite them into its journal. Each file is sealed with the
//! field keys (associated data `evidence:<address>`) and named by its **content address**, a
//! keyed MAC of its bytes ([`vault::Keyring::content_address`]): the same picture attached to
//! two complaints, or sent twice, is one file; and a name says nothing to whoever can list the
//! folder. The file is written, flushed and renamed into place **before** its row is
//! committed, so an acknowledged row always has its file (a crash in between leaves at worst a
//! file no row names). [`read_file`] opens the file and checks that its content still has its
//! address: a file swapped or damaged on disk is refused, not shown.
//!
//! A **link's address is sealed** in its row (`evidence.url:<id>`): a post's address may name
//! the person it shows. What the store does not do: decide who may see evidence or audit a
//! view. The service asks the policy and writes `evidence.view` before it returns a file.
//! Adding evidence is a change, so it is audited here, in the transaction of its row.

mod blob;

use crate::audit::append_in;
use crate::sealed::Sealer;
use crate::{Db, Keys, Result, StoreError, on_db};
use domain::audit::{ActorType, AuditAction, AuditActor, AuditEntry};
use domain::evidence::{EvidenceKind, EvidenceLink, MediaType};
use domain::ids::{ComplaintId, EvidenceId};
use sqlx::FromRow;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use uuid::Uuid;

pub use blob::path as blob_path;

/// The columns of `evidence`, in the order of [`Row`] and of [`insert`]'s bindings.
macro_rules! columns {
    () => {
        "id, complaint_id, agency_id, kind, media_type, size, address, url, captured_at, added_by_kind, added_by_id, created_at"
    };
}

/// Who adds evidence to what, and when: the part every piece of evidence has.
#[derive(Debug, Clone)]
pub struct Attach<'a> {
    pub complaint_id: ComplaintId,
    /// The assignment (this complaint's, to this agency) the evidence belongs to, when an
    /// agency adds it to its work; `None` for the complaint's own evidence.
    pub agency_id: Option<&'a str>,
    pub added_by: &'a AuditActor,
    pub at: OffsetDateTime,
}

/// A piece of evidence as stored, without a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceItem {
    pub id: EvidenceId,
    pub complaint_id: ComplaintId,
    pub agency_id: Option<String>,
    pub content: Content,
    pub added_by_kind: ActorType,
    pub added_by_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

/// A file's description, or a link (opened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    File {
        media_type: MediaType,
        size: u64,
        /// The content address (names the file on disk; reveals nothing without the keys).
        address: String,
    },
    Link {
        url: String,
        captured_at: OffsetDateTime,
    },
}

impl EvidenceItem {
    pub fn kind(&self) -> EvidenceKind {
        match self.content {
            Content::File { .. } => EvidenceKind::File,
            Content::Link { .. } => EvidenceKind::Link,
        }
    }
}

/// The associated data of a sealed file: bound to its address, so a file moved to another
/// address fails to open.
fn context(address: &str) -> String {
    format!("evidence:{address}")
}

/// Stores a file (already checked by `domain::evidence::check_upload`, which gave
/// `media_type`) and its row; returns the new id. The sealed file is on disk before the row
/// commits; an identical file already stored is reused.
pub async fn store_file(
    db: &Db,
    keys: &Keys,
    dir: &Path,
    attach: &Attach<'_>,
    media_type: MediaType,
    bytes: &[u8],
) -> Result<EvidenceId> {
    let address = keys.fields.content_address(bytes);
    let path = blob::path(dir, &address).expect("content addresses are well formed");
    put_blob(keys, path, &address, bytes).await?;
    let id = EvidenceId(Uuid::now_v7());
    let row = Row::file(id, attach, media_type, bytes.len(), address);
    let event = added(&row, attach).with("media_type", media_type.as_str()).with("size", bytes.len());
    insert(db, keys, &row, event).await?;
    Ok(id)
}

/// Writes the sealed file unless an intact one (opening, with this content) is already at
/// `path`; a damaged one is replaced.
async fn put_blob(keys: &Keys, path: PathBuf, address: &str, bytes: &[u8]) -> Result<()> {
    let (existing, path) = blocking(move || blob::read(&path).map(|bytes| (bytes, path))).await?;
    if existing.is_some_and(|sealed| open_checked(keys, address, &sealed).is_ok()) {
        return Ok(());
    }
    let sealed = keys.fields.seal_bytes(&context(address), bytes);
    blocking(move || blob::write(&path, &sealed)).await
}

/// File work off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> Result<T> {
    let outcome = tokio::task::spawn_blocking(work).await.map_err(|error| std::io::Error::other(error.to_string()))?;
    Ok(outcome?)
}

/// Records a link to a post with the time it was captured; returns the new id.
pub async fn add_link(db: &Db, keys: &Keys, attach: &Attach<'_>, link: &EvidenceLink) -> Result<EvidenceId> {
    let id = EvidenceId(Uuid::now_v7());
    let row = Row::link(id, attach, sealer(keys, id).one("url", link.url()), link.captured_at());
    insert(db, keys, &row, added(&row, attach)).await?;
    Ok(id)
}

/// The evidence of a complaint, oldest first: files described, links opened.
pub async fn list_for_complaint(db: &Db, keys: &Keys, complaint_id: ComplaintId) -> Result<Vec<EvidenceItem>> {
    let sql = concat!("SELECT ", columns!(), " FROM evidence WHERE complaint_id = $1 ORDER BY id");
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(sql).bind(complaint_id.0).fetch_all(pool).await?);
    rows.into_iter().map(|row| row.item(keys)).collect()
}

/// One piece of evidence, without a file's bytes.
pub async fn get(db: &Db, keys: &Keys, id: EvidenceId) -> Result<Option<EvidenceItem>> {
    let sql = concat!("SELECT ", columns!(), " FROM evidence WHERE id = $1");
    let row: Option<Row> = on_db!(db, pool => sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await?);
    row.map(|row| row.item(keys)).transpose()
}

/// A file with its bytes, opened and checked against its address. `None` if there is no such
/// evidence or it is a link. A missing, damaged or swapped file is an error (`Corrupt`).
pub async fn read_file(db: &Db, keys: &Keys, dir: &Path, id: EvidenceId) -> Result<Option<(EvidenceItem, Vec<u8>)>> {
    let Some(item) = get(db, keys, id).await? else { return Ok(None) };
    let Content::File { address, .. } = &item.content else { return Ok(None) };
    let path = blob::path(dir, address).ok_or_else(|| corrupt(id, "has a malformed address"))?;
    let sealed = blocking(move || blob::read(&path)).await?.ok_or_else(|| corrupt(id, "is missing"))?;
    let bytes = open_checked(keys, address, &sealed).map_err(|problem| corrupt(id, &problem))?;
    Ok(Some((item, bytes)))
}

/// A sealed file's bytes, if it opens for `address` and its content has that address.
fn open_checked(keys: &Keys, address: &str, sealed: &[u8]) -> Result<Vec<u8>, String> {
    let bytes = keys.fields.open_bytes(&context(address), sealed).map_err(|e| format!("does not open: {e}"))?;
    if keys.fields.content_address(&bytes) != address {
        return Err("does not match its address".into());
    }
    Ok(bytes)
}

/// Removes the files of `addresses` that no evidence row names any more (the same content
/// attached to another complaint keeps its one file); returns how many were removed. Called
/// after the rows are deleted and committed: a crash in between leaves at worst a sealed file
/// that no row names.
pub(crate) async fn remove_unused(db: &Db, dir: &Path, addresses: Vec<String>) -> Result<u64> {
    let mut removed = 0;
    for address in addresses {
        let used: i64 = on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM evidence WHERE address = $1")
            .bind(&address).fetch_one(pool).await?);
        if let (0, Some(path)) = (used, blob::path(dir, &address)) {
            blocking(move || blob::remove(&path)).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Seals the file of `address` anew under the current key, if it was sealed with another;
/// returns whether it was. Rewritten whole, as [`store_file`] writes. A missing or damaged
/// file is left as it is (it cannot be opened; [`read_file`] refuses it) and counts as not
/// re-sealed.
pub(crate) async fn reseal_file(keys: &Keys, dir: &Path, address: &str) -> Result<bool> {
    let Some(path) = blob::path(dir, address) else { return Ok(false) };
    let (sealed, path) = blocking(move || blob::read(&path).map(|bytes| (bytes, path))).await?;
    let Some(sealed) = sealed.filter(|sealed| !keys.fields.is_current(sealed)) else { return Ok(false) };
    let Ok(bytes) = open_checked(keys, address, &sealed) else { return Ok(false) };
    let resealed = keys.fields.seal_bytes(&context(address), &bytes);
    blocking(move || blob::write(&path, &resealed)).await?;
    Ok(true)
}

fn corrupt(id: EvidenceId, what: &str) -> StoreError {
    StoreError::Corrupt(format!("the file of evidence {id} {what}"))
}

fn sealer(keys: &Keys, id: EvidenceId) -> Sealer<'_> {
    Sealer::new(keys, "evidence", id)
}

/// The `evidence.add` event of a row (codes and ids only: never the link).
fn added(row: &Row, attach: &Attach<'_>) -> AuditEntry {
    let event = AuditEntry::new(attach.at, attach.added_by.clone(), AuditAction::EvidenceAdd)
        .on("complaint", attach.complaint_id)
        .with("evidence_id", row.id.to_string())
        .with("kind", row.kind.as_str());
    match attach.agency_id {
        Some(agency_id) => event.with("agency_id", agency_id),
        None => event,
    }
}

/// A row of `evidence`, as written and read.
#[derive(FromRow)]
struct Row {
    id: Uuid,
    complaint_id: Uuid,
    agency_id: Option<String>,
    kind: String,
    media_type: Option<String>,
    size: Option<i64>,
    address: Option<String>,
    url: Option<Vec<u8>>,
    captured_at: Option<OffsetDateTime>,
    added_by_kind: String,
    added_by_id: Option<Uuid>,
    created_at: OffsetDateTime,
}

impl Row {
    fn new(id: EvidenceId, attach: &Attach<'_>, kind: EvidenceKind) -> Row {
        Row {
            id: id.0,
            complaint_id: attach.complaint_id.0,
            agency_id: attach.agency_id.map(str::to_owned),
            kind: kind.as_str().to_owned(),
            media_type: None,
            size: None,
            address: None,
            url: None,
            captured_at: None,
            added_by_kind: attach.added_by.kind.as_str().to_owned(),
            added_by_id: attach.added_by.id,
            created_at: domain::clock::storable(attach.at),
        }
    }

    fn file(id: EvidenceId, attach: &Attach<'_>, media_type: MediaType, size: usize, address: String) -> Row {
        let size = i64::try_from(size).expect("a file in memory is smaller than 2^63 bytes");
        let media_type = Some(media_type.as_str().to_owned());
        Row { media_type, size: Some(size), address: Some(address), ..Row::new(id, attach, EvidenceKind::File) }
    }

    fn link(id: EvidenceId, attach: &Attach<'_>, url: Vec<u8>, captured_at: OffsetDateTime) -> Row {
        let captured_at = Some(domain::clock::storable(captured_at));
        Row { url: Some(url), captured_at, ..Row::new(id, attach, EvidenceKind::Link) }
    }

    /// The row as an item, the link opened; a value that is not one of ours is `Corrupt`.
    fn item(self, keys: &Keys) -> Result<EvidenceItem> {
        let id = EvidenceId(self.id);
        let bad = |column: &str| StoreError::Corrupt(format!("evidence.{column} is not valid"));
        let content = match EvidenceKind::parse(&self.kind).ok_or_else(|| bad("kind"))? {
            EvidenceKind::File => Content::File {
                media_type: self.media_type.as_deref().and_then(MediaType::parse).ok_or_else(|| bad("media_type"))?,
                size: self.size.and_then(|s| u64::try_from(s).ok()).ok_or_else(|| bad("size"))?,
                address: self.address.ok_or_else(|| bad("address"))?,
            },
            EvidenceKind::Link => Content::Link {
                url: sealer(keys, id).open("url", self.url.as_deref().ok_or_else(|| bad("url"))?)?,
                captured_at: self.captured_at.ok_or_else(|| bad("captured_at"))?,
            },
        };
        Ok(EvidenceItem {
            id,
            complaint_id: ComplaintId(self.complaint_id),
            agency_id: self.agency_id,
            content,
            added_by_kind: ActorType::parse(&self.added_by_kind).ok_or_else(|| bad("added_by_kind"))?,
            added_by_id: self.added_by_id,
            created_at: self.created_at,
        })
    }
}

/// Inserts a row with its audit event, in one transaction.
async fn insert(db: &Db, keys: &Keys, row: &Row, event: AuditEntry) -> Result<()> {
    let sql = concat!("INSERT INTO evidence (", columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(sql)
            .bind(row.id)
            .bind(row.complaint_id)
            .bind(&row.agency_id)
            .bind(&row.kind)
            .bind(&row.media_type)
            .bind(row.size)
            .bind(&row.address)
            .bind(&row.url)
            .bind(row.captured_at)
            .bind(&row.added_by_kind)
            .bind(row.added_by_id)
            .bind(row.created_at)
            .execute(&mut *tx)
            .await?;
        append_in(&mut tx, &keys.chain, std::slice::from_ref(&event)).await?;
        tx.commit().await?;
    });
    Ok(())
}
