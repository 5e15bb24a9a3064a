//! Evidence through the API: files checked on their content, downloads as attachments and in
//! the audit trail, links with their capture time, access as the complaint's, and erasure with
//! the complaint.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

const POLICE: &str = "kz-75-police";
const ASTANA_POLICE: &str = "kz-71-police";
/// `Bin::synthetic(7)` and `(3)`, registered by `complaint`.
const SCHOOL: &str = "000040000079";
const OTHER_SCHOOL: &str = "000040000039";

/// A valid 1×1 PNG: signature, `IHDR`, `IDAT`, `IEND`.
pub fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], &b"\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0"[..]),
        (b"IDAT", b"\x78\x9c\x63\x00\x01\x00\x00\x05\x00\x01"),
        (b"IEND", b""),
    ] {
        bytes.extend_from_slice(&(data.len() as u32).to_be_bytes());
        bytes.extend_from_slice(kind);
        bytes.extend_from_slice(data);
        bytes.extend_from_slice(&[0, 0, 0, 0]); // CRC (not checked by the rules)
    }
    bytes
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A domestic-violence complaint in Almaty (police lead), registered by the school `SCHOOL`.
async fn complaint(app: &TestApp) -> String {
    register_school(app, 7, "KZ-75", "Synthetic school No. 7").await;
    register_school(app, 3, "KZ-71", "Synthetic school No. 3").await;
    let school = app.sign_in_as("school.evidence", "school_reporter", None, Some(SCHOOL)).await;
    let body = json!({"channel": "school", "region": "KZ-75", "language": "ru", "narrative": "Synthetic: bruises seen at school",
        "categories": ["family_household_offence"], "reporter": {"anonymous": true}, "victims": [{"age": 30, "sex": "female"}]});
    let answer = app.json_as(&school, "POST", "/api/v1/complaints", &body).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    answer.json()["id"].as_str().unwrap().to_owned()
}

/// Uploads `bytes` with the session, claiming `content_type`.
async fn upload(app: &TestApp, who: &Session, uri: &str, content_type: &str, bytes: Vec<u8>) -> Answer {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, &who.cookie)
        .header("x-csrf-token", &who.csrf)
        .header("content-disposition", "attachment; filename=\"photo.png\"");
    app.send(request.body(Body::from(bytes)).unwrap()).await
}

async fn download(app: &TestApp, who: &Session, id: &str) -> (Answer, Vec<u8>) {
    let request = Request::get(format!("/api/v1/evidence/{id}")).header(header::COOKIE, &who.cookie);
    let mut request = request.body(Body::empty()).unwrap();
    request.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([203, 0, 113, 7], 40000))));
    let response = tower::ServiceExt::oneshot(app.app.clone(), request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes().to_vec();
    (Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }, bytes)
}

async fn evidence_views(app: &TestApp) -> Vec<Value> {
    let trail = store::audit::list(&app.db, &store::audit::AuditFilter { limit: 500, ..Default::default() }).await.unwrap();
    trail.into_iter().filter(|e| e.action == "evidence.view").map(|e| serde_json::from_str(&e.detail).unwrap()).collect()
}

