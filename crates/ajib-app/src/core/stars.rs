//! Telegram Stars: a plan's price in Stars, the pre-checkout decision,
//! crediting a payment through the one settlement path, and refunds.
//!
//! Stars are offered when `STARS_ENABLED` is on, for plans that have a price
//! in Stars of their own or, with `STARS_PER_UNIT` set, one derived from the
//! plan's price (rounded up to whole Stars). A Stars order is paid in full in
//! Stars (the balance never pays part of it), so its `invoice_amount` is its
//! price and a payment credits exactly that, keyed `stars:<charge id>`.

use ajib_domain::{Money, OrderId, Plan, TelegramId, UnixTime};
use ajib_storage::{MAX_STARS, Settlement, StarsCharge, StarsPaymentId, StarsRefund, StarsRefusal};
use ajib_transport::SuccessfulPayment;

use crate::{blocking::blocking, core::payments, deps::Deps};

/// Why an owner's refund did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    /// Refunding now would break something (already refunded, account not made, credit spent).
    #[error("cannot refund: {0}")]
    Blocked(&'static str),
    /// Telegram refused or could not be reached; nothing changed.
    #[error("Telegram refused the refund: {0}")]
    Telegram(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] ajib_storage::Error),
}

/// The plan's price in Stars when Stars are on: its own, else derived with `STARS_PER_UNIT`.
pub async fn plan_price(deps: &Deps, plan: &Plan) -> Result<Option<u32>, ajib_storage::Error> {
    if !deps.settings.stars.enabled {
        return Ok(None);
    }
    if let Some(own) = deps.store.plan_stars(plan.id).await? {
        return Ok(Some(own));
    }
    Ok(derived_price(plan.price, deps.settings.stars.per_unit))
}

/// `price` in Stars at `per_unit` Stars per 1.00, rounded up; `None` when
/// `per_unit` is 0 or the result is outside Telegram's 1..=10000.
#[must_use]
pub fn derived_price(price: Money, per_unit: u32) -> Option<u32> {
    if per_unit == 0 {
        return None;
    }
    let scale = 10_u128.pow(u32::from(price.currency().minor_digits()));
    let minor = u128::try_from(price.minor()).ok()?;
    let stars = (minor * u128::from(per_unit)).div_ceil(scale);
    u32::try_from(stars)
        .ok()
        .filter(|it| (1..=MAX_STARS).contains(it))
}

/// Whether `user` may pay `stars` for the order `payload` names, now; `None` when they may.
pub async fn checkout_refusal(
    deps: &Deps,
    user: TelegramId,
    payload: &str,
    stars: u32,
    now: UnixTime,
) -> Result<Option<StarsRefusal>, ajib_storage::Error> {
    let Some(order) = OrderId::from_invoice_ref(payload) else {
        return Ok(Some(StarsRefusal::Unknown));
    };
    deps.store.stars_checkout(order, user, stars, now).await
}

/// Credits a successful Stars payment and grants its order (if it still can
/// be), exactly once per charge; wakes the workers that act on it.
pub async fn settle(
    deps: &Deps,
    user: TelegramId,
    payment: &SuccessfulPayment,
    now: UnixTime,
) -> anyhow::Result<Settlement> {
    let Some(order_id) = OrderId::from_invoice_ref(&payment.payload) else {
        anyhow::bail!(
            "a Stars payment for an unknown payload {:?}",
            payment.payload
        );
    };
    let order = deps
        .store
        .get_order(order_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a Stars payment for a missing order {order_id}"))?;
    let grantable = payments::still_sold_at(deps, &order).await?;
    let charge = StarsCharge {
        order: order_id,
        user,
        stars: payment.stars,
        charge_id: payment.charge_id.clone(),
    };
    let settlement = deps.store.settle_stars(&charge, grantable, now).await?;
    match settlement {
        Settlement::Granted { job, .. } => {
            log::info!("order {order_id} paid in Stars; job {job} queued");
            deps.provision_wake.notify_one();
        }
        Settlement::Credited { amount } => {
            log::info!("Stars payment for order {order_id}: {amount} to the balance");
        }
        Settlement::AlreadySettled => {
            log::info!("Stars payment for order {order_id} delivered again; nothing changed");
            return Ok(settlement);
        }
    }
    // The notices were queued with the money.
    crate::core::mail::wake();
    Ok(settlement)
}

/// Refunds Stars payment `id` as owner `admin` asked: checked first, then
/// Telegram gives the Stars back, then the grant (its account blocked on the
/// panel too) or the balance credit is reversed and audited, once.
pub async fn refund(
    deps: &Deps,
    id: StarsPaymentId,
    admin: TelegramId,
    now: UnixTime,
) -> Result<StarsRefund, RefundError> {
    if let Some(blocker) = deps.store.stars_refund_blocker(id).await? {
        return Err(RefundError::Blocked(blocker));
    }
    let payment = deps
        .store
        .get_stars_payment(id)
        .await?
        .ok_or(RefundError::Blocked("no such payment"))?;
    let api = deps.telegram.clone();
    let charge_id = payment.charge_id.clone();
    let user = payment.user.0;
    let res = blocking(move || api.refund_star_payment(user, &charge_id))
        .await
        .map_err(|err| RefundError::Telegram(err.to_string()))?;
    match res {
        Ok(()) => (),
        // Refunded by an earlier try that died before recording it: record it now.
        Err(err) if err.to_string().contains("CHARGE_ALREADY_REFUNDED") => {
            log::warn!("Stars charge of payment {} was refunded already", id.0);
        }
        Err(err) => return Err(RefundError::Telegram(err.to_string())),
    }
    let Some(refund) = deps.store.record_stars_refund(id, admin, now).await? else {
        return Err(RefundError::Blocked("already refunded"));
    };
    if let StarsRefund::GrantReversed { order, service } = refund {
        if let Err(err) = deps.store.reverse_rewards_for_refund(order, now).await {
            log::error!("could not take back the rewards of refunded order {order}: {err}");
        }
        if let Some(service) = service {
            block_on_panel(deps, service).await;
        }
    }
    Ok(refund)
}

/// Blocks a refunded service's account on its panel; a failure is logged (the
/// service is disabled in the database either way).
async fn block_on_panel(deps: &Deps, id: ajib_domain::ServiceId) {
    let service = match deps.store.get_service(id).await {
        Ok(Some(it)) => it,
        Ok(None) => return,
        Err(err) => {
            log::error!("could not read refunded service {id}: {err}");
            return;
        }
    };
    let username = service.blitz_username.clone();
    let edit = blitz::UserEdit {
        blocked: Some(true),
        ..Default::default()
    };
    let res = deps
        .blitz(service.panel, "edit_user", move |client| {
            client.edit_user(&username, &edit)
        })
        .await;
    if let Err(err) = res {
        log::error!(
            "refunded service {id} is disabled here but could not be blocked on its panel: {err:#}"
        );
    }
}

#[cfg(test)]
mod tests {
    use ajib_domain::Currency;

    use super::*;

    fn check(minor: i64, per_unit: u32, expected: Option<u32>) {
        let price = Money::from_minor(minor, Currency::USD).unwrap();
        assert_eq!(
            derived_price(price, per_unit),
            expected,
            "{minor} at {per_unit}"
        );
    }

    #[test]
    fn derived_prices_round_up_to_whole_stars() {
        check(500, 50, Some(250));
        check(499, 50, Some(250));
        check(1, 1, Some(1));
        check(101, 1, Some(2));
        check(500, 0, None);
        check(100_000, 1000, None);
        check(1_000_000, 1, Some(10_000));
    }
}
