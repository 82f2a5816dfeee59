//! Plans, purchase and renewal: from a chosen plan to a Heleket pay link.

use ajib_domain::{
    Money, Order, OrderId, OrderStatus, PanelId, Plan, PlanId, Service, ServiceId, UnixTime,
    renewal_price,
};
use ajib_i18n::Arg;
use ajib_storage::{NewOrder, PromoId, PromoKey, PromoQuote};

use crate::{
    callback::Callback,
    core::{
        invoice, mail,
        payments::{self, Reconciled},
        placement,
    },
    deps::{Deps, now},
    format::{price, traffic},
    keyboards::{button, inline, link, menu_only},
    ui::{Ctx, Handled, HandlerError, Reply, notice},
};

/// An open invoice is shown again rather than replaced while at least this
/// long is left to pay it; every press of Pay used to open a new one.
const REUSE_MARGIN_SECS: i64 = 10 * 60;

/// The plans on sale, one button each.
pub async fn plans(deps: &Deps, ctx: &Ctx) -> Handled {
    let plans = deps.store.list_plans(true).await?;
    if plans.is_empty() {
        return Ok(vec![ctx.screen(
            deps.t(ctx.lang, "plans-empty", &[]),
            menu_only(deps, ctx.lang),
        )]);
    }
    let mut rows: Vec<_> = plans
        .iter()
        .map(|plan| vec![button(plan_label(deps, ctx, plan), Callback::Plan(plan.id))])
        .collect();
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-menu", &[]),
        Callback::Menu,
    )]);
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, "plans-title", &[]),
        inline(rows),
    )])
}

/// One plan's details: with a pay button when it is sold in one location, a
/// location picker when in several, and no button when no panel where it is
/// sold can take an account now.
pub async fn plan(deps: &Deps, ctx: &Ctx, id: PlanId) -> Handled {
    let plan = plan_on_sale(deps, id).await?;
    plan_offer(deps, ctx, &plan, None).await
}

/// [`plan`] for a plan on sale, with the promo code `promo` applied (priced
/// for this customer) or with a "🏷 I have a code" button.
pub(crate) async fn plan_offer(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    promo: Option<&PromoQuote>,
) -> Handled {
    let locations = placement::locations(deps, plan.id).await?;
    if locations.len() > 1 {
        return Ok(vec![location_picker(deps, ctx, plan, &locations, promo)]);
    }
    if !locations.iter().any(|it| it.available) {
        return Ok(vec![unavailable(deps, ctx, plan)]);
    }
    let pay = match promo {
        Some(quote) => Callback::PromoBuy(quote.promo),
        None => Callback::Buy(plan.id),
    };
    plan_with_pay(deps, ctx, plan, None, pay, Callback::Plans, promo).await
}

/// One plan in the location panel `panel` stands for, with a pay button.
pub async fn plan_at(deps: &Deps, ctx: &Ctx, id: PlanId, panel: PanelId) -> Handled {
    let plan = plan_on_sale(deps, id).await?;
    plan_at_offer(deps, ctx, &plan, panel, None).await
}

/// [`plan_at`] for a plan on sale, with the promo code `promo` applied or not.
pub(crate) async fn plan_at_offer(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    panel: PanelId,
    promo: Option<&PromoQuote>,
) -> Handled {
    let Some(location) = placement::available_location(deps, plan.id, panel).await? else {
        return location_gone(deps, ctx, plan.id).await;
    };
    let (pay, back) = match promo {
        Some(quote) => (
            Callback::PromoBuyAt((quote.promo, panel)),
            Callback::PromoPlan(quote.promo),
        ),
        None => (Callback::BuyAt((plan.id, panel)), Callback::Plan(plan.id)),
    };
    plan_with_pay(deps, ctx, plan, Some(&location), pay, back, promo).await
}

/// The plan's details, the location if one was picked, the promo code if one
/// is applied (else a button to enter one), and the pay button.
async fn plan_with_pay(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    location: Option<&str>,
    pay: Callback,
    back: Callback,
    promo: Option<&PromoQuote>,
) -> Handled {
    let amount = promo.map_or(plan.price, |it| it.price.amount);
    let (pay_button, balance_line) = pay_choice(deps, ctx, amount, pay).await?;
    let mut rows = vec![vec![pay_button]];
    rows.extend(crate::ui::stars::pay_row(deps, ctx, plan, pay).await?);
    if promo.is_none() {
        rows.push(vec![promo_button(deps, ctx, plan)]);
    }
    rows.push(vec![button(deps.t(ctx.lang, "btn-back", &[]), back)]);
    let mut text = plan_text(deps, ctx, plan, "plan-details");
    if let Some(location) = location {
        let line = deps.t(
            ctx.lang,
            "plan-location",
            &[("location", Arg::from(location))],
        );
        text = format!("{text}\n{line}");
    }
    if let Some(quote) = promo {
        text = format!("{text}\n\n{}", promo_line(deps, ctx, plan, quote));
    }
    Ok(vec![
        ctx.screen(with_line(text, balance_line), inline(rows)),
    ])
}

