//! Owners' agent screens: the list, one agent's terms and figures, and every change to them.
//!
//! ```text
//! owner: [🧑‍💼 Make agent] (a profile)  bot: 🧑‍💼 Agent Sam (4242): 0% off · credit 0.00 USD · …
//! owner: [⏸ Suspend]                   bot: the same screen, "⏸ Suspended" (the store audits agent.suspend)
//! owner: [🏷 Prices] → [✏️ #1]          bot: Send what Sam pays for Month (list 5.00 USD):
//! owner: 4.50                          bot: ✅ Saved. (the prices again)
//! owner: [💰 Credit]                   bot: the balance dialogue of ui::admin_balance, audited there
//! ```
//!
//! Every button is `Owner` access in the callback table, and every dialogue
//! step needs an owner again ([`Dialog::needs`]). The store validates and
//! audits each change (agent.add, agent.edit, agent.suspend, agent.resume,
//! agent.price, agent.remove); crediting goes through the balance dialogue, so
//! the ledger row, its audit entry and the agent's notice are made in one place.

use ajib_domain::{Currency, Money, PlanId, TelegramId, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::{
    Actor, AgentEdit, AgentSummary, BotPayments, MAX_CREDIT_LIMIT_MINOR, MAX_PERCENT_OFF,
};

use crate::{
    callback::{Callback, Page},
    deps::{Deps, now},
    format::{price, signed_money},
    keyboards::{button, inline, pager},
    ui::{
        Ctx, Handled, HandlerError, admin_balance,
        dialog::{self, AgentTermsStep, Dialog},
        notice,
        staff::{ascii_digits, cancel_keyboard},
    },
};

/// How many agents a page of the list shows, oldest first, each with a button.
const PAGE_SIZE: usize = 10;

/// The agents with balance, accounts and sales, a page at a time, and a button to each.
pub async fn list(deps: &Deps, ctx: &Ctx, page: Page) -> Handled {
    let currency = deps.settings.currency;
    let agents = deps.store.list_agents(currency).await?;
    let mut lines = vec![deps.t(ctx.lang, "admin-agents-title", &[])];
    if agents.is_empty() {
        lines.push(deps.t(ctx.lang, "admin-agents-empty", &[]));
    }
    let mut rows = Vec::new();
    let first = page.0 as usize * PAGE_SIZE;
    for summary in agents.iter().skip(first).take(PAGE_SIZE) {
        let name = display_name(summary);
        let id = summary.agent.user.to_string();
        let state = if summary.agent.suspended { " ⏸" } else { "" };
        lines.push(deps.t(
            ctx.lang,
            "admin-agents-line",
            &[
                ("name", Arg::from(name.as_str())),
                ("id", Arg::from(id.as_str())),
                ("state", Arg::from(state)),
                (
                    "balance",
                    Arg::from(signed_money(ctx.lang, summary.balance_minor, currency).as_str()),
                ),
                ("active", Arg::from(summary.active_accounts)),
                ("accounts", Arg::from(summary.accounts)),
                ("sales", Arg::from(summary.sales)),
                (
                    "amount",
                    Arg::from(minor_text(ctx, summary.sales_minor, currency).as_str()),
                ),
            ],
        ));
        let label = deps.label(
            ctx.lang,
            "btn-admin-agent-open",
            &[("name", Arg::from(name.as_str()))],
        );
        rows.push(vec![button(
            label,
            Callback::AdminAgent(summary.agent.user),
        )]);
    }
    let nav = pager(
        page,
        agents.len() > first + PAGE_SIZE,
        Callback::AdminAgents,
    );
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Admin,
    )]);
    Ok(vec![ctx.screen(lines.join("\n"), inline(rows))])
}

