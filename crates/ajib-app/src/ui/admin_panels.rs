//! Owners' panel screens: the panels with their health and load, adding one,
//! changing its location and capacity, offering it or not, checking it; and
//! admins choosing which panels a plan is sold on.
//!
//! A panel's token is asked for last and never kept in the dialogue: the
//! message carrying it is deleted from the chat, the panel is asked for its
//! version with it, and only then is the panel saved (with the token in the
//! database, as `ajib-ctl panels add` does).

use std::time::Duration;

use ajib_domain::{PanelId, PlanId, UnixTime, validate_location, validate_panel_name};
use ajib_i18n::Arg;
use ajib_storage::{NewPanel, NewToken, Panel, PanelEdit};

use crate::{
    blocking::blocking,
    callback::Callback,
    deps::{Deps, now},
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, HandlerError,
        dialog::{self, Dialog, PanelDraft, PanelStep},
        staff::{ascii_digits, audit, cancel_keyboard, invalid},
    },
};

/// How long the add-panel check waits for the panel.
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);
/// Answers meaning "no capacity limit".
const UNLIMITED: &[&str] = &["-", "∞", "unlimited", "نامحدود"];

/// Every panel: location, health, accounts and capacity, one button each.
pub async fn panels(deps: &Deps, ctx: &Ctx) -> Handled {
    let panels = deps.store.list_panels().await?;
    let mut lines = vec![deps.t(ctx.lang, "admin-panels-title", &[])];
    let mut rows = Vec::new();
    for panel in &panels {
        lines.push(panel_line(deps, ctx, panel));
        let label = format!("{} {}", health_mark(panel), panel.name);
        rows.push(vec![button(label, Callback::AdminPanel(panel.id))]);
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-admin-panel-add", &[]),
        Callback::AdminPanelAdd,
    )]);
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Admin,
    )]);
    Ok(vec![ctx.screen(lines.join("\n"), inline(rows))])
}

