# AJIB — متن‌های مخصوص مدیران (فارسی).
#
# Same ids and variables as locales/en/admin.ftl; see the comments there.

## Admin menu

admin-menu-title = 🛠 <b>پنل مدیریت</b>
btn-admin = 🛠 مدیریت
btn-admin-stats = 📊 آمار
btn-admin-plans = 📦 پلن‌ها
btn-admin-broadcast = 📣 پیام همگانی
btn-admin-users = 👥 کاربران
btn-admin-backup = 💾 پشتیبان‌گیری

## Notifications

admin-new-purchase =
    💰 <b>خرید جدید</b>
    کاربر: { $user }
    پلن: { $plan }
    مبلغ: { $price }
    سفارش: #{ $order }
admin-payment-mismatch =
    🚨 <b>پرداخت با سفارش خود نمی‌خواند</b> — سفارش <code>{ $order }</code>
    کاربر: { $user }
    فاکتور: <code>{ $invoice }</code>
    { $details }
    چیزی واریز نشد و این فاکتور دیگر بررسی نمی‌شود. آن را در Heleket ببینید؛ می‌توانید از پروفایل کاربر موجودی او را افزایش دهید.
admin-underpaid =
    ⚠️ <b>پرداخت ناقص</b> — سفارش #{ $order }
    کاربر: { $user }
    پرداخت‌شده: { $paid } از { $price }
    نیاز به بررسی دستی دارد.
admin-provision-failed =
    ❌ <b>ساخت سرویس ناموفق بود</b> — سفارش #{ $order }
    کاربر: { $user }
    خطا: <code>{ $error }</code>
    این سفارش پرداخت شده است؛ لطفاً بررسی کنید.
admin-provision-stuck =
    🛑 <b>ساخت سرویس متوقف شد</b> — سفارش پرداخت‌شده #{ $order }
    کاربر: { $user }
    پنل درخواست را رد کرد، پس تلاش خودکار فایده‌ای ندارد:
    <code>{ $error }</code>
    علت را برطرف کنید و سپس «تلاش دوباره» را بزنید (یا <code>ajib-ctl orders retry { $order }</code>). به مشتری گفته شد که پرداختش محفوظ است.
admin-retry-button = 🔁 تلاش دوباره
admin-retry-queued = 🔁 سفارش #{ $order } دوباره در صف قرار گرفت؛ به محض پذیرش پنل، کانفیگ برای مشتری ارسال می‌شود.
admin-retry-already-queued = ⏳ سفارش #{ $order } از قبل در صف است؛ چیزی تغییر نکرد.
admin-retry-done-already = ✅ سفارش #{ $order } قبلاً تحویل شده است؛ چیزی تغییر نکرد.
admin-retry-not-paid = سفارش #{ $order } پرداخت نشده است، پس چیزی برای ساخت نیست.
admin-blitz-down =
    🚨 <b>پنل Blitz در دسترس نیست</b>: { $panel }
    <code>{ $error }</code>
    ساخت سرویس‌های جدید تا برقراری دوبارهٔ پنل در صف می‌ماند.
admin-backup-failed =
    ❌ <b>پشتیبان‌گیری ناموفق بود</b>
    <code>{ $error }</code>

## Statistics

admin-stats =
    📊 <b>آمار</b>
    👥 کاربران: { $users }
    🆕 کاربران جدید: امروز { $users_today }، ۷ روز اخیر { $users_week }، ۳۰ روز اخیر { $users_month }
    🙋 فعال در ۷ روز اخیر: { $users_active } · 🚫 ربات را مسدود کرده‌اند: { $blocked }
    🟢 سرویس‌های فعال: { $active_services }
    ⏰ رو به انقضا: { $expiring }
    🧾 سفارش‌های پرداخت‌شده: امروز { $orders_today }، ۳۰ روز اخیر { $orders_month }
    💰 درآمد امروز: { $revenue_today }
    💰 درآمد این ماه: { $revenue_month }
    📈 نرخ تبدیل: { $conversion }

## Plans

admin-plans-title = 📦 <b>پلن‌ها</b>
admin-plan-line = { $active ->
        [true] 🟢
        [1] 🟢
       *[other] ⚪
    } #{ $id } { $name } · { $days } روز · { $traffic } · { $price }
btn-admin-plan-add = ➕ افزودن پلن
btn-admin-plan-toggle = 🔀 فعال/غیرفعال #{ $id }
admin-plan-ask-name-en = نام پلن را به انگلیسی بفرستید:
admin-plan-ask-name-fa = نام پلن را به فارسی بفرستید:
admin-plan-ask-days = مدت پلن را به روز بفرستید (مثلاً ۳۰):
admin-plan-ask-traffic = حجم پلن را به گیگابایت بفرستید (۰ یعنی نامحدود):
admin-plan-ask-price = قیمت را به دلار بفرستید (مثلاً ۵ یا ۴٫۹۹):
admin-plan-preview =
    📝 <b>پلن جدید</b>
    نام: { $name }
    مدت: { $days } روز
    حجم: { $traffic }
    قیمت: { $price }
    ذخیره شود؟
