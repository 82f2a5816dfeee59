//! AJIB's SQLite storage: migrations, repositories, durable jobs and backups.
//!
//! It knows nothing of Telegram, Blitz or Heleket; it stores domain values
//! from `ajib_domain`, converting rows by hand, and keeps rusqlite and
//! deadpool out of its public signatures.
//!
//! [`Store::open`] opens one SQLite file in WAL mode behind a small pool of
//! connections and applies the embedded, numbered migrations
//! (`migrations/NNNN_*.sql`, tracked with `PRAGMA user_version`). Every
//! method is `async` and runs its SQL on a pooled connection on a blocking
//! thread. The invariants that matter for money live here, inside single
//! transactions:
//!
//! - [`Store::confirm_paid`] moves an order to paid and queues its
//!   provisioning [`Job`] atomically, and only once, however many webhooks
//!   and pollers race.
//! - [`Store::insert_service_and_mark_provisioned`] and
//!   [`Store::extend_service_and_mark_provisioned`] are idempotent, so a
//!   retried provisioning job is harmless.
//! - [`Store::claim_job`] leases a job to exactly one worker; an expired lease
//!   makes it claimable again, and [`Store::begin_run`] frees the jobs of a
//!   dead process at once.
//! - Messages that must arrive are [`Mail`], queued in the transaction that
//!   decides them ([`Store::settle_payment`], [`Store::finish_provisioning`]).
//! - [`Store::backup_to`] copies a consistent snapshot while the bot runs.

mod admin;
mod agents;
mod autorenew;
mod broadcasts;
mod card_payments;
mod dialogs;
mod error;
mod imports;
mod inbox;
mod jobs;
mod ledger;
mod mail;
mod metrics;
mod moves;
mod orders;
mod panel_access;
mod panel_health;
mod panels;
mod plans;
mod promos;
mod referral_days;
mod referrals;
mod services;
mod stars;
mod stats;
mod store;
mod topups;
mod users;

pub use crate::{
    admin::{Actor, Admin, AdminRole, AuditEntry},
    agents::{
        Agent, AgentAccount, AgentBot, AgentBotState, AgentCustomer, AgentEdit, AgentPrice,
        AgentPurchase, AgentSales, AgentSide, AgentSummary, Batch, BatchAccount, BotPayments,
        BotSale, Bought, MAX_BATCH, MAX_BRAND_CHARS, MAX_CREDIT_LIMIT_MINOR, MAX_LABEL_CHARS,
        MAX_PERCENT_OFF, MAX_SUPPORT_CHARS, NewAgentBot, OrderAgent,
    },
    autorenew::{AUTO_RENEW_GRACE_SECS, AutoRenewOutcome},
    broadcasts::{Broadcast, BroadcastProgress, BroadcastStatus, RecipientStatus},
    card_payments::{
        CardDecision, CardPayment, CardPaymentId, CardState, MAX_CARD_TEXT_CHARS, NewCardReceipt,
        RECEIPT_WINDOW_SECS, RECEIPTS_PER_WINDOW, Receipt, Submitted,
    },
    error::{Error, SqliteError},
    imports::{
        IMPORT_BATCH, ImportCounts, ImportedAccount, LINK_ATTEMPTS_PER_WINDOW, LINK_WINDOW_SECS,
        LinkOutcome, PanelTerms, UNLIMITED_DAYS,
    },
    jobs::{Finished, Job, PROVISION_JOB, Provisioning, RetryOutcome, RunStart, StuckOrder},
    ledger::{ConfirmedPayment, LedgerCause, LedgerEntry, Settlement},
    mail::{Mail, MailBody, MailCounts, NewMail},
    metrics::{JobStates, OpenBroadcast, StateCounts},
    moves::{MoveRefusal, MoveStart, MoveState, MovedService, ServiceMove},
    orders::{NewOrder, PaidOutcome},
    panel_access::{AccessError, PanelAccess, PanelToken},
    panel_health::{CheckOutcome, HealthChange, MAX_PANEL_ERROR_CHARS, PanelCheck},
    panels::{NewPanel, NewToken, Panel, PanelEdit, TokenRef},
    promos::{
        MAX_BONUS_DAYS, MAX_CODE_LEN, MIN_CODE_LEN, NewPromo, OrderPromo, Promo, PromoBenefit,
        PromoDraft, PromoId, PromoKey, PromoPrice, PromoQuote, PromoRefusal, PromoSpecError,
        PromoStats, normalize_code,
    },
    referral_days::DueDays,
    referrals::{
        Attribution, REFERRAL_CODE_LEN, REWARD_CAP_WINDOW_SECS, ReferralMode, ReferralRules,
        ReferralStats, ReferralSummary, Reward, RewardId, RewardKind, RewardStatus, TopReferrer,
        refusal,
    },
    services::NewService,
    stars::{
        MAX_STARS, PayMethod, STARS_KEY_PREFIX, StarsCharge, StarsPayment, StarsPaymentId,
        StarsRefund, StarsRefusal,
    },
    stats::{DayRevenue, PlanRevenue, Summary},
    store::{CURRENT_SCHEMA_VERSION, Store},
    topups::{Topup, TopupSettlement, TopupStatus},
    users::{Audience, UserRow, UserSeen},
};
