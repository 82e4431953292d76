//! Authentication lookups per second against the SQL store (SQLite file and PostgreSQL), the
//! figure that decides how fast 50k devices can reconnect after a restart.
//! `cargo run --release -p shangyun-device-store --example auth_bench -- [devices] [postgres-url]`.

use shangyun_device_store::{CredentialSpec, DeviceStore, Issued, NewDeviceSpec};
use shangyun_devices::{Credential, DeviceDirectory, Presence};
use std::sync::Arc;
use std::time::Instant;

async fn run(label: &str, url: &str, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let store = DeviceStore::open(url).await?;
    let t = Instant::now();
    let mut tokens = Vec::with_capacity(n);
    for i in 0..n {
        let (_, issued) = store
            .add_device(
                NewDeviceSpec {
                    name: format!("bench-{i}"),
                    device_type: Some("electricity-meter".into()),
                    ..NewDeviceSpec::default()
                },
                CredentialSpec::GenerateToken,
                "bench",
            )
            .await?;
        if let Issued::AccessToken { token } = issued {
            tokens.push(token);
        }
    }
    println!(
        "{label}: registered {n} devices in {:.1} s (one audited transaction each)",
        t.elapsed().as_secs_f64()
    );
    let tokens = Arc::new(tokens);
    store.close().await;
    for (tasks, warm) in [(1usize, false), (8, false), (32, false), (8, true)] {
        // a fresh handle: its lookup cache is empty unless warmed (as DeviceRuntime does)
        let store = Arc::new(DeviceStore::open(url).await?);
        if warm {
            let t = Instant::now();
            let k = store.warm_token_cache().await?;
            println!(
                "{label}: warm_token_cache: {k} tokens in {:.2} s",
                t.elapsed().as_secs_f64()
            );
        }
        let t = Instant::now();
        let mut handles = Vec::new();
        for k in 0..tasks {
            let (store, tokens) = (store.clone(), tokens.clone());
            handles.push(tokio::spawn(async move {
                let mut ok = 0usize;
                for tok in tokens.iter().skip(k).step_by(tasks) {
                    if store
                        .authenticate(Credential::AccessToken(tok))
                        .await
                        .ok()
                        .flatten()
                        .is_some()
                    {
                        ok += 1;
                    }
                }
                ok
            }));
        }
        let mut ok = 0;
        for h in handles {
            ok += h.await?;
        }
        assert_eq!(ok, n);
        let e = t.elapsed();
        println!(
            "{label}: token authenticate, {tasks:>2} concurrent tasks, {}: {:>9.0} lookups/s ({n} connects in {:.2} s)",
            if warm { "warm cache" } else { "cold (SQL)" },
            n as f64 / e.as_secs_f64(),
            e.as_secs_f64()
        );
        store.close().await;
    }
    let store = DeviceStore::open(url).await?;
    // presence flush: every device active once, one batch
    let presence = Presence::default();
    for d in store.all_identities().await? {
        presence.on_activity(&d, 1_000);
    }
    let dirty = presence.take_dirty(1_000);
    let t = Instant::now();
    store.save_presence(&dirty).await?;
    println!(
        "{label}: presence flush of {} records in one transaction: {:.2} s ({:.0} records/s)",
        dirty.len(),
        t.elapsed().as_secs_f64(),
        dirty.len() as f64 / t.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let pg = args.next();
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    run("sqlite", &path.to_string_lossy(), n).await?;
    if let Some(url) = pg {
        // a fresh schema, dropped afterwards
        use sqlx::Connection;
        let schema = format!("devices_bench_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&url).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await?;
        let sep = if url.contains('?') { '&' } else { '?' };
        let result = run(
            "postgres",
            &format!("{url}{sep}options[search_path]={schema}"),
            n,
        )
        .await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .execute(&mut admin)
            .await?;
        result?;
    }
    Ok(())
}
