//! `TestApp`: the whole application on a fresh database of one backend, with a clock the
//! test controls, called in-process through `tower::ServiceExt::oneshot`.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use domain::clock::Clock;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::config::Config;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use store::test_support::{TestDb, backends};
use time::OffsetDateTime;
use tower::ServiceExt;

/// The demo mode's bootstrap token (acts as an operator). Most tests of intake use it; the
/// tests of access sign in as real accounts with [`TestApp::sign_in_as`].
pub const TOKEN: &str = "test-staff-token";
/// The password of every test account.
pub const PASSWORD: &str = "synthetic-password-1";

/// A clock that stands still until the test moves it.
pub struct TestClock(Mutex<OffsetDateTime>);

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub app: Router,
    pub clock: Arc<TestClock>,
    pub db: store::Db,
    pub state: server::state::AppState,
    /// The configuration it started with (a second instance on the same database needs it).
    pub config: Config,
    test_db: TestDb,
}

/// A signed-in test account: its session cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `field` of each error in the envelope.
    pub fn error_fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .expect("an error envelope")
            .iter()
            .map(|e| e["field"].as_str().unwrap_or("").to_owned())
            .collect()
    }
}

/// Runs `body` once per backend, each time on a fresh app.
pub async fn on_each_backend<F, Fut>(test: &str, config: impl Fn() -> Config, body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = TestApp>,
{
    for backend in backends() {
        let app = TestApp::start(backend, test, config()).await;
        let TestApp { app, test_db, .. } = body(app).await;
        // The intake writer holds a connection until the app that feeds it is gone.
        drop(app);
        test_db.cleanup().await;
    }
}

/// Demo mode (for the bootstrap token), a fixed secret, fresh field keys in the test's own
/// data folder, and cheap password hashes (argon2id still, with 1 MiB instead of 19).
pub fn config() -> Config {
    let data_dir = std::env::temp_dir().join(format!("qorgau-test-data-{}", uuid::Uuid::now_v7().simple()));
    Config {
        admin_token: Some(TOKEN.into()),
        demo: true,
        secret: Some("42".repeat(32)),
        field_keys: Some(vault::Keyring::generate(&vault::KeyId::new("test").unwrap())),
        password_memory_kib: 1024,
        data_dir,
        ..Config::default()
    }
}

impl TestApp {
    pub async fn start(backend: store::Backend, test: &str, config: Config) -> TestApp {
        let test_db = TestDb::fresh(backend, test).await;
        let clock = Arc::new(TestClock(Mutex::new(time::macros::datetime!(2026-11-25 09:00 UTC))));
        let state = server::startup::state(&config, test_db.db.clone(), clock.clone()).expect("state");
        TestApp { app: server::startup::app(state.clone()), clock, db: test_db.db.clone(), state, config, test_db }
    }

    /// Another server on the same database, with the same configuration and clock.
    pub fn second_instance(&self) -> server::state::AppState {
        server::startup::state(&self.config, self.db.clone(), self.clock.clone()).expect("a second state")
    }

    pub fn advance(&self, by: time::Duration) {
        *self.clock.0.lock().unwrap() += by;
    }

    /// Sends a request from `from` (an address).
    pub async fn send_from(&self, from: [u8; 4], mut request: Request<Body>) -> Answer {
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from((from, 40000))));
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("a body").to_bytes();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        self.send_from([203, 0, 113, 7], request).await
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    /// Creates an account (as the command line does) and signs it in through the sign-in page.
    pub async fn sign_in_as(&self, login: &str, role: &str, agency: Option<&str>, institution: Option<&str>) -> Session {
        let new = server::service::accounts::NewUser {
            login: login.into(),
            display_name: format!("Synthetic {login}"),
            role: role.into(),
            agency_id: agency.map(str::to_owned),
            institution_id: institution.map(str::to_owned),
            password: PASSWORD.into(),
            email: None,
        };
        server::service::accounts::create_user(&self.state, None, new).await.expect("a test account");
        self.sign_in(login, PASSWORD).await.expect("a session")
    }

    /// Signs in through the page; `None` if refused.
    pub async fn sign_in(&self, login: &str, password: &str) -> Option<Session> {
        let answer = self.post_form("/staff/sign-in", &[("login", login), ("password", password)]).await;
        if answer.status != StatusCode::SEE_OTHER {
            return None;
        }
        let cookie = answer.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
        let account =
            self.send(Request::get("/staff/account").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
        let csrf = hidden_value(&account.body, "csrf");
        Some(Session { cookie, csrf })
    }

    /// A GET with the session's cookie.
    pub async fn get_as(&self, session: &Session, uri: &str) -> Answer {
        self.send(Request::get(uri).header(header::COOKIE, &session.cookie).body(Body::empty()).unwrap()).await
    }

    /// A JSON request with the session's cookie and CSRF token.
    pub async fn json_as(&self, session: &Session, method: &str, uri: &str, body: &Value) -> Answer {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &session.cookie)
            .header("x-csrf-token", &session.csrf);
        self.send(request.body(Body::from(body.to_string())).unwrap()).await
    }

    pub async fn staff_get(&self, uri: &str) -> Answer {
        self.send(Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {TOKEN}")).body(Body::empty()).unwrap()).await
    }

    /// POSTs a complaint as the public (no token).
    pub async fn post_complaint(&self, body: &Value) -> Answer {
        self.send(json_post("/api/v1/complaints", body).body(Body::from(body.to_string())).unwrap()).await
    }

    pub async fn staff_post_complaint(&self, body: &Value) -> Answer {
        let request = json_post("/api/v1/complaints", body).header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
        self.send(request.body(Body::from(body.to_string())).unwrap()).await
    }

    /// POSTs a web form (`application/x-www-form-urlencoded`).
    pub async fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> Answer {
        self.post_form_from([203, 0, 113, 7], uri, fields).await
    }

    pub async fn post_form_from(&self, from: [u8; 4], uri: &str, fields: &[(&str, &str)]) -> Answer {
        let body: String = fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
        let request =
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body)).unwrap();
        self.send_from(from, request).await
    }
}

