//! What customers of an agent's bot are told outside a conversation, as
//! mail the worker sends through that bot: payment notices, news of their
//! invoice, and their configs with the bot's own menu button.
//!
//! Kept apart from the storefront so the payment and mail code can use it
//! without importing the shop's screens (which use them).

use ajib_domain::{Lang, PanelId, Service, TelegramId};
use ajib_i18n::Arg;
use ajib_transport::Outgoing;

use crate::{
    agent_bots::storefront::tap::Tap,
    core::{delivery, mail},
    deps::Deps,
    keyboards::{inline, link},
};

/// The language a customer reads in an agent's bot: theirs there, else their
/// Telegram app's when the bot speaks it, else the shop's default.
pub fn customer_lang(deps: &Deps, chosen: Option<Lang>, telegram: Option<&str>) -> Lang {
    chosen
        .or_else(|| telegram.and_then(|it| Lang::parse(it.get(..2)?)))
        .filter(|it| deps.texts.speaks(*it))
        .unwrap_or(deps.settings.default_lang)
}

/// The configs of `service` for a customer of an agent's bot, the last one
/// carrying this bot's menu button instead of the main bot's.
pub async fn config_messages(
    deps: &Deps,
    chat: i64,
    lang: Lang,
    panel: PanelId,
    username: &str,
) -> anyhow::Result<Vec<Outgoing>> {
    let mut messages = delivery::config_messages(deps, chat, lang, panel, username).await?;
    let menu = Tap::Menu.button(deps.label(lang, "ab-btn-menu", &[]));
    for msg in &mut messages {
        match msg {
            Outgoing::Text { keyboard, .. } | Outgoing::Photo { keyboard, .. }
                if keyboard.is_some() =>
            {
                *keyboard = Some(inline(vec![vec![menu.clone()]]));
            }
            _ => (),
        }
    }
    Ok(messages)
}

/// Tells a customer of `agent`'s bot about their invoice (`ab-<id>`: payment
/// expired, failed, short), durably through that bot: with a pay button for
/// `pay_url`, else with the bot's plans to buy again.
pub async fn tell_customer(
    deps: &Deps,
    agent: TelegramId,
    customer: TelegramId,
    id: &str,
    args: &[(&str, Arg<'_>)],
    pay_url: Option<String>,
) {
    let lang = bot_customer_lang(deps, agent, customer).await;
    let button = match pay_url {
        Some(url) => link(deps.label(lang, "ab-btn-pay", &[]), url),
        None => Tap::Plans.button(deps.label(lang, "ab-btn-buy", &[])),
    };
    let msg = Outgoing::Text {
        chat_id: customer.0,
        text: deps.t(lang, &format!("ab-{id}"), args),
        keyboard: Some(inline(vec![vec![button]])),
        html: true,
    };
    queue_in_bot(deps, agent, &msg).await;
}

/// The language a customer of `agent`'s bot reads there.
pub async fn bot_customer_lang(deps: &Deps, agent: TelegramId, customer: TelegramId) -> Lang {
    let known = deps
        .store
        .agent_customer(agent, customer)
        .await
        .ok()
        .flatten();
    customer_lang(deps, known.and_then(|it| it.lang), None)
}

/// A settled payment told to the customer of an agent's bot (mail the worker renders).
pub async fn payment_notice(
    deps: &Deps,
    agent: TelegramId,
    chat: i64,
    settlement: ajib_storage::Settlement,
) -> Option<Outgoing> {
    let lang = bot_customer_lang(deps, agent, TelegramId(chat)).await;
    let terms = deps.store.get_agent(agent).await.ok().flatten();
    let support = support_of(deps, agent, terms);
    let text = match settlement {
        ajib_storage::Settlement::Granted { .. } => deps.t(lang, "ab-payment-granted", &[]),
        ajib_storage::Settlement::Credited { .. } => deps.t(
            lang,
            "ab-payment-kept",
            &[("support", Arg::from(support.as_str()))],
        ),
        ajib_storage::Settlement::AlreadySettled => return None,
    };
    Some(Outgoing::Text {
        chat_id: chat,
        text,
        keyboard: None,
        html: true,
    })
}

/// Reminder `message` (`reminder-expiry`, …) about `service`, told to the
/// customer of the agent's bot who bought it, there, with a button to renew
/// it and the agent's support contact.
pub async fn remind_customer(
    deps: &Deps,
    service: &Service,
    customer: TelegramId,
    message: &str,
    extra: &[(&str, Arg<'_>)],
) {
    let agent = service.user;
    let lang = bot_customer_lang(deps, agent, customer).await;
    let name = delivery::plan_name(deps, lang, service.plan).await;
    let terms = deps.store.get_agent(agent).await.ok().flatten();
    let support = support_of(deps, agent, terms);
    let mut args = vec![
        ("name", Arg::from(name.as_str())),
        ("support", Arg::from(support.as_str())),
    ];
    args.extend(extra.iter().map(|(k, v)| (*k, *v)));
    // Renewed right there, at the agent's retail price.
    let renew = service.plan.map(|_| {
        inline(vec![vec![Tap::Renew(service.id).button(deps.label(
            lang,
            "ab-btn-renew",
            &[],
        ))]])
    });
    let msg = Outgoing::Text {
        chat_id: customer.0,
        text: deps.t(lang, &format!("ab-{message}"), &args),
        keyboard: renew,
        html: true,
    };
    queue_in_bot(deps, agent, &msg).await;
}

/// Queues `msg` as mail that `agent`'s bot sends.
async fn queue_in_bot(deps: &Deps, agent: TelegramId, msg: &Outgoing) {
    let mail = ajib_storage::NewMail {
        bot: Some(agent),
        ..mail::message(msg)
    };
    mail::queue(deps, vec![mail]).await;
}

/// Who a bot's customers ask: the agent's support contact, else the bot itself.
fn support_of(deps: &Deps, agent: TelegramId, terms: Option<ajib_storage::Agent>) -> String {
    terms
        .and_then(|it| it.support)
        .or_else(|| {
            deps.agent_bots
                .get(agent)
                .map(|bot| format!("@{}", bot.username))
        })
        .unwrap_or_default()
}
