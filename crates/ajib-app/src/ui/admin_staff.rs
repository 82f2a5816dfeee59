//! `/admins`: the owner lists, adds and removes staff (admins and support) from the bot.
//!
//! Owners themselves come from `TELEGRAM_ADMIN_IDS` and are not edited here;
//! `ajib-ctl admins` does the same from the server.

use ajib_domain::TelegramId;
use ajib_i18n::{Arg, Html};
use ajib_storage::{Actor, AdminRole};

use crate::{
    deps::{Deps, now},
    ui::{Ctx, Handled, staff::ascii_digits},
};

/// What `/admins …` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StaffCommand {
    List,
    Add(TelegramId, AdminRole),
    Remove(TelegramId),
}

/// Handles `/admins [add ID admin|support | remove ID]` for an owner.
pub async fn admins(deps: &Deps, ctx: &Ctx, args: Option<&str>) -> Handled {
    let Some(command) = parse(args.unwrap_or_default()) else {
        return Ok(vec![ctx.say(deps.t(ctx.lang, "admin-staff-usage", &[]))]);
    };
    match command {
        StaffCommand::List => list(deps, ctx).await,
        StaffCommand::Add(id, role) => add(deps, ctx, id, role).await,
        StaffCommand::Remove(id) => remove(deps, ctx, id).await,
    }
}

async fn list(deps: &Deps, ctx: &Ctx) -> Handled {
    let staff = deps.store.list_admins().await?;
    let mut lines: Vec<String> = deps
        .settings
        .owner_ids
        .iter()
        .map(|id| format!("<code>{id}</code> — owner"))
        .collect();
    lines.extend(
        staff
            .iter()
            .map(|it| format!("<code>{}</code> — {}", it.id, it.role)),
    );
    let list = lines.join("\n");
    Ok(vec![ctx.say(deps.t(
        ctx.lang,
        "admin-staff-list",
        // Built here from ids and role names only: markup we vouch for.
        &[("list", Html::trusted(&list).into())],
    ))])
}

async fn add(deps: &Deps, ctx: &Ctx, id: TelegramId, role: AdminRole) -> Handled {
    let at = now();
    let before = deps
        .store
        .get_admin(id)
        .await?
        .map(|it| it.role.to_string());
    deps.store
        .upsert_admin(id, role, Some(ctx.user), at)
        .await?;
    let before = before.map(|it| serde_json::json!({ "id": id.0, "role": it }).to_string());
    let after = serde_json::json!({ "id": id.0, "role": role.to_string() }).to_string();
    audit(deps, ctx, "staff.add", before.as_deref(), Some(&after)).await;
    let (id_text, role_text) = (id.to_string(), role.to_string());
    let args = [
        ("id", Arg::from(id_text.as_str())),
        ("role", Arg::from(role_text.as_str())),
    ];
    Ok(vec![ctx.say(deps.t(ctx.lang, "admin-staff-added", &args))])
}

async fn remove(deps: &Deps, ctx: &Ctx, id: TelegramId) -> Handled {
    let id_text = id.to_string();
    let args = [("id", Arg::from(id_text.as_str()))];
    if !deps.store.remove_admin(id).await? {
        return Ok(vec![ctx.say(deps.t(
            ctx.lang,
            "admin-staff-not-found",
            &args,
        ))]);
    }
    let before = serde_json::json!({ "id": id.0 }).to_string();
    audit(deps, ctx, "staff.remove", Some(&before), None).await;
    Ok(vec![ctx.say(deps.t(
        ctx.lang,
        "admin-staff-removed",
        &args,
    ))])
}

async fn audit(deps: &Deps, ctx: &Ctx, action: &str, before: Option<&str>, after: Option<&str>) {
    if let Err(err) = deps
        .store
        .audit(Actor::Admin(ctx.user), action, before, after, now())
        .await
    {
        log::error!("audit of {action} failed: {err}");
    }
}

/// Parses the arguments; owners cannot be granted here (they live in configuration).
fn parse(args: &str) -> Option<StaffCommand> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let id = |text: &str| {
        ascii_digits(text)
            .parse::<i64>()
            .ok()
            .filter(|it| *it > 0)
            .map(TelegramId)
    };
    match words.as_slice() {
        [] => Some(StaffCommand::List),
        ["add", user] => Some(StaffCommand::Add(id(user)?, AdminRole::Admin)),
        ["add", user, "admin"] => Some(StaffCommand::Add(id(user)?, AdminRole::Admin)),
        ["add", user, "support"] => Some(StaffCommand::Add(id(user)?, AdminRole::Support)),
        ["remove", user] => Some(StaffCommand::Remove(id(user)?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &str, expected: Option<StaffCommand>) {
        assert_eq!(parse(args), expected, "{args:?}");
    }

    #[test]
    fn staff_commands_parse() {
        check("", Some(StaffCommand::List));
        check(
            "add 42",
            Some(StaffCommand::Add(TelegramId(42), AdminRole::Admin)),
        );
        check(
            "add ۴۲ support",
            Some(StaffCommand::Add(TelegramId(42), AdminRole::Support)),
        );
        check("remove 42", Some(StaffCommand::Remove(TelegramId(42))));
        check("add 42 owner", None);
        check("add -5", None);
        check("remove", None);
        check("delete 42", None);
    }
}
