//! What protects the people in the data: sealed personal fields, the audit chain, accounts,
//! sessions and tokens; on every backend this machine offers.

use domain::audit::{AuditAction, AuditActor, AuditEntry};
use domain::complaint::Reporter;
use domain::policy::{Permission, StaffRole};
use domain::reference::Reference;
use store::audit::{self, AuditFilter, BrokenLink};
use store::complaints::{self, ListFilter, NewRecord};
use store::test_support::{TestDb, backends};
use store::users::{self, Access, ApiToken, NewSession, User};
use store::writer::IntakeWriter;
use store::{Db, on_db};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

const AT: OffsetDateTime = datetime!(2026-11-25 09:00 UTC);

/// Distinctive synthetic values, to look for in the raw database.
const NARRATIVE: &str = "Zhuldyzay-synthetic narrative: the neighbour shouted at night";
const NAME: &str = "Aigerim-Synthetic Testova";
const PHONE: &str = "+77015550123";
const VICTIM: &str = "Synthetic Dana Testkyzy";
const ADDRESS: &str = "Synthetic street 17, flat 4";
const ACTIONS: &str = "Synthetic-Actions: the school psychologist spoke with Dana";

fn victim_iin() -> String {
    let born = time::macros::date!(2017 - 03 - 08);
    (0..)
        .find_map(|serial| domain::iin::Iin::synthetic(born, domain::complaint::Sex::Female, serial))
        .unwrap()
        .as_str()
        .to_owned()
}

fn record(seed: u64) -> NewRecord {
    let reference = Reference::embedded();
    let body = serde_json::json!({
        "channel": "phone", "region": "KZ-71", "language": "ru", "narrative": NARRATIVE,
        "reporter": {"name": NAME, "phone": PHONE, "consent_to_contact": true, "safe_to_contact": true},
        "victims": [{"age": 9, "sex": "female", "name": VICTIM, "iin": victim_iin()}],
        "perpetrators": [{"relation": "father", "sex": "male", "name": "Synthetic Perpetrator Testov"}],
        "address": ADDRESS,
    });
    let mut record = store::test_support::record_from(&body, seed, AT, &reference);
    // As if it came as a school's report: what the school did is sealed too.
    record.school_report = Some(store::schools::SchoolReportRow {
        institution_bin: domain::institution::Bin::synthetic(7).unwrap().to_string(),
        kind: domain::school::SchoolReportKind::UnlawfulAct,
        learned_at: AT - Duration::hours(2),
        timeliness: domain::school::Timeliness::of(AT - Duration::hours(2), AT, Duration::hours(24)),
        minors: vec![],
        actions_taken: ACTIONS.into(),
    });
    record
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Everything the database holds, as raw bytes: the SQLite files, or every row of every
/// table of ours as PostgreSQL prints it.
async fn raw_contents(test_db: &TestDb) -> Vec<u8> {
    match (&test_db.db, test_db.sqlite_dir()) {
        (Db::Sqlite(pool), Some(dir)) => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await.unwrap();
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(dir).unwrap() {
                bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
            }
            bytes
        }
        (Db::Pg(pool), _) => {
            let mut bytes = Vec::new();
            for table in ["complaints", "complaint_victims", "complaint_perpetrators", "audit_events"] {
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT t::text FROM {table} t")))
                    .fetch_all(pool)
                    .await
                    .unwrap();
                bytes.extend(rows.concat().into_bytes());
            }
            bytes
        }
        _ => unreachable!("a SQLite test database has a folder"),
    }
}

#[tokio::test]
async fn the_database_holds_no_personal_value_in_clear() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "sealed_at_rest").await;
        let writer = IntakeWriter::start(test_db.db.clone(), test_db.keys.clone());
        let r = record(1);
        writer.write(r.clone()).await.unwrap();
        drop(writer);

        let raw = raw_contents(&test_db).await;
        assert!(contains(&raw, r.tracking_code.as_str().as_bytes()), "the scan sees stored values");
        let iin = victim_iin();
        for value in [NARRATIVE, "Zhuldyzay", NAME, PHONE, "7015550123", VICTIM, ADDRESS, &iin, "Perpetrator Testov", ACTIONS] {
            assert!(!contains(&raw, value.as_bytes()), "{value:?} is stored in clear on {backend:?}");
        }
        // And it reads back whole with the keys.
        let stored = complaints::get(&test_db.db, &test_db.keys, r.id).await.unwrap().unwrap();
        assert_eq!(stored.details.narrative, NARRATIVE);
        assert!(matches!(&stored.details.reporter, Reporter::Identified(c) if c.phone.as_deref() == Some(PHONE)));
        assert_eq!(
            stored.details,
            domain::complaint::NewComplaint { categories: stored.details.categories.clone(), ..r.complaint }
        );
        test_db.cleanup().await;
    }
}

