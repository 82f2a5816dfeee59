//! Admin user management: look a user up, see their profile, ban or unban, reset the test, extend a service, message them.
//!
//! ```text
//! admin: 👥 Users               bot: Send a Telegram user id, @username or panel username:
//! admin: @sara                  bot: 👤 User 1001 … Services: #3 ajib_1001_7 · 🟢 Active · 27 Nov 2026
//!                                    [Ban] [Reset test] [Message] [Extend #3] [Back]
//! admin: [Extend #3]            bot: How many days should be added?
//! admin: 30                     bot: ✅ Service #3 now runs until 27 Dec 2026.
//! ```
//!
//! Every change is audited; the router has already checked that the sender is an admin.

use ajib_domain::{Service, ServiceId, TelegramId, UnixTime};
use ajib_i18n::{Arg, Html};
use ajib_storage::UserRow;
use ajib_transport::{Keyboard, Outgoing, Priority, SendError};

use crate::{
    callback::Callback,
    deps::{Deps, now},
    format::{date, price},
    keyboards::{self, button, inline},
    role::Role,
    ui::{
        Ctx, Handled, HandlerError,
        admin_broadcast::{prepare_text, refuse_text},
        balance,
        dialog::{self, Dialog, Input, UserStep as Step},
        notice, services,
        staff::{ascii_digits, audit, cancel_keyboard, invalid},
    },
};

/// Services listed with an extend button on a profile, newest first.
const MAX_SERVICES_SHOWN: usize = 8;
/// Latest orders listed on a profile.
const MAX_ORDERS_SHOWN: usize = 5;
/// Latest ledger rows listed on a profile.
const MAX_LEDGER_SHOWN: u32 = 5;
/// Most days one extension may add.
const MAX_EXTEND_DAYS: u32 = 3650;

/// Asks how many days to add to a service.
pub async fn ask_days(deps: &Deps, ctx: &Ctx, service: ServiceId) -> Handled {
    ask(deps, ctx, Step::Days(service), "admin-ask-days").await
}

/// Asks for the message to send to a user.
pub async fn ask_message(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    ask(deps, ctx, Step::Message(user), "admin-ask-message").await
}

/// A user's profile with its actions.
pub async fn profile(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    let Some(row) = deps.store.get_user(user).await? else {
        return Ok(notice(deps, ctx, "admin-user-not-found"));
    };
    let (text, keyboard) = render_profile(deps, ctx, &row).await?;
    Ok(vec![ctx.screen(text, keyboard)])
}

/// Bans or unbans a user (never an admin); audited, then the profile is shown again.
pub async fn set_banned(deps: &Deps, ctx: &Ctx, user: TelegramId, ban: bool) -> Handled {
    let Some(row) = deps.store.get_user(user).await? else {
        return Ok(notice(deps, ctx, "admin-user-not-found"));
    };
    if ban && Role::of(deps, user).await.is_staff() {
        return Ok(notice(deps, ctx, "admin-user-is-admin"));
    }
    if row.banned != ban {
        deps.store.set_user_banned(user, ban).await?;
        let before = serde_json::json!({ "user": user.0, "banned": row.banned }).to_string();
        let after = serde_json::json!({ "user": user.0, "banned": ban }).to_string();
        let action = if ban { "user.ban" } else { "user.unban" };
        audit(deps, ctx.user, action, Some(&before), &after).await;
    }
    profile(deps, ctx, user).await
}

/// Records that an uncredited payment was refunded outside the bot; audited,
/// then the profile is shown again.
pub async fn mark_refunded(deps: &Deps, ctx: &Ctx, order: ajib_domain::OrderId) -> Handled {
    let Some(found) = deps.store.get_order(order).await? else {
        return Err(HandlerError::stale("order"));
    };
    if !deps.store.mark_refunded(order, ctx.user, now()).await? {
        return Err(HandlerError::stale("uncredited payment"));
    }
    let after = serde_json::json!({ "order": order.0, "user": found.user.0, "refunded": true });
    audit(deps, ctx.user, "order.refunded", None, &after.to_string()).await;
    profile(deps, ctx, found.user).await
}

