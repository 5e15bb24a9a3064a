//! The agency portal: an officer's inbox, the assignment page and its forms, and the
//! operator's review on the same page.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_officer_works_an_assignment_from_the_inbox_and_the_operator_accepts_the_report() {
    on_each_backend("web_agency", config, |app| async move {
        let body = json!({"channel": "phone", "region": "KZ-75", "language": "en", "narrative": "Synthetic: shouting at night",
            "categories": ["family_household_offence"], "reporter": {"anonymous": true}, "victims": [{"age": 30, "sex": "female", "name": "Synthetic Victim"}]});
        let id = app.staff_post_complaint(&body).await.json()["id"].as_str().unwrap().to_owned();
        app.sign_in_as("police.web", "agency_officer", Some("kz-75-police"), None).await;
        let landing = app.post_form("/staff/sign-in", &[("login", "police.web"), ("password", PASSWORD)]).await;
        assert_eq!(landing.header("location"), Some("/staff/inbox"), "an officer lands on the inbox");
        let officer = app.sign_in("police.web", PASSWORD).await.unwrap();

        let inbox = app.get_as(&officer, "/staff/inbox?lang=en").await;
        assert_eq!(inbox.status, StatusCode::OK);
        let page_uri = format!("/staff/assignments/{id}/kz-75-police?lang=en");
        assert!(inbox.body.contains(&page_uri.replace('&', "&amp;")), "the inbox links to the assignment");
        assert!(!inbox.body.contains("Synthetic"), "no personal field in the inbox");

        let page = app.get_as(&officer, &page_uri).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Synthetic Victim"), "the officer sees the victim");
        assert!(page.body.contains("value=\"acknowledge\"") && page.body.contains("id=\"report-form\""));
        assert!(!page.body.contains("value=\"accept\""), "reviewing is the contact center's");

        let acknowledged = app.send(form_as(&page_uri, &officer, &[("step", "acknowledge")])).await;
        assert_eq!(acknowledged.status, StatusCode::SEE_OTHER, "{}", acknowledged.body);
        let missing = app.send(form_as(&page_uri, &officer, &[("step", "submit_report"), ("act_protective_order", "yes")])).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        for anchor in ["#po_number", "#results"] {
            assert!(missing.body.contains(&format!("href=\"{anchor}\"")), "no error linked to {anchor}");
        }
        assert!(missing.body.contains("name=\"act_protective_order\" type=\"checkbox\" value=\"yes\" checked"), "ticks kept");
        let report = [
            ("step", "submit_report"),
            ("act_home_visit", "yes"),
            ("act_protective_order", "yes"),
            ("po_number", "PO-7"),
            ("po_issued_on", "2026-11-25"),
            ("po_term_days", "30"),
            ("results", "Synthetic: visited; order issued"),
        ];
        assert_eq!(app.send(form_as(&page_uri, &officer, &report)).await.status, StatusCode::SEE_OTHER);

        let operator = app.sign_in_as("operator.web", "operator", None, None).await;
        let review = app.get_as(&operator, &page_uri).await;
        assert!(review.body.contains("Protective order issued: PO-7"), "{}", review.body);
        assert!(review.body.contains("value=\"accept\"") && review.body.contains("value=\"return\""));
        let no_reason = app.send(form_as(&page_uri, &operator, &[("step", "return")])).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.send(form_as(&page_uri, &operator, &[("step", "accept")])).await.status, StatusCode::SEE_OTHER);
        // The head gives it to the officer, from the same page.
        let head = app.sign_in_as("police.head.web", "agency_head", Some("kz-75-police"), None).await;
        let head_page = app.get_as(&head, &page_uri).await;
        assert!(head_page.body.contains("name=\"officer_id\""), "the head may give it to an officer");
        assert!(!page.body.contains("name=\"officer_id\""), "an officer may not");
        let officer_id = store::users::find_by_login(&app.db, "police.web").await.unwrap().unwrap().id.to_string();
        let given = app.send(form_as(&page_uri, &head, &[("step", "assign_officer"), ("officer_id", &officer_id)])).await;
        assert_eq!(given.status, StatusCode::SEE_OTHER);
        let assignment = app.get_as(&head, &format!("/api/v1/complaints/{id}/assignments/kz-75-police")).await.json();
        assert_eq!(assignment["officer_id"], officer_id.as_str());
        let late = app.send(form_as(&page_uri, &officer, &[("step", "acknowledge")])).await;
        assert_eq!(late.status, StatusCode::CONFLICT, "not possible any more");
        assert!(late.body.contains("Report accepted"));
        app
    })
    .await;
}

#[tokio::test]
async fn the_inbox_marks_the_deadline_that_was_missed() {
    on_each_backend("web_inbox_mark", config, |app| async move {
        let body = json!({"channel": "phone", "region": "KZ-75", "language": "en", "narrative": "Synthetic: shouting at night",
            "categories": ["family_household_offence"], "reporter": {"anonymous": true}, "victims": [{"age": 30, "sex": "female"}]});
        app.staff_post_complaint(&body).await;
        app.advance(time::Duration::days(2)); // past the acknowledgment's deadline, not the report's
        let officer = app.sign_in_as("police.mark", "agency_officer", Some("kz-75-police"), None).await;
        let inbox = app.get_as(&officer, "/staff/inbox?lang=en").await.body;
        let row = &inbox[inbox.find("<tr class=\"overdue\">").expect("an overdue line")..];
        let before_mark = &row[..row.find("Overdue").expect("the mark")];
        assert_eq!(before_mark.matches("<td>").count(), 2, "the mark stands by the acknowledgment's deadline: {row}");
        app
    })
    .await;
}