/// One panel with its buttons.
pub async fn panel_screen(deps: &Deps, ctx: &Ctx, id: PanelId) -> Handled {
    let panel = find(deps, id).await?;
    let text = panel_card(deps, ctx, &panel);
    let toggle = match panel.enabled {
        true => "btn-admin-panel-disable",
        false => "btn-admin-panel-enable",
    };
    let t = |id: &str| deps.t(ctx.lang, id, &[]);
    let keyboard = inline(vec![
        vec![
            button(t(toggle), Callback::AdminPanelToggle(id)),
            button(t("btn-admin-panel-check"), Callback::AdminPanelCheck(id)),
        ],
        vec![
            button(
                t("btn-admin-panel-location"),
                Callback::AdminPanelLocation(id),
            ),
            button(
                t("btn-admin-panel-capacity"),
                Callback::AdminPanelCapacity(id),
            ),
        ],
        vec![button(t("btn-back"), Callback::AdminPanels)],
    ]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// Offers a panel for new accounts, or stops; its accounts keep working either way. Audited.
pub async fn toggle(deps: &Deps, ctx: &Ctx, id: PanelId) -> Handled {
    let before = find(deps, id).await?;
    let edit = PanelEdit {
        enabled: Some(!before.enabled),
        ..PanelEdit::default()
    };
    let after = deps.store.edit_panel(id, &edit, now()).await?;
    audit_change(deps, ctx, "panel.toggle", &before, &after).await;
    panel_screen(deps, ctx, id).await
}

/// Asks the panel for its version now and says what it answered.
pub async fn check(deps: &Deps, ctx: &Ctx, id: PanelId) -> Handled {
    let panel = find(deps, id).await?;
    let answer = deps.blitz(id, "version", |client| client.version()).await;
    let line = match answer {
        Ok(version) => deps.t(
            ctx.lang,
            "admin-panel-check-ok",
            &[
                ("name", Arg::from(panel.name.as_str())),
                ("version", Arg::from(version.current_version.as_str())),
            ],
        ),
        Err(err) => deps.t(
            ctx.lang,
            "admin-panel-check-failed",
            &[
                ("name", Arg::from(panel.name.as_str())),
                ("error", Arg::from(format!("{err:#}").as_str())),
            ],
        ),
    };
    let mut reply = vec![ctx.say(line)];
    reply.extend(panel_screen(deps, ctx, id).await?);
    Ok(reply)
}

/// Asks for a panel's new location label.
pub async fn ask_location(deps: &Deps, ctx: &Ctx, id: PanelId) -> Handled {
    find(deps, id).await?;
    ask(
        deps,
        ctx,
        PanelStep::Location(id),
        "admin-panel-ask-location",
    )
    .await
}

/// Asks for a panel's new capacity.
pub async fn ask_capacity(deps: &Deps, ctx: &Ctx, id: PanelId) -> Handled {
    find(deps, id).await?;
    ask(
        deps,
        ctx,
        PanelStep::Capacity(id),
        "admin-panel-ask-capacity",
    )
    .await
}

/// Starts the add-panel dialogue.
pub async fn start_add(deps: &Deps, ctx: &Ctx) -> Handled {
    let step = PanelStep::Add(PanelDraft::default());
    ask(deps, ctx, step, "admin-panel-ask-name").await
}

/// Takes one answer of a panel dialogue; `message_id` is the answer's own
/// message, deleted when it carries a token.
pub async fn on_input(
    deps: &Deps,
    ctx: &Ctx,
    step: PanelStep,
    text: &str,
    message_id: i32,
) -> Handled {
    let text = text.trim();
    match step {
        PanelStep::Location(id) => match validate_location(text) {
            Ok(location) => {
                let edit = PanelEdit {
                    location: Some(location),
                    ..PanelEdit::default()
                };
                save_edit(deps, ctx, id, &edit).await
            }
            Err(err) => Ok(invalid(deps, ctx, &err.to_string())),
        },
        PanelStep::Capacity(id) => match parse_capacity(text) {
            Ok(capacity) => {
                let edit = PanelEdit {
                    capacity: Some(capacity),
                    ..PanelEdit::default()
                };
                save_edit(deps, ctx, id, &edit).await
            }
            Err(reason) => Ok(invalid(deps, ctx, reason)),
        },
        PanelStep::Add(draft) => add_step(deps, ctx, draft, text, message_id).await,
    }
}

/// The panels a plan is sold on, each with a toggle; none ticked means every panel.
pub async fn plan_panels(deps: &Deps, ctx: &Ctx, plan: PlanId) -> Handled {
    let plan_row = deps
        .store
        .get_plan(plan)
        .await?
        .ok_or(HandlerError::stale("plan"))?;
    let chosen = deps.store.plan_panels(plan).await?;
    let panels = deps.store.list_panels().await?;
    let mut rows = Vec::new();
    for panel in &panels {
        let mark = if chosen.contains(&panel.id) {
            "✅"
        } else {
            "⬜️"
        };
        let label = format!("{mark} {} · {}", panel.location, panel.name);
        rows.push(vec![button(
            label,
            Callback::AdminPlanPanel((plan, panel.id)),
        )]);
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::AdminPlans,
    )]);
    let every = match chosen.is_empty() {
        true => "admin-plan-panels-everywhere",
        false => "admin-plan-panels-some",
    };
    let text = format!(
        "{}\n\n{}",
        deps.t(
            ctx.lang,
            "admin-plan-panels-title",
            &[("name", Arg::from(plan_row.name_in(ctx.lang)))],
        ),
        deps.t(ctx.lang, every, &[]),
    );
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// Sells a plan on one more panel, or one fewer; audited.
pub async fn toggle_plan_panel(deps: &Deps, ctx: &Ctx, plan: PlanId, panel: PanelId) -> Handled {
    find(deps, panel).await?;
    let before = deps.store.plan_panels(plan).await?;
    let mut after = before.clone();
    match after.iter().position(|it| *it == panel) {
        Some(at) => {
            after.remove(at);
        }
        None => after.push(panel),
    }
    deps.store.set_plan_panels(plan, &after).await?;
    let json = |panels: &[PanelId]| {
        let ids: Vec<i64> = panels.iter().map(|it| it.0).collect();
        serde_json::json!({ "plan": plan.0, "panels": ids }).to_string()
    };
    audit(
        deps,
        ctx.user,
        "plan.panels",
        Some(&json(&before)),
        &json(&after),
    )
    .await;
    plan_panels(deps, ctx, plan).await
}

async fn find(deps: &Deps, id: PanelId) -> Result<Panel, HandlerError> {
    deps.store
        .get_panel(id)
        .await?
        .ok_or(HandlerError::stale("panel"))
}

async fn ask(deps: &Deps, ctx: &Ctx, step: PanelStep, question: &str) -> Handled {
    dialog::save(deps, ctx.user, &Dialog::Panel(step)).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, question, &[]),
        cancel_keyboard(deps, ctx),
    )])
}

