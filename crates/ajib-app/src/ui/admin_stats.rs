//! Admin statistics: headline figures, a breakdown by plan and outcome, and a revenue chart.

use ajib_domain::{Money, OrderStatus, UnixTime};
use ajib_i18n::Arg;
use ajib_storage::DayRevenue;
use ajib_transport::Outgoing;

use crate::{
    chart::bar_chart_png,
    deps::{Deps, now},
    format::{date, price},
    ui::{Ctx, Handled, HandlerError, admin_promos, admin_referrals, staff::back_to_admin},
};

/// Days the chart and the breakdown cover.
const DAYS: i64 = 30;

/// Headline statistics.
pub async fn stats(deps: &Deps, ctx: &Ctx) -> Handled {
    let at = now();
    let today = ajib_domain::UnixTime::from_date(at.date());
    let week = at.plus_days(-7);
    let month = at.plus_days(-DAYS);
    let store = &deps.store;
    let day = store.summary(today, at).await?;
    let weekly = store.summary(week, at).await?;
    let monthly = store.summary(month, at).await?;
    let expiring = store.services_expiring(at, 3 * 86_400).await?;
    let revenue = store.revenue_by_day(month).await?;
    let currency = deps.settings.currency;
    let sum = |days: &[ajib_storage::DayRevenue]| {
        days.iter()
            .filter(|it| it.revenue.currency() == currency)
            .fold(Money::zero(currency), |acc, it| {
                acc.checked_add(it.revenue).unwrap_or(acc)
            })
    };
    let today_date = at.date();
    let revenue_today: Vec<_> = revenue
        .iter()
        .copied()
        .filter(|it| it.day == today_date)
        .collect();
    let conversion = match monthly.orders_started {
        0 => "0%".to_owned(),
        started => format!("{}%", monthly.orders_paid * 100 / started),
    };
    let conversion = ajib_i18n::localize_digits(ctx.lang, &conversion);
    let text = deps.t(
        ctx.lang,
        "admin-stats",
        &[
            ("users", Arg::from(day.users_total)),
            ("users_today", Arg::from(day.users_new)),
            ("users_week", Arg::from(weekly.users_new)),
            ("users_month", Arg::from(monthly.users_new)),
            ("users_active", Arg::from(weekly.users_seen)),
            ("blocked", Arg::from(day.users_blocked)),
            ("active_services", Arg::from(day.services_active)),
            ("expiring", Arg::from(expiring.len())),
            ("orders_today", Arg::from(day.orders_paid)),
            ("orders_month", Arg::from(monthly.orders_paid)),
            (
                "revenue_today",
                Arg::from(price(ctx.lang, sum(&revenue_today)).as_str()),
            ),
            (
                "revenue_month",
                Arg::from(price(ctx.lang, sum(&revenue)).as_str()),
            ),
            ("conversion", Arg::from(conversion.as_str())),
        ],
    );
    let mut text = text;
    text.push_str("\n\n");
    text.push_str(&balances(deps, ctx, month).await?);
    text.push_str("\n\n");
    text.push_str(&admin_referrals::stats_section(deps, ctx, month).await?);
    text.push_str("\n\n");
    text.push_str(&admin_promos::stats_section(deps, ctx).await?);
    text.push_str("\n\n");
    text.push_str(&crate::ui::admin_agents::stats_section(deps, ctx, month, DAYS).await?);
    text.push_str("\n\n");
    text.push_str(&crate::ui::stars::stats_section(deps, ctx).await?);
    let (breakdown, chart) = breakdown(deps, ctx, month, &revenue).await;
    text.push_str(&breakdown);
    let mut reply = vec![ctx.screen(text, back_to_admin(deps, ctx))];
    reply.extend(chart);
    Ok(reply)
}

/// What the shop owes on balances now, and what invoice payments put on balances since `since`.
async fn balances(deps: &Deps, ctx: &Ctx, since: UnixTime) -> Result<String, HandlerError> {
    let owed = deps.store.balances_owed().await?;
    let credited = deps.store.credited_by_payments(since).await?;
    let owed = amounts(deps, ctx, &owed);
    let credited = amounts(deps, ctx, &credited);
    Ok(deps.t(
        ctx.lang,
        "admin-stats-balances",
        &[
            ("owed", Arg::from(owed.as_str())),
            ("credited", Arg::from(credited.as_str())),
        ],
    ))
}

