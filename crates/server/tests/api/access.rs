//! Who may reach what: every role × every endpoint × a record of their own and of another
//! agency or school, through the real sign-in, sessions and CSRF tokens. Prints how many
//! cross-scope attempts were made; all must be denied.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

const ALMATY_POLICE: &str = "kz-75-police";
const ALMATY_FAMILY_CENTER: &str = "kz-75-family-support-center";
/// `Bin::synthetic(7)` and `(3)`, registered by `records`.
const OWN_SCHOOL: &str = "000040000079";
const OTHER_SCHOOL: &str = "000040000039";
const PHONE_ALMATY: &str = "+77015550175";
const PHONE_ASTANA: &str = "+77015550171";

/// A complaint of domestic violence in `region`, whose reporter gave a phone but did not
/// consent to be contacted.
fn complaint(region: &str, channel: &str, phone: &str) -> Value {
    json!({"channel": channel, "region": region, "language": "ru", "narrative": "Synthetic: shouting and blows at night",
        "categories": ["family_household_offence"], "reporter": {"name": "Synthetic Neighbour", "phone": phone, "consent_to_contact": false},
        "triage": {"answers": {"threats_to_kill": true}}, "victims": [{"age": 34, "sex": "female", "name": "Synthetic Victim"}]})
}

/// The roles, with the agency or school their account belongs to.
const ROLES: &[(&str, Option<&str>, Option<&str>)] = &[
    ("administrator", None, None),
    ("operator", None, None),
    ("supervisor", None, None),
    ("agency_officer", Some(ALMATY_POLICE), None),
    ("agency_head", Some(ALMATY_POLICE), None),
    ("family_support_specialist", Some(ALMATY_FAMILY_CENTER), None),
    ("school_reporter", None, Some(OWN_SCHOOL)),
    ("analyst", None, None),
    ("auditor", None, None),
];

struct Records {
    /// Assigned to the Almaty police and family support center; reported by the own school.
    own: String,
    /// Assigned to Astana's agencies; reported by another school.
    other: String,
}

async fn records(app: &TestApp) -> Records {
    assert_eq!(register_school(app, 7, "KZ-75", "Synthetic school No. 7").await, OWN_SCHOOL);
    assert_eq!(register_school(app, 3, "KZ-71", "Synthetic school No. 3").await, OTHER_SCHOOL);
    let own_school = app.sign_in_as("school.own", "school_reporter", None, Some(OWN_SCHOOL)).await;
    let other_school = app.sign_in_as("school.other", "school_reporter", None, Some(OTHER_SCHOOL)).await;
    let own = app.json_as(&own_school, "POST", "/api/v1/complaints", &complaint("KZ-75", "school", PHONE_ALMATY)).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    let other = app.json_as(&other_school, "POST", "/api/v1/complaints", &complaint("KZ-71", "school", PHONE_ASTANA)).await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.body);
    let records = Records { own: own.json()["id"].as_str().unwrap().into(), other: other.json()["id"].as_str().unwrap().into() };
    let stored = app.staff_get(&format!("/api/v1/complaints/{}", records.own)).await.json();
    let agencies: Vec<_> = stored["assignments"].as_array().unwrap().iter().map(|a| a["agency_id"].clone()).collect();
    assert!(agencies.contains(&json!(ALMATY_POLICE)) && agencies.contains(&json!(ALMATY_FAMILY_CENTER)), "{agencies:?}");
    records
}

fn ids(page: &Value) -> Vec<String> {
    let items = page.get("items").unwrap_or(page);
    items.as_array().map(|a| a.iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()).unwrap_or_default()
}

