//! The outbound queue: two priorities, token buckets, 429 and retry handling, a few calls in flight.
//!
//! Telegram publishes no exact limits; about 30 messages a second is its
//! guidance for bulk notifications, and a 429 is the truth. So:
//! - **Interactive** messages (replies to a user's own action, callback
//!   answers) go out at once, shaped only per chat; they are never held by
//!   the global budget. The per-chat rate (a burst of 3, then 1/s) counts new
//!   messages only: Telegram's guidance is about sending, and an edit of the
//!   menu a user taps through is paced by the user (and the flood guard).
//! - **Bulk** messages (broadcasts) use what is left of the global budget
//!   after every send of the last second, interactive ones included.
//! - A 429 pauses its chat for `retry_after`; 429s from several chats within
//!   a second mean a global flood, which pauses every chat for the longest
//!   `retry_after` seen (logged once per flood).
//! - Each chat's waiting queue is bounded: an edit of a message whose
//!   previous edit still waits replaces it in place, and beyond
//!   [`PER_CHAT_QUEUE`] waiting messages the oldest waiting edits are dropped
//!   (a screen the user has already moved past). New messages — payments,
//!   configs — are never dropped.

use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::api::TelegramApi;
use crate::error::{Error, SendError};
use crate::limiter::{SendWindow, TokenBucket};
use crate::metrics::{OutboxStats, replying_since};
use crate::outgoing::{Outgoing, Request};
use crate::senders::{Call, Senders};

/// How far into the bulk queue one scheduling pass looks for a sendable message.
const SCAN_LIMIT: usize = 1000;
/// How many 429s one message may get before it is given up.
const MAX_429: u32 = 20;
/// First retry delay after a 5xx or connection error; doubles per attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// Longest retry delay.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Messages one chat may have waiting; beyond it its oldest waiting edits are dropped.
const PER_CHAT_QUEUE: usize = 20;
/// 429s from this many different chats within [`FLOOD_WINDOW`] mean a global flood.
const FLOOD_CHATS: usize = 3;
/// How close together 429s of different chats count as one flood.
const FLOOD_WINDOW: Duration = Duration::from_secs(1);

/// Handle to the sender task; cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    tx: mpsc::UnboundedSender<Job>,
    stats: Arc<OutboxStats>,
}

/// Which queue a message waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Replies to a user: always sent before any waiting bulk message.
    Interactive,
    /// Broadcasts and notifications: sent when no interactive message is ready.
    Bulk,
}

/// Traffic shaping knobs; [`Limits::defaults`] gives Telegram's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Messages per second across all chats that bulk messages keep within
    /// (interactive replies count towards it but never wait for it).
    pub global_per_sec: u32,
    /// Sustained messages per second to one private chat.
    pub per_chat_per_sec: u32,
    /// Messages one private chat may get at once before the per-second rate applies.
    pub per_chat_burst: u32,
    /// Messages per minute to one group (negative chat id).
    pub per_group_per_min: u32,
    /// Retries after 5xx or connection errors before a message is given up.
    pub max_retries: u32,
    /// Bot API calls in flight at once.
    pub max_in_flight: usize,
}

/// A message Telegram accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// Id of the (last) message sent; `None` for callback answers.
    pub message_id: Option<i32>,
}

/// Something the sender learned that the bot should record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportEvent {
    /// Telegram answered 403: the user blocked the bot or deleted their account.
    UserBlocked {
        /// The private chat (user) id.
        chat_id: i64,
    },
}

impl Limits {
    /// Telegram's limits: 30 msg/s, 1 msg/s per chat with a burst of 3, 20 msg/min per group.
    #[must_use]
    pub fn defaults() -> Self {
        Self {
            global_per_sec: 30,
            per_chat_per_sec: 1,
            per_chat_burst: 3,
            per_group_per_min: 20,
            max_retries: 5,
            max_in_flight: 8,
        }
    }
}

impl Outbox {
    /// Spawns the sender on the current tokio runtime; returns its handle and its events.
    ///
    /// The sender runs until every handle is dropped and its queues are empty.
    pub fn start(
        api: TelegramApi,
        limits: Limits,
    ) -> (Self, mpsc::UnboundedReceiver<TransportEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let scheduler = Scheduler::new(api, limits, events_tx);
        let stats = scheduler.stats.clone();
        tokio::spawn(scheduler.run(rx));
        (Self { tx, stats }, events_rx)
    }

