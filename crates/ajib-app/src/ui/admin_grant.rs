//! Granting a plan for free: pick the plan on the user's profile, give a reason, and the
//! provisioning worker delivers the account as if it had been bought.
//!
//! ```text
//! admin: [🎁 Grant plan]      bot: Which plan should user 1001 get for free?  [🟢 Monthly] [⚪ Old] [Back]
//! admin: [🟢 Monthly]         bot: Why is Monthly granted? The reason goes to the audit log.
//! admin: refund for outage    bot: ✅ Monthly granted to 1001 (order #42); the account is on its way.
//! ```
//!
//! The grant is an order of amount zero, paid together with its provisioning job
//! in one transaction, so it is delivered exactly once and never counted as revenue.

use ajib_domain::{Money, PlanId, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::NewOrder;

use crate::{
    callback::Callback,
    deps::{Deps, now},
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, HandlerError, admin_users,
        dialog::{self, Dialog, UserStep},
        notice,
        staff::{audit, cancel_keyboard, invalid},
    },
};

/// Longest reason accepted, in characters.
const MAX_REASON_CHARS: usize = 200;

/// Lists every plan (hidden ones too: a grant may use a plan no longer on sale).
pub async fn pick_plan(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    if deps.store.get_user(user).await?.is_none() {
        return Ok(notice(deps, ctx, "admin-user-not-found"));
    }
    let plans = deps.store.list_plans(false).await?;
    let mut rows: Vec<_> = plans
        .iter()
        .map(|plan| {
            let mark = if plan.active { "🟢" } else { "⚪" };
            let label = format!("{mark} {} · {} d", plan.name_in(ctx.lang), plan.days);
            vec![button(label, Callback::AdminGrantPlan((user, plan.id)))]
        })
        .collect();
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::AdminUser(user),
    )]);
    let user_text = user.to_string();
    let text = deps.t(
        ctx.lang,
        "admin-grant-pick",
        &[("user", Arg::from(user_text.as_str()))],
    );
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// Asks why the plan is granted; the answer completes the grant.
pub async fn ask_reason(deps: &Deps, ctx: &Ctx, user: TelegramId, plan: PlanId) -> Handled {
    let plan_row = deps
        .store
        .get_plan(plan)
        .await?
        .ok_or(HandlerError::stale("plan"))?;
    dialog::save(
        deps,
        ctx.user,
        &Dialog::Users(UserStep::GrantReason(user, plan)),
    )
    .await;
    let name = plan_row.name_in(ctx.lang);
    let text = deps.t(
        ctx.lang,
        "admin-grant-ask-reason",
        &[("plan", Arg::from(name))],
    );
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

/// Stores the grant with its provisioning job, audits it, and shows the profile again.
pub async fn grant(
    deps: &Deps,
    ctx: &Ctx,
    user: TelegramId,
    plan: PlanId,
    reason: &str,
) -> Handled {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Ok(invalid(
            deps,
            ctx,
            &format!("1..{MAX_REASON_CHARS} characters"),
        ));
    }
    let Some(plan_row) = deps.store.get_plan(plan).await? else {
        dialog::close(deps, ctx.user).await;
        return Err(HandlerError::stale("plan"));
    };
    let order = NewOrder {
        user,
        plan,
        renews: None,
        amount: Money::zero(plan_row.price.currency()),
        note: Some(format!("granted by {}: {reason}", ctx.user)),
        location: None,
    };
    let (order, job) = deps.store.create_granted_order(&order, now()).await?;
    dialog::close(deps, ctx.user).await;
    log::info!(
        "{} granted plan {plan} to {user}: order {} queued as job {job}",
        ctx.user,
        order.id
    );
    deps.provision_wake.notify_one();
    let after = serde_json::json!({ "user": user.0, "plan": plan.0, "order": order.id.0,
        "reason": reason })
    .to_string();
    audit(deps, ctx.user, "user.grant", None, &after).await;
    let name = plan_row.name_in(ctx.lang);
    let user_text = user.to_string();
    let order_text = order.id.to_string();
    let text = deps.t(
        ctx.lang,
        "admin-granted",
        &[
            ("plan", Arg::from(name)),
            ("user", Arg::from(user_text.as_str())),
            ("order", Arg::from(order_text.as_str())),
        ],
    );
    let mut reply = vec![ctx.say(text)];
    reply.extend(admin_users::profile(deps, ctx, user).await?);
    Ok(reply)
}
