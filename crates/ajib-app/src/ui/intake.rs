//! Where polled updates go: kept in SQLite first, then handled concurrently
//! across chats and in order within each chat.
//!
//! The poller hands each batch to [`Intake::sink`], which stores the raw
//! updates (`Store::keep_updates`, deduplicated by `update_id`) before the
//! poller lets Telegram forget them, and returns at once: the next batch is
//! fetched while this one is handled, so a slow chat never holds another.
//! Each chat has one lane: a queue worked by one task at a time, so its
//! updates are handled in the order they came. Handled updates' rows are
//! deleted in batches ([`Intake::forget_handled`], one transaction every
//! [`FORGET_EVERY`] instead of one per update); whatever a crash or a restart
//! leaves is handled by [`Intake::resume`] when the bot starts again (at
//! least once, never lost: a crash replays at most the last moments' updates).

use std::{
    collections::{HashMap, VecDeque},
    mem,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ajib_transport::{BatchSink, Update, parse_update};
use serde_json::Value;
use tokio::sync::{Notify, watch};

use crate::{
    deps::{Deps, now},
    ui::router::{self, UiState},
};

/// Most kept updates replayed at one start; the rest wait for the next.
const RESUME_LIMIT: u32 = 100_000;

/// How long handled updates gather before one transaction forgets them all.
pub const FORGET_EVERY: Duration = Duration::from_millis(20);

/// A chat's waiting updates: id, update, and when it arrived.
type Lane = VecDeque<(i64, Update, Instant)>;

/// The lanes of the chats whose updates are being handled.
#[derive(Debug)]
pub struct Intake {
    deps: Arc<Deps>,
    ui: Arc<UiState>,
    /// A chat has an entry exactly while a task works its lane.
    /// Each update waits with the instant it arrived (for the reply latency metric).
    lanes: Mutex<HashMap<i64, Lane>>,
    /// Handled updates whose rows are not deleted yet.
    handled: Mutex<Vec<i64>>,
    /// Wakes [`Intake::forget_handled`] when `handled` gets its first id.
    handled_ready: Notify,
}

impl Intake {
    /// An intake with no lanes yet.
    #[must_use]
    pub fn new(deps: Arc<Deps>, ui: Arc<UiState>) -> Arc<Self> {
        Arc::new(Self {
            deps,
            ui,
            lanes: Mutex::new(HashMap::new()),
            handled: Mutex::new(Vec::new()),
            handled_ready: Notify::new(),
        })
    }

    /// The poller's sink: keeps a batch, starts handling it, and says whether it was kept.
    #[must_use]
    pub fn sink(self: &Arc<Self>) -> BatchSink {
        let intake = self.clone();
        Arc::new(move |raw_updates: Vec<Value>| {
            let intake = intake.clone();
            Box::pin(async move { intake.take(raw_updates).await })
        })
    }

    /// Handles what a previous run kept but did not finish, before new updates come.
    pub async fn resume(self: &Arc<Self>) {
        let kept = match self.deps.store.unhandled_updates(RESUME_LIMIT).await {
            Ok(kept) => kept,
            Err(err) => return log::error!("cannot read the kept updates: {err}"),
        };
        if !kept.is_empty() {
            log::info!("handling {} updates kept by the previous run", kept.len());
        }
        for (update_id, payload) in kept {
            let update = serde_json::from_str::<Value>(&payload)
                .ok()
                .and_then(|raw| parse_update(&raw).1);
            self.start(update_id, update).await;
        }
    }

    /// Keeps the batch; `false` (the batch comes again) if the database refused it.
    async fn take(self: Arc<Self>, raw_updates: Vec<Value>) -> bool {
        let mut rows = Vec::new();
        let mut parsed = HashMap::new();
        for raw in &raw_updates {
            let (Some(update_id), update) = parse_update(raw) else {
                log::warn!("an update without an update_id: skipped");
                continue;
            };
            rows.push((update_id, raw.to_string()));
            parsed.insert(update_id, update);
        }
        let mut fresh = match self.deps.store.keep_updates(rows, now()).await {
            Ok(fresh) => fresh,
            Err(err) => {
                log::error!("cannot keep a batch of updates, it will come again: {err}");
                return false;
            }
        };
        fresh.sort_unstable();
        for update_id in fresh {
            let update = parsed.remove(&update_id).flatten();
            self.start(update_id, update).await;
        }
        true
    }

    /// Queues `update` on its chat's lane (starting the lane's task if it is
    /// idle); an update of a kind the bot skips is forgotten at once.
    async fn start(self: &Arc<Self>, update_id: i64, update: Option<Update>) {
        let Some(update) = update else {
            return self.forget(update_id);
        };
        let chat = update.chat_id();
        let received = Instant::now();
        let idle = match self.lanes.lock() {
            Ok(mut lanes) => match lanes.get_mut(&chat) {
                Some(lane) => {
                    lane.push_back((update_id, update, received));
                    false
                }
                None => {
                    lanes.insert(chat, VecDeque::from([(update_id, update, received)]));
                    true
                }
            },
            Err(_) => return log::error!("update lanes are poisoned; update {update_id} waits"),
        };
        if idle {
            tokio::spawn(self.clone().work(chat));
        }
    }

    /// Handles the chat's lane until it is empty, one update after another.
    async fn work(self: Arc<Self>, chat: i64) {
        loop {
            let next = match self.lanes.lock() {
                Ok(mut lanes) => match lanes.get_mut(&chat).and_then(VecDeque::pop_front) {
                    Some(next) => next,
                    None => {
                        lanes.remove(&chat);
                        return;
                    }
                },
                Err(_) => return,
            };
            let (update_id, update, received) = next;
            let (deps, ui) = (self.deps.clone(), self.ui.clone());
            // Its own task, so a panicking handler costs one update, not the lane.
            let handling = async move { router::handle(&deps, &ui, update).await };
            let handled = tokio::spawn(ajib_transport::replying_to(received, handling)).await;
            self.deps.metrics.update_handled();
            if let Err(err) = handled {
                log::error!("update {update_id} of chat {chat} failed: {err}");
            }
            self.forget(update_id);
        }
    }

    /// Deletes handled updates' rows, a batch at a time, until shutdown (when
    /// it deletes what is left): the task to run beside the poller.
    pub async fn forget_handled(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                () = self.handled_ready.notified() => (),
                _ = shutdown.changed() => return self.flush_handled().await,
            }
            tokio::time::sleep(FORGET_EVERY).await;
            self.flush_handled().await;
        }
    }

    /// Marks an update handled; its row goes with the next batch.
    fn forget(&self, update_id: i64) {
        match self.handled.lock() {
            Ok(mut handled) => handled.push(update_id),
            // Kept, then: handled again after a restart, as after a crash.
            Err(_) => return,
        }
        self.handled_ready.notify_one();
    }

    async fn flush_handled(&self) {
        let batch = match self.handled.lock() {
            Ok(mut handled) => mem::take(&mut *handled),
            Err(_) => return,
        };
        if batch.is_empty() {
            return;
        }
        let count = batch.len();
        if let Err(err) = self.deps.store.updates_handled(batch).await {
            log::error!("{count} handled updates stay kept and will be handled again: {err}");
        }
    }
}
