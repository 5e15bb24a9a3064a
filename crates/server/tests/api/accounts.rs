//! Signing in, locking out, sessions, passwords, and the audit trail they leave.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use store::audit::AuditFilter;

async fn actions(app: &TestApp) -> Vec<String> {
    let events = store::audit::list(&app.db, &AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    events.into_iter().rev().map(|e| e.action).collect()
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_against_the_right_one() {
    on_each_backend("accounts_lockout", config, |app| async move {
        let first = app.sign_in_as("officer.lock", "operator", None, None).await;
        for attempt in 1..=5 {
            assert!(app.sign_in("officer.lock", "wrong-password-1").await.is_none(), "attempt {attempt}");
        }
        let locked = app.post_form("/staff/sign-in?lang=en", &[("login", "officer.lock"), ("password", PASSWORD)]).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "the right password during the lock");
        assert!(locked.body.contains("locked until"), "{}", locked.body);
        app.advance(time::Duration::minutes(16));
        let again = app.sign_in("officer.lock", PASSWORD).await.expect("the lock ends");
        assert_ne!(again.cookie, first.cookie, "a new session id at every sign-in");
        let trail = actions(&app).await;
        assert_eq!(trail.iter().filter(|a| *a == "sign_in.failed").count(), 6, "{trail:?}");
        assert_eq!(trail.iter().filter(|a| *a == "sign_in").count(), 2);
        app
    })
    .await;
}

#[tokio::test]
async fn the_session_cookie_is_secure_and_sign_out_ends_it() {
    on_each_backend("accounts_session", config, |app| async move {
        app.sign_in_as("operator.cookie", "operator", None, None).await;
        let answer = app.post_form("/staff/sign-in", &[("login", "operator.cookie"), ("password", PASSWORD)]).await;
        let cookie = answer.header("set-cookie").unwrap();
        for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
        }
        assert!(!cookie.contains(PASSWORD));
        let session = app.sign_in("operator.cookie", PASSWORD).await.unwrap();
        assert_eq!(app.get_as(&session, "/api/v1/complaints").await.status, StatusCode::OK);
        let out = Request::post("/staff/sign-out")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &session.cookie)
            .body(Body::from(format!("csrf={}", session.csrf)))
            .unwrap();
        assert_eq!(app.send(out).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get_as(&session, "/api/v1/complaints").await.status, StatusCode::UNAUTHORIZED, "signed out");
        app.advance(time::Duration::hours(13));
        app
    })
    .await;
}

#[tokio::test]
async fn a_password_change_needs_the_old_one_and_ends_other_sessions() {
    on_each_backend("accounts_password", config, |app| async move {
        let here = app.sign_in_as("operator.pw", "operator", None, None).await;
        let elsewhere = app.sign_in("operator.pw", PASSWORD).await.unwrap();
        let change = |current: &str, new: &str| {
            let body = format!("csrf={}&current_password={current}&new_password={new}", here.csrf);
            let request = Request::post("/staff/account/password?lang=en")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &here.cookie);
            app.send(request.body(Body::from(body)).unwrap())
        };
        let wrong = change("not-it-at-all", "a-new-long-password").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        let short = change(PASSWORD, "short").await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(change(PASSWORD, "a-new-long-password").await.status, StatusCode::OK);
        assert_eq!(app.get_as(&here, "/api/v1/complaints").await.status, StatusCode::OK, "this session goes on");
        assert_eq!(app.get_as(&elsewhere, "/api/v1/complaints").await.status, StatusCode::UNAUTHORIZED, "others end");
        assert!(app.sign_in("operator.pw", PASSWORD).await.is_none());
        assert!(app.sign_in("operator.pw", "a-new-long-password").await.is_some());
        assert!(actions(&app).await.contains(&"password.change".to_owned()));
        app
    })
    .await;
}

