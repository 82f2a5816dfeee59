## پرداخت با استارز تلگرام و بازپرداخت آن توسط مالک (issue 22).

btn-stars-pay = ⭐ پرداخت { $stars } استارز
stars-invoice-description = { $name }: { $days } روز، { $traffic } ({ $price })
stars-invoice-label = اشتراک VPN
stars-refused-expired = مهلت این صورتحساب تمام شده است. برای صورتحساب تازه، دوباره طرح را باز کنید.
stars-refused-paid = این سفارش قبلاً پرداخت یا بسته شده است.
stars-refused-price = قیمت تغییر کرده است. برای صورتحساب تازه، دوباره طرح را باز کنید.
stars-refused-unknown = این صورتحساب دیگر معتبر نیست.
stars-refunded-customer = ↩️ پرداخت { $stars } ⭐ شما بازگردانده شد.

## مدیران

btn-stars-refund = ↩️ بازپرداخت { $stars } ⭐ #{ $order }
stars-refund-grant = ↩️ { $stars } ⭐ بازپرداخت شد. سفارش #{ $order } برگشت خورد و سرویس آن غیرفعال شد.
stars-refund-credit = ↩️ { $stars } ⭐ بازپرداخت شد. { $amount } از موجودی کسر شد.
stars-refund-failed = ⚠️ بازپرداخت انجام نشد: { $reason }
admin-stats-methods = 💳 <b>پرداخت‌های دریافتی به تفکیک روش</b> (از آغاز)
    رمزارز (Heleket): { $heleket }
    استارز تلگرام: { $stars }
    کارت به کارت: { $card }
