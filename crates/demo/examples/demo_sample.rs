//! Prints a few synthetic enterprises and the size-class spread of a sample.
//! `cargo run -p shangyun-demo --example demo_sample -- [N] [SEED]`

use shangyun_rules::size::{Metrics, classify};
use std::collections::BTreeMap;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut classes: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (firm, years)) in shangyun_demo::generate(n, seed).enumerate() {
        let last = years.last();
        if i < 5 {
            println!(
                "{} {} {} {} founded {:?}; {} years, last: {:?} employees, {:?} 万元",
                firm.uscc,
                firm.name,
                firm.registered_region,
                firm.industry,
                firm.founded,
                years.len(),
                last.and_then(|y| y.employees),
                last.and_then(|y| y.revenue)
            );
        }
        let metrics = Metrics {
            employees: last
                .and_then(|y| y.employees)
                .and_then(|e| u32::try_from(e).ok()),
            revenue_wan: last.and_then(|y| y.revenue),
            assets_wan: last.and_then(|y| y.assets),
        };
        let class = classify(&firm.industry, &metrics)
            .ok()
            .and_then(|o| o.class())
            .map_or("not covered".to_string(), |c| format!("{c:?}"));
        *classes.entry(class).or_default() += 1;
    }
    for (class, count) in classes {
        println!(
            "{class:12} {count:7} {:5.1}%",
            100.0 * count as f64 / n as f64
        );
    }
}
