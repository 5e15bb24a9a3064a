//! Schools report: a school's report is routed at once to the juvenile inspectorate and the
//! education department with their deadlines, its lateness is recorded and counted, and no
//! other school sees it.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

const JUVENILE: &str = "kz-75-juvenile-inspectorate";
const EDUCATION: &str = "kz-75-education-department";

/// Two synthetic schools of Almaty in the registry; their BINs.
pub async fn register_schools(app: &TestApp) -> (String, String) {
    let first = register_school(app, 31, "KZ-75", "Synthetic school No. 31").await;
    (first, register_school(app, 32, "KZ-75", "Synthetic school No. 32").await)
}

/// A bullying report; the test clock is 14:00 in Almaty.
pub fn school_report(kind: &str, learned_at: &str) -> Value {
    json!({
        "kind": kind,
        "learned_at": learned_at,
        "language": "ru",
        "narrative": "Synthetic: older pupils took a younger pupil's things every day and filmed it.",
        "minors": [
            {"role": "victim", "age": 11, "sex": "male", "name": "Synthetic Pupil"},
            {"role": "offender", "age": 14, "sex": "male"},
            {"role": "witness", "age": 12}
        ],
        "actions_taken": "Synthetic: separated the pupils, called the parents, the psychologist talked to the child."
    })
}

