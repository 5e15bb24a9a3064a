//! Delivering the outbox. Each message goes by one channel, chosen by its recipient:
//! - an agency (`agency:`, `agency_head:`, the region's `prosecutor:`): its webhook when set
//!   (signed), otherwise mail to the addresses its officers (or heads) gave;
//! - the contact center (`contact_center`, `regional_supervisor:`): mail to shift supervisors;
//! - a family support center's specialist (`user:<account>`): mail to the address they gave; or
//!   the center's people (`center:<agency>`) when nobody accepted the case by name;
//! - a reporter (`reporter:<complaint>`): an SMS, only with their recorded consent and "safe to
//!   contact" mark — checked again here, before anything leaves.
//!
//! Mail goes through the SMTP relay when configured, else the file sink (also when nobody of
//! the recipient has an address: the notice is kept, and the portal shows the work anyway).
//!
//! A worker claims due messages with a lease (two servers never send one at once), sends each,
//! and records the outcome: delivered; failed, retried with exponential backoff (30 s doubling,
//! up to an hour); dead after 8 attempts, listed for administrators. A webhook carries the
//! message id (`X-Qorgau-Delivery`) so that a receiver can drop a repeat after a lost answer,
//! a timestamp, and `X-Qorgau-Signature: sha256=<HMAC-SHA-256 of "timestamp.body">`.
//! Notices name agencies, steps and ids, never a person's data.

pub mod connect;
pub mod mail;
pub mod sms;

use crate::config::Config;
use crate::i18n::Tr;
use crate::state::AppState;
use connect::Tls;
use domain::complaint::Language;
use domain::ids::ComplaintId;
use domain::policy::StaffRole;
use hmac::{Hmac, KeyInit, Mac};
use mail::{Mail, Mailer, Relay};
use sha2::Sha256;
use sms::SmsSender;
use store::outbox::{self, Attempt, Message};
use time::OffsetDateTime;

/// How notices leave: the TLS roots, the mail relay (or sink), the SMS gateway (or log).
#[derive(Clone)]
pub struct Senders {
    pub tls: Tls,
    pub mail: Mailer,
    pub sms: SmsSender,
}

impl Senders {
    /// As configured; a bad relay address or roots file is named.
    pub fn from_config(config: &Config) -> Result<Senders, String> {
        let relay = config.smtp_url.as_deref().map(Relay::parse).transpose()?;
        let mail = Mailer { relay: relay.map(|r| (r, config.mail_from.clone())), sink: config.data_dir.join("outbox") };
        let sms = match &config.sms_url {
            Some(url) => {
                connect::check_url(url).map_err(|e| format!("QORGAU_SMS_URL: {e}"))?;
                SmsSender::Gateway { url: url.clone(), token: config.sms_token.clone() }
            }
            None => SmsSender::Log,
        };
        Ok(Senders { tls: Tls::new(config.tls_ca_file.as_deref())?, mail, sms })
    }
}

const LEASE: time::Duration = time::Duration::minutes(5);
const BATCH: i64 = 50;
pub const MAX_ATTEMPTS: i64 = 8;

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
    let (kind, target) = message.recipient.split_once(':').unwrap_or((message.recipient.as_str(), ""));
    let agency = match kind {
        "agency" | "agency_head" => Some(target.to_owned()),
        "prosecutor" => state.reference.agencies.find(domain::routing::AgencyKind::Prosecutor, target).map(|a| a.id.clone()),
        _ => None,
    };
    if kind == "reporter" {
        return send_sms(state, message, target).await;
    }
    if let Some(agency) = &agency {
        let webhook = outbox::webhook(&state.db, &state.store_keys, agency).await.map_err(|e| e.to_string())?;
        if let Some(webhook) = webhook {
            return post(&state.senders.tls, &webhook, message, state.clock.now()).await;
        }
    }
    let to = match kind {
        "user" => user_email(state, target).await?,
        _ => {
            let (roles, agency): (&[StaffRole], Option<&str>) = match kind {
                "agency_head" => (&[StaffRole::AgencyHead], agency.as_deref()),
                "agency" | "prosecutor" => (&[StaffRole::AgencyOfficer, StaffRole::AgencyHead], agency.as_deref()),
                "center" => (&[StaffRole::FamilySupportSpecialist, StaffRole::AgencyHead], Some(target)),
                _ => (&[StaffRole::Supervisor], None),
            };
            store::users::notice_emails(&state.db, roles, agency).await.map_err(|e| e.to_string())?
        }
    };
    let (subject, text) = notice_text(state, message);
    let mail = Mail { id: message.id, to: &to, subject: &subject, body: &text };
    state.senders.mail.send(&state.senders.tls, &mail, &body(message)).await
}

