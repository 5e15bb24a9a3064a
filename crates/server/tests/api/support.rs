//! Family support centers (issue 7): a referral with the person's consent, accepted by the
//! center, the case worked from assessment to closure and reopened; refusals need a reason; other
//! centers and agencies the consent excludes see nothing; deadlines and figures.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

pub const CENTER: &str = "kz-75-family-support-center";
pub const OTHER_CENTER: &str = "kz-71-family-support-center";
pub const POLICE: &str = "kz-75-police";

/// A domestic-violence complaint in Almaty (the police lead); its id.
pub async fn complaint(app: &TestApp) -> String {
    let body = json!({"channel": "phone", "region": "KZ-75", "language": "ru", "narrative": "Synthetic: shouting at night",
        "categories": ["family_household_offence"], "reporter": {"anonymous": true}, "victims": [{"age": 30, "sex": "female"}]});
    let receipt = app.staff_post_complaint(&body).await;
    assert_eq!(receipt.status, StatusCode::CREATED, "{}", receipt.body);
    receipt.json()["id"].as_str().unwrap().to_owned()
}

/// A referral of the complaint's person to the Almaty center, sharing everything with social
/// protection only (not with the police).
fn referral(complaint_id: &str) -> Value {
    json!({"complaint_id": complaint_id, "center_id": CENTER,
        "consent": {"share_with": ["social_protection"], "parts": ["contact", "assessment", "plan", "log"]},
        "note": "Synthetic: call in the mornings"})
}

async fn refer(app: &TestApp, who: &Session, complaint_id: &str) -> String {
    let sent = app.json_as(who, "POST", "/api/v1/referrals", &referral(complaint_id)).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    assert_eq!(sent.json()["status"], "pending");
    sent.json()["id"].as_str().unwrap().to_owned()
}

pub async fn register_center(app: &TestApp, places: u32) {
    let admin = app.sign_in_as("admin.centers", "administrator", None, None).await;
    let body = json!({"address": "Synthetic street 1, Almaty", "services": ["psychological_counselling", "legal_aid", "shelter_placement"],
        "capacity": 40, "shelter_places": places});
    let set = app.json_as(&admin, "PUT", &format!("/api/v1/centers/{CENTER}"), &body).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
}

fn case_uri(id: &str, rest: &str) -> String {
    format!("/api/v1/support-cases/{id}{rest}")
}

