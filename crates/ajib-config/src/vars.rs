//! The table of known variables and how one value is checked.

use std::net::SocketAddr;

/// Prefix of the per-platform client download links, e.g. `CLIENT_DL_URL_ANDROID`.
pub const CLIENT_DL_PREFIX: &str = "CLIENT_DL_URL_";

/// The largest referral reward or welcome bonus, in minor units (a million of a two-decimal currency).
pub const MAX_REFERRAL_MINOR: u32 = 100_000_000;

/// One known configuration variable.
#[derive(Debug, Clone, Copy)]
pub struct VarSpec {
    /// The environment variable's name.
    pub name: &'static str,
    /// Whether the value is a secret (masked in output).
    pub secret: bool,
    /// What it is for, one line.
    pub help: &'static str,
    /// The value used when it is not set, if any.
    pub default: Option<&'static str>,
    pub(crate) kind: Kind,
}

/// How a value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    BotToken,
    AdminIds,
    HttpUrl,
    Path,
    Bool,
    Number { min: u32, max: u32 },
    Lang,
    Channel,
    JoinUrl,
    LogLevel,
    Listen,
    UpdateMode,
    Currency,
    CardNumber,
    ReferralMode,
}

const fn var(
    name: &'static str,
    kind: Kind,
    default: Option<&'static str>,
    help: &'static str,
) -> VarSpec {
    VarSpec {
        name,
        secret: false,
        help,
        default,
        kind,
    }
}

const fn secret(name: &'static str, kind: Kind, help: &'static str) -> VarSpec {
    VarSpec {
        name,
        secret: true,
        help,
        default: None,
        kind,
    }
}

