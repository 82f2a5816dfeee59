//! Auto-renew from the balance: services whose owners turned it on are
//! renewed `AUTO_RENEW_DAYS_BEFORE` days before they expire, once per period.
//!
//! "Once" is the database's job: `Store::auto_renew` claims (service, expiry)
//! in the transaction that pays the renewal from the balance, so a repeated
//! round, a second worker or a restart renews nothing twice. When the balance
//! falls short, the customer is reminded once per period (a `reminders` row
//! keyed by the expiry) with a way to top up or renew by invoice.

use std::{sync::Arc, time::Duration};

use ajib_domain::{Money, Service, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::AutoRenewOutcome;
use tokio::sync::watch;

use crate::{
    blocking::every,
    callback::Callback,
    core::{delivery::display_name, mail, notify},
    deps::{Deps, Health, now},
    format::{date, price},
    keyboards::{button, inline},
};

/// How often due services are looked for: renewals come days before expiry,
/// so minutes of delay cost nothing.
const ROUND: Duration = Duration::from_secs(300);
/// Services handled per round; a backlog (a bot long down) drains over rounds.
const BATCH: u32 = 500;

/// Runs until shutdown.
pub async fn run(deps: Arc<Deps>, shutdown: watch::Receiver<bool>) {
    let deps = &deps;
    every(ROUND, shutdown, || async move {
        Health::beat(&deps.health.autorenew);
        round(deps, now()).await;
    })
    .await;
}

/// One pass: renews every due service the balance covers, and reminds the
/// owners of the others.
pub async fn round(deps: &Deps, at: UnixTime) {
    let days = deps.settings.auto_renew_days_before;
    let due = match deps.store.auto_renew_due(at, days, BATCH).await {
        Ok(due) => due,
        Err(err) => {
            log::error!("auto-renew cannot read services: {err}");
            return;
        }
    };
    for service in &due {
        match deps.store.auto_renew(service.id, at).await {
            Ok(AutoRenewOutcome::Renewed {
                order,
                job,
                balance,
            }) => {
                log::info!(
                    "service {} auto-renewed from the balance: order {}, job {job}",
                    service.id,
                    order.id
                );
                deps.provision_wake.notify_one();
                renewed(deps, service, order.amount, balance).await;
                // The staff's notice was queued with the renewal.
                mail::wake();
            }
            Ok(AutoRenewOutcome::NotEnoughBalance { balance, price }) => {
                short(deps, service, balance, price).await;
            }
            Ok(AutoRenewOutcome::AlreadyRenewed | AutoRenewOutcome::NotEligible) => (),
            Err(err) => log::error!("auto-renew of service {} failed: {err}", service.id),
        }
    }
}

/// Tells the owner their service was renewed and what is left.
async fn renewed(deps: &Deps, service: &Service, paid: Money, left: Money) {
    let lang = notify::lang_of(deps, service.user).await;
    let name = display_name(deps, lang, service).await;
    let (paid, left) = (price(lang, paid), price(lang, left));
    let args = [
        ("name", Arg::from(name.as_str())),
        ("price", Arg::from(paid.as_str())),
        ("balance", Arg::from(left.as_str())),
    ];
    notify::user(deps, service.user, "autorenew-done", &args, None).await;
}

/// The balance does not cover the renewal: the owner hears it once per period,
/// with their balance and the usual renewal a tap away.
async fn short(deps: &Deps, service: &Service, balance: Money, cost: Money) {
    // Keyed by the expiry: the next period, if it falls short too, is told again.
    let kind = format!("autorenew-short-{}", service.expires.0);
    match deps
        .store
        .mark_reminder_sent(service.id, &kind, now())
        .await
    {
        Ok(true) => (),
        Ok(false) => return,
        Err(err) => {
            log::error!(
                "auto-renew reminder bookkeeping failed for service {}: {err}",
                service.id
            );
            return;
        }
    }
    let lang = notify::lang_of(deps, service.user).await;
    let name = display_name(deps, lang, service).await;
    let expires = date(lang, service.expires);
    let (have, need) = (price(lang, balance), price(lang, cost));
    let args = [
        ("name", Arg::from(name.as_str())),
        ("price", Arg::from(need.as_str())),
        ("balance", Arg::from(have.as_str())),
        ("expires", Arg::from(expires.as_str())),
    ];
    let keyboard = inline(vec![
        vec![button(deps.t(lang, "btn-balance", &[]), Callback::Balance)],
        vec![button(
            deps.t(lang, "btn-renew", &[]),
            Callback::Renew(service.id),
        )],
    ]);
    notify::user(deps, service.user, "autorenew-short", &args, Some(keyboard)).await;
}