#[tokio::test]
async fn a_referral_becomes_a_case_worked_from_assessment_to_closure_and_reopened() {
    on_each_backend("support_life", config, |app| async move {
        register_center(&app, 2).await;
        let complaint_id = complaint(&app).await;
        let operator = app.sign_in_as("operator.refers", "operator", None, None).await;
        let specialist = app.sign_in_as("specialist.75", "family_support_specialist", Some(CENTER), None).await;
        let head = app.sign_in_as("head.75", "agency_head", Some(CENTER), None).await;
        let id = refer(&app, &operator, &complaint_id).await;

        let inbox = app.get_as(&specialist, "/api/v1/referrals?status=pending").await;
        assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
        assert!(inbox.body.contains(&id) && !inbox.body.contains("mornings"), "in the inbox, without the note");
        let accepted = app.json_as(&specialist, "POST", &format!("/api/v1/referrals/{id}/accept"), &json!({"check_in_days": 7})).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
        let case = accepted.json();
        assert_eq!((case["status"].clone(), case["contact"].clone()), (json!("open"), json!("Synthetic: call in the mornings")));
        assert_eq!(case["next_check_in_at"], "2026-12-02T09:00:00Z");
        let again = app.json_as(&specialist, "POST", &format!("/api/v1/referrals/{id}/accept"), &json!({})).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "accepted once");

        let level = |l: &str| json!({"level": l, "note": "Synthetic note"});
        let needs = json!({"needs": {"safety": level("urgent"), "housing": level("urgent"), "income": level("moderate"),
            "health": level("none"), "children": level("moderate"), "legal": level("moderate")}});
        let assessed = app.json_as(&specialist, "PUT", &case_uri(&id, "/assessment"), &needs).await;
        assert_eq!(assessed.status, StatusCode::OK, "{}", assessed.body);
        assert_eq!(assessed.json()["assessment"]["needs"][0], json!({"area": "safety", "level": "urgent", "note": "Synthetic note"}));
        let safety = app.json_as(&specialist, "PUT", &case_uri(&id, "/safety-plan"), &json!({"text": "Synthetic: a bag ready, a neighbour's key"})).await;
        assert_eq!(safety.json()["safety_plan"]["text"], "Synthetic: a bag ready, a neighbour's key", "{}", safety.body);

        let specialist_id = store::users::find_by_login(&app.db, "specialist.75").await.unwrap().unwrap().id.to_string();
        let plan = |shelter: &str| json!({"goals": [{"goal": "Synthetic: a safe place to live", "services": [
            {"service": "shelter_placement", "responsible_id": specialist_id, "due_on": "2026-11-30", "status": shelter},
            {"service": "legal_aid", "responsible_id": specialist_id, "due_on": "2026-12-10"}]}]});
        let planned = app.json_as(&specialist, "PUT", &case_uri(&id, "/plan"), &plan("in_progress")).await;
        assert_eq!(planned.status, StatusCode::OK, "{}", planned.body);
        assert_eq!(planned.json()["services"][0], json!({"service": "shelter_placement", "status": "in_progress", "due_on": "2026-11-30"}));
        let centers = app.get_as(&operator, "/api/v1/centers?region=KZ-75").await.json();
        assert_eq!(centers[0]["shelter_occupied"], 1, "the placement took a shelter place: {centers}");

        app.advance(time::Duration::hours(5));
        let logged = app.json_as(&specialist, "POST", &case_uri(&id, "/services"),
            &json!({"service": "psychological_counselling", "on": "2026-11-25", "minutes": 50, "note": "Synthetic session"})).await;
        assert_eq!(logged.status, StatusCode::OK, "{}", logged.body);
        assert_eq!(logged.json()["first_service_at"], "2026-11-25T14:00:00Z");
        let checked = app.json_as(&specialist, "POST", &case_uri(&id, "/check-ins"), &json!({"outcome": "safe", "interval_days": 3})).await;
        assert_eq!(checked.json()["next_check_in_at"], "2026-11-28T14:00:00Z", "{}", checked.body);
        let visit = json!({"on": "2026-11-25", "members": [{"agency_kind": "health", "role": "nurse"}, {"agency_kind": "education_department"}],
            "findings": "Synthetic: the children are at school"});
        let visited = app.json_as(&specialist, "POST", &case_uri(&id, "/visits"), &visit).await;
        assert_eq!(visited.status, StatusCode::OK, "{}", visited.body);
        let categorised = app.json_as(&specialist, "POST", &case_uri(&id, "/category"), &json!({"category": "D", "reason": "Synthetic: threats"})).await;
        assert_eq!(categorised.json()["category"], "D", "{}", categorised.body);
        let eased = app.json_as(&specialist, "POST", &case_uri(&id, "/category"), &json!({"category": "E", "reason": "Synthetic: calmer"})).await.json();
        let change = eased["history"].as_array().unwrap().iter().rev().find(|e| e["kind"] == "category").unwrap().clone();
        assert_eq!((change["previous"].clone(), change["code"].clone(), change["note"].clone()), (json!("D"), json!("E"), json!("Synthetic: calmer")));

        let ended = app.json_as(&specialist, "PUT", &case_uri(&id, "/plan"), &plan("delivered")).await;
        assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
        let centers = app.get_as(&operator, "/api/v1/centers").await.json();
        assert_eq!(centers[0]["shelter_occupied"], 0, "the placement ended");

        let no_outcome = app.json_as(&specialist, "POST", &case_uri(&id, "/steps/request_closure"), &json!({})).await;
        assert_eq!(no_outcome.error_fields(), ["outcome"]);
        let asked = app.json_as(&specialist, "POST", &case_uri(&id, "/steps/request_closure"), &json!({"outcome": "safe_and_stable"})).await;
        assert_eq!(asked.json()["status"], "closure_requested", "{}", asked.body);
        let not_head = app.json_as(&specialist, "POST", &case_uri(&id, "/steps/approve_closure"), &json!({})).await;
        assert_eq!(not_head.status, StatusCode::FORBIDDEN, "only the head closes");
        let closed = app.json_as(&head, "POST", &case_uri(&id, "/steps/approve_closure"), &json!({})).await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
        assert_eq!((closed.json()["status"].clone(), closed.json()["outcome"].clone()), (json!("closed"), json!("safe_and_stable")));
        let late = app.json_as(&specialist, "POST", &case_uri(&id, "/check-ins"), &json!({"outcome": "safe"})).await;
        assert_eq!(late.status, StatusCode::CONFLICT, "a closed case is not worked");
        let reopened = app.json_as(&specialist, "POST", &case_uri(&id, "/steps/reopen"), &json!({"reason": "Synthetic: new threats"})).await;
        assert_eq!((reopened.json()["status"].clone(), reopened.json()["outcome"].clone()), (json!("open"), Value::Null));

        let seen = app.get_as(&operator, &case_uri(&id, "")).await.json();
        assert_eq!(seen["may_work"], false);
        assert_eq!(seen["contact"], "Synthetic: call in the mornings", "the consent shares the contact");
        let filter = store::audit::AuditFilter {
            action: Some(domain::audit::AuditAction::SupportView),
            record_id: Some(id.clone()),
            limit: 100,
            ..Default::default()
        };
        let views = store::audit::list(&app.db, &filter).await.unwrap();
        assert!(views.iter().any(|v| v.actor_role.as_deref() == Some("operator")), "the operator's look is audited");
        app
    })
    .await;
}