/// Every variable AJIB reads, in the order `.env.example` documents them.
pub static VARS: &[VarSpec] = &[
    secret(
        "TELEGRAM_BOT_TOKEN",
        Kind::BotToken,
        "Bot token from @BotFather.",
    ),
    var(
        "TELEGRAM_ADMIN_IDS",
        Kind::AdminIds,
        None,
        "Comma-separated Telegram ids of the owners (TELEGRAM_ADMIN_ID is accepted too).",
    ),
    var(
        "TELEGRAM_ADMIN_ID",
        Kind::AdminIds,
        None,
        "Old single-admin name, merged into TELEGRAM_ADMIN_IDS.",
    ),
    var(
        "TELEGRAM_API_BASE",
        Kind::HttpUrl,
        Some("https://api.telegram.org"),
        "Bot API server base URL.",
    ),
    var(
        "TELEGRAM_UPDATE_MODE",
        Kind::UpdateMode,
        Some("polling"),
        "How updates arrive: polling or webhook (webhook needs PUBLIC_URL).",
    ),
    secret(
        "TELEGRAM_WEBHOOK_SECRET",
        Kind::Text,
        "Secret token Telegram echoes on webhook calls (derived from the bot token when unset).",
    ),
    var(
        "BLITZ_API_BASE",
        Kind::HttpUrl,
        None,
        "Blitz panel API base, e.g. https://panel.example.com:8443/<root>/api/v1.",
    ),
    secret(
        "BLITZ_API_KEY",
        Kind::Text,
        "Blitz panel API token (sent raw in the Authorization header).",
    ),
    var(
        "HELEKET_API_BASE",
        Kind::HttpUrl,
        Some("https://api.heleket.com"),
        "Heleket API base URL.",
    ),
    var(
        "HELEKET_MERCHANT_ID",
        Kind::Text,
        None,
        "Heleket merchant uuid.",
    ),
    secret("HELEKET_API_KEY", Kind::Text, "Heleket payment API key."),
    secret(
        "HELEKET_WEBHOOK_SECRET",
        Kind::Text,
        "Key that signs Heleket webhooks (defaults to HELEKET_API_KEY).",
    ),
    var(
        "HELEKET_NETWORK",
        Kind::Text,
        None,
        "Optional default network for invoices, e.g. tron.",
    ),
    var(
        "HELEKET_CURRENCY",
        Kind::Currency,
        Some("USD"),
        "Currency plan prices are in.",
    ),
    var(
        "INVOICE_LIFETIME_SECS",
        Kind::Number {
            min: 300,
            max: 43_200,
        },
        Some("3600"),
        "How long an invoice can be paid, in seconds.",
    ),
    var(
        "PUBLIC_URL",
        Kind::HttpUrl,
        None,
        "Public https base of this bot, for Heleket and Telegram webhooks.",
    ),
    var(
        "HTTP_LISTEN",
        Kind::Listen,
        Some("127.0.0.1:8080"),
        "Address of the bot's HTTP server (webhooks, /healthz, /metrics from this machine).",
    ),
    var(
        "DATABASE_URL",
        Kind::Path,
        None,
        "SQLite database path (sqlite:// prefix allowed); defaults to DATA_DIR/ajib.db.",
    ),
    var(
        "DATA_DIR",
        Kind::Path,
        Some("/var/lib/ajib"),
        "Directory for the database and backups.",
    ),
    var(
        "LOG_LEVEL",
        Kind::LogLevel,
        Some("info"),
        "error, warn, info, debug or trace.",
    ),
    var(
        "LOG_JSON",
        Kind::Bool,
        Some("false"),
        "Log one JSON object per line.",
    ),
    var(
        "LOCALE_DEFAULT",
        Kind::Lang,
        Some("en"),
        "Language for users whose Telegram language the bot has no texts for, until they choose: en, fa, ru, or a language added in LOCALES_DIR.",
    ),
    var(
        "LOCALES_DIR",
        Kind::Path,
        None,
        "Directory with <lang>/*.ftl files: overrides of the built-in texts, or a new language in a folder named by its code.",
    ),
    var(
        "SUPPORT_CONTACT",
        Kind::Text,
        None,
        "Where users get help, e.g. @your_support.",
    ),
    var(
        "REQUIRED_CHANNEL",
        Kind::Channel,
        None,
        "Channel customers must join before buying or taking a test: @username or numeric id; the bot must be one of its admins.",
    ),
    var(
        "REQUIRED_CHANNEL_URL",
        Kind::JoinUrl,
        None,
        "The channel's https://t.me/ link for the join button (needed when REQUIRED_CHANNEL is a numeric id).",
    ),
    var(
        "TEST_ACCOUNT_ENABLED",
        Kind::Bool,
        Some("true"),
        "Offer one free test account per user.",
    ),
    var(
        "TEST_ACCOUNT_DAYS",
        Kind::Number { min: 1, max: 30 },
        Some("1"),
        "Days a test account lasts.",
    ),
    var(
        "TEST_ACCOUNT_TRAFFIC_GB",
        Kind::Number { min: 1, max: 100 },
        Some("1"),
        "Traffic of a test account in GB.",
    ),
    var(
        "TEST_ACCOUNT_REFUSE_AFTER_PURCHASE",
        Kind::Bool,
        Some("true"),
        "Refuse the test account to users who already bought.",
    ),
    var(
        "BACKUP_INTERVAL_HOURS",
        Kind::Number { min: 0, max: 720 },
        Some("24"),
        "Hours between automatic backups (0 turns them off).",
    ),
    var(
        "BACKUP_KEEP",
        Kind::Number { min: 1, max: 1000 },
        Some("7"),
        "How many automatic backups to keep.",
    ),
    secret(
        "BACKUP_SIGNING_KEY",
        Kind::Text,
        "Key that signs backups (HMAC-SHA256), 64 hex characters; install.sh makes one.",
    ),
    var(
        "FLOOD_MAX_UPDATES",
        Kind::Number { min: 1, max: 1000 },
        Some("20"),
        "Updates one user may send per FLOOD_WINDOW_SECS.",
    ),
    var(
        "FLOOD_WINDOW_SECS",
        Kind::Number { min: 1, max: 3600 },
        Some("10"),
        "Window of the per-user flood limit.",
    ),
    var(
        "PROVISION_ALERT_AFTER",
        Kind::Number { min: 1, max: 100 },
        Some("5"),
        "Failed provisioning attempts before admins are alerted.",
    ),
    var(
        "AUTO_RENEW_DAYS_BEFORE",
        Kind::Number { min: 0, max: 30 },
        Some("1"),
        "Days before expiry a service with auto-renew on is renewed from the balance (0: at expiry).",
    ),
    var(
        "REFERRAL_REWARD",
        Kind::Number {
            min: 0,
            max: MAX_REFERRAL_MINOR,
        },
        Some("0"),
        "Referral reward to the referrer's balance per qualifying purchase, in minor units (cents); 0: none.",
    ),
    var(
        "REFERRAL_REWARD_DAYS",
        Kind::Number { min: 0, max: 365 },
        Some("0"),
        "Extra days added to the referrer's running service per qualifying purchase; 0: none.",
    ),
    var(
        "REFERRAL_PERCENT",
        Kind::Number { min: 0, max: 100 },
        Some("0"),
        "Percent of a qualifying purchase's price added to the referral reward; 0: none.",
    ),
    var(
        "REFERRAL_MODE",
        Kind::ReferralMode,
        Some("first"),
        "Which purchases of an invited user earn the reward: first (their first paid one) or every.",
    ),
    var(
        "REFERRAL_WELCOME_BONUS",
        Kind::Number {
            min: 0,
            max: MAX_REFERRAL_MINOR,
        },
        Some("0"),
        "Bonus to an invited user's balance with their first paid purchase, in minor units; 0: none.",
    ),
    var(
        "REFERRAL_DAILY_CAP",
        Kind::Number {
            min: 0,
            max: 10_000,
        },
        Some("10"),
        "Most referral rewards one referrer is granted in 24 hours (0: no cap); others are recorded, not paid.",
    ),
    secret(
        "CARD_NUMBER",
        Kind::CardNumber,
        "Card-to-card: the card customers transfer to (12-19 digits); unset turns card payments off. Logs show only its last 4 digits.",
    ),
    var(
        "CARD_HOLDER",
        Kind::Text,
        None,
        "Card-to-card: the name on the card (required with CARD_NUMBER).",
    ),
    var(
        "CARD_BANK",
        Kind::Text,
        None,
        "Card-to-card: the card's bank, shown to customers (optional).",
    ),
    var(
        "CARD_CURRENCY",
        Kind::Currency,
        None,
        "Card-to-card: the local currency code of the transfer, e.g. IRR or IRT (required with CARD_NUMBER).",
    ),
    var(
        "CARD_RATE",
        Kind::Number {
            min: 1,
            max: 1_000_000_000,
        },
        None,
        "Card-to-card: local minor units per 1.00 of the plan currency (required with CARD_NUMBER).",
    ),
    var(
        "STARS_ENABLED",
        Kind::Bool,
        Some("false"),
        "Offer payment in Telegram Stars for plans that have a price in Stars (set per plan, or derived with STARS_PER_UNIT).",
    ),
    var(
        "STARS_PER_UNIT",
        Kind::Number {
            min: 0,
            max: 1_000_000,
        },
        Some("0"),
        "Telegram Stars per 1.00 of the plan currency, rounded up to whole Stars, for plans without a Stars price of their own; 0: none.",
    ),
    var(
        "CARD_APPROVAL_HOURS",
        Kind::Number { min: 1, max: 168 },
        Some("24"),
        "Card-to-card: hours staff have to approve a receipt before it expires with a notice.",
    ),
];

