//! The broadcast sender: works through each running broadcast's frozen recipient list at Telegram's pace.
//!
//! Durable and resumable. Only `pending` recipients are ever taken, and each
//! is marked sent, blocked or failed right after its own send completes, so a
//! restarted worker carries on where the last one stopped: nobody is skipped,
//! and a graceful shutdown (which waits for the sends in flight) repeats
//! nothing. The one gap Telegram leaves open is a hard crash between a send
//! and its mark: each send is recorded as attempted before it is made, so
//! after a restart those few recipients (at most [`IN_FLIGHT`]) are sent
//! again — every reachable one gets the message — and each is counted as a
//! possible duplicate in the progress.
//!
//! The outbox does the rate limiting (about 30 messages a second, interactive
//! replies first); this worker keeps a few sends in flight, checks before
//! every send whether an admin paused or stopped the broadcast, and edits the
//! admin's progress message every few seconds. [`send_batch`] is the core,
//! callable on its own (tests do).

pub mod control;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use ajib_domain::{BroadcastId, Lang, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::{Broadcast, BroadcastProgress, BroadcastStatus, RecipientStatus};
use ajib_transport::{Keyboard, Outgoing, Priority, SendError, Sent};
use tokio::{sync::watch, task::JoinSet};

use crate::{
    callback::Callback,
    core::notify,
    deps::{Deps, now},
    keyboards::{button, inline},
};

/// Recipients taken from the database at a time (about a second of sending).
pub const BATCH: u32 = 30;
/// Sends waiting for Telegram at once; also the most a hard crash can repeat (each one counted).
pub const IN_FLIGHT: usize = 8;
/// How often the progress message is edited while sending.
const DRAW_EVERY: Duration = Duration::from_secs(3);
/// How often the worker looks for running broadcasts when nobody wakes it.
const IDLE: Duration = Duration::from_secs(10);
/// Messages a second assumed for the first estimate: Telegram's global limit.
const NOMINAL_PER_SEC: f64 = 30.0;

/// What one call of [`send_batch`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    /// Tried this many recipients; more may be pending.
    Sent(usize),
    /// Nobody is pending any more; the broadcast is now done.
    Finished,
    /// The broadcast is paused, cancelled, done or gone.
    Stopped,
    /// Another caller is sending this broadcast right now.
    Busy,
}

/// Runs until shutdown: resumes every running broadcast, then waits for new ones.
pub async fn run(deps: Arc<Deps>, mut shutdown: watch::Receiver<bool>) {
    loop {
        match deps.store.active_broadcasts().await {
            Ok(active) => {
                for broadcast in active {
                    send_all(&deps, broadcast.id, &shutdown).await;
                    if *shutdown.borrow() {
                        return;
                    }
                }
            }
            Err(err) => log::error!("broadcast sender cannot read broadcasts: {err}"),
        }
        if *shutdown.borrow() {
            return;
        }
        tokio::select! {
            () = deps.broadcasts.wake.notified() => (),
            () = tokio::time::sleep(IDLE) => (),
            res = shutdown.changed() => if res.is_err() || *shutdown.borrow() { return },
        }
    }
}

/// Sends the next `limit` pending recipients of broadcast `id`, each marked right after its send.
///
/// Checks before every send that the broadcast is still running, and marks
/// the broadcast done once nobody is pending.
pub async fn send_batch(
    deps: &Deps,
    id: BroadcastId,
    limit: u32,
) -> Result<Batch, ajib_storage::Error> {
    let Some(_claim) = deps.broadcasts.claim(id) else {
        return Ok(Batch::Busy);
    };
    let Some(broadcast) = running(deps, id).await? else {
        return Ok(Batch::Stopped);
    };
    let recipients = deps.store.next_broadcast_batch(id, limit).await?;
    if recipients.is_empty() {
        deps.store
            .set_broadcast_status(id, BroadcastStatus::Done, now())
            .await?;
        return Ok(Batch::Finished);
    }
    let mut in_flight = JoinSet::new();
    let mut tried = 0;
    let mut res = Ok(());
    for user in recipients {
        if in_flight.len() >= IN_FLIGHT
            && let Some(done) = in_flight.join_next().await
        {
            keep_first_error(&mut res, record(deps, id, done).await);
        }
        if running(deps, id).await?.is_none() {
            break;
        }
        // Recorded before the send: if a crash loses the outcome, the send
        // made again after the restart counts as a possible duplicate.
        deps.store.attempt_recipient(id, user).await?;
        let outbox = deps.outbox.clone();
        let msg = message(user.0, &broadcast.text, broadcast.photo.as_deref());
        in_flight.spawn(async move { (user, outbox.send(msg, Priority::Bulk).await) });
        tried += 1;
    }
    while let Some(done) = in_flight.join_next().await {
        keep_first_error(&mut res, record(deps, id, done).await);
    }
    res.map(|()| Batch::Sent(tried))
}

