//! House rules for the `.ftl` catalogues, checked as tests.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::PathBuf,
};

use fluent_syntax::{ast, parser};

use crate::{
    Arg, Catalog, Lang,
    catalog::{EMBEDDED, Target},
};

/// Message or term id → the variables it uses.
type Signatures = BTreeMap<String, BTreeSet<String>>;

/// The messages the bot calls, with their variables: the crate's contract.
const CONTRACT: &[(&str, &[&str])] = &[
    // The agent's menu in the main bot (locales/*/agents.ftl, "# Agent menu").
    ("btn-agent", &[]),
    ("agent-home", &["balance", "limit", "left"]),
    ("agent-suspended", &[]),
    ("agent-suspended-refused", &[]),
    ("agent-credit-refused", &["needed", "balance", "limit"]),
    ("btn-agent-buy", &[]),
    ("btn-agent-bulk", &[]),
    ("btn-agent-accounts", &[]),
    ("btn-agent-topup", &[]),
    ("btn-agent-prices", &[]),
    ("btn-agent-bot", &[]),
    ("btn-agent-confirm", &[]),
    ("btn-agent-renew", &[]),
    ("btn-agent-configs", &[]),
    ("agent-plan-button", &["name", "cost"]),
    ("agent-plans-empty", &[]),
    ("agent-use-buttons", &[]),
    ("agent-buy-title", &[]),
    ("agent-ask-label", &["plan", "cost"]),
    ("agent-label-invalid", &["max"]),
    ("agent-bought", &["plan", "label", "cost", "balance"]),
    ("agent-bulk-title", &[]),
    ("agent-ask-count", &["plan", "cost", "max"]),
    ("agent-count-invalid", &["max"]),
    (
        "agent-bulk-confirm",
        &["count", "plan", "cost", "total", "balance", "after"],
    ),
    ("agent-bulk-bought", &["count", "plan", "total", "balance"]),
    ("agent-accounts-title", &["page"]),
    ("agent-accounts-empty", &[]),
    (
        "agent-account-line",
        &["n", "label", "plan", "expires", "status"],
    ),
    ("agent-account-button", &["n", "label"]),
    (
        "agent-account",
        &[
            "label", "plan", "username", "status", "expires", "days", "used", "limit",
        ],
    ),
    ("agent-renew-title", &["label"]),
    (
        "agent-renew-confirm",
        &["label", "plan", "cost", "balance", "after"],
    ),
    ("agent-renewed", &["label", "plan", "cost", "balance"]),
    ("agent-prices-title", &[]),
    ("agent-price-line", &["plan", "list", "cost", "retail"]),
    ("agent-price-button", &["plan"]),
    ("agent-ask-retail", &["plan", "cost", "retail"]),
    ("agent-retail-invalid", &[]),
    ("agent-retail-below", &["cost"]),
    ("agent-retail-saved", &[]),
    ("agent-bot-none", &[]),
    ("btn-agent-bot-connect", &[]),
    ("btn-agent-bot-token", &[]),
    ("btn-agent-brand", &[]),
    ("btn-agent-support", &[]),
    ("btn-agent-disconnect", &[]),
    ("agent-bot", &["username", "state", "brand", "support"]),
    ("agent-bot-active", &[]),
    ("agent-bot-starting", &[]),
    ("agent-bot-state-revoked", &["note"]),
    ("agent-bot-unset", &[]),
    ("agent-ask-token", &[]),
    ("agent-token-malformed", &[]),
    ("agent-token-refused", &[]),
    ("agent-token-main", &[]),
    ("agent-token-unreachable", &[]),
    ("agent-token-taken", &[]),
    ("agent-bot-connected", &["username"]),
    ("agent-ask-brand", &[]),
    ("agent-ask-support", &[]),
    ("agent-text-invalid", &["max"]),
    ("agent-bot-saved", &[]),
    ("agent-disconnect-confirm", &["username"]),
    ("agent-bot-disconnected", &[]),
    // An agent's own bot (locales/*/agent_bot.ftl).
    ("ab-welcome", &["brand", "name"]),
    ("ab-btn-buy", &[]),
    ("ab-btn-accounts", &[]),
    ("ab-btn-support", &[]),
    ("ab-btn-lang", &[]),
    ("ab-btn-menu", &[]),
    ("ab-choose-language", &[]),
    ("ab-support", &["support"]),
    ("ab-support-none", &[]),
    ("ab-closed", &["brand"]),
    ("ab-no-payments", &["brand", "support"]),
    ("ab-plans", &[]),
    ("ab-plan-button", &["name", "price"]),
    ("ab-invoice", &["name", "price", "expires"]),
    ("ab-btn-pay", &[]),
    ("ab-btn-check", &[]),
    ("ab-pending", &[]),
    ("ab-paid", &[]),
    ("ab-payment-expired", &[]),
    ("ab-payment-failed", &[]),
    ("ab-payment-short", &["paid", "missing"]),
    ("ab-stale", &[]),
    ("ab-error", &[]),
    ("ab-accounts-none", &[]),
    ("ab-accounts", &[]),
    ("ab-account-line", &["name", "expires", "status"]),
    ("ab-status-active", &[]),
    ("ab-status-expired", &[]),
    ("ab-status-disabled", &[]),
    ("ab-btn-config", &["name"]),
    ("ab-btn-renew", &[]),
    ("ab-renewal-done", &["name", "expires"]),
    ("ab-payment-granted", &[]),
    ("ab-payment-kept", &["support"]),
    ("ab-account-ready", &["brand", "name", "expires"]),
    ("agent-bot-revoked", &["bot"]),
    ("admin-agent-bot-revoked", &["bot", "agent"]),
    ("agent-account-for", &["label"]),
    ("agent-account-name", &["name", "label"]),
    ("ab-reminder-expiry", &["name", "days", "support"]),
    ("ab-reminder-expired", &["name", "support"]),
    ("ab-reminder-traffic", &["name", "percent", "support"]),
    ("ab-reminder-traffic-full", &["name", "support"]),
    ("agent-batch-file", &["count", "name"]),
    // Telegram Stars (locales/*/stars.ftl).
    ("btn-stars-pay", &["stars"]),
    (
        "stars-invoice-description",
        &["name", "days", "traffic", "price"],
    ),
    ("stars-invoice-label", &[]),
    ("stars-refused-expired", &[]),
    ("stars-refused-paid", &[]),
    ("stars-refused-price", &[]),
    ("stars-refused-unknown", &[]),
    ("stars-refunded-customer", &["stars"]),
    ("btn-stars-refund", &["stars", "order"]),
    ("stars-refund-grant", &["stars", "order"]),
    ("stars-refund-credit", &["stars", "amount"]),
    ("stars-refund-failed", &["reason"]),
    ("admin-stats-methods", &["heleket", "stars", "card"]),
    // Card-to-card payments (locales/*/card.ftl).
    ("btn-card-pay", &[]),
    (
        "card-offer",
        &[
            "order", "amount", "price", "number", "holder", "bank", "hours",
        ],
    ),
    ("card-receipt-ask", &[]),
    ("card-received", &[]),
    ("card-already-pending", &[]),
    ("card-too-many", &[]),
    ("card-rejected", &["order", "reason"]),
    ("card-expired", &["order", "amount"]),
    ("btn-card-approve", &[]),
    ("btn-card-reject", &[]),
    (
        "card-staff-receipt",
        &[
            "id",
            "customer",
            "user",
            "order",
            "price",
            "amount",
            "card",
            "reference",
        ],
    ),
    ("card-approved-staff", &["id", "order"]),
    ("card-reject-ask", &["id"]),
    ("card-rejected-staff", &["id"]),
    ("card-already-approved", &["id", "by"]),
    ("card-already-rejected", &["id", "by"]),
    ("card-already-expired", &["id"]),
    // Promo codes (locales/*/promos.ftl).
    ("btn-promo-code", &[]),
    ("promo-ask", &[]),
    ("promo-applied-price", &["code", "old", "new"]),
    ("promo-applied-days", &["code", "bonus", "days"]),
    ("promo-refused-unknown", &[]),
    ("promo-refused-disabled", &[]),
    ("promo-refused-not-started", &[]),
    ("promo-refused-expired", &[]),
    ("promo-refused-used-up", &[]),
    ("promo-refused-not-for-plan", &[]),
    ("promo-refused-already-used", &[]),
    ("promo-refused-first-purchase", &[]),
    ("promo-payment-to-balance", &["amount", "balance"]),
    ("promo-benefit-percent", &["percent"]),
    ("promo-benefit-fixed", &["amount"]),
    ("promo-benefit-days", &["days"]),
    ("btn-admin-promos", &[]),
    ("btn-admin-promo-add", &[]),
    ("btn-admin-promo-disable", &["code"]),
    ("admin-promos-title", &[]),
    ("admin-promos-empty", &[]),
    ("admin-promo-line", &["code", "benefit", "uses", "state"]),
    ("admin-promo-state-active", &[]),
    ("admin-promo-state-disabled", &[]),
    ("admin-promo-state-expired", &[]),
    ("admin-promo-state-not-started", &[]),
    ("admin-promo-state-used-up", &[]),
    ("admin-promo-ask", &[]),
    ("admin-promo-added", &["code"]),
    ("admin-promo-bad-flag", &["value"]),
    ("admin-promo-missing-value", &["value"]),
    ("admin-promo-bad-code", &["value"]),
    ("admin-promo-no-benefit", &[]),
    ("admin-promo-two-benefits", &[]),
    ("admin-promo-bad-percent", &["value"]),
    ("admin-promo-bad-fixed", &["value"]),
    ("admin-promo-bad-days", &["value"]),
    ("admin-promo-bad-plans", &["value"]),
    ("admin-promo-bad-date", &["value"]),
    ("admin-promo-dates-reversed", &[]),
    ("admin-promo-bad-uses", &[]),
    ("admin-promo-bad-per-user", &[]),
    ("admin-promo-no-plan", &["value"]),
    ("admin-promo-exists", &["value"]),
    ("admin-stats-promos", &[]),
    ("admin-stats-promos-none", &[]),
    (
        "admin-stats-promo-line",
        &["code", "uses", "revenue", "discount", "days"],
    ),
    // Referrals (locales/*/referrals.ftl).
    ("btn-invite", &[]),
    (
        "invite-screen",
        &["link", "rules", "invited", "waiting", "earned"],
    ),
    ("invite-no-link", &[]),
    ("invite-welcome", &["bonus"]),
    ("invite-over-cap", &["count"]),
    ("invite-share-text", &[]),
    ("btn-invite-share", &[]),
    ("referral-rules-none", &[]),
    ("referral-rules-first", &["reward"]),
    ("referral-rules-every", &["reward"]),
    ("referral-reward-fixed", &["amount"]),
    ("referral-reward-percent", &["percent"]),
    ("referral-reward-both", &["amount", "percent"]),
    ("referral-reward-days", &["days"]),
    ("referral-days-added", &["days", "name", "expires"]),
    ("btn-admin-referrals", &[]),
    ("admin-referrals", &["mode", "rules", "welcome", "cap"]),
    ("admin-referrals-none-set", &[]),
    ("admin-referrals-empty", &[]),
    ("admin-referrals-top", &[]),
    (
        "admin-referrer-line",
        &["rank", "name", "id", "invited", "buyers", "earned"],
    ),
    ("btn-admin-referrer", &["rank", "name"]),
    (
        "admin-stats-referrals",
        &["referred", "purchases", "revenue", "paid", "refused"],
    ),
    ("admin-referrer-title", &["name", "id"]),
    ("admin-referrer-empty", &[]),
    (
        "admin-reward-line",
        &["id", "date", "kind", "referee", "amount", "status"],
    ),
    ("admin-reward-kind-referrer", &[]),
    ("admin-reward-kind-welcome", &[]),
    ("admin-reward-status-granted", &[]),
    ("admin-reward-status-capped", &[]),
    ("admin-reward-status-banned", &[]),
    ("admin-reward-status-reversed", &["taken"]),
    ("admin-reward-status-revoked", &["taken"]),
    ("btn-admin-reward-revoke", &["id"]),
    ("admin-reward-revoke-confirm", &["id", "amount"]),
    ("btn-admin-reward-revoke-yes", &[]),
    ("admin-reward-revoked", &["id", "taken"]),
    ("admin-reward-not-granted", &[]),
    ("plan-location", &["location"]),
    ("renew-pick-plan", &[]),
    ("plan-pick-location", &[]),
    ("plan-locations-unavailable", &["locations"]),
    ("plan-unavailable", &[]),
    ("location-unavailable", &[]),
    ("btn-location", &["location"]),
    ("btn-admin-panels", &[]),
    ("btn-admin-panel-add", &[]),
    ("btn-admin-panel-enable", &[]),
    ("btn-admin-panel-disable", &[]),
    ("btn-admin-panel-check", &[]),
    ("btn-admin-panel-location", &[]),
    ("btn-admin-panel-capacity", &[]),
    ("admin-panels-title", &[]),
    ("admin-panel-unlimited", &[]),
    (
        "admin-panel-line",
        &["mark", "name", "location", "active", "capacity"],
    ),
    (
        "admin-panel-card",
        &[
            "mark", "name", "location", "health", "checked", "error", "active", "capacity",
            "enabled", "base",
        ],
    ),
    ("admin-panel-check-ok", &["name", "version"]),
    ("admin-panel-check-failed", &["name", "error"]),
    ("admin-panel-ask-name", &[]),
    ("admin-panel-ask-location", &[]),
    ("admin-panel-ask-api-base", &[]),
    ("admin-panel-ask-capacity", &[]),
    ("admin-panel-ask-token", &[]),
    ("admin-panel-add-unreachable", &["error"]),
    ("admin-panel-added", &["name", "version"]),
    ("admin-plan-panels-title", &["name"]),
    ("admin-plan-panels-everywhere", &[]),
    ("admin-plan-panels-some", &[]),
    ("lang-choose", &[]),
    ("lang-set", &[]),
    ("welcome", &["name"]),
    ("menu-title", &[]),
    ("btn-buy", &[]),
    ("btn-services", &[]),
    ("btn-test", &[]),
    ("btn-apps", &[]),
    ("btn-support", &[]),
    ("btn-help", &[]),
    ("btn-language", &[]),
    ("btn-balance", &[]),
    ("balance-title", &["balance"]),
    ("balance-empty", &[]),
    ("balance-line", &["date", "amount", "cause"]),
    ("balance-cause-payment", &[]),
    ("balance-cause-purchase", &[]),
    ("balance-cause-refund", &[]),
    ("balance-cause-adjustment", &[]),
    ("balance-cause-reward", &[]),
    ("btn-add-funds", &[]),
    ("btn-topup-other", &[]),
    ("topup-choose", &[]),
    ("topup-ask", &["max"]),
    ("topup-invalid", &["max"]),
    ("topup-invoice", &["amount", "expires"]),
    ("topup-credited", &["amount", "balance"]),
    ("topup-already-credited", &[]),
    ("btn-back", &[]),
    ("btn-menu", &[]),
    ("btn-cancel", &[]),
    ("lang-name", &[]),
    ("lang-detected", &["language"]),
    ("channel-join", &["channel"]),
    ("channel-not-yet", &[]),
    ("btn-channel-join", &[]),
    ("btn-channel-joined", &[]),
    ("admin-channel-unreachable", &["channel", "error"]),
    ("plans-title", &[]),
    ("plans-empty", &[]),
    ("plan-button", &["name", "days", "traffic", "price"]),
    ("plan-details", &["name", "days", "traffic", "price"]),
    ("traffic-gb", &["gb"]),
    ("traffic-unlimited", &[]),
    ("days-count", &["count"]),
    ("btn-confirm-pay", &["price"]),
    ("btn-pay-balance", &["price"]),
    ("balance-pays-part", &["balance", "rest"]),
    ("paid-from-balance", &["price", "balance"]),
    ("balance-changed", &[]),
    ("invoice-created", &["price", "expires"]),
    ("btn-pay", &[]),
    ("btn-check-payment", &[]),
    ("invoice-error", &[]),
    ("payment-pending", &[]),
    ("payment-received", &[]),
    ("payment-expired", &[]),
    (
        "payment-underpaid",
        &["paid", "price", "missing", "balance"],
    ),
    ("payment-received-excess", &["excess", "balance"]),
    ("payment-to-balance", &["amount", "balance"]),
    ("payment-short", &["paid", "missing"]),
    ("payment-underpaid-settled", &[]),
    ("payment-failed", &[]),
    ("provisioning-delayed", &[]),
    ("provisioning-stuck", &[]),
    ("btn-retry-purchase", &[]),
    ("service-ready", &["name", "expires", "traffic"]),
    ("config-uri", &["uri"]),
    ("config-sub", &["url"]),
    ("qr-caption", &[]),
    ("config-howto", &[]),
    ("services-title", &[]),
    ("services-empty", &[]),
    ("service-button", &["name", "status"]),
    (
        "service-details",
        &[
            "name", "username", "status", "expires", "days", "used", "limit",
        ],
    ),
    ("service-usage-unavailable", &[]),
    ("status-active", &[]),
    ("status-expired", &[]),
    ("status-on-hold", &[]),
    ("status-blocked", &[]),
    ("status-over-quota", &[]),
    ("btn-renew", &[]),
    ("btn-show-config", &[]),
    ("renew-confirm", &["name", "days", "price"]),
    ("renewal-done", &["name", "expires"]),
    ("btn-autorenew-on", &[]),
    ("btn-autorenew-off", &[]),
    ("service-autorenew-on", &["days"]),
    ("service-autorenew-off", &["days"]),
    ("autorenew-done", &["name", "price", "balance"]),
    ("autorenew-short", &["name", "price", "balance", "expires"]),
    ("btn-test-confirm", &[]),
    ("test-offer", &["days", "traffic"]),
    ("test-granted", &[]),
    ("test-refused-used", &[]),
    ("test-refused-customer", &[]),
    ("test-disabled", &[]),
    ("apps-title", &[]),
    ("apps-none", &[]),
    ("support-text", &["contact"]),
    ("support-none", &[]),
    ("help-text", &[]),
    ("unknown-input", &[]),
    ("stale-button", &[]),
    ("flood-notice", &[]),
    ("error-generic", &[]),
    ("banned", &[]),
    ("admin-only", &[]),
    ("reminder-expiry", &["name", "days"]),
    ("reminder-expired", &["name"]),
    ("reminder-traffic", &["name", "percent"]),
    ("reminder-traffic-full", &["name"]),
    ("admin-menu-title", &[]),
    ("btn-admin", &[]),
    ("btn-admin-stats", &[]),
    ("btn-admin-plans", &[]),
    ("btn-admin-broadcast", &[]),
    ("btn-admin-users", &[]),
    ("btn-admin-backup", &[]),
    ("admin-new-purchase", &["user", "plan", "price", "order"]),
    ("admin-underpaid", &["order", "user", "paid", "price"]),
    (
        "admin-payment-mismatch",
        &["order", "user", "invoice", "details"],
    ),
    ("admin-provision-failed", &["order", "user", "error"]),
    ("admin-provision-stuck", &["order", "user", "error"]),
    ("admin-retry-button", &[]),
    ("admin-retry-queued", &["order"]),
    ("admin-retry-already-queued", &["order"]),
    ("admin-retry-done-already", &["order"]),
    ("admin-retry-not-paid", &["order"]),
    ("admin-blitz-down", &["panel", "error"]),
    ("admin-panel-down", &["panel", "minutes", "error"]),
    ("admin-panel-up", &["panel", "minutes"]),
    ("service-panel-down", &["location"]),
    ("service-panel-location", &["location"]),
    ("admin-backup-failed", &["error"]),
    (
        "admin-stats",
        &[
            "users",
            "users_today",
            "users_week",
            "users_month",
            "users_active",
            "blocked",
            "active_services",
            "expiring",
            "orders_today",
            "orders_month",
            "revenue_today",
            "revenue_month",
            "conversion",
        ],
    ),
    ("admin-plans-title", &[]),
    (
        "admin-plan-line",
        &["id", "name", "days", "traffic", "price", "active"],
    ),
    ("btn-admin-plan-add", &[]),
    ("btn-admin-plan-toggle", &["id"]),
    ("admin-plan-ask-name-en", &[]),
    ("admin-plan-ask-name-fa", &[]),
    ("admin-plan-ask-days", &[]),
    ("admin-plan-ask-traffic", &[]),
    ("admin-plan-ask-price", &[]),
    ("admin-plan-preview", &["name", "days", "traffic", "price"]),
    ("admin-plan-saved", &[]),
    ("admin-plan-keep", &["current"]),
    ("admin-plan-invalid", &["reason"]),
    ("btn-admin-save", &[]),
    ("admin-broadcast-ask-text", &[]),
    ("admin-broadcast-ask-audience", &[]),
    ("audience-all", &[]),
    ("audience-buyers", &[]),
    ("audience-never-bought", &[]),
    ("audience-active", &[]),
    ("audience-expired", &[]),
    ("audience-test-only", &[]),
    ("audience-lang-en", &[]),
    ("audience-lang-fa", &[]),
    ("admin-broadcast-preview", &["count"]),
    ("btn-admin-broadcast-send", &[]),
    (
        "admin-broadcast-progress",
        &["sent", "failed", "blocked", "remaining", "eta"],
    ),
    ("admin-broadcast-done", &["sent", "failed", "blocked"]),
    ("admin-broadcast-repeats", &["repeats"]),
    ("btn-pause", &[]),
    ("btn-resume", &[]),
    ("btn-stop", &[]),
    ("admin-broadcast-paused", &[]),
    ("admin-broadcast-cancelled", &[]),
    ("admin-broadcast-too-long", &["length", "max"]),
    ("admin-broadcast-bad-html", &["near"]),
    ("admin-users-list", &["total", "page", "pages"]),
    ("admin-users-results", &["query", "total", "page", "pages"]),
    (
        "admin-user-order",
        &["id", "plan", "status", "price", "date"],
    ),
    ("admin-order-test", &[]),
    ("admin-grant-pick", &["user"]),
    ("admin-grant-ask-reason", &["plan"]),
    ("admin-granted", &["plan", "user", "order"]),
    ("admin-user-not-found", &[]),
    (
        "admin-user-profile",
        &[
            "id", "username", "name", "lang", "created", "orders", "services", "banned",
        ],
    ),
    ("btn-admin-ban", &[]),
    ("btn-admin-unban", &[]),
    ("btn-admin-extend", &[]),
    ("btn-admin-grant", &[]),
    ("btn-admin-reset-test", &[]),
    ("btn-admin-message", &[]),
    ("admin-user-updated", &[]),
    ("admin-ask-days", &[]),
    ("admin-ask-message", &[]),
    (
        "admin-user-service",
        &["id", "username", "status", "expires", "used", "limit"],
    ),
    ("btn-admin-extend-service", &["id"]),
    ("admin-user-extended", &["id", "expires"]),
    ("admin-user-extend-failed", &["error"]),
    ("admin-user-test-unchanged", &[]),
    ("admin-user-is-admin", &[]),
    ("admin-user-message-sent", &[]),
    ("admin-user-message-failed", &["reason"]),
    ("admin-backup-created", &["size", "sha"]),
    ("admin-backup-ask-restore", &[]),
    ("admin-backup-restored", &[]),
    ("admin-backup-invalid", &["reason"]),
    ("btn-admin-backup-now", &[]),
    ("btn-admin-backup-restore", &[]),
    ("admin-backup-menu", &["hours", "keep"]),
    ("btn-admin-backup-secrets", &[]),
    ("admin-backup-secrets-note", &[]),
    ("admin-backup-secrets-deleted", &[]),
    ("admin-backup-unsigned-note", &[]),
    ("admin-backup-unsigned-ask", &["kind"]),
    ("btn-admin-backup-restore-unsigned", &[]),
    ("admin-owner-only", &[]),
    ("admin-staff-list", &["list"]),
    ("admin-stats-by-plan", &[]),
    ("admin-stats-by-day", &[]),
    ("btn-admin-plan-edit", &["id"]),
    ("admin-stats-plan-line", &["name", "orders", "revenue"]),
    (
        "admin-stats-outcomes",
        &["paid", "pending", "expired", "underpaid", "failed"],
    ),
    ("admin-stats-chart-caption", &["max"]),
    ("admin-staff-usage", &[]),
    ("admin-staff-added", &["id", "role"]),
    ("admin-staff-removed", &["id"]),
    ("admin-staff-not-found", &["id"]),
    ("admin-user-balance", &["balance"]),
    ("admin-user-ledger-note", &["line", "note"]),
    ("btn-admin-balance", &[]),
    ("btn-admin-refunded", &["id"]),
    ("btn-admin-balance-confirm", &[]),
    ("admin-balance-ask-amount", &["user", "balance"]),
    ("admin-balance-bad-amount", &["max"]),
    ("admin-balance-too-much", &["balance"]),
    ("admin-balance-ask-reason", &["change"]),
    (
        "admin-balance-preview",
        &["user", "change", "before", "after", "reason"],
    ),
    ("admin-balance-done", &["user", "change", "balance"]),
    ("balance-adjusted-notice", &["change", "balance", "reason"]),
    ("admin-stats-balances", &["owed", "credited"]),
    // The owner's agent screens (locales/*/agents.ftl, "# Owner's agent screens").
    ("btn-admin-agents", &[]),
    ("admin-agents-title", &[]),
    ("admin-agents-empty", &[]),
    (
        "admin-agents-line",
        &[
            "name", "id", "state", "balance", "active", "accounts", "sales", "amount",
        ],
    ),
    ("btn-admin-agent-open", &["name"]),
    ("admin-agent-title", &["name", "id"]),
    ("admin-agent-terms", &["percent", "limit", "payments"]),
    (
        "admin-agent-figures",
        &["balance", "active", "accounts", "sales", "amount"],
    ),
    ("admin-agent-bot", &["bot"]),
    ("admin-agent-no-bot", &[]),
    ("admin-agent-suspended", &[]),
    ("admin-agent-payments-heleket", &[]),
    ("admin-agent-payments-none", &[]),
    ("btn-admin-agent-suspend", &[]),
    ("btn-admin-agent-resume", &[]),
    ("btn-admin-agent-credit", &[]),
    ("btn-admin-agent-prices", &[]),
    ("btn-admin-agent-payments", &["payments"]),
    ("btn-admin-agent-profile", &[]),
    ("btn-admin-agent-remove", &[]),
    ("admin-agent-removed", &["id"]),
    ("admin-agent-remove-refused", &["id"]),
    ("admin-agent-not-found", &[]),
    ("admin-agent-prices-title", &["id", "percent"]),
    ("admin-agent-price-set", &["plan", "list", "cost"]),
    ("admin-agent-price-default", &["plan", "list", "cost"]),
    ("btn-admin-agent-price", &["plan"]),
    ("btn-admin-agent-price-default", &["plan"]),
    ("btn-admin-agent-percent", &[]),
    ("btn-admin-agent-limit", &[]),
    ("admin-agent-ask-price", &["plan", "list"]),
    ("admin-agent-ask-percent", &["max"]),
    ("admin-agent-ask-limit", &[]),
    ("admin-agent-bad-percent", &["max"]),
    ("admin-agent-bad-amount", &["currency"]),
    ("admin-agent-saved", &[]),
    ("btn-admin-make-agent", &[]),
    ("btn-admin-agent", &[]),
    (
        "admin-stats-agents",
        &["agents", "orders", "days", "revenue"],
    ),
    // Moving a service to another panel (moves.ftl).
    ("btn-admin-move-service", &["id"]),
    ("move-pick", &["id", "username", "from"]),
    ("move-pick-none", &["id", "from"]),
    ("move-panel-button", &["name", "location", "health", "free"]),
    ("move-free", &["n"]),
    ("move-free-unlimited", &[]),
    ("move-confirm", &["id", "from", "to", "days"]),
    ("btn-move-confirm", &[]),
    ("move-started", &[]),
    ("move-refused-busy", &["id", "to"]),
    ("move-refused-started", &[]),
    ("move-refused-gone", &[]),
    ("move-refused-same", &[]),
    ("move-refused-disabled", &[]),
    ("move-refused-inactive", &[]),
    ("move-customer-moved", &["name", "location"]),
    ("move-admin-done", &["service", "from", "to"]),
    ("move-admin-failed", &["service", "from", "to", "error"]),
    (
        "move-admin-remove-stuck",
        &["service", "from", "to", "error"],
    ),
    ("btn-link-account", &[]),
    ("link-open-service", &[]),
    ("link-ask", &[]),
    ("link-bad-format", &[]),
    ("link-too-many", &["n"]),
    ("link-not-found", &[]),
    ("link-unavailable", &[]),
    ("link-done", &[]),
    ("link-already-yours", &[]),
    ("link-other-owner", &[]),
    ("service-linked-name", &["username"]),
];

