//! Card-to-card payments end to end (issue 22): the customer sends a receipt,
//! every owner and admin gets it with Approve / Reject; two admins approving
//! at once grant once, a rejection's reason reaches the customer, an
//! undecided receipt expires with a notice, and an order has one pending receipt.

use ajib_domain::{OrderId, OrderStatus, TelegramId};
use ajib_storage::{AdminRole, CardPaymentId, CardState, LedgerCause};
use ajib_testkit::telegram::{BotMessage, MessageKind, SimUser};

use crate::support::{Env, button_data, has_text, until};

/// The receipt photo the customer sends.
const RECEIPT: &[u8] = b"\x89PNG\r\n\x1a\na receipt";
/// The first demo plan's price, in cents.
const PRICE: i64 = 300;

impl Env {
    /// Walks `user` to the first plan's invoice, presses "💳 Card to card";
    /// returns the order and the card offer.
    fn card_offer(&self, user: &SimUser) -> (OrderId, BotMessage) {
        let open = self.open_invoice(user, "v1:l:en");
        let invoice = self
            .sandbox
            .telegram
            .messages(user.id)
            .into_iter()
            .rev()
            .find(|it| button_data(it, "v1:cp:").is_some())
            .expect("the invoice offers card to card");
        let data = format!("v1:cp:{}", open.order);
        assert_eq!(button_data(&invoice, "v1:cp:"), Some(data.clone()));
        let offer = self.press(user, invoice.message_id, &data, |it| {
            has_text(it, "Card-to-card payment")
        });
        (open.order, offer)
    }

    /// Sends the receipt photo as `user` and waits for the bot's answer.
    fn send_receipt_photo(&self, user: &SimUser) -> BotMessage {
        let before = self.sandbox.telegram.messages(user.id).len();
        self.sandbox
            .telegram
            .send_photo(user, RECEIPT, None, serde_json::Value::Null);
        self.wait_new(user, before, |it| it.text.is_some())
    }

    /// The receipt as staff member `chat` got it (with its Approve button), once it arrives.
    fn staff_receipt(&self, staff: &SimUser, id: CardPaymentId) -> BotMessage {
        let approve = format!("v1:acpa:{id}");
        self.wait_new(staff, 0, |it| {
            button_data(it, "v1:acpa:").as_deref() == Some(approve.as_str())
        })
    }

    /// A second admin (role Admin) the fake Telegram knows.
    async fn second_admin(&self) -> SimUser {
        let admin = SimUser::new(1003, "Darya");
        self.sandbox.telegram.add_user(&admin);
        self.sandbox
            .app
            .deps
            .store
            .upsert_admin(
                TelegramId(admin.id),
                AdminRole::Admin,
                None,
                ajib_app::deps::now(),
            )
            .await
            .unwrap();
        admin
    }

