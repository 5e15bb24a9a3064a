//! The law in code through the API: classification, triage, routing and deadlines.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

fn preview_request(body: &Value) -> Request<Body> {
    Request::post("/api/v1/triage").header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn a_complaint_is_stored_with_its_categories_risk_and_assignments() {
    on_each_backend("law_stored", config, |app| async move {
        let body = json!({"channel":"phone","region":"KZ-75","language":"ru","narrative":"Synthetic",
            "categories": ["battery"], "reporter": {"name": "Synthetic Caller"},
            "triage": {"answers": {"threats_to_kill": true}}, "victims": [{"age": 34, "sex": "female"}]});
        let id = app.staff_post_complaint(&body).await.json()["id"].as_str().unwrap().to_owned();
        let c = app.staff_get(&format!("/api/v1/complaints/{id}")).await.json();
        assert_eq!(c["categories"], json!(["battery"]));
        assert_eq!(c["risk"]["level"], "high");
        assert_eq!(c["risk"]["reasons"][0]["text"], "threats to kill");
        assert_eq!(c["priority"], "high");
        assert_eq!(c["triage"]["yes"], json!(["threats_to_kill"]));
        let assignments = c["assignments"].as_array().unwrap();
        let police = assignments.iter().find(|a| a["agency_id"] == "kz-75-police").expect("the city police");
        assert_eq!(police["role"], "lead");
        assert_eq!(police["status"], "pending");
        assert_eq!(police["acknowledge_due_at"], "2026-11-25T10:00:00Z", "high: one hour");
        assert!(police["rule_id"].as_str().is_some_and(|r| !r.is_empty()), "each assignment names its rule");
        assert!(assignments.iter().any(|a| a["agency_kind"] == "prosecutor" && a["role"] == "informed"));
        app
    })
    .await;
}

#[tokio::test]
async fn an_anonymous_report_of_a_crime_in_progress_is_routed_to_the_police_at_once() {
    on_each_backend("law_anonymous_crime", config, |app| async move {
        let body = json!({"channel":"web","region":"KZ-79","language":"kk","narrative":"Synthetic: they are beating him now",
            "categories": ["battery"], "reporter": {"anonymous": true}});
        let id = app.post_complaint(&body).await.json()["id"].as_str().unwrap().to_owned();
        let c = app.staff_get(&format!("/api/v1/complaints/{id}")).await.json();
        assert_eq!(c["risk"]["forward_at_once"], true);
        let police = c["assignments"].as_array().unwrap().iter().find(|a| a["agency_kind"] == "police").unwrap().clone();
        assert_eq!((police["agency_id"].as_str(), police["role"].as_str()), (Some("kz-79-police"), Some("lead")));
        assert_eq!(police["acknowledge_due_at"], c["received_at"], "forwarded at once");
        app
    })
    .await;
}

#[tokio::test]
async fn the_preview_shows_what_intake_would_decide_and_stores_nothing() {
    on_each_backend("law_preview", config, |app| async move {
        let body = json!({"region":"KZ-71","victims":[{"age": 8}],"triage":{"answers":{"child_alone_or_locked_in": true}}});
        let answer = app.send(preview_request(&body)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let p = answer.json();
        assert_eq!(p["risk"]["level"], "immediate");
        assert_eq!(p["risk"]["hand_to_police_now"], true);
        assert_eq!(p["priority"], "emergency");
        assert_eq!(p["categories"], json!(["child_neglect"]));
        assert_eq!(p["risk"]["categories_suggested"], true);
        let acting: Vec<&Value> = p["assignments"].as_array().unwrap().iter().filter(|a| a["role"] != "informed").collect();
        assert!(!acting.is_empty());
        for a in acting {
            assert_eq!(a["acknowledge_due_at"], "2026-11-25T09:15:00Z", "emergency: 15 minutes ({})", a["agency_id"]);
        }
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 0);

        let judged = json!({"region":"KZ-71","triage":{"answers":{"isolated": true},"judgement":{"level":"high","reason":"Synthetic: the caller whispers"}}});
        let p = app.send(preview_request(&judged)).await.json();
        assert_eq!((p["risk"]["computed"].as_str(), p["risk"]["level"].as_str()), (Some("standard"), Some("high")));
        let bad = app.send(preview_request(&json!({"region":"KZ-00","categories":["nope"],"triage":{"answers":{"unicorn":true}}}))).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.error_fields(), ["region", "categories[0]", "triage.answers.unicorn"]);
        app
    })
    .await;
}

#[tokio::test]
async fn the_reference_data_is_readable() {
    on_each_backend("law_reference", config, |app| async move {
        let taxonomy = app.get("/api/v1/taxonomy").await.json();
        let categories = taxonomy["categories"].as_array().unwrap();
        assert!(categories.len() >= 20);
        let bullying = categories.iter().find(|c| c["code"] == "bullying_of_minor").unwrap();
        assert_eq!(bullying["legal_basis"][0]["article"], "127-2");
        assert!(bullying["names"]["kk"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(
            categories.iter().any(|c| c["legal_basis"].as_array().unwrap().iter().any(|b| b["confirmed"] == false)),
            "unconfirmed articles are marked"
        );

        let agencies = app.get("/api/v1/agencies").await.json();
        let agencies = agencies["agencies"].as_array().unwrap();
        assert!(agencies.iter().any(|a| a["id"] == "kz-10-police"));
        assert!(agencies.iter().any(|a| a["kind"] == "childrens_rights_committee" && a["region"].is_null()));

        let calendar = app.get("/api/v1/calendar/2026").await.json();
        let days: Vec<&str> = calendar["days_off"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
        for day in ["2026-01-01", "2026-03-09", "2026-05-27", "2026-12-16"] {
            assert!(days.contains(&day), "{day} is a day off in 2026: {days:?}");
        }
        assert_eq!(app.get("/api/v1/calendar/1066").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        app
    })
    .await;
}

#[test]
fn an_administrator_replaces_reference_data_without_a_rebuild() {
    let dir = std::env::temp_dir().join(format!("qorgau-reference-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = server::config::Config { reference_dir: Some(dir.clone()), ..config() };
    let embedded = include_str!("../../../../data/deadlines.toml");
    assert!(embedded.contains("working_days = 15"), "the embedded action-report deadline");
    std::fs::write(dir.join("deadlines.toml"), embedded.replace("working_days = 15", "working_days = 10")).unwrap();
    let reference = server::startup::load_reference(&config).expect("a valid replacement");
    let received = time::macros::datetime!(2026-11-25 05:00 UTC);
    let due = domain::calendar::due(
        &reference.calendar,
        &reference.deadlines,
        domain::calendar::DeadlineKind::ActionReport,
        domain::priority::Priority::Normal,
        received,
    );
    assert_eq!(due, time::macros::datetime!(2026-12-09 18:59:59 UTC), "10 working days from 26 November");

    std::fs::write(
        dir.join("routing.toml"),
        include_str!("../../../../data/routing.toml").replace("\"battery\"", "\"no_such_category\""),
    )
    .unwrap();
    let error = format!("{:#}", server::startup::load_reference(&config).err().expect("a bad file stops the start"));
    assert!(error.contains("no_such_category"), "{error}");
    std::fs::remove_dir_all(dir).ok();
}
