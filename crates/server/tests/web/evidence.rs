//! The evidence section of the assignment page: an officer uploads a photo through the form
//! (a multipart body, as a browser sends it), sees it listed with a download link, and a
//! renamed text file is refused next to the field, in the page's language.

use crate::api::evidence::png;
use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

const POLICE: &str = "kz-75-police";
const BOUNDARY: &str = "----SyntheticBoundary7MA4YWxk";

/// A `multipart/form-data` body with the CSRF token and one file.
pub fn multipart(csrf: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub fn post_multipart(uri: &str, session: &Session, body: Vec<u8>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::COOKIE, &session.cookie)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn an_officer_uploads_a_photo_from_the_assignment_page() {
    on_each_backend("web_evidence", config, |app| async move {
        let body = json!({"channel": "phone", "region": "KZ-75", "language": "ru", "narrative": "Synthetic: shouting at night",
            "categories": ["family_household_offence"], "reporter": {"anonymous": true}, "victims": [{"age": 30, "sex": "female"}]});
        let id = app.staff_post_complaint(&body).await.json()["id"].as_str().unwrap().to_owned();
        let officer = app.sign_in_as("police.web.evidence", "agency_officer", Some(POLICE), None).await;
        let page_uri = format!("/staff/assignments/{id}/{POLICE}?lang=ru");
        let page = app.get_as(&officer, &page_uri).await;
        assert!(page.body.contains("enctype=\"multipart/form-data\""), "the upload form is offered");
        assert!(page.body.contains("Доказательств пока нет."), "in the page's language");

        let upload_uri = format!("/staff/assignments/{id}/{POLICE}/evidence?lang=ru");
        let no_token = app.send(post_multipart(&upload_uri, &officer, multipart("wrong", "photo.png", "image/png", &png()))).await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN, "the CSRF token is checked");

        let text = b"Synthetic: a text file named like a photo";
        let refused = app.send(post_multipart(&upload_uri, &officer, multipart(&officer.csrf, "photo.png", "image/png", text))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("href=\"#file\""), "the error is linked to the field");
        assert!(refused.body.contains("это не целое изображение"), "in Russian: {}", refused.body);

        let sent = app.send(post_multipart(&upload_uri, &officer, multipart(&officer.csrf, "photo.png", "image/png", &png()))).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let page = app.get_as(&officer, &page_uri).await;
        assert!(page.body.contains("image/png"), "listed with its type");
        let listed = app.get_as(&officer, &format!("/api/v1/complaints/{id}/evidence")).await.json();
        let download = listed[0]["download"].as_str().unwrap().to_owned();
        assert!(page.body.contains(&format!("href=\"{download}\"")), "with a download link");
        assert_eq!(listed[0]["agency_id"], POLICE, "on the police's assignment");

        let link_uri = format!("/staff/assignments/{id}/{POLICE}/links?lang=ru");
        let bad = app.send(form_as(&link_uri, &officer, &[("url", "not a link"), ("captured_at", "")])).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#url\"") && bad.body.contains("href=\"#captured_at\""));
        let link = [("url", "https://www.instagram.com/p/Synthetic-Post/"), ("captured_at", "2026-11-24T21:15")];
        assert_eq!(app.send(form_as(&link_uri, &officer, &link)).await.status, StatusCode::SEE_OTHER);
        let page = app.get_as(&officer, &page_uri).await;
        assert!(page.body.contains("https://www.instagram.com/p/Synthetic-Post/") && page.body.contains("24.11.2026 21:15"));
        app
    })
    .await;
}
