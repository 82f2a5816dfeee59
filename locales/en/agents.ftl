# Agents (resellers): the agent menu in the main bot and the owner's agent screens.

# Owner's agent screens
btn-admin-agents = 🧑‍💼 Agents
admin-agents-title = 🧑‍💼 <b>Agents</b>
admin-agents-empty = No agents yet. Open a user's profile and press “🧑‍💼 Make agent”, or run <code>ajib-ctl agents add</code>.
admin-agents-line = • { $name } (<code>{ $id }</code>){ $state }: balance { $balance } · accounts { $active }/{ $accounts } · sales { $sales } ({ $amount })
btn-admin-agent-open = 🧑‍💼 { $name }
admin-agent-title = 🧑‍💼 <b>Agent { $name }</b> (<code>{ $id }</code>)
admin-agent-terms = Terms: { $percent }% off list prices · credit limit { $limit } · bot payments: { $payments }
admin-agent-figures = Balance { $balance } · accounts { $active } active of { $accounts } · sales { $sales } ({ $amount })
admin-agent-bot = Own bot: @{ $bot }
admin-agent-no-bot = Own bot: none connected
admin-agent-suspended = ⏸ <b>Suspended</b>: buys nothing until resumed; their accounts keep working.
admin-agent-payments-heleket = Heleket
admin-agent-payments-none = none
btn-admin-agent-suspend = ⏸ Suspend
btn-admin-agent-resume = ▶️ Resume
btn-admin-agent-credit = 💰 Credit
btn-admin-agent-prices = 🏷 Prices
btn-admin-agent-payments = 💳 Payments: { $payments }
btn-admin-agent-profile = 👤 Profile
btn-admin-agent-remove = 🗑 Remove
admin-agent-removed = ✅ <code>{ $id }</code> is no longer an agent.
admin-agent-remove-refused = ⚠️ <code>{ $id }</code> was not removed: they still own accounts or orders, or their balance is not zero. Suspend them instead.
admin-agent-not-found = This user is not an agent (any more).
admin-agent-prices-title = 🏷 <b>Prices of agent <code>{ $id }</code></b> (default: { $percent }% off the list price)
admin-agent-price-set = • { $plan }: list { $list } → agent { $cost } (set by hand)
admin-agent-price-default = • { $plan }: list { $list } → agent { $cost }
btn-admin-agent-price = ✏️ Plan #{ $plan }
btn-admin-agent-price-default = ↩️ #{ $plan } default
btn-admin-agent-percent = ％ Discount
btn-admin-agent-limit = 💳 Credit limit
admin-agent-ask-price = Send what the agent pays for { $plan } (list price { $list }), like 4.50:
admin-agent-ask-percent = Send the discount off list prices for plans without their own agent price, 0 to { $max }:
admin-agent-ask-limit = Send the credit limit, how far below zero the agent's balance may go, like 20 or 0:
admin-agent-bad-percent = ⚠️ Send a whole number from 0 to { $max }:
admin-agent-bad-amount = ⚠️ That is not an amount in { $currency }. Send one like 4.50:
admin-agent-saved = ✅ Saved.
btn-admin-make-agent = 🧑‍💼 Make agent
btn-admin-agent = 🧑‍💼 Agent
admin-stats-agents = 🧑‍💼 <b>Agents</b>: { $agents } · { $orders } paid orders in { $days } days · agents paid { $revenue }

# Agent menu
btn-agent = 🧑‍💼 Agent
agent-home =
    🧑‍💼 <b>Agent</b>
    💰 Balance: <b>{ $balance }</b>
    💳 Credit limit: { $limit }
    🛒 You can spend: { $left }
agent-suspended = ⛔ Your agent account is suspended: you cannot buy until the shop resumes it. Your accounts keep working.
agent-suspended-refused = ⛔ Nothing was bought: your agent account is suspended. Your accounts keep working; ask the shop to resume it.
agent-credit-refused = ❌ Nothing was bought: this costs { $needed }, and your balance ({ $balance }) with your credit limit ({ $limit }) does not cover it. Top up and try again.
btn-agent-buy = 🛒 Buy for a customer
btn-agent-bulk = 📦 Bulk create
btn-agent-accounts = 📋 My accounts
btn-agent-topup = 💰 Top up
btn-agent-prices = 🏷 My prices
btn-agent-bot = 🤖 My bot
btn-agent-confirm = ✅ Confirm
btn-agent-renew = 🔄 Renew
btn-agent-configs = 📄 Configs
agent-plan-button = { $name } · { $cost }
agent-plans-empty = No plans are on sale right now.
agent-use-buttons = Please press one of the buttons above, or cancel.
agent-buy-title = 🛒 Which plan does your customer get? The prices are what you pay.
agent-ask-label = { $plan } for { $cost }. Send your customer's name or a note for this account (1 to 64 characters).
agent-label-invalid = A name or note is 1 to { $max } characters on one line. Send it again.
agent-bought =
    ✅ Bought { $plan } for <b>{ $label }</b> at { $cost }. Your balance: { $balance }.
    The configs follow in a moment.