/// One agent: terms, figures and the owner's buttons.
pub async fn show(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    let currency = deps.settings.currency;
    let Some(summary) = deps.store.agent_summary(user, currency).await? else {
        return Ok(not_agent(deps, ctx));
    };
    let agent = &summary.agent;
    let name = display_name(&summary);
    let id = user.to_string();
    let payments = payments_text(deps, ctx, agent.bot_payments);
    let mut lines = vec![
        deps.t(
            ctx.lang,
            "admin-agent-title",
            &[
                ("name", Arg::from(name.as_str())),
                ("id", Arg::from(id.as_str())),
            ],
        ),
        deps.t(
            ctx.lang,
            "admin-agent-terms",
            &[
                ("percent", Arg::from(u64::from(agent.percent_off))),
                (
                    "limit",
                    Arg::from(minor_text(ctx, agent.credit_limit_minor, currency).as_str()),
                ),
                ("payments", Arg::from(payments.as_str())),
            ],
        ),
        deps.t(
            ctx.lang,
            "admin-agent-figures",
            &[
                (
                    "balance",
                    Arg::from(signed_money(ctx.lang, summary.balance_minor, currency).as_str()),
                ),
                ("active", Arg::from(summary.active_accounts)),
                ("accounts", Arg::from(summary.accounts)),
                ("sales", Arg::from(summary.sales)),
                (
                    "amount",
                    Arg::from(minor_text(ctx, summary.sales_minor, currency).as_str()),
                ),
            ],
        ),
    ];
    lines.push(match &summary.bot {
        Some(bot) => deps.t(
            ctx.lang,
            "admin-agent-bot",
            &[("bot", Arg::from(bot.as_str()))],
        ),
        None => deps.t(ctx.lang, "admin-agent-no-bot", &[]),
    });
    if agent.suspended {
        lines.push(deps.t(ctx.lang, "admin-agent-suspended", &[]));
    }
    let t = |key: &str| deps.t(ctx.lang, key, &[]);
    let pause = match agent.suspended {
        true => button(
            t("btn-admin-agent-resume"),
            Callback::AdminAgentResume(user),
        ),
        false => button(
            t("btn-admin-agent-suspend"),
            Callback::AdminAgentSuspend(user),
        ),
    };
    let rows = vec![
        vec![
            pause,
            button(
                t("btn-admin-agent-credit"),
                Callback::AdminAgentCredit(user),
            ),
        ],
        vec![
            button(
                t("btn-admin-agent-prices"),
                Callback::AdminAgentPrices(user),
            ),
            button(
                deps.label(
                    ctx.lang,
                    "btn-admin-agent-payments",
                    &[("payments", Arg::from(payments.as_str()))],
                ),
                Callback::AdminAgentPayments(user),
            ),
        ],
        vec![
            button(t("btn-admin-agent-profile"), Callback::AdminUser(user)),
            button(
                t("btn-admin-agent-remove"),
                Callback::AdminAgentRemove(user),
            ),
        ],
        vec![button(t("btn-back"), Callback::AdminAgents(Page(0)))],
    ];
    Ok(vec![ctx.screen(lines.join("\n"), inline(rows))])
}

/// "🧑‍💼 Make agent" on a profile: the user becomes an agent on default terms, then their screen.
pub async fn make(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    if deps.store.get_user(user).await?.is_none() {
        return Ok(notice(deps, ctx, "admin-user-not-found"));
    }
    let added = deps
        .store
        .add_agent(user, AgentEdit::default(), actor(ctx), now())
        .await;
    match added {
        // Already one (a second tap, or another owner first): just show them.
        Ok(_) | Err(ajib_storage::Error::Conflict { .. }) => show(deps, ctx, user).await,
        Err(err) => Err(err.into()),
    }
}

/// ⏸ Suspend or ▶️ Resume (the store audits which), then the agent's screen.
pub async fn set_suspended(deps: &Deps, ctx: &Ctx, user: TelegramId, suspended: bool) -> Handled {
    let edit = AgentEdit {
        suspended: Some(suspended),
        ..AgentEdit::default()
    };
    edit_then_show(deps, ctx, user, edit).await
}

