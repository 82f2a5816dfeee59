//! The AJIB bot as a library: everything `ajib-bot run` does, wired by [`app`].
//!
//! Two halves, with arrows one way:
//! - [`core`]: payments (the only path from "maybe paid" to "paid"),
//!   provisioning, the invoice poller, reminders, broadcasts, backups and
//!   the notifications they send. No Telegram UI.
//! - [`ui`]: the [`ui::router`] that parses each update into a command or a
//!   typed [`callback::Callback`] and calls plain handler functions. It uses
//!   the core; the core never uses it.
//!
//! Shared by both: [`deps`] (store, texts, clients, settings), [`role`],
//! [`callback`] and [`keyboards`] (the button vocabulary), [`format`](mod@format)
//! (prices, dates, HTML escaping), [`blocking`], [`qr`] and [`chart`].
//! [`app`] starts the workers, the HTTP server ([`http`]) and the update
//! source; [`metrics`] counts what they do for `GET /metrics`.
//!
//! Not here: talking HTTP to Telegram, Blitz or Heleket (the client crates
//! do), SQL (ajib-storage does), fake servers and the sandbox (ajib-sandbox),
//! and the command line (the `ajib-bot` binary).

pub mod agent_bots;
pub mod app;
pub mod blocking;
pub mod callback;
pub mod chart;
pub mod core;
pub mod deps;
pub mod format;
pub mod http;
pub mod keyboards;
pub mod logging;
pub mod membership;
pub mod metrics;
pub mod panels;
pub mod qr;
pub mod role;
pub mod ui;

#[cfg(test)]
mod tidy;
