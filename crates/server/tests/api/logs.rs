//! Logs never hold what a person wrote or who they are.

use crate::support::*;
use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line of this test binary, at every level.
fn captured_logs() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        tracing_subscriber::fmt().with_env_filter("trace").json().with_writer(move || writer.clone()).init();
        logs
    })
    .clone()
}

/// A valid synthetic IIN (born 1 January 1990, female).
const IIN: &str = "900101400013";

#[tokio::test]
async fn nothing_personal_reaches_the_logs() {
    let logs = captured_logs();
    on_each_backend("logs_clean", config, |app| {
        let logs = logs.clone();
        async move {
            let marker = format!("Synthetic-{}", uuid::Uuid::now_v7().simple());
            let phone = "+7 700 000 13 57";
            let body = json!({"channel":"web","region":"KZ-71","language":"en","narrative": marker,
            "reporter":{"name": marker, "phone": phone, "consent_to_contact": true}, "victims":[{"age":9}]});
            let receipt = app.post_complaint(&body).await.json();
            let code = receipt["tracking_code"].as_str().unwrap().to_owned();
            let pin = receipt["status_pin"].as_str().unwrap().to_owned();
            let mut bad = body.clone();
            bad["victims"] = json!([{"age": marker}]);
            app.post_complaint(&bad).await;
            app.staff_get("/api/v1/complaints").await;
            app.send(Request::get(format!("/api/v1/status/{code}")).header("x-status-pin", &pin).body(Body::empty()).unwrap())
                .await;
            app.get(&format!("/api/v1/status/{code}?pin={pin}")).await;
            app.post_form(
                "/report",
                &[("narrative", &marker), ("region", "KZ-10"), ("anonymous", "no"), ("reporter_phone", phone)],
            )
            .await;
            app.post_form("/status", &[("tracking_code", &code), ("pin", &pin)]).await;
            // Staff: a sign-in, a wrong password, a look-up by phone and by IIN, a read.
            let session = app.sign_in_as("operator.logs", "operator", None, None).await;
            app.sign_in("operator.logs", "wrong-password-for-logs").await;
            app.json_as(&session, "POST", "/api/v1/complaints/search", &json!({"phone": phone})).await;
            app.json_as(&session, "POST", "/api/v1/complaints/search", &json!({"iin": IIN})).await;
            app.get_as(&session, &format!("/api/v1/complaints/{}", receipt["id"].as_str().unwrap())).await;

            let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
            assert!(text.contains("request"), "the logs were captured");
            let bare_code = code.replace('-', "");
            let cookie = session.cookie.split_once('=').unwrap().1;
            let secrets = [marker.as_str(), "+77000001357", "700 000 13 57", &pin, &code, &bare_code, IIN, PASSWORD];
            let staff_secrets = ["wrong-password-for-logs", cookie, session.csrf.as_str()];
            for secret in secrets.iter().chain(staff_secrets.iter()) {
                assert!(!text.contains(secret), "the logs hold {secret}");
            }
            app
        }
    })
    .await;
}
