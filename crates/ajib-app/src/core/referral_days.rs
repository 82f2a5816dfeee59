//! Referral rewards in days (`REFERRAL_REWARD_DAYS`): added to the
//! referrer's longest-running service on its panel, once, then the referrer is told.
//!
//! The reward itself is granted with the payment that earns it (in the same
//! transaction, like money rewards); the panel is asked here, outside it. A
//! referrer with no running service keeps the days waiting until they have
//! one. Adding days on the panel is not idempotent, so the account's total
//! days are recorded before the call (`Store::begin_reward_days`) and a retry
//! adds them only if the panel does not show them yet.

use std::{sync::Arc, time::Duration};

use ajib_domain::{Service, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::DueDays;
use tokio::sync::watch;

use crate::{
    blocking::every,
    core::{delivery::display_name, notify},
    deps::{Deps, now},
    format::date,
};

/// How often waiting days are looked at.
const ROUND: Duration = Duration::from_secs(60);
/// Rewards handled per round.
const BATCH: u32 = 100;

/// Runs until shutdown.
pub async fn run(deps: Arc<Deps>, shutdown: watch::Receiver<bool>) {
    let deps = &deps;
    every(ROUND, shutdown, || round(deps, now())).await;
}

/// Adds every waiting reward's days that can be added at `at`.
pub async fn round(deps: &Deps, at: UnixTime) {
    let due = match deps.store.due_reward_days(BATCH).await {
        Ok(due) => due,
        Err(err) => {
            log::error!("cannot read referral days: {err}");
            return;
        }
    };
    for reward in due {
        if let Err(err) = apply(deps, &reward, at).await {
            log::warn!(
                "referral reward {} ({} days): {err:#}; tried again next round",
                reward.reward,
                reward.days
            );
        }
    }
}

async fn apply(deps: &Deps, due: &DueDays, at: UnixTime) -> anyhow::Result<()> {
    let (service, before, resumed) = match due.applying {
        Some((id, before)) => {
            let service = deps
                .store
                .get_service(id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("service {id} is gone"))?;
            (service, before, true)
        }
        None => {
            let Some(service) = deps.store.longest_running_service(due.referrer, at).await? else {
                // No running service: the days wait for one.
                return Ok(());
            };
            let before = panel_days(deps, &service).await?;
            if !deps
                .store
                .begin_reward_days(due.reward, service.id, before)
                .await?
            {
                return Ok(());
            }
            (service, before, false)
        }
    };
    let days = u64::from(due.days);
    // A retry after a crash: the days may have landed before it.
    let landed = resumed && panel_days(deps, &service).await? >= before.saturating_add(days);
    if !landed {
        let name = service.blitz_username.clone();
        deps.blitz(service.panel, "extend_days", move |client| {
            client.extend_days(&name, days)
        })
        .await?;
    }
    if let Some(extended) = deps.store.finish_reward_days(due.reward).await? {
        tell(deps, &extended, due.days).await;
    }
    Ok(())
}

/// The account's total days on its panel.
async fn panel_days(deps: &Deps, service: &Service) -> anyhow::Result<u64> {
    let name = service.blitz_username.clone();
    let user = deps
        .blitz(service.panel, "get_user", move |client| {
            client.get_user(&name)
        })
        .await?;
    Ok(user.expiration_days)
}

async fn tell(deps: &Deps, service: &Service, days: u32) {
    let lang = notify::lang_of(deps, service.user).await;
    let name = display_name(deps, lang, service).await;
    let expires = date(lang, service.expires);
    let args = [
        ("days", Arg::from(days)),
        ("name", Arg::from(name.as_str())),
        ("expires", Arg::from(expires.as_str())),
    ];
    notify::user(deps, service.user, "referral-days-added", &args, None).await;
}
