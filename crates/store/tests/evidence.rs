//! Evidence files and links, on every backend this machine offers (SQLite always; PostgreSQL
//! when `QORGAU_TEST_POSTGRES_URL` is set).

use domain::audit::{ActorType, AuditActor};
use domain::evidence::{EvidenceLinkInput, MediaType};
use domain::ids::{ComplaintId, EvidenceId};
use domain::reference::Reference;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::evidence::{self, Attach, Content};
use store::test_support::{TestDb, backends};
use store::writer::IntakeWriter;
use store::{Db, Keys, StoreError, on_db};
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

const AT: OffsetDateTime = datetime!(2026-11-25 09:00:30.5 UTC);
/// Text inside the test picture, to look for on disk.
const MARKER: &[u8] = b"Synthetic-Evidence-Marker: bruise on the left arm";
const URL: &str = "https://www.instagram.com/p/Synthetic-Post-123/";

/// A database with two complaints, and an evidence folder of its own.
struct Fixture {
    db: Db,
    keys: Arc<Keys>,
    dir: PathBuf,
    complaints: [ComplaintId; 2],
    /// An agency the first complaint is assigned to.
    agency_id: String,
}

async fn on_each_backend<F, Fut>(test: &str, body: F)
where
    F: Fn(Fixture) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        let test_db = TestDb::fresh(backend, test).await;
        let dir = std::env::temp_dir().join(format!("qorgau-evidence-{}", Uuid::now_v7().simple()));
        let (complaints, agency_id) = two_complaints(&test_db.db, &test_db.keys).await;
        body(Fixture { db: test_db.db.clone(), keys: test_db.keys.clone(), dir: dir.clone(), complaints, agency_id }).await;
        std::fs::remove_dir_all(&dir).ok();
        test_db.cleanup().await;
    }
}

async fn two_complaints(db: &Db, keys: &Arc<Keys>) -> ([ComplaintId; 2], String) {
    let reference = Reference::embedded();
    let writer = IntakeWriter::start(db.clone(), keys.clone());
    let mut ids = Vec::new();
    let mut agency_id = None;
    for seed in [1u64, 2] {
        let record = store::test_support::record_from(&domain::synthetic::complaint_json(seed, None), seed, AT, &reference);
        agency_id = agency_id.or_else(|| record.assessment.assignments.first().map(|a| a.agency_id.clone()));
        ids.push(record.id);
        writer.write(record).await.unwrap();
    }
    drop(writer);
    ([ids[0], ids[1]], agency_id.expect("the synthetic complaint is assigned to an agency"))
}

/// A small PNG that `check_upload` accepts, with [`MARKER`] and `salt` in a text chunk.
fn picture(salt: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\0\0\0\0\0\0\0\0".to_vec();
    let text = [b"Comment\0".as_slice(), MARKER, salt.as_bytes()].concat();
    bytes.extend_from_slice(&(text.len() as u32).to_be_bytes());
    bytes.extend_from_slice(b"tEXt");
    bytes.extend_from_slice(&text);
    bytes.extend_from_slice(b"\0\0\0\0\0\0\0\0IEND\xae\x42\x60\x82");
    assert_eq!(domain::evidence::check_upload(&bytes), Ok(MediaType::Png));
    bytes
}

fn operator() -> AuditActor {
    AuditActor { kind: ActorType::User, id: Some(Uuid::from_u128(7)), role: Some("operator"), address: None }
}

fn attach<'a>(complaint_id: ComplaintId, actor: &'a AuditActor) -> Attach<'a> {
    Attach { complaint_id, agency_id: None, added_by: actor, at: AT }
}

/// Every file under `dir`, at any depth.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.map(|entry| entry.unwrap().path()).flat_map(|path| if path.is_dir() { files(&path) } else { vec![path] }).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn address_of(item: &evidence::EvidenceItem) -> &str {
    match &item.content {
        Content::File { address, .. } => address,
        Content::Link { .. } => panic!("expected a file"),
    }
}

async fn audited_adds(db: &Db) -> i64 {
    on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'evidence.add'")
        .fetch_one(pool).await.unwrap())
}

