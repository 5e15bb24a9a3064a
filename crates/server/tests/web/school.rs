//! A school's report form: errors shown by the field they belong to (a minor's by their row),
//! then the report's page with where each agency stands and the lateness flag.

use super::evidence::{multipart, post_multipart};
use crate::api::evidence::png;
use crate::api::schools::register_schools;
use crate::support::*;
use axum::http::StatusCode;

#[tokio::test]
async fn a_school_sends_its_report_from_the_form_and_sees_it_late_and_routed() {
    on_each_backend("web_school_report", config, |app| async move {
        let (school, _) = register_schools(&app).await;
        let reporter = app.sign_in_as("school.form", "school_reporter", None, Some(&school)).await;
        let page = app.get_as(&reporter, "/staff/school-report?lang=en").await;
        assert_eq!(page.status, StatusCode::OK);
        let form_id = hidden_value(&page.body, "form_id");
        let mut fields = vec![
            ("form_id", form_id.as_str()),
            ("kind", "cyberbullying"),
            ("learned_at", "2026-11-24T08:00"),
            ("narrative", "Synthetic: a group chat posts photos of a pupil with insults."),
            ("m0_role", "victim"),
            ("m0_age", "13"),
            ("m3_role", "witness"),
            ("m3_age", "14"),
            ("m3_name", "Synthetic Witness"),
            ("actions_taken", "Synthetic: talked to the class, informed the parents."),
        ];
        let refused = app.send(form_as("/staff/school-report?lang=en", &reporter, &fields)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("href=\"#m3_name\""), "the error links to the row it was typed in");
        assert!(refused.body.contains("name is not collected"), "the message says why");
        assert!(refused.body.contains("Synthetic: a group chat"), "what was typed is kept");

        fields.retain(|(k, _)| *k != "m3_name");
        let sent = app.send(form_as("/staff/school-report?lang=en", &reporter, &fields)).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let location = sent.header("location").unwrap().to_owned();
        assert!(location.starts_with("/staff/school-reports/"), "{location}");
        let view = app.get_as(&reporter, &location).await;
        assert_eq!(view.status, StatusCode::OK, "{}", view.body);
        assert_eq!(text_of(&view.body, "kind"), "Cyberbullying");
        assert!(text_of(&view.body, "timeliness").starts_with("30 h 0 min"), "{}", view.body);
        assert!(view.body.contains("later than 24 hours"));
        for agency in ["Juvenile", "Education"] {
            assert!(view.body.contains(agency), "{agency} in {}", view.body);
        }
        let page = location.split('?').next().unwrap().to_owned();
        let fake = multipart(&reporter.csrf, "screenshot.png", "image/png", b"Synthetic text, not a picture");
        let refused = app.send(post_multipart(&format!("{page}/evidence?lang=en"), &reporter, fake)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("href=\"#file\""), "a file that claims to be an image is refused at its field");
        let real = multipart(&reporter.csrf, "screenshot.png", "image/png", &png());
        let added = app.send(post_multipart(&format!("{page}/evidence?lang=en"), &reporter, real)).await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let with_evidence = app.get_as(&reporter, &format!("{page}?lang=en")).await;
        assert!(
            with_evidence.body.contains("image/png") && with_evidence.body.contains("/api/v1/evidence/"),
            "listed with a download"
        );

        let list = app.get_as(&reporter, "/staff/school-reports?lang=en").await;
        assert!(list.body.contains(&location.split('?').next().unwrap().to_owned()), "listed");

        let operator = app.sign_in_as("operator.form", "operator", None, None).await;
        let page = app.get_as(&operator, "/staff/school-report").await;
        let form_id = hidden_value(&page.body, "form_id");
        fields.retain(|(k, _)| *k != "form_id");
        fields.push(("form_id", &form_id));
        let refused = app.send(form_as("/staff/school-report", &operator, &fields)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "only a school's account reports as a school");

        let analyst = app.sign_in_as("analyst.form", "analyst", None, None).await;
        let figures = app.get_as(&analyst, "/staff/figures/schools?region=KZ-75&lang=en").await;
        assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
        assert!(figures.body.contains("Synthetic school No. 31"), "{}", figures.body);
        assert!(figures.body.contains("<span class=\"badge risk-immediate\">1</span>"), "one late report flagged");
        let bad = app.get_as(&analyst, "/staff/figures/schools?from=someday").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#from\""), "the error links to its field");
        assert_eq!(app.get_as(&reporter, "/staff/figures/schools").await.status, StatusCode::FORBIDDEN);
        app
    })
    .await;
}
