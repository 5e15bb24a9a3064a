//! The JSON API as a client sees it.

mod access;
mod accounts;
mod assignments;
pub mod delivery;
pub mod evidence;
mod institutions;
mod law;
mod logs;
pub mod schools;
pub mod support;

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

#[tokio::test]
async fn the_minimal_request_is_received_and_reads_back() {
    on_each_backend("api_minimal", config, |app| async move {
        let answer = app.post_complaint(&minimal()).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        let receipt = answer.json();
        let id = receipt["id"].as_str().unwrap();
        let code = receipt["tracking_code"].as_str().unwrap();
        assert!(domain::ids::TrackingCode::parse(code).is_some(), "{code}");
        let pin = receipt["status_pin"].as_str().unwrap();
        assert!(pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()), "{pin}");
        assert_eq!(answer.header("location"), Some(format!("/api/v1/complaints/{id}").as_str()));
        assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);

        let stored = app.staff_get(&format!("/api/v1/complaints/{id}")).await;
        assert_eq!(stored.status, StatusCode::OK);
        let c = stored.json();
        assert_eq!(c["tracking_code"], code);
        assert_eq!(c["status"], "received");
        assert_eq!(c["channel"], "web");
        assert_eq!(c["region"], "KZ-71");
        assert_eq!(c["narrative"], "…");
        assert_eq!(c["received_at"], "2026-11-25T09:00:00Z");
        assert_eq!(c["reporter"]["kind"], "anonymous");
        assert_eq!(c["victims"][0]["minor"], true);
        app
    })
    .await;
}

#[tokio::test]
async fn every_bad_field_is_listed_in_one_envelope() {
    on_each_backend("api_invalid", config, |app| async move {
        let answer =
            app.post_complaint(&json!({"channel":"web","region":"KZ-00","victims":[{"age":-1}],"reporter":{"phone":"x"}})).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer.error_fields(), ["region", "language", "narrative", "reporter.phone", "victims[0].age"]);
        for error in answer.json()["errors"].as_array().unwrap() {
            assert!(error["code"].is_string() && error["message"].is_string(), "{error}");
        }
        for body in ["not json", "[]", ""] {
            let request = Request::post("/api/v1/complaints")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap();
            let answer = app.send(request).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body:?}");
            assert_eq!(answer.error_fields(), ["body"]);
        }
        let huge = json!({"channel":"web","region":"KZ-71","language":"ru","narrative":"x".repeat(70_000)});
        let answer = app.post_complaint(&huge).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(answer.json()["errors"][0]["code"], "too_large");
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 0, "nothing invalid is stored");
        app
    })
    .await;
}

#[tokio::test]
async fn only_web_and_qr_are_open_to_the_public() {
    on_each_backend("api_channels", config, |app| async move {
        for channel in ["web", "qr"] {
            let body = json!({"channel": channel, "region":"KZ-75","language":"kk","narrative":"Synthetic"});
            assert_eq!(app.post_complaint(&body).await.status, StatusCode::CREATED, "{channel}");
        }
        for channel in ["phone", "messenger", "sms", "email", "school", "walk_in", "agency_referral"] {
            let body = json!({"channel": channel, "region":"KZ-75","language":"kk","narrative":"Synthetic"});
            let public = app.post_complaint(&body).await;
            assert_eq!(public.status, StatusCode::UNAUTHORIZED, "{channel}");
            assert_eq!(public.header("www-authenticate"), Some("Bearer"));
            assert_eq!(app.staff_post_complaint(&body).await.status, StatusCode::CREATED, "{channel}");
        }
        let wrong = json_post("/api/v1/complaints", &minimal()).header(header::AUTHORIZATION, "Bearer wrong");
        assert_eq!(app.send(wrong.body(Body::from(minimal().to_string())).unwrap()).await.status, StatusCode::UNAUTHORIZED);
        app
    })
    .await;
}

#[tokio::test]
async fn personal_data_is_never_open() {
    on_each_backend("api_staff_only", config, |app| async move {
        let id = app.post_complaint(&minimal()).await.json()["id"].as_str().unwrap().to_owned();
        for uri in [format!("/api/v1/complaints/{id}"), "/api/v1/complaints".into()] {
            let anonymous = app.get(&uri).await;
            assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{uri}");
            assert!(!anonymous.body.contains("KZ-71"), "{uri}");
            let wrong =
                app.send(Request::get(&uri).header(header::AUTHORIZATION, "Bearer nope").body(Body::empty()).unwrap()).await;
            assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{uri}");
        }
        assert_eq!(app.staff_get("/api/v1/complaints/not-a-uuid").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.staff_get(&format!("/api/v1/complaints/{}", uuid::Uuid::now_v7())).await.status, StatusCode::NOT_FOUND);
        app
    })
    .await;
}

