//! The inbox of received updates: kept once, listed in order, forgotten when handled.

use crate::{db, ok, t};

#[tokio::test]
async fn updates_are_kept_once_until_handled() {
    let db = db();
    let batch = vec![(11, "{\"a\":1}".to_owned()), (10, "{\"b\":2}".to_owned())];
    assert_eq!(
        ok(db.store.keep_updates(batch.clone(), t(1)).await),
        [11, 10]
    );
    // Telegram delivers the same batch again: nothing new.
    assert_eq!(
        ok(db.store.keep_updates(batch, t(2)).await),
        Vec::<i64>::new()
    );
    let pending = ok(db.store.unhandled_updates(10).await);
    assert_eq!(pending.iter().map(|it| it.0).collect::<Vec<_>>(), [10, 11]);
    ok(db.store.updates_handled(vec![10]).await);
    let pending = ok(db.store.unhandled_updates(10).await);
    assert_eq!(pending, [(11, "{\"a\":1}".to_owned())]);
}
