//! `ajib-ctl users find|balance`: look a customer up by Telegram id or @username, or list those matching a fragment; their balance.

use ajib_domain::TelegramId;

use ajib_storage::UserRow;

use crate::{balance, cli::UsersCommand, db::Db, envfile::EnvFile, paths::Paths, system};

/// Most matches a fragment search prints.
const MAX_MATCHES: u32 = 50;

/// Runs one users command.
pub fn run(paths: &Paths, command: UsersCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "users")?;
    let env = EnvFile::read(&paths.env_file)?;
    let args = match command {
        UsersCommand::Find(args) => args,
        UsersCommand::Balance(args) => return balance::run(paths, &env, &args),
    };
    let db = Db::open_existing(paths, &env)?;
    let query = args.query.trim();
    let user = match query.parse::<i64>() {
        Ok(id) => db.block(db.store().get_user(TelegramId(id)))?,
        Err(_) => db.block(
            db.store()
                .find_user_by_username(query.trim_start_matches('@')),
        )?,
    };
    let Some(user) = user else {
        return list_matches(&db, query, args.json);
    };
    let services = db.block(db.store().services_of_user(user.id))?;
    let orders = db.block(db.store().orders_of_user(user.id))?;
    if args.json {
        let value = serde_json::json!({
            "id": user.id.0,
            "username": user.username,
            "first_name": user.first_name,
            "blocked_bot": user.blocked_bot,
            "banned": user.banned,
            "created": user.created.0,
            "last_seen": user.last_seen.0,
            "services": services.len(),
            "orders": orders.len(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    let username = user
        .username
        .as_deref()
        .map_or_else(String::new, |it| format!(" @{it}"));
    println!("{}{username} {}", user.id.0, user.first_name);
    println!(
        "  first seen {}, last seen {}",
        ajib_backup::rfc3339_utc(secs(user.created.0)),
        ajib_backup::rfc3339_utc(secs(user.last_seen.0))
    );
    println!(
        "  blocked the bot: {}, banned: {}",
        user.blocked_bot, user.banned
    );
    println!("  orders: {}, services: {}", orders.len(), services.len());
    Ok(())
}

/// Lists the users whose name, @username or panel username contains `query`, newest first.
fn list_matches(db: &Db, query: &str, json: bool) -> anyhow::Result<()> {
    let (users, total) = db.block(db.store().search_users(Some(query), 0, MAX_MATCHES))?;
    if total == 0 {
        anyhow::bail!(
            "no user matches {query:?} (use a Telegram id, @username, or part of a name or panel username)"
        );
    }
    if json {
        let users: Vec<_> = users.iter().map(summary_json).collect();
        let value = serde_json::json!({ "total": total, "users": users });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    for user in &users {
        let username = user
            .username
            .as_deref()
            .map_or_else(String::new, |it| format!(" @{it}"));
        println!(
            "{}{username} {} (first seen {})",
            user.id.0,
            user.first_name,
            ajib_backup::rfc3339_utc(secs(user.created.0))
        );
    }
    if total > u64::from(MAX_MATCHES) {
        println!("… {total} users match; showing the newest {MAX_MATCHES}: narrow the search");
    }
    Ok(())
}

fn summary_json(user: &UserRow) -> serde_json::Value {
    serde_json::json!({
        "id": user.id.0,
        "username": user.username,
        "first_name": user.first_name,
        "banned": user.banned,
        "created": user.created.0,
    })
}

fn secs(unix: i64) -> u64 {
    u64::try_from(unix).unwrap_or(0)
}