/// 💳 Bot payments: Heleket ↔ none, then the agent's screen.
pub async fn toggle_payments(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    let Some(agent) = deps.store.get_agent(user).await? else {
        return Ok(not_agent(deps, ctx));
    };
    let next = match agent.bot_payments {
        BotPayments::Heleket => BotPayments::None,
        BotPayments::None => BotPayments::Heleket,
    };
    let edit = AgentEdit {
        bot_payments: Some(next),
        ..AgentEdit::default()
    };
    edit_then_show(deps, ctx, user, edit).await
}

/// 💰 Credit: the balance dialogue of [`admin_balance`] for this agent.
pub async fn credit(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    if deps.store.get_agent(user).await?.is_none() {
        return Ok(not_agent(deps, ctx));
    }
    admin_balance::ask_amount(deps, ctx, user).await
}

/// 🗑 Remove: done, or the store's refusal (they own accounts or money: suspend instead).
pub async fn remove(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    let removed = deps
        .store
        .remove_agent(user, deps.settings.currency, actor(ctx), now())
        .await;
    let id = user.to_string();
    let key = match removed {
        Ok(()) => "admin-agent-removed",
        Err(ajib_storage::Error::Conflict { .. }) => "admin-agent-remove-refused",
        Err(ajib_storage::Error::NotFound { .. }) => return Ok(not_agent(deps, ctx)),
        Err(err) => return Err(err.into()),
    };
    let text = deps.t(ctx.lang, key, &[("id", Arg::from(id.as_str()))]);
    let back = match removed {
        Ok(()) => Callback::AdminAgents(Page(0)),
        Err(_) => Callback::AdminAgent(user),
    };
    let keyboard = inline(vec![vec![button(deps.t(ctx.lang, "btn-back", &[]), back)]]);
    Ok(vec![ctx.say_with(text, keyboard)])
}

/// 🏷 Prices: what the agent pays for each plan on sale, with a button to set
/// each and one back to the default discount where a price is set.
pub async fn prices(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    let Some(agent) = deps.store.get_agent(user).await? else {
        return Ok(not_agent(deps, ctx));
    };
    let plans = deps.store.list_plans(true).await?;
    let prices = deps.store.agent_prices(user).await?;
    let id = user.to_string();
    let mut lines = vec![deps.t(
        ctx.lang,
        "admin-agent-prices-title",
        &[
            ("id", Arg::from(id.as_str())),
            ("percent", Arg::from(u64::from(agent.percent_off))),
        ],
    )];
    let mut rows = Vec::new();
    for it in &prices {
        let name = plans
            .iter()
            .find(|plan| plan.id == it.plan)
            .map(|plan| plan.name_in(ctx.lang).to_owned())
            .unwrap_or_default();
        let key = match it.cost_set {
            true => "admin-agent-price-set",
            false => "admin-agent-price-default",
        };
        let plan_id = it.plan.to_string();
        lines.push(deps.t(
            ctx.lang,
            key,
            &[
                ("plan", Arg::from(name.as_str())),
                ("list", Arg::from(price(ctx.lang, it.list).as_str())),
                ("cost", Arg::from(price(ctx.lang, it.cost).as_str())),
            ],
        ));
        let plan_arg = [("plan", Arg::from(plan_id.as_str()))];
        let mut row = vec![button(
            deps.label(ctx.lang, "btn-admin-agent-price", &plan_arg),
            Callback::AdminAgentPrice((user, it.plan)),
        )];
        if it.cost_set {
            row.push(button(
                deps.label(ctx.lang, "btn-admin-agent-price-default", &plan_arg),
                Callback::AdminAgentPriceDefault((user, it.plan)),
            ));
        }
        rows.push(row);
    }
    let t = |key: &str| deps.t(ctx.lang, key, &[]);
    rows.push(vec![
        button(
            t("btn-admin-agent-percent"),
            Callback::AdminAgentPercent(user),
        ),
        button(t("btn-admin-agent-limit"), Callback::AdminAgentLimit(user)),
    ]);
    rows.push(vec![button(t("btn-back"), Callback::AdminAgent(user))]);
    Ok(vec![ctx.screen(lines.join("\n"), inline(rows))])
}

