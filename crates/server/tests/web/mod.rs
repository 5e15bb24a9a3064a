//! The public pages as a person without JavaScript meets them.

mod admin;
mod agency;
mod centers;
mod children;
mod evidence;
mod institutions;
mod school;
mod staff;
mod support;

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

fn report_fields<'a>(form_id: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![("form_id", form_id), ("src", ""), ("website", ""), ("anonymous", "yes")];
    fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    fields.extend_from_slice(extra);
    fields
}

#[tokio::test]
async fn a_child_reports_without_javascript_and_follows_the_report() {
    on_each_backend("web_journey", config, |app| async move {
        let form = app.get("/qr?lang=ru").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("<html lang=\"ru\">"));
        assert!(form.header("set-cookie").unwrap().starts_with("lang=ru"), "the choice is remembered");
        let form_id = hidden_value(&form.body, "form_id");
        assert_eq!(hidden_value(&form.body, "src"), "qr");

        let fields = report_fields(
            &form_id,
            &[("src", "qr"), ("narrative", "Synthetic: a classmate hits me"), ("region", "KZ-75"), ("victim_age", "11")],
        );
        let receipt = app.post_form("/report?lang=ru", &fields).await;
        assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.body);
        assert_eq!(receipt.header("cache-control"), Some("no-store"));
        let code = text_of(&receipt.body, "tracking-code");
        let pin = text_of(&receipt.body, "status-pin");
        assert!(domain::ids::TrackingCode::parse(&code).is_some(), "{code}");

        let stored = app.staff_get("/api/v1/complaints").await.json();
        assert_eq!(stored["items"][0]["channel"], "qr");
        assert_eq!(stored["items"][0]["language"], "ru");
        assert_eq!(stored["items"][0]["victims"][0]["age"], 11);

        let again = app.post_form("/report?lang=ru", &fields).await;
        assert_eq!(text_of(&again.body, "tracking-code"), code, "a double click sends one report");

        let status = app.post_form("/status?lang=ru", &[("tracking_code", &code.to_lowercase()), ("pin", &pin)]).await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        assert!(status.body.contains("id=\"status-result\""));
        assert!(status.body.contains("25.11.2026 14:00"), "shown in Kazakhstan time");
        app
    })
    .await;
}

#[tokio::test]
async fn errors_are_summarised_and_linked_to_their_fields_in_the_users_language() {
    on_each_backend("web_errors", config, |app| async move {
        let fields = report_fields("f1", &[("victim_age", "abc"), ("anonymous", "no")]);
        let page = app.post_form("/report?lang=en", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("class=\"error-summary\""));
        for anchor in ["href=\"#narrative\"", "href=\"#region\"", "href=\"#victim_age\"", "href=\"#reporter_name\""] {
            assert!(page.body.contains(anchor), "no link {anchor}");
        }
        assert!(page.body.contains("Tell us what happened"));
        assert!(page.body.contains("value=\"abc\""), "what was typed is kept");
        let russian = app.post_form("/report?lang=ru", &report_fields("f2", &[])).await;
        let english = app.post_form("/report?lang=en", &report_fields("f3", &[])).await;
        let kazakh = app.post_form("/report?lang=kk", &report_fields("f4", &[])).await;
        let summary = |html: &str| text_of(html, "error-summary-title");
        assert_ne!(summary(&russian.body), summary(&english.body));
        assert_ne!(summary(&kazakh.body), summary(&english.body));
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 0);
        app
    })
    .await;
}

#[tokio::test]
async fn pages_are_in_kazakh_by_default_then_as_the_browser_asks() {
    on_each_backend("web_language", config, |app| async move {
        assert!(app.get("/").await.body.contains("<html lang=\"kk\">"));
        let asks_ru = Request::get("/").header(header::ACCEPT_LANGUAGE, "ru-RU,ru;q=0.9,en;q=0.5").body(Body::empty()).unwrap();
        assert!(app.send(asks_ru).await.body.contains("<html lang=\"ru\">"));
        let cookie = Request::get("/status")
            .header(header::COOKIE, "lang=en")
            .header(header::ACCEPT_LANGUAGE, "ru")
            .body(Body::empty())
            .unwrap();
        assert!(app.send(cookie).await.body.contains("<html lang=\"en\">"));
        app
    })
    .await;
}

#[tokio::test]
async fn every_public_page_has_a_quick_exit() {
    on_each_backend("web_quick_exit", config, |app| async move {
        let receipt = app.post_form("/report", &report_fields("q1", &[("narrative", "Synthetic"), ("region", "KZ-10")])).await;
        let status = app.post_form("/status", &[("tracking_code", "AAAAA"), ("pin", "1")]).await;
        for (name, page) in [
            ("/", app.get("/").await),
            ("/report", app.get("/report").await),
            ("/status", app.get("/status").await),
            ("receipt", receipt),
            ("status result", status),
        ] {
            assert!(page.body.contains("id=\"quick-exit\""), "{name} has no quick exit");
            assert!(page.body.contains("src=\"/assets/exit.js\""), "{name}");
            assert!(page.header("content-security-policy").unwrap().contains("script-src 'self'"), "{name}");
        }
        let script = app.get("/assets/exit.js").await;
        assert!(script.body.contains("location.replace"), "the exit replaces the history entry");
        app
    })
    .await;
}

