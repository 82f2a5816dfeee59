//! A customer applying a promo code on the plan screen: asked for, checked, and carried to the purchase.
//!
//! "🏷 I have a code" opens a dialogue for the plan; the code typed is
//! checked for this customer and plan (every rule, [`ajib_storage::Store::quote_promo`]),
//! and the plan is shown again at the new price. The code then lives in the
//! dialogue (plan and code id), so it survives the location picker; the
//! buttons carry at most the code's id and a panel, and each press checks the
//! dialogue still holds that code. A refused code gets its reason and changes
//! nothing; the order is made with the code checked once more.

use ajib_domain::{PanelId, Plan, PlanId};
use ajib_storage::{Error, PromoId, PromoKey, PromoQuote, PromoRefusal};

use crate::{
    callback::Callback,
    deps::{Deps, now},
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, HandlerError, Reply,
        dialog::{self, Dialog, PromoStep},
        shop,
        staff::cancel_keyboard,
    },
};

/// "🏷 I have a code" on plan `plan`: asks for the code.
pub async fn ask(deps: &Deps, ctx: &Ctx, plan: PlanId) -> Handled {
    let plan = on_sale(deps, plan).await?;
    dialog::save(deps, ctx.user, &Dialog::Promo(PromoStep::Code(plan.id))).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, "promo-ask", &[]),
        cancel_keyboard(deps, ctx),
    )])
}

/// The code the customer typed: the plan at its price with it, or why not
/// (the dialogue stays open for another try).
pub async fn typed(deps: &Deps, ctx: &Ctx, step: PromoStep, text: &str) -> Handled {
    let plan_id = match step {
        PromoStep::Code(plan) | PromoStep::Applied(plan, _) => plan,
    };
    let plan = on_sale(deps, plan_id).await?;
    let key = PromoKey::Text(text);
    let quote = match quote(deps, ctx, &plan, key).await? {
        Ok(quote) => quote,
        Err(refusal) => {
            let text = refusal_text(deps, ctx, refusal);
            return Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]);
        }
    };
    let applied = Dialog::Promo(PromoStep::Applied(plan.id, quote.promo));
    dialog::save(deps, ctx.user, &applied).await;
    shop::plan_offer(deps, ctx, &plan, Some(&quote)).await
}

/// The plan with the applied code again (the back button of a location).
pub async fn plan(deps: &Deps, ctx: &Ctx, promo: PromoId) -> Handled {
    let (plan, promo) = applied(deps, ctx, Some(promo)).await?;
    match quote(deps, ctx, &plan, PromoKey::Id(promo)).await? {
        Ok(quote) => shop::plan_offer(deps, ctx, &plan, Some(&quote)).await,
        Err(refusal) => refused(deps, ctx, &plan, refusal).await,
    }
}

/// The plan with the applied code in the location panel `panel` stands for.
pub async fn plan_at(deps: &Deps, ctx: &Ctx, panel: PanelId) -> Handled {
    let (plan, promo) = applied(deps, ctx, None).await?;
    match quote(deps, ctx, &plan, PromoKey::Id(promo)).await? {
        Ok(quote) => shop::plan_at_offer(deps, ctx, &plan, panel, Some(&quote)).await,
        Err(refusal) => refused(deps, ctx, &plan, refusal).await,
    }
}

/// Buys the plan with the applied code (in `panel`'s location if one was
/// picked); the code is checked again as the order is made.
pub async fn buy(deps: &Deps, ctx: &Ctx, promo: PromoId, panel: Option<PanelId>) -> Handled {
    let (plan, promo) = applied(deps, ctx, Some(promo)).await?;
    let bought = match panel {
        Some(panel) => shop::buy_at(deps, ctx, plan.id, panel, Some(promo)).await,
        None => shop::buy(deps, ctx, plan.id, Some(promo)).await,
    };
    match bought {
        Ok(reply) => {
            dialog::close(deps, ctx.user).await;
            Ok(reply)
        }
        Err(HandlerError::Storage(Error::PromoRefused(refusal))) => {
            refused(deps, ctx, &plan, refusal).await
        }
        Err(err) => Err(err),
    }
}

/// The customer's dialogue's plan and code, if it holds the code `promo`
/// (any code when `None`); a button from another code or an expired
/// dialogue is stale.
async fn applied(
    deps: &Deps,
    ctx: &Ctx,
    promo: Option<PromoId>,
) -> Result<(Plan, PromoId), HandlerError> {
    match dialog::load(deps, ctx.user, ctx.role).await {
        Some(Dialog::Promo(PromoStep::Applied(plan, applied)))
            if promo.is_none_or(|it| it == applied) =>
        {
            Ok((on_sale(deps, plan).await?, applied))
        }
        _ => Err(HandlerError::stale("applied promo code")),
    }
}

/// The plan's price for this customer with the code `key`, or why the code does not apply.
async fn quote(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    key: PromoKey<'_>,
) -> Result<Result<PromoQuote, PromoRefusal>, HandlerError> {
    let quoted = deps
        .store
        .quote_promo(key, ctx.user, plan.id, plan.price, now())
        .await;
    match quoted {
        Ok(quote) => Ok(Ok(quote)),
        Err(Error::PromoRefused(refusal)) => Ok(Err(refusal)),
        Err(err) => Err(err.into()),
    }
}

/// A code that stopped applying: why, and the plan without it; the dialogue is closed.
async fn refused(deps: &Deps, ctx: &Ctx, plan: &Plan, refusal: PromoRefusal) -> Handled {
    dialog::close(deps, ctx.user).await;
    let keyboard = inline(vec![vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Plan(plan.id),
    )]]);
    let reply: Reply = vec![
        Ctx {
            message_id: None,
            ..*ctx
        }
        .say_with(refusal_text(deps, ctx, refusal), keyboard),
    ];
    Ok(reply)
}

/// The customer's words for why a code does not apply.
fn refusal_text(deps: &Deps, ctx: &Ctx, refusal: PromoRefusal) -> String {
    deps.t(ctx.lang, refusal_key(refusal), &[])
}

/// The message id for each refusal.
#[must_use]
pub fn refusal_key(refusal: PromoRefusal) -> &'static str {
    match refusal {
        PromoRefusal::Unknown => "promo-refused-unknown",
        PromoRefusal::Disabled => "promo-refused-disabled",
        PromoRefusal::NotStarted => "promo-refused-not-started",
        PromoRefusal::Expired => "promo-refused-expired",
        PromoRefusal::UsedUp => "promo-refused-used-up",
        PromoRefusal::NotForPlan => "promo-refused-not-for-plan",
        PromoRefusal::AlreadyUsed => "promo-refused-already-used",
        PromoRefusal::FirstPurchaseOnly => "promo-refused-first-purchase",
    }
}

/// The plan `id` if it is still on sale.
async fn on_sale(deps: &Deps, id: PlanId) -> Result<Plan, HandlerError> {
    match deps.store.get_plan(id).await? {
        Some(plan) if plan.active => Ok(plan),
        _ => Err(HandlerError::stale("plan on sale")),
    }
}
