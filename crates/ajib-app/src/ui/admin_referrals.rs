//! The admins' referral screens: the rules in force, the top referrers, a referrer's rewards, and revoking one.
//!
//! ```text
//! admin: 🎁 Referrals
//! bot:   Rules: 1.00 USD on an invited user's first purchase · welcome bonus 0.50 USD · cap 10 a day
//!        Last 30 days: 12 invited, 5 paid purchases, 25.00 USD brought, 5.50 USD rewards paid
//!        1. Sara: 7 invited, 3 bought, 3.00 USD earned          [1. Sara] [2. Reza] [🔙 Back]
//! admin: 1. Sara   bot: #4 · 2025-03-01 · reward · 1.00 USD · paid    [↩️ Revoke #4]
//! admin: ↩️ Revoke #4 → ✅ Yes, revoke
//! bot:   ↩️ Reward #4 revoked: 1.00 USD taken back.
//! ```
//!
//! A revoke is audited, and takes back what is still on the balance of the
//! reward: the ledger never goes negative, so what the referrer already spent stays spent.

use ajib_domain::{TelegramId, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::{Reward, RewardId, RewardKind, RewardStatus, TopReferrer, refusal};

use crate::{
    callback::Callback,
    deps::{Deps, now},
    format::{date, price},
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, HandlerError,
        referrals::{minor_price, rules_text},
        staff::audit,
    },
};

/// Referrers listed on the referral screen.
const TOP_REFERRERS: u32 = 10;

/// Rewards listed on a referrer's screen.
const REWARDS_SHOWN: u32 = 15;

/// Characters of a name on a button (labels stay within Telegram's comfortable width).
const NAME_CHARS: usize = 14;

/// Days the referral figures cover.
const DAYS: i64 = 30;

