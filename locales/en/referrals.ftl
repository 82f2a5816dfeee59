## Referrals: the invite screen, rewards, and the admin's referral screens (issue 20).

## The customer's invite screen

btn-invite = 🎁 Invite friends
invite-screen =
    🎁 <b>Invite friends</b>
    Your personal link:
    { $link }
    { $rules }

    👥 Friends invited: { $invited }
    ⏳ Not bought yet: { $waiting }
    💰 Rewards earned: { $earned }
# Shown instead of the link while Telegram cannot tell the bot its own name.
invite-no-link = (your link cannot be shown right now; please try again in a minute)
invite-welcome = 🎉 Your friend gets { $bonus } on their balance with their first purchase.
invite-over-cap = ⚠️ { $count } reward(s) came over the daily limit and were not paid.
# The text Telegram's share dialog puts before the link (plain text).
invite-share-text = Fast, stable VPN with Hysteria2. Join with my link:
btn-invite-share = 📤 Share my link

## Reward rules, in words (the invite screen and the admin's referral screen)

referral-rules-none = Invitations are counted; there are no rewards right now.
referral-rules-first = You get { $reward } when a friend you invited makes their first purchase.
referral-rules-every = You get { $reward } for every purchase of a friend you invited.
referral-reward-fixed = { $amount }
referral-reward-percent = { $percent }% of the price
referral-reward-both = { $amount } + { $percent }% of the price
referral-reward-days = { $days ->
    [one] { $days } extra day on your service
   *[other] { $days } extra days on your service
}

## Admin: referrals

btn-admin-referrals = 🎁 Referrals
admin-referrals =
    🎁 <b>Referrals</b>
    Rules (REFERRAL_MODE={ $mode }): { $rules }
    Welcome bonus: { $welcome }
    Rewards per referrer per 24 hours: { $cap }
admin-referrals-none-set = none
admin-referrals-empty = Nobody has invited anyone yet.
admin-referrals-top = <b>Top referrers</b>
admin-referrer-line = { $rank }. { $name } ({ $id }): { $invited } invited, { $buyers } bought, { $earned } earned
btn-admin-referrer = { $rank }. { $name }
admin-stats-referrals = 🎁 <b>Referrals</b> (30 days): { $referred } invited users, { $purchases } paid purchases bringing { $revenue }; rewards paid { $paid }, { $refused } over the daily cap.
admin-referrer-title = 🎁 <b>Rewards of { $name }</b> ({ $id })
admin-referrer-empty = No rewards yet.
admin-reward-line = #{ $id } · { $date } · { $kind } for { $referee } · { $amount } · { $status }
admin-reward-kind-referrer = reward
admin-reward-kind-welcome = welcome bonus
admin-reward-status-granted = ✅ paid
admin-reward-status-capped = ⛔ not paid: daily cap
admin-reward-status-banned = ⛔ not paid: referrer banned
admin-reward-status-reversed = ↩️ refunded, { $taken } taken back
admin-reward-status-revoked = ↩️ revoked, { $taken } taken back
btn-admin-reward-revoke = ↩️ Revoke #{ $id }
admin-reward-revoke-confirm = Revoke reward #{ $id } of { $amount }? What is still on the balance of it is taken back; what was already spent stays spent.
btn-admin-reward-revoke-yes = ✅ Yes, revoke
admin-reward-revoked = ↩️ Reward #{ $id } revoked: { $taken } taken back.
admin-reward-not-granted = This reward is not paid (any more); nothing changed.
referral-days-added = 🎁 A friend you invited made a purchase: { $days ->
    [one] { $days } extra day was
   *[other] { $days } extra days were
} added to <b>{ $name }</b>, now valid until { $expires }.
