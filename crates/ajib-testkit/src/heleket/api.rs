//! The fake's HTTP routes: the signed `/v1` API and the payment page.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use axum::{
    Form, Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde_json::{Map, Value, json};

use crate::heleket::{
    FakeInvoice, HeleketFault, PER_PAGE, PayOutcome, Shared, TEST_STATUSES, hex_id, page, php,
    unix_now, uuid,
};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/payment", post(create))
        .route("/v1/payment/info", post(info))
        .route("/v1/payment/list", post(list))
        .route("/v1/payment/resend", post(resend))
        .route("/v1/test-webhook/payment", post(test_webhook))
        .route("/pay/{uuid}", get(show_page).post(submit_page))
        .with_state(shared)
}

type Errors = BTreeMap<String, Vec<String>>;

/// Counts the call, applies the fault, checks merchant and signature, parses the body.
async fn admit(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, Response> {
    shared.requests.fetch_add(1, Ordering::SeqCst);
    let fault = shared.state().fault;
    match fault {
        HeleketFault::None => (),
        HeleketFault::ServerError => {
            return Err(failure(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
            ));
        }
        HeleketFault::Hang => std::future::pending::<()>().await,
    }
    let header_text = |name: &str| {
        headers
            .get(name)
            .and_then(|it| it.to_str().ok())
            .unwrap_or("")
    };
    if header_text("merchant") != shared.merchant_id {
        return Err(failure(StatusCode::UNAUTHORIZED, "Merchant not found"));
    }
    if !same_text(header_text("sign"), &php::sign(body, &shared.api_key)) {
        return Err(failure(StatusCode::UNAUTHORIZED, "Invalid sign"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(failure(
            StatusCode::BAD_REQUEST,
            "The body must be a JSON object",
        )),
    }
}

async fn create(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let request = match admit(&shared, &headers, &body).await {
        Ok(it) => it,
        Err(response) => return response,
    };
    let mut errors = Errors::new();
    let amount = match request.get("amount") {
        Some(Value::String(text)) if is_positive_decimal(text) => text.clone(),
        Some(Value::Number(number)) if is_positive_decimal(&number.to_string()) => {
            number.to_string()
        }
        None | Some(Value::Null) => required(&mut errors, "amount"),
        Some(_) => invalid(
            &mut errors,
            "amount",
            "The amount must be a number greater than 0.",
        ),
    };
    let currency = match request.get("currency") {
        Some(Value::String(text)) if !text.is_empty() => text.clone(),
        None | Some(Value::Null) => required(&mut errors, "currency"),
        Some(_) => invalid(
            &mut errors,
            "currency",
            "The currency must be a currency code.",
        ),
    };
    let order_id = match request.get("order_id") {
        Some(Value::String(text)) if is_order_id(text) => text.clone(),
        None | Some(Value::Null) => required(&mut errors, "order_id"),
        Some(_) => invalid(
            &mut errors,
            "order_id",
            "The order id may only contain letters, numbers, dashes and underscores, at most 128.",
        ),
    };
    let url_callback = optional_url(&request, "url_callback", &mut errors);
    let url_return = optional_url(&request, "url_return", &mut errors);
    let url_success = optional_url(&request, "url_success", &mut errors);
    let lifetime = match request.get("lifetime") {
        None | Some(Value::Null) => 3600,
        Some(Value::Number(number)) => match number.as_u64() {
            Some(it @ 300..=43200) => it as u32,
            _ => {
                invalid(
                    &mut errors,
                    "lifetime",
                    "The lifetime must be between 300 and 43200.",
                );
                0
            }
        },
        Some(_) => {
            invalid(&mut errors, "lifetime", "The lifetime must be an integer.");
            0
        }
    };
    let to_currency = optional_text(&request, "to_currency", 16, &mut errors);
    let network = optional_text(&request, "network", 64, &mut errors);
    let additional_data = optional_text(&request, "additional_data", 255, &mut errors);
    if let Some(flag) = request.get("is_payment_multiple")
        && !(flag.is_boolean() || flag.is_null())
    {
        invalid(
            &mut errors,
            "is_payment_multiple",
            "The is payment multiple field must be true or false.",
        );
    }
    if !errors.is_empty() {
        return invalid_response(errors);
    }

    let mut state = shared.state();
    if let Some(existing) = state.invoices.iter().find(|it| it.order_id == order_id) {
        return success(shared.invoice_json(existing));
    }
    state.serial += 1;
    let uuid = uuid(&format!(
        "{}-{}-{:?}",
        shared.merchant_id,
        state.serial,
        SystemTime::now()
    ));
    let invoice = FakeInvoice {
        url: format!("{}/pay/{uuid}", shared.base_url),
        address: format!("T{}x", hex_id(&uuid)),
        uuid,
        order_id,
        amount,
        currency,
        status: "check".to_owned(),
        url_callback,
        url_return,
        url_success,
        lifetime,
        expired_at: unix_now() + i64::from(lifetime),
        to_currency,
        network,
        additional_data,
        payment_amount: None,
        payer_currency: None,
        txid: None,
    };
    let res = shared.invoice_json(&invoice);
    state.invoices.push(invoice);
    success(res)
}

async fn info(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let request = match admit(&shared, &headers, &body).await {
        Ok(it) => it,
        Err(response) => return response,
    };
    match find(&shared, &request) {
        Ok(invoice) => success(shared.invoice_json(&invoice)),
        Err(response) => *response,
    }
}

#[derive(serde::Deserialize)]
struct ListQuery {
    cursor: Option<String>,
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = admit(&shared, &headers, &body).await {
        return response;
    }
    let offset = match query.cursor.as_deref() {
        None | Some("") => 0,
        Some(cursor) => match cursor
            .strip_prefix("page-")
            .and_then(|it| it.parse::<usize>().ok())
        {
            Some(it) => it,
            None => return invalid_response(one_error("cursor", "The cursor is invalid.")),
        },
    };
    let state = shared.state();
    let newest_first: Vec<&FakeInvoice> = state.invoices.iter().rev().collect();
    let items: Vec<Value> = newest_first
        .iter()
        .skip(offset)
        .take(PER_PAGE)
        .map(|it| shared.invoice_json(it))
        .collect();
    let next =
        (offset + PER_PAGE < newest_first.len()).then(|| format!("page-{}", offset + PER_PAGE));
    let previous = (offset > 0).then(|| format!("page-{}", offset.saturating_sub(PER_PAGE)));
    success(json!({
        "items": items,
        "paginate": {
            "count": items.len(),
            "hasPages": newest_first.len() > PER_PAGE,
            "nextCursor": next,
            "previousCursor": previous,
            "perPage": PER_PAGE,
        },
    }))
}

async fn resend(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let request = match admit(&shared, &headers, &body).await {
        Ok(it) => it,
        Err(response) => return response,
    };
    let invoice = match find(&shared, &request) {
        Ok(it) => it,
        Err(response) => return *response,
    };
    if invoice.url_callback.is_none() {
        return failure(StatusCode::BAD_REQUEST, "The invoice has no url_callback");
    }
    shared.dispatch(&mut shared.state(), &invoice);
    success(json!([]))
}

async fn test_webhook(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = match admit(&shared, &headers, &body).await {
        Ok(it) => it,
        Err(response) => return response,
    };
    let mut errors = Errors::new();
    let url_callback = optional_url(&request, "url_callback", &mut errors);
    if url_callback.is_none() && !errors.contains_key("url_callback") {
        required(&mut errors, "url_callback");
    }
    let mut text = |key: &str| match request.get(key) {
        Some(Value::String(it)) if !it.is_empty() => it.clone(),
        _ => required(&mut errors, key),
    };
    let currency = text("currency");
    let network = text("network");
    let status = text("status");
    if !status.is_empty() && !TEST_STATUSES.contains(&status.as_str()) {
        invalid(&mut errors, "status", "The selected status is invalid.");
    }
    if !errors.is_empty() {
        return invalid_response(errors);
    }
    let known = match (request.get("uuid"), request.get("order_id")) {
        (None, None) => None,
        _ => match find(&shared, &request) {
            Ok(it) => Some(it),
            Err(response) => return *response,
        },
    };
    let mut invoice = known.unwrap_or_else(|| FakeInvoice {
        uuid: uuid("test-webhook"),
        order_id: "test-order".to_owned(),
        amount: "10.00".to_owned(),
        currency: "USD".to_owned(),
        status: String::new(),
        url: String::new(),
        url_callback: None,
        url_return: None,
        url_success: None,
        lifetime: 3600,
        expired_at: unix_now() + 3600,
        to_currency: None,
        network: None,
        additional_data: None,
        payment_amount: None,
        payer_currency: None,
        address: String::new(),
        txid: None,
    });
    invoice.status = status;
    invoice.url_callback = url_callback;
    invoice.payer_currency = Some(currency);
    invoice.network = Some(network);
    invoice.payment_amount = Some(invoice.amount.clone());
    shared.dispatch(&mut shared.state(), &invoice);
    success(json!([]))
}

async fn show_page(State(shared): State<Arc<Shared>>, Path(uuid): Path<String>) -> Response {
    let invoice = shared
        .state()
        .invoices
        .iter()
        .find(|it| it.uuid == uuid)
        .cloned();
    match invoice {
        Some(invoice) => Html(page::render(&invoice, None)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><title>Not found</title><p>No such invoice.</p>"),
        )
            .into_response(),
    }
}

#[derive(serde::Deserialize)]
struct PayForm {
    outcome: String,
}

async fn submit_page(
    State(shared): State<Arc<Shared>>,
    Path(uuid): Path<String>,
    Form(form): Form<PayForm>,
) -> Response {
    let outcome = match form.outcome.as_str() {
        "paid" => PayOutcome::Paid,
        "paid_over" => PayOutcome::PaidOver,
        "wrong_amount" => PayOutcome::WrongAmount,
        "cancel" => PayOutcome::Cancel,
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Html("<!doctype html><p>Unknown outcome.</p>"),
            )
                .into_response();
        }
    };
    let invoice = shared
        .state()
        .invoices
        .iter()
        .find(|it| it.uuid == uuid)
        .cloned();
    match invoice {
        None => (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><p>No such invoice.</p>"),
        )
            .into_response(),
        Some(invoice) if invoice.is_final() => (
            StatusCode::CONFLICT,
            Html(page::render(
                &invoice,
                Some("This invoice is already final."),
            )),
        )
            .into_response(),
        Some(_) => {
            shared.mark(&uuid, outcome);
            Redirect::to(&format!("/pay/{uuid}")).into_response()
        }
    }
}

/// The invoice named by `uuid` or `order_id` in `request`.
fn find(shared: &Shared, request: &Map<String, Value>) -> Result<FakeInvoice, Box<Response>> {
    let by = |key: &str| {
        request
            .get(key)
            .and_then(Value::as_str)
            .filter(|it| !it.is_empty())
    };
    let found = match (by("uuid"), by("order_id")) {
        (Some(uuid), _) => shared
            .state()
            .invoices
            .iter()
            .find(|it| it.uuid == uuid)
            .cloned(),
        (None, Some(order_id)) => shared
            .state()
            .invoices
            .iter()
            .find(|it| it.order_id == order_id)
            .cloned(),
        (None, None) => {
            return Err(Box::new(invalid_response(one_error(
                "uuid",
                "The uuid field is required when order id is not present.",
            ))));
        }
    };
    found.ok_or_else(|| Box::new(failure(StatusCode::NOT_FOUND, "Payment not found")))
}

fn success(result: Value) -> Response {
    json_response(StatusCode::OK, &json!({"state": 0, "result": result}))
}

fn failure(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({"state": 1, "message": message}))
}

