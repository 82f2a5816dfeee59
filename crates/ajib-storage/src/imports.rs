//! Accounts that were on a panel before the bot knew them: imported by an
//! operator (`ajib-ctl panels import`) or claimed by their customer, each
//! linked as a service without an order.
//!
//! A link is idempotent by `UNIQUE (panel_id, blitz_username)`: an account
//! already linked (to anyone, by any path) is counted, never linked twice.

use std::ops::AddAssign;

use ajib_domain::{Date, DateError, PanelId, Service, ServiceId, TelegramId, UnixTime};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::{
    Error, Store,
    panels::get_panel,
    services::get_service,
    store::{query_count, to_sql_u64},
};

/// Accounts linked per transaction: big enough that an import of thousands
/// costs few commits, small enough that the bot's own writes wait
/// milliseconds, not seconds, behind one.
pub const IMPORT_BATCH: usize = 500;

/// How many times a customer may try to link an account per [`LINK_WINDOW_SECS`].
pub const LINK_ATTEMPTS_PER_WINDOW: u64 = 5;

/// The window of [`LINK_ATTEMPTS_PER_WINDOW`]: one hour.
pub const LINK_WINDOW_SECS: i64 = 3600;

/// The days an account with unlimited days (`expiration_days` 0) is stored
/// with: a hundred years, "never" for every purpose of the bot.
pub const UNLIMITED_DAYS: u64 = 36_500;

/// What a panel says of an account's days and traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PanelTerms {
    /// The panel's creation date, when its days began; `None` while on hold
    /// (the days start at the first connection).
    pub created: Option<Date>,
    /// `expiration_days`; `0` means unlimited.
    pub days: u64,
    /// The traffic limit in bytes; `None` when unlimited.
    pub traffic_limit_bytes: Option<u64>,
}

impl PanelTerms {
    /// The terms from a panel user's own fields: `account_creation_date`
    /// (`YYYY-MM-DD`, absent while on hold), `expiration_days` and
    /// `max_download_bytes` (`0` is unlimited); fails if the date is not one.
    pub fn from_panel(
        creation_date: Option<&str>,
        expiration_days: u64,
        max_download_bytes: u64,
    ) -> Result<Self, DateError> {
        Ok(Self {
            created: creation_date.map(Date::parse).transpose()?,
            days: expiration_days,
            traffic_limit_bytes: (max_download_bytes > 0).then_some(max_download_bytes),
        })
    }

    /// When the account stops working, as the service stores it.
    ///
    /// An account with a creation date ends `days` days after it (midnight
    /// UTC), as the panel reckons. One on hold has not started its clock: it
    /// is taken to start at `now`, the earliest it can, so the bot never
    /// promises more days than the panel will give (the panel may give a few
    /// more, if the first connection comes later). Unlimited days are
    /// [`UNLIMITED_DAYS`] from `now`.
    #[must_use]
    pub fn expires(&self, now: UnixTime) -> UnixTime {
        let (start, days) = match (self.days, self.created) {
            (0, _) => (now, UNLIMITED_DAYS),
            (days, Some(created)) => (UnixTime::from_date(created), days.min(UNLIMITED_DAYS)),
            (days, None) => (now, days.min(UNLIMITED_DAYS)),
        };
        // At most UNLIMITED_DAYS, so the conversion cannot fail.
        start.plus_days(i64::try_from(days).unwrap_or(i64::MAX))
    }
}

/// An account on a panel and the Telegram user it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAccount {
    /// The customer it belongs to.
    pub owner: TelegramId,
    /// Its (lower-case) panel username.
    pub username: String,
    /// Its days and traffic, as the panel says.
    pub terms: PanelTerms,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Accounts linked now, each a new service.
    pub linked: u64,
    /// Accounts already linked to the same customer (a second import).
    pub already_linked: u64,
    /// Accounts already linked to another customer: left as they are.
    pub other_owner: u64,
    /// Customers the bot had never seen, recorded now.
    pub new_users: u64,
}

