//! A fake Blitz panel, modelling ReturnFI/Blitz 2.5.3: a real HTTP server on
//! `127.0.0.1` speaking the panel's `/api/v1` API over users kept in memory.
//!
//! Start one with [`FakeBlitz::start`], aim a client at
//! [`FakeBlitz::base_url`] with [`FakeBlitz::token`], and inspect or change
//! what the panel holds through the test API ([`FakeBlitz::users`],
//! [`FakeBlitz::set_usage`], ...). The server runs on its own thread with its
//! own tokio runtime, so sync tests and async tests (on any runtime) can both
//! use it; it stops when the `FakeBlitz` is dropped.
//!
//! # A model of the panel, not a table of answers
//!
//! The real panel is a FastAPI app whose handlers call `core/cli_api.py`,
//! which runs Python scripts over MongoDB and turns their failures into
//! exception texts that the handlers wrap once more.
//! The fake has the same layers, so its answers come out of the same structure:
//!
//! - `api`: the auth middleware, Starlette's routing (307 slash redirects,
//!   404, 405), the pydantic models (`schema`), and each handler's
//!   `try`/`except` wrapping into `{"status": N, "detail": ...}`.
//! - `cli_api`: the argument list each call builds (with 2.5.3's `add_user`
//!   bug: a create with both a note and a creation date fails with
//!   `add_user.py`'s usage text), `run_cmd`'s error text, the kick.
//! - `scripts`: `add_user.py`, `get_user.py`, `edit_user.py`,
//!   `reset_user.py`, `remove_user.py`, `list_users.py`, `wrapper_uri.py`,
//!   `kickuser.py` and `core/traffic.py`, as functions of `sys.argv`.
//! - `state`: the users collection, keyed by the lower-cased name.
//!
//! [`FakeBlitz::commands`] lists every script command line the panel ran.
//! The panel's periodic traffic and expiry pass does not run by itself: call
//! [`FakeBlitz::enforce_limits`] where a test wants it.
//!
//! # Sources
//!
//! ReturnFI/Blitz's own 2.x files were not in any index we could read, so
//! each module cites the fork or copy it follows (Jackchen0514/Blitz,
//! 0xd5f/ANY, YerdosNar/Blitz, Asgaroth-SG/AsgarothGate), with commits.
//! The user router is identical in four forks and `add_user.py`'s argv
//! handling in two; the spec (`shared/specs/blitz.md`) records the `add_user`
//! bug as seen on a running 2.5.3.
//!
//! # Not verified against 2.5.3
//!
//! - Every router, `cli_api` and script text: read from forks and older copies, not from ReturnFI/Blitz at 2.5.3.
//! - That 2.5.3's `add_user.py` takes at most 8 argv, so the bug prints the usage line (Swaeami/iridium-blitz takes 9, where it would be a traceback).
//! - Raw-token auth and "Unauthorized." with its full stop (the older ReturnFI/Hysteria2 used `Bearer` and no full stop); "The session is invalid." for any session cookie, API or not.
//! - Status "On-hold" at create (0xd5f/ANY writes "Offline"); `reset_user.py`'s success text (0xd5f/ANY also has "already in a reset state").
//! - `generate_password` with `secrets` (YerdosNar/Blitz uses `pwgen`); both give 32 characters of `[A-Za-z0-9]`.
//! - FastAPI and pydantic details: the 422 `json_invalid` position and message (serde's stand in for Python's), pydantic's `str` to `int` rules, integers beyond `i64` (422 here, accepted by pydantic), no `url` key in errors, the 307 `Location` (from the Host header, without ROOT_PATH).
//! - `str(HTTPException)` being `"404: ..."` (Starlette's `__str__`), behind "Error: 404: No users found.".
//! - argparse's usage wrapping (80 columns assumed) and how it classifies values that start with `-`.
//! - `wrapper_uri.py`'s parameters in 2.5.x (2.5.2 changed `insecure`; the fake's host has `insecure` false, where both agree); names starting with `-` and `--all` are not modelled.
//! - The database never fails here, so its error texts are not modelled; pymongo's "MongoDB can only handle up to 8-byte ints" is from memory.
//! - `traffic.py`: there is no live traffic API (a user's `online_count` stands for it), no traffic coefficient, and the kick before an edit disconnects nobody; [`FakeBlitz::enforce_limits`] stands for the scheduler running `traffic.py --no-gui`.
//! - "Today" is the UTC date (or the one given to [`FakeBlitz::set_today`]); the panel uses its host's local date, for `renew_creation_date` too.
//! - `/server/status` and `/server/services/status` are canned, not parsed from `server_info.py` and `services_status.sh`; `/server/version/check` and `POST /users/bulk/` are not modelled and answer as missing routes.
//! - Lists come in MongoDB's natural order, taken to be insertion order (a rename moves the user last); MongoDB does not promise it.
//! - A `null` creation date (`edit_user.py --creation-date null`, which the API never sends) is stored as absent.
//!
//! Faults ([`FakeBlitz::set_fault`]) imitate an unhealthy panel; see [`BlitzFault`].

