//! The children's channel: a school's QR code opens one question, yes leads to emergency help,
//! and a report enters the contact center's queue with the school attached — which the school
//! itself never sees. Floods from one code meet a question, never a refusal.

use crate::api::schools::register_schools;
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_childs_report_through_the_qr_code_carries_the_school_and_reaches_the_contact_center() {
    on_each_backend("web_qr_child", config, |app| async move {
        let (school, _) = register_schools(&app).await;
        let start = app.get(&format!("/qr/{school}?lang=en")).await;
        assert_eq!(start.status, StatusCode::OK);
        assert!(start.body.contains("Is someone hurting you right now?"), "{}", start.body);
        assert!(start.body.contains("Synthetic school No. 31"));
        assert!(start.body.contains(&format!("href=\"/qr/{school}/help?lang=en\"")), "yes leads to help");
        assert!(start.body.contains("id=\"quick-exit\""));
        let help = app.get(&format!("/qr/{school}/help?lang=ru")).await;
        assert!(help.body.contains("href=\"tel:102\"") && help.body.contains("href=\"tel:111\""));
        let form = app.get(&format!("/qr/{school}/tell?danger=yes&lang=kk")).await;
        assert!(form.body.contains("name=\"q_danger_now\" value=\"yes\""), "the danger is carried to the report");
        assert!(!form.body.contains("name=\"region\""), "the child never types where the school is");

        let form_id = hidden_value(&form.body, "form_id");
        let fields = [
            ("form_id", form_id.as_str()),
            ("q_danger_now", "yes"),
            ("narrative", "Synthetic: older boys wait for me after lessons."),
            ("victim_age", "12"),
            ("perpetrator_relation", "classmate"),
        ];
        let sent = app.post_form(&format!("/qr/{school}/tell?lang=kk"), &fields).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert!(sent.body.contains("id=\"tracking-code\""), "{}", sent.body);
        assert!(sent.body.contains("id=\"call-102\""), "the receipt says to call 102 first");

        let operator = app.sign_in_as("operator.qr", "operator", None, None).await;
        let queue = app.get_as(&operator, "/api/v1/complaints?channel=qr").await.json();
        let report = &queue["items"][0];
        assert_eq!(report["qr_institution"], school.as_str(), "{queue}");
        assert_eq!((report["region"].clone(), report["locality"].clone()), (json!("KZ-75"), json!("Synthetic town")));
        assert_eq!(report["reporter"]["kind"], "anonymous");
        assert_eq!(report["victims"][0]["age"], 12);
        assert_eq!(report["perpetrators"][0]["relation"], "classmate");
        assert_eq!(report["risk"]["level"], "immediate", "{report}");

        let the_school = app.sign_in_as("school.qr", "school_reporter", None, Some(&school)).await;
        let seen = app.get_as(&the_school, "/api/v1/complaints").await;
        assert!(!seen.body.contains("older boys"), "the school does not see what its pupils report: {}", seen.body);

        let unknown = app.get("/qr/not-a-school").await;
        assert_eq!(unknown.status, StatusCode::SEE_OTHER, "an unknown code is not a dead end");
        assert!(unknown.header("location").unwrap().starts_with("/qr?"));
        app
    })
    .await;
}

#[tokio::test]
async fn a_flood_from_one_code_is_asked_a_question_and_never_refused() {
    let small = || server::config::Config { qr_burst: 2, ..config() };
    on_each_backend("web_qr_flood", small, |app| async move {
        let (school, other) = register_schools(&app).await;
        let send = |code: String, n: u8, extra: Vec<(&'static str, String)>| {
            let app = &app;
            async move {
                let mut fields = vec![("form_id", format!("flood-{n}")), ("narrative", format!("Synthetic flood {n}"))];
                fields.extend(extra);
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form_from([198, 51, 100, n], &format!("/qr/{code}/tell"), &fields).await
            }
        };
        for n in 1..=2 {
            assert!(send(school.clone(), n, vec![]).await.body.contains("id=\"tracking-code\""), "within the burst");
        }
        let third = send(school.clone(), 3, vec![]).await;
        assert_eq!(third.status, StatusCode::OK);
        assert!(third.body.contains("name=\"check_answer\""), "a question instead of a refusal");
        assert!(third.body.contains("Synthetic flood 3"), "the report is kept on the page");
        assert!(
            send(other.clone(), 4, vec![]).await.body.contains("id=\"tracking-code\""),
            "another school's code is not slowed"
        );

        let token = hidden_value(&third.body, "check_token");
        let sum: u32 = token.split('.').take(2).map(|n| n.parse::<u32>().unwrap()).sum();
        let answered = send(school.clone(), 3, vec![("check_token", token), ("check_answer", sum.to_string())]).await;
        assert!(answered.body.contains("id=\"tracking-code\""), "{}", answered.body);
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 4, "nobody was turned away");
        app
    })
    .await;
}
