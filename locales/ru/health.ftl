## Panel health: alerts when a panel is down or back, and what its customers are told (issue 21).

admin-panel-down =
    🚨 <b>Панель не работает</b>: { $panel }
    Не отвечает уже { $minutes } мин.:
    <code>{ $error }</code>
    Её клиентам сообщается, что сервер недоступен; новые аккаунты создаются на других панелях. Проверьте её командой <code>ajib-ctl panels check</code>.
admin-panel-up =
    ✅ <b>Панель снова работает</b>: { $panel }
    Снова отвечает после { $minutes } мин. простоя.
service-panel-down = ⚠️ { $location }: сервер сейчас недоступен. Ваша услуга заработает, как только он вернётся; мы уже занимаемся этим.
service-panel-location = 📍 Локация: { $location }
