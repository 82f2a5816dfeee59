# AJIB — texts only administrators see (English).
#
# Numbers passed as numbers are shown with the reader's digits; pass ids that
# an admin may want to copy (Telegram ids, order ids) as strings.

## Admin menu

admin-menu-title = 🛠 <b>Admin panel</b>
btn-admin = 🛠 Admin
btn-admin-stats = 📊 Stats
btn-admin-plans = 📦 Plans
btn-admin-broadcast = 📣 Broadcast
btn-admin-users = 👥 Users
btn-admin-backup = 💾 Backup

## Notifications

# Variables:
#   $user (String) - who bought, e.g. "@name (123456)".
#   $plan (String) - plan name.
#   $price (String) - amount from format_money.
#   $order (String) - order id.
admin-new-purchase =
    💰 <b>New purchase</b>
    User: { $user }
    Plan: { $plan }
    Amount: { $price }
    Order: #{ $order }
# Variables:
#   $order (String) - order id.
#   $user (String) - who paid.
#   $paid (String) - amount received, from format_money.
#   $price (String) - invoice amount, from format_money.
admin-underpaid =
    ⚠️ <b>Underpaid order</b> #{ $order }
    User: { $user }
    Paid: { $paid } of { $price }
    Needs a manual review.
# Variables:
#   $order (String) - order id.
#   $user (String) - who paid.
#   $error (String) - what went wrong.
# Variables:
#   $order (String) - our reference of the invoice (ajib-N for an order, ajib-topup-N for a top-up).
#   $user (String) - who the order is for.
#   $invoice (String) - Heleket's invoice uuid.
#   $details (String) - what does not match.
admin-payment-mismatch =
    🚨 <b>Payment does not match its order</b> <code>{ $order }</code>
    User: { $user }
    Invoice: <code>{ $invoice }</code>
    { $details }
    Nothing was credited and the invoice is no longer checked. Look at it in Heleket; you can credit the user's balance from their profile.
admin-provision-failed =
    ❌ <b>Provisioning failed</b> for order #{ $order }
    User: { $user }
    Error: <code>{ $error }</code>
    The order is paid; please check it.
# Variables:
#   $order (String) - order id.
#   $user (String) - who paid.
#   $error (String) - the panel's answer, HTML-escaped.
admin-provision-stuck =
    🛑 <b>Provisioning stopped</b> for paid order #{ $order }
    User: { $user }
    The panel refused the request, so retrying by itself cannot help:
    <code>{ $error }</code>
    Fix the cause, then press Retry (or run <code>ajib-ctl orders retry { $order }</code>). The customer was told the payment is safe.
admin-retry-button = 🔁 Retry
# Variables:
#   $order (String) - order id.
admin-retry-queued = 🔁 Order #{ $order } is queued again; the customer gets the config as soon as the panel accepts it.
# Variables:
#   $order (String) - order id.
admin-retry-already-queued = ⏳ Order #{ $order } is already queued; nothing changed.
# Variables:
#   $order (String) - order id.
admin-retry-done-already = ✅ Order #{ $order } was already delivered; nothing changed.
# Variables:
#   $order (String) - order id.
admin-retry-not-paid = Order #{ $order } is not paid, so there is nothing to set up.
# Variables:
#   $panel (String) - the panel's name and location.
#   $error (String) - what went wrong.
admin-blitz-down =
    🚨 <b>Blitz panel unreachable</b>: { $panel }
    <code>{ $error }</code>
    New services wait in the queue until it is back.
# Variables:
#   $error (String) - what went wrong.
admin-backup-failed =
    ❌ <b>Backup failed</b>
    <code>{ $error }</code>

## Statistics