/// "🏷 I have a code" for `plan`.
fn promo_button(deps: &Deps, ctx: &Ctx, plan: &Plan) -> ajib_transport::InlineButton {
    button(
        deps.t(ctx.lang, "btn-promo-code", &[]),
        Callback::PromoAsk(plan.id),
    )
}

/// What the applied code does to `plan`: the new price and the old one, or
/// the days it adds.
fn promo_line(deps: &Deps, ctx: &Ctx, plan: &Plan, quote: &PromoQuote) -> String {
    let code = Arg::from(quote.code.as_str());
    if quote.price.bonus_days > 0 {
        let days = plan.days.saturating_add(quote.price.bonus_days);
        return deps.t(
            ctx.lang,
            "promo-applied-days",
            &[
                ("code", code),
                ("bonus", Arg::from(quote.price.bonus_days)),
                ("days", Arg::from(days)),
            ],
        );
    }
    deps.t(
        ctx.lang,
        "promo-applied-price",
        &[
            ("code", code),
            ("old", Arg::from(price(ctx.lang, quote.price.list).as_str())),
            (
                "new",
                Arg::from(price(ctx.lang, quote.price.amount).as_str()),
            ),
        ],
    )
}

/// The plan's details and one button per location that can take an account
/// now; the others are named as unavailable.
fn location_picker(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    locations: &[placement::Location],
    promo: Option<&PromoQuote>,
) -> ajib_transport::Outgoing {
    let mut text = plan_text(deps, ctx, plan, "plan-details");
    if let Some(quote) = promo {
        text = format!("{text}\n\n{}", promo_line(deps, ctx, plan, quote));
    }
    text.push_str("\n\n");
    text.push_str(&deps.t(ctx.lang, "plan-pick-location", &[]));
    let closed: Vec<&str> = locations
        .iter()
        .filter(|it| !it.available)
        .map(|it| it.label.as_str())
        .collect();
    if !closed.is_empty() {
        let names = closed.join(", ");
        text.push('\n');
        text.push_str(&deps.t(
            ctx.lang,
            "plan-locations-unavailable",
            &[("locations", Arg::from(names.as_str()))],
        ));
    }
    let mut rows: Vec<_> = locations
        .iter()
        .filter(|it| it.available)
        .map(|it| {
            let label = deps.label(
                ctx.lang,
                "btn-location",
                &[("location", Arg::from(it.label.as_str()))],
            );
            let at = match promo {
                Some(_) => Callback::PromoPlanAt(it.panel),
                None => Callback::PlanAt((plan.id, it.panel)),
            };
            vec![button(label, at)]
        })
        .collect();
    if promo.is_none() {
        rows.push(vec![promo_button(deps, ctx, plan)]);
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Plans,
    )]);
    ctx.screen(text, inline(rows))
}

/// The plan's details, saying it cannot be bought right now.
fn unavailable(deps: &Deps, ctx: &Ctx, plan: &Plan) -> ajib_transport::Outgoing {
    let text = plan_text(deps, ctx, plan, "plan-details");
    let line = deps.t(ctx.lang, "plan-unavailable", &[]);
    let keyboard = inline(vec![vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Plans,
    )]]);
    ctx.screen(format!("{text}\n\n{line}"), keyboard)
}

/// The location picked is no longer sold or cannot take an account now: say
/// so, and show the plan again.
async fn location_gone(deps: &Deps, ctx: &Ctx, id: PlanId) -> Handled {
    let mut reply = notice(deps, ctx, "location-unavailable");
    let fresh = Ctx {
        message_id: None,
        ..*ctx
    };
    reply.extend(plan(deps, &fresh, id).await?);
    Ok(reply)
}

/// Creates an order for a new service and sends its invoice; the account
/// goes to whichever of the plan's locations has room. `promo`: the code
/// applied, checked again as the order is made ([`ajib_storage::Error::PromoRefused`]).
pub async fn buy(deps: &Deps, ctx: &Ctx, id: PlanId, promo: Option<PromoId>) -> Handled {
    let plan = plan_on_sale(deps, id).await?;
    let locations = placement::locations(deps, plan.id).await?;
    if !locations.iter().any(|it| it.available) {
        return Ok(vec![unavailable(deps, ctx, &plan)]);
    }
    buy_in(deps, ctx, &plan, None, promo).await
}

/// Creates an order for a new service in the location panel `panel` stands
/// for and sends its invoice; `promo` as for [`buy`].
pub async fn buy_at(
    deps: &Deps,
    ctx: &Ctx,
    id: PlanId,
    panel: PanelId,
    promo: Option<PromoId>,
) -> Handled {
    let plan = plan_on_sale(deps, id).await?;
    let Some(location) = placement::available_location(deps, plan.id, panel).await? else {
        return location_gone(deps, ctx, id).await;
    };
    buy_in(deps, ctx, &plan, Some(location), promo).await
}

async fn buy_in(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    location: Option<String>,
    promo: Option<PromoId>,
) -> Handled {
    let new_order = NewOrder {
        user: ctx.user,
        plan: plan.id,
        renews: None,
        amount: plan.price,
        note: None,
        location,
    };
    order_and_invoice(deps, ctx, plan, &new_order, promo).await
}

/// The renewal offer for one of the user's services; a service that came
/// with no plan (linked or imported from a panel) first picks one.
pub async fn renew(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let service = own_service(deps, ctx, id).await?;
    if service.plan.is_none() {
        return renewal_plans(deps, ctx, id).await;
    }
    renew_offer(deps, ctx, id, None).await
}

/// The renewal offer for a plan-less service with the plan the customer picked.
pub async fn renew_with(deps: &Deps, ctx: &Ctx, id: ServiceId, plan: PlanId) -> Handled {
    renew_offer(deps, ctx, id, Some(plan)).await
}

/// The plans on sale, to renew a plan-less service with.
async fn renewal_plans(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    let plans = deps.store.list_plans(true).await?;
    let mut rows: Vec<_> = plans
        .iter()
        .map(|plan| {
            let label = plan_label(deps, ctx, plan);
            vec![button(label, Callback::RenewWith((id, plan.id)))]
        })
        .collect();
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Service(id),
    )]);
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, "renew-pick-plan", &[]),
        inline(rows),
    )])
}

async fn renew_offer(deps: &Deps, ctx: &Ctx, id: ServiceId, chosen: Option<PlanId>) -> Handled {
    let (plan, name) = renewable(deps, ctx, id, chosen).await?;
    let amount = renewal_price(&plan);
    let text = deps.t(
        ctx.lang,
        "renew-confirm",
        &[
            ("name", Arg::from(&name)),
            ("days", Arg::from(plan.days)),
            ("price", Arg::from(price(ctx.lang, amount).as_str())),
        ],
    );
    let pay = match chosen {
        Some(plan) => Callback::RenewBuyWith((id, plan)),
        None => Callback::RenewBuy(id),
    };
    let (pay, balance_line) = pay_choice(deps, ctx, amount, pay).await?;
    let keyboard = inline(vec![
        vec![pay],
        vec![button(
            deps.t(ctx.lang, "btn-back", &[]),
            Callback::Service(id),
        )],
    ]);
    Ok(vec![ctx.screen(with_line(text, balance_line), keyboard)])
}

