//! The API calls: create, idempotency, info, list, and error mapping.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ajib_testkit::heleket::HeleketFault;
use heleket::{Error, InvoiceRef, PaymentStatus};

use crate::support::{KEY, MERCHANT, client, client_with, fake, invoice};

#[test]
fn create_returns_a_pending_invoice_with_a_payment_page() {
    let fake = fake();
    let created = client(&fake).create_invoice(&invoice("vpn-42-1", None));
    let Ok(created) = created else {
        panic!("create failed: {created:?}")
    };
    assert_eq!(created.order_id.as_deref(), Some("vpn-42-1"));
    assert_eq!(created.amount.as_deref(), Some("5.00"));
    assert_eq!(created.currency.as_deref(), Some("USD"));
    assert_eq!(created.network.as_deref(), Some("tron"));
    assert_eq!(created.additional_data.as_deref(), Some("план/30 дней"));
    assert_eq!(created.status, PaymentStatus::Check);
    assert_eq!(created.is_final, Some(false));
    let url = created.url.clone().unwrap_or_default();
    assert_eq!(url, format!("{}/pay/{}", fake.base_url(), created.uuid));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |it| it.as_secs() as i64);
    let expires_in = created.expired_at.unwrap_or(0) - now;
    assert!(
        (3590..=3600).contains(&expires_in),
        "expires in {expires_in}s"
    );

    let page = ureq::get(&url)
        .call()
        .and_then(|mut it| it.body_mut().read_to_string());
    let Ok(page) = page else {
        panic!("payment page: {page:?}")
    };
    for needle in [
        "5.00 USD",
        "vpn-42-1",
        "check",
        ">Pay<",
        ">Pay over<",
        ">Wrong amount<",
        ">Cancel<",
    ] {
        assert!(page.contains(needle), "page lacks {needle:?}");
    }
}

#[test]
fn create_is_idempotent_by_order_id() {
    let fake = fake();
    let client = client(&fake);
    let first = client
        .create_invoice(&invoice("order-7", None))
        .map(|it| it.uuid);
    let second = client
        .create_invoice(&invoice("order-7", None))
        .map(|it| it.uuid);
    let other = client
        .create_invoice(&invoice("order-8", None))
        .map(|it| it.uuid);
    assert!(first.is_ok());
    assert_eq!(first.as_ref().ok(), second.as_ref().ok());
    assert_ne!(first.ok(), other.ok());
    assert_eq!(fake.invoices().len(), 2);
    assert_eq!(fake.request_count(), 3);
}

#[test]
fn info_by_uuid_and_by_order_id() {
    let fake = fake();
    let client = client(&fake);
    let Ok(created) = client.create_invoice(&invoice("order-9", None)) else {
        panic!("create")
    };
    let by_uuid = client.invoice_info(&InvoiceRef::Uuid(created.uuid.clone()));
    let by_order = client.invoice_info(&InvoiceRef::OrderId("order-9".to_owned()));
    assert_eq!(
        by_uuid.as_ref().map(|it| it.uuid.as_str()).ok(),
        Some(created.uuid.as_str())
    );
    assert_eq!(
        by_order.as_ref().map(|it| it.uuid.as_str()).ok(),
        Some(created.uuid.as_str())
    );

    let Some(fake_invoice) = fake.invoice_by_order("order-9") else {
        panic!("fake lost it")
    };
    let _ = fake.pay(
        &fake_invoice.uuid,
        ajib_testkit::heleket::PayOutcome::PaidOver,
    );
    let paid = client.invoice_info(&InvoiceRef::Uuid(created.uuid.clone()));
    let Ok(paid) = paid else {
        panic!("info: {paid:?}")
    };
    assert_eq!(paid.status, PaymentStatus::PaidOver);
    assert!(paid.status.is_paid());
    assert_eq!(paid.payment_amount.as_deref(), Some("5.50"));
    assert_eq!(paid.is_final, Some(true));
}

