//! The move worker: carries a service to another panel so that its customer is never without a working config.
//!
//! A move (recorded by `Store::start_move`) goes through two steps, each
//! safe to repeat after a crash:
//!
//! 1. `creating`: the account is made on the target with the days and
//!    traffic the service has left (`ensure_user` finds the account a killed
//!    attempt made), its links are fetched, and in one transaction
//!    (`Store::switch_move`) the service points at the target and the
//!    customer's new config is queued as mail. A target that refuses fails
//!    the move; the service stays where it was and the admin who asked hears
//!    why. A target that is unreachable is tried again with backoff.
//! 2. `removing`: the old account is deleted (already gone counts as done),
//!    retried for as long as it takes, since the customer already has the
//!    new config; then the admin is told.
//!
//! The worker resumes every open move when the bot starts, then takes due
//! moves whenever it is woken (`Deps::moves_wake`) or every few seconds.

use std::{sync::Arc, time::Duration};

use ajib_domain::{Service, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::{Actor, MoveState, MovedService, NewMail, ServiceMove};
use tokio::sync::watch;

use crate::{
    core::{
        delivery::{config_messages, display_name},
        mail, notify,
        provision::{backoff_secs, blitz_date, is_permanent},
    },
    deps::{Deps, now},
};

/// How often the worker looks for due moves when nobody wakes it.
const IDLE_ROUND: Duration = Duration::from_secs(2);
/// Failed tries of the `creating` step before the move is given up (about a
/// day of retries at the longest backoff): the customer keeps the old account.
const MAX_CREATE_ATTEMPTS: u32 = 300;
/// Failed tries of the `removing` step after which the admin who asked is
/// told the old account still exists (once; the worker keeps trying).
const REMOVE_ALERT_AFTER: u32 = 5;

/// What one try of a step came to.
enum Step {
    /// The step is done; the move is in its next state.
    Advanced,
    /// Nothing more to do for this move now.
    Settled,
}

/// Runs until shutdown: every open move at once, then due moves when woken or every few seconds.
pub async fn run(deps: Arc<Deps>, mut shutdown: watch::Receiver<bool>) {
    match deps.store.open_moves().await {
        Ok(moves) => {
            for it in moves {
                process(&deps, it).await;
            }
        }
        Err(err) => log::error!("cannot list the open service moves: {err}"),
    }
    loop {
        tokio::select! {
            () = deps.moves_wake.notified() => (),
            () = tokio::time::sleep(IDLE_ROUND) => (),
            res = shutdown.changed() => if res.is_err() || *shutdown.borrow() { return },
        }
        if *shutdown.borrow() {
            return;
        }
        drain(&deps).await;
    }
}

/// Takes every move whose next try is due, one at a time.
pub async fn drain(deps: &Deps) {
    let due = match deps.store.due_moves(now()).await {
        Ok(due) => due,
        Err(err) => {
            log::error!("cannot list the due service moves: {err}");
            return;
        }
    };
    for it in due {
        process(deps, it).await;
    }
}

/// Works one move as far as it goes now: a successful `creating` step runs straight into `removing`.
async fn process(deps: &Deps, mut moving: ServiceMove) {
    loop {
        let step = match moving.state {
            MoveState::Creating => create(deps, &moving).await,
            MoveState::Removing => remove(deps, &moving).await,
            MoveState::Done | MoveState::Failed => return,
        };
        match step {
            Step::Settled => return,
            Step::Advanced => match deps.store.get_move(moving.id).await {
                Ok(Some(next)) => moving = next,
                Ok(None) => return,
                Err(err) => {
                    log::error!("cannot read move {} again: {err}", moving.id);
                    return;
                }
            },
        }
    }
}

/// The `creating` step: the account on the target, the customer's new config, the switch.
async fn create(deps: &Deps, moving: &ServiceMove) -> Step {
    let service = match deps.store.get_service(moving.service).await {
        Ok(Some(service)) => service,
        Ok(None) => return give_up(deps, moving, "the service no longer exists").await,
        Err(err) => return retry(deps, moving, &err.to_string()).await,
    };
    if service.panel != moving.from_panel || service.blitz_username != moving.old_username {
        return give_up(
            deps,
            moving,
            "the service changed panel or account meanwhile",
        )
        .await;
    }
    let at = now();
    let used = source_usage(deps, moving).await;
    let terms = Terms::carried(&service, used, at);
    let made = make_account(deps, moving, &terms, at).await;
    let mail = match made {
        Ok(()) => customer_mail(deps, moving, &service).await,
        Err(err) => Err(err),
    };
    let mail = match mail {
        Ok(mail) => mail,
        Err(err) if is_permanent(&err) => return give_up(deps, moving, &format!("{err:#}")).await,
        Err(err) => return retry(deps, moving, &format!("{err:#}")).await,
    };
    let moved = MovedService {
        traffic_limit_bytes: terms.limit_bytes(),
    };
    match deps.store.switch_move(moving.id, &moved, mail, at).await {
        Ok(true) => {
            mail::wake();
            audit_switch(deps, moving, &terms, used.is_some()).await;
            log::info!(
                "service {} now on panel {} as {}; removing {} from panel {}",
                moving.service,
                moving.to_panel,
                moving.new_username,
                moving.old_username,
                moving.from_panel
            );
            Step::Advanced
        }
        Ok(false) => Step::Advanced,
        Err(err) => retry(deps, moving, &format!("recording the switch: {err}")).await,
    }
}

/// The `removing` step: the old account goes; then the admin who asked is told.
async fn remove(deps: &Deps, moving: &ServiceMove) -> Step {
    let old = moving.old_username.clone();
    let deleted = deps
        .blitz(
            moving.from_panel,
            "delete_user",
            move |client| match client.delete_user(&old) {
                Err(blitz::Error::NotFound { .. }) => Ok(()),
                other => other,
            },
        )
        .await;
    if let Err(err) = deleted {
        let error = format!("{err:#}");
        let attempts = record_retry(deps, moving, &error).await;
        if attempts == REMOVE_ALERT_AFTER {
            tell_admin(deps, moving, "move-admin-remove-stuck", Some(&error)).await;
        }
        return Step::Settled;
    }
    let notice = admin_mail(deps, moving, "move-admin-done", None).await;
    match deps.store.finish_move(moving.id, vec![notice], now()).await {
        Ok(true) => {
            mail::wake();
            log::info!("move {} of service {} done", moving.id, moving.service);
            Step::Advanced
        }
        Ok(false) => Step::Settled,
        Err(err) => {
            record_retry(deps, moving, &format!("recording the end: {err}")).await;
            Step::Settled
        }
    }
}

/// What the account on the target gets: the days and traffic the service has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Terms {
    /// Total days from today, so that the panel's expiry falls on our expiry's date.
    days: u64,
    /// The traffic cap in whole panel GB; `0` is unlimited.
    traffic_gb: u64,
}