    /// What the sender counted so far: queue depths, sends, 429s, reply latency.
    #[must_use]
    pub fn stats(&self) -> &OutboxStats {
        &self.stats
    }

    /// Queues the message and waits until Telegram accepted it or it was given up.
    pub async fn send(&self, msg: Outgoing, priority: Priority) -> Result<Sent, SendError> {
        let (reply_tx, reply_rx) = oneshot::channel();
        let job = Job::new(msg, priority, Some(reply_tx))?;
        if self.tx.send(job).is_err() {
            return Err(SendError::ShuttingDown);
        }
        reply_rx.await.unwrap_or(Err(SendError::ShuttingDown))
    }

    /// Queues the message without waiting; failures are logged (and 403s reported as events).
    pub fn enqueue(&self, msg: Outgoing, priority: Priority) {
        let chat_id = msg.chat_id();
        match Job::new(msg, priority, None) {
            Ok(job) => {
                if self.tx.send(job).is_err() {
                    log::warn!("outbox is shut down; dropping a message to chat {chat_id:?}");
                }
            }
            Err(err) => log::warn!("not sending a message to chat {chat_id:?}: {err}"),
        }
    }
}

/// One queued message: the calls still to make, and who waits for the result.
#[derive(Debug)]
struct Job {
    chat_id: Option<i64>,
    priority: Priority,
    requests: VecDeque<Request>,
    reply: Option<oneshot::Sender<Result<Sent, SendError>>>,
    /// Failed attempts of the current request.
    attempts: u32,
    n_429: u32,
    not_before: Option<Instant>,
    last_message_id: Option<i32>,
    /// When the update this message answers arrived (see [`crate::replying_to`]).
    replying_since: Option<Instant>,
}

#[derive(Debug)]
struct ChatState {
    bucket: TokenBucket,
    /// A call to this chat is in flight; the next waits, to keep the chat's order.
    busy: bool,
    /// Telegram's `retry_after` for this chat.
    not_before: Option<Instant>,
}

/// What a finished call reports back to the scheduler.
#[derive(Debug)]
enum Completion {
    /// Telegram answered (or the call failed) for the job's current request.
    Done { job: Job, res: Result<Value, Error> },
    /// The call panicked; the job is gone, its waiter sees `ShuttingDown`.
    Lost { chat_id: Option<i64> },
}

#[derive(Debug)]
struct Scheduler {
    api: TelegramApi,
    limits: Limits,
    /// Every send of the last second; bulk waits for room in it.
    window: SendWindow,
    /// Spreads bulk sends evenly over the second instead of in one burst.
    bulk_pace: TokenBucket,
    /// Until when a global flood (429s from several chats) holds every chat.
    flood_until: Option<Instant>,
    /// Recent 429s, by chat, to tell one chat's limit from a global flood.
    recent_429: VecDeque<(Instant, Option<i64>)>,
    chats: HashMap<i64, ChatState>,
    interactive: VecDeque<Job>,
    bulk: VecDeque<Job>,
    in_flight: usize,
    events: mpsc::UnboundedSender<TransportEvent>,
    done_tx: mpsc::UnboundedSender<Completion>,
    done_rx: mpsc::UnboundedReceiver<Completion>,
    /// The threads that make the calls, one per call allowed in flight.
    senders: Senders,
    stats: Arc<OutboxStats>,
}

impl Job {
    fn new(
        msg: Outgoing,
        priority: Priority,
        reply: Option<oneshot::Sender<Result<Sent, SendError>>>,
    ) -> Result<Self, SendError> {
        let chat_id = msg.chat_id();
        // Callback answers stop a spinner the user is looking at.
        let priority = match chat_id {
            None => Priority::Interactive,
            Some(_) => priority,
        };
        let requests = msg.into_requests()?.into();
        Ok(Self {
            chat_id,
            priority,
            requests,
            reply,
            attempts: 0,
            n_429: 0,
            not_before: None,
            last_message_id: None,
            replying_since: replying_since(),
        })
    }

    /// The message this job edits, if it is an edit (`editMessage*`).
    fn edit_target(&self) -> Option<i32> {
        match self.requests.front()? {
            Request::Json { method, params } if method.starts_with("editMessage") => params
                .get("message_id")
                .and_then(Value::as_i64)
                .and_then(|it| i32::try_from(it).ok()),
            _ => None,
        }
    }

