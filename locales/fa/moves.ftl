## Moving a service to another panel (issue 21).

btn-admin-move-service = 🚚 انتقال #{ $id }
move-pick = 🚚 سرویس #{ $id } (<code>{ $username }</code>، روی { $from }) به کدام پنل منتقل شود؟
move-pick-none = پنل فعال دیگری برای انتقال سرویس #{ $id } (روی { $from }) وجود ندارد.
move-panel-button = { $name } · { $location } · { $health } · { $free }
move-free = { $n } جای خالی
move-free-unlimited = بدون محدودیت
move-confirm = سرویس #{ $id } از { $from } به { $to } منتقل شود؟
    { $days } روز باقی‌مانده و ترافیک باقی‌مانده‌اش حفظ می‌شود. مشتری اول کانفیگ جدید را می‌گیرد و پس از آن حساب قدیمی حذف می‌شود.
btn-move-confirm = ✅ انتقال
move-started = 🚚 انتقال شروع شد؛ مشتری کانفیگ جدید را می‌گیرد و پس از آن حساب قدیمی حذف می‌شود.
move-refused-busy = سرویس #{ $id } در حال انتقال به { $to } است.
move-refused-started = این سرویس در حال انتقال است.
move-refused-gone = این سرویس یا پنل دیگر وجود ندارد.
move-refused-same = سرویس همین حالا روی آن پنل است.
move-refused-disabled = آن پنل غیرفعال است؛ برای انتقال سرویس به آن، اول فعالش کنید.
move-refused-inactive = فقط سرویس فعال را می‌توان منتقل کرد: این سرویس منقضی یا غیرفعال است.
move-customer-moved = 🚚 سرویس { $name } شما به 📍 { $location } منتقل شد؛ کانفیگ جدیدتان این است (کانفیگ قبلی دیگر کار نمی‌کند).
move-admin-done = ✅ سرویس #{ $service } از { $from } به { $to } منتقل شد؛ حساب قدیمی حذف شد.
move-admin-failed = ⚠️ انتقال سرویس #{ $service } از { $from } به { $to } ناموفق بود: { $error }
    سرویس بدون تغییر روی { $from } ماند.
move-admin-remove-stuck = ⚠️ سرویس #{ $service } اکنون روی { $to } کار می‌کند و مشتری کانفیگ جدید را دارد، اما حساب قدیمی روی { $from } هنوز حذف نشده است: { $error }
    ربات همچنان تلاش می‌کند.
