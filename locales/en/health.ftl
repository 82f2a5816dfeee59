## Panel health: alerts when a panel is down or back, and what its customers are told (issue 21).

# Variables:
#   $panel (String) - the panel's name and location.
#   $minutes (Number) - minutes since its first failed check.
#   $error (String) - what its last check got.
admin-panel-down =
    🚨 <b>Panel down</b>: { $panel }
    It has not answered for { $minutes } minutes:
    <code>{ $error }</code>
    Its customers are told their server is unreachable; new accounts go to other panels. Check it with <code>ajib-ctl panels check</code>.
# Variables:
#   $panel (String) - the panel's name and location.
#   $minutes (Number) - minutes it was down.
admin-panel-up =
    ✅ <b>Panel back up</b>: { $panel }
    It answers again after { $minutes } minutes down.
# Variables:
#   $location (String) - the service's location.
service-panel-down = ⚠️ { $location }: the server is unreachable right now. Your service will come back when it is; we are on it.
# Variables:
#   $location (String) - the service's location, e.g. 🇩🇪 Germany.
service-panel-location = 📍 Location: { $location }