/// Creates a renewal order for a service and sends its invoice.
pub async fn renew_buy(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Handled {
    renew_order(deps, ctx, id, None).await
}

/// Creates a renewal order for a plan-less service with the plan picked, and sends its invoice.
pub async fn renew_buy_with(deps: &Deps, ctx: &Ctx, id: ServiceId, plan: PlanId) -> Handled {
    renew_order(deps, ctx, id, Some(plan)).await
}

async fn renew_order(deps: &Deps, ctx: &Ctx, id: ServiceId, chosen: Option<PlanId>) -> Handled {
    let (plan, _) = renewable(deps, ctx, id, chosen).await?;
    let new_order = NewOrder {
        user: ctx.user,
        plan: plan.id,
        renews: Some(id),
        amount: renewal_price(&plan),
        note: None,
        location: None,
    };
    order_and_invoice(deps, ctx, &plan, &new_order, None).await
}

/// "I paid — check": asks Heleket now and says where the order stands.
pub async fn check_payment(deps: &Deps, ctx: &Ctx, id: OrderId) -> Handled {
    let order = match deps.store.get_order(id).await? {
        Some(order) if order.user == ctx.user => order,
        _ => return Err(HandlerError::stale("order")),
    };
    // An invoice may have been paid after it expired or was closed: ask
    // Heleket about any order not paid yet.
    if order.invoice.is_some() && !order.status.is_paid() {
        // The reconciliation itself tells the user about any change it makes.
        match payments::reconcile(deps, &order).await {
            Ok(Reconciled::Pending) => return Ok(notice(deps, ctx, "payment-pending")),
            Ok(
                Reconciled::Granted
                | Reconciled::Credited
                | Reconciled::Underpaid
                | Reconciled::Failed
                | Reconciled::Mismatch,
            ) => return Ok(Vec::new()),
            Ok(Reconciled::Expired | Reconciled::AlreadyPaid) => (),
            Err(err) => {
                log::warn!("checking order {id} failed: {err}");
                return Ok(notice(deps, ctx, "payment-pending"));
            }
        }
    }
    // Nothing new: say where the order stands now.
    let status = deps
        .store
        .get_order(id)
        .await?
        .map_or(order.status, |it| it.status);
    let id = match status {
        OrderStatus::Paid | OrderStatus::Provisioned => "payment-received",
        OrderStatus::Expired => "payment-expired",
        OrderStatus::Underpaid => "payment-underpaid-settled",
        OrderStatus::Failed | OrderStatus::Created | OrderStatus::Invoiced => "payment-failed",
    };
    Ok(notice(deps, ctx, id))
}

/// Pays `new_order` (with promo code `promo` applied, if any): from the
/// balance in one step when it covers the price; otherwise by invoice for
/// what the balance does not cover — the open one the user already has for
/// the same purchase with the same code while it stays payable a while
/// longer, or a new order and invoice.
async fn order_and_invoice(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    new_order: &NewOrder,
    promo: Option<PromoId>,
) -> Handled {
    let at = now();
    let quote = match promo {
        Some(promo) => Some(
            deps.store
                .quote_promo(
                    PromoKey::Id(promo),
                    ctx.user,
                    new_order.plan,
                    new_order.amount,
                    at,
                )
                .await?,
        ),
        None => None,
    };
    let amount = quote
        .as_ref()
        .map_or(new_order.amount, |it| it.price.amount);
    let currency = amount.currency();
    let balance = deps.store.balance(ctx.user, currency).await?;
    let Some(rest) = amount
        .minor()
        .checked_sub(balance.minor())
        .filter(|it| *it > 0)
    else {
        return pay_from_balance(deps, ctx, plan, new_order, quote.as_ref()).await;
    };
    let invoice_amount = Money::from_minor(rest, currency)
        .map_err(|err| HandlerError::Other(anyhow::anyhow!("invoice part: {err}")))?;
    let valid_after = at.plus_secs(REUSE_MARGIN_SECS);
    let open = match &quote {
        Some(quote) => {
            deps.store
                .open_promo_invoice(new_order, quote, invoice_amount, valid_after)
                .await?
        }
        None => {
            deps.store
                .open_invoice(new_order, invoice_amount, valid_after)
                .await?
        }
    };
    if let Some(open) = open {
        return Ok(invoice_message(deps, ctx, &open));
    }
    let mut order = create_order(deps, new_order, quote.as_ref()).await?;
    if invoice_amount != order.amount {
        order = deps
            .store
            .set_invoice_part(order.id, invoice_amount)
            .await?;
    }
    Ok(match create_invoice(deps, &order, plan).await {
        Ok(order) => invoice_message(deps, ctx, &order),
        Err(err) => {
            log::warn!("invoice for order {} failed: {err}", order.id);
            if let Err(err) = deps
                .store
                .mark_failed(order.id, "invoice creation failed", now())
                .await
            {
                log::error!("could not mark order {} failed: {err}", order.id);
            }
            vec![ctx.say_with(
                deps.t(ctx.lang, "invoice-error", &[]),
                retry_keyboard(deps, ctx, plan),
            )]
        }
    })
}

/// Stores `new_order`, priced with the promo code of `quote` if there is one
/// (checked again as it is stored).
async fn create_order(
    deps: &Deps,
    new_order: &NewOrder,
    quote: Option<&PromoQuote>,
) -> Result<Order, HandlerError> {
    Ok(match quote {
        Some(quote) => {
            deps.store
                .create_promo_order(new_order, quote.promo, now())
                .await?
                .0
        }
        None => deps.store.create_order(new_order, now()).await?,
    })
}

/// The balance covers the price: the order is paid from it at once.
async fn pay_from_balance(
    deps: &Deps,
    ctx: &Ctx,
    plan: &Plan,
    new_order: &NewOrder,
    quote: Option<&PromoQuote>,
) -> Handled {
    let order = create_order(deps, new_order, quote).await?;
    match deps.store.pay_from_balance(order.id, now()).await {
        Ok(job) => {
            log::info!("order {} paid from the balance; job {job} queued", order.id);
            deps.provision_wake.notify_one();
            // The staff's notice was queued with the purchase.
            mail::wake();
            let left = deps
                .store
                .balance(ctx.user, order.amount.currency())
                .await?;
            let text = deps.t(
                ctx.lang,
                "paid-from-balance",
                &[
                    ("price", Arg::from(price(ctx.lang, order.amount).as_str())),
                    ("balance", Arg::from(price(ctx.lang, left).as_str())),
                ],
            );
            Ok(vec![ctx.say(text)])
        }
        // Spent in between (another tap, an admin): nothing was taken.
        // The code's last use went in between: nothing was taken.
        Err(ajib_storage::Error::PromoRefused(refusal)) => {
            deps.store
                .mark_failed(order.id, "its promo code no longer applied", now())
                .await?;
            Err(ajib_storage::Error::PromoRefused(refusal).into())
        }
        Err(ajib_storage::Error::InsufficientBalance { .. }) => {
            deps.store
                .mark_failed(order.id, "the balance no longer covered it", now())
                .await?;
            Ok(vec![ctx.say_with(
                deps.t(ctx.lang, "balance-changed", &[]),
                retry_keyboard(deps, ctx, plan),
            )])
        }
        Err(err) => Err(err.into()),
    }
}

fn retry_keyboard(deps: &Deps, ctx: &Ctx, plan: &Plan) -> ajib_transport::Keyboard {
    inline(vec![
        vec![button(
            deps.t(ctx.lang, "btn-retry-purchase", &[]),
            Callback::Plan(plan.id),
        )],
        vec![button(deps.t(ctx.lang, "btn-menu", &[]), Callback::Menu)],
    ])
}

/// The pay button for `amount` given the user's balance, and a line saying
/// how the balance is used (if it is).
async fn pay_choice(
    deps: &Deps,
    ctx: &Ctx,
    amount: Money,
    pay: Callback,
) -> Result<(ajib_transport::InlineButton, Option<String>), HandlerError> {
    let balance = deps.store.balance(ctx.user, amount.currency()).await?;
    let shown = |it: Money| price(ctx.lang, it);
    if balance.minor() >= amount.minor() {
        let label = deps.label(
            ctx.lang,
            "btn-pay-balance",
            &[("price", Arg::from(shown(amount).as_str()))],
        );
        return Ok((button(label, pay), None));
    }
    let rest = Money::from_minor(amount.minor() - balance.minor(), amount.currency())
        .map_err(|err| HandlerError::Other(anyhow::anyhow!("rest: {err}")))?;
    let label = deps.label(
        ctx.lang,
        "btn-confirm-pay",
        &[("price", Arg::from(shown(rest).as_str()))],
    );
    let line = (!balance.is_zero()).then(|| {
        deps.t(
            ctx.lang,
            "balance-pays-part",
            &[
                ("balance", Arg::from(shown(balance).as_str())),
                ("rest", Arg::from(shown(rest).as_str())),
            ],
        )
    });
    Ok((button(label, pay), line))
}

/// Asks Heleket for the invoice (our order reference is the idempotency key) and stores it.
async fn create_invoice(deps: &Deps, order: &Order, plan: &Plan) -> anyhow::Result<Order> {
    let note = format!("plan {} ({} days)", plan.id, plan.days);
    let invoice = invoice::issue(deps, order.id.invoice_ref(), order.invoice_amount, note).await?;
    let next_poll = now().plus_secs(payments::POLL_INTERVAL_SECS);
    Ok(deps
        .store
        .set_invoiced(order.id, &invoice, next_poll, now())
        .await?)
}

fn invoice_message(deps: &Deps, ctx: &Ctx, order: &Order) -> Reply {
    let Some(invoice) = &order.invoice else {
        return notice(deps, ctx, "invoice-error");
    };
    let expires = expiry_text(ctx, invoice.expires);
    let text = deps.t(
        ctx.lang,
        "invoice-created",
        &[
            (
                "price",
                Arg::from(price(ctx.lang, order.invoice_amount).as_str()),
            ),
            ("expires", Arg::from(expires.as_str())),
        ],
    );
    let mut rows = vec![
        vec![link(deps.t(ctx.lang, "btn-pay", &[]), invoice.url.clone())],
        vec![button(
            deps.t(ctx.lang, "btn-check-payment", &[]),
            Callback::CheckPayment(order.id),
        )],
    ];
    rows.extend(card_row(deps, ctx, order.id));
    vec![ctx.say_with(text, inline(rows))]
}

/// "💳 Card to card" for order `id`, beside Heleket's pay button, when card payments are on.
fn card_row(deps: &Deps, ctx: &Ctx, id: OrderId) -> Option<Vec<ajib_transport::InlineButton>> {
    deps.settings.card.as_ref()?;
    let label = deps.t(ctx.lang, "btn-card-pay", &[]);
    Some(vec![button(label, Callback::CardPay(id))])
}

/// `text`, then `line` as a paragraph of its own if there is one.
fn with_line(text: String, line: Option<String>) -> String {
    match line {
        Some(line) => format!("{text}\n\n{line}"),
        None => text,
    }
}

/// "HH:MM UTC, <date>" — invoices last hours, so the time matters more than the day.
fn expiry_text(ctx: &Ctx, at: UnixTime) -> String {
    let secs = at.0.rem_euclid(86_400);
    let clock = format!("{:02}:{:02} UTC", secs / 3600, secs % 3600 / 60);
    let clock = ajib_i18n::localize_digits(ctx.lang, &clock);
    format!("{clock}, {}", crate::format::date(ctx.lang, at))
}

/// The plan's details as message `id`.
fn plan_text(deps: &Deps, ctx: &Ctx, plan: &Plan, id: &str) -> String {
    let (traffic, price) = figures(deps, ctx, plan);
    deps.t(ctx.lang, id, &plan_args(ctx, plan, &traffic, &price))
}

/// The plan as a button label.
fn plan_label(deps: &Deps, ctx: &Ctx, plan: &Plan) -> String {
    let (traffic, price) = figures(deps, ctx, plan);
    deps.label(
        ctx.lang,
        "plan-button",
        &plan_args(ctx, plan, &traffic, &price),
    )
}

/// The plan's traffic and price in the user's language.
fn figures(deps: &Deps, ctx: &Ctx, plan: &Plan) -> (String, String) {
    (
        traffic(deps, ctx.lang, plan.traffic_gb),
        price(ctx.lang, plan.price),
    )
}

fn plan_args<'a>(
    ctx: &Ctx,
    plan: &'a Plan,
    traffic: &'a str,
    price: &'a str,
) -> [(&'static str, Arg<'a>); 4] {
    [
        ("name", Arg::from(plan.name_in(ctx.lang))),
        ("days", Arg::from(plan.days)),
        ("traffic", Arg::from(traffic)),
        ("price", Arg::from(price)),
    ]
}

