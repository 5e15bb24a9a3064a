//! Scheduled work of a running server: every minute, reminders and escalations of assignments
//! whose deadline comes near or passed (each exactly once, however many servers run it: see
//! `store::escalation`) and reminders of family support check-ins now overdue (likewise, see
//! `store::support::remind`); daily, the anonymisation of closed complaints past the retention
//! period (one transaction per batch, skipping complaints already anonymised).

use crate::error::AppError;
use crate::state::AppState;
use std::time::Duration;

const FIRST_RUN_AFTER: Duration = Duration::from_secs(60);
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Anonymises closed complaints older than the retention period; returns how many.
pub async fn run_retention(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let cutoff = now - time::Duration::days(i64::from(state.retention_days));
    let done = store::retention::anonymize_closed(&state.db, &state.store_keys, &state.evidence_dir, cutoff, now).await?;
    Ok(done.len())
}

const ESCALATION_EVERY: Duration = Duration::from_secs(60);

/// Queues the reminders and escalations due now, and the reminders of overdue check-ins;
/// returns how many were queued.
pub async fn run_escalation(state: &AppState) -> Result<usize, AppError> {
    let queued = store::escalation::run_until_done(&state.db, &state.store_keys, &state.escalation, state.clock.now()).await?;
    let check_ins = crate::service::support::remind_check_ins(state).await?;
    Ok(queued.len() + check_ins)
}

const DELIVERY_EVERY: Duration = Duration::from_secs(5);

/// Starts the jobs on the runtime.
pub fn start(state: AppState) {
    let delivery = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(DELIVERY_EVERY);
        loop {
            every.tick().await;
            match crate::delivery::deliver_due(&delivery).await {
                Ok(done) if done == Default::default() => {}
                Ok(done) => {
                    tracing::info!(delivered = done.delivered, retried = done.retried, dead = done.dead, "outbox delivery")
                }
                Err(error) => tracing::error!(%error, "outbox delivery failed; it runs again shortly"),
            }
        }
    });
    let escalation = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(ESCALATION_EVERY);
        loop {
            every.tick().await;
            match run_escalation(&escalation).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "reminders and escalations queued"),
                Err(error) => tracing::error!(%error, "escalation pass failed; it runs again in a minute"),
            }
        }
    });
    tokio::spawn(async move {
        tokio::time::sleep(FIRST_RUN_AFTER).await;
        let mut every = tokio::time::interval(EVERY);
        loop {
            every.tick().await;
            match run_retention(&state).await {
                Ok(count) => tracing::info!(count, "retention: closed complaints anonymised"),
                Err(error) => tracing::error!(%error, "retention failed; it runs again tomorrow"),
            }
        }
    });
}
