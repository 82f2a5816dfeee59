//! Typed, blocking client for the HTTP API of the Blitz panel, a web panel
//! that manages Hysteria2 users: create, extend, reset and remove users, and
//! fetch their connection and subscription links.
//!
//! It is not tied to any application: it knows nothing of orders, plans or
//! payments, keeps no state of its own, and never retries; the caller owns
//! retries and backoff, guided by [`Error::is_retryable`]. It is not async:
//! call it from a thread of its own, or `spawn_blocking` under an async runtime.
//!
//! # Main types
//!
//! - [`Client`]: one method per endpoint ([`Client::list_users`],
//!   [`Client::create_user`], [`Client::get_user`], [`Client::edit_user`],
//!   [`Client::delete_user`], [`Client::reset_user`], [`Client::user_links`],
//!   [`Client::bulk_links`], [`Client::server_status`],
//!   [`Client::services_status`], [`Client::version`]) and a few helpers made
//!   of several calls ([`Client::ensure_user`], [`Client::extend_days`],
//!   [`Client::set_total_days`], [`Client::start_new_period`], [`Client::usage`]).
//! - Wire types: [`User`], [`Links`], [`Node`], [`ServerStatus`],
//!   [`ServicesStatus`], [`Version`]; inputs [`NewUser`] and [`UserEdit`].
//! - [`Usage`] and [`Expiry`], derived from a [`User`]; [`Date`] for the
//!   panel's `YYYY-MM-DD` dates.
//! - [`Error`]: what went wrong, independent of the odd status codes the panel uses.
//!
//! # Panel quirks this crate hides
//!
//! - The token goes raw in `Authorization`, without `Bearer`.
//! - `/users` redirects to `/users/`; the client always calls `/users/`.
//! - An empty user list comes back as 400 "No users found": here it is `Ok(vec![])`.
//! - A missing user is 500 on `GET /users/{name}`, 400 on `PATCH`/`DELETE`/reset
//!   and 404 on `/uri`: here it is always [`Error::NotFound`].
//! - A `PATCH`/`DELETE` first disconnects the user; when that fails the panel
//!   answers 400 and changes nothing: here it is [`Error::Transient`].
//! - Usernames are stored lower-cased: they are validated against
//!   `^[a-zA-Z0-9_]+$` and lower-cased before sending ([`validate_username`]).
//! - "GB" means GiB: 30 GB is `30 × 2^30` bytes ([`gb_to_bytes`], [`bytes_to_gb`]).
//! - There is no expiry timestamp: it is the creation date plus
//!   `expiration_days`, and no date at all while the user is on hold
//!   ([`Usage`] reports both parts; this crate does no calendar arithmetic).
//! - `expiration_days` is a total counted from the creation date, not days to
//!   add ([`Client::extend_days`] does the reading and adding).
//! - A create with both a note and a creation date fails on every 2.x panel
//!   seen, up to 2.5.3 (`core/cli_api.py` passes the IP flag twice and
//!   `add_user.py` prints its usage): [`Client::create_user`] creates with the
//!   date and sets the note with a second request.
//! - Reset clears the creation date (the user goes back on hold):
//!   [`Client::start_new_period`] resets first and sets the date after.
//!
//! # Panel versions
//!
//! Written against ReturnFI/Blitz 2.5.3 (commit fff8c06) and its API as its
//! source reads; see `docs/blitz-compat.md` for every endpoint and case.
//! [`support`] says what the client knows of a version and the
//! [`Quirk`]s it works around. Panels before 2.0 kept users in a JSON file
//! behind another API and are not supported.
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use blitz::{Client, Expiry, NewUser};
//!
//! # fn main() -> Result<(), blitz::Error> {
//! let client = Client::new(
//!     "https://panel.example.com:8443/ROOT_PATH/api/v1",
//!     "API_TOKEN",
//!     Duration::from_secs(10),
//! )?;
//! let user = client.ensure_user(&NewUser {
//!     username: "shop_12345_1".to_owned(),
//!     traffic_limit_gb: 30,
//!     expiration_days: 30,
//!     note: Some("order 42".to_owned()),
//!     creation_date: None,
//!     password: None,
//!     unlimited_ip: false,
//! })?;
//! let links = client.user_links(&user.username)?;
//! println!("{}", links.normal_sub.or(links.ipv4).unwrap_or_default());
//!
//! let usage = client.usage(&user.username)?;
//! if let Expiry::After { from, days } = usage.expires_on {
//!     println!("{} of {:?} bytes used, {days} days from {from}", usage.used_bytes, usage.limit_bytes);
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod client;
mod compat;
mod date;
mod error;
mod ops;
mod units;
mod usage;
mod username;
mod wire;

pub use crate::{
    client::Client,
    compat::{NEWEST_KNOWN_VERSION, Quirk, Support, support},
    date::{Date, ParseDateError},
    error::Error,
    units::{BYTES_PER_GB, bytes_to_gb, gb_to_bytes},
    usage::{Expiry, Usage},
    username::{MAX_USERNAME_LEN, validate_username},
    wire::{Links, NewUser, Node, ServerStatus, ServicesStatus, User, UserEdit, Version},
};
