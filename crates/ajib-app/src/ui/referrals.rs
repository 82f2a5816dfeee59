//! The customer's side of referrals: attribution at first contact, and the "🎁 Invite friends" screen.
//!
//! ```text
//! user: 🎁 Invite friends
//! bot:  🎁 Invite friends — your link: https://t.me/ajib_bot?start=rk3m9x2qa
//!       You get 1.00 USD when a friend you invited makes their first purchase.
//!       👥 Invited: 3 · ⏳ not bought yet: 1 · 💰 earned: 2.00 USD   [📤 Share link] [🏠 Menu]
//! ```

use ajib_i18n::Arg;
use ajib_storage::{Attribution, ReferralMode, ReferralRules};
use tokio::sync::OnceCell;

use crate::{
    blocking::blocking,
    callback::Callback,
    deps::{Deps, now},
    format::price,
    keyboards::{button, inline, link},
    ui::{Ctx, Handled},
};

/// The deep-link payload of an invite: `r` and the referrer's code.
const PAYLOAD_PREFIX: char = 'r';

/// The bot's @username from `getMe`, asked once: a process runs one bot token.
static BOT_USERNAME: OnceCell<String> = OnceCell::const_new();

/// A `/start` payload at the user's first contact: attributes them to the
/// owner of the code in an invite payload, once. Nothing is said to the user;
/// an existing user's `/start r<code>` is ignored.
pub async fn on_first_start(deps: &Deps, ctx: &Ctx, payload: Option<&str>, first_contact: bool) {
    let Some(code) = payload.and_then(invite_code) else {
        return;
    };
    if !first_contact {
        log::info!(
            "{} opened an invite link but was here before; not attributed",
            ctx.user
        );
        return;
    }
    match deps.store.attribute_referral(ctx.user, code, now()).await {
        Ok(Attribution::Attributed { referrer }) => {
            log::info!("{} was invited by {referrer}", ctx.user);
        }
        Ok(other) => log::info!("invite link of {} not attributed: {other:?}", ctx.user),
        Err(err) => log::warn!("could not attribute {} to an invite: {err}", ctx.user),
    }
}

/// The code in an invite payload (`r` + 6 to 12 letters and digits), if it is one.
fn invite_code(payload: &str) -> Option<&str> {
    let code = payload.strip_prefix(PAYLOAD_PREFIX)?;
    let valid = (6..=12).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric());
    valid.then_some(code)
}