#[tokio::test]
async fn every_look_at_personal_data_is_audited_and_the_chain_holds() {
    on_each_backend("accounts_audit", config, |app| async move {
        let id = app.post_complaint(&minimal()).await.json()["id"].as_str().unwrap().to_owned();
        let operator = app.sign_in_as("operator.audit", "operator", None, None).await;
        assert_eq!(app.get_as(&operator, &format!("/api/v1/complaints/{id}")).await.status, StatusCode::OK);
        app.get_as(&operator, "/api/v1/complaints").await;
        let auditor = app.sign_in_as("auditor.audit", "auditor", None, None).await;
        let trail = app.get_as(&auditor, &format!("/api/v1/audit?record_id={id}")).await.json();
        let events = trail["items"].as_array().unwrap();
        let views: Vec<_> = events.iter().filter(|e| e["action"] == "complaint.view").collect();
        assert_eq!(views.len(), 2, "one read, one list: {events:?}");
        assert!(views.iter().all(|e| e["actor_role"] == "operator" && e["address"] == "203.0.113.7"));
        assert!(
            events.iter().any(|e| e["action"] == "complaint.create" && e["actor_kind"] == "public" && e["address"].is_null())
        );
        let page = app.get_as(&auditor, &format!("/staff/audit?lang=en&record_id={id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("complaint.view"));
        let checked = store::audit::verify(&app.db, &app.state.store_keys.chain).await.unwrap();
        assert_eq!(checked.broken, None);
        assert!(checked.events >= 8, "{}", checked.events);
        let bad = app.get_as(&auditor, "/api/v1/audit?action=nonsense&since=yesterday").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["since", "action"]);
        let _ = json!({});
        app
    })
    .await;
}

#[tokio::test]
async fn closed_complaints_past_retention_lose_their_personal_fields_but_not_their_counts() {
    on_each_backend("retention", config, |app| async move {
        let body = json!({"channel": "phone", "region": "KZ-75", "language": "ru", "narrative": "Synthetic narrative to erase",
            "address": "Synthetic street 5", "categories": ["family_household_offence"],
            "reporter": {"name": "Synthetic Caller", "phone": "+77015550999"},
            "victims": [{"age": 30, "sex": "female", "name": "Synthetic Victim"}]});
        let id = app.staff_post_complaint(&body).await.json()["id"].as_str().unwrap().to_owned();
        let recent = app.staff_post_complaint(&body).await.json()["id"].as_str().unwrap().to_owned();
        // Closing arrives with the agencies' work (issue 5); here the complaint is closed in place.
        let close = |id: &str, days_ago: i64| {
            let at = time::macros::datetime!(2026-11-25 09:00 UTC) - time::Duration::days(days_ago);
            let uuid = uuid::Uuid::parse_str(id).unwrap();
            let db = app.db.clone();
            async move {
                store::on_db!(&db, pool => sqlx::query("UPDATE complaints SET status = 'closed', updated_at = $2 WHERE id = $1")
                    .bind(uuid).bind(at).execute(pool).await.map(drop).unwrap());
            }
        };
        close(&id, 5 * 365 + 1).await;
        close(&recent, 10).await;
        assert_eq!(server::jobs::run_retention(&app.state).await.unwrap(), 1);
        assert_eq!(server::jobs::run_retention(&app.state).await.unwrap(), 0, "once is enough");

        let erased = app.staff_get(&format!("/api/v1/complaints/{id}")).await.json();
        assert_eq!(erased["narrative"], "");
        assert!(erased["address"].is_null() && erased["reporter"]["name"].is_null() && erased["reporter"]["phone"].is_null());
        assert!(erased["victims"][0]["name"].is_null());
        assert_eq!(
            (erased["region"].clone(), erased["categories"][0].clone()),
            (json!("KZ-75"), json!("family_household_offence"))
        );
        assert_eq!(erased["victims"][0]["age"], 30, "what statistics need stays");
        let kept = app.staff_get(&format!("/api/v1/complaints/{recent}")).await.json();
        assert_eq!(kept["narrative"], "Synthetic narrative to erase", "not yet past the period");
        assert!(actions(&app).await.contains(&"complaint.anonymize".to_owned()));
        app
    })
    .await;
}