/// Words in Persian texts that keep their ASCII digits.
const LATIN_WORDS_WITH_DIGITS: &[&str] = &["Hysteria2", "SHA-256", "/api/v1", "hy2://"];

/// Tags Telegram's HTML mode accepts that the catalogues use.
const ALLOWED_TAGS: &[&str] = &["<b>", "</b>", "<i>", "</i>", "<code>", "</code>"];

/// Longest button label, in characters, before Telegram starts cutting it.
const MAX_BUTTON_CHARS: usize = 24;

fn locales_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../locales")
}

/// Parses every embedded file of `lang` into one list of entries.
fn entries(lang: Lang) -> Vec<ast::Entry<&'static str>> {
    let mut res = Vec::new();
    for &(file_lang, name, source) in EMBEDDED {
        if file_lang != lang {
            continue;
        }
        match parser::parse(source) {
            Ok(resource) => res.extend(resource.body),
            Err((_, errors)) => panic!("{}/{name} does not parse: {errors:?}", lang.code()),
        }
    }
    res
}

/// The variables every message and term of `lang` uses.
fn signatures(lang: Lang) -> Signatures {
    let mut res = Signatures::new();
    for entry in entries(lang) {
        let (id, patterns) = match &entry {
            ast::Entry::Message(message) => {
                let mut patterns: Vec<_> = message.value.iter().collect();
                patterns.extend(message.attributes.iter().map(|it| &it.value));
                (message.id.name.to_owned(), patterns)
            }
            ast::Entry::Term(term) => {
                let mut patterns = vec![&term.value];
                patterns.extend(term.attributes.iter().map(|it| &it.value));
                (format!("-{}", term.id.name), patterns)
            }
            _ => continue,
        };
        let vars = res.entry(id).or_default();
        for pattern in patterns {
            pattern_vars(pattern, vars);
        }
    }
    res
}