admin-plan-keep = فعلی: <code>{ $current }</code> — برای نگه داشتن، <code>-</code> بفرستید.
admin-plan-saved = ✅ پلن ذخیره شد.
admin-plan-invalid =
    ⚠️ مقدار نامعتبر: { $reason }
    لطفاً دوباره بفرستید.
btn-admin-save = 💾 ذخیره

## Broadcast

admin-broadcast-ask-text =
    📣 پیامی را که می‌خواهید برای همه ارسال شود بفرستید: متنی که در تلگرام قالب‌بندی شده (پررنگ، کج، پیوند…) یا عکسی با توضیح.
    برای افزودن دکمه، پیام را با خطی مانند <code>[ورود به فروشگاه](https://t.me/your_bot)</code> تمام کنید.
admin-broadcast-ask-audience = 👥 این پیام برای چه کسانی ارسال شود؟
audience-all = 👥 همهٔ کاربران
audience-buyers = 💰 خریداران
audience-never-bought = 🆕 بدون خرید
audience-active = 🟢 سرویس فعال
audience-expired = 🔴 سرویس منقضی
audience-test-only = 🎁 فقط تست
audience-lang-en = 🇬🇧 انگلیسی‌زبان‌ها
audience-lang-fa = 🇮🇷 فارسی‌زبان‌ها
admin-broadcast-preview = { $count ->
        [0] هیچ کاربری در این گروه نیست.
       *[other] 👆 پیش‌نمایش پیام در بالا آمده است. این پیام برای { $count } کاربر ارسال می‌شود. ارسال شود؟
    }
btn-admin-broadcast-send = 🚀 ارسال
admin-broadcast-progress =
    📣 <b>در حال ارسال…</b>
    ✅ ارسال‌شده: { $sent }
    ❌ ناموفق: { $failed }
    🚫 ربات را مسدود کرده‌اند: { $blocked }
    ⏳ باقی‌مانده: { $remaining } (حدود { $eta })
admin-broadcast-done =
    ✅ <b>ارسال همگانی تمام شد</b>
    ارسال‌شده: { $sent }
    ناموفق: { $failed }
    ربات را مسدود کرده‌اند: { $blocked }
admin-broadcast-repeats = 🔁 پس از یک خرابی دوباره ارسال شد (شاید دو بار رسیده باشد): { $repeats }
btn-pause = ⏸ توقف موقت
btn-resume = ▶️ ادامه
btn-stop = ⏹ لغو
admin-broadcast-paused = ⏸ ارسال همگانی موقتاً متوقف شد.
admin-broadcast-cancelled = ⏹ ارسال همگانی لغو شد.
admin-broadcast-too-long = ⚠️ این پیام { $length } نویسه دارد، اما تلگرام در اینجا حداکثر { $max } نویسه را می‌پذیرد. لطفاً پیام کوتاه‌تری بفرستید.
admin-broadcast-bad-html =
    ⚠️ قالب‌بندی پیام در این قسمت ایراد دارد: <code>{ $near }</code>
    فقط از تگ‌های تلگرام (&lt;b&gt;، &lt;i&gt;، &lt;u&gt;، &lt;s&gt;، &lt;a href="…"&gt;، &lt;code&gt;، &lt;pre&gt;، &lt;blockquote&gt;) استفاده کنید و هر تگ را ببندید. لطفاً متن را دوباره بفرستید.

## Users

admin-users-list =
    👥 <b>کاربران</b>: { $total } · صفحه { $page } از { $pages }
    🔎 برای جست‌وجو شناسه تلگرام، @نام‌کاربری، نام یا نام کاربری پنل را بفرستید، یا یک کاربر را انتخاب کنید.
admin-users-results =
    🔎 <b>{ $query }</b>: { $total } کاربر · صفحه { $page } از { $pages }
    جست‌وجوی دیگری بفرستید یا یک کاربر را انتخاب کنید.
admin-user-not-found = کاربری پیدا نشد.
admin-user-profile =
    👤 <b>کاربر</b> <code>{ $id }</code>
    نام کاربری: { $username }
    نام: { $name }
    زبان: { $lang }
    تاریخ عضویت: { $created }
    سفارش‌ها: { $orders }
    سرویس‌ها: { $services }
    مسدود: { $banned ->
        [true] بله
        [1] بله
       *[other] خیر
    }
btn-admin-ban = ⛔ مسدود کردن
btn-admin-unban = ✅ رفع مسدودی
btn-admin-extend = ⏳ تمدید
btn-admin-grant = 🎁 اهدای پلن
btn-admin-reset-test = 🔄 بازنشانی تست
btn-admin-message = ✉️ ارسال پیام
admin-user-order = 🧾 #{ $id } { $plan } · { $status ->
        [created] شروع‌شده
        [invoiced] در انتظار پرداخت
        [paid] پرداخت‌شده
        [provisioned] تحویل‌شده
        [expired] فاکتور منقضی‌شده
        [underpaid] کم‌پرداخت
        [failed] ناموفق
       *[other] { $status }
    } · { $price } · { $date }