#[tokio::test]
async fn a_phone_is_found_through_its_blind_index() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "blind_index").await;
        let writer = IntakeWriter::start(test_db.db.clone(), test_db.keys.clone());
        let r = record(2);
        writer.write(r.clone()).await.unwrap();
        writer.write(record(3)).await.unwrap();
        let index = |phone: &str| Some(test_db.keys.fields.blind_index(store::sealed::PHONE, phone));
        let found = |phone_index| {
            let filter = ListFilter { limit: 10, phone_index, ..Default::default() };
            let (db, keys) = (test_db.db.clone(), test_db.keys.clone());
            async move { complaints::list(&db, &keys, &filter).await.unwrap().len() }
        };
        assert_eq!(found(index(PHONE)).await, 2);
        assert_eq!(found(index("+77019999999")).await, 0);
        let by_iin = ListFilter {
            limit: 10,
            iin_index: Some(test_db.keys.fields.blind_index(store::sealed::IIN, &victim_iin())),
            ..Default::default()
        };
        assert_eq!(complaints::list(&test_db.db, &test_db.keys, &by_iin).await.unwrap().len(), 2, "a victim's IIN");
        let as_phone = ListFilter { limit: 10, phone_index: by_iin.iin_index.clone(), ..Default::default() };
        assert!(complaints::list(&test_db.db, &test_db.keys, &as_phone).await.unwrap().is_empty(), "kinds do not mix");
        drop(writer); // it holds a connection until then
        test_db.cleanup().await;
    }
}

fn event(action: AuditAction, n: u32) -> AuditEntry {
    AuditEntry::new(AT + Duration::seconds(n.into()), AuditActor::system(), action).on("complaint", n)
}

#[tokio::test]
async fn the_audit_chain_names_the_first_broken_link() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "audit_chain").await;
        let (db, key) = (&test_db.db, &test_db.keys.chain);
        for n in 0..10 {
            audit::append(db, key, &[event(AuditAction::ComplaintView, n), event(AuditAction::SignIn, n)]).await.unwrap();
        }
        let intact = audit::verify(db, key).await.unwrap();
        assert_eq!((intact.events, intact.broken), (20, None));

        // Someone edits event 7 to hide who looked at what.
        on_db!(db, pool => sqlx::query("UPDATE audit_events SET record_id = 'x' WHERE seq = 7").execute(pool).await.map(drop).unwrap());
        let edited = audit::verify(db, key).await.unwrap();
        assert_eq!(edited.broken, Some(BrokenLink { seq: 7, reason: "hash does not follow from the previous event" }));
        assert_eq!(edited.events, 6);

        // A wrong key cannot vouch for the chain either.
        let other = audit::verify(db, &store::audit::ChainKey::new([8; 32])).await.unwrap();
        assert_eq!(other.broken.map(|b| b.seq), Some(1));
        test_db.cleanup().await;
    }
}

#[tokio::test]
async fn deleted_audit_events_are_found() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "audit_deleted").await;
        let (db, key) = (&test_db.db, &test_db.keys.chain);
        let events: Vec<_> = (0..5).map(|n| event(AuditAction::ComplaintView, n)).collect();
        audit::append(db, key, &events).await.unwrap();
        on_db!(db, pool => sqlx::query("DELETE FROM audit_events WHERE seq = 5").execute(pool).await.map(drop).unwrap());
        assert_eq!(audit::verify(db, key).await.unwrap().broken.map(|b| b.seq), Some(5), "the last one cut off");
        on_db!(db, pool => sqlx::query("DELETE FROM audit_events WHERE seq = 2").execute(pool).await.map(drop).unwrap());
        assert_eq!(audit::verify(db, key).await.unwrap().broken.map(|b| b.seq), Some(2), "one from the middle");
        test_db.cleanup().await;
    }
}

