//! The provisioning worker: paid orders become Blitz accounts, exactly once.
//!
//! Every step is idempotent so a job can be retried after any failure or a
//! crash: the Blitz username is derived from the order (`ensure_user` finds
//! the account a previous attempt made), a renewal records its target total
//! days before touching the panel so a retry sets the same total instead of
//! adding twice, and the service row, the `paid → provisioned` move, the
//! customer's messages (queued as mail) and the job's completion are one
//! transaction that queues nothing when repeated: configs go out once. A
//! restarted bot takes the jobs of the process it replaced back at once
//! (`Store::begin_run`), not after their lease.

use std::{sync::Arc, time::Duration};

use ajib_domain::{Order, OrderKind, Service, UnixTime, blitz_username};
use ajib_i18n::Arg;
use ajib_storage::{Job, NewMail, NewService, Provisioning};
use tokio::sync::watch;

use crate::{
    callback::Callback,
    core::{
        agent_delivery, alerts,
        delivery::{config_messages, plan_name},
        mail, notify, placement,
    },
    deps::{Deps, Health, now},
    format::date,
    keyboards,
};

/// How long a claimed job is ours before another worker may take it over.
const LEASE_SECS: u32 = 300;
/// Attempts before a retryable failure is given up and left to a person
/// (about two days of retries).
const MAX_ATTEMPTS: u32 = 600;
/// Longest wait between two attempts: a panel back from an outage is used
/// within five minutes.
const MAX_BACKOFF_SECS: i64 = 300;
/// How often the worker looks for due jobs when nobody wakes it.
const IDLE_ROUND: Duration = Duration::from_secs(2);

/// What the panel now has for an order, ready to be recorded.
#[derive(Debug)]
enum Provisioned {
    /// A new or test account.
    Created(NewService),
    /// A renewed service, with its new expiry.
    Renewed {
        /// The service as it was.
        service: Service,
        /// When it now expires.
        new_expires: UnixTime,
    },
}