#[tokio::test]
async fn an_operator_attaches_pictures_and_pdfs_and_a_renamed_text_file_is_refused() {
    on_each_backend("evidence_api_upload", config, |app| async move {
        let id = complaint(&app).await;
        let operator = app.sign_in_as("operator.evidence", "operator", None, None).await;
        let uri = format!("/api/v1/complaints/{id}/evidence");

        let picture = upload(&app, &operator, &uri, "application/octet-stream", png()).await;
        assert_eq!(picture.status, StatusCode::CREATED, "{}", picture.body);
        assert_eq!(picture.json()["media_type"], "image/png");
        assert_eq!(picture.json()["size"], png().len());
        let document = upload(&app, &operator, &uri, "image/png", pdf()).await;
        assert_eq!(document.json()["media_type"], "application/pdf", "the type comes from the content, not the header");

        let text = b"Synthetic: not a picture at all, only words typed into a file named photo.png".to_vec();
        for (content_type, bytes) in [("image/png", text.clone()), ("image/png", Vec::new())] {
            let refused = upload(&app, &operator, &uri, content_type, bytes).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
            assert_eq!(refused.error_fields(), ["file"]);
        }
        let mut cut = png();
        cut.truncate(cut.len() - 12);
        assert_eq!(upload(&app, &operator, &uri, "image/png", cut).await.json()["errors"][0]["code"], "unsupported_type");

        let mut big = pdf();
        big.resize(domain::evidence::MAX_FILE_BYTES + 1, b' ');
        big.extend_from_slice(b"%%EOF\n");
        let too_large = upload(&app, &operator, &uri, "application/pdf", big).await;
        assert_eq!(too_large.status, StatusCode::UNPROCESSABLE_ENTITY, "a file just over 10 MiB is a field error, not a 413");
        assert_eq!(too_large.json()["errors"][0]["code"], "too_large");
        let mut limit = pdf();
        limit.resize(domain::evidence::MAX_FILE_BYTES - 16, b' ');
        limit.extend_from_slice(b"\n%%EOF\n");
        assert_eq!(upload(&app, &operator, &uri, "application/pdf", limit).await.status, StatusCode::CREATED, "10 MiB fits");
        let complaint_limit = app.staff_post_complaint(&json!({"narrative": "x".repeat(70_000)})).await;
        assert_eq!(complaint_limit.status, StatusCode::PAYLOAD_TOO_LARGE, "other routes keep their 64 KiB");

        let listed = app.get_as(&operator, &uri).await.json();
        let types: Vec<_> = listed.as_array().unwrap().iter().map(|e| e["media_type"].as_str().unwrap().to_owned()).collect();
        assert_eq!(types, ["image/png", "application/pdf", "application/pdf"]);
        app
    })
    .await;
}

#[tokio::test]
async fn the_assigned_officer_attaches_to_the_assignment_and_downloads_it_audited() {
    on_each_backend("evidence_api_agency", config, |app| async move {
        let id = complaint(&app).await;
        let officer = app.sign_in_as("police.evidence", "agency_officer", Some(POLICE), None).await;
        let stranger = app.sign_in_as("astana.evidence", "agency_officer", Some(ASTANA_POLICE), None).await;
        let uri = format!("/api/v1/complaints/{id}/evidence?agency={POLICE}");

        let added = upload(&app, &officer, &uri, "image/png", png()).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
        let evidence_id = added.json()["id"].as_str().unwrap().to_owned();
        let own_complaint = upload(&app, &officer, &format!("/api/v1/complaints/{id}/evidence"), "image/png", png()).await;
        assert_eq!(own_complaint.status, StatusCode::FORBIDDEN, "an agency attaches to its assignment, not the complaint");

        let (answer, bytes) = download(&app, &officer, &evidence_id).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(bytes, png());
        assert_eq!(answer.header("content-type"), Some("image/png"));
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        let disposition = format!("attachment; filename=\"evidence-{evidence_id}.png\"");
        assert_eq!(answer.header("content-disposition"), Some(disposition.as_str()));
        let views = evidence_views(&app).await;
        assert!(views.iter().any(|d| d["evidence_id"] == evidence_id.as_str()), "the download is audited: {views:?}");

        // An officer of an agency not assigned: the complaint's own answer, and no bytes.
        let before = evidence_views(&app).await.len();
        assert_eq!(app.get_as(&stranger, &format!("/api/v1/complaints/{id}")).await.status, StatusCode::NOT_FOUND);
        let (refused, bytes) = download(&app, &stranger, &evidence_id).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert!(!bytes.starts_with(b"\x89PNG"));
        assert_eq!(app.get_as(&stranger, &format!("/api/v1/complaints/{id}/evidence")).await.status, StatusCode::NOT_FOUND);
        let theirs = format!("/api/v1/complaints/{id}/evidence?agency={ASTANA_POLICE}");
        assert_eq!(upload(&app, &stranger, &theirs, "image/png", png()).await.status, StatusCode::NOT_FOUND);
        let posing =
            upload(&app, &stranger, &format!("/api/v1/complaints/{id}/evidence?agency={POLICE}"), "image/png", png()).await;
        assert_eq!(posing.status, StatusCode::NOT_FOUND);
        assert_eq!(evidence_views(&app).await.len(), before, "nothing shown, nothing audited as seen");
        app
    })
    .await;
}

