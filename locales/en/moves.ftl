## Moving a service to another panel (issue 21).

btn-admin-move-service = 🚚 Move #{ $id }
move-pick = 🚚 Move service #{ $id } (<code>{ $username }</code>, on { $from }) to which panel?
move-pick-none = There is no other enabled panel to move service #{ $id } (on { $from }) to.
move-panel-button = { $name } · { $location } · { $health } · { $free }
move-free = { $n } free
move-free-unlimited = no limit
move-confirm = Move service #{ $id } from { $from } to { $to }?
    It keeps its { $days } days left and the traffic it has left. The customer gets the new config first; the old account is removed after.
btn-move-confirm = ✅ Move
move-started = 🚚 Move started; the customer gets the new config and the old account is removed after.
move-refused-busy = Service #{ $id } is already being moved to { $to }.
move-refused-started = This service is already being moved.
move-refused-gone = This service or panel no longer exists.
move-refused-same = The service is already on that panel.
move-refused-disabled = That panel is disabled; enable it first to move services to it.
move-refused-inactive = Only a running service can be moved: this one is expired or disabled.
move-customer-moved = 🚚 Your service { $name } moved to 📍 { $location }; here is your new config (the old one stops working).
move-admin-done = ✅ Service #{ $service } moved from { $from } to { $to }; the old account is removed.
move-admin-failed = ⚠️ Moving service #{ $service } from { $from } to { $to } failed: { $error }
    The service stays on { $from }, untouched.
move-admin-remove-stuck = ⚠️ Service #{ $service } now runs on { $to } and its customer has the new config, but the old account on { $from } could not be removed yet: { $error }
    The bot keeps trying.