impl Terms {
    /// The terms carried over from `service` at `at`, given `used` bytes on
    /// its panel (`None` when the panel could not say: the whole stored cap).
    ///
    /// The panel counts days from the creation date (today) and takes whole
    /// GB only: the days are those from today's date to the expiry's date,
    /// as provisioning sets them, at least one (zero would be unlimited);
    /// the traffic left is rounded up to a whole GB, at least one.
    fn carried(service: &Service, used: Option<u64>, at: UnixTime) -> Self {
        let days = service.expires.date().to_days() - at.date().to_days();
        let traffic_gb = match service.traffic_limit_bytes {
            None => 0,
            Some(limit) => {
                let left = limit.saturating_sub(used.unwrap_or(0));
                left.div_ceil(blitz::BYTES_PER_GB).max(1)
            }
        };
        Self {
            days: u64::try_from(days.max(1)).unwrap_or(1),
            traffic_gb,
        }
    }

    /// The cap the service records once on the target; `None` when unlimited.
    fn limit_bytes(self) -> Option<u64> {
        (self.traffic_gb > 0).then(|| blitz::gb_to_bytes(self.traffic_gb))
    }
}

/// Bytes used on the source account, or `None` when the source cannot say
/// (the usual reason to move is that it is down): then the stored cap is carried over whole.
async fn source_usage(deps: &Deps, moving: &ServiceMove) -> Option<u64> {
    let old = moving.old_username.clone();
    match deps
        .blitz(moving.from_panel, "usage", move |client| client.usage(&old))
        .await
    {
        Ok(usage) => Some(usage.used_bytes),
        Err(err) => {
            log::warn!(
                "move {}: the usage of {} on panel {} is unknown ({err:#}); carrying over the stored traffic limit",
                moving.id,
                moving.old_username,
                moving.from_panel
            );
            None
        }
    }
}

/// The note that marks an account on the target as this move's.
fn move_note(moving: &ServiceMove) -> String {
    format!("ajib move {} of service {}", moving.id, moving.service)
}

