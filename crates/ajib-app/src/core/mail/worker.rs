//! The mail worker: sends queued mail in order per chat, concurrently across chats, and marks each sent.
//!
//! A staff row is copied to every staff chat first, so each admin's copy is
//! tracked on its own; a fact (a settled payment, a credited top-up) is put
//! into words in the recipient's language when it is sent.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use ajib_domain::TelegramId;
use ajib_storage::{Mail, MailBody};
use ajib_transport::{Outgoing, Priority, SendError};
use tokio::{sync::watch, task::JoinSet};

use crate::{
    agent_bots::notices,
    core::{mail, payments, topups},
    deps::{Deps, now},
};

/// Rows taken at once: the next message of up to this many chats.
const BATCH: u32 = 64;
/// How often the worker looks for due mail when nobody wakes it (a retry
/// coming due, mail queued by another process such as `ajib-ctl`).
const IDLE: Duration = Duration::from_millis(500);
/// Failed sends of one message before it is given up.
const MAX_ATTEMPTS: u32 = 8;
/// Longest wait between two tries of one message.
const MAX_BACKOFF_SECS: i64 = 300;
/// How long sent mail is kept (for support and checks) before it is deleted.
const KEEP_SENT_DAYS: i64 = 7;
/// How often old mail is deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Runs until shutdown: sends due mail, then waits to be woken.
pub async fn run(deps: Arc<Deps>, mut shutdown: watch::Receiver<bool>) {
    let mut pruned = Instant::now();
    prune(&deps).await;
    loop {
        if pruned.elapsed() >= PRUNE_EVERY {
            prune(&deps).await;
            pruned = Instant::now();
        }
        let woken = mail::woken();
        tokio::pin!(woken);
        woken.as_mut().enable();
        let busy = round(&deps).await;
        if *shutdown.borrow() {
            return;
        }
        if busy {
            continue;
        }
        tokio::select! {
            () = &mut woken => (),
            () = tokio::time::sleep(IDLE) => (),
            res = shutdown.changed() => if res.is_err() || *shutdown.borrow() { return },
        }
    }
}

/// Forgets mail sent (or given up) more than [`KEEP_SENT_DAYS`] ago.
async fn prune(deps: &Deps) {
    match deps
        .store
        .prune_mail(now().plus_days(-KEEP_SENT_DAYS))
        .await
    {
        Ok(0) => (),
        Ok(n) => log::info!("forgot {n} message(s) sent over {KEEP_SENT_DAYS} days ago"),
        Err(err) => log::warn!("could not forget old mail: {err}"),
    }
}

/// Sends the next due message of every chat (and copies staff rows to the
/// staff); true if there was anything to do.
pub async fn round(deps: &Arc<Deps>) -> bool {
    let due = match deps.store.due_mail(now(), BATCH).await {
        Ok(due) => due,
        Err(err) => {
            log::error!("mail worker cannot read its queue: {err}");
            return false;
        }
    };
    if due.is_empty() {
        return false;
    }
    let mut sends = JoinSet::new();
    for mail in due {
        let Some(chat) = mail.chat else {
            let chats = deps
                .staff_chats()
                .await
                .into_iter()
                .map(|it| it.0)
                .collect();
            if let Err(err) = deps.store.copy_mail_to(mail.id, chats, now()).await {
                log::error!("could not address staff mail {}: {err}", mail.id);
            }
            continue;
        };
        let deps = deps.clone();
        sends.spawn(async move { deliver(&deps, chat, mail).await });
    }
    while sends.join_next().await.is_some() {}
    true
}