async fn save_edit(deps: &Deps, ctx: &Ctx, id: PanelId, edit: &PanelEdit) -> Handled {
    let before = find(deps, id).await?;
    let after = deps.store.edit_panel(id, edit, now()).await?;
    dialog::close(deps, ctx.user).await;
    deps.panels.forget(id);
    audit_change(deps, ctx, "panel.edit", &before, &after).await;
    let fresh = Ctx {
        message_id: None,
        ..*ctx
    };
    panel_screen(deps, &fresh, id).await
}

/// The next answer of the add-panel dialogue: name, location, API base,
/// capacity, then the token, which completes it.
async fn add_step(
    deps: &Deps,
    ctx: &Ctx,
    mut draft: PanelDraft,
    text: &str,
    message_id: i32,
) -> Handled {
    let next = if draft.name.is_none() {
        match validate_panel_name(text) {
            Ok(name) if deps.store.find_panel(&name).await?.is_some() => {
                return Ok(invalid(deps, ctx, &format!("{name}: this name is taken")));
            }
            Ok(name) => draft.name = Some(name),
            Err(err) => return Ok(invalid(deps, ctx, &err.to_string())),
        }
        "admin-panel-ask-location"
    } else if draft.location.is_none() {
        match validate_location(text) {
            Ok(location) => draft.location = Some(location),
            Err(err) => return Ok(invalid(deps, ctx, &err.to_string())),
        }
        "admin-panel-ask-api-base"
    } else if draft.api_base.is_none() {
        // The client checks the URL as it would use it; no request is sent.
        match blitz::Client::new(text, "placeholder", CHECK_TIMEOUT) {
            Ok(client) => draft.api_base = Some(client.base_url().to_owned()),
            Err(err) => return Ok(invalid(deps, ctx, &err.to_string())),
        }
        "admin-panel-ask-capacity"
    } else if draft.capacity.is_none() {
        match parse_capacity(text) {
            Ok(capacity) => draft.capacity = Some(capacity),
            Err(reason) => return Ok(invalid(deps, ctx, reason)),
        }
        "admin-panel-ask-token"
    } else {
        return add_with_token(deps, ctx, draft, text, message_id).await;
    };
    ask(deps, ctx, PanelStep::Add(draft), next).await
}

/// The token arrived: it leaves the chat, the panel must answer with it, then the panel is saved.
async fn add_with_token(
    deps: &Deps,
    ctx: &Ctx,
    draft: PanelDraft,
    token: &str,
    message_id: i32,
) -> Handled {
    let api = deps.telegram.clone();
    let chat = ctx.chat;
    match blocking(move || api.delete_message(chat, message_id)).await {
        Ok(Ok(())) => (),
        Ok(Err(err)) => log::warn!("could not delete the message with a panel token: {err}"),
        Err(err) => log::warn!("could not delete the message with a panel token: {err:#}"),
    }
    let (Some(name), Some(location), Some(api_base), Some(capacity)) = (
        draft.name.clone(),
        draft.location.clone(),
        draft.api_base.clone(),
        draft.capacity,
    ) else {
        return Err(HandlerError::stale("panel dialogue"));
    };
    let client = match blitz::Client::new(&api_base, token, CHECK_TIMEOUT) {
        Ok(client) => client,
        Err(err) => return Ok(invalid(deps, ctx, &err.to_string())),
    };
    let answer = deps
        .metrics
        .blitz
        .run("version", move || client.version())
        .await?;
    let version = match answer {
        Ok(version) => version.current_version,
        Err(err) => {
            let text = deps.t(
                ctx.lang,
                "admin-panel-add-unreachable",
                &[("error", Arg::from(err.to_string().as_str()))],
            );
            return Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]);
        }
    };
    let new_panel = NewPanel {
        name,
        location,
        api_base,
        token: NewToken::Stored(token.to_owned()),
        capacity,
    };
    let added = match deps.store.add_panel(&new_panel, now()).await {
        Ok(added) => added,
        Err(ajib_storage::Error::Conflict { what }) => return Ok(invalid(deps, ctx, what)),
        Err(err) => return Err(err.into()),
    };
    dialog::close(deps, ctx.user).await;
    audit(deps, ctx.user, "panel.add", None, &panel_json(&added)).await;
    let text = deps.t(
        ctx.lang,
        "admin-panel-added",
        &[
            ("name", Arg::from(added.name.as_str())),
            ("version", Arg::from(version.as_str())),
        ],
    );
    let mut reply = vec![ctx.say(text)];
    let fresh = Ctx {
        message_id: None,
        ..*ctx
    };
    reply.extend(panels(deps, &fresh).await?);
    Ok(reply)
}

