//! The agencies' assignments as work: an agency's inbox by deadline, one assignment with its
//! history, and each step of its life written with its history row, the complaint's new state
//! and its audit event in one transaction.
//!
//! A step is applied only if the assignment is still in the status the step was decided from
//! (`WHERE status = $from`): two officers acting at once cannot both succeed.

use crate::audit::append_in;
use crate::sealed::Sealer;
use crate::{Db, Keys, Result, StoreError, on_db};
use domain::assessment::PlannedAssignment;
use domain::assignment::{AssignmentStatus, Step};
use domain::audit::{AuditAction, AuditActor, AuditEntry};
use domain::ids::ComplaintId;
use sqlx::{FromRow, QueryBuilder};
use time::OffsetDateTime;
use uuid::Uuid;

/// One line of an agency's inbox: no personal field.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct InboxRow {
    pub complaint_id: Uuid,
    pub agency_id: String,
    /// The officer the agency head gave it to, if any.
    pub officer_id: Option<Uuid>,
    pub role: String,
    pub status: String,
    pub acknowledge_due_at: Option<OffsetDateTime>,
    pub report_due_at: Option<OffsetDateTime>,
    pub region: String,
    pub priority: String,
    pub risk_level: String,
    pub received_at: OffsetDateTime,
}

impl InboxRow {
    /// The deadline the agency works towards now (see `escalation::deadline`).
    pub fn next_deadline(&self) -> Option<OffsetDateTime> {
        let status = AssignmentStatus::parse(&self.status)?;
        domain::assignment::escalation::deadline(status, self.acknowledge_due_at, self.report_due_at)
    }
}

/// The open assignments of an agency (those it still owes something on), the earliest report
/// deadline first. Served by the `assignments_inbox` index.
pub async fn inbox(db: &Db, agency_id: &str, limit: u32) -> Result<Vec<InboxRow>> {
    let open: Vec<&'static str> = AssignmentStatus::ALL.iter().filter(|s| s.is_open()).map(|s| s.as_str()).collect();
    Ok(on_db!(db, pool => {
        let mut q = QueryBuilder::new(
            "SELECT a.complaint_id, a.agency_id, a.officer_id, a.role, a.status, a.acknowledge_due_at, a.report_due_at, \
             c.region, c.priority, c.risk_level, c.received_at \
             FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE a.agency_id = ",
        );
        q.push_bind(agency_id).push(" AND a.status IN (");
        let mut list = q.separated(", ");
        for status in &open {
            list.push_bind(*status);
        }
        q.push(") ORDER BY a.report_due_at, a.complaint_id LIMIT ").push_bind(i64::from(limit));
        q.build_query_as().fetch_all(pool).await?
    }))
}

/// An assignment as its steps need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub complaint_id: ComplaintId,
    pub agency_id: String,
    pub role: String,
    pub status: AssignmentStatus,
    pub acknowledge_due_at: Option<OffsetDateTime>,
    pub report_due_at: Option<OffsetDateTime>,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub reported_at: Option<OffsetDateTime>,
    /// The last action report, as JSON (opened).
    pub report: Option<String>,
    /// The officer the agency head gave it to, if any.
    pub officer_id: Option<Uuid>,
}

#[derive(FromRow)]
struct AssignmentRow {
    officer_id: Option<Uuid>,
    complaint_id: Uuid,
    agency_id: String,
    role: String,
    status: String,
    acknowledge_due_at: Option<OffsetDateTime>,
    report_due_at: Option<OffsetDateTime>,
    acknowledged_at: Option<OffsetDateTime>,
    reported_at: Option<OffsetDateTime>,
    report: Option<Vec<u8>>,
}

fn sealer<'k>(keys: &'k Keys, complaint_id: ComplaintId, agency_id: &str) -> Sealer<'k> {
    Sealer::new(keys, "assignments", format!("{complaint_id}/{agency_id}"))
}

