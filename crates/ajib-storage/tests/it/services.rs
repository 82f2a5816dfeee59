//! Provisioning idempotence, renewals, expiry queries and reminders.

use ajib_domain::{OrderStatus, ServiceId, ServiceStatus, TelegramId, UnixTime};
use ajib_storage::{Error, NewService};

use crate::{db, ok, paid_order, plan, provision, t, user};

#[tokio::test]
async fn provisioning_twice_returns_the_same_service() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = paid_order(&db.store, 1, &month, None).await;
    let first = provision(&db.store, &order, t(100_000)).await;
    let second = provision(&db.store, &order, t(999_999)).await;
    assert_eq!(first, second);
    assert_eq!(first.expires, t(100_000));
    assert_eq!(first.blitz_username, format!("ajib_1_{}", order.id.0));
    assert_eq!(ok(db.store.services_of_user(TelegramId(1)).await).len(), 1);
    let stored = ok(db.store.get_order(order.id).await);
    assert_eq!(
        stored.map(|it| (it.status, it.service)),
        Some((OrderStatus::Provisioned, Some(first.id)))
    );
    let found = ok(db
        .store
        .find_service_by_blitz_username(&first.blitz_username)
        .await);
    assert_eq!(found, Some(first));
}

#[tokio::test]
async fn an_unpaid_order_cannot_be_provisioned() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = crate::invoiced_order(&db.store, 1, &month, None).await;
    let new = NewService {
        user: TelegramId(1),
        panel: ajib_domain::PanelId::FIRST,
        blitz_username: "ajib_1_1".to_owned(),
        plan: Some(month.id),
        is_test: false,
        expires: t(9),
        traffic_limit_bytes: None,
    };
    assert!(matches!(
        db.store
            .insert_service_and_mark_provisioned(order.id, &new, t(5))
            .await,
        Err(Error::IllegalTransition(_))
    ));
    assert_eq!(ok(db.store.services_of_user(TelegramId(1)).await), []);
}

#[tokio::test]
async fn renewal_records_its_target_once_and_extends_once() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = paid_order(&db.store, 1, &month, None).await;
    let service = provision(&db.store, &order, t(100_000)).await;

    let renewal = paid_order(&db.store, 1, &month, Some(service.id)).await;
    assert_eq!(ok(db.store.renewal_target_days(renewal.id).await), None);
    assert_eq!(
        ok(db.store.set_renewal_target_days(renewal.id, 41).await),
        41
    );
    assert_eq!(
        ok(db.store.set_renewal_target_days(renewal.id, 71).await),
        41,
        "a retry must not move the target"
    );
    assert_eq!(ok(db.store.renewal_target_days(renewal.id).await), Some(41));

    let wrong = db
        .store
        .extend_service_and_mark_provisioned(renewal.id, ServiceId(service.id.0 + 1), t(1), t(1))
        .await;
    assert!(matches!(wrong, Err(Error::Conflict { .. })));
    let new_expires = UnixTime(100_000).plus_days(30);
    let extended = ok(db
        .store
        .extend_service_and_mark_provisioned(renewal.id, service.id, new_expires, t(3_000))
        .await);
    assert_eq!(extended.expires, new_expires);
    let again = ok(db
        .store
        .extend_service_and_mark_provisioned(renewal.id, service.id, t(1), t(4_000))
        .await);
    assert_eq!(again, extended, "a repeated call changes nothing");
    let stored = ok(db.store.get_order(renewal.id).await);
    assert_eq!(
        stored.map(|it| (it.status, it.service)),
        Some((OrderStatus::Provisioned, Some(service.id)))
    );

    // A renewal order cannot create a second service.
    let renewal2 = paid_order(&db.store, 1, &month, Some(service.id)).await;
    let new = NewService {
        user: TelegramId(1),
        panel: ajib_domain::PanelId::FIRST,
        blitz_username: "ajib_1_x".to_owned(),
        plan: Some(month.id),
        is_test: false,
        expires: t(9),
        traffic_limit_bytes: None,
    };
    assert!(matches!(
        db.store
            .insert_service_and_mark_provisioned(renewal2.id, &new, t(5))
            .await,
        Err(Error::Conflict { .. })
    ));
}

