//! The AJIB bot service as a library, so end-to-end tests drive the real wiring.
//!
//! `main.rs` is a thin command line over [`app`] (production) and [`sandbox`]
//! (everything local). The rest is the bot itself: [`router`] parses updates
//! and calls plain handler functions in [`handlers`]; [`payments`] is the only
//! path from "maybe paid" to "paid"; [`workers`] provision, poll and remind.
//!
//! Not here: talking HTTP to Telegram, Blitz or Heleket (the client crates do)
//! and SQL (ajib-storage does).

pub mod alerts;
pub mod app;
pub mod callback;
pub mod chart;
pub mod deps;
pub mod handlers;
pub mod http;
pub mod keyboards;
pub mod logging;
pub mod notify;
pub mod payments;
pub mod qr;
pub mod role;
pub mod router;
pub mod sandbox;
pub mod workers;