#[tokio::test]
async fn a_school_sees_its_own_reports_evidence_only_and_links_keep_their_capture_time() {
    on_each_backend("evidence_api_school", config, |app| async move {
        let id = complaint(&app).await;
        let school = app.sign_in("school.evidence", PASSWORD).await.unwrap();
        let other = app.sign_in_as("school.other.evidence", "school_reporter", None, Some(OTHER_SCHOOL)).await;

        let link = json!({"url": "https://www.instagram.com/p/Synthetic-Post/", "captured_at": "2026-11-24T21:15:00+05:00"});
        let added = app.json_as(&school, "POST", &format!("/api/v1/complaints/{id}/evidence/links"), &link).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
        let bad = json!({"url": "javascript:alert(1)", "captured_at": "yesterday"});
        let refused = app.json_as(&school, "POST", &format!("/api/v1/complaints/{id}/evidence/links"), &bad).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.error_fields(), ["url", "captured_at"]);
        let file = upload(&app, &school, &format!("/api/v1/complaints/{id}/evidence"), "image/png", png()).await;
        let file_id = file.json()["id"].as_str().unwrap().to_owned();

        let listed = app.get_as(&school, &format!("/api/v1/complaints/{id}/evidence")).await.json();
        let link_item = listed.as_array().unwrap().iter().find(|e| e["kind"] == "link").expect("the link is listed");
        assert_eq!(link_item["url"], "https://www.instagram.com/p/Synthetic-Post/");
        assert_eq!(link_item["captured_at"], "2026-11-24T16:15:00Z");

        assert_eq!(app.get_as(&other, &format!("/api/v1/complaints/{id}/evidence")).await.status, StatusCode::NOT_FOUND);
        let (answer, bytes) = download(&app, &other, &file_id).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
        assert_ne!(bytes, png());
        app
    })
    .await;
}

#[tokio::test]
async fn an_agency_system_token_attaches_to_its_assignment() {
    on_each_backend("evidence_api_token", config, |app| async move {
        let id = complaint(&app).await;
        let admin = app.sign_in_as("admin.evidence", "administrator", None, None).await;
        let request =
            json!({"name": "Synthetic police system", "agency_id": POLICE, "permissions": ["assignments:work"], "days": 30});
        let token = app.json_as(&admin, "POST", "/api/v1/tokens", &request).await.json()["token"].as_str().unwrap().to_owned();
        let request = Request::post(format!("/api/v1/complaints/{id}/evidence?agency={POLICE}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(pdf()))
            .unwrap();
        let added = app.send(request).await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
        let request = Request::get(format!("/api/v1/complaints/{id}/evidence"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let listed = app.send(request).await.json();
        assert_eq!(listed[0]["agency_id"], POLICE);
        assert_eq!(listed[0]["added_by_kind"], "token");
        app
    })
    .await;
}

/// Every file under `dir`, at any depth.
fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.map(|e| e.unwrap().path()).flat_map(|p| if p.is_dir() { files(&p) } else { vec![p] }).collect()
}

#[tokio::test]
async fn retention_after_closure_removes_the_evidence_file_from_disk() {
    on_each_backend("evidence_api_retention", config, |app| async move {
        let id = complaint(&app).await;
        let officer = app.sign_in_as("police.retention", "agency_officer", Some(POLICE), None).await;
        let operator = app.sign_in_as("operator.retention", "operator", None, None).await;
        let added =
            upload(&app, &officer, &format!("/api/v1/complaints/{id}/evidence?agency={POLICE}"), "image/png", png()).await;
        assert_eq!(added.status, StatusCode::CREATED);
        let evidence_dir = app.config.data_dir.join("evidence");
        assert_eq!(files(&evidence_dir).len(), 1);

        for (who, name, body) in [
            (&officer, "acknowledge", json!({})),
            (&officer, "submit_report", json!({"report": report()})),
            (&operator, "accept", json!({})),
            (&operator, "close", json!({})),
        ] {
            let answer = step(&app, who, &id, POLICE, name, body).await;
            assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.body);
        }
        assert_eq!(app.staff_get(&format!("/api/v1/complaints/{id}")).await.json()["status"], "closed");
        let late = upload(&app, &operator, &format!("/api/v1/complaints/{id}/evidence"), "image/png", png()).await;
        assert_eq!(late.status, StatusCode::CONFLICT, "a closed complaint takes no more evidence: {}", late.body);
        app.advance(time::Duration::days(i64::from(app.config.retention_days) + 1));
        assert_eq!(server::jobs::run_retention(&app.state).await.unwrap(), 1);

        assert!(files(&evidence_dir).is_empty(), "the file is gone from disk");
        let listed = app.staff_get(&format!("/api/v1/complaints/{id}/evidence")).await;
        assert_eq!(listed.json(), json!([]));
        app
    })
    .await;
}
