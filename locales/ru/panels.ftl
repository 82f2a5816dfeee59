## Panels and locations: the shop's location choice and the owners' panel screens (issue 21).

plan-location = 📍 Локация: { $location }
plan-pick-location = 📍 Выберите, где должен находиться ваш сервер:
plan-locations-unavailable = Сейчас недоступны: { $locations }
plan-unavailable = ⛔️ Этот тариф сейчас нельзя купить: все серверы, на которых он продаётся, заполнены или на обслуживании. Попробуйте позже.
location-unavailable = ⛔️ В этой локации сейчас нельзя создать новый аккаунт. Выберите другую.
btn-location = 📍 { $location }

btn-admin-panels = 🖥 Панели
btn-admin-panel-add = ➕ Добавить панель
btn-admin-panel-enable = 🟢 Принимать новых
btn-admin-panel-disable = ⚪️ Не принимать новых
btn-admin-panel-check = 🩺 Проверить
btn-admin-panel-location = 📍 Локация
btn-admin-panel-capacity = 📦 Вместимость
admin-panels-title = 🖥 <b>Панели</b>
    Новые аккаунты создаются на панели с наибольшим запасом места в выбранной клиентом локации.
admin-panel-unlimited = без лимита
admin-panel-line = { $mark } <b>{ $name }</b> · { $location } · { $active }/{ $capacity }
admin-panel-card =
    { $mark } <b>{ $name }</b> · { $location }
    Состояние: { $health } (проверено { $checked })
    Последняя ошибка: { $error }
    Активные аккаунты: { $active } из { $capacity }
    Новые аккаунты: { $enabled ->
        [true] принимаются
       *[other] не принимаются
    }
    API: <code>{ $base }</code>
admin-panel-check-ok = 🟢 { $name } отвечает: Blitz { $version }.
admin-panel-check-failed = 🔴 { $name } не отвечает: { $error }
admin-panel-ask-name = Отправьте короткое имя панели (a-z, 0-9, - и _), например <code>de-2</code>.
admin-panel-ask-location = Отправьте локацию, которую увидят клиенты, с флагом, например <code>🇩🇪 Германия</code>.
admin-panel-ask-api-base = Отправьте адрес API панели, оканчивающийся на <code>/api/v1</code>.
admin-panel-ask-capacity = Сколько активных аккаунтов может держать эта панель? Отправьте число или <code>-</code>, если без лимита.
admin-panel-ask-token = И наконец, отправьте API-токен панели. Сообщение будет удалено из чата сразу после прочтения.
admin-panel-add-unreachable = 🔴 Панель не ответила с этим токеном: { $error }
    Отправьте токен ещё раз или отмените.
admin-panel-added = ✅ Панель <b>{ $name }</b> добавлена (Blitz { $version }). Она уже принимает новые аккаунты; какие тарифы на ней продаются, выберите кнопкой 📍 в списке тарифов.
admin-plan-panels-title = 📍 <b>Где продаётся { $name }</b>
admin-plan-panels-everywhere = Ни одна панель не отмечена: тариф продаётся на всех панелях.
admin-plan-panels-some = Тариф продаётся только на отмеченных панелях.
renew-pick-plan = 🔁 Выберите тариф для продления этой услуги:
