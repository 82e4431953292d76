//! API tokens recently resolved to their account, so that a machine client's requests do not
//! each pay two database round trips before their real work (on PostgreSQL that was most of
//! an enterprise-page request). Keyed by the token's hash, never the token.
//!
//! Freshness: every account change made through this process ([`Accounts`](super::Accounts)'
//! writes) empties the cache at once; changes made by another process or node (`shangyun
//! users …`, a second server) are seen within [`TOKEN_CACHE_TTL`].

use super::Principal;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a resolved token is trusted without asking the database again.
pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(5);
/// Entries kept at most; beyond that the cache starts over (a flood of distinct tokens must
/// not grow memory).
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Default, Clone)]
pub(crate) struct TokenCache {
    inner: Arc<Mutex<HashMap<String, (Principal, Instant)>>>,
}

impl TokenCache {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Principal, Instant)>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The account of `token_hash`, if resolved within the TTL.
    pub(crate) fn get(&self, token_hash: &str) -> Option<Principal> {
        let map = self.map();
        let (principal, at) = map.get(token_hash)?;
        (at.elapsed() < TOKEN_CACHE_TTL).then(|| principal.clone())
    }

    pub(crate) fn put(&self, token_hash: String, principal: Principal) {
        let mut map = self.map();
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(token_hash, (principal, Instant::now()));
    }

    /// Forgets everything: called by every account write of this process.
    pub(crate) fn clear(&self) {
        self.map().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;

    fn someone() -> Principal {
        Principal {
            id: 1,
            name: "a".into(),
            role: Role::Admin,
            region: None,
            provider: None,
            enterprises: Vec::new(),
            must_change_password: false,
        }
    }

    #[test]
    fn entries_are_kept_until_cleared_and_bounded() {
        let cache = TokenCache::default();
        cache.put("h1".into(), someone());
        assert_eq!(cache.get("h1"), Some(someone()));
        assert_eq!(cache.get("h2"), None);
        cache.clear();
        assert_eq!(cache.get("h1"), None);
        for i in 0..MAX_ENTRIES + 1 {
            cache.put(format!("h{i}"), someone());
        }
        assert!(cache.map().len() <= MAX_ENTRIES);
    }
}