mod api;
mod cli_api;
mod python;
mod schema;
mod scripts;
mod seed;
mod server;
mod state;

use std::{sync::Arc, thread, time::Duration};

use tokio::sync::oneshot;

pub use crate::blitz::seed::SeedUser;
use crate::blitz::{scripts::traffic, state::Shared};

/// A running fake panel; stops when dropped.
#[derive(Debug)]
pub struct FakeBlitz {
    base_url: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// How the fake panel misbehaves; [`BlitzFault::None`] to behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlitzFault {
    /// Behave.
    #[default]
    None,
    /// Close every new connection at once and drop idle kept-alive ones when
    /// they are next used, as if the panel were down. Nothing is answered
    /// and no request is counted.
    Refuse,
    /// Answer every request with 502 and an HTML body, like a reverse proxy
    /// in front of a dead panel.
    ServerError,
    /// Hold every request for ten minutes before answering (past any sane
    /// client timeout); the fake's drop cuts the wait short.
    Hang,
    /// `kickuser.py` fails, as when the Hysteria2 traffic API is out of
    /// reach. The kick runs first in `PATCH` and bulk delete (before anything
    /// checks that the user exists) and right after the lookup in `DELETE`;
    /// they answer 400 `Error: Failed to execute kick user script: Command
    /// '['python3', '/etc/hysteria/core/scripts/hysteria2/kickuser.py',
    /// '<name>']' returned non-zero exit status 1.` and change nothing.
    /// Reads and reset (which does not kick) still work.
    KickFailure,
}

/// A user as the fake panel holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// Lower-case username.
    pub username: String,
    /// The Hysteria2 password.
    pub password: String,
    /// Traffic limit in bytes; `0` is unlimited. The panel can hold a
    /// negative limit (a create with a negative `traffic_limit`); it reads as
    /// `0` here.
    pub max_download_bytes: u64,
    /// Total days from the creation date; `0` is unlimited. Negative reads as `0`.
    pub expiration_days: u64,
    /// `YYYY-MM-DD`, or `None` while on hold.
    pub account_creation_date: Option<String>,
    /// Blocked by an edit or by [`FakeBlitz::enforce_limits`].
    pub blocked: bool,
    /// The IP-count limiter is lifted.
    pub unlimited_user: bool,
    /// The note: `None` if none was given at create, `Some("")` once an edit cleared it.
    pub note: Option<String>,
    /// The stored status: "On-hold" from create and reset, "Online" or
    /// "Offline" once the traffic pass has seen the user active.
    pub status: String,
    /// `None` until the user has traffic, and again after a reset.
    pub upload_bytes: Option<u64>,
    /// `None` until the user has traffic, and again after a reset.
    pub download_bytes: Option<u64>,
    /// Open connections, as the Hysteria2 traffic API reports them.
    pub online_count: u32,
}

impl FakeBlitz {
    /// Starts a fake panel on `127.0.0.1` with a free port, accepting `token`.
    ///
    /// Panics if it cannot bind or start, which only happens on a broken machine; see
    /// [`FakeBlitz::try_start`] for the fallible form.
    #[must_use]
    pub fn start(token: &str) -> Self {
        match Self::try_start(token) {
            Ok(fake) => fake,
            Err(err) => panic!("fake blitz could not start: {err}"),
        }
    }

