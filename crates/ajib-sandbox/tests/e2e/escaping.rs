//! Text from people (plan names, user names) never breaks a message: the
//! i18n layer escapes every text argument, and button labels take it as it is (issue 15).

use ajib_domain::{Money, NewPlan, PlanName};
use serde_json::Value;

use crate::support::{Env, button_data, has_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_name_with_markup_is_escaped_in_messages_and_plain_on_buttons() {
    let env = Env::start().await;
    let store = &env.sandbox.app.deps.store;
    let currency = env.sandbox.app.deps.settings.currency;
    let plan = NewPlan {
        name: PlanName {
            en: "Fast & <Far>".to_owned(),
            fa: "سریع & <دور>".to_owned(),
        },
        days: 7,
        traffic_gb: 10,
        price: Money::from_minor(100, currency).unwrap(),
        active: true,
        sort_order: -1,
    };
    let plan = store
        .insert_plan(&plan.validate().unwrap(), ajib_app::deps::now())
        .await
        .unwrap();
    let user = env.user(0).clone();
    let picker = env.say(&user, "/start", |it| button_data(it, "v1:l:").is_some());
    let menu = env.press(&user, picker.message_id, "v1:l:en", |it| {
        button_data(it, "v1:ps").is_some()
    });
    let plans = env.press(&user, menu.message_id, "v1:ps", |it| {
        button_data(it, &format!("v1:p:{}", plan.id)).is_some()
    });
    let labels: Vec<String> = plans
        .keyboard
        .as_ref()
        .and_then(|it| it.get("inline_keyboard"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|button| {
            button
                .get("text")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    assert!(
        labels.iter().any(|it| it.starts_with("Fast & <Far> ·")),
        "{labels:?}"
    );
    let details = env.press(
        &user,
        plans.message_id,
        &format!("v1:p:{}", plan.id),
        |it| has_text(it, "Far"),
    );
    let text = details.text.unwrap_or_default();
    assert!(text.contains("Fast &amp; &lt;Far&gt;"), "{text}");
    assert!(
        env.sandbox.telegram.violations().is_empty(),
        "{:?}",
        env.sandbox.telegram.violations()
    );
}
