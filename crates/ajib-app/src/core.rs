//! The business side of the bot: payments, provisioning, reminders,
//! broadcasts, backups and notifications — no Telegram UI.
//!
//! Workers here are loops that do one round, record a heartbeat for
//! `/healthz`, then wait for their next round, a wake-up or shutdown.
//! Nothing here imports [`crate::ui`]: the UI calls into the core, never the
//! other way round. Notifications the core sends on its own (configs,
//! reminders, alerts) are built here, from the shared [`crate::format`],
//! [`crate::callback`] and [`crate::keyboards`].

pub mod agent_delivery;
pub mod alerts;
pub mod autorenew;
pub mod backup;
pub mod broadcast;
pub mod card;
pub mod delivery;
pub mod invoice;
pub mod mail;
pub mod moves;
pub mod notify;
pub mod panel_health;
pub mod payments;
pub mod placement;
pub mod poller;
pub mod provision;
pub mod referral_days;
pub mod reminders;
pub mod stars;
pub mod topups;