/// One assignment.
pub async fn get(db: &Db, keys: &Keys, complaint_id: ComplaintId, agency_id: &str) -> Result<Option<Assignment>> {
    let sql = "SELECT complaint_id, agency_id, role, status, acknowledge_due_at, report_due_at, acknowledged_at, \
               reported_at, report, officer_id FROM assignments WHERE complaint_id = $1 AND agency_id = $2";
    let row: Option<AssignmentRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(complaint_id.0).bind(agency_id).fetch_optional(pool).await?);
    let Some(row) = row else { return Ok(None) };
    let id = ComplaintId(row.complaint_id);
    Ok(Some(Assignment {
        report: sealer(keys, id, &row.agency_id).open_opt("report", row.report.as_deref())?,
        status: AssignmentStatus::parse(&row.status).ok_or_else(|| StoreError::Corrupt("assignment status".into()))?,
        complaint_id: id,
        agency_id: row.agency_id,
        role: row.role,
        acknowledge_due_at: row.acknowledge_due_at,
        report_due_at: row.report_due_at,
        acknowledged_at: row.acknowledged_at,
        reported_at: row.reported_at,
        officer_id: row.officer_id,
    }))
}

/// One step of an assignment's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub at: OffsetDateTime,
    pub step: String,
    pub status: String,
    pub actor_kind: String,
    pub note: Option<String>,
}

/// seq, at, step, status, actor kind, sealed note.
type HistoryRow = (i64, OffsetDateTime, String, String, String, Option<Vec<u8>>);

/// The steps of an assignment, oldest first.
pub async fn history(db: &Db, keys: &Keys, complaint_id: ComplaintId, agency_id: &str) -> Result<Vec<HistoryEntry>> {
    let sql = "SELECT seq, at, step, status, actor_kind, note FROM assignment_events \
               WHERE complaint_id = $1 AND agency_id = $2 ORDER BY seq";
    let rows: Vec<HistoryRow> =
        on_db!(db, pool => sqlx::query_as(sql).bind(complaint_id.0).bind(agency_id).fetch_all(pool).await?);
    let sealer = sealer(keys, complaint_id, agency_id);
    rows.into_iter()
        .map(|(seq, at, step, status, actor_kind, note)| {
            Ok(HistoryEntry { at, step, status, actor_kind, note: sealer.open_opt(&format!("note{seq}"), note.as_deref())? })
        })
        .collect()
}

/// A step to write.
#[derive(Debug, Clone)]
pub struct StepChange {
    pub complaint_id: ComplaintId,
    pub agency_id: String,
    pub step: Step,
    pub from: AssignmentStatus,
    pub to: AssignmentStatus,
    pub at: OffsetDateTime,
    pub actor: AuditActor,
    /// A reason or note (sealed).
    pub note: Option<String>,
    /// A new action report, as JSON (sealed).
    pub report: Option<String>,
    /// A new report deadline (a granted extension).
    pub report_due_at: Option<OffsetDateTime>,
    /// A new assignment for the agency a complaint is forwarded to.
    pub forward_to: Option<PlannedAssignment>,
    /// The complaint's status after this step (closed when every lead assignment is).
    pub complaint_status: Option<domain::complaint::Status>,
    /// The deadline worked towards changed: reminders and escalation start again for it.
    pub restart_escalation: bool,
    /// The reporter hears of the complaint's new status by SMS. The caller sets it only when
    /// the status changes and the reporter consented to contact and said it is safe.
    pub notify_reporter: bool,
}

