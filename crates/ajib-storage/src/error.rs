//! The one error type of the storage crate.

use std::{fmt, path::PathBuf};

use ajib_domain::{OrderId, TelegramId, TransitionError};

/// Everything that can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The row asked for does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `"order"`.
        what: &'static str,
    },
    /// The write contradicts what is stored.
    #[error("conflict: {what}")]
    Conflict {
        /// What contradicts what.
        what: &'static str,
    },
    /// The user already has a test order; there is one per user, ever.
    #[error("user {user} already had a test account")]
    TestAlreadyUsed {
        /// The user.
        user: TelegramId,
    },
    /// The order's state machine forbids the change.
    #[error("illegal order change")]
    IllegalTransition(#[from] TransitionError),
    /// A payment confirmation names an invoice the order does not have.
    #[error("invoice {invoice_uuid:?} does not belong to order {order}")]
    InvoiceMismatch {
        /// The order.
        order: OrderId,
        /// The invoice uuid given.
        invoice_uuid: String,
    },
    /// Taking money would make a balance negative.
    #[error("the balance of {user} ({balance}) does not cover it")]
    InsufficientBalance {
        /// Whose balance.
        user: TelegramId,
        /// What it holds.
        balance: ajib_domain::Money,
    },
    /// The database was written by a newer AJIB; opening it could damage it.
    #[error(
        "database schema version {found} is newer than the {known} this build knows; upgrade ajib"
    )]
    SchemaTooNew {
        /// The database's `user_version`.
        found: u32,
        /// [`crate::CURRENT_SCHEMA_VERSION`].
        known: u32,
    },
    /// A stored value cannot be read back into a domain value.
    #[error("stored {column} is invalid: {raw:?}")]
    Decode {
        /// The column.
        column: &'static str,
        /// The stored text.
        raw: String,
    },
    /// `PRAGMA integrity_check` found damage.
    #[error("database is corrupt: {0}")]
    Corrupt(String),
    /// No pooled connection could be had, or the closure running on it panicked.
    #[error("database pool: {message}")]
    Pool {
        /// What happened.
        message: String,
    },
    /// A file next to the database could not be written or moved.
    #[error("cannot write {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// A promo code cannot be used for this purchase (see [`crate::PromoRefusal`]).
    #[error("promo code refused: {0}")]
    PromoRefused(crate::PromoRefusal),
    /// A suspended agent buys nothing until the owner resumes them.
    #[error("the agent is suspended")]
    AgentSuspended,
    /// An agent's purchase would take their balance below their credit limit.
    #[error(
        "the agent's balance ({balance_minor}) and credit ({limit_minor}) do not cover {needed_minor}"
    )]
    CreditLimit {
        /// The balance in minor units (below zero on credit).
        balance_minor: i64,
        /// The credit limit in minor units.
        limit_minor: u64,
        /// What the purchase costs.
        needed_minor: i64,
    },
    /// A retail price below what the agent pays.
    #[error("a retail price must be at least the agent price {cost}")]
    BelowAgentPrice {
        /// What the agent pays for the plan.
        cost: ajib_domain::Money,
    },
    /// SQLite itself failed.
    #[error("database error")]
    Sqlite(#[source] SqliteError),
}

/// An SQLite error, kept as the source of [`Error::Sqlite`] without exposing rusqlite.
pub struct SqliteError(rusqlite::Error);

impl fmt::Debug for SqliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for SqliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl SqliteError {
    pub(crate) fn inner(&self) -> &rusqlite::Error {
        &self.0
    }
}

impl std::error::Error for SqliteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(SqliteError(error))
    }
}

/// Whether `error` is a UNIQUE or PRIMARY KEY violation.
pub(crate) fn is_unique_violation(error: &rusqlite::Error) -> bool {
    match error {
        rusqlite::Error::SqliteFailure(failure, _) => matches!(
            failure.extended_code,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        ),
        _ => false,
    }
}
