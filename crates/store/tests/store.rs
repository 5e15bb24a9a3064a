//! The store on every backend this machine offers (SQLite always; PostgreSQL when
//! `QORGAU_TEST_POSTGRES_URL` is set).

use domain::complaint::{Channel, Status};
use domain::ids::{ComplaintId, TrackingCode};
use domain::reference::Reference;
use domain::region::Region;
use std::future::Future;
use std::sync::Arc;
use std::sync::OnceLock;
use store::complaints::{self, Idempotency, ListFilter, NewRecord};
use store::test_support::{TestDb, backends};
use store::writer::{IntakeWriter, Outcome};
use store::{Backend, Db, Keys};
use time::OffsetDateTime;
use time::macros::datetime;

async fn on_each_backend<F, Fut>(test: &str, body: F)
where
    F: Fn(Db, Arc<Keys>) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        let test_db = TestDb::fresh(backend, test).await;
        body(test_db.db.clone(), test_db.keys.clone()).await;
        test_db.cleanup().await;
    }
}

fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(Reference::embedded)
}

fn record(seed: u64, at: OffsetDateTime, channel: Option<Channel>) -> NewRecord {
    store::test_support::record_from(&domain::synthetic::complaint_json(seed, channel), seed, at, reference())
}

#[tokio::test]
async fn both_backends_define_the_same_tables_and_columns() {
    let mut schemas = Vec::new();
    for backend in backends() {
        let test_db = TestDb::fresh(backend, "schema").await;
        schemas.push((backend, store::schema::columns(&test_db.db).await.unwrap()));
        test_db.cleanup().await;
    }
    let (_, sqlite) = &schemas[0];
    assert!(sqlite.contains(&("complaints".into(), "tracking_code".into())));
    assert!(sqlite.len() > 25, "{sqlite:?}");
    match schemas.get(1) {
        Some((Backend::Postgres, postgres)) => assert_eq!(sqlite, postgres, "SQLite and PostgreSQL migrations differ"),
        _ => eprintln!("schema parity: PostgreSQL not configured, compared nothing"),
    }
}