#[tokio::test]
async fn a_file_reads_back_whole_and_is_sealed_on_disk() {
    on_each_backend("evidence_file_round_trip", |f| async move {
        let actor = operator();
        let bytes = picture("");
        let id =
            evidence::store_file(&f.db, &f.keys, &f.dir, &attach(f.complaints[0], &actor), MediaType::Png, &bytes).await.unwrap();

        let (item, read) = evidence::read_file(&f.db, &f.keys, &f.dir, id).await.unwrap().expect("stored");
        assert_eq!(read, bytes);
        assert_eq!((item.id, item.complaint_id, item.agency_id.as_deref()), (id, f.complaints[0], None));
        assert_eq!((item.added_by_kind, item.added_by_id), (ActorType::User, actor.id));
        assert_eq!(item.created_at, datetime!(2026-11-25 09:00:30 UTC), "stored in whole seconds");
        let address = f.keys.fields.content_address(&bytes);
        assert_eq!(
            item.content,
            Content::File { media_type: MediaType::Png, size: bytes.len() as u64, address: address.clone() }
        );

        let on_disk = files(&f.dir);
        assert_eq!(on_disk, [f.dir.join(&address[..2]).join(&address)]);
        assert_eq!(evidence::blob_path(&f.dir, &address).as_ref(), Some(&on_disk[0]));
        let raw = std::fs::read(&on_disk[0]).unwrap();
        assert!(!contains(&raw, MARKER) && !contains(&raw, b"IHDR"), "the file on disk is sealed");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&on_disk[0]).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(audited_adds(&f.db).await, 1, "the addition is audited");
    })
    .await;
}

#[tokio::test]
async fn the_same_content_is_stored_once() {
    on_each_backend("evidence_dedupe", |f| async move {
        let actor = operator();
        let bytes = picture("");
        let (to_first, to_second) = (attach(f.complaints[0], &actor), attach(f.complaints[1], &actor));
        let first = evidence::store_file(&f.db, &f.keys, &f.dir, &to_first, MediaType::Png, &bytes).await.unwrap();
        let second = evidence::store_file(&f.db, &f.keys, &f.dir, &to_second, MediaType::Png, &bytes).await.unwrap();
        assert_ne!(first, second, "two pieces of evidence");
        let stored = files(&f.dir);
        assert_eq!(stored.len(), 1, "one file: {stored:?}");
        let before = std::fs::read(&stored[0]).unwrap();

        evidence::store_file(&f.db, &f.keys, &f.dir, &attach(f.complaints[1], &actor), MediaType::Png, &bytes).await.unwrap();
        assert_eq!(std::fs::read(&stored[0]).unwrap(), before, "an intact file is not rewritten");
        for id in [first, second] {
            assert_eq!(evidence::read_file(&f.db, &f.keys, &f.dir, id).await.unwrap().unwrap().1, bytes);
        }

        evidence::store_file(&f.db, &f.keys, &f.dir, &attach(f.complaints[0], &actor), MediaType::Png, &picture("other"))
            .await
            .unwrap();
        assert_eq!(files(&f.dir).len(), 2, "other content, another file");
    })
    .await;
}

async fn store_picture(f: &Fixture, salt: &str) -> EvidenceId {
    let actor = operator();
    evidence::store_file(&f.db, &f.keys, &f.dir, &attach(f.complaints[0], &actor), MediaType::Png, &picture(salt)).await.unwrap()
}

async fn blob_of(f: &Fixture, id: EvidenceId) -> PathBuf {
    let item = evidence::get(&f.db, &f.keys, id).await.unwrap().unwrap();
    evidence::blob_path(&f.dir, address_of(&item)).unwrap()
}

async fn refused(f: &Fixture, id: EvidenceId) -> bool {
    matches!(evidence::read_file(&f.db, &f.keys, &f.dir, id).await, Err(StoreError::Corrupt(_)))
}

#[tokio::test]
async fn a_damaged_swapped_or_missing_file_is_refused() {
    on_each_backend("evidence_tamper", |f| async move {
        let (a, b) = (store_picture(&f, "a").await, store_picture(&f, "b").await);
        let (path_a, path_b) = (blob_of(&f, a).await, blob_of(&f, b).await);

        let mut flipped = std::fs::read(&path_a).unwrap();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        std::fs::write(&path_a, &flipped).unwrap();
        assert!(refused(&f, a).await, "a changed byte");

        std::fs::copy(&path_b, &path_a).unwrap();
        assert!(refused(&f, a).await, "another file put in its place");

        let address_a = path_a.file_name().unwrap().to_str().unwrap();
        let forged = f.keys.fields.seal_bytes(&format!("evidence:{address_a}"), &picture("forged"));
        std::fs::write(&path_a, forged).unwrap();
        assert!(refused(&f, a).await, "other content sealed for its address (by someone with the keys)");

        std::fs::remove_file(&path_b).unwrap();
        assert!(refused(&f, b).await, "a missing file");

        store_picture(&f, "a").await;
        assert_eq!(
            evidence::read_file(&f.db, &f.keys, &f.dir, a).await.unwrap().unwrap().1,
            picture("a"),
            "sent again, repaired"
        );
    })
    .await;
}

