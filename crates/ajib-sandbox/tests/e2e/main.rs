//! End-to-end tests: the real bot wiring against the fake Telegram, Blitz and Heleket.
//!
//! Each test starts a sandbox (fakes on 127.0.0.1, a temp SQLite file), plays
//! a Telegram user through the fake Bot API, and asserts on what the fakes and
//! the database recorded. Waiting is always a poll with a deadline.

mod admin;
mod agent_admin;
mod agent_bot;
mod agent_menu;
mod autorenew;
mod backup;
mod blitz_real;
mod busy;
mod card;
mod channel;
mod crash;
mod dialogs;
mod escaping;
mod guard;
mod imports;
mod intake;
mod journey;
mod metrics;
mod moves;
mod panels;
mod panels_health;
mod payments;
mod promos;
mod referrals;
mod stars;
mod support;
mod wallet;
mod wallet_props;
