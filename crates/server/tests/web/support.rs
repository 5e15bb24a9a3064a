//! The family support centers' pages: the operator refers through the form, the center accepts
//! from its inbox and works the case on its page to closure; errors sit by their fields; those
//! the case is not for see nothing of it.

use crate::api::support::{CENTER, OTHER_CENTER, POLICE, complaint, register_center};
use crate::support::*;
use axum::http::StatusCode;

/// The operator refers the complaint's person to the Almaty center through the form, sharing
/// everything with social protection only; the referral's id.
async fn refer_through_the_form(app: &TestApp, complaint_id: &str) -> String {
    let operator = app.sign_in_as("operator.pages", "operator", None, None).await;
    let uri = format!("/staff/referrals/new?complaint={complaint_id}&lang=en");
    let form = app.get_as(&operator, &uri).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains(&format!("value=\"{CENTER}\"")), "the region's center is offered");
    let fields = [
        ("center_id", CENTER),
        ("part_contact", "yes"),
        ("part_assessment", "yes"),
        ("part_plan", "yes"),
        ("part_log", "yes"),
        ("share_social_protection", "yes"),
        ("note", "Synthetic: call in the mornings"),
    ];
    let sent = app.send(form_as(&uri, &operator, &fields)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let back = app.get_as(&operator, sent.header("location").unwrap()).await;
    assert!(back.body.contains("id=\"referral-sent\""), "the form says it was sent");
    let referrals = store::support::referrals(&app.db, Some(CENTER), None, 10).await.unwrap();
    referrals[0].id.to_string()
}

