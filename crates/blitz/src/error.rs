//! The crate's one error type and how panel answers map onto it.

use std::fmt;

/// Everything that can go wrong talking to the panel.
///
/// The variants say what happened, not which HTTP status carried it: the
/// panel reports a missing user as 500 on `GET /users/{name}`, as 400 on
/// `PATCH`/`DELETE`/reset and as 404 on `/uri`, and all of those are
/// [`Error::NotFound`].
/// A 400 on `PATCH`/`DELETE`/reset is read by its `detail`: "not found" is
/// [`Error::NotFound`], a failure to kick or disconnect the user is
/// [`Error::Transient`], anything else is [`Error::Panel`].
/// Use [`Error::is_retryable`] to decide whether to try again later.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The base URL given to [`Client::new`](crate::Client::new) is not an
    /// `http://` or `https://` URL.
    #[error("invalid base url {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given (shortened if long).
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The API token cannot be sent as a header value.
    #[error("invalid api token: {reason}")]
    InvalidToken {
        /// What is wrong with it (the token itself is never included).
        reason: &'static str,
    },
    /// The username does not match `^[a-zA-Z0-9_]+$` or is too long; no
    /// request was sent.
    #[error("invalid username {username:?}: {reason}")]
    InvalidUsername {
        /// The username as given (shortened if long).
        username: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The panel rejected the API token (401 or 403).
    #[error("unauthorized: {detail}")]
    Unauthorized {
        /// The panel's `detail`, e.g. `Invalid API token.`.
        detail: String,
    },
    /// The user does not exist.
    #[error("not found: {detail}")]
    NotFound {
        /// The panel's `detail`.
        detail: String,
    },
    /// A user with that name already exists.
    #[error("conflict: {detail}")]
    Conflict {
        /// The panel's `detail`.
        detail: String,
    },
    /// The panel (FastAPI) rejected the request body with a 422.
    #[error("validation failed: {}", FieldList(fields))]
    Validation {
        /// `(field, message)` pairs; the field is FastAPI's `loc` joined with
        /// `.`, without the leading `body`, e.g. `("traffic_limit", "Input
        /// should be greater than or equal to 0")`.
        fields: Vec<(String, String)>,
    },
    /// A failure that should go away by itself: connection refused or
    /// reset, timeout, a 5xx answer, or the panel failing to disconnect the
    /// user before a `PATCH`/`DELETE` (it then changed nothing).
    #[error("transient failure: {reason}")]
    Transient {
        /// What happened.
        reason: String,
        /// The underlying transport error, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// Any other error answer from the panel (4xx, or an unexpected redirect).
    #[error("panel answered {status}: {detail}")]
    Panel {
        /// The HTTP status.
        status: u16,
        /// The panel's `detail`, or the raw body (shortened) if it had none.
        detail: String,
    },
    /// A success answer whose body is not what the API promises.
    #[error("cannot decode panel answer: {reason}")]
    Decode {
        /// The body as received, cut to 2 KiB.
        raw: String,
        /// Why decoding failed.
        reason: String,
    },
}

impl Error {
    /// Whether the same call may succeed if tried again later.
    ///
    /// Only [`Error::Transient`] is; everything else needs a change of input,
    /// configuration or panel state first.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Transient { .. })
    }

    pub(crate) fn transport(err: ureq::Error) -> Self {
        let reason = match &err {
            ureq::Error::Timeout(_) => format!("timed out: {err}"),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused".to_owned()
            }
            _ => format!("request failed: {err}"),
        };
        Self::Transient {
            reason,
            source: Some(Box::new(err)),
        }
    }

    pub(crate) fn decode(raw: &str, reason: impl fmt::Display) -> Self {
        Self::Decode {
            raw: truncate(raw, MAX_RAW),
            reason: reason.to_string(),
        }
    }
}

/// Longest raw body kept in an error.
const MAX_RAW: usize = 2048;

/// Which call an answer belongs to; a few panel quirks depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    ListUsers,
    CreateUser,
    GetUser,
    EditUser,
    DeleteUser,
    ResetUser,
    UserLinks,
    BulkLinks,
    ServerStatus,
    ServicesStatus,
    Version,
}

/// The `detail` of an error body, parsed as far as it goes.
#[derive(Debug, PartialEq)]
pub(crate) enum Detail {
    /// `{"detail": "text"}`.
    Text(String),
    /// FastAPI's `{"detail": [{"loc": [...], "msg": "..."}, ...]}`.
    Fields(Vec<(String, String)>),
    /// Anything else: the raw body, shortened.
    Raw(String),
}

