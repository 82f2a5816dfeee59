## Linking an account that is already on a panel (issue 21).

btn-link-account = 🔗 افزودن اکانت قبلی
link-open-service = 📦 نمایش سرویس
link-ask =
    🔗 لینک اشتراک یا کانفیگ <code>hy2://</code> اکانتی را که از قبل از ما دارید بفرستید (آن را از برنامهٔ VPN خود یا از پیامی که دریافت کرده‌اید کپی کنید).
    ما آن را با سرور خود بررسی می‌کنیم و به «{ btn-services }» اضافه می‌کنیم.
link-bad-format = ⚠️ این لینک اشتراک یا کانفیگ <code>hy2://</code> نیست. کل لینک را از <code>https://</code> یا <code>hy2://</code> تا انتها کپی کنید و دوباره بفرستید.
# Variables: $n (Number) - how many tries are allowed per hour.
link-too-many = ⏳ شما در یک ساعت گذشته { $n } بار تلاش کرده‌اید. لطفاً یک ساعت صبر کنید و دوباره امتحان کنید، یا از پشتیبانی کمک بگیرید.
link-not-found = 🔍 اکانتی با این لینک روی سرورهای ما پیدا نشد. مطمئن شوید کل لینک را کپی کرده‌اید و جدیدترین لینک است، سپس دوباره بفرستید.
link-unavailable = ⚠️ یکی از سرورهای ما در حال حاضر پاسخ نمی‌دهد، برای همین نتوانستیم این لینک را بررسی کنیم. لطفاً چند دقیقهٔ دیگر دوباره امتحان کنید.
link-done = ✅ انجام شد: این اکانت اکنون به شما متصل است. آن را همراه با مصرف و تمدید در «{ btn-services }» پیدا می‌کنید.
link-already-yours = 👍 این اکانت از قبل به شما متصل است.
link-other-owner = ⛔ این اکانت به مشتری دیگری متصل است. اگر متعلق به شماست، لطفاً با پشتیبانی تماس بگیرید.
# Variables: $username (String) - the account's name on the panel.
service-linked-name = 🔗 { $username }
