//! `REQUIRED_CHANNEL`: the channel customers must join before buying or taking a test account.

/// The channel customers must be in, and where they join it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredChannel {
    /// What `getChatMember` is asked about: `@username` or a numeric id such as `-1001234567890`.
    pub chat: String,
    /// The link on the join button: `REQUIRED_CHANNEL_URL`, else `https://t.me/<username>`;
    /// `None` for a channel given by id without a link (refused by [`crate::Config::production`]).
    pub join_url: Option<String>,
}

/// Checks a `REQUIRED_CHANNEL` value: a public channel's `@username` (5 to 32 letters, digits
/// and underscores, starting with a letter) or a channel's numeric id (`-100` and digits).
pub(crate) fn check_channel(value: &str) -> Result<(), String> {
    let ok = match value.strip_prefix('@') {
        Some(username) => is_username(username),
        None => value.strip_prefix("-100").is_some_and(|digits| {
            (5..=16).contains(&digits.len()) && digits.bytes().all(|it| it.is_ascii_digit())
        }),
    };
    match ok {
        true => Ok(()),
        false => Err(format!(
            "a channel's @username or its numeric id such as -1001234567890, got {value:?}"
        )),
    }
}

/// Checks a `REQUIRED_CHANNEL_URL` value: a `https://t.me/` link (a public name or an invite link).
pub(crate) fn check_join_url(value: &str) -> Result<(), String> {
    let ok = value
        .strip_prefix("https://t.me/")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace));
    match ok {
        true => Ok(()),
        false => Err(format!("a https://t.me/ link, got {value:?}")),
    }
}

/// The required channel from its two variables (each already checked on its own). A channel
/// given by id has no join link unless `REQUIRED_CHANNEL_URL` gives one (it cannot be derived from
/// the id); [`crate::Config::production`] requires it then.
pub(crate) fn required_channel(
    chat: Option<String>,
    join_url: Option<String>,
) -> Option<RequiredChannel> {
    let chat = chat?;
    let join_url = join_url.or_else(|| {
        chat.strip_prefix('@')
            .map(|username| format!("https://t.me/{username}"))
    });
    Some(RequiredChannel { chat, join_url })
}

fn is_username(name: &str) -> bool {
    (5..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|it| it.is_ascii_alphanumeric() || it == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str, ok: bool) {
        assert_eq!(check_channel(value).is_ok(), ok, "{value:?}");
    }

    #[test]
    fn channel_values() {
        check("@ajib_news", true);
        check("@A1234", true);
        check("-1001234567890", true);
        check("ajib_news", false);
        check("@abc", false);
        check("@1abcde", false);
        check("@ajib-news", false);
        check(&format!("@{}", "a".repeat(33)), false);
        check("-1234567890", false);
        check("-100", false);
        check("-100abc12345", false);
        check("1001234567890", false);
        check("https://t.me/ajib_news", false);
    }

    #[test]
    fn join_links() {
        assert!(check_join_url("https://t.me/+AbCdEf123").is_ok());
        assert!(check_join_url("https://t.me/ajib_news").is_ok());
        assert!(check_join_url("http://t.me/x").is_err());
        assert!(check_join_url("https://t.me/").is_err());
        assert!(check_join_url("https://example.com/x").is_err());
    }

    #[test]
    fn the_join_link_comes_from_the_variable_or_the_name() {
        let channel = |chat: &str, url: Option<&str>| {
            required_channel(Some(chat.to_owned()), url.map(str::to_owned)).map(|it| it.join_url)
        };
        assert_eq!(
            required_channel(None, Some("https://t.me/x".to_owned())),
            None
        );
        assert_eq!(
            channel("@ajib_news", None),
            Some(Some("https://t.me/ajib_news".to_owned()))
        );
        assert_eq!(
            channel("@ajib_news", Some("https://t.me/+Xyz")),
            Some(Some("https://t.me/+Xyz".to_owned()))
        );
        assert_eq!(channel("-1001234567890", None), Some(None));
    }
}