impl Detail {
    pub(crate) fn parse(body: &str) -> Self {
        let value: serde_json::Value = match serde_json::from_str(body) {
            Ok(value) => value,
            Err(_) => return Self::Raw(truncate(body.trim(), 300)),
        };
        match value.get("detail") {
            Some(serde_json::Value::String(text)) => Self::Text(text.clone()),
            Some(serde_json::Value::Array(items)) => {
                Self::Fields(items.iter().map(validation_field).collect())
            }
            _ => Self::Raw(truncate(body.trim(), 300)),
        }
    }

    fn text(&self) -> String {
        match self {
            Self::Text(text) | Self::Raw(text) => text.clone(),
            Self::Fields(fields) => FieldList(fields).to_string(),
        }
    }
}

/// Maps a non-2xx answer to an [`Error`].
///
/// The list endpoint's "No users found" is not an error and is handled by
/// the caller before this.
pub(crate) fn from_status(
    endpoint: Endpoint,
    status: u16,
    body: &str,
    location: Option<&str>,
) -> Error {
    let detail = Detail::parse(body);
    let text = detail.text();
    let lower = text.to_ascii_lowercase();
    let mutates_user = matches!(
        endpoint,
        Endpoint::EditUser | Endpoint::DeleteUser | Endpoint::ResetUser
    );
    match status {
        300..=399 => Error::Panel {
            status,
            detail: format!("unexpected redirect to {}", location.unwrap_or("nowhere")),
        },
        401 | 403 => Error::Unauthorized { detail: text },
        404 => Error::NotFound { detail: text },
        409 => Error::Conflict { detail: text },
        422 => match detail {
            Detail::Fields(fields) => Error::Validation { fields },
            _ => Error::Panel {
                status,
                detail: text,
            },
        },
        408 | 429 => Error::Transient {
            reason: format!("panel answered {status}: {text}"),
            source: None,
        },
        400 if mutates_user && lower.contains("not found") => Error::NotFound { detail: text },
        // The panel disconnects the user before editing or removing it; when
        // that fails it answers 400 and changes nothing.
        400 if mutates_user && (lower.contains("kick") || lower.contains("disconnect")) => {
            Error::Transient {
                reason: format!("panel could not disconnect the user: {text}"),
                source: None,
            }
        }
        400 if endpoint == Endpoint::CreateUser && lower.contains("already exists") => {
            Error::Conflict { detail: text }
        }
        // A missing user on `GET /users/{name}` comes back as a 500.
        500..=599 if endpoint == Endpoint::GetUser && lower.contains("not found") => {
            Error::NotFound { detail: text }
        }
        500..=599 => Error::Transient {
            reason: format!("panel answered {status}: {text}"),
            source: None,
        },
        _ => Error::Panel {
            status,
            detail: text,
        },
    }
}

/// Whether a 400 on the list endpoint is the panel's way of saying "empty".
pub(crate) fn is_empty_list(status: u16, body: &str) -> bool {
    status == 400
        && match Detail::parse(body) {
            Detail::Text(text) | Detail::Raw(text) => {
                text.to_ascii_lowercase().contains("no users found")
            }
            Detail::Fields(_) => false,
        }
}

/// Cuts `text` to at most `max` bytes on a character boundary, marking the cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn validation_field(item: &serde_json::Value) -> (String, String) {
    let loc = item
        .get("loc")
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let parts: Vec<String> = loc
        .iter()
        .enumerate()
        .filter(|(idx, part)| !(*idx == 0 && part.as_str() == Some("body")))
        .map(|(_, part)| match part {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .collect();
    let field = if parts.is_empty() {
        "body".to_owned()
    } else {
        parts.join(".")
    };
    let msg = item
        .get("msg")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("invalid")
        .to_owned();
    (field, msg)
}

struct FieldList<'a>(&'a [(String, String)]);

