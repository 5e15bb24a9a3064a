//! The intake writer: one task that writes new complaints in batches (group commit).
//!
//! Requests hand their record to the writer and wait. The writer takes every record that
//! is waiting (up to [`MAX_BATCH`]), writes them all in one transaction, commits, and only
//! then answers each request. On SQLite this is the only way to more than a few hundred
//! durable writes a second (one writer at a time, one fsync per commit); on PostgreSQL it
//! saves a commit per complaint as well.
//!
//! If a batch fails (a unique key taken by another server between check and insert, say),
//! its records are retried one by one, so one bad record never fails the others.

use crate::complaints::{self, KeyedRecord, NewRecord};
use crate::{Db, Keys, Result, StoreError};
use domain::audit::{AuditAction, AuditEntry};
use domain::ids::{ComplaintId, TrackingCode};
use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

pub const MAX_BATCH: usize = 512;
const QUEUE: usize = 8192;

/// What became of a record handed to the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written and committed.
    Created { id: ComplaintId, tracking_code: TrackingCode },
    /// A complaint with the same idempotency key and the same body exists: this is it.
    Replayed { id: ComplaintId, tracking_code: TrackingCode },
    /// The idempotency key was used before for a different body.
    KeyReused,
}

struct Job {
    record: NewRecord,
    reply: oneshot::Sender<Result<Outcome>>,
}

/// The handle requests use to reach the writer. Cheap to clone.
#[derive(Clone)]
pub struct IntakeWriter {
    jobs: mpsc::Sender<Job>,
}

impl IntakeWriter {
    /// Starts the writer task on `db`. It stops when every handle is dropped.
    pub fn start(db: Db, keys: Arc<Keys>) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, keys, queue));
        Self { jobs }
    }

    /// Writes a record and returns once it is committed (or refused).
    pub async fn write(&self, record: NewRecord) -> Result<Outcome> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { record, reply }).await.map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }
}

/// The writer's own connection. Keeping one (rather than taking any from the pool for each
/// batch) keeps SQLite's page cache warm: a connection's cache is dropped whenever another
/// connection has written.
enum Connection {
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

impl Connection {
    async fn acquire(db: &Db) -> Result<Connection> {
        Ok(match db {
            Db::Sqlite(pool) => Connection::Sqlite(pool.acquire().await?),
            Db::Pg(pool) => Connection::Pg(pool.acquire().await?),
        })
    }
}

async fn run(db: Db, keys: Arc<Keys>, mut queue: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut connection: Option<Connection> = None;
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let records: Vec<&NewRecord> = batch.iter().map(|j| &j.record).collect();
        let written = match connection.take() {
            Some(c) => Ok(c),
            None => Connection::acquire(&db).await,
        };
        let written = match written {
            Ok(mut c) => {
                let outcome = write_batch(&mut c, &keys, &records).await;
                // After a failure the connection may be broken: take a fresh one next time.
                if outcome.is_ok() {
                    connection = Some(c);
                }
                outcome
            }
            Err(e) => Err(e),
        };
        match written {
            Ok(outcomes) => {
                metrics::histogram!("qorgau_intake_batch_size").record(batch.len() as f64);
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(error) => {
                tracing::warn!(%error, size = batch.len(), "intake batch failed; writing its records one by one");
                for job in batch.drain(..) {
                    let outcome = match Connection::acquire(&db).await {
                        Ok(mut c) => write_batch(&mut c, &keys, &[&job.record]).await.map(|mut o| o.remove(0)),
                        Err(e) => Err(e),
                    };
                    if let Err(error) = &outcome {
                        tracing::error!(%error, "a complaint could not be written");
                    }
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// The body of [`write_batch`], compiled for each backend's connection.
macro_rules! write_batch_on {
    ($connection:expr, $begin:literal, $keys:expr, $records:expr) => {{
        let records = $records;
        let mut tx = sqlx::Connection::begin_with(&mut **$connection, $begin).await?;
        let mut outcomes = Vec::with_capacity(records.len());
        let mut new = Vec::with_capacity(records.len());
        // Keys met in this batch, with the complaint each stands for.
        let mut keys: HashMap<&str, KeyedRecord> = HashMap::new();
        for record in records {
            let Some(key) = &record.idempotency else {
                new.push(*record);
                outcomes.push(Outcome::Created { id: record.id, tracking_code: record.tracking_code.clone() });
                continue;
            };
            let earlier = match keys.get(key.key.as_str()) {
                Some(earlier) => Some(earlier.clone()),
                None => complaints::find_by_idempotency_key_in(&mut tx, &key.key).await?,
            };
            outcomes.push(match earlier {
                Some(earlier) => {
                    let outcome = if earlier.request_hash == key.request_hash {
                        Outcome::Replayed { id: earlier.id, tracking_code: earlier.tracking_code.clone() }
                    } else {
                        Outcome::KeyReused
                    };
                    keys.insert(&key.key, earlier);
                    outcome
                }
                None => {
                    new.push(*record);
                    let created = KeyedRecord {
                        id: record.id,
                        tracking_code: record.tracking_code.clone(),
                        request_hash: key.request_hash.clone(),
                    };
                    keys.insert(&key.key, created);
                    Outcome::Created { id: record.id, tracking_code: record.tracking_code.clone() }
                }
            });
        }
        complaints::insert_all(&mut tx, $keys, &new).await?;
        crate::audit::append_in(&mut tx, &$keys.chain, &creation_events(&new)).await?;
        tx.commit().await?;
        Ok(outcomes)
    }};
}

/// Writes the records that are new in one transaction, and tells each record's fate.
/// On SQLite the transaction takes the write lock at once: it reads (idempotency keys) before
/// it writes, and a deferred one would fail if another connection wrote in between.
async fn write_batch(connection: &mut Connection, keys: &Keys, records: &[&NewRecord]) -> Result<Vec<Outcome>> {
    match connection {
        Connection::Sqlite(c) => write_batch_on!(c, "BEGIN IMMEDIATE", keys, records),
        Connection::Pg(c) => write_batch_on!(c, "BEGIN", keys, records),
    }
}

/// One audit event per complaint created, naming who registered it.
fn creation_events(records: &[&NewRecord]) -> Vec<AuditEntry> {
    records
        .iter()
        .map(|r| {
            AuditEntry::new(r.received_at, r.created_by.clone(), AuditAction::ComplaintCreate)
                .on("complaint", r.id.0)
                .with("channel", r.complaint.channel.as_str())
        })
        .collect()
}
