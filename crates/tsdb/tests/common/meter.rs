//! Realistic meter data, deterministic: an energy meter's cumulative kWh with 2 decimals
//! rising slowly, a temperature with noise at 1 decimal, and a 0/1 run state, sampled every
//! `interval_ms` (exact multiples, as a gateway polling a meter reports them) or with
//! server-side arrival jitter.

#![allow(dead_code)]

use shangyun_tsdb::{Batch, DeviceId, Owner, Point};

/// A tiny deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One simulated device.
pub struct Meter {
    pub device: u64,
    kwh: f64,
    power_kw: f64,
    temp: f64,
    on: i64,
    rng: Rng,
}

impl Meter {
    pub fn new(device: u64) -> Self {
        let mut rng = Rng::new(device.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        Self {
            device,
            kwh: 10_000.0 + (rng.unit() * 50_000.0).round(),
            power_kw: 5.0 + rng.unit() * 10.0,
            temp: 22.0 + rng.unit() * 6.0,
            on: 1,
            rng,
        }
    }

    /// The three points at `ts` after `dt_ms` since the previous sample.
    pub fn sample(&mut self, ts: i64, dt_ms: i64) -> Vec<Point> {
        // Power drifts slowly; the meter integrates it and reports 0.01 kWh resolution.
        self.power_kw = (self.power_kw + (self.rng.unit() - 0.5) * 0.2).clamp(1.0, 30.0);
        if self.on == 1 {
            self.kwh += self.power_kw * dt_ms as f64 / 3_600_000.0;
        }
        // Temperature wanders slowly with ±0.2 °C sensor noise, 1 decimal.
        self.temp = (self.temp + (self.rng.unit() - 0.5) * 0.02).clamp(15.0, 40.0);
        let noise = (self.rng.unit() - 0.5) * 0.4;
        // The run state flips about every 30 minutes.
        if self.rng.unit() < dt_ms as f64 / 1_800_000.0 {
            self.on ^= 1;
        }
        vec![
            Point::new("energy_kwh", ts, (self.kwh * 100.0).floor() / 100.0),
            Point::new(
                "temperature",
                ts,
                ((self.temp + noise) * 10.0).round() / 10.0,
            ),
            Point::new("running", ts, self.on),
        ]
    }
}

/// `devices` meters sampled every `interval_ms` for `duration_ms` from `start`, with up to
/// `jitter_ms` of arrival jitter on each timestamp; batches in time order.
pub fn meter_batches(
    owner: &Owner,
    devices: u64,
    start: i64,
    duration_ms: i64,
    interval_ms: i64,
    jitter_ms: i64,
) -> Vec<Batch> {
    let mut meters: Vec<Meter> = (0..devices).map(|d| Meter::new(d + 1)).collect();
    let mut jitter = Rng::new(7);
    let mut out = Vec::new();
    let mut t = start;
    while t < start + duration_ms {
        for m in &mut meters {
            let j = if jitter_ms > 0 {
                (jitter.next_u64() % (jitter_ms as u64 + 1)) as i64
            } else {
                0
            };
            let points = m.sample(t + j, interval_ms);
            out.push(Batch {
                owner: owner.clone(),
                device: DeviceId::Num(m.device),
                points,
            });
        }
        t += interval_ms;
    }
    out
}
