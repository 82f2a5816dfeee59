-- Promo codes (issue 20): codes, the plans they apply to, and their uses by paid orders.

-- A code gives exactly one of: a percentage off, a fixed amount off, or bonus
-- days. `code` is stored upper-case (codes are case-insensitive). The dates
-- are unix seconds, `ends_at` exclusive. `uses` counts `promo_uses` rows,
-- kept by the trigger below, and the CHECK makes the database itself refuse a
-- use beyond `max_uses`, whoever asks and however concurrently.
CREATE TABLE promo_codes (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    code                TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 3 AND 32
                            AND code NOT GLOB '*[^A-Z0-9_-]*'),
    percent             INTEGER CHECK (percent IS NULL OR percent BETWEEN 1 AND 100),
    fixed_minor         INTEGER CHECK (fixed_minor IS NULL OR fixed_minor > 0),
    currency            TEXT,
    bonus_days          INTEGER CHECK (bonus_days IS NULL OR bonus_days BETWEEN 1 AND 3650),
    starts_at           INTEGER,
    ends_at             INTEGER,
    max_uses            INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
    per_user            INTEGER CHECK (per_user IS NULL OR per_user > 0),
    first_purchase_only INTEGER NOT NULL DEFAULT 0 CHECK (first_purchase_only IN (0, 1)),
    enabled             INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    uses                INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)),
    created_by          TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CHECK ((percent IS NOT NULL) + (fixed_minor IS NOT NULL) + (bonus_days IS NOT NULL) = 1),
    CHECK ((fixed_minor IS NULL) = (currency IS NULL)),
    CHECK (starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at)
) STRICT;

-- A code with no rows here applies to every plan.
CREATE TABLE promo_code_plans (
    code_id INTEGER NOT NULL REFERENCES promo_codes (id),
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    PRIMARY KEY (code_id, plan_id)
) STRICT, WITHOUT ROWID;

-- One row per paid order that used a code, written in the transaction that
-- marks the order paid: an unpaid order uses nothing, and an order uses its
-- code once, however often it is settled.
CREATE TABLE promo_uses (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id),
    code_id  INTEGER NOT NULL REFERENCES promo_codes (id),
    user_id  INTEGER NOT NULL REFERENCES users (id),
    used_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX promo_uses_code_user ON promo_uses (code_id, user_id);

CREATE TRIGGER promo_uses_per_user BEFORE INSERT ON promo_uses
WHEN (SELECT per_user FROM promo_codes WHERE id = NEW.code_id) <=
     (SELECT count(*) FROM promo_uses WHERE code_id = NEW.code_id AND user_id = NEW.user_id)
BEGIN
    SELECT RAISE(ABORT, 'promo code used up for this user');
END;
CREATE TRIGGER promo_uses_count AFTER INSERT ON promo_uses
BEGIN
    UPDATE promo_codes SET uses = uses + 1 WHERE id = NEW.code_id;
END;
CREATE TRIGGER promo_uses_are_kept BEFORE DELETE ON promo_uses
BEGIN
    SELECT RAISE(ABORT, 'promo uses are kept');
END;

-- What a code did to an order: the code, the price before the discount
-- (`amount_minor` is what the customer pays), and the days added to the plan's.
ALTER TABLE orders ADD COLUMN promo_code_id INTEGER REFERENCES promo_codes (id);
ALTER TABLE orders ADD COLUMN list_minor INTEGER CHECK (list_minor IS NULL OR list_minor >= amount_minor);
ALTER TABLE orders ADD COLUMN bonus_days INTEGER NOT NULL DEFAULT 0 CHECK (bonus_days BETWEEN 0 AND 3650);
CREATE INDEX orders_promo ON orders (promo_code_id) WHERE promo_code_id IS NOT NULL;