/// Shows the progress of a broadcast that just started, by editing `message_id` or sending a new message.
///
/// The message's place is stored, so every later [`redraw`], even after a
/// restart, edits the same message.
pub async fn show_progress(
    deps: &Deps,
    id: BroadcastId,
    chat: i64,
    message_id: Option<i32>,
) -> Result<(), ajib_storage::Error> {
    let _drawing = deps.broadcasts.draw.lock().await;
    let Some((text, keyboard)) = view(deps, id, chat, None).await? else {
        return Ok(());
    };
    if let Some(message_id) = message_id {
        store_location(deps, id, chat, message_id).await?;
        edit(deps, chat, message_id, text, keyboard).await;
        return Ok(());
    }
    let msg = Outgoing::Text {
        chat_id: chat,
        text,
        keyboard: Some(keyboard),
        html: true,
    };
    let message_id = match deps.outbox.send(msg, Priority::Interactive).await {
        Ok(Sent {
            message_id: Some(message_id),
        }) => message_id,
        Ok(_) => return Ok(()),
        Err(err) => {
            log::warn!("progress of broadcast {id} not shown: {err}");
            return Ok(());
        }
    };
    store_location(deps, id, chat, message_id).await
}

/// Edits the broadcast's progress message to its current state; `per_sec` refines the estimate.
pub async fn redraw(deps: &Deps, id: BroadcastId, per_sec: Option<f64>) {
    let _drawing = deps.broadcasts.draw.lock().await;
    let location = match location(deps, id).await {
        Ok(Some(location)) => location,
        Ok(None) => return,
        Err(err) => {
            log::warn!("progress of broadcast {id} unknown: {err}");
            return;
        }
    };
    let (chat, message_id) = location;
    match view(deps, id, chat, per_sec).await {
        Ok(Some((text, keyboard))) => edit(deps, chat, message_id, text, keyboard).await,
        Ok(None) => (),
        Err(err) => log::warn!("progress of broadcast {id} not drawn: {err}"),
    }
}

/// `1:05` or `1:02:05`, with the digits of `lang`.
#[must_use]
pub fn format_eta(lang: Lang, secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let text = match h {
        0 => format!("{m}:{s:02}"),
        _ => format!("{h}:{m:02}:{s:02}"),
    };
    ajib_i18n::localize_digits(lang, &text)
}

/// Sends a running broadcast until it is done, stopped or the bot shuts down.
async fn send_all(deps: &Deps, id: BroadcastId, shutdown: &watch::Receiver<bool>) {
    let started = Instant::now();
    let mut last_draw = Instant::now();
    let mut tried = 0usize;
    redraw(deps, id, None).await;
    while !*shutdown.borrow() {
        match send_batch(deps, id, BATCH).await {
            Ok(Batch::Sent(n)) => {
                tried += n;
                if last_draw.elapsed() >= DRAW_EVERY {
                    let secs = started.elapsed().as_secs_f64();
                    let per_sec = (secs >= 1.0).then(|| tried as f64 / secs);
                    redraw(deps, id, per_sec).await;
                    last_draw = Instant::now();
                }
            }
            Ok(Batch::Finished) => {
                log::info!("broadcast {id} finished");
                redraw(deps, id, None).await;
                return;
            }
            Ok(Batch::Stopped | Batch::Busy) => return,
            Err(err) => {
                log::error!("broadcast {id} paused by a storage error, retried later: {err}");
                return;
            }
        }
    }
}