/// A capacity as typed: a whole number of active accounts, or "-" for no limit.
fn parse_capacity(text: &str) -> Result<Option<u32>, &'static str> {
    let text = ascii_digits(text.trim());
    if UNLIMITED.contains(&text.to_lowercase().as_str()) {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if n <= 10_000_000 => Ok(Some(n)),
        _ => Err("a whole number of accounts (0 to 10000000), or - for no limit"),
    }
}

fn health_mark(panel: &Panel) -> &'static str {
    match (panel.enabled, panel.health) {
        (false, _) => "⚪️",
        (true, ajib_domain::PanelHealth::Down) => "🔴",
        (true, ajib_domain::PanelHealth::Up) => "🟢",
        (true, ajib_domain::PanelHealth::Unknown) => "🟡",
    }
}

fn capacity_text(deps: &Deps, ctx: &Ctx, panel: &Panel) -> String {
    match panel.capacity {
        Some(capacity) => capacity.to_string(),
        None => deps.t(ctx.lang, "admin-panel-unlimited", &[]),
    }
}

fn panel_line(deps: &Deps, ctx: &Ctx, panel: &Panel) -> String {
    deps.t(
        ctx.lang,
        "admin-panel-line",
        &[
            ("mark", Arg::from(health_mark(panel))),
            ("name", Arg::from(panel.name.as_str())),
            ("location", Arg::from(panel.location.as_str())),
            ("active", Arg::from(panel.active)),
            (
                "capacity",
                Arg::from(capacity_text(deps, ctx, panel).as_str()),
            ),
        ],
    )
}

fn panel_card(deps: &Deps, ctx: &Ctx, panel: &Panel) -> String {
    let since = |at: Option<UnixTime>| {
        at.map(|it| crate::format::date(ctx.lang, it))
            .unwrap_or_else(|| "—".to_owned())
    };
    deps.t(
        ctx.lang,
        "admin-panel-card",
        &[
            ("mark", Arg::from(health_mark(panel))),
            ("name", Arg::from(panel.name.as_str())),
            ("location", Arg::from(panel.location.as_str())),
            ("health", Arg::from(panel.health.as_str())),
            ("checked", Arg::from(since(panel.checked_at).as_str())),
            (
                "error",
                Arg::from(panel.last_error.as_deref().unwrap_or("—")),
            ),
            ("active", Arg::from(panel.active)),
            (
                "capacity",
                Arg::from(capacity_text(deps, ctx, panel).as_str()),
            ),
            (
                "enabled",
                Arg::from(if panel.enabled { "true" } else { "false" }),
            ),
            (
                "base",
                Arg::from(panel.api_base.as_deref().unwrap_or("BLITZ_API_BASE")),
            ),
        ],
    )
}

/// A panel as the audit log keeps it: never its token.
fn panel_json(panel: &Panel) -> String {
    serde_json::json!({
        "panel": panel.id.0,
        "name": panel.name,
        "location": panel.location,
        "api_base": panel.api_base,
        "capacity": panel.capacity,
        "enabled": panel.enabled,
    })
    .to_string()
}

async fn audit_change(deps: &Deps, ctx: &Ctx, action: &str, before: &Panel, after: &Panel) {
    audit(
        deps,
        ctx.user,
        action,
        Some(&panel_json(before)),
        &panel_json(after),
    )
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_are_numbers_or_unlimited() {
        assert_eq!(parse_capacity("250"), Ok(Some(250)));
        assert_eq!(parse_capacity("۲۵۰"), Ok(Some(250)));
        assert_eq!(parse_capacity("0"), Ok(Some(0)));
        assert_eq!(parse_capacity("-"), Ok(None));
        assert_eq!(parse_capacity("Unlimited"), Ok(None));
        for bad in ["", "-5", "1e3", "ten", "99999999999"] {
            assert!(parse_capacity(bad).is_err(), "{bad:?}");
        }
    }
}
