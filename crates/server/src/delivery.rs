//! Delivering the outbox: notices to agencies' webhooks (signed), and the others to the mail
//! sink (a file of JSON lines by default; an SMTP relay is configured in its place).
//!
//! A worker claims due messages with a lease (two servers never send one at once), sends each,
//! and records the outcome: delivered; failed, retried with exponential backoff (30 s doubling,
//! up to an hour); dead after 8 attempts, listed for administrators. A webhook carries the
//! message id (`X-Qorgau-Delivery`) so that a receiver can drop a repeat after a lost answer,
//! a timestamp, and `X-Qorgau-Signature: sha256=<HMAC-SHA-256 of "timestamp.body">`.
//!
//! Nothing here goes to a reporter or a victim: notices name agencies, roles and regions. A
//! message to a person will only be queued with their recorded consent and "safe to contact"
//! mark (`Reporter::may_be_contacted`).

use crate::state::AppState;
use hmac::{Hmac, KeyInit, Mac};
use http_body_util::Full;
use hyper::body::Bytes;
use sha2::Sha256;
use std::io::Write;
use std::time::Duration;
use store::outbox::{self, Attempt, Message};
use time::OffsetDateTime;

const LEASE: time::Duration = time::Duration::minutes(5);
const BATCH: i64 = 50;
pub const MAX_ATTEMPTS: i64 = 8;
const TIMEOUT: Duration = Duration::from_secs(10);

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub delivered: usize,
    pub retried: usize,
    pub dead: usize,
}

/// Delivers the messages due now (one batch).
pub async fn deliver_due(state: &AppState) -> Result<Delivered, crate::error::AppError> {
    let now = state.clock.now();
    let mut done = Delivered::default();
    for message in outbox::claim(&state.db, now, now + LEASE, BATCH).await? {
        let attempt = match send(state, &message).await {
            Ok(()) => Attempt::Delivered,
            Err(error) if message.attempts >= MAX_ATTEMPTS => Attempt::Dead { error },
            Err(error) => Attempt::Retry { error, at: now + backoff(message.attempts) },
        };
        match &attempt {
            Attempt::Delivered => done.delivered += 1,
            Attempt::Retry { .. } => done.retried += 1,
            Attempt::Dead { .. } => done.dead += 1,
        }
        outbox::record(&state.db, message.id, &attempt, state.clock.now()).await?;
    }
    Ok(done)
}

/// 30 s after the first failure, doubling, at most an hour.
pub fn backoff(attempts: i64) -> time::Duration {
    let doublings = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    time::Duration::seconds(30 * 2i64.pow(doublings)).min(time::Duration::hours(1))
}

async fn send(state: &AppState, message: &Message) -> Result<(), String> {
    let agency = message.recipient.strip_prefix("agency:").or_else(|| message.recipient.strip_prefix("agency_head:"));
    let webhook = match agency {
        Some(agency) => outbox::webhook(&state.db, &state.store_keys, agency).await.map_err(|e| e.to_string())?,
        None => None,
    };
    match webhook {
        Some(webhook) => post(&webhook, message, state.clock.now()).await,
        None => write_to_sink(state, message),
    }
}

/// The body a receiver gets: the message, as queued.
fn body(message: &Message) -> String {
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or(serde_json::Value::Null);
    serde_json::json!({"id": message.id, "topic": message.topic, "recipient": message.recipient, "payload": payload}).to_string()
}

/// The signature of a body at a time, as the `X-Qorgau-Signature` header carries it.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

async fn post(webhook: &outbox::Webhook, message: &Message, now: OffsetDateTime) -> Result<(), String> {
    let body = body(message);
    let timestamp = now.unix_timestamp();
    let request = hyper::Request::post(&webhook.url)
        .header("content-type", "application/json")
        .header("x-qorgau-delivery", message.id.to_string())
        .header("x-qorgau-timestamp", timestamp.to_string())
        .header("x-qorgau-signature", signature(&webhook.secret, timestamp, &body))
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("request: {e}"))?;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http::<Full<Bytes>>();
    match tokio::time::timeout(TIMEOUT, client.request(request)).await {
        Ok(Ok(response)) if response.status().is_success() => Ok(()),
        Ok(Ok(response)) => Err(format!("the receiver answered {}", response.status().as_u16())),
        Ok(Err(e)) => Err(format!("connection: {e}")),
        Err(_) => Err("no answer within 10 s".into()),
    }
}

/// The mail sink: one JSON line per notice in `<data_dir>/outbox/notices.jsonl`.
fn write_to_sink(state: &AppState, message: &Message) -> Result<(), String> {
    std::fs::create_dir_all(&state.outbox_dir).map_err(|e| format!("sink: {e}"))?;
    let path = state.outbox_dir.join("notices.jsonl");
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| format!("sink: {e}"))?;
    file.write_all(format!("{}\n", body(message)).as_bytes()).map_err(|e| format!("sink: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_to_an_hour() {
        let seconds: Vec<i64> = (1..=9).map(|n| backoff(n).whole_seconds()).collect();
        assert_eq!(seconds, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }

    #[test]
    fn signatures_bind_the_timestamp_and_the_body() {
        let a = signature("secret", 1_700_000_000, "{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64);
        assert_ne!(a, signature("secret", 1_700_000_001, "{}"));
        assert_ne!(a, signature("secret", 1_700_000_000, "{ }"));
        assert_ne!(a, signature("other", 1_700_000_000, "{}"));
    }
}