fn pattern_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for variant in variants {
                pattern_vars(&variant.value, vars);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(inline, vars),
    }
}

fn inline_vars(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => call_vars(arguments, vars),
        ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => call_vars(arguments, vars),
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => (),
    }
}

fn call_vars(arguments: &ast::CallArguments<&str>, vars: &mut BTreeSet<String>) {
    for inline in &arguments.positional {
        inline_vars(inline, vars);
    }
    for named in &arguments.named {
        inline_vars(&named.value, vars);
    }
}

/// The literal text pieces of every message of `lang`, with their ids.
fn texts(lang: Lang) -> Vec<(String, String)> {
    fn walk(id: &str, pattern: &ast::Pattern<&str>, res: &mut Vec<(String, String)>) {
        for element in &pattern.elements {
            match element {
                ast::PatternElement::TextElement { value } => {
                    res.push((id.to_owned(), (*value).to_owned()))
                }
                ast::PatternElement::Placeable {
                    expression: ast::Expression::Select { variants, .. },
                } => {
                    for variant in variants {
                        walk(id, &variant.value, res);
                    }
                }
                ast::PatternElement::Placeable { .. } => (),
            }
        }
    }
    let mut res = Vec::new();
    for entry in entries(lang) {
        if let ast::Entry::Message(ast::Message {
            id,
            value: Some(value),
            ..
        }) = &entry
        {
            walk(id.name, value, &mut res);
        }
    }
    res
}