/// Lets a user take the free test again; audited.
pub async fn reset_test(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Handled {
    let say = |id: &str| {
        vec![ctx.say_with(
            deps.t(ctx.lang, id, &[]),
            profile_keyboard_back(deps, ctx, user),
        )]
    };
    if !deps.store.reset_test_eligibility(user, now()).await? {
        return Ok(say("admin-user-test-unchanged"));
    }
    let after = serde_json::json!({ "user": user.0, "test_reset": true }).to_string();
    audit(deps, ctx.user, "user.reset_test", None, &after).await;
    Ok(say("admin-user-updated"))
}

/// Adds days to a service on the panel, then in the store; audited.
pub async fn extend(deps: &Deps, ctx: &Ctx, id: ServiceId, text: &str) -> Handled {
    let days = match ascii_digits(text.trim()).parse::<u32>() {
        Ok(days) if (1..=MAX_EXTEND_DAYS).contains(&days) => days,
        _ => return Ok(invalid(deps, ctx, &format!("1..{MAX_EXTEND_DAYS}"))),
    };
    let service = deps
        .store
        .get_service(id)
        .await?
        .ok_or(HandlerError::stale("service"))?;
    dialog::close(deps, ctx.user).await;
    let at = now();
    if let Err(err) = extend_on_panel(deps, &service, days, at).await {
        log::warn!(
            "extending {} on the panel failed: {err:#}",
            service.blitz_username
        );
        let text = deps.t(
            ctx.lang,
            "admin-user-extend-failed",
            &[("error", Arg::from(&err.to_string()))],
        );
        return Ok(vec![
            ctx.say_with(text, profile_keyboard_back(deps, ctx, service.user)),
        ]);
    }
    let expires = service.extended(days, at);
    let stored = deps.store.set_service_expiry(id, expires, at).await?;
    let before = serde_json::json!({ "service": id.0, "expires": service.expires.0 }).to_string();
    let after = serde_json::json!({ "service": id.0, "expires": stored.expires.0, "days": days })
        .to_string();
    audit(deps, ctx.user, "service.extend", Some(&before), &after).await;
    let id_text = id.to_string();
    let text = deps.t(
        ctx.lang,
        "admin-user-extended",
        &[
            ("id", Arg::from(id_text.as_str())),
            (
                "expires",
                Arg::from(date(ctx.lang, stored.expires).as_str()),
            ),
        ],
    );
    let mut reply = vec![ctx.say(text)];
    let below = Ctx {
        message_id: None,
        ..*ctx
    };
    reply.extend(profile(deps, &below, service.user).await?);
    Ok(reply)
}

/// Running accounts get the days added; an expired one starts a fresh period from today.
async fn extend_on_panel(
    deps: &Deps,
    service: &Service,
    days: u32,
    at: UnixTime,
) -> anyhow::Result<()> {
    let username = service.blitz_username.clone();
    if service.is_expired(at) {
        let gb = service
            .traffic_limit_bytes
            .map_or(0, |bytes| blitz::bytes_to_gb(bytes).round() as u64);
        deps.blitz(service.panel, "start_new_period", move |client| {
            client.start_new_period(&username, u64::from(days), gb)
        })
        .await?;
    } else {
        deps.blitz(service.panel, "extend_days", move |client| {
            client.extend_days(&username, u64::from(days))
        })
        .await?;
    }
    Ok(())
}

/// Sends the admin's text to the user and says whether it arrived; audited.
pub async fn message(deps: &Deps, ctx: &Ctx, user: TelegramId, input: &Input<'_>) -> Handled {
    let text = match prepare_text(input.text, input.entities) {
        Ok(text) => text,
        Err(problem) => return Ok(refuse_text(deps, ctx, &problem)),
    };
    dialog::close(deps, ctx.user).await;
    let msg = Outgoing::Text {
        chat_id: user.0,
        text: text.clone(),
        keyboard: None,
        html: true,
    };
    let res = deps.outbox.send(msg, Priority::Interactive).await;
    let after = serde_json::json!({ "user": user.0, "text": text, "delivered": res.is_ok() });
    audit(deps, ctx.user, "user.message", None, &after.to_string()).await;
    let keyboard = profile_keyboard_back(deps, ctx, user);
    Ok(match res {
        Ok(_) => vec![ctx.say_with(deps.t(ctx.lang, "admin-user-message-sent", &[]), keyboard)],
        Err(err) => {
            if err == SendError::Blocked
                && let Err(err) = deps.store.set_user_blocked(user, true).await
            {
                log::warn!("could not mark {user} as blocked: {err}");
            }
            let reason = err.to_string();
            vec![ctx.say_with(
                deps.t(
                    ctx.lang,
                    "admin-user-message-failed",
                    &[("reason", Arg::from(reason.as_str()))],
                ),
                keyboard,
            )]
        }
    })
}

async fn render_profile(
    deps: &Deps,
    ctx: &Ctx,
    row: &UserRow,
) -> Result<(String, Keyboard), ajib_storage::Error> {
    let orders = deps.store.orders_of_user(row.id).await?;
    let services = deps.store.services_of_user(row.id).await?;
    let id = row.id.to_string();
    let username = row
        .username
        .as_deref()
        .map_or_else(|| "—".to_owned(), |it| format!("@{it}"));
    let lang = row.lang.as_ref().map_or("—", |it| it.code());
    let created = date(ctx.lang, row.created);
    let mut text = deps.t(
        ctx.lang,
        "admin-user-profile",
        &[
            ("id", Arg::from(id.as_str())),
            ("username", Arg::from(username.as_str())),
            ("name", Arg::from(&row.first_name)),
            ("lang", Arg::from(lang)),
            ("created", Arg::from(created.as_str())),
            ("orders", Arg::from(orders.len())),
            ("services", Arg::from(services.len())),
            (
                "banned",
                Arg::from(if row.banned { "true" } else { "false" }),
            ),
        ],
    );
    let at = now();
    let mut rows = vec![
        vec![
            match row.banned {
                true => button(
                    deps.t(ctx.lang, "btn-admin-unban", &[]),
                    Callback::AdminUnban(row.id),
                ),
                false => button(
                    deps.t(ctx.lang, "btn-admin-ban", &[]),
                    Callback::AdminBan(row.id),
                ),
            },
            button(
                deps.t(ctx.lang, "btn-admin-reset-test", &[]),
                Callback::AdminResetTest(row.id),
            ),
        ],
        vec![
            button(
                deps.t(ctx.lang, "btn-admin-message", &[]),
                Callback::AdminMessage(row.id),
            ),
            button(
                deps.t(ctx.lang, "btn-admin-grant", &[]),
                Callback::AdminGrant(row.id),
            ),
        ],
        vec![button(
            deps.t(ctx.lang, "btn-admin-balance", &[]),
            Callback::AdminBalance(row.id),
        )],
    ];
    let shown: Vec<&Service> = services.iter().take(MAX_SERVICES_SHOWN).collect();
    // Expired accounts are not worth a round trip to the panel; the rest are
    // asked all at once, within one time budget.
    let running: Vec<&Service> = shown
        .iter()
        .copied()
        .filter(|it| !it.is_expired(at))
        .collect();
    let mut live = services::live_usages(deps, &running).await.into_iter();
    for service in shown {
        let id = service.id.to_string();
        let usage = match service.is_expired(at) {
            true => None,
            false => live.next().flatten(),
        };
        let usage = services::usage_view(deps, ctx.lang, service, at, usage.as_ref());
        let status = deps.t(ctx.lang, usage.status_id, &[]);
        let line = deps.t(
            ctx.lang,
            "admin-user-service",
            &[
                ("id", Arg::from(id.as_str())),
                ("username", Arg::from(service.blitz_username.as_str())),
                ("status", Arg::from(status.as_str())),
                (
                    "expires",
                    Arg::from(date(ctx.lang, service.expires).as_str()),
                ),
                ("used", Arg::from(usage.used.as_str())),
                ("limit", Arg::from(usage.limit.as_str())),
            ],
        );
        text = format!("{text}\n{line}");
        let mut service_row = vec![button(
            deps.label(
                ctx.lang,
                "btn-admin-extend-service",
                &[("id", Arg::from(id.as_str()))],
            ),
            Callback::AdminExtend(service.id),
        )];
        // Only a running service has days and traffic to carry to another panel.
        if !service.is_expired(at) && service.status == ajib_domain::ServiceStatus::Active {
            service_row.push(button(
                deps.label(
                    ctx.lang,
                    "btn-admin-move-service",
                    &[("id", Arg::from(id.as_str()))],
                ),
                Callback::AdminMove(service.id),
            ));
        }
        rows.push(service_row);
    }
    for order in orders.iter().take(MAX_ORDERS_SHOWN) {
        text.push('\n');
        text.push_str(&order_line(deps, ctx, order).await);
    }
    // Money Heleket confirmed that never reached the balance (a mismatch):
    // once given back outside the bot, an admin records it here.
    for order in deps.store.uncredited_payments(row.id).await? {
        let id = order.to_string();
        rows.push(vec![button(
            deps.label(
                ctx.lang,
                "btn-admin-refunded",
                &[("id", Arg::from(id.as_str()))],
            ),
            Callback::AdminRefunded(order),
        )]);
    }
    rows.extend(crate::ui::stars::refund_rows(deps, ctx, row.id).await?);
    if ctx.role == Role::Owner {
        rows.push(vec![agent_button(deps, ctx, row.id).await?]);
    }
    text.push_str("\n\n");
    text.push_str(&balance_lines(deps, ctx, row.id).await?);
    rows.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::AdminUsers,
    )]);
    if ctx.role == Role::Support {
        rows = keyboards::for_support(rows);
    }
    Ok((text, inline(rows)))
}

