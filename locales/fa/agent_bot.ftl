# An agent's own bot: what its customers read, with the agent's brand.

ab-welcome = 👋 به <b>{ $brand }</b> خوش آمدید، { $name }!
    اینجا اکانت VPN بخرید یا اکانت‌های خود را ببینید.
ab-btn-buy = 🛒 خرید
ab-btn-accounts = 📦 اکانت‌های من
ab-btn-support = 🆘 پشتیبانی
ab-btn-lang = 🌐 زبان
ab-btn-menu = 🏠 منو
ab-choose-language = 🌐 زبان خود را انتخاب کنید:
ab-support = 🆘 پشتیبانی: { $support }
ab-support-none = 🆘 برای راهنمایی به صاحب این ربات پیام دهید.
ab-closed = ⏸ { $brand } فعلاً فروش ندارد. لطفاً بعداً دوباره امتحان کنید.
ab-no-payments = { $brand } اکانت‌ها را حضوری می‌فروشد: با { $support } تماس بگیرید.
ab-plans = 🛒 یک پلن انتخاب کنید:
ab-plan-button = { $name } · { $price }
ab-invoice = 🧾 <b>{ $name }</b>
    مبلغ <b>{ $price }</b> را تا { $expires } پرداخت کنید. اکانت شما بلافاصله پس از رسیدن پرداخت ساخته می‌شود.
ab-btn-pay = 💳 پرداخت
ab-btn-check = 🔄 پرداخت کردم — بررسی
ab-pending = ⏳ هنوز پرداخت نشده. اگر همین حالا پرداخت کرده‌اید، چند دقیقه طول می‌کشد.
ab-paid = ✅ پرداخت دریافت شد: اکانت شما در حال ساخت است.
ab-payment-expired = ⌛ این فاکتور منقضی شد. برای فاکتور جدید دوباره پلن را انتخاب کنید.
ab-stale = این دکمه منقضی شده است. برای منو /start را بفرستید.
ab-error = مشکلی پیش آمد. لطفاً یک دقیقه دیگر دوباره امتحان کنید.
ab-accounts-none = 📦 هنوز اکانتی ندارید.
ab-accounts = 📦 اکانت‌های شما:
ab-account-line = • <b>{ $name }</b>، تا { $expires } ({ $status })
ab-status-active = فعال
ab-status-expired = منقضی
ab-status-disabled = غیرفعال
ab-btn-config = 📄 { $name }
ab-payment-granted = ✅ پرداخت دریافت شد: اکانت شما در حال ساخت است و کانفیگ‌ها ارسال می‌شوند.
ab-payment-kept = پرداخت شما رسید، اما این سفارش دیگر قابل انجام نبود. چیزی از دست نرفته است: با { $support } تماس بگیرید.
ab-account-ready = ✅ اکانت { $brand } شما، <b>{ $name }</b>، تا { $expires } آماده است. کانفیگ‌ها در ادامه می‌آیند.
agent-bot-revoked = ⚠️ ربات شما @{ $bot } متوقف شد: تلگرام دیگر توکن آن را نمی‌پذیرد (در @BotFather باطل یا حذف شده). در 🧑‍💼 نمایندگی ← 🤖 ربات من یک توکن جدید وصل کنید.
admin-agent-bot-revoked = ⚠️ ربات نماینده { $agent }، یعنی @{ $bot }، متوقف شد: تلگرام دیگر توکن آن را نمی‌پذیرد. ربات اصلی و ربات‌های دیگر آسیبی ندیده‌اند.
agent-account-for = 🧑‍💼 برای: <b>{ $label }</b>
agent-batch-file = 📦 { $count } اکانت { $name }
ab-payment-failed = ❌ این فاکتور لغو شد و مبلغی کسر نشد. برای فاکتور جدید دوباره پلن را انتخاب کنید.
ab-payment-short = ⚠️ تاکنون { $paid } برای این فاکتور رسیده است؛ { $missing } هنوز کم است. باقی‌مانده را پیش از انقضای فاکتور بفرستید.
ab-reminder-expiry = ⏰ اکانت <b>{ $name }</b> { $days ->
        [0] امروز
        [1] فردا
       *[other] { $days } روز دیگر
    } منقضی می‌شود. با دکمهٔ زیر تمدید کنید (سؤال: { $support }).
ab-reminder-expired = 🔴 اکانت <b>{ $name }</b> منقضی شده است. با دکمهٔ زیر تمدید کنید (سؤال: { $support }).
ab-reminder-traffic = 📊 { $percent }٪ از ترافیک <b>{ $name }</b> مصرف شده است. به‌موقع با دکمهٔ زیر تمدید کنید (سؤال: { $support }).
ab-reminder-traffic-full = 🟠 ترافیک <b>{ $name }</b> تمام شده است. با دکمهٔ زیر تمدید کنید (سؤال: { $support }).
agent-account-name = { $name } · { $label }
ab-btn-renew = 🔄 تمدید
ab-renewal-done = ✅ <b>{ $name }</b> تا { $expires } تمدید شد. کانفیگ‌های شما همان قبلی است.
