//! "My services": the list, one service with live usage and its auto-renew
//! switch, and its configs.

use ajib_domain::{Lang, PanelHealth, Service, ServiceId, ServiceStatus};
use ajib_i18n::Arg;
use ajib_storage::Panel;

use crate::{
    callback::Callback,
    core::delivery::{config_messages, display_name},
    deps::{Deps, now},
    format::date,
    keyboards::{button, inline},
    ui::{Ctx, Handled, HandlerError, notice},
};

/// The user's services, one button each.
pub async fn list(deps: &Deps, ctx: &Ctx) -> Handled {
    let services = deps.store.services_of_user(ctx.user).await?;
    if services.is_empty() {
        let keyboard = inline(vec![
            vec![button(deps.t(ctx.lang, "btn-buy", &[]), Callback::Plans)],
            vec![button(
                deps.t(ctx.lang, "btn-link-account", &[]),
                Callback::LinkAccount,
            )],
            vec![button(deps.t(ctx.lang, "btn-menu", &[]), Callback::Menu)],
        ]);
        return Ok(vec![
            ctx.screen(deps.t(ctx.lang, "services-empty", &[]), keyboard),
        ]);
    }
    let at = now();
    let mut rows = Vec::new();
    for service in &services {
        let name = display_name(deps, ctx.lang, service).await;
        let status = deps.t(ctx.lang, stored_status_id(service, at), &[]);
        let text = deps.label(
            ctx.lang,
            "service-button",
            &[
                ("name", Arg::from(name.as_str())),
                ("status", Arg::from(status.as_str())),
            ],
        );
        rows.push(vec![button(text, Callback::Service(service.id))]);
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-link-account", &[]),
        Callback::LinkAccount,
    )]);
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-menu", &[]),
        Callback::Menu,
    )]);
    let mut title = deps.t(ctx.lang, "services-title", &[]);
    let panels = deps.store.list_panels().await?;
    for panel in panels.iter().filter(|it| it.health == PanelHealth::Down) {
        if services.iter().any(|it| it.panel == panel.id) {
            title = format!("{title}\n\n{}", panel_down_line(deps, ctx.lang, panel));
        }
    }
    Ok(vec![ctx.screen(title, inline(rows))])
}

/// What the customers of a panel that is down are told.
fn panel_down_line(deps: &Deps, lang: Lang, panel: &Panel) -> String {
    let location = Arg::from(panel.location.as_str());
    deps.t(lang, "service-panel-down", &[("location", location)])
}

/// One service: status, expiry, days left and traffic from the panel.
pub async fn details(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let service = own_service(deps, ctx, id).await?;
    let at = now();
    let name = display_name(deps, ctx.lang, &service).await;
    let live = live_usages(deps, &[&service]).await.pop().flatten();
    let usage = usage_view(deps, ctx.lang, &service, at, live.as_ref());
    let (used, limit) = (usage.used, usage.limit);
    let status = deps.t(ctx.lang, usage.status_id, &[]);
    let expires = date(ctx.lang, service.expires);
    let mut text = deps.t(
        ctx.lang,
        "service-details",
        &[
            ("name", Arg::from(name.as_str())),
            ("username", Arg::from(service.blitz_username.as_str())),
            ("status", Arg::from(status.as_str())),
            ("expires", Arg::from(expires.as_str())),
            ("days", Arg::from(service.days_left(at))),
            ("used", Arg::from(used.as_str())),
            ("limit", Arg::from(limit.as_str())),
        ],
    );
    let panels = deps.store.list_panels().await?;
    let panel = panels.iter().find(|it| it.id == service.panel);
    if let Some(panel) = panel.filter(|_| several_locations(&panels)) {
        let location = Arg::from(panel.location.as_str());
        let line = deps.t(
            ctx.lang,
            "service-panel-location",
            &[("location", location)],
        );
        text = format!("{text}\n{line}");
    }
    match panel.filter(|it| it.health == PanelHealth::Down) {
        Some(panel) => text = format!("{text}\n\n{}", panel_down_line(deps, ctx.lang, panel)),
        None if !usage.live => {
            text = format!(
                "{text}\n\n{}",
                deps.t(ctx.lang, "service-usage-unavailable", &[])
            );
        }
        None => (),
    }
    let mut rows = vec![vec![button(
        deps.t(ctx.lang, "btn-show-config", &[]),
        Callback::Config(id),
    )]];
    if !service.is_test {
        let auto = deps.store.auto_renew_enabled(id).await?;
        let (line, label) = match auto {
            true => ("service-autorenew-on", "btn-autorenew-on"),
            false => ("service-autorenew-off", "btn-autorenew-off"),
        };
        let days = deps.settings.auto_renew_days_before;
        text = format!(
            "{text}\n\n{}",
            deps.t(ctx.lang, line, &[("days", Arg::from(days))])
        );
        rows.push(vec![button(
            deps.t(ctx.lang, "btn-renew", &[]),
            Callback::Renew(id),
        )]);
        rows.push(vec![button(
            deps.label(ctx.lang, label, &[]),
            Callback::AutoRenew(id),
        )]);
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Services,
    )]);
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// Whether the shop's panels are in more than one location (with one, a
/// service's location says nothing and is not shown).
fn several_locations(panels: &[Panel]) -> bool {
    panels
        .first()
        .is_some_and(|first| panels.iter().any(|it| it.location != first.location))
}

