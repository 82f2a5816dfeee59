//! The error type of the Heleket client.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt;

/// What went wrong talking to Heleket.
///
/// Only [`Error::Transient`] is worth retrying as is; see [`Error::is_retryable`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Heleket rejected the request body (HTTP 422); field name → messages.
    #[error("heleket rejected the request: {}", FieldErrors(errors))]
    Validation {
        /// Messages per request field, as Heleket sent them.
        errors: BTreeMap<String, Vec<String>>,
    },
    /// Heleket refused the request with a message (`{"state":1,"message":..}`).
    #[error("heleket refused the request: {message}")]
    Business {
        /// The message Heleket sent.
        message: String,
    },
    /// Heleket did not accept the merchant id or the request signature.
    #[error("heleket rejected the merchant id or the api key")]
    Unauthorized,
    /// A timeout, a connection failure or a server-side (5xx, 429) failure.
    #[error("heleket is unreachable or failing: {reason}")]
    Transient {
        /// A short description of the failure.
        reason: String,
        /// The underlying transport error, if any.
        #[source]
        source: Option<Box<dyn StdError + Send + Sync>>,
    },
    /// Heleket answered with something this client cannot decode.
    #[error("heleket sent an undecodable response: {reason}")]
    Decode {
        /// What did not fit.
        reason: String,
        /// The raw response body, truncated to a few kilobytes.
        raw: String,
    },
    /// The request was refused locally, before anything was sent.
    #[error("invalid heleket request: {0}")]
    InvalidRequest(String),
}

impl Error {
    /// Whether sending the same request again later may succeed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Transient { .. })
    }

    pub(crate) fn transient(reason: String) -> Self {
        Self::Transient {
            reason,
            source: None,
        }
    }

    pub(crate) fn decode(reason: &str, raw: &str) -> Self {
        Self::Decode {
            reason: reason.to_owned(),
            raw: truncate(raw, RAW_LIMIT).to_owned(),
        }
    }
}

/// How much of an undecodable body [`Error::Decode`] keeps.
const RAW_LIMIT: usize = 2048;

/// The longest prefix of `text` at most `limit` bytes long, cut on a char boundary.
pub(crate) fn truncate(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Displays validation errors as `field: message; field: message`.
struct FieldErrors<'a>(&'a BTreeMap<String, Vec<String>>);

impl fmt::Display for FieldErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (field, messages) in self.0 {
            for message in messages {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{field}: {message}")?;
            }
        }
        if first {
            f.write_str("no details")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_truncate(text: &str, limit: usize, expected: &str) {
        assert_eq!(truncate(text, limit), expected);
    }

    #[test]
    fn truncate_keeps_short_text() {
        check_truncate("abc", 5, "abc");
    }

    #[test]
    fn truncate_cuts_on_char_boundary() {
        check_truncate("аб", 3, "а");
    }

    #[test]
    fn validation_display_lists_fields() {
        let mut errors = BTreeMap::new();
        errors.insert("amount".to_owned(), vec!["is required".to_owned()]);
        errors.insert(
            "order_id".to_owned(),
            vec!["too long".to_owned(), "bad".to_owned()],
        );
        let error = Error::Validation { errors };
        assert_eq!(
            error.to_string(),
            "heleket rejected the request: amount: is required; order_id: too long; order_id: bad"
        );
        assert!(!error.is_retryable());
        assert!(Error::transient("timeout".to_owned()).is_retryable());
    }
}