#[tokio::test]
async fn the_bootstrap_token_works_only_in_demo_mode() {
    let serving = || server::config::Config { demo: false, ..config() };
    let refused = server::startup::check(&serving()).unwrap_err().to_string();
    assert!(refused.contains("qorgau user create"), "a server outside demo mode refuses a bootstrap token: {refused}");
    let no_token = || server::config::Config { admin_token: None, demo: false, ..config() };
    on_each_backend("api_no_token", no_token, |app| async move {
        let answer = app.staff_get("/api/v1/complaints").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        app
    })
    .await;
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_same_complaint() {
    on_each_backend("api_idempotency", config, |app| async move {
        let post = |key: &str, body: serde_json::Value| {
            json_post("/api/v1/complaints", &body).header("idempotency-key", key).body(Body::from(body.to_string())).unwrap()
        };
        let first = app.send(post("retry-1", minimal())).await;
        let again = app.send(post("retry-1", minimal())).await;
        assert_eq!(first.status, StatusCode::CREATED);
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(first.json(), again.json(), "same id, code and PIN");
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        let mut other = minimal();
        other["narrative"] = json!("Something else");
        let conflict = app.send(post("retry-1", other)).await;
        assert_eq!(conflict.status, StatusCode::CONFLICT);
        assert_eq!(conflict.json()["errors"][0]["code"], "idempotency_key_reused");
        let bad_key = app.send(post(&"k".repeat(201), minimal())).await;
        assert_eq!(bad_key.error_fields(), ["Idempotency-Key"]);
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn the_status_shows_dates_and_status_only_to_the_right_pin() {
    on_each_backend("api_status", config, |app| async move {
        let receipt = app.post_complaint(&minimal()).await.json();
        let code = receipt["tracking_code"].as_str().unwrap();
        let pin = receipt["status_pin"].as_str().unwrap();
        let by_header = app
            .send(Request::get(format!("/api/v1/status/{code}")).header("x-status-pin", pin).body(Body::empty()).unwrap())
            .await;
        assert_eq!(by_header.status, StatusCode::OK, "{}", by_header.body);
        let view = by_header.json();
        let mut keys: Vec<_> = view.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["progress", "received_at", "status", "tracking_code", "updated_at"], "nothing personal");
        for part in view["progress"].as_array().unwrap() {
            let mut keys: Vec<_> = part.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            assert_eq!(keys, ["agency_id", "since", "status"], "an agency and where it stands, nothing more");
        }
        assert_eq!(view["status"], "received");
        let lower = code.to_lowercase().replace('-', "");
        assert_eq!(app.get(&format!("/api/v1/status/{lower}?pin={pin}")).await.status, StatusCode::OK, "codes are read as typed");

        let wrong_pin = if pin == "000000" { "000001" } else { "000000" };
        let wrong = app.get(&format!("/api/v1/status/{code}?pin={wrong_pin}")).await;
        assert_eq!(wrong.status, StatusCode::NOT_FOUND);
        let unknown = domain::ids::TrackingCode::from_random(12345).to_string();
        let unknown = app.get(&format!("/api/v1/status/{unknown}?pin={pin}")).await;
        assert_eq!((unknown.status, unknown.body.clone()), (StatusCode::NOT_FOUND, wrong.body), "no hint which was wrong");
        assert_eq!(app.get("/api/v1/status/nonsense?pin=12").await.error_fields(), ["tracking_code", "pin"]);
        app
    })
    .await;
}

#[tokio::test]
async fn wrong_pins_are_rate_limited_per_code() {
    on_each_backend("api_pin_limit", config, |app| async move {
        let receipt = app.post_complaint(&minimal()).await.json();
        let code = receipt["tracking_code"].as_str().unwrap();
        let pin = receipt["status_pin"].as_str().unwrap();
        let wrong_pin = if pin == "000000" { "000001" } else { "000000" };
        for attempt in 0..5 {
            let from = [198, 51, 100, attempt];
            let request = Request::get(format!("/api/v1/status/{code}?pin={wrong_pin}")).body(Body::empty()).unwrap();
            assert_eq!(app.send_from(from, request).await.status, StatusCode::NOT_FOUND);
        }
        let limited = app.get(&format!("/api/v1/status/{code}?pin={pin}")).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "even the right PIN waits");
        assert!(limited.header("retry-after").unwrap().parse::<u64>().unwrap() > 0);
        assert_eq!(limited.json()["errors"][0]["code"], "rate_limited");
        app
    })
    .await;
}

#[tokio::test]
async fn public_floods_are_limited_per_address_and_staff_are_not() {
    let small_burst = || server::config::Config { public_burst: 3, ..config() };
    on_each_backend("api_flood", small_burst, |app| async move {
        for _ in 0..3 {
            assert_eq!(app.post_complaint(&minimal()).await.status, StatusCode::CREATED);
        }
        let limited = app.post_complaint(&minimal()).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(limited.header("retry-after").is_some());
        let elsewhere = json_post("/api/v1/complaints", &minimal()).body(Body::from(minimal().to_string())).unwrap();
        assert_eq!(app.send_from([192, 0, 2, 1], elsewhere).await.status, StatusCode::CREATED, "another address is not affected");
        assert_eq!(app.staff_post_complaint(&minimal()).await.status, StatusCode::CREATED);
        app
    })
    .await;
}

#[tokio::test]
async fn lists_filter_and_page_through_the_api() {
    on_each_backend("api_list", config, |app| async move {
        for seed in 0..7u64 {
            let mut body = domain::synthetic::complaint_json(
                seed,
                Some(if seed % 2 == 0 { domain::complaint::Channel::Sms } else { domain::complaint::Channel::Phone }),
            );
            body["region"] = json!("KZ-79");
            assert_eq!(app.staff_post_complaint(&body).await.status, StatusCode::CREATED);
            app.advance(time::Duration::minutes(10));
        }
        let first = app.staff_get("/api/v1/complaints?limit=3").await.json();
        assert_eq!(first["items"].as_array().unwrap().len(), 3);
        let cursor = first["next_cursor"].as_str().unwrap().to_owned();
        let second = app.staff_get(&format!("/api/v1/complaints?limit=3&cursor={cursor}")).await.json();
        let third =
            app.staff_get(&format!("/api/v1/complaints?limit=3&cursor={}", second["next_cursor"].as_str().unwrap())).await.json();
        assert_eq!(third["items"].as_array().unwrap().len(), 1);
        assert!(third["next_cursor"].is_null());
        let sms = app.staff_get("/api/v1/complaints?channel=sms&region=KZ-79&status=received").await.json();
        assert_eq!(sms["items"].as_array().unwrap().len(), 4);
        let window = app
            .staff_get("/api/v1/complaints?received_from=2026-11-25T14:10:00%2B05:00&received_to=2026-11-25T09:40:00Z")
            .await
            .json();
        assert_eq!(window["items"].as_array().unwrap().len(), 3);
        let bad = app.staff_get("/api/v1/complaints?channel=fax&limit=500&received_from=yesterday&cursor=x").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["channel", "received_from", "cursor", "limit"]);
        app
    })
    .await;
}

#[tokio::test]
async fn operations_endpoints_answer() {
    on_each_backend("api_operations", config, |app| async move {
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
        assert_eq!(app.get("/readyz").await.body, "ready");
        app.post_complaint(&minimal()).await;
        let metrics = app.get("/metrics").await.body;
        assert!(metrics.contains("qorgau_complaints_received_total{channel=\"web\"}"), "{metrics}");
        assert!(metrics.contains("route=\"/api/v1/complaints\""), "{metrics}");
        assert!(!metrics.contains("KZ-71"), "no data in metrics");
        let openapi = app.get("/api/openapi.json").await.json();
        assert_eq!(openapi["openapi"], "3.1.0");
        for path in ["/api/v1/complaints", "/api/v1/complaints/{id}", "/api/v1/status/{tracking_code}"] {
            assert!(openapi["paths"][path].is_object(), "{path} is not documented");
        }
        assert!(openapi["components"]["schemas"]["ErrorBody"].is_object());
        let docs = app.get("/api/docs/").await;
        assert_eq!(docs.status, StatusCode::OK);
        assert!(!docs.body.contains("https://"), "the docs page loads nothing from the internet");
        app
    })
    .await;
}