/// "🎁 Invite friends": the user's link with a share button, whom they invited and what they earned.
pub async fn invite(deps: &Deps, ctx: &Ctx) -> Handled {
    let store = &deps.store;
    let summary = store
        .referral_summary(ctx.user, deps.settings.currency, now())
        .await?;
    let rules = store.referral_rules().await?;
    let link_url = match bot_username(deps).await {
        Some(bot) => Some(invite_link(&bot, &summary.code)),
        None => None,
    };
    let t = |id: &str, args: &[(&str, Arg)]| deps.t(ctx.lang, id, args);
    let shown_link = match &link_url {
        Some(url) => url.clone(),
        None => t("invite-no-link", &[]),
    };
    let earned = price(ctx.lang, summary.earned);
    let mut text = t(
        "invite-screen",
        &[
            ("link", Arg::from(shown_link.as_str())),
            ("rules", Arg::from(rules_text(deps, ctx, &rules).as_str())),
            ("invited", Arg::from(summary.invited)),
            ("waiting", Arg::from(summary.waiting)),
            ("earned", Arg::from(earned.as_str())),
        ],
    );
    if rules.welcome_minor > 0 {
        let bonus = minor_price(deps, ctx, rules.welcome_minor);
        text.push('\n');
        text.push_str(&t(
            "invite-welcome",
            &[("bonus", Arg::from(bonus.as_str()))],
        ));
    }
    if summary.refused > 0 {
        text.push('\n');
        text.push_str(&t(
            "invite-over-cap",
            &[("count", Arg::from(summary.refused))],
        ));
    }
    let mut rows = Vec::new();
    if let Some(url) = link_url {
        let share = share_url(&url, &deps.label(ctx.lang, "invite-share-text", &[]));
        rows.push(vec![link(t("btn-invite-share", &[]), share)]);
    }
    rows.push(vec![button(t("btn-menu", &[]), Callback::Menu)]);
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// What a referrer gets, in words: "1.00 USD when a friend … first purchase", or that there are no rewards now.
pub fn rules_text(deps: &Deps, ctx: &Ctx, rules: &ReferralRules) -> String {
    let Some(reward) = reward_text(deps, ctx, rules) else {
        return deps.t(ctx.lang, "referral-rules-none", &[]);
    };
    let id = match rules.mode {
        ReferralMode::FirstPurchase => "referral-rules-first",
        ReferralMode::EveryPurchase => "referral-rules-every",
    };
    deps.t(ctx.lang, id, &[("reward", Arg::from(reward.as_str()))])
}

/// The reward per qualifying purchase: money (an amount, a percentage of
/// the price, or both) and extra days, or either; `None` if nothing.
fn reward_text(deps: &Deps, ctx: &Ctx, rules: &ReferralRules) -> Option<String> {
    let days = (rules.reward_days > 0).then(|| {
        deps.t(
            ctx.lang,
            "referral-reward-days",
            &[("days", Arg::from(rules.reward_days))],
        )
    });
    match (money_text(deps, ctx, rules), days) {
        (Some(money), Some(days)) => Some(format!("{money} + {days}")),
        (money, days) => money.or(days),
    }
}

/// The money part of the reward: an amount, a percentage of the price, or both; `None` if neither.
fn money_text(deps: &Deps, ctx: &Ctx, rules: &ReferralRules) -> Option<String> {
    let amount = minor_price(deps, ctx, rules.reward_minor);
    let percent = Arg::from(rules.percent);
    let amount = Arg::from(amount.as_str());
    let text = match (rules.reward_minor > 0, rules.percent > 0) {
        (false, false) => return None,
        (true, false) => deps.t(ctx.lang, "referral-reward-fixed", &[("amount", amount)]),
        (false, true) => deps.t(ctx.lang, "referral-reward-percent", &[("percent", percent)]),
        (true, true) => deps.t(
            ctx.lang,
            "referral-reward-both",
            &[("amount", amount), ("percent", percent)],
        ),
    };
    Some(text)
}

/// An amount of minor units of the shop's currency, formatted.
pub fn minor_price(deps: &Deps, ctx: &Ctx, minor: u64) -> String {
    let money = i64::try_from(minor)
        .ok()
        .and_then(|it| ajib_domain::Money::from_minor(it, deps.settings.currency).ok())
        .unwrap_or(ajib_domain::Money::zero(deps.settings.currency));
    price(ctx.lang, money)
}

/// The bot's @username, asked with `getMe` the first time; `None` (logged) while Telegram cannot say.
async fn bot_username(deps: &Deps) -> Option<String> {
    let found = BOT_USERNAME
        .get_or_try_init(|| async {
            let telegram = deps.telegram.clone();
            let me = blocking(move || telegram.get_me()).await??;
            me.username
                .ok_or_else(|| anyhow::anyhow!("getMe returned no username"))
        })
        .await;
    match found {
        Ok(name) => Some(name.clone()),
        Err(err) => {
            log::warn!("cannot show invite links: getMe failed: {err:#}");
            None
        }
    }
}

/// `https://t.me/<bot>?start=r<code>`.
#[must_use]
pub fn invite_link(bot: &str, code: &str) -> String {
    format!("https://t.me/{bot}?start={PAYLOAD_PREFIX}{code}")
}

/// Telegram's share dialog for `url` with `text`.
fn share_url(url: &str, text: &str) -> String {
    format!(
        "https://t.me/share/url?url={}&text={}",
        url_encode(url),
        url_encode(text)
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn url_encode(text: &str) -> String {
    let mut res = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                res.push(char::from(b));
            }
            _ => res.push_str(&format!("%{b:02X}")),
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_payloads_carry_a_code() {
        assert_eq!(invite_code("rk3m9x2qa"), Some("k3m9x2qa"));
        assert_eq!(invite_code("k3m9x2qa"), None);
        assert_eq!(invite_code("rabc"), None, "too short");
        assert_eq!(invite_code("rk3m9-x2qa"), None);
        assert_eq!(invite_code("r"), None);
    }

    #[test]
    fn share_links_are_encoded() {
        assert_eq!(
            invite_link("ajib_bot", "k3m9x2qa"),
            "https://t.me/ajib_bot?start=rk3m9x2qa"
        );
        assert_eq!(
            share_url("https://t.me/b?start=rx", "Hi & سلام"),
            "https://t.me/share/url?url=https%3A%2F%2Ft.me%2Fb%3Fstart%3Drx&text=Hi%20%26%20%D8%B3%D9%84%D8%A7%D9%85"
        );
    }
}
