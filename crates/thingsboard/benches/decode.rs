//! Decoding speed of ThingsBoard payloads against plain `serde_json::Value` parsing of the same
//! bytes (the peer: what any JSON-based endpoint pays at least).
//! `cargo bench -p shangyun-thingsboard --bench decode`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shangyun_thingsboard::{Limits, decode_gateway_telemetry, decode_telemetry};
use std::hint::black_box;

fn payloads() -> Vec<(&'static str, Vec<u8>)> {
    let mut gateway = String::from("{");
    for d in 0..10 {
        if d > 0 {
            gateway.push(',');
        }
        gateway.push_str(&format!(
            r#""Meter {d}":[{{"ts":1700000000{d:03},"values":{{"kwh":1234.5{d},"kw":3.2{d},"on":true}}}}]"#
        ));
    }
    gateway.push('}');
    vec![
        (
            "3 points, server time",
            br#"{"temperature":21.5,"humidity":63,"kwh":18234.75}"#.to_vec(),
        ),
        (
            "3 points, ts+values",
            br#"{"ts":1700000000123,"values":{"temperature":21.5,"humidity":63,"kwh":18234.75}}"#
                .to_vec(),
        ),
        ("gateway, 10 devices x 3 points", gateway.into_bytes()),
    ]
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    for (name, bytes) in payloads() {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(1));
        let gateway = name.starts_with("gateway");
        group.bench_function("shangyun-thingsboard", |b| {
            b.iter(|| {
                if gateway {
                    black_box(
                        decode_gateway_telemetry(black_box(&bytes), &limits).map(|d| d.len()),
                    )
                    .ok();
                } else {
                    black_box(decode_telemetry(black_box(&bytes), &limits).map(|r| r.len())).ok();
                }
            })
        });
        group.bench_function("serde_json::Value", |b| {
            b.iter(|| {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                    &bytes,
                )))
                .ok()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