/// Formats every message of `lang` with every variable set to `arg`.
fn format_all(lang: Lang, arg: Arg) -> Vec<(String, String)> {
    let catalog = Catalog::embedded().expect("embedded catalogue loads");
    let mut res = Vec::new();
    for (id, vars) in signatures(lang) {
        if id.starts_with('-') {
            continue;
        }
        let args: Vec<(&str, Arg)> = vars.iter().map(|var| (var.as_str(), arg)).collect();
        let (text, errors) = catalog
            .format(lang, &id, &args, Target::Html)
            .expect("message exists");
        assert!(
            errors.is_empty(),
            "{}: {id} with {arg:?}: {errors:?}",
            lang.code()
        );
        res.push((id, text));
    }
    res
}

/// Returns the first markup problem in `text`, if any.
fn html_problem(text: &str) -> Option<String> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find(['<', '>', '&']) {
        rest = &rest[pos..];
        if rest.starts_with('>') {
            return Some("stray '>'".to_owned());
        }
        if rest.starts_with('&') {
            let entity = ["&lt;", "&gt;", "&amp;", "&quot;"]
                .iter()
                .find(|it| rest.starts_with(**it));
            match entity {
                Some(entity) => rest = &rest[entity.len()..],
                None => return Some("unescaped '&'".to_owned()),
            }
            continue;
        }
        let Some(tag) = ALLOWED_TAGS.iter().find(|tag| rest.starts_with(**tag)) else {
            return Some(format!(
                "unknown tag at {:?}",
                rest.chars().take(10).collect::<String>()
            ));
        };
        match tag.strip_prefix("</") {
            Some(name) => match open.pop() {
                Some(opened) if opened.strip_prefix('<') == Some(name) => (),
                _ => return Some(format!("unbalanced {tag}")),
            },
            None => open.push(tag),
        }
        rest = &rest[tag.len()..];
    }
    open.last().map(|tag| format!("unclosed {tag}"))
}

