//! The agencies answer: inbox, acknowledgment, action reports reviewed by the contact center,
//! extensions within the legal cap, forwarding, closing and reopening — through the API, with
//! a controllable clock.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

const POLICE: &str = "kz-75-police";
const SOCIAL: &str = "kz-75-social-protection";

/// A domestic-violence complaint in Almaty: the police lead, the family support center helps.
async fn complaint(app: &TestApp) -> (String, Value) {
    let body = json!({"channel": "phone", "region": "KZ-75", "language": "ru", "narrative": "Synthetic: shouting at night",
        "categories": ["family_household_offence"], "reporter": {"anonymous": true}, "victims": [{"age": 30, "sex": "female"}]});
    let receipt = app.staff_post_complaint(&body).await.json();
    (receipt["id"].as_str().unwrap().to_owned(), receipt)
}

#[tokio::test]
async fn a_complaint_goes_from_the_inbox_to_an_accepted_report_and_closes() {
    on_each_backend("assignments_happy", config, |app| async move {
        let (id, receipt) = complaint(&app).await;
        let officer = app.sign_in_as("police.officer", "agency_officer", Some(POLICE), None).await;
        let operator = app.sign_in_as("operator.review", "operator", None, None).await;

        let inbox = app.get_as(&officer, "/api/v1/inbox").await.json();
        let line = inbox.as_array().unwrap().iter().find(|l| l["complaint_id"] == id.as_str()).expect("in the police inbox");
        assert_eq!((line["status"].clone(), line["overdue"].clone()), (json!("pending"), json!(false)));
        assert!(!inbox.to_string().contains("Synthetic"), "the inbox carries no personal field");

        let acknowledged = step(&app, &officer, &id, POLICE, "acknowledge", json!({})).await;
        assert_eq!(acknowledged.status, StatusCode::OK, "{}", acknowledged.body);
        assert_eq!(acknowledged.json()["status"], "acknowledged");
        assert_eq!(acknowledged.json()["acknowledged_at"], "2026-11-25T09:00:00Z");
        assert_eq!(step(&app, &officer, &id, POLICE, "acknowledge", json!({})).await.status, StatusCode::CONFLICT, "twice");

        let bad = step(&app, &officer, &id, POLICE, "submit_report", json!({"report": {"actions": [], "results": ""}})).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.error_fields().iter().any(|f| f.starts_with("report.")), "{}", bad.body);
        let reported = step(&app, &officer, &id, POLICE, "submit_report", json!({"report": report()})).await;
        assert_eq!(reported.json()["status"], "reported", "{}", reported.body);
        assert_eq!(reported.json()["report"]["actions"][1]["number"], "PO-2026-0042");

        let no_reason = step(&app, &operator, &id, POLICE, "return", json!({})).await;
        assert_eq!(no_reason.error_fields(), ["reason"]);
        let returned =
            step(&app, &operator, &id, POLICE, "return", json!({"reason": "Say what the officer saw at the visit"})).await;
        assert_eq!(returned.json()["status"], "returned");
        let again = step(&app, &officer, &id, POLICE, "submit_report", json!({"report": report()})).await;
        assert_eq!(again.json()["status"], "reported");
        assert_eq!(step(&app, &operator, &id, POLICE, "accept", json!({})).await.json()["status"], "accepted");
        let closed = step(&app, &operator, &id, POLICE, "close", json!({})).await.json();
        assert_eq!(closed["status"], "closed");
        let steps: Vec<_> =
            closed["history"].as_array().unwrap().iter().map(|h| h["step"].as_str().unwrap().to_owned()).collect();
        assert_eq!(steps, ["acknowledge", "submit_report", "return", "submit_report", "accept", "close"]);
        assert_eq!(closed["history"][2]["note"], "Say what the officer saw at the visit");

        // The police lead alone: the complaint is closed, and the reporter's status page says so.
        let code = receipt["tracking_code"].as_str().unwrap();
        let status = app
            .send(
                axum::http::Request::get(format!("/api/v1/status/{code}"))
                    .header("x-status-pin", receipt["status_pin"].as_str().unwrap())
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(status.json()["status"], "closed", "{}", status.body);
        let progress = status.json()["progress"].clone();
        assert!(progress.as_array().unwrap().iter().any(|p| p["agency_id"] == POLICE && p["status"] == "closed"), "{progress}");
        assert!(!status.body.contains("Synthetic"), "the status shows no personal data");
        assert!(app.get_as(&officer, "/api/v1/inbox").await.json().as_array().unwrap().is_empty(), "nothing owed");

        let reopened =
            step(&app, &operator, &id, POLICE, "reopen", json!({"reason": "The applicant disputes the outcome"})).await;
        assert_eq!(reopened.json()["status"], "acknowledged");
        let trail = store::audit::list(&app.db, &store::audit::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
        assert_eq!(trail.iter().filter(|e| e.action == "assignment.step").count(), 7, "every step is audited");
        let outbox = store::outbox::list(&app.db, None, 100).await.unwrap();
        let told: Vec<_> = outbox.iter().map(|m| m.recipient.as_str()).collect();
        assert_eq!(told.len(), 7, "each step tells the other side: {told:?}");
        assert_eq!(told.iter().filter(|r| **r == "contact_center").count(), 3, "acknowledged, reported twice");
        assert!(
            outbox.iter().all(|m| !m.payload.contains("Synthetic") && !m.payload.contains("Say what")),
            "no notes, no people"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn only_the_assigned_agency_works_it_and_only_the_contact_center_reviews() {
    on_each_backend("assignments_who", config, |app| async move {
        let (id, _) = complaint(&app).await;
        let other = app.sign_in_as("astana.officer", "agency_officer", Some("kz-71-police"), None).await;
        let operator = app.sign_in_as("operator.who", "operator", None, None).await;
        let officer = app.sign_in_as("police.who", "agency_officer", Some(POLICE), None).await;
        assert_eq!(step(&app, &other, &id, POLICE, "acknowledge", json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(step(&app, &operator, &id, POLICE, "acknowledge", json!({})).await.status, StatusCode::FORBIDDEN);
        assert_eq!(step(&app, &officer, &id, POLICE, "accept", json!({})).await.status, StatusCode::FORBIDDEN);
        assert_eq!(step(&app, &officer, &id, POLICE, "fly", json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get_as(&operator, "/api/v1/inbox").await.status, StatusCode::FORBIDDEN, "no agency, no inbox");
        app
    })
    .await;
}

#[tokio::test]
async fn extensions_stay_within_the_cap_and_forwarding_makes_a_fresh_assignment() {
    on_each_backend("assignments_extend_forward", config, |app| async move {
        let (id, _) = complaint(&app).await;
        let officer = app.sign_in_as("police.ext", "agency_officer", Some(POLICE), None).await;
        let operator = app.sign_in_as("operator.ext", "operator", None, None).await;
        step(&app, &officer, &id, POLICE, "acknowledge", json!({})).await;
        let too_far = step(&app, &officer, &id, POLICE, "request_extension", json!({"until": "2027-06-01", "reason": "x"})).await;
        assert_eq!(too_far.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(too_far.error_fields(), ["until"], "past the legal cap of two months");
        let asked = step(
            &app,
            &officer,
            &id,
            POLICE,
            "request_extension",
            json!({"until": "2027-01-15", "reason": "Waiting for the medical examination"}),
        )
        .await;
        assert_eq!(asked.json()["status"], "extension_requested", "{}", asked.body);
        let granted = step(&app, &operator, &id, POLICE, "grant_extension", json!({"until": "2027-01-15"})).await.json();
        assert_eq!(granted["status"], "acknowledged");
        assert_eq!(granted["report_due_at"], "2027-01-15T18:59:59Z", "the end of that day in Kazakhstan");

        let forwarded = step(
            &app,
            &officer,
            &id,
            POLICE,
            "forward",
            json!({"to_agency_id": SOCIAL, "reason": "Needs social support, not the police"}),
        )
        .await;
        assert_eq!(forwarded.json()["status"], "forwarded", "{}", forwarded.body);
        let social = app.sign_in_as("social.worker", "agency_officer", Some(SOCIAL), None).await;
        let inbox = app.get_as(&social, "/api/v1/inbox").await.json();
        let line = &inbox.as_array().unwrap()[0];
        assert_eq!((line["complaint_id"].as_str(), line["status"].as_str()), (Some(id.as_str()), Some("pending")));
        assert!(line["acknowledge_due_at"].as_str().is_some() && line["report_due_at"].as_str().is_some(), "fresh deadlines");
        let twice = step(&app, &social, &id, SOCIAL, "forward", json!({"to_agency_id": POLICE, "reason": "back"})).await;
        assert_eq!(twice.error_fields(), ["to_agency_id"], "an agency that already has it");
        server::jobs::run_escalation(&app.state).await.unwrap();
        let outbox = store::outbox::list(&app.db, None, 100).await.unwrap();
        let told = outbox.iter().filter(|m| m.recipient == format!("agency:{SOCIAL}")).count();
        assert_eq!(told, 1, "the receiving agency hears of it once, not again from the scheduler");
        app
    })
    .await;
}

#[tokio::test]
async fn a_missed_deadline_shows_as_overdue_and_agency_systems_work_by_token() {
    on_each_backend("assignments_overdue", config, |app| async move {
        let (id, _) = complaint(&app).await;
        let admin = app.sign_in_as("admin.asg", "administrator", None, None).await;
        let request =
            json!({"name": "Synthetic police system", "agency_id": POLICE, "permissions": ["assignments:work"], "days": 30});
        let token = app.json_as(&admin, "POST", "/api/v1/tokens", &request).await.json()["token"].as_str().unwrap().to_owned();
        let with_token = |method: &str, uri: String| {
            let request =
                axum::http::Request::builder().method(method).uri(uri).header("authorization", format!("Bearer {token}"));
            app.send(request.body(axum::body::Body::empty()).unwrap())
        };
        app.advance(time::Duration::days(2));
        let inbox = with_token("GET", "/api/v1/inbox".into()).await.json();
        assert_eq!(inbox[0]["overdue"], true, "{inbox}");
        let acknowledged = with_token("POST", format!("/api/v1/complaints/{id}/assignments/{POLICE}/acknowledge")).await;
        assert_eq!(acknowledged.json()["status"], "acknowledged", "{}", acknowledged.body);
        assert_eq!(acknowledged.json()["history"][0]["actor_kind"], "token");
        app
    })
    .await;
}

#[tokio::test]
async fn compliance_figures_show_kept_and_missed_deadlines_per_agency_and_region() {
    on_each_backend("assignments_compliance", config, |app| async move {
        let (on_time, _) = complaint(&app).await;
        let (late, _) = complaint(&app).await;
        let officer = app.sign_in_as("police.cmp", "agency_officer", Some(POLICE), None).await;
        step(&app, &officer, &on_time, POLICE, "acknowledge", json!({})).await;
        app.advance(time::Duration::days(3));
        // A new shift: a new session.
        let officer = app.sign_in("police.cmp", PASSWORD).await.unwrap();
        let acknowledged = step(&app, &officer, &late, POLICE, "acknowledge", json!({})).await;
        assert_eq!(acknowledged.status, StatusCode::OK, "late, but possible");

        let analyst = app.sign_in_as("analyst.cmp", "analyst", None, None).await;
        let figures = app.get_as(&analyst, "/api/v1/stats/compliance").await.json();
        let police = &figures["by_agency"][POLICE];
        assert_eq!(police["assignments"], 2);
        assert_eq!(police["acknowledged_on_time_pct"], 50.0, "{figures}");
        let inbox = app.get_as(&officer, "/api/v1/inbox").await.json();
        let overdue_in_inbox = inbox.as_array().unwrap().iter().filter(|l| l["overdue"] == true).count();
        assert_eq!(police["overdue_now"], overdue_in_inbox, "the figures agree with the inbox");
        assert_eq!(police["median_minutes_to_acknowledge"], 0, "the lower middle of now and three days");
        assert_eq!(figures["by_region"]["KZ-75"]["assignments"].as_u64().unwrap(), 4);
        let page = app.get_as(&analyst, "/staff/compliance?lang=en").await;
        assert!(page.status.is_success() && page.body.contains("50.0 %"), "{}", page.body);

        let head = app.sign_in_as("police.head", "agency_head", Some(POLICE), None).await;
        let own = app.get_as(&head, "/api/v1/stats/compliance").await.json();
        assert_eq!(own["by_agency"].as_object().unwrap().keys().collect::<Vec<_>>(), [POLICE], "a head sees their agency");
        assert_eq!(app.get_as(&officer, "/api/v1/stats/compliance").await.status, StatusCode::FORBIDDEN);
        app
    })
    .await;
}

#[tokio::test]
async fn reminders_and_escalations_happen_exactly_once_with_two_servers() {
    on_each_backend("assignments_escalation", config, |app| async move {
        for _ in 0..3 {
            complaint(&app).await;
        }
        let second = app.second_instance();
        let both = || async {
            let (a, b) = tokio::join!(server::jobs::run_escalation(&app.state), server::jobs::run_escalation(&second));
            a.unwrap() + b.unwrap()
        };
        // Each complaint: the police (lead) and the family support center (support), both with
        // deadlines. Ten days on, every acknowledgment deadline is long missed: for each
        // assignment, the announcement, a reminder, the head, the regional supervisor and the
        // prosecutor's office.
        app.advance(time::Duration::days(10));
        let first = both().await;
        assert_eq!(first, 3 * 2 * 5, "every notice once");
        for _ in 0..3 {
            assert_eq!(both().await, 0, "and never again");
        }
        let outbox = store::outbox::list(&app.db, None, 1000).await.unwrap();
        assert_eq!(outbox.len(), 30);
        let recipients: std::collections::BTreeSet<_> = outbox.iter().map(|m| m.recipient.clone()).collect();
        for expected in [
            format!("agency:{POLICE}"),
            format!("agency_head:{POLICE}"),
            "regional_supervisor:KZ-75".into(),
            "prosecutor:KZ-75".into(),
        ] {
            assert!(recipients.contains(&expected), "{expected} in {recipients:?}");
        }
        assert!(outbox.iter().all(|m| m.status == "pending" && !m.payload.contains("Synthetic")), "no personal data");
        let trail = store::audit::list(&app.db, &store::audit::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
        assert_eq!(trail.iter().filter(|e| e.action == "assignment.notice").count(), 30, "each notice audited");

        // Acknowledging starts the chain again for the report deadline, which is weeks away.
        let officer = app.sign_in_as("police.esc", "agency_officer", Some(POLICE), None).await;
        let payload: Value = serde_json::from_str(&outbox[0].payload).unwrap();
        let id = payload["complaint_id"].as_str().unwrap().to_owned();
        assert_eq!(step(&app, &officer, &id, POLICE, "acknowledge", json!({})).await.status, StatusCode::OK);
        assert_eq!(both().await, 0, "nothing due for the report yet");
        app.advance(time::Duration::days(40));
        assert_eq!(both().await, 4, "the report deadline missed: its own four notices, and nothing for the others");
        app
    })
    .await;
}

async fn give(app: &TestApp, who: &Session, id: &str, to: uuid::Uuid) -> Answer {
    app.json_as(who, "PUT", &format!("/api/v1/complaints/{id}/assignments/{POLICE}/officer"), &json!({"officer_id": to})).await
}

async fn mine(app: &TestApp, who: &Session) -> usize {
    app.get_as(who, "/api/v1/inbox?mine=true").await.json().as_array().unwrap().len()
}

#[tokio::test]
async fn an_agency_head_gives_an_assignment_to_one_of_its_officers() {
    on_each_backend("assignments_officer", config, |app| async move {
        let (id, _) = complaint(&app).await;
        let head = app.sign_in_as("police.head.o", "agency_head", Some(POLICE), None).await;
        let officer = app.sign_in_as("police.one", "agency_officer", Some(POLICE), None).await;
        let colleague = app.sign_in_as("police.two", "agency_officer", Some(POLICE), None).await;
        let stranger = app.sign_in_as("astana.one", "agency_officer", Some("kz-71-police"), None).await;
        let officer_id = store::users::find_by_login(&app.db, "police.one").await.unwrap().unwrap().id;
        let stranger_id = store::users::find_by_login(&app.db, "astana.one").await.unwrap().unwrap().id;
        assert_eq!(give(&app, &officer, &id, officer_id).await.status, StatusCode::FORBIDDEN, "officers do not assign");
        assert_eq!(give(&app, &head, &id, stranger_id).await.error_fields(), ["officer_id"], "not an account of this agency");
        assert_eq!(give(&app, &head, &id, officer_id).await.status, StatusCode::NO_CONTENT);
        assert_eq!(mine(&app, &officer).await, 1);
        assert_eq!(mine(&app, &colleague).await, 0, "not given to them");
        assert_eq!(
            app.get_as(&colleague, "/api/v1/inbox").await.json().as_array().unwrap().len(),
            1,
            "the agency's inbox still shows it"
        );
        assert_eq!(mine(&app, &stranger).await, 0);
        let page = app.get_as(&head, &format!("/api/v1/complaints/{id}/assignments/{POLICE}")).await.json();
        assert_eq!(page["officer_id"], officer_id.to_string());
        app
    })
    .await;
}

#[tokio::test]
async fn a_new_complaint_about_the_same_situation_reopens_the_earlier_one() {
    on_each_backend("assignments_related", config, |app| async move {
        let (earlier, _) = complaint(&app).await;
        let officer = app.sign_in_as("police.rel", "agency_officer", Some(POLICE), None).await;
        let operator = app.sign_in_as("operator.rel", "operator", None, None).await;
        step(&app, &officer, &earlier, POLICE, "submit_report", json!({"report": report()})).await;
        step(&app, &operator, &earlier, POLICE, "accept", json!({})).await;
        assert_eq!(step(&app, &operator, &earlier, POLICE, "close", json!({})).await.json()["status"], "closed");

        let (new, _) = complaint(&app).await;
        let uri = format!("/api/v1/complaints/{new}/related");
        assert_eq!(
            app.json_as(&officer, "POST", &uri, &json!({"earlier_id": earlier})).await.status,
            StatusCode::FORBIDDEN,
            "the contact center decides"
        );
        let answer = app.json_as(&operator, "POST", &uri, &json!({"earlier_id": earlier})).await;
        assert_eq!(answer.json()["reopened"], 1, "{}", answer.body);
        let reopened = app.get_as(&operator, &format!("/api/v1/complaints/{earlier}/assignments/{POLICE}")).await.json();
        assert_eq!(reopened["status"], "acknowledged");
        assert!(reopened["history"].as_array().unwrap().last().unwrap()["note"].as_str().unwrap().contains("same situation"));
        let status = app.get_as(&operator, &format!("/api/v1/complaints/{earlier}")).await.json();
        assert_eq!(status["status"], "received", "open again");
        assert_eq!(app.json_as(&operator, "POST", &uri, &json!({"earlier_id": new})).await.error_fields(), ["earlier_id"]);
        app
    })
    .await;
}
