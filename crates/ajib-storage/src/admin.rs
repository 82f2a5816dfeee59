//! Operator data: the audit log, key/value settings and the admin list.

use std::fmt;

use ajib_domain::{TelegramId, UnixTime};
use rusqlite::{Connection, Row, params};

use crate::{
    Error, Store,
    store::{query_opt, query_vec, time},
};

/// Who did something recorded in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// An admin in the bot.
    Admin(TelegramId),
    /// The operator CLI on the server.
    Cli,
    /// The bot itself (workers, schedulers).
    System,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its id, increasing.
    pub id: i64,
    /// Who acted.
    pub actor: Actor,
    /// What was done, e.g. `plan.update`.
    pub action: String,
    /// The state before, as JSON.
    pub before_json: Option<String>,
    /// The state after, as JSON.
    pub after_json: Option<String>,
    /// When.
    pub at: UnixTime,
}

/// What an admin may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminRole {
    /// Everything, including managing admins.
    Owner,
    /// Everything but managing admins.
    Admin,
    /// Look up users and orders.
    Support,
}

/// A stored admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    /// Telegram id.
    pub id: TelegramId,
    /// What they may do.
    pub role: AdminRole,
    /// Who added them; `None` when added from configuration or the CLI.
    pub added_by: Option<TelegramId>,
    /// When.
    pub added_at: UnixTime,
}

impl Actor {
    /// Parses the storage spelling: `tg:<id>`, `cli` or `system`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "cli" => Some(Self::Cli),
            "system" => Some(Self::System),
            _ => text
                .strip_prefix("tg:")?
                .parse()
                .ok()
                .map(|id| Self::Admin(TelegramId(id))),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Admin(id) => write!(f, "tg:{id}"),
            Self::Cli => f.write_str("cli"),
            Self::System => f.write_str("system"),
        }
    }
}

impl AdminRole {
    /// Every role.
    pub const ALL: [Self; 3] = [Self::Owner, Self::Admin, Self::Support];

    /// The storage spelling, e.g. `"owner"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Support => "support",
        }
    }

    /// Parses [`AdminRole::as_str`].
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|it| it.as_str() == text)
    }
}

impl fmt::Display for AdminRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Store {
    /// Appends an audit log entry.
    pub async fn audit(
        &self,
        actor: Actor,
        action: &str,
        before_json: Option<&str>,
        after_json: Option<&str>,
        now: UnixTime,
    ) -> Result<(), Error> {
        let (action, before, after) = (
            action.to_owned(),
            before_json.map(str::to_owned),
            after_json.map(str::to_owned),
        );
        self.with_conn(move |conn| {
            write_audit(
                conn,
                actor,
                &action,
                before.as_deref(),
                after.as_deref(),
                now,
            )
        })
        .await
    }

    /// The latest audit entries, newest first.
    pub async fn recent_audit(&self, limit: u32) -> Result<Vec<AuditEntry>, Error> {
        self.with_conn(move |conn| {
            query_vec(
                conn,
                "SELECT id, actor, action, before_json, after_json, at FROM audit_log ORDER BY id DESC LIMIT ?1",
                [limit],
                read_audit,
            )
        })
        .await
    }

    /// The value of setting `key`.
    pub async fn get_setting(&self, key: &str) -> Result<Option<String>, Error> {
        let key = key.to_owned();
        self.with_conn(move |conn| {
            query_opt(
                conn,
                "SELECT value FROM settings WHERE key = ?1",
                [key],
                |row| Ok(row.get(0)?),
            )
        })
        .await
    }

    /// Stores setting `key`, replacing its value.
    pub async fn set_setting(&self, key: &str, value: &str, now: UnixTime) -> Result<(), Error> {
        let (key, value) = (key.to_owned(), value.to_owned());
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, \
                    ?2, ?3) ON CONFLICT (key) DO UPDATE SET value = \
                    excluded.value, updated_at = excluded.updated_at",
            )?
            .execute(params![key, value, now.0])?;
            Ok(())
        })
        .await
    }

    /// Every admin, by id.
    pub async fn list_admins(&self) -> Result<Vec<Admin>, Error> {
        self.with_conn(|conn| {
            query_vec(
                conn,
                "SELECT id, role, added_by, added_at FROM admins ORDER BY id",
                [],
                read_admin,
            )
        })
        .await
    }

    /// The admin with this id.
    pub async fn get_admin(&self, id: TelegramId) -> Result<Option<Admin>, Error> {
        self.with_conn(move |conn| {
            query_opt(
                conn,
                "SELECT id, role, added_by, added_at FROM admins WHERE id = ?1",
                [id.0],
                read_admin,
            )
        })
        .await
    }

    /// Adds an admin or changes their role (keeping who first added them and when).
    pub async fn upsert_admin(
        &self,
        id: TelegramId,
        role: AdminRole,
        added_by: Option<TelegramId>,
        now: UnixTime,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| {
            conn.prepare_cached(
                "INSERT INTO admins (id, role, added_by, added_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (id) DO UPDATE SET role = excluded.role",
            )?
            .execute(params![id.0, role.as_str(), added_by.map(|it| it.0), now.0])?;
            Ok(())
        })
        .await
    }

    /// Removes an admin; true if there was one.
    pub async fn remove_admin(&self, id: TelegramId) -> Result<bool, Error> {
        self.with_conn(move |conn| {
            Ok(conn
                .prepare_cached("DELETE FROM admins WHERE id = ?1")?
                .execute([id.0])?
                == 1)
        })
        .await
    }
}

fn read_audit(row: &Row<'_>) -> Result<AuditEntry, Error> {
    let actor_text: String = row.get("actor")?;
    let actor = Actor::parse(&actor_text).ok_or(Error::Decode {
        column: "audit_log.actor",
        raw: actor_text,
    })?;
    Ok(AuditEntry {
        id: row.get("id")?,
        actor,
        action: row.get("action")?,
        before_json: row.get("before_json")?,
        after_json: row.get("after_json")?,
        at: time(row, "at")?,
    })
}

fn read_admin(row: &Row<'_>) -> Result<Admin, Error> {
    let role_text: String = row.get("role")?;
    let role = AdminRole::parse(&role_text).ok_or(Error::Decode {
        column: "admins.role",
        raw: role_text,
    })?;
    Ok(Admin {
        id: TelegramId(row.get("id")?),
        role,
        added_by: row.get::<_, Option<i64>>("added_by")?.map(TelegramId),
        added_at: time(row, "added_at")?,
    })
}

/// Appends an audit entry inside the caller's transaction, so the change and its record are one.
pub(crate) fn write_audit(
    conn: &Connection,
    actor: Actor,
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
    now: UnixTime,
) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO audit_log (actor, action, before_json, after_json, at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![actor.to_string(), action, before, after, now.0])?;
    Ok(())
}
