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
    /// returned as it is; its limits are not compared with `new_user` or
    /// changed, but a missing note is set.
    ///
    /// Two requests (`POST /users/`, then `GET /users/{name}`), and a third
    /// (`PATCH`) when `new_user` has both a note and a creation date, which the
    /// panel cannot take in one create (see [`Client::create_user`]). The note
    /// is only a label: if setting it fails the user is returned anyway and the
    /// failure is logged.
    pub fn ensure_user(&self, new_user: &NewUser) -> Result<User, Error> {
        match self.post_user(new_user) {
            Ok(_) | Err(Error::Conflict { .. }) => (),
            Err(err) => return Err(err),
        }
        let user = self.get_user(&new_user.username)?;
        let wanted = new_user.note.as_deref().unwrap_or_default();
        if wanted.is_empty() || user.note == wanted {
            return Ok(user);
        }
        match self.set_note(&user.username, wanted) {
            Ok(()) => Ok(User {
                note: wanted.to_owned(),
                ..user
            }),
            Err(err) => {
                log::warn!(
                    "user {} created, but its note was not set: {err}",
                    user.username
                );
                Ok(user)
            }
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

    /// Starts a fresh period: usage zeroed, unblocked, creation date :=
    /// today, `days` total days and a `traffic_gb` limit.
    ///
    /// Two requests, in this order: `GET /users/{name}/reset`, then a
    /// `PATCH`. The panel's reset also clears the creation date (the user goes
    /// back on hold, its days waiting for the first connection), so the
    /// `PATCH` that sets the date today must come after it. Both are
    /// idempotent, so after a failure the whole call can be repeated, though a
    /// repeat on a later day moves the start to that day.
    pub fn start_new_period(
        &self,
        username: &str,
        days: u64,
        traffic_gb: u64,
    ) -> Result<(), Error> {
        self.reset_user(username)?;
        let edit = UserEdit {
            renew_creation_date: true,
            new_expiration_days: Some(days),
            new_traffic_limit_gb: Some(traffic_gb),
            blocked: Some(false),
            ..UserEdit::default()
        };
        self.edit_user(username, &edit)
    }

    /// The user's traffic used and limit, expiry and blocked state.
    pub fn usage(&self, username: &str) -> Result<Usage, Error> {
        self.get_user(username)?.usage()
    }
}