/// The broadcast if it is still running.
async fn running(deps: &Deps, id: BroadcastId) -> Result<Option<Broadcast>, ajib_storage::Error> {
    let broadcast = deps.store.get_broadcast(id).await?;
    Ok(broadcast.filter(|it| it.status == BroadcastStatus::Running))
}

/// Marks what happened to one send; a send the outbox never made stays pending.
async fn record(
    deps: &Deps,
    id: BroadcastId,
    done: Result<(TelegramId, Result<Sent, SendError>), tokio::task::JoinError>,
) -> Result<(), ajib_storage::Error> {
    let (user, res) = match done {
        Ok(done) => done,
        Err(err) => {
            log::warn!("a send of broadcast {id} was lost; it stays pending: {err}");
            return Ok(());
        }
    };
    let status = match res {
        Ok(_) => RecipientStatus::Sent,
        Err(SendError::Blocked) => RecipientStatus::Blocked,
        Err(SendError::ShuttingDown) => return deps.store.forget_attempt(id, user).await,
        Err(err) => {
            log::info!("broadcast {id} to {user} failed: {err}");
            RecipientStatus::Failed
        }
    };
    deps.store.mark_recipient(id, user, status, now()).await
}

fn keep_first_error(
    res: &mut Result<(), ajib_storage::Error>,
    next: Result<(), ajib_storage::Error>,
) {
    if let (Ok(()), Err(err)) = (&*res, next) {
        *res = Err(err);
    }
}

/// The progress message of a broadcast in its current state; `None` if the broadcast is gone.
async fn view(
    deps: &Deps,
    id: BroadcastId,
    chat: i64,
    per_sec: Option<f64>,
) -> Result<Option<(String, Keyboard)>, ajib_storage::Error> {
    let Some(broadcast) = deps.store.get_broadcast(id).await? else {
        return Ok(None);
    };
    let progress = deps.store.broadcast_progress(id).await?;
    let lang = notify::lang_of(deps, TelegramId(chat)).await;
    Ok(Some(render(deps, lang, &broadcast, progress, per_sec)))
}

fn render(
    deps: &Deps,
    lang: Lang,
    broadcast: &Broadcast,
    progress: BroadcastProgress,
    per_sec: Option<f64>,
) -> (String, Keyboard) {
    let t = |msg: &str| deps.t(lang, msg, &[]);
    let counts = [
        ("sent", Arg::from(progress.sent)),
        ("failed", Arg::from(progress.failed)),
        ("blocked", Arg::from(progress.blocked)),
    ];
    let per_sec = per_sec.filter(|it| *it > 0.0).unwrap_or(NOMINAL_PER_SEC);
    let eta = format_eta(lang, (progress.pending as f64 / per_sec).ceil() as u64);
    let mut args = counts.to_vec();
    args.push(("remaining", Arg::from(progress.pending)));
    args.push(("eta", Arg::from(eta.as_str())));
    let mut running = deps.t(lang, "admin-broadcast-progress", &args);
    let repeats = progress.possible_duplicates;
    let repeats = (repeats > 0).then(|| {
        deps.t(
            lang,
            "admin-broadcast-repeats",
            &[("repeats", Arg::from(repeats))],
        )
    });
    if let Some(repeats) = &repeats {
        running = format!("{running}\n{repeats}");
    }
    let id = broadcast.id;
    let back = vec![button(t("btn-back"), Callback::Admin)];
    match broadcast.status {
        BroadcastStatus::Running => (
            running,
            inline(vec![vec![
                button(t("btn-pause"), Callback::AdminBroadcastPause(id)),
                button(t("btn-stop"), Callback::AdminBroadcastStop(id)),
            ]]),
        ),
        BroadcastStatus::Paused => (
            format!("{running}\n\n{}", t("admin-broadcast-paused")),
            inline(vec![vec![
                button(t("btn-resume"), Callback::AdminBroadcastResume(id)),
                button(t("btn-stop"), Callback::AdminBroadcastStop(id)),
            ]]),
        ),
        BroadcastStatus::Cancelled => (
            format!("{running}\n\n{}", t("admin-broadcast-cancelled")),
            inline(vec![back]),
        ),
        BroadcastStatus::Done => (
            match &repeats {
                Some(repeats) => format!(
                    "{}\n{repeats}",
                    deps.t(lang, "admin-broadcast-done", &counts)
                ),
                None => deps.t(lang, "admin-broadcast-done", &counts),
            },
            inline(vec![back]),
        ),
    }
}