impl AddAssign for ImportCounts {
    fn add_assign(&mut self, other: Self) {
        self.linked += other.linked;
        self.already_linked += other.already_linked;
        self.other_owner += other.other_owner;
        self.new_users += other.new_users;
    }
}

/// What a customer's claim of an account came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Linked now.
    Linked(Service),
    /// It was already theirs.
    AlreadyYours(Service),
    /// It is another customer's service.
    OtherOwner,
}

/// Where one account's link went.
enum Linked {
    New(ServiceId),
    Same(ServiceId),
    Other,
}

impl Store {
    /// Links each account on panel `panel` to its owner as a service (origin
    /// `import`, no order, no plan), recording owners the bot has never seen;
    /// accounts already linked are counted and left alone.
    ///
    /// Runs in transactions of [`IMPORT_BATCH`] accounts; if one fails, the
    /// batches before it stay linked, and a second run links the rest.
    pub async fn import_accounts(
        &self,
        panel: PanelId,
        accounts: &[ImportedAccount],
        now: UnixTime,
    ) -> Result<ImportCounts, Error> {
        self.link_batches(panel, accounts, now, true).await
    }

    /// What [`Store::import_accounts`] would do, changing nothing: the same
    /// work in transactions that are rolled back.
    pub async fn preview_import(
        &self,
        panel: PanelId,
        accounts: &[ImportedAccount],
        now: UnixTime,
    ) -> Result<ImportCounts, Error> {
        self.link_batches(panel, accounts, now, false).await
    }

    /// Links `accounts` a batch per transaction, committed if `keep`, else rolled back.
    async fn link_batches(
        &self,
        panel: PanelId,
        accounts: &[ImportedAccount],
        now: UnixTime,
        keep: bool,
    ) -> Result<ImportCounts, Error> {
        self.require_panel(panel).await?;
        let mut res = ImportCounts::default();
        for batch in accounts.chunks(IMPORT_BATCH) {
            let batch = batch.to_vec();
            res += self
                .with_write_long(move |conn| {
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let counts = link_batch(&tx, panel, &batch, now)?;
                    match keep {
                        true => tx.commit()?,
                        false => tx.rollback()?,
                    }
                    Ok(counts)
                })
                .await?;
        }
        Ok(res)
    }

    /// Links an account a customer proved is theirs (origin `link`); refuses
    /// one linked to someone else.
    pub async fn link_account(
        &self,
        panel: PanelId,
        account: &ImportedAccount,
        now: UnixTime,
    ) -> Result<LinkOutcome, Error> {
        self.require_panel(panel).await?;
        let account = account.clone();
        self.with_tx(move |tx| {
            let outcome = link_one(tx, panel, &account, "link", now)?;
            let id = match outcome {
                Linked::New(id) | Linked::Same(id) => id,
                Linked::Other => return Ok(LinkOutcome::OtherOwner),
            };
            let service = get_service(tx, id)?.ok_or(Error::NotFound { what: "service" })?;
            Ok(match outcome {
                Linked::New(_) => LinkOutcome::Linked(service),
                _ => LinkOutcome::AlreadyYours(service),
            })
        })
        .await
    }

    /// Counts one try of `user` to link an account, unless they have used up
    /// [`LINK_ATTEMPTS_PER_WINDOW`] in the last [`LINK_WINDOW_SECS`]: true if
    /// this try may go ahead. Tries older than the window are forgotten.
    pub async fn take_link_attempt(&self, user: TelegramId, now: UnixTime) -> Result<bool, Error> {
        self.with_tx(move |tx| {
            let since = now.0 - LINK_WINDOW_SECS;
            tx.prepare_cached("DELETE FROM link_attempts WHERE at <= ?1")?
                .execute([since])?;
            let used = query_count(
                tx,
                "SELECT count(*) FROM link_attempts WHERE user_id = ?1 AND at > ?2",
                params![user.0, since],
            )?;
            if used >= LINK_ATTEMPTS_PER_WINDOW {
                return Ok(false);
            }
            tx.prepare_cached("INSERT INTO link_attempts (user_id, at) VALUES (?1, ?2)")?
                .execute(params![user.0, now.0])?;
            Ok(true)
        })
        .await
    }

