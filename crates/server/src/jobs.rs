//! Scheduled work of a running server: the daily anonymisation of closed complaints past the
//! retention period. Several servers may run it at once: the erasure of a complaint is one
//! transaction that skips complaints already anonymised.

use crate::error::AppError;
use crate::state::AppState;
use std::time::Duration;

const FIRST_RUN_AFTER: Duration = Duration::from_secs(60);
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Anonymises closed complaints older than the retention period; returns how many.
pub async fn run_retention(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let cutoff = now - time::Duration::days(i64::from(state.retention_days));
    let done = store::retention::anonymize_closed(&state.db, &state.store_keys, cutoff, now).await?;
    Ok(done.len())
}

/// Starts the daily jobs on the runtime.
pub fn start(state: AppState) {
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
