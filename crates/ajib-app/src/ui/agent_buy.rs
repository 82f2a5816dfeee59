//! An agent buying: one account for a customer by name or note, or up to
//! [`MAX_BATCH`] accounts of a plan at once.
//!
//! Each purchase happens exactly once: the answer or button that completes it
//! takes the dialogue out of the database in one step, so a repeated message
//! or a double tap finds nothing to buy with, and the store pays from the
//! balance and credit in one transaction.

use ajib_domain::{PlanId, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::{AgentPurchase, Bought, MAX_BATCH, MAX_LABEL_CHARS};

use crate::{
    callback::Callback,
    core::mail,
    deps::{Deps, now},
    format::{price, signed_money},
    ui::{
        Ctx, Handled, HandlerError,
        agent_shared::{
            back_home, buying_agent, confirm_keyboard, name_of, plan_names, plan_picker, refused,
        },
        dialog::{self, AgentStep, Dialog},
        staff::{ascii_digits, cancel_keyboard},
    },
};

/// "🛒 Buy for a customer": the plans with what each costs the agent.
pub async fn buy_plans(deps: &Deps, ctx: &Ctx) -> Handled {
    plans_to_buy(deps, ctx, "agent-buy-title", &Callback::AgentBuyPlan).await
}

/// The plans at the agent's cost under title `title_id`, each pressing `pick`, unless they may not buy.
async fn plans_to_buy(
    deps: &Deps,
    ctx: &Ctx,
    title_id: &str,
    pick: &(dyn Fn(PlanId) -> Callback + Sync),
) -> Handled {
    if let Err(reply) = buying_agent(deps, ctx).await? {
        return Ok(reply);
    }
    let title = deps.t(ctx.lang, title_id, &[]);
    plan_picker(deps, ctx, title, pick, Callback::Agent).await
}

/// Opens dialogue `step` about `plan` and asks question `id` (with the plan's name and
/// cost, and `extra`), unless the agent may not buy.
async fn ask_about(
    deps: &Deps,
    ctx: &Ctx,
    plan: PlanId,
    step: AgentStep,
    id: &str,
    extra: &[(&str, Arg<'_>)],
) -> Handled {
    if let Err(reply) = buying_agent(deps, ctx).await? {
        return Ok(reply);
    }
    let cost = deps.store.agent_price(ctx.user, plan).await?.cost;
    let names = plan_names(deps, ctx.lang).await?;
    dialog::save(deps, ctx.user, &Dialog::Agent(step)).await;
    let cost = price(ctx.lang, cost);
    let mut args = vec![
        ("plan", Arg::from(name_of(&names, plan))),
        ("cost", Arg::from(cost.as_str())),
    ];
    args.extend_from_slice(extra);
    let text = deps.t(ctx.lang, id, &args);
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

/// A plan was picked: asks for the customer's name or note.
pub async fn ask_label(deps: &Deps, ctx: &Ctx, plan: PlanId) -> Handled {
    let step = AgentStep::Label(plan);
    ask_about(deps, ctx, plan, step, "agent-ask-label", &[]).await
}

/// The customer's name arrived: the dialogue is taken (once), then the account is bought.
pub async fn label_typed(deps: &Deps, ctx: &Ctx, text: &str) -> Handled {
    let taken = dialog::take_agent_step(deps, ctx.user, |step| match step {
        AgentStep::Label(plan) => Some(plan),
        _ => None,
    })
    .await;
    let Some(plan) = taken else {
        return Err(HandlerError::stale("an agent's purchase already made"));
    };
    let label = text.trim();
    if !is_label(label) {
        dialog::save(deps, ctx.user, &Dialog::Agent(AgentStep::Label(plan))).await;
        let text = deps.t(
            ctx.lang,
            "agent-label-invalid",
            &[("max", Arg::from(MAX_LABEL_CHARS as i64))],
        );
        return Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]);
    }
    let purchase = AgentPurchase {
        agent: ctx.user,
        plan,
        label: Some(label.to_owned()),
        count: 1,
    };
    let bought = match deps.store.agent_buy(purchase, now()).await {
        Ok(bought) => bought,
        Err(err) => return refused(deps, ctx, err),
    };
    started(deps, ctx.user, &bought);
    let names = plan_names(deps, ctx.lang).await?;
    let text = deps.t(
        ctx.lang,
        "agent-bought",
        &[
            ("plan", Arg::from(name_of(&names, plan))),
            ("label", Arg::from(label)),
            ("cost", Arg::from(price(ctx.lang, bought.total).as_str())),
            ("balance", Arg::from(balance_text(ctx, &bought).as_str())),
        ],
    );
    Ok(back_home(deps, ctx, text))
}

/// "📦 Bulk create": the plans with what each costs the agent.
pub async fn bulk_plans(deps: &Deps, ctx: &Ctx) -> Handled {
    plans_to_buy(deps, ctx, "agent-bulk-title", &Callback::AgentBulkPlan).await
}

/// A plan was picked for bulk creation: asks how many.
pub async fn ask_count(deps: &Deps, ctx: &Ctx, plan: PlanId) -> Handled {
    let max = [("max", Arg::from(i64::from(MAX_BATCH)))];
    ask_about(
        deps,
        ctx,
        plan,
        AgentStep::Count(plan),
        "agent-ask-count",
        &max,
    )
    .await
}

/// The count arrived: N × cost = total and the balance after, to confirm;
/// a count the balance and credit cannot cover is refused at once.
pub async fn count_typed(deps: &Deps, ctx: &Ctx, plan: PlanId, text: &str) -> Handled {
    let agent = match buying_agent(deps, ctx).await? {
        Ok(agent) => agent,
        Err(reply) => {
            dialog::close(deps, ctx.user).await;
            return Ok(reply);
        }
    };
    let Some(count) = parse_count(text) else {
        let text = deps.t(
            ctx.lang,
            "agent-count-invalid",
            &[("max", Arg::from(i64::from(MAX_BATCH)))],
        );
        return Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]);
    };
    let currency = deps.settings.currency;
    let cost = deps.store.agent_price(ctx.user, plan).await?.cost;
    let total = cost.minor().saturating_mul(i64::from(count));
    let balance = deps.store.signed_balance(ctx.user, currency).await?;
    let after = balance.saturating_sub(total);
    let limit = i64::try_from(agent.credit_limit_minor).unwrap_or(i64::MAX);
    if after < -limit {
        // The dialogue stays open: a smaller number may fit.
        let err = ajib_storage::Error::CreditLimit {
            balance_minor: balance,
            limit_minor: agent.credit_limit_minor,
            needed_minor: total,
        };
        return refused(deps, ctx, err);
    }
    let names = plan_names(deps, ctx.lang).await?;
    dialog::save(
        deps,
        ctx.user,
        &Dialog::Agent(AgentStep::BulkConfirm(plan, count)),
    )
    .await;
    let money = |minor: i64| signed_money(ctx.lang, minor, currency);
    let text = deps.t(
        ctx.lang,
        "agent-bulk-confirm",
        &[
            ("count", Arg::from(i64::from(count))),
            ("plan", Arg::from(name_of(&names, plan))),
            ("cost", Arg::from(price(ctx.lang, cost).as_str())),
            ("total", Arg::from(money(total).as_str())),
            ("balance", Arg::from(money(balance).as_str())),
            ("after", Arg::from(money(after).as_str())),
        ],
    );
    let keyboard = confirm_keyboard(deps, ctx.lang, Callback::AgentBulkConfirm);
    Ok(vec![ctx.say_with(text, keyboard)])
}

