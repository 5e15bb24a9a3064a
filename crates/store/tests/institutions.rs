//! The registry of educational institutions, on every backend this machine offers (SQLite
//! always; PostgreSQL when `QORGAU_TEST_POSTGRES_URL` is set).

use domain::institution::{Bin, Institution, InstitutionKind, synthetic};
use domain::region::Region;
use domain::routing::AgencyDirectory;
use std::future::Future;
use store::Db;
use store::institutions::{self, Filter, UpsertCounts};
use store::test_support::{TestDb, backends};
use time::OffsetDateTime;
use time::macros::datetime;

const AT: OffsetDateTime = datetime!(2026-11-25 09:00:00 UTC);
const LATER: OffsetDateTime = datetime!(2026-11-26 10:30:00 UTC);

async fn on_each_backend<F, Fut>(test: &str, body: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        let test_db = TestDb::fresh(backend, test).await;
        body(test_db.db.clone()).await;
        test_db.cleanup().await;
    }
}

/// The synthetic registry: 4 institutions in each of the 20 regions.
fn registry() -> Vec<Institution> {
    synthetic(&AgencyDirectory::embedded())
}

fn in_region(region: &str) -> Filter {
    Filter { region: Region::by_code(region), ..Filter::default() }
}

fn counts(inserted: u64, updated: u64, unchanged: u64) -> UpsertCounts {
    UpsertCounts { inserted, updated, unchanged }
}

#[tokio::test]
async fn an_import_inserts_then_updates_only_what_changed() {
    on_each_backend("institutions_upsert", |db| async move {
        let mut all = registry();
        assert_eq!(institutions::upsert_many(&db, &all, AT).await.unwrap(), counts(80, 0, 0));

        all[5].name = "School No. 99 (demo)".into();
        all[6].locality = "Another town".into();
        assert_eq!(institutions::upsert_many(&db, &all, LATER).await.unwrap(), counts(0, 2, 78));

        let changed = institutions::get(&db, &all[5].bin).await.unwrap().expect("registered");
        assert_eq!(changed.institution, all[5]);
        assert_eq!((changed.created_at, changed.updated_at), (AT, LATER));
        let untouched = institutions::get(&db, &all[7].bin).await.unwrap().expect("registered");
        assert_eq!((untouched.institution.clone(), untouched.updated_at), (all[7].clone(), AT));
        assert_eq!(institutions::count(&db, &Filter::default()).await.unwrap(), 80);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_bin_is_none() {
    on_each_backend("institutions_get_unknown", |db| async move {
        institutions::upsert_many(&db, &registry()[..3], AT).await.unwrap();
        let unknown = (0..).filter_map(Bin::synthetic).nth(1000).unwrap();
        assert_eq!(institutions::get(&db, &unknown).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn lists_by_region_and_kind_in_pages_by_name() {
    on_each_backend("institutions_list", |db| async move {
        let all = registry();
        institutions::upsert_many(&db, &all, AT).await.unwrap();

        let astana = institutions::list(&db, &in_region("KZ-71"), 100, 0).await.unwrap();
        let mut expected: Vec<&Institution> = all.iter().filter(|i| i.region.code == "KZ-71").collect();
        expected.sort_by(|a, b| (a.name.to_lowercase(), &a.bin).cmp(&(b.name.to_lowercase(), &b.bin)));
        assert_eq!(astana.iter().map(|r| &r.institution).collect::<Vec<_>>(), expected);
        assert_eq!(institutions::count(&db, &in_region("KZ-71")).await.unwrap(), 4);

        let schools = Filter { kind: Some(InstitutionKind::School), ..in_region("KZ-71") };
        assert_eq!(institutions::count(&db, &schools).await.unwrap(), 2);
        let page: Vec<_> = institutions::list(&db, &schools, 1, 1).await.unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(&page[0].institution, *expected.iter().filter(|i| i.kind == InstitutionKind::School).nth(1).unwrap());

        let colleges = Filter { kind: Some(InstitutionKind::College), ..Filter::default() };
        assert_eq!(institutions::count(&db, &colleges).await.unwrap(), 20);
    })
    .await;
}

#[tokio::test]
async fn finds_names_by_prefix_in_any_case_and_only_by_prefix() {
    on_each_backend("institutions_prefix", |db| async move {
        let mut all = registry();
        all[0].name = "Школа-гимназия №1 «Ёлочка» (demo)".into();
        all[1].name = "100% School (demo)".into();
        institutions::upsert_many(&db, &all, AT).await.unwrap();

        let by = |prefix: &str| Filter { name_prefix: Some(prefix.into()), ..Filter::default() };
        for (prefix, expected) in [
            ("ШКОЛА-гим", 1),
            ("школа-гимназия №1 «ел", 1),
            ("гимназия", 0),
            ("100%", 1),
            ("%", 0),
            ("_", 0),
            ("kindergarten", 20),
            ("  ", 80),
        ] {
            assert_eq!(institutions::count(&db, &by(prefix)).await.unwrap(), expected, "{prefix:?}");
            assert_eq!(institutions::list(&db, &by(prefix), 100, 0).await.unwrap().len() as u64, expected, "{prefix:?}");
        }
    })
    .await;
}
