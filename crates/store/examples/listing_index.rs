//! Figures of the listing index on an existing registry: build time at open, bytes per
//! enterprise, the process's resident memory before and after, and the time of a set of
//! searches through the index and through SQL (one at a time). A figure printer, not a test.
//!
//!     cargo run --release -p shangyun-store --example listing_index -- DATABASE [QUERIES]
//!
//! QUERIES: a path file of scripts/bench-search.sh (`/api/v1/enterprises?region=…&q=…`); its
//! region, industry, size, tier, q, sort and limit parameters are read.

use shangyun_registry::Tier;
use shangyun_store::{
    DatabaseLocation, OpenOptions, Registry, RegistryFilter, SearchRequest, Sort, SortKey,
};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn request_of(path: &str) -> Option<SearchRequest> {
    let query = path.split_once('?')?.1;
    let mut request = SearchRequest {
        limit: 50,
        ..SearchRequest::default()
    };
    let mut filter = RegistryFilter::default();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=')?;
        let v = unescape(v);
        match k {
            "region" => filter.region = Some(v),
            "industry" => filter.industries = v.split(',').map(str::to_owned).collect(),
            "size" => filter.size_classes = v.split(',').map(str::to_owned).collect(),
            "tier" => {
                filter.eligible_for = v
                    .split(',')
                    .filter_map(|t| match t {
                        "innovative" => Some(Tier::Innovative),
                        "specialized" => Some(Tier::Specialized),
                        "little-giant" => Some(Tier::LittleGiant),
                        _ => None,
                    })
                    .collect()
            }
            "q" => filter.name_contains = Some(v),
            "limit" => request.limit = v.parse().ok()?,
            "sort" => {
                let (descending, key) = match v.strip_prefix('-') {
                    Some(k) => (true, k.to_owned()),
                    None => (false, v.clone()),
                };
                request.sort = Sort {
                    key: SortKey::parse(&key)?,
                    descending,
                };
            }
            _ => {}
        }
    }
    request.filter = filter;
    Some(request)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let database = args
        .get(1)
        .ok_or("usage: listing_index DATABASE [QUERIES]")?;
    let before = rss_mb();
    let opened = Instant::now();
    // Not migrated here, so that a benchmark database stays at the schema its loader wrote.
    let registry = Registry::open_location(
        &DatabaseLocation::parse(database)?,
        &OpenOptions {
            migrate: false,
            ..OpenOptions::default()
        },
    )
    .await?;
    if !registry
        .wait_for_listing_index(Duration::from_secs(600))
        .await
    {
        return Err("the index was not built in 10 minutes".into());
    }
    let ready = opened.elapsed();
    let stats = registry.listing_index().await.ok_or("no figures")?;
    let after = rss_mb();
    println!(
        "{} enterprises: index {:.1} MB ({:.0} B/enterprise), built in {:.2} s (ready {:.2} s after open); RSS {:.0} -> {:.0} MB",
        stats.enterprises,
        stats.heap_bytes as f64 / 1e6,
        stats.heap_bytes as f64 / stats.enterprises.max(1) as f64,
        stats.build.as_secs_f64(),
        ready.as_secs_f64(),
        before,
        after
    );
    let Some(file) = args.get(2) else {
        return Ok(());
    };
    let requests: Vec<SearchRequest> = std::fs::read_to_string(file)?
        .lines()
        .filter_map(request_of)
        .collect();
    for (label, via_index) in [("index", true), ("sql", false)] {
        let mut times = Vec::new();
        let mut slowest = Vec::new();
        for (i, request) in requests.iter().enumerate() {
            let start = Instant::now();
            if via_index {
                registry.search(request).await?;
            } else {
                registry.search_sql(request).await?;
            }
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            times.push(ms);
            slowest.push((ms, i));
        }
        slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, i) in slowest.iter().take(8) {
            let r = &requests[*i];
            println!(
                "  {ms:7.2} ms  region {:?} industries {:?} sizes {:?} tiers {:?} q {:?} sort {:?} limit {} cursor {}",
                r.filter.region,
                r.filter.industries,
                r.filter.size_classes,
                r.filter.eligible_for,
                r.filter.name_contains,
                r.sort,
                r.limit,
                r.cursor.is_some()
            );
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!(
            "{label}: {} searches one at a time: mean {:.2} ms, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            times.len(),
            times.iter().sum::<f64>() / times.len() as f64,
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
    Ok(())
}