    async fn require_panel(&self, panel: PanelId) -> Result<(), Error> {
        match self.with_conn(move |conn| get_panel(conn, panel)).await? {
            Some(_) => Ok(()),
            None => Err(Error::NotFound { what: "panel" }),
        }
    }
}

fn link_batch(
    tx: &Connection,
    panel: PanelId,
    accounts: &[ImportedAccount],
    now: UnixTime,
) -> Result<ImportCounts, Error> {
    let mut res = ImportCounts::default();
    for account in accounts {
        res.new_users += u64::from(record_user(tx, account.owner, now)?);
        match link_one(tx, panel, account, "import", now)? {
            Linked::New(_) => res.linked += 1,
            Linked::Same(_) => res.already_linked += 1,
            Linked::Other => res.other_owner += 1,
        }
    }
    Ok(res)
}

/// Records a customer the bot has never seen, with no name or language yet
/// (their first message fills both in) and never seen (`last_seen` 0, so
/// "users seen since" counts only people who wrote); true if it was new.
fn record_user(tx: &Connection, user: TelegramId, now: UnixTime) -> Result<bool, Error> {
    let n = tx
        .prepare_cached(
            "INSERT INTO users (id, first_name, created_at, last_seen) VALUES (?1, '', ?2, 0) \
             ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![user.0, now.0])?;
    Ok(n == 1)
}

/// Links one account with origin `origin` (`import` or `link`), its owner
/// already recorded.
fn link_one(
    tx: &Connection,
    panel: PanelId,
    account: &ImportedAccount,
    origin: &str,
    now: UnixTime,
) -> Result<Linked, Error> {
    let limit = account
        .terms
        .traffic_limit_bytes
        .map(|it| to_sql_u64("traffic_limit_bytes", it))
        .transpose()?;
    let expires = account.terms.expires(now);
    let status = match expires > now {
        true => "active",
        false => "expired",
    };
    let inserted: Option<i64> = tx
        .prepare_cached(
            "INSERT INTO services (user_id, order_id, panel_id, blitz_username, plan_id, is_test, \
             created_at, expires_at, traffic_limit_bytes, status, origin) \
             VALUES (?1, NULL, ?2, ?3, NULL, 0, ?4, ?5, ?6, ?7, ?8) \
             ON CONFLICT (panel_id, blitz_username) DO NOTHING RETURNING id",
        )?
        .query_row(
            params![
                account.owner.0,
                panel.0,
                account.username,
                now.0,
                expires.0,
                limit,
                status,
                origin
            ],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(id) = inserted {
        return Ok(Linked::New(ServiceId(id)));
    }
    let (id, owner): (i64, i64) = tx
        .prepare_cached(
            "SELECT id, user_id FROM services WHERE panel_id = ?1 AND blitz_username = ?2",
        )?
        .query_row(params![panel.0, account.username], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    Ok(match owner == account.owner.0 {
        true => Linked::Same(ServiceId(id)),
        false => Linked::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_expires(created: Option<&str>, days: u64, now: &str, expected: &str) {
        let at = |text: &str| UnixTime::from_date(Date::parse(text).unwrap());
        let terms = PanelTerms {
            created: created.map(|it| Date::parse(it).unwrap()),
            days,
            traffic_limit_bytes: None,
        };
        assert_eq!(terms.expires(at(now)), at(expected));
    }

    #[test]
    fn expiry_follows_the_panel() {
        check_expires(Some("2026-01-10"), 30, "2026-01-20", "2026-02-09");
        // On hold: the clock starts now at the earliest.
        check_expires(None, 30, "2026-01-20", "2026-02-19");
        // Unlimited days: a hundred years.
        check_expires(Some("2026-01-10"), 0, "2026-01-20", "2125-12-27");
        // Absurd days are capped like unlimited ones, from the creation date.
        check_expires(Some("2026-01-10"), u64::MAX, "2026-01-20", "2125-12-17");
    }
}