# Variables:
#   $users, $users_today, $users_week, $users_month, $users_active, $blocked (Number).
#   $active_services, $expiring, $orders_today, $orders_month (Number).
#   $revenue_today, $revenue_month (String) - from format_money.
#   $conversion (String) - share of users who bought, e.g. "12.5%".
admin-stats =
    📊 <b>Statistics</b>
    👥 Users: { $users }
    🆕 New: { $users_today } today, { $users_week } in 7 days, { $users_month } in 30 days
    🙋 Active in 7 days: { $users_active } · 🚫 blocked the bot: { $blocked }
    🟢 Active services: { $active_services }
    ⏰ Expiring soon: { $expiring }
    🧾 Paid orders: { $orders_today } today, { $orders_month } in 30 days
    💰 Revenue today: { $revenue_today }
    💰 Revenue this month: { $revenue_month }
    📈 Conversion: { $conversion }

## Plans

admin-plans-title = 📦 <b>Plans</b>
# Variables:
#   $id (String) - plan id.
#   $name (String) - plan name.
#   $days (Number) - duration in days.
#   $traffic (String) - traffic, already formatted.
#   $price (String) - price from format_money.
#   $active (String or Number) - "true"/"false" or 1/0: is the plan on sale.
admin-plan-line = { $active ->
        [true] 🟢
        [1] 🟢
       *[other] ⚪
    } #{ $id } { $name } · { $days } d · { $traffic } · { $price }
