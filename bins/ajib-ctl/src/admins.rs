//! `ajib-ctl admins list|add|remove`: bot admins by Telegram id.

use ajib_domain::TelegramId;
use ajib_storage::AdminRole;

use crate::{cli::AdminsCommand, db::Db, envfile::EnvFile, paths::Paths, plans::unix_now, system};

/// Runs one admins command.
pub fn run(paths: &Paths, command: AdminsCommand) -> anyhow::Result<()> {
    system::require_installed(paths)?;
    system::require_admin(paths, "admins")?;
    let env = EnvFile::read(&paths.env_file)?;
    match command {
        AdminsCommand::List(args) => {
            let db = Db::open_existing(paths, &env)?;
            let admins = db.block(db.store().list_admins())?;
            let from_config = env
                .get("TELEGRAM_ADMIN_IDS")
                .or(env.get("TELEGRAM_ADMIN_ID"))
                .unwrap_or("");
            if args.json {
                let rows: Vec<serde_json::Value> = admins
                    .iter()
                    .map(|a| serde_json::json!({"id": a.id.0, "role": a.role.as_str(), "added_at": a.added_at.0}))
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({"database": rows, "config": from_config})
                );
                return Ok(());
            }
            for admin in &admins {
                println!("{}  {}", admin.id.0, admin.role);
            }
            if !from_config.is_empty() {
                println!("from config TELEGRAM_ADMIN_IDS: {from_config}");
            }
            if admins.is_empty() && from_config.is_empty() {
                println!("no admins (ajib-ctl admins add <telegram id>)");
            }
            Ok(())
        }
        AdminsCommand::Add(args) => {
            let db = Db::open_or_create(paths, &env)?;
            db.block(db.store().upsert_admin(
                TelegramId(args.id),
                AdminRole::Admin,
                None,
                unix_now(),
            ))?;
            println!("{} is now an admin", args.id);
            Ok(())
        }
        AdminsCommand::Remove(args) => {
            let db = Db::open_existing(paths, &env)?;
            if !db.block(db.store().remove_admin(TelegramId(args.id)))? {
                anyhow::bail!("{} is not an admin in the database", args.id);
            }
            println!("{} is no longer an admin", args.id);
            if env
                .get("TELEGRAM_ADMIN_IDS")
                .is_some_and(|ids| ids.split(',').any(|it| it.trim() == args.id.to_string()))
            {
                println!(
                    "note: {} is still in TELEGRAM_ADMIN_IDS; remove it there too (ajib-ctl config set)",
                    args.id
                );
            }
            Ok(())
        }
    }
}
