//! Login throttling: failed sign-ins are counted per account name and per client address
//! in a sliding window; past the limit, attempts are refused (429) until the window clears.
//! In memory: a restart forgets, which is acceptable for a single process.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Limits of the sliding windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    pub window: Duration,
    /// Failures of one account name within the window.
    pub per_account: usize,
    /// Failures from one client address within the window (several accounts behind a NAT).
    pub per_address: usize,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        ThrottleLimits {
            window: Duration::from_secs(15 * 60),
            per_account: 5,
            per_address: 20,
        }
    }
}

/// Failed-login counters.
#[derive(Debug, Default)]
pub struct Throttle {
    limits: ThrottleLimits,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(limits: ThrottleLimits) -> Throttle {
        Throttle {
            limits,
            failures: Mutex::default(),
        }
    }

    /// `Some(seconds to wait)` when the account or the address is locked out now.
    pub fn check(&self, account: &str, address: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let keys = [
            (account_key(account), self.limits.per_account),
            (address_key(address), self.limits.per_address),
        ];
        keys.iter()
            .filter_map(|(key, limit)| {
                let times = map.get_mut(key)?;
                prune(times, now, self.limits.window);
                (times.len() >= *limit).then(|| {
                    let oldest = times.front().copied().unwrap_or(now);
                    let wait = self.limits.window.saturating_sub(now - oldest);
                    wait.as_secs().max(1)
                })
            })
            .max()
    }

    /// Records a failed attempt.
    pub fn fail(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound memory: forget stale keys when the map grows.
        if map.len() > 100_000 {
            let window = self.limits.window;
            map.retain(|_, times| {
                prune(times, now, window);
                !times.is_empty()
            });
        }
        for key in [account_key(account), address_key(address)] {
            map.entry(key).or_default().push_back(now);
        }
    }

    /// Clears the account's failures after a successful sign-in.
    pub fn succeed(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&account_key(account));
    }
}

fn account_key(account: &str) -> String {
    format!("a:{}", account.trim())
}

fn address_key(address: &str) -> String {
    format!("i:{address}")
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_locks_after_its_limit_and_success_clears_it() {
        let t = Throttle::new(ThrottleLimits {
            window: Duration::from_secs(60),
            per_account: 3,
            per_address: 100,
        });
        for _ in 0..2 {
            t.fail("alice", "10.0.0.1");
        }
        assert_eq!(t.check("alice", "10.0.0.1"), None);
        t.fail("alice", "10.0.0.2");
        assert!(t.check("alice", "10.0.0.9").is_some());
        assert_eq!(t.check("bob", "10.0.0.9"), None);
        t.succeed("alice");
        assert_eq!(t.check("alice", "10.0.0.9"), None);
    }

    #[test]
    fn address_locks_across_accounts() {
        let t = Throttle::new(ThrottleLimits {
            window: Duration::from_secs(60),
            per_account: 100,
            per_address: 3,
        });
        for name in ["a", "b", "c"] {
            t.fail(name, "10.0.0.1");
        }
        assert!(t.check("d", "10.0.0.1").is_some());
        assert_eq!(t.check("d", "10.0.0.2"), None);
    }
}
