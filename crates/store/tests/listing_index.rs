//! The listing index against SQL, on both backends: a demo registry plus hand-made firms
//! (tier-eligible ones, which demo data almost never has; names with LIKE wildcards and
//! quotes), hundreds of random filter / sort / cursor / limit combinations, every page of the
//! index path equal to the SQL path's, followed through the cursor. Then again after writes
//! through the registry (renames, moves, new years, titles, new firms), after another process's
//! writes (reached by the poll), and after `classify`.

mod support;

use shangyun_registry::{Enterprise, Tier, Title};
use shangyun_store::{
    BatchProgress, DatabaseLocation, EnterpriseRecord, Registry, RegistryFilter, SIZE_CLASSES,
    SearchRequest, Sort, SortKey,
};
use sqlx::Connection;
use std::time::Duration;
use support::{TestDb, TestResult};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_index_pages_equal_sql_pages() -> TestResult {
    let db = TestDb::sqlite().await?;
    index_pages_equal_sql_pages(&db).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_index_pages_equal_sql_pages() -> TestResult {
    let Some(db) = TestDb::postgres().await? else {
        return Ok(());
    };
    index_pages_equal_sql_pages(&db).await
}

const DEMO_FIRMS: usize = 3000;
const BUILD_WAIT: Duration = Duration::from_secs(120);

/// xorshift64*: deterministic without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

async fn index_pages_equal_sql_pages(db: &TestDb) -> TestResult {
    let registry = &db.registry;
    let mut firms: Vec<Enterprise> = Vec::new();
    let demo: Vec<EnterpriseRecord> = shangyun_demo::generate(DEMO_FIRMS, 11)
        .map(|(e, figures)| EnterpriseRecord::new(e, figures))
        .collect();
    firms.extend(demo.iter().map(|r| r.enterprise.clone()));
    // Half through an import (batches), half through upserts.
    let (imported, upserted) = demo.split_at(DEMO_FIRMS / 2);
    let start = registry
        .begin_import("demo.csv", "listing-index-test")
        .await?;
    for (i, chunk) in imported.chunks(500).enumerate() {
        let progress = BatchProgress {
            import_id: start.journal.id,
            rows_through: ((i + 1) * 500) as u64,
            rows_ok: chunk.len() as u64,
            rows_bad: 0,
        };
        registry.import_batch(&progress, chunk).await?;
    }
    registry.finish_import(start.journal.id).await?;
    registry.upsert_batch(upserted).await?;
    let odd = odd_firms(&firms);
    registry.upsert_batch(&odd).await?;
    firms.extend(odd.iter().map(|r| r.enterprise.clone()));

    // Eligible firms, written behind the registry's back as another program would.
    let mut rng = Rng(0xD1FF);
    let mut marks = Vec::new();
    for _ in 0..240 {
        let firm = &firms[rng.below(firms.len())];
        let column = ["tier_innovative", "tier_specialized", "tier_little_giant"][rng.below(3)];
        marks.push((firm.uscc.clone(), column));
    }
    mark_eligible(&db.location, &marks).await?;

    // A fresh handle builds its index from a scan.
    let fresh = db.reopen().await?;
    assert!(fresh.wait_for_listing_index(BUILD_WAIT).await);
    let stats = fresh.listing_index().await.ok_or("no index figures")?;
    assert_eq!(stats.enterprises, firms.len());
    let seen = compare(&fresh, &mut rng, &firms, 300).await?;
    assert!(seen.eligible > 0, "no eligible firm was listed: {seen:?}");
    assert!(seen.items > 2000, "too few rows compared: {seen:?}");
    assert!(seen.cursors > 100, "too few cursors followed: {seen:?}");

    // The first handle learns of the marks by polling.
    assert!(registry.wait_for_listing_index(BUILD_WAIT).await);
    tokio::time::sleep(Duration::from_secs(5)).await;
    compare(registry, &mut rng, &firms, 100).await?;

    // Writes through the registry reach its index before they return.
    let mut changed = Vec::new();
    for i in 0..200 {
        let mut firm = firms[rng.below(firms.len())].clone();
        match i % 4 {
            0 => firm.name = format!("{}华创", firm.name),
            1 => firm.registered_region = firms[rng.below(firms.len())].registered_region.clone(),
            2 => firm.industry = firms[rng.below(firms.len())].industry.clone(),
            _ => firm.name = format!("新{}", firm.name),
        }
        let figures = vec![support::figures(
            &firm.uscc,
            2025,
            (rng.below(400) + 1) as i64,
            (rng.below(50_000) + 10) as f64,
            Some((rng.below(30_000) + 10) as f64),
        )];
        changed.push(EnterpriseRecord::new(firm, figures));
    }
    for chunk in changed.chunks(50) {
        registry.upsert_batch(chunk).await?;
    }
    for record in changed.iter().take(20) {
        registry
            .add_title(&Title {
                uscc: record.enterprise.uscc.clone(),
                tier: Tier::Specialized,
                issued: chrono::NaiveDate::from_ymd_opt(2023, 6, 1).ok_or("date")?,
                expires: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).ok_or("date")?,
                edition: "2022".into(),
            })
            .await?;
    }
    let newcomers: Vec<EnterpriseRecord> = shangyun_demo::generate(DEMO_FIRMS + 300, 12)
        .skip(DEMO_FIRMS)
        .map(|(e, figures)| EnterpriseRecord::new(e, figures))
        .filter(|r| !firms.iter().any(|f| f.uscc == r.enterprise.uscc))
        .collect();
    let prepared = registry.prepare_batch(newcomers.clone()).await?;
    registry.commit_batch(prepared).await?;
    for record in changed.iter().chain(&newcomers) {
        match firms.iter_mut().find(|f| f.uscc == record.enterprise.uscc) {
            Some(f) => *f = record.enterprise.clone(),
            None => firms.push(record.enterprise.clone()),
        }
    }
    compare(registry, &mut rng, &firms, 150).await?;

    // Requests the index does not hold go to SQL.
    let by_year = SearchRequest {
        filter: RegistryFilter {
            year: Some(2024),
            ..RegistryFilter::default()
        },
        limit: 10,
        ..SearchRequest::default()
    };
    assert!(registry.search_via_index(&by_year).await?.is_none());
    let titled = SearchRequest {
        filter: RegistryFilter {
            holds_title: vec![Tier::Specialized],
            ..RegistryFilter::default()
        },
        limit: 10,
        ..SearchRequest::default()
    };
    assert!(registry.search_via_index(&titled).await?.is_none());
    assert_eq!(
        registry.search(&titled).await?,
        registry.search_sql(&titled).await?
    );

    // Classify rewrites every derived row (the marks go): the index is built again.
    registry.classify_all(700, |_| {}).await?;
    assert!(registry.wait_for_listing_index(BUILD_WAIT).await);
    compare(registry, &mut rng, &firms, 60).await?;
    Ok(())
}

