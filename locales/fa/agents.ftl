# Agents (resellers): the agent menu in the main bot and the owner's agent screens.

# Owner's agent screens
btn-admin-agents = 🧑‍💼 نمایندگان
admin-agents-title = 🧑‍💼 <b>نمایندگان</b>
admin-agents-empty = هنوز نماینده‌ای نیست. پروفایل یک کاربر را باز کنید و «🧑‍💼 نماینده شود» را بزنید، یا <code>ajib-ctl agents add</code> را اجرا کنید.
admin-agents-line = • { $name } (<code>{ $id }</code>){ $state }: موجودی { $balance } · حساب‌ها { $active }/{ $accounts } · فروش { $sales } ({ $amount })
btn-admin-agent-open = 🧑‍💼 { $name }
admin-agent-title = 🧑‍💼 <b>نماینده { $name }</b> (<code>{ $id }</code>)
admin-agent-terms = شرایط: { $percent }٪ تخفیف از قیمت فهرست · سقف اعتبار { $limit } · پرداخت در ربات: { $payments }
admin-agent-figures = موجودی { $balance } · { $active } حساب فعال از { $accounts } · فروش { $sales } ({ $amount })
admin-agent-bot = ربات خودش: @{ $bot }
admin-agent-no-bot = ربات خودش: وصل نشده
admin-agent-suspended = ⏸ <b>معلق</b>: تا ازسرگیری چیزی نمی‌خرد؛ حساب‌هایش کار می‌کنند.
admin-agent-payments-heleket = Heleket
admin-agent-payments-none = هیچ
btn-admin-agent-suspend = ⏸ تعلیق
btn-admin-agent-resume = ▶️ ازسرگیری
btn-admin-agent-credit = 💰 شارژ
btn-admin-agent-prices = 🏷 قیمت‌ها
btn-admin-agent-payments = 💳 پرداخت: { $payments }
btn-admin-agent-profile = 👤 پروفایل
btn-admin-agent-remove = 🗑 حذف
admin-agent-removed = ✅ <code>{ $id }</code> دیگر نماینده نیست.
admin-agent-remove-refused = ⚠️ <code>{ $id }</code> حذف نشد: هنوز حساب یا سفارش دارد، یا موجودی‌اش صفر نیست. به جای آن تعلیقش کنید.
admin-agent-not-found = این کاربر (دیگر) نماینده نیست.
admin-agent-prices-title = 🏷 <b>قیمت‌های نماینده <code>{ $id }</code></b> (پیش‌فرض: { $percent }٪ تخفیف از قیمت فهرست)
admin-agent-price-set = • { $plan }: فهرست { $list } ← نماینده { $cost } (دستی)
admin-agent-price-default = • { $plan }: فهرست { $list } ← نماینده { $cost }
btn-admin-agent-price = ✏️ پلن #{ $plan }
btn-admin-agent-price-default = ↩️ #{ $plan } پیش‌فرض
btn-admin-agent-percent = ％ تخفیف
btn-admin-agent-limit = 💳 سقف اعتبار
admin-agent-ask-price = مبلغی را که نماینده برای { $plan } می‌پردازد بفرستید (قیمت فهرست { $list })، مثلاً ۴٫۵۰:
admin-agent-ask-percent = تخفیف از قیمت فهرست را برای پلن‌های بدون قیمت نمایندگی بفرستید، ۰ تا { $max }:
admin-agent-ask-limit = سقف اعتبار را بفرستید، یعنی موجودی نماینده تا چه اندازه زیر صفر برود، مثلاً ۲۰ یا ۰:
admin-agent-bad-percent = ⚠️ یک عدد صحیح از ۰ تا { $max } بفرستید:
admin-agent-bad-amount = ⚠️ این مبلغی به { $currency } نیست. مبلغی مانند ۴٫۵۰ بفرستید:
admin-agent-saved = ✅ ذخیره شد.
btn-admin-make-agent = 🧑‍💼 نماینده شود
btn-admin-agent = 🧑‍💼 نماینده
admin-stats-agents = 🧑‍💼 <b>نمایندگان</b>: { $agents } · { $orders } سفارش پرداخت‌شده در { $days } روز · پرداختی نمایندگان { $revenue }

# Agent menu
btn-agent = 🧑‍💼 نمایندگی
agent-home =
    🧑‍💼 <b>نمایندگی</b>
    💰 موجودی: <b>{ $balance }</b>
    💳 سقف اعتبار: { $limit }
    🛒 قابل خرج: { $left }
