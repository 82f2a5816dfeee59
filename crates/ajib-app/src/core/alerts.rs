//! Alerts to admins that must not flood them: each kind goes out at most once per period.

pub mod throttle;

use ajib_domain::{Order, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::{AdminRole, NewMail, Panel};
use ajib_transport::Outgoing;

use crate::{
    core::{mail, notify},
    deps::{Deps, now},
};

/// Shortest time between two "Blitz unreachable" alerts.
pub const BLITZ_DOWN_PERIOD_SECS: i64 = 3600;

/// Whether `err` is a transient Blitz failure: the panel is down, slow, failing or rate-limiting.
#[must_use]
pub fn is_blitz_down(err: &anyhow::Error) -> bool {
    err.chain().any(|it| {
        it.downcast_ref::<blitz::Error>()
            .is_some_and(blitz::Error::is_retryable)
    })
}

/// Tells admins the panel of `order` is unreachable, unless they were told within the last hour.
pub async fn blitz_down(deps: &Deps, order: &Order, error: &str) {
    if !throttle::claim(&deps.alerts.blitz_down, now(), BLITZ_DOWN_PERIOD_SECS) {
        return;
    }
    let panel = match order_panel(deps, order).await {
        Some(panel) => format!("{} ({})", panel.name, panel.location),
        None => "?".to_owned(),
    };
    let args = [
        ("panel", Arg::from(panel.as_str())),
        ("error", Arg::from(error)),
    ];
    notify::admins(deps, "admin-blitz-down", &args).await;
}

/// The panel `order`'s account is on or goes to: its service's for a
/// renewal, the one chosen for it for a new account (none yet: `None`).
async fn order_panel(deps: &Deps, order: &Order) -> Option<Panel> {
    let id = match order.service {
        Some(service) => deps.store.get_service(service).await.ok()??.panel,
        None => deps.store.order_placement(order.id).await.ok()?.1?,
    };
    deps.store.get_panel(id).await.ok()?
}

/// Message `id` to every owner, each in their language, as mail to queue
/// (in the transaction that decides it).
pub async fn owners_mail(deps: &Deps, id: &str, args: &[(&str, Arg<'_>)]) -> Vec<NewMail> {
    let mut res = Vec::new();
    for (chat, role) in deps.staff_chats().await {
        if role != AdminRole::Owner {
            continue;
        }
        let lang = notify::lang_of(deps, TelegramId(chat)).await;
        res.push(mail::message(&Outgoing::Text {
            chat_id: chat,
            text: deps.t(lang, id, args),
            keyboard: None,
            html: true,
        }));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_blitz_errors_mean_the_panel_is_down() {
        let down = blitz::Error::Transient {
            reason: "panel answered 502".to_owned(),
            source: None,
        };
        assert!(is_blitz_down(&anyhow::Error::new(down)));
        assert!(!is_blitz_down(&anyhow::anyhow!("plan 3 is gone")));
    }
}
