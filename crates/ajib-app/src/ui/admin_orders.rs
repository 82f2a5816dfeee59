//! Admin actions on orders: queueing a stuck provisioning again.

use ajib_domain::OrderId;
use ajib_i18n::Arg;
use ajib_storage::RetryOutcome;

use crate::{
    deps::{Deps, now},
    keyboards::menu_only,
    ui::{Ctx, Handled, staff::audit},
};

/// Queues the provisioning of a paid order again (the "Retry" of a stuck-order alert); audited.
pub async fn retry(deps: &Deps, ctx: &Ctx, order: OrderId) -> Handled {
    // An unknown order is a storage NotFound, which the router shows as a stale button.
    let id = match deps.store.retry_provisioning(order, now()).await? {
        RetryOutcome::Queued(_) => {
            let after = serde_json::json!({ "order": order.0 }).to_string();
            audit(deps, ctx.user, "order.retry_provisioning", None, &after).await;
            deps.provision_wake.notify_one();
            "admin-retry-queued"
        }
        RetryOutcome::AlreadyQueued(_) => "admin-retry-already-queued",
        RetryOutcome::AlreadyProvisioned => "admin-retry-done-already",
        RetryOutcome::NotPaid => "admin-retry-not-paid",
    };
    let order_ref = order.to_string();
    let text = deps.t(ctx.lang, id, &[("order", Arg::from(order_ref.as_str()))]);
    Ok(vec![ctx.say_with(text, menu_only(deps, ctx.lang))])
}