#[test]
fn every_ftl_file_is_embedded() {
    let mut on_disk = BTreeSet::new();
    for lang_dir in fs::read_dir(locales_dir()).expect("locales/ is readable") {
        let lang_dir = lang_dir.expect("locales/ entry").path();
        for file in fs::read_dir(&lang_dir).expect("locale dir is readable") {
            let file = file.expect("locale file").path();
            let lang = lang_dir
                .file_name()
                .and_then(|it| it.to_str())
                .unwrap_or_default();
            let name = file
                .file_name()
                .and_then(|it| it.to_str())
                .unwrap_or_default();
            on_disk.insert(format!("{lang}/{name}"));
        }
    }
    let embedded: BTreeSet<String> = EMBEDDED
        .iter()
        .map(|(lang, name, _)| format!("{}/{name}", lang.code()))
        .collect();
    assert_eq!(
        on_disk, embedded,
        "locales/ and catalog::EMBEDDED must list the same files"
    );
}

#[test]
fn every_ftl_file_parses_without_junk() {
    for &(lang, name, source) in EMBEDDED {
        let file = format!("{}/{name}", lang.code());
        let on_disk = fs::read_to_string(locales_dir().join(&file)).expect("locale file reads");
        assert_eq!(on_disk, source, "{file}: embedded copy is stale");
        let resource = match parser::parse(source) {
            Ok(resource) => resource,
            Err((_, errors)) => panic!("{file}: {errors:?}"),
        };
        for entry in &resource.body {
            if let ast::Entry::Junk { content } = entry {
                panic!("{file}: junk {content:?}");
            }
        }
    }
}

