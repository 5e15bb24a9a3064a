//! Delivery of notices: to an agency's webhook (signed, retried with backoff after failures,
//! delivered once), to the mail sink otherwise, and dead-lettered when every attempt fails.

use crate::support::*;
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;
use server::config::Config;
use std::sync::{Arc, Mutex};

const POLICE: &str = "kz-75-police";

/// What the receiver saw: each request's delivery id and whether its signature was right.
#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<(String, bool, bool)>>>,
    secret: Arc<Mutex<String>>,
}

/// A local receiver on port 0 that answers 500 to its first `failures` requests, then 200.
async fn start_receiver(failures: usize) -> (String, Receiver) {
    let receiver = Receiver::default();
    let seen = receiver.clone();
    let handler = move |headers: HeaderMap, body: String| {
        let seen = seen.clone();
        async move {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            let timestamp: i64 = header("x-qorgau-timestamp").parse().unwrap_or(0);
            let signed =
                server::delivery::signature(&seen.secret.lock().unwrap(), timestamp, &body) == header("x-qorgau-signature");
            let mut calls = seen.calls.lock().unwrap();
            let ok = calls.len() >= failures;
            calls.push((header("x-qorgau-delivery"), signed, ok));
            if ok { StatusCode::OK } else { StatusCode::INTERNAL_SERVER_ERROR }
        }
    };
    let app = axum::Router::new().route("/hook", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, receiver)
}

async fn escalated_complaint(app: &TestApp, url: &str, receiver: &Receiver) {
    let admin = app.sign_in_as("admin.hook", "administrator", None, None).await;
    let set = app.json_as(&admin, "PUT", &format!("/api/v1/agencies/{POLICE}/webhook"), &json!({"url": url})).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    *receiver.secret.lock().unwrap() = set.json()["secret"].as_str().unwrap().to_owned();
    let body = json!({"channel": "phone", "region": "KZ-75", "language": "ru", "narrative": "Synthetic",
        "categories": ["family_household_offence"], "reporter": {"anonymous": true}, "victims": [{"age": 30, "sex": "female"}]});
    app.staff_post_complaint(&body).await;
    app.advance(time::Duration::days(10));
    assert_eq!(server::jobs::run_escalation(&app.state).await.unwrap(), 10, "five notices each for the police and the center");
}

#[tokio::test]
async fn a_webhook_that_fails_twice_gets_each_notice_exactly_once() {
    on_each_backend("delivery_webhook", config, |app| async move {
        let (url, receiver) = start_receiver(2).await;
        escalated_complaint(&app, &url, &receiver).await;
        let first = server::delivery::deliver_due(&app.state).await.unwrap();
        assert_eq!(
            (first.delivered, first.retried),
            (8, 2),
            "two of the police's three webhook notices failed; the rest went to the mail sink"
        );
        assert_eq!(server::delivery::deliver_due(&app.state).await.unwrap().delivered, 0, "not before the backoff");
        app.advance(time::Duration::seconds(31));
        let second = server::delivery::deliver_due(&app.state).await.unwrap();
        assert_eq!((second.delivered, second.retried), (2, 0));

        let calls = receiver.calls.lock().unwrap().clone();
        assert_eq!(calls.len(), 5, "three notices, two of them twice");
        assert!(calls.iter().all(|(_, signed, _)| *signed), "every request signed with the agency's secret");
        let delivered: Vec<_> = calls.iter().filter(|(_, _, ok)| *ok).map(|(id, _, _)| id.clone()).collect();
        let unique: std::collections::BTreeSet<_> = delivered.iter().collect();
        assert_eq!((delivered.len(), unique.len()), (3, 3), "each notice delivered exactly once");
        let sink = std::fs::read_to_string(app.config.data_dir.join("outbox/notices.jsonl")).unwrap();
        assert_eq!(sink.lines().count(), 7, "the center has no webhook, and regions' supervisors and prosecutors get mail");
        assert_eq!(store::outbox::list(&app.db, Some("delivered"), 100).await.unwrap().len(), 10);
        app
    })
    .await;
}

