//! Registry search on both backends: name fragments (through the name index and without it),
//! every sort order both ways with keyset paging, renames and deletes kept in the index, hostile
//! fragments, and the region-scoped audit view. Same cases for SQLite and PostgreSQL.

mod support;

use shangyun_registry::Enterprise;
use shangyun_store::{
    EnterpriseRecord, ListedEnterprise, RegistryFilter, SearchRequest, Sort, SortKey, StoreError,
};
use support::{TestDb, TestResult, record};

macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() -> TestResult {
                    let db = TestDb::sqlite().await?;
                    cases::$case(&db).await
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() -> TestResult {
                    let Some(db) = TestDb::postgres().await? else { return Ok(()) };
                    cases::$case(&db).await
                }
            )*
        }
    };
}

both_backends!(
    name_fragments_match_exact_substrings,
    every_sort_pages_through_everything_once,
    renames_reach_the_name_index,
    hostile_fragments_and_cursors_are_inert,
    audit_in_region_keeps_to_the_region,
    listings_carry_the_latest_years_verdicts,
);

const NAMES: [&str; 8] = [
    "杭州华创科技有限公司",
    "宁波华创机械有限公司",
    "南京华创科技有限公司",
    "苏州博远纺织有限公司",
    "100%_Percent\\Ltd",
    "ABC华创科技",
    "abc华创科技",
    "温州创科电子有限公司",
];

fn named(n: u32, region: &str, name: &str) -> EnterpriseRecord {
    let mut r = record(n, region, "6511", &[(2024, 20, 500.0)]);
    r.enterprise.name = name.to_owned();
    r
}

fn regions() -> [&'static str; 8] {
    [
        "330106", "330203", "320102", "320505", "330106", "110108", "110108", "330302",
    ]
}

async fn seed(
    db: &TestDb,
) -> Result<Vec<EnterpriseRecord>, Box<dyn std::error::Error + Send + Sync>> {
    let records: Vec<_> = NAMES
        .iter()
        .zip(regions())
        .enumerate()
        .map(|(i, (name, region))| named(i as u32, region, name))
        .collect();
    db.registry.upsert_batch(&records).await?;
    Ok(records)
}

fn names(items: &[ListedEnterprise]) -> Vec<String> {
    items.iter().map(|f| f.enterprise.name.clone()).collect()
}

/// Every page of a request, following cursors.
async fn walk(
    db: &TestDb,
    mut request: SearchRequest,
) -> Result<Vec<Enterprise>, Box<dyn std::error::Error + Send + Sync>> {
    let mut all = Vec::new();
    for _ in 0..100 {
        let page = db.registry.search(&request).await?;
        assert!(page.items.len() <= request.limit as usize);
        all.extend(page.items.into_iter().map(|f| f.enterprise));
        match page.next_cursor {
            Some(next) => request.cursor = Some(next),
            None => return Ok(all),
        }
    }
    Err("paging never ended".into())
}

fn by_name(fragment: &str) -> SearchRequest {
    SearchRequest {
        filter: RegistryFilter {
            name_contains: Some(fragment.to_owned()),
            ..RegistryFilter::default()
        },
        sort: Sort {
            key: SortKey::Name,
            descending: false,
        },
        cursor: None,
        limit: 50,
    }
}

mod cases {
    use super::*;

    /// A result row's year, size class and eligible tiers are those of the enterprise file's
    /// latest derived year; a firm without figures lists with none.
    pub async fn listings_carry_the_latest_years_verdicts(db: &TestDb) -> TestResult {
        let mut records = vec![
            // Grows from micro to medium: the latest year must win, not the first.
            record(
                1,
                "330106",
                "1811",
                &[(2022, 8, 90.0), (2024, 250, 30_000.0)],
            ),
            record(2, "330203", "6511", &[(2023, 40, 2_000.0)]),
            record(3, "320102", "6511", &[]),
        ];
        records[2].figures.clear();
        db.registry.upsert_batch(&records).await?;
        let request = SearchRequest {
            limit: 10,
            ..SearchRequest::default()
        };
        let page = db.registry.search(&request).await?;
        assert_eq!(page.items.len(), 3);
        for item in &page.items {
            let file = db
                .registry
                .get(&item.enterprise.uscc)
                .await?
                .ok_or("listed enterprise has no file")?;
            assert_eq!(item.enterprise, file.enterprise);
            let latest = file.derived.iter().max_by_key(|d| d.year);
            assert_eq!(item.year, latest.map(|d| d.year));
            assert_eq!(item.size_class, latest.and_then(|d| d.size_class.clone()));
            let mut eligible: Vec<_> = latest
                .map(|d| {
                    d.tiers
                        .iter()
                        .filter(|t| t.outcome == "eligible")
                        .map(|t| t.tier)
                        .collect()
                })
                .unwrap_or_default();
            eligible.dedup();
            assert_eq!(item.eligible_for, eligible, "{}", item.enterprise.uscc);
        }
        let listed = |uscc: &str| page.items.iter().find(|i| i.enterprise.uscc == uscc);
        let grown = listed(&records[0].enterprise.uscc).ok_or("firm 1 not listed")?;
        assert_eq!(grown.year, Some(2024));
        assert_ne!(grown.size_class.as_deref(), Some("micro"));
        let bare = listed(&records[2].enterprise.uscc).ok_or("firm 3 not listed")?;
        assert_eq!((bare.year, bare.size_class.as_deref()), (None, None));
        Ok(())
    }

    pub async fn name_fragments_match_exact_substrings(db: &TestDb) -> TestResult {
        seed(db).await?;
        let expect = |fragment: &str| -> Vec<String> {
            let mut v: Vec<String> = NAMES
                .iter()
                .filter(|n| n.contains(fragment))
                .map(|n| n.to_string())
                .collect();
            v.sort();
            v
        };
        // Three or more characters go through the index; one and two scan; mixed case stays
        // case-sensitive; LIKE wildcards and quotes are plain characters.
        for fragment in [
            "华创科技",
            "华创",
            "创",
            "科技有限",
            "ABC",
            "abc",
            "Percent\\",
            "%_",
            "0%",
            "\"",
            "有限公司",
            "不存在的名字",
        ] {
            let got = walk(db, by_name(fragment)).await?;
            let got: Vec<String> = got.into_iter().map(|e| e.name).collect();
            assert_eq!(got, expect(fragment), "fragment {fragment:?}");
        }
        // The fragment combines with the other conditions.
        let mut zhejiang = by_name("华创科技");
        zhejiang.filter.region = Some("330000".into());
        let page = db.registry.search(&zhejiang).await?;
        assert_eq!(names(&page.items), vec!["杭州华创科技有限公司".to_owned()]);
        assert_eq!(db.registry.count(&zhejiang.filter).await?, 1);
        Ok(())
    }

    pub async fn every_sort_pages_through_everything_once(db: &TestDb) -> TestResult {
        let records = seed(db).await?;
        for key in SortKey::ALL {
            for descending in [false, true] {
                let request = SearchRequest {
                    sort: Sort { key, descending },
                    limit: 3,
                    ..SearchRequest::default()
                };
                let got = walk(db, request).await?;
                let mut want: Vec<Enterprise> =
                    records.iter().map(|r| r.enterprise.clone()).collect();
                want.sort_by(|a, b| {
                    let k = |e: &Enterprise| match key {
                        SortKey::Uscc => (String::new(), e.uscc.clone()),
                        SortKey::Name => (e.name.clone(), e.uscc.clone()),
                        SortKey::Region => (e.registered_region.clone(), e.uscc.clone()),
                    };
                    k(a).cmp(&k(b))
                });
                if descending {
                    want.reverse();
                }
                let got: Vec<&str> = got.iter().map(|e| e.uscc.as_str()).collect();
                let want: Vec<&str> = want.iter().map(|e| e.uscc.as_str()).collect();
                assert_eq!(got, want, "{key:?} descending={descending}");
            }
        }
        Ok(())
    }

