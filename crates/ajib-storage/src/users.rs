//! Telegram users: first contact, language, blocking and audiences for broadcasts.

use std::{cmp::Reverse, collections::BinaryHeap};

use ajib_domain::{Lang, TelegramId, UnixTime};
use rusqlite::{Row, params};

use crate::{
    Error, Store,
    store::{query_count, query_opt, query_vec, time},
};

/// What an incoming update tells about its sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSeen {
    /// The sender.
    pub id: TelegramId,
    /// Their @username, without the `@`.
    pub username: Option<String>,
    /// Their first name.
    pub first_name: String,
    /// When the update arrived.
    pub now: UnixTime,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Telegram id.
    pub id: TelegramId,
    /// Last known @username, without the `@`.
    pub username: Option<String>,
    /// Last known first name.
    pub first_name: String,
    /// Chosen language; `None` until the user picks one.
    pub lang: Option<Lang>,
    /// Whether the user blocked the bot (Telegram answered 403).
    pub blocked_bot: bool,
    /// Whether an operator banned the user.
    pub banned: bool,
    /// The `/start` payload of the first visit (referral or campaign).
    pub start_payload: Option<String>,
    /// First contact.
    pub created: UnixTime,
    /// Latest contact.
    pub last_seen: UnixTime,
}

impl UserRow {
    /// Whether `seen` would change nothing worth a write: same names, not
    /// marked blocked, `last_seen` within [`LAST_SEEN_STEP`].
    fn is_fresh(&self, seen: &UserSeen) -> bool {
        self.username == seen.username
            && self.first_name == seen.first_name
            && !self.blocked_bot
            && (seen.now.0 - self.last_seen.0) < LAST_SEEN_STEP
    }
}

/// A set of users to broadcast to; blocked and banned users are never in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everybody.
    All,
    /// Users with a paid (or granted) non-test order.
    Buyers,
    /// Users without one.
    NeverBought,
    /// Users with an active service that has not expired at the given time.
    ActiveServices(UnixTime),
    /// Users who had services, none of which is still running at the given time.
    Expired(UnixTime),
    /// Users who took the test account and never bought.
    TestOnly,
    /// Users who chose this language.
    Lang(Lang),
}

/// How stale `last_seen` may get before a contact refreshes it.
const LAST_SEEN_STEP: i64 = 60;

/// How many users there are, as the `tallies` triggers keep it (migration 0010):
/// counting a million rows took milliseconds.
const USERS_TALLY: &str = "SELECT n FROM tallies WHERE name = 'users'";

const USER_COLUMNS: &str =
    "id, username, first_name, lang, blocked_bot, banned, start_payload, created_at, last_seen";

/// A non-test order that was paid or granted.
const BOUGHT: &str = "SELECT 1 FROM orders o WHERE o.user_id = users.id AND o.kind <> 'test' \
                      AND o.status IN ('paid', 'provisioned')";

impl Store {
    /// Records a contact: inserts the user or refreshes names and `last_seen`.
    ///
    /// A user who writes to the bot has evidently unblocked it, so `blocked_bot` is cleared.
    /// A user seen less than a minute ago with the same names is only
    /// read: most updates come from users who were just here, and a write per
    /// update would be most of what an update costs the database.
    pub async fn upsert_user(&self, seen: &UserSeen) -> Result<UserRow, Error> {
        let seen = seen.clone();
        self.with_conn(move |conn| {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1");
            let known = query_opt(conn, &sql, [seen.id.0], read_user)?;
            if let Some(user) = known.filter(|it| it.is_fresh(&seen)) {
                return Ok(user);
            }
            let sql = format!(
                "INSERT INTO users (id, username, first_name, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4) \
                 ON CONFLICT (id) DO UPDATE SET username = excluded.username, first_name = excluded.first_name, \
                 last_seen = max(last_seen, excluded.last_seen), blocked_bot = 0 \
                 RETURNING {USER_COLUMNS}"
            );
            let user = query_opt(conn, &sql, params![seen.id.0, seen.username, seen.first_name, seen.now.0], read_user)?;
            user.ok_or(Error::NotFound { what: "user" })
        })
        .await
    }