#[tokio::test]
async fn a_refusal_needs_a_reason_and_a_late_referral_is_overdue() {
    on_each_backend("support_refusal", config, |app| async move {
        let complaint_id = complaint(&app).await;
        let operator = app.sign_in_as("operator.late", "operator", None, None).await;
        let id = refer(&app, &operator, &complaint_id).await;
        app.advance(time::Duration::hours(25));
        let operator = app.sign_in("operator.late", PASSWORD).await.expect("a new session a day later");
        let specialist = app.sign_in_as("specialist.refuses", "family_support_specialist", Some(CENTER), None).await;
        let overdue = app.get_as(&specialist, "/api/v1/referrals?status=overdue").await.json();
        assert_eq!(overdue[0]["id"], id.as_str(), "{overdue}");
        assert_eq!(overdue[0]["status"], "overdue");
        let twice = app.json_as(&operator, "POST", "/api/v1/referrals", &referral(&complaint_id)).await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "one pending referral per complaint and center: {}", twice.body);
        let bad = app.get_as(&specialist, "/api/v1/referrals?status=lost").await;
        assert_eq!((bad.status, bad.error_fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["status".to_owned()]));

        let other = app.sign_in_as("specialist.71", "family_support_specialist", Some(OTHER_CENTER), None).await;
        let theirs = app.json_as(&other, "POST", &format!("/api/v1/referrals/{id}/refuse"), &json!({"reason": "x"})).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "another center's referral");
        let no_reason = app.json_as(&specialist, "POST", &format!("/api/v1/referrals/{id}/refuse"), &json!({})).await;
        assert_eq!((no_reason.status, no_reason.error_fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_owned()]));
        let refused = app
            .json_as(
                &specialist,
                "POST",
                &format!("/api/v1/referrals/{id}/refuse"),
                &json!({"reason": "Synthetic: out of our area"}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
        assert_eq!(refused.json()["status"], "refused");
        assert!(!refused.body.contains("out of our area"), "the reason is not repeated in the answer");
        let again = app.json_as(&operator, "POST", "/api/v1/referrals", &referral(&complaint_id)).await;
        assert_eq!(again.status, StatusCode::CREATED, "after a refusal, the person may be referred again: {}", again.body);
        let bad_center = app
            .json_as(
                &operator,
                "POST",
                "/api/v1/referrals",
                &json!({"complaint_id": complaint_id, "center_id": POLICE, "consent": {"parts": ["tea"]}}),
            )
            .await;
        assert_eq!(bad_center.error_fields(), ["center_id", "consent.parts[0]"]);
        app
    })
    .await;
}

