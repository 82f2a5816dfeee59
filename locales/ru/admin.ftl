# AJIB — тексты, которые видят только администраторы (русский).
#
# Same ids and variables as locales/en/admin.ftl; see the comments there.

## Admin menu

admin-menu-title = 🛠 <b>Панель администратора</b>
btn-admin = 🛠 Админка
btn-admin-stats = 📊 Статистика
btn-admin-plans = 📦 Тарифы
btn-admin-broadcast = 📣 Рассылка
btn-admin-users = 👥 Пользователи
btn-admin-backup = 💾 Резервные копии

## Notifications

admin-new-purchase =
    💰 <b>Новая покупка</b>
    Пользователь: { $user }
    Тариф: { $plan }
    Сумма: { $price }
    Заказ: #{ $order }
admin-underpaid =
    ⚠️ <b>Недоплата по заказу</b> #{ $order }
    Пользователь: { $user }
    Оплачено: { $paid } из { $price }
    Нужна ручная проверка.
admin-payment-mismatch =
    🚨 <b>Платёж не соответствует заказу</b> <code>{ $order }</code>
    Пользователь: { $user }
    Счёт: <code>{ $invoice }</code>
    { $details }
    Ничего не зачислено, и счёт больше не проверяется. Посмотрите его в Heleket; зачислить деньги на баланс пользователя можно из его профиля.
admin-provision-failed =
    ❌ <b>Не удалось выдать услугу</b> по заказу #{ $order }
    Пользователь: { $user }
    Ошибка: <code>{ $error }</code>
    Заказ оплачен; проверьте его, пожалуйста.
admin-provision-stuck =
    🛑 <b>Выдача остановлена</b> по оплаченному заказу #{ $order }
    Пользователь: { $user }
    Панель отклонила запрос, поэтому повторы сами по себе не помогут:
    <code>{ $error }</code>
    Устраните причину и нажмите «Повторить» (или выполните <code>ajib-ctl orders retry { $order }</code>). Клиенту сообщили, что его платёж в сохранности.
admin-retry-button = 🔁 Повторить
admin-retry-queued = 🔁 Заказ #{ $order } снова в очереди; клиент получит конфиг, как только панель его примет.
admin-retry-already-queued = ⏳ Заказ #{ $order } уже в очереди; ничего не изменилось.
admin-retry-done-already = ✅ Заказ #{ $order } уже выдан; ничего не изменилось.
admin-retry-not-paid = Заказ #{ $order } не оплачен, выдавать нечего.
admin-blitz-down =
    🚨 <b>Панель Blitz недоступна</b>: { $panel }
    <code>{ $error }</code>
    Новые услуги ждут в очереди, пока она не вернётся.
admin-backup-failed =
    ❌ <b>Резервное копирование не удалось</b>
    <code>{ $error }</code>

## Statistics

admin-stats =
    📊 <b>Статистика</b>
    👥 Пользователи: { $users }
    🆕 Новые: { $users_today } сегодня, { $users_week } за 7 дней, { $users_month } за 30 дней
    🙋 Активны за 7 дней: { $users_active } · 🚫 заблокировали бота: { $blocked }
    🟢 Активные услуги: { $active_services }
    ⏰ Скоро истекают: { $expiring }
    🧾 Оплаченные заказы: { $orders_today } сегодня, { $orders_month } за 30 дней
    💰 Выручка сегодня: { $revenue_today }
    💰 Выручка за месяц: { $revenue_month }
    📈 Конверсия: { $conversion }

## Plans

admin-plans-title = 📦 <b>Тарифы</b>
admin-plan-line = { $active ->
        [true] 🟢
        [1] 🟢
       *[other] ⚪
    } #{ $id } { $name } · { $days } дн. · { $traffic } · { $price }