admin-order-test = اکانت تست رایگان
admin-grant-pick = 🎁 کاربر <code>{ $user }</code> کدام پلن را رایگان بگیرد؟
admin-grant-ask-reason = چرا <b>{ $plan }</b> اهدا می‌شود؟ دلیل در گزارش ممیزی ثبت می‌شود (حداکثر ۲۰۰ نویسه):
admin-granted = ✅ <b>{ $plan }</b> به <code>{ $user }</code> اهدا شد (سفارش #{ $order })؛ اکانت در راه است.
admin-user-updated = ✅ اطلاعات کاربر به‌روز شد.
admin-ask-days = چند روز اضافه شود؟ یک عدد بفرستید:
admin-ask-message = پیام خود را برای این کاربر بفرستید:
admin-user-service = #{ $id } <code>{ $username }</code> · { $status } · تا { $expires } · { $used } از { $limit }
btn-admin-extend-service = ⏳ تمدید #{ $id }
admin-user-extended = ✅ سرویس #{ $id } اکنون تا { $expires } فعال است.
admin-user-extend-failed = ⚠️ پنل سرویس را تمدید نکرد: { $error }
admin-user-test-unchanged = ℹ️ چیزی برای بازنشانی نیست: این کاربر حساب تستِ تمام‌شده‌ای ندارد.
admin-user-is-admin = ⚠️ مدیران را نمی‌توان مسدود کرد.
admin-user-message-sent = ✅ پیام به دست کاربر رسید.
admin-user-message-failed = ⚠️ پیام به دست کاربر نرسید: { $reason }

## Backups

admin-backup-created =
    💾 <b>نسخهٔ پشتیبان ساخته شد</b> ({ $size })
    SHA-256: <code>{ $sha }</code>
admin-backup-ask-restore =
    ♻️ فایل پشتیبان را برای بازگردانی بفرستید.
    ⚠️ همهٔ اطلاعات فعلی با آن جایگزین می‌شود.
admin-backup-restored = ✅ نسخهٔ پشتیبان بازگردانی شد.
admin-backup-invalid = ⚠️ فایل پشتیبان نامعتبر است: { $reason }
btn-admin-backup-now = 💾 پشتیبان‌گیری فوری
btn-admin-backup-restore = ♻️ بازگردانی
admin-backup-menu =
    💾 <b>پشتیبان‌گیری</b>
    { $hours ->
        [0] پشتیبان‌گیری خودکار خاموش است.
       *[other] پشتیبان‌گیری خودکار هر { $hours } ساعت انجام می‌شود و { $keep } نسخهٔ آخر نگه داشته می‌شود.
    }
    «پشتیبان‌گیری فوری» توکن‌ها و کلیدهای فایل تنظیمات را می‌پوشاند؛ «با اطلاعات محرمانه» آن‌ها را نگه می‌دارد.
btn-admin-backup-secrets = 🔐 با اطلاعات محرمانه
admin-backup-secrets-note = ⚠️ این فایل شامل توکن ربات و کلیدهای API شماست. آن را محرمانه نگه دارید و پس از ذخیره کردن، از این گفتگو پاکش کنید.
admin-backup-unsigned-note = ⚠️ این نسخهٔ پشتیبان امضا نشده است: BACKUP_SIGNING_KEY روی سرور تنظیم نشده، پس بازگردانی آن بعداً به تأیید دوباره نیاز دارد. برای ساختن کلید، بخش «پشتیبان‌ها» در راهنمای اپراتور را ببینید (<code>ajib-ctl config set BACKUP_SIGNING_KEY</code>).
admin-backup-secrets-deleted = 🗑 فایل حاوی اطلاعات محرمانه از سرور پاک شد؛ اکنون تنها نسخهٔ آن در همین گفتگو است.
# Variables:
#   $kind (String) - what the signature check found: unsigned, other-key, no-key-here or invalid.
admin-backup-unsigned-ask =
    ⚠️ <b>این نسخهٔ پشتیبان با کلید این ربات امضا نشده است.</b>
    { $kind ->
        [other-key] با کلید دیگری امضا شده است: از سرور دیگر، یا کلیدی که عوض شده.
        [no-key-here] امضا دارد، اما این سرور BACKUP_SIGNING_KEY ندارد تا آن را بررسی کند.
        [invalid] امضای آن نمی‌خواند: فایل پس از ساخته شدن تغییر کرده است.
       *[unsigned] هیچ امضایی ندارد.
    }
    بازگردانی، همهٔ سفارش‌ها، سرویس‌ها و کاربران را با محتوای این فایل جایگزین می‌کند و هر کسی می‌تواند چنین فایلی بسازد. فقط اگر خودتان آن را ساخته‌اید و از دستتان خارج نشده، بازگردانی کنید.
btn-admin-backup-restore-unsigned = ⚠️ با این حال بازگردان
admin-owner-only = ⛔ فقط مالک ربات می‌تواند این کار را انجام دهد.

## کارکنان (فقط مالک)

admin-staff-list =
    👮 <b>کارکنان</b>
    { $list }

    افزودن: <code>/admins add ID admin</code> یا <code>/admins add ID support</code>
    حذف: <code>/admins remove ID</code>
admin-staff-usage = روش استفاده: <code>/admins</code>، <code>/admins add ID admin|support</code>، <code>/admins remove ID</code>.
admin-staff-added = ✅ { $id } اکنون { $role } است.
admin-staff-removed = ✅ { $id } دیگر جزو کارکنان نیست.
admin-staff-not-found = { $id } در فهرست کارکنان نیست (مالکان از TELEGRAM_ADMIN_IDS می‌آیند).

## جزئیات آمار

admin-stats-by-day = <b>سفارش‌های پرداخت‌شده، ۷ روز گذشته</b>
admin-stats-by-plan = <b>به تفکیک پلن، ۳۰ روز گذشته</b>
admin-stats-plan-line = • { $name }: { $orders } سفارش، { $revenue }
admin-stats-outcomes =
    <b>سفارش‌های ۳۰ روز گذشته</b>
    ✅ پرداخت‌شده: { $paid } · ⏳ در انتظار: { $pending }
    ⌛ منقضی‌شده: { $expired } · ⚠️ کم‌پرداخت: { $underpaid } · ❌ ناموفق یا لغوشده: { $failed }
admin-stats-chart-caption = 📈 درآمد روزانه در ۳۰ روز گذشته (بلندترین ستون: { $max }).

btn-admin-plan-edit = ✏️ ویرایش #{ $id }

## موجودی

admin-user-balance = 💰 <b>موجودی: { $balance }</b>
admin-user-ledger-note = { $line } · <i>{ $note }</i>
btn-admin-balance = 💰 اصلاح موجودی
btn-admin-refunded = ↩️ #{ $id } بازپرداخت شد
btn-admin-balance-confirm = ✅ تأیید
admin-balance-ask-amount =
    💰 موجودی کاربر <code>{ $user }</code>: { $balance }
    تغییر را با علامتش بفرستید: <code>+۵</code> اضافه می‌کند و <code>-۲٫۵۰</code> کم می‌کند.
admin-balance-bad-amount =
    ⚠️ این مبلغ معتبر نیست. آن را با علامت بفرستید، مثل <code>+۵</code> یا <code>-۲٫۵۰</code>: صفر نباشد، اعشارش بیشتر از ارز نباشد و هر بار حداکثر { $max } باشد.
admin-balance-too-much = ⚠️ موجودی فقط { $balance } است و نمی‌تواند منفی شود. مبلغ کمتری بفرستید:
admin-balance-ask-reason = چرا موجودی { $change } تغییر می‌کند؟ دلیل در دفتر حساب و گزارش ممیزی ثبت و به کاربر هم گفته می‌شود (حداکثر ۲۰۰ نویسه):
admin-balance-preview =
    💰 <b>موجودی</b> <code>{ $user }</code>
    تغییر: { $change }
    موجودی: { $before } ← { $after }
    دلیل: { $reason }
    به کاربر اطلاع داده می‌شود. تأیید می‌کنید؟
admin-balance-done = ✅ موجودی <code>{ $user }</code> به اندازهٔ { $change } تغییر کرد و اکنون { $balance } است.
balance-adjusted-notice =
    💰 موجودی شما { $change } تغییر کرد.
    دلیل: { $reason }
    موجودی فعلی شما: { $balance }
admin-stats-balances =
    💳 بدهی به کاربران (جمع موجودی‌ها): { $owed }
    💳 واریز به موجودی‌ها در ۳۰ روز: { $credited } (شارژها، اضافه‌پرداخت‌ها و پرداخت‌هایی که به خرید پلن نرسیدند)
