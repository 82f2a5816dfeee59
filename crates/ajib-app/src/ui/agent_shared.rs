//! What the agent's screens share: finding the caller's agents row, the
//! refusals of a purchase, the plan picker with the agent's costs, and
//! amounts with their sign.

use ajib_domain::{Lang, PlanId};
use ajib_i18n::Arg;
use ajib_storage::Agent;

use crate::{
    callback::Callback,
    deps::Deps,
    format::{price, signed_money},
    keyboards::{button, inline, menu_only},
    ui::{Ctx, Handled, HandlerError, Reply},
};

/// The caller's agents row; anyone else pressing an agent's button gets
/// "this button has expired" and nothing happens.
pub(crate) async fn the_agent(deps: &Deps, ctx: &Ctx) -> Result<Agent, HandlerError> {
    deps.store
        .get_agent(ctx.user)
        .await?
        .ok_or(HandlerError::stale("agent"))
}

/// The caller's agents row if they may buy now: `Err` with the suspended
/// notice as the reply when they may not.
pub(crate) async fn buying_agent(
    deps: &Deps,
    ctx: &Ctx,
) -> Result<Result<Agent, Reply>, HandlerError> {
    let agent = the_agent(deps, ctx).await?;
    Ok(match agent.suspended {
        true => Err(back_home(
            deps,
            ctx,
            deps.t(ctx.lang, "agent-suspended-refused", &[]),
        )),
        false => Ok(agent),
    })
}

/// The reply to a purchase or renewal the store refused: the suspended
/// notice, the credit refusal with the figures, or the error itself.
pub(crate) fn refused(deps: &Deps, ctx: &Ctx, err: ajib_storage::Error) -> Handled {
    let currency = deps.settings.currency;
    let text = match err {
        ajib_storage::Error::AgentSuspended => deps.t(ctx.lang, "agent-suspended-refused", &[]),
        ajib_storage::Error::CreditLimit {
            balance_minor,
            limit_minor,
            needed_minor,
        } => {
            let limit = i64::try_from(limit_minor).unwrap_or(i64::MAX);
            deps.t(
                ctx.lang,
                "agent-credit-refused",
                &[
                    (
                        "needed",
                        Arg::from(signed_money(ctx.lang, needed_minor, currency).as_str()),
                    ),
                    (
                        "balance",
                        Arg::from(signed_money(ctx.lang, balance_minor, currency).as_str()),
                    ),
                    (
                        "limit",
                        Arg::from(signed_money(ctx.lang, limit, currency).as_str()),
                    ),
                ],
            )
        }
        ajib_storage::Error::Conflict { what } => {
            log::info!("{} could not buy: {what}", ctx.user);
            return Err(HandlerError::stale("a plan no longer on sale"));
        }
        err => return Err(err.into()),
    };
    Ok(back_home(deps, ctx, text))
}

/// A new message with buttons back to the agent's menu and the main menu.
pub(crate) fn back_home(deps: &Deps, ctx: &Ctx, text: String) -> Reply {
    vec![ctx.say_with(text, home_keyboard(deps, ctx.lang))]
}

/// One button back to the agent's menu.
pub(crate) fn home_keyboard(deps: &Deps, lang: Lang) -> ajib_transport::Keyboard {
    inline(vec![vec![button(
        deps.t(lang, "btn-agent", &[]),
        Callback::Agent,
    )]])
}

/// The plans on sale with what each costs the agent, each a button to `pick`;
/// `back` returns to where the agent came from.
pub(crate) async fn plan_picker(
    deps: &Deps,
    ctx: &Ctx,
    title: String,
    pick: &(dyn Fn(PlanId) -> Callback + Sync),
    back: Callback,
) -> Handled {
    let prices = deps.store.agent_prices(ctx.user).await?;
    if prices.is_empty() {
        return Ok(vec![ctx.screen(
            deps.t(ctx.lang, "agent-plans-empty", &[]),
            menu_only(deps, ctx.lang),
        )]);
    }
    let names = plan_names(deps, ctx.lang).await?;
    let mut rows: Vec<_> = prices
        .iter()
        .map(|it| {
            let label = deps.label(
                ctx.lang,
                "agent-plan-button",
                &[
                    ("name", Arg::from(name_of(&names, it.plan))),
                    ("cost", Arg::from(price(ctx.lang, it.cost).as_str())),
                ],
            );
            vec![button(label, pick(it.plan))]
        })
        .collect();
    rows.push(vec![button(deps.t(ctx.lang, "btn-back", &[]), back)]);
    Ok(vec![ctx.screen(title, inline(rows))])
}

/// Every plan's name in `lang` (disabled ones too: an account keeps its plan).
pub(crate) async fn plan_names(
    deps: &Deps,
    lang: Lang,
) -> Result<Vec<(PlanId, String)>, HandlerError> {
    Ok(deps
        .store
        .list_plans(false)
        .await?
        .into_iter()
        .map(|plan| (plan.id, plan.name_in(lang).to_owned()))
        .collect())
}

/// The name of `plan` among `names`, or "—" for a plan that is gone.
pub(crate) fn name_of(names: &[(PlanId, String)], plan: PlanId) -> &str {
    names
        .iter()
        .find(|(id, _)| *id == plan)
        .map_or("—", |(_, name)| name.as_str())
}

/// "✅ Confirm" (pressing `confirm`) and "Cancel" under an agent's purchase.
pub(crate) fn confirm_keyboard(
    deps: &Deps,
    lang: Lang,
    confirm: Callback,
) -> ajib_transport::Keyboard {
    inline(vec![vec![
        button(deps.t(lang, "btn-agent-confirm", &[]), confirm),
        button(deps.t(lang, "btn-cancel", &[]), Callback::Cancel),
    ]])
}
