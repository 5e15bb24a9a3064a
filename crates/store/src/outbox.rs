//! Delivering the outbox: a worker claims due messages with a lease, and records each attempt's
//! outcome (delivered; failed, to retry later with backoff; dead after too many attempts, for an
//! administrator to see). Also the agencies' webhooks, their secrets sealed.

use crate::sealed::Sealer;
use crate::{Db, Keys, Result, on_db};
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

/// A message claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Message {
    pub id: Uuid,
    pub topic: String,
    pub recipient: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

const CLAIM_POSTGRES: &str = "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 WHERE id IN \
     (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1) \
     ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id, topic, recipient, payload, attempts";
const CLAIM_SQLITE: &str = "UPDATE outbox SET locked_until = $2, attempts = attempts + 1 WHERE id IN \
     (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1) \
     ORDER BY next_attempt_at LIMIT $3) RETURNING id, topic, recipient, payload, attempts";

/// Claims up to `limit` due messages until `lease_until` (another worker skips them meanwhile).
pub async fn claim(db: &Db, now: OffsetDateTime, lease_until: OffsetDateTime, limit: i64) -> Result<Vec<Message>> {
    let (now, lease_until) = (domain::clock::storable(now), domain::clock::storable(lease_until));
    Ok(match db {
        Db::Sqlite(pool) => sqlx::query_as(CLAIM_SQLITE).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await?,
        Db::Pg(pool) => sqlx::query_as(CLAIM_POSTGRES).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await?,
    })
}

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered,
    /// Failed; try again at this time.
    Retry {
        error: String,
        at: OffsetDateTime,
    },
    /// Failed for the last time.
    Dead {
        error: String,
    },
}

pub async fn record(db: &Db, id: Uuid, attempt: &Attempt, now: OffsetDateTime) -> Result<()> {
    let now = domain::clock::storable(now);
    let (status, error, next) = match attempt {
        Attempt::Delivered => ("delivered", None, None),
        Attempt::Retry { error, at } => ("pending", Some(error.as_str()), Some(domain::clock::storable(*at))),
        Attempt::Dead { error } => ("dead", Some(error.as_str()), None),
    };
    on_db!(db, pool => sqlx::query(
        "UPDATE outbox SET status = $2, last_error = $3, next_attempt_at = COALESCE($4, next_attempt_at), locked_until = NULL, \
         delivered_at = CASE WHEN $2 = 'delivered' THEN $5 ELSE delivered_at END WHERE id = $1")
        .bind(id).bind(status).bind(error).bind(next).bind(now).execute(pool).await.map(drop)?);
    Ok(())
}

/// A message as administrators see it (the payload holds ids and codes only).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct Listed {
    pub id: Uuid,
    pub topic: String,
    pub recipient: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// Messages with this status (`pending`, `delivered`, `dead`), or all, newest first.
pub async fn list(db: &Db, status: Option<&str>, limit: i64) -> Result<Vec<Listed>> {
    Ok(on_db!(db, pool => sqlx::query_as(
        "SELECT id, topic, recipient, payload, status, attempts, last_error FROM outbox WHERE ($1 IS NULL OR status = $1) \
         ORDER BY created_at DESC, id DESC LIMIT $2")
        .bind(status).bind(limit).fetch_all(pool).await?))
}

/// An agency's webhook: where, and the secret its signatures are made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    pub secret: String,
}

/// Sets (or replaces) an agency's webhook.
pub async fn set_webhook(db: &Db, keys: &Keys, agency_id: &str, webhook: &Webhook, at: OffsetDateTime) -> Result<()> {
    let secret = Sealer::new(keys, "agency_webhooks", agency_id).one("secret", &webhook.secret);
    on_db!(db, pool => sqlx::query(
        "INSERT INTO agency_webhooks (agency_id, url, secret, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (agency_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, created_at = excluded.created_at")
        .bind(agency_id).bind(&webhook.url).bind(secret).bind(domain::clock::storable(at)).execute(pool).await.map(drop)?);
    Ok(())
}

pub async fn webhook(db: &Db, keys: &Keys, agency_id: &str) -> Result<Option<Webhook>> {
    let row: Option<(String, Vec<u8>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT url, secret FROM agency_webhooks WHERE agency_id = $1").bind(agency_id).fetch_optional(pool).await?);
    let Some((url, secret)) = row else { return Ok(None) };
    let secret = Sealer::new(keys, "agency_webhooks", agency_id).open("secret", &secret)?;
    Ok(Some(Webhook { url, secret }))
}
