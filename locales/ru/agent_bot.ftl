# An agent's own bot: what its customers read, with the agent's brand.

ab-welcome = 👋 Добро пожаловать в <b>{ $brand }</b>, { $name }!
    Здесь можно купить VPN-аккаунт или посмотреть свои.
ab-btn-buy = 🛒 Купить
ab-btn-accounts = 📦 Мои аккаунты
ab-btn-support = 🆘 Поддержка
ab-btn-lang = 🌐 Язык
ab-btn-menu = 🏠 Меню
ab-choose-language = 🌐 Выберите язык:
ab-support = 🆘 Поддержка: { $support }
ab-support-none = 🆘 За помощью напишите владельцу этого бота.
ab-closed = ⏸ { $brand } сейчас не продаёт. Попробуйте позже.
ab-no-payments = { $brand } продаёт аккаунты лично: напишите { $support }.
ab-plans = 🛒 Выберите тариф:
ab-plan-button = { $name } · { $price }
ab-invoice = 🧾 <b>{ $name }</b>
    Оплатите <b>{ $price }</b> до { $expires }. Аккаунт создаётся сразу после оплаты.
ab-btn-pay = 💳 Оплатить
ab-btn-check = 🔄 Я оплатил — проверить
ab-pending = ⏳ Оплата ещё не пришла. Если вы только что оплатили, это может занять несколько минут.
ab-paid = ✅ Оплата получена: аккаунт создаётся.
ab-payment-expired = ⌛ Срок счёта истёк. Выберите тариф снова, чтобы получить новый.
ab-stale = Эта кнопка устарела. Отправьте /start для меню.
ab-error = Что-то пошло не так. Попробуйте через минуту.
ab-accounts-none = 📦 У вас пока нет аккаунтов.
ab-accounts = 📦 Ваши аккаунты:
ab-account-line = • <b>{ $name }</b>, до { $expires } ({ $status })
ab-status-active = активен
ab-status-expired = истёк
ab-status-disabled = отключён
ab-btn-config = 📄 { $name }
ab-payment-granted = ✅ Оплата получена: аккаунт создаётся, конфигурации придут следом.
ab-payment-kept = Оплата пришла, но этот заказ уже нельзя выполнить. Ничего не потеряно: напишите { $support }.
ab-account-ready = ✅ Ваш аккаунт { $brand } <b>{ $name }</b> готов, до { $expires }. Конфигурации ниже.
agent-bot-revoked = ⚠️ Ваш бот @{ $bot } остановлен: Telegram больше не принимает его токен (отозван или удалён в @BotFather). Подключите новый токен в 🧑‍💼 Агент → 🤖 Мой бот.
admin-agent-bot-revoked = ⚠️ Бот агента { $agent } @{ $bot } остановлен: Telegram больше не принимает его токен. Основной бот и другие боты работают.
agent-account-for = 🧑‍💼 Для: <b>{ $label }</b>
agent-batch-file = 📦 { $count } аккаунтов: { $name }
ab-payment-failed = ❌ Счёт отменён, деньги не списаны. Выберите тариф снова, чтобы получить новый.
ab-payment-short = ⚠️ По этому счёту пока пришло { $paid }; не хватает { $missing }. Доплатите до истечения срока счёта.
ab-reminder-expiry = ⏰ Ваш аккаунт <b>{ $name }</b> истекает { $days ->
        [0] сегодня
        [1] завтра
        [one] через { $days } день
        [few] через { $days } дня
       *[other] через { $days } дней
    }. Продлите кнопкой ниже (вопросы: { $support }).
ab-reminder-expired = 🔴 Ваш аккаунт <b>{ $name }</b> истёк. Продлите кнопкой ниже (вопросы: { $support }).
ab-reminder-traffic = 📊 Вы израсходовали { $percent }% трафика на <b>{ $name }</b>. Продлите вовремя кнопкой ниже (вопросы: { $support }).
ab-reminder-traffic-full = 🟠 Трафик на <b>{ $name }</b> закончился. Продлите кнопкой ниже (вопросы: { $support }).
agent-account-name = { $name } · { $label }
ab-btn-renew = 🔄 Продлить
ab-renewal-done = ✅ <b>{ $name }</b> продлён до { $expires }. Конфигурации остаются прежними.
