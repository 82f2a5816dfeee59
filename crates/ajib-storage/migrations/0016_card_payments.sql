-- Card-to-card (issue 22): receipts awaiting approval, decisions, expiry.
--
-- A customer pays an order by bank card transfer and sends the receipt (a
-- photo's Telegram file id, or a transaction reference as text); staff approve
-- or reject it. The first decision wins: a decision is one UPDATE from
-- 'pending', and approval credits the ledger in the same transaction with the
-- key 'card:<id>' (ledger.invoice_uuid), so a receipt credits at most once.
CREATE TABLE card_payments (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders (id),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    -- What approval credits, in the order's currency (the part the invoice asked for).
    amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
    currency        TEXT NOT NULL,
    -- What the customer was asked to transfer, in the card's local currency.
    local_minor     INTEGER NOT NULL CHECK (local_minor > 0),
    local_currency  TEXT NOT NULL,
    receipt_file_id TEXT,
    reference       TEXT,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'approved', 'rejected', 'expired')),
    decided_by      INTEGER,
    reason          TEXT,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    decided_at      INTEGER,
    -- A receipt is a photo or a reference, never both or neither.
    CHECK ((receipt_file_id IS NULL) <> (reference IS NULL)),
    CHECK ((state = 'pending') = (decided_at IS NULL))
) STRICT;
-- One receipt awaits approval per order at a time.
CREATE UNIQUE INDEX card_payments_one_pending ON card_payments (order_id) WHERE state = 'pending';
-- The per-user rate limit counts the last hour's receipts.
CREATE INDEX card_payments_user_created ON card_payments (user_id, created_at);
-- The expiry round and `ajib-ctl card pending` read only pending rows.
CREATE INDEX card_payments_pending ON card_payments (expires_at) WHERE state = 'pending';
