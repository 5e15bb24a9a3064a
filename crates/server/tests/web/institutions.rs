//! The registry page, the administrator's CSV upload, and the QR posters for schools: what
//! staff and schools see, and that the printed code leads to the school's report form.

use crate::support::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::clock::Clock;
use domain::institution::{Bin, Institution};

const PUBLIC_URL: &str = "https://111.example.kz";

fn with_public_url() -> server::config::Config {
    server::config::Config { public_url: Some(PUBLIC_URL.into()), ..config() }
}

/// An upload as a browser sends it: `multipart/form-data` with the CSRF token and the file.
fn upload_as(session: &Session, csv: &str) -> Request<Body> {
    let boundary = "qorgau-test-boundary-7d3f";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"schools.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n",
        csrf = session.csrf,
    );
    Request::post("/staff/institutions/import?lang=en")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, &session.cookie)
        .body(Body::from(body))
        .unwrap()
}

/// Two synthetic schools of the registry, stored.
async fn two_schools(app: &TestApp) -> (Institution, Institution) {
    let all = domain::institution::synthetic(&app.state.reference.agencies);
    store::institutions::upsert_many(&app.db, &all[..2], app.clock.now()).await.unwrap();
    (all[0].clone(), all[1].clone())
}

/// Reads the QR code of an SVG as a phone would: the drawing's rectangles painted into a
/// picture, found and decoded by `rqrr`.
fn decode_svg(svg: &str) -> String {
    let number = |after: &str| -> usize { svg.split(after).nth(1).unwrap().split('"').next().unwrap().parse().unwrap() };
    let size = number("width=\"");
    let path = svg.split(" d=\"").nth(1).expect("a path of dark modules").split('"').next().unwrap();
    let mut dark = vec![false; size * size];
    for rect in path.split('M').skip(1) {
        // `{left} {top}h{width}v{height}H{left}V{top}`
        let cut: Vec<usize> =
            rect.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).take(4).map(|n| n.parse().unwrap()).collect();
        let [left, top, width, height] = cut[..] else { panic!("a rectangle: {rect}") };
        for y in top..top + height {
            dark[y * size + left..y * size + left + width].fill(true);
        }
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| if dark[y * size + x] { 0 } else { 255 });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the drawing");
    grids[0].decode().expect("a readable QR code").1
}

#[tokio::test]
async fn an_administrator_uploads_the_registry_and_sees_what_was_refused() {
    on_each_backend("web_institutions_import", with_public_url, |app| async move {
        let (first, second) = (Bin::synthetic(1).unwrap(), Bin::synthetic(2).unwrap());
        let csv = format!(
            "bin,kind,name,region,locality,education_department\r\n\
             {first},school,\"School No. 1 (demo), Almaty\",KZ-75,Almaty,kz-75-education-department\r\n\
             {second},college,College (demo),KZ-75,Almaty,kz-71-education-department\r\n"
        );
        let admin = app.sign_in_as("admin.upload", "administrator", None, None).await;
        let page = app.get_as(&admin, "/staff/institutions?lang=en").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("enctype=\"multipart/form-data\""), "an administrator has the upload form");

        let report = app.send(upload_as(&admin, &csv)).await;
        assert_eq!(report.status, StatusCode::OK, "{}", report.body);
        assert_eq!(text_of(&report.body, "import-inserted"), "Added: 1");
        assert_eq!(text_of(&report.body, "import-refused-count"), "Rows refused: 1");
        let problems = report.body.split("id=\"import-problems\"").nth(1).expect("the refused rows");
        assert!(problems.contains("<td>3</td><td>Education department</td>"), "line and column: {problems}");
        assert!(problems.contains("this education department is of another region"));
        assert!(!problems.contains("kz-71-education-department"), "never the refused value");
        assert!(report.body.contains("School No. 1 (demo), Almaty"), "the registry lists the new school");

        let again = app.send(upload_as(&admin, &csv)).await;
        assert_eq!(text_of(&again.body, "import-unchanged"), "Already up to date: 1");

        let broken = app.send(upload_as(&admin, "bin,kind,name\r\n")).await;
        assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(broken.body.contains("href=\"#file\""), "the summary links to the file field");
        assert!(broken.body.contains("Locality: the header lacks this column"), "{}", broken.body);

        let forged = Session { csrf: "forged".into(), ..admin.clone() };
        assert_eq!(app.send(upload_as(&forged, &csv)).await.status, StatusCode::FORBIDDEN, "the CSRF token is checked");
        app
    })
    .await;
}

