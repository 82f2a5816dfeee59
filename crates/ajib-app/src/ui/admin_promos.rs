//! Admins' promo codes: the list with uses, a new code in one line, disabling one, and the statistics section.
//!
//! A new code is one message in the same words as `ajib-ctl promo add`
//! (`SPRING --percent 20 --until 2026-12-31 --uses 100`), checked by the same
//! rules ([`ajib_storage::PromoDraft::validate`]); it is saved at once and
//! audited, and can be disabled from the list.

use ajib_domain::UnixTime;
use ajib_i18n::Arg;
use ajib_storage::{Actor, Promo, PromoBenefit, PromoDraft, PromoId, PromoKey, PromoSpecError};

use crate::{
    callback::Callback,
    deps::{Deps, now},
    format::price,
    keyboards::{button, inline},
    ui::{
        Ctx, Handled, HandlerError, dialog,
        dialog::Dialog,
        staff::{ascii_digits, cancel_keyboard},
    },
};

/// How many codes the list shows, newest first.
const SHOWN: usize = 15;

/// The codes, newest first, each with its uses and state and a disable button while enabled.
pub async fn list(deps: &Deps, ctx: &Ctx) -> Handled {
    let promos = deps.store.list_promos().await?;
    let at = now();
    let mut lines = vec![deps.t(ctx.lang, "admin-promos-title", &[])];
    let mut rows = Vec::new();
    if promos.is_empty() {
        lines.push(deps.t(ctx.lang, "admin-promos-empty", &[]));
    }
    for promo in promos.iter().take(SHOWN) {
        lines.push(line(deps, ctx, promo, at));
        if promo.enabled {
            let label = deps.label(
                ctx.lang,
                "btn-admin-promo-disable",
                &[("code", Arg::from(promo.code.as_str()))],
            );
            rows.push(vec![button(label, Callback::AdminPromoDisable(promo.id))]);
        }
    }
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-admin-promo-add", &[]),
        Callback::AdminPromoAdd,
    )]);
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Admin,
    )]);
    Ok(vec![ctx.screen(lines.join("\n"), inline(rows))])
}

/// "➕ New code": asks for it in one line.
pub async fn ask(deps: &Deps, ctx: &Ctx) -> Handled {
    dialog::save(deps, ctx.user, &Dialog::PromoAdd).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, "admin-promo-ask", &[]),
        cancel_keyboard(deps, ctx),
    )])
}

/// The line the admin sent: the code saved and the list shown, or what is
/// wrong with it (the dialogue stays open for a corrected line).
pub async fn typed(deps: &Deps, ctx: &Ctx, text: &str) -> Handled {
    let invalid = |key: &str, value: &str| {
        let text = deps.t(ctx.lang, key, &[("value", Arg::from(value))]);
        Ok(vec![ctx.say_with(text, cancel_keyboard(deps, ctx))])
    };
    let draft = match parse_line(&ascii_digits(text)) {
        Ok(draft) => draft,
        Err(LineError::UnknownFlag(flag)) => return invalid("admin-promo-bad-flag", &flag),
        Err(LineError::MissingValue(flag)) => return invalid("admin-promo-missing-value", &flag),
    };
    let promo = match draft.validate(deps.settings.currency) {
        Ok(promo) => promo,
        Err(err) => {
            let (key, value) = spec_error_text(&err);
            return invalid(key, &value);
        }
    };
    let actor = Actor::Admin(ctx.user);
    let stored = match deps.store.add_promo(&promo, actor, now()).await {
        Ok(stored) => stored,
        Err(ajib_storage::Error::NotFound { what: "plan" }) => {
            return invalid(
                "admin-promo-no-plan",
                draft.plans.as_deref().unwrap_or_default(),
            );
        }
        Err(ajib_storage::Error::Conflict { .. }) => {
            return invalid("admin-promo-exists", &promo.code);
        }
        Err(err) => return Err(err.into()),
    };
    dialog::close(deps, ctx.user).await;
    let done = deps.t(
        ctx.lang,
        "admin-promo-added",
        &[("code", Arg::from(stored.code.as_str()))],
    );
    let mut reply = vec![ctx.say(done)];
    reply.extend(list(deps, ctx).await?);
    Ok(reply)
}