agent-suspended = ⛔ حساب نمایندگی شما تعلیق شده است: تا وقتی فروشگاه آن را از سر نگیرد نمی‌توانید خرید کنید. حساب‌های شما همچنان کار می‌کنند.
agent-suspended-refused = ⛔ چیزی خریده نشد: حساب نمایندگی شما تعلیق شده است. حساب‌های شما همچنان کار می‌کنند؛ برای رفع تعلیق با فروشگاه تماس بگیرید.
agent-credit-refused = ❌ چیزی خریده نشد: هزینهٔ این خرید { $needed } است و موجودی شما ({ $balance }) با سقف اعتبارتان ({ $limit }) آن را پوشش نمی‌دهد. موجودی را افزایش دهید و دوباره تلاش کنید.
btn-agent-buy = 🛒 خرید برای مشتری
btn-agent-bulk = 📦 ساخت گروهی
btn-agent-accounts = 📋 حساب‌های من
btn-agent-topup = 💰 افزایش موجودی
btn-agent-prices = 🏷 قیمت‌های من
btn-agent-bot = 🤖 ربات من
btn-agent-confirm = ✅ تأیید
btn-agent-renew = 🔄 تمدید
btn-agent-configs = 📄 کانفیگ‌ها
agent-plan-button = { $name } · { $cost }
agent-plans-empty = اکنون هیچ پلنی برای فروش نیست.
agent-use-buttons = لطفاً یکی از دکمه‌های بالا را بزنید، یا لغو کنید.
agent-buy-title = 🛒 مشتری شما کدام پلن را بگیرد؟ قیمت‌ها همان است که شما می‌پردازید.
agent-ask-label = { $plan } به قیمت { $cost }. نام مشتری یا یادداشتی برای این حساب بفرستید (۱ تا ۶۴ نویسه).
agent-label-invalid = نام یا یادداشت باید ۱ تا { $max } نویسه در یک خط باشد. دوباره بفرستید.
agent-bought =
    ✅ { $plan } برای <b>{ $label }</b> به قیمت { $cost } خریده شد. موجودی شما: { $balance }.
    کانفیگ‌ها تا چند لحظهٔ دیگر می‌رسند.
agent-bulk-title = 📦 از کدام پلن حساب بسازید؟ قیمت‌ها همان است که شما می‌پردازید.
agent-ask-count = هر حساب { $plan } برای شما { $cost } است. چند حساب می‌خواهید بسازید (۱ تا { $max })؟
agent-count-invalid = عددی از ۱ تا { $max } بفرستید.
agent-bulk-confirm =
    📦 { $count } × { $plan } به قیمت { $cost } = <b>{ $total }</b>
    💰 موجودی فعلی: { $balance }
    💰 موجودی پس از خرید: { $after }
agent-bulk-bought =
    ✅ { $count } حساب { $plan } در حال ساخت است ({ $total }). موجودی شما: { $balance }.
    وقتی همه آماده شدند، یک فایل با همهٔ کانفیگ‌ها می‌رسد.
agent-accounts-title = 📋 <b>حساب‌های شما</b> (صفحهٔ { $page }):
agent-accounts-empty = 📋 هنوز حسابی ندارید. برای شروع، برای یک مشتری حساب بخرید.
agent-account-line = { $n }. <b>{ $label }</b> · { $plan } · تا { $expires } · { $status }
agent-account-button = { $n }. { $label }
agent-account =
    👤 <b>{ $label }</b>
    📦 پلن: { $plan }
    🔑 حساب: <code>{ $username }</code>
    🔘 وضعیت: { $status }
    📅 تاریخ انقضا: { $expires }
    ⏳ روزهای باقی‌مانده: { $days }
    📊 مصرف: { $used } از { $limit }
agent-renew-title = 🔄 <b>{ $label }</b> با کدام پلن تمدید شود؟ قیمت‌ها همان است که شما می‌پردازید.
agent-renew-confirm =
    🔄 <b>{ $label }</b> با { $plan } به قیمت { $cost } تمدید شود؟
    💰 موجودی فعلی: { $balance }
    💰 موجودی پس از تمدید: { $after }
