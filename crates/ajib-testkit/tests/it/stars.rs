//! The fake Bot API's Telegram Stars: `sendInvoice` validations, a simulated
//! payment through `pre_checkout_query`, and `refundStarPayment`.

use ajib_testkit::telegram::{FakeTelegram, MessageKind, SimUser, StarsOutcome};
use serde_json::{Value, json};

use crate::telegram::call;

const ALICE: i64 = 1;

fn invoice(stars: i64) -> Value {
    json!({
        "chat_id": ALICE, "title": "30 days", "description": "30 days, 50 GB",
        "payload": "ajib-1", "provider_token": "", "currency": "XTR",
        "prices": [{ "label": "VPN plan", "amount": stars }],
    })
}

/// The fake with Alice, and the message id of a 250-Star invoice sent to her.
fn with_invoice() -> (FakeTelegram, SimUser, i32) {
    let fake = FakeTelegram::start();
    let alice = SimUser::new(ALICE, "Alice");
    fake.add_user(&alice);
    let (status, answer) = call(&fake, "sendInvoice", &invoice(250));
    assert_eq!(status, 200, "{answer}");
    let message_id = i32::try_from(answer["result"]["message_id"].as_i64().unwrap()).unwrap();
    (fake, alice, message_id)
}

/// Waits for the pre-checkout query update and answers it with `params`.
async fn answer_query(fake: &FakeTelegram, params: Value) -> (u16, Value) {
    let update = loop {
        let (_, updates) = call(fake, "getUpdates", &json!({ "timeout": 0 }));
        let found = updates["result"].as_array().and_then(|it| {
            it.iter()
                .find(|u| u.get("pre_checkout_query").is_some())
                .cloned()
        });
        if let Some(update) = found {
            break update;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    let query = &update["pre_checkout_query"];
    assert_eq!(query["total_amount"], 250);
    assert_eq!(query["invoice_payload"], "ajib-1");
    let mut params = params;
    params["pre_checkout_query_id"] = query["id"].clone();
    call(fake, "answerPreCheckoutQuery", &params)
}

#[test]
fn send_invoice_is_validated_like_telegram() {
    let (fake, _, message_id) = with_invoice();
    let sent = fake.messages(ALICE);
    assert_eq!(sent[0].kind, MessageKind::Invoice);
    assert_eq!(fake.stars_invoices(ALICE)[0].message_id, message_id);
    let bad = |change: &dyn Fn(&mut Value)| {
        let mut params = invoice(250);
        change(&mut params);
        call(&fake, "sendInvoice", &params).0
    };
    assert_eq!(bad(&|it| it["provider_token"] = json!("tok")), 400);
    assert_eq!(bad(&|it| it["prices"][0]["amount"] = json!(0)), 400);
    assert_eq!(bad(&|it| it["prices"][0]["amount"] = json!(10_001)), 400);
    assert_eq!(
        bad(&|it| it["prices"] =
            json!([{ "label": "a", "amount": 1 }, { "label": "b", "amount": 1 }])),
        400
    );
    assert_eq!(bad(&|it| it["payload"] = json!("x".repeat(129))), 400);
    assert_eq!(bad(&|it| it["title"] = json!("t".repeat(33))), 400);
    assert_eq!(bad(&|it| it["description"] = json!("")), 400);
    assert_eq!(bad(&|it| it["currency"] = json!("USD")), 400);
    assert_eq!(fake.violations().len(), 8, "{:?}", fake.violations());
    assert_eq!(fake.stars_invoices(ALICE).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_happens_only_after_an_ok_and_refunds_once() {
    let (fake, alice, message_id) = with_invoice();
    fake.set_stars_double_delivery(true);
    let (outcome, (status, _)) = tokio::join!(
        fake.pay_stars(&alice, message_id),
        answer_query(&fake, json!({ "ok": true }))
    );
    assert_eq!(status, 200);
    let StarsOutcome::Paid { charge_id } = outcome else {
        panic!("not paid: {outcome:?}");
    };
    let (_, updates) = call(&fake, "getUpdates", &json!({ "timeout": 0 }));
    let payments: Vec<&Value> = updates["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|it| it["message"].get("successful_payment"))
        .collect();
    assert_eq!(payments.len(), 2, "delivered twice");
    assert_eq!(payments[0]["telegram_payment_charge_id"], json!(charge_id));
    let refund = json!({ "user_id": ALICE, "telegram_payment_charge_id": charge_id });
    assert_eq!(call(&fake, "refundStarPayment", &refund).0, 200);
    assert!(fake.stars_refunded(&charge_id));
    let (status, again) = call(&fake, "refundStarPayment", &refund);
    assert_eq!(status, 400);
    assert_eq!(again["description"], "Bad Request: CHARGE_ALREADY_REFUNDED");
    let unknown = json!({ "user_id": ALICE, "telegram_payment_charge_id": "nope" });
    assert_eq!(call(&fake, "refundStarPayment", &unknown).0, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_needs_a_reason_and_stops_the_payment() {
    let (fake, alice, message_id) = with_invoice();
    let pay = fake.pay_stars(&alice, message_id);
    let answer = async {
        let (status, _) = answer_query(&fake, json!({ "ok": false })).await;
        assert_eq!(status, 400, "error_message is required when ok is false");
        answer_query(&fake, json!({ "ok": false, "error_message": "Expired" })).await
    };
    let (outcome, (status, _)) = tokio::join!(pay, answer);
    assert_eq!(status, 200);
    assert_eq!(
        outcome,
        StarsOutcome::Refused {
            error_message: "Expired".to_owned()
        }
    );
    let (_, updates) = call(&fake, "getUpdates", &json!({ "timeout": 0 }));
    let paid = updates["result"]
        .as_array()
        .unwrap()
        .iter()
        .any(|it| it["message"].get("successful_payment").is_some());
    assert!(!paid, "no payment after a refusal");
    // Answered once; a second answer is too late.
    let (status, _) = answer_query(&fake, json!({ "ok": true })).await;
    assert_eq!(status, 400);
}