async fn edit(deps: &Deps, chat: i64, message_id: i32, text: String, keyboard: Keyboard) {
    let msg = Outgoing::EditText {
        chat_id: chat,
        message_id,
        text,
        keyboard: Some(keyboard),
        html: true,
    };
    if let Err(err) = deps.outbox.send(msg, Priority::Interactive).await {
        log::warn!("progress message {chat}:{message_id} not edited: {err}");
    }
}

fn location_key(id: BroadcastId) -> String {
    format!("broadcast.{id}.progress")
}

async fn store_location(
    deps: &Deps,
    id: BroadcastId,
    chat: i64,
    message_id: i32,
) -> Result<(), ajib_storage::Error> {
    let value = format!("{chat}:{message_id}");
    deps.store
        .set_setting(&location_key(id), &value, now())
        .await
}

/// Where the broadcast's progress message is: (chat, message id).
async fn location(deps: &Deps, id: BroadcastId) -> Result<Option<(i64, i32)>, ajib_storage::Error> {
    let value = deps.store.get_setting(&location_key(id)).await?;
    Ok(value.as_deref().and_then(parse_location))
}

fn parse_location(value: &str) -> Option<(i64, i32)> {
    let (chat, message_id) = value.split_once(':')?;
    Some((chat.parse().ok()?, message_id.parse().ok()?))
}

/// The message a recipient gets for a stored broadcast: the HTML body (a photo's caption
/// when there is a photo), and a link button when the text ended with one.
#[must_use]
pub fn message(chat_id: i64, stored: &str, photo: Option<&str>) -> Outgoing {
    let (body, button) = split_button(stored);
    let keyboard = button.map(|(label, url)| {
        crate::keyboards::inline(vec![vec![crate::keyboards::link(
            label.to_owned(),
            url.to_owned(),
        )]])
    });
    match photo {
        Some(file_id) => Outgoing::PhotoById {
            chat_id,
            file_id: file_id.to_owned(),
            caption: (!body.is_empty()).then(|| body.to_owned()),
            keyboard,
        },
        None => Outgoing::Text {
            chat_id,
            text: body.to_owned(),
            keyboard,
            html: true,
        },
    }
}

/// Splits a trailing `[label](http(s)://link)` line off a broadcast text; anything else stays text.
#[must_use]
pub fn split_button(text: &str) -> (&str, Option<(&str, &str)>) {
    let text = text.trim_end();
    let (body, last) = match text.rsplit_once('\n') {
        Some((body, last)) => (body, last.trim()),
        None => ("", text.trim()),
    };
    let parsed = last
        .strip_prefix('[')
        .and_then(|it| it.strip_suffix(')'))
        .and_then(|it| it.rsplit_once("]("))
        .filter(|(label, url)| {
            let label_ok = (1..=64).contains(&label.trim().chars().count());
            let url_ok = (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= 1024
                && !url.contains(char::is_whitespace);
            label_ok && url_ok
        });
    match parsed {
        Some((label, url)) if !body.trim().is_empty() => {
            (body.trim_end(), Some((label.trim(), url)))
        }
        _ => (text, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_reads_as_a_clock() {
        assert_eq!(format_eta(Lang::EN, 0), "0:00");
        assert_eq!(format_eta(Lang::EN, 65), "1:05");
        assert_eq!(format_eta(Lang::EN, 3725), "1:02:05");
        assert_eq!(format_eta(Lang::FA, 65), "۱:۰۵");
    }

    #[test]
    fn progress_locations_parse() {
        assert_eq!(parse_location("1000:42"), Some((1000, 42)));
        assert_eq!(parse_location("-5:1"), Some((-5, 1)));
        assert_eq!(parse_location("1000"), None);
        assert_eq!(parse_location("x:1"), None);
    }
}
