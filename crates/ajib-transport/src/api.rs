//! The blocking Bot API client: frankenstein's ureq `Bot` with sane timeouts and a hidden token.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use frankenstein::TelegramApi as _;
use frankenstein::client_ureq::Bot;
use frankenstein::response::MethodResponse;
use serde_json::{Value, json};

use crate::error::Error;

/// Long-poll timeout asked of `getUpdates`, in seconds.
pub(crate) const POLL_TIMEOUT_SECS: u32 = 25;
/// Largest file `get_file_bytes` downloads (Telegram's bot limit is 20 MB).
const MAX_DOWNLOAD_BYTES: u64 = 25 << 20;

/// A Bot API client; cheap to clone. Every method blocks: call it from a thread or `spawn_blocking`.
#[derive(Clone)]
pub struct TelegramApi {
    inner: Arc<Inner>,
}

/// An invoice in Telegram Stars for [`TelegramApi::send_stars_invoice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarsInvoice<'a> {
    /// The private chat to send it to.
    pub chat_id: i64,
    /// Product name, 1–32 characters.
    pub title: &'a str,
    /// Product description, 1–255 characters.
    pub description: &'a str,
    /// The bot's own reference, 1–128 bytes; comes back in the pre-checkout and the payment.
    pub payload: &'a str,
    /// The price's label.
    pub label: &'a str,
    /// The price in Stars, 1..=10000.
    pub stars: u32,
}

/// The bot's own account, from `getMe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotInfo {
    /// The bot's user id.
    pub id: i64,
    /// The bot's `@username` without the `@`.
    pub username: Option<String>,
    /// The bot's display name.
    pub first_name: String,
}

struct Inner {
    api_base: String,
    token: String,
    /// For every call but `getUpdates`: short timeouts.
    bot: Bot,
    /// For `getUpdates`: a timeout above the long-poll timeout.
    poll_bot: Bot,
    download_agent: ureq::Agent,
}

impl TelegramApi {
    /// A client for `{api_base}/bot{token}/<method>`; `api_base` is e.g. `https://api.telegram.org`.
    pub fn new(api_base: &str, token: &str) -> Result<Self, Error> {
        let api_base = api_base.trim_end_matches('/');
        if !(api_base.starts_with("http://") || api_base.starts_with("https://")) {
            return Err(Error::InvalidApiBase(api_base.to_owned()));
        }
        let token_ok = !token.is_empty()
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'));
        if !token_ok {
            return Err(Error::InvalidToken);
        }
        let api_url = format!("{api_base}/bot{token}");
        let bot = Bot::builder()
            .api_url(api_url.clone())
            .request_agent(agent(Duration::from_secs(20)))
            .build();
        let poll_timeout = Duration::from_secs(u64::from(POLL_TIMEOUT_SECS) + 15);
        let poll_bot = Bot::builder()
            .api_url(api_url)
            .request_agent(agent(poll_timeout))
            .build();
        Ok(Self {
            inner: Arc::new(Inner {
                api_base: api_base.to_owned(),
                token: token.to_owned(),
                bot,
                poll_bot,
                download_agent: agent(Duration::from_secs(120)),
            }),
        })
    }

    /// The bot's id, as the token starts with it (`<id>:<secret>`).
    #[must_use]
    pub fn bot_id(&self) -> Option<i64> {
        self.inner.token.split_once(':')?.0.parse().ok()
    }

    /// A client of the same Bot API server for another bot's token (an agent's bot).
    pub fn for_token(&self, token: &str) -> Result<Self, Error> {
        Self::new(&self.inner.api_base, token)
    }

    /// The bot's own account; also a cheap check that the token works.
    pub fn get_me(&self) -> Result<BotInfo, Error> {
        let me = self.call("getMe", json!({}))?;
        let id = me["id"].as_i64().ok_or_else(|| Error::Decode {
            raw: me.to_string(),
        })?;
        Ok(BotInfo {
            id,
            username: me["username"].as_str().map(str::to_owned),
            first_name: me["first_name"].as_str().unwrap_or_default().to_owned(),
        })
    }