    pub async fn renames_reach_the_name_index(db: &TestDb) -> TestResult {
        let records = seed(db).await?;
        let mut renamed = records[3].clone();
        renamed.enterprise.name = "苏州新名字材料有限公司".into();
        db.registry.upsert(&renamed).await?;
        assert!(walk(db, by_name("博远纺织")).await?.is_empty());
        let found = walk(db, by_name("新名字材料")).await?;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].uscc, renamed.enterprise.uscc);
        // Upserting the same name again keeps exactly one index entry.
        db.registry.upsert(&records[0]).await?;
        assert_eq!(walk(db, by_name("杭州华创")).await?.len(), 1);
        Ok(())
    }

    pub async fn hostile_fragments_and_cursors_are_inert(db: &TestDb) -> TestResult {
        seed(db).await?;
        for fragment in [
            "' OR 1=1 --",
            "\") OR (\"1\"=\"1",
            "华创\" OR \"杭州",
            "name MATCH '*'",
            "<script>alert(1)</script>",
            "NEAR(华创 科技)",
            "华创*",
            "%%%",
            "__",
        ] {
            let got = walk(db, by_name(fragment)).await?;
            assert!(got.is_empty(), "{fragment:?} matched {got:?}");
        }
        let with_nul = db.registry.search(&by_name("华\0创")).await;
        assert!(matches!(with_nul, Err(StoreError::InvalidFilter { .. })));
        for cursor in [
            "junk",
            "uscc.a.' OR 1=1 --.",
            "name.a.X.zz",
            "region.a.X.00",
        ] {
            let mut request = by_name("华创");
            request.cursor = Some(cursor.to_owned());
            let result = db.registry.search(&request).await;
            assert!(
                matches!(result, Err(StoreError::InvalidFilter { .. })),
                "{cursor}: {result:?}"
            );
        }
        Ok(())
    }

    pub async fn audit_in_region_keeps_to_the_region(db: &TestDb) -> TestResult {
        let records = seed(db).await?;
        // Change every enterprise again so each has two entries.
        let changed: Vec<EnterpriseRecord> = records
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.enterprise.contact_name = Some("张三".into());
                r
            })
            .collect();
        db.registry.upsert_batch(&changed).await?;
        let zhejiang = db.registry.audit_in_region("330000", None, 100).await?;
        let keys: std::collections::BTreeSet<&str> =
            zhejiang.iter().map(|e| e.entity_key.as_str()).collect();
        let want: std::collections::BTreeSet<&str> = records
            .iter()
            .filter(|r| r.enterprise.registered_region.starts_with("33"))
            .map(|r| r.enterprise.uscc.as_str())
            .collect();
        assert_eq!(keys, want);
        assert_eq!(zhejiang.len(), want.len() * 2);
        assert!(
            zhejiang.windows(2).all(|w| w[0].id > w[1].id),
            "newest first"
        );
        // Paging back through older entries.
        let older = db
            .registry
            .audit_in_region("330000", Some(zhejiang[1].id), 100)
            .await?;
        assert_eq!(older, zhejiang[2..].to_vec());
        // A county sees its county only; 江苏 entries never show in 浙江.
        let county = db.registry.audit_in_region("330106", None, 100).await?;
        assert!(!county.is_empty());
        assert!(county.iter().all(|e| {
            records.iter().any(|r| {
                r.enterprise.uscc == e.entity_key && r.enterprise.registered_region == "330106"
            })
        }));
        let jiangsu_keys: Vec<&str> = records
            .iter()
            .filter(|r| r.enterprise.registered_region.starts_with("32"))
            .map(|r| r.enterprise.uscc.as_str())
            .collect();
        assert!(
            zhejiang
                .iter()
                .all(|e| !jiangsu_keys.contains(&e.entity_key.as_str()))
        );
        assert!(
            db.registry
                .audit_in_region("3300x0", None, 10)
                .await
                .is_err()
        );
        Ok(())
    }
}