fn invalid_response(errors: Errors) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({"state": 1, "errors": errors}),
    )
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        php::encode(body),
    )
        .into_response()
}

fn one_error(field: &str, message: &str) -> Errors {
    let mut res = Errors::new();
    res.insert(field.to_owned(), vec![message.to_owned()]);
    res
}

/// Records a "required" error; returns a placeholder.
fn required(errors: &mut Errors, field: &str) -> String {
    let message = format!("The {} field is required.", field.replace('_', " "));
    invalid(errors, field, &message)
}

/// Records an error; returns a placeholder.
fn invalid(errors: &mut Errors, field: &str, message: &str) -> String {
    errors
        .entry(field.to_owned())
        .or_default()
        .push(message.to_owned());
    String::new()
}

fn optional_url(request: &Map<String, Value>, field: &str, errors: &mut Errors) -> Option<String> {
    match request.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(url))
            if (url.starts_with("http://") || url.starts_with("https://")) && url.len() <= 255 =>
        {
            Some(url.clone())
        }
        Some(_) => {
            invalid(
                errors,
                field,
                &format!("The {} must be a valid URL.", field.replace('_', " ")),
            );
            None
        }
    }
}

fn optional_text(
    request: &Map<String, Value>,
    field: &str,
    max: usize,
    errors: &mut Errors,
) -> Option<String> {
    match request.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if text.chars().count() <= max => Some(text.clone()),
        Some(_) => {
            let message = format!(
                "The {} must be a string of at most {max} characters.",
                field.replace('_', " ")
            );
            invalid(errors, field, &message);
            None
        }
    }
}

fn is_order_id(text: &str) -> bool {
    (1..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_positive_decimal(text: &str) -> bool {
    let (int_part, frac_part) = text.split_once('.').unwrap_or((text, "0"));
    !int_part.is_empty()
        && !frac_part.is_empty()
        && int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        && text.parse::<f64>().is_ok_and(|it| it > 0.0)
}

fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_order_id(text: &str, valid: bool) {
        assert_eq!(is_order_id(text), valid, "order id {text:?}");
    }

    fn check_amount(text: &str, valid: bool) {
        assert_eq!(is_positive_decimal(text), valid, "amount {text:?}");
    }

    #[test]
    fn order_ids() {
        check_order_id("vpn-42_x", true);
        check_order_id(&"x".repeat(128), true);
        check_order_id(&"x".repeat(129), false);
        check_order_id("a b", false);
        check_order_id("", false);
    }

    #[test]
    fn amounts() {
        check_amount("5.00", true);
        check_amount("5", true);
        check_amount("0.00", false);
        check_amount("1e3", false);
        check_amount("5.", false);
        check_amount("-1", false);
    }
}