#[tokio::test]
async fn every_role_reaches_only_its_own_records_and_endpoints() {
    on_each_backend("access_matrix", config, |app| async move {
        let records = records(&app).await;
        let (mut cross_scope, mut cross_denied, mut checks) = (0, 0, 0);
        for &(role, agency, institution) in ROLES {
            let session = app.sign_in_as(&format!("{role}.test"), role, agency, institution).await;
            let reads = matches!(
                role,
                "operator" | "supervisor" | "agency_officer" | "agency_head" | "family_support_specialist" | "school_reporter"
            );
            let everything = matches!(role, "operator" | "supervisor");

            // The list: only one's own records.
            let list = app.get_as(&session, "/api/v1/complaints").await;
            assert_eq!(list.status.is_success(), reads, "{role} listing: {}", list.status);
            let listed = ids(&list.json());
            assert_eq!(listed.contains(&records.own), reads, "{role} lists its own record");
            if !everything {
                cross_scope += 1;
                cross_denied += usize::from(!listed.contains(&records.other));
            }

            // One record: its own, and another agency's or school's.
            let own = app.get_as(&session, &format!("/api/v1/complaints/{}", records.own)).await;
            assert_eq!(own.status == StatusCode::OK, reads, "{role} reading its own record: {}", own.status);
            let other = app.get_as(&session, &format!("/api/v1/complaints/{}", records.other)).await;
            assert_eq!(other.status == StatusCode::OK, everything, "{role} reading another's record: {}", other.status);
            if !everything {
                cross_scope += 1;
                cross_denied += usize::from(other.status == StatusCode::NOT_FOUND);
            }
            assert!(!other.body.contains("Synthetic Victim") || everything, "{role} saw another's victim");

            // Fields by role: an agency does not see a reporter who did not consent.
            if own.status == StatusCode::OK {
                let reporter = &own.json()["reporter"];
                let sees_reporter = reporter["name"] == "Synthetic Neighbour";
                assert_eq!(sees_reporter, everything || role == "school_reporter", "{role} and the reporter: {reporter}");
                assert_eq!(own.json()["victims"][0]["name"], "Synthetic Victim", "{role} sees the victim");
            }

            // A look-up by another region's phone finds nothing outside the scope.
            let search = app.json_as(&session, "POST", "/api/v1/complaints/search", &json!({"phone": PHONE_ASTANA})).await;
            assert_eq!(search.status.is_success(), reads, "{role} searching: {}", search.status);
            if !everything {
                cross_scope += 1;
                cross_denied += usize::from(!ids(&search.json()).contains(&records.other));
            }

            // Registering a phone call: the contact center only.
            let call = app.json_as(&session, "POST", "/api/v1/complaints", &complaint("KZ-75", "phone", PHONE_ALMATY)).await;
            assert_eq!(call.status == StatusCode::CREATED, everything, "{role} registering a call: {}", call.status);

            // Administration and the audit trail.
            let users = app.get_as(&session, "/api/v1/users").await;
            assert_eq!(users.status == StatusCode::OK, role == "administrator", "{role} listing accounts: {}", users.status);
            let new_user = json!({"login": format!("made-by-{role}"), "display_name": "Synthetic", "role": "operator", "password": PASSWORD});
            let created = app.json_as(&session, "POST", "/api/v1/users", &new_user).await;
            assert_eq!(created.status == StatusCode::CREATED, role == "administrator", "{role} creating accounts: {}", created.status);
            let token = json!({"name": "Synthetic system", "agency_id": ALMATY_POLICE, "permissions": ["complaints:read"], "days": 30});
            let issued = app.json_as(&session, "POST", "/api/v1/tokens", &token).await;
            assert_eq!(issued.status == StatusCode::CREATED, role == "administrator", "{role} issuing tokens: {}", issued.status);
            let statistics = app.get_as(&session, "/api/v1/statistics").await;
            let counts = matches!(role, "supervisor" | "agency_head" | "analyst");
            assert_eq!(statistics.status == StatusCode::OK, counts, "{role} reading statistics: {}", statistics.status);
            if counts {
                assert!(!statistics.body.contains("Synthetic"), "statistics carry no personal field");
                assert!(statistics.json()["total"].as_i64().unwrap() >= 1);
            }
            let audit = app.get_as(&session, "/api/v1/audit").await;
            assert_eq!(audit.status == StatusCode::OK, role == "auditor", "{role} reading the audit trail: {}", audit.status);

            // The pages.
            for (page, allowed) in [("/staff/admin/users", role == "administrator"), ("/staff/audit", role == "auditor")] {
                let answer = app.get_as(&session, page).await;
                assert_eq!(answer.status == StatusCode::OK, allowed, "{role} on {page}: {}", answer.status);
            }
            checks += 13;
        }
        println!("access matrix: {} roles, {checks} checks, {cross_scope} cross-scope attempts, {cross_denied} denied", ROLES.len());
        assert_eq!(cross_denied, cross_scope, "every cross-scope attempt is denied");
        app
    })
    .await;
}

#[tokio::test]
async fn an_agency_system_token_reads_only_its_agency_and_dies_when_revoked() {
    on_each_backend("access_token", config, |app| async move {
        let records = records(&app).await;
        let admin = app.sign_in_as("admin.test", "administrator", None, None).await;
        let request = json!({"name": "Synthetic police system", "agency_id": ALMATY_POLICE, "permissions": ["complaints:read"], "days": 30});
        let issued = app.json_as(&admin, "POST", "/api/v1/tokens", &request).await.json();
        let token = issued["token"].as_str().unwrap().to_owned();
        let get = |uri: String| {
            let request = axum::http::Request::get(uri).header("authorization", format!("Bearer {token}"));
            app.send(request.body(axum::body::Body::empty()).unwrap())
        };
        assert_eq!(get(format!("/api/v1/complaints/{}", records.own)).await.status, StatusCode::OK);
        assert_eq!(get(format!("/api/v1/complaints/{}", records.other)).await.status, StatusCode::NOT_FOUND);
        let listed = ids(&get("/api/v1/complaints".into()).await.json());
        assert_eq!(listed, std::slice::from_ref(&records.own));
        assert_eq!(get("/api/v1/audit".into()).await.status, StatusCode::FORBIDDEN, "a token is not an auditor");

        let revoked = app.json_as(&admin, "DELETE", &format!("/api/v1/tokens/{}", issued["id"].as_str().unwrap()), &json!({})).await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT);
        assert_eq!(get(format!("/api/v1/complaints/{}", records.own)).await.status, StatusCode::UNAUTHORIZED);
        app.advance(time::Duration::days(31));
        app
    })
    .await;
}

#[tokio::test]
async fn api_changes_with_a_session_need_its_csrf_token() {
    on_each_backend("access_csrf", config, |app| async move {
        let admin = app.sign_in_as("admin.test", "administrator", None, None).await;
        let forged = Session { csrf: "not-the-token".into(), ..admin.clone() };
        let new_user = json!({"login": "forged", "display_name": "Synthetic", "role": "operator", "password": PASSWORD});
        assert_eq!(app.json_as(&forged, "POST", "/api/v1/users", &new_user).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.json_as(&admin, "POST", "/api/v1/users", &new_user).await.status, StatusCode::CREATED);
        app
    })
    .await;
}