/// Disables code `id` (audited) and shows the list again.
pub async fn disable(deps: &Deps, ctx: &Ctx, id: PromoId) -> Handled {
    let actor = Actor::Admin(ctx.user);
    match deps
        .store
        .set_promo_enabled(PromoKey::Id(id), false, actor, now())
        .await
    {
        Ok(_) => list(deps, ctx).await,
        Err(ajib_storage::Error::NotFound { .. }) => Err(HandlerError::stale("promo code")),
        Err(err) => Err(err.into()),
    }
}

/// The statistics section: uses per code, what those orders brought and what the codes gave.
pub async fn stats_section(deps: &Deps, ctx: &Ctx) -> Result<String, HandlerError> {
    let stats = deps.store.promo_stats().await?;
    let mut lines = vec![deps.t(ctx.lang, "admin-stats-promos", &[])];
    if stats.is_empty() {
        lines.push(deps.t(ctx.lang, "admin-stats-promos-none", &[]));
    }
    for it in stats.iter().take(SHOWN) {
        lines.push(deps.t(
            ctx.lang,
            "admin-stats-promo-line",
            &[
                ("code", Arg::from(it.code.as_str())),
                ("uses", Arg::from(it.uses)),
                ("revenue", Arg::from(price(ctx.lang, it.revenue).as_str())),
                ("discount", Arg::from(price(ctx.lang, it.discount).as_str())),
                ("days", Arg::from(it.bonus_days)),
            ],
        ));
    }
    Ok(lines.join("\n"))
}

/// One code in the list: text, what it gives, uses and state.
fn line(deps: &Deps, ctx: &Ctx, promo: &Promo, at: UnixTime) -> String {
    let uses = match promo.max_uses {
        Some(max) => format!("{}/{max}", promo.uses),
        None => promo.uses.to_string(),
    };
    let uses = ajib_i18n::localize_digits(ctx.lang, &uses);
    let state = if !promo.enabled {
        "admin-promo-state-disabled"
    } else if promo.ends.is_some_and(|it| at >= it) {
        "admin-promo-state-expired"
    } else if promo.starts.is_some_and(|it| at < it) {
        "admin-promo-state-not-started"
    } else if promo.max_uses.is_some_and(|max| promo.uses >= max) {
        "admin-promo-state-used-up"
    } else {
        "admin-promo-state-active"
    };
    deps.t(
        ctx.lang,
        "admin-promo-line",
        &[
            ("code", Arg::from(promo.code.as_str())),
            (
                "benefit",
                Arg::from(benefit(deps, ctx, promo.benefit).as_str()),
            ),
            ("uses", Arg::from(uses.as_str())),
            ("state", Arg::from(deps.t(ctx.lang, state, &[]).as_str())),
        ],
    )
}

/// What a code gives, in the admin's language.
fn benefit(deps: &Deps, ctx: &Ctx, benefit: PromoBenefit) -> String {
    match benefit {
        PromoBenefit::Percent(percent) => deps.t(
            ctx.lang,
            "promo-benefit-percent",
            &[("percent", Arg::from(u32::from(percent)))],
        ),
        PromoBenefit::Fixed(amount) => deps.t(
            ctx.lang,
            "promo-benefit-fixed",
            &[("amount", Arg::from(price(ctx.lang, amount).as_str()))],
        ),
        PromoBenefit::BonusDays(days) => {
            deps.t(ctx.lang, "promo-benefit-days", &[("days", Arg::from(days))])
        }
    }
}