    /// The user with this id.
    pub async fn get_user(&self, id: TelegramId) -> Result<Option<UserRow>, Error> {
        self.with_conn(move |conn| {
            query_opt(
                conn,
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
                [id.0],
                read_user,
            )
        })
        .await
    }

    /// The user with this @username (case-insensitive, leading `@` optional).
    pub async fn find_user_by_username(&self, username: &str) -> Result<Option<UserRow>, Error> {
        let username = username.trim().trim_start_matches('@').to_owned();
        self.with_conn(move |conn| {
            let sql = format!(
                "SELECT {USER_COLUMNS} FROM users WHERE username IS NOT NULL AND lower(username) = lower(?1) \
                 ORDER BY last_seen DESC LIMIT 1"
            );
            query_opt(conn, &sql, [username], read_user)
        })
        .await
    }

    /// One page of users, newest first, and how many match in all.
    ///
    /// With a `query`, a user matches on their exact id or on a fragment
    /// (case-insensitive for ASCII) of their @username, first name or one of
    /// their panel usernames; a leading `@` is ignored.
    pub async fn search_users(
        &self,
        query: Option<&str>,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<UserRow>, u64), Error> {
        let query = query
            .map(|it| it.trim().trim_start_matches('@').to_lowercase())
            .filter(|it| !it.is_empty());
        let Some(query) = query else {
            // Off the quick connection: a far page walks the index to its offset.
            return self
                .with_conn_long(move |conn| {
                    let total = query_count(conn, USERS_TALLY, [])?;
                    let sql = format!(
                        "SELECT {USER_COLUMNS} FROM users ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2"
                    );
                    let page = query_vec(conn, &sql, params![limit, offset], read_user)?;
                    Ok((page, total))
                })
                .await;
        };
        // `CAST(id AS TEXT) = query`, as a search of the primary key.
        let id = query
            .parse::<i64>()
            .ok()
            .filter(|it| it.to_string() == query);
        let pattern = like_pattern(&query);
        self.with_conn_long(move |conn| {
            // A fragment can only be found by reading every user: read them
            // once, counting the matches and keeping the page's, and look
            // panel usernames up in one pass over services, not once per user.
            let sql = "SELECT created_at, id FROM users WHERE id = ?1 \
                 OR lower(username) LIKE ?2 ESCAPE '\\' OR lower(first_name) LIKE ?2 ESCAPE '\\' \
                 OR id IN (SELECT user_id FROM services WHERE lower(blitz_username) LIKE ?2 ESCAPE '\\')";
            let mut stmt = conn.prepare_cached(sql)?;
            let mut rows = stmt.query(params![id, pattern])?;
            let keep = offset.saturating_add(limit) as usize;
            let mut newest = BinaryHeap::with_capacity(keep + 1);
            let mut total = 0;
            while let Some(row) = rows.next()? {
                total += 1;
                newest.push(Reverse((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)));
                if newest.len() > keep {
                    newest.pop();
                }
            }
            // Ascending `Reverse` is newest first: `created_at DESC, id DESC`.
            let ids = newest.into_sorted_vec().into_iter().skip(offset as usize);
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1");
            let mut page = Vec::with_capacity(limit as usize);
            for Reverse((_, id)) in ids {
                page.extend(query_opt(conn, &sql, [id], read_user)?);
            }
            Ok((page, total))
        })
        .await
    }

    /// Stores the user's language choice.
    pub async fn set_user_lang(&self, id: TelegramId, lang: Lang) -> Result<(), Error> {
        self.update_user(
            id,
            "UPDATE users SET lang = ?2 WHERE id = ?1",
            lang.code().to_owned(),
        )
        .await
    }

    /// Records whether the user blocked the bot.
    pub async fn set_user_blocked(&self, id: TelegramId, blocked: bool) -> Result<(), Error> {
        self.update_user(
            id,
            "UPDATE users SET blocked_bot = ?2 WHERE id = ?1",
            i64::from(blocked),
        )
        .await
    }

    /// Records whether an operator banned the user.
    pub async fn set_user_banned(&self, id: TelegramId, banned: bool) -> Result<(), Error> {
        self.update_user(
            id,
            "UPDATE users SET banned = ?2 WHERE id = ?1",
            i64::from(banned),
        )
        .await
    }

