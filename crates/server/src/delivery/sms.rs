//! SMS to a reporter: through an HTTP gateway when one is configured (`QORGAU_SMS_URL`,
//! JSON `{"id", "to", "text"}` posted with `Authorization: Bearer <QORGAU_SMS_TOKEN>`), otherwise
//! the log sink — a line saying a message was due, never the number or the text.
//!
//! Only the worker calls this, and only for a reporter who consented to contact and said it
//! is safe (checked when the message is queued and again before it is sent).

use super::connect::{Tls, post_json};

/// Where SMS go.
#[derive(Clone)]
pub enum SmsSender {
    Gateway { url: String, token: Option<String> },
    Log,
}

impl std::fmt::Debug for SmsSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Never the token.
            SmsSender::Gateway { url, .. } => write!(f, "SmsSender::Gateway({url})"),
            SmsSender::Log => write!(f, "SmsSender::Log"),
        }
    }
}

impl SmsSender {
    pub async fn send(&self, tls: &Tls, id: uuid::Uuid, to: &str, text: &str) -> Result<(), String> {
        match self {
            SmsSender::Gateway { url, token } => {
                let headers: Vec<(&str, String)> = token.iter().map(|t| ("authorization", format!("Bearer {t}"))).collect();
                let body = serde_json::json!({"id": id, "to": to, "text": text}).to_string();
                post_json(tls, url, &headers, body).await
            }
            SmsSender::Log => {
                tracing::info!(message_id = %id, "an SMS to a reporter was due; no gateway is configured (QORGAU_SMS_URL)");
                Ok(())
            }
        }
    }
}
