## Referrals: the invite screen, rewards, and the admin's referral screens (issue 20).

## The customer's invite screen

btn-invite = 🎁 دعوت از دوستان
invite-screen =
    🎁 <b>دعوت از دوستان</b>
    لینک اختصاصی شما:
    { $link }
    { $rules }

    👥 دوستان دعوت‌شده: { $invited }
    ⏳ هنوز خرید نکرده‌اند: { $waiting }
    💰 پاداش دریافت‌شده: { $earned }
invite-no-link = (لینک شما فعلاً قابل نمایش نیست؛ لطفاً یک دقیقهٔ دیگر دوباره امتحان کنید)
invite-welcome = 🎉 دوست شما با اولین خریدش { $bonus } به موجودی‌اش هدیه می‌گیرد.
invite-over-cap = ⚠️ { $count } پاداش از سقف روزانه بیشتر بود و پرداخت نشد.
invite-share-text = VPN سریع و پایدار با Hysteria2. با لینک من عضو شو:
btn-invite-share = 📤 اشتراک‌گذاری لینک

## Reward rules, in words

referral-rules-none = دعوت‌ها شمرده می‌شوند؛ فعلاً پاداشی در کار نیست.
referral-rules-first = وقتی دوستی که دعوت کرده‌اید اولین خریدش را انجام دهد، { $reward } می‌گیرید.
referral-rules-every = برای هر خرید دوستی که دعوت کرده‌اید { $reward } می‌گیرید.
referral-reward-fixed = { $amount }
referral-reward-percent = { $percent }٪ از قیمت
referral-reward-both = { $amount } + { $percent }٪ از قیمت
referral-reward-days = { $days } روز اضافه روی سرویس شما

## Admin: referrals

btn-admin-referrals = 🎁 معرفی‌ها
admin-referrals =
    🎁 <b>معرفی‌ها</b>
    قوانین (REFERRAL_MODE={ $mode }): { $rules }
    هدیهٔ خوش‌آمد: { $welcome }
    سقف پاداش هر معرف در هر بیست‌وچهار ساعت: { $cap }
admin-referrals-none-set = ندارد
admin-referrals-empty = هنوز کسی کسی را دعوت نکرده است.
admin-referrals-top = <b>معرف‌های برتر</b>
admin-referrer-line = { $rank }. { $name } ({ $id }): { $invited } دعوت، { $buyers } خرید، { $earned } پاداش
btn-admin-referrer = { $rank }. { $name }
admin-stats-referrals = 🎁 <b>معرفی‌ها</b> (سی روز): { $referred } کاربر دعوت‌شده، { $purchases } خرید پرداخت‌شده به مبلغ { $revenue }؛ پاداش پرداخت‌شده { $paid }، { $refused } بیش از سقف روزانه.
admin-referrer-title = 🎁 <b>پاداش‌های { $name }</b> ({ $id })
admin-referrer-empty = هنوز پاداشی نیست.
admin-reward-line = #{ $id } · { $date } · { $kind } برای { $referee } · { $amount } · { $status }
admin-reward-kind-referrer = پاداش
admin-reward-kind-welcome = هدیهٔ خوش‌آمد
admin-reward-status-granted = ✅ پرداخت شد
admin-reward-status-capped = ⛔ پرداخت نشد: سقف روزانه
admin-reward-status-banned = ⛔ پرداخت نشد: معرف مسدود است
admin-reward-status-reversed = ↩️ بازپرداخت شد، { $taken } پس گرفته شد
admin-reward-status-revoked = ↩️ لغو شد، { $taken } پس گرفته شد
btn-admin-reward-revoke = ↩️ لغو #{ $id }
admin-reward-revoke-confirm = پاداش #{ $id } به مبلغ { $amount } لغو شود؟ آنچه از آن هنوز در موجودی است پس گرفته می‌شود؛ آنچه خرج شده، خرج شده می‌ماند.
btn-admin-reward-revoke-yes = ✅ بله، لغو شود
admin-reward-revoked = ↩️ پاداش #{ $id } لغو شد: { $taken } پس گرفته شد.
admin-reward-not-granted = این پاداش (دیگر) پرداخت‌شده نیست؛ چیزی تغییر نکرد.
referral-days-added = 🎁 دوستی که دعوت کرده بودید خرید کرد: { $days } روز به <b>{ $name }</b> اضافه شد و اکنون تا { $expires } اعتبار دارد.
