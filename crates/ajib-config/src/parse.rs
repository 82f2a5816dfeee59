//! Turning raw values into a typed [`Config`], collecting every problem.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf};

use crate::{
    error::{ConfigError, Problem},
    secret::Secret,
    vars::{self, Kind, VARS, check_kind, client_platform},
};

/// The whole validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory for the database and backups.
    pub data_dir: PathBuf,
    /// The SQLite database file.
    pub database_path: PathBuf,
    /// Address of the bot's HTTP server.
    pub http_listen: SocketAddr,
    /// Public https base of this bot, without a trailing slash.
    pub public_url: Option<String>,
    /// Log filter, e.g. `info`.
    pub log_level: String,
    /// Whether logs are JSON lines.
    pub log_json: bool,
    /// Language code for users with no usable language of their own (`en`, `fa`, `ru`, ...).
    pub locale_default: String,
    /// Directory with `.ftl` overrides.
    pub locales_dir: Option<PathBuf>,
    /// Support contact shown to users.
    pub support_contact: Option<String>,
    /// The channel customers must join before buying or taking a test account (`REQUIRED_CHANNEL`).
    pub required_channel: Option<crate::RequiredChannel>,
    /// Client download links as (platform, url), platform in the variable's case.
    pub client_downloads: Vec<(String, String)>,
    /// Owners' Telegram ids.
    pub admin_ids: Vec<i64>,
    /// Telegram settings, when a token is configured.
    pub telegram: Option<TelegramConfig>,
    /// Blitz panel settings, when configured.
    pub blitz: Option<BlitzConfig>,
    /// Heleket settings, when configured.
    pub heleket: Option<HeleketConfig>,
    /// Free test account rules.
    pub test_account: TestAccountConfig,
    /// Hours between automatic backups; 0 turns them off.
    pub backup_interval_hours: u32,
    /// Automatic backups kept.
    pub backup_keep: u32,
    /// Key that signs backups (`BACKUP_SIGNING_KEY`, hex); `None` makes unsigned backups.
    pub backup_signing_key: Option<Secret>,
    /// Updates one user may send per window.
    pub flood_max_updates: u32,
    /// Flood window in seconds.
    pub flood_window_secs: u32,
    /// Failed provisioning attempts before admins are alerted.
    pub provision_alert_after: u32,
    /// Days before expiry auto-renew renews from the balance (0: at expiry).
    pub auto_renew_days_before: u32,
    /// Referral reward rules.
    pub referral: ReferralConfig,
    /// Card-to-card payments, when `CARD_NUMBER` is set.
    pub card: Option<crate::CardConfig>,
    /// Telegram Stars payments.
    pub stars: StarsConfig,
}

/// Telegram Stars (`STARS_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StarsConfig {
    /// Whether customers are offered to pay in Stars (plans with a Stars price only).
    pub enabled: bool,
    /// Stars per 1.00 of the plan currency, for plans without a Stars price of their own; 0: none.
    pub per_unit: u32,
}

/// Referral reward rules (`REFERRAL_*`); amounts in the shop currency's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralConfig {
    /// A fixed reward to the referrer per qualifying purchase.
    pub reward_minor: u32,
    /// Extra days on the referrer's running service per qualifying purchase.
    pub reward_days: u32,
    /// A percentage of the qualifying purchase's price, added to the fixed reward.
    pub percent: u32,
    /// Every paid purchase of an invited user qualifies (`every`), or only the first (`first`).
    pub every_purchase: bool,
    /// Bonus to the invited user's balance with their first paid purchase.
    pub welcome_minor: u32,
    /// Most rewards one referrer is granted in 24 hours; 0: no cap.
    pub daily_cap: u32,
}

/// How Telegram updates arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMode {
    /// `getUpdates` long polling.
    Polling,
    /// Telegram POSTs to `PUBLIC_URL/webhooks/telegram`.
    Webhook,
}