    /// Downloads a file a user sent (`getFile`, then `{base}/file/bot{token}/{file_path}`).
    pub fn get_file_bytes(&self, file_id: &str) -> Result<Vec<u8>, Error> {
        let file = self.call("getFile", json!({ "file_id": file_id }))?;
        let Some(path) = file["file_path"].as_str() else {
            return Err(Error::Decode {
                raw: file.to_string(),
            });
        };
        let url = format!(
            "{}/file/bot{}/{path}",
            self.inner.api_base, self.inner.token
        );
        let response = self
            .inner
            .download_agent
            .get(&url)
            .call()
            .map_err(|err| self.http_error(&err))?;
        let status = response.status().as_u16();
        let mut body = response.into_body();
        let bytes = body
            .with_config()
            .limit(MAX_DOWNLOAD_BYTES)
            .read_to_vec()
            .map_err(|err| self.http_error(&err))?;
        if status != 200 {
            return Err(Error::Api {
                code: status,
                description: String::from_utf8_lossy(&bytes).into_owned(),
                retry_after: None,
            });
        }
        Ok(bytes)
    }

    /// Switches Telegram to webhook delivery; every request will carry `secret` in its header.
    pub fn set_webhook(&self, url: &str, secret: &str) -> Result<(), Error> {
        let params = json!({
            "url": url,
            "secret_token": secret,
            "allowed_updates": crate::polling::ALLOWED_UPDATES,
        });
        self.call("setWebhook", params).map(drop)
    }

    /// Switches Telegram back to `getUpdates` delivery, keeping pending updates.
    pub fn delete_webhook(&self) -> Result<(), Error> {
        self.call("deleteWebhook", json!({})).map(drop)
    }

    /// Deletes a message, e.g. one in which a user sent a secret; a message
    /// already gone or too old to delete is an error Telegram describes.
    pub fn delete_message(&self, chat_id: i64, message_id: i32) -> Result<(), Error> {
        let params = json!({ "chat_id": chat_id, "message_id": message_id });
        self.call("deleteMessage", params).map(drop)
    }

    /// Sets the command menu: `(command without slash, description)` pairs.
    pub fn set_my_commands(&self, commands: &[(&str, &str)]) -> Result<(), Error> {
        let commands: Vec<Value> = commands
            .iter()
            .map(|(command, description)| json!({ "command": command, "description": description }))
            .collect();
        self.call("setMyCommands", json!({ "commands": commands }))
            .map(drop)
    }

    /// Sends an invoice in Telegram Stars (`sendInvoice`, currency `XTR`, no
    /// provider token, one price); returns the message id. Called directly,
    /// not through the `Outbox`: it answers the user's own tap, and the
    /// handler sends nothing else with it.
    pub fn send_stars_invoice(&self, invoice: &StarsInvoice<'_>) -> Result<i32, Error> {
        let params = json!({
            "chat_id": invoice.chat_id,
            "title": invoice.title,
            "description": invoice.description,
            "payload": invoice.payload,
            "provider_token": "",
            "currency": crate::update::STARS_CURRENCY,
            "prices": [{ "label": invoice.label, "amount": invoice.stars }],
        });
        let message = self.call("sendInvoice", params)?;
        message["message_id"]
            .as_i64()
            .and_then(|it| i32::try_from(it).ok())
            .ok_or_else(|| Error::Decode {
                raw: message.to_string(),
            })
    }

    /// Lets the payment of a `pre_checkout_query` go ahead (`answerPreCheckoutQuery`, ok).
    pub fn accept_pre_checkout(&self, query_id: &str) -> Result<(), Error> {
        let params = json!({ "pre_checkout_query_id": query_id, "ok": true });
        self.call("answerPreCheckoutQuery", params).map(drop)
    }

    /// Stops the payment of a `pre_checkout_query`, showing the user `reason`.
    pub fn refuse_pre_checkout(&self, query_id: &str, reason: &str) -> Result<(), Error> {
        let params = json!({
            "pre_checkout_query_id": query_id,
            "ok": false,
            "error_message": reason,
        });
        self.call("answerPreCheckoutQuery", params).map(drop)
    }

