-- Every movement of a user's money, append-only: the balance is the sum of
-- a user's rows in one currency. A confirmed invoice payment is always one
-- `payment` credit (the amount received); buying a plan is one `purchase`
-- debit, so a plan paid by invoice nets to the excess of a `paid_over`, and a
-- payment that could not be granted stays on the balance.
CREATE TABLE ledger (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    currency     TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0),
    cause        TEXT NOT NULL CHECK (cause IN ('payment', 'purchase', 'refund', 'adjustment', 'reward')),
    order_id     INTEGER REFERENCES orders (id),
    invoice_uuid TEXT,
    actor_id     INTEGER,
    note         TEXT,
    created_at   INTEGER NOT NULL,
    CHECK ((cause = 'payment') = (invoice_uuid IS NOT NULL)),
    CHECK (cause <> 'payment' OR amount_minor > 0),
    CHECK (cause <> 'purchase' OR (amount_minor < 0 AND order_id IS NOT NULL))
) STRICT;
CREATE INDEX ledger_user ON ledger (user_id, currency);
-- Exactly once: one credit per paid invoice, one debit per order bought.
CREATE UNIQUE INDEX ledger_one_payment_per_invoice ON ledger (invoice_uuid) WHERE cause = 'payment';
CREATE UNIQUE INDEX ledger_one_purchase_per_order ON ledger (order_id) WHERE cause = 'purchase';

CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
CREATE TRIGGER ledger_is_append_only_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
-- No path to a negative balance, whatever the code above does.
CREATE TRIGGER ledger_never_negative BEFORE INSERT ON ledger
WHEN NEW.amount_minor < 0
 AND (SELECT coalesce(sum(amount_minor), 0) FROM ledger
      WHERE user_id = NEW.user_id AND currency = NEW.currency) + NEW.amount_minor < 0
BEGIN
    SELECT RAISE(ABORT, 'balance would go negative');
END;

-- Part of a price may come from the balance: the invoice then asks only for
-- the rest (NULL: the whole amount).
ALTER TABLE orders ADD COLUMN invoice_minor INTEGER CHECK (invoice_minor IS NULL OR invoice_minor > 0);

-- Expired invoices are still asked about for a while: crypto confirmations
-- can outlast the invoice, and a late payment must not be lost.
DROP INDEX orders_due_poll;
CREATE INDEX orders_due_poll ON orders (next_poll_at) WHERE next_poll_at IS NOT NULL;
-- Orders closed before this version are not asked about again, except
-- invoices that expired in the last two days.
UPDATE orders SET next_poll_at = NULL
 WHERE status NOT IN ('invoiced', 'expired')
    OR (status = 'expired' AND coalesce(invoice_expires_at, 0) < CAST(strftime('%s', 'now') AS INTEGER) - 172800);

-- Orders paid before the ledger existed get their two rows, so a redelivered
-- webhook for one of them finds it settled like any other.
INSERT INTO ledger (user_id, currency, amount_minor, cause, order_id, invoice_uuid, note, created_at)
SELECT user_id, currency, amount_minor, 'payment', id, invoice_uuid, 'before the ledger', coalesce(paid_at, updated_at)
  FROM orders WHERE status IN ('paid', 'provisioned') AND invoice_uuid IS NOT NULL AND amount_minor > 0;
INSERT INTO ledger (user_id, currency, amount_minor, cause, order_id, note, created_at)
SELECT user_id, currency, -amount_minor, 'purchase', id, 'before the ledger', coalesce(paid_at, updated_at)
  FROM orders WHERE status IN ('paid', 'provisioned') AND invoice_uuid IS NOT NULL AND amount_minor > 0;
