//! Fake Telegram Bot API, Blitz panel and Heleket servers for tests and the sandbox.
//!
//! Each fake is a real HTTP server on `127.0.0.1` with a random port, run on
//! its own thread so both sync and async tests can use it, and stopped on drop.
//! It is not a mock of our clients: it imitates the remote service.

pub mod blitz;
pub mod heleket;
#[cfg(feature = "hostile")]
pub mod hostile;
pub mod telegram;