/// Writes a step. `Ok(false)` if the assignment was no longer in `from` (someone else acted).
pub async fn apply(db: &Db, keys: &Keys, change: &StepChange) -> Result<bool> {
    let at = domain::clock::storable(change.at);
    let id = change.complaint_id;
    let sealer = sealer(keys, id, &change.agency_id);
    let report = change.report.as_deref().map(|r| sealer.one("report", r));
    let acknowledged = matches!(change.step, Step::Acknowledge | Step::SubmitReport | Step::Forward);
    let reported = change.step == Step::SubmitReport;
    let mut events = vec![
        AuditEntry::new(change.at, change.actor.clone(), AuditAction::AssignmentStep)
            .on("complaint", id.0)
            .with("agency_id", change.agency_id.clone())
            .with("step", change.step.as_str())
            .with("status", change.to.as_str()),
    ];
    if let Some(target) = &change.forward_to {
        events.push(
            AuditEntry::new(change.at, change.actor.clone(), AuditAction::AssignmentStep)
                .on("complaint", id.0)
                .with("agency_id", target.agency_id.clone())
                .with("step", "assigned")
                .with("forwarded_from", change.agency_id.clone()),
        );
    }
    let applied = on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE assignments SET status = $3, updated_at = $4, \
             acknowledged_at = CASE WHEN $5 THEN COALESCE(acknowledged_at, $4) ELSE acknowledged_at END, \
             reported_at = CASE WHEN $6 THEN $4 ELSE reported_at END, report = COALESCE($7, report), \
             report_due_at = COALESCE($8, report_due_at), next_check_at = $4, \
             escalation_level = CASE WHEN $10 THEN 0 ELSE escalation_level END \
             WHERE complaint_id = $1 AND agency_id = $2 AND status = $9",
        )
        .bind(id.0)
        .bind(&change.agency_id)
        .bind(change.to.as_str())
        .bind(at)
        .bind(acknowledged)
        .bind(reported)
        .bind(report)
        .bind(change.report_due_at.map(domain::clock::storable))
        .bind(change.from.as_str())
        .bind(change.restart_escalation)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        let seq: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM assignment_events WHERE complaint_id = $1 AND agency_id = $2",
        )
        .bind(id.0)
        .bind(&change.agency_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO assignment_events (complaint_id, agency_id, seq, at, step, status, actor_kind, actor_id, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.0)
        .bind(&change.agency_id)
        .bind(seq)
        .bind(at)
        .bind(change.step.as_str())
        .bind(change.to.as_str())
        .bind(change.actor.kind.as_str())
        .bind(change.actor.id)
        .bind(change.note.as_deref().map(|n| sealer.one(&format!("note{seq}"), n)))
        .execute(&mut *tx)
        .await?;
        if let Some(target) = &change.forward_to {
            sqlx::query(
                "INSERT INTO assignments (complaint_id, agency_id, agency_kind, role, rule_id, status, created_at, \
                 acknowledge_due_at, report_due_at, updated_at, next_check_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7, $7)",
            )
            .bind(id.0)
            .bind(&target.agency_id)
            .bind(crate::complaints::code_of(&target.agency_kind))
            .bind(crate::complaints::code_of(&target.role))
            .bind(&target.rule_id)
            .bind(AssignmentStatus::Pending.as_str())
            .bind(at)
            .bind(target.acknowledge_due_at.map(domain::clock::storable))
            .bind(target.report_due_at.map(domain::clock::storable))
            .execute(&mut *tx)
            .await?;
        }
        // The other side hears of the step: the contact center of an agency's step, the agency
        // of the contact center's (and a receiving agency of its new assignment).
        for (recipient, topic, key) in notified(change, seq) {
            let payload = serde_json::json!({"complaint_id": id.0, "agency_id": change.agency_id, "step": change.step.as_str(),
                "status": change.to.as_str()});
            sqlx::query(
                "INSERT INTO outbox (id, created_at, topic, recipient, payload, dedupe_key, status, attempts, next_attempt_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $2) ON CONFLICT (dedupe_key) DO NOTHING",
            )
            .bind(Uuid::now_v7())
            .bind(at)
            .bind(topic)
            .bind(&recipient)
            .bind(payload.to_string())
            .bind(key)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE complaints SET updated_at = $2, status = COALESCE($3, status) WHERE id = $1")
            .bind(id.0)
            .bind(at)
            .bind(change.complaint_status.map(|s| s.as_str()))
            .execute(&mut *tx)
            .await?;
        append_in(&mut tx, &keys.chain, &events).await?;
        tx.commit().await?;
        true
    });
    Ok(applied)
}

/// Who hears of a step, under which topic, and the outbox key that keeps it single (a
/// forwarded assignment's announcement shares the scheduler's key, so it is made once).
fn notified(change: &StepChange, seq: i64) -> Vec<(String, &'static str, String)> {
    let id = change.complaint_id.0;
    let recipient = match change.step.side() {
        domain::assignment::Side::Agency => "contact_center".to_owned(),
        domain::assignment::Side::ContactCenter => format!("agency:{}", change.agency_id),
    };
    let key = format!("{id}/{}/{seq}/{recipient}", change.agency_id);
    let mut to = vec![(recipient, "assignment.step", key)];
    if let Some(target) = &change.forward_to {
        to.push((format!("agency:{}", target.agency_id), "assignment.new", format!("{id}/{}/new", target.agency_id)));
    }
    if change.notify_reporter {
        to.push((format!("reporter:{id}"), "complaint.status", format!("{id}/{}/{seq}/reporter", change.agency_id)));
    }
    to
}