/// The message id for a rule a new code breaks, and the value to show.
fn spec_error_text(err: &PromoSpecError) -> (&'static str, String) {
    match err {
        PromoSpecError::BadCode(text) => ("admin-promo-bad-code", text.clone()),
        PromoSpecError::NoBenefit => ("admin-promo-no-benefit", String::new()),
        PromoSpecError::TwoBenefits => ("admin-promo-two-benefits", String::new()),
        PromoSpecError::BadPercent(n) => ("admin-promo-bad-percent", n.to_string()),
        PromoSpecError::BadFixed(text) => ("admin-promo-bad-fixed", text.clone()),
        PromoSpecError::BadDays(n) => ("admin-promo-bad-days", n.to_string()),
        PromoSpecError::BadPlans(text) => ("admin-promo-bad-plans", text.clone()),
        PromoSpecError::BadDate(text) => ("admin-promo-bad-date", text.clone()),
        PromoSpecError::DatesReversed => ("admin-promo-dates-reversed", String::new()),
        PromoSpecError::BadUses => ("admin-promo-bad-uses", String::new()),
        PromoSpecError::BadPerUser => ("admin-promo-bad-per-user", String::new()),
    }
}

/// Why a line is not in the `ajib-ctl promo add` form.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LineError {
    /// A word that is no flag (or a second code).
    UnknownFlag(String),
    /// A flag that needs a value without one.
    MissingValue(String),
}

/// `CODE --percent 20 --plans 1,2 ...` as a draft; numbers that do not
/// parse are kept as an impossible value for the rules to name. Telegram
/// apps turn `--` into a dash, so `—percent` and `–percent` count too.
fn parse_line(text: &str) -> Result<PromoDraft, LineError> {
    let mut draft = PromoDraft::default();
    let mut words = text.split_whitespace();
    while let Some(word) = words.next() {
        let Some(flag) = flag_name(word) else {
            if draft.code.is_empty() {
                draft.code = word.to_owned();
                continue;
            }
            return Err(LineError::UnknownFlag(word.to_owned()));
        };
        if flag == "first-purchase-only" {
            draft.first_purchase_only = true;
            continue;
        }
        let mut value = || {
            words
                .next()
                .map(str::to_owned)
                .ok_or_else(|| LineError::MissingValue(word.to_owned()))
        };
        // A number that does not read becomes 0, which every rule refuses with its own words.
        let number = |text: String| text.parse::<u32>().unwrap_or(0);
        match flag {
            "percent" => draft.percent = Some(number(value()?)),
            "fixed" => draft.fixed = Some(value()?),
            "days" => draft.days = Some(number(value()?)),
            "plans" => draft.plans = Some(value()?),
            "from" => draft.from = Some(value()?),
            "until" => draft.until = Some(value()?),
            "uses" => draft.uses = Some(number(value()?)),
            "per-user" => draft.per_user = Some(number(value()?)),
            _ => return Err(LineError::UnknownFlag(word.to_owned())),
        }
    }
    Ok(draft)
}

/// `--name`, `—name` or `–name` as `name`.
fn flag_name(word: &str) -> Option<&str> {
    ["--", "—", "–"]
        .into_iter()
        .find_map(|prefix| word.strip_prefix(prefix))
        .filter(|it| !it.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_like_the_ctl_flags() {
        let draft = parse_line(
            "spring —percent 20 --plans 1,2 --from 2026-12-01 –until 2026-12-31 --uses 100 --per-user 1 --first-purchase-only",
        )
        .unwrap();
        assert_eq!(
            draft,
            PromoDraft {
                code: "spring".to_owned(),
                percent: Some(20),
                plans: Some("1,2".to_owned()),
                from: Some("2026-12-01".to_owned()),
                until: Some("2026-12-31".to_owned()),
                uses: Some(100),
                per_user: Some(1),
                first_purchase_only: true,
                ..PromoDraft::default()
            }
        );
        assert_eq!(parse_line("WEEK --days 7").unwrap().days, Some(7));
    }

    #[test]
    fn a_bad_line_says_which_word() {
        assert_eq!(
            parse_line("A B --percent 5"),
            Err(LineError::UnknownFlag("B".to_owned()))
        );
        assert_eq!(
            parse_line("SPRING --discount 5"),
            Err(LineError::UnknownFlag("--discount".to_owned()))
        );
        assert_eq!(
            parse_line("SPRING --percent"),
            Err(LineError::MissingValue("--percent".to_owned()))
        );
        // An unreadable number is refused by the rules, with its own message.
        assert_eq!(parse_line("SPRING --percent x").unwrap().percent, Some(0));
    }
}
