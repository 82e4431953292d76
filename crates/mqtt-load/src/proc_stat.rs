//! CPU time and resident memory of a process from /proc (Linux).

use std::time::Instant;

#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub at: Instant,
    /// utime + stime, in clock ticks (100 per second on Linux).
    pub cpu_ticks: u64,
    pub rss_kb: u64,
}

pub fn sample(pid: Option<u32>) -> Option<Sample> {
    let pid = pid?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let utime: u64 = f.get(11)?.parse().ok()?;
    let stime: u64 = f.get(12)?.parse().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kb = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(Sample {
        at: Instant::now(),
        cpu_ticks: utime + stime,
        rss_kb,
    })
}

pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// CPU use between two samples, in percent of one core.
pub fn cpu_percent(a: &Option<Sample>, b: &Option<Sample>) -> Option<f64> {
    let (a, b) = (a.as_ref()?, b.as_ref()?);
    let secs = b.at.duration_since(a.at).as_secs_f64();
    Some((b.cpu_ticks - a.cpu_ticks) as f64 / 100.0 / secs * 100.0)
}
