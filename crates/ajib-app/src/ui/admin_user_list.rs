//! Admin user list: every user page by page, newest first, narrowed by a search.
//!
//! ```text
//! admin: 👥 Users        bot: 👥 Users: 1,204 · page 1/121   [👤 Sara @sara · 1001] … [▶️] [Back]
//! admin: sar             bot: 🔎 "sar": 3 users · page 1/1   [👤 Sara …] [👤 Sarah …] … [Back]
//! admin: @sara           bot: 👤 User 1001 …   (an exact id, @username or panel username opens the profile)
//! ```
//!
//! The search is remembered in the admin's dialogue, so the page buttons page
//! through the matches; after a restart they page through everyone.

use ajib_i18n::Arg;
use ajib_storage::UserRow;
use ajib_transport::InlineButton;

use crate::{
    callback::{Callback, MAX_PAGE, Page},
    deps::Deps,
    keyboards::{self, button, inline, pager},
    role::Role,
    ui::{
        Ctx, Handled, admin_users,
        dialog::{self, Dialog, UserStep},
        staff::{ascii_digits, cancel_keyboard, invalid},
    },
};

/// Users per page: ten buttons keep the list on one phone screen.
const PAGE_SIZE: u32 = 10;
/// Longest search accepted, in characters.
const MAX_QUERY_CHARS: usize = 64;
/// Characters of a first name shown on a button.
const NAME_CHARS: usize = 24;

/// The first page of all users; whatever the admin types next is a search.
pub async fn start(deps: &Deps, ctx: &Ctx) -> Handled {
    show(deps, ctx, None, 0).await
}

/// Another page of the current list: the admin's last search, if the dialogue still holds one.
pub async fn page(deps: &Deps, ctx: &Ctx, page: u32) -> Handled {
    let query = match dialog::load(deps, ctx.user, ctx.role).await {
        Some(Dialog::Users(UserStep::Search { query })) => query,
        _ => None,
    };
    show(deps, ctx, query, page).await
}

/// An exact Telegram id, @username or panel username opens the profile; a fragment lists the matches.
pub async fn search(deps: &Deps, ctx: &Ctx, text: &str) -> Handled {
    let query = ascii_digits(text.trim());
    if query.is_empty() || query.chars().count() > MAX_QUERY_CHARS {
        return Ok(invalid(
            deps,
            ctx,
            &format!("1..{MAX_QUERY_CHARS} characters"),
        ));
    }
    if let Some(row) = find_exact(deps, &query).await? {
        dialog::close(deps, ctx.user).await;
        return admin_users::profile(deps, ctx, row.id).await;
    }
    let (rows, total) = deps.store.search_users(Some(&query), 0, 2).await?;
    match (total, rows.first()) {
        (0, _) => Ok(vec![ctx.say_with(
            deps.t(ctx.lang, "admin-user-not-found", &[]),
            cancel_keyboard(deps, ctx),
        )]),
        (1, Some(row)) => {
            dialog::close(deps, ctx.user).await;
            admin_users::profile(deps, ctx, row.id).await
        }
        _ => show(deps, ctx, Some(query), 0).await,
    }
}

/// The user with exactly this Telegram id, @username or panel username.
async fn find_exact(deps: &Deps, query: &str) -> Result<Option<UserRow>, ajib_storage::Error> {
    if query.bytes().all(|b| b.is_ascii_digit()) {
        return match query.parse::<i64>() {
            Ok(id) => deps.store.get_user(ajib_domain::TelegramId(id)).await,
            Err(_) => Ok(None),
        };
    }
    if query.starts_with('@') {
        return deps.store.find_user_by_username(query).await;
    }
    match deps.store.find_service_by_blitz_username(query).await? {
        Some(service) => deps.store.get_user(service.user).await,
        None => deps.store.find_user_by_username(query).await,
    }
}

/// One page of users matching `query` (everyone when `None`); a page past the end shows the last one.
async fn show(deps: &Deps, ctx: &Ctx, query: Option<String>, page: u32) -> Handled {
    let store = &deps.store;
    let fetch = |page: u32| store.search_users(query.as_deref(), page * PAGE_SIZE, PAGE_SIZE);
    let (rows, total, page) = match fetch(page).await? {
        (rows, total) if !rows.is_empty() || page == 0 => (rows, total, page),
        (_, total) => {
            let last = last_page(total);
            let (rows, total) = fetch(last).await?;
            (rows, total, last)
        }
    };
    let pages = last_page(total) + 1;
    let page_text = (page + 1).to_string();
    let pages_text = pages.to_string();
    let mut args = vec![
        ("total", Arg::from(total)),
        ("page", Arg::from(page_text.as_str())),
        ("pages", Arg::from(pages_text.as_str())),
    ];
    let text = match query.as_deref() {
        Some(query) => {
            args.push(("query", Arg::from(query)));
            deps.t(ctx.lang, "admin-users-results", &args)
        }
        None => deps.t(ctx.lang, "admin-users-list", &args),
    };
    dialog::save(deps, ctx.user, &Dialog::Users(UserStep::Search { query })).await;
    let mut keyboard: Vec<Vec<InlineButton>> = rows
        .iter()
        .map(|row| vec![button(user_label(row), Callback::AdminUser(row.id))])
        .collect();
    let nav = pager(Page(page), page + 1 < pages, Callback::AdminUserList);
    if !nav.is_empty() {
        keyboard.push(nav);
    }
    keyboard.push(vec![button(
        deps.t(ctx.lang, "btn-back", &[]),
        Callback::Admin,
    )]);
    if ctx.role == Role::Support {
        keyboard = keyboards::for_support(keyboard);
    }
    Ok(vec![ctx.screen(text, inline(keyboard))])
}

/// The last page index of a list of `total` users, within what a button can carry.
fn last_page(total: u64) -> u32 {
    let last = total.saturating_sub(1) / u64::from(PAGE_SIZE);
    u32::try_from(last).unwrap_or(MAX_PAGE).min(MAX_PAGE)
}

/// "⛔ 👤 Sara @sara · 1001": plain text, as button labels are.
fn user_label(row: &UserRow) -> String {
    let mut label = String::new();
    if row.banned {
        label.push_str("⛔ ");
    } else if row.blocked_bot {
        label.push_str("🚫 ");
    }
    label.push_str("👤 ");
    let name: String = row.first_name.chars().take(NAME_CHARS).collect();
    label.push_str(name.trim());
    if let Some(username) = &row.username {
        label.push_str(" @");
        label.push_str(username);
    }
    label.push_str(" · ");
    label.push_str(&row.id.to_string());
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_from_zero() {
        assert_eq!(last_page(0), 0);
        assert_eq!(last_page(10), 0);
        assert_eq!(last_page(11), 1);
        assert_eq!(last_page(u64::MAX), MAX_PAGE);
    }

    #[test]
    fn labels_mark_banned_and_blocked_users() {
        let row = UserRow {
            id: ajib_domain::TelegramId(1001),
            username: Some("sara".to_owned()),
            first_name: "Sara Karimi-Nasab the Second of Her Name".to_owned(),
            lang: None,
            blocked_bot: true,
            banned: false,
            start_payload: None,
            created: ajib_domain::UnixTime(0),
            last_seen: ajib_domain::UnixTime(0),
        };
        assert_eq!(
            user_label(&row),
            "🚫 👤 Sara Karimi-Nasab the Se @sara · 1001"
        );
        let banned = UserRow {
            banned: true,
            username: None,
            first_name: "R".to_owned(),
            ..row
        };
        assert_eq!(user_label(&banned), "⛔ 👤 R · 1001");
    }
}
