//! Messages that must arrive (configs, payment notices, admin alerts) leave from SQLite: the queue.
//!
//! They are queued in the database (by the transaction that decides them
//! when there is one: settling a payment, finishing a provisioning job),
//! then [`worker`] sends them in order per chat, concurrently across chats,
//! and marks each sent. A row is marked `sending` before Telegram gets it,
//! so a kill loses nothing and repeats at most the one message Telegram had
//! accepted when the process died; the next start queues it again and
//! counts it (`Store::begin_run`).

pub mod worker;

use std::sync::LazyLock;

use ajib_storage::{MailBody, NewMail};
use ajib_transport::{Outgoing, Priority};
use tokio::sync::Notify;

use crate::deps::{Deps, now};

/// Wakes the worker when mail is queued.
///
/// Process-wide rather than in `Deps` so every module can queue mail without
/// threading a handle; a wake-up meant for another `App` in the same process
/// (tests) only costs that worker one empty query.
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Queues `mail` and wakes the worker; if the database refuses, sends what
/// it can directly rather than say nothing.
pub async fn queue(deps: &Deps, mail: Vec<NewMail>) {
    if mail.is_empty() {
        return;
    }
    match deps.store.queue_mail(mail.clone(), now()).await {
        Ok(()) => wake(),
        Err(err) => {
            log::error!(
                "could not queue {} message(s), sending them now: {err}",
                mail.len()
            );
            for it in mail {
                let msg = match (it.chat, &it.body) {
                    (Some(_), MailBody::Message { json, attachment }) => {
                        Outgoing::from_stored(json, attachment.clone())
                    }
                    _ => continue,
                };
                let sent = match msg {
                    Ok(msg) => deps.outbox.send(msg, Priority::Interactive).await,
                    Err(err) => {
                        log::error!("unreadable message not sent: {err}");
                        continue;
                    }
                };
                if let Err(err) = sent {
                    log::warn!("message to {:?} not delivered: {err}", it.chat);
                }
            }
        }
    }
}

/// Tells the worker there is mail.
pub fn wake() {
    WAKE.notify_waiters();
}

/// A rendered message as mail to its chat.
#[must_use]
pub fn message(msg: &Outgoing) -> NewMail {
    let (json, attachment) = msg.to_stored();
    NewMail {
        bot: None,
        chat: msg.chat_id(),
        body: MailBody::Message { json, attachment },
    }
}

/// A wake-up to wait for, armed before the caller looks for work so a wake in between is not missed.
pub(crate) fn woken() -> tokio::sync::futures::Notified<'static> {
    WAKE.notified()
}