/// Runs until shutdown; wakes early when a job is queued.
pub async fn run(deps: Arc<Deps>, mut shutdown: watch::Receiver<bool>) {
    loop {
        Health::beat(&deps.health.provision);
        drain(&deps).await;
        tokio::select! {
            () = deps.provision_wake.notified() => (),
            () = tokio::time::sleep(IDLE_ROUND) => (),
            res = shutdown.changed() => if res.is_err() || *shutdown.borrow() { return },
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Processes every due job.
pub async fn drain(deps: &Deps) {
    loop {
        let job = match deps.store.claim_job(now(), LEASE_SECS).await {
            Ok(Some(job)) => job,
            Ok(None) => {
                // A bulk purchase's file goes out once its last account is
                // made, also after a crash between the two.
                agent_delivery::deliver_batches(deps).await;
                return;
            }
            Err(err) => {
                log::error!("cannot claim jobs: {err}");
                return;
            }
        };
        process(deps, &job).await;
    }
}

async fn process(deps: &Deps, job: &Job) {
    let Some(order_id) = job.provision_order() else {
        log::error!(
            "job {} of kind {:?} is not a provisioning job; giving up on it",
            job.id,
            job.kind
        );
        if let Err(err) = deps
            .store
            .fail_job(job.id, "unknown job kind or payload")
            .await
        {
            log::error!("could not fail job {}: {err}", job.id);
        }
        return;
    };
    let order = match deps.store.get_order(order_id).await {
        Ok(Some(order)) => order,
        Ok(None) => {
            log::error!("job {} names missing order {order_id}", job.id);
            let _ = deps.store.fail_job(job.id, "order not found").await;
            return;
        }
        Err(err) => return retry(deps, job, None, &err.to_string()).await,
    };
    let done = match provision(deps, &order).await {
        Ok(done) => messages(deps, &order, &done).await.map(|mail| (done, mail)),
        Err(err) => Err(err),
    };
    match done {
        Ok((done, mail)) => finish(deps, job, &order, done, mail).await,
        Err(err) if is_permanent(&err) => give_up(deps, job, &order, &format!("{err:#}")).await,
        Err(err) => {
            if alerts::is_blitz_down(&err) {
                alerts::blitz_down(deps, &order, &format!("{err:#}")).await;
            }
            retry(deps, job, Some(&order), &format!("{err:#}")).await
        }
    }
}

/// Whether trying the same job again cannot help: the panel understood the
/// request and refused it (a usage or validation error, a name it will not
/// take, a rejected token). Timeouts, refused connections and 5xx are not.
pub(crate) fn is_permanent(err: &anyhow::Error) -> bool {
    err.chain().any(|it| {
        it.downcast_ref::<blitz::Error>()
            .is_some_and(|it| !it.is_retryable())
    })
}

/// Records what the panel did, queues the customer's messages and completes
/// the job, all in one transaction: a crash before it runs the job again
/// (the panel steps are idempotent), a crash after it has nothing left to do,
/// so the configs are queued exactly once.
async fn finish(deps: &Deps, job: &Job, order: &Order, done: Provisioned, mail: Vec<NewMail>) {
    let work = match done {
        Provisioned::Created(service) => Provisioning::Create(service),
        Provisioned::Renewed {
            service,
            new_expires,
        } => Provisioning::Extend {
            service: service.id,
            new_expires,
        },
    };
    match deps
        .store
        .finish_provisioning(job.id, order.id, work, mail, now())
        .await
    {
        Ok(finished) if finished.first => mail::wake(),
        Ok(_) => log::info!(
            "order {} was provisioned before; nothing sent again",
            order.id
        ),
        Err(err) => {
            retry(
                deps,
                job,
                Some(order),
                &format!("recording the service: {err}"),
            )
            .await
        }
    }
}

async fn provision(deps: &Deps, order: &Order) -> anyhow::Result<Provisioned> {
    match order.kind {
        OrderKind::New | OrderKind::Test => create(deps, order).await.map(Provisioned::Created),
        OrderKind::Renewal(service) => renew(deps, order, service).await,
    }
}

async fn create(deps: &Deps, order: &Order) -> anyhow::Result<NewService> {
    let is_test = order.kind == OrderKind::Test;
    let (days, traffic_gb) = if is_test {
        (
            deps.settings.test_account.days,
            deps.settings.test_account.traffic_gb,
        )
    } else {
        let plan = plan_of(deps, order).await?;
        (plan.days, plan.traffic_gb)
    };
    let panel = placement::panel_for(deps, order).await?;
    let at = now();
    let username = blitz_username(order.user, order.id);
    // The creation date makes the days count from today, the day of payment
    // (or of delivery, if the panel was down), not from the first connection
    // as an on-hold account would; our own expiry below counts the same way.
    let new_user = blitz::NewUser {
        username: username.clone(),
        traffic_limit_gb: u64::from(traffic_gb),
        expiration_days: u64::from(days),
        note: Some(format!("ajib order {} for {}", order.id, order.user)),
        creation_date: blitz_date(at),
        password: None,
        unlimited_ip: false,
    };
    deps.blitz(panel, "ensure_user", move |client| {
        client.ensure_user(&new_user)
    })
    .await?;
    Ok(NewService {
        user: order.user,
        panel,
        blitz_username: username,
        plan: if is_test { None } else { order.plan },
        is_test,
        expires: at.plus_days(i64::from(days)),
        traffic_limit_bytes: (traffic_gb > 0).then(|| blitz::gb_to_bytes(u64::from(traffic_gb))),
    })
}

/// The plan an order buys or renews with, its days lengthened by the bonus
/// days of the order's promo code (if any).
async fn plan_of(deps: &Deps, order: &Order) -> anyhow::Result<ajib_domain::Plan> {
    let plan_id = order
        .plan
        .ok_or_else(|| anyhow::anyhow!("order {} has no plan", order.id))?;
    let mut plan = deps
        .store
        .get_plan(plan_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("plan {plan_id} is gone"))?;
    if let Some(promo) = deps.store.order_promo(order.id).await? {
        plan.days = plan.days.saturating_add(promo.price.bonus_days);
    }
    Ok(plan)
}

async fn renew(
    deps: &Deps,
    order: &Order,
    service_id: ajib_domain::ServiceId,
) -> anyhow::Result<Provisioned> {
    let service = deps
        .store
        .get_service(service_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("service {service_id} of order {} is gone", order.id))?;
    let plan = plan_of(deps, order).await?;
    let at = now();
    let username = service.blitz_username.clone();
    let panel = service.panel;
    if service.is_expired(at) {
        // A fresh period from today, usage zeroed: repeating it the same day
        // sets the same values.
        let (days, gb) = (u64::from(plan.days), u64::from(plan.traffic_gb));
        deps.blitz(panel, "start_new_period", move |client| {
            client.start_new_period(&username, days, gb)
        })
        .await?;
    } else {
        let target = match order.renewal_target_days {
            Some(target) => target,
            None => {
                let name = username.clone();
                let user = deps
                    .blitz(panel, "get_user", move |client| client.get_user(&name))
                    .await?;
                let current = u32::try_from(user.expiration_days).unwrap_or(u32::MAX);
                let wanted = current.saturating_add(plan.days);
                deps.store.set_renewal_target_days(order.id, wanted).await?
            }
        };
        deps.blitz(panel, "set_total_days", move |client| {
            client.set_total_days(&username, u64::from(target))
        })
        .await?;
    }
    let new_expires = service.extended(plan.days, at);
    Ok(Provisioned::Renewed {
        service,
        new_expires,
    })
}

/// What the customer receives for the job: "ready" with the configs (URI,
/// subscription link, QR code, how-to), or "renewed".
///
/// A panel that cannot give the links right now fails the attempt (it is
/// retried, so the configs come with the account); a panel with no links for
/// the account sends "ready" alone (My services shows them later).
async fn messages(deps: &Deps, order: &Order, done: &Provisioned) -> anyhow::Result<Vec<NewMail>> {
    let sale = deps.store.order_agent(order.id).await?;
    let mut res = Vec::new();
    if let Some(sale) = &sale {
        let own = match done {
            Provisioned::Created(service) => {
                agent_delivery::bot_or_batch_mail(deps, sale, service).await?
            }
            Provisioned::Renewed {
                service,
                new_expires,
            } => agent_delivery::bot_renewal_mail(deps, sale, service, *new_expires).await,
        };
        if let Some(mail) = own {
            return Ok(mail);
        }
        res.extend(agent_delivery::label_line(deps, order, sale).await);
    }
    let lang = notify::lang_of(deps, order.user).await;
    match done {
        Provisioned::Created(service) => {
            let name = plan_name(deps, lang, service.plan).await;
            let expires = date(lang, service.expires);
            let limit = match service.traffic_limit_bytes {
                Some(bytes) => ajib_i18n::format_bytes(lang, bytes),
                None => deps.t(lang, "traffic-unlimited", &[]),
            };
            let args = [
                ("name", Arg::from(name.as_str())),
                ("expires", Arg::from(expires.as_str())),
                ("traffic", Arg::from(limit.as_str())),
            ];
            res.push(notify::user_mail(deps, order.user, "service-ready", &args, None).await);
            match config_messages(
                deps,
                order.user.0,
                lang,
                service.panel,
                &service.blitz_username,
            )
            .await
            {
                Ok(configs) => res.extend(configs.iter().map(mail::message)),
                Err(err) if alerts::is_blitz_down(&err) => return Err(err),
                Err(err) => log::warn!("configs of {} not sent: {err:#}", service.blitz_username),
            }
        }
        Provisioned::Renewed {
            service,
            new_expires,
        } => {
            let name = plan_name(deps, lang, service.plan).await;
            let expires = date(lang, *new_expires);
            let args = [
                ("name", Arg::from(name.as_str())),
                ("expires", Arg::from(expires.as_str())),
            ];
            res.push(notify::user_mail(deps, order.user, "renewal-done", &args, None).await);
        }
    }
    Ok(res)
}

async fn retry(deps: &Deps, job: &Job, order: Option<&Order>, error: &str) {
    log::warn!(
        "provisioning job {} attempt {} failed: {error}",
        job.id,
        job.attempts
    );
    let Some(order) = order else {
        return reschedule(deps, job, error).await;
    };
    if job.attempts >= MAX_ATTEMPTS {
        return give_up(deps, job, order, error).await;
    }
    if job.attempts == 1 {
        notify::user(deps, order.user, "provisioning-delayed", &[], None).await;
    }
    if job.attempts == deps.settings.provision_alert_after {
        let (order_ref, user) = (order.id.to_string(), order.user.to_string());
        let args = [
            ("order", Arg::from(order_ref.as_str())),
            ("user", Arg::from(user.as_str())),
            ("error", Arg::from(error)),
        ];
        notify::admins(deps, "admin-provision-failed", &args).await;
    }
    reschedule(deps, job, error).await;
}

async fn reschedule(deps: &Deps, job: &Job, error: &str) {
    let run_at = now().plus_secs(backoff_secs(job.attempts));
    if let Err(err) = deps.store.retry_job(job.id, run_at, error).await {
        log::error!("could not reschedule job {}: {err}", job.id);
    }
}

/// Stops automatic retries: the order stays paid and is listed as stuck
/// (`ajib-ctl orders list --stuck`) until a person retries it; the customer
/// hears that the payment is safe, the owners and admins get the panel's
/// words and a Retry button.
async fn give_up(deps: &Deps, job: &Job, order: &Order, error: &str) {
    log::error!(
        "provisioning of order {} stopped after attempt {}: {error}",
        order.id,
        job.attempts
    );
    let mut mail = vec![notify::user_mail(deps, order.user, "provisioning-stuck", &[], None).await];
    let (order_ref, user) = (order.id.to_string(), order.user.to_string());
    let args = [
        ("order", Arg::from(order_ref.as_str())),
        ("user", Arg::from(user.as_str())),
        ("error", Arg::from(error)),
    ];
    let order_id = order.id;
    let buttons = move |deps: &Deps, lang| {
        vec![vec![keyboards::button(
            deps.t(lang, "admin-retry-button", &[]),
            Callback::AdminRetryProvision(order_id),
        )]]
    };
    mail.extend(notify::admins_mail(deps, "admin-provision-stuck", &args, &buttons).await);
    match deps
        .store
        .fail_job_with_mail(job.id, error, mail, now())
        .await
    {
        Ok(()) => mail::wake(),
        // The job stays leased and comes back when the lease runs out.
        Err(err) => log::error!("could not record job {} as stuck: {err}", job.id),
    }
}

/// 2, 4, 8 … seconds, capped at five minutes.
pub(crate) fn backoff_secs(attempts: u32) -> i64 {
    let exp = attempts.min(10);
    (1_i64 << exp).min(MAX_BACKOFF_SECS)
}

/// The panel's spelling of `at`'s (UTC) date.
pub(crate) fn blitz_date(at: UnixTime) -> Option<blitz::Date> {
    let day = at.date();
    blitz::Date::from_ymd(day.year(), day.month(), day.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_permanent(err: blitz::Error, expected: bool) {
        let shown = err.to_string();
        let err = anyhow::Error::new(err).context("provisioning order 7");
        assert_eq!(is_permanent(&err), expected, "{shown}");
    }

    #[test]
    fn only_refusals_by_the_panel_stop_the_retries() {
        let usage = "Failed to add user u: Command '...' failed with exit code 1: Usage: ...";
        check_permanent(
            blitz::Error::Panel {
                status: 400,
                detail: usage.to_owned(),
            },
            true,
        );
        check_permanent(
            blitz::Error::NotFound {
                detail: "User 'u' not found in the database.".to_owned(),
            },
            true,
        );
        check_permanent(
            blitz::Error::Unauthorized {
                detail: "Invalid API token.".to_owned(),
            },
            true,
        );
        check_permanent(blitz::Error::Validation { fields: Vec::new() }, true);
        check_permanent(
            blitz::Error::Transient {
                reason: "panel answered 502".to_owned(),
                source: None,
            },
            false,
        );
        assert!(!is_permanent(&anyhow::anyhow!("database is locked")));
    }

    #[test]
    fn backoff_grows_then_caps() {
        assert_eq!(backoff_secs(1), 2);
        assert_eq!(backoff_secs(2), 4);
        assert_eq!(backoff_secs(8), 256);
        assert_eq!(backoff_secs(9), 300);
        assert_eq!(backoff_secs(500), 300);
    }
}
