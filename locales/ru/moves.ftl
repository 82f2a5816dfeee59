## Moving a service to another panel (issue 21).

btn-admin-move-service = 🚚 Перенести #{ $id }
move-pick = 🚚 На какую панель перенести услугу #{ $id } (<code>{ $username }</code>, сейчас на { $from })?
move-pick-none = Нет другой включённой панели, на которую можно перенести услугу #{ $id } (сейчас на { $from }).
move-panel-button = { $name } · { $location } · { $health } · { $free }
move-free = свободно { $n }
move-free-unlimited = без лимита
move-confirm = Перенести услугу #{ $id } с { $from } на { $to }?
    Оставшиеся дни ({ $days }) и трафик сохранятся. Сначала клиент получит новый конфиг, затем старый аккаунт будет удалён.
btn-move-confirm = ✅ Перенести
move-started = 🚚 Перенос начат: клиент получит новый конфиг, после чего старый аккаунт будет удалён.
move-refused-busy = Услуга #{ $id } уже переносится на { $to }.
move-refused-started = Эта услуга уже переносится.
move-refused-gone = Этой услуги или панели больше нет.
move-refused-same = Услуга уже на этой панели.
move-refused-disabled = Эта панель выключена; включите её, чтобы переносить на неё услуги.
move-refused-inactive = Перенести можно только работающую услугу, а эта истекла или отключена.
move-customer-moved = 🚚 Ваша услуга { $name } перенесена в 📍 { $location }; вот ваш новый конфиг (старый перестанет работать).
move-admin-done = ✅ Услуга #{ $service } перенесена с { $from } на { $to }; старый аккаунт удалён.
move-admin-failed = ⚠️ Не удалось перенести услугу #{ $service } с { $from } на { $to }: { $error }
    Услуга осталась на { $from } без изменений.
move-admin-remove-stuck = ⚠️ Услуга #{ $service } уже работает на { $to }, и у клиента новый конфиг, но старый аккаунт на { $from } пока не удалось удалить: { $error }
    Бот продолжает попытки.
