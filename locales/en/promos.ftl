## Promo codes: entering a code on the plan screen, and the admin's code screens (issue 20).

## The customer's plan screen

btn-promo-code = 🏷 I have a code
promo-ask = 🏷 Send your promo code:
# The price with the code, and the price before it.
promo-applied-price = 🏷 Code <b>{ $code }</b>: now <b>{ $new }</b> (was { $old })
promo-applied-days = 🏷 Code <b>{ $code }</b>: +{ $bonus } days, { $days } days for the same price
promo-refused-unknown = ❌ There is no such code. Check it and send it again, or press Cancel.
promo-refused-disabled = ❌ This code is no longer valid.
promo-refused-not-started = ⏳ This code is not valid yet.
promo-refused-expired = ⌛ This code has expired.
promo-refused-used-up = ❌ This code has been used up.
promo-refused-not-for-plan = ❌ This code is not valid for this plan.
promo-refused-already-used = ❌ You have already used this code.
promo-refused-first-purchase = ❌ This code is for a first purchase only.
# A payment for an order made with a code that ran out before the payment arrived.
promo-payment-to-balance = 💰 We received { $amount }, but the promo code of this order had been used up by the time the payment arrived, so the order could not be filled at its discount. The money is on your balance (now { $balance }) for any plan.

## What a code gives (the admin's list)

promo-benefit-percent = { $percent }% off
promo-benefit-fixed = { $amount } off
promo-benefit-days = +{ $days } days

## Admin: promo codes

btn-admin-promos = 🏷 Promo codes
btn-admin-promo-add = ➕ New code
btn-admin-promo-disable = ⛔ Disable { $code }
admin-promos-title = 🏷 <b>Promo codes</b>
admin-promos-empty = No codes yet.
admin-promo-line = <code>{ $code }</code> · { $benefit } · used { $uses } · { $state }
admin-promo-state-active = active
admin-promo-state-disabled = disabled
admin-promo-state-expired = expired
admin-promo-state-not-started = not started
admin-promo-state-used-up = used up
admin-promo-ask =
    Send the new code in one line, like:
    <code>SPRING --percent 20</code>
    One of <code>--percent 20</code>, <code>--fixed 1.50</code> or <code>--days 7</code>; then, as needed: <code>--plans 1,2 --from 2026-12-01 --until 2026-12-31 --uses 100 --per-user 1 --first-purchase-only</code>
admin-promo-added = ✅ Code <code>{ $code }</code> saved.
admin-promo-bad-flag = ⚠️ I don't know <code>{ $value }</code>. Send the line again:
admin-promo-missing-value = ⚠️ <code>{ $value }</code> needs a value after it. Send the line again:
admin-promo-bad-code = ⚠️ A code is 3 to 32 letters A-Z, digits, _ or -, not <code>{ $value }</code>. Send the line again:
admin-promo-no-benefit = ⚠️ Give one of --percent, --fixed or --days. Send the line again:
admin-promo-two-benefits = ⚠️ Give only one of --percent, --fixed or --days. Send the line again:
admin-promo-bad-percent = ⚠️ --percent is 1 to 100, not { $value }. Send the line again:
admin-promo-bad-fixed = ⚠️ --fixed is an amount above zero like 1.50, not <code>{ $value }</code>. Send the line again:
admin-promo-bad-days = ⚠️ --days is 1 to 3650, not { $value }. Send the line again:
admin-promo-bad-plans = ⚠️ --plans is plan numbers separated by commas like 1,2, not <code>{ $value }</code>. Send the line again:
admin-promo-bad-date = ⚠️ Dates are written 2026-12-31, not <code>{ $value }</code>. Send the line again:
admin-promo-dates-reversed = ⚠️ --until must not be before --from. Send the line again:
admin-promo-bad-uses = ⚠️ --uses is at least 1. Send the line again:
admin-promo-bad-per-user = ⚠️ --per-user is at least 1. Send the line again:
admin-promo-no-plan = ⚠️ There is no plan <code>{ $value }</code> (see 📦 Plans). Send the line again:
admin-promo-exists = ⚠️ A code <code>{ $value }</code> exists already. Send the line again:

## Admin statistics: promo codes

admin-stats-promos = 🏷 <b>Promo codes</b> (paid orders)
admin-stats-promos-none = No code used yet.
admin-stats-promo-line = <code>{ $code }</code>: { $uses } uses, { $revenue } revenue, { $discount } off, +{ $days } days
