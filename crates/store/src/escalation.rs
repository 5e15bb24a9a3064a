//! The scheduler's pass over due assignments: the announcement of a new assignment to its
//! agency, then each reminder and escalation, is queued in the outbox, audited, and the
//! assignment's next look is set, in one transaction.
//!
//! Exactly once, with several servers on one database: the assignments due are claimed with
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL (another server skips them until this transaction
//! ends, and then finds them no longer due), and SQLite has one writer at a time
//! (`BEGIN IMMEDIATE`). Each notice also has a unique dedupe key in the outbox.

use crate::audit::append_in;
use crate::{Db, Keys, Result, StoreError};
use domain::assignment::AssignmentStatus;
use domain::assignment::escalation::{Chain, Recipient, deadline, next_notice};
use domain::audit::{AuditAction, AuditActor, AuditEntry};
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

const BATCH: i64 = 200;

const CLAIM_POSTGRES: &str = "SELECT a.complaint_id, a.agency_id, a.status, a.escalation_level, a.acknowledge_due_at, \
     a.report_due_at, c.region FROM assignments a JOIN complaints c ON c.id = a.complaint_id \
     WHERE a.next_check_at <= $1 ORDER BY a.next_check_at LIMIT $2 FOR UPDATE OF a SKIP LOCKED";
const CLAIM_SQLITE: &str = "SELECT a.complaint_id, a.agency_id, a.status, a.escalation_level, a.acknowledge_due_at, \
     a.report_due_at, c.region FROM assignments a JOIN complaints c ON c.id = a.complaint_id \
     WHERE a.next_check_at <= $1 ORDER BY a.next_check_at LIMIT $2";

#[derive(FromRow)]
struct DueRow {
    complaint_id: Uuid,
    agency_id: String,
    status: String,
    escalation_level: i64,
    acknowledge_due_at: Option<OffsetDateTime>,
    report_due_at: Option<OffsetDateTime>,
    region: String,
}

/// A notice queued by a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub complaint_id: Uuid,
    pub agency_id: String,
    pub recipient: String,
    /// `assignment.new` (the agency learns of a new assignment) or `assignment.notice` (a
    /// reminder or an escalation).
    pub topic: &'static str,
    /// 0 for the announcement of a new assignment; then 1 reminder, 2 to 4 escalations.
    pub level: u8,
}

/// The outbox key that makes a notice unique: the announcement once per assignment, each
/// level once per deadline.
pub fn dedupe_key(notice: &Notice, deadline: i64) -> String {
    match notice.level {
        0 => format!("{}/{}/new", notice.complaint_id, notice.agency_id),
        level => format!("{}/{}/{deadline}/{level}", notice.complaint_id, notice.agency_id),
    }
}

/// What one assignment's look decided: the notices due now, and the next look.
struct Decision {
    notices: Vec<Notice>,
    level: u8,
    next_check_at: Option<OffsetDateTime>,
    deadline: Option<OffsetDateTime>,
}

fn decide(row: &DueRow, chain: &Chain, now: OffsetDateTime) -> Result<Decision> {
    let status = AssignmentStatus::parse(&row.status).ok_or_else(|| StoreError::Corrupt("assignment status".into()))?;
    let due = deadline(status, row.acknowledge_due_at, row.report_due_at);
    let mut level = u8::try_from(row.escalation_level).unwrap_or(u8::MAX);
    let mut notices = Vec::new();
    let Some(due) = due else { return Ok(Decision { notices, level, next_check_at: None, deadline: None }) };
    if status == AssignmentStatus::Pending && level == 0 {
        // The agency hears of its new assignment (once: the outbox key is unique).
        notices.push(Notice {
            complaint_id: row.complaint_id,
            agency_id: row.agency_id.clone(),
            recipient: recipient_of(Recipient::Agency, &row.agency_id, &row.region),
            topic: "assignment.new",
            level: 0,
        });
    }
    while let Some((_, recipient)) = next_notice(chain, level, due).filter(|(at, _)| *at <= now) {
        level += 1;
        notices.push(Notice {
            complaint_id: row.complaint_id,
            agency_id: row.agency_id.clone(),
            recipient: recipient_of(recipient, &row.agency_id, &row.region),
            topic: "assignment.notice",
            level,
        });
    }
    let next_check_at = next_notice(chain, level, due).map(|(at, _)| at);
    Ok(Decision { notices, level, next_check_at, deadline: Some(due) })
}

