//! Request and response types of the Heleket API, and their JSON shapes.

use serde_json::{Map, Value};

use crate::{error::Error, status::PaymentStatus};

/// The body of `POST /v1/payment`: a new invoice.
///
/// Checked locally before sending; see [`crate::Client::create_invoice`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateInvoice {
    /// Amount as a decimal string, e.g. `"5.00"`.
    pub amount: String,
    /// Currency code of `amount`, e.g. `"USD"`.
    pub currency: String,
    /// The merchant's id for this payment, `[A-Za-z0-9_-]{1,128}`; the idempotency key.
    pub order_id: String,
    /// Where Heleket POSTs webhooks for this invoice.
    pub url_callback: Option<String>,
    /// Where the payment page's "back" button leads.
    pub url_return: Option<String>,
    /// Where the payer lands after a successful payment.
    pub url_success: Option<String>,
    /// Seconds the invoice stays payable, 300..=43200 (Heleket's default is 3600).
    pub lifetime: Option<u32>,
    /// Crypto currency the payer must pay in, e.g. `"USDT"`.
    pub to_currency: Option<String>,
    /// Blockchain network, e.g. `"tron"`.
    pub network: Option<String>,
    /// Free text echoed back in webhooks, at most 255 characters.
    pub additional_data: Option<String>,
    /// Whether the payer may pay in several transactions.
    pub is_payment_multiple: Option<bool>,
}

/// Which invoice a call is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceRef {
    /// Heleket's invoice uuid.
    Uuid(String),
    /// The merchant's `order_id`.
    OrderId(String),
}

/// The body of `POST /v1/test-webhook/payment`: ask Heleket to send a test webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestWebhook {
    /// Where to send the test webhook.
    pub url_callback: String,
    /// Currency code of the fake payment, e.g. `"USDT"`.
    pub currency: String,
    /// Network of the fake payment, e.g. `"tron"`.
    pub network: String,
    /// Status the test webhook reports.
    pub status: PaymentStatus,
    /// Uuid of an existing invoice to take the data from.
    pub uuid: Option<String>,
    /// Order id of an existing invoice to take the data from.
    pub order_id: Option<String>,
}

/// An invoice as Heleket reports it; decoded leniently.
///
/// Fields Heleket may leave out or set to `null` are `Option`s; numbers sent
/// where strings are expected are kept as their decimal text. Every field,
/// known or not, is also in [`Invoice::raw`].
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    /// Heleket's invoice id.
    pub uuid: String,
    /// The merchant's order id.
    pub order_id: Option<String>,
    /// Amount asked, in `currency`.
    pub amount: Option<String>,
    /// Amount the payer must send, in `payer_currency`.
    pub payer_amount: Option<String>,
    /// Amount actually paid so far.
    pub payment_amount: Option<String>,
    /// Currency of `amount`.
    pub currency: Option<String>,
    /// Currency the payer pays in.
    pub payer_currency: Option<String>,
    /// Exchange rate from `currency` to `payer_currency`.
    pub payer_amount_exchange_rate: Option<String>,
    /// Blockchain network.
    pub network: Option<String>,
    /// Address to pay to.
    pub address: Option<String>,
    /// Transaction hash, once paid.
    pub txid: Option<String>,
    /// The payment page to show the payer.
    pub url: Option<String>,
    /// When the invoice expires, in unix seconds.
    pub expired_at: Option<i64>,
    /// The payment status (`status`, or `payment_status` when `status` is absent).
    pub status: PaymentStatus,
    /// Whether Heleket considers the invoice final.
    pub is_final: Option<bool>,
    /// The `additional_data` given at creation.
    pub additional_data: Option<String>,
    /// The whole `result` object as received.
    pub raw: Map<String, Value>,
}

/// One page of `POST /v1/payment/list`.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoicePage {
    /// The invoices on this page, newest first.
    pub items: Vec<Invoice>,
    /// The cursor of the next page, if there is one.
    pub next_cursor: Option<String>,
}