#[tokio::test]
async fn a_receiver_that_never_answers_well_ends_in_the_dead_letters() {
    on_each_backend("delivery_dead", config, |app| async move {
        let (url, receiver) = start_receiver(usize::MAX).await;
        escalated_complaint(&app, &url, &receiver).await;
        for _ in 0..server::delivery::MAX_ATTEMPTS {
            server::delivery::deliver_due(&app.state).await.unwrap();
            app.advance(time::Duration::hours(1));
        }
        let admin = app.sign_in("admin.hook", PASSWORD).await.unwrap();
        let dead = app.get_as(&admin, "/api/v1/outbox?status=dead").await.json();
        assert_eq!(dead.as_array().unwrap().len(), 3, "{dead}");
        assert_eq!(dead[0]["attempts"], server::delivery::MAX_ATTEMPTS);
        assert!(dead[0]["last_error"].as_str().unwrap().contains("500"));
        assert_eq!(receiver.calls.lock().unwrap().len(), 3 * server::delivery::MAX_ATTEMPTS as usize);
        let page = app.get_as(&admin, "/staff/admin/users?lang=en").await;
        assert!(page.body.contains("Messages that could not be delivered") && page.body.contains("the receiver answered 500"));
        let officer = app.sign_in_as("police.dead", "agency_officer", Some(POLICE), None).await;
        assert_eq!(app.get_as(&officer, "/api/v1/outbox").await.status, StatusCode::FORBIDDEN);
        app
    })
    .await;
}

/// What a local SMTP receiver was given: each mail's recipients and its text after DATA.
pub type Mailbox = Arc<Mutex<Vec<(Vec<String>, String)>>>;

/// A local SMTP receiver on port 0 (the relay is outside this machine in a deployment).
pub async fn start_smtp() -> (String, Mailbox) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let mailbox = Mailbox::default();
    let kept = mailbox.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                stream.get_mut().write_all(b"220 test relay\r\n").await.unwrap();
                let (mut to, mut data, mut in_data) = (Vec::new(), String::new(), false);
                let mut line = String::new();
                while stream.read_line(&mut line).await.unwrap_or(0) > 0 {
                    let reply: &[u8] = if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            kept.lock().unwrap().push((std::mem::take(&mut to), std::mem::take(&mut data)));
                            b"250 queued\r\n"
                        } else {
                            data.push_str(&line);
                            b""
                        }
                    } else if line.starts_with("EHLO") {
                        b"250-test relay\r\n250 8BITMIME\r\n"
                    } else if let Some(rcpt) = line.strip_prefix("RCPT TO:<") {
                        to.push(rcpt.trim_end().trim_end_matches('>').to_owned());
                        b"250 ok\r\n"
                    } else if line.starts_with("DATA") {
                        in_data = true;
                        b"354 go on\r\n"
                    } else if line.starts_with("QUIT") {
                        stream.get_mut().write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    stream.get_mut().write_all(reply).await.unwrap();
                    line.clear();
                }
            });
        }
    });
    (url, mailbox)
}

/// The text of a mail's base64 body.
pub fn body_of(data: &str) -> String {
    use base64::Engine;
    let body: String = data.split("\r\n\r\n").nth(1).unwrap().lines().collect();
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(body).unwrap()).unwrap()
}

