//! `mqtt-load`: opens N MQTT connections (tokens `<prefix><i:08>`, as `mqtt_server` creates),
//! holds them idle, then has every connection publish ThingsBoard telemetry (3 points, meter-like
//! values, one timestamp per message) at QoS 1 with W messages in flight, for S seconds.
//! Prints msg/s, points/s, PUBACK latency p50/p99 and, given the server's pid, its CPU and
//! resident memory per connection idle and busy.
//!
//! Options (KEY=VALUE arguments): conns=10000 window=1 secs=20 port=1884 hosts=4 (connect to
//! 127.0.0.1..=127.0.0.<hosts> to multiply the ephemeral ports) prefix=bench-token-
//! pid=<server pid> topic=v1/devices/me/telemetry threads=1 acklog=<file> (write
//! `acked <device> <ts>` per PUBACK, for the kill -9 test) connect_rate=5000 (per second).

// Cheap allocation: the generator shares the cores with the server it measures.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod conn;
mod proc_stat;
mod report;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Options {
    pub conns: usize,
    pub window: usize,
    pub secs: u64,
    pub port: u16,
    pub hosts: u8,
    pub prefix: String,
    pub pid: Option<u32>,
    pub topic: String,
    pub threads: usize,
    pub acklog: Option<String>,
    pub connect_rate: u64,
}

fn options() -> Result<Options, String> {
    let mut kv: HashMap<String, String> = HashMap::new();
    for a in std::env::args().skip(1) {
        let (k, v) = a
            .split_once('=')
            .ok_or(format!("argument {a:?} is not KEY=VALUE"))?;
        kv.insert(k.to_owned(), v.to_owned());
    }
    let num = |k: &str, d: u64| -> Result<u64, String> {
        kv.get(k).map_or(Ok(d), |v| {
            v.parse().map_err(|_| format!("{k}={v} is not a number"))
        })
    };
    Ok(Options {
        conns: num("conns", 10_000)? as usize,
        window: num("window", 1)?.max(1) as usize,
        secs: num("secs", 20)?,
        port: num("port", 1884)? as u16,
        hosts: num("hosts", 4)?.clamp(1, 250) as u8,
        prefix: kv
            .get("prefix")
            .cloned()
            .unwrap_or_else(|| "bench-token-".into()),
        pid: kv.get("pid").and_then(|p| p.parse().ok()),
        topic: kv
            .get("topic")
            .cloned()
            .unwrap_or_else(|| "v1/devices/me/telemetry".into()),
        threads: num("threads", 1)?.max(1) as usize,
        acklog: kv.get("acklog").cloned(),
        connect_rate: num("connect_rate", 5000)?.max(1),
    })
}

/// Shared between the connection tasks.
pub struct Shared {
    pub opts: Options,
    pub connected: AtomicU64,
    pub failed: AtomicU64,
    pub go: tokio::sync::watch::Receiver<u8>,
    pub stop: AtomicBool,
    pub acked: AtomicU64,
    pub latencies: std::sync::Mutex<Vec<u32>>,
    pub acklog: Option<std::sync::Mutex<std::io::BufWriter<std::fs::File>>>,
}

fn main() {
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("mqtt-load: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(opts.threads)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(opts));
}

async fn run(opts: Options) {
    let (go_tx, go_rx) = tokio::sync::watch::channel(0u8);
    let acklog = opts.acklog.as_ref().map(|p| {
        std::sync::Mutex::new(std::io::BufWriter::new(
            std::fs::File::create(p).expect("ack log"),
        ))
    });
    let shared = Arc::new(Shared {
        opts,
        connected: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        go: go_rx,
        stop: AtomicBool::new(false),
        acked: AtomicU64::new(0),
        latencies: std::sync::Mutex::new(Vec::new()),
        acklog,
    });
    let o = &shared.opts;
    let base = proc_stat::sample(o.pid);
    let t0 = Instant::now();
    let mut tasks = Vec::with_capacity(o.conns);
    let pause = Duration::from_secs_f64(100.0 / o.connect_rate as f64);
    for i in 0..o.conns {
        tasks.push(tokio::spawn(conn::device(shared.clone(), i)));
        if i % 100 == 99 {
            tokio::time::sleep(pause).await;
        }
    }
    // Wait until every connection is up (or failed).
    let deadline = Instant::now() + Duration::from_secs(120);
    while shared.connected.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed)
        < o.conns as u64
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let connect_secs = t0.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = proc_stat::sample(o.pid);
    let connected = shared.connected.load(Ordering::Relaxed);
    let failed = shared.failed.load(Ordering::Relaxed);
    println!(
        "connections: {connected} up, {failed} failed, in {connect_secs:.1} s; load average {}",
        proc_stat::loadavg()
    );
    // Busy phase.
    let _ = go_tx.send(1);
    let busy_start = Instant::now();
    let cpu_start = proc_stat::sample(o.pid);
    let self_start = proc_stat::sample(Some(std::process::id()));
    // Skip the first second (ramp-up) in the figures.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let acked_start = shared.acked.load(Ordering::Relaxed);
    let measure_start = Instant::now();
    let cpu_measure = proc_stat::sample(o.pid);
    let self_measure = proc_stat::sample(Some(std::process::id()));
    shared.latencies.lock().expect("lat").clear();
    tokio::time::sleep(Duration::from_secs(o.secs.saturating_sub(1).max(1))).await;
    let busy = proc_stat::sample(o.pid);
    let self_end = proc_stat::sample(Some(std::process::id()));
    let acked = shared.acked.load(Ordering::Relaxed) - acked_start;
    let secs = measure_start.elapsed().as_secs_f64();
    let load = proc_stat::loadavg();
    let lat = std::mem::take(&mut *shared.latencies.lock().expect("lat"));
    shared.stop.store(true, Ordering::Relaxed);
    let _ = go_tx.send(2);
    report::print(&report::Figures {
        connected,
        acked,
        secs,
        latencies_us: lat,
        base,
        idle,
        busy_start: cpu_measure,
        busy,
        self_start: self_measure,
        self_end,
        load,
    });
    let _ = (busy_start, cpu_start, self_start);
    if let Some(log) = &shared.acklog {
        use std::io::Write;
        let _ = log.lock().expect("log").flush();
    }
    for t in tasks {
        t.abort();
    }
}