/// Firms whose names hold LIKE wildcards, quotes and backslashes, or are ASCII.
fn odd_firms(firms: &[Enterprise]) -> Vec<EnterpriseRecord> {
    let names = [
        "100%_Percent\\Ltd",
        "100 Percent Ltd",
        "O'Brien \"Quoted\" 科技",
        "abc华创科技",
        "ABC华创科技",
        "华创_科技%有限公司",
        "😀 表情科技",
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let base = &firms[i * 37];
            let region = &base.registered_region;
            let uscc = format!("91{region}ODD{i:05}X");
            let mut record = support::record(0, region, &base.industry, &[(2024, 30, 900.0)]);
            record.enterprise.uscc = uscc.clone();
            record.enterprise.name = (*name).to_owned();
            for f in &mut record.figures {
                f.uscc = uscc.clone();
            }
            record
        })
        .collect()
}

async fn mark_eligible(location: &DatabaseLocation, marks: &[(String, &str)]) -> TestResult {
    let now = chrono::Utc::now();
    match location {
        DatabaseLocation::Sqlite { path } => {
            let mut conn = sqlx::SqliteConnection::connect(&path.to_string_lossy()).await?;
            for (uscc, column) in marks {
                let sql = format!(
                    "UPDATE derived SET {column} = 'eligible', computed_at = ?1 \
                     WHERE uscc = ?2 AND is_latest = 1"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(now)
                    .bind(uscc)
                    .execute(&mut conn)
                    .await?;
            }
        }
        DatabaseLocation::Postgres { url } => {
            let mut conn = sqlx::PgConnection::connect(url).await?;
            for (uscc, column) in marks {
                let sql = format!(
                    "UPDATE derived SET {column} = 'eligible', computed_at = $1 \
                     WHERE uscc = $2 AND is_latest"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(now)
                    .bind(uscc)
                    .execute(&mut conn)
                    .await?;
            }
        }
    }
    Ok(())
}

/// What the comparisons covered.
#[derive(Debug, Default)]
struct Seen {
    items: usize,
    cursors: usize,
    eligible: usize,
}

/// `queries` random requests, each followed through up to five pages: the index's page must
/// equal SQL's, items and cursor.
async fn compare(
    registry: &Registry,
    rng: &mut Rng,
    firms: &[Enterprise],
    queries: usize,
) -> Result<Seen, Box<dyn std::error::Error + Send + Sync>> {
    let mut seen = Seen::default();
    for _ in 0..queries {
        let mut request = random_request(rng, firms);
        for page in 0..5 {
            let via_index = registry
                .search_via_index(&request)
                .await?
                .ok_or_else(|| format!("the index did not answer {request:?}"))?;
            let via_sql = registry.search_sql(&request).await?;
            assert_eq!(
                via_index, via_sql,
                "page {page} of {request:?} differs (left: index, right: SQL)"
            );
            seen.items += via_sql.items.len();
            seen.eligible += via_sql
                .items
                .iter()
                .filter(|i| !i.eligible_for.is_empty())
                .count();
            match via_sql.next_cursor {
                Some(cursor) => {
                    seen.cursors += 1;
                    request.cursor = Some(cursor);
                }
                None => break,
            }
        }
    }
    Ok(seen)
}

fn random_request(rng: &mut Rng, firms: &[Enterprise]) -> SearchRequest {
    let pick = |rng: &mut Rng| firms[rng.below(firms.len())].clone();
    let mut filter = RegistryFilter::default();
    if rng.chance(75) {
        let region = pick(rng).registered_region;
        let digits = [2, 4, 4, 6][rng.below(4)];
        filter.region = Some(format!("{}{}", &region[..digits], "0".repeat(6 - digits)));
    }
    if rng.chance(40) {
        for _ in 0..1 + rng.below(2) {
            let industry = pick(rng).industry;
            let digits = [2, 2, 3, 4][rng.below(4)].min(industry.len());
            let prefix = &industry[..digits];
            filter.industries.push(if rng.chance(10) {
                format!("C{prefix}")
            } else {
                prefix.to_owned()
            });
        }
    }
    if rng.chance(35) {
        for _ in 0..1 + rng.below(2) {
            let class = SIZE_CLASSES[rng.below(4)];
            filter.size_classes.push(if rng.chance(10) {
                format!(" {} ", class.to_uppercase())
            } else {
                class.to_owned()
            });
        }
    }
    let tiers = [Tier::Innovative, Tier::Specialized, Tier::LittleGiant];
    if rng.chance(25) {
        filter.eligible_for.push(tiers[rng.below(3)]);
    }
    if rng.chance(20) {
        filter.candidate_for.push(tiers[rng.below(3)]);
    }
    if rng.chance(50) {
        filter.name_contains = Some(if rng.chance(8) {
            ["%", "_", "\\", "'", "\"", "%_", "华创", "😀"][rng.below(8)].to_owned()
        } else {
            let name: Vec<char> = pick(rng).name.chars().collect();
            let len = 1 + rng.below(4);
            let start = rng.below(name.len().saturating_sub(len) + 1);
            name[start..(start + len).min(name.len())].iter().collect()
        });
    }
    SearchRequest {
        filter,
        sort: Sort {
            key: [SortKey::Uscc, SortKey::Name, SortKey::Region][rng.below(3)],
            descending: rng.chance(50),
        },
        cursor: None,
        limit: rng.below(61) as u32,
    }
}
