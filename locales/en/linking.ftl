## Linking an account that is already on a panel (issue 21).

btn-link-account = 🔗 Link my account
link-open-service = 📦 Open the service
link-ask =
    🔗 Send the subscription link or the <code>hy2://</code> config of the account you already have with us (copy it from your VPN app or from the message you were given).
    We check it with our server and add it to “{ btn-services }”.
link-bad-format = ⚠️ That is not a subscription link or a <code>hy2://</code> config. Copy the whole link, from <code>https://</code> or <code>hy2://</code> to its end, and send it again.
# Variables: $n (Number) - how many tries are allowed per hour.
link-too-many = ⏳ You have tried { $n } times in the last hour. Please wait an hour and try again, or ask support for help.
link-not-found = 🔍 We could not find an account with this link on our servers. Check that you copied the whole link and that it is the newest one, then send it again.
link-unavailable = ⚠️ One of our servers is not answering right now, so we could not check this link. Please try again in a few minutes.
link-done = ✅ Done: the account is now linked to you. You'll find it under “{ btn-services }”, with its usage and renewals.
link-already-yours = 👍 This account is already linked to you.
link-other-owner = ⛔ This account is linked to another customer. If it is yours, please contact support.
# Variables: $username (String) - the account's name on the panel.
service-linked-name = 🔗 { $username }
