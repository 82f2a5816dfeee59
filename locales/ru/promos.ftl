## Promo codes: entering a code on the plan screen, and the admin's code screens (issue 20).

## The customer's plan screen

btn-promo-code = 🏷 У меня есть код
promo-ask = 🏷 Отправьте ваш промокод:
promo-applied-price = 🏷 Код <b>{ $code }</b>: теперь <b>{ $new }</b> (было { $old })
promo-applied-days = 🏷 Код <b>{ $code }</b>: +{ $bonus } дн., { $days } дн. по той же цене
promo-refused-unknown = ❌ Такого кода нет. Проверьте его и отправьте ещё раз или нажмите «Отмена».
promo-refused-disabled = ❌ Этот код больше не действует.
promo-refused-not-started = ⏳ Этот код ещё не действует.
promo-refused-expired = ⌛ Срок действия этого кода истёк.
promo-refused-used-up = ❌ Этот код уже израсходован.
promo-refused-not-for-plan = ❌ Этот код не действует для этого тарифа.
promo-refused-already-used = ❌ Вы уже использовали этот код.
promo-refused-first-purchase = ❌ Этот код только для первой покупки.
promo-payment-to-balance = 💰 Мы получили { $amount }, но к моменту оплаты промокод этого заказа был израсходован, поэтому заказ не выполнен со скидкой. Деньги на вашем балансе (сейчас { $balance }) и подходят для любого тарифа.

## What a code gives (the admin's list)

promo-benefit-percent = скидка { $percent }%
promo-benefit-fixed = скидка { $amount }
promo-benefit-days = +{ $days } дн.

## Admin: promo codes

btn-admin-promos = 🏷 Промокоды
btn-admin-promo-add = ➕ Новый код
btn-admin-promo-disable = ⛔ Отключить { $code }
admin-promos-title = 🏷 <b>Промокоды</b>
admin-promos-empty = Кодов пока нет.
admin-promo-line = <code>{ $code }</code> · { $benefit } · использован { $uses } · { $state }
admin-promo-state-active = активен
admin-promo-state-disabled = отключён
admin-promo-state-expired = истёк
admin-promo-state-not-started = ещё не начался
admin-promo-state-used-up = израсходован
admin-promo-ask =
    Отправьте новый код одной строкой, например:
    <code>SPRING --percent 20</code>
    Одно из <code>--percent 20</code>, <code>--fixed 1.50</code> или <code>--days 7</code>; затем при необходимости: <code>--plans 1,2 --from 2026-12-01 --until 2026-12-31 --uses 100 --per-user 1 --first-purchase-only</code>
admin-promo-added = ✅ Код <code>{ $code }</code> сохранён.
admin-promo-bad-flag = ⚠️ Не знаю <code>{ $value }</code>. Отправьте строку ещё раз:
admin-promo-missing-value = ⚠️ После <code>{ $value }</code> нужно значение. Отправьте строку ещё раз:
admin-promo-bad-code = ⚠️ Код — это от 3 до 32 букв A-Z, цифр, _ или -, а не <code>{ $value }</code>. Отправьте строку ещё раз:
admin-promo-no-benefit = ⚠️ Укажите одно из --percent, --fixed или --days. Отправьте строку ещё раз:
admin-promo-two-benefits = ⚠️ Укажите только одно из --percent, --fixed или --days. Отправьте строку ещё раз:
admin-promo-bad-percent = ⚠️ --percent — от 1 до 100, а не { $value }. Отправьте строку ещё раз:
admin-promo-bad-fixed = ⚠️ --fixed — сумма больше нуля, например 1.50, а не <code>{ $value }</code>. Отправьте строку ещё раз:
admin-promo-bad-days = ⚠️ --days — от 1 до 3650, а не { $value }. Отправьте строку ещё раз:
admin-promo-bad-plans = ⚠️ --plans — номера тарифов через запятую, например 1,2, а не <code>{ $value }</code>. Отправьте строку ещё раз:
admin-promo-bad-date = ⚠️ Даты пишутся так: 2026-12-31, а не <code>{ $value }</code>. Отправьте строку ещё раз:
admin-promo-dates-reversed = ⚠️ --until не может быть раньше --from. Отправьте строку ещё раз:
admin-promo-bad-uses = ⚠️ --uses — не меньше 1. Отправьте строку ещё раз:
admin-promo-bad-per-user = ⚠️ --per-user — не меньше 1. Отправьте строку ещё раз:
admin-promo-no-plan = ⚠️ Тарифа <code>{ $value }</code> нет (см. 📦 Тарифы). Отправьте строку ещё раз:
admin-promo-exists = ⚠️ Код <code>{ $value }</code> уже существует. Отправьте строку ещё раз:

## Admin statistics: promo codes

admin-stats-promos = 🏷 <b>Промокоды</b> (оплаченные заказы)
admin-stats-promos-none = Кодами ещё не пользовались.
admin-stats-promo-line = <code>{ $code }</code>: { $uses } исп., выручка { $revenue }, скидка { $discount }, +{ $days } дн.
