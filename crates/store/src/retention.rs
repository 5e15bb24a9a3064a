//! Anonymising closed complaints past the retention period: their personal fields are erased
//! (names, phones, IINs, addresses, the narrative; what a school said it did; the notes and
//! plans of closed support cases), what statistics need is kept (region, channel, categories,
//! ages, risk, assignments, the support cases' codes and minutes), and each erasure is audited
//! in its transaction.
//!
//! Their evidence goes too: photos and posts show the people. The rows (files' descriptions
//! and sealed links) are deleted in the same transaction; once it has committed, each file no
//! other row names is removed from the evidence folder (the same picture attached to a
//! complaint still kept stays, as one file serves both).

use crate::audit::append_in;
use crate::sealed::Sealer;
use crate::{Db, Keys, Result, on_db};
use domain::audit::{AuditAction, AuditActor, AuditEntry};
use domain::complaint::Status;
use domain::ids::ComplaintId;
use sqlx::QueryBuilder;
use std::path::Path;
use time::OffsetDateTime;
use uuid::Uuid;

const BATCH: i64 = 200;

/// Erases the personal fields and the evidence of complaints closed before `closed_before`
/// (evidence files under `evidence_dir`); returns their ids.
pub async fn anonymize_closed(
    db: &Db,
    keys: &Keys,
    evidence_dir: &Path,
    closed_before: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<ComplaintId>> {
    let mut done = Vec::new();
    loop {
        let ids: Vec<Uuid> = on_db!(db, pool => sqlx::query_scalar(
            "SELECT id FROM complaints WHERE status = $1 AND updated_at < $2 AND anonymized_at IS NULL ORDER BY id LIMIT $3")
            .bind(Status::Closed.as_str()).bind(domain::clock::storable(closed_before)).bind(BATCH).fetch_all(pool).await?);
        if ids.is_empty() {
            break;
        }
        let addresses = erase(db, keys, &ids, now).await?;
        crate::evidence::remove_unused(db, evidence_dir, addresses).await?;
        done.extend(ids.into_iter().map(ComplaintId));
    }
    Ok(done)
}

/// Erases one batch in one transaction; returns the content addresses of the evidence files
/// whose rows were deleted.
async fn erase(db: &Db, keys: &Keys, ids: &[Uuid], now: OffsetDateTime) -> Result<Vec<String>> {
    let events: Vec<_> = ids
        .iter()
        .map(|id| AuditEntry::new(now, AuditActor::system(), AuditAction::ComplaintAnonymize).on("complaint", id))
        .collect();
    let at = domain::clock::storable(now);
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for id in ids {
            // The narrative column is required: it keeps a sealed empty text.
            let empty = Sealer::new(keys, "complaints", ComplaintId(*id)).one("narrative", "");
            sqlx::query(
                "UPDATE complaints SET narrative = $2, address = NULL, reporter_name = NULL, reporter_phone = NULL, \
                 reporter_iin = NULL, reporter_safe_contact_time = NULL, reporter_phone_index = NULL, \
                 reporter_iin_index = NULL, anonymized_at = $3 WHERE id = $1",
            )
            .bind(id).bind(empty).bind(at).execute(&mut *tx).await?;
        }
        let mut q = QueryBuilder::new("SELECT DISTINCT address FROM evidence WHERE address IS NOT NULL AND complaint_id IN (");
        push_ids(&mut q, ids);
        let addresses: Vec<String> = q.build_query_scalar().fetch_all(&mut *tx).await?;
        // A family's support may go on after its complaint closed: only closed support cases
        // (and refused referrals) lose their notes. (update, what closes it after the ids' `)`)
        for (update, end) in [
            ("DELETE FROM evidence WHERE complaint_id IN (", ""),
            ("UPDATE complaint_victims SET name = NULL, iin = NULL, iin_index = NULL WHERE complaint_id IN (", ""),
            ("UPDATE complaint_perpetrators SET name = NULL WHERE complaint_id IN (", ""),
            ("UPDATE school_reports SET actions_taken = NULL WHERE complaint_id IN (", ""),
            ("UPDATE support_entries SET detail = NULL WHERE case_id IN (SELECT id FROM support_cases \
              WHERE status = 'closed' AND complaint_id IN (", ")"),
            ("UPDATE support_cases SET assessment = NULL, safety_plan = NULL, plan = NULL WHERE status = 'closed' \
              AND complaint_id IN (", ""),
            ("UPDATE referrals SET note = NULL, refusal = NULL WHERE (status = 'refused' OR id IN (SELECT id FROM \
              support_cases WHERE status = 'closed')) AND complaint_id IN (", ""),
        ] {
            let mut q = QueryBuilder::new(update);
            push_ids(&mut q, ids);
            q.push(end);
            q.build().execute(&mut *tx).await?;
        }
        append_in(&mut tx, &keys.chain, &events).await?;
        tx.commit().await?;
        Ok(addresses)
    })
}

/// `id, id, …)`: the end of an `IN (` list.
fn push_ids<DB: sqlx::Database>(q: &mut QueryBuilder<DB>, ids: &[Uuid])
where
    for<'t> Uuid: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
}