btn-admin-plan-add = ➕ Добавить тариф
btn-admin-plan-toggle = 🔀 Вкл/выкл #{ $id }
admin-plan-ask-name-en = Отправьте название тарифа на английском:
admin-plan-ask-name-fa = Отправьте название тарифа на персидском:
admin-plan-ask-days = Отправьте срок в днях (например, 30):
admin-plan-ask-traffic = Отправьте лимит трафика в ГБ (0 — без лимита):
admin-plan-ask-price = Отправьте цену в USD (например, 5 или 4.99):
admin-plan-preview =
    📝 <b>Новый тариф</b>
    Название: { $name }
    Срок: { $days ->
        [one] { $days } день
        [few] { $days } дня
        [many] { $days } дней
       *[other] { $days } дн.
    }
    Трафик: { $traffic }
    Цена: { $price }
    Сохранить?
admin-plan-keep = Сейчас: <code>{ $current }</code> — отправьте <code>-</code>, чтобы оставить.
admin-plan-saved = ✅ Тариф сохранён.
admin-plan-invalid =
    ⚠️ Недопустимое значение: { $reason }
    Отправьте его ещё раз.
btn-admin-save = 💾 Сохранить

## Broadcast

admin-broadcast-ask-text =
    📣 Отправьте сообщение для рассылки: текст, оформленный в Telegram (жирный, курсив, ссылки…), или фото с подписью.
    Чтобы добавить кнопку, закончите его строкой вида <code>[Открыть магазин](https://t.me/your_bot)</code>.
admin-broadcast-ask-audience = 👥 Кому отправить?
audience-all = 👥 Всем
audience-buyers = 💰 Покупателям
audience-never-bought = 🆕 Без покупок
audience-active = 🟢 С активной услугой
audience-expired = 🔴 С истёкшей услугой
audience-test-only = 🎁 Только тест
audience-lang-en = 🇬🇧 Англоязычным
audience-lang-fa = 🇮🇷 Персоязычным
admin-broadcast-preview = { $count ->
        [0] Под эту аудиторию не подходит ни один пользователь.
        [one] 👆 Это предпросмотр. Сообщение получит { $count } пользователь. Отправить?
        [few] 👆 Это предпросмотр. Сообщение получат { $count } пользователя. Отправить?
       *[other] 👆 Это предпросмотр. Сообщение получат { $count } пользователей. Отправить?
    }
btn-admin-broadcast-send = 🚀 Отправить
admin-broadcast-progress =
    📣 <b>Идёт рассылка…</b>
    ✅ Отправлено: { $sent }
    ❌ Ошибки: { $failed }
    🚫 Заблокировали бота: { $blocked }
    ⏳ Осталось: { $remaining } (примерно { $eta })
admin-broadcast-done =
    ✅ <b>Рассылка завершена</b>
    Отправлено: { $sent }
    Ошибки: { $failed }
    Заблокировали бота: { $blocked }
admin-broadcast-repeats = 🔁 Отправлено повторно после сбоя (могло прийти дважды): { $repeats }
btn-pause = ⏸ Пауза
btn-resume = ▶️ Продолжить
btn-stop = ⏹ Стоп
admin-broadcast-paused = ⏸ Рассылка приостановлена.
admin-broadcast-cancelled = ⏹ Рассылка отменена.
admin-broadcast-too-long = ⚠️ Длина сообщения — { $length } символов, а Telegram здесь допускает не больше { $max }. Отправьте сообщение покороче.
admin-broadcast-bad-html =
    ⚠️ Здесь нарушено оформление: <code>{ $near }</code>
    Используйте только теги Telegram (&lt;b&gt;, &lt;i&gt;, &lt;u&gt;, &lt;s&gt;, &lt;a href="…"&gt;, &lt;code&gt;, &lt;pre&gt;, &lt;blockquote&gt;) и закрывайте каждый. Отправьте текст ещё раз.

## Users

admin-users-list =
    👥 <b>Пользователи</b>: { $total } · страница { $page }/{ $pages }
    🔎 Отправьте Telegram id, @username, имя или имя пользователя в панели для поиска либо выберите пользователя.
admin-users-results =
    🔎 <b>{ $query }</b>: найдено { $total } · страница { $page }/{ $pages }
    Отправьте другой запрос или выберите пользователя.
admin-user-not-found = Пользователь не найден.
admin-user-profile =
    👤 <b>Пользователь</b> <code>{ $id }</code>
    Username: { $username }
    Имя: { $name }
    Язык: { $lang }
    С нами с: { $created }
    Заказы: { $orders }
    Услуги: { $services }
    Заблокирован: { $banned ->
        [true] да
        [1] да
       *[other] нет
    }
btn-admin-ban = ⛔ Заблокировать
btn-admin-unban = ✅ Разблокировать
btn-admin-extend = ⏳ Продлить
btn-admin-grant = 🎁 Выдать тариф
btn-admin-reset-test = 🔄 Сбросить тест
btn-admin-message = ✉️ Написать
admin-user-order = 🧾 #{ $id } { $plan } · { $status ->
        [created] начат
        [invoiced] ждёт оплаты
        [paid] оплачен
        [provisioned] выдан
        [expired] счёт истёк
        [underpaid] недоплачен
        [failed] ошибка
       *[other] { $status }
    } · { $price } · { $date }