    /// Gives a Stars payment back to the user who made it (`refundStarPayment`).
    pub fn refund_star_payment(&self, user_id: i64, charge_id: &str) -> Result<(), Error> {
        let params = json!({
            "user_id": user_id,
            "telegram_payment_charge_id": charge_id,
        });
        self.call("refundStarPayment", params).map(drop)
    }

    /// One long-poll `getUpdates`, returning the raw update objects.
    pub(crate) fn get_updates_raw(
        &self,
        offset: i64,
        timeout_secs: u32,
    ) -> Result<Vec<Value>, Error> {
        let mut params = json!({
            "timeout": timeout_secs,
            "allowed_updates": crate::polling::ALLOWED_UPDATES,
        });
        if offset > 0 {
            params["offset"] = json!(offset);
        }
        let res = self.request(&self.inner.poll_bot, "getUpdates", params)?;
        match res {
            Value::Array(updates) => Ok(updates),
            other => Err(Error::Decode {
                raw: other.to_string(),
            }),
        }
    }

    /// Calls a method with JSON parameters; returns Telegram's `result`.
    pub(crate) fn call(&self, method: &str, params: Value) -> Result<Value, Error> {
        self.request(&self.inner.bot, method, params)
    }

    /// Calls a method with a file uploaded as multipart field `field`.
    pub(crate) fn call_with_file(
        &self,
        method: &str,
        params: Value,
        field: &str,
        path: PathBuf,
    ) -> Result<Value, Error> {
        let res: Result<MethodResponse<Value>, frankenstein::Error> = self
            .inner
            .bot
            .request_with_form_data(method, params, vec![(field, path)]);
        res.map(|it| it.result).map_err(|err| self.convert(err))
    }

    fn request(&self, bot: &Bot, method: &str, params: Value) -> Result<Value, Error> {
        let res: Result<MethodResponse<Value>, frankenstein::Error> =
            bot.request(method, Some(params));
        res.map(|it| it.result).map_err(|err| self.convert(err))
    }

    fn convert(&self, err: frankenstein::Error) -> Error {
        match err {
            frankenstein::Error::Api(response) => Error::Api {
                code: u16::try_from(response.error_code).unwrap_or(u16::MAX),
                description: self.scrub(&response.description),
                retry_after: response
                    .parameters
                    .and_then(|it| it.retry_after)
                    .map(u32::from),
            },
            frankenstein::Error::JsonDecode { input, .. } => Error::Decode {
                raw: self.scrub(&input),
            },
            frankenstein::Error::ReadFile(err) => Error::Io(err),
            other => Error::Http(self.scrub(&other.to_string())),
        }
    }

    fn http_error(&self, err: &ureq::Error) -> Error {
        Error::Http(self.scrub(&err.to_string()))
    }

    /// Removes the token from text that may contain a request URL.
    fn scrub(&self, text: &str) -> String {
        text.replace(&self.inner.token, "<token>")
    }
}

impl fmt::Debug for TelegramApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelegramApi")
            .field("api_base", &self.inner.api_base)
            .field("token", &"<redacted>")
            .finish()
    }
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .timeout_connect(Some(Duration::from_secs(10)))
        .max_idle_connections_per_host(16)
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_errors_hide_the_token() {
        let api = TelegramApi::new("http://127.0.0.1:1/", "42:SECRET").unwrap();
        let debug = format!("{api:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("http://127.0.0.1:1\""), "{debug}");
        let err = api.get_me().unwrap_err();
        assert!(matches!(err, Error::Http(_)), "{err:?}");
        assert!(!format!("{err} {err:?}").contains("SECRET"));
    }

    #[test]
    fn rejects_bad_base_and_token() {
        assert!(matches!(
            TelegramApi::new("ftp://x", "1:a"),
            Err(Error::InvalidApiBase(_))
        ));
        assert!(matches!(
            TelegramApi::new("https://api.telegram.org", "1:a/b"),
            Err(Error::InvalidToken)
        ));
        assert!(matches!(
            TelegramApi::new("https://api.telegram.org", ""),
            Err(Error::InvalidToken)
        ));
    }
}