/// Makes the account on the target, or finds the one an earlier try made.
///
/// A name held by an account that is not this move's (another note) is a
/// refusal: the worker must not hand a stranger's account to the customer.
async fn make_account(
    deps: &Deps,
    moving: &ServiceMove,
    terms: &Terms,
    at: UnixTime,
) -> anyhow::Result<()> {
    let note = move_note(moving);
    let name = moving.new_username.clone();
    let existing = deps
        .blitz(moving.to_panel, "get_user", move |client| {
            match client.get_user(&name) {
                Ok(user) => Ok(Some(user)),
                Err(blitz::Error::NotFound { .. }) => Ok(None),
                Err(err) => Err(err),
            }
        })
        .await?;
    if let Some(user) = existing {
        // An empty note: a killed try made the account but not yet its note
        // (the panel takes a note and a date in two requests).
        if user.note.is_empty() || user.note == note {
            return Ok(());
        }
        return Err(anyhow::Error::new(blitz::Error::Conflict {
            detail: format!(
                "the target panel already has an account {} that is not this move's",
                moving.new_username
            ),
        }));
    }
    let new_user = blitz::NewUser {
        username: moving.new_username.clone(),
        traffic_limit_gb: terms.traffic_gb,
        expiration_days: terms.days,
        note: Some(note),
        creation_date: blitz_date(at),
        password: None,
        unlimited_ip: false,
    };
    deps.blitz(moving.to_panel, "ensure_user", move |client| {
        client.ensure_user(&new_user)
    })
    .await?;
    Ok(())
}

/// "Your service moved to 📍 …" and the new configs, for the customer.
async fn customer_mail(
    deps: &Deps,
    moving: &ServiceMove,
    service: &Service,
) -> anyhow::Result<Vec<NewMail>> {
    let lang = notify::lang_of(deps, service.user).await;
    let name = display_name(deps, lang, service).await;
    let location = match deps.store.get_panel(moving.to_panel).await? {
        Some(panel) => panel.location,
        None => anyhow::bail!("panel {} is gone", moving.to_panel),
    };
    let configs = config_messages(
        deps,
        service.user.0,
        lang,
        moving.to_panel,
        &moving.new_username,
    )
    .await?;
    let args = [
        ("name", Arg::from(name.as_str())),
        ("location", Arg::from(location.as_str())),
    ];
    let mut res =
        vec![notify::user_mail(deps, service.user, "move-customer-moved", &args, None).await];
    res.extend(configs.iter().map(mail::message));
    Ok(res)
}

/// Records the switch in the audit log, saying whether the traffic left was known.
async fn audit_switch(deps: &Deps, moving: &ServiceMove, terms: &Terms, usage_known: bool) {
    let after = serde_json::json!({
        "move": moving.id,
        "service": moving.service.0,
        "to_panel": moving.to_panel.0,
        "username": moving.new_username,
        "days": terms.days,
        "traffic_gb": terms.traffic_gb,
        "usage_known": usage_known,
    });
    if let Err(err) = deps
        .store
        .audit(
            Actor::System,
            "service.move.switch",
            None,
            Some(&after.to_string()),
            now(),
        )
        .await
    {
        log::error!("audit of move {} failed: {err}", moving.id);
    }
}

/// A failed try of `creating`: again after a backoff, or given up after [`MAX_CREATE_ATTEMPTS`].
async fn retry(deps: &Deps, moving: &ServiceMove, error: &str) -> Step {
    if moving.attempts + 1 >= MAX_CREATE_ATTEMPTS {
        return give_up(deps, moving, error).await;
    }
    record_retry(deps, moving, error).await;
    Step::Settled
}

/// Records a failed try and when the next is due; returns the failed tries so far.
async fn record_retry(deps: &Deps, moving: &ServiceMove, error: &str) -> u32 {
    log::warn!(
        "move {} of service {} ({}) try {} failed: {error}",
        moving.id,
        moving.service,
        moving.state,
        moving.attempts + 1
    );
    let at = now();
    let next = at.plus_secs(backoff_secs(moving.attempts + 1));
    match deps.store.retry_move(moving.id, error, next, at).await {
        Ok(attempts) => attempts,
        Err(err) => {
            log::error!("cannot record the failed try of move {}: {err}", moving.id);
            moving.attempts + 1
        }
    }
}

/// Fails a move in `creating`: the service stays where it was, the admin who asked hears why.
async fn give_up(deps: &Deps, moving: &ServiceMove, reason: &str) -> Step {
    log::error!(
        "move {} of service {} to panel {} failed: {reason}",
        moving.id,
        moving.service,
        moving.to_panel
    );
    remove_made_account(deps, moving).await;
    let notice = admin_mail(deps, moving, "move-admin-failed", Some(reason)).await;
    match deps
        .store
        .fail_move(moving.id, reason, vec![notice], now())
        .await
    {
        Ok(_) => mail::wake(),
        Err(err) => log::error!("cannot record move {} as failed: {err}", moving.id),
    }
    Step::Settled
}

