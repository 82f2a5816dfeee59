## Promo codes: entering a code on the plan screen, and the admin's code screens (issue 20).

## The customer's plan screen

btn-promo-code = 🏷 کد تخفیف دارم
promo-ask = 🏷 کد تخفیف خود را بفرستید:
promo-applied-price = 🏷 کد <b>{ $code }</b>: اکنون <b>{ $new }</b> (قبلاً { $old })
promo-applied-days = 🏷 کد <b>{ $code }</b>: { $bonus } روز بیشتر، { $days } روز با همان قیمت
promo-refused-unknown = ❌ چنین کدی وجود ندارد. آن را بررسی کنید و دوباره بفرستید، یا «انصراف» را بزنید.
promo-refused-disabled = ❌ این کد دیگر معتبر نیست.
promo-refused-not-started = ⏳ این کد هنوز فعال نشده است.
promo-refused-expired = ⌛ مهلت این کد تمام شده است.
promo-refused-used-up = ❌ ظرفیت استفاده از این کد تمام شده است.
promo-refused-not-for-plan = ❌ این کد برای این پلن معتبر نیست.
promo-refused-already-used = ❌ شما قبلاً از این کد استفاده کرده‌اید.
promo-refused-first-purchase = ❌ این کد فقط برای اولین خرید است.
promo-payment-to-balance = 💰 مبلغ { $amount } دریافت شد، اما تا رسیدن پرداخت، ظرفیت کد تخفیف این سفارش تمام شده بود و سفارش با آن تخفیف انجام نشد. این مبلغ در موجودی شما است (اکنون { $balance }) و برای هر پلنی قابل استفاده است.

## What a code gives (the admin's list)

promo-benefit-percent = { $percent }٪ تخفیف
promo-benefit-fixed = { $amount } تخفیف
promo-benefit-days = { $days } روز بیشتر

## Admin: promo codes

btn-admin-promos = 🏷 کدهای تخفیف
btn-admin-promo-add = ➕ کد جدید
btn-admin-promo-disable = ⛔ غیرفعال: { $code }
admin-promos-title = 🏷 <b>کدهای تخفیف</b>
admin-promos-empty = هنوز کدی ساخته نشده است.
admin-promo-line = <code>{ $code }</code> · { $benefit } · استفاده: { $uses } · { $state }
admin-promo-state-active = فعال
admin-promo-state-disabled = غیرفعال
admin-promo-state-expired = منقضی
admin-promo-state-not-started = هنوز شروع نشده
admin-promo-state-used-up = تمام‌شده
admin-promo-ask =
    کد جدید را در یک خط بفرستید، مثلاً:
    <code>SPRING --percent ۲۰</code>
    یکی از <code>--percent ۲۰</code>، <code>--fixed ۱.۵۰</code> یا <code>--days ۷</code>؛ و در صورت نیاز: <code>--plans ۱,۲ --from ۲۰۲۶-۱۲-۰۱ --until ۲۰۲۶-۱۲-۳۱ --uses ۱۰۰ --per-user ۱ --first-purchase-only</code>
admin-promo-added = ✅ کد <code>{ $code }</code> ذخیره شد.
admin-promo-bad-flag = ⚠️ <code>{ $value }</code> را نمی‌شناسم. خط را دوباره بفرستید:
admin-promo-missing-value = ⚠️ بعد از <code>{ $value }</code> مقداری لازم است. خط را دوباره بفرستید:
admin-promo-bad-code = ⚠️ کد باید ۳ تا ۳۲ حرف A-Z، رقم، _ یا - باشد، نه <code>{ $value }</code>. خط را دوباره بفرستید:
admin-promo-no-benefit = ⚠️ یکی از --percent، --fixed یا --days را بنویسید. خط را دوباره بفرستید:
admin-promo-two-benefits = ⚠️ فقط یکی از --percent، --fixed یا --days را بنویسید. خط را دوباره بفرستید:
admin-promo-bad-percent = ⚠️ --percent باید از ۱ تا ۱۰۰ باشد، نه { $value }. خط را دوباره بفرستید:
admin-promo-bad-fixed = ⚠️ --fixed مبلغی بیشتر از صفر است، مثل ۱.۵۰، نه <code>{ $value }</code>. خط را دوباره بفرستید:
admin-promo-bad-days = ⚠️ --days باید از ۱ تا ۳۶۵۰ باشد، نه { $value }. خط را دوباره بفرستید:
admin-promo-bad-plans = ⚠️ --plans شمارهٔ پلن‌هاست که با ویرگول جدا شده‌اند، مثل ۱,۲، نه <code>{ $value }</code>. خط را دوباره بفرستید:
admin-promo-bad-date = ⚠️ تاریخ به شکل ۲۰۲۶-۱۲-۳۱ نوشته می‌شود، نه <code>{ $value }</code>. خط را دوباره بفرستید:
admin-promo-dates-reversed = ⚠️ --until نباید قبل از --from باشد. خط را دوباره بفرستید:
admin-promo-bad-uses = ⚠️ --uses دست‌کم ۱ است. خط را دوباره بفرستید:
admin-promo-bad-per-user = ⚠️ --per-user دست‌کم ۱ است. خط را دوباره بفرستید:
admin-promo-no-plan = ⚠️ پلن <code>{ $value }</code> وجود ندارد (📦 پلن‌ها را ببینید). خط را دوباره بفرستید:
admin-promo-exists = ⚠️ کد <code>{ $value }</code> از قبل وجود دارد. خط را دوباره بفرستید:

## Admin statistics: promo codes

admin-stats-promos = 🏷 <b>کدهای تخفیف</b> (سفارش‌های پرداخت‌شده)
admin-stats-promos-none = هنوز از هیچ کدی استفاده نشده است.
admin-stats-promo-line = <code>{ $code }</code>: { $uses } استفاده، درآمد { $revenue }، تخفیف { $discount }، { $days } روز اضافه