#[tokio::test]
async fn a_school_report_reaches_the_juvenile_inspectorate_and_the_education_department_with_deadlines() {
    on_each_backend("school_report_routed", config, |app| async move {
        let (ours, theirs) = register_schools(&app).await;
        let school = app.sign_in_as("school.31", "school_reporter", None, Some(&ours)).await;
        let sent =
            app.json_as(&school, "POST", "/api/v1/school-reports", &school_report("bullying", "2026-11-25T12:00:00+05:00")).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
        let receipt = sent.json();
        let id = receipt["id"].as_str().unwrap().to_owned();
        assert_eq!(receipt["timeliness"], json!({"delay_seconds": 7200, "late": false}));
        for agency in [JUVENILE, EDUCATION] {
            let assignment = receipt["assignments"].as_array().unwrap().iter().find(|a| a["agency_id"] == agency);
            let assignment = assignment.unwrap_or_else(|| panic!("not sent to {agency}: {receipt}"));
            assert!(assignment["report_due_at"].is_string(), "{agency} has a deadline: {assignment}");

            let officer = app.sign_in_as(&format!("officer.{agency}"), "agency_officer", Some(agency), None).await;
            let inbox = app.get_as(&officer, "/api/v1/inbox").await.json();
            let line = inbox.as_array().unwrap().iter().find(|l| l["complaint_id"] == id.as_str());
            let line = line.unwrap_or_else(|| panic!("not in the inbox of {agency}: {inbox}"));
            assert_eq!(line["report_due_at"], assignment["report_due_at"]);
        }

        let complaint = app.get_as(&school, &format!("/api/v1/complaints/{id}")).await.json();
        assert_eq!((complaint["channel"].clone(), complaint["region"].clone()), (json!("school"), json!("KZ-75")));
        assert_eq!(complaint["categories"], json!(["bullying_of_minor"]));
        assert_eq!(complaint["institution_id"], ours.as_str());
        let report = app.get_as(&school, &format!("/api/v1/school-reports/{id}")).await;
        assert_eq!(report.status, StatusCode::OK, "{}", report.body);
        let report = report.json();
        assert_eq!(report["institution_bin"], ours.as_str());
        assert_eq!(report["minors"].as_array().map(Vec::len), Some(3));
        assert!(report["actions_taken"].as_str().unwrap().contains("psychologist"));
        assert!(!report.to_string().contains("Synthetic Pupil"), "the minors' list carries no names");

        let other = app.sign_in_as("school.32", "school_reporter", None, Some(&theirs)).await;
        assert_eq!(app.get_as(&other, &format!("/api/v1/school-reports/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get_as(&other, &format!("/api/v1/complaints/{id}")).await.status, StatusCode::NOT_FOUND);
        let listed = app.get_as(&other, "/api/v1/complaints").await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        assert!(!listed.body.contains(&id), "another school's list does not hold it");
        app
    })
    .await;
}

#[tokio::test]
async fn a_late_report_is_flagged_and_counted_per_institution_and_region() {
    on_each_backend("school_report_late", config, |app| async move {
        let (ours, _) = register_schools(&app).await;
        let school = app.sign_in_as("school.late", "school_reporter", None, Some(&ours)).await;
        let late = app
            .json_as(&school, "POST", "/api/v1/school-reports", &school_report("cyberbullying", "2026-11-24T08:00:00+05:00"))
            .await;
        assert_eq!(late.status, StatusCode::CREATED, "{}", late.body);
        assert_eq!(late.json()["timeliness"], json!({"delay_seconds": 30 * 3600, "late": true}));
        let on_time =
            app.json_as(&school, "POST", "/api/v1/school-reports", &school_report("bullying", "2026-11-25T13:30:00+05:00")).await;
        assert_eq!(on_time.json()["timeliness"]["late"], false);

        let analyst = app.sign_in_as("analyst.schools", "analyst", None, None).await;
        let figures = app.get_as(&analyst, "/api/v1/stats/schools?region=KZ-75&lang=en").await;
        assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
        let figures = figures.json();
        assert_eq!(figures["limit_hours"], 24);
        let school_row = &figures["institutions"][0];
        assert_eq!(school_row["id"], ours.as_str());
        assert_eq!(school_row["name"], "Synthetic school No. 31");
        let counts = |row: &Value| ["school_reports", "bullying", "cyberbullying", "late"].map(|k| row[k].as_i64().unwrap_or(-1));
        assert_eq!(counts(school_row), [2, 1, 1, 1]);
        assert_eq!(school_row["mean_delay_hours"], 15.3, "(30 h + 0.5 h) / 2");
        let region = &figures["regions"][0];
        assert_eq!((region["id"].clone(), region["name"].clone()), (json!("KZ-75"), json!("Almaty (city)")));
        assert_eq!(counts(region), [2, 1, 1, 1]);
        assert!(!figures.to_string().contains("Synthetic Pupil"), "figures carry no personal field");

        let elsewhere = app.get_as(&analyst, "/api/v1/stats/schools?region=KZ-71").await.json();
        assert_eq!(elsewhere["institutions"], json!([]), "another region's figures");
        let earlier = app.get_as(&analyst, "/api/v1/stats/schools?from=2026-10-01&to=2026-10-31").await.json();
        assert_eq!(earlier["regions"], json!([]), "another period's figures");
        let bad = app.get_as(&analyst, "/api/v1/stats/schools?from=yesterday").await;
        assert_eq!((bad.status, bad.error_fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["from".to_owned()]));
        assert_eq!(app.get_as(&school, "/api/v1/stats/schools").await.status, StatusCode::FORBIDDEN, "a school sees no figures");
        app
    })
    .await;
}

#[tokio::test]
async fn a_report_with_bad_fields_is_refused_field_by_field_and_only_schools_report() {
    on_each_backend("school_report_refused", config, |app| async move {
        let (ours, _) = register_schools(&app).await;
        let school = app.sign_in_as("school.bad", "school_reporter", None, Some(&ours)).await;
        let mut body = school_report("fight", "2026-11-26T12:00:00+05:00");
        body["minors"][2]["name"] = json!("Synthetic Witness");
        let refused = app.json_as(&school, "POST", "/api/v1/school-reports", &body).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert_eq!(refused.error_fields(), ["kind", "learned_at", "minors[2].name"]);
        assert!(!refused.body.contains("Synthetic Witness"));

        let operator = app.sign_in_as("operator.school", "operator", None, None).await;
        let sent = app
            .json_as(&operator, "POST", "/api/v1/school-reports", &school_report("bullying", "2026-11-25T12:00:00+05:00"))
            .await;
        assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.body);
        let admin = app.sign_in_as("admin.school", "administrator", None, None).await;
        for institution in ["not-a-bin".to_owned(), domain::institution::Bin::synthetic(99).unwrap().to_string()] {
            let account = json!({"login": "school.unknown", "display_name": "Synthetic", "role": "school_reporter",
                "institution_id": institution, "password": "synthetic-password-1"});
            let refused = app.json_as(&admin, "POST", "/api/v1/users", &account).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
            assert_eq!(refused.error_fields(), ["institution_id"]);
            assert!(refused.body.contains("not_registered"), "a school's account belongs to a registered institution");
        }
        app
    })
    .await;
}