/// Whether `name` is a variable AJIB reads (including `CLIENT_DL_URL_<PLATFORM>`).
#[must_use]
pub fn is_known(name: &str) -> bool {
    spec(name).is_some() || client_platform(name).is_some()
}

/// Whether the variable holds a secret that must be masked.
#[must_use]
pub fn is_secret(name: &str) -> bool {
    spec(name).is_some_and(|it| it.secret)
}

/// Checks one value the way loading would, e.g. for `ajib-ctl config set`.
pub fn check_var(name: &str, value: &str) -> Result<(), String> {
    if client_platform(name).is_some() {
        return check_kind(Kind::HttpUrl, value);
    }
    match spec(name) {
        Some(spec) => check_kind(spec.kind, value),
        None => Err(format!(
            "unknown variable {name}; see .env.example for the list"
        )),
    }
}

pub(crate) fn spec(name: &str) -> Option<&'static VarSpec> {
    VARS.iter().find(|it| it.name == name)
}

/// The platform part of a `CLIENT_DL_URL_<PLATFORM>` name, if it is one.
pub(crate) fn client_platform(name: &str) -> Option<&str> {
    let platform = name.strip_prefix(CLIENT_DL_PREFIX)?;
    let valid = !platform.is_empty()
        && platform
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    valid.then_some(platform)
}

pub(crate) fn check_kind(kind: Kind, value: &str) -> Result<(), String> {
    let value = value.trim();
    match kind {
        Kind::Text => non_empty(value),
        Kind::BotToken => check_bot_token(value),
        Kind::AdminIds => parse_admin_ids(value).map(drop),
        Kind::HttpUrl => check_http_url(value),
        Kind::Path => non_empty(value),
        Kind::Bool => parse_bool(value).map(drop),
        Kind::Number { min, max } => parse_number(value, min, max).map(drop),
        Kind::Lang => match (2..=3).contains(&value.len())
            && value.bytes().all(|it| it.is_ascii_lowercase())
        {
            true => Ok(()),
            false => Err(format!(
                "a two- or three-letter lowercase language code such as en, fa or ru, got {value:?}"
            )),
        },
        Kind::Channel => crate::channel::check_channel(value),
        Kind::JoinUrl => crate::channel::check_join_url(value),
        Kind::LogLevel => match value.to_ascii_lowercase().as_str() {
            "error" | "warn" | "info" | "debug" | "trace" | "off" => Ok(()),
            _ => Err(format!(
                "one of error, warn, info, debug, trace, off; got {value:?}"
            )),
        },
        Kind::Listen => value
            .parse::<SocketAddr>()
            .map(drop)
            .map_err(|_| format!("an address like 127.0.0.1:8080, got {value:?}")),
        Kind::UpdateMode => match value {
            "polling" | "webhook" => Ok(()),
            _ => Err(format!("polling or webhook, got {value:?}")),
        },
        Kind::CardNumber => crate::CardNumber::parse(value).map(drop),
        Kind::ReferralMode => match value {
            "first" | "every" => Ok(()),
            _ => Err(format!("first or every, got {value:?}")),
        },
        Kind::Currency => {
            if value.len() == 3 && value.chars().all(|c| c.is_ascii_uppercase()) {
                return Ok(());
            }
            Err(format!(
                "a 3-letter ISO currency code like USD, got {value:?}"
            ))
        }
    }
}

