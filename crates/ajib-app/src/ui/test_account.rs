//! The free test account: one per user, provisioned like a purchase.

use ajib_domain::{TestPolicy, TestRefusal, test_eligibility};
use ajib_i18n::Arg;

use crate::{
    callback::Callback,
    deps::{Deps, now},
    format::traffic,
    keyboards::{button, inline, menu_only},
    ui::{Ctx, Handled, HandlerError},
};

/// What the test includes, with a confirm button — or why the user cannot have it.
pub async fn offer(deps: &Deps, ctx: &Ctx) -> Handled {
    if let Some(refusal) = refusal(deps, ctx).await? {
        return Ok(vec![ctx.screen(
            deps.t(ctx.lang, refusal, &[]),
            menu_only(deps, ctx.lang),
        )]);
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
    Ok(vec![ctx.screen(text, keyboard)])
}

/// Takes the test account: one order per user, enforced by the database too.
pub async fn confirm(deps: &Deps, ctx: &Ctx) -> Handled {
    if let Some(refusal) = refusal(deps, ctx).await? {
        return Ok(vec![ctx.screen(
            deps.t(ctx.lang, refusal, &[]),
            menu_only(deps, ctx.lang),
        )]);
    }
    let id = match deps.store.create_test_order(ctx.user, now()).await {
        Ok((order, job)) => {
            log::info!(
                "test order {} for {} queued as job {job}",
                order.id,
                ctx.user
            );
            deps.provision_wake.notify_one();
            "test-granted"
        }
        // A racing second tap lost to the database's one-test-per-user rule.
        Err(ajib_storage::Error::TestAlreadyUsed { .. }) => "test-refused-used",
        Err(err) => return Err(err.into()),
    };
    Ok(vec![ctx.screen(
        deps.t(ctx.lang, id, &[]),
        menu_only(deps, ctx.lang),
    )])
}

/// `None` if the user may take a test now, else the message id explaining why not.
async fn refusal(deps: &Deps, ctx: &Ctx) -> Result<Option<&'static str>, HandlerError> {
    let test = deps.settings.test_account;
    let policy = TestPolicy {
        enabled: test.enabled,
        refuse_after_purchase: test.refuse_after_purchase,
    };
    let had_test = deps.store.has_test_order(ctx.user).await?;
    let has_bought = deps.store.has_paid_order(ctx.user).await?;
    let refusal = match test_eligibility(policy, had_test, has_bought) {
        Ok(()) => return Ok(None),
        Err(TestRefusal::Disabled) => "test-disabled",
        Err(TestRefusal::AlreadyUsed) => "test-refused-used",
        Err(TestRefusal::AlreadyCustomer) => "test-refused-customer",
    };
    Ok(Some(refusal))
}