fn cells(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn a_referral_is_accepted_and_worked_to_closure_on_the_pages() {
    on_each_backend("web_support", config, |app| async move {
        register_center(&app, 2).await;
        let complaint_id = complaint(&app).await;
        let id = refer_through_the_form(&app, &complaint_id).await;

        let specialist = app.sign_in_as("specialist.pages", "family_support_specialist", Some(CENTER), None).await;
        let landing = app.post_form("/staff/sign-in", &[("login", "specialist.pages"), ("password", PASSWORD)]).await;
        assert_eq!(landing.header("location"), Some("/staff/support"), "a specialist lands on the center's inbox");
        let inbox = app.get_as(&specialist, "/staff/support?lang=en").await;
        assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
        assert!(inbox.body.contains(&format!("id=\"referral-{id}\"")) && inbox.body.contains("Waiting for the center"));
        assert!(inbox.body.contains("26.11.2026 14:00"), "the deadline in Kazakhstan time: {}", inbox.body);
        assert!(!inbox.body.contains("mornings"), "no personal field in the inbox");

        let accept = format!("/staff/support/referrals/{id}/accept?lang=en");
        let accepted = app.send(form_as(&accept, &specialist, &[(&format!("check_in_days-{id}"), "7")])).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
        let page_uri = accepted.header("location").unwrap().to_owned();
        assert_eq!(page_uri, format!("/staff/support-cases/{id}?lang=en"));
        let page = app.get_as(&specialist, &page_uri).await;
        assert_eq!(text_of(&page.body, "case-status"), "Open");
        assert!(page.body.contains("Synthetic: call in the mornings"), "the center sees the contact");

        let post = |form: &str, fields: Vec<(String, String)>| {
            let uri = format!("/staff/support-cases/{id}/{form}?lang=en");
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.send(form_as(&uri, &specialist, &fields))
        };
        let half = post("assessment", cells(&[("need_safety_level", "urgent")])).await;
        assert_eq!(half.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", half.body);
        assert!(half.body.contains("href=\"#need_housing_level\""), "the missing area is linked");
        assert!(half.body.contains("Housing: "), "named in the summary");
        let areas = ["safety", "housing", "income", "health", "children", "legal"];
        let mut needs: Vec<(String, String)> = areas.iter().map(|a| (format!("need_{a}_level"), "moderate".to_owned())).collect();
        needs.push(("need_safety_note".into(), "Synthetic: threats by phone".into()));
        assert_eq!(post("assessment", needs).await.status, StatusCode::SEE_OTHER);

        let me = store::users::find_by_login(&app.db, "specialist.pages").await.unwrap().unwrap().id.to_string();
        let plan = cells(&[
            ("g0_goal", "Synthetic: legal protection"),
            ("g0_service", "legal_aid"),
            ("g0_responsible_id", &me),
            ("g0_due_on", "2026-12-10"),
            ("g0_status", "planned"),
        ]);
        assert_eq!(post("plan", plan).await.status, StatusCode::SEE_OTHER);
        let service = cells(&[
            ("log_service", "legal_aid"),
            ("log_on", "2026-11-25"),
            ("log_minutes", "50"),
            ("log_note", "Synthetic: explained the protective order"),
        ]);
        assert_eq!(post("service", service).await.status, StatusCode::SEE_OTHER);
        assert_eq!(post("check-in", cells(&[("check_in_outcome", "safe")])).await.status, StatusCode::SEE_OTHER);
        let worked = app.get_as(&specialist, &page_uri).await;
        for shown in ["Synthetic: threats by phone", "Synthetic: legal protection", "Legal aid", "50 min", "Safe"] {
            assert!(worked.body.contains(shown), "{shown} not on the page");
        }
        let asked = post("request-closure", cells(&[("closure_outcome", "goals_met")])).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
        let waiting = app.get_as(&specialist, &page_uri).await;
        assert!(!waiting.body.contains("/approve-closure"), "closing is the head's");

        let head = app.sign_in_as("head.pages", "agency_head", Some(CENTER), None).await;
        let approve = format!("/staff/support-cases/{id}/approve-closure?lang=en");
        assert!(app.get_as(&head, &page_uri).await.body.contains(&approve.replace('&', "&amp;")));
        assert_eq!(app.send(form_as(&approve, &head, &[])).await.status, StatusCode::SEE_OTHER);
        let russian = app.get_as(&head, &format!("/staff/support-cases/{id}?lang=ru")).await;
        assert_eq!(text_of(&russian.body, "case-status"), "Закрыт");
        assert_eq!(text_of(&russian.body, "case-outcome"), "Цели достигнуты");
        let kazakh = app.get_as(&head, &format!("/staff/support-cases/{id}?lang=kk")).await;
        assert_eq!(text_of(&kazakh.body, "case-status"), "Жабық");
        app
    })
    .await;
}

#[tokio::test]
async fn another_center_and_an_agency_the_consent_excludes_get_not_found() {
    on_each_backend("web_support_access", config, |app| async move {
        let complaint_id = complaint(&app).await;
        let police = app.sign_in_as("police.pages", "agency_officer", Some(POLICE), None).await;
        let assignment = app.get_as(&police, &format!("/staff/assignments/{complaint_id}/{POLICE}?lang=en")).await;
        assert!(
            assignment.body.contains(&format!("/staff/referrals/new?complaint={complaint_id}")),
            "the assignment links to the form"
        );
        let id = refer_through_the_form(&app, &complaint_id).await;
        let specialist = app.sign_in_as("specialist.access", "family_support_specialist", Some(CENTER), None).await;
        let accept = format!("/staff/support/referrals/{id}/accept");
        let no_days = app.send(form_as(&accept, &specialist, &[(&format!("check_in_days-{id}"), "400")])).await;
        assert_eq!(no_days.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_days.body);
        assert!(no_days.body.contains(&format!("href=\"#check_in_days-{id}\"")));
        assert_eq!(app.send(form_as(&accept, &specialist, &[])).await.status, StatusCode::SEE_OTHER);

        let page = format!("/staff/support-cases/{id}?lang=en");
        let other = app.sign_in_as("specialist.other", "family_support_specialist", Some(OTHER_CENTER), None).await;
        assert_eq!(app.get_as(&other, &page).await.status, StatusCode::NOT_FOUND, "another center's case");
        let seen = app.get_as(&police, &page).await;
        assert_eq!(seen.status, StatusCode::NOT_FOUND, "the consent shares with social protection only");
        assert!(!seen.body.contains("mornings"));
        assert_eq!(app.get_as(&police, "/staff/support").await.status, StatusCode::FORBIDDEN);

        let analyst = app.sign_in_as("analyst.pages", "analyst", None, None).await;
        let figures = app.get_as(&analyst, "/staff/figures/support?region=KZ-75&lang=en").await;
        assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
        assert_eq!(text_of(&figures.body, "people-supported"), "1");
        assert_eq!(app.get_as(&specialist, "/staff/figures/support").await.status, StatusCode::FORBIDDEN);
        app
    })
    .await;
}
