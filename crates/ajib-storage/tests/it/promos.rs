//! Promo codes: validation, pricing orders with them, and uses taken exactly once per paid order.

use ajib_domain::{Order, OrderStatus, Plan, TelegramId};
use ajib_storage::{
    Actor, ConfirmedPayment, Error, NewOrder, NewPromo, Promo, PromoDraft, PromoKey, PromoQuote,
    PromoRefusal, Settlement, Store,
};

use crate::{db, invoice, ok, plan, t, usd, user};

/// `code` with `percent` off and the limits of `extra`.
async fn add(store: &Store, extra: PromoDraft) -> Promo {
    let promo: NewPromo = ok(extra.validate(ajib_domain::Currency::USD));
    ok(store.add_promo(&promo, Actor::Cli, t(1_000)).await)
}

fn percent(code: &str, percent: u32) -> PromoDraft {
    PromoDraft {
        code: code.to_owned(),
        percent: Some(percent),
        ..PromoDraft::default()
    }
}

fn new_order(user: i64, plan: &Plan) -> NewOrder {
    NewOrder {
        user: TelegramId(user),
        plan: plan.id,
        renews: None,
        amount: plan.price,
        note: None,
        location: None,
    }
}

async fn quote(store: &Store, code: &str, user: i64, plan: &Plan) -> Result<PromoQuote, Error> {
    store
        .quote_promo(
            PromoKey::Text(code),
            TelegramId(user),
            plan.id,
            plan.price,
            t(2_000),
        )
        .await
}