#[tokio::test]
async fn other_centers_and_agencies_the_consent_excludes_see_nothing_of_the_case() {
    on_each_backend("support_consent", config, |app| async move {
        let complaint_id = complaint(&app).await;
        let police = app.sign_in_as("police.75", "agency_officer", Some(POLICE), None).await;
        let specialist = app.sign_in_as("specialist.sees", "family_support_specialist", Some(CENTER), None).await;
        // The police, assigned to the complaint, refers (its agency is the source).
        let id = refer(&app, &police, &complaint_id).await;
        let referred = app.get_as(&specialist, "/api/v1/referrals").await.json();
        assert_eq!(referred[0]["source_agency_id"], POLICE);
        let accepted = app.json_as(&specialist, "POST", &format!("/api/v1/referrals/{id}/accept"), &json!({})).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);

        let other = app.sign_in_as("specialist.elsewhere", "family_support_specialist", Some(OTHER_CENTER), None).await;
        assert_eq!(app.get_as(&other, &case_uri(&id, "")).await.status, StatusCode::NOT_FOUND);
        let worked = app.json_as(&other, "POST", &case_uri(&id, "/check-ins"), &json!({"outcome": "safe"})).await;
        assert_eq!(worked.status, StatusCode::NOT_FOUND, "nor work it");
        // The consent shares with social protection, not with the police: the police gets a 404.
        let seen = app.get_as(&police, &case_uri(&id, "")).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "{}", seen.body);
        assert!(!seen.body.contains("mornings"));
        let stranger = app.get_as(&police, &case_uri("not-an-id", "")).await;
        assert_eq!(stranger.status, StatusCode::NOT_FOUND);
        app
    })
    .await;
}

#[tokio::test]
async fn figures_count_services_and_the_time_to_the_first_one() {
    on_each_backend("support_figures", config, |app| async move {
        register_center(&app, 3).await;
        let operator = app.sign_in_as("operator.figures", "operator", None, None).await;
        let specialist = app.sign_in_as("specialist.figures", "family_support_specialist", Some(CENTER), None).await;
        for hours in [2, 6] {
            let id = refer(&app, &operator, &complaint(&app).await).await;
            app.json_as(&specialist, "POST", &format!("/api/v1/referrals/{id}/accept"), &json!({})).await;
            app.advance(time::Duration::hours(hours));
            for minutes in [30, 45] {
                let body = json!({"service": "legal_aid", "on": "2026-11-25", "minutes": minutes});
                let logged = app.json_as(&specialist, "POST", &case_uri(&id, "/services"), &body).await;
                assert_eq!(logged.status, StatusCode::OK, "{}", logged.body);
            }
        }
        let analyst = app.sign_in_as("analyst.support", "analyst", None, None).await;
        let figures = app.get_as(&analyst, "/api/v1/stats/support?region=KZ-75").await;
        assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
        let figures = figures.json();
        assert_eq!(figures["people_supported"], 2);
        assert_eq!(figures["services"], json!([{"service": "legal_aid", "count": 4, "minutes": 150}]));
        assert_eq!(figures["median_hours_to_first_service"], 4.0, "2 h and 6 h");
        assert_eq!(figures["shelters"][0], json!({"center_id": CENTER, "region": "KZ-75", "places": 3, "occupied": 0}));
        let head = app.sign_in_as("head.figures", "agency_head", Some(OTHER_CENTER), None).await;
        let theirs = app.get_as(&head, "/api/v1/stats/support").await.json();
        assert_eq!(theirs["people_supported"], 0, "another center's head sees their own center's figures");
        assert_eq!(app.get_as(&specialist, "/api/v1/stats/support").await.status, StatusCode::FORBIDDEN);
        app
    })
    .await;
}