#[test]
fn unknown_invoice_is_a_business_error() {
    let fake = fake();
    let res = client(&fake).invoice_info(&InvoiceRef::OrderId("nope".to_owned()));
    assert!(
        matches!(&res, Err(Error::Business { message }) if message == "Payment not found"),
        "{res:?}"
    );
}

#[test]
fn list_pages_newest_first() {
    let fake = fake();
    let client = client(&fake);
    for idx in 0..17 {
        assert!(
            client
                .create_invoice(&invoice(&format!("order-{idx}"), None))
                .is_ok()
        );
    }
    let Ok(first) = client.list_invoices(None) else {
        panic!("first page")
    };
    assert_eq!(first.items.len(), 15);
    assert_eq!(first.items[0].order_id.as_deref(), Some("order-16"));
    let Some(cursor) = first.next_cursor.as_deref() else {
        panic!("no next cursor")
    };
    let Ok(second) = client.list_invoices(Some(cursor)) else {
        panic!("second page")
    };
    let orders: Vec<_> = second
        .items
        .iter()
        .filter_map(|it| it.order_id.as_deref())
        .collect();
    assert_eq!(orders, ["order-1", "order-0"]);
    assert_eq!(second.next_cursor, None);
}

#[test]
fn bad_key_or_merchant_is_unauthorized() {
    let fake = fake();
    let timeout = Duration::from_secs(5);
    for client in [
        client_with(&fake, MERCHANT, "wrong-key", timeout),
        client_with(&fake, "other", KEY, timeout),
    ] {
        let res = client.create_invoice(&invoice("order-1", None));
        assert!(matches!(res, Err(Error::Unauthorized)), "{res:?}");
    }
    assert!(fake.invoices().is_empty());
}

#[test]
fn server_side_validation_maps_to_validation_errors() {
    let fake = fake();
    let mut request = invoice("order-1", None);
    request.url_callback = Some("not a url".to_owned());
    request.to_currency = Some("X".repeat(40));
    let res = client(&fake).create_invoice(&request);
    let Err(Error::Validation { errors }) = res else {
        panic!("expected validation, got {res:?}")
    };
    let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(fields, ["to_currency", "url_callback"]);
    assert_eq!(
        errors["url_callback"],
        ["The url callback must be a valid URL."]
    );
    assert!(fake.invoices().is_empty());
}

#[test]
fn local_validation_sends_nothing() {
    let fake = fake();
    let mut request = invoice("order 1", None);
    let res = client(&fake).create_invoice(&request);
    assert!(matches!(res, Err(Error::InvalidRequest(_))), "{res:?}");
    request.order_id = "order-1".to_owned();
    request.lifetime = Some(60);
    let res = client(&fake).create_invoice(&request);
    assert!(matches!(res, Err(Error::InvalidRequest(_))), "{res:?}");
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn server_errors_and_hangs_are_transient() {
    let fake = fake();
    let client = client_with(&fake, MERCHANT, KEY, Duration::from_millis(300));
    fake.set_fault(HeleketFault::ServerError);
    let res = client.create_invoice(&invoice("order-1", None));
    assert!(matches!(&res, Err(Error::Transient { .. })), "{res:?}");
    assert!(res.as_ref().is_err_and(Error::is_retryable));

    fake.set_fault(HeleketFault::Hang);
    let res = client.create_invoice(&invoice("order-1", None));
    assert!(matches!(&res, Err(Error::Transient { .. })), "{res:?}");

    fake.set_fault(HeleketFault::None);
    assert!(client.create_invoice(&invoice("order-1", None)).is_ok());
    assert_eq!(fake.request_count(), 3);
}

#[test]
fn errors_and_debug_never_show_the_key() {
    let fake = fake();
    let client = client_with(&fake, MERCHANT, KEY, Duration::from_secs(5));
    let wrong = client_with(&fake, MERCHANT, "wrong-key", Duration::from_secs(5));
    let res = wrong.create_invoice(&invoice("order-1", None));
    let text = format!(
        "{client:?} {fake:?} {res:?} {}",
        res.as_ref()
            .map_or_else(ToString::to_string, |_| String::new())
    );
    assert!(!text.contains(KEY) && !text.contains("wrong-key"), "{text}");
}
