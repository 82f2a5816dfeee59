//! Messages the bot sends on its own: to a user in their language, and alerts to admins.
//!
//! Both go through the mail queue (`core::mail`), so a crash right after
//! the decision does not lose them; [`send`] is for a message that may be lost.

use ajib_domain::{Lang, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::{AdminRole, NewMail};
use ajib_transport::{InlineButton, Keyboard, Outgoing, Priority};

use crate::{core::mail, deps::Deps, keyboards};

/// The language a user chose, else the default.
pub async fn lang_of(deps: &Deps, user: TelegramId) -> Lang {
    match deps.store.get_user(user).await {
        Ok(Some(row)) => row
            .lang
            .filter(|it| deps.texts.speaks(*it))
            .unwrap_or(deps.settings.default_lang),
        _ => deps.settings.default_lang,
    }
}

/// Sends message `id` to `user` in their language, durably (through the mail queue).
pub async fn user(
    deps: &Deps,
    user: TelegramId,
    id: &str,
    args: &[(&str, Arg<'_>)],
    keyboard: Option<Keyboard>,
) {
    let mail = user_mail(deps, user, id, args, keyboard).await;
    mail::queue(deps, vec![mail]).await;
}

/// Message `id` to `user` in their language, as mail to queue.
pub async fn user_mail(
    deps: &Deps,
    user: TelegramId,
    id: &str,
    args: &[(&str, Arg<'_>)],
    keyboard: Option<Keyboard>,
) -> NewMail {
    let lang = lang_of(deps, user).await;
    let text = deps.t(lang, id, args);
    mail::message(&Outgoing::Text {
        chat_id: user.0,
        text,
        keyboard,
        html: true,
    })
}

/// Sends message `id` to every staff member, each in their language, durably.
pub async fn admins(deps: &Deps, id: &str, args: &[(&str, Arg<'_>)]) {
    admins_with_buttons(deps, id, args, &|_, _| Vec::new()).await;
}

/// Sends message `id` to every staff member with the buttons of `keyboard`,
/// durably; support staff get it without the buttons they may not press.
pub async fn admins_with_buttons(
    deps: &Deps,
    id: &str,
    args: &[(&str, Arg<'_>)],
    keyboard: &(dyn Fn(&Deps, Lang) -> Vec<Vec<InlineButton>> + Sync),
) {
    let mail = admins_mail(deps, id, args, keyboard).await;
    mail::queue(deps, mail).await;
}

/// Message `id` with the buttons of `keyboard` to every staff member, as mail to queue.
pub async fn admins_mail(
    deps: &Deps,
    id: &str,
    args: &[(&str, Arg<'_>)],
    keyboard: &(dyn Fn(&Deps, Lang) -> Vec<Vec<InlineButton>> + Sync),
) -> Vec<NewMail> {
    let mut res = Vec::new();
    for (chat, role) in deps.staff_chats().await {
        let lang = lang_of(deps, TelegramId(chat)).await;
        let text = deps.t(lang, id, args);
        let rows = match role {
            AdminRole::Support => keyboards::for_support(keyboard(deps, lang)),
            AdminRole::Owner | AdminRole::Admin => keyboard(deps, lang),
        };
        res.push(mail::message(&Outgoing::Text {
            chat_id: chat,
            text,
            keyboard: (!rows.is_empty()).then(|| keyboards::inline(rows)),
            html: true,
        }));
    }
    res
}

/// Sends one message at interactive priority and records users who blocked the bot.
pub async fn send(deps: &Deps, msg: Outgoing) {
    let chat = msg.chat_id();
    match deps.outbox.send(msg, Priority::Interactive).await {
        Ok(_) => (),
        Err(ajib_transport::SendError::Blocked) => {
            if let Some(chat) = chat
                && let Err(err) = deps.store.set_user_blocked(TelegramId(chat), true).await
            {
                log::warn!("could not mark {chat} as blocked: {err}");
            }
        }
        Err(err) => log::warn!("message to {chat:?} not delivered: {err}"),
    }
}