/// For owners: "🧑‍💼 Agent" to an agent's screen, else "🧑‍💼 Make agent" (`ui::admin_agents`).
async fn agent_button(
    deps: &Deps,
    ctx: &Ctx,
    user: TelegramId,
) -> Result<ajib_transport::InlineButton, ajib_storage::Error> {
    Ok(match deps.store.get_agent(user).await? {
        Some(_) => button(
            deps.t(ctx.lang, "btn-admin-agent", &[]),
            Callback::AdminAgent(user),
        ),
        None => button(
            deps.t(ctx.lang, "btn-admin-make-agent", &[]),
            Callback::AdminAgentMake(user),
        ),
    })
}

/// The balance and its latest movements, each with the admin's reason when it has one.
async fn balance_lines(
    deps: &Deps,
    ctx: &Ctx,
    user: TelegramId,
) -> Result<String, ajib_storage::Error> {
    let balance = deps.store.balance(user, deps.settings.currency).await?;
    let entries = deps.store.ledger_of(user, MAX_LEDGER_SHOWN).await?;
    let mut text = deps.t(
        ctx.lang,
        "admin-user-balance",
        &[("balance", Arg::from(price(ctx.lang, balance).as_str()))],
    );
    for entry in &entries {
        let line = balance::entry_line(deps, ctx, entry);
        text.push('\n');
        match &entry.note {
            Some(note) => text.push_str(&deps.t(
                ctx.lang,
                "admin-user-ledger-note",
                &[
                    // Built by `entry_line` from the catalogue, its arguments escaped.
                    ("line", Arg::from(Html::trusted(&line))),
                    ("note", Arg::from(note.as_str())),
                ],
            )),
            None => text.push_str(&line),
        }
    }
    Ok(text)
}