    /// Whether the job's next call sends a new message (`send*`), which the
    /// per-chat rate counts.
    fn sends_a_message(&self) -> bool {
        self.requests
            .front()
            .is_some_and(|it| it.method().starts_with("send"))
    }

    /// Whether no call of this job has been made yet (so it may be replaced or dropped).
    fn is_fresh(&self) -> bool {
        self.attempts == 0 && self.n_429 == 0 && self.last_message_id.is_none()
    }

    fn finish(mut self, res: Result<Sent, SendError>) {
        if let Err(err) = &res {
            let method = self.requests.front().map_or("?", Request::method);
            log::warn!("{method} to chat {:?} failed: {err}", self.chat_id);
        }
        if let Some(reply) = self.reply.take() {
            // The caller may have stopped waiting; that is fine.
            let _ = reply.send(res);
        }
    }
}

impl Scheduler {
    fn new(
        api: TelegramApi,
        limits: Limits,
        events: mpsc::UnboundedSender<TransportEvent>,
    ) -> Self {
        let (done_tx, done_rx) = mpsc::unbounded_channel();
        let senders = Senders::start(limits.max_in_flight.max(1));
        let bulk_rate = f64::from(limits.global_per_sec.max(1));
        Self {
            api,
            window: SendWindow::new(limits.global_per_sec),
            bulk_pace: TokenBucket::new(bulk_rate.min(3.0), bulk_rate, Instant::now()),
            flood_until: None,
            recent_429: VecDeque::new(),
            limits,
            chats: HashMap::new(),
            interactive: VecDeque::new(),
            bulk: VecDeque::new(),
            in_flight: 0,
            events,
            done_tx,
            done_rx,
            senders,
            stats: Arc::default(),
        }
    }

    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Job>) {
        let mut closed = false;
        loop {
            let wake = self.dispatch_ready();
            let (interactive, bulk) = (self.interactive.len(), self.bulk.len());
            self.stats.set_depths(interactive, bulk, self.in_flight);
            if closed && self.in_flight == 0 && self.interactive.is_empty() && self.bulk.is_empty()
            {
                return;
            }
            let sleep = async {
                match wake {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                job = rx.recv(), if !closed => match job {
                    Some(job) => self.push_back(job),
                    None => closed = true,
                },
                Some(done) = self.done_rx.recv() => self.complete(done),
                () = sleep => (),
            }
        }
    }

    /// Starts every call that may go now; returns when to look again if something is waiting.
    fn dispatch_ready(&mut self) -> Option<Instant> {
        let mut wake = None;
        while self.in_flight < self.limits.max_in_flight.max(1) {
            match self.pick(Instant::now(), &mut wake) {
                Some(job) => self.dispatch(job),
                None => break,
            }
        }
        wake
    }

    /// Takes the first sendable job, interactive first, keeping each chat's order.
    ///
    /// Interactive jobs wait only for their chat; bulk jobs also wait for room
    /// in the global budget. During a global flood only callback answers go.
    fn pick(&mut self, now: Instant, wake: &mut Option<Instant>) -> Option<Job> {
        let flooding = match self.flood_until {
            Some(until) if until > now => {
                earliest(wake, until);
                true
            }
            _ => false,
        };
        for priority in [Priority::Interactive, Priority::Bulk] {
            if priority == Priority::Bulk
                && let Some(at) = self.window.ready_at(now).or(self.bulk_pace.ready_at(now))
            {
                earliest(wake, at);
                break;
            }
            let queue = match priority {
                Priority::Interactive => &self.interactive,
                Priority::Bulk => &self.bulk,
            };
            let mut waiting_chats = HashSet::new();
            let mut found = None;
            for (idx, job) in queue.iter().enumerate().take(SCAN_LIMIT) {
                if let Some(at) = job.not_before
                    && at > now
                {
                    earliest(wake, at);
                    if let Some(chat_id) = job.chat_id {
                        waiting_chats.insert(chat_id);
                    }
                    continue;
                }
                let Some(chat_id) = job.chat_id else {
                    found = Some(idx);
                    break;
                };
                if flooding || waiting_chats.contains(&chat_id) {
                    continue;
                }
                let chat = self
                    .chats
                    .entry(chat_id)
                    .or_insert_with(|| new_chat(&self.limits, chat_id, now));
                // Telegram's per-chat guidance is about new messages; an edit of
                // the menu a user is tapping through (or a deletion) is paced by
                // the user and by the 429s Telegram answers, not by us.
                let new_message = job.sends_a_message();
                let chat_wait = match chat.not_before {
                    _ if chat.busy => None,
                    Some(at) if at > now => Some(at),
                    _ if new_message => chat.bucket.ready_at(now),
                    _ => None,
                };
                if chat.busy || chat_wait.is_some() {
                    if let Some(at) = chat_wait {
                        earliest(wake, at);
                    }
                    waiting_chats.insert(chat_id);
                    continue;
                }
                if new_message {
                    chat.bucket.take();
                }
                chat.busy = true;
                self.window.record(now);
                if priority == Priority::Bulk {
                    self.bulk_pace.take();
                }
                found = Some(idx);
                break;
            }
            if let Some(idx) = found {
                let queue = match priority {
                    Priority::Interactive => &mut self.interactive,
                    Priority::Bulk => &mut self.bulk,
                };
                return queue.remove(idx);
            }
        }
        None
    }

    /// Records a 429 for `chat_id`; several chats within a second start (or
    /// extend) a global flood pause until `until`.
    fn note_429(&mut self, chat_id: Option<i64>, now: Instant, until: Instant) {
        self.recent_429.push_back((now, chat_id));
        while self
            .recent_429
            .front()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) > FLOOD_WINDOW)
        {
            self.recent_429.pop_front();
        }
        let chats: HashSet<Option<i64>> = self.recent_429.iter().map(|(_, it)| *it).collect();
        if chats.len() < FLOOD_CHATS {
            return;
        }
        let already = self.flood_until.is_some_and(|it| it > now);
        if !already {
            log::warn!(
                "Telegram answered 429 to {} chats within a second: pausing every send for {:?}",
                chats.len(),
                until.saturating_duration_since(now)
            );
        }
        self.flood_until = Some(self.flood_until.map_or(until, |it| it.max(until)));
    }

    fn dispatch(&mut self, job: Job) {
        self.in_flight += 1;
        let api = self.api.clone();
        let done_tx = self.done_tx.clone();
        let call: Call = Box::new(move || {
            let chat_id = job.chat_id;
            let res = panic::catch_unwind(AssertUnwindSafe(|| match job.requests.front() {
                Some(request) => perform(&api, request),
                None => Ok(Value::Null),
            }));
            let completion = match res {
                Ok(res) => Completion::Done { job, res },
                Err(_) => {
                    log::error!("telegram call to chat {chat_id:?} panicked");
                    Completion::Lost { chat_id }
                }
            };
            // Fails only when the scheduler is gone, and with it everyone waiting.
            let _ = done_tx.send(completion);
        });
        if let Err(call) = self.senders.run(call) {
            tokio::task::spawn_blocking(call);
        }
    }

    /// Handles Telegram's answer to a job's current call.
    fn complete(&mut self, completion: Completion) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let (chat_id, job, res) = match completion {
            Completion::Done { job, res } => (job.chat_id, Some(job), res),
            Completion::Lost { chat_id } => (chat_id, None, Ok(Value::Null)),
        };
        if let Some(chat_id) = chat_id
            && let Some(chat) = self.chats.get_mut(&chat_id)
        {
            chat.busy = false;
        }
        let Some(mut job) = job else { return };
        let now = Instant::now();
        let err = match res {
            Ok(result) => {
                job.last_message_id = result
                    .get("message_id")
                    .and_then(Value::as_i64)
                    .and_then(|it| i32::try_from(it).ok())
                    .or(job.last_message_id);
                return self.advance(job);
            }
            Err(err) => err,
        };
        match err {
            Error::Api {
                code: 429,
                retry_after,
                ..
            } => {
                job.n_429 += 1;
                self.stats.record_429();
                if job.n_429 > MAX_429 {
                    return job.finish(Err(SendError::Failed("too many 429 answers".to_owned())));
                }
                let until = now + Duration::from_secs(u64::from(retry_after.unwrap_or(1).max(1)));
                log::debug!("429 for chat {:?}; waiting {:?}", job.chat_id, until - now);
                self.note_429(job.chat_id, now, until);
                match job.chat_id.and_then(|it| self.chats.get_mut(&it)) {
                    Some(chat) => chat.not_before = Some(until),
                    None => job.not_before = Some(until),
                }
                self.push_front(job);
            }
            Error::Api { code: 403, .. } => {
                if let Some(chat_id) = job.chat_id {
                    let _ = self.events.send(TransportEvent::UserBlocked { chat_id });
                }
                job.finish(Err(SendError::Blocked));
            }
            Error::Api {
                code: 400,
                description,
                ..
            } => {
                let description = description.to_ascii_lowercase();
                if description.contains("message is not modified") {
                    let edited = job
                        .requests
                        .front()
                        .and_then(|it| match it {
                            Request::Json { params, .. } => params.get("message_id"),
                            Request::Upload { .. } => None,
                        })
                        .and_then(Value::as_i64)
                        .and_then(|it| i32::try_from(it).ok());
                    job.last_message_id = edited.or(job.last_message_id);
                    return self.advance(job);
                }
                if description.contains("chat not found") {
                    return job.finish(Err(SendError::ChatNotFound));
                }
                job.finish(Err(SendError::BadRequest(description)));
            }
            Error::Api {
                code, description, ..
            } if code < 500 => {
                job.finish(Err(SendError::BadRequest(format!("{code}: {description}"))))
            }
            other => {
                job.attempts += 1;
                if job.attempts > self.limits.max_retries {
                    return job.finish(Err(SendError::Failed(other.to_string())));
                }
                let delay = backoff(job.attempts);
                log::debug!("{other}; retry {} in {delay:?}", job.attempts);
                job.not_before = Some(now + delay);
                self.push_front(job);
            }
        }
    }

    /// The current call succeeded: go on with the next part or report success.
    fn advance(&mut self, mut job: Job) {
        job.requests.pop_front();
        job.attempts = 0;
        job.not_before = None;
        if job.requests.is_empty() {
            let message_id = job.last_message_id;
            self.stats.record_sent(job.priority, job.replying_since);
            return job.finish(Ok(Sent { message_id }));
        }
        self.push_front(job);
    }

    /// Queues a new job at the back of its queue, keeping its chat's queue
    /// short: a newer edit replaces a waiting edit of the same message, and
    /// past the bound the chat's oldest waiting edit goes.
    fn push_back(&mut self, job: Job) {
        let queue = match job.priority {
            Priority::Interactive => &mut self.interactive,
            Priority::Bulk => &mut self.bulk,
        };
        if let (Some(chat_id), Some(target)) = (job.chat_id, job.edit_target())
            && let Some(waiting) = queue.iter_mut().find(|it| {
                it.chat_id == Some(chat_id) && it.is_fresh() && it.edit_target() == Some(target)
            })
        {
            let replaced = std::mem::replace(waiting, job);
            // The newer edit carries the screen now; the older one's waiter is done.
            return replaced.finish(Ok(Sent {
                message_id: Some(target),
            }));
        }
        let chat_id = job.chat_id;
        queue.push_back(job);
        let Some(chat_id) = chat_id else { return };
        let waiting = queue
            .iter()
            .filter(|it| it.chat_id == Some(chat_id))
            .count();
        if waiting <= PER_CHAT_QUEUE {
            return;
        }
        let stale = queue.iter().position(|it| {
            it.chat_id == Some(chat_id) && it.is_fresh() && it.edit_target().is_some()
        });
        if let Some(idx) = stale
            && let Some(dropped) = queue.remove(idx)
        {
            log::debug!("chat {chat_id} has {waiting} messages waiting; dropping its oldest edit");
            dropped.finish(Err(SendError::Failed(
                "dropped: a newer screen replaced it".to_owned(),
            )));
        }
    }

    /// Requeues a job ahead of its chat's later messages.
    fn push_front(&mut self, job: Job) {
        match job.priority {
            Priority::Interactive => self.interactive.push_front(job),
            Priority::Bulk => self.bulk.push_front(job),
        }
    }
}

