//! The free test account: one per user, provisioned like a purchase.

use ajib_domain::{TestPolicy, TestRefusal, test_eligibility};
use ajib_i18n::Arg;

use crate::{
    callback::Callback,
    deps::{Deps, now},
    format::traffic,
    keyboards::{button, inline, menu_only},
    ui::{Ctx, Reply, notice},
};

/// What the test includes, with a confirm button — or why the user cannot have it.
pub async fn offer(deps: &Deps, ctx: &Ctx) -> Reply {
    if let Err(id) = eligible(deps, ctx).await {
        return vec![ctx.screen(deps.t(ctx.lang, id, &[]), menu_only(deps, ctx.lang))];
    }
    let test = deps.settings.test_account;
    let text = deps.t(
        ctx.lang,
        "test-offer",
        &[
            ("days", Arg::from(test.days)),
            (
                "traffic",
                Arg::from(traffic(deps, ctx.lang, test.traffic_gb).as_str()),
            ),
        ],
    );
    let keyboard = inline(vec![
        vec![button(
            deps.t(ctx.lang, "btn-test-confirm", &[]),
            Callback::TestConfirm,
        )],
        vec![button(deps.t(ctx.lang, "btn-menu", &[]), Callback::Menu)],
    ]);
    vec![ctx.screen(text, keyboard)]
}

/// Takes the test account: one order per user, enforced by the database too.
pub async fn confirm(deps: &Deps, ctx: &Ctx) -> Reply {
    if let Err(id) = eligible(deps, ctx).await {
        return vec![ctx.screen(deps.t(ctx.lang, id, &[]), menu_only(deps, ctx.lang))];
    }
    match deps.store.create_test_order(ctx.user, now()).await {
        Ok((order, job)) => {
            log::info!(
                "test order {} for {} queued as job {job}",
                order.id,
                ctx.user
            );
            deps.provision_wake.notify_one();
            vec![ctx.screen(
                deps.t(ctx.lang, "test-granted", &[]),
                menu_only(deps, ctx.lang),
            )]
        }
        Err(ajib_storage::Error::TestAlreadyUsed { .. }) => {
            vec![ctx.screen(
                deps.t(ctx.lang, "test-refused-used", &[]),
                menu_only(deps, ctx.lang),
            )]
        }
        Err(err) => {
            log::error!("test order for {} failed: {err}", ctx.user);
            notice(deps, ctx, "error-generic")
        }
    }
}

/// `Ok` if the user may take a test now, else the message id explaining why not.
async fn eligible(deps: &Deps, ctx: &Ctx) -> Result<(), &'static str> {
    let test = deps.settings.test_account;
    let policy = TestPolicy {
        enabled: test.enabled,
        refuse_after_purchase: test.refuse_after_purchase,
    };
    let had_test = deps.store.has_test_order(ctx.user).await;
    let has_bought = deps.store.has_paid_order(ctx.user).await;
    let (Ok(had_test), Ok(has_bought)) = (had_test, has_bought) else {
        return Err("error-generic");
    };
    test_eligibility(policy, had_test, has_bought).map_err(|refusal| match refusal {
        TestRefusal::Disabled => "test-disabled",
        TestRefusal::AlreadyUsed => "test-refused-used",
        TestRefusal::AlreadyCustomer => "test-refused-customer",
    })
}