#[tokio::test]
async fn a_written_complaint_reads_back_whole() {
    on_each_backend("reads_back_whole", |db, keys| async move {
        let writer = IntakeWriter::start(db.clone(), keys.clone());
        let at = datetime!(2026-11-25 09:30:15.123 UTC);
        let r = record(42, at, Some(Channel::Phone));
        let outcome = writer.write(r.clone()).await.unwrap();
        assert_eq!(outcome, Outcome::Created { id: r.id, tracking_code: r.tracking_code.clone() });

        let stored = complaints::get(&db, &keys, r.id).await.unwrap().expect("stored");
        let expected = domain::complaint::NewComplaint { categories: r.assessment.categories.clone(), ..r.complaint.clone() };
        assert_eq!(stored.details, expected);
        assert_eq!(stored.risk, r.assessment.risk_view());
        assert_eq!(stored.priority, r.assessment.priority);
        let planned: Vec<_> =
            stored.assignments.iter().map(|a| (a.agency_id.clone(), a.role, a.acknowledge_due_at, a.report_due_at)).collect();
        let expected: Vec<_> = r
            .assessment
            .assignments
            .iter()
            .map(|a| {
                (
                    a.agency_id.clone(),
                    a.role,
                    a.acknowledge_due_at.map(domain::clock::storable),
                    a.report_due_at.map(domain::clock::storable),
                )
            })
            .collect();
        assert!(!planned.is_empty(), "a phone complaint with categories is routed");
        assert_eq!(planned.len(), expected.len());
        for p in &expected {
            assert!(planned.contains(p), "{p:?} was not stored");
        }
        assert_eq!(stored.tracking_code, r.tracking_code);
        assert_eq!(stored.status, Status::Received);
        assert_eq!(stored.received_at, datetime!(2026-11-25 09:30:15 UTC));

        let status = complaints::find_for_status(&db, &r.tracking_code).await.unwrap().expect("found by code");
        assert_eq!((status.id, status.status_pin_hash), (r.id, r.status_pin_hash));
        let unknown = TrackingCode::from_random(1);
        assert!(complaints::find_for_status(&db, &unknown).await.unwrap().is_none());
        assert!(complaints::get(&db, &keys, ComplaintId(uuid::Uuid::now_v7())).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn concurrent_writes_are_all_committed() {
    on_each_backend("concurrent_writes", |db, keys| async move {
        let writer = IntakeWriter::start(db.clone(), keys.clone());
        let at = datetime!(2026-11-25 10:00 UTC);
        let tasks: Vec<_> = (0..300u64)
            .map(|seed| {
                let writer = writer.clone();
                tokio::spawn(async move { writer.write(record(seed, at, None)).await })
            })
            .collect();
        let mut ids = Vec::new();
        for task in tasks {
            match task.await.unwrap().unwrap() {
                Outcome::Created { id, .. } => ids.push(id),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(complaints::count_existing(&db, &ids).await.unwrap(), 300);
        assert_eq!(complaints::count(&db).await.unwrap(), 300);
    })
    .await;
}

#[tokio::test]
async fn idempotency_keys_return_the_first_complaint() {
    on_each_backend("idempotency", |db, keys| async move {
        let writer = IntakeWriter::start(db.clone(), keys.clone());
        let at = datetime!(2026-11-25 10:00 UTC);
        let keyed = |seed: u64, hash: u8| NewRecord {
            idempotency: Some(Idempotency { key: "retry-me".into(), request_hash: vec![hash; 32] }),
            ..record(seed, at, None)
        };
        let first = keyed(1, 7);
        let created = writer.write(first.clone()).await.unwrap();
        // The same request again, and the same key with another body, in the same batch.
        let (again, other) = tokio::join!(writer.write(keyed(2, 7)), writer.write(keyed(3, 8)));
        assert_eq!(again.unwrap(), Outcome::Replayed { id: first.id, tracking_code: first.tracking_code.clone() });
        assert_eq!(other.unwrap(), Outcome::KeyReused);
        assert!(matches!(created, Outcome::Created { .. }));
        assert_eq!(complaints::count(&db).await.unwrap(), 1);
        let found = complaints::find_by_idempotency_key(&db, "retry-me").await.unwrap().unwrap();
        assert_eq!(found.id, first.id);
    })
    .await;
}

#[tokio::test]
async fn lists_filter_and_page_newest_first() {
    on_each_backend("list", |db, keys| async move {
        let writer = IntakeWriter::start(db.clone(), keys.clone());
        let start = datetime!(2026-11-20 00:00 UTC);
        let mut written = Vec::new();
        for i in 0..25u64 {
            let at = start + time::Duration::hours(i as i64);
            let channel = if i % 2 == 0 { Channel::Web } else { Channel::Phone };
            let r = record(i, at, Some(channel));
            writer.write(r.clone()).await.unwrap();
            written.push(r);
        }
        let page = |filter: ListFilter| {
            let (db, keys) = (db.clone(), keys.clone());
            async move { complaints::list(&db, &keys, &filter).await.unwrap() }
        };
        let first = page(ListFilter { limit: 10, ..Default::default() }).await;
        assert_eq!(
            first.iter().map(|c| c.id).collect::<Vec<_>>(),
            written.iter().rev().take(10).map(|r| r.id).collect::<Vec<_>>()
        );
        let second = page(ListFilter { limit: 10, after: Some(first[9].id), ..Default::default() }).await;
        assert_eq!(second[0].id, written[14].id);
        let web = page(ListFilter { limit: 100, channel: Some(Channel::Web), ..Default::default() }).await;
        assert_eq!(web.len(), 13);
        assert!(web.iter().all(|c| c.details.channel == Channel::Web));
        let window = page(ListFilter {
            limit: 100,
            received_from: Some(start + time::Duration::hours(5)),
            received_to: Some(start + time::Duration::hours(8)),
            ..Default::default()
        })
        .await;
        assert_eq!(window.len(), 3);
        let region = written[0].complaint.region;
        let in_region = page(ListFilter { limit: 100, region: Some(region), ..Default::default() }).await;
        let expected = written.iter().filter(|r| r.complaint.region == region).count();
        assert_eq!(in_region.len(), expected);
        let none = page(ListFilter {
            limit: 100,
            region: Region::by_code("KZ-62").filter(|r| *r != region),
            channel: Some(Channel::Sms),
            ..Default::default()
        })
        .await;
        assert!(none.iter().all(|c| c.details.channel == Channel::Sms));
        let received = page(ListFilter { limit: 100, status: Some(Status::Received), ..Default::default() }).await;
        assert_eq!(received.len(), 25);
    })
    .await;
}