/// The notice address of one account (`user:<id>`), if it gave one and is not disabled.
async fn user_email(state: &AppState, id: &str) -> Result<Vec<String>, String> {
    let id = id.parse::<uuid::Uuid>().map_err(|_| "user: not an account id".to_owned())?;
    let user = store::users::get(&state.db, id).await.map_err(|e| e.to_string())?;
    Ok(user.filter(|u| !u.disabled).and_then(|u| u.email).into_iter().collect())
}

/// A notice's subject and text, in Kazakh, Russian and English (staff read all three), with
/// where to open the work in Qorgau.
fn notice_text(state: &AppState, message: &Message) -> (String, String) {
    let payload: serde_json::Value = serde_json::from_str(&message.payload).unwrap_or_default();
    let field = |name: &str| payload[name].as_str().unwrap_or_default().to_owned();
    let agency_id = field("agency_id");
    let key = format!("notice-{}", message.topic.replace('.', "-"));
    let subject = format!("Qorgau: {}", Tr::new(Language::Kk).t(&key));
    let text = [Language::Kk, Language::Ru, Language::En]
        .map(|language| {
            let tr = Tr::new(language);
            let agency = state.reference.agencies.get(&agency_id).map(|a| a.names.get(language).to_owned()).unwrap_or_default();
            let path = match payload["case_id"].as_str() {
                Some(case) => format!("/staff/support-cases/{case}"),
                None => format!("/staff/assignments/{}/{agency_id}", field("complaint_id")),
            };
            format!("{}\n{agency}\n{}", tr.t(&key), tr.t1("notice-open", "path", path))
        })
        .join("\n\n");
    (subject, text)
}

/// An SMS to the reporter of a complaint, in their language: neutral words (the phone may be
/// seen by others), the tracking code only. Never without consent and "safe to contact".
async fn send_sms(state: &AppState, message: &Message, complaint_id: &str) -> Result<(), String> {
    let id = complaint_id.parse().map(ComplaintId).map_err(|_| "reporter: not a complaint id".to_owned())?;
    let complaint = store::complaints::get(&state.db, &state.store_keys, id).await.map_err(|e| e.to_string())?;
    let Some(complaint) = complaint else { return Err("reporter: the complaint is gone".into()) };
    let phone = match &complaint.details.reporter {
        domain::complaint::Reporter::Identified(c) if complaint.details.reporter.may_be_contacted() => c.phone.clone(),
        _ => None,
    };
    // Consent withdrawn or erased since the message was queued: nothing is sent, ever.
    let Some(phone) = phone else { return Err("reporter: no consent and safe-contact mark (not sent)".into()) };
    let text = Tr::new(complaint.details.language).t1("sms-news", "code", complaint.tracking_code.to_string());
    state.senders.sms.send(&state.senders.tls, message.id, &phone, &text).await
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

async fn post(tls: &Tls, webhook: &outbox::Webhook, message: &Message, now: OffsetDateTime) -> Result<(), String> {
    let body = body(message);
    let timestamp = now.unix_timestamp();
    let headers = [
        ("x-qorgau-delivery", message.id.to_string()),
        ("x-qorgau-timestamp", timestamp.to_string()),
        ("x-qorgau-signature", signature(&webhook.secret, timestamp, &body)),
    ];
    connect::post_json(tls, &webhook.url, &headers, body).await
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
