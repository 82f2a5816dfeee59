//! Referrals: attribution once at first contact, rewards exactly once with
//! the payment, the daily cap, and taking rewards back (refund, revoke).

use ajib_domain::{Currency, OrderId, TelegramId};
use ajib_storage::{
    Attribution, ConfirmedPayment, REFERRAL_CODE_LEN, ReferralMode, ReferralRules, RewardKind,
    RewardStatus, Settlement, Store, refusal,
};

use crate::{db, invoice, invoiced_order, ok, plan, t, usd, user};

const REFERRER: TelegramId = TelegramId(1);
const FRIEND: TelegramId = TelegramId(2);
const OTHER_FRIEND: TelegramId = TelegramId(3);

/// 1.00 per first purchase, a 0.50 welcome bonus, at most two rewards a day.
const RULES: ReferralRules = ReferralRules {
    reward_minor: 100,
    reward_days: 0,
    percent: 0,
    mode: ReferralMode::FirstPurchase,
    welcome_minor: 50,
    daily_cap: 2,
};

async fn balance(store: &Store, user: TelegramId) -> i64 {
    ok(store.balance(user, Currency::USD).await).minor()
}

/// A store with the referrer and `friends`, each attributed through the referrer's code, and `rules`.
async fn invited(rules: ReferralRules, friends: &[TelegramId]) -> crate::Db {
    let db = db();
    user(&db.store, REFERRER.0).await;
    ok(db.store.set_referral_rules(&rules, t(1_000)).await);
    let code = ok(db.store.referral_code(REFERRER, t(1_000)).await);
    for friend in friends {
        user(&db.store, friend.0).await;
        let res = ok(db.store.attribute_referral(*friend, &code, t(1_000)).await);
        assert_eq!(res, Attribution::Attributed { referrer: REFERRER });
    }
    db
}

/// `buyer` pays a new 5.00 order by invoice at `at`, settled as many times as `settles`.
async fn buy(store: &Store, buyer: TelegramId, at: i64, settles: u32) -> OrderId {
    let month = plan(store, 30, 500).await;
    let order = invoiced_order(store, buyer.0, &month, None).await;
    let payment = ConfirmedPayment {
        order: order.id,
        invoice_uuid: invoice(order.id).uuid,
        received: usd(500),
        grantable: true,
    };
    for n in 0..settles {
        let settled = ok(store.settle_payment(&payment, t(at)).await);
        match n {
            0 => assert!(matches!(settled, Settlement::Granted { .. }), "{settled:?}"),
            _ => assert_eq!(settled, Settlement::AlreadySettled),
        }
    }
    order.id
}

#[tokio::test]
async fn codes_are_short_opaque_and_stable() {
    let db = db();
    user(&db.store, REFERRER.0).await;
    let code = ok(db.store.referral_code(REFERRER, t(1_000)).await);
    assert_eq!(code.len(), REFERRAL_CODE_LEN);
    assert!(
        code.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    assert!(!code.contains(&REFERRER.0.to_string()));
    assert_eq!(ok(db.store.referral_code(REFERRER, t(2_000)).await), code);
    user(&db.store, FRIEND.0).await;
    assert_ne!(ok(db.store.referral_code(FRIEND, t(1_000)).await), code);
}

#[tokio::test]
async fn a_user_is_attributed_once_never_to_themselves_never_after_buying() {
    let db = invited(RULES, &[FRIEND]).await;
    let code = ok(db.store.referral_code(REFERRER, t(1_000)).await);
    let store = &db.store;
    assert_eq!(
        ok(store.attribute_referral(REFERRER, &code, t(1_100)).await),
        Attribution::SelfReferral
    );
    assert_eq!(
        ok(store.attribute_referral(FRIEND, &code, t(1_100)).await),
        Attribution::AlreadyKnown
    );
    assert_eq!(
        ok(store
            .attribute_referral(OTHER_FRIEND, "nosuchcd", t(1_100))
            .await),
        Attribution::UnknownCode
    );
    // Someone else's code does not move an attributed user either.
    user(store, OTHER_FRIEND.0).await;
    let other_code = ok(store.referral_code(OTHER_FRIEND, t(1_100)).await);
    assert_eq!(
        ok(store
            .attribute_referral(FRIEND, &other_code, t(1_100))
            .await),
        Attribution::AlreadyKnown
    );
    assert_eq!(ok(store.referrer_of(FRIEND).await), Some(REFERRER));
    // A user who ordered anything is not new, whatever the caller thinks.
    user(store, 4).await;
    let month = plan(store, 30, 500).await;
    invoiced_order(store, 4, &month, None).await;
    assert_eq!(
        ok(store
            .attribute_referral(TelegramId(4), &code, t(1_100))
            .await),
        Attribution::AlreadyKnown
    );
    // Codes are read case-blind: Telegram keeps the payload as typed.
    user(store, 5).await;
    assert_eq!(
        ok(store
            .attribute_referral(TelegramId(5), &code.to_ascii_uppercase(), t(1_100))
            .await),
        Attribution::Attributed { referrer: REFERRER }
    );
}

#[tokio::test]
async fn a_first_purchase_rewards_once_however_often_it_is_settled() {
    let db = invited(RULES, &[FRIEND]).await;
    let store = &db.store;
    let order = buy(store, FRIEND, 2_000, 3).await;
    // The confirm_paid path is the same transaction: still once.
    let again = ok(store
        .confirm_paid(order, &invoice(order).uuid, t(2_001))
        .await);
    assert_eq!(again, ajib_storage::PaidOutcome::AlreadyPaid);
    assert_eq!(balance(store, REFERRER).await, 100);
    assert_eq!(balance(store, FRIEND).await, 50, "the welcome bonus");
    let rewards = ok(store.rewards_of_referrer(REFERRER, 10).await);
    let kinds: Vec<_> = rewards.iter().map(|it| (it.kind, it.status)).collect();
    assert_eq!(
        kinds,
        [
            (RewardKind::Welcome, RewardStatus::Granted),
            (RewardKind::Referrer, RewardStatus::Granted)
        ]
    );
    // A second purchase earns nothing in `first` mode.
    buy(store, FRIEND, 3_000, 1).await;
    assert_eq!(balance(store, REFERRER).await, 100);
    assert_eq!(balance(store, FRIEND).await, 50);
    let summary = ok(store
        .referral_summary(REFERRER, Currency::USD, t(3_000))
        .await);
    assert_eq!((summary.invited, summary.waiting), (1, 0));
    assert_eq!(summary.earned, usd(100));
}

#[tokio::test]
async fn every_purchase_earns_a_share_in_every_mode() {
    let rules = ReferralRules {
        reward_minor: 10,
        reward_days: 0,
        percent: 10,
        mode: ReferralMode::EveryPurchase,
        welcome_minor: 0,
        daily_cap: 0,
    };
    let db = invited(rules, &[FRIEND]).await;
    let store = &db.store;
    buy(store, FRIEND, 2_000, 2).await;
    buy(store, FRIEND, 3_000, 1).await;
    // Twice (0.10 + 10% of 5.00).
    assert_eq!(balance(store, REFERRER).await, 2 * 60);
    assert_eq!(balance(store, FRIEND).await, 0);
}

#[tokio::test]
async fn paying_from_the_balance_is_a_purchase_and_a_test_account_is_not() {
    let db = invited(RULES, &[FRIEND]).await;
    let store = &db.store;
    // The free test account earns nothing.
    ok(store.create_test_order(FRIEND, t(1_500)).await);
    assert_eq!(balance(store, REFERRER).await, 0);
    // Money on the balance (an admin's credit here) buys a plan: that is the first purchase.
    ok(store
        .adjust_balance(FRIEND, Currency::USD, 500, TelegramId(99), "gift", t(1_600))
        .await);
    let month = plan(store, 30, 500).await;
    let order = invoiced_order(store, FRIEND.0, &month, None).await;
    ok(store.pay_from_balance(order.id, t(1_700)).await);
    assert_eq!(balance(store, REFERRER).await, 100);
    assert_eq!(balance(store, FRIEND).await, 50);
}

#[tokio::test]
async fn rewards_over_the_daily_cap_are_recorded_not_paid() {
    let fourth = TelegramId(4);
    let db = invited(RULES, &[FRIEND, OTHER_FRIEND, fourth]).await;
    let store = &db.store;
    buy(store, FRIEND, 10_000, 1).await;
    buy(store, OTHER_FRIEND, 20_000, 1).await;
    buy(store, fourth, 30_000, 1).await;
    assert_eq!(balance(store, REFERRER).await, 200, "two a day");
    let refused: Vec<_> = ok(store.rewards_of_referrer(REFERRER, 10).await)
        .into_iter()
        .filter(|it| it.status == RewardStatus::Refused)
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].referee, fourth);
    assert_eq!(refused[0].reason.as_deref(), Some(refusal::DAILY_CAP));
    // The invited user's own welcome bonus is not the referrer's and is not capped.
    assert_eq!(balance(store, fourth).await, 50);
    // A day after the first, there is room again.
    let fifth = TelegramId(5);
    user(store, fifth.0).await;
    let code = ok(store.referral_code(REFERRER, t(1_000)).await);
    ok(store.attribute_referral(fifth, &code, t(1_000)).await);
    buy(store, fifth, 10_000 + 86_400 + 1, 1).await;
    assert_eq!(balance(store, REFERRER).await, 300);
}

