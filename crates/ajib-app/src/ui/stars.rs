//! Paying in Telegram Stars: the "⭐ Pay N Stars" button, the invoice, the
//! pre-checkout answer, the payment, and an owner's refund from a profile.
//!
//! The invoice is sent with a direct `sendInvoice` call rather than through
//! the `Outbox`: it is the one reply to the customer's own tap, and its
//! message id is not needed later. The pre-checkout answer is direct too:
//! Telegram waits only 10 s, so it must not queue behind anything.

use ajib_domain::{Money, PanelId, Plan, PlanId, TelegramId};
use ajib_i18n::Arg;
use ajib_storage::{NewOrder, PayMethod, StarsPaymentId, StarsRefund, StarsRefusal};
use ajib_transport::{InlineButton, PreCheckoutQuery, StarsInvoice, SuccessfulPayment};

use crate::{
    blocking::blocking,
    callback::Callback,
    core::{placement, stars},
    deps::{Deps, now},
    format::{price, traffic},
    keyboards::button,
    role::Role,
    ui::{Ctx, Handled, HandlerError, notice, start},
};

/// Stars payments listed with a refund button on a profile.
const MAX_REFUNDS_SHOWN: u32 = 5;
/// Telegram's longest invoice title, in characters.
const MAX_TITLE_CHARS: usize = 32;

/// "⭐ Pay N Stars" for the plan screen whose pay button is `pay`, when
/// Stars are on and the plan has a Stars price (never with a promo code).
pub(crate) async fn pay_row(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    pay: Callback,
) -> Result<Option<Vec<InlineButton>>, HandlerError> {
    let callback = match pay {
        Callback::Buy(id) => Callback::StarsBuy(id),
        Callback::BuyAt(it) => Callback::StarsBuyAt(it),
        _ => return Ok(None),
    };
    let Some(stars) = stars::plan_price(deps, plan).await? else {
        return Ok(None);
    };
    let label = deps.label(ctx.lang, "btn-stars-pay", &[("stars", Arg::from(stars))]);
    Ok(Some(vec![button(label, callback)]))
}

/// Creates an order for a new service and sends its Stars invoice; `panel`
/// is the location picked, if one was.
pub async fn buy(deps: &Deps, ctx: &Ctx, id: PlanId, panel: Option<PanelId>) -> Handled {
    let stale = || HandlerError::stale("plan on sale in Stars");
    let plan = deps
        .store
        .get_plan(id)
        .await?
        .filter(|it| it.active)
        .ok_or_else(stale)?;
    let stars = stars::plan_price(deps, &plan).await?.ok_or_else(stale)?;
    let location = match panel {
        Some(panel) => Some(
            placement::available_location(deps, id, panel)
                .await?
                .ok_or_else(|| HandlerError::stale("location"))?,
        ),
        None => {
            let locations = placement::locations(deps, id).await?;
            if !locations.iter().any(|it| it.available) {
                return Ok(notice(deps, ctx, "plan-unavailable"));
            }
            None
        }
    };
    let new_order = NewOrder {
        user: ctx.user,
        plan: plan.id,
        renews: None,
        amount: plan.price,
        note: Some("paid in Telegram Stars".to_owned()),
        location,
    };
    let at = now();
    let expires = at.plus_secs(i64::from(deps.settings.invoice_lifetime_secs));
    let order = deps
        .store
        .create_stars_order(&new_order, stars, expires, at)
        .await?;
    let title: String = plan
        .name_in(ctx.lang)
        .chars()
        .take(MAX_TITLE_CHARS)
        .collect();
    let description = deps.label(
        ctx.lang,
        "stars-invoice-description",
        &[
            ("name", Arg::from(plan.name_in(ctx.lang))),
            ("days", Arg::from(plan.days)),
            (
                "traffic",
                Arg::from(traffic(deps, ctx.lang, plan.traffic_gb).as_str()),
            ),
            ("price", Arg::from(price(ctx.lang, plan.price).as_str())),
        ],
    );
    let label = deps.label(ctx.lang, "stars-invoice-label", &[]);
    let (api, chat, payload) = (deps.telegram.clone(), ctx.chat, order.id.invoice_ref());
    let sent = blocking(move || {
        api.send_stars_invoice(&StarsInvoice {
            chat_id: chat,
            title: &title,
            description: &description,
            payload: &payload,
            label: &label,
            stars,
        })
    })
    .await
    .map_err(HandlerError::Other)?;
    if let Err(err) = sent {
        log::warn!("Stars invoice for order {} failed: {err}", order.id);
        deps.store
            .mark_failed(order.id, "Stars invoice creation failed", now())
            .await?;
        return Ok(notice(deps, ctx, "invoice-error"));
    }
    Ok(Vec::new())
}

/// Answers a pre-checkout query at once: ok only if the order is still
/// payable at that price, otherwise why not, in the user's language.
pub async fn on_pre_checkout(deps: &Deps, query: &PreCheckoutQuery) {
    let user = TelegramId(query.from.id);
    let refusal =
        match stars::checkout_refusal(deps, user, &query.payload, query.stars, now()).await {
            Ok(it) => it,
            Err(err) => {
                log::error!("pre-checkout of {user}: {err}");
                Some(StarsRefusal::Unknown)
            }
        };
    let api = deps.telegram.clone();
    let id = query.id.clone();
    let res = match refusal {
        None => blocking(move || api.accept_pre_checkout(&id)).await,
        Some(refusal) => {
            let lang = match deps.store.get_user(user).await {
                Ok(row) => row.and_then(|it| it.lang),
                Err(err) => {
                    log::warn!("could not read the language of {user}: {err}");
                    None
                }
            };
            let lang = start::user_lang(deps, lang, query.from.language_code.as_deref()).lang();
            log::info!("refused the Stars pre-checkout of {user}: {refusal:?}");
            let reason = deps.label(lang, refusal_text(refusal), &[]);
            blocking(move || api.refuse_pre_checkout(&id, &reason)).await
        }
    };
    match res {
        Ok(Ok(())) => (),
        Ok(Err(err)) => log::warn!("could not answer the pre-checkout of {user}: {err}"),
        Err(err) => log::warn!("could not answer the pre-checkout of {user}: {err:#}"),
    }
}

