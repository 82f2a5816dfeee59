# An agent's own bot: what its customers read, with the agent's brand.

ab-welcome = 👋 Welcome to <b>{ $brand }</b>, { $name }!
    Buy a VPN account here, or see the ones you have.
ab-btn-buy = 🛒 Buy
ab-btn-accounts = 📦 My accounts
ab-btn-support = 🆘 Support
ab-btn-lang = 🌐 Language
ab-btn-menu = 🏠 Menu
ab-choose-language = 🌐 Choose your language:
ab-support = 🆘 Support: { $support }
ab-support-none = 🆘 Write to the owner of this bot for help.
ab-closed = ⏸ { $brand } is not selling right now. Please try again later.
ab-no-payments = { $brand } sells accounts in person: contact { $support }.
ab-plans = 🛒 Choose a plan:
ab-plan-button = { $name } · { $price }
ab-invoice = 🧾 <b>{ $name }</b>
    Pay <b>{ $price }</b> before { $expires }. Your account is made as soon as the payment arrives.
ab-btn-pay = 💳 Pay
ab-btn-check = 🔄 I paid — check
ab-pending = ⏳ Not paid yet. If you just paid, it can take a few minutes.
ab-paid = ✅ Payment received: your account is being made.
ab-payment-expired = ⌛ This invoice expired. Choose the plan again for a new one.
ab-stale = This button has expired. Send /start for the menu.
ab-error = Something went wrong. Please try again in a minute.
ab-accounts-none = 📦 You have no accounts yet.
ab-accounts = 📦 Your accounts:
ab-account-line = • <b>{ $name }</b>, until { $expires } ({ $status })
ab-status-active = active
ab-status-expired = expired
ab-status-disabled = disabled
ab-btn-config = 📄 { $name }
ab-payment-granted = ✅ Payment received: your account is being made, its configs follow.
ab-payment-kept = Your payment arrived, but this order could no longer be completed. Nothing is lost: contact { $support }.
ab-account-ready = ✅ Your { $brand } account <b>{ $name }</b> is ready, until { $expires }. Your configs follow.
agent-bot-revoked = ⚠️ Your bot @{ $bot } stopped: Telegram no longer accepts its token (revoked or deleted in @BotFather). Connect a new token under 🧑‍💼 Agent → 🤖 My bot.
admin-agent-bot-revoked = ⚠️ Agent { $agent }'s bot @{ $bot } stopped: Telegram no longer accepts its token. The main bot and the other bots are unaffected.
agent-account-for = 🧑‍💼 For: <b>{ $label }</b>
agent-batch-file = 📦 { $count } accounts of { $name }
ab-payment-failed = ❌ This invoice was cancelled and nothing was charged. Choose the plan again for a new one.
ab-payment-short = ⚠️ So far { $paid } has arrived for this invoice; { $missing } is still missing. Send the rest before the invoice expires.
ab-reminder-expiry = ⏰ Your account <b>{ $name }</b> expires { $days ->
        [0] today
        [1] tomorrow
       *[other] in { $days } days
    }. Renew it with the button below (questions: { $support }).
ab-reminder-expired = 🔴 Your account <b>{ $name }</b> has expired. Renew it with the button below (questions: { $support }).
ab-reminder-traffic = 📊 You've used { $percent }% of the traffic on <b>{ $name }</b>. Renew it in time with the button below (questions: { $support }).
ab-reminder-traffic-full = 🟠 The traffic on <b>{ $name }</b> is used up. Renew it with the button below (questions: { $support }).
agent-account-name = { $name } · { $label }
ab-btn-renew = 🔄 Renew
ab-renewal-done = ✅ <b>{ $name }</b> is renewed, until { $expires }. Your configs stay the same.
