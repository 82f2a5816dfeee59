## Panels and locations: the shop's location choice and the owners' panel screens (issue 21).

plan-location = 📍 Location: { $location }
plan-pick-location = 📍 Choose where your server should be:
plan-locations-unavailable = Unavailable right now: { $locations }
plan-unavailable = ⛔️ This plan cannot be bought right now: every server it is sold on is full or under maintenance. Please try again later.
location-unavailable = ⛔️ That location cannot take new accounts right now. Please choose another one.
btn-location = 📍 { $location }

btn-admin-panels = 🖥 Panels
btn-admin-panel-add = ➕ Add a panel
btn-admin-panel-enable = 🟢 Offer for new accounts
btn-admin-panel-disable = ⚪️ Stop new accounts
btn-admin-panel-check = 🩺 Check now
btn-admin-panel-location = 📍 Location
btn-admin-panel-capacity = 📦 Capacity
admin-panels-title = 🖥 <b>Panels</b>
    New accounts go to the panel with the most room in the location the customer picks.
admin-panel-unlimited = no limit
# Variables: $mark (health), $name, $location, $active (accounts), $capacity.
admin-panel-line = { $mark } <b>{ $name }</b> · { $location } · { $active }/{ $capacity }
# Variables: as admin-panel-line, and $health, $checked, $error, $enabled, $base.
admin-panel-card =
    { $mark } <b>{ $name }</b> · { $location }
    Health: { $health } (checked { $checked })
    Last error: { $error }
    Active accounts: { $active } of { $capacity }
    New accounts: { $enabled ->
        [true] offered
       *[other] not offered
    }
    API: <code>{ $base }</code>
admin-panel-check-ok = 🟢 { $name } answered: Blitz { $version }.
admin-panel-check-failed = 🔴 { $name } did not answer: { $error }
admin-panel-ask-name = Send a short name for the panel (a-z, 0-9, - and _), e.g. <code>de-2</code>.
admin-panel-ask-location = Send the location customers see, with a flag, e.g. <code>🇩🇪 Germany</code>.
admin-panel-ask-api-base = Send the panel's API address, ending in <code>/api/v1</code>.
admin-panel-ask-capacity = How many active accounts may this panel hold? Send a number, or <code>-</code> for no limit.
admin-panel-ask-token = Last, send the panel's API token. The message is deleted from this chat as soon as it is read.
admin-panel-add-unreachable = 🔴 The panel did not answer with this token: { $error }
    Send the token again, or cancel.
admin-panel-added = ✅ Panel <b>{ $name }</b> added (Blitz { $version }). It takes new accounts now; choose which plans are sold on it with 📍 in the plan list.
admin-plan-panels-title = 📍 <b>Where { $name } is sold</b>
admin-plan-panels-everywhere = No panel is ticked: the plan is sold on every panel.
admin-plan-panels-some = The plan is sold on the ticked panels only.
renew-pick-plan = 🔁 Choose the plan to renew this service with:
