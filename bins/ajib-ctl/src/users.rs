//! `ajib-ctl users find`: look a customer up by Telegram id or @username.

use ajib_domain::TelegramId;

use crate::{cli::UsersCommand, db::Db, envfile::EnvFile, paths::Paths, system};

/// Runs one users command.
pub fn run(paths: &Paths, command: UsersCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "users")?;
    let env = EnvFile::read(&paths.env_file)?;
    let UsersCommand::Find(args) = command;
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
        anyhow::bail!("no user matches {query:?} (use a Telegram id or @username)");
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

fn secs(unix: i64) -> u64 {
    u64::try_from(unix).unwrap_or(0)
}
