//! Fuzz-style properties: every decoder of bytes from disk takes arbitrary bytes without
//! panicking, damaged valid images are rejected, and encoders round-trip bit-exactly.

use proptest::prelude::*;
use shangyun_tsdb::{
    Batch, ChunkWriter, DeviceId, Owner, Point, SeriesKey, Value, decode_batches, decode_block,
    decode_chunk_file, decode_frame, encode_batches,
};
use shangyun_tsdb_wal::{encode_frame, scan_segment};

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::F64),
        (-100_000i64..100_000).prop_map(|i| Value::F64(i as f64 / 100.0)),
        any::<i64>().prop_map(Value::I64),
        any::<bool>().prop_map(Value::Bool),
        ".{0,20}".prop_map(Value::Str),
    ]
}

fn batch() -> impl Strategy<Value = Batch> {
    (
        "[A-Za-z0-9_-]{1,20}",
        prop_oneof![
            any::<u64>().prop_map(DeviceId::Num),
            "[^\\x00-\\x1f]{1,20}".prop_map(DeviceId::Name)
        ],
        prop::collection::vec(("[a-z]{1,8}", 0i64..=shangyun_tsdb::MAX_TS, value()), 1..20),
    )
        .prop_map(|(owner, device, points)| Batch {
            owner: Owner::new(owner).expect("strategy makes valid owners"),
            device,
            points: points
                .into_iter()
                .map(|(k, ts, v)| Point::new(k, ts, v))
                .collect(),
        })
}

fn chunk_image(series: &[(SeriesKey, Vec<i64>, Vec<Value>)]) -> Vec<u8> {
    let mut w = ChunkWriter::new();
    for (s, ts, v) in series {
        w.add_block(s, ts, v);
    }
    w.finish(
        &Owner::new("E1").expect("owner"),
        20_000,
        (3, 1),
        &[(1, 0), (2, 0)],
    )
    .0
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn wal_decoders_take_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_frame(&bytes);
        let _ = scan_segment(&bytes, 1);
        let _ = decode_batches(&bytes);
    }

    #[test]
    fn chunk_decoders_take_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_block(&bytes, 0);
        let _ = decode_chunk_file(&bytes);
        let _ = shangyun_tsdb::latest::LatestTable::decode(&bytes);
    }

    #[test]
    fn block_bodies_with_valid_checksums_never_panic(body in prop::collection::vec(any::<u8>(), 0..256)) {
        // Past the checksum the body parser itself sees hostile bytes.
        let mut block = (body.len() as u32).to_le_bytes().to_vec();
        block.extend_from_slice(&crc32c::crc32c(&body).to_le_bytes());
        block.extend_from_slice(&body);
        let _ = decode_block(&block, 0);
        // Same for an index footer.
        let mut file = b"SYCHUNK1".to_vec();
        file.extend_from_slice(&body);
        file.extend_from_slice(&(body.len() as u32).to_le_bytes());
        file.extend_from_slice(&crc32c::crc32c(&body).to_le_bytes());
        file.extend_from_slice(b"SYCHKEND");
        let _ = decode_chunk_file(&file);
    }

    #[test]
    fn structured_block_bodies_never_panic(
        device in any::<u64>(),
        count in 0u64..5000,
        rest in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        // A plausible prefix (device, key, count) followed by garbage reaches the codecs.
        let mut body = vec![0u8];
        let mut d = device;
        while d >= 0x80 { body.push((d as u8) | 0x80); d >>= 7; }
        body.push(d as u8);
        body.extend_from_slice(&[1, b'k']);
        let mut c = count;
        while c >= 0x80 { body.push((c as u8) | 0x80); c >>= 7; }
        body.push(c as u8);
        body.extend_from_slice(&rest);
        let mut block = (body.len() as u32).to_le_bytes().to_vec();
        block.extend_from_slice(&crc32c::crc32c(&body).to_le_bytes());
        block.extend_from_slice(&body);
        let _ = decode_block(&block, 0);
    }

    #[test]
    fn batches_round_trip(batches in prop::collection::vec(batch(), 1..4)) {
        let refs: Vec<&Batch> = batches.iter().collect();
        let mut bytes = Vec::new();
        encode_batches(&refs, &mut bytes);
        prop_assert_eq!(decode_batches(&bytes), Ok(batches));
        // Inside a frame, any flipped byte is caught by the checksum.
        let mut framed = Vec::new();
        encode_frame(1, &bytes, &mut framed);
        let at = framed.len() / 2;
        framed[at] ^= 0x10;
        let complete = matches!(decode_frame(&framed), shangyun_tsdb_wal::FrameDecode::Complete { .. });
        prop_assert!(!complete);
    }

    #[test]
    fn blocks_round_trip_bit_exact(
        start in 0i64..1_000_000_000_000,
        steps in prop::collection::vec(1i64..100_000, 1..300),
        kind in 0u8..4,
        seed in any::<u64>(),
    ) {
        let mut ts = vec![start];
        for s in &steps {
            let next = ts[ts.len() - 1] + s;
            ts.push(next);
        }
        let mut x = seed | 1;
        let values: Vec<Value> = ts.iter().map(|_| {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            match kind {
                0 => Value::F64((x % 100_000) as f64 / 100.0),
                1 => Value::F64(f64::from_bits(x >> 2)),
                2 => Value::I64(x as i64),
                _ => Value::Bool(x % 3 == 0),
            }
        }).collect();
        let values: Vec<Value> = values.into_iter().map(|v| match v {
            Value::F64(f) if !f.is_finite() => Value::F64(0.5),
            other => other,
        }).collect();
        let series = SeriesKey::new(7, "k");
        let image = chunk_image(&[(series.clone(), ts.clone(), values.clone())]);
        let (index, blocks) = decode_chunk_file(&image).expect("decodes");
        prop_assert_eq!(index.rank, (3, 1));
        prop_assert_eq!(blocks.len(), 1);
        let block = blocks[0].clone().expect("block decodes");
        prop_assert_eq!(&block.series, &series);
        prop_assert_eq!(&block.ts, &ts);
        for (a, b) in block.values.iter().zip(&values) {
            prop_assert!(a.same_bits(b), "{:?} != {:?}", a, b);
        }
    }

    #[test]
    fn damaged_chunk_images_never_panic_and_are_caught(
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
    ) {
        let ts: Vec<i64> = (0..200).map(|i| i * 1000).collect();
        let vals: Vec<Value> = (0..200).map(|i| Value::F64(f64::from(i) / 10.0)).collect();
        let good = chunk_image(&[
            (SeriesKey::new(1, "a"), ts.clone(), vals.clone()),
            (SeriesKey::new(2, "b"), ts, vals),
        ]);
        let mut bad = good.clone();
        for (i, mask) in &flips {
            let at = i.index(bad.len());
            bad[at] ^= mask;
        }
        match decode_chunk_file(&bad) {
            Err(_) => {}
            Ok((_, blocks)) => {
                // The index and tail are checksummed, so damage that still decodes hit a
                // block, and that block fails its checksum.
                if bad != good {
                    prop_assert!(blocks.iter().any(|b| b.is_err()));
                }
            }
        }
    }
}
