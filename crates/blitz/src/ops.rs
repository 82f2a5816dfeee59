//! Higher-level operations built from a few panel calls each.

use crate::{
    Client, Error,
    usage::Usage,
    wire::{NewUser, User, UserEdit},
};

impl Client {
    /// Creates the user, or returns the existing one if the name is taken.
    ///
    /// Idempotent: with a deterministic username, a retried call after a lost
    /// answer finds the user the first call created. An existing user is
    /// returned as it is; its limits are not compared with `new_user` or changed.
    /// Two requests: `POST /users/`, then `GET /users/{name}`.
    pub fn ensure_user(&self, new_user: &NewUser) -> Result<User, Error> {
        match self.create_user(new_user) {
            Ok(()) | Err(Error::Conflict { .. }) => self.get_user(&new_user.username),
            Err(err) => Err(err),
        }
    }

    /// Adds `days` to the user's total days and unblocks it; returns the new total.
    ///
    /// Reads the current `expiration_days` and sends current + `days`.
    /// **Not idempotent**: running it twice adds twice. Record the target
    /// (the returned total, or one computed from [`Client::get_user`]) and
    /// retry with [`Client::set_total_days`] instead of calling this again.
    ///
    /// The days count from the creation date, so an account that expired a
    /// while ago gets less than `days` of service from now; start a new
    /// period with [`Client::start_new_period`] for that.
    /// A user with unlimited days (`0`) stays unlimited and is only unblocked.
    pub fn extend_days(&self, username: &str, days: u64) -> Result<u64, Error> {
        let user = self.get_user(username)?;
        let total = match user.expiration_days {
            0 => 0,
            current => current.saturating_add(days),
        };
        self.set_total_days(username, total)?;
        Ok(total)
    }

    /// Sets the user's total days (counted from its creation date) and
    /// unblocks it.
    ///
    /// Idempotent: sending the same total twice leaves the same state.
    pub fn set_total_days(&self, username: &str, total_days: u64) -> Result<(), Error> {
        let edit = UserEdit {
            new_expiration_days: Some(total_days),
            blocked: Some(false),
            ..UserEdit::default()
        };
        self.edit_user(username, &edit)
    }

    /// Starts a fresh period: creation date := today, `days` total days,
    /// `traffic_gb` limit, unblocked, and usage zeroed.
    ///
    /// Two requests: a `PATCH`, then `GET /users/{name}/reset`. Both are
    /// idempotent, so after a failure the whole call can be repeated, though
    /// a repeat on a later day moves the start to that day.
    pub fn start_new_period(
        &self,
        username: &str,
        days: u64,
        traffic_gb: u64,
    ) -> Result<(), Error> {
        let edit = UserEdit {
            renew_creation_date: true,
            new_expiration_days: Some(days),
            new_traffic_limit_gb: Some(traffic_gb),
            blocked: Some(false),
            ..UserEdit::default()
        };
        self.edit_user(username, &edit)?;
        self.reset_user(username)
    }

    /// The user's traffic used and limit, expiry and blocked state.
    pub fn usage(&self, username: &str) -> Result<Usage, Error> {
        self.get_user(username)?.usage()
    }
}