    /// The one pending card payment of `order`.
    async fn pending_of(&self, order: OrderId) -> ajib_storage::CardPayment {
        self.sandbox
            .app
            .deps
            .store
            .pending_card_payment_of(order)
            .await
            .unwrap()
            .expect("a pending card payment")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_approving_the_same_receipt_at_once_grant_once() {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    let sara = env.user(0).clone();
    let owner = env.user(2).clone();
    let darya = env.second_admin().await;
    let (order, offer) = env.card_offer(&sara);
    // 3.00 USD at the demo card's 95,000 tomans a dollar, and the whole card number to copy.
    assert!(has_text(&offer, "285,000 IRT"), "{:?}", offer.text);
    assert!(has_text(&offer, "6037 0000 1234 5678"), "{:?}", offer.text);
    let answer = env.send_receipt_photo(&sara);
    assert!(has_text(&answer, "Receipt received"), "{:?}", answer.text);
    let payment = env.pending_of(order).await;
    assert_eq!(
        store.get_order(order).await.unwrap().unwrap().status,
        OrderStatus::Invoiced
    );

    // Both the owner and the admin get the photo itself, captioned, with the buttons.
    let to_owner = env.staff_receipt(&owner, payment.id);
    let to_darya = env.staff_receipt(&darya, payment.id);
    for it in [&to_owner, &to_darya] {
        assert_eq!(it.kind, MessageKind::Photo);
        assert_eq!(it.photo.as_deref(), Some(RECEIPT));
        assert!(has_text(it, "ending 5678"), "{:?}", it.text);
        assert!(
            !has_text(it, "6037 0000 1234"),
            "the staff see the last 4 digits only"
        );
    }

    // Both press Approve before either answer arrives.
    let approve = format!("v1:acpa:{}", payment.id);
    let owner_before = env.sandbox.telegram.messages(owner.id).len();
    let darya_before = env.sandbox.telegram.messages(darya.id).len();
    env.sandbox
        .telegram
        .press_button(&owner, to_owner.message_id, &approve);
    env.sandbox
        .telegram
        .press_button(&darya, to_darya.message_id, &approve);
    let decided = |it: &BotMessage| has_text(it, "approved");
    let owner_answer = env.wait_new(&owner, owner_before, decided);
    let darya_answer = env.wait_new(&darya, darya_before, decided);
    let answers = [&owner_answer, &darya_answer];
    let first = answers
        .iter()
        .filter(|it| has_text(it, "approved: order"))
        .count();
    let second = answers
        .iter()
        .filter(|it| has_text(it, "was already approved by"))
        .count();
    assert_eq!((first, second), (1, 1), "{answers:#?}");

    // Credited once, granted once, configured once.
    env.until_provisioned(order).await;
    let rows = store.ledger_for_order(order).await.unwrap();
    let causes: Vec<_> = rows
        .iter()
        .map(|it| (it.cause, it.delta_minor, it.invoice_uuid.clone()))
        .collect();
    assert_eq!(
        causes,
        [
            (
                LedgerCause::Payment,
                PRICE,
                Some(format!("card:{}", payment.id))
            ),
            (LedgerCause::Purchase, -PRICE, None),
        ]
    );
    until("the config arrives", async || {
        env.count(sara.id, "hy2://") >= 1
    })
    .await;
    assert_eq!(env.count(sara.id, "Payment received"), 1);
    let audit = store.recent_audit(20).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|it| it.action == "card_approve")
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_receipt_reaches_the_customer_with_its_reason() {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    let sara = env.user(0).clone();
    let owner = env.user(2).clone();
    let (order, _) = env.card_offer(&sara);
    let answer = env.say(&sara, "TX-778812", |it| it.text.is_some());
    assert!(has_text(&answer, "Receipt received"), "{:?}", answer.text);
    let payment = env.pending_of(order).await;
    let receipt = env.staff_receipt(&owner, payment.id);
    assert_eq!(receipt.kind, MessageKind::Text);
    assert!(has_text(&receipt, "TX-778812"), "{:?}", receipt.text);

    let ask = env.press(
        &owner,
        receipt.message_id,
        &format!("v1:acpr:{}", payment.id),
        |it| has_text(it, "Why is card payment"),
    );
    assert!(button_data(&ask, "v1:x").is_some());
    let sara_before = env.sandbox.telegram.messages(sara.id).len();
    let done = env.say(
        &owner,
        "No transfer <b>arrived</b> with this reference",
        |it| has_text(it, "rejected; the customer"),
    );
    assert!(has_text(&done, &payment.id.to_string()));
    let told = env.wait_new(&sara, sara_before, |it| has_text(it, "was not accepted"));
    // The reason arrives as the admin wrote it, escaped, never as markup.
    assert!(
        has_text(
            &told,
            "Reason: No transfer &lt;b&gt;arrived&lt;/b&gt; with this reference"
        ),
        "{:?}",
        told.text
    );
    let decided = store.card_payment(payment.id).await.unwrap().unwrap();
    assert_eq!(decided.state, CardState::Rejected);
    assert!(store.ledger_for_order(order).await.unwrap().is_empty());
    // A late Approve changes nothing and says who decided.
    let late = env.press(
        &owner,
        receipt.message_id,
        &format!("v1:acpa:{}", payment.id),
        |it| has_text(it, "already rejected by"),
    );
    assert!(has_text(&late, "Admin"), "{:?}", late.text);
    assert!(store.ledger_for_order(order).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecided_receipt_expires_with_a_notice() {
    let env = Env::start().await;
    let store = env.sandbox.app.deps.store.clone();
    let sara = env.user(0).clone();
    let owner = env.user(2).clone();
    let (order, _) = env.card_offer(&sara);
    env.send_receipt_photo(&sara);
    let payment = env.pending_of(order).await;
    let receipt = env.staff_receipt(&owner, payment.id);
    // Not yet due: nothing happens.
    ajib_app::core::card::round(&env.sandbox.app.deps, payment.expires.plus_secs(-1)).await;
    assert_eq!(env.pending_of(order).await.id, payment.id);
    let before = env.sandbox.telegram.messages(sara.id).len();
    ajib_app::core::card::round(&env.sandbox.app.deps, payment.expires).await;
    let notice = env.wait_new(&sara, before, |it| has_text(it, "Nobody could confirm"));
    assert!(has_text(&notice, "285,000 IRT"), "{:?}", notice.text);
    let expired = store.card_payment(payment.id).await.unwrap().unwrap();
    assert_eq!(expired.state, CardState::Expired);
    // Approving it now grants nothing.
    env.press(
        &owner,
        receipt.message_id,
        &format!("v1:acpa:{}", payment.id),
        |it| has_text(it, "has expired"),
    );
    assert!(store.ledger_for_order(order).await.unwrap().is_empty());
    ajib_app::core::card::round(&env.sandbox.app.deps, payment.expires.plus_secs(60)).await;
    assert_eq!(env.count(sara.id, "Nobody could confirm"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_has_one_pending_receipt() {
    let env = Env::start().await;
    let sara = env.user(0).clone();
    let owner = env.user(2).clone();
    let (order, offer) = env.card_offer(&sara);
    env.send_receipt_photo(&sara);
    let payment = env.pending_of(order).await;
    env.staff_receipt(&owner, payment.id);
    // Card to card again on the same order: refused, nothing stored, nobody disturbed.
    let invoice = env
        .sandbox
        .telegram
        .messages(sara.id)
        .into_iter()
        .find(|it| button_data(it, "v1:cp:").is_some())
        .unwrap();
    let again = env.press(&sara, invoice.message_id, &format!("v1:cp:{order}"), |it| {
        has_text(it, "already waiting for approval")
    });
    assert!(again.message_id > offer.message_id);
    // Even a receipt sent without the dialogue is not taken for this order.
    env.say(&sara, "TX-2", |it| it.text.is_some());
    let store = &env.sandbox.app.deps.store;
    assert_eq!(store.pending_card_payments(10).await.unwrap().len(), 1);
    assert_eq!(env.count(owner.id, "Card payment #"), 1);
}