btn-admin-plan-add = ➕ Add plan
# Variables:
#   $id (String) - plan id.
btn-admin-plan-toggle = 🔀 On/off #{ $id }
admin-plan-ask-name-en = Send the plan name in English:
admin-plan-ask-name-fa = Send the plan name in Persian:
admin-plan-ask-days = Send the duration in days (e.g. 30):
admin-plan-ask-traffic = Send the traffic limit in GB (0 = unlimited):
admin-plan-ask-price = Send the price in USD (e.g. 5 or 4.99):
# Variables: as plan-details.
admin-plan-preview =
    📝 <b>New plan</b>
    Name: { $name }
    Duration: { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
    Traffic: { $traffic }
    Price: { $price }
    Save it?
# Variables:
#   $current (String) - the plan's current value of the field asked for.
admin-plan-keep = Now: <code>{ $current }</code> — send <code>-</code> to keep it.
admin-plan-saved = ✅ Plan saved.
# Variables:
#   $reason (String) - what is wrong with the value.
admin-plan-invalid =
    ⚠️ Invalid value: { $reason }
    Please send it again.
btn-admin-save = 💾 Save

## Broadcast

admin-broadcast-ask-text =
    📣 Send the message you want to broadcast: text formatted in Telegram (bold, italic, links…) or a photo with a caption.
    To add a button, end it with a line like <code>[Open the shop](https://t.me/your_bot)</code>.
admin-broadcast-ask-audience = 👥 Who should receive it?
audience-all = 👥 Everyone
audience-buyers = 💰 Buyers
audience-never-bought = 🆕 Never bought
audience-active = 🟢 Active service
audience-expired = 🔴 Expired service
audience-test-only = 🎁 Test only
audience-lang-en = 🇬🇧 English speakers
audience-lang-fa = 🇮🇷 Persian speakers
# Variables:
#   $count (Number) - how many users match the audience.
admin-broadcast-preview = { $count ->
        [0] No users match this audience.
        [one] 👆 This is the preview. It will go to { $count } user. Send it?
       *[other] 👆 This is the preview. It will go to { $count } users. Send it?
    }
btn-admin-broadcast-send = 🚀 Send
# Variables:
#   $sent, $failed, $blocked, $remaining (Number).
#   $eta (String) - estimated time left, already formatted.
admin-broadcast-progress =
    📣 <b>Broadcasting…</b>
    ✅ Sent: { $sent }
    ❌ Failed: { $failed }
    🚫 Blocked the bot: { $blocked }
    ⏳ Left: { $remaining } (about { $eta })
# Variables:
#   $sent, $failed, $blocked (Number).
admin-broadcast-done =
    ✅ <b>Broadcast finished</b>
    Sent: { $sent }
    Failed: { $failed }
    Blocked the bot: { $blocked }
# Shown under the progress when a crash interrupted sends: they were made
# again, and Telegram may have delivered the first ones too.
# Variables:
#   $repeats (Number).
admin-broadcast-repeats = 🔁 Sent again after a crash (may have arrived twice): { $repeats }
btn-pause = ⏸ Pause
btn-resume = ▶️ Resume
btn-stop = ⏹ Stop
admin-broadcast-paused = ⏸ Broadcast paused.
admin-broadcast-cancelled = ⏹ Broadcast cancelled.
# Variables:
#   $length (Number) - characters in the text the admin sent.
#   $max (Number) - the most Telegram accepts: 4096 for a text, 1024 for a photo caption.
admin-broadcast-too-long = ⚠️ This message is { $length } characters long, but Telegram allows at most { $max } here. Please send a shorter one.
# Variables:
#   $near (String) - the text around the problem, already escaped.
admin-broadcast-bad-html =
    ⚠️ The formatting is broken here: <code>{ $near }</code>
    Use only Telegram's tags (&lt;b&gt;, &lt;i&gt;, &lt;u&gt;, &lt;s&gt;, &lt;a href="…"&gt;, &lt;code&gt;, &lt;pre&gt;, &lt;blockquote&gt;) and close each one. Please send the text again.

## Users

# Variables:
#   $total (Number) - users in the list.
#   $page, $pages (String) - this page and the number of pages, from 1.
admin-users-list =
    👥 <b>Users</b>: { $total } · page { $page }/{ $pages }
    🔎 Send a Telegram id, @username, name or panel username to search, or pick a user.
# Variables:
#   $query (String) - what the admin searched for.
#   $total (Number) - users found.
#   $page, $pages (String) - this page and the number of pages, from 1.
admin-users-results =
    🔎 <b>{ $query }</b>: { $total } users · page { $page }/{ $pages }
    Send another search, or pick a user.
admin-user-not-found = No user found.
# Variables:
#   $id (String) - Telegram user id.
#   $username (String) - @username or "—".
#   $name (String) - display name.
#   $lang (String) - language code.
#   $created (String) - join date from format_date.
#   $orders, $services (Number).
#   $banned (String or Number) - "true"/"false" or 1/0.
admin-user-profile =
    👤 <b>User</b> <code>{ $id }</code>
    Username: { $username }
    Name: { $name }
    Language: { $lang }
    Joined: { $created }
    Orders: { $orders }
    Services: { $services }
    Banned: { $banned ->
        [true] yes
        [1] yes
       *[other] no
    }
btn-admin-ban = ⛔ Ban
btn-admin-unban = ✅ Unban
btn-admin-extend = ⏳ Extend
btn-admin-grant = 🎁 Grant plan
btn-admin-reset-test = 🔄 Reset test
btn-admin-message = ✉️ Message
# Variables:
#   $id (String) - order id.
#   $plan (String) - plan name, or admin-order-test.
#   $status (String) - created, invoiced, paid, provisioned, expired, underpaid or failed.
#   $price (String) - from format_money.
#   $date (String) - when it was made, from format_date.
admin-user-order = 🧾 #{ $id } { $plan } · { $status ->
        [created] started
        [invoiced] awaiting payment
        [paid] paid
        [provisioned] delivered
        [expired] invoice expired
        [underpaid] underpaid
        [failed] failed
       *[other] { $status }
    } · { $price } · { $date }
admin-order-test = free test
# Variables:
#   $user (String) - Telegram user id.
admin-grant-pick = 🎁 Which plan should user <code>{ $user }</code> get for free?
# Variables:
#   $plan (String) - plan name.
admin-grant-ask-reason = Why is <b>{ $plan }</b> granted? The reason goes to the audit log (up to 200 characters):
# Variables:
#   $plan (String) - plan name.
#   $user (String) - Telegram user id.
#   $order (String) - order id.
admin-granted = ✅ <b>{ $plan }</b> granted to <code>{ $user }</code> (order #{ $order }); the account is on its way to them.
admin-user-updated = ✅ User updated.
admin-ask-days = How many days should be added? Send a number:
admin-ask-message = Send the message for this user:
# Variables:
#   $id (String) - service id.
#   $username (String) - the panel username.
#   $status (String) - one of the status-* messages.
#   $expires (String) - from format_date.
#   $used, $limit (String) - traffic used ("—" when the panel did not answer) and the limit, formatted.
admin-user-service = #{ $id } <code>{ $username }</code> · { $status } · until { $expires } · { $used } / { $limit }
# Variables:
#   $id (String) - service id.
btn-admin-extend-service = ⏳ Extend #{ $id }
# Variables:
#   $id (String) - service id.
#   $expires (String) - the new expiry, from format_date.
admin-user-extended = ✅ Service #{ $id } now runs until { $expires }.
# Variables:
#   $error (String) - what went wrong with the panel.
admin-user-extend-failed = ⚠️ The panel did not extend the service: { $error }
admin-user-test-unchanged = ℹ️ Nothing to reset: this user has no finished test account.
admin-user-is-admin = ⚠️ Admins cannot be banned.
admin-user-message-sent = ✅ Message delivered.
# Variables:
#   $reason (String) - why Telegram refused it.
admin-user-message-failed = ⚠️ The message was not delivered: { $reason }

## Backups

# Variables:
#   $size (String) - from format_bytes.
#   $sha (String) - SHA-256 of the backup file, hex.
admin-backup-created =
    💾 <b>Backup created</b> ({ $size })
    SHA-256: <code>{ $sha }</code>
admin-backup-ask-restore =
    ♻️ Send the backup file to restore.
    ⚠️ It replaces all current data.
admin-backup-restored = ✅ Backup restored.
# Variables:
#   $reason (String) - why the file was rejected.
admin-backup-invalid = ⚠️ Invalid backup: { $reason }
btn-admin-backup-now = 💾 Back up now
btn-admin-backup-restore = ♻️ Restore
# Variables:
#   $hours (Number) - hours between automatic backups; 0 when they are off.
#   $keep (Number) - how many archives automatic backups keep.
admin-backup-menu =
    💾 <b>Backups</b>
    { $hours ->
        [0] Automatic backups are off.
       *[other] Automatic backup every { $hours } h; the newest { $keep } are kept.
    }
    “Back up now” masks the tokens and keys in the config file; “with secrets” keeps them.
btn-admin-backup-secrets = 🔐 Back up with secrets
admin-backup-secrets-note = ⚠️ This file contains your bot token and API keys. Keep it private, and delete it from this chat once you have saved it.
admin-backup-unsigned-note = ⚠️ This backup is not signed: BACKUP_SIGNING_KEY is not set on the server, so restoring it later will need an extra confirmation. Set one with <code>ajib-ctl config set BACKUP_SIGNING_KEY "$(openssl rand -hex 32)"</code> and restart.
admin-backup-secrets-deleted = 🗑 The file with secrets was deleted from the server; this chat now holds the only copy.
# Variables:
#   $kind (String) - what the signature check found: unsigned, other-key, no-key-here or invalid.
admin-backup-unsigned-ask =
    ⚠️ <b>This backup is not signed with this bot's key.</b>
    { $kind ->
        [other-key] It was signed with another key: another server, or a key that was replaced.
        [no-key-here] It is signed, but this server has no BACKUP_SIGNING_KEY to check it with.
        [invalid] Its signature does not match: the file was changed after it was made.
       *[unsigned] It carries no signature at all.
    }
    Restoring replaces all orders, services and users with whatever the file holds, and anyone can make such a file. Restore it only if you made it yourself and it never left your hands.
btn-admin-backup-restore-unsigned = ⚠️ Restore anyway
admin-owner-only = ⛔ Only the bot owner can do this.

## Staff (owner only): /admins, /admins add <id> [admin|support], /admins remove <id>

# Variables: $list (one "id — role" line per staff member)
admin-staff-list =
    👮 <b>Staff</b>
    { $list }

    Add: <code>/admins add ID admin</code> or <code>/admins add ID support</code>
    Remove: <code>/admins remove ID</code>
admin-staff-usage = Usage: <code>/admins</code>, <code>/admins add ID admin|support</code>, <code>/admins remove ID</code>.
# Variables: $id (Telegram id), $role (admin or support)
admin-staff-added = ✅ { $id } is now { $role }.
# Variables: $id (Telegram id)
admin-staff-removed = ✅ { $id } is no longer staff.
# Variables: $id (Telegram id)
admin-staff-not-found = { $id } is not in the staff list (owners come from TELEGRAM_ADMIN_IDS).

## Statistics breakdown

admin-stats-by-day = <b>Paid orders, last 7 days</b>
admin-stats-by-plan = <b>By plan, last 30 days</b>
# Variables: $name (plan name, or a date in the by-day list), $orders (number), $revenue (formatted money)
admin-stats-plan-line = • { $name }: { $orders ->
        [one] { $orders } order
       *[other] { $orders } orders
    }, { $revenue }
# Variables: $paid, $pending, $expired, $underpaid, $failed (numbers of orders)
admin-stats-outcomes =
    <b>Orders started in the last 30 days</b>
    ✅ paid: { $paid } · ⏳ waiting: { $pending }
    ⌛ expired: { $expired } · ⚠️ underpaid: { $underpaid } · ❌ failed or cancelled: { $failed }
# Variables: $max (formatted money of the tallest bar)
admin-stats-chart-caption = 📈 Revenue per day, last 30 days (tallest bar: { $max }).

# Variables: $id (plan id)
btn-admin-plan-edit = ✏️ Edit #{ $id }

## Balances

# Variables: $balance (formatted money)
admin-user-balance = 💰 <b>Balance: { $balance }</b>
# Variables: $line (a balance-line, already formatted), $note (the admin's reason)
admin-user-ledger-note = { $line } · <i>{ $note }</i>
btn-admin-balance = 💰 Adjust balance
# Variables: $id (order id)
btn-admin-refunded = ↩️ #{ $id } refunded
btn-admin-balance-confirm = ✅ Confirm
# Variables: $user (Telegram user id), $balance (formatted money)
admin-balance-ask-amount =
    💰 User <code>{ $user }</code> holds { $balance }.
    Send the change with its sign: <code>+5</code> adds, <code>-2.50</code> takes.
# Variables: $max (the largest change, in whole currency units)
admin-balance-bad-amount =
    ⚠️ That is not an amount. Send it with its sign, like <code>+5</code> or <code>-2.50</code>: not zero, no more decimals than the currency has, and at most { $max } at a time.
# Variables: $balance (formatted money)
admin-balance-too-much = ⚠️ The balance is only { $balance }; it cannot go below zero. Send a smaller amount:
# Variables: $change (signed formatted money)
admin-balance-ask-reason = Why does the balance change by { $change }? The reason goes to the ledger, the audit log and the user (up to 200 characters):
# Variables: $user (Telegram user id), $change (signed formatted money), $before, $after (formatted money), $reason (text)
admin-balance-preview =
    💰 <b>Balance of</b> <code>{ $user }</code>
    Change: { $change }
    Balance: { $before } → { $after }
    Reason: { $reason }
    The user will be told. Confirm?
# Variables: $user (Telegram user id), $change (signed formatted money), $balance (formatted money)
admin-balance-done = ✅ The balance of <code>{ $user }</code> changed by { $change }; it is now { $balance }.
# Sent to the customer. Variables: $change (signed formatted money), $balance (formatted money), $reason (the admin's text)
balance-adjusted-notice =
    💰 Your balance was changed by { $change }.
    Reason: { $reason }
    Your balance is now { $balance }.
# Variables: $owed (formatted money, one per currency), $credited (formatted money, one per currency)
admin-stats-balances =
    💳 Balances owed to users: { $owed }
    💳 Paid into balances in 30 days: { $credited } (top-ups, overpayments and payments that could not buy their plan)
