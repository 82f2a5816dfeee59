//! What the broadcast handlers and the sender share: a wake-up, the order of progress edits, and who is sending what.
//!
//! A leaf module (it uses nothing of the crate) so that [`crate::deps`] can
//! carry the one instance per process without importing the sender.

use std::{collections::HashSet, sync::Mutex};

use ajib_domain::BroadcastId;

/// What the broadcast handlers and the sender share.
#[derive(Debug, Default)]
pub struct Control {
    /// Wakes the sender when a broadcast starts or resumes.
    pub wake: tokio::sync::Notify,
    /// Serialises edits of progress messages, so the newest state is drawn last.
    pub(crate) draw: tokio::sync::Mutex<()>,
    /// Broadcasts being sent right now, so one is never sent by two callers at once.
    busy: Mutex<HashSet<i64>>,
}

impl Control {
    /// Marks `id` as being sent; `None` if someone else is sending it.
    pub(crate) fn claim(&self, id: BroadcastId) -> Option<Claim<'_>> {
        // `then`, not `then_some`: a refused claim must not build (and drop) a `Claim`.
        let fresh = self.busy.lock().ok()?.insert(id.0);
        fresh.then(|| Claim { control: self, id })
    }
}

/// Sending rights to one broadcast, given back on drop.
pub(crate) struct Claim<'a> {
    control: &'a Control,
    id: BroadcastId,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if let Ok(mut busy) = self.control.busy.lock() {
            busy.remove(&self.id.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broadcast_is_claimed_once_at_a_time() {
        let control = Control::default();
        let first = control.claim(BroadcastId(1));
        assert!(first.is_some());
        assert!(control.claim(BroadcastId(1)).is_none());
        assert!(control.claim(BroadcastId(2)).is_some());
        drop(first);
        assert!(control.claim(BroadcastId(1)).is_some());
    }
}