admin-order-test = бесплатный тест
admin-grant-pick = 🎁 Какой тариф бесплатно выдать пользователю <code>{ $user }</code>?
admin-grant-ask-reason = Почему выдаётся <b>{ $plan }</b>? Причина попадёт в журнал аудита (до 200 символов):
admin-granted = ✅ <b>{ $plan }</b> выдан пользователю <code>{ $user }</code> (заказ #{ $order }); аккаунт уже готовится.
admin-user-updated = ✅ Пользователь обновлён.
admin-ask-days = Сколько дней добавить? Отправьте число:
admin-ask-message = Отправьте сообщение для этого пользователя:
admin-user-service = #{ $id } <code>{ $username }</code> · { $status } · до { $expires } · { $used } / { $limit }
btn-admin-extend-service = ⏳ Продлить #{ $id }
admin-user-extended = ✅ Услуга #{ $id } теперь действует до { $expires }.
admin-user-extend-failed = ⚠️ Панель не продлила услугу: { $error }
admin-user-test-unchanged = ℹ️ Сбрасывать нечего: у пользователя нет завершённого тестового доступа.
admin-user-is-admin = ⚠️ Администраторов блокировать нельзя.
admin-user-message-sent = ✅ Сообщение доставлено.
admin-user-message-failed = ⚠️ Сообщение не доставлено: { $reason }

## Backups

admin-backup-created =
    💾 <b>Резервная копия создана</b> ({ $size })
    SHA-256: <code>{ $sha }</code>
admin-backup-ask-restore =
    ♻️ Отправьте файл резервной копии для восстановления.
    ⚠️ Он заменит все текущие данные.
admin-backup-restored = ✅ Резервная копия восстановлена.
admin-backup-invalid = ⚠️ Неверная резервная копия: { $reason }
btn-admin-backup-now = 💾 Сохранить копию
btn-admin-backup-restore = ♻️ Восстановить
admin-backup-menu =
    💾 <b>Резервные копии</b>
    { $hours ->
        [0] Автоматическое копирование выключено.
       *[other] Автоматическая копия каждые { $hours } ч; хранятся последние { $keep }.
    }
    «Сохранить копию» скрывает токены и ключи в файле настроек; «с секретами» сохраняет их.
btn-admin-backup-secrets = 🔐 Копия с секретами
admin-backup-secrets-note = ⚠️ В этом файле токен бота и API-ключи. Храните его в тайне и удалите из этого чата, когда сохраните.
admin-backup-unsigned-note = ⚠️ Эта копия не подписана: на сервере не задан BACKUP_SIGNING_KEY, поэтому для её восстановления потребуется дополнительное подтверждение. Задайте ключ командой <code>ajib-ctl config set BACKUP_SIGNING_KEY "$(openssl rand -hex 32)"</code> и перезапустите бота.
admin-backup-secrets-deleted = 🗑 Файл с секретами удалён с сервера; единственная копия теперь в этом чате.
admin-backup-unsigned-ask =
    ⚠️ <b>Эта копия не подписана ключом этого бота.</b>
    { $kind ->
        [other-key] Она подписана другим ключом: с другого сервера или ключом, который с тех пор заменили.
        [no-key-here] Она подписана, но на этом сервере нет BACKUP_SIGNING_KEY, чтобы проверить подпись.
        [invalid] Подпись не совпадает: файл изменили после создания.
       *[unsigned] У неё вообще нет подписи.
    }
    Восстановление заменит все заказы, услуги и пользователей содержимым файла, а такой файл может сделать кто угодно. Восстанавливайте его, только если сделали его сами и он никогда не попадал в чужие руки.
btn-admin-backup-restore-unsigned = ⚠️ Всё же восстановить
admin-owner-only = ⛔ Это может сделать только владелец бота.

## Staff

admin-staff-list =
    👮 <b>Сотрудники</b>
    { $list }

    Добавить: <code>/admins add ID admin</code> или <code>/admins add ID support</code>
    Удалить: <code>/admins remove ID</code>
admin-staff-usage = Использование: <code>/admins</code>, <code>/admins add ID admin|support</code>, <code>/admins remove ID</code>.
admin-staff-added = ✅ { $id } теперь { $role }.
admin-staff-removed = ✅ { $id } больше не сотрудник.
admin-staff-not-found = { $id } нет в списке сотрудников (владельцы задаются в TELEGRAM_ADMIN_IDS).

## Statistics, in detail

admin-stats-by-day = <b>Оплаченные заказы за 7 дней</b>
admin-stats-by-plan = <b>По тарифам за 30 дней</b>
admin-stats-plan-line = • { $name }: { $orders ->
        [one] { $orders } заказ
        [few] { $orders } заказа
       *[other] { $orders } заказов
    }, { $revenue }
admin-stats-outcomes =
    <b>Заказы, начатые за последние 30 дней</b>
    ✅ оплачены: { $paid } · ⏳ ждут: { $pending }
    ⌛ истекли: { $expired } · ⚠️ недоплачены: { $underpaid } · ❌ ошибка или отмена: { $failed }
admin-stats-chart-caption = 📈 Выручка по дням за 30 дней (самый высокий столбец: { $max }).

btn-admin-plan-edit = ✏️ Изменить #{ $id }

## Balance

admin-user-balance = 💰 <b>Баланс: { $balance }</b>
admin-user-ledger-note = { $line } · <i>{ $note }</i>
btn-admin-balance = 💰 Изменить баланс
btn-admin-refunded = ↩️ #{ $id } возвращён
btn-admin-balance-confirm = ✅ Подтвердить
admin-balance-ask-amount =
    💰 На балансе пользователя <code>{ $user }</code> { $balance }.
    Отправьте изменение со знаком: <code>+5</code> добавляет, <code>-2.50</code> списывает.
admin-balance-bad-amount =
    ⚠️ Это не сумма. Отправьте её со знаком, например <code>+5</code> или <code>-2.50</code>: не ноль, не больше знаков после точки, чем у валюты, и не больше { $max } за раз.
admin-balance-too-much = ⚠️ На балансе только { $balance }; уйти в минус он не может. Отправьте сумму поменьше:
admin-balance-ask-reason = Почему баланс меняется на { $change }? Причина попадёт в журнал операций, журнал аудита и к пользователю (до 200 символов):
admin-balance-preview =
    💰 <b>Баланс пользователя</b> <code>{ $user }</code>
    Изменение: { $change }
    Баланс: { $before } → { $after }
    Причина: { $reason }
    Пользователь получит уведомление. Подтвердить?
admin-balance-done = ✅ Баланс <code>{ $user }</code> изменён на { $change }; теперь он { $balance }.
balance-adjusted-notice =
    💰 Ваш баланс изменён на { $change }.
    Причина: { $reason }
    Теперь на балансе { $balance }.
admin-stats-balances =
    💳 Долг перед пользователями на балансах: { $owed }
    💳 Поступило на балансы за 30 дней: { $credited } (пополнения, переплаты и платежи, на которые уже нельзя было купить тариф)