agent-bulk-title = 📦 Which plan do you want to make accounts of? The prices are what you pay.
agent-ask-count = { $plan } costs you { $cost } each. How many accounts do you want to make (1 to { $max })?
agent-count-invalid = Send a number from 1 to { $max }.
agent-bulk-confirm =
    📦 { $count } × { $plan } at { $cost } = <b>{ $total }</b>
    💰 Balance now: { $balance }
    💰 Balance after: { $after }
agent-bulk-bought =
    ✅ { $count } accounts of { $plan } are being made ({ $total }). Your balance: { $balance }.
    One file with all their configs follows when they are ready.
agent-accounts-title = 📋 <b>Your accounts</b> (page { $page }):
agent-accounts-empty = 📋 You have no accounts yet. Buy one for a customer to begin.
agent-account-line = { $n }. <b>{ $label }</b> · { $plan } · until { $expires } · { $status }
agent-account-button = { $n }. { $label }
agent-account =
    👤 <b>{ $label }</b>
    📦 Plan: { $plan }
    🔑 Account: <code>{ $username }</code>
    🔘 Status: { $status }
    📅 Expires: { $expires }
    ⏳ Days left: { $days }
    📊 Used: { $used } of { $limit }
agent-renew-title = 🔄 Renew <b>{ $label }</b> with which plan? The prices are what you pay.
agent-renew-confirm =
    🔄 Renew <b>{ $label }</b> with { $plan } for { $cost }?
    💰 Balance now: { $balance }
    💰 Balance after: { $after }
agent-renewed = ✅ <b>{ $label }</b> is being renewed with { $plan } ({ $cost }). Your balance: { $balance }.
agent-prices-title = 🏷 <b>Your prices</b>: the list price, your cost, and the retail price your own bot asks.
agent-price-line = • <b>{ $plan }</b>: list { $list } · cost { $cost } · retail { $retail }
agent-price-button = ✏️ { $plan }
agent-ask-retail = { $plan }: you pay { $cost }, your bot asks { $retail }. Send the new retail price (at least { $cost }), or - for the list price.
agent-retail-invalid = That is not a price. Send an amount like 4.50, or - for the list price.
agent-retail-below = ❌ The retail price cannot be below your cost of { $cost }. Send another amount.
agent-retail-saved = ✅ Retail price saved.
agent-bot-none =
    🤖 <b>Your own bot</b>
    Your customers can buy from a bot with your name, your prices and your support contact.
    To make one, open @BotFather, send /newbot, choose a name and a username, and copy the token it gives you. Then press “Connect a bot” and send the token here: the message is deleted at once.
btn-agent-bot-connect = 🔌 Connect a bot
btn-agent-bot-token = 🔁 New token
btn-agent-brand = ✏️ Brand
btn-agent-support = ✏️ Support contact
btn-agent-disconnect = 🔌 Disconnect
agent-bot =
    🤖 <b>@{ $username }</b>
    🔘 State: { $state }
    🏷 Brand: { $brand }
    💬 Support: { $support }
agent-bot-active = ✅ running
agent-bot-starting = ⏳ starting
agent-bot-state-revoked = ⛔ stopped: Telegram refused the token ({ $note }). Send a new token to start it again.
agent-bot-unset = —
agent-ask-token = Send your bot's token from @BotFather. The message is deleted as soon as it arrives.
agent-token-malformed = ❌ That does not look like a bot token; nothing was saved. Copy the whole token from @BotFather and send it again.
agent-token-refused = ❌ Telegram does not accept this token (revoked or mistyped); nothing was saved. Send a valid token.
agent-token-main = ❌ This is the shop's own bot; nothing was saved. Send your own bot's token.
agent-token-unreachable = ❌ Telegram could not be reached to check the token; nothing was saved. Try again in a minute.
agent-token-taken = ❌ This bot is connected by another agent; nothing was saved.
agent-bot-connected = ✅ @{ $username } is connected. It starts serving your customers in a moment.
agent-ask-brand = Send the brand name your bot greets customers with (1 to 48 characters), or - to remove it.
agent-ask-support = Send the support contact your bot shows (1 to 64 characters, for example @yourname), or - to remove it.
agent-text-invalid = Send 1 to { $max } characters on one line, or - to remove it.
agent-bot-saved = ✅ Saved.
agent-disconnect-confirm = Disconnect @{ $username }? It stops serving your customers at once; your accounts keep working.
agent-bot-disconnected = 🔌 Your bot is disconnected.