#[test]
fn every_language_has_the_same_ids_and_variables_as_english() {
    let en = signatures(Lang::EN);
    for lang in Lang::BUILT_IN.into_iter().filter(|it| *it != Lang::EN) {
        let code = lang.code();
        let other = signatures(lang);
        let only_en: Vec<_> = en.keys().filter(|id| !other.contains_key(*id)).collect();
        let only_other: Vec<_> = other.keys().filter(|id| !en.contains_key(*id)).collect();
        assert!(only_en.is_empty(), "missing in {code}: {only_en:?}");
        assert!(
            only_other.is_empty(),
            "missing in en: {only_other:?} (from {code})"
        );
        for (id, en_vars) in &en {
            assert_eq!(
                Some(en_vars),
                other.get(id),
                "variables of {id} differ (en, {code})"
            );
        }
    }
}

#[test]
fn catalogue_matches_the_contract_with_the_bot() {
    let en = signatures(Lang::EN);
    let messages: Signatures = en
        .into_iter()
        .filter(|(id, _)| !id.starts_with('-'))
        .collect();
    let contract: Signatures = CONTRACT
        .iter()
        .map(|(id, vars)| {
            (
                (*id).to_owned(),
                vars.iter().map(|it| (*it).to_owned()).collect(),
            )
        })
        .collect();
    assert_eq!(CONTRACT.len(), contract.len(), "CONTRACT lists an id twice");
    assert_eq!(messages, contract);
}

