# AJIB — customer-facing texts (English).
#
# Messages are sent with Telegram's HTML parse mode: only <b>, <i> and <code>
# are used, and string variables are HTML-escaped by the bot before formatting.
# Operators may override any message without rebuilding: put a file with the
# same ids in <overrides>/en/*.ftl.

-brand = AJIB

## Language

lang-choose =
    🌐 Please choose your language:
    لطفاً زبان خود را انتخاب کنید:
    Выберите язык:
lang-set = ✅ Language set to English.
# This language's own name, on its button in the language picker.
lang-name = 🇬🇧 English
# Shown at the first /start when the language came from the user's Telegram app.
# Variables: $language (String) - the language's own name (lang-name).
lang-detected = 🌐 Language: { $language }, as in your Telegram app. Prefer another? Tap it below.

## Main menu

# Variables:
#   $name (String) - the user's first name.
welcome =
    👋 Hi { $name }, welcome to { -brand }!
    🚀 Fast, stable VPN on Hysteria2: pay with crypto and get connected in minutes.
    🎁 New here? Try a free test account first.
menu-title = 🏠 <b>Main menu</b>
    What would you like to do?
btn-buy = 🛒 Buy VPN
btn-services = 📦 My services
btn-test = 🎁 Free test
btn-apps = 📲 Apps
btn-support = 💬 Support
btn-help = ❓ Help
btn-language = 🌐 Language
btn-balance = 💰 Balance
# Variables: $balance (String) - the balance, from format_money.
balance-title = 💰 <b>Your balance: { $balance }</b>
balance-empty = Nothing has moved yet. Money you overpay, or pay for an invoice that could no longer be filled, lands here and pays for your next plan.
# Variables: $date (String), $amount (String, signed), $cause (String)
balance-line = { $date } · { $amount } · { $cause }
balance-cause-payment = payment received
balance-cause-purchase = plan bought
balance-cause-refund = refund
balance-cause-adjustment = adjusted by support
balance-cause-reward = reward
btn-add-funds = ➕ Add funds
btn-topup-other = ✏️ Another amount
topup-choose = ➕ <b>Add funds</b>
    How much would you like to add to your balance? You pay by crypto invoice; the money then pays for plans and renewals in one tap.
# Variables: $max (String) - the largest top-up, from format_money.
topup-ask = ✏️ Type the amount to add, for example 7.50 (at most { $max }).
# Variables: $max (String) - the largest top-up, from format_money.
topup-invalid = ⚠️ That is not an amount we can take. Type a number such as 7.50, at least 1 and at most { $max }.
# Variables:
#   $amount (String) - the top-up, from format_money.
#   $expires (String) - when the invoice runs out.
topup-invoice = 🧾 Invoice to add <b>{ $amount }</b> to your balance. Pay it before { $expires }; the balance is credited as soon as the payment is confirmed.
# Variables: $amount (String), $balance (String) - from format_money.
topup-credited = ✅ { $amount } added to your balance (now { $balance }).
topup-already-credited = ✅ This top-up is already on your balance.
btn-back = 🔙 Back
btn-menu = 🏠 Menu
btn-cancel = ✖️ Cancel

## Plans and purchase

plans-title =
    🛒 <b>Choose a plan</b>
    Pick the plan that suits you:
plans-empty = 😔 No plans are on sale right now. Please check back soon.
# Variables:
#   $name (String) - plan name.
#   $days (Number) - plan duration in days.
#   $traffic (String) - traffic-gb or traffic-unlimited, already formatted.
#   $price (String) - price from format_money.
plan-button = { $name } · { $days ->
        [one] { $days } day
       *[other] { $days } days
    } · { $traffic } · { $price }
