## Referrals: the invite screen, rewards, and the admin's referral screens (issue 20).

## The customer's invite screen

btn-invite = 🎁 Пригласить друзей
invite-screen =
    🎁 <b>Пригласить друзей</b>
    Ваша личная ссылка:
    { $link }
    { $rules }

    👥 Приглашено друзей: { $invited }
    ⏳ Ещё не купили: { $waiting }
    💰 Получено наград: { $earned }
invite-no-link = (ссылку сейчас не показать; попробуйте через минуту)
invite-welcome = 🎉 Ваш друг получит { $bonus } на баланс с первой покупкой.
invite-over-cap = ⚠️ Наград сверх дневного лимита, не выплачено: { $count }.
invite-share-text = Быстрый и стабильный VPN на Hysteria2. Заходи по моей ссылке:
btn-invite-share = 📤 Поделиться ссылкой

## Reward rules, in words

referral-rules-none = Приглашения учитываются; наград сейчас нет.
referral-rules-first = Вы получите { $reward }, когда приглашённый друг сделает первую покупку.
referral-rules-every = Вы получаете { $reward } за каждую покупку приглашённого друга.
referral-reward-fixed = { $amount }
referral-reward-percent = { $percent }% от цены
referral-reward-both = { $amount } + { $percent }% от цены
referral-reward-days = { $days ->
    [one] { $days } дополнительный день к вашей услуге
    [few] { $days } дополнительных дня к вашей услуге
   *[other] { $days } дополнительных дней к вашей услуге
}

## Admin: referrals

btn-admin-referrals = 🎁 Рефералы
admin-referrals =
    🎁 <b>Рефералы</b>
    Правила (REFERRAL_MODE={ $mode }): { $rules }
    Приветственный бонус: { $welcome }
    Наград на реферера за 24 часа: { $cap }
admin-referrals-none-set = нет
admin-referrals-empty = Пока никто никого не пригласил.
admin-referrals-top = <b>Лучшие рефереры</b>
admin-referrer-line = { $rank }. { $name } ({ $id }): приглашено { $invited }, купили { $buyers }, заработано { $earned }
btn-admin-referrer = { $rank }. { $name }
admin-stats-referrals = 🎁 <b>Рефералы</b> (30 дней): приглашено пользователей { $referred }, оплаченных покупок { $purchases } на { $revenue }; выплачено наград { $paid }, сверх дневного лимита { $refused }.
admin-referrer-title = 🎁 <b>Награды { $name }</b> ({ $id })
admin-referrer-empty = Наград пока нет.
admin-reward-line = #{ $id } · { $date } · { $kind } за { $referee } · { $amount } · { $status }
admin-reward-kind-referrer = награда
admin-reward-kind-welcome = приветственный бонус
admin-reward-status-granted = ✅ выплачена
admin-reward-status-capped = ⛔ не выплачена: дневной лимит
admin-reward-status-banned = ⛔ не выплачена: реферер заблокирован
admin-reward-status-reversed = ↩️ возврат, списано { $taken }
admin-reward-status-revoked = ↩️ отозвана, списано { $taken }
btn-admin-reward-revoke = ↩️ Отозвать #{ $id }
admin-reward-revoke-confirm = Отозвать награду #{ $id } на { $amount }? Что от неё ещё есть на балансе, будет списано; уже потраченное остаётся потраченным.
btn-admin-reward-revoke-yes = ✅ Да, отозвать
admin-reward-revoked = ↩️ Награда #{ $id } отозвана: списано { $taken }.
admin-reward-not-granted = Эта награда не выплачена (уже); ничего не изменилось.
referral-days-added = 🎁 Приглашённый вами друг сделал покупку: к <b>{ $name }</b> добавлено дней: { $days }, теперь она действует до { $expires }.
