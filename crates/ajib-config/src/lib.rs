//! AJIB's configuration: where settings come from, their names, and their validation.
//!
//! Sources are layered with figment: built-in defaults < an optional TOML file
//! (`/etc/ajib/ajib.toml`) < a dotenv file (`.env`) < the process environment.
//! Variable names are the old Python bot's (`TELEGRAM_BOT_TOKEN`,
//! `BLITZ_API_BASE`, ...) so operators can move over without relearning.
//!
//! It is not a place for behaviour: it turns text into a typed [`Config`] or
//! into one [`ConfigError`] that lists every bad variable at once. Secrets are
//! held in [`Secret`], whose `Debug` and `Display` print `***`.

mod card;
mod channel;
mod error;
mod parse;
mod secret;
mod sources;
mod vars;

pub use crate::{
    card::{CardConfig, CardNumber},
    channel::RequiredChannel,
    error::{ConfigError, Problem},
    parse::{
        BlitzConfig, Config, HeleketConfig, Production, ReferralConfig, StarsConfig,
        TelegramConfig, TestAccountConfig, UpdateMode, from_values,
    },
    secret::Secret,
    sources::{Sources, load, raw_values},
    vars::{CLIENT_DL_PREFIX, VARS, VarSpec, check_var, is_known, is_secret},
};
