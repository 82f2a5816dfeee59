//! AJIB's domain: the pure types and rules of selling VPN plans.
//!
//! It does no I/O, reads no clock and derives no serde: callers pass `now`
//! in and convert to and from wire or row types by hand.
//!
//! - Identifiers: [`TelegramId`], [`OrderId`] (with [`OrderId::invoice_ref`]), [`PlanId`],
//!   [`ServiceId`], [`JobId`], [`BroadcastId`].
//! - Time: [`UnixTime`] seconds and civil [`Date`]s, no time zones but UTC.
//! - [`Money`]: integer minor units of a [`Currency`], never negative, never a float.
//! - [`Plan`]s, and [`NewPlan::validate`] turning operator input into a [`ValidPlan`].
//! - [`Order`]s and their state machine, [`OrderStatus::transition`].
//! - [`Service`]s, renewal arithmetic ([`Service::extended`]) and [`blitz_username`].
//! - Test-account rules ([`test_eligibility`]), pricing ([`renewal_price`]) and [`Lang`] (any language code; which ones the bot speaks is its catalogues' business).
#![warn(missing_docs)]

mod eligibility;
mod ids;
mod lang;
mod money;
mod order;
mod panel;
mod plan;
mod service;
mod time;

pub use crate::{
    eligibility::{TestPolicy, TestRefusal, test_eligibility},
    ids::{BroadcastId, JobId, OrderId, PanelId, PlanId, ServiceId, TelegramId, TopupId},
    lang::Lang,
    money::{Currency, Money, MoneyError},
    order::{Invoice, Order, OrderKind, OrderStatus, TransitionError, UnknownStatus},
    panel::{
        MAX_LOCATION_CHARS, MAX_PANEL_NAME_CHARS, PanelError, PanelHealth, PanelLoad, choose_panel,
        validate_location, validate_panel_name,
    },
    plan::{
        BYTES_PER_GB, MAX_PLAN_DAYS, MAX_PLAN_NAME_CHARS, MAX_PLAN_TRAFFIC_GB, NewPlan, Plan,
        PlanError, PlanName, ValidPlan, renewal_price, traffic_bytes,
    },
    service::{Service, ServiceStatus, UnknownServiceStatus, blitz_username},
    time::{Date, DateError, SECS_PER_DAY, UnixTime},
};