/// Deletes the account a failed move made on the target, if it is this
/// move's; best effort (an account left there holds no customer).
async fn remove_made_account(deps: &Deps, moving: &ServiceMove) {
    let (name, note) = (moving.new_username.clone(), move_note(moving));
    let removed = deps
        .blitz(moving.to_panel, "delete_user", move |client| {
            match client.get_user(&name) {
                Ok(user) if user.note == note => client.delete_user(&name),
                Ok(_) | Err(blitz::Error::NotFound { .. }) => Ok(()),
                Err(err) => Err(err),
            }
        })
        .await;
    if let Err(err) = removed {
        log::warn!(
            "move {}: the account {} made on panel {} may be left there: {err:#}",
            moving.id,
            moving.new_username,
            moving.to_panel
        );
    }
}

/// Message `id` about `moving` to the admin who asked, as mail.
async fn admin_mail(deps: &Deps, moving: &ServiceMove, id: &str, error: Option<&str>) -> NewMail {
    let (from, to) = (
        panel_name(deps, moving.from_panel).await,
        panel_name(deps, moving.to_panel).await,
    );
    let service = moving.service.to_string();
    let args = [
        ("service", Arg::from(service.as_str())),
        ("from", Arg::from(from.as_str())),
        ("to", Arg::from(to.as_str())),
        ("error", Arg::from(error.unwrap_or_default())),
    ];
    notify::user_mail(deps, moving.requested_by, id, &args, None).await
}

/// Sends message `id` about `moving` to the admin who asked, durably.
async fn tell_admin(deps: &Deps, moving: &ServiceMove, id: &str, error: Option<&str>) {
    let notice = admin_mail(deps, moving, id, error).await;
    mail::queue(deps, vec![notice]).await;
}

/// A panel's name and location for staff, or its id if it is gone.
async fn panel_name(deps: &Deps, id: ajib_domain::PanelId) -> String {
    match deps.store.get_panel(id).await {
        Ok(Some(panel)) => format!("{} ({})", panel.name, panel.location),
        _ => format!("#{id}"),
    }
}

#[cfg(test)]
mod tests {
    use ajib_domain::{Date, PanelId, ServiceId, ServiceStatus, TelegramId};

    use super::*;

    fn at(date: &str, secs: i64) -> UnixTime {
        UnixTime::from_date(Date::parse(date).unwrap()).plus_secs(secs)
    }

    fn check_terms(
        expires: UnixTime,
        limit: Option<u64>,
        used: Option<u64>,
        now: UnixTime,
        expected: (u64, u64),
    ) {
        let service = Service {
            id: ServiceId(1),
            user: TelegramId(1),
            panel: PanelId::FIRST,
            blitz_username: "ajib_1_1".to_owned(),
            plan: None,
            is_test: false,
            created: now,
            expires,
            traffic_limit_bytes: limit,
            status: ServiceStatus::Active,
        };
        let terms = Terms::carried(&service, used, now);
        assert_eq!((terms.days, terms.traffic_gb), expected);
    }

    #[test]
    fn days_end_on_the_expiry_date_as_provisioning_sets_them() {
        // Bought on 1 Nov at 10:00 for 30 days: provisioning dated it 1 Nov with 30 days.
        let expires = at("2026-11-01", 10 * 3600).plus_days(30);
        check_terms(expires, None, None, at("2026-11-11", 20 * 3600), (20, 0));
        check_terms(expires, None, None, at("2026-11-30", 0), (1, 0));
        // The last day, before the hour it ends: one day, never zero (unlimited).
        check_terms(expires, None, None, at("2026-12-01", 3600), (1, 0));
    }

    #[test]
    fn traffic_left_is_rounded_up_to_a_whole_gb() {
        let expires = at("2026-12-01", 0);
        let now = at("2026-11-01", 0);
        let gb = blitz::BYTES_PER_GB;
        check_terms(expires, Some(50 * gb), Some(20 * gb), now, (30, 30));
        check_terms(expires, Some(50 * gb), Some(20 * gb + 1), now, (30, 30));
        check_terms(expires, Some(50 * gb), Some(21 * gb - 1), now, (30, 30));
        check_terms(expires, Some(50 * gb), Some(21 * gb), now, (30, 29));
        check_terms(expires, Some(50 * gb), None, now, (30, 50));
        // Used up: one GB, since zero would be unlimited.
        check_terms(expires, Some(50 * gb), Some(60 * gb), now, (30, 1));
    }
}