/// The rules in force, the last 30 days' figures and the top referrers, each a button.
pub async fn referrals(deps: &Deps, ctx: &Ctx) -> Handled {
    let store = &deps.store;
    let rules = store.referral_rules().await?;
    let top = store
        .top_referrers(deps.settings.currency, TOP_REFERRERS)
        .await?;
    let t = |id: &str, args: &[(&str, Arg)]| deps.t(ctx.lang, id, args);
    let welcome = match rules.welcome_minor {
        0 => t("admin-referrals-none-set", &[]),
        minor => minor_price(deps, ctx, minor),
    };
    let cap = match rules.daily_cap {
        0 => t("admin-referrals-none-set", &[]),
        cap => cap.to_string(),
    };
    let mut text = t(
        "admin-referrals",
        &[
            ("rules", Arg::from(rules_text(deps, ctx, &rules).as_str())),
            ("welcome", Arg::from(welcome.as_str())),
            ("cap", Arg::from(cap.as_str())),
            ("mode", Arg::from(rules.mode.as_str())),
        ],
    );
    text.push_str("\n\n");
    text.push_str(&stats_section(deps, ctx, now().plus_days(-DAYS)).await?);
    text.push_str("\n\n");
    let mut rows = Vec::new();
    match top.is_empty() {
        true => text.push_str(&t("admin-referrals-empty", &[])),
        false => text.push_str(&t("admin-referrals-top", &[])),
    }
    for (idx, referrer) in top.iter().enumerate() {
        let rank = idx + 1;
        text.push('\n');
        text.push_str(&referrer_line(deps, ctx, rank, referrer));
        let name = short_name(referrer);
        let label = deps.label(
            ctx.lang,
            "btn-admin-referrer",
            &[
                ("rank", Arg::from(rank)),
                ("name", Arg::from(name.as_str())),
            ],
        );
        rows.push(vec![button(label, Callback::AdminReferrer(referrer.user))]);
    }
    rows.push(vec![button(t("btn-back", &[]), Callback::Admin)]);
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// The referral part of the admin statistics since `since`: referred users,
/// their paid purchases and the revenue they brought, and the rewards paid.
pub async fn stats_section(
    deps: &Deps,
    ctx: &Ctx,
    since: UnixTime,
) -> Result<String, HandlerError> {
    let stats = deps
        .store
        .referral_stats(since, deps.settings.currency)
        .await?;
    let revenue = price(ctx.lang, stats.revenue);
    let paid = price(ctx.lang, stats.rewards_paid);
    Ok(deps.t(
        ctx.lang,
        "admin-stats-referrals",
        &[
            ("referred", Arg::from(stats.referred_users)),
            ("purchases", Arg::from(stats.paid_purchases)),
            ("revenue", Arg::from(revenue.as_str())),
            ("paid", Arg::from(paid.as_str())),
            ("refused", Arg::from(stats.rewards_refused)),
        ],
    ))
}

/// One referrer's rewards, newest first, with a revoke button for each one still paid.
pub async fn referrer(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    let rewards = deps.store.rewards_of_referrer(user, REWARDS_SHOWN).await?;
    let name = match deps.store.get_user(user).await? {
        Some(row) => row.username.map_or(row.first_name, |it| format!("@{it}")),
        None => user.to_string(),
    };
    let id_text = user.to_string();
    let mut text = deps.t(
        ctx.lang,
        "admin-referrer-title",
        &[
            ("name", Arg::from(name.as_str())),
            ("id", Arg::from(id_text.as_str())),
        ],
    );
    if rewards.is_empty() {
        text.push('\n');
        text.push_str(&deps.t(ctx.lang, "admin-referrer-empty", &[]));
    }
    let mut rows = Vec::new();
    for reward in &rewards {
        text.push('\n');
        text.push_str(&reward_line(deps, ctx, reward));
        if reward.status == RewardStatus::Granted {
            let id = reward.id.to_string();
            let label = deps.label(
                ctx.lang,
                "btn-admin-reward-revoke",
                &[("id", Arg::from(id.as_str()))],
            );
            rows.push(vec![button(label, Callback::AdminRewardRevoke(reward.id))]);
        }
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::AdminReferrals,
    )]);
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// Asks the admin to confirm revoking a reward that is still paid.
pub async fn ask_revoke(deps: &Deps, ctx: &Ctx, id: RewardId) -> Handled {
    let reward = deps
        .store
        .get_reward(id)
        .await?
        .ok_or(HandlerError::stale("reward"))?;
    if reward.status != RewardStatus::Granted {
        return not_granted(deps, ctx, &reward).await;
    }
    let id_text = id.to_string();
    let amount = price(ctx.lang, reward.amount);
    let text = deps.t(
        ctx.lang,
        "admin-reward-revoke-confirm",
        &[
            ("id", Arg::from(id_text.as_str())),
            ("amount", Arg::from(amount.as_str())),
        ],
    );
    let keyboard = inline(vec![vec![
        button(
            deps.t(ctx.lang, "btn-admin-reward-revoke-yes", &[]),
            Callback::AdminRewardRevokeConfirm(id),
        ),
        button(
            deps.t(ctx.lang, "btn-back", &[]),
            Callback::AdminReferrer(reward.referrer),
        ),
    ]]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// Revokes a reward (audited) and shows the referrer's rewards again.
pub async fn revoke(deps: &Deps, ctx: &Ctx, id: RewardId) -> Handled {
    let Some(reward) = deps.store.revoke_reward(id, ctx.user, now()).await? else {
        let reward = deps
            .store
            .get_reward(id)
            .await?
            .ok_or(HandlerError::stale("reward"))?;
        return not_granted(deps, ctx, &reward).await;
    };
    let after = serde_json::json!({
        "reward": id.0,
        "order": reward.order.0,
        "beneficiary": reward.beneficiary.0,
        "amount_minor": reward.amount.minor(),
        "taken_back_minor": reward.taken_back.minor(),
        "currency": reward.amount.currency().code(),
    });
    let before = serde_json::json!({ "reward": id.0, "status": "granted" });
    audit(
        deps,
        ctx.user,
        "referral.revoke",
        Some(&before.to_string()),
        &after.to_string(),
    )
    .await;
    let id_text = id.to_string();
    let taken = price(ctx.lang, reward.taken_back);
    let text = deps.t(
        ctx.lang,
        "admin-reward-revoked",
        &[
            ("id", Arg::from(id_text.as_str())),
            ("taken", Arg::from(taken.as_str())),
        ],
    );
    let mut reply = vec![ctx.say(text)];
    let below = Ctx {
        message_id: None,
        ..*ctx
    };
    reply.extend(referrer(deps, &below, reward.referrer).await?);
    Ok(reply)
}

/// The reward was not (or is no longer) paid: say so and show the referrer's rewards.
async fn not_granted(deps: &Deps, ctx: &Ctx, reward: &Reward) -> Handled {
    let mut reply = vec![ctx.say(deps.t(ctx.lang, "admin-reward-not-granted", &[]))];
    let below = Ctx {
        message_id: None,
        ..*ctx
    };
    reply.extend(referrer(deps, &below, reward.referrer).await?);
    Ok(reply)
}

fn referrer_line(deps: &Deps, ctx: &Ctx, rank: usize, referrer: &TopReferrer) -> String {
    let name = referrer
        .username
        .as_ref()
        .map_or_else(|| referrer.first_name.clone(), |it| format!("@{it}"));
    let id = referrer.user.to_string();
    let earned = price(ctx.lang, referrer.earned);
    deps.t(
        ctx.lang,
        "admin-referrer-line",
        &[
            ("rank", Arg::from(rank)),
            ("name", Arg::from(name.as_str())),
            ("id", Arg::from(id.as_str())),
            ("invited", Arg::from(referrer.invited)),
            ("buyers", Arg::from(referrer.buyers)),
            ("earned", Arg::from(earned.as_str())),
        ],
    )
}

fn reward_line(deps: &Deps, ctx: &Ctx, reward: &Reward) -> String {
    let t = |id: &str, args: &[(&str, Arg)]| deps.t(ctx.lang, id, args);
    let kind = match reward.kind {
        RewardKind::Referrer => t("admin-reward-kind-referrer", &[]),
        RewardKind::Welcome => t("admin-reward-kind-welcome", &[]),
    };
    let taken = price(ctx.lang, reward.taken_back);
    let status = match reward.status {
        RewardStatus::Granted => t("admin-reward-status-granted", &[]),
        RewardStatus::Refused => match reward.reason.as_deref() {
            Some(refusal::BANNED) => t("admin-reward-status-banned", &[]),
            _ => t("admin-reward-status-capped", &[]),
        },
        RewardStatus::Reversed => t(
            "admin-reward-status-reversed",
            &[("taken", Arg::from(taken.as_str()))],
        ),
        RewardStatus::Revoked => t(
            "admin-reward-status-revoked",
            &[("taken", Arg::from(taken.as_str()))],
        ),
    };
    let id = reward.id.to_string();
    let referee = reward.referee.to_string();
    let amount = price(ctx.lang, reward.amount);
    let day = date(ctx.lang, reward.at);
    t(
        "admin-reward-line",
        &[
            ("id", Arg::from(id.as_str())),
            ("date", Arg::from(day.as_str())),
            ("kind", Arg::from(kind.as_str())),
            ("referee", Arg::from(referee.as_str())),
            ("amount", Arg::from(amount.as_str())),
            ("status", Arg::from(status.as_str())),
        ],
    )
}

/// The referrer's name cut to fit a button.
fn short_name(referrer: &TopReferrer) -> String {
    let name = referrer
        .username
        .as_ref()
        .map_or_else(|| referrer.first_name.clone(), |it| format!("@{it}"));
    let name = match name.trim().is_empty() {
        true => referrer.user.to_string(),
        false => name,
    };
    let mut res: String = name.chars().take(NAME_CHARS).collect();
    if name.chars().count() > NAME_CHARS {
        res.push('…');
    }
    res
}