/// Sends one message and records what happened to it.
async fn deliver(deps: &Deps, chat: i64, mail: Mail) {
    // An agent's bot's mail waits while that bot is not running (a restart,
    // a revoked token), up to the usual tries.
    let outbox = match mail.bot {
        None => deps.outbox.clone(),
        Some(agent) => match deps.agent_bots.outbox(agent) {
            Some(outbox) => outbox,
            None if mail.attempts + 1 >= MAX_ATTEMPTS => {
                return give_up(deps, &mail, "the agent's bot is not running").await;
            }
            None => return retry(deps, &mail, "the agent's bot is not running").await,
        },
    };
    let rendered = match mail.bot {
        None => render(deps, chat, &mail.body).await,
        Some(agent) => render_for_agent_bot(deps, agent, chat, &mail.body).await,
    };
    let msg = match rendered {
        Ok(Some(msg)) => msg,
        Ok(None) => return give_up(deps, &mail, "nothing to say to this chat").await,
        Err(err) => {
            log::warn!("mail {} to {chat} cannot be written yet: {err:#}", mail.id);
            return retry(deps, &mail, &format!("{err:#}")).await;
        }
    };
    if let Err(err) = deps.store.sending_mail(mail.id).await {
        return log::error!(
            "mail {} not sent: cannot record the attempt: {err}",
            mail.id
        );
    }
    match outbox.send(msg, Priority::Interactive).await {
        Ok(_) => {
            if let Err(err) = deps.store.mail_sent(mail.id, now()).await {
                // It goes out again after the next start, counted as resent.
                log::error!("mail {} sent but not recorded: {err}", mail.id);
            }
        }
        Err(SendError::Blocked) => {
            let marked = match mail.bot {
                None => deps.store.set_user_blocked(TelegramId(chat), true).await,
                Some(agent) => {
                    deps.store
                        .set_agent_customer_blocked(agent, TelegramId(chat))
                        .await
                }
            };
            if let Err(err) = marked {
                log::warn!("could not mark {chat} as blocked: {err}");
            }
            give_up(deps, &mail, "the user blocked the bot").await;
        }
        Err(err @ (SendError::ChatNotFound | SendError::BadRequest(_))) => {
            log::warn!("mail {} to {chat} refused by Telegram: {err}", mail.id);
            give_up(deps, &mail, &err.to_string()).await;
        }
        Err(SendError::ShuttingDown) => retry(deps, &mail, "the bot was stopping").await,
        Err(err @ SendError::Failed(_)) if mail.attempts + 1 >= MAX_ATTEMPTS => {
            log::warn!("mail {} to {chat} given up: {err}", mail.id);
            give_up(deps, &mail, &err.to_string()).await;
        }
        Err(err @ SendError::Failed(_)) => retry(deps, &mail, &err.to_string()).await,
    }
}

/// What a row says to `chat`, in the chat's language; `None` if it has nothing for it.
async fn render(deps: &Deps, chat: i64, body: &MailBody) -> anyhow::Result<Option<Outgoing>> {
    match body {
        MailBody::Message { json, attachment } => {
            Ok(Some(Outgoing::from_stored(json, attachment.clone())?))
        }
        MailBody::Payment {
            order,
            settlement,
            balance,
        } => payments::user_notice(deps, chat, *order, *settlement, *balance).await,
        MailBody::StaffPayment {
            order, settlement, ..
        } => payments::staff_notice(deps, chat, *order, *settlement).await,
        MailBody::Topup {
            amount, balance, ..
        } => Ok(Some(
            topups::credited_notice(deps, chat, *amount, *balance).await,
        )),
    }
}

/// What a row of an agent's bot says to `chat`: its customers get messages and payment notices only.
async fn render_for_agent_bot(
    deps: &Deps,
    agent: TelegramId,
    chat: i64,
    body: &MailBody,
) -> anyhow::Result<Option<Outgoing>> {
    match body {
        MailBody::Message { json, attachment } => {
            Ok(Some(Outgoing::from_stored(json, attachment.clone())?))
        }
        MailBody::Payment { settlement, .. } => {
            Ok(notices::payment_notice(deps, agent, chat, *settlement).await)
        }
        MailBody::StaffPayment { .. } | MailBody::Topup { .. } => Ok(None),
    }
}

/// Gives up on a message.
async fn give_up(deps: &Deps, mail: &Mail, error: &str) {
    if let Err(err) = deps.store.fail_mail(mail.id, error, now()).await {
        log::error!("could not give up mail {}: {err}", mail.id);
    }
}

async fn retry(deps: &Deps, mail: &Mail, error: &str) {
    let at = now().plus_secs(backoff_secs(mail.attempts));
    if let Err(err) = deps.store.retry_mail(mail.id, at, error).await {
        log::error!("could not reschedule mail {}: {err}", mail.id);
    }
}

/// 1, 2, 4 … seconds, capped at five minutes.
fn backoff_secs(attempts: u32) -> i64 {
    (1_i64 << attempts.min(10)).min(MAX_BACKOFF_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_cap() {
        assert_eq!(backoff_secs(0), 1);
        assert_eq!(backoff_secs(3), 8);
        assert_eq!(backoff_secs(9), 300);
        assert_eq!(backoff_secs(40), 300);
    }
}
