//! Where a new account goes: the locations a plan is sold in, which of them
//! can take an account now, and the panel that takes an order's account.

use ajib_domain::{Order, PanelId, PanelLoad, PlanId, choose_panel};

use crate::deps::Deps;

/// A location a plan is sold in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Its label, e.g. `🇩🇪 Germany`.
    pub label: String,
    /// Its first panel, which stands for it on buttons.
    pub panel: PanelId,
    /// Whether a panel there can take an account now (enabled, not down, not full).
    pub available: bool,
}

/// No panel can take the order's account now: every panel where it may go is
/// full, down or disabled. The job waits and retries.
#[derive(Debug, Clone, thiserror::Error)]
#[error("no panel{} can take a new account now (full, down or disabled)", .location.as_deref().map(|it| format!(" in {it}")).unwrap_or_default())]
pub struct NoRoom {
    /// The location the customer picked, if any.
    pub location: Option<String>,
}

/// The panels a plan may be sold on, with their load (every enabled panel
/// when the plan names none; every enabled panel for a test account).
async fn candidates(deps: &Deps, plan: Option<PlanId>) -> anyhow::Result<Vec<PanelLoad>> {
    let mut loads = deps.store.panel_loads().await?;
    loads.retain(|it| it.enabled);
    if let Some(plan) = plan {
        let allowed = deps.store.plan_panels(plan).await?;
        if !allowed.is_empty() {
            loads.retain(|it| allowed.contains(&it.id));
        }
    }
    Ok(loads)
}

/// The locations plan `plan` is sold in, in the order their first panel was added.
pub async fn locations(deps: &Deps, plan: PlanId) -> anyhow::Result<Vec<Location>> {
    let loads = candidates(deps, Some(plan)).await?;
    let mut res: Vec<Location> = Vec::new();
    for load in &loads {
        match res.iter_mut().find(|it| it.label == load.location) {
            Some(known) => known.available |= load.is_usable(),
            None => res.push(Location {
                label: load.location.clone(),
                panel: load.id,
                available: load.is_usable(),
            }),
        }
    }
    Ok(res)
}

/// The location panel `panel` stands for among plan `plan`'s locations, if
/// the plan is sold there and a panel there can take an account now.
pub async fn available_location(
    deps: &Deps,
    plan: PlanId,
    panel: PanelId,
) -> anyhow::Result<Option<String>> {
    let Some(panel) = deps.store.get_panel(panel).await? else {
        return Ok(None);
    };
    let found = locations(deps, plan)
        .await?
        .into_iter()
        .find(|it| it.label == panel.location && it.available);
    Ok(found.map(|it| it.label))
}

/// The panel order `order`'s account is made on: the one recorded by an
/// earlier attempt, else the best panel in the customer's location (any of
/// the plan's locations if they picked none), recorded before the panel is
/// asked so every retry goes to the same panel.
pub async fn panel_for(deps: &Deps, order: &Order) -> anyhow::Result<PanelId> {
    let (location, placed) = deps.store.order_placement(order.id).await?;
    if let Some(panel) = placed {
        return Ok(panel);
    }
    let loads = candidates(deps, order.plan).await?;
    let chosen = choose_panel(&loads, location.as_deref())
        .ok_or(NoRoom { location })?
        .id;
    Ok(deps.store.place_order(order.id, chosen).await?)
}