/// "🧾 #42 Monthly · paid · $5.00 · 27 Nov 2026" for the profile.
async fn order_line(deps: &Deps, ctx: &Ctx, order: &ajib_domain::Order) -> String {
    let what = match order.plan {
        Some(plan) => match deps.store.get_plan(plan).await {
            Ok(Some(plan)) => plan.name_in(ctx.lang).to_owned(),
            _ => format!("#{plan}"),
        },
        None => deps.label(ctx.lang, "admin-order-test", &[]),
    };
    let id = order.id.to_string();
    deps.t(
        ctx.lang,
        "admin-user-order",
        &[
            ("id", Arg::from(id.as_str())),
            ("plan", Arg::from(what.as_str())),
            ("status", Arg::from(order.status.as_str())),
            ("price", Arg::from(price(ctx.lang, order.amount).as_str())),
            ("date", Arg::from(date(ctx.lang, order.created).as_str())),
        ],
    )
}

async fn ask(deps: &Deps, ctx: &Ctx, step: Step, message: &str) -> Handled {
    dialog::save(deps, ctx.user, &Dialog::Users(step)).await;
    Ok(vec![ctx.say_with(
        deps.t(ctx.lang, message, &[]),
        cancel_keyboard(deps, ctx),
    )])
}

/// A button back to the user's profile.
fn profile_keyboard_back(deps: &Deps, ctx: &Ctx, user: TelegramId) -> Keyboard {
    inline(vec![vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::AdminUser(user),
    )]])
}
