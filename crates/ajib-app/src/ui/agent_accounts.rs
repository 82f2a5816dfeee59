//! An agent's accounts: the paged list, one account with live usage and
//! expiry, its renewal (a plan, a confirmation, then once) and its configs.
//!
//! Every account id a button carries goes through `Store::agent_account`
//! (`own_account`): another agent's or a customer's account is "not found"
//! and nothing is shown, sent or renewed.

use ajib_domain::{PlanId, ServiceId};
use ajib_i18n::Arg;
use ajib_storage::AgentAccount;

use crate::{
    callback::{Callback, Page},
    core::delivery::config_messages,
    deps::{Deps, now},
    format::{date, price, signed_money},
    keyboards::{button, inline, pager},
    ui::{
        Ctx, Handled, HandlerError,
        agent_buy::{balance_text, started},
        agent_shared::{
            back_home, buying_agent, confirm_keyboard, name_of, plan_names, plan_picker, refused,
            the_agent,
        },
        dialog::{self, AgentStep, Dialog},
        notice,
        services::{live_usages, stored_status_id, usage_view},
    },
};

/// Accounts on one page of the list.
const PAGE_SIZE: u32 = 8;

/// "📋 My accounts": one page, newest first, each with its name, plan, expiry and status.
pub async fn list(deps: &Deps, ctx: &Ctx, page: Page) -> Handled {
    the_agent(deps, ctx).await?;
    let offset = page.0.saturating_mul(PAGE_SIZE);
    let mut accounts = deps
        .store
        .agent_accounts(ctx.user, offset, PAGE_SIZE + 1)
        .await?;
    let more = accounts.len() > PAGE_SIZE as usize;
    accounts.truncate(PAGE_SIZE as usize);
    if accounts.is_empty() {
        let keyboard = inline(vec![
            vec![button(
                deps.t(ctx.lang, "btn-agent-buy", &[]),
                Callback::AgentBuy,
            )],
            vec![button(deps.t(ctx.lang, "btn-back", &[]), Callback::Agent)],
        ]);
        return Ok(vec![
            ctx.screen(deps.t(ctx.lang, "agent-accounts-empty", &[]), keyboard),
        ]);
    }
    let names = plan_names(deps, ctx.lang).await?;
    let at = now();
    let mut text = deps.t(
        ctx.lang,
        "agent-accounts-title",
        &[("page", Arg::from(i64::from(page.0) + 1))],
    );
    let mut buttons = Vec::new();
    for (idx, account) in accounts.iter().enumerate() {
        let n = i64::from(offset) + idx as i64 + 1;
        let label = label_of(account);
        let plan = account.service.plan.map_or("—", |it| name_of(&names, it));
        let status = deps.t(ctx.lang, stored_status_id(&account.service, at), &[]);
        let line = deps.t(
            ctx.lang,
            "agent-account-line",
            &[
                ("n", Arg::from(n)),
                ("label", Arg::from(label)),
                ("plan", Arg::from(plan)),
                (
                    "expires",
                    Arg::from(date(ctx.lang, account.service.expires).as_str()),
                ),
                ("status", Arg::from(status.as_str())),
            ],
        );
        text = format!("{text}\n{line}");
        let caption = deps.label(
            ctx.lang,
            "agent-account-button",
            &[("n", Arg::from(n)), ("label", Arg::from(label))],
        );
        buttons.push(button(caption, Callback::AgentAccount(account.service.id)));
    }
    let mut rows: Vec<_> = buttons.chunks(2).map(<[_]>::to_vec).collect();
    let nav = pager(page, more, Callback::AgentAccounts);
    if !nav.is_empty() {
        rows.push(nav);
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Agent,
    )]);
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// One of the agent's accounts: live usage and expiry from its panel, renew and configs.
pub async fn account(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let account = own_account(deps, ctx, id).await?;
    let service = &account.service;
    let at = now();
    let live = live_usages(deps, &[service]).await.pop().flatten();
    let usage = usage_view(deps, ctx.lang, service, at, live.as_ref());
    let names = plan_names(deps, ctx.lang).await?;
    let plan = service.plan.map_or("—", |it| name_of(&names, it));
    let status = deps.t(ctx.lang, usage.status_id, &[]);
    let mut text = deps.t(
        ctx.lang,
        "agent-account",
        &[
            ("label", Arg::from(label_of(&account))),
            ("plan", Arg::from(plan)),
            ("username", Arg::from(service.blitz_username.as_str())),
            ("status", Arg::from(status.as_str())),
            (
                "expires",
                Arg::from(date(ctx.lang, service.expires).as_str()),
            ),
            ("days", Arg::from(service.days_left(at))),
            ("used", Arg::from(usage.used.as_str())),
            ("limit", Arg::from(usage.limit.as_str())),
        ],
    );
    if !usage.live {
        let line = deps.t(ctx.lang, "service-usage-unavailable", &[]);
        text = format!("{text}\n\n{line}");
    }
    let keyboard = inline(vec![
        vec![
            button(
                deps.t(ctx.lang, "btn-agent-renew", &[]),
                Callback::AgentRenew(id),
            ),
            button(
                deps.t(ctx.lang, "btn-agent-configs", &[]),
                Callback::AgentConfigs(id),
            ),
        ],
        vec![button(
            deps.t(ctx.lang, "btn-back", &[]),
            Callback::AgentAccounts(Page(0)),
        )],
    ]);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// "🔄 Renew": the plans with what each costs the agent.
pub async fn renew_plans(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let account = own_account(deps, ctx, id).await?;
    if let Err(reply) = buying_agent(deps, ctx).await? {
        return Ok(reply);
    }
    let title = deps.t(
        ctx.lang,
        "agent-renew-title",
        &[("label", Arg::from(label_of(&account)))],
    );
    let pick = move |plan| Callback::AgentRenewPlan((id, plan));
    plan_picker(deps, ctx, title, &pick, Callback::AgentAccount(id)).await
}

/// A plan was picked for a renewal: what it costs and the balance after, to confirm.
pub async fn renew_plan(deps: &Deps, ctx: &Ctx, id: ServiceId, plan: PlanId) -> Handled {
    let account = own_account(deps, ctx, id).await?;
    if let Err(reply) = buying_agent(deps, ctx).await? {
        return Ok(reply);
    }
    let currency = deps.settings.currency;
    let cost = deps.store.agent_price(ctx.user, plan).await?.cost;
    let balance = deps.store.signed_balance(ctx.user, currency).await?;
    let names = plan_names(deps, ctx.lang).await?;
    dialog::save(
        deps,
        ctx.user,
        &Dialog::Agent(AgentStep::RenewConfirm(id, plan)),
    )
    .await;
    let money = |minor: i64| signed_money(ctx.lang, minor, currency);
    let text = deps.t(
        ctx.lang,
        "agent-renew-confirm",
        &[
            ("label", Arg::from(label_of(&account))),
            ("plan", Arg::from(name_of(&names, plan))),
            ("cost", Arg::from(price(ctx.lang, cost).as_str())),
            ("balance", Arg::from(money(balance).as_str())),
            (
                "after",
                Arg::from(money(balance.saturating_sub(cost.minor())).as_str()),
            ),
        ],
    );
    let keyboard = confirm_keyboard(deps, ctx.lang, Callback::AgentRenewConfirm);
    Ok(vec![ctx.screen(text, keyboard)])
}

/// "✅ Confirm" on a renewal: the confirmation is taken (once), then the
/// store renews the agent's own account from their balance and credit.
pub async fn renew_confirm(deps: &Deps, ctx: &Ctx) -> Handled {
    let taken = dialog::take_agent_step(deps, ctx.user, |step| match step {
        AgentStep::RenewConfirm(id, plan) => Some((id, plan)),
        _ => None,
    })
    .await;
    let Some((id, plan)) = taken else {
        return Err(HandlerError::stale("an agent's renewal already made"));
    };
    let account = own_account(deps, ctx, id).await?;
    let bought = match deps.store.agent_renew(ctx.user, id, plan, now()).await {
        Ok(bought) => bought,
        Err(err) => return refused(deps, ctx, err),
    };
    started(deps, ctx.user, &bought);
    let names = plan_names(deps, ctx.lang).await?;
    let text = deps.t(
        ctx.lang,
        "agent-renewed",
        &[
            ("label", Arg::from(label_of(&account))),
            ("plan", Arg::from(name_of(&names, plan))),
            ("cost", Arg::from(price(ctx.lang, bought.total).as_str())),
            ("balance", Arg::from(balance_text(ctx, &bought).as_str())),
        ],
    );
    Ok(back_home(deps, ctx, text))
}

/// "📄 Configs": the account's configs (URI, link, QR) again, from its panel.
pub async fn configs(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let account = own_account(deps, ctx, id).await?;
    let service = &account.service;
    match config_messages(
        deps,
        ctx.chat,
        ctx.lang,
        service.panel,
        &service.blitz_username,
    )
    .await
    {
        Ok(reply) => Ok(reply),
        Err(err) => {
            log::warn!("configs of agent account {id} unavailable: {err}");
            Ok(notice(deps, ctx, "service-usage-unavailable"))
        }
    }
}

/// The agent's own account `id`: anyone else's (or none) is as stale as a
/// missing one, and the attempt is logged.
async fn own_account(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Result<AgentAccount, HandlerError> {
    the_agent(deps, ctx).await?;
    match deps.store.agent_account(ctx.user, id).await? {
        Some(account) => Ok(account),
        None => {
            log::warn!(
                "agent {} asked for account {id}, which is not theirs",
                ctx.user
            );
            Err(HandlerError::stale("agent account"))
        }
    }
}

/// The agent's name for an account, else its panel username.
fn label_of(account: &AgentAccount) -> &str {
    account
        .label
        .as_deref()
        .unwrap_or(account.service.blitz_username.as_str())
}