/// The statuses of a complaint's assignments with the given role (`lead`), for the rule that a
/// complaint closes when every lead assignment is closed.
pub async fn statuses_with_role(db: &Db, complaint_id: ComplaintId, role: &str) -> Result<Vec<(String, AssignmentStatus)>> {
    let rows: Vec<(String, String)> = on_db!(db, pool => sqlx::query_as(
        "SELECT agency_id, status FROM assignments WHERE complaint_id = $1 AND role = $2 ORDER BY agency_id")
        .bind(complaint_id.0).bind(role).fetch_all(pool).await?);
    rows.into_iter()
        .map(|(agency, status)| {
            let status = AssignmentStatus::parse(&status).ok_or_else(|| StoreError::Corrupt("assignment status".into()))?;
            Ok((agency, status))
        })
        .collect()
}

/// The times of every assignment (or one agency's), for the compliance figures: no personal
/// field is read.
pub async fn timings(db: &Db, agency_id: Option<&str>) -> Result<Vec<domain::assignment::compliance::Timing>> {
    type Row = (
        String,
        String,
        String,
        OffsetDateTime,
        Option<OffsetDateTime>,
        Option<OffsetDateTime>,
        Option<OffsetDateTime>,
        Option<OffsetDateTime>,
    );
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as(
        "SELECT a.agency_id, c.region, a.status, a.created_at, a.acknowledge_due_at, a.acknowledged_at, a.report_due_at, \
         a.reported_at FROM assignments a JOIN complaints c ON c.id = a.complaint_id WHERE ($1 IS NULL OR a.agency_id = $1)")
        .bind(agency_id).fetch_all(pool).await?);
    rows.into_iter()
        .map(|(agency_id, region, status, created_at, acknowledge_due_at, acknowledged_at, report_due_at, reported_at)| {
            let status = AssignmentStatus::parse(&status).ok_or_else(|| StoreError::Corrupt("assignment status".into()))?;
            Ok(domain::assignment::compliance::Timing {
                agency_id,
                region,
                created_at,
                acknowledge_due_at,
                acknowledged_at,
                report_due_at,
                reported_at,
                status,
            })
        })
        .collect()
}

/// Where each agency working on a complaint stands, for the reporter's status page (agencies
/// only informed are left out).
pub async fn progress(db: &Db, complaint_id: ComplaintId) -> Result<Vec<domain::complaint::Progress>> {
    let rows: Vec<(String, String, OffsetDateTime, Option<OffsetDateTime>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT agency_id, status, created_at, updated_at FROM assignments WHERE complaint_id = $1 AND role <> 'informed' \
         ORDER BY created_at, agency_id")
        .bind(complaint_id.0).fetch_all(pool).await?);
    rows.into_iter()
        .map(|(agency_id, status, created_at, updated_at)| {
            let status = AssignmentStatus::parse(&status).ok_or_else(|| StoreError::Corrupt("assignment status".into()))?;
            Ok(domain::complaint::Progress { agency_id, status, since: updated_at.unwrap_or(created_at) })
        })
        .collect()
}

/// Gives an assignment to one of its agency's officers, audited. False if there is no such
/// assignment.
pub async fn assign_officer(
    db: &Db,
    keys: &Keys,
    complaint_id: ComplaintId,
    agency_id: &str,
    officer_id: Uuid,
    event: AuditEntry,
) -> Result<bool> {
    Ok(on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let updated = sqlx::query("UPDATE assignments SET officer_id = $3 WHERE complaint_id = $1 AND agency_id = $2")
            .bind(complaint_id.0).bind(agency_id).bind(officer_id).execute(&mut *tx).await?;
        if updated.rows_affected() == 0 {
            return Ok(false);
        }
        append_in(&mut tx, &keys.chain, std::slice::from_ref(&event)).await?;
        tx.commit().await?;
        true
    }))
}