/// Asks for the agent's price of one plan.
pub async fn ask_price(deps: &Deps, ctx: &Ctx, user: TelegramId, plan: PlanId) -> Handled {
    if deps.store.get_agent(user).await?.is_none() {
        return Ok(not_agent(deps, ctx));
    }
    let Some(found) = deps.store.get_plan(plan).await? else {
        return Err(HandlerError::stale("plan"));
    };
    let text = deps.t(
        ctx.lang,
        "admin-agent-ask-price",
        &[
            ("plan", Arg::from(found.name_in(ctx.lang))),
            ("list", Arg::from(price(ctx.lang, found.price).as_str())),
        ],
    );
    ask(deps, ctx, AgentTermsStep::Price(user, plan), text).await
}

/// Asks for the agent's default discount.
pub async fn ask_percent(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    if deps.store.get_agent(user).await?.is_none() {
        return Ok(not_agent(deps, ctx));
    }
    let text = deps.t(
        ctx.lang,
        "admin-agent-ask-percent",
        &[("max", Arg::from(u64::from(MAX_PERCENT_OFF)))],
    );
    ask(deps, ctx, AgentTermsStep::PercentOff(user), text).await
}

/// Asks for the agent's credit limit.
pub async fn ask_limit(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    if deps.store.get_agent(user).await?.is_none() {
        return Ok(not_agent(deps, ctx));
    }
    let text = deps.t(ctx.lang, "admin-agent-ask-limit", &[]);
    ask(deps, ctx, AgentTermsStep::CreditLimit(user), text).await
}

/// Back to the default discount for one plan (audited), then the prices.
pub async fn price_default(deps: &Deps, ctx: &Ctx, user: TelegramId, plan: PlanId) -> Handled {
    match deps
        .store
        .set_agent_price(user, plan, None, actor(ctx), now())
        .await
    {
        Ok(()) => prices(deps, ctx, user).await,
        Err(ajib_storage::Error::NotFound { what: "agent" }) => Ok(not_agent(deps, ctx)),
        Err(ajib_storage::Error::NotFound { .. }) => Err(HandlerError::stale("plan")),
        Err(err) => Err(err.into()),
    }
}

/// The owner's answer to a terms question: saved and the prices shown, or asked again.
pub async fn typed(deps: &Deps, ctx: &Ctx, step: AgentTermsStep, text: &str) -> Handled {
    let currency = deps.settings.currency;
    let text = ascii_digits(text.trim());
    let (user, saved) = match step {
        AgentTermsStep::PercentOff(user) => {
            let Some(percent) = text.parse::<u8>().ok().filter(|it| *it <= MAX_PERCENT_OFF) else {
                return Ok(again(deps, ctx, "admin-agent-bad-percent", currency));
            };
            let edit = AgentEdit {
                percent_off: Some(percent),
                ..AgentEdit::default()
            };
            (user, edit_agent(deps, ctx, user, edit).await?)
        }
        AgentTermsStep::CreditLimit(user) => {
            let Some(limit) = parse_amount(&text, currency)
                .and_then(|it| u64::try_from(it.minor()).ok())
                .filter(|it| *it <= MAX_CREDIT_LIMIT_MINOR)
            else {
                return Ok(again(deps, ctx, "admin-agent-bad-amount", currency));
            };
            let edit = AgentEdit {
                credit_limit_minor: Some(limit),
                ..AgentEdit::default()
            };
            (user, edit_agent(deps, ctx, user, edit).await?)
        }
        AgentTermsStep::Price(user, plan) => {
            let Some(amount) = parse_amount(&text, currency).filter(|it| !it.is_zero()) else {
                return Ok(again(deps, ctx, "admin-agent-bad-amount", currency));
            };
            let set = deps
                .store
                .set_agent_price(user, plan, Some(amount), actor(ctx), now())
                .await;
            match set {
                Ok(()) => (user, true),
                Err(ajib_storage::Error::NotFound { what: "agent" }) => (user, false),
                Err(ajib_storage::Error::NotFound { .. }) => {
                    dialog::close(deps, ctx.user).await;
                    return Err(HandlerError::stale("plan"));
                }
                Err(err) => return Err(err.into()),
            }
        }
    };
    dialog::close(deps, ctx.user).await;
    if !saved {
        return Ok(not_agent(deps, ctx));
    }
    let mut reply = vec![ctx.say(deps.t(ctx.lang, "admin-agent-saved", &[]))];
    let below = Ctx {
        message_id: None,
        ..*ctx
    };
    reply.extend(prices(deps, &below, user).await?);
    Ok(reply)
}

