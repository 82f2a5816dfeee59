## Telegram Stars: paying a plan in Stars, and an owner's refund (issue 22).

btn-stars-pay = ⭐ Pay { $stars } Stars
# The invoice's description in the Telegram app: plain text, at most 255 characters.
stars-invoice-description = { $name }: { $days } days, { $traffic } ({ $price })
stars-invoice-label = VPN plan
# Why a payment cannot go ahead (shown by the Telegram app in its payment form).
stars-refused-expired = This invoice has expired. Open the plan again for a new one.
stars-refused-paid = This order is already paid or closed.
stars-refused-price = The price has changed. Open the plan again for a new invoice.
stars-refused-unknown = This invoice is no longer valid.
stars-refunded-customer = ↩️ Your payment of { $stars } ⭐ was refunded to you.

## Staff

btn-stars-refund = ↩️ Refund { $stars } ⭐ #{ $order }
stars-refund-grant = ↩️ Refunded { $stars } ⭐. Order #{ $order } is reversed: its service is disabled.
stars-refund-credit = ↩️ Refunded { $stars } ⭐. { $amount } was taken back from the balance.
stars-refund-failed = ⚠️ The refund did not happen: { $reason }
admin-stats-methods = 💳 <b>Payments received by method</b> (all time)
    Crypto (Heleket): { $heleket }
    Telegram Stars: { $stars }
    Card to card: { $card }
