//! The agent's menu in the main bot: their balance and credit, and the way to
//! everything an agent does (buy for a customer, bulk create, their accounts,
//! top up, their prices, their own bot).
//!
//! Being an agent is not a role: every handler here and in `ui::agent_*`
//! first finds the caller's `agents` row (`agent_shared::the_agent`), and every account id
//! a button carries is looked up with `Store::agent_account`, which finds the
//! caller's own accounts only, so a forged button shows and changes nothing.

use ajib_domain::TelegramId;
use ajib_i18n::Arg;

use crate::{
    callback::{Callback, Page},
    deps::Deps,
    format::signed_money,
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, agent_bot, agent_buy, agent_prices, agent_shared::the_agent,
        dialog::AgentStep, staff::cancel_keyboard,
    },
};

/// Whether `user` is an agent, for the main menu's button; a failed lookup
/// (logged) shows no button rather than no menu.
pub async fn is_agent(deps: &Deps, user: TelegramId) -> bool {
    match deps.store.get_agent(user).await {
        Ok(agent) => agent.is_some(),
        Err(err) => {
            log::warn!("could not look up whether {user} is an agent: {err}");
            false
        }
    }
}

/// "🧑‍💼 Agent": the balance (below zero on credit), the credit limit, what is
/// left to spend, a notice when suspended, and the agent's buttons.
pub async fn home(deps: &Deps, ctx: &Ctx) -> Handled {
    let agent = the_agent(deps, ctx).await?;
    let currency = deps.settings.currency;
    let balance = deps.store.signed_balance(ctx.user, currency).await?;
    let limit = i64::try_from(agent.credit_limit_minor).unwrap_or(i64::MAX);
    let left = balance.saturating_add(limit).max(0);
    let mut text = deps.t(
        ctx.lang,
        "agent-home",
        &[
            (
                "balance",
                Arg::from(signed_money(ctx.lang, balance, currency).as_str()),
            ),
            (
                "limit",
                Arg::from(signed_money(ctx.lang, limit, currency).as_str()),
            ),
            (
                "left",
                Arg::from(signed_money(ctx.lang, left, currency).as_str()),
            ),
        ],
    );
    if agent.suspended {
        text = format!("{text}\n\n{}", deps.t(ctx.lang, "agent-suspended", &[]));
    }
    let t = |id: &str| deps.t(ctx.lang, id, &[]);
    let keyboard = inline(vec![
        vec![
            button(t("btn-agent-buy"), Callback::AgentBuy),
            button(t("btn-agent-bulk"), Callback::AgentBulk),
        ],
        vec![button(
            t("btn-agent-accounts"),
            Callback::AgentAccounts(Page(0)),
        )],
        vec![
            // Topping up is the customer's own flow, unchanged: an agent's balance is theirs.
            button(t("btn-agent-topup"), Callback::AddFunds),
            button(t("btn-agent-prices"), Callback::AgentPrices),
        ],
        vec![button(t("btn-agent-bot"), Callback::AgentBot)],
        vec![button(t("btn-menu"), Callback::Menu)],
    ]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// An answer to the agent's open dialogue.
pub async fn on_input(
    deps: &Deps,
    ctx: &Ctx,
    step: AgentStep,
    text: &str,
    message_id: i32,
) -> Handled {
    match step {
        AgentStep::Label(_) => agent_buy::label_typed(deps, ctx, text).await,
        // A number sent at the confirmation replaces the count.
        AgentStep::Count(plan) | AgentStep::BulkConfirm(plan, _) => {
            agent_buy::count_typed(deps, ctx, plan, text).await
        }
        AgentStep::RenewConfirm(..) => Ok(vec![ctx.say_with(
            deps.t(ctx.lang, "agent-use-buttons", &[]),
            cancel_keyboard(deps, ctx),
        )]),
        AgentStep::Retail(plan) => agent_prices::retail_typed(deps, ctx, plan, text).await,
        AgentStep::Token => agent_bot::token_typed(deps, ctx, text, message_id).await,
        AgentStep::Brand => agent_bot::brand_typed(deps, ctx, text).await,
        AgentStep::Support => agent_bot::support_typed(deps, ctx, text).await,
    }
}
