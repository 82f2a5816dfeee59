//! Moving a service between panels: refusals, the name on the target, and the one-transaction switch.

use ajib_domain::{PanelId, Service, ServiceId, TelegramId, UnixTime};
use ajib_storage::{
    Actor, MailBody, MoveRefusal, MoveStart, MoveState, MovedService, NewMail, NewPanel,
    NewService, NewToken, PanelEdit, ServiceMove, Store,
};

use crate::{db, ok, paid_order, plan, provision, t, user};

const ADMIN: TelegramId = TelegramId(900);
/// Long after every test's "now".
const EXPIRES: i64 = 10_000_000;

async fn add_panel(store: &Store, name: &str) -> PanelId {
    let panel = NewPanel {
        name: name.to_owned(),
        location: format!("📍 {name}"),
        api_base: format!("https://{name}.example/api/v1"),
        token: NewToken::Stored("token".to_owned()),
        capacity: None,
    };
    ok(store.add_panel(&panel, t(1_000)).await).id
}

/// A user with one active service on the first panel.
async fn customer(store: &Store, id: i64) -> Service {
    user(store, id).await;
    let month = plan(store, 30, 500).await;
    let order = paid_order(store, id, &month, None).await;
    provision(store, &order, t(EXPIRES)).await
}

async fn start(store: &Store, service: ServiceId, to: PanelId) -> MoveStart {
    ok(store.start_move(service, to, ADMIN, t(5_000)).await)
}

async fn started(store: &Store, service: ServiceId, to: PanelId) -> ServiceMove {
    match start(store, service, to).await {
        MoveStart::Started(it) => it,
        MoveStart::Refused(why) => panic!("refused: {why:?}"),
    }
}

async fn check_refused(store: &Store, service: ServiceId, to: PanelId, expected: MoveRefusal) {
    assert_eq!(
        start(store, service, to).await,
        MoveStart::Refused(expected)
    );
}

fn config_mail(chat: i64) -> Vec<NewMail> {
    vec![NewMail {
        bot: None,
        chat: Some(chat),
        body: MailBody::Message {
            json: "{\"moved\":true}".to_owned(),
            attachment: None,
        },
    }]
}

async fn unsent(store: &Store) -> u64 {
    ok(store.mail_counts().await).unsent
}

#[tokio::test]
async fn a_move_starts_once_audited_as_the_admin() {
    let db = db();
    let service = customer(&db.store, 1).await;
    let target = add_panel(&db.store, "de-1").await;
    let moving = started(&db.store, service.id, target).await;
    assert_eq!(
        (
            moving.state,
            moving.from_panel,
            moving.to_panel,
            moving.requested_by
        ),
        (MoveState::Creating, PanelId::FIRST, target, ADMIN)
    );
    assert_eq!(moving.old_username, service.blitz_username);
    assert_eq!(moving.new_username, service.blitz_username, "the same name");
    assert_eq!(ok(db.store.open_moves().await), vec![moving.clone()]);
    assert_eq!(
        ok(db.store.open_move_of(service.id).await),
        Some(moving.clone())
    );
    let audit = ok(db.store.recent_audit(1).await);
    assert_eq!(audit[0].actor, Actor::Admin(ADMIN));
    assert_eq!(audit[0].action, "service.move");
    let after = audit[0].after_json.as_deref().unwrap_or_default();
    assert!(
        after.contains(&format!("\"to_panel\":{}", target.0)),
        "{after}"
    );

    check_refused(&db.store, service.id, target, MoveRefusal::AlreadyMoving).await;
    assert_eq!(ok(db.store.open_moves().await).len(), 1);
}

#[tokio::test]
async fn moves_that_make_no_sense_are_refused() {
    let db = db();
    let service = customer(&db.store, 1).await;
    let target = add_panel(&db.store, "de-1").await;
    check_refused(
        &db.store,
        service.id,
        PanelId::FIRST,
        MoveRefusal::SamePanel,
    )
    .await;
    check_refused(&db.store, ServiceId(999), target, MoveRefusal::NoService).await;
    check_refused(&db.store, service.id, PanelId(999), MoveRefusal::NoPanel).await;
    let off = PanelEdit {
        enabled: Some(false),
        ..PanelEdit::default()
    };
    ok(db.store.edit_panel(target, &off, t(2_000)).await);
    check_refused(&db.store, service.id, target, MoveRefusal::PanelDisabled).await;

    let other = add_panel(&db.store, "nl-1").await;
    let late = ok(db
        .store
        .start_move(service.id, other, ADMIN, t(EXPIRES))
        .await);
    assert_eq!(late, MoveStart::Refused(MoveRefusal::NotActive), "expired");
    assert_eq!(ok(db.store.open_moves().await), []);
    assert_eq!(
        ok(db.store.recent_audit(10).await),
        [],
        "refusals are not audited"
    );
}

#[tokio::test]
async fn a_name_taken_on_the_target_gets_a_deterministic_variant() {
    let db = db();
    let service = customer(&db.store, 1).await;
    let target = add_panel(&db.store, "de-1").await;
    // Another customer's service on the target already has the name.
    squat(
        &db.store,
        target,
        &service.blitz_username.to_uppercase(),
        2_000,
    )
    .await;
    let moving = started(&db.store, service.id, target).await;
    assert_eq!(
        moving.new_username,
        format!("{}_m{}", service.blitz_username, moving.id)
    );
}

