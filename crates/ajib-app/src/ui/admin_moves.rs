//! Admin: moving a customer's service to another panel.
//!
//! ```text
//! admin: [🚚 Move #3]        bot: 🚚 Move service #3 (ajib_1001_7, on main (🌐 Main)) to which panel?
//!                                 [de-1 · 🇩🇪 Germany · 🟢 · 12 free] [Back]
//! admin: [de-1 …]            bot: Move service #3 from main (🌐 Main) to de-1 (🇩🇪 Germany)? … [✅ Move] [Back]
//! admin: [✅ Move]           bot: 🚚 Move started; the customer gets the new config and the old account is removed after.
//! ```
//!
//! The move itself is `core::moves`; starting it is audited as the admin's
//! action in the same transaction (`Store::start_move`).

use ajib_domain::{PanelHealth, PanelId, Service, ServiceId};
use ajib_i18n::Arg;
use ajib_storage::{MoveRefusal, MoveStart, Panel};
use ajib_transport::{InlineButton, Keyboard};

use crate::{
    callback::Callback,
    deps::{Deps, now},
    keyboards::{button, inline},
    ui::{Ctx, Handled, HandlerError},
};

/// The panels the service may move to: every other enabled panel, with its room and health.
pub async fn pick_panel(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let service = service(deps, id).await?;
    if let Some(open) = deps.store.open_move_of(id).await? {
        let to = panel_label(deps, open.to_panel).await?;
        let text = deps.t(
            ctx.lang,
            "move-refused-busy",
            &[
                ("id", Arg::from(id.to_string().as_str())),
                ("to", Arg::from(to.as_str())),
            ],
        );
        return Ok(vec![ctx.screen(text, back(deps, ctx, &service))]);
    }
    let loads = deps.store.panel_loads().await?;
    let panels = deps.store.list_panels().await?;
    let mut rows: Vec<Vec<InlineButton>> = Vec::new();
    for panel in panels
        .iter()
        .filter(|it| it.enabled && it.id != service.panel)
    {
        let free = match loads
            .iter()
            .find(|it| it.id == panel.id)
            .map(|it| it.free())
        {
            Some(u32::MAX) | None => deps.label(ctx.lang, "move-free-unlimited", &[]),
            Some(n) => deps.label(ctx.lang, "move-free", &[("n", Arg::from(n))]),
        };
        let label = deps.label(
            ctx.lang,
            "move-panel-button",
            &[
                ("name", Arg::from(panel.name.as_str())),
                ("location", Arg::from(panel.location.as_str())),
                ("health", Arg::from(health_mark(panel.health))),
                ("free", Arg::from(free.as_str())),
            ],
        );
        rows.push(vec![button(label, Callback::AdminMovePick((id, panel.id)))]);
    }
    let from = panel_label(deps, service.panel).await?;
    let id_text = id.to_string();
    let args = [
        ("id", Arg::from(id_text.as_str())),
        ("username", Arg::from(service.blitz_username.as_str())),
        ("from", Arg::from(from.as_str())),
    ];
    let text = match rows.is_empty() {
        true => deps.t(ctx.lang, "move-pick-none", &args),
        false => deps.t(ctx.lang, "move-pick", &args),
    };
    rows.push(back_row(deps, ctx, &service));
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// What the move will do, with the button that starts it.
pub async fn confirm(deps: &Deps, ctx: &Ctx, id: ServiceId, to: PanelId) -> Handled {
    let service = service(deps, id).await?;
    let target = deps
        .store
        .get_panel(to)
        .await?
        .ok_or(HandlerError::stale("panel"))?;
    let from = panel_label(deps, service.panel).await?;
    let days = service.days_left(now());
    let text = deps.t(
        ctx.lang,
        "move-confirm",
        &[
            ("id", Arg::from(id.to_string().as_str())),
            ("from", Arg::from(from.as_str())),
            ("to", Arg::from(label_of(&target).as_str())),
            ("days", Arg::from(days)),
        ],
    );
    let keyboard = inline(vec![
        vec![button(
            deps.t(ctx.lang, "btn-move-confirm", &[]),
            Callback::AdminMoveStart((id, to)),
        )],
        back_row(deps, ctx, &service),
    ]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// Records the move (audited) and wakes the worker; says why when it cannot start.
pub async fn start(deps: &Deps, ctx: &Ctx, id: ServiceId, to: PanelId) -> Handled {
    let service = service(deps, id).await?;
    let text = match deps.store.start_move(id, to, ctx.user, now()).await? {
        MoveStart::Started(moving) => {
            deps.moves_wake.notify_one();
            log::info!(
                "admin {} started move {} of service {id} to panel {to}",
                ctx.user,
                moving.id
            );
            deps.t(ctx.lang, "move-started", &[])
        }
        MoveStart::Refused(MoveRefusal::NoService | MoveRefusal::NoPanel) => {
            return Err(HandlerError::stale("service or panel"));
        }
        MoveStart::Refused(why) => deps.t(ctx.lang, refusal_text(why), &[]),
    };
    Ok(vec![ctx.screen(text, back(deps, ctx, &service))])
}

/// The message that says why a move was refused.
fn refusal_text(why: MoveRefusal) -> &'static str {
    match why {
        MoveRefusal::NoService | MoveRefusal::NoPanel => "move-refused-gone",
        MoveRefusal::SamePanel => "move-refused-same",
        MoveRefusal::PanelDisabled => "move-refused-disabled",
        MoveRefusal::NotActive => "move-refused-inactive",
        MoveRefusal::AlreadyMoving => "move-refused-started",
    }
}

async fn service(deps: &Deps, id: ServiceId) -> Result<Service, HandlerError> {
    deps.store
        .get_service(id)
        .await?
        .ok_or(HandlerError::stale("service"))
}

/// "name (location)" of panel `id`.
async fn panel_label(deps: &Deps, id: PanelId) -> Result<String, HandlerError> {
    let panel = deps
        .store
        .get_panel(id)
        .await?
        .ok_or(HandlerError::stale("panel"))?;
    Ok(label_of(&panel))
}

fn label_of(panel: &Panel) -> String {
    format!("{} ({})", panel.name, panel.location)
}

fn health_mark(health: PanelHealth) -> &'static str {
    match health {
        PanelHealth::Up => "🟢",
        PanelHealth::Down => "🔴",
        PanelHealth::Unknown => "⚪",
    }
}

/// A button back to the owner's profile.
fn back_row(deps: &Deps, ctx: &Ctx, service: &Service) -> Vec<InlineButton> {
    vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::AdminUser(service.user),
    )]
}

fn back(deps: &Deps, ctx: &Ctx, service: &Service) -> Keyboard {
    inline(vec![back_row(deps, ctx, service)])
}