#[tokio::test]
async fn a_complaint_is_created_with_its_audit_event() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "audit_creation").await;
        let writer = IntakeWriter::start(test_db.db.clone(), test_db.keys.clone());
        let r = record(4);
        writer.write(r.clone()).await.unwrap();
        let filter = AuditFilter { record_id: Some(r.id.0.to_string()), limit: 10, ..Default::default() };
        let events = audit::list(&test_db.db, &filter).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].action.as_str(), events[0].actor_kind.as_str()), ("complaint.create", "system"));
        assert_eq!(audit::verify(&test_db.db, &test_db.keys.chain).await.unwrap().broken, None);
        drop(writer);
        test_db.cleanup().await;
    }
}

fn user(login: &str, role: StaffRole) -> User {
    User {
        id: Uuid::now_v7(),
        login: login.into(),
        display_name: "Synthetic Officer".into(),
        role,
        agency_id: role.needs_agency().then(|| "kz-71-police".into()),
        institution_id: None,
        password_hash: "$argon2id$stub-not-checked-here".into(),
        failed_attempts: 0,
        locked_until: None,
        disabled: false,
        created_at: AT,
        email: None,
    }
}

#[tokio::test]
async fn accounts_sessions_and_tokens() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "accounts").await;
        let (db, key) = (&test_db.db, &test_db.keys.chain);
        let officer = user("officer.one", StaffRole::AgencyOfficer);
        let created = |u: &User| AuditEntry::new(AT, AuditActor::system(), AuditAction::UserCreate).on("user", u.id);
        assert!(users::create(db, key, &officer, created(&officer)).await.unwrap());
        assert!(!users::create(db, key, &user("officer.one", StaffRole::Operator), created(&officer)).await.unwrap());
        assert_eq!(users::find_by_login(db, "officer.one").await.unwrap().unwrap(), officer);

        let session = NewSession {
            id_hash: vec![9; 32],
            user_id: officer.id,
            csrf_token: "csrf".into(),
            created_at: AT,
            expires_at: AT + Duration::hours(12),
        };
        let signed_in = AuditEntry::new(AT, AuditActor::system(), AuditAction::SignIn).on("user", officer.id);
        users::start_session(db, key, &session, signed_in.clone()).await.unwrap();
        let found = users::find_session(db, &[9; 32], AT + Duration::hours(1)).await.unwrap().unwrap();
        assert_eq!((found.user.id, found.csrf_token.as_str()), (officer.id, "csrf"));
        assert!(users::find_session(db, &[9; 32], AT + Duration::hours(13)).await.unwrap().is_none(), "expired");
        assert!(users::find_session(db, &[8; 32], AT).await.unwrap().is_none(), "unknown");

        // A change of role ends the account's sessions at once.
        let access =
            Access { role: StaffRole::AgencyHead, agency_id: officer.agency_id.clone(), institution_id: None, disabled: false };
        let changed = AuditEntry::new(AT, AuditActor::system(), AuditAction::UserRoleChange).on("user", officer.id);
        users::set_access(db, key, officer.id, &access, AT, &[changed]).await.unwrap();
        assert!(users::find_session(db, &[9; 32], AT).await.unwrap().is_none());
        assert_eq!(users::get(db, officer.id).await.unwrap().unwrap().role, StaffRole::AgencyHead);

        let token = ApiToken {
            id: Uuid::now_v7(),
            name: "police system".into(),
            agency_id: "kz-71-police".into(),
            permissions: vec![Permission::ReadComplaints],
            created_by: officer.id,
            created_at: AT,
            expires_at: AT + Duration::days(90),
            revoked_at: None,
        };
        let issued = AuditEntry::new(AT, AuditActor::system(), AuditAction::TokenIssue).on("token", token.id);
        users::issue_token(db, key, &token, &[5; 32], issued.clone()).await.unwrap();
        assert_eq!(users::find_token(db, token.id, &[5; 32], AT).await.unwrap(), Some(token.clone()));
        assert_eq!(users::find_token(db, token.id, &[6; 32], AT).await.unwrap(), None, "wrong secret");
        assert_eq!(users::find_token(db, token.id, &[5; 32], AT + Duration::days(91)).await.unwrap(), None, "expired");
        assert!(users::revoke_token(db, key, token.id, AT, issued).await.unwrap());
        assert_eq!(users::find_token(db, token.id, &[5; 32], AT).await.unwrap(), None, "revoked");

        let trail = audit::list(db, &AuditFilter { limit: 100, ..Default::default() }).await.unwrap();
        let actions: Vec<_> = trail.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["user.create", "sign_in", "user.role_change", "token.issue", "token.issue"]);
        test_db.cleanup().await;
    }
}