/// Amounts in several currencies, "5.00 USD, 2.00 EUR"; zero in the bot's currency when there are none.
fn amounts(deps: &Deps, ctx: &Ctx, amounts: &[Money]) -> String {
    if amounts.is_empty() {
        return price(ctx.lang, Money::zero(deps.settings.currency));
    }
    amounts
        .iter()
        .map(|it| price(ctx.lang, *it))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Days listed one by one under the headline figures.
const RECENT_DAYS: i64 = 7;

/// Paid orders and revenue of each of the last days, today first, days without sales included.
fn last_days(deps: &Deps, ctx: &Ctx, revenue: &[DayRevenue]) -> String {
    let currency = deps.settings.currency;
    let today = now();
    let mut text = deps.t(ctx.lang, "admin-stats-by-day", &[]);
    for back in 0..RECENT_DAYS {
        let day = today.plus_days(-back).date();
        let (orders, amount) = revenue
            .iter()
            .find(|it| it.day == day && it.revenue.currency() == currency)
            .map_or((0, Money::zero(currency)), |it| (it.orders, it.revenue));
        let label = date(ctx.lang, UnixTime::from_date(day));
        let amount = price(ctx.lang, amount);
        let args = [
            ("name", Arg::from(label.as_str())),
            ("orders", Arg::from(orders)),
            ("revenue", Arg::from(amount.as_str())),
        ];
        text.push('\n');
        text.push_str(&deps.t(ctx.lang, "admin-stats-plan-line", &args));
    }
    text
}

/// Revenue by plan, how orders ended, and the daily revenue chart (when there was revenue).
async fn breakdown(
    deps: &Deps,
    ctx: &Ctx,
    since: UnixTime,
    revenue: &[DayRevenue],
) -> (String, Option<Outgoing>) {
    let currency = deps.settings.currency;
    let mut text = String::new();
    if let Ok(by_plan) = deps.store.revenue_by_plan(since).await
        && !by_plan.is_empty()
    {
        text.push_str("\n\n");
        text.push_str(&deps.t(ctx.lang, "admin-stats-by-plan", &[]));
        for row in by_plan {
            let name = match deps.store.get_plan(row.plan).await {
                Ok(Some(plan)) => plan.name_in(ctx.lang).to_owned(),
                _ => format!("#{}", row.plan),
            };
            let amount = price(ctx.lang, row.revenue);
            let args = [
                ("name", Arg::from(name.as_str())),
                ("orders", Arg::from(row.orders)),
                ("revenue", Arg::from(amount.as_str())),
            ];
            text.push('\n');
            text.push_str(&deps.t(ctx.lang, "admin-stats-plan-line", &args));
        }
    }
    text.push_str("\n\n");
    text.push_str(&last_days(deps, ctx, revenue));
    if let Ok(outcomes) = deps.store.order_outcomes(since).await {
        let count = |wanted: &[OrderStatus]| -> u64 {
            outcomes
                .iter()
                .filter(|(status, _)| wanted.contains(status))
                .map(|(_, n)| n)
                .sum()
        };
        let args = [
            (
                "paid",
                Arg::from(count(&[OrderStatus::Paid, OrderStatus::Provisioned])),
            ),
            (
                "pending",
                Arg::from(count(&[OrderStatus::Created, OrderStatus::Invoiced])),
            ),
            ("expired", Arg::from(count(&[OrderStatus::Expired]))),
            ("underpaid", Arg::from(count(&[OrderStatus::Underpaid]))),
            ("failed", Arg::from(count(&[OrderStatus::Failed]))),
        ];
        text.push_str("\n\n");
        text.push_str(&deps.t(ctx.lang, "admin-stats-outcomes", &args));
    }
    let daily: Vec<u64> = (0..DAYS)
        .map(|offset| {
            let day = since.plus_days(offset + 1).date();
            revenue
                .iter()
                .filter(|it| it.day == day && it.revenue.currency() == currency)
                .map(|it| u64::try_from(it.revenue.minor()).unwrap_or(0))
                .sum()
        })
        .collect();
    let max = daily.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return (text, None);
    }
    let chart = match bar_chart_png(&daily) {
        Ok(png) => png,
        Err(err) => {
            log::warn!("revenue chart failed: {err}");
            return (text, None);
        }
    };
    let tallest = Money::from_minor(i64::try_from(max).unwrap_or(i64::MAX), currency)
        .map(|it| price(ctx.lang, it));
    let caption = deps.t(
        ctx.lang,
        "admin-stats-chart-caption",
        &[("max", Arg::from(tallest.unwrap_or_default().as_str()))],
    );
    (
        text,
        Some(Outgoing::Photo {
            chat_id: ctx.chat,
            png: chart,
            caption: Some(caption),
            keyboard: None,
        }),
    )
}
