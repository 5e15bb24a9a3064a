//! Fresh databases for tests, on each backend this machine offers: SQLite always, and
//! PostgreSQL when `QORGAU_TEST_POSTGRES_URL` is set (each test gets a database of its own,
//! dropped when the test ends).
//!
//! When `QORGAU_TEST_BACKEND_LOG` names a file, every test run appends a line with its
//! backend to it, so that CI can prove how many tests ran on PostgreSQL.

use crate::audit::ChainKey;
use crate::{Backend, Db, Keys};
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection};
use std::sync::Arc;
use vault::{KeyId, Keyring};
// Database names here are made of a UUID's hex digits: safe to splice into SQL.
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;

pub const POSTGRES_URL_VAR: &str = "QORGAU_TEST_POSTGRES_URL";

/// The backends to run every store and API test on.
pub fn backends() -> Vec<Backend> {
    let mut backends = vec![Backend::Sqlite];
    if std::env::var(POSTGRES_URL_VAR).is_ok_and(|u| !u.is_empty()) {
        backends.push(Backend::Postgres);
    }
    backends
}

/// A migrated, empty database that disappears with [`TestDb::cleanup`].
pub struct TestDb {
    pub db: Db,
    /// Fresh keys for this database.
    pub keys: Arc<Keys>,
    dir: Option<PathBuf>,
    pg: Option<(PgConnectOptions, String)>,
}

impl TestDb {
    /// A new database on `backend`; `test` names the test in the backend log.
    pub async fn fresh(backend: Backend, test: &str) -> TestDb {
        log_run(backend, test);
        let unique = uuid::Uuid::now_v7().simple().to_string();
        let test_db = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("qorgau-test-{unique}"));
                let db = Db::open_data_dir(&dir).await.expect("open a SQLite test database");
                TestDb { db, keys: Arc::new(keys()), dir: Some(dir), pg: None }
            }
            Backend::Postgres => {
                let url = std::env::var(POSTGRES_URL_VAR).expect("the PostgreSQL test URL");
                let admin = PgConnectOptions::from_str(&url).expect("a valid PostgreSQL URL");
                let name = format!("qorgau_test_{unique}");
                let mut conn = sqlx::PgConnection::connect_with(&admin).await.expect("connect to the test PostgreSQL");
                sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create a test database");
                conn.close().await.ok();
                let db = Db::open_postgres(admin.clone().database(&name)).await.expect("connect to the test database");
                TestDb { db, keys: Arc::new(keys()), dir: None, pg: Some((admin, name)) }
            }
        };
        test_db.db.migrate().await.expect("migrate the test database");
        test_db
    }

    /// The folder of a SQLite database (its file and journal are inside).
    pub fn sqlite_dir(&self) -> Option<&std::path::Path> {
        self.dir.as_deref()
    }

    /// Drops the database (PostgreSQL) or deletes its folder (SQLite).
    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some(dir) = self.dir {
            std::fs::remove_dir_all(dir).ok();
        }
        if let Some((admin, name)) = self.pg
            && let Ok(mut conn) = sqlx::PgConnection::connect_with(&admin).await
        {
            sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&mut conn).await.ok();
        }
    }
}

/// Fresh random field keys and a fixed chain key, for tests.
pub fn keys() -> Keys {
    let id = KeyId::new("test-1").expect("a valid key id");
    let fields = Keyring::from_text(&Keyring::generate(&id)).expect("a generated key file reads back");
    Keys { fields, chain: ChainKey::new([7; 32]) }
}

fn log_run(backend: Backend, test: &str) {
    let Ok(path) = std::env::var("QORGAU_TEST_BACKEND_LOG") else { return };
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        // One write per line: parallel tests append to the same file.
        let _ = f.write_all(format!("{} {test}\n", backend.name()).as_bytes());
    }
}

/// A stored-complaint record made from a complaint's JSON (e.g. `domain::synthetic::complaint_json`)
/// at `at`, assessed with `reference`; ids and tracking code follow from `seed`.
pub fn record_from(
    body: &serde_json::Value,
    seed: u64,
    at: time::OffsetDateTime,
    reference: &domain::reference::Reference,
) -> crate::complaints::NewRecord {
    let complaint = domain::complaint::ComplaintInput::from_json(body.to_string().as_bytes())
        .expect("a JSON object")
        .validate(at, &reference.taxonomy)
        .expect("a valid complaint");
    let assessment = domain::assessment::Assessment::of(reference, &complaint, &complaint.categories, &complaint.answers, at);
    let mut random = [0u8; 10];
    random[2..].copy_from_slice(&seed.to_be_bytes());
    crate::complaints::NewRecord {
        id: domain::ids::ComplaintId::new(at, random),
        tracking_code: domain::ids::TrackingCode::from_random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        status_pin_hash: vec![seed as u8; 32],
        received_at: at,
        complaint,
        assessment,
        reference_version: reference.version().to_owned(),
        idempotency: None,
        institution_id: None,
        qr_institution: None,
        school_report: None,
        created_by: domain::audit::AuditActor::system(),
    }
}