#[test]
fn every_message_formats_with_any_arguments() {
    for lang in Lang::BUILT_IN {
        for arg in [
            Arg::Num(0),
            Arg::Num(1),
            Arg::Num(2),
            Arg::Num(31),
            Arg::Str("x"),
        ] {
            format_all(lang, arg);
        }
    }
}

#[test]
fn every_message_is_well_formed_telegram_html() {
    for lang in Lang::BUILT_IN {
        for (id, text) in format_all(lang, Arg::Str("v")) {
            if let Some(problem) = html_problem(&text) {
                panic!("{}: {id}: {problem} in {text:?}", lang.code());
            }
        }
    }
}

#[test]
fn buttons_are_short() {
    for lang in Lang::BUILT_IN {
        for (id, text) in format_all(lang, Arg::Str("#1")) {
            let is_button = id.starts_with("btn-") || id.starts_with("audience-");
            let chars = text.chars().count();
            assert!(
                !is_button || chars <= MAX_BUTTON_CHARS,
                "{}: {id} is {chars} chars",
                lang.code()
            );
        }
    }
}

#[test]
fn persian_texts_use_persian_digits() {
    for (id, text) in texts(Lang::FA) {
        let mut stripped = text.clone();
        for word in LATIN_WORDS_WITH_DIGITS {
            stripped = stripped.replace(word, "");
        }
        let command_free: String = stripped
            .split_whitespace()
            .filter(|word| !word.starts_with('/'))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            !command_free.contains(|c: char| c.is_ascii_digit()),
            "fa: {id}: {text:?}"
        );
    }
}

#[test]
fn html_checker_catches_mistakes() {
    assert_eq!(html_problem("<b>ok</b> <code>x</code> &amp;"), None);
    assert_eq!(html_problem("<b>open"), Some("unclosed <b>".to_owned()));
    assert_eq!(
        html_problem("<b><code>x</b></code>"),
        Some("unbalanced </b>".to_owned())
    );
    assert_eq!(html_problem("a & b"), Some("unescaped '&'".to_owned()));
    assert_eq!(
        html_problem("1 < 2"),
        Some("unknown tag at \"< 2\"".to_owned())
    );
}