/// "✅ Confirm" on a bulk purchase: the confirmation is taken (once), then
/// the accounts are bought; their configs go out as one file when all are made.
pub async fn bulk_confirm(deps: &Deps, ctx: &Ctx) -> Handled {
    let taken = dialog::take_agent_step(deps, ctx.user, |step| match step {
        AgentStep::BulkConfirm(plan, count) => Some((plan, count)),
        _ => None,
    })
    .await;
    let Some((plan, count)) = taken else {
        return Err(HandlerError::stale("an agent's bulk purchase already made"));
    };
    let purchase = AgentPurchase {
        agent: ctx.user,
        plan,
        label: None,
        count,
    };
    let bought = match deps.store.agent_buy(purchase, now()).await {
        Ok(bought) => bought,
        Err(err) => return refused(deps, ctx, err),
    };
    started(deps, ctx.user, &bought);
    let names = plan_names(deps, ctx.lang).await?;
    let text = deps.t(
        ctx.lang,
        "agent-bulk-bought",
        &[
            ("count", Arg::from(i64::from(count))),
            ("plan", Arg::from(name_of(&names, plan))),
            ("total", Arg::from(price(ctx.lang, bought.total).as_str())),
            ("balance", Arg::from(balance_text(ctx, &bought).as_str())),
        ],
    );
    Ok(back_home(deps, ctx, text))
}

/// Logs a purchase and wakes the workers that make its accounts and send its mail.
pub(crate) fn started(deps: &Deps, agent: TelegramId, bought: &Bought) {
    log::info!(
        "agent {agent} bought {} order(s) for {}; balance now {}",
        bought.orders.len(),
        bought.total,
        bought.balance_minor
    );
    deps.provision_wake.notify_one();
    mail::wake();
}

/// The agent's balance after a purchase, signed.
pub(crate) fn balance_text(ctx: &Ctx, bought: &Bought) -> String {
    signed_money(ctx.lang, bought.balance_minor, bought.total.currency())
}

/// Whether `label` is a name or note the store takes: 1 to 64 characters on one line.
fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.chars().count() <= MAX_LABEL_CHARS
        && !label.chars().any(char::is_control)
}

/// A count of accounts, 1 to [`MAX_BATCH`], in ASCII or Persian digits.
fn parse_count(text: &str) -> Option<u32> {
    ascii_digits(text.trim())
        .parse::<u32>()
        .ok()
        .filter(|it| (1..=MAX_BATCH).contains(it))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_one_to_fifty_in_either_digits() {
        assert_eq!(parse_count("3"), Some(3));
        assert_eq!(parse_count(" ۵۰ "), Some(50));
        for bad in ["0", "51", "-1", "three", "", "2.5"] {
            assert_eq!(parse_count(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn labels_are_one_line_of_at_most_64_characters() {
        assert!(is_label("Ali — Samsung"));
        assert!(is_label(&"ж".repeat(64)));
        assert!(!is_label(""));
        assert!(!is_label(&"x".repeat(65)));
        assert!(!is_label("two\nlines"));
    }
}