/// Where a notice goes: the agency, its head, the region's supervisors, the region's
/// prosecutor's office (resolved to addresses by delivery).
fn recipient_of(recipient: Recipient, agency_id: &str, region: &str) -> String {
    match recipient {
        Recipient::Agency | Recipient::AgencyHead => format!("{}:{agency_id}", recipient.as_str()),
        Recipient::RegionalSupervisor | Recipient::Prosecutor => format!("{}:{region}", recipient.as_str()),
    }
}

/// The body of a pass on one backend's transaction.
macro_rules! pass_on {
    ($pool:expr, $begin:expr, $claim:expr, $keys:expr, $chain:expr, $now:expr) => {{
        let mut tx = $pool.begin_with($begin).await?;
        let rows: Vec<DueRow> =
            sqlx::query_as($claim).bind(domain::clock::storable($now)).bind(BATCH).fetch_all(&mut *tx).await?;
        let claimed = rows.len();
        let mut queued = Vec::new();
        let mut events = Vec::new();
        for row in &rows {
            let decision = decide(row, $chain, $now)?;
            sqlx::query("UPDATE assignments SET escalation_level = $3, next_check_at = $4 WHERE complaint_id = $1 AND agency_id = $2")
                .bind(row.complaint_id)
                .bind(&row.agency_id)
                .bind(i64::from(decision.level))
                .bind(decision.next_check_at.map(domain::clock::storable))
                .execute(&mut *tx)
                .await?;
            for notice in decision.notices {
                let deadline = decision.deadline.map(|d| d.unix_timestamp()).unwrap_or_default();
                let payload = serde_json::json!({"complaint_id": notice.complaint_id, "agency_id": notice.agency_id,
                    "level": notice.level, "deadline": deadline});
                let inserted = sqlx::query(
                    "INSERT INTO outbox (id, created_at, topic, recipient, payload, dedupe_key, status, attempts, next_attempt_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $2) ON CONFLICT (dedupe_key) DO NOTHING",
                )
                .bind(Uuid::now_v7())
                .bind(domain::clock::storable($now))
                .bind(notice.topic)
                .bind(&notice.recipient)
                .bind(payload.to_string())
                .bind(dedupe_key(&notice, deadline))
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() == 1 {
                    events.push(
                        AuditEntry::new($now, AuditActor::system(), AuditAction::AssignmentNotice)
                            .on("complaint", notice.complaint_id)
                            .with("agency_id", notice.agency_id.clone())
                            .with("recipient", notice.recipient.clone())
                            .with("level", notice.level),
                    );
                    queued.push(notice);
                }
            }
        }
        append_in(&mut tx, &$keys.chain, &events).await?;
        tx.commit().await?;
        (claimed, queued)
    }};
}

/// One pass: looks at the assignments due (up to a batch), queues their notices, sets their
/// next look. Returns how many were looked at, and the notices queued.
pub async fn pass(db: &Db, keys: &Keys, chain: &Chain, now: OffsetDateTime) -> Result<(usize, Vec<Notice>)> {
    Ok(match db {
        Db::Sqlite(pool) => pass_on!(pool, "BEGIN IMMEDIATE", CLAIM_SQLITE, keys, chain, now),
        Db::Pg(pool) => pass_on!(pool, "BEGIN", CLAIM_POSTGRES, keys, chain, now),
    })
}

/// Passes until nothing is due; returns every notice queued.
pub async fn run_until_done(db: &Db, keys: &Keys, chain: &Chain, now: OffsetDateTime) -> Result<Vec<Notice>> {
    let mut all = Vec::new();
    loop {
        let (claimed, queued) = pass(db, keys, chain, now).await?;
        all.extend(queued);
        if (claimed as i64) < BATCH {
            return Ok(all);
        }
    }
}
