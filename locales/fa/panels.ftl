## Panels and locations: the shop's location choice and the owners' panel screens (issue 21).

plan-location = 📍 موقعیت: { $location }
plan-pick-location = 📍 سرور شما در کدام کشور باشد؟
plan-locations-unavailable = فعلاً در دسترس نیست: { $locations }
plan-unavailable = ⛔️ این پلن فعلاً قابل خرید نیست: همهٔ سرورهای آن پر هستند یا در حال تعمیر. لطفاً بعداً دوباره امتحان کنید.
location-unavailable = ⛔️ این موقعیت فعلاً حساب جدید نمی‌پذیرد. لطفاً موقعیت دیگری انتخاب کنید.
btn-location = 📍 { $location }

btn-admin-panels = 🖥 پنل‌ها
btn-admin-panel-add = ➕ افزودن پنل
btn-admin-panel-enable = 🟢 پذیرش حساب‌های جدید
btn-admin-panel-disable = ⚪️ توقف حساب‌های جدید
btn-admin-panel-check = 🩺 بررسی اکنون
btn-admin-panel-location = 📍 موقعیت
btn-admin-panel-capacity = 📦 ظرفیت
admin-panels-title = 🖥 <b>پنل‌ها</b>
    حساب‌های جدید به پنلی می‌روند که در موقعیت انتخابی مشتری بیشترین جای خالی را دارد.
admin-panel-unlimited = بدون محدودیت
admin-panel-line = { $mark } <b>{ $name }</b> · { $location } · { $active }/{ $capacity }
admin-panel-card =
    { $mark } <b>{ $name }</b> · { $location }
    وضعیت: { $health } (بررسی { $checked })
    آخرین خطا: { $error }
    حساب‌های فعال: { $active } از { $capacity }
    حساب‌های جدید: { $enabled ->
        [true] پذیرفته می‌شوند
       *[other] پذیرفته نمی‌شوند
    }
    API: <code>{ $base }</code>
admin-panel-check-ok = 🟢 { $name } پاسخ داد: Blitz { $version }.
admin-panel-check-failed = 🔴 { $name } پاسخ نداد: { $error }
admin-panel-ask-name = یک نام کوتاه برای پنل بفرستید (حروف کوچک انگلیسی، رقم، - و _)، مثلاً <code>germany-b</code>.
admin-panel-ask-location = موقعیتی را که مشتری می‌بیند همراه با پرچم بفرستید، مثلاً <code>🇩🇪 آلمان</code>.
admin-panel-ask-api-base = نشانی API پنل را بفرستید که با <code>/api/v1</code> تمام می‌شود.
admin-panel-ask-capacity = این پنل چند حساب فعال می‌تواند داشته باشد؟ یک عدد بفرستید، یا <code>-</code> برای بدون محدودیت.
admin-panel-ask-token = در آخر، توکن API پنل را بفرستید. پیام بلافاصله پس از خوانده شدن از این گفتگو پاک می‌شود.
admin-panel-add-unreachable = 🔴 پنل با این توکن پاسخ نداد: { $error }
    توکن را دوباره بفرستید یا لغو کنید.
admin-panel-added = ✅ پنل <b>{ $name }</b> افزوده شد (Blitz { $version }). از هم‌اکنون حساب جدید می‌پذیرد؛ با 📍 در فهرست پلن‌ها انتخاب کنید کدام پلن‌ها روی آن فروخته شوند.
admin-plan-panels-title = 📍 <b>{ $name } کجا فروخته می‌شود</b>
admin-plan-panels-everywhere = هیچ پنلی تیک نخورده است: پلن روی همهٔ پنل‌ها فروخته می‌شود.
admin-plan-panels-some = پلن فقط روی پنل‌های تیک‌خورده فروخته می‌شود.
renew-pick-plan = 🔁 پلنی را که می‌خواهید این سرویس با آن تمدید شود انتخاب کنید:
