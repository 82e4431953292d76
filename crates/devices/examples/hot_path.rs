//! Hot-path figures of the pure device domain: token authentication in memory, presence
//! updates, alarm evaluation; with argon2 per connect as the peer a password-hashed token
//! would cost. `cargo run --release -p shangyun-devices --example hot_path [devices]`.

use shangyun_devices::alarms::{AlarmEngine, RuleBook};
use shangyun_devices::{
    Credential, DeviceDirectory, DeviceIdentity, MemoryDirectory, NewDevice, Presence, thing_model,
};
use std::sync::Arc;
use std::time::Instant;

fn rate(n: u64, t: std::time::Duration) -> String {
    format!("{:>12.0}/s", n as f64 / t.as_secs_f64())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000);
    let threads = std::thread::available_parallelism()
        .map(|p| p.get())
        .unwrap_or(2);
    println!("devices: {n}, threads: {threads}");

    // authentication, in memory
    let dir = MemoryDirectory::new();
    let mut tokens = Vec::with_capacity(n);
    for i in 0..n {
        let mut d = NewDevice::named(format!("d{i}"));
        d.device_type = Some("cnc-machine".into());
        tokens.push(dir.add_device(d)?.1);
    }
    let rt = tokio::runtime::Builder::new_current_thread().build()?;
    let t = Instant::now();
    let mut found = 0;
    rt.block_on(async {
        for tok in &tokens {
            if dir
                .authenticate(Credential::AccessToken(tok))
                .await
                .ok()
                .flatten()
                .is_some()
            {
                found += 1;
            }
        }
    });
    let e = t.elapsed();
    assert_eq!(found, n);
    println!(
        "token authenticate (MemoryDirectory, SHA-256 index), 1 thread {}",
        rate(n as u64, e)
    );
    // the peer: argon2id per connect (what hashing tokens like passwords would cost)
    let phc = shangyun_devices::secret::hash_password(b"0123456789abcdef0123456789abcdef")?;
    let k = 20;
    let t = Instant::now();
    for _ in 0..k {
        assert!(shangyun_devices::secret::verify_password(
            b"0123456789abcdef0123456789abcdef",
            &phc
        ));
    }
    println!(
        "peer: argon2id verify (default params), 1 thread        {}",
        rate(k, t.elapsed())
    );

    // presence
    let ids: Vec<DeviceIdentity> = dir.list();
    let presence = Arc::new(Presence::default());
    let rounds = 20u64;
    let t = Instant::now();
    for r in 0..rounds {
        for d in &ids {
            presence.on_activity(d, r as i64);
        }
    }
    let e = t.elapsed();
    println!(
        "presence on_activity, 1 thread                     {}",
        rate(rounds * n as u64, e)
    );
    let t = Instant::now();
    std::thread::scope(|s| {
        for th in 0..threads {
            let (p, ids) = (presence.clone(), &ids);
            s.spawn(move || {
                for r in 0..rounds {
                    for d in ids.iter().skip(th).step_by(threads) {
                        p.on_activity(d, 100 + r as i64);
                    }
                }
            });
        }
    });
    let e = t.elapsed();
    println!(
        "presence on_activity, {threads} threads                    {}",
        rate(rounds * n as u64, e)
    );
    let t = Instant::now();
    let dirty = presence.take_dirty(1_000);
    println!(
        "presence take_dirty ({} records)                 {:>9.1} ms",
        dirty.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let changes = presence.tick(1_000);
    println!(
        "presence tick ({} changes)                       {:>9.1} ms",
        changes.len(),
        t.elapsed().as_secs_f64() * 1e3
    );

    // alarms: 3 numeric points per message (a CNC machine with 2 threshold rules + no-data)
    let engine = AlarmEngine::new(RuleBook::from_models(&thing_model::builtin()?));
    let t = Instant::now();
    let mut events = 0;
    for r in 0..rounds {
        for d in &ids {
            let ts = 1_000 + r as i64;
            events += engine
                .on_points(
                    d,
                    &[
                        ("spindle_temp", ts, 40.0 + (r % 40) as f64),
                        ("spindle_load", ts, 50.0),
                        ("spindle_speed", ts, 8000.0),
                    ],
                )
                .len();
        }
    }
    let e = t.elapsed();
    println!(
        "alarm on_points, 3-point messages with rules, 1 thread {} ({events} events)",
        rate(rounds * n as u64, e)
    );
    let untyped = DeviceIdentity {
        device_type: None,
        ..ids[0].clone()
    };
    let t = Instant::now();
    for r in 0..(rounds * n as u64) {
        let _ = engine.on_points(&untyped, &[("x", r as i64, 1.0)]);
    }
    println!(
        "alarm on_points, device without rules, 1 thread     {}",
        rate(rounds * n as u64, t.elapsed())
    );
    Ok(())
}