/// The statistics section: agents, the orders they paid since `since` and what they paid.
pub async fn stats_section(
    deps: &Deps,
    ctx: &Ctx,
    since: UnixTime,
    days: i64,
) -> Result<String, HandlerError> {
    let sales = deps.store.agent_sales(since).await?;
    let revenue = minor_text(ctx, sales.revenue_minor, deps.settings.currency);
    Ok(deps.t(
        ctx.lang,
        "admin-stats-agents",
        &[
            ("agents", Arg::from(sales.agents)),
            ("orders", Arg::from(sales.orders)),
            ("days", Arg::Num(days)),
            ("revenue", Arg::from(revenue.as_str())),
        ],
    ))
}

/// Opens the terms dialogue at `step` with its question.
async fn ask(deps: &Deps, ctx: &Ctx, step: AgentTermsStep, text: String) -> Handled {
    dialog::save(deps, ctx.user, &Dialog::AgentTerms(step)).await;
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

/// Applies `edit`; `false` when the user is no longer an agent.
async fn edit_agent(
    deps: &Deps,
    ctx: &Ctx,
    user: TelegramId,
    edit: AgentEdit,
) -> Result<bool, HandlerError> {
    match deps.store.edit_agent(user, edit, actor(ctx), now()).await {
        Ok(_) => Ok(true),
        Err(ajib_storage::Error::NotFound { .. }) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

async fn edit_then_show(deps: &Deps, ctx: &Ctx, user: TelegramId, edit: AgentEdit) -> Handled {
    match edit_agent(deps, ctx, user, edit).await? {
        true => show(deps, ctx, user).await,
        false => Ok(not_agent(deps, ctx)),
    }
}

fn actor(ctx: &Ctx) -> Actor {
    Actor::Admin(ctx.user)
}

fn not_agent(deps: &Deps, ctx: &Ctx) -> Vec<ajib_transport::Outgoing> {
    notice(deps, ctx, "admin-agent-not-found")
}

fn again(deps: &Deps, ctx: &Ctx, key: &str, currency: Currency) -> Vec<ajib_transport::Outgoing> {
    let text = deps.t(
        ctx.lang,
        key,
        &[
            ("currency", Arg::from(currency.code())),
            ("max", Arg::from(u64::from(MAX_PERCENT_OFF))),
        ],
    );
    vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]
}

/// A non-negative amount in `currency` as typed ("4.50", "۴٫۵۰" after [`ascii_digits`]).
fn parse_amount(text: &str, currency: Currency) -> Option<Money> {
    Money::parse(text, currency).ok()
}

/// The agent's name as the owner knows them: first name and @username, else the id.
fn display_name(summary: &AgentSummary) -> String {
    let name = summary.first_name.trim();
    match (&summary.username, name.is_empty()) {
        (Some(username), true) => format!("@{username}"),
        (Some(username), false) => format!("{name} @{username}"),
        (None, false) => name.to_owned(),
        (None, true) => summary.agent.user.to_string(),
    }
}

fn payments_text(deps: &Deps, ctx: &Ctx, payments: BotPayments) -> String {
    let key = match payments {
        BotPayments::Heleket => "admin-agent-payments-heleket",
        BotPayments::None => "admin-agent-payments-none",
    };
    deps.t(ctx.lang, key, &[])
}

/// Minor units (a sum or a limit, never below zero) as money in the shop's currency.
fn minor_text(ctx: &Ctx, minor: u64, currency: Currency) -> String {
    signed_money(ctx.lang, i64::try_from(minor).unwrap_or(i64::MAX), currency)
}
