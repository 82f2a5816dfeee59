//! Per-user flood control for incoming updates.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Counts each user's updates in fixed windows and refuses the excess.
#[derive(Debug)]
pub struct FloodGuard {
    max_updates: u32,
    window: Duration,
    users: HashMap<i64, UserWindow>,
}

/// What to do with an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloodVerdict {
    /// Handle it.
    Allow,
    /// Drop it and tell the user to slow down (once per window).
    DenyAndNotify,
    /// Drop it silently.
    DenySilently,
}

#[derive(Debug)]
struct UserWindow {
    start: Instant,
    count: u32,
    notified: bool,
}

/// Above this many tracked users, stale windows are pruned.
const PRUNE_ABOVE: usize = 10_000;

impl FloodGuard {
    /// Allows `max_updates` per user in each `window`.
    #[must_use]
    pub fn new(max_updates: u32, window: Duration) -> Self {
        Self {
            max_updates,
            window,
            users: HashMap::new(),
        }
    }

    /// Counts one update of `user_id` at `now` and says whether to handle it.
    pub fn check(&mut self, user_id: i64, now: Instant) -> FloodVerdict {
        if self.users.len() > PRUNE_ABOVE {
            let window = self.window;
            self.users
                .retain(|_, it| now.saturating_duration_since(it.start) < window);
        }
        let user = self.users.entry(user_id).or_insert(UserWindow {
            start: now,
            count: 0,
            notified: false,
        });
        if now.saturating_duration_since(user.start) >= self.window {
            *user = UserWindow {
                start: now,
                count: 0,
                notified: false,
            };
        }
        user.count = user.count.saturating_add(1);
        if user.count <= self.max_updates {
            return FloodVerdict::Allow;
        }
        if user.notified {
            return FloodVerdict::DenySilently;
        }
        user.notified = true;
        FloodVerdict::DenyAndNotify
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `(user, millisecond offset)` updates to a guard of 2 per second.
    fn check(updates: &[(i64, u64)], expected: &[FloodVerdict]) {
        let start = Instant::now();
        let mut guard = FloodGuard::new(2, Duration::from_secs(1));
        let verdicts: Vec<FloodVerdict> = updates
            .iter()
            .map(|(user, ms)| guard.check(*user, start + Duration::from_millis(*ms)))
            .collect();
        assert_eq!(verdicts, expected);
    }

    #[test]
    fn notifies_once_per_window_then_resets() {
        use FloodVerdict::*;
        check(
            &[
                (1, 0),
                (1, 100),
                (1, 200),
                (1, 300),
                (2, 300),
                (1, 1000),
                (1, 1001),
                (1, 1002),
            ],
            &[
                Allow,
                Allow,
                DenyAndNotify,
                DenySilently,
                Allow,
                Allow,
                Allow,
                DenyAndNotify,
            ],
        );
    }
}