/// A Stars payment went through: credited and granted once; the customer's
/// notice was queued with it, so nothing is said here.
pub async fn on_payment(deps: &Deps, ctx: &Ctx, payment: &SuccessfulPayment) -> Handled {
    stars::settle(deps, ctx.user, payment, now())
        .await
        .map_err(HandlerError::Other)?;
    Ok(Vec::new())
}

/// A refund button for each of the user's Stars payments not refunded yet (owners only).
pub(crate) async fn refund_rows(
    deps: &Deps,
    ctx: &Ctx,
    user: TelegramId,
) -> Result<Vec<Vec<InlineButton>>, ajib_storage::Error> {
    if ctx.role != Role::Owner {
        return Ok(Vec::new());
    }
    let payments = deps
        .store
        .stars_payments_of(user, MAX_REFUNDS_SHOWN)
        .await?;
    Ok(payments
        .iter()
        .filter(|it| it.refunded_at.is_none())
        .map(|it| {
            let order = it.order.to_string();
            let label = deps.label(
                ctx.lang,
                "btn-stars-refund",
                &[
                    ("stars", Arg::from(it.stars)),
                    ("order", Arg::from(order.as_str())),
                ],
            );
            vec![button(label, Callback::StarsRefund(it.id))]
        })
        .collect())
}

/// An owner refunds a Stars payment: Telegram gives the Stars back and the
/// grant or the credit is reversed, once; the customer is told.
pub async fn refund(deps: &Deps, ctx: &Ctx, id: StarsPaymentId) -> Handled {
    let payment = deps
        .store
        .get_stars_payment(id)
        .await?
        .ok_or_else(|| HandlerError::stale("Stars payment"))?;
    let stars_arg = ("stars", Arg::from(payment.stars));
    let order = payment.order.to_string();
    let text = match stars::refund(deps, id, ctx.user, now()).await {
        Ok(StarsRefund::GrantReversed { .. }) => deps.t(
            ctx.lang,
            "stars-refund-grant",
            &[stars_arg, ("order", Arg::from(order.as_str()))],
        ),
        Ok(StarsRefund::CreditReversed { amount }) => deps.t(
            ctx.lang,
            "stars-refund-credit",
            &[
                stars_arg,
                ("amount", Arg::from(price(ctx.lang, amount).as_str())),
            ],
        ),
        Err(stars::RefundError::Store(err)) => return Err(err.into()),
        Err(err) => {
            log::warn!("Stars refund of payment {} failed: {err}", id.0);
            let reason = err.to_string();
            let text = deps.t(
                ctx.lang,
                "stars-refund-failed",
                &[("reason", Arg::from(reason.as_str()))],
            );
            return Ok(vec![ctx.say(text)]);
        }
    };
    log::info!(
        "{} refunded Stars payment {} of {}",
        ctx.user,
        id.0,
        payment.user
    );
    let customer = customer_notice(deps, payment.user, payment.stars).await;
    Ok(vec![ctx.say(text), customer])
}

/// "Your payment of N Stars was refunded" in the customer's language.
async fn customer_notice(deps: &Deps, user: TelegramId, stars: u32) -> ajib_transport::Outgoing {
    let stored = match deps.store.get_user(user).await {
        Ok(row) => row.and_then(|it| it.lang),
        Err(_) => None,
    };
    let lang = start::user_lang(deps, stored, None).lang();
    ajib_transport::Outgoing::Text {
        chat_id: user.0,
        text: deps.t(
            lang,
            "stars-refunded-customer",
            &[("stars", Arg::from(stars))],
        ),
        keyboard: None,
        html: true,
    }
}

/// The statistics' "payments received by method" section (all time).
pub(crate) async fn stats_section(deps: &Deps, ctx: &Ctx) -> Result<String, ajib_storage::Error> {
    let totals = deps.store.revenue_by_method().await?;
    let of = |method: PayMethod| {
        let amounts: Vec<String> = totals
            .iter()
            .filter(|(it, _)| *it == method)
            .map(|(_, money)| price(ctx.lang, *money))
            .collect();
        match amounts.is_empty() {
            true => price(ctx.lang, Money::zero(deps.settings.currency)),
            false => amounts.join(", "),
        }
    };
    let (heleket, stars, card) = (
        of(PayMethod::Heleket),
        of(PayMethod::Stars),
        of(PayMethod::Card),
    );
    Ok(deps.t(
        ctx.lang,
        "admin-stats-methods",
        &[
            ("heleket", Arg::from(heleket.as_str())),
            ("stars", Arg::from(stars.as_str())),
            ("card", Arg::from(card.as_str())),
        ],
    ))
}

fn refusal_text(refusal: StarsRefusal) -> &'static str {
    match refusal {
        StarsRefusal::Unknown | StarsRefusal::NotYours => "stars-refused-unknown",
        StarsRefusal::NotPayable => "stars-refused-paid",
        StarsRefusal::Expired => "stars-refused-expired",
        StarsRefusal::PriceChanged => "stars-refused-price",
    }
}
