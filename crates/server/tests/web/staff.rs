//! The operator's phone-intake screen.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

/// Signs in as an operator and returns the session cookie and the CSRF token.
async fn sign_in(app: &TestApp) -> (String, String) {
    let session = app.sign_in_as("operator.one", "operator", None, None).await;
    (session.cookie, session.csrf)
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}={}", v.replace(' ', "+"))).collect::<Vec<_>>().join("&")
}

fn staff_post(uri: &str, cookie: &str) -> axum::http::request::Builder {
    Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header(header::COOKIE, cookie)
}

#[tokio::test]
async fn staff_pages_need_a_session_and_a_right_token() {
    on_each_backend("staff_sign_in", config, |app| async move {
        let anonymous = app.get("/staff/intake").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        assert_eq!(anonymous.header("location"), Some("/staff/sign-in"));
        let forged = app
            .send(
                Request::get("/staff/intake")
                    .header(header::COOKIE, "qorgau_session=99999999999abc")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(forged.status, StatusCode::SEE_OTHER, "a forged session is refused");
        let htmx =
            app.send(Request::post("/staff/intake/preview").header("hx-request", "true").body(Body::empty()).unwrap()).await;
        assert_eq!(
            htmx.header("hx-redirect"),
            Some("/staff/sign-in"),
            "htmx is sent to the sign-in page, not given it as a panel"
        );
        let wrong = app.post_form("/staff/sign-in?lang=en", &[("login", "nobody"), ("password", "not-the-password")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("The login or password is not right"), "{}", wrong.body);
        let (cookie, _) = sign_in(&app).await;
        let page =
            app.send(Request::get("/staff/intake?lang=en").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("New call"));
        assert!(page.body.contains("name=\"q_strangulation\""), "the whole questionnaire");
        app.advance(time::Duration::hours(13));
        let expired = app.send(Request::get("/staff/intake").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
        assert_eq!(expired.status, StatusCode::SEE_OTHER, "sessions expire after a shift");
        app
    })
    .await;
}

#[tokio::test]
async fn the_operator_sees_risk_and_routing_update_then_registers_the_call() {
    on_each_backend("staff_intake", config, |app| async move {
        let (cookie, csrf) = sign_in(&app).await;
        let fields = [
            ("csrf", csrf.as_str()),
            ("form_id", "call-1"),
            ("channel", "phone"),
            ("language", "ru"),
            ("region", "KZ-35"),
            ("narrative", "Synthetic: the husband is at the door with a knife"),
            ("primary_category", "family_household_offence"),
            ("anonymous", "no"),
            ("reporter_name", "Synthetic Caller"),
            ("reporter_phone", "+7 700 000 11 22"),
            ("q_danger_now", "yes"),
            ("q_weapon_used_or_threatened", "yes"),
            ("victim_age", "30"),
        ];
        let body = form_body(&fields);
        // With htmx: the panel alone.
        let fragment = app
            .send(
                staff_post("/staff/intake/preview?lang=en", &cookie)
                    .header("hx-request", "true")
                    .body(Body::from(body.clone()))
                    .unwrap(),
            )
            .await;
        assert_eq!(fragment.status, StatusCode::OK, "{}", fragment.body);
        assert!(fragment.body.starts_with("<section id=\"preview\""), "{}", &fragment.body[..80.min(fragment.body.len())]);
        assert!(fragment.body.contains("id=\"emergency-banner\""));
        assert!(fragment.body.contains("hand the call to 102"));
        assert_eq!(text_of(&fragment.body, "risk-level"), "Immediate danger");
        assert!(
            fragment.body.contains("Police Department of Karaganda Region") || fragment.body.contains("Karaganda"),
            "{}",
            fragment.body
        );
        assert!(fragment.body.contains("someone is in danger right now"));
        // Without JavaScript: the whole page, answers kept.
        let page = app.send(staff_post("/staff/intake/preview?lang=en", &cookie).body(Body::from(body.clone())).unwrap()).await;
        assert!(page.body.contains("<html") && page.body.contains("id=\"emergency-banner\""));
        assert!(page.body.contains("name=\"q_danger_now\" type=\"checkbox\" value=\"yes\" checked"));
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 0, "a preview stores nothing");

        let registered = app.send(staff_post("/staff/intake?lang=en", &cookie).body(Body::from(body)).unwrap()).await;
        assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
        assert!(domain::ids::TrackingCode::parse(&text_of(&registered.body, "tracking-code")).is_some());
        let stored = app.staff_get("/api/v1/complaints").await.json();
        let c = &stored["items"][0];
        assert_eq!(c["reporter"]["name"], "Synthetic Caller", "the contact center sees the caller");
        assert_eq!(c["channel"], "phone");
        assert_eq!(c["risk"]["level"], "immediate");
        assert_eq!(c["priority"], "emergency");
        assert_eq!(c["categories"][0], "family_household_offence");
        assert!(c["assignments"].as_array().unwrap().iter().any(|a| a["agency_id"] == "kz-35-police"));
        app
    })
    .await;
}

#[tokio::test]
async fn field_errors_are_shown_next_to_the_fields() {
    on_each_backend("staff_errors", config, |app| async move {
        let (cookie, csrf) = sign_in(&app).await;
        let fields = [("csrf", csrf.as_str()), ("form_id", "call-2"), ("judgement_level", "high"), ("incidents", "many")];
        let page = app.send(staff_post("/staff/intake?lang=en", &cookie).body(Body::from(form_body(&fields))).unwrap()).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        for anchor in ["#narrative", "#region", "#incidents", "#judgement_reason"] {
            assert!(page.body.contains(&format!("href=\"{anchor}\"")), "no link to {anchor}");
        }
        app
    })
    .await;
}

#[tokio::test]
async fn posts_from_other_sites_are_refused() {
    on_each_backend("staff_csrf", config, |app| async move {
        let (cookie, csrf) = sign_in(&app).await;
        let fields = [("csrf", csrf.as_str()), ("form_id", "x"), ("region", "KZ-71"), ("narrative", "Synthetic")];
        let forged = staff_post("/staff/intake", &cookie)
            .header(header::ORIGIN, "https://evil.example")
            .header(header::HOST, "qorgau.example")
            .header("sec-fetch-site", "cross-site")
            .body(Body::from(form_body(&fields)))
            .unwrap();
        assert_eq!(app.send(forged).await.status, StatusCode::FORBIDDEN);
        // From our own origin but without the session's token (a forged form elsewhere that
        // the browser sent with the cookie): refused as well.
        let tokenless = [("csrf", "wrong"), ("form_id", "y"), ("region", "KZ-71"), ("narrative", "Synthetic")];
        let answer = app.send(staff_post("/staff/intake", &cookie).body(Body::from(form_body(&tokenless))).unwrap()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        // `Origin: null` (what a browser sends from our no-referrer pages) is judged by the fetch
        // metadata: from elsewhere or without it, refused; from our own pages, taken.
        for (site, id) in [(Some("cross-site"), "n1"), (None, "n2")] {
            let fields = [("csrf", csrf.as_str()), ("form_id", id), ("region", "KZ-71"), ("narrative", "Synthetic")];
            let mut post = staff_post("/staff/intake", &cookie).header(header::ORIGIN, "null");
            if let Some(site) = site {
                post = post.header("sec-fetch-site", site);
            }
            assert_eq!(app.send(post.body(Body::from(form_body(&fields))).unwrap()).await.status, StatusCode::FORBIDDEN);
        }
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 0);
        let ours = staff_post("/staff/intake", &cookie)
            .header(header::ORIGIN, "null")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(form_body(&[
                ("csrf", csrf.as_str()),
                ("form_id", "n3"),
                ("region", "KZ-71"),
                ("narrative", "Synthetic"),
            ])))
            .unwrap();
        let taken = app.send(ours).await;
        assert_eq!(store::complaints::count(&app.db).await.unwrap(), 1, "{}", taken.body);
        app
    })
    .await;
}