pub fn json_post(uri: &str, _body: &Value) -> axum::http::request::Builder {
    Request::post(uri).header(header::CONTENT_TYPE, "application/json")
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The minimal request of the issue, which must be accepted as it stands.
pub fn minimal() -> Value {
    serde_json::json!({"channel":"web","region":"KZ-71","language":"ru","narrative":"…","reporter":{"anonymous":true},"victims":[{"age":9,"sex":"female"}]})
}

/// A staff form post with the session's cookie and CSRF token (`fields` as they are: no `&`
/// or `=` in them).
pub fn form_as(uri: &str, session: &Session, fields: &[(&str, &str)]) -> Request<Body> {
    let mut all = vec![("csrf", session.csrf.as_str())];
    all.extend_from_slice(fields);
    let body: String = all.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&");
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &session.cookie)
        .body(Body::from(body))
        .unwrap()
}

/// The value of `name="…" value="…"` in a page.
pub fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in the page")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The text of the element with `id` (up to the next tag).
pub fn text_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no #{id} in the page")) + marker.len();
    html[start..].split('<').next().unwrap().trim().to_owned()
}

/// A valid action report (synthetic).
pub fn report() -> Value {
    json!({"actions": [{"kind": "home_visit"}, {"kind": "protective_order", "number": "PO-2026-0042", "issued_on": "2026-11-25", "term_days": 30}],
        "results": "Synthetic: the family was visited; a protective order was issued.", "follow_up_on": "2026-12-10"})
}

/// Takes a step of an agency's assignment through the API.
pub async fn step(app: &TestApp, who: &Session, id: &str, agency: &str, step: &str, body: Value) -> Answer {
    app.json_as(who, "POST", &format!("/api/v1/complaints/{id}/assignments/{agency}/{step}"), &body).await
}

/// Registers a synthetic school (`Bin::synthetic(serial)`) of `region`; its BIN.
pub async fn register_school(app: &TestApp, serial: u32, region: &str, name: &str) -> String {
    let school = domain::institution::Institution {
        bin: domain::institution::Bin::synthetic(serial).expect("a synthetic BIN"),
        kind: domain::institution::InstitutionKind::School,
        name: name.into(),
        region: domain::region::Region::by_code(region).expect("a region"),
        locality: "Synthetic town".into(),
        education_department: format!("{}-education-department", region.to_lowercase()),
    };
    store::institutions::upsert_many(&app.db, std::slice::from_ref(&school), app.state.clock.now()).await.expect("registered");
    school.bin.to_string()
}
