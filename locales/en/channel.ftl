## The required channel: join first, then "I joined" (issue 20).

# Variables: $channel (String) - the channel's @username, or its link.
channel-join =
    📢 <b>Join our channel first</b>
    To buy a plan or take the free test, please join { $channel }: news, offers and service updates come there.
    Then tap “{ btn-channel-joined }”.
channel-not-yet = ⏳ We can't see you in the channel yet. Join it, then tap “{ btn-channel-joined }” again.
btn-channel-join = 📢 Join the channel
btn-channel-joined = ✅ I joined
# Variables:
#   $channel (String) - REQUIRED_CHANNEL.
#   $error (String) - Telegram's answer.
admin-channel-unreachable =
    ⚠️ <b>Cannot check the required channel</b> { $channel }
    <code>{ $error }</code>
    Customers are let through without the check until it works again. Make the bot an administrator of the channel, and check REQUIRED_CHANNEL.