/// The plan `id` if it is still on sale.
async fn plan_on_sale(deps: &Deps, id: PlanId) -> Result<Plan, HandlerError> {
    match deps.store.get_plan(id).await? {
        Some(plan) if plan.active => Ok(plan),
        _ => Err(HandlerError::stale("plan on sale")),
    }
}

/// The plan a service renews with and its display name, if it is the user's and renewable.
/// The customer's own service `id`, not a test account.
async fn own_service(deps: &Deps, ctx: &Ctx, id: ServiceId) -> Result<Service, HandlerError> {
    let stale = || HandlerError::stale("renewable service");
    let service = deps.store.get_service(id).await?.ok_or_else(stale)?;
    if service.user != ctx.user || service.is_test {
        return Err(stale());
    }
    Ok(service)
}

/// The plan service `id` renews with, and its name: its own plan, or the one
/// `chosen` for a service that has none (never another plan for one that has).
async fn renewable(
    deps: &Deps,
    ctx: &Ctx,
    id: ServiceId,
    chosen: Option<PlanId>,
) -> Result<(Plan, String), HandlerError> {
    let stale = || HandlerError::stale("renewable service");
    let service = own_service(deps, ctx, id).await?;
    let plan_id = match (service.plan, chosen) {
        (Some(own), None) => own,
        (None, Some(chosen)) => chosen,
        _ => return Err(stale()),
    };
    let plan = deps.store.get_plan(plan_id).await?.ok_or_else(stale)?;
    if !plan.active {
        return Err(stale());
    }
    let name = plan.name_in(ctx.lang).to_owned();
    Ok((plan, name))
}
