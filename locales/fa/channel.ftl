## The required channel: join first, then "I joined" (issue 20).

channel-join =
    📢 <b>اول در کانال ما عضو شوید</b>
    برای خرید پلن یا دریافت تست رایگان، لطفاً در { $channel } عضو شوید: اخبار، تخفیف‌ها و اطلاعیه‌های سرویس آنجا منتشر می‌شود.
    سپس روی «{ btn-channel-joined }» بزنید.
channel-not-yet = ⏳ هنوز عضویت شما در کانال را نمی‌بینیم. در کانال عضو شوید و دوباره روی «{ btn-channel-joined }» بزنید.
btn-channel-join = 📢 عضویت در کانال
btn-channel-joined = ✅ عضو شدم
admin-channel-unreachable =
    ⚠️ <b>بررسی کانال اجباری ممکن نیست</b> { $channel }
    <code>{ $error }</code>
    تا زمانی که بررسی دوباره کار کند، مشتریان بدون بررسی عبور می‌کنند. ربات را مدیر کانال کنید و مقدار REQUIRED_CHANNEL را بررسی کنید.