    /// Starts a fake panel, or says why it could not.
    pub fn try_start(token: &str) -> std::io::Result<Self> {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let shared = Arc::new(Shared::new(token));
        let (shutdown, shutdown_rx) = oneshot::channel::<()>();
        let (ready, ready_rx) = std::sync::mpsc::channel::<()>();
        let server_shared = shared.clone();
        let thread = thread::Builder::new()
            .name(format!("fake-blitz-{}", addr.port()))
            .spawn(move || server::serve(std_listener, server_shared, shutdown_rx, ready))?;
        ready_rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "fake blitz server did not start",
                )
            })?;
        Ok(Self {
            base_url: format!("http://{addr}/api/v1"),
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/api/v1`, without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API token the fake accepts.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// Every user, ordered by name.
    #[must_use]
    pub fn users(&self) -> Vec<FakeUser> {
        let mut res: Vec<FakeUser> = self
            .shared
            .lock()
            .users
            .iter()
            .map(|it| it.to_fake_user())
            .collect();
        res.sort_by(|a, b| a.username.cmp(&b.username));
        res
    }

    /// One user by its exact (lower-case) name.
    #[must_use]
    pub fn user(&self, name: &str) -> Option<FakeUser> {
        let panel = self.shared.lock();
        let doc = panel.users.iter().find(|it| it.id == name)?;
        Some(doc.to_fake_user())
    }

    /// Every script command line the panel ran, in order, as `run_cmd`
    /// prints it: `python3 /etc/hysteria/core/scripts/hysteria2/add_user.py ...`
    /// (arguments joined by spaces, unquoted; passwords included).
    #[must_use]
    pub fn commands(&self) -> Vec<String> {
        self.shared.lock().commands.clone()
    }

    /// Sets the user's traffic in this period, as the panel's traffic pass
    /// records it: a user on hold with traffic starts its clock today.
    /// Panics if there is no such user.
    #[track_caller]
    pub fn set_usage(&self, name: &str, upload_bytes: u64, download_bytes: u64) {
        self.with_user(name, |doc, today| {
            doc.upload_bytes = Some(upload_bytes);
            doc.download_bytes = Some(download_bytes);
            traffic::account(doc, today, upload_bytes > 0 || download_bytes > 0);
        });
    }

    /// Sets the creation date (`YYYY-MM-DD`), starting the expiry clock of a
    /// user on hold, as `edit_user.py --creation-date` does (the status
    /// follows at the next traffic pass). Panics if there is no such user or
    /// the date is not one.
    #[track_caller]
    pub fn set_creation_date(&self, name: &str, date: &str) {
        assert!(
            state::is_date(date),
            "fake blitz: {date:?} is not a YYYY-MM-DD date"
        );
        self.with_user(name, |doc, _| {
            doc.account_creation_date = Some(date.to_owned());
        });
    }

    /// Blocks or unblocks the user. Panics if there is no such user.
    #[track_caller]
    pub fn set_blocked(&self, name: &str, blocked: bool) {
        self.with_user(name, |doc, _| doc.blocked = blocked);
    }

    /// Sets the user's open connections, as the traffic pass sees them:
    /// `> 0` is Online, and a user on hold starts its clock today. Panics if
    /// there is no such user.
    #[track_caller]
    pub fn set_online_count(&self, name: &str, online_count: u32) {
        self.with_user(name, |doc, today| {
            doc.online_count = online_count;
            traffic::account(doc, today, false);
        });
    }

    /// Freezes the panel host's "today" (`YYYY-MM-DD`), used by
    /// `renew_creation_date`, the traffic pass and
    /// [`FakeBlitz::enforce_limits`]. Panics if it is not a date.
    #[track_caller]
    pub fn set_today(&self, date: &str) {
        assert!(
            state::is_date(date),
            "fake blitz: {date:?} is not a YYYY-MM-DD date"
        );
        self.shared.lock().today = Some(date.to_owned());
    }

    /// The fake's "today" as `YYYY-MM-DD`.
    #[must_use]
    pub fn today(&self) -> String {
        self.shared.lock().today()
    }

    /// Sets the panel version `/server/version` reports (default "2.5.3").
    ///
    /// Only the reported version changes: the fake keeps behaving as 2.5.3.
    pub fn set_version(&self, current: &str) {
        current.clone_into(&mut self.shared.lock().version);
    }

    /// Runs the panel's periodic pass once (`traffic.py --no-gui`): statuses
    /// follow the online state, then users whose quota is used up
    /// (`used >= limit`) or whose creation date + days is today or earlier
    /// are blocked. Users on hold and blocked users are skipped; nobody is
    /// unblocked.
    pub fn enforce_limits(&self) {
        let mut panel = self.shared.lock();
        traffic::traffic_status(&mut panel);
        traffic::kick_expired_users(&mut panel);
    }

    /// Holds every request naming this user in its path (`GET`, `PATCH`,
    /// `DELETE`, reset and URI of `/api/v1/users/<name>`) for `delay` before
    /// answering it, as a panel stalled on one user's traffic lookup does;
    /// other users' requests are answered at once. A zero delay clears it.
    pub fn set_slow_user(&self, name: &str, delay: Duration) {
        let mut panel = self.shared.lock();
        let name = name.to_ascii_lowercase();
        match delay.is_zero() {
            true => panel.slow_users.remove(&name),
            false => panel.slow_users.insert(name, delay),
        };
    }

    /// Switches how the fake misbehaves from the next request on.
    pub fn set_fault(&self, fault: BlitzFault) {
        self.shared.set_fault(fault);
    }

    /// HTTP requests received so far, answered or not (connections closed
    /// under [`BlitzFault::Refuse`] are not requests).
    #[must_use]
    pub fn request_count(&self) -> u64 {
        self.shared.request_count()
    }

    #[track_caller]
    fn with_user(&self, name: &str, change: impl FnOnce(&mut state::Doc, &str)) {
        let mut panel = self.shared.lock();
        let today = panel.today();
        match panel.users.iter_mut().find(|it| it.id == name) {
            Some(doc) => change(doc, &today),
            None => panic!("fake blitz: no user {name:?}"),
        }
    }
}

impl Drop for FakeBlitz {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests;