#[tokio::test]
async fn a_link_reads_back_with_its_capture_time_and_is_sealed() {
    on_each_backend("evidence_link", |f| async move {
        let actor = operator();
        let captured_at = datetime!(2026-11-24 21:15:09.9 UTC);
        let link = EvidenceLinkInput { url: URL.into(), captured_at }.validate(AT).unwrap();
        let id = evidence::add_link(&f.db, &f.keys, &attach(f.complaints[0], &actor), &link).await.unwrap();

        let item = evidence::get(&f.db, &f.keys, id).await.unwrap().expect("stored");
        assert_eq!(item.content, Content::Link { url: URL.into(), captured_at: datetime!(2026-11-24 21:15:09 UTC) });
        assert_eq!(item.kind(), domain::evidence::EvidenceKind::Link);
        assert_eq!(evidence::read_file(&f.db, &f.keys, &f.dir, id).await.unwrap(), None, "a link has no file");

        let raw: Vec<u8> =
            on_db!(&f.db, pool => sqlx::query_scalar("SELECT url FROM evidence WHERE id = $1").bind(id.0).fetch_one(pool).await.unwrap());
        assert!(!contains(&raw, b"Synthetic-Post"), "the address is sealed in its row");
        let details: Vec<String> = on_db!(&f.db, pool => sqlx::query_scalar("SELECT detail FROM audit_events WHERE action = 'evidence.add'")
            .fetch_all(pool).await.unwrap());
        assert_eq!(details.len(), 1);
        assert!(!details[0].contains("Synthetic-Post") && details[0].contains("\"kind\":\"link\""), "{}", details[0]);
        assert!(files(&f.dir).is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_complaint_lists_its_own_evidence_oldest_first() {
    on_each_backend("evidence_list", |f| async move {
        let actor = operator();
        let agency = Attach { agency_id: Some(&f.agency_id), ..attach(f.complaints[0], &actor) };
        let link = EvidenceLinkInput { url: URL.into(), captured_at: AT }.validate(AT).unwrap();
        let file = evidence::store_file(&f.db, &f.keys, &f.dir, &agency, MediaType::Png, &picture("")).await.unwrap();
        let first_link = evidence::add_link(&f.db, &f.keys, &attach(f.complaints[0], &actor), &link).await.unwrap();
        let elsewhere = evidence::add_link(&f.db, &f.keys, &attach(f.complaints[1], &actor), &link).await.unwrap();

        let listed = evidence::list_for_complaint(&f.db, &f.keys, f.complaints[0]).await.unwrap();
        let summary: Vec<_> = listed.iter().map(|i| (i.id, i.kind().as_str(), i.agency_id.as_deref())).collect();
        assert_eq!(summary, [(file, "file", Some(f.agency_id.as_str())), (first_link, "link", None)]);
        let other = evidence::list_for_complaint(&f.db, &f.keys, f.complaints[1]).await.unwrap();
        assert_eq!(other.iter().map(|i| i.id).collect::<Vec<_>>(), [elsewhere]);
        let none = evidence::list_for_complaint(&f.db, &f.keys, ComplaintId(Uuid::now_v7())).await.unwrap();
        assert!(none.is_empty());
        assert_eq!(evidence::get(&f.db, &f.keys, EvidenceId(Uuid::now_v7())).await.unwrap(), None);
        assert_eq!(audited_adds(&f.db).await, 3);
    })
    .await;
}

#[tokio::test]
async fn evidence_needs_its_complaint_and_assignment() {
    on_each_backend("evidence_foreign_keys", |f| async move {
        let actor = operator();
        let link = EvidenceLinkInput { url: URL.into(), captured_at: AT }.validate(AT).unwrap();
        let unknown = attach(ComplaintId(Uuid::now_v7()), &actor);
        assert!(evidence::add_link(&f.db, &f.keys, &unknown, &link).await.is_err());
        let not_assigned = Attach { agency_id: Some("no-such-agency"), ..attach(f.complaints[0], &actor) };
        assert!(evidence::add_link(&f.db, &f.keys, &not_assigned, &link).await.is_err());
        assert!(evidence::list_for_complaint(&f.db, &f.keys, f.complaints[0]).await.unwrap().is_empty());
        assert_eq!(audited_adds(&f.db).await, 0, "nothing audited for what was not added");
    })
    .await;
}

/// Closes a complaint as of `at` (as the last lead assignment's closing does).
async fn close(db: &Db, id: ComplaintId, at: OffsetDateTime) {
    on_db!(db, pool => sqlx::query("UPDATE complaints SET status = 'closed', updated_at = $2 WHERE id = $1")
        .bind(id.0).bind(at).execute(pool).await.map(drop).unwrap());
}

async fn rows(db: &Db) -> i64 {
    on_db!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM evidence").fetch_one(pool).await.unwrap())
}

#[tokio::test]
async fn retention_erases_a_closed_complaints_evidence_but_not_a_file_another_still_uses() {
    on_each_backend("evidence_retention", |f| async move {
        let actor = operator();
        let (closed, open) = (attach(f.complaints[0], &actor), attach(f.complaints[1], &actor));
        let link = EvidenceLinkInput { url: URL.into(), captured_at: AT }.validate(AT).unwrap();
        let shared = picture("shared");
        evidence::store_file(&f.db, &f.keys, &f.dir, &closed, MediaType::Png, &picture("own")).await.unwrap();
        evidence::store_file(&f.db, &f.keys, &f.dir, &closed, MediaType::Png, &shared).await.unwrap();
        evidence::add_link(&f.db, &f.keys, &closed, &link).await.unwrap();
        let kept = evidence::store_file(&f.db, &f.keys, &f.dir, &open, MediaType::Png, &shared).await.unwrap();
        assert_eq!(files(&f.dir).len(), 2);

        close(&f.db, f.complaints[0], AT).await;
        let later = AT + time::Duration::days(400);
        let erased = store::retention::anonymize_closed(&f.db, &f.keys, &f.dir, AT + time::Duration::days(1), later).await;
        assert_eq!(erased.unwrap(), [f.complaints[0]]);

        assert!(evidence::list_for_complaint(&f.db, &f.keys, f.complaints[0]).await.unwrap().is_empty(), "rows gone");
        assert_eq!(rows(&f.db).await, 1);
        let left = files(&f.dir);
        assert_eq!(left, [blob_of(&f, kept).await], "the closed complaint's own file is removed, the shared one stays");
        assert_eq!(evidence::read_file(&f.db, &f.keys, &f.dir, kept).await.unwrap().unwrap().1, shared);
    })
    .await;
}

#[tokio::test]
async fn rotation_reseals_evidence_links_and_files_under_the_current_key() {
    on_each_backend("evidence_rotation", |f| async move {
        let actor = operator();
        let link = EvidenceLinkInput { url: URL.into(), captured_at: AT }.validate(AT).unwrap();
        let link_id = evidence::add_link(&f.db, &f.keys, &attach(f.complaints[0], &actor), &link).await.unwrap();
        let file = store_picture(&f, "rotate").await;
        // The same content on the other complaint: one file, re-sealed once.
        evidence::store_file(&f.db, &f.keys, &f.dir, &attach(f.complaints[1], &actor), MediaType::Png, &picture("rotate"))
            .await
            .unwrap();
        let path = blob_of(&f, file).await;

        let (fields, _) = f.keys.fields.with_new_key(&vault::KeyId::new("evidence-2").unwrap()).unwrap();
        let rotated = Keys { fields, chain: f.keys.chain.clone() };
        let first = store::rotation::reseal_all(&f.db, &rotated, &f.dir).await.unwrap();
        assert!(first >= 2, "at least the link and the file: {first}");
        assert_eq!(store::rotation::reseal_all(&f.db, &rotated, &f.dir).await.unwrap(), 0, "nothing left to re-seal");

        assert_eq!(vault::sealed_key_id(&std::fs::read(&path).unwrap()), Some("evidence-2"), "the file is sealed anew");
        let url: Vec<u8> = on_db!(&f.db, pool => sqlx::query_scalar("SELECT url FROM evidence WHERE id = $1")
            .bind(link_id.0).fetch_one(pool).await.unwrap());
        assert_eq!(vault::sealed_key_id(&url), Some("evidence-2"));
        assert_eq!(evidence::read_file(&f.db, &rotated, &f.dir, file).await.unwrap().unwrap().1, picture("rotate"));
        let item = evidence::get(&f.db, &rotated, link_id).await.unwrap().unwrap();
        assert_eq!(item.content, Content::Link { url: URL.into(), captured_at: datetime!(2026-11-25 09:00:30 UTC) });
        assert_eq!(files(&f.dir).len(), 1, "no temporary file left behind");
    })
    .await;
}
