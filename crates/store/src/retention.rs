//! Anonymising closed complaints past the retention period: their personal fields are erased
//! (names, phones, IINs, addresses, the narrative; the notes and plans of closed support cases),
//! what statistics need is kept (region, channel, categories, ages, risk, assignments, the
//! support cases' codes and minutes), and each erasure is audited in its transaction.

use crate::audit::append_in;
use crate::sealed::Sealer;
use crate::{Db, Keys, Result, on_db};
use domain::audit::{AuditAction, AuditActor, AuditEntry};
use domain::complaint::Status;
use domain::ids::ComplaintId;
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

const BATCH: i64 = 200;

/// Erases the personal fields of complaints closed before `closed_before`; returns their ids.
pub async fn anonymize_closed(
    db: &Db,
    keys: &Keys,
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
        erase(db, keys, &ids, now).await?;
        done.extend(ids.into_iter().map(ComplaintId));
    }
    Ok(done)
}

async fn erase(db: &Db, keys: &Keys, ids: &[Uuid], now: OffsetDateTime) -> Result<()> {
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
        // A family's support may go on after its complaint closed: only closed support cases
        // (and refused referrals) lose their notes.
        for (update, end) in [
            ("UPDATE complaint_victims SET name = NULL, iin = NULL, iin_index = NULL WHERE complaint_id IN (", ")"),
            ("UPDATE complaint_perpetrators SET name = NULL WHERE complaint_id IN (", ")"),
            ("UPDATE support_entries SET detail = NULL WHERE case_id IN (SELECT id FROM support_cases \
              WHERE status = 'closed' AND complaint_id IN (", "))"),
            ("UPDATE support_cases SET assessment = NULL, safety_plan = NULL, plan = NULL WHERE status = 'closed' \
              AND complaint_id IN (", ")"),
            ("UPDATE referrals SET note = NULL, refusal = NULL WHERE (status = 'refused' OR id IN (SELECT id FROM \
              support_cases WHERE status = 'closed')) AND complaint_id IN (", ")"),
        ] {
            let mut q = QueryBuilder::new(update);
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(end);
            q.build().execute(&mut *tx).await?;
        }
        append_in(&mut tx, &keys.chain, &events).await?;
        tx.commit().await?;
    });
    Ok(())
}