/// Makes one Bot API call; uploads go through a temporary file, removed afterwards.
fn perform(api: &TelegramApi, request: &Request) -> Result<Value, Error> {
    match request {
        Request::Json { method, params } => api.call(method, params.clone()),
        Request::Upload {
            method,
            params,
            field,
            file_name,
            bytes,
        } => {
            let dir = tempfile::Builder::new()
                .prefix("ajib-upload-")
                .tempdir()
                .map_err(Error::Io)?;
            let path = dir.path().join(upload_name(file_name));
            std::fs::write(&path, bytes).map_err(Error::Io)?;
            api.call_with_file(method, params.clone(), field, path)
        }
    }
}

/// A file name safe to create in a temporary directory, keeping the extension.
fn upload_name(file_name: &str) -> String {
    let res: String = file_name
        .chars()
        .map(|c| match c {
            '/' | '\\' | '\0' => '_',
            c => c,
        })
        .collect();
    match res.trim_matches('.').is_empty() {
        true => "file".to_owned(),
        false => res,
    }
}

fn new_chat(limits: &Limits, chat_id: i64, now: Instant) -> ChatState {
    let bucket = match chat_id < 0 {
        true => {
            let per_min = f64::from(limits.per_group_per_min.max(1));
            TokenBucket::new(per_min.min(3.0), per_min / 60.0, now)
        }
        false => TokenBucket::new(
            f64::from(limits.per_chat_burst.max(1)),
            f64::from(limits.per_chat_per_sec.max(1)),
            now,
        ),
    };
    ChatState {
        bucket,
        busy: false,
        not_before: None,
    }
}