#[tokio::test]
async fn an_overdue_check_in_reminds_its_specialist_once_until_the_next_check_in() {
    let (smtp, mailbox) = super::delivery::start_smtp().await;
    let with_relay =
        || server::config::Config { smtp_url: Some(smtp.clone()), mail_from: "qorgau@test.invalid".into(), ..config() };
    on_each_backend("support_check_ins", with_relay, |app| {
        let mailbox = mailbox.clone();
        async move {
            mailbox.lock().unwrap().clear();
            let operator = app.sign_in_as("operator.checks", "operator", None, None).await;
            let specialist = app.sign_in_as("specialist.checks", "family_support_specialist", Some(CENTER), None).await;
            let account = store::users::find_by_login(&app.db, "specialist.checks").await.unwrap().unwrap();
            let path = format!("/api/v1/users/{}/email", account.id);
            let set = app.json_as(&specialist, "PUT", &path, &json!({"email": "specialist@center.test.invalid"})).await;
            assert_eq!(set.status, StatusCode::OK, "{}", set.body);
            let id = refer(&app, &operator, &complaint(&app).await).await;
            app.json_as(&specialist, "POST", &format!("/api/v1/referrals/{id}/accept"), &json!({"check_in_days": 2})).await;
            let remind = |app: &TestApp| {
                let state = app.state.clone();
                async move { server::service::support::remind_check_ins(&state).await.unwrap() }
            };
            assert_eq!(remind(&app).await, 0, "not yet due");
            app.advance(time::Duration::days(3));
            assert_eq!(remind(&app).await, 1, "the overdue check-in is reminded");
            assert_eq!(remind(&app).await, 0, "once");
            server::delivery::deliver_due(&app.state).await.unwrap();
            let mails = mailbox.lock().unwrap().clone();
            let reminder = mails.iter().find(|(to, _)| to == &["specialist@center.test.invalid".to_owned()]);
            let (_, data) = reminder.unwrap_or_else(|| panic!("no mail to the specialist: {mails:?}"));
            let text = super::delivery::body_of(data);
            assert!(text.contains(&format!("/staff/support-cases/{id}")), "the mail says where to open the case: {text}");
            assert!(text.contains("check-in"), "{text}");
            assert!(!text.contains("Synthetic"), "no personal data in the mail");

            let specialist = app.sign_in("specialist.checks", PASSWORD).await.unwrap(); // days later: a new session
            let checked = app.json_as(&specialist, "POST", &case_uri(&id, "/check-ins"), &json!({"outcome": "concern"})).await;
            assert_eq!(checked.json()["check_in_overdue"], false, "{}", checked.body);
            assert_eq!(remind(&app).await, 0, "the check-in was made");
            app.advance(time::Duration::days(2));
            server::jobs::run_escalation(&app.state).await.unwrap();
            let queued = store::outbox::list(&app.db, None, 100).await.unwrap();
            let reminders = queued.iter().filter(|m| m.topic == store::support::CHECK_IN_DUE).count();
            assert_eq!(reminders, 2, "the scheduler's pass reminds the next check-in in its turn");
            assert!(queued.iter().any(|m| m.recipient == format!("user:{}", account.id)));
            app
        }
    })
    .await;
}