#[tokio::test]
async fn rotating_the_field_key_reseals_every_value_once() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "rotation").await;
        let writer = IntakeWriter::start(test_db.db.clone(), test_db.keys.clone());
        let r = record(5);
        writer.write(r.clone()).await.unwrap();
        drop(writer);
        let (fields, _) = test_db.keys.fields.with_new_key(&vault::KeyId::new("test-2").unwrap()).unwrap();
        let rotated = store::Keys { fields, chain: test_db.keys.chain.clone() };
        // narrative, address, name, phone; victim name and IIN; perpetrator name; the school's actions.
        assert_eq!(
            store::rotation::reseal_all(&test_db.db, &rotated, &std::env::temp_dir().join("qorgau-no-evidence")).await.unwrap(),
            8
        );
        assert_eq!(
            store::rotation::reseal_all(&test_db.db, &rotated, &std::env::temp_dir().join("qorgau-no-evidence")).await.unwrap(),
            0,
            "nothing left to re-seal"
        );
        let narratives: Vec<Vec<u8>> =
            on_db!(&test_db.db, pool => sqlx::query_scalar("SELECT narrative FROM complaints").fetch_all(pool).await.unwrap());
        assert!(narratives.iter().all(|n| vault::sealed_key_id(n) == Some("test-2")));
        let stored = complaints::get(&test_db.db, &rotated, r.id).await.unwrap().unwrap();
        assert_eq!(stored.details.narrative, NARRATIVE);
        let school = store::schools::get(&test_db.db, &rotated, r.id).await.unwrap().unwrap();
        assert_eq!(school.actions_taken.as_deref(), Some(ACTIONS), "read back under the new key");
        assert_eq!(audit::verify(&test_db.db, &rotated.chain).await.unwrap().broken, None);
        test_db.cleanup().await;
    }
}

#[tokio::test]
async fn the_export_gives_every_event_since_a_time_oldest_first() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "audit_export").await;
        let (db, key) = (&test_db.db, &test_db.keys.chain);
        let events: Vec<_> = (0..7).map(|n| event(AuditAction::ComplaintView, n * 3600)).collect();
        audit::append(db, key, &events).await.unwrap();
        let mut seen = Vec::new();
        let since = AT + Duration::hours(2);
        let total = audit::export_since(db, since, 2, |page| {
            seen.extend(page.iter().map(|e| e.seq));
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(total, 5, "the events at 2 h and later, in pages of 2");
        assert_eq!(seen, [3, 4, 5, 6, 7]);
        test_db.cleanup().await;
    }
}

#[tokio::test]
async fn retention_erases_what_a_school_said_it_did_but_keeps_the_report_for_the_figures() {
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "school_retention").await;
        let writer = IntakeWriter::start(test_db.db.clone(), test_db.keys.clone());
        let r = record(6);
        writer.write(r.clone()).await.unwrap();
        drop(writer);
        on_db!(&test_db.db, pool => sqlx::query("UPDATE complaints SET status = 'closed', updated_at = $2 WHERE id = $1")
            .bind(r.id.0).bind(AT).execute(pool).await.map(drop).unwrap());
        let dir = std::env::temp_dir().join("qorgau-no-evidence");
        let later = AT + Duration::days(400);
        let erased = store::retention::anonymize_closed(&test_db.db, &test_db.keys, &dir, AT + Duration::days(1), later).await;
        assert_eq!(erased.unwrap(), [r.id]);
        let school = store::schools::get(&test_db.db, &test_db.keys, r.id).await.unwrap().unwrap();
        assert_eq!(school.actions_taken, None, "erased");
        let filter = store::schools::FigureFilter { from: AT - Duration::days(1), to: later, region: None };
        let figures = store::schools::figures(&test_db.db, &filter).await.unwrap();
        assert_eq!(figures.regions["KZ-71"].school_reports, 1, "still counted");
        test_db.cleanup().await;
    }
}