impl CreateInvoice {
    /// Checks what Heleket would reject, without a round trip.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if !is_decimal(&self.amount) {
            return Err(Error::InvalidRequest(format!(
                "amount {:?} is not a positive decimal number",
                self.amount
            )));
        }
        if self.currency.is_empty() {
            return Err(Error::InvalidRequest("currency is empty".to_owned()));
        }
        if !is_order_id(&self.order_id) {
            return Err(Error::InvalidRequest(format!(
                "order_id {:?} must be 1 to 128 characters of A-Z, a-z, 0-9, _ and -",
                self.order_id
            )));
        }
        if let Some(lifetime) = self.lifetime
            && !(300..=43200).contains(&lifetime)
        {
            return Err(Error::InvalidRequest(format!(
                "lifetime {lifetime} is outside 300..=43200 seconds"
            )));
        }
        if let Some(data) = &self.additional_data
            && data.chars().count() > 255
        {
            return Err(Error::InvalidRequest(
                "additional_data is longer than 255 characters".to_owned(),
            ));
        }
        Ok(())
    }

    /// The JSON body, members in Heleket's documented order, `None`s left out.
    pub(crate) fn to_json(&self) -> Value {
        let mut res = Map::new();
        res.insert("amount".to_owned(), Value::from(self.amount.as_str()));
        res.insert("currency".to_owned(), Value::from(self.currency.as_str()));
        res.insert("order_id".to_owned(), Value::from(self.order_id.as_str()));
        put_text(&mut res, "url_callback", self.url_callback.as_deref());
        put_text(&mut res, "url_return", self.url_return.as_deref());
        put_text(&mut res, "url_success", self.url_success.as_deref());
        if let Some(lifetime) = self.lifetime {
            res.insert("lifetime".to_owned(), Value::from(lifetime));
        }
        put_text(&mut res, "to_currency", self.to_currency.as_deref());
        put_text(&mut res, "network", self.network.as_deref());
        put_text(&mut res, "additional_data", self.additional_data.as_deref());
        if let Some(multiple) = self.is_payment_multiple {
            res.insert("is_payment_multiple".to_owned(), Value::Bool(multiple));
        }
        Value::Object(res)
    }
}

impl InvoiceRef {
    /// `{"uuid": ..}` or `{"order_id": ..}`.
    pub(crate) fn to_json(&self) -> Result<Value, Error> {
        let (key, id) = match self {
            Self::Uuid(uuid) => ("uuid", uuid),
            Self::OrderId(order_id) => ("order_id", order_id),
        };
        if id.is_empty() {
            return Err(Error::InvalidRequest(format!("{key} is empty")));
        }
        let mut res = Map::new();
        res.insert(key.to_owned(), Value::from(id.as_str()));
        Ok(Value::Object(res))
    }
}

impl TestWebhook {
    /// The JSON body of the request.
    pub(crate) fn to_json(&self) -> Result<Value, Error> {
        if self.url_callback.is_empty() {
            return Err(Error::InvalidRequest("url_callback is empty".to_owned()));
        }
        let mut res = Map::new();
        put_text(&mut res, "uuid", self.uuid.as_deref());
        put_text(&mut res, "order_id", self.order_id.as_deref());
        res.insert("currency".to_owned(), Value::from(self.currency.as_str()));
        res.insert(
            "url_callback".to_owned(),
            Value::from(self.url_callback.as_str()),
        );
        res.insert("network".to_owned(), Value::from(self.network.as_str()));
        res.insert("status".to_owned(), Value::from(self.status.as_str()));
        Ok(Value::Object(res))
    }
}

impl Invoice {
    /// Decodes a `result` object; the error says what is missing.
    pub(crate) fn from_json(value: Value) -> Result<Self, String> {
        let Value::Object(raw) = value else {
            return Err("invoice is not a json object".to_owned());
        };
        let Some(uuid) = text(&raw, "uuid") else {
            return Err("invoice has no uuid".to_owned());
        };
        let Some(status) = text(&raw, "status").or_else(|| text(&raw, "payment_status")) else {
            return Err("invoice has no status".to_owned());
        };
        Ok(Self {
            uuid,
            order_id: text(&raw, "order_id"),
            amount: text(&raw, "amount"),
            payer_amount: text(&raw, "payer_amount"),
            payment_amount: text(&raw, "payment_amount"),
            currency: text(&raw, "currency"),
            payer_currency: text(&raw, "payer_currency"),
            payer_amount_exchange_rate: text(&raw, "payer_amount_exchange_rate"),
            network: text(&raw, "network"),
            address: text(&raw, "address"),
            txid: text(&raw, "txid"),
            url: text(&raw, "url"),
            expired_at: integer(&raw, "expired_at"),
            status: PaymentStatus::parse(&status),
            is_final: boolean(&raw, "is_final"),
            additional_data: text(&raw, "additional_data"),
            raw,
        })
    }
}

