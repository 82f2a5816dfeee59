# Agents (resellers): the agent menu in the main bot and the owner's agent screens.

# Owner's agent screens
btn-admin-agents = 🧑‍💼 Агенты
admin-agents-title = 🧑‍💼 <b>Агенты</b>
admin-agents-empty = Агентов пока нет. Откройте профиль пользователя и нажмите «🧑‍💼 Сделать агентом» или выполните <code>ajib-ctl agents add</code>.
admin-agents-line = • { $name } (<code>{ $id }</code>){ $state }: баланс { $balance } · аккаунты { $active }/{ $accounts } · продажи { $sales } ({ $amount })
btn-admin-agent-open = 🧑‍💼 { $name }
admin-agent-title = 🧑‍💼 <b>Агент { $name }</b> (<code>{ $id }</code>)
admin-agent-terms = Условия: скидка { $percent }% от прайса · кредитный лимит { $limit } · оплата в боте: { $payments }
admin-agent-figures = Баланс { $balance } · активных аккаунтов { $active } из { $accounts } · продажи { $sales } ({ $amount })
admin-agent-bot = Свой бот: @{ $bot }
admin-agent-no-bot = Свой бот: не подключён
admin-agent-suspended = ⏸ <b>Приостановлен</b>: ничего не покупает до возобновления; его аккаунты работают.
admin-agent-payments-heleket = Heleket
admin-agent-payments-none = нет
btn-admin-agent-suspend = ⏸ Приостановить
btn-admin-agent-resume = ▶️ Возобновить
btn-admin-agent-credit = 💰 Пополнить
btn-admin-agent-prices = 🏷 Цены
btn-admin-agent-payments = 💳 Оплата: { $payments }
btn-admin-agent-profile = 👤 Профиль
btn-admin-agent-remove = 🗑 Удалить
admin-agent-removed = ✅ <code>{ $id }</code> больше не агент.
admin-agent-remove-refused = ⚠️ <code>{ $id }</code> не удалён: у него ещё есть аккаунты или заказы, или баланс не нулевой. Приостановите его вместо этого.
admin-agent-not-found = Этот пользователь не агент (больше не агент).
admin-agent-prices-title = 🏷 <b>Цены агента <code>{ $id }</code></b> (по умолчанию: скидка { $percent }% от прайса)
admin-agent-price-set = • { $plan }: прайс { $list } → агенту { $cost } (задана вручную)
admin-agent-price-default = • { $plan }: прайс { $list } → агенту { $cost }
btn-admin-agent-price = ✏️ Тариф #{ $plan }
btn-admin-agent-price-default = ↩️ #{ $plan } по умолч.
btn-admin-agent-percent = ％ Скидка
btn-admin-agent-limit = 💳 Кредитный лимит
admin-agent-ask-price = Отправьте, сколько агент платит за { $plan } (прайс { $list }), например 4.50:
admin-agent-ask-percent = Отправьте скидку от прайса для тарифов без своей цены агента, от 0 до { $max }:
admin-agent-ask-limit = Отправьте кредитный лимит, насколько баланс агента может уйти ниже нуля, например 20 или 0:
admin-agent-bad-percent = ⚠️ Отправьте целое число от 0 до { $max }:
admin-agent-bad-amount = ⚠️ Это не сумма в { $currency }. Отправьте, например, 4.50:
admin-agent-saved = ✅ Сохранено.
btn-admin-make-agent = 🧑‍💼 Сделать агентом
btn-admin-agent = 🧑‍💼 Агент
admin-stats-agents = 🧑‍💼 <b>Агенты</b>: { $agents } · оплаченных заказов за { $days } дн.: { $orders } · агенты заплатили { $revenue }

# Agent menu
btn-agent = 🧑‍💼 Агент
agent-home =
    🧑‍💼 <b>Агент</b>
    💰 Баланс: <b>{ $balance }</b>
    💳 Кредитный лимит: { $limit }
    🛒 Можно потратить: { $left }
agent-suspended = ⛔ Ваш агентский доступ приостановлен: покупать нельзя, пока магазин его не возобновит. Ваши аккаунты продолжают работать.
agent-suspended-refused = ⛔ Ничего не куплено: ваш агентский доступ приостановлен. Ваши аккаунты продолжают работать; попросите магазин возобновить доступ.
agent-credit-refused = ❌ Ничего не куплено: это стоит { $needed }, а ваш баланс ({ $balance }) с кредитным лимитом ({ $limit }) этого не покрывает. Пополните баланс и попробуйте снова.
btn-agent-buy = 🛒 Купить для клиента
btn-agent-bulk = 📦 Создать пачкой
btn-agent-accounts = 📋 Мои аккаунты
btn-agent-topup = 💰 Пополнить
btn-agent-prices = 🏷 Мои цены
btn-agent-bot = 🤖 Мой бот
btn-agent-confirm = ✅ Подтвердить
btn-agent-renew = 🔄 Продлить
btn-agent-configs = 📄 Конфиги
agent-plan-button = { $name } · { $cost }
agent-plans-empty = Сейчас нет тарифов в продаже.
agent-use-buttons = Нажмите одну из кнопок выше или отмените.
agent-buy-title = 🛒 Какой тариф получит ваш клиент? Цены — это то, что платите вы.
agent-ask-label = { $plan } за { $cost }. Отправьте имя клиента или заметку для этого аккаунта (от 1 до 64 символов).
agent-label-invalid = Имя или заметка — от 1 до { $max } символов в одну строку. Отправьте ещё раз.
agent-bought =
    ✅ Куплен { $plan } для <b>{ $label }</b> за { $cost }. Ваш баланс: { $balance }.
    Конфиги придут через минуту.
