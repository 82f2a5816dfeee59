## Panel health: alerts when a panel is down or back, and what its customers are told (issue 21).

# Variables:
#   $panel (String) - the panel's name and location.
#   $minutes (Number) - minutes since its first failed check.
#   $error (String) - what its last check got.
admin-panel-down =
    🚨 <b>پنل از دسترس خارج شده</b>: { $panel }
    { $minutes } دقیقه است که پاسخ نمی‌دهد:
    <code>{ $error }</code>
    به مشتریانش گفته می‌شود سرورشان فعلاً در دسترس نیست؛ حساب‌های جدید روی پنل‌های دیگر ساخته می‌شوند. با <code>ajib-ctl panels check</code> بررسی‌اش کنید.
# Variables:
#   $panel (String) - the panel's name and location.
#   $minutes (Number) - minutes it was down.
admin-panel-up =
    ✅ <b>پنل دوباره در دسترس است</b>: { $panel }
    پس از { $minutes } دقیقه قطعی دوباره پاسخ می‌دهد.
# Variables:
#   $location (String) - the service's location.
service-panel-down = ⚠️ { $location }: سرور در حال حاضر در دسترس نیست. سرویس شما با برگشتن سرور دوباره کار می‌کند؛ در حال رسیدگی هستیم.
# Variables:
#   $location (String) - the service's location, e.g. 🇩🇪 Germany.
service-panel-location = 📍 موقعیت: { $location }