#[tokio::test]
async fn a_banned_referrer_earns_nothing() {
    let db = invited(RULES, &[FRIEND]).await;
    let store = &db.store;
    ok(store.set_user_banned(REFERRER, true).await);
    buy(store, FRIEND, 2_000, 1).await;
    assert_eq!(balance(store, REFERRER).await, 0);
    let rewards = ok(store.rewards_of_referrer(REFERRER, 10).await);
    assert!(
        rewards
            .iter()
            .any(|it| it.reason.as_deref() == Some(refusal::BANNED))
    );
}

#[tokio::test]
async fn a_refund_takes_the_rewards_back_once() {
    let db = invited(RULES, &[FRIEND]).await;
    let store = &db.store;
    let order = buy(store, FRIEND, 2_000, 1).await;
    let reversed = ok(store.reverse_rewards_for_refund(order, t(3_000)).await);
    assert_eq!(reversed.len(), 2);
    assert!(
        reversed
            .iter()
            .all(|it| it.status == RewardStatus::Reversed && it.taken_back == it.amount)
    );
    assert_eq!(balance(store, REFERRER).await, 0);
    assert_eq!(balance(store, FRIEND).await, 0);
    assert!(ok(store.reverse_rewards_for_refund(order, t(3_001)).await).is_empty());
    assert_eq!(balance(store, REFERRER).await, 0);
}

#[tokio::test]
async fn a_revoke_takes_back_what_is_left_once() {
    let db = invited(RULES, &[FRIEND]).await;
    let store = &db.store;
    buy(store, FRIEND, 2_000, 1).await;
    let admin = TelegramId(99);
    // The referrer spent 0.70 of the 1.00 already: 0.30 is left to take.
    ok(store
        .adjust_balance(REFERRER, Currency::USD, -70, admin, "spent", t(2_100))
        .await);
    let reward = ok(store.rewards_of_referrer(REFERRER, 10).await)
        .into_iter()
        .find(|it| it.kind == RewardKind::Referrer)
        .unwrap_or_else(|| panic!("a referrer reward"));
    let revoked = ok(store.revoke_reward(reward.id, admin, t(2_200)).await)
        .unwrap_or_else(|| panic!("revoked"));
    assert_eq!(revoked.status, RewardStatus::Revoked);
    assert_eq!(revoked.taken_back, usd(30));
    assert_eq!(revoked.closed_by, Some(admin));
    assert_eq!(balance(store, REFERRER).await, 0);
    assert_eq!(
        ok(store.revoke_reward(reward.id, admin, t(2_300)).await),
        None
    );
    assert_eq!(balance(store, REFERRER).await, 0);
}