impl InvoicePage {
    /// Decodes the `result` of a list call.
    pub(crate) fn from_json(value: Value) -> Result<Self, String> {
        let Value::Object(mut result) = value else {
            return Err("invoice list is not a json object".to_owned());
        };
        let items = match result.shift_remove("items") {
            Some(Value::Array(items)) => items,
            Some(Value::Null) | None => Vec::new(),
            Some(_) => return Err("invoice list items is not an array".to_owned()),
        };
        let items = items
            .into_iter()
            .map(Invoice::from_json)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = match result.get("paginate") {
            Some(Value::Object(paginate)) => {
                text(paginate, "nextCursor").or_else(|| text(paginate, "next_cursor"))
            }
            _ => None,
        };
        Ok(Self { items, next_cursor })
    }
}

/// A string member, or a number as its decimal text; `None` for null or absent.
pub(crate) fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// An integer member, also accepted as a decimal string.
pub(crate) fn integer(map: &Map<String, Value>, key: &str) -> Option<i64> {
    match map.get(key)? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean member, also accepted as `0`/`1` or their strings.
pub(crate) fn boolean(map: &Map<String, Value>, key: &str) -> Option<bool> {
    match map.get(key)? {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => number.as_i64().map(|it| it != 0),
        Value::String(text) => match text.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn put_text(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), Value::from(value));
    }
}