impl fmt::Display for FieldList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no details");
        }
        for (idx, (field, msg)) in self.0.iter().enumerate() {
            if idx > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{field}: {msg}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::error::{Detail, Endpoint, Error, from_status, is_empty_list, truncate};

    fn check(endpoint: Endpoint, status: u16, body: &str, expected: &str) {
        let err = from_status(endpoint, status, body, Some("https://x/users/"));
        let kind = match &err {
            Error::Unauthorized { .. } => "Unauthorized",
            Error::NotFound { .. } => "NotFound",
            Error::Conflict { .. } => "Conflict",
            Error::Validation { .. } => "Validation",
            Error::Transient { .. } => "Transient",
            Error::Panel { .. } => "Panel",
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(kind, expected, "{endpoint:?} {status} {body}: {err}");
    }

    #[test]
    fn status_mapping() {
        let wrong = r#"{"status":401,"detail":"Invalid API token."}"#;
        check(Endpoint::ListUsers, 401, wrong, "Unauthorized");
        check(Endpoint::Version, 403, "forbidden", "Unauthorized");
        let missing_get = r#"{"status":500,"detail":"Error: 404: User tg_1 not found."}"#;
        check(Endpoint::GetUser, 500, missing_get, "NotFound");
        check(Endpoint::ListUsers, 500, missing_get, "Transient");
        let missing_edit = r#"{"status":400,"detail":"Error: User tg_1 not found."}"#;
        check(Endpoint::EditUser, 400, missing_edit, "NotFound");
        check(Endpoint::DeleteUser, 400, missing_edit, "NotFound");
        check(Endpoint::ResetUser, 400, missing_edit, "NotFound");
        check(Endpoint::BulkLinks, 400, missing_edit, "Panel");
        let kick = r#"{"status":400,"detail":"Error: failed to kick user tg_1"}"#;
        check(Endpoint::EditUser, 400, kick, "Transient");
        check(Endpoint::DeleteUser, 400, kick, "Transient");
        check(Endpoint::CreateUser, 400, kick, "Panel");
        check(
            Endpoint::UserLinks,
            404,
            r#"{"detail":"User not found or password not set"}"#,
            "NotFound",
        );
        check(
            Endpoint::CreateUser,
            409,
            r#"{"detail":"exists"}"#,
            "Conflict",
        );
        check(
            Endpoint::CreateUser,
            400,
            r#"{"detail":"User x already exists."}"#,
            "Conflict",
        );
        check(Endpoint::CreateUser, 422, r#"{"detail":[]}"#, "Validation");
        check(Endpoint::CreateUser, 422, "not json", "Panel");
        check(
            Endpoint::ServerStatus,
            502,
            "<html>Bad Gateway</html>",
            "Transient",
        );
        check(Endpoint::ServerStatus, 429, "", "Transient");
        check(Endpoint::ServerStatus, 418, "", "Panel");
        check(Endpoint::ListUsers, 307, "", "Panel");
    }

    #[test]
    fn redirect_names_its_target() {
        let err = from_status(Endpoint::ListUsers, 307, "", Some("https://x/users/"));
        assert_eq!(
            err.to_string(),
            "panel answered 307: unexpected redirect to https://x/users/"
        );
    }

    #[test]
    fn validation_fields_are_flattened() {
        let body = r#"{"detail":[
            {"type":"greater_than_equal","loc":["body","traffic_limit"],"msg":"Input should be greater than or equal to 0","input":-1},
            {"type":"json_invalid","loc":["body",12],"msg":"JSON decode error"},
            {"type":"missing","loc":["body"],"msg":"Field required"},
            {"type":"weird"}
        ]}"#;
        let Error::Validation { fields } = from_status(Endpoint::CreateUser, 422, body, None)
        else {
            panic!("not a validation error");
        };
        let expected = [
            (
                "traffic_limit",
                "Input should be greater than or equal to 0",
            ),
            ("12", "JSON decode error"),
            ("body", "Field required"),
            ("body", "invalid"),
        ];
        let got: Vec<(&str, &str)> = fields
            .iter()
            .map(|(f, m)| (f.as_str(), m.as_str()))
            .collect();
        assert_eq!(got, expected);
        let err = Error::Validation { fields };
        assert!(
            err.to_string()
                .starts_with("validation failed: traffic_limit: Input should")
        );
    }

    #[test]
    fn details() {
        assert_eq!(
            Detail::parse(r#"{"status":400,"detail":"x"}"#),
            Detail::Text("x".to_owned())
        );
        assert_eq!(Detail::parse(" oops \n"), Detail::Raw("oops".to_owned()));
        assert_eq!(
            Detail::parse(r#"{"detail":5}"#),
            Detail::Raw(r#"{"detail":5}"#.to_owned())
        );
    }

    #[test]
    fn empty_list_detection() {
        assert!(is_empty_list(
            400,
            r#"{"status":400,"detail":"Error: 404: No users found."}"#
        ));
        assert!(!is_empty_list(
            400,
            r#"{"status":400,"detail":"Error: disk full"}"#
        ));
        assert!(!is_empty_list(
            500,
            r#"{"status":500,"detail":"No users found"}"#
        ));
    }

    #[test]
    fn retryable_is_only_transient() {
        let transient = Error::Transient {
            reason: "x".to_owned(),
            source: None,
        };
        assert!(transient.is_retryable());
        assert!(
            !Error::NotFound {
                detail: String::new()
            }
            .is_retryable()
        );
        assert!(
            !Error::Conflict {
                detail: String::new()
            }
            .is_retryable()
        );
        assert!(
            !Error::Panel {
                status: 400,
                detail: String::new()
            }
            .is_retryable()
        );
        assert!(!Error::decode("x", "y").is_retryable());
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc…");
        assert_eq!(truncate("aé", 2), "a…");
        let long = "x".repeat(5000);
        let Error::Decode { raw, .. } = Error::decode(&long, "bad") else {
            unreachable!()
        };
        assert_eq!(raw.len(), 2048 + '…'.len_utf8());
    }
}
