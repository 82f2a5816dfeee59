## Telegram Stars: оплата тарифа звёздами и возврат владельцем (issue 22).

btn-stars-pay = ⭐ Оплатить { $stars } Stars
stars-invoice-description = { $name }: { $days } дн., { $traffic } ({ $price })
stars-invoice-label = Тариф VPN
stars-refused-expired = Срок этого счёта истёк. Откройте тариф снова, чтобы получить новый.
stars-refused-paid = Этот заказ уже оплачен или закрыт.
stars-refused-price = Цена изменилась. Откройте тариф снова, чтобы получить новый счёт.
stars-refused-unknown = Этот счёт больше не действителен.
stars-refunded-customer = ↩️ Ваш платёж на { $stars } ⭐ возвращён.

## Персонал

btn-stars-refund = ↩️ Вернуть { $stars } ⭐ #{ $order }
stars-refund-grant = ↩️ Возвращено { $stars } ⭐. Заказ #{ $order } отменён, его услуга отключена.
stars-refund-credit = ↩️ Возвращено { $stars } ⭐. С баланса списано { $amount }.
stars-refund-failed = ⚠️ Возврат не выполнен: { $reason }
admin-stats-methods = 💳 <b>Поступления по способам оплаты</b> (за всё время)
    Криптовалюта (Heleket): { $heleket }
    Telegram Stars: { $stars }
    С карты на карту: { $card }
