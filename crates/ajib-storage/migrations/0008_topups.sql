-- Money a user adds to their balance by invoice. A paid top-up is one
-- `payment` row of the ledger (no order), keyed by the invoice like any
-- other payment, so it is credited exactly once.
CREATE TABLE topups (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id            INTEGER NOT NULL REFERENCES users (id),
    amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
    currency           TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('created', 'invoiced', 'paid', 'expired', 'failed')),
    invoice_uuid       TEXT UNIQUE,
    invoice_url        TEXT,
    invoice_expires_at INTEGER,
    next_poll_at       INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    note               TEXT
) STRICT;
CREATE INDEX topups_user ON topups (user_id);
CREATE INDEX topups_due_poll ON topups (next_poll_at) WHERE next_poll_at IS NOT NULL;