/// Telegram connection settings.
#[derive(Debug, Clone)]
pub struct TelegramConfig {
    /// The bot token.
    pub token: Secret,
    /// Bot API base URL, without a trailing slash.
    pub api_base: String,
    /// Polling or webhook.
    pub mode: UpdateMode,
    /// Secret token for webhook calls, if set explicitly.
    pub webhook_secret: Option<Secret>,
}

/// Blitz panel connection settings.
#[derive(Debug, Clone)]
pub struct BlitzConfig {
    /// API base ending in `/api/v1`.
    pub api_base: String,
    /// Raw API token.
    pub api_key: Secret,
}

/// Heleket connection settings.
#[derive(Debug, Clone)]
pub struct HeleketConfig {
    /// API base URL.
    pub api_base: String,
    /// Merchant uuid.
    pub merchant_id: String,
    /// Payment API key.
    pub api_key: Secret,
    /// Key that signs webhooks (the API key unless overridden).
    pub webhook_key: Secret,
    /// Default network for invoices.
    pub network: Option<String>,
    /// Currency of plan prices.
    pub currency: String,
    /// Invoice lifetime in seconds.
    pub invoice_lifetime_secs: u32,
}

/// Free test account rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestAccountConfig {
    /// Whether test accounts are offered.
    pub enabled: bool,
    /// Days one lasts.
    pub days: u32,
    /// Traffic in GB.
    pub traffic_gb: u32,
    /// Refuse to users who already bought.
    pub refuse_after_purchase: bool,
}

/// The parts a production `run` needs, all present.
#[derive(Debug, Clone, Copy)]
pub struct Production<'a> {
    /// Telegram settings.
    pub telegram: &'a TelegramConfig,
    /// Blitz settings.
    pub blitz: &'a BlitzConfig,
    /// Heleket settings.
    pub heleket: &'a HeleketConfig,
}

