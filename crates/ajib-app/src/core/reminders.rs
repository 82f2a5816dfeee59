//! Expiry and traffic reminders: each sent once per service and threshold, surviving restarts.
//!
//! "Once" is the database's job: `mark_reminder_sent` inserts (service, kind)
//! and only the first insert sends.

use std::{
    collections::{HashMap, hash_map::Entry},
    sync::Arc,
    time::Duration,
};

use ajib_domain::{PanelId, Service, ServiceId, UnixTime};
use ajib_i18n::Arg;
use tokio::sync::watch;

use crate::{
    agent_bots::notices,
    blocking::every,
    core::{delivery::display_name, notify},
    deps::{Deps, Health, now},
};

/// Services read at a time.
const PAGE: u32 = 1_000;

/// How often reminders are checked.
const ROUND: Duration = Duration::from_secs(600);

/// Runs until shutdown.
pub async fn run(deps: Arc<Deps>, shutdown: watch::Receiver<bool>) {
    let deps = &deps;
    every(ROUND, shutdown, || async move {
        Health::beat(&deps.health.reminders);
        round(deps, now()).await;
    })
    .await;
}

/// One pass over the active services, a page at a time (a big shop's
/// services are not all held in memory at once).
pub async fn round(deps: &Deps, at: UnixTime) {
    // Each panel is asked once a round, and only when one of its services is met.
    let mut usage: HashMap<PanelId, HashMap<String, u64>> = HashMap::new();
    let mut after = ServiceId(0);
    loop {
        let page = match deps.store.active_services_after(after, PAGE).await {
            Ok(page) => page,
            Err(err) => {
                log::error!("reminders cannot read services: {err}");
                return;
            }
        };
        let Some(last) = page.last() else { break };
        after = last.id;
        for service in &page {
            if let Entry::Vacant(slot) = usage.entry(service.panel) {
                slot.insert(panel_usage(deps, service.panel).await);
            }
            let used = usage
                .get(&service.panel)
                .and_then(|it| it.get(&service.blitz_username));
            remind_of(deps, service, used.copied(), at).await;
        }
        if page.len() < PAGE as usize {
            break;
        }
    }
    if let Err(err) = deps.store.expire_services(at).await {
        log::error!("could not mark expired services: {err}");
    }
}

/// Sends whichever reminders `service` is due.
async fn remind_of(deps: &Deps, service: &Service, used: Option<u64>, at: UnixTime) {
    if let Some((kind, message, days)) = expiry_reminder(service, at) {
        remind(deps, service, kind, message, &[("days", Arg::from(days))]).await;
    }
    if let Some((kind, message, percent)) = used.and_then(|it| traffic_reminder(service, it)) {
        remind(
            deps,
            service,
            kind,
            message,
            &[("percent", Arg::from(percent))],
        )
        .await;
    }
}

/// The expiry threshold a service has reached, if any: (kind, message, days left).
fn expiry_reminder(service: &Service, at: UnixTime) -> Option<(&'static str, &'static str, u32)> {
    if service.is_expired(at) {
        return Some(("expired", "reminder-expired", 0));
    }
    match service.days_left(at) {
        0 | 1 => Some(("expiry-1d", "reminder-expiry", 1)),
        2 | 3 => Some(("expiry-3d", "reminder-expiry", 3)),
        _ => None,
    }
}

/// The traffic threshold a service has reached, if any: (kind, message, percent).
fn traffic_reminder(service: &Service, used: u64) -> Option<(&'static str, &'static str, u64)> {
    let limit = service.traffic_limit_bytes.filter(|it| *it > 0)?;
    let percent = u64::try_from(u128::from(used) * 100 / u128::from(limit)).unwrap_or(u64::MAX);
    match percent {
        100.. => Some(("traffic-100", "reminder-traffic-full", percent)),
        80.. => Some(("traffic-80", "reminder-traffic", percent)),
        _ => None,
    }
}

async fn remind(
    deps: &Deps,
    service: &Service,
    kind: &str,
    message: &str,
    extra: &[(&str, Arg<'_>)],
) {
    match deps.store.mark_reminder_sent(service.id, kind, now()).await {
        Ok(true) => (),
        Ok(false) => return,
        Err(err) => {
            log::error!(
                "reminder bookkeeping failed for service {}: {err}",
                service.id
            );
            return;
        }
    }
    let side = match deps.store.agent_side(service.id).await {
        Ok(side) => side,
        Err(err) => return log::error!("reminder of service {}: {err}", service.id),
    };
    if let Some(customer) = side.as_ref().and_then(|it| it.customer) {
        // Sold in an agent's bot: its customer hears it there.
        return notices::remind_customer(deps, service, customer, message, extra).await;
    }
    let lang = notify::lang_of(deps, service.user).await;
    let mut name = display_name(deps, lang, service).await;
    // An agent's account is named with the customer's name they gave it.
    if let Some(label) = side.and_then(|it| it.label) {
        let args = [
            ("name", Arg::from(name.as_str())),
            ("label", Arg::from(label.as_str())),
        ];
        name = deps.t(lang, "agent-account-name", &args);
    }
    let mut args = vec![("name", Arg::from(name.as_str()))];
    args.extend(extra.iter().map(|(k, v)| (*k, *v)));
    notify::user(deps, service.user, message, &args, None).await;
}

/// Used bytes per account name on `panel`, from one list call; empty when the panel is unreachable.
async fn panel_usage(deps: &Deps, panel: PanelId) -> HashMap<String, u64> {
    match deps
        .blitz(panel, "list_users", |client| client.list_users())
        .await
    {
        Ok(users) => users
            .iter()
            .map(|user| {
                (
                    user.username.clone(),
                    user.upload_bytes
                        .unwrap_or(0)
                        .saturating_add(user.download_bytes.unwrap_or(0)),
                )
            })
            .collect(),
        Err(err) => {
            log::warn!("reminders: usage on panel {panel} unavailable: {err:#}");
            HashMap::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use ajib_domain::{ServiceStatus, TelegramId};

    use super::*;

    fn service(expires_in_days: i64, limit: Option<u64>) -> Service {
        Service {
            id: ServiceId(1),
            user: TelegramId(7),
            panel: PanelId::FIRST,
            blitz_username: "ajib_7_1".to_owned(),
            plan: None,
            is_test: false,
            created: UnixTime(0),
            expires: UnixTime(1_000_000).plus_days(expires_in_days),
            traffic_limit_bytes: limit,
            status: ServiceStatus::Active,
        }
    }

    fn check_expiry(days: i64, expected: Option<&str>) {
        let got = expiry_reminder(&service(days, None), UnixTime(1_000_000)).map(|it| it.0);
        assert_eq!(got, expected, "{days} days left");
    }

    #[test]
    fn expiry_thresholds() {
        check_expiry(10, None);
        check_expiry(4, None);
        check_expiry(3, Some("expiry-3d"));
        check_expiry(1, Some("expiry-1d"));
        check_expiry(0, Some("expired"));
        check_expiry(-2, Some("expired"));
    }

    #[test]
    fn traffic_thresholds() {
        let limited = service(10, Some(1000));
        assert_eq!(traffic_reminder(&limited, 799), None);
        assert_eq!(
            traffic_reminder(&limited, 800).map(|it| it.0),
            Some("traffic-80")
        );
        assert_eq!(
            traffic_reminder(&limited, 1000).map(|it| it.0),
            Some("traffic-100")
        );
        assert_eq!(traffic_reminder(&service(10, None), u64::MAX), None);
    }
}