#[tokio::test]
async fn expiring_active_and_expire_sweep() {
    let db = db();
    let month = plan(&db.store, 30, 500).await;
    let mut services = Vec::new();
    for (id, expires) in [(1, 1_000), (2, 5_000), (3, 20_000)] {
        user(&db.store, id).await;
        let order = paid_order(&db.store, id, &month, None).await;
        services.push(provision(&db.store, &order, t(expires)).await.id);
    }
    let expiring = |now, within| db.store.services_expiring(t(now), within);
    let ids =
        |list: Vec<ajib_domain::Service>| list.into_iter().map(|it| it.id).collect::<Vec<_>>();
    assert_eq!(ids(ok(expiring(2_000, 10_000).await)), [services[1]]);
    assert_eq!(ids(ok(expiring(0, 20_000).await)), services);
    assert_eq!(ids(ok(expiring(5_000, 100).await)), []);

    ok(db
        .store
        .set_service_status(services[2], ServiceStatus::Disabled)
        .await);
    assert_eq!(
        ids(ok(db.store.active_services().await)),
        [services[0], services[1]]
    );
    assert_eq!(ok(db.store.expire_services(t(5_000)).await), 2);
    assert_eq!(ids(ok(db.store.active_services().await)), []);
    let expired = ok(db.store.get_service(services[0]).await);
    assert_eq!(expired.map(|it| it.status), Some(ServiceStatus::Expired));
}

#[tokio::test]
async fn reminders_go_out_once_per_threshold() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = paid_order(&db.store, 1, &month, None).await;
    let service = provision(&db.store, &order, t(100_000)).await;
    assert!(ok(db
        .store
        .mark_reminder_sent(service.id, "3d", t(1))
        .await));
    assert!(!ok(db
        .store
        .mark_reminder_sent(service.id, "3d", t(2))
        .await));
    assert!(ok(db
        .store
        .mark_reminder_sent(service.id, "1d", t(3))
        .await));
}

#[tokio::test]
async fn an_operator_sets_the_expiry_and_revives_an_expired_service() {
    let db = db();
    user(&db.store, 1).await;
    let month = plan(&db.store, 30, 500).await;
    let order = paid_order(&db.store, 1, &month, None).await;
    let service = provision(&db.store, &order, t(10_000)).await;
    assert_eq!(ok(db.store.expire_services(t(20_000)).await), 1);

    let check = |expires: i64, now: i64, status: ServiceStatus| {
        let store = db.store.clone();
        async move {
            let stored = ok(store
                .set_service_expiry(service.id, t(expires), t(now))
                .await);
            assert_eq!((stored.expires, stored.status), (t(expires), status));
            assert_eq!(ok(store.get_service(service.id).await), Some(stored));
        }
    };
    check(15_000, 20_000, ServiceStatus::Expired).await;
    check(50_000, 20_000, ServiceStatus::Active).await;
    ok(db
        .store
        .set_service_status(service.id, ServiceStatus::Disabled)
        .await);
    check(60_000, 20_000, ServiceStatus::Disabled).await;
    assert!(matches!(
        db.store
            .set_service_expiry(ServiceId(999), t(1), t(1))
            .await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn active_services_come_a_page_at_a_time_in_id_order() {
    let db = db();
    let month = plan(&db.store, 30, 500).await;
    let mut ids = Vec::new();
    for user_id in 1..=5 {
        user(&db.store, user_id).await;
        let order = paid_order(&db.store, user_id, &month, None).await;
        ids.push(provision(&db.store, &order, t(50_000)).await.id);
    }
    ok(db
        .store
        .set_service_status(ids[1], ServiceStatus::Disabled)
        .await);
    let mut paged = Vec::new();
    let mut after = ServiceId(0);
    loop {
        let page = ok(db.store.active_services_after(after, 2).await);
        let Some(last) = page.last() else { break };
        after = last.id;
        paged.extend(page.iter().map(|it| it.id));
    }
    let whole: Vec<_> = ok(db.store.active_services().await)
        .iter()
        .map(|it| it.id)
        .collect();
    assert_eq!(paged, whole);
    assert_eq!(paged, [ids[0], ids[2], ids[3], ids[4]]);
}
