//! A fake Blitz panel: a real HTTP server on `127.0.0.1` speaking the panel's
//! `/api/v1` API, with its quirks, over users kept in memory.
//!
//! Start one with [`FakeBlitz::start`], aim a client at
//! [`FakeBlitz::base_url`] with [`FakeBlitz::token`], and inspect or change
//! what the panel holds through the test API ([`FakeBlitz::users`],
//! [`FakeBlitz::set_usage`], ...). The server runs on its own thread with its
//! own tokio runtime, so sync tests and async tests (on any runtime) can both
//! use it; it stops when the `FakeBlitz` is dropped.
//!
//! What it reproduces (see `shared/specs/blitz.md`):
//! - Raw-token `Authorization`: no header → 401 `Unauthorized.`, any other
//!   value (including `Bearer <token>`) → 401 `Invalid API token.`.
//! - `/users` → 307 to `/users/`.
//! - Usernames stored lower-cased; lookups by path are exact, so a client
//!   that forgets to lower-case finds nothing.
//! - `GET /users/` with no users → 400 `Error: 404: No users found.`;
//!   `POST /users/` → 201, duplicate → 409; bad bodies → FastAPI-shaped 422
//!   (pattern mismatch, negative numbers, wrong types, missing fields, bad JSON).
//! - Missing user: 500 "… not found." on `GET /users/{name}`, 400 on
//!   `PATCH`/`DELETE`/reset, 404 `User not found or password not set` on `/uri`.
//! - Traffic limits in GB stored as `GB × 2^30` bytes; 32-character generated
//!   passwords; `renew_creation_date` and reset set the creation date to
//!   "today" (the system date in UTC, or the one given to [`FakeBlitz::set_today`]).
//! - `/users/{name}/uri` and `/users/uri/bulk` links (IPv4 `hy2://` URI,
//!   `ipv6: null`, one node, a `normal_sub` link), `/server/status`,
//!   `/server/services/status` and `/server/version`.
//!
//! The panel's periodic blocking of expired and over-quota users does not
//! run by itself: call [`FakeBlitz::enforce_limits`] where a test wants it.
//!
//! Faults ([`FakeBlitz::set_fault`]) imitate an unhealthy panel; see [`BlitzFault`].

mod api;
mod schema;
mod state;

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    thread,
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::oneshot,
};

use crate::blitz::state::Shared;

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
    /// Answer `PATCH` and `DELETE` on an existing user with the panel's 400
    /// "failed to kick user" and change nothing.
    KickFailure,
}

/// A user as the fake panel holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// Lower-case username.
    pub username: String,
    /// The Hysteria2 password.
    pub password: String,
    /// Traffic limit in bytes; `0` is unlimited.
    pub max_download_bytes: u64,
    /// Total days from the creation date; `0` is unlimited.
    pub expiration_days: u64,
    /// `YYYY-MM-DD`, or `None` while on hold.
    pub account_creation_date: Option<String>,
    /// Blocked by an edit or by [`FakeBlitz::enforce_limits`].
    pub blocked: bool,
    /// The IP-count limiter is lifted.
    pub unlimited_user: bool,
    /// The note; an empty note is `None`.
    pub note: Option<String>,
    /// `None` until the user has traffic (or is reset).
    pub upload_bytes: Option<u64>,
    /// `None` until the user has traffic (or is reset).
    pub download_bytes: Option<u64>,
    /// Open connections; `> 0` shows as `Online`.
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
            .spawn(move || serve(std_listener, server_shared, shutdown_rx, ready))?;
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
        self.shared.lock().users.values().cloned().collect()
    }

    /// One user by its exact (lower-case) name.
    #[must_use]
    pub fn user(&self, name: &str) -> Option<FakeUser> {
        self.shared.lock().users.get(name).cloned()
    }

    /// Sets the user's traffic in this period. Panics if there is no such user.
    #[track_caller]
    pub fn set_usage(&self, name: &str, upload_bytes: u64, download_bytes: u64) {
        self.with_user(name, |user| {
            user.upload_bytes = Some(upload_bytes);
            user.download_bytes = Some(download_bytes);
        });
    }

    /// Sets the creation date (`YYYY-MM-DD`), starting the expiry clock of a
    /// user on hold. Panics if there is no such user or the date is not one.
    #[track_caller]
    pub fn set_creation_date(&self, name: &str, date: &str) {
        assert!(
            state::is_date(date),
            "fake blitz: {date:?} is not a YYYY-MM-DD date"
        );
        self.with_user(name, |user| {
            user.account_creation_date = Some(date.to_owned())
        });
    }

    /// Blocks or unblocks the user. Panics if there is no such user.
    #[track_caller]
    pub fn set_blocked(&self, name: &str, blocked: bool) {
        self.with_user(name, |user| user.blocked = blocked);
    }

    /// Sets the user's open connections (`> 0` shows as `Online`). Panics if
    /// there is no such user.
    #[track_caller]
    pub fn set_online_count(&self, name: &str, online_count: u32) {
        self.with_user(name, |user| user.online_count = online_count);
    }

    /// Freezes the fake's "today" (`YYYY-MM-DD`) used by `renew_creation_date`,
    /// reset and [`FakeBlitz::enforce_limits`]. Panics if it is not a date.
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

    /// Runs the panel's periodic check once: blocks users whose quota is
    /// used up (`used >= limit`) or whose creation date + days is today or
    /// earlier. Never unblocks, like the panel.
    pub fn enforce_limits(&self) {
        self.shared.lock().enforce_limits();
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
    fn with_user(&self, name: &str, change: impl FnOnce(&mut FakeUser)) {
        let mut state = self.shared.lock();
        match state.users.get_mut(name) {
            Some(user) => change(user),
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

/// The server thread: runs until `shutdown` fires, then drops the runtime,
/// which cancels every connection and hanging request.
fn serve(
    std_listener: std::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: oneshot::Receiver<()>,
    ready: std::sync::mpsc::Sender<()>,
) {
    // On failure `ready` is dropped unsent, and `try_start` reports that the server did not start.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return log::error!("fake blitz: no tokio runtime: {err}"),
    };
    runtime.block_on(async move {
        let listener = match TcpListener::from_std(std_listener) {
            Ok(listener) => listener,
            Err(err) => return log::error!("fake blitz: no tokio listener: {err}"),
        };
        let listener = GatedListener {
            inner: listener,
            shared: shared.clone(),
        };
        let app = api::router(shared);
        tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                log::error!("fake blitz: server stopped: {err}");
            }
        });
        let _ = ready.send(());
        // A dropped sender (the FakeBlitz leaked or panicked) also stops us.
        let _ = shutdown.await;
    });
}

/// A listener that closes new connections while the fault is `Refuse`.
struct GatedListener {
    inner: TcpListener,
    shared: Arc<Shared>,
}

impl axum::serve::Listener for GatedListener {
    type Io = GatedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((_, _)) if self.shared.refusing() => (),
                Ok((stream, addr)) => {
                    let stream = GatedStream {
                        inner: stream,
                        shared: self.shared.clone(),
                    };
                    return (stream, addr);
                }
                // Out of file descriptors and the like: wait and go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection that reads as closed while the fault is `Refuse`, so a
/// client's kept-alive connection fails too.
struct GatedStream {
    inner: TcpStream,
    shared: Arc<Shared>,
}

impl AsyncRead for GatedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.shared.refusing() {
            // End of stream: the server closes the connection without answering.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for GatedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests;
