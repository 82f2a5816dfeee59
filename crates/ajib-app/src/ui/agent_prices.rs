//! "🏷 My prices": each plan's list price, what it costs the agent, and what
//! the agent's own bot asks; the retail price is set by dialogue and never
//! below the cost (the store refuses it, and the reply names the cost).

use ajib_domain::{Money, PlanId};
use ajib_i18n::Arg;

use crate::{
    callback::Callback,
    deps::{Deps, now},
    format::price,
    keyboards::{button, inline},
    ui::{
        Ctx, Handled,
        agent_shared::{name_of, plan_names, the_agent},
        dialog::{self, AgentStep, Dialog},
        staff::{ascii_digits, cancel_keyboard},
    },
};

/// What an agent types to go back to the list price.
const CLEAR: &str = "-";

/// The price list: one line per plan on sale, a button to change each retail price.
pub async fn prices(deps: &Deps, ctx: &Ctx) -> Handled {
    the_agent(deps, ctx).await?;
    let prices = deps.store.agent_prices(ctx.user).await?;
    let names = plan_names(deps, ctx.lang).await?;
    let mut text = deps.t(ctx.lang, "agent-prices-title", &[]);
    let mut rows = Vec::new();
    for it in &prices {
        let plan = name_of(&names, it.plan);
        let line = deps.t(
            ctx.lang,
            "agent-price-line",
            &[
                ("plan", Arg::from(plan)),
                ("list", Arg::from(price(ctx.lang, it.list).as_str())),
                ("cost", Arg::from(price(ctx.lang, it.cost).as_str())),
                ("retail", Arg::from(price(ctx.lang, it.retail).as_str())),
            ],
        );
        text = format!("{text}\n{line}");
        let caption = deps.label(ctx.lang, "agent-price-button", &[("plan", Arg::from(plan))]);
        rows.push(vec![button(caption, Callback::AgentRetail(it.plan))]);
    }
    if prices.is_empty() {
        text = format!("{text}\n\n{}", deps.t(ctx.lang, "agent-plans-empty", &[]));
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Agent,
    )]);
    Ok(vec![ctx.screen(text, inline(rows))])
}

/// "✏️ Plan": asks for the plan's new retail price.
pub async fn ask_retail(deps: &Deps, ctx: &Ctx, plan: PlanId) -> Handled {
    the_agent(deps, ctx).await?;
    let it = deps.store.agent_price(ctx.user, plan).await?;
    let names = plan_names(deps, ctx.lang).await?;
    dialog::save(deps, ctx.user, &Dialog::Agent(AgentStep::Retail(plan))).await;
    let text = deps.t(
        ctx.lang,
        "agent-ask-retail",
        &[
            ("plan", Arg::from(name_of(&names, plan))),
            ("cost", Arg::from(price(ctx.lang, it.cost).as_str())),
            ("retail", Arg::from(price(ctx.lang, it.retail).as_str())),
        ],
    );
    Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
}

/// The retail price typed: saved, or refused with the reason (the dialogue stays open).
pub async fn retail_typed(deps: &Deps, ctx: &Ctx, plan: PlanId, text: &str) -> Handled {
    the_agent(deps, ctx).await?;
    let text = text.trim();
    let retail = match text {
        CLEAR => None,
        _ => match Money::parse(&ascii_digits(text), deps.settings.currency) {
            Ok(amount) => Some(amount),
            Err(_) => {
                let text = deps.t(ctx.lang, "agent-retail-invalid", &[]);
                return Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]);
            }
        },
    };
    match deps
        .store
        .set_retail_price(ctx.user, plan, retail, now())
        .await
    {
        Ok(()) => (),
        Err(ajib_storage::Error::BelowAgentPrice { cost }) => {
            let text = deps.t(
                ctx.lang,
                "agent-retail-below",
                &[("cost", Arg::from(price(ctx.lang, cost).as_str()))],
            );
            return Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))]);
        }
        Err(err) => return Err(err.into()),
    }
    dialog::close(deps, ctx.user).await;
    let mut reply = vec![ctx.say(deps.t(ctx.lang, "agent-retail-saved", &[]))];
    reply.extend(
        prices(
            deps,
            &Ctx {
                message_id: None,
                ..*ctx
            },
        )
        .await?,
    );
    Ok(reply)
}