#[tokio::test]
async fn the_switch_moves_the_service_and_queues_the_configs_once() {
    let db = db();
    let service = customer(&db.store, 1).await;
    let target = add_panel(&db.store, "de-1").await;
    let moving = started(&db.store, service.id, target).await;
    let before = unsent(&db.store).await;
    let moved = MovedService {
        traffic_limit_bytes: Some(7 << 30),
    };
    assert!(ok(db
        .store
        .switch_move(moving.id, &moved, config_mail(1), t(6_000))
        .await));
    let now_on = ok(db.store.get_service(service.id).await).unwrap();
    assert_eq!(
        (
            now_on.panel,
            now_on.blitz_username.as_str(),
            now_on.traffic_limit_bytes
        ),
        (target, moving.new_username.as_str(), Some(7 << 30))
    );
    assert_eq!(now_on.expires, service.expires, "the same expiry");
    assert_eq!(unsent(&db.store).await, before + 1);
    let state = ok(db.store.get_move(moving.id).await).map(|it| it.state);
    assert_eq!(state, Some(MoveState::Removing));

    // Repeated (a crash after the commit): nothing changes, nothing is queued.
    assert!(!ok(db
        .store
        .switch_move(moving.id, &moved, config_mail(1), t(6_500))
        .await));
    assert_eq!(unsent(&db.store).await, before + 1);
    let reason = "too late to fail";
    assert!(!ok(db
        .store
        .fail_move(moving.id, reason, config_mail(ADMIN.0), t(6_600))
        .await));

    assert!(ok(db
        .store
        .finish_move(moving.id, config_mail(ADMIN.0), t(7_000))
        .await));
    assert!(!ok(db
        .store
        .finish_move(moving.id, config_mail(ADMIN.0), t(7_100))
        .await));
    assert_eq!(
        unsent(&db.store).await,
        before + 2,
        "the admin's notice once"
    );
    assert_eq!(ok(db.store.open_moves().await), []);
    // Done: the service may move again (back, even).
    started(&db.store, service.id, PanelId::FIRST).await;
}

#[tokio::test]
async fn a_switch_that_cannot_apply_changes_nothing() {
    let db = db();
    let service = customer(&db.store, 1).await;
    let target = add_panel(&db.store, "de-1").await;
    let moving = started(&db.store, service.id, target).await;
    // Between the start and the switch, another service took the name on the target.
    squat(&db.store, target, &moving.new_username, 5_500).await;
    let before = unsent(&db.store).await;
    let moved = MovedService {
        traffic_limit_bytes: None,
    };
    let res = db
        .store
        .switch_move(moving.id, &moved, config_mail(1), t(6_000))
        .await;
    assert!(res.is_err(), "{res:?}");
    assert_eq!(unsent(&db.store).await, before, "no config queued");
    assert_eq!(ok(db.store.get_service(service.id).await), Some(service));
    let state = ok(db.store.get_move(moving.id).await).map(|it| it.state);
    assert_eq!(state, Some(MoveState::Creating));

    assert!(ok(db
        .store
        .fail_move(moving.id, "name taken", config_mail(ADMIN.0), t(6_100))
        .await));
    let failed = ok(db.store.get_move(moving.id).await).unwrap();
    assert_eq!(
        (failed.state, failed.last_error.as_deref()),
        (MoveState::Failed, Some("name taken"))
    );
    assert_eq!(unsent(&db.store).await, before + 1);
}

#[tokio::test]
async fn retries_count_and_wait_per_step() {
    let db = db();
    let service = customer(&db.store, 1).await;
    let target = add_panel(&db.store, "de-1").await;
    let moving = started(&db.store, service.id, target).await;
    assert_eq!(ok(db.store.due_moves(t(5_000)).await).len(), 1);
    assert_eq!(
        ok(db
            .store
            .retry_move(moving.id, "502", t(5_010), t(5_001))
            .await),
        1
    );
    assert_eq!(
        ok(db
            .store
            .retry_move(moving.id, "502", t(5_020), t(5_011))
            .await),
        2
    );
    assert_eq!(ok(db.store.due_moves(t(5_019)).await), []);
    let due = ok(db.store.due_moves(t(5_020)).await);
    assert_eq!(
        due.iter()
            .map(|it| (it.attempts, it.last_error.as_deref()))
            .collect::<Vec<_>>(),
        [(2, Some("502"))]
    );
    let moved = MovedService {
        traffic_limit_bytes: None,
    };
    ok(db
        .store
        .switch_move(moving.id, &moved, Vec::new(), t(5_030))
        .await);
    let removing = ok(db.store.get_move(moving.id).await).unwrap();
    assert_eq!(
        (removing.attempts, removing.last_error, removing.next_at),
        (0, None, UnixTime(5_030)),
        "the next step starts afresh"
    );
}

/// Another customer (user 2) gets a service named `name` on `panel` at `at`.
async fn squat(store: &ajib_storage::Store, panel: ajib_domain::PanelId, name: &str, at: i64) {
    user(store, 2).await;
    let month = plan(store, 30, 500).await;
    let order = paid_order(store, 2, &month, None).await;
    let squatter = NewService {
        user: TelegramId(2),
        panel,
        blitz_username: name.to_owned(),
        plan: Some(month.id),
        is_test: false,
        expires: t(EXPIRES),
        traffic_limit_bytes: None,
    };
    ok(store
        .insert_service_and_mark_provisioned(order.id, &squatter, t(at))
        .await);
}