fn refusal(res: Result<impl std::fmt::Debug, Error>) -> PromoRefusal {
    match res {
        Err(Error::PromoRefused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// An order of `plan` for `user` with `promo`, invoiced.
async fn promo_order(store: &Store, user: i64, plan: &Plan, promo: &Promo) -> Order {
    let (order, _) = ok(store
        .create_promo_order(&new_order(user, plan), promo.id, t(1_500))
        .await);
    ok(store
        .set_invoiced(order.id, &invoice(order.id), t(1_600), t(1_500))
        .await)
}

async fn pay(store: &Store, order: &Order) -> Settlement {
    let payment = ConfirmedPayment {
        order: order.id,
        invoice_uuid: invoice(order.id).uuid,
        received: order.invoice_amount,
        grantable: true,
    };
    ok(store.settle_payment(&payment, t(2_000)).await)
}

async fn uses(store: &Store, promo: &Promo) -> u32 {
    ok(store.get_promo(PromoKey::Id(promo.id)).await)
        .map(|it| it.uses)
        .unwrap_or(u32::MAX)
}

#[tokio::test]
async fn a_code_prices_the_order_and_is_found_in_any_case() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let promo = add(&db.store, percent("Spring", 20)).await;
    assert_eq!(promo.code, "SPRING");
    let quoted = ok(quote(&db.store, " spring ", 1, &month).await);
    assert_eq!(quoted.price.amount, usd(400));
    let order = promo_order(&db.store, 1, &month, &promo).await;
    assert_eq!(order.amount, usd(400));
    let carried = ok(db.store.order_promo(order.id).await).unwrap();
    assert_eq!(
        (
            carried.code.as_str(),
            carried.price.list,
            carried.price.discount(),
            carried.used
        ),
        ("SPRING", usd(500), usd(100), false)
    );
    // The same text twice is refused.
    let again = ok(percent("SPRING", 5).validate(ajib_domain::Currency::USD));
    assert!(matches!(
        db.store.add_promo(&again, Actor::Cli, t(1_000)).await,
        Err(Error::Conflict { .. })
    ));
    // A plan that does not exist is refused, and nothing is stored.
    let stray = ok(PromoDraft {
        plans: Some("99".to_owned()),
        ..percent("STRAY", 5)
    }
    .validate(ajib_domain::Currency::USD));
    assert!(matches!(
        db.store.add_promo(&stray, Actor::Cli, t(1_000)).await,
        Err(Error::NotFound { what: "plan" })
    ));
    assert_eq!(ok(db.store.list_promos().await).len(), 1);
}

#[tokio::test]
async fn each_rule_refuses_with_its_reason_and_stores_nothing() {
    let db = db();
    for id in [1, 2] {
        user(&db.store, id).await;
    }
    let month = plan(&db.store, 30, 500).await;
    let year = plan(&db.store, 365, 4_000).await;
    assert_eq!(
        refusal(quote(&db.store, "NOPE", 1, &month).await),
        PromoRefusal::Unknown
    );
    assert_eq!(
        refusal(quote(&db.store, "بهار", 1, &month).await),
        PromoRefusal::Unknown
    );
    add(
        &db.store,
        PromoDraft {
            until: Some("1970-01-01".to_owned()),
            ..percent("OLD", 10)
        },
    )
    .await;
    // It worked through its last day (UTC), not a second longer.
    let on = |secs| {
        db.store.quote_promo(
            PromoKey::Text("old"),
            TelegramId(1),
            month.id,
            month.price,
            t(secs),
        )
    };
    assert!(on(86_399).await.is_ok());
    assert_eq!(refusal(on(86_400).await), PromoRefusal::Expired);
    add(
        &db.store,
        PromoDraft {
            from: Some("2100-01-01".to_owned()),
            ..percent("LATER", 10)
        },
    )
    .await;
    assert_eq!(
        refusal(quote(&db.store, "LATER", 1, &month).await),
        PromoRefusal::NotStarted
    );
    add(
        &db.store,
        PromoDraft {
            plans: Some(year.id.0.to_string()),
            ..percent("YEARLY", 10)
        },
    )
    .await;
    assert_eq!(
        refusal(quote(&db.store, "YEARLY", 1, &month).await),
        PromoRefusal::NotForPlan
    );
    assert!(quote(&db.store, "YEARLY", 1, &year).await.is_ok());
    let off = add(&db.store, percent("OFF", 10)).await;
    ok(db
        .store
        .set_promo_enabled(PromoKey::Text("off"), false, Actor::Cli, t(1_100))
        .await);
    assert_eq!(
        refusal(quote(&db.store, "OFF", 1, &month).await),
        PromoRefusal::Disabled
    );
    // The order is checked again when it is made: nothing is stored.
    assert_eq!(
        refusal(
            db.store
                .create_promo_order(&new_order(1, &month), off.id, t(1_500))
                .await
        ),
        PromoRefusal::Disabled
    );
    assert!(ok(db.store.orders_of_user(TelegramId(1)).await).is_empty());
    // The disabling is audited.
    let audit = ok(db.store.recent_audit(1).await);
    assert_eq!(audit[0].action, "promo.disable");
}

#[tokio::test]
async fn unpaid_orders_use_nothing_and_a_paid_one_uses_once() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let promo = add(
        &db.store,
        PromoDraft {
            uses: Some(1),
            ..percent("ONCE", 50)
        },
    )
    .await;
    let first = promo_order(&db.store, 1, &month, &promo).await;
    let second = promo_order(&db.store, 1, &month, &promo).await;
    assert_eq!(uses(&db.store, &promo).await, 0);
    // Two unpaid orders hold nothing: the code still applies.
    assert!(quote(&db.store, "ONCE", 1, &month).await.is_ok());
    assert!(matches!(
        pay(&db.store, &first).await,
        Settlement::Granted { .. }
    ));
    assert_eq!(uses(&db.store, &promo).await, 1);
    // Settled again: the same use, not another.
    assert_eq!(pay(&db.store, &first).await, Settlement::AlreadySettled);
    assert_eq!(uses(&db.store, &promo).await, 1);
    assert_eq!(
        refusal(quote(&db.store, "ONCE", 1, &month).await),
        PromoRefusal::UsedUp
    );
    // The second order's payment arrives after the last use went: it stays on
    // the balance and the order is not granted at the discount.
    assert_eq!(
        pay(&db.store, &second).await,
        Settlement::Credited { amount: usd(250) }
    );
    let second = ok(db.store.get_order(second.id).await).unwrap();
    assert_eq!(second.status, OrderStatus::Failed);
    assert_eq!(
        ok(db.store.balance(TelegramId(1), usd(0).currency()).await),
        usd(250)
    );
    assert!(!ok(db.store.order_promo(second.id).await).unwrap().used);
    assert_eq!(uses(&db.store, &promo).await, 1);
}

#[tokio::test]
async fn the_per_user_limit_and_first_purchase_only_hold_at_payment_too() {
    let db = db();
    for id in [1, 2] {
        user(&db.store, id).await;
    }
    let month = plan(&db.store, 30, 500).await;
    let mine = add(
        &db.store,
        PromoDraft {
            per_user: Some(1),
            ..percent("MINE", 10)
        },
    )
    .await;
    let a = promo_order(&db.store, 1, &month, &mine).await;
    let b = promo_order(&db.store, 1, &month, &mine).await;
    assert!(matches!(
        pay(&db.store, &a).await,
        Settlement::Granted { .. }
    ));
    assert_eq!(
        refusal(quote(&db.store, "MINE", 1, &month).await),
        PromoRefusal::AlreadyUsed
    );
    assert!(quote(&db.store, "MINE", 2, &month).await.is_ok());
    assert!(matches!(
        pay(&db.store, &b).await,
        Settlement::Credited { .. }
    ));
    assert_eq!(uses(&db.store, &mine).await, 1);

    let first = add(
        &db.store,
        PromoDraft {
            first_purchase_only: true,
            ..percent("FIRST", 10)
        },
    )
    .await;
    assert_eq!(
        refusal(quote(&db.store, "FIRST", 1, &month).await),
        PromoRefusal::FirstPurchaseOnly
    );
    let c = promo_order(&db.store, 2, &month, &first).await;
    let d = promo_order(&db.store, 2, &month, &first).await;
    assert!(matches!(
        pay(&db.store, &c).await,
        Settlement::Granted { .. }
    ));
    assert!(matches!(
        pay(&db.store, &d).await,
        Settlement::Credited { .. }
    ));
    // Paying from the balance is refused the same way, and takes nothing:
    // two orders made while the code applied, the first paid by invoice.
    let g = promo_order(&db.store, 2, &month, &mine).await;
    let h = promo_order(&db.store, 2, &month, &mine).await;
    assert!(matches!(
        pay(&db.store, &g).await,
        Settlement::Granted { .. }
    ));
    let before = ok(db.store.balance(TelegramId(2), usd(0).currency()).await);
    assert!(before.minor() >= h.amount.minor(), "{before}");
    assert_eq!(
        refusal(db.store.pay_from_balance(h.id, t(2_100)).await),
        PromoRefusal::AlreadyUsed
    );
    assert_eq!(
        ok(db.store.balance(TelegramId(2), usd(0).currency()).await),
        before
    );
    assert_eq!(uses(&db.store, &mine).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_payments_racing_for_the_last_use_get_one_discount() {
    for round in 0..10 {
        let db = db();
        for id in [1, 2] {
            user(&db.store, id).await;
        }
        let month = plan(&db.store, 30, 500).await;
        let promo = add(
            &db.store,
            PromoDraft {
                uses: Some(1),
                ..percent("LAST", 20)
            },
        )
        .await;
        let a = promo_order(&db.store, 1, &month, &promo).await;
        let b = promo_order(&db.store, 2, &month, &promo).await;
        let tasks = [a, b].map(|order| {
            let store = db.store.clone();
            tokio::spawn(async move { pay(&store, &order).await })
        });
        let mut granted = 0;
        for task in tasks {
            match ok(task.await) {
                Settlement::Granted { .. } => granted += 1,
                Settlement::Credited { amount } => assert_eq!(amount, usd(400)),
                Settlement::AlreadySettled => panic!("round {round}: settled twice"),
            }
        }
        assert_eq!(granted, 1, "round {round}");
        assert_eq!(uses(&db.store, &promo).await, 1, "round {round}");
        let stats = ok(db.store.promo_stats().await);
        assert_eq!(stats.len(), 1);
        assert_eq!(
            (stats[0].uses, stats[0].revenue, stats[0].discount),
            (1, usd(400), usd(100))
        );
    }
}

#[tokio::test]
async fn bonus_days_keep_the_price_and_ride_on_the_order() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let week = add(
        &db.store,
        PromoDraft {
            code: "WEEK".to_owned(),
            days: Some(7),
            ..PromoDraft::default()
        },
    )
    .await;
    let order = promo_order(&db.store, 1, &month, &week).await;
    assert_eq!(order.amount, usd(500));
    // A purchase without the code never reuses the invoice made with it.
    let open = ok(db
        .store
        .open_invoice(&new_order(1, &month), usd(500), t(1_700))
        .await);
    assert_eq!(open, None);
    let quote = ok(quote(&db.store, "week", 1, &month).await);
    let reused = ok(db
        .store
        .open_promo_invoice(&new_order(1, &month), &quote, usd(500), t(1_700))
        .await);
    assert_eq!(reused.map(|it| it.id), Some(order.id));
    let carried = ok(db.store.order_promo(order.id).await).unwrap();
    assert_eq!(carried.price.bonus_days, 7);
    assert!(matches!(
        pay(&db.store, &order).await,
        Settlement::Granted { .. }
    ));
    assert!(ok(db.store.order_promo(order.id).await).unwrap().used);
}
