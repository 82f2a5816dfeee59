## The required channel: join first, then "I joined" (issue 20).

channel-join =
    📢 <b>Сначала подпишитесь на наш канал</b>
    Чтобы купить тариф или получить бесплатный тест, подпишитесь на { $channel }: там новости, акции и сообщения о работе сервиса.
    Затем нажмите «{ btn-channel-joined }».
channel-not-yet = ⏳ Пока не видим вас в канале. Подпишитесь и снова нажмите «{ btn-channel-joined }».
btn-channel-join = 📢 Перейти в канал
btn-channel-joined = ✅ Я подписался
admin-channel-unreachable =
    ⚠️ <b>Не удаётся проверить обязательный канал</b> { $channel }
    <code>{ $error }</code>
    Пока проверка не заработает, клиенты проходят без неё. Сделайте бота администратором канала и проверьте REQUIRED_CHANNEL.
