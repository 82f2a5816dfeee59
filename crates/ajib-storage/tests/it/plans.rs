//! Plans: listing order, activation and updates.

use ajib_domain::{NewPlan, PlanId, PlanName};
use ajib_storage::Error;

use crate::{db, ok, t, usd};

fn new_plan(name: &str, days: u32, sort_order: i32, active: bool) -> ajib_domain::ValidPlan {
    let plan = NewPlan {
        name: PlanName {
            en: name.to_owned(),
            fa: format!("{name} fa"),
        },
        days,
        traffic_gb: 0,
        price: usd(i64::from(days) * 10),
        active,
        sort_order,
    };
    ok(plan.validate())
}

#[tokio::test]
async fn plans_list_in_menu_order_and_update_in_place() {
    let db = db();
    let year = ok(db
        .store
        .insert_plan(&new_plan("Year", 365, 2, true), t(1))
        .await);
    let month = ok(db
        .store
        .insert_plan(&new_plan("Month", 30, 1, true), t(1))
        .await);
    let hidden = ok(db
        .store
        .insert_plan(&new_plan("Old", 7, 0, false), t(1))
        .await);
    let names =
        |plans: Vec<ajib_domain::Plan>| plans.into_iter().map(|it| it.name.en).collect::<Vec<_>>();
    assert_eq!(
        names(ok(db.store.list_plans(true).await)),
        ["Month", "Year"]
    );
    assert_eq!(
        names(ok(db.store.list_plans(false).await)),
        ["Old", "Month", "Year"]
    );

    ok(db.store.set_plan_active(hidden.id, true, t(2)).await);
    ok(db.store.set_plan_active(year.id, false, t(2)).await);
    assert_eq!(names(ok(db.store.list_plans(true).await)), ["Old", "Month"]);

    let updated = ok(db
        .store
        .update_plan(month.id, &new_plan("Monthly", 31, 1, true), t(3))
        .await);
    assert_eq!(
        (updated.id, updated.days, updated.price.minor()),
        (month.id, 31, 310)
    );
    assert_eq!(updated.traffic_limit_bytes(), None);
    assert_eq!(ok(db.store.get_plan(month.id).await), Some(updated));
    assert_eq!(ok(db.store.get_plan(PlanId(999)).await), None);
    assert!(matches!(
        db.store
            .update_plan(PlanId(999), &new_plan("X", 1, 0, true), t(4))
            .await,
        Err(Error::NotFound { what: "plan" })
    ));
}

#[tokio::test]
async fn plans_move_up_and_down_in_menu_order() {
    let db = db();
    let names = |plans: Vec<ajib_domain::Plan>| -> Vec<String> {
        plans.into_iter().map(|it| it.name.en).collect()
    };
    // Equal sort orders, as imported plans often have: id decides until a move renumbers.
    let a = ok(db
        .store
        .insert_plan(&new_plan("A", 30, 0, true), t(1))
        .await);
    let b = ok(db
        .store
        .insert_plan(&new_plan("B", 30, 0, true), t(1))
        .await);
    let c = ok(db
        .store
        .insert_plan(&new_plan("C", 30, 0, false), t(1))
        .await);

    assert!(ok(db.store.move_plan(c.id, true, t(2)).await));
    assert_eq!(names(ok(db.store.list_plans(false).await)), ["A", "C", "B"]);
    assert!(ok(db.store.move_plan(a.id, false, t(3)).await));
    assert_eq!(names(ok(db.store.list_plans(false).await)), ["C", "A", "B"]);
    let orders: Vec<i32> = ok(db.store.list_plans(false).await)
        .into_iter()
        .map(|it| it.sort_order)
        .collect();
    assert_eq!(orders, [10, 20, 30]);

    // At either end nothing moves.
    assert!(!ok(db.store.move_plan(c.id, true, t(4)).await));
    assert!(!ok(db.store.move_plan(b.id, false, t(4)).await));
    assert_eq!(names(ok(db.store.list_plans(false).await)), ["C", "A", "B"]);
    assert!(matches!(
        db.store.move_plan(PlanId(999), true, t(5)).await,
        Err(Error::NotFound { what: "plan" })
    ));
}