agent-bulk-title = 📦 Аккаунты какого тарифа создать? Цены — это то, что платите вы.
agent-ask-count = { $plan } стоит вам { $cost } за аккаунт. Сколько аккаунтов создать (от 1 до { $max })?
agent-count-invalid = Отправьте число от 1 до { $max }.
agent-bulk-confirm =
    📦 { $count } × { $plan } по { $cost } = <b>{ $total }</b>
    💰 Баланс сейчас: { $balance }
    💰 Баланс после: { $after }
agent-bulk-bought =
    ✅ Создаются аккаунты: { $count } × { $plan } ({ $total }). Ваш баланс: { $balance }.
    Когда все будут готовы, придёт один файл со всеми конфигами.
agent-accounts-title = 📋 <b>Ваши аккаунты</b> (страница { $page }):
agent-accounts-empty = 📋 У вас пока нет аккаунтов. Для начала купите аккаунт для клиента.
agent-account-line = { $n }. <b>{ $label }</b> · { $plan } · до { $expires } · { $status }
agent-account-button = { $n }. { $label }
agent-account =
    👤 <b>{ $label }</b>
    📦 Тариф: { $plan }
    🔑 Аккаунт: <code>{ $username }</code>
    🔘 Статус: { $status }
    📅 Истекает: { $expires }
    ⏳ Осталось дней: { $days }
    📊 Использовано: { $used } из { $limit }
agent-renew-title = 🔄 Каким тарифом продлить <b>{ $label }</b>? Цены — это то, что платите вы.
agent-renew-confirm =
    🔄 Продлить <b>{ $label }</b> тарифом { $plan } за { $cost }?
    💰 Баланс сейчас: { $balance }
    💰 Баланс после: { $after }
agent-renewed = ✅ <b>{ $label }</b> продлевается тарифом { $plan } ({ $cost }). Ваш баланс: { $balance }.
agent-prices-title = 🏷 <b>Ваши цены</b>: цена по прайсу, ваша цена и розничная цена в вашем боте.
agent-price-line = • <b>{ $plan }</b>: прайс { $list } · ваша { $cost } · розница { $retail }
agent-price-button = ✏️ { $plan }
agent-ask-retail = { $plan }: вы платите { $cost }, ваш бот просит { $retail }. Отправьте новую розничную цену (не ниже { $cost }) или - для цены по прайсу.
agent-retail-invalid = Это не цена. Отправьте сумму вроде 4,50 или - для цены по прайсу.
agent-retail-below = ❌ Розничная цена не может быть ниже вашей цены { $cost }. Отправьте другую сумму.
agent-retail-saved = ✅ Розничная цена сохранена.
agent-bot-none =
    🤖 <b>Ваш собственный бот</b>
    Ваши клиенты могут покупать в боте с вашим названием, вашими ценами и вашей поддержкой.
    Чтобы создать его, откройте @BotFather, отправьте /newbot, выберите имя и юзернейм и скопируйте выданный токен. Затем нажмите «Подключить бота» и отправьте токен сюда: сообщение сразу удаляется.
btn-agent-bot-connect = 🔌 Подключить бота
btn-agent-bot-token = 🔁 Новый токен
btn-agent-brand = ✏️ Название
btn-agent-support = ✏️ Поддержка
btn-agent-disconnect = 🔌 Отключить
agent-bot =
    🤖 <b>@{ $username }</b>
    🔘 Состояние: { $state }
    🏷 Название: { $brand }
    💬 Поддержка: { $support }
agent-bot-active = ✅ работает
agent-bot-starting = ⏳ запускается
agent-bot-state-revoked = ⛔ остановлен: Telegram отклонил токен ({ $note }). Отправьте новый токен, чтобы запустить его снова.
agent-bot-unset = —
agent-ask-token = Отправьте токен вашего бота от @BotFather. Сообщение удаляется сразу после получения.
agent-token-malformed = ❌ Это не похоже на токен бота; ничего не сохранено. Скопируйте токен от @BotFather целиком и отправьте снова.
agent-token-refused = ❌ Telegram не принимает этот токен (отозван или с опечаткой); ничего не сохранено. Отправьте действующий токен.
agent-token-main = ❌ Это бот самого магазина; ничего не сохранено. Отправьте токен своего бота.
agent-token-unreachable = ❌ Не удалось связаться с Telegram для проверки токена; ничего не сохранено. Попробуйте через минуту.
agent-token-taken = ❌ Этот бот подключён другим агентом; ничего не сохранено.
agent-bot-connected = ✅ @{ $username } подключён. Через минуту он начнёт обслуживать ваших клиентов.
agent-ask-brand = Отправьте название, которым ваш бот приветствует клиентов (от 1 до 48 символов), или - чтобы убрать его.
agent-ask-support = Отправьте контакт поддержки для вашего бота (от 1 до 64 символов, например @yourname), или - чтобы убрать его.
agent-text-invalid = Отправьте от 1 до { $max } символов в одну строку или - чтобы убрать.
agent-bot-saved = ✅ Сохранено.
agent-disconnect-confirm = Отключить @{ $username }? Он сразу перестанет обслуживать ваших клиентов; ваши аккаунты продолжат работать.
agent-bot-disconnected = 🔌 Ваш бот отключён.