#[tokio::test]
async fn without_a_webhook_notices_go_by_mail_to_the_people_who_gave_an_address() {
    let (smtp, mailbox) = start_smtp().await;
    let with_relay = || Config { smtp_url: Some(smtp.clone()), mail_from: "qorgau@test.invalid".into(), ..config() };
    on_each_backend("delivery_mail", with_relay, |app| {
        let mailbox = mailbox.clone();
        async move {
        mailbox.lock().unwrap().clear();
        let admin = app.sign_in_as("admin.mail", "administrator", None, None).await;
        let created = app
            .json_as(&admin, "POST", "/api/v1/users", &json!({"login": "police.mail", "display_name": "Synthetic Officer",
                "role": "agency_officer", "agency_id": POLICE, "password": PASSWORD, "email": "officer@police.test.invalid"}))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let bad = app
            .json_as(&admin, "POST", "/api/v1/users", &json!({"login": "police.bad", "display_name": "Synthetic",
                "role": "agency_officer", "agency_id": POLICE, "password": PASSWORD, "email": "not an address"}))
            .await;
        assert_eq!(bad.error_fields(), ["email"], "{}", bad.body);
        // A supervisor gives their own address; nobody else can set it for them but an administrator.
        let supervisor = app.sign_in_as("supervisor.mail", "supervisor", None, None).await;
        let me = app.get_as(&admin, "/api/v1/users").await.json();
        let supervisor_id = me.as_array().unwrap().iter().find(|u| u["login"] == "supervisor.mail").unwrap()["id"].clone();
        let path = format!("/api/v1/users/{}/email", supervisor_id.as_str().unwrap());
        let officer = app.sign_in("police.mail", PASSWORD).await.unwrap();
        let other = app.json_as(&officer, "PUT", &path, &json!({"email": "x@test.invalid"})).await;
        assert_eq!(other.status, StatusCode::FORBIDDEN);
        let own = app.json_as(&supervisor, "PUT", &path, &json!({"email": "supervisor@center.test.invalid"})).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.body);

        let body = json!({"channel": "phone", "region": "KZ-75", "language": "ru", "narrative": "Synthetic: a secret detail",
            "categories": ["family_household_offence"], "reporter": {"anonymous": true}, "victims": [{"age": 30, "sex": "female"}]});
        app.staff_post_complaint(&body).await;
        app.advance(time::Duration::days(10));
        server::jobs::run_escalation(&app.state).await.unwrap();
        let done = server::delivery::deliver_due(&app.state).await.unwrap();
        assert_eq!((done.delivered, done.retried, done.dead), (10, 0, 0));

        let mails = mailbox.lock().unwrap().clone();
        let to_officer: Vec<String> =
            mails.iter().filter(|(to, _)| to == &["officer@police.test.invalid"]).map(|(_, data)| body_of(data)).collect();
        assert!(
            to_officer.iter().any(|text| text.contains("Срок близок или пропущен") && text.contains("/staff/assignments/")),
            "the officer's deadline reminder, with where to open it: {to_officer:?}"
        );
        assert!(mails.iter().any(|(to, _)| to == &["supervisor@center.test.invalid"]), "the regional supervisor's escalation");
        assert!(mails.iter().all(|(_, data)| !body_of(data).contains("secret detail")), "no personal field in a mail");
        let sink = std::fs::read_to_string(app.config.data_dir.join("outbox/notices.jsonl")).unwrap_or_default();
        assert_eq!(sink.lines().count() + mails.len(), 10, "what has no address is kept in the sink, not lost");
        app
    }})
    .await;
}

/// A complaint whose reporter gave a phone, consented to contact, and said whether it is safe.
async fn complaint_with_phone(app: &TestApp, safe: bool) -> String {
    let body = json!({"channel": "phone", "region": "KZ-75", "language": "kk", "narrative": "Synthetic: shouting at night",
        "categories": ["family_household_offence"], "victims": [{"age": 30, "sex": "female"}],
        "reporter": {"anonymous": false, "name": "Synthetic Reporter", "phone": "+77000000042", "relation": "self",
            "consent_to_contact": true, "safe_to_contact": safe}});
    let receipt = app.staff_post_complaint(&body).await;
    assert_eq!(receipt.status, StatusCode::CREATED, "{}", receipt.body);
    receipt.json()["id"].as_str().unwrap().to_owned()
}

/// Acknowledged, reported, accepted and closed by the police: the complaint closes.
async fn close(app: &TestApp, officer: &Session, operator: &Session, id: &str) {
    for (who, name, body) in [
        (officer, "acknowledge", json!({})),
        (officer, "submit_report", json!({"report": report()})),
        (operator, "accept", json!({})),
        (operator, "close", json!({})),
    ] {
        let answer = step(app, who, id, POLICE, name, body).await;
        assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.body);
    }
}

/// A local SMS gateway: keeps each posted JSON body.
async fn start_sms_gateway() -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    let handler = move |headers: HeaderMap, body: String| {
        let kept = kept.clone();
        async move {
            assert_eq!(headers.get("authorization").unwrap(), "Bearer sms-test-token");
            kept.lock().unwrap().push(serde_json::from_str(&body).unwrap());
            StatusCode::OK
        }
    };
    let app = axum::Router::new().route("/send", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

#[tokio::test]
async fn a_reporter_gets_an_sms_of_news_only_with_consent_and_a_safe_to_contact_mark() {
    let (gateway, sent) = start_sms_gateway().await;
    let with_gateway = || Config { sms_url: Some(gateway.clone()), sms_token: Some("sms-test-token".into()), ..config() };
    on_each_backend("delivery_sms", with_gateway, |app| {
        let sent = sent.clone();
        async move {
            sent.lock().unwrap().clear();
            let officer = app.sign_in_as("police.sms", "agency_officer", Some(POLICE), None).await;
            let operator = app.sign_in_as("operator.sms", "operator", None, None).await;
            let safe = complaint_with_phone(&app, true).await;
            let unsafe_to_contact = complaint_with_phone(&app, false).await;
            close(&app, &officer, &operator, &safe).await;
            close(&app, &officer, &operator, &unsafe_to_contact).await;

            let queued = store::outbox::list(&app.db, None, 100).await.unwrap();
            let to_reporters: Vec<_> = queued.iter().filter(|m| m.recipient.starts_with("reporter:")).collect();
            assert_eq!(to_reporters.len(), 1, "only the reporter who said contact is safe");
            assert_eq!(to_reporters[0].recipient, format!("reporter:{safe}"));
            assert!(!to_reporters[0].payload.contains("+7700"), "the number is not copied into the outbox");

            server::delivery::deliver_due(&app.state).await.unwrap();
            let sent = sent.lock().unwrap().clone();
            assert_eq!(sent.len(), 1, "{sent:?}");
            assert_eq!(sent[0]["to"], "+77000000042");
            let text = sent[0]["text"].as_str().unwrap();
            assert!(text.contains("жаңалық бар"), "in the reporter's language: {text}");
            assert!(!text.contains("Synthetic") && !text.to_lowercase().contains("violence"), "neutral words only: {text}");
            app
        }
    })
    .await;
}

/// A local HTTPS receiver with a certificate for `localhost` made here: counts the requests
/// it answers 200. Returns its port and the certificate (PEM) to trust.
async fn start_https_receiver() -> (u16, String, Arc<Mutex<usize>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let made = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(made.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![made.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(Mutex::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, counted) = (acceptor.clone(), counted.clone());
            tokio::spawn(async move {
                // A handshake the client refuses ends here.
                let Ok(mut tls) = acceptor.accept(stream).await else { return };
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !String::from_utf8_lossy(&request).contains("}") {
                    let n = tls.read(&mut buffer).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                }
                *counted.lock().unwrap() += 1;
                tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await.unwrap();
                tls.shutdown().await.ok();
            });
        }
    });
    (port, made.cert.pem(), count)
}

#[tokio::test]
async fn webhooks_go_over_https_to_a_certificate_of_a_trusted_root_only() {
    let (port, pem, count) = start_https_receiver().await;
    let dir = std::env::temp_dir().join(format!("qorgau-ca-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &pem).unwrap();
    let url = format!("https://localhost:{port}/hook");

    // Without the root, the certificate is refused and nothing is posted.
    let untrusting = server::delivery::connect::Tls::new(None).unwrap();
    let refused = server::delivery::connect::post_json(&untrusting, &url, &[], "{}".into()).await.unwrap_err();
    assert!(refused.starts_with("TLS"), "{refused}");
    assert_eq!(*count.lock().unwrap(), 0);

    let trusting = || Config { tls_ca_file: Some(ca_file.clone()), ..config() };
    on_each_backend("delivery_https", trusting, |app| {
        let (count, url) = (count.clone(), url.clone());
        async move {
            *count.lock().unwrap() = 0;
            escalated_complaint(&app, &url, &Receiver::default()).await;
            let done = server::delivery::deliver_due(&app.state).await.unwrap();
            assert_eq!((done.delivered, done.retried), (10, 0));
            assert_eq!(*count.lock().unwrap(), 3, "the police's three notices, over TLS");
            app
        }
    })
    .await;
    std::fs::remove_dir_all(&dir).unwrap();
}
