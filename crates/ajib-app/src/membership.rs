//! Who was lately seen in the required channel: a short-lived cache, so a customer who is a
//! member is not asked Telegram about on every tap. A leaf module, so [`crate::deps`] can carry it.
//!
//! Only members are remembered (for [`MEMBER_TTL`]): someone who is not a member is asked about
//! again at once, so "✅ I joined" works the moment they join.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// How long a member stays known without asking Telegram again.
pub const MEMBER_TTL: Duration = Duration::from_secs(600);
/// Above this many entries, expired ones are dropped on the next insert.
const PRUNE_ABOVE: usize = 10_000;

/// Users last seen as members of the required channel, and when.
#[derive(Debug, Default)]
pub struct Membership {
    seen: Mutex<HashMap<i64, Instant>>,
}

impl Membership {
    /// Whether `user` was seen as a member within [`MEMBER_TTL`] of `now`.
    #[must_use]
    pub fn is_known_member(&self, user: i64, now: Instant) -> bool {
        self.lock()
            .get(&user)
            .is_some_and(|seen| now.saturating_duration_since(*seen) < MEMBER_TTL)
    }

    /// Records that `user` is a member as of `now`.
    pub fn remember_member(&self, user: i64, now: Instant) {
        let mut seen = self.lock();
        if seen.len() >= PRUNE_ABOVE {
            seen.retain(|_, at| now.saturating_duration_since(*at) < MEMBER_TTL);
        }
        seen.insert(user, now);
    }

    /// Forgets `user`, who is not (or no longer) a member.
    pub fn forget(&self, user: i64) {
        self.lock().remove(&user);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Instant>> {
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_known_for_ten_minutes_then_asked_again() {
        let cache = Membership::default();
        let start = Instant::now();
        assert!(!cache.is_known_member(1, start));
        cache.remember_member(1, start);
        assert!(cache.is_known_member(1, start + Duration::from_secs(599)));
        assert!(!cache.is_known_member(1, start + MEMBER_TTL));
        assert!(!cache.is_known_member(2, start));
        cache.forget(1);
        assert!(!cache.is_known_member(1, start));
    }

    #[test]
    fn expired_entries_are_pruned_when_the_cache_is_full() {
        let cache = Membership::default();
        let start = Instant::now();
        for user in 0..PRUNE_ABOVE as i64 {
            cache.remember_member(user, start);
        }
        let later = start + MEMBER_TTL;
        cache.remember_member(-1, later);
        assert_eq!(cache.lock().len(), 1);
        assert!(cache.is_known_member(-1, later));
    }
}