    /// Stores the `/start` payload unless one is already stored; true if it was stored now.
    pub async fn set_start_payload(&self, id: TelegramId, payload: &str) -> Result<bool, Error> {
        let payload = payload.to_owned();
        self.with_conn(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE users SET start_payload = ?2 WHERE id = ?1 AND start_payload IS NULL",
                )?
                .execute(params![id.0, payload])?;
            Ok(n == 1)
        })
        .await
    }

    /// How many users ever started the bot.
    pub async fn count_users(&self) -> Result<u64, Error> {
        self.with_conn(|conn| query_count(conn, USERS_TALLY, []))
            .await
    }

    /// The ids in `audience`, ascending, leaving out users who blocked the bot or are banned.
    pub async fn audience(&self, audience: Audience) -> Result<Vec<TelegramId>, Error> {
        // Up to every user: off the quick connection.
        self.with_conn_long(move |conn| {
            let base = "SELECT id FROM users WHERE blocked_bot = 0 AND banned = 0";
            let read = |row: &Row<'_>| Ok(TelegramId(row.get(0)?));
            match audience {
                Audience::All => query_vec(conn, &format!("{base} ORDER BY id"), [], read),
                Audience::Buyers => query_vec(conn, &format!("{base} AND EXISTS ({BOUGHT}) ORDER BY id"), [], read),
                Audience::NeverBought => {
                    query_vec(conn, &format!("{base} AND NOT EXISTS ({BOUGHT}) ORDER BY id"), [], read)
                }
                Audience::ActiveServices(now) => {
                    let sql = format!(
                        "{base} AND EXISTS (SELECT 1 FROM services s WHERE s.user_id = users.id \
                         AND s.status = 'active' AND s.expires_at > ?1) ORDER BY id"
                    );
                    query_vec(conn, &sql, [now.0], read)
                }
                Audience::Expired(now) => {
                    let sql = format!(
                        "{base} AND EXISTS (SELECT 1 FROM services s WHERE s.user_id = users.id) \
                         AND NOT EXISTS (SELECT 1 FROM services s WHERE s.user_id = users.id \
                         AND s.status = 'active' AND s.expires_at > ?1) ORDER BY id"
                    );
                    query_vec(conn, &sql, [now.0], read)
                }
                Audience::TestOnly => {
                    let sql = format!(
                        "{base} AND EXISTS (SELECT 1 FROM orders o WHERE o.user_id = users.id AND o.kind = 'test') \
                         AND NOT EXISTS ({BOUGHT}) ORDER BY id"
                    );
                    query_vec(conn, &sql, [], read)
                }
                Audience::Lang(lang) => {
                    query_vec(conn, &format!("{base} AND lang = ?1 ORDER BY id"), [lang.code()], read)
                }
            }
        })
        .await
    }

    async fn update_user(
        &self,
        id: TelegramId,
        sql: &'static str,
        value: impl rusqlite::ToSql + Send + 'static,
    ) -> Result<(), Error> {
        self.with_conn(move |conn| match conn.execute(sql, params![id.0, value])? {
            0 => Err(Error::NotFound { what: "user" }),
            _ => Ok(()),
        })
        .await
    }
}

/// `%fragment%` for LIKE, with the wildcards `%` and `_` (and the escape `\`) taken literally.
fn like_pattern(fragment: &str) -> String {
    let mut res = String::with_capacity(fragment.len() + 2);
    res.push('%');
    for c in fragment.chars() {
        if matches!(c, '%' | '_' | '\\') {
            res.push('\\');
        }
        res.push(c);
    }
    res.push('%');
    res
}

fn read_user(row: &Row<'_>) -> Result<UserRow, Error> {
    let lang = match row.get::<_, Option<String>>("lang")? {
        None => None,
        Some(code) => Some(Lang::from_code(&code).ok_or(Error::Decode {
            column: "users.lang",
            raw: code,
        })?),
    };
    Ok(UserRow {
        id: TelegramId(row.get("id")?),
        username: row.get("username")?,
        first_name: row.get("first_name")?,
        lang,
        blocked_bot: row.get("blocked_bot")?,
        banned: row.get("banned")?,
        start_payload: row.get("start_payload")?,
        created: time(row, "created_at")?,
        last_seen: time(row, "last_seen")?,
    })
}
