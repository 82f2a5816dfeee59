//! The round trip: create → pay → a signed webhook → `verify_webhook`; and the fault modes.

use ajib_testkit::heleket::{FakeHeleket, PayOutcome, WebhookMode};
use heleket::{Client, InvoiceRef, PaymentStatus, TestWebhook, WebhookError, verify_webhook};

use crate::support::{KEY, Receiver, client, fake, invoice, wait_until};

fn setup(order_id: &str) -> (FakeHeleket, Client, Receiver, String) {
    let fake = fake();
    let client = client(&fake);
    let receiver = Receiver::start();
    let created = client.create_invoice(&invoice(order_id, Some(&receiver.url)));
    let Ok(created) = created else {
        panic!("create: {created:?}")
    };
    (fake, client, receiver, created.uuid)
}

fn check_webhook(body: &[u8], uuid: &str, status: PaymentStatus) {
    let payment = verify_webhook(body, KEY);
    let Ok(payment) = payment else {
        panic!("rejected {payment:?}: {}", String::from_utf8_lossy(body))
    };
    assert_eq!(payment.uuid, uuid);
    assert_eq!(payment.status, status);
}

#[test]
fn paid_invoice_sends_a_verifiable_webhook() {
    let (fake, client, receiver, uuid) = setup("vpn-42-1717171717");
    assert!(fake.pay(&uuid, PayOutcome::Paid).is_some());
    let body = receiver.next();

    let Ok(payment) = verify_webhook(&body, KEY) else {
        panic!("rejected")
    };
    assert_eq!(payment.uuid, uuid);
    assert_eq!(payment.order_id.as_deref(), Some("vpn-42-1717171717"));
    assert_eq!(payment.status, PaymentStatus::Paid);
    assert_eq!(payment.amount.as_deref(), Some("5.00"));
    assert_eq!(payment.currency.as_deref(), Some("USD"));
    assert_eq!(payment.payment_amount.as_deref(), Some("5.00"));
    assert_eq!(payment.payer_currency.as_deref(), Some("USDT"));
    assert_eq!(payment.network.as_deref(), Some("tron"));
    assert_eq!(payment.additional_data.as_deref(), Some("план/30 дней"));
    assert!(payment.txid.is_some_and(|it| it.len() == 64));
    assert!(payment.is_final);
    // Heleket's encoding: `/` escaped, UTF-8 raw, `sign` last.
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains(r#""additional_data":"план\/30 дней""#),
        "{text}"
    );
    assert!(
        text.ends_with("\"}") && text.rfind("\"sign\":") > text.rfind("\"txid\":"),
        "{text}"
    );

    let confirmed = client
        .invoice_info(&InvoiceRef::Uuid(uuid.clone()))
        .map(|it| it.status);
    assert_eq!(confirmed.ok(), Some(PaymentStatus::Paid));
    wait_until("the delivery to be recorded", || fake.webhooks_sent() == 1);
    assert_eq!(fake.webhooks()[0].status, Some(200));
}

#[test]
fn tampered_webhook_is_rejected() {
    let (fake, _client, receiver, uuid) = setup("order-1");
    let _ = fake.pay(&uuid, PayOutcome::WrongAmount);
    let body = String::from_utf8_lossy(&receiver.next()).into_owned();
    check_webhook(body.as_bytes(), &uuid, PaymentStatus::WrongAmount);

    let tampered = body.replace(r#""status":"wrong_amount""#, r#""status":"paid""#);
    assert_ne!(tampered, body);
    assert_eq!(
        verify_webhook(tampered.as_bytes(), KEY).map(|it| it.uuid),
        Err(WebhookError::BadSignature)
    );
    assert_eq!(
        verify_webhook(body.as_bytes(), "another-key").map(|it| it.uuid),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn payment_page_buttons_mark_the_invoice() {
    let (fake, _client, receiver, uuid) = setup("order-1");
    let page_url = format!("{}/pay/{uuid}", fake.base_url());
    let res = ureq::post(&page_url).send_form([("outcome", "wrong_amount")]);
    assert!(
        res.is_ok_and(|it| it.status() == 200),
        "form post should redirect back to the page"
    );
    check_webhook(&receiver.next(), &uuid, PaymentStatus::WrongAmount);
    assert_eq!(
        fake.invoice_by_order("order-1").map(|it| it.status),
        Some("wrong_amount".to_owned())
    );

    // A final invoice cannot be paid again from the page.
    let again = ureq::post(&page_url).send_form([("outcome", "paid")]);
    assert!(
        matches!(again, Err(ureq::Error::StatusCode(409))),
        "{again:?}"
    );
}

#[test]
fn expired_invoice_reports_cancel() {
    let (fake, _client, receiver, uuid) = setup("order-1");
    assert!(fake.expire(&uuid).is_some());
    check_webhook(&receiver.next(), &uuid, PaymentStatus::Cancel);
}

#[test]
fn twice_mode_delivers_duplicates() {
    let (fake, _client, receiver, uuid) = setup("order-1");
    fake.set_webhook_mode(WebhookMode::Twice);
    let _ = fake.pay(&uuid, PayOutcome::Paid);
    let first = receiver.next();
    let second = receiver.next();
    assert_eq!(first, second);
    check_webhook(&second, &uuid, PaymentStatus::Paid);
}

#[test]
fn held_webhooks_wait_for_release() {
    let (fake, _client, receiver, uuid) = setup("order-1");
    fake.set_webhook_mode(WebhookMode::Held);
    let _ = fake.pay(&uuid, PayOutcome::Paid);
    assert_eq!(fake.webhooks_sent(), 0);
    fake.release_held();
    check_webhook(&receiver.next(), &uuid, PaymentStatus::Paid);
    wait_until("one delivery", || fake.webhooks_sent() == 1);
}

#[test]
fn never_mode_drops_webhooks_and_resend_recovers() {
    let (fake, client, receiver, uuid) = setup("order-1");
    fake.set_webhook_mode(WebhookMode::Never);
    let _ = fake.pay(&uuid, PayOutcome::Paid);
    fake.set_webhook_mode(WebhookMode::Once);
    assert!(
        client
            .resend_webhook(&InvoiceRef::OrderId("order-1".to_owned()))
            .is_ok()
    );
    // Deliveries are FIFO: had the dropped one been sent, it would come first.
    check_webhook(&receiver.next(), &uuid, PaymentStatus::Paid);
    wait_until("one delivery", || fake.webhooks_sent() == 1);
}

#[test]
fn test_webhook_is_signed_too() {
    let (_fake, client, receiver, uuid) = setup("order-1");
    let request = TestWebhook {
        url_callback: receiver.url.clone(),
        currency: "USDT".to_owned(),
        network: "tron".to_owned(),
        status: PaymentStatus::Process,
        uuid: Some(uuid.clone()),
        order_id: None,
    };
    assert!(client.test_webhook(&request).is_ok());
    check_webhook(&receiver.next(), &uuid, PaymentStatus::Process);
}