#[tokio::test]
async fn statistics_count_referred_users_purchases_revenue_and_rewards() {
    let db = invited(RULES, &[FRIEND, OTHER_FRIEND]).await;
    let store = &db.store;
    buy(store, FRIEND, 2_000, 1).await;
    buy(store, FRIEND, 2_500, 1).await;
    let stats = ok(store.referral_stats(t(0), Currency::USD).await);
    assert_eq!(stats.referred_users, 2);
    assert_eq!(stats.paid_purchases, 2);
    assert_eq!(stats.revenue, usd(1_000));
    assert_eq!(stats.rewards_paid, usd(150));
    let top = ok(store.top_referrers(Currency::USD, 10).await);
    assert_eq!(top.len(), 1);
    assert_eq!(
        (top[0].user, top[0].invited, top[0].buyers),
        (REFERRER, 2, 1)
    );
    assert_eq!(top[0].earned, usd(100));
}

#[tokio::test]
async fn without_rules_nothing_is_paid() {
    let db = invited(ReferralRules::OFF, &[FRIEND]).await;
    buy(&db.store, FRIEND, 2_000, 1).await;
    assert_eq!(balance(&db.store, REFERRER).await, 0);
    assert!(ok(db.store.rewards_of_referrer(REFERRER, 10).await).is_empty());
}

#[tokio::test]
async fn reward_days_wait_are_applied_once_and_a_revoke_cancels_those_not_applied() {
    let days = ReferralRules {
        reward_minor: 0,
        reward_days: 7,
        welcome_minor: 0,
        ..RULES
    };
    let db = invited(days, &[FRIEND, OTHER_FRIEND]).await;
    let store = &db.store;
    buy(store, FRIEND, 2_000, 2).await;
    // Days only: nothing on the balance; one reward with days waiting.
    assert_eq!(balance(store, REFERRER).await, 0);
    let due = ok(store.due_reward_days(10).await);
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].referrer, due[0].days, due[0].applying),
        (REFERRER, 7, None)
    );
    // The referrer's own running service takes them.
    let own = buy(store, REFERRER, 2_100, 1).await;
    let own = ok(store.get_order(own).await).unwrap_or_else(|| panic!("the order"));
    let service = crate::provision(store, &own, t(90_000)).await;
    assert_eq!(
        ok(store.longest_running_service(REFERRER, t(2_300)).await).map(|it| it.id),
        Some(service.id)
    );
    assert!(ok(store
        .begin_reward_days(due[0].reward, service.id, 30)
        .await));
    assert!(
        !ok(store.begin_reward_days(due[0].reward, service.id, 30).await),
        "once"
    );
    assert_eq!(
        ok(store.due_reward_days(10).await)[0].applying,
        Some((service.id, 30)),
        "a resumed worker knows the days before"
    );
    let extended =
        ok(store.finish_reward_days(due[0].reward).await).unwrap_or_else(|| panic!("applied"));
    assert_eq!(extended.expires.0, service.expires.0 + 7 * 86_400);
    assert_eq!(
        ok(store.finish_reward_days(due[0].reward).await),
        None,
        "applied once"
    );
    assert!(ok(store.due_reward_days(10).await).is_empty());
    // A second friend's reward is revoked before its days were applied: they never are.
    buy(store, OTHER_FRIEND, 2_400, 1).await;
    let pending = ok(store.due_reward_days(10).await);
    assert_eq!(pending.len(), 1);
    ok(store
        .revoke_reward(pending[0].reward, TelegramId(99), t(2_500))
        .await);
    assert!(ok(store.due_reward_days(10).await).is_empty());
}