fn non_empty(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("a non-empty value".to_owned());
    }
    Ok(())
}

fn check_bot_token(value: &str) -> Result<(), String> {
    // Shape only: "<digits>:<35ish url-safe chars>". Never echo the value back.
    let shape_ok = value.split_once(':').is_some_and(|(id, rest)| {
        !id.is_empty()
            && id.chars().all(|c| c.is_ascii_digit())
            && rest.len() >= 10
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    if shape_ok {
        return Ok(());
    }
    Err("a bot token from @BotFather, like 123456789:AA... (value not shown)".to_owned())
}

fn check_http_url(value: &str) -> Result<(), String> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && !host.starts_with('/')
                && !value.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(format!("an http(s) URL, got {value:?}")),
    }
}

pub(crate) fn parse_admin_ids(value: &str) -> Result<Vec<i64>, String> {
    let mut ids = Vec::new();
    for part in value.split(',').map(str::trim).filter(|it| !it.is_empty()) {
        match part.parse::<i64>() {
            Ok(id) if id > 0 => ids.push(id),
            _ => {
                return Err(format!(
                    "comma-separated numeric Telegram ids, got {part:?}"
                ));
            }
        }
    }
    if ids.is_empty() {
        return Err("at least one numeric Telegram id".to_owned());
    }
    Ok(ids)
}

pub(crate) fn parse_bool(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("true or false, got {value:?}")),
    }
}

pub(crate) fn parse_number(value: &str, min: u32, max: u32) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("a whole number from {min} to {max}, got {value:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, value: &str, ok: bool) {
        let res = check_var(name, value);
        assert_eq!(res.is_ok(), ok, "{name}={value:?} gave {res:?}");
    }

    #[test]
    fn values_are_checked_by_kind() {
        check(
            "TELEGRAM_BOT_TOKEN",
            "123456:ABCDEFGHIJKLMNOP_qrs-tuv",
            true,
        );
        check("TELEGRAM_BOT_TOKEN", "not a token", false);
        check("TELEGRAM_ADMIN_IDS", "1, 2,3", true);
        check("TELEGRAM_ADMIN_IDS", "1,abc", false);
        check("TELEGRAM_ADMIN_IDS", "-5", false);
        check(
            "BLITZ_API_BASE",
            "https://panel.example.com:8443/abc/api/v1",
            true,
        );
        check("BLITZ_API_BASE", "panel.example.com", false);
        check("INVOICE_LIFETIME_SECS", "299", false);
        check("INVOICE_LIFETIME_SECS", "3600", true);
        check("LOG_JSON", "yes", true);
        check("LOG_JSON", "maybe", false);
        check("LOCALE_DEFAULT", "fa", true);
        check("LOCALE_DEFAULT", "ru", true);
        check("LOCALE_DEFAULT", "de", true);
        check("LOCALE_DEFAULT", "DE", false);
        check("LOCALE_DEFAULT", "en-US", false);
        check("LOCALE_DEFAULT", "english", false);
        check("LOCALE_DEFAULT", "e", false);
        check("HTTP_LISTEN", "0.0.0.0:80", true);
        check("HTTP_LISTEN", "localhost", false);
        check("CLIENT_DL_URL_ANDROID", "https://example.com/app.apk", true);
        check("CLIENT_DL_URL_ANDROID", "ftp://x", false);
        check("REFERRAL_MODE", "every", true);
        check("REFERRAL_MODE", "sometimes", false);
        check("REFERRAL_PERCENT", "101", false);
        check("REFERRAL_REWARD", "250", true);
        check("REFERRAL_REWARD", "-1", false);
        check("NO_SUCH_VAR", "1", false);
    }

    #[test]
    fn a_bad_token_is_not_echoed() {
        let err = check_var("TELEGRAM_BOT_TOKEN", "secret-but-wrong").unwrap_err();
        assert!(!err.contains("secret-but-wrong"), "{err}");
    }

    #[test]
    fn secrets_are_marked() {
        assert!(is_secret("BLITZ_API_KEY"));
        assert!(is_secret("TELEGRAM_BOT_TOKEN"));
        assert!(!is_secret("BLITZ_API_BASE"));
        assert!(is_known("CLIENT_DL_URL_IOS"));
        assert!(!is_known("CLIENT_DL_URL_"));
    }
}