fn earliest(wake: &mut Option<Instant>, at: Instant) {
    *wake = Some(wake.map_or(at, |it| it.min(at)));
}

fn backoff(attempt: u32) -> Duration {
    let factor = 1_u32 << attempt.saturating_sub(1).min(10);
    (FIRST_BACKOFF * factor).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_names_stay_in_their_directory() {
        assert_eq!(upload_name("a/../b.conf"), "a_.._b.conf");
        assert_eq!(upload_name(".."), "file");
        assert_eq!(upload_name("qr.png"), "qr.png");
    }

    fn scheduler() -> Scheduler {
        let api = TelegramApi::new("http://127.0.0.1:9", "123:abc").unwrap();
        let (events, _) = mpsc::unbounded_channel();
        Scheduler::new(api, Limits::defaults(), events)
    }

    fn edit(message_id: i32, text: &str) -> Job {
        let msg = Outgoing::EditText {
            chat_id: 7,
            message_id,
            text: text.to_owned(),
            keyboard: None,
            html: false,
        };
        Job::new(msg, Priority::Interactive, None).unwrap()
    }

    fn say(text: &str) -> Job {
        let msg = Outgoing::Text {
            chat_id: 7,
            text: text.to_owned(),
            keyboard: None,
            html: false,
        };
        Job::new(msg, Priority::Interactive, None).unwrap()
    }

    /// The waiting jobs as `edit:<id>:<text>` or `say:<text>`.
    fn queued(scheduler: &Scheduler) -> Vec<String> {
        scheduler
            .interactive
            .iter()
            .map(|job| match job.requests.front() {
                Some(Request::Json { params, .. }) => match job.edit_target() {
                    Some(id) => format!("edit:{id}:{}", params["text"].as_str().unwrap_or("")),
                    None => format!("say:{}", params["text"].as_str().unwrap_or("")),
                },
                _ => "?".to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_newer_edit_of_a_waiting_message_replaces_it_in_place() {
        let mut scheduler = scheduler();
        scheduler.push_back(edit(1, "plans"));
        scheduler.push_back(say("invoice"));
        scheduler.push_back(edit(1, "plan 3"));
        scheduler.push_back(edit(2, "other"));
        assert_eq!(
            queued(&scheduler),
            ["edit:1:plan 3", "say:invoice", "edit:2:other"]
        );
    }

    #[test]
    fn a_full_chat_queue_drops_its_oldest_edit_never_a_message() {
        let mut scheduler = scheduler();
        scheduler.push_back(say("config"));
        for idx in 0..PER_CHAT_QUEUE {
            let id = i32::try_from(idx).unwrap() + 10;
            scheduler.push_back(edit(id, "screen"));
        }
        assert_eq!(scheduler.interactive.len(), PER_CHAT_QUEUE);
        assert_eq!(queued(&scheduler)[0], "say:config");
        assert_eq!(
            queued(&scheduler)[1],
            "edit:11:screen",
            "edit 10 was dropped"
        );
        for idx in 0..PER_CHAT_QUEUE {
            scheduler.push_back(say(&format!("m{idx}")));
        }
        let kept = queued(&scheduler);
        assert!(kept.iter().all(|it| it.starts_with("say:")), "{kept:?}");
        assert_eq!(kept.len(), PER_CHAT_QUEUE + 1, "messages are never dropped");
    }

    #[test]
    fn retry_backoff_doubles_and_caps() {
        let delays: Vec<u128> = (1..=8).map(|it| backoff(it).as_millis()).collect();
        assert_eq!(delays, [200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    }
}
