//! Chunk block encode and decode of a day of 10 s meter data (8,640 points per series), and
//! the bytes per point they take. Run: `cargo bench -p shangyun-tsdb --bench codec`.
//! The end-to-end ingest benchmark is `cargo run --release -p shangyun-tsdb --example ingest_bench`.

#[path = "../tests/common/meter.rs"]
mod meter;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shangyun_tsdb::{ChunkWriter, Owner, SeriesKey, Value, decode_block};
use std::hint::black_box;

fn series() -> Vec<(SeriesKey, Vec<i64>, Vec<Value>)> {
    let owner = Owner::new("E1").expect("owner");
    let batches = meter::meter_batches(&owner, 1, 1_764_547_200_000, 86_400_000, 10_000, 0);
    let mut out: Vec<(SeriesKey, Vec<i64>, Vec<Value>)> = Vec::new();
    for key in ["energy_kwh", "temperature", "running"] {
        let (ts, vals) = batches
            .iter()
            .flat_map(|b| b.points.iter().filter(|p| p.key == key))
            .map(|p| (p.ts, p.value.clone()))
            .unzip();
        out.push((SeriesKey::new(1, key), ts, vals));
    }
    out
}

fn codec(c: &mut Criterion) {
    let data = series();
    let points: usize = data.iter().map(|s| s.1.len()).sum();
    let owner = Owner::new("E1").expect("owner");
    let encode = || {
        let mut w = ChunkWriter::new();
        for (s, ts, v) in &data {
            w.add_block(s, ts, v);
        }
        w.finish(&owner, 0, (1, 0), &[])
    };
    let (bytes, index) = encode();
    println!(
        "codec: {points} points in {} bytes = {:.3} bytes per point",
        bytes.len(),
        bytes.len() as f64 / points as f64
    );
    let mut g = c.benchmark_group("chunk");
    g.throughput(Throughput::Elements(points as u64));
    g.bench_function("encode 3 series × 8640 points", |b| {
        b.iter(|| black_box(encode()))
    });
    g.bench_function("decode 3 series × 8640 points", |b| {
        b.iter(|| {
            for m in &index.blocks {
                let block = &bytes[m.offset as usize..][..m.len as usize];
                black_box(decode_block(block, m.offset).expect("decodes"));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, codec);
criterion_main!(benches);
