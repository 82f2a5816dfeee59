//! The blocking HTTP client: signing, sending, and mapping Heleket's envelope.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::{
    error::Error,
    php_json,
    sign::sign,
    wire::{CreateInvoice, Invoice, InvoicePage, InvoiceRef, TestWebhook},
};

/// A blocking client for one Heleket merchant.
///
/// Cheap to clone; clones share the connection pool. Every call signs the
/// exact bytes it sends. `Debug` never shows the API key.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    base_url: String,
    merchant_id: String,
    api_key: String,
}

/// The largest response body read; Heleket's answers are a few kilobytes.
const BODY_LIMIT: u64 = 4 * 1024 * 1024;

impl Client {
    /// A client for `base_url` (e.g. `https://api.heleket.com`) with a total
    /// per-call `timeout`.
    pub fn new(
        base_url: &str,
        merchant_id: &str,
        api_key: &str,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let base_url = base_url.trim_end_matches('/');
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::InvalidRequest(format!(
                "base url {base_url:?} must start with http:// or https://"
            )));
        }
        if merchant_id.is_empty() || !is_header_value(merchant_id) {
            return Err(Error::InvalidRequest(
                "merchant id must be non-empty printable ascii".to_owned(),
            ));
        }
        if api_key.is_empty() {
            return Err(Error::InvalidRequest("api key is empty".to_owned()));
        }
        if timeout.is_zero() {
            return Err(Error::InvalidRequest("timeout is zero".to_owned()));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
            .http_status_as_error(false)
            // A redirected POST would turn into a GET; Heleket never redirects.
            .max_redirects(0)
            .build();
        Ok(Self {
            agent: config.into(),
            base_url: base_url.to_owned(),
            merchant_id: merchant_id.to_owned(),
            api_key: api_key.to_owned(),
        })
    }

    /// Creates an invoice, or returns the existing one for the same `order_id`.
    pub fn create_invoice(&self, request: &CreateInvoice) -> Result<Invoice, Error> {
        request.validate()?;
        let (result, raw) = self.call("/v1/payment", None, &request.to_json())?;
        Invoice::from_json(result).map_err(|reason| Error::decode(&reason, &raw))
    }

    /// Fetches an invoice by uuid or by order id.
    pub fn invoice_info(&self, invoice: &InvoiceRef) -> Result<Invoice, Error> {
        let (result, raw) = self.call("/v1/payment/info", None, &invoice.to_json()?)?;
        Invoice::from_json(result).map_err(|reason| Error::decode(&reason, &raw))
    }

    /// Lists invoices, newest first; pass the previous page's `next_cursor` to go on.
    pub fn list_invoices(&self, cursor: Option<&str>) -> Result<InvoicePage, Error> {
        let body = Value::Object(serde_json::Map::new());
        let (result, raw) = self.call("/v1/payment/list", cursor, &body)?;
        InvoicePage::from_json(result).map_err(|reason| Error::decode(&reason, &raw))
    }

    /// Asks Heleket to send the invoice's last webhook again.
    pub fn resend_webhook(&self, invoice: &InvoiceRef) -> Result<(), Error> {
        self.call("/v1/payment/resend", None, &invoice.to_json()?)?;
        Ok(())
    }

    /// Asks Heleket to send a signed test webhook to `request.url_callback`.
    pub fn test_webhook(&self, request: &TestWebhook) -> Result<(), Error> {
        self.call("/v1/test-webhook/payment", None, &request.to_json()?)?;
        Ok(())
    }

    /// POSTs `body` to `path`, returning `result` and the raw response text.
    fn call(
        &self,
        path: &str,
        cursor: Option<&str>,
        body: &Value,
    ) -> Result<(Value, String), Error> {
        // Serialised once: the signature covers exactly these bytes.
        let bytes = php_json::encode(body).into_bytes();
        let signature = sign(&bytes, &self.api_key);
        let url = format!("{}{path}", self.base_url);
        let mut request = self
            .agent
            .post(&url)
            .header("merchant", &self.merchant_id)
            .header("sign", &signature)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
        if let Some(cursor) = cursor {
            request = request.query("cursor", cursor);
        }
        let mut response = request
            .send(&bytes[..])
            .map_err(|err| transport_error(path, err))?;
        let status = response.status().as_u16();
        let raw = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()
            .map_err(|err| transport_error(path, err))?;
        let result = interpret(status, &raw)?;
        Ok((result, raw))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("merchant_id", &self.merchant_id)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// Maps an HTTP status and body to `result` or a typed error.
fn interpret(status: u16, raw: &str) -> Result<Value, Error> {
    if status >= 500 || status == 429 {
        return Err(Error::transient(format!("http status {status}")));
    }
    if status == 401 || status == 403 {
        return Err(Error::Unauthorized);
    }
    let envelope: Value = match serde_json::from_str(raw) {
        Ok(it) => it,
        Err(_) => {
            return Err(Error::decode(
                &format!("http status {status}, body is not json"),
                raw,
            ));
        }
    };
    let state = envelope.get("state").and_then(Value::as_i64);
    if (200..300).contains(&status) && state == Some(0) {
        return Ok(envelope.get("result").cloned().unwrap_or(Value::Null));
    }
    if let Some(Value::Object(fields)) = envelope.get("errors") {
        let errors = fields
            .iter()
            .map(|(field, messages)| (field.clone(), messages_of(messages)))
            .collect::<BTreeMap<_, _>>();
        return Err(Error::Validation { errors });
    }
    if let Some(Value::String(message)) = envelope.get("message") {
        return Err(Error::Business {
            message: message.clone(),
        });
    }
    Err(Error::decode(
        &format!("http status {status}, unexpected envelope"),
        raw,
    ))
}

/// Validation messages: a list of strings, or a single string.
fn messages_of(value: &Value) -> Vec<String> {
    match value {
        Value::String(message) => vec![message.clone()],
        Value::Array(items) => items
            .iter()
            .map(|it| match it {
                Value::String(message) => message.clone(),
                other => other.to_string(),
            })
            .collect(),
        other => vec![other.to_string()],
    }
}

fn transport_error(path: &str, err: ureq::Error) -> Error {
    match err {
        ureq::Error::BadUri(uri) => Error::InvalidRequest(format!("bad url {uri:?}")),
        err => Error::Transient {
            reason: format!("calling {path}: {err}"),
            source: Some(Box::new(err)),
        },
    }
}

fn is_header_value(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: u16, raw: &str, expected: &str) {
        let actual = match interpret(status, raw) {
            Ok(result) => format!("ok {result}"),
            Err(Error::Validation { errors }) => format!("validation {errors:?}"),
            Err(Error::Business { message }) => format!("business {message}"),
            Err(Error::Unauthorized) => "unauthorized".to_owned(),
            Err(Error::Transient { reason, .. }) => format!("transient {reason}"),
            Err(Error::Decode { reason, raw }) => format!("decode {reason}: {raw}"),
            Err(other) => format!("other {other}"),
        };
        assert_eq!(actual, expected);
    }

    #[test]
    fn success() {
        check(
            200,
            r#"{"state":0,"result":{"uuid":"u"}}"#,
            r#"ok {"uuid":"u"}"#,
        );
        check(200, r#"{"state":0,"result":[]}"#, "ok []");
    }

    #[test]
    fn validation() {
        check(
            422,
            r#"{"state":1,"errors":{"amount":["The amount field is required."],"x":"one"}}"#,
            r#"validation {"amount": ["The amount field is required."], "x": ["one"]}"#,
        );
    }

    #[test]
    fn business() {
        check(
            404,
            r#"{"state":1,"message":"Payment not found"}"#,
            "business Payment not found",
        );
        check(200, r#"{"state":1,"message":"no"}"#, "business no");
    }

    #[test]
    fn unauthorized() {
        check(
            401,
            r#"{"state":1,"message":"Unauthorized"}"#,
            "unauthorized",
        );
        check(403, "forbidden", "unauthorized");
    }

    #[test]
    fn transient() {
        check(502, "<html>bad gateway</html>", "transient http status 502");
        check(429, "", "transient http status 429");
    }

    #[test]
    fn undecodable() {
        check(
            200,
            "<html>",
            "decode http status 200, body is not json: <html>",
        );
        check(200, r#"{"state":0}"#, "ok null");
        check(
            400,
            r#"{"what":1}"#,
            r#"decode http status 400, unexpected envelope: {"what":1}"#,
        );
    }

    #[test]
    fn debug_redacts_the_key() {
        let client = Client::new(
            "http://127.0.0.1:1/",
            "m-1",
            "very-secret-key",
            Duration::from_secs(1),
        );
        let text = format!("{client:?}");
        assert!(
            text.contains("<redacted>") && text.contains("m-1"),
            "{text}"
        );
        assert!(!text.contains("very-secret-key"), "{text}");
    }

    #[test]
    fn new_validates() {
        let bad = [
            Client::new("ftp://x", "m", "k", Duration::from_secs(1)),
            Client::new("http://x", "", "k", Duration::from_secs(1)),
            Client::new("http://x", "m\n", "k", Duration::from_secs(1)),
            Client::new("http://x", "m", "", Duration::from_secs(1)),
            Client::new("http://x", "m", "k", Duration::ZERO),
        ];
        for it in bad {
            assert!(matches!(it, Err(Error::InvalidRequest(_))), "{it:?}");
        }
    }
}