agent-renewed = ✅ <b>{ $label }</b> با { $plan } ({ $cost }) در حال تمدید است. موجودی شما: { $balance }.
agent-prices-title = 🏷 <b>قیمت‌های شما</b>: قیمت فهرست، هزینهٔ شما و قیمت فروشی که ربات خودتان می‌گیرد.
agent-price-line = • <b>{ $plan }</b>: فهرست { $list } · هزینه { $cost } · فروش { $retail }
agent-price-button = ✏️ { $plan }
agent-ask-retail = { $plan }: شما { $cost } می‌پردازید و ربات شما { $retail } می‌گیرد. قیمت فروش تازه را بفرستید (دست‌کم { $cost })، یا - برای قیمت فهرست.
agent-retail-invalid = این قیمت نیست. مبلغی مثل ۴٫۵۰ بفرستید، یا - برای قیمت فهرست.
agent-retail-below = ❌ قیمت فروش نمی‌تواند کمتر از هزینهٔ شما ({ $cost }) باشد. مبلغ دیگری بفرستید.
agent-retail-saved = ✅ قیمت فروش ذخیره شد.
agent-bot-none =
    🤖 <b>ربات خودتان</b>
    مشتریان شما می‌توانند از رباتی با نام، قیمت‌ها و پشتیبانی خودتان خرید کنند.
    برای ساختنش @BotFather را باز کنید، /newbot را بفرستید، یک نام و یک نام کاربری انتخاب کنید و توکنی را که می‌دهد کپی کنید. سپس «اتصال ربات» را بزنید و توکن را اینجا بفرستید: پیام بی‌درنگ پاک می‌شود.
btn-agent-bot-connect = 🔌 اتصال ربات
btn-agent-bot-token = 🔁 توکن تازه
btn-agent-brand = ✏️ نام تجاری
btn-agent-support = ✏️ راه پشتیبانی
btn-agent-disconnect = 🔌 قطع اتصال
agent-bot =
    🤖 <b>@{ $username }</b>
    🔘 وضعیت: { $state }
    🏷 نام تجاری: { $brand }
    💬 پشتیبانی: { $support }
agent-bot-active = ✅ در حال کار
agent-bot-starting = ⏳ در حال راه‌اندازی
agent-bot-state-revoked = ⛔ متوقف: تلگرام توکن را نپذیرفت ({ $note }). برای راه‌اندازی دوباره، توکن تازه بفرستید.
agent-bot-unset = —
agent-ask-token = توکن ربات خود را از @BotFather بفرستید. پیام به محض رسیدن پاک می‌شود.
agent-token-malformed = ❌ این شبیه توکن ربات نیست؛ چیزی ذخیره نشد. کل توکن را از @BotFather کپی کنید و دوباره بفرستید.
agent-token-refused = ❌ تلگرام این توکن را نمی‌پذیرد (باطل‌شده یا اشتباه)؛ چیزی ذخیره نشد. توکن درستی بفرستید.
agent-token-main = ❌ این ربات خود فروشگاه است؛ چیزی ذخیره نشد. توکن ربات خودتان را بفرستید.
agent-token-unreachable = ❌ برای بررسی توکن به تلگرام دسترسی نبود؛ چیزی ذخیره نشد. یک دقیقهٔ دیگر دوباره تلاش کنید.
agent-token-taken = ❌ این ربات را نمایندهٔ دیگری وصل کرده است؛ چیزی ذخیره نشد.
agent-bot-connected = ✅ @{ $username } وصل شد. تا چند لحظهٔ دیگر به مشتریان شما خدمت می‌دهد.
agent-ask-brand = نام تجاری‌ای را که ربات شما با آن به مشتریان خوشامد می‌گوید بفرستید (۱ تا ۴۸ نویسه)، یا - برای حذف آن.
agent-ask-support = راه پشتیبانی‌ای را که ربات شما نشان می‌دهد بفرستید (۱ تا ۶۴ نویسه، مثلاً @yourname)، یا - برای حذف آن.
agent-text-invalid = ۱ تا { $max } نویسه در یک خط بفرستید، یا - برای حذف.
agent-bot-saved = ✅ ذخیره شد.
agent-disconnect-confirm = اتصال @{ $username } قطع شود؟ بی‌درنگ خدمت به مشتریان شما را متوقف می‌کند؛ حساب‌های شما همچنان کار می‌کنند.
agent-bot-disconnected = 🔌 اتصال ربات شما قطع شد.
