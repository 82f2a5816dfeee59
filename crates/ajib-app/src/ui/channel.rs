//! The required channel (`REQUIRED_CHANNEL`): before buying or taking a free test, a customer
//! must be in it; otherwise they get a join button and "✅ I joined", which asks again.
//!
//! Telegram is asked with `getChatMember`; a member is remembered for ten minutes
//! ([`crate::membership`]), a non-member not at all. When Telegram cannot be asked (an error,
//! a timeout, the bot not an administrator of the channel) nobody is held back: it is logged,
//! and the owners hear of it at most once an hour.

use std::time::{Duration, Instant};

use ajib_config::RequiredChannel;
use ajib_i18n::Arg;

use crate::{
    blocking::blocking,
    callback::{Callback, ChannelNext},
    core::{alerts, alerts::throttle, mail},
    deps::{Deps, now},
    keyboards::{button, inline, link},
    ui::{Ctx, Handled, shop, test_account},
};

/// How long a customer waits for Telegram's answer before being let through.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// Shortest time between two "cannot check the channel" alerts to owners.
const UNREACHABLE_ALERT_PERIOD_SECS: i64 = 3600;

/// What Telegram says about the user and the required channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// In the channel (or no channel is required, or Telegram could not be asked).
    Pass,
    /// Not in the channel.
    Join,
}

/// Where a button the gate guards leads, if it is guarded: the shop and the free test are.
#[must_use]
pub fn guarded(callback: Callback) -> Option<ChannelNext> {
    match callback {
        Callback::Plans
        | Callback::Plan(_)
        | Callback::PlanAt(_)
        | Callback::Buy(_)
        | Callback::BuyAt(_)
        | Callback::PromoAsk(_)
        | Callback::PromoPlan(_)
        | Callback::PromoPlanAt(_)
        | Callback::PromoBuy(_)
        | Callback::PromoBuyAt(_) => Some(ChannelNext::Shop),
        Callback::TestOffer | Callback::TestConfirm => Some(ChannelNext::Test),
        _ => None,
    }
}

/// The join screen if the user must join the required channel before going to `next`; `None`
/// lets them through.
pub async fn gate(deps: &Deps, ctx: &Ctx, next: ChannelNext) -> Option<Handled> {
    let channel = deps.settings.required_channel.as_ref()?;
    match check(deps, channel, ctx.user.0).await {
        Verdict::Pass => None,
        Verdict::Join => Some(Ok(vec![join_screen(deps, ctx, channel, next, false)])),
    }
}

/// "✅ I joined": asks Telegram again, then goes on to `next`, or shows the join screen again.
pub async fn on_joined(deps: &Deps, ctx: &Ctx, next: ChannelNext) -> Handled {
    if let Some(channel) = deps.settings.required_channel.as_ref()
        && check(deps, channel, ctx.user.0).await == Verdict::Join
    {
        return Ok(vec![join_screen(deps, ctx, channel, next, true)]);
    }
    match next {
        ChannelNext::Shop => shop::plans(deps, ctx).await,
        ChannelNext::Test => test_account::offer(deps, ctx).await,
    }
}

fn join_screen(
    deps: &Deps,
    ctx: &Ctx,
    channel: &RequiredChannel,
    next: ChannelNext,
    again: bool,
) -> ajib_transport::Outgoing {
    let name = match &channel.join_url {
        Some(url) if !channel.chat.starts_with('@') => url.as_str(),
        _ => channel.chat.as_str(),
    };
    let mut text = deps.t(ctx.lang, "channel-join", &[("channel", Arg::from(name))]);
    if again {
        text = format!("{}\n\n{text}", deps.t(ctx.lang, "channel-not-yet", &[]));
    }
    let mut rows = Vec::new();
    if let Some(url) = &channel.join_url {
        rows.push(vec![link(
            deps.label(ctx.lang, "btn-channel-join", &[]),
            url.clone(),
        )]);
    }
    rows.push(vec![button(
        deps.label(ctx.lang, "btn-channel-joined", &[]),
        Callback::ChannelJoined(next),
    )]);
    rows.push(vec![button(
        deps.label(ctx.lang, "btn-menu", &[]),
        Callback::Menu,
    )]);
    ctx.screen(text, inline(rows))
}

/// Asks Telegram (or the cache) whether `user` is in `channel`.
async fn check(deps: &Deps, channel: &RequiredChannel, user: i64) -> Verdict {
    if deps.membership.is_known_member(user, Instant::now()) {
        return Verdict::Pass;
    }
    let api = deps.telegram.clone();
    let chat = channel.chat.clone();
    let call = blocking(move || api.get_chat_member(&chat, user));
    let error = match tokio::time::timeout(CHECK_TIMEOUT, call).await {
        Ok(Ok(Ok(status))) if status.is_member() => {
            deps.membership.remember_member(user, Instant::now());
            return Verdict::Pass;
        }
        Ok(Ok(Ok(_))) => {
            deps.membership.forget(user);
            return Verdict::Join;
        }
        Ok(Ok(Err(err))) => err.to_string(),
        Ok(Err(err)) => err.to_string(),
        Err(_) => format!("no answer within {} s", CHECK_TIMEOUT.as_secs()),
    };
    log::warn!(
        "cannot check whether user {user} is in {}, letting them through: {error}",
        channel.chat
    );
    alert_unreachable(deps, channel, &error).await;
    Verdict::Pass
}

/// Tells the owners the channel cannot be checked, at most once an hour.
async fn alert_unreachable(deps: &Deps, channel: &RequiredChannel, error: &str) {
    if !throttle::claim(
        &deps.alerts.channel_unreachable,
        now(),
        UNREACHABLE_ALERT_PERIOD_SECS,
    ) {
        return;
    }
    let args = [
        ("channel", Arg::from(channel.chat.as_str())),
        ("error", Arg::from(error)),
    ];
    let mail = alerts::owners_mail(deps, "admin-channel-unreachable", &args).await;
    mail::queue(deps, mail).await;
}
