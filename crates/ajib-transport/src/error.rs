//! Errors of the Telegram client and of the outbound queue.

/// A failed Bot API call or a bad argument; the bot token never appears in it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API base URL is not an `http(s)://` URL.
    #[error("invalid telegram api base {0:?}: expected an http(s) url")]
    InvalidApiBase(String),
    /// The bot token is empty or contains characters that cannot be in a URL path.
    #[error("invalid telegram bot token")]
    InvalidToken,
    /// Callback data outside Telegram's 1..=64 bytes.
    #[error("callback data must be 1..=64 bytes, got {len}")]
    CallbackDataLength {
        /// Length in bytes of the rejected data.
        len: usize,
    },
    /// Telegram answered with an error.
    #[error("telegram answered {code}: {description}")]
    Api {
        /// HTTP-like error code (400, 403, 429, 5xx).
        code: u16,
        /// Telegram's description, e.g. `Forbidden: bot was blocked by the user`.
        description: String,
        /// Seconds to wait before retrying, on 429.
        retry_after: Option<u32>,
    },
    /// The request did not get an answer (connection, timeout).
    #[error("telegram request failed: {0}")]
    Http(String),
    /// Telegram's answer was not the JSON we expected.
    #[error("cannot decode telegram answer: {raw}")]
    Decode {
        /// The body as received.
        raw: String,
    },
    /// A temporary upload file could not be written.
    #[error("cannot write upload file")]
    Io(#[source] std::io::Error),
    /// The blocking worker running the call panicked or was cancelled.
    #[error("telegram call was cancelled")]
    Cancelled,
}

/// Why [`crate::Outbox::send`] did not deliver a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The user blocked the bot or deleted their account (403).
    #[error("the user blocked the bot or is deactivated")]
    Blocked,
    /// The chat does not exist or never talked to the bot (400).
    #[error("chat not found")]
    ChatNotFound,
    /// Telegram rejected the message itself (400); retrying will not help.
    #[error("telegram rejected the message: {0}")]
    BadRequest(String),
    /// Gave up after the configured retries on 5xx or connection errors.
    #[error("gave up sending: {0}")]
    Failed(String),
    /// The outbox stopped before the message was sent.
    #[error("the outbox is shutting down")]
    ShuttingDown,
}