#[tokio::test]
async fn only_administrators_upload() {
    on_each_backend("web_institutions_operator", with_public_url, |app| async move {
        two_schools(&app).await;
        let operator = app.sign_in_as("operator.registry.web", "operator", None, None).await;
        let page = app.get_as(&operator, "/staff/institutions?lang=en&region=&kind=school&q=school").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("/poster?lang=en"), "each row links to its poster");
        assert!(page.body.contains("/qr.svg"), "and to its QR code");
        assert!(!page.body.contains("multipart/form-data"), "no upload form for an operator");
        let csv = "bin,kind,name,region,locality,education_department\r\n";
        let refused = app.send(upload_as(&operator, csv)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("Your account may not"), "{}", refused.body);
        app
    })
    .await;
}

#[tokio::test]
async fn the_poster_speaks_each_language_and_its_code_leads_to_the_schools_form() {
    on_each_backend("web_institutions_poster", with_public_url, |app| async move {
        let (school, _) = two_schools(&app).await;
        let operator = app.sign_in_as("operator.poster", "operator", None, None).await;
        let path = format!("/staff/institutions/{}/poster", school.bin);
        let mut titles = Vec::new();
        for lang in ["kk", "ru", "en"] {
            let page = app.get_as(&operator, &format!("{path}?lang={lang}")).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert!(page.body.contains(&format!("<html lang=\"{lang}\">")));
            assert_eq!(text_of(&page.body, "poster-institution"), school.name);
            assert!(page.body.contains("<svg "), "the code is in the page");
            assert!(!page.body.contains("<?xml"), "as an element, not a document");
            assert_eq!(text_of(&page.body, "poster-url"), format!("111.example.kz/qr/{}", school.bin));
            assert!(text_of(&page.body, "poster-call").contains("111"));
            assert!(text_of(&page.body, "poster-danger").contains("102"));
            assert!(page.body.contains("href=\"?lang=kk\""), "the language switch keeps the path");
            assert!(page.body.contains("href=\"/assets/poster.css\""));
            titles.push(text_of(&page.body, "poster-title"));
        }
        assert_eq!(titles[2], "Is someone hurting you?");
        assert!(titles[0] != titles[2] && titles[1] != titles[2], "{titles:?}");
        let css = app.get("/assets/poster.css").await;
        assert!(css.body.contains("size: A4"));

        let svg = app.get_as(&operator, &format!("/staff/institutions/{}/qr.svg", school.bin)).await;
        assert_eq!(svg.status, StatusCode::OK);
        assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
        assert_eq!(svg.header("content-disposition"), Some(format!("attachment; filename=\"qr-{}.svg\"", school.bin).as_str()));
        assert_eq!(svg.header("x-content-type-options"), Some("nosniff"));
        assert!(svg.body.starts_with("<?xml") && svg.body.contains("viewBox"));
        assert_eq!(decode_svg(&svg.body), format!("{PUBLIC_URL}/qr/{}", school.bin));
        let api = app.get_as(&operator, &format!("/api/v1/institutions/{}/qr.svg", school.bin)).await;
        assert_eq!((api.status, api.body.as_str()), (StatusCode::OK, svg.body.as_str()), "the API gives the same file");
        let unknown = app.get_as(&operator, "/api/v1/institutions/123/qr.svg").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        app
    })
    .await;
}

#[tokio::test]
async fn a_school_prints_only_its_own_poster() {
    on_each_backend("web_institutions_school", with_public_url, |app| async move {
        let (own, other) = two_schools(&app).await;
        let school = app.sign_in_as("school.poster", "school_reporter", None, Some(own.bin.as_str())).await;
        let home = app.get_as(&school, "/staff/intake?lang=en").await;
        let link = format!("href=\"/staff/institutions/{}/poster?lang=en\"", own.bin);
        assert!(home.body.contains(&link), "the school's navigation offers its poster");
        assert!(home.body.contains("Our QR poster"));
        let poster = |bin: &Bin| format!("/staff/institutions/{bin}/poster?lang=en");
        assert_eq!(app.get_as(&school, &poster(&own.bin)).await.status, StatusCode::OK);
        let refused = app.get_as(&school, &poster(&other.bin)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "another school's poster");
        let svg = app.get_as(&school, &format!("/staff/institutions/{}/qr.svg", other.bin)).await;
        assert_eq!(svg.status, StatusCode::FORBIDDEN, "and its code");

        let operator = app.sign_in_as("operator.unknown", "operator", None, None).await;
        let unknown = (9_999_000..).find_map(Bin::synthetic).unwrap();
        for bin in [unknown.as_str(), "not-a-bin", "123"] {
            let page = app.get_as(&operator, &format!("/staff/institutions/{bin}/poster?lang=en")).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{bin}");
            assert!(page.body.contains("Not found"));
        }
        let signed_out = app.get(&format!("/staff/institutions/{}/poster", own.bin)).await;
        assert_eq!(signed_out.status, StatusCode::SEE_OTHER, "the public is sent to sign in");
        app
    })
    .await;
}
