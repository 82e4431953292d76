//! The benchmark's printout.

use crate::proc_stat::{Sample, cpu_percent};

pub struct Figures {
    pub connected: u64,
    pub acked: u64,
    pub secs: f64,
    pub latencies_us: Vec<u32>,
    pub base: Option<Sample>,
    pub idle: Option<Sample>,
    pub busy_start: Option<Sample>,
    pub busy: Option<Sample>,
    pub self_start: Option<Sample>,
    pub self_end: Option<Sample>,
    pub load: String,
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

pub fn print(f: &Figures) {
    let mut lat = f.latencies_us.clone();
    lat.sort_unstable();
    let rate = f.acked as f64 / f.secs;
    println!(
        "busy: {} acked QoS 1 messages in {:.1} s = {:.0} msg/s = {:.0} points/s; PUBACK latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; load average {}",
        f.acked,
        f.secs,
        rate,
        rate * 3.0,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
        f.load
    );
    if let Some(c) = cpu_percent(&f.busy_start, &f.busy) {
        println!("server CPU while busy: {c:.0} % of one core");
    }
    if let Some(c) = cpu_percent(&f.self_start, &f.self_end) {
        println!("load generator CPU while busy: {c:.0} % of one core");
    }
    if let (Some(base), Some(idle), Some(busy)) = (f.base, f.idle, f.busy) {
        let n = f.connected.max(1) as f64;
        println!(
            "server memory: {} KB before connections, {} KB with {} idle connections ({:.1} KB per idle connection), {} KB busy ({:.1} KB per busy connection)",
            base.rss_kb,
            idle.rss_kb,
            f.connected,
            (idle.rss_kb as f64 - base.rss_kb as f64) / n,
            busy.rss_kb,
            (busy.rss_kb as f64 - base.rss_kb as f64) / n
        );
    }
}