#[tokio::test]
async fn nobody_is_turned_away_when_an_address_sends_many_reports() {
    let small_burst = || server::config::Config { public_burst: 1, ..config() };
    on_each_backend("web_human_check", small_burst, |app| async move {
        let first = app.post_form("/report", &report_fields("h1", &[("narrative", "Synthetic one"), ("region", "KZ-10")])).await;
        assert!(first.body.contains("id=\"tracking-code\""));
        let second = app.post_form("/report", &report_fields("h2", &[("narrative", "Synthetic two"), ("region", "KZ-10")])).await;
        assert_eq!(second.status, StatusCode::OK);
        assert!(second.body.contains("name=\"check_answer\""), "a question instead of a refusal");
        assert!(second.body.contains("Synthetic two"), "the report is kept on the page");
        let token = hidden_value(&second.body, "check_token");
        let parts: Vec<u32> = token.split('.').take(2).map(|n| n.parse().unwrap()).collect();
        let wrong = (parts[0] + parts[1] + 1).to_string();
        let mut fields = report_fields(
            "h2",
            &[("narrative", "Synthetic two"), ("region", "KZ-10"), ("check_token", &token), ("check_answer", &wrong)],
        );
        let retry = app.post_form("/report", &fields).await;
        assert!(retry.body.contains("name=\"check_answer\""), "a wrong answer asks again");
        let right = (parts[0] + parts[1]).to_string();
        fields.retain(|(k, _)| *k != "check_answer");
        fields.push(("check_answer", &right));
        let passed = app.post_form("/report", &fields).await;
        assert!(passed.body.contains("id=\"tracking-code\""), "{}", passed.body);
        let forged = token.replace(&format!("{}.", parts[0]), "1.");
        let mut forged_fields = report_fields(
            "h3",
            &[("narrative", "Synthetic three"), ("region", "KZ-10"), ("check_token", &forged), ("check_answer", "2")],
        );
        forged_fields.push(("website", ""));
        assert!(
            !app.post_form("/report", &forged_fields).await.body.contains("id=\"tracking-code\""),
            "a forged check does not pass"
        );
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 2);
        app
    })
    .await;
}

#[tokio::test]
async fn the_honeypot_asks_a_question_and_stores_nothing_yet() {
    on_each_backend("web_honeypot", config, |app| async move {
        let mut fields = report_fields("b1", &[("narrative", "Synthetic"), ("region", "KZ-10")]);
        fields.retain(|(k, _)| *k != "website");
        fields.push(("website", "http://spam.example"));
        let page = app.post_form("/report", &fields).await;
        assert!(page.body.contains("name=\"check_answer\""));
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 0);
        app
    })
    .await;
}

#[tokio::test]
async fn a_wrong_status_pin_says_so_plainly() {
    on_each_backend("web_status_wrong", config, |app| async move {
        let code = domain::ids::TrackingCode::from_random(777).to_string();
        let page = app.post_form("/status?lang=en", &[("tracking_code", &code), ("pin", "123456")]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("We found no report with this code and PIN"));
        assert!(page.body.contains("href=\"#tracking_code\""));
        app
    })
    .await;
}

#[tokio::test]
async fn a_garbled_form_gets_a_plain_page_not_a_crash() {
    on_each_backend("web_garbled", config, |app| async move {
        let request = Request::post("/report?lang=en")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("narrative=a&narrative=b"))
            .unwrap();
        let page = app.send(request).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.body.contains("The form could not be read"), "{}", page.body);
        assert!(page.body.contains("id=\"quick-exit\""));
        app
    })
    .await;
}

#[tokio::test]
async fn a_child_in_danger_now_is_told_to_call_102_first() {
    on_each_backend("web_danger_now", config, |app| async move {
        let fields = report_fields("d1", &[("narrative", "Synthetic"), ("region", "KZ-10"), ("q_danger_now", "yes")]);
        let receipt = app.post_form("/report?lang=en", &fields).await;
        assert!(receipt.body.contains("id=\"call-102\""), "{}", receipt.body);
        assert!(receipt.body.contains("href=\"tel:102\""));
        let stored = app.staff_get("/api/v1/complaints").await.json();
        assert_eq!(stored["items"][0]["risk"]["level"], "immediate");
        let calm =
            app.post_form("/report?lang=en", &report_fields("d2", &[("narrative", "Synthetic"), ("region", "KZ-10")])).await;
        assert!(!calm.body.contains("id=\"call-102\""));
        app
    })
    .await;
}