/// Turns auto-renew from the balance on or off for one of the user's own
/// services (not a test account) and shows the service again.
pub async fn toggle_auto_renew(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let service = own_service(deps, ctx, id).await?;
    if service.is_test {
        return Err(HandlerError::stale("renewable service"));
    }
    let on = !deps.store.auto_renew_enabled(id).await?;
    deps.store.set_auto_renew(id, ctx.user, on).await?;
    log::info!(
        "user {} turned auto-renew {} for service {id}",
        ctx.user,
        match on {
            true => "on",
            false => "off",
        }
    );
    details(deps, ctx, id).await
}

/// Sends a service's configs again.
pub async fn config(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let service = own_service(deps, ctx, id).await?;
    Ok(
        match config_messages(
            deps,
            ctx.chat,
            ctx.lang,
            service.panel,
            &service.blitz_username,
        )
        .await
        {
            Ok(reply) => reply,
            Err(err) => {
                log::warn!("configs of service {id} unavailable: {err}");
                notice(deps, ctx, "service-usage-unavailable")
            }
        },
    )
}

/// The user's own service `id`; someone else's is as stale as a missing one.
async fn own_service(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Result<Service, HandlerError> {
    match deps.store.get_service(id).await? {
        Some(service) if service.user == ctx.user => Ok(service),
        _ => Err(HandlerError::stale("service")),
    }
}

/// How long a screen waits for the panel's usage figures.
pub const USAGE_BUDGET: std::time::Duration = std::time::Duration::from_secs(3);
/// Panel lookups the screens may run at once, across all users.
pub const PANEL_LOOKUPS: usize = 8;

/// A service's state as shown to people: live from the panel when it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageView {
    /// The `status-*` message id.
    pub status_id: &'static str,
    /// Traffic used, formatted; "—" when unknown.
    pub used: String,
    /// Traffic limit, formatted, or "unlimited".
    pub limit: String,
    /// Whether the panel answered.
    pub live: bool,
}

/// Asks the panel for the usage of each service, all at once, and waits at
/// most [`USAGE_BUDGET`]: `None` where it did not answer in time (or at all),
/// so a slow panel costs a screen seconds, not the client's timeout.
///
/// At most [`PANEL_LOOKUPS`] lookups run at once across all users; a lookup
/// that cannot start within the budget is skipped.
pub async fn live_usages(deps: &Deps, services: &[&Service]) -> Vec<Option<blitz::Usage>> {
    let deadline = tokio::time::Instant::now() + USAGE_BUDGET;
    let mut calls = Vec::new();
    for service in services {
        let permit = tokio::time::timeout_at(deadline, deps.panel_lookups.clone().acquire_owned());
        let Ok(Ok(permit)) = permit.await else {
            calls.push(None);
            continue;
        };
        let Ok(client) = deps.panels.client(&deps.store, service.panel).await else {
            calls.push(None);
            continue;
        };
        let username = service.blitz_username.clone();
        let timed = deps.metrics.blitz.clone();
        calls.push(Some(tokio::task::spawn_blocking(move || {
            let _permit = permit;
            timed.time("usage", || client.usage(&username))
        })));
    }
    let mut res = Vec::new();
    for call in calls {
        let usage = match call {
            Some(call) => match tokio::time::timeout_at(deadline, call).await {
                Ok(Ok(Ok(usage))) => Some(usage),
                Ok(Ok(Err(err))) => {
                    log::debug!("usage lookup failed: {err}");
                    None
                }
                Ok(Err(_)) | Err(_) => None,
            },
            None => None,
        };
        res.push(usage);
    }
    res
}

/// A service's state as shown to people: from the panel's `usage` when it
/// answered, else from what is stored.
#[must_use]
pub fn usage_view(
    deps: &Deps,
    lang: Lang,
    service: &Service,
    at: ajib_domain::UnixTime,
    usage: Option<&blitz::Usage>,
) -> UsageView {
    let (status_id, used, limit) = match usage {
        Some(usage) => (
            live_status_id(service, usage, at),
            ajib_i18n::format_bytes(lang, usage.used_bytes),
            usage.limit_bytes.or(service.traffic_limit_bytes),
        ),
        None => (
            stored_status_id(service, at),
            "—".to_owned(),
            service.traffic_limit_bytes,
        ),
    };
    let limit = match limit {
        Some(bytes) => ajib_i18n::format_bytes(lang, bytes),
        None => deps.t(lang, "traffic-unlimited", &[]),
    };
    UsageView {
        status_id,
        used,
        limit,
        live: usage.is_some(),
    }
}

/// The `status-*` message id for a service from what is stored alone.
pub fn stored_status_id(service: &Service, at: ajib_domain::UnixTime) -> &'static str {
    match service.status {
        ServiceStatus::Active if service.is_expired(at) => "status-expired",
        ServiceStatus::Active => "status-active",
        ServiceStatus::Expired => "status-expired",
        ServiceStatus::Disabled => "status-blocked",
    }
}

fn live_status_id(
    service: &Service,
    usage: &blitz::Usage,
    at: ajib_domain::UnixTime,
) -> &'static str {
    if usage.quota_exhausted() {
        return "status-over-quota";
    }
    if service.is_expired(at) {
        return "status-expired";
    }
    if usage.blocked {
        return "status-blocked";
    }
    match usage.expires_on {
        blitz::Expiry::OnHold => "status-on-hold",
        blitz::Expiry::Unlimited | blitz::Expiry::After { .. } => "status-active",
    }
}
