//! One conformance suite, run against both backends: every case below is instantiated once
//! for SQLite (temp dir) and once for PostgreSQL (a fresh schema on the real server; see
//! `support`). The two must behave identically.

mod support;

use chrono::NaiveDate;
use shangyun_registry::{Tier, Title};
use shangyun_store::{
    AuditQuery, BatchProgress, EnterpriseRecord, RegistryFilter, StoreError, latest_schema_version,
};
use sqlx::Connection;
use support::{TestDb, TestResult, enterprise, figures, record, uscc};

macro_rules! conformance {
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

conformance!(
    migrations_apply_twice,
    upsert_is_idempotent_and_exact,
    changed_ground_truth_recomputes_derived,
    filters_select_the_right_enterprises,
    title_filter_respects_validity,
    paging_walks_every_enterprise_once,
    stream_exports_in_uscc_order,
    audit_log_records_every_change,
    titles_are_stored_and_feed_the_tier_rules,
    import_journal_resumes_and_audits_per_batch,
    duplicate_records_in_a_batch_merge,
    classify_recomputes_everything_with_progress,
    invalid_records_are_refused_whole,
    large_batch_round_trips,
    prepared_batches_equal_direct_writes,
    batches_derived_as_new_rederive_stored_enterprises,
    concurrent_writers_of_the_same_new_enterprises_queue,
    orphan_rows_are_counted,
    import_transactions_span_batches_and_roll_back_whole,
);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn usccs(files: &[shangyun_store::EnterpriseFile]) -> Vec<String> {
    files.iter().map(|f| f.enterprise.uscc.clone()).collect()
}

mod cases {
    use super::*;
    use futures_util::TryStreamExt;

    pub async fn migrations_apply_twice(db: &TestDb) -> TestResult {
        let r = &db.registry;
        assert_eq!(r.schema_version().await?, latest_schema_version());
        r.upsert(&record(1, "330106", "6511", &[(2024, 50, 800.0)]))
            .await?;
        // Again on the open handle, and again by opening the database anew.
        r.migrate().await?;
        let again = db.reopen().await?;
        assert_eq!(again.schema_version().await?, latest_schema_version());
        assert_eq!(again.count(&RegistryFilter::default()).await?, 1);
        Ok(())
    }

    pub async fn upsert_is_idempotent_and_exact(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let e = enterprise(7, "330106", "3311");
        // Values that do not survive a 15-digit decimal rendering.
        let mut tricky = figures(&e.uscc, 2024, 500, 0.1 + 0.2, Some(1.0 / 3.0));
        tricky.net_profit = Some(-2_167.499_999_999_999_5);
        tricky.energy_kwh = Some(1.234_567_890_123_456_7e-7);
        let record = EnterpriseRecord::new(
            e.clone(),
            vec![tricky, figures(&e.uscc, 2023, 480, 1400.0, None)],
        );

        let first = r.upsert(&record).await?;
        assert_eq!(first.enterprises_inserted, 1);
        assert_eq!(first.figures_inserted, 2);
        assert_eq!(first.derived_written, 2);
        let stored = r.get(&e.uscc).await?.ok_or("stored enterprise missing")?;
        assert_eq!(stored.enterprise, e);
        let mut want = record.figures.clone();
        want.sort_by_key(|f| f.year);
        assert_eq!(stored.figures, want, "figures must round-trip bit for bit");

        let second = r.upsert(&record).await?;
        assert_eq!(second.enterprises_unchanged, 1);
        assert_eq!(second.figures_unchanged, 2);
        assert_eq!(second.enterprises_updated + second.figures_updated, 0);
        assert_eq!(second.derived_written, 0);
        assert_eq!(r.get(&e.uscc).await?.as_ref(), Some(&stored));
        let audit = r
            .audit(&AuditQuery {
                entity_key: Some(e.uscc.clone()),
                limit: None,
            })
            .await?;
        assert_eq!(audit.len(), 1, "an unchanged upsert writes no audit entry");
        Ok(())
    }

    pub async fn changed_ground_truth_recomputes_derived(db: &TestDb) -> TestResult {
        let r = &db.registry;
        // The standard's worked example: 工业, X = 500, Y = 1500 → 小型 (Y misses 2000).
        let mut rec = record(1, "330106", "3311", &[(2024, 500, 1500.0)]);
        r.upsert(&rec).await?;
        let file = r.get(&rec.enterprise.uscc).await?.ok_or("missing")?;
        assert_eq!(file.derived[0].size_class.as_deref(), Some("small"));
        assert_eq!(file.derived[0].size_edition, "2011");
        let why = file.derived[0].size_explanation.to_value();
        assert_eq!(why["decided_by"], serde_json::json!(["revenue"]), "{why}");
        assert_eq!(file.derived[0].tiers.len(), 6);
        // Explanations are recomputed on read: exactly what a fresh derivation says.
        let fresh =
            shangyun_registry::derive::derive_enterprise(&rec.enterprise, &rec.figures, &[]);
        assert_eq!(file.derived, fresh);

        // Revenue reaches the medium bound (2000): the derived class follows.
        rec.figures[0].revenue = Some(2000.0);
        let s = r.upsert(&rec).await?;
        assert_eq!((s.figures_updated, s.derived_written), (1, 1));
        let file = r.get(&rec.enterprise.uscc).await?.ok_or("missing")?;
        assert_eq!(file.derived[0].size_class.as_deref(), Some("medium"));

        // Only the enterprise changes (industry 工业 → 零售, medium bound X ≥ 50, Y ≥ 500):
        // derived values are recomputed too.
        rec.enterprise.industry = "5211".to_owned();
        rec.figures[0].revenue = Some(1500.0);
        r.upsert(&rec).await?;
        rec.figures.clear();
        let s = r.upsert(&rec).await?;
        assert_eq!(s.enterprises_unchanged, 1);
        let file = r.get(&rec.enterprise.uscc).await?.ok_or("missing")?;
        assert_eq!(file.derived[0].size_class.as_deref(), Some("medium"));

        // A new year: both years are re-derived and only the new one is the latest.
        rec.figures = vec![figures(&rec.enterprise.uscc, 2025, 8, 90.0, None)];
        let s = r.upsert(&rec).await?;
        assert_eq!(s.derived_written, 2);
        let latest_micro = RegistryFilter {
            size_classes: vec!["micro".into()],
            ..RegistryFilter::default()
        };
        assert_eq!(r.count(&latest_micro).await?, 1);
        let medium_2024 = RegistryFilter {
            size_classes: vec!["medium".into()],
            year: Some(2024),
            ..RegistryFilter::default()
        };
        assert_eq!(r.count(&medium_2024).await?, 1);
        let medium_latest = RegistryFilter {
            year: None,
            ..medium_2024.clone()
        };
        assert_eq!(r.count(&medium_latest).await?, 0);
        Ok(())
    }

    /// A: 杭州西湖 software small; B: 宁波 manufacturing medium; C: 北京海淀 software large;
    /// D: 杭州西湖 retail micro.
    async fn four_enterprises(
        db: &TestDb,
    ) -> Result<[String; 4], Box<dyn std::error::Error + Send + Sync>> {
        let a = record(1, "330106", "6511", &[(2024, 50, 800.0)]);
        let b = record(2, "330205", "3311", &[(2024, 400, 5000.0)]);
        let c = record(3, "110108", "6511", &[(2024, 900, 50_000.0)]);
        let d = record(4, "330106", "5211", &[(2024, 3, 40.0)]);
        let keys = [&a, &b, &c, &d].map(|r| r.enterprise.uscc.clone());
        db.registry.upsert_batch(&[d, c, b, a]).await?;
        Ok(keys)
    }

    pub async fn filters_select_the_right_enterprises(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let [a, b, c, d] = four_enterprises(db).await?;
        let select = |filter: RegistryFilter| async move {
            let page = r.page(&filter, None, 100).await?;
            let count = r.count(&filter).await?;
            assert_eq!(
                count as usize,
                page.files.len(),
                "count agrees with listing"
            );
            Ok::<_, StoreError>(usccs(&page.files))
        };
        let region = |code: &str| RegistryFilter {
            region: Some(code.to_owned()),
            ..RegistryFilter::default()
        };
        let mut want_zj = vec![a.clone(), b.clone(), d.clone()];
        want_zj.sort();
        assert_eq!(select(region("330000")).await?, want_zj);
        assert_eq!(select(region("33")).await?, want_zj);
        let mut want_hz = vec![a.clone(), d.clone()];
        want_hz.sort();
        assert_eq!(select(region("330100")).await?, want_hz);
        assert_eq!(select(region("330106")).await?, want_hz);
        assert_eq!(select(region("110000")).await?, vec![c.clone()]);
        assert!(select(region("440000")).await?.is_empty());

        let industries = |codes: &[&str]| RegistryFilter {
            industries: codes.iter().map(|c| (*c).to_owned()).collect(),
            ..RegistryFilter::default()
        };
        let mut want_sw = vec![a.clone(), c.clone()];
        want_sw.sort();
        assert_eq!(select(industries(&["65"])).await?, want_sw);
        assert_eq!(select(industries(&["I6511"])).await?, want_sw);
        let mut want_bd = vec![b.clone(), d.clone()];
        want_bd.sort();
        assert_eq!(select(industries(&["33", "52"])).await?, want_bd);

        let sizes = |classes: &[&str]| RegistryFilter {
            size_classes: classes.iter().map(|c| (*c).to_owned()).collect(),
            ..RegistryFilter::default()
        };
        assert_eq!(select(sizes(&["small"])).await?, vec![a.clone()]);
        assert_eq!(select(sizes(&["micro"])).await?, vec![d.clone()]);
        let mut want_big = vec![b.clone(), c.clone()];
        want_big.sort();
        assert_eq!(select(sizes(&["large", "medium"])).await?, want_big);

        let combined = RegistryFilter {
            region: Some("330000".into()),
            industries: vec!["65".into()],
            ..RegistryFilter::default()
        };
        assert_eq!(select(combined).await?, vec![a.clone()]);

        // Tier columns: a large enterprise fails every tier's SME condition, so it is never a
        // candidate; nothing is outright eligible from registry data alone.
        let candidates = select(RegistryFilter {
            candidate_for: vec![Tier::Innovative],
            ..RegistryFilter::default()
        })
        .await?;
        assert!(!candidates.contains(&c), "{candidates:?}");
        assert!(candidates.contains(&a), "{candidates:?}");
        let eligible = select(RegistryFilter {
            eligible_for: vec![Tier::Innovative, Tier::Specialized, Tier::LittleGiant],
            ..RegistryFilter::default()
        })
        .await?;
        assert!(eligible.is_empty(), "{eligible:?}");

        let bad = RegistryFilter {
            size_classes: vec!["huge".into()],
            ..RegistryFilter::default()
        };
        assert!(matches!(
            r.count(&bad).await,
            Err(StoreError::InvalidFilter { .. })
        ));
        Ok(())
    }

    pub async fn title_filter_respects_validity(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let [a, b, ..] = four_enterprises(db).await?;
        for (uscc, tier) in [(&a, Tier::Specialized), (&b, Tier::Innovative)] {
            r.add_title(&Title {
                uscc: uscc.clone(),
                tier,
                issued: day(2023, 1, 1),
                expires: day(2025, 12, 31),
                edition: "2022".into(),
            })
            .await?;
        }
        let holds = |valid_on: Option<NaiveDate>| RegistryFilter {
            holds_title: vec![Tier::Specialized],
            title_valid_on: valid_on,
            ..RegistryFilter::default()
        };
        let found = r.page(&holds(None), None, 10).await?;
        assert_eq!(usccs(&found.files), vec![a.clone()]);
        let found = r.page(&holds(Some(day(2025, 12, 31))), None, 10).await?;
        assert_eq!(
            usccs(&found.files),
            vec![a.clone()],
            "valid on its last day"
        );
        let found = r.page(&holds(Some(day(2026, 1, 1))), None, 10).await?;
        assert!(found.files.is_empty(), "expired the day after");
        let found = r.page(&holds(Some(day(2022, 12, 31))), None, 10).await?;
        assert!(found.files.is_empty(), "not yet issued");
        Ok(())
    }

    pub async fn paging_walks_every_enterprise_once(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let records: Vec<_> = (0..20)
            .map(|n| record(n * 37 % 20, "420111", "6511", &[(2024, 12, 300.0)]))
            .collect();
        r.upsert_batch(&records).await?;
        let all = RegistryFilter::default();
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = r.page(&all, after.as_deref(), 10).await?;
            pages += 1;
            assert!(page.files.len() <= 10);
            seen.extend(usccs(&page.files));
            match page.next_after {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        // 20 rows in pages of 10: two full pages, then an empty last one.
        assert_eq!(pages, 3);
        let mut want: Vec<_> = records.iter().map(|r| r.enterprise.uscc.clone()).collect();
        want.sort();
        assert_eq!(seen, want);

        let short = r.page(&all, Some(&want[14]), 10).await?;
        assert_eq!(usccs(&short.files), want[15..].to_vec());
        assert_eq!(short.next_after, None, "a short page is the last");
        Ok(())
    }

    pub async fn stream_exports_in_uscc_order(db: &TestDb) -> TestResult {
        let r = &db.registry;
        // Inserted out of order; keys start with different region codes.
        let regions = ["330106", "110108", "440305"];
        let records: Vec<_> = (0..25u32)
            .rev()
            .map(|n| record(n, regions[(n % 3) as usize], "6511", &[(2024, 15, 200.0)]))
            .collect();
        r.upsert_batch(&records).await?;
        let streamed: Vec<_> = r
            .stream(RegistryFilter::default(), 7)
            .try_collect::<Vec<_>>()
            .await?;
        let got = usccs(&streamed);
        let mut want: Vec<_> = records.iter().map(|r| r.enterprise.uscc.clone()).collect();
        want.sort();
        assert_eq!(got, want);
        assert!(
            streamed
                .iter()
                .all(|f| f.figures.len() == 1 && f.derived.len() == 1)
        );

        let zhejiang = RegistryFilter {
            region: Some("330000".into()),
            ..RegistryFilter::default()
        };
        let some: Vec<_> = r.stream(zhejiang, 4).try_collect().await?;
        let got = usccs(&some);
        let mut want_zj: Vec<_> = records
            .iter()
            .filter(|r| r.enterprise.registered_region.starts_with("33"))
            .map(|r| r.enterprise.uscc.clone())
            .collect();
        want_zj.sort();
        assert_eq!(got, want_zj);
        Ok(())
    }

    pub async fn audit_log_records_every_change(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let mut rec = record(3, "330106", "6511", &[(2024, 20, 500.0)]);
        let key = rec.enterprise.uscc.clone();
        let query = AuditQuery {
            entity_key: Some(key.clone()),
            limit: None,
        };
        r.upsert(&rec).await?;
        let log = r.audit(&query).await?;
        assert_eq!(log.len(), 1);
        assert_eq!(
            (log[0].action.as_str(), log[0].actor.as_str()),
            ("insert", "tester")
        );
        let after = log[0].after.clone().unwrap_or_default();
        assert_eq!(after["enterprise"]["name"], rec.enterprise.name.as_str());

        let old_name = rec.enterprise.name.clone();
        rec.enterprise.name = "更名后的企业有限公司".to_owned();
        r.with_actor("editor").upsert(&rec).await?;
        let log = r.audit(&query).await?;
        assert_eq!(log.len(), 2);
        assert_eq!(
            (log[0].action.as_str(), log[0].actor.as_str()),
            ("update", "editor")
        );
        let before = log[0].before.clone().unwrap_or_default();
        let after = log[0].after.clone().unwrap_or_default();
        assert_eq!(before["enterprise"]["name"], old_name.as_str());
        assert_eq!(after["enterprise"]["name"], "更名后的企业有限公司");
        assert_eq!(
            after["figures"],
            serde_json::json!([]),
            "figures did not change"
        );
        assert!(log[0].id > log[1].id, "newest first");
        Ok(())
    }

    pub async fn titles_are_stored_and_feed_the_tier_rules(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let rec = record(5, "330106", "6511", &[(2024, 60, 2000.0)]);
        let key = rec.enterprise.uscc.clone();
        r.upsert(&rec).await?;
        let missing_of = |file: &shangyun_store::EnterpriseFile, edition: &str| {
            file.derived[0]
                .tiers
                .iter()
                .find(|t| t.edition == edition)
                .map(|t| t.explanation.to_value()["missing"].clone())
                .unwrap_or_default()
        };
        let before = r.get(&key).await?.ok_or("missing")?;
        let missing = missing_of(&before, "tier-2026-specialized");
        assert!(
            missing
                .as_array()
                .is_some_and(|m| m.iter().any(|f| f == "titles")),
            "without titles on file the tier-1 title is unknown: {missing}"
        );

        let title = Title {
            uscc: key.clone(),
            tier: Tier::Innovative,
            issued: day(2024, 6, 1),
            expires: day(2027, 5, 31),
            edition: "2022".into(),
        };
        let s = r.add_title(&title).await?;
        assert_eq!((s.titles_inserted, s.derived_written), (1, 1));
        let after = r.get(&key).await?.ok_or("missing")?;
        assert_eq!(after.titles, vec![title.clone()]);
        let missing = missing_of(&after, "tier-2026-specialized");
        assert!(
            !missing
                .as_array()
                .is_some_and(|m| m.iter().any(|f| f == "titles")),
            "the recorded title answers the tier-1 condition: {missing}"
        );

        let renewed = Title {
            expires: day(2028, 5, 31),
            ..title.clone()
        };
        let s = r.add_title(&renewed).await?;
        assert_eq!((s.titles_inserted, s.titles_updated), (0, 1));
        assert_eq!(r.get(&key).await?.ok_or("missing")?.titles, vec![renewed]);

        let orphan = Title {
            uscc: uscc(999, "110108"),
            ..title
        };
        assert!(matches!(
            r.add_title(&orphan).await,
            Err(StoreError::InvalidRecord { .. })
        ));
        Ok(())
    }

    pub async fn import_journal_resumes_and_audits_per_batch(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let rows: Vec<_> = (0..5)
            .map(|n| record(n, "370202", "3311", &[(2024, 30, 400.0)]))
            .collect();
        let start = r.begin_import("企业名录.xlsx", "abc123").await?;
        assert!(!start.resumed && start.earlier.is_empty());
        assert_eq!(start.journal.rows_through, 0);
        let id = start.journal.id;
        let first = r
            .import_batch(
                &BatchProgress {
                    import_id: id,
                    rows_through: 3,
                    rows_ok: 3,
                    rows_bad: 0,
                },
                &rows[..3],
            )
            .await?;
        assert_eq!(first.enterprises_inserted, 3);
        r.import_batch(
            &BatchProgress {
                import_id: id,
                rows_through: 6,
                rows_ok: 2,
                rows_bad: 1,
            },
            &rows[3..],
        )
        .await?;

        // The process "dies" here; a new run of the same file resumes after row 6.
        let again = db
            .reopen()
            .await?
            .begin_import("企业名录.xlsx", "abc123")
            .await?;
        assert!(again.resumed);
        assert_eq!(again.journal.id, id);
        assert_eq!(
            (
                again.journal.rows_through,
                again.journal.rows_ok,
                again.journal.rows_bad
            ),
            (6, 5, 1)
        );
        let done = r.finish_import(id).await?;
        assert!(done.finished_at.is_some());

        let log = r
            .audit(&AuditQuery {
                entity_key: Some(id.to_string()),
                limit: None,
            })
            .await?;
        let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            vec!["import-finish", "import-batch", "import-batch"]
        );
        let batch = log[2].after.clone().unwrap_or_default();
        assert_eq!(batch["file_name"], "企业名录.xlsx");
        assert_eq!(batch["changes"]["enterprises_inserted"], 3);
        let per_row = r
            .audit(&AuditQuery {
                entity_key: Some(rows[0].enterprise.uscc.clone()),
                limit: None,
            })
            .await?;
        assert!(per_row.is_empty(), "imports audit per batch, not per row");

        let rerun = r.begin_import("企业名录.xlsx", "abc123").await?;
        assert!(!rerun.resumed);
        assert_ne!(rerun.journal.id, id);
        assert_eq!(rerun.earlier.len(), 1);
        assert_eq!(r.imports(Some("abc123")).await?.len(), 2);

        let unknown = BatchProgress {
            import_id: id + 1000,
            rows_through: 1,
            rows_ok: 1,
            rows_bad: 0,
        };
        assert!(matches!(
            r.import_batch(&unknown, &rows[..1]).await,
            Err(StoreError::NoSuchImport(_))
        ));
        Ok(())
    }

    pub async fn duplicate_records_in_a_batch_merge(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let first = record(8, "510107", "6511", &[(2023, 10, 100.0)]);
        let mut second = record(8, "510107", "6511", &[(2024, 12, 150.0)]);
        second.enterprise.name = "后来的名称".to_owned();
        let s = r.upsert_batch(&[first, second]).await?;
        assert_eq!(s.enterprises_inserted, 1);
        assert_eq!(s.figures_inserted, 2);
        let file = r.get(&uscc(8, "510107")).await?.ok_or("missing")?;
        assert_eq!(file.enterprise.name, "后来的名称");
        assert_eq!(
            file.figures.iter().map(|f| f.year).collect::<Vec<_>>(),
            vec![2023, 2024]
        );
        Ok(())
    }

    pub async fn classify_recomputes_everything_with_progress(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let records: Vec<_> = (0..30)
            .map(|n| record(n, "320583", "3311", &[(2023, 25, 350.0), (2024, 26, 380.0)]))
            .collect();
        r.upsert_batch(&records).await?;
        let mut seen = Vec::new();
        let summary = r.classify_all(7, |p| seen.push(p)).await?;
        assert_eq!(summary.enterprises, 30);
        assert_eq!(summary.derived_written, 60);
        assert_eq!(seen.first().map(|p| (p.done, p.total)), Some((0, 30)));
        assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((30, 30)));
        assert_eq!(
            seen.len(),
            1 + 5,
            "one report before and one per batch of 7"
        );
        let log = r.audit(&AuditQuery::default()).await?;
        assert_eq!(log[0].action, "classify");
        let editions = log[0].after.clone().unwrap_or_default()["editions"].clone();
        assert!(
            editions
                .as_array()
                .is_some_and(|e| e.iter().any(|x| x == "tier-2026-specialized")),
            "{editions}"
        );
        let small = RegistryFilter {
            size_classes: vec!["small".into()],
            ..RegistryFilter::default()
        };
        assert_eq!(r.count(&small).await?, 30);
        Ok(())
    }

    pub async fn invalid_records_are_refused_whole(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let good = record(1, "330106", "6511", &[(2024, 10, 100.0)]);
        let mut foreign = record(2, "330106", "6511", &[(2024, 10, 100.0)]);
        foreign.figures[0].uscc = uscc(3, "330106");
        let outcome = r.upsert_batch(&[good.clone(), foreign]).await;
        assert!(
            matches!(outcome, Err(StoreError::InvalidRecord { .. })),
            "{outcome:?}"
        );
        let mut nan = good.clone();
        nan.figures[0].revenue = Some(f64::NAN);
        assert!(matches!(
            r.upsert(&nan).await,
            Err(StoreError::InvalidRecord { .. })
        ));
        assert_eq!(
            r.count(&RegistryFilter::default()).await?,
            0,
            "nothing half-written"
        );
        Ok(())
    }

    pub async fn large_batch_round_trips(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let records: Vec<_> = (0..3000)
            .map(|n| {
                record(
                    n,
                    if n % 2 == 0 { "440305" } else { "420111" },
                    "6511",
                    &[(2024, 5 + i64::from(n % 200), 100.0 + f64::from(n))],
                )
            })
            .collect();
        let start = r.begin_import("big.csv", "big").await?;
        let s = r
            .import_batch(
                &BatchProgress {
                    import_id: start.journal.id,
                    rows_through: 3000,
                    rows_ok: 3000,
                    rows_bad: 0,
                },
                &records,
            )
            .await?;
        assert_eq!(
            (
                s.enterprises_inserted,
                s.figures_inserted,
                s.derived_written
            ),
            (3000, 3000, 3000)
        );
        let shenzhen = RegistryFilter {
            region: Some("440300".into()),
            ..RegistryFilter::default()
        };
        assert_eq!(r.count(&shenzhen).await?, 1500);
        let again = r
            .import_batch(
                &BatchProgress {
                    import_id: start.journal.id,
                    rows_through: 3000,
                    rows_ok: 0,
                    rows_bad: 0,
                },
                &records,
            )
            .await?;
        assert_eq!(again.figures_unchanged, 3000);
        assert_eq!(again.derived_written, 0);
        Ok(())
    }

    pub async fn prepared_batches_equal_direct_writes(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let base = record(11, "330106", "3311", &[(2024, 500, 1500.0)]);
        let key = base.enterprise.uscc.clone();
        r.upsert(&base).await?;

        // Prepared against the stored 2024 (small)...
        let mut next_year = base.clone();
        next_year.figures = vec![figures(&key, 2025, 520, 1600.0, None)];
        let prepared = r.prepare_batch(vec![next_year.clone()]).await?;
        assert_eq!(prepared.len(), 1);
        // ...then another writer changes 2024 before the commit.
        let mut changed = base.clone();
        changed.figures[0].revenue = Some(2500.0);
        r.upsert(&changed).await?;

        let s = r.commit_batch(prepared).await?;
        assert_eq!((s.figures_inserted, s.derived_written), (1, 2));
        let file = r.get(&key).await?.ok_or("missing")?;
        let classes: Vec<_> = file
            .derived
            .iter()
            .map(|d| (d.year, d.size_class.clone()))
            .collect();
        assert_eq!(
            classes,
            vec![
                (2024, Some("medium".to_owned())),
                (2025, Some("small".to_owned()))
            ],
            "the commit re-read 2024 as changed by the other writer"
        );

        // An import through prepare/commit stores what import_batch stores.
        let rows: Vec<_> = (20..30)
            .map(|n| record(n, "350102", "6511", &[(2024, 12, 150.0)]))
            .collect();
        let start = r.begin_import("p.csv", "prepared").await?;
        let prepared = r.prepare_batch(rows.clone()).await?;
        let progress = BatchProgress {
            import_id: start.journal.id,
            rows_through: 10,
            rows_ok: 10,
            rows_bad: 0,
        };
        let s = r.commit_import_batch(&progress, prepared).await?;
        assert_eq!((s.enterprises_inserted, s.derived_written), (10, 10));
        let again = r.import_batch(&progress, &rows).await?;
        assert_eq!(again.enterprises_unchanged, 10);
        assert_eq!(r.imports(Some("prepared")).await?[0].rows_through, 10);
        Ok(())
    }

    pub async fn batches_derived_as_new_rederive_stored_enterprises(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let stored = record(31, "330106", "3311", &[(2024, 500, 1500.0)]);
        let key = stored.enterprise.uscc.clone();
        r.upsert(&stored).await?;
        let mut known = stored.clone();
        known.figures = vec![figures(&key, 2025, 520, 1600.0, None)];
        let newcomer = record(32, "350102", "6511", &[(2024, 5, 20.0)]);

        // Derived on the producer's side as if both were new: the known one without its
        // stored 2024.
        let batch = vec![known.clone(), newcomer.clone()];
        let prepared = shangyun_store::PreparedBatch::assuming_new(batch.clone())?;
        let start = r.begin_import("new.csv", "assuming-new").await?;
        let progress = BatchProgress {
            import_id: start.journal.id,
            rows_through: 2,
            rows_ok: 2,
            rows_bad: 0,
        };
        let s = r.commit_import_batch(&progress, prepared).await?;
        assert_eq!(
            (
                s.enterprises_inserted,
                s.figures_inserted,
                s.derived_written
            ),
            (1, 2, 3),
            "the stored enterprise is derived again over both years"
        );
        let file = r.get(&key).await?.ok_or("missing")?;
        let years: Vec<(i32, Option<String>)> = file
            .derived
            .iter()
            .map(|d| (d.year, d.size_class.clone()))
            .collect();
        assert_eq!(
            years,
            vec![
                (2024, Some("small".to_owned())),
                (2025, Some("small".to_owned()))
            ]
        );
        let fresh = r.get(&newcomer.enterprise.uscc).await?.ok_or("missing")?;
        assert_eq!(fresh.derived.len(), 1);
        assert_eq!(fresh.derived[0].size_class.as_deref(), Some("micro"));

        // The same rows through the unprepared path change nothing more.
        let again = r.import_batch(&progress, &batch).await?;
        assert_eq!((again.enterprises_unchanged, again.derived_written), (2, 0));
        assert_eq!(r.orphan_rows().await?, 0);
        Ok(())
    }

    /// Two handles (two nodes) write the same unstored enterprises at once: a batch writes
    /// the rows it found unstored with plain inserts, which is right only because the second
    /// writer waits for the first and then finds them stored.
    pub async fn concurrent_writers_of_the_same_new_enterprises_queue(db: &TestDb) -> TestResult {
        let other = db.reopen().await?;
        for round in 0..4u32 {
            let rows: Vec<_> = (0..300)
                .map(|n| {
                    record(
                        1000 + round * 300 + n,
                        "330106",
                        "3311",
                        &[(2024, 50, 900.0)],
                    )
                })
                .collect();
            let (a, b) = tokio::join!(db.registry.upsert_batch(&rows), other.upsert_batch(&rows));
            let (a, b) = (a?, b?);
            assert_eq!(a.enterprises_inserted + b.enterprises_inserted, 300);
            assert_eq!(a.enterprises_unchanged + b.enterprises_unchanged, 300);
            assert_eq!(a.derived_written + b.derived_written, 300);
        }
        let everything = RegistryFilter::default();
        assert_eq!(db.registry.count(&everything).await?, 1200);
        assert_eq!(db.registry.orphan_rows().await?, 0);
        Ok(())
    }

    /// The databases no longer check child rows against their enterprise (migration 0006):
    /// the count that replaces that check sees a row written behind the store's back.
    pub async fn orphan_rows_are_counted(db: &TestDb) -> TestResult {
        let r = &db.registry;
        r.upsert(&record(
            41,
            "330106",
            "3311",
            &[(2023, 40, 800.0), (2024, 45, 900.0)],
        ))
        .await?;
        assert_eq!(r.orphan_rows().await?, 0);
        let orphan = "INSERT INTO annual_figures (uscc, year) VALUES ('91330106MA00000000', 2024)";
        match &db.location {
            shangyun_store::DatabaseLocation::Sqlite { path } => {
                let mut conn = sqlx::SqliteConnection::connect(&path.to_string_lossy()).await?;
                // (sqlx turns enforcement on for its own connections.)
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut conn)
                    .await?;
                sqlx::query(orphan).execute(&mut conn).await?;
            }
            shangyun_store::DatabaseLocation::Postgres { url } => {
                let mut conn = sqlx::PgConnection::connect(url).await?;
                sqlx::query(orphan).execute(&mut conn).await?;
            }
        }
        assert_eq!(r.orphan_rows().await?, 1);
        Ok(())
    }

    /// Several batches in one import transaction: a later batch sees the earlier one's rows
    /// (re-deriving an enterprise it continues), nothing is visible or journaled before the
    /// commit, and a transaction dropped without one leaves no trace.
    pub async fn import_transactions_span_batches_and_roll_back_whole(db: &TestDb) -> TestResult {
        let r = &db.registry;
        let first: Vec<_> = (50..55)
            .map(|n| record(n, "330106", "3311", &[(2024, 300, 900.0)]))
            .collect();
        // The second batch goes on with enterprise 50 (another year) and adds five more.
        let mut second = vec![record(50, "330106", "3311", &[(2025, 310, 950.0)])];
        second.extend((55..60).map(|n| record(n, "350102", "6511", &[(2024, 8, 30.0)])));
        let start = r.begin_import("tx.csv", "transaction").await?;
        let id = start.journal.id;
        let progress = |through: u64, ok: u64| BatchProgress {
            import_id: id,
            rows_through: through,
            rows_ok: ok,
            rows_bad: 0,
        };
        let everything = RegistryFilter::default();
        let other = db.reopen().await?;

        let mut dropped = r.begin_import_transaction().await?;
        let prepared = shangyun_store::PreparedBatch::assuming_new(first.clone())?;
        dropped.write(&progress(5, 5), prepared).await?;
        drop(dropped);
        assert_eq!(r.count(&everything).await?, 0);
        assert_eq!(r.imports(Some("transaction")).await?[0].rows_through, 0);

        let mut tx = r.begin_import_transaction().await?;
        let a = tx
            .write(
                &progress(5, 5),
                shangyun_store::PreparedBatch::assuming_new(first)?,
            )
            .await?;
        let b = tx
            .write(
                &progress(11, 6),
                shangyun_store::PreparedBatch::assuming_new(second)?,
            )
            .await?;
        assert_eq!((a.enterprises_inserted, b.enterprises_inserted), (5, 5));
        assert_eq!(
            b.derived_written, 7,
            "enterprise 50 derived again over both years"
        );
        assert_eq!(
            other.count(&everything).await?,
            0,
            "not visible before the commit"
        );
        tx.commit().await?;

        assert_eq!(other.count(&everything).await?, 10);
        let journal = &r.imports(Some("transaction")).await?[0];
        assert_eq!((journal.rows_through, journal.rows_ok), (11, 11));
        let continued = r.get(&uscc(50, "330106")).await?.ok_or("missing")?;
        let years: Vec<i32> = continued.derived.iter().map(|d| d.year).collect();
        assert_eq!(years, vec![2024, 2025]);
        let log = r
            .audit(&AuditQuery {
                entity_key: Some(id.to_string()),
                limit: None,
            })
            .await?;
        assert_eq!(log.len(), 2, "one audit entry per batch");
        assert_eq!(r.orphan_rows().await?, 0);
        Ok(())
    }
}