impl Config {
    /// Checks that every service is configured, listing all that are missing.
    pub fn production(&self) -> Result<Production<'_>, ConfigError> {
        let mut problems = Vec::new();
        let mut need = |present: bool, var: &str, expected: &str| {
            if !present {
                problems.push(Problem {
                    var: var.to_owned(),
                    expected: expected.to_owned(),
                });
            }
        };
        need(
            self.telegram.is_some(),
            "TELEGRAM_BOT_TOKEN",
            "required to run the bot",
        );
        need(
            !self.admin_ids.is_empty(),
            "TELEGRAM_ADMIN_IDS",
            "at least one owner id to run the bot",
        );
        need(
            self.blitz.is_some(),
            "BLITZ_API_BASE",
            "required to run the bot (with BLITZ_API_KEY)",
        );
        need(
            self.heleket.is_some(),
            "HELEKET_MERCHANT_ID",
            "required to run the bot (with HELEKET_API_KEY)",
        );
        let webhook = self
            .telegram
            .as_ref()
            .is_some_and(|it| it.mode == UpdateMode::Webhook);
        need(
            !webhook || self.public_url.is_some(),
            "PUBLIC_URL",
            "required when TELEGRAM_UPDATE_MODE=webhook",
        );
        need(
            self.required_channel
                .as_ref()
                .is_none_or(|it| it.join_url.is_some()),
            "REQUIRED_CHANNEL_URL",
            "required when REQUIRED_CHANNEL is a numeric id (the channel's https://t.me/+... invite link)",
        );
        match (&self.telegram, &self.blitz, &self.heleket) {
            (Some(telegram), Some(blitz), Some(heleket)) if problems.is_empty() => Ok(Production {
                telegram,
                blitz,
                heleket,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

/// Builds a [`Config`] from raw values (upper-case names), reporting every problem.
pub fn from_values(values: &BTreeMap<String, String>) -> Result<Config, ConfigError> {
    let mut reader = Reader {
        values,
        problems: Vec::new(),
    };
    let config = reader.config();
    reader.problems.sort_by_key(|it| {
        VARS.iter()
            .position(|spec| spec.name == it.var)
            .unwrap_or(usize::MAX)
    });
    match config {
        Some(config) if reader.problems.is_empty() => Ok(config),
        _ => Err(ConfigError {
            problems: reader.problems,
        }),
    }
}

/// Reads variables one by one, remembering problems instead of stopping at the first.
struct Reader<'a> {
    values: &'a BTreeMap<String, String>,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn config(&mut self) -> Option<Config> {
        let data_dir = PathBuf::from(self.text_or_default("DATA_DIR"));
        let database_path = match self.text("DATABASE_URL") {
            Some(url) => PathBuf::from(url.strip_prefix("sqlite://").unwrap_or(&url)),
            None => data_dir.join("ajib.db"),
        };
        let http_listen = self.text_or_default("HTTP_LISTEN").parse().ok();
        let mut admin_ids = self.admin_ids("TELEGRAM_ADMIN_IDS");
        for id in self.admin_ids("TELEGRAM_ADMIN_ID") {
            if !admin_ids.contains(&id) {
                admin_ids.push(id);
            }
        }
        let config = Config {
            public_url: self
                .text("PUBLIC_URL")
                .map(|it| it.trim_end_matches('/').to_owned()),
            log_level: self.text_or_default("LOG_LEVEL").to_ascii_lowercase(),
            log_json: self.flag("LOG_JSON"),
            locale_default: self.text_or_default("LOCALE_DEFAULT"),
            locales_dir: self.text("LOCALES_DIR").map(PathBuf::from),
            support_contact: self.text("SUPPORT_CONTACT"),
            required_channel: self.required_channel(),
            client_downloads: self.client_downloads(),
            telegram: self.telegram(),
            blitz: self.blitz(),
            heleket: self.heleket(),
            test_account: TestAccountConfig {
                enabled: self.flag("TEST_ACCOUNT_ENABLED"),
                days: self.number("TEST_ACCOUNT_DAYS"),
                traffic_gb: self.number("TEST_ACCOUNT_TRAFFIC_GB"),
                refuse_after_purchase: self.flag("TEST_ACCOUNT_REFUSE_AFTER_PURCHASE"),
            },
            backup_interval_hours: self.number("BACKUP_INTERVAL_HOURS"),
            backup_keep: self.number("BACKUP_KEEP"),
            backup_signing_key: self.text("BACKUP_SIGNING_KEY").map(|it| Secret::new(&it)),
            flood_max_updates: self.number("FLOOD_MAX_UPDATES"),
            flood_window_secs: self.number("FLOOD_WINDOW_SECS"),
            provision_alert_after: self.number("PROVISION_ALERT_AFTER"),
            auto_renew_days_before: self.number("AUTO_RENEW_DAYS_BEFORE"),
            referral: ReferralConfig {
                reward_minor: self.number("REFERRAL_REWARD"),
                reward_days: self.number("REFERRAL_REWARD_DAYS"),
                percent: self.number("REFERRAL_PERCENT"),
                every_purchase: self.text_or_default("REFERRAL_MODE") == "every",
                welcome_minor: self.number("REFERRAL_WELCOME_BONUS"),
                daily_cap: self.number("REFERRAL_DAILY_CAP"),
            },
            card: self.card(),
            stars: StarsConfig {
                enabled: self.flag("STARS_ENABLED"),
                per_unit: self.number("STARS_PER_UNIT"),
            },
            data_dir,
            database_path,
            http_listen: http_listen?,
            admin_ids,
        };
        Some(config)
    }

    fn telegram(&mut self) -> Option<TelegramConfig> {
        let token = self.text("TELEGRAM_BOT_TOKEN")?;
        let mode = match self.text_or_default("TELEGRAM_UPDATE_MODE").as_str() {
            "webhook" => UpdateMode::Webhook,
            _ => UpdateMode::Polling,
        };
        Some(TelegramConfig {
            token: Secret::new(&token),
            api_base: self
                .text_or_default("TELEGRAM_API_BASE")
                .trim_end_matches('/')
                .to_owned(),
            mode,
            webhook_secret: self
                .text("TELEGRAM_WEBHOOK_SECRET")
                .map(|it| Secret::new(&it)),
        })
    }

    fn blitz(&mut self) -> Option<BlitzConfig> {
        let (api_base, api_key) = self.pair("BLITZ_API_BASE", "BLITZ_API_KEY")?;
        Some(BlitzConfig {
            api_base,
            api_key: Secret::new(&api_key),
        })
    }

    fn heleket(&mut self) -> Option<HeleketConfig> {
        let (merchant_id, api_key) = self.pair("HELEKET_MERCHANT_ID", "HELEKET_API_KEY")?;
        let webhook_key = self
            .text("HELEKET_WEBHOOK_SECRET")
            .unwrap_or_else(|| api_key.clone());
        Some(HeleketConfig {
            api_base: self
                .text_or_default("HELEKET_API_BASE")
                .trim_end_matches('/')
                .to_owned(),
            merchant_id,
            api_key: Secret::new(&api_key),
            webhook_key: Secret::new(&webhook_key),
            network: self.text("HELEKET_NETWORK"),
            currency: self.text_or_default("HELEKET_CURRENCY"),
            invoice_lifetime_secs: self.number("INVOICE_LIFETIME_SECS"),
        })
    }

    /// Card-to-card settings: off without `CARD_NUMBER`; with it, the holder,
    /// currency and rate are required. Every `CARD_*` value is checked either way.
    fn card(&mut self) -> Option<crate::CardConfig> {
        let number = self.text("CARD_NUMBER");
        let holder = self.text("CARD_HOLDER");
        let bank = self.text("CARD_BANK");
        let currency = self.text("CARD_CURRENCY");
        let rate = self.text("CARD_RATE").map(|_| self.number("CARD_RATE"));
        let approval_hours = self.number("CARD_APPROVAL_HOURS");
        let number = crate::CardNumber::parse(&number?).ok()?;
        let required = [
            ("CARD_HOLDER", holder.is_none()),
            ("CARD_CURRENCY", currency.is_none()),
            ("CARD_RATE", rate.is_none()),
        ];
        for (name, missing) in required {
            if missing {
                self.problem::<()>(name, "required when CARD_NUMBER is set".to_owned());
            }
        }
        Some(crate::CardConfig {
            number,
            holder: holder?,
            bank,
            currency: currency?,
            rate: rate?,
            approval_hours,
        })
    }

    /// Two variables that only make sense together; one without the other is a problem.
    fn pair(&mut self, first: &str, second: &str) -> Option<(String, String)> {
        match (self.text(first), self.text(second)) {
            (Some(a), Some(b)) => Some((a, b)),
            (None, None) => None,
            (Some(_), None) => self.problem(second, format!("required when {first} is set")),
            (None, Some(_)) => self.problem(first, format!("required when {second} is set")),
        }
    }

    fn client_downloads(&mut self) -> Vec<(String, String)> {
        let mut res = Vec::new();
        for (name, value) in self.values {
            let Some(platform) = client_platform(name) else {
                continue;
            };
            match check_kind(Kind::HttpUrl, value) {
                Ok(()) => res.push((platform.to_owned(), value.trim().to_owned())),
                Err(expected) => self.problems.push(Problem {
                    var: name.clone(),
                    expected,
                }),
            }
        }
        res
    }

    fn admin_ids(&mut self, name: &str) -> Vec<i64> {
        let Some(value) = self.text(name) else {
            return Vec::new();
        };
        vars::parse_admin_ids(&value).unwrap_or_default()
    }

    fn flag(&mut self, name: &str) -> bool {
        vars::parse_bool(&self.text_or_default(name)).unwrap_or(false)
    }

    fn number(&mut self, name: &str) -> u32 {
        let value = self.text_or_default(name);
        match vars::spec(name).map(|it| it.kind) {
            Some(Kind::Number { min, max }) => vars::parse_number(&value, min, max).unwrap_or(min),
            _ => 0,
        }
    }

    fn text_or_default(&mut self, name: &str) -> String {
        let default = vars::spec(name)
            .and_then(|it| it.default)
            .unwrap_or_default();
        self.text(name).unwrap_or_else(|| default.to_owned())
    }

    /// The trimmed value if set and non-empty; a value that fails its check is recorded.
    fn text(&mut self, name: &str) -> Option<String> {
        let value = self
            .values
            .get(name)
            .map(|it| it.trim())
            .filter(|it| !it.is_empty())?;
        if let Some(spec) = vars::spec(name)
            && let Err(expected) = check_kind(spec.kind, value)
            && !self.problems.iter().any(|it| it.var == name)
        {
            self.problems.push(Problem {
                var: name.to_owned(),
                expected,
            });
        }
        Some(value.to_owned())
    }

    fn required_channel(&mut self) -> Option<crate::RequiredChannel> {
        let chat = self.text("REQUIRED_CHANNEL");
        let join_url = self.text("REQUIRED_CHANNEL_URL");
        crate::channel::required_channel(chat, join_url)
    }

    fn problem<T>(&mut self, var: &str, expected: String) -> Option<T> {
        self.problems.push(Problem {
            var: var.to_owned(),
            expected,
        });
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn check_problems(pairs: &[(&str, &str)], expected_vars: &[&str]) {
        let err = from_values(&values(pairs)).unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(|it| it.var.as_str()).collect();
        assert_eq!(vars, expected_vars, "{err}");
    }

    const FULL: &[(&str, &str)] = &[
        ("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        ("TELEGRAM_ADMIN_IDS", "11,22"),
        ("TELEGRAM_ADMIN_ID", "33"),
        ("BLITZ_API_BASE", "https://panel.example.com/x/api/v1/"),
        ("BLITZ_API_KEY", "blitz-key"),
        ("HELEKET_MERCHANT_ID", "merchant-uuid"),
        ("HELEKET_API_KEY", "heleket-key"),
        ("PUBLIC_URL", "https://bot.example.com/"),
        ("CLIENT_DL_URL_ANDROID", "https://example.com/app.apk"),
        ("DATABASE_URL", "sqlite:///tmp/x.db"),
    ];

    #[test]
    fn defaults_fill_an_empty_config() {
        let config = from_values(&BTreeMap::new()).unwrap();
        assert_eq!(config.data_dir, PathBuf::from("/var/lib/ajib"));
        assert_eq!(config.database_path, PathBuf::from("/var/lib/ajib/ajib.db"));
        assert_eq!(config.http_listen.to_string(), "127.0.0.1:8080");
        assert_eq!(
            config.test_account,
            TestAccountConfig {
                enabled: true,
                days: 1,
                traffic_gb: 1,
                refuse_after_purchase: true
            }
        );
        assert!(config.telegram.is_none() && config.blitz.is_none() && config.heleket.is_none());
        assert!(config.production().is_err());
    }

    #[test]
    fn a_full_config_is_production_ready() {
        let config = from_values(&values(FULL)).unwrap();
        assert_eq!(config.admin_ids, vec![11, 22, 33]);
        assert_eq!(config.database_path, PathBuf::from("/tmp/x.db"));
        assert_eq!(
            config.public_url.as_deref(),
            Some("https://bot.example.com")
        );
        assert_eq!(
            config.client_downloads,
            vec![(
                "ANDROID".to_owned(),
                "https://example.com/app.apk".to_owned()
            )]
        );
        let production = config.production().unwrap();
        assert_eq!(production.heleket.webhook_key.expose(), "heleket-key");
        assert_eq!(production.heleket.invoice_lifetime_secs, 3600);
        assert_eq!(production.telegram.api_base, "https://api.telegram.org");
    }

    #[test]
    fn every_bad_variable_is_listed_at_once() {
        check_problems(
            &[
                ("TELEGRAM_ADMIN_IDS", "x"),
                ("LOG_JSON", "perhaps"),
                ("BLITZ_API_BASE", "https://p/api/v1"),
                ("HTTP_LISTEN", "nope"),
            ],
            &[
                "TELEGRAM_ADMIN_IDS",
                "BLITZ_API_KEY",
                "HTTP_LISTEN",
                "LOG_JSON",
            ],
        );
    }

    #[test]
    fn referral_rules_are_read_and_checked() {
        let config = from_values(&BTreeMap::new()).unwrap();
        assert_eq!(
            config.referral,
            ReferralConfig {
                reward_minor: 0,
                reward_days: 0,
                percent: 0,
                every_purchase: false,
                welcome_minor: 0,
                daily_cap: 10
            }
        );
        let config = from_values(&values(&[
            ("REFERRAL_REWARD", "150"),
            ("REFERRAL_REWARD_DAYS", "7"),
            ("REFERRAL_PERCENT", "10"),
            ("REFERRAL_MODE", "every"),
            ("REFERRAL_WELCOME_BONUS", "50"),
            ("REFERRAL_DAILY_CAP", "0"),
        ]))
        .unwrap();
        assert_eq!(
            config.referral,
            ReferralConfig {
                reward_minor: 150,
                reward_days: 7,
                percent: 10,
                every_purchase: true,
                welcome_minor: 50,
                daily_cap: 0
            }
        );
        check_problems(
            &[
                ("REFERRAL_MODE", "always"),
                ("REFERRAL_PERCENT", "150"),
                ("REFERRAL_REWARD_DAYS", "400"),
            ],
            &["REFERRAL_REWARD_DAYS", "REFERRAL_PERCENT", "REFERRAL_MODE"],
        );
    }

    #[test]
    fn a_half_configured_service_is_an_error() {
        check_problems(&[("HELEKET_API_KEY", "k")], &["HELEKET_MERCHANT_ID"]);
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let config = from_values(&values(FULL)).unwrap();
        let debug = format!("{config:?}");
        for secret in ["blitz-key", "heleket-key", "ABCDEFGHIJKLMNOP"] {
            assert!(!debug.contains(secret), "{secret} leaked");
        }
    }

    #[test]
    fn production_lists_every_missing_service() {
        let config = from_values(&values(&[("TELEGRAM_UPDATE_MODE", "webhook")])).unwrap();
        let err = config.production().unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(|it| it.var.as_str()).collect();
        assert_eq!(
            vars,
            [
                "TELEGRAM_BOT_TOKEN",
                "TELEGRAM_ADMIN_IDS",
                "BLITZ_API_BASE",
                "HELEKET_MERCHANT_ID"
            ]
        );
    }

    #[test]
    fn a_required_channel_given_by_id_needs_its_link() {
        let mut pairs = FULL.to_vec();
        pairs.push(("REQUIRED_CHANNEL", "-1001234567890"));
        let config = from_values(&values(&pairs)).unwrap();
        let err = config.production().unwrap_err();
        let vars: Vec<&str> = err.problems.iter().map(|it| it.var.as_str()).collect();
        assert_eq!(vars, ["REQUIRED_CHANNEL_URL"]);
        pairs.push(("REQUIRED_CHANNEL_URL", "https://t.me/+AbC"));
        let config = from_values(&values(&pairs)).unwrap();
        assert!(config.production().is_ok());
        assert_eq!(
            config.required_channel,
            Some(crate::RequiredChannel {
                chat: "-1001234567890".to_owned(),
                join_url: Some("https://t.me/+AbC".to_owned()),
            })
        );
        check_problems(&[("REQUIRED_CHANNEL", "ajib_news")], &["REQUIRED_CHANNEL"]);
        check_problems(
            &[
                ("REQUIRED_CHANNEL", "@ajib_news"),
                ("REQUIRED_CHANNEL_URL", "https://x.y/z"),
            ],
            &["REQUIRED_CHANNEL_URL"],
        );
    }
}