# Variables: as plan-button.
plan-details =
    📦 <b>{ $name }</b>

    ⏳ Duration: { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
    📊 Traffic: { $traffic }
    💰 Price: { $price }

    Tap the button below to pay with crypto.
# Variables:
#   $gb (Number) - traffic in gigabytes.
traffic-gb = { $gb } GB
traffic-unlimited = Unlimited
# Variables:
#   $count (Number) - number of days.
days-count = { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
# Variables:
#   $price (String) - price from format_money.
btn-confirm-pay = 💳 Pay { $price }
# Variables: $price (String) - the price, from format_money.
btn-pay-balance = 💰 { $price } from balance
# Variables: $balance (String), $rest (String) - from format_money.
balance-pays-part = 💰 Your balance of { $balance } pays part of it; the invoice asks for the other { $rest }.
# Variables: $price (String), $balance (String) - from format_money.
paid-from-balance = ✅ Paid { $price } from your balance (now { $balance }). Setting up your service…
balance-changed = ⚠️ Your balance changed in the meantime and no longer covers this. Nothing was taken; please choose again.
# Variables:
#   $price (String) - invoice amount from format_money.
#   $expires (String) - when the invoice expires, already formatted (time or date and time).
invoice-created =
    🧾 <b>Your invoice is ready</b>
    Amount: <b>{ $price }</b>

    Please pay with the button below before { $expires }.
    Once the payment is confirmed, your service is set up automatically and sent right here.
    If it seems to take long, tap “{ btn-check-payment }”.
btn-pay = 💳 Pay now
btn-check-payment = 🔄 Check payment
invoice-error = ⚠️ We couldn't create your invoice right now. Please try again in a few minutes.
payment-pending = ⏳ We haven't received your payment yet. If you've already paid, the network may need a few more minutes to confirm it.
payment-received = ✅ Payment received, thank you! Setting up your service…
payment-expired = ⌛ This invoice has expired. If you still want the plan, please start a new purchase. If you already sent the payment, there is nothing to do: when it arrives we'll give you the plan, or keep the money on your balance.
# Variables:
#   $paid (String) - amount actually received, from format_money.
#   $price (String) - invoice amount, from format_money.
#   $missing (String) - what is missing, from format_money.
#   $balance (String) - the balance now, from format_money.
payment-underpaid = ⚠️ We received { $paid }, but the invoice was for { $price }. The { $paid } is on your balance (now { $balance }); { $missing } more buys the plan.
# Variables:
#   $excess (String) - paid beyond the price, from format_money.
#   $balance (String) - the balance now, from format_money.
payment-received-excess = ✅ Payment received, thank you! Setting up your service… You paid { $excess } more than the price; it is on your balance (now { $balance }).
# Variables:
#   $amount (String) - amount received, from format_money.
#   $balance (String) - the balance now, from format_money.
payment-to-balance = 💰 We received { $amount } for an invoice whose order could no longer be filled as it was (it had closed, or its plan or price changed). The money is on your balance (now { $balance }) for any plan.
# Variables:
#   $paid (String) - received so far, from format_money.
#   $missing (String) - still missing, from format_money.
payment-short = ⚠️ So far { $paid } has arrived for this invoice; { $missing } is still missing. Send the rest before the invoice expires.
payment-underpaid-settled = ⚠️ Too little arrived for this invoice; what did arrive is on your balance. Open the plan again to buy it with your balance and a new invoice.
payment-failed = ❌ The payment didn't go through, so no service was created. You can try again or contact support.
provisioning-delayed = ⏳ Your payment is confirmed. Setting up your service is taking a little longer than usual; we'll send your config here as soon as it's ready. No need to pay again.
provisioning-stuck = 🛟 Your payment is confirmed and safe. Setting up your service hit a problem that needs a person, and our team has been told. You will get your config here as soon as it is fixed. No need to pay again.
btn-retry-purchase = 🔁 Try again

## Configs

# Variables:
#   $name (String) - plan or service name.
#   $expires (String) - expiry date from format_date.
#   $traffic (String) - traffic limit, already formatted.
service-ready =
    🎉 <b>Your service is ready!</b>
    📦 Plan: { $name }
    📅 Valid until: { $expires }
    📊 Traffic: { $traffic }

    Your connection details follow below.
# Variables:
#   $uri (String) - the hy2:// config URI.
config-uri =
    🔗 <b>Config link</b> (tap to copy):
    <code>{ $uri }</code>
# Variables:
#   $url (String) - the subscription URL.
config-sub =
    🔄 <b>Subscription link</b> (tap to copy):
    <code>{ $url }</code>
qr-caption = 📷 Scan this QR code in your VPN app.
config-howto = 💡 Open your client app and import the config by scanning the QR code or pasting the link.

## My services

services-title =
    📦 <b>Your services</b>
    Tap a service to see its details.
services-empty = You don't have any services yet. Tap “{ btn-buy }” to get started.
# Variables:
#   $name (String) - service name.
#   $status (String) - one of the status-* messages.
service-button = { $name } · { $status }
# Variables:
#   $name (String) - service name.
#   $username (String) - panel username.
#   $status (String) - one of the status-* messages.
#   $expires (String) - expiry date from format_date.
#   $days (Number) - whole days left (0 when expired).
#   $used (String) - traffic used, from format_bytes.
#   $limit (String) - traffic limit, from format_bytes or traffic-unlimited.
service-details =
    📦 <b>{ $name }</b>
    👤 Username: <code>{ $username }</code>
    🔘 Status: { $status }
    📅 Expires: { $expires }
    ⏳ Days left: { $days }
    📊 Used: { $used } of { $limit }
service-usage-unavailable = ⚠️ The VPN panel can't be reached right now, so usage may be out of date. Showing what we know.
status-active = 🟢 Active
status-expired = 🔴 Expired
status-on-hold = ⏸ On hold
status-blocked = ⛔ Blocked
status-over-quota = 🟠 Traffic used up
btn-renew = 🔁 Renew
btn-show-config = 🔗 Show config
# Variables:
#   $name (String) - service name.
#   $days (Number) - days the renewal adds.
#   $price (String) - price from format_money.
renew-confirm =
    🔁 <b>Renew { $name }</b>
    This adds { $days ->
        [one] { $days } day
       *[other] { $days } days
    } for { $price }.
    Confirm to get the payment invoice.
# Variables:
#   $name (String) - service name.
#   $expires (String) - new expiry date from format_date.
renewal-done = ✅ <b>{ $name }</b> has been renewed and is valid until { $expires }.

## Auto-renew from the balance

btn-autorenew-on = ✅ Auto-renew: on
btn-autorenew-off = ⬜ Auto-renew: off
# Variables:
#   $days (Number) - AUTO_RENEW_DAYS_BEFORE: days before expiry it renews (0: at expiry).
service-autorenew-on = 🔁 Auto-renew is <b>on</b>: this service renews from your balance { $days ->
        [0] when it expires
        [one] { $days } day before it expires
       *[other] { $days } days before it expires
    }, if your balance covers the price.
# Variables:
#   $days (Number) - AUTO_RENEW_DAYS_BEFORE: days before expiry it would renew (0: at expiry).
service-autorenew-off = Auto-renew is off. Turn it on to renew from your balance { $days ->
        [0] when the service expires
        [one] { $days } day before it expires
       *[other] { $days } days before it expires
    }, whenever your balance covers the price.
# Variables:
#   $name (String) - service name.
#   $price (String) - what was paid, from format_money.
#   $balance (String) - the balance left, from format_money.
autorenew-done = 🔁 <b>{ $name }</b> was renewed automatically from your balance: { $price } paid, { $balance } left. The new expiry date follows in a moment.
# Variables:
#   $name (String) - service name.
#   $price (String) - the renewal price, from format_money.
#   $balance (String) - the balance now, from format_money.
#   $expires (String) - current expiry date from format_date.
autorenew-short = ⚠️ <b>{ $name }</b> expires on { $expires } and auto-renew is on, but your balance ({ $balance }) does not cover the renewal ({ $price }). Add funds and it renews by itself, or renew now by invoice.

## Free test

btn-test-confirm = ✅ Get my free test
# Variables:
#   $days (Number) - test duration in days.
#   $traffic (String) - test traffic, already formatted.
test-offer =
    🎁 <b>Free test account</b>
    Try our VPN for free: { $days ->
        [one] { $days } day
       *[other] { $days } days
    } with { $traffic } of traffic.
    Each Telegram account can get one test. Would you like it now?
test-granted = 🎁 Your free test account is ready! Your connection details follow below.
test-refused-used = You've already used your free test. Choose a plan from “{ btn-buy }” to keep going!
test-refused-customer = Free tests are for new users, and you're already a customer, thank you! 💙 You'll find your service under “{ btn-services }”.
test-disabled = The free test isn't available right now. You can pick a plan from “{ btn-buy }”.

## Apps, support and help

apps-title =
    📲 <b>Client apps</b>
    Download the app for your device, then import your config into it:
apps-none = No download links are set up yet. Please ask support which app to use.
# Variables:
#   $contact (String) - support contact, e.g. an @username.
support-text =
    💬 <b>Support</b>
    Questions or problems? Message us: { $contact }
    If it's about a payment, please include your order number.
support-none = The support contact isn't set up yet. Please try again later.
help-text =
    ❓ <b>How to use this bot</b>
    { btn-buy }: choose a plan and pay with crypto.
    { btn-services }: your configs, usage and renewals.
    { btn-test }: try the service once, for free.
    { btn-apps }: download a client app for your device.
    { btn-support }: get in touch with us.

    Commands:
    /start — start over
    /menu — show the main menu
    /help — show this help
    /language — change the language
unknown-input = 🤔 Sorry, I didn't get that. Please use the menu buttons.
stale-button = ⌛ This button has expired. Here is the current menu.
flood-notice = 🐢 You're going a bit fast. Please wait a moment and try again.
error-generic = ⚠️ Something went wrong on our side. Please try again in a moment.
banned = ⛔ Your access to this bot has been restricted. If you think this is a mistake, please contact support.
admin-only = ⛔ You are not allowed to do that.

## Reminders

# Variables:
#   $name (String) - service name.
#   $days (Number) - whole days until expiry.
reminder-expiry = ⏰ Your service <b>{ $name }</b> expires { $days ->
        [0] today
        [1] tomorrow
       *[other] in { $days } days
    }. Renew now to stay connected.
# Variables:
#   $name (String) - service name.
reminder-expired = 🔴 Your service <b>{ $name }</b> has expired. Renew it to get connected again.
# Variables:
#   $name (String) - service name.
#   $percent (Number) - share of the traffic used, 0 to 100.
reminder-traffic = 📊 You've used { $percent }% of the traffic on <b>{ $name }</b>. Renew in time to stay connected.
# Variables:
#   $name (String) - service name.
reminder-traffic-full = 🟠 The traffic on <b>{ $name }</b> is used up. Renew it to keep using the VPN.
