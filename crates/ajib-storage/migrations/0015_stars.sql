-- Telegram Stars (issue 22): Stars prices on plans, Stars payments by their charge id, refunds.

-- A plan's price in Stars as the owner set it; NULL derives it from the
-- plan's price and STARS_PER_UNIT. Telegram takes 1..=10000 Stars per invoice.
ALTER TABLE plans ADD COLUMN price_stars INTEGER
    CHECK (price_stars IS NULL OR price_stars BETWEEN 1 AND 10000);

-- The Stars invoice sent for an order: the price asked (the pre-checkout
-- must match it) and until when it may be paid (unix seconds).
CREATE TABLE stars_invoices (
    order_id   INTEGER PRIMARY KEY REFERENCES orders (id),
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 10000),
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- One row per successful payment Telegram reported, unique by its charge id
-- (the ledger's `payment` row carries `stars:<charge_id>`). A refund is
-- recorded once: `refunded_at` is set only while it is NULL.
CREATE TABLE stars_payments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    charge_id   TEXT NOT NULL UNIQUE CHECK (length(charge_id) BETWEEN 1 AND 256),
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    user_id     INTEGER NOT NULL,
    stars       INTEGER NOT NULL CHECK (stars > 0),
    created_at  INTEGER NOT NULL,
    refunded_at INTEGER,
    refunded_by INTEGER
) STRICT;

CREATE INDEX stars_payments_by_user ON stars_payments (user_id, id);

-- Payments received per way of paying and currency, for the statistics
-- (revenue by payment method): kept by a trigger as `payment` rows arrive,
-- exact because the ledger is append-only, and read without a scan. The
-- method is the key's prefix: `stars:`, `card:`, else a Heleket invoice.
CREATE TABLE payment_method_totals (
    method       TEXT NOT NULL CHECK (method IN ('heleket', 'stars', 'card')),
    currency     TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    PRIMARY KEY (method, currency)
) STRICT;
INSERT INTO payment_method_totals (method, currency, amount_minor)
SELECT CASE WHEN invoice_uuid LIKE 'stars:%' THEN 'stars'
            WHEN invoice_uuid LIKE 'card:%' THEN 'card'
            ELSE 'heleket' END AS method,
       currency, sum(amount_minor)
FROM ledger WHERE cause = 'payment' GROUP BY method, currency;
CREATE TRIGGER payment_method_totals_add AFTER INSERT ON ledger
WHEN NEW.cause = 'payment'
BEGIN
    INSERT INTO payment_method_totals (method, currency, amount_minor)
    VALUES (CASE WHEN NEW.invoice_uuid LIKE 'stars:%' THEN 'stars'
                 WHEN NEW.invoice_uuid LIKE 'card:%' THEN 'card'
                 ELSE 'heleket' END,
            NEW.currency, NEW.amount_minor)
    ON CONFLICT (method, currency) DO UPDATE SET amount_minor = amount_minor + excluded.amount_minor;
END;
