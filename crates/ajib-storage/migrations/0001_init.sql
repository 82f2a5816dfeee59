-- AJIB schema, version 1. Timestamps are unix seconds (UTC), money is integer
-- minor units plus an ISO currency code. Ids that are shown to the outside
-- world (orders: the Heleket reference) use AUTOINCREMENT so they are never reused.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,           -- Telegram user id
    username      TEXT,
    first_name    TEXT NOT NULL DEFAULT '',
    lang          TEXT CHECK (lang IN ('en', 'fa')),
    blocked_bot   INTEGER NOT NULL DEFAULT 0 CHECK (blocked_bot IN (0, 1)),
    banned        INTEGER NOT NULL DEFAULT 0 CHECK (banned IN (0, 1)),
    start_payload TEXT,
    created_at    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL
) STRICT;
CREATE INDEX users_username ON users (lower(username)) WHERE username IS NOT NULL;
CREATE INDEX users_created ON users (created_at);

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name_en     TEXT NOT NULL,
    name_fa     TEXT NOT NULL,
    days        INTEGER NOT NULL CHECK (days BETWEEN 1 AND 3650),
    traffic_gb  INTEGER NOT NULL CHECK (traffic_gb >= 0),
    price_minor INTEGER NOT NULL CHECK (price_minor > 0),
    currency    TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE services (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id             INTEGER NOT NULL REFERENCES users (id),
    order_id            INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    blitz_username      TEXT NOT NULL UNIQUE,
    plan_id             INTEGER REFERENCES plans (id),
    is_test             INTEGER NOT NULL CHECK (is_test IN (0, 1)),
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    traffic_limit_bytes INTEGER CHECK (traffic_limit_bytes >= 0),
    status              TEXT NOT NULL CHECK (status IN ('active', 'expired', 'disabled'))
) STRICT;
CREATE INDEX services_user ON services (user_id);
CREATE INDEX services_expires ON services (expires_at) WHERE status = 'active';

CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id             INTEGER NOT NULL REFERENCES users (id),
    plan_id             INTEGER REFERENCES plans (id),
    kind                TEXT NOT NULL CHECK (kind IN ('new', 'renewal', 'test')),
    renewal_service_id  INTEGER REFERENCES services (id),
    amount_minor        INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency            TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN
                            ('created', 'invoiced', 'paid', 'provisioned', 'expired', 'failed', 'underpaid')),
    invoice_uuid        TEXT UNIQUE,
    invoice_url         TEXT,
    invoice_expires_at  INTEGER,
    next_poll_at        INTEGER,
    paid_at             INTEGER,
    provisioned_at      INTEGER,
    service_id          INTEGER REFERENCES services (id),
    renewal_target_days INTEGER CHECK (renewal_target_days > 0),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    note                TEXT,
    CHECK ((kind = 'renewal') = (renewal_service_id IS NOT NULL)),
    CHECK ((kind = 'test') = (plan_id IS NULL)),
    CHECK (kind <> 'test' OR amount_minor = 0)
) STRICT;
-- One test account per Telegram user, whatever happens to the first one.
CREATE UNIQUE INDEX orders_one_test_per_user ON orders (user_id) WHERE kind = 'test';
CREATE INDEX orders_user ON orders (user_id);
CREATE INDEX orders_due_poll ON orders (next_poll_at) WHERE status = 'invoiced';
CREATE INDEX orders_paid_at ON orders (paid_at) WHERE paid_at IS NOT NULL;

-- Every payment status Heleket told us about, once per (invoice, status).
CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    invoice_uuid TEXT NOT NULL,
    order_id     INTEGER NOT NULL,
    status       TEXT NOT NULL,
    raw          TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    UNIQUE (invoice_uuid, status)
) STRICT;

CREATE TABLE reminders (
    service_id INTEGER NOT NULL REFERENCES services (id),
    kind       TEXT NOT NULL,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (service_id, kind)
) STRICT;

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'dead')),
    run_at      INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until INTEGER,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_ready ON jobs (run_at, id) WHERE status = 'pending';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE status = 'running';

CREATE TABLE broadcasts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    text       TEXT NOT NULL,
    audience   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('running', 'paused', 'cancelled', 'done')),
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE broadcast_recipients (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
    user_id      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'blocked')),
    updated_at   INTEGER,
    PRIMARY KEY (broadcast_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX broadcast_recipients_pending ON broadcast_recipients (broadcast_id, user_id) WHERE status = 'pending';

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    at          INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE admins (
    id       INTEGER PRIMARY KEY,                -- Telegram user id
    role     TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'support')),
    added_by INTEGER,
    added_at INTEGER NOT NULL
) STRICT;