/// `[A-Za-z0-9_-]{1,128}`.
fn is_order_id(text: &str) -> bool {
    (1..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Digits with at most one inner `.`, and not zero.
fn is_decimal(text: &str) -> bool {
    let (int_part, frac_part) = text.split_once('.').unwrap_or((text, ""));
    let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    !int_part.is_empty()
        && digits_only(int_part)
        && (!text.contains('.') || !frac_part.is_empty())
        && digits_only(frac_part)
        && text.bytes().any(|b| (b'1'..=b'9').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{php_json, sign};

    fn invoice(amount: &str, order_id: &str) -> CreateInvoice {
        CreateInvoice {
            amount: amount.to_owned(),
            currency: "USD".to_owned(),
            order_id: order_id.to_owned(),
            url_callback: None,
            url_return: None,
            url_success: None,
            lifetime: None,
            to_currency: None,
            network: None,
            additional_data: None,
            is_payment_multiple: None,
        }
    }

    fn check_invalid(request: &CreateInvoice, expected_fragment: &str) {
        match request.validate() {
            Err(Error::InvalidRequest(message)) => {
                assert!(message.contains(expected_fragment), "{message}")
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }

    fn check_body(request: &CreateInvoice, key: &str, body: &str, signature: &str) {
        assert!(request.validate().is_ok());
        let encoded = php_json::encode(&request.to_json());
        assert_eq!(encoded, body);
        assert_eq!(sign(encoded.as_bytes(), key), signature);
    }

    #[test]
    fn spec_small_invoice_body() {
        check_body(
            &invoice("15", "1"),
            "merchant-api-key-42",
            r#"{"amount":"15","currency":"USD","order_id":"1"}"#,
            "27241b4fe4019e6c19622ce88888603c",
        );
    }

    #[test]
    fn spec_invoice_with_callback_body() {
        let mut request = invoice("5.00", "vpn-42-1717171717");
        request.url_callback = Some("https://bot.example.com/heleket/webhook".to_owned());
        request.lifetime = Some(3600);
        check_body(
            &request,
            "test-payment-key",
            r#"{"amount":"5.00","currency":"USD","order_id":"vpn-42-1717171717","url_callback":"https:\/\/bot.example.com\/heleket\/webhook","lifetime":3600}"#,
            "7dc0b7d15562e1d83374f2e6910cb35e",
        );
    }

    #[test]
    fn spec_info_body() {
        let body = InvoiceRef::Uuid("70b8db5c-b952-406d-af26-4e1c34c27f15".to_owned()).to_json();
        let encoded = php_json::encode(&body.unwrap_or_default());
        assert_eq!(
            encoded,
            r#"{"uuid":"70b8db5c-b952-406d-af26-4e1c34c27f15"}"#
        );
        assert_eq!(
            sign(encoded.as_bytes(), "test-payment-key"),
            "175ad25b7611c27acc6e4e632eb550dc"
        );
    }

    #[test]
    fn rejects_bad_amounts() {
        for amount in ["", "0", "0.00", "-1", "1.", ".5", "1.2.3", "1e3", "five"] {
            check_invalid(&invoice(amount, "a"), "amount");
        }
    }

    #[test]
    fn rejects_bad_order_ids() {
        check_invalid(&invoice("1", ""), "order_id");
        check_invalid(&invoice("1", "a b"), "order_id");
        check_invalid(&invoice("1", "заказ"), "order_id");
        check_invalid(&invoice("1", &"x".repeat(129)), "order_id");
        assert!(invoice("1", &"x".repeat(128)).validate().is_ok());
        assert!(invoice("0.01", "Az09_-").validate().is_ok());
    }

    #[test]
    fn rejects_bad_lifetime_and_data() {
        let mut request = invoice("1", "a");
        request.lifetime = Some(299);
        check_invalid(&request, "lifetime");
        request.lifetime = Some(43201);
        check_invalid(&request, "lifetime");
        request.lifetime = Some(43200);
        assert!(request.validate().is_ok());
        request.additional_data = Some("д".repeat(256));
        check_invalid(&request, "additional_data");
        request.additional_data = Some("д".repeat(255));
        assert!(request.validate().is_ok());
    }

    fn check_decode(json: &str, expected: Result<(&str, PaymentStatus, Option<&str>), &str>) {
        let value: Value = serde_json::from_str(json).unwrap_or_default();
        let actual = Invoice::from_json(value);
        match (actual, expected) {
            (Ok(invoice), Ok((uuid, status, amount))) => {
                assert_eq!(invoice.uuid, uuid);
                assert_eq!(invoice.status, status);
                assert_eq!(invoice.amount.as_deref(), amount);
            }
            (Err(reason), Err(expected)) => assert_eq!(reason, expected),
            (actual, expected) => panic!("got {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn decodes_leniently() {
        check_decode(
            r#"{"uuid":"u","status":"paid","amount":"5.00","network":null,"new":1}"#,
            Ok(("u", PaymentStatus::Paid, Some("5.00"))),
        );
        check_decode(
            r#"{"uuid":"u","payment_status":"check","amount":5.5}"#,
            Ok(("u", PaymentStatus::Check, Some("5.5"))),
        );
        check_decode(r#"{"status":"paid"}"#, Err("invoice has no uuid"));
        check_decode(r#"{"uuid":"u"}"#, Err("invoice has no status"));
        check_decode("[]", Err("invoice is not a json object"));
    }

    #[test]
    fn decodes_optional_fields() {
        let value: Value = serde_json::from_str(
            r#"{"uuid":"u","status":"cancel","expired_at":"1717171717","is_final":1,"url":"https://p/x","extra":[1]}"#,
        )
        .unwrap_or_default();
        let invoice = match Invoice::from_json(value) {
            Ok(it) => it,
            Err(err) => panic!("{err}"),
        };
        assert_eq!(invoice.expired_at, Some(1_717_171_717));
        assert_eq!(invoice.is_final, Some(true));
        assert_eq!(invoice.url.as_deref(), Some("https://p/x"));
        assert!(invoice.raw.contains_key("extra"));
    }

    #[test]
    fn decodes_pages() {
        let value: Value = serde_json::from_str(
            r#"{"items":[{"uuid":"a","status":"paid"},{"uuid":"b","status":"check"}],"paginate":{"count":2,"hasPages":true,"nextCursor":"c2","previousCursor":null,"perPage":15}}"#,
        )
        .unwrap_or_default();
        let page = match InvoicePage::from_json(value) {
            Ok(it) => it,
            Err(err) => panic!("{err}"),
        };
        let uuids: Vec<&str> = page.items.iter().map(|it| it.uuid.as_str()).collect();
        assert_eq!(uuids, ["a", "b"]);
        assert_eq!(page.next_cursor.as_deref(), Some("c2"));
    }
}
