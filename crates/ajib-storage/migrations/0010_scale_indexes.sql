-- A million users (issue 19, `cargo xtask bench scale`): what the admin
-- statistics read comes from indexes that hold every column the query needs,
-- so no table row is visited, or from totals that triggers keep.

-- summary: users seen since a moment.
CREATE INDEX users_last_seen ON users (last_seen);

-- summary and order_outcomes: orders of a kind and status created, or paid,
-- since a moment; each (kind, status) pair is one range, counted in place.
CREATE INDEX orders_by_state ON orders (kind, status, created_at);
CREATE INDEX orders_paid_by_state ON orders (kind, status, paid_at) WHERE paid_at IS NOT NULL;

-- revenue_by_day and revenue_by_plan: what orders paid since a moment brought.
DROP INDEX orders_paid_at;
CREATE INDEX orders_paid_at ON orders (paid_at, status, amount_minor, currency, plan_id)
    WHERE paid_at IS NOT NULL;

-- credited_by_payments: payments since a moment, and the purchases written after them.
CREATE INDEX ledger_payments ON ledger (created_at, order_id, currency, amount_minor)
    WHERE cause = 'payment';
CREATE INDEX ledger_purchases ON ledger (id, order_id, amount_minor) WHERE cause = 'purchase';

-- The sum of the whole ledger per currency (what balances owe), kept as rows
-- arrive: the ledger is append-only, so adding each new row keeps it exact.
CREATE TABLE ledger_totals (
    currency     TEXT PRIMARY KEY,
    amount_minor INTEGER NOT NULL
) STRICT;
INSERT INTO ledger_totals (currency, amount_minor)
SELECT currency, sum(amount_minor) FROM ledger GROUP BY currency;
CREATE TRIGGER ledger_totals_add AFTER INSERT ON ledger
BEGIN
    INSERT INTO ledger_totals (currency, amount_minor) VALUES (NEW.currency, NEW.amount_minor)
    ON CONFLICT (currency) DO UPDATE SET amount_minor = amount_minor + excluded.amount_minor;
END;

-- Counts the statistics screen shows on every visit, kept by triggers as rows
-- change rather than counted over a million rows each time: all users, users
-- who blocked the bot, services in status active. (No statement replaces a
-- row of these tables, which would delete it without the delete trigger.)
CREATE TABLE tallies (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) STRICT;
INSERT INTO tallies (name, n) VALUES
    ('users', (SELECT count(*) FROM users)),
    ('users_blocked', (SELECT count(*) FROM users WHERE blocked_bot = 1)),
    ('services_active', (SELECT count(*) FROM services WHERE status = 'active'));
CREATE TRIGGER tallies_user_added AFTER INSERT ON users
BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'users';
    UPDATE tallies SET n = n + NEW.blocked_bot WHERE name = 'users_blocked';
END;
CREATE TRIGGER tallies_user_removed AFTER DELETE ON users
BEGIN
    UPDATE tallies SET n = n - 1 WHERE name = 'users';
    UPDATE tallies SET n = n - OLD.blocked_bot WHERE name = 'users_blocked';
END;
CREATE TRIGGER tallies_user_blocked AFTER UPDATE OF blocked_bot ON users
WHEN OLD.blocked_bot <> NEW.blocked_bot
BEGIN
    UPDATE tallies SET n = n + NEW.blocked_bot - OLD.blocked_bot WHERE name = 'users_blocked';
END;
CREATE TRIGGER tallies_service_added AFTER INSERT ON services
WHEN NEW.status = 'active'
BEGIN
    UPDATE tallies SET n = n + 1 WHERE name = 'services_active';
END;
CREATE TRIGGER tallies_service_removed AFTER DELETE ON services
WHEN OLD.status = 'active'
BEGIN
    UPDATE tallies SET n = n - 1 WHERE name = 'services_active';
END;
CREATE TRIGGER tallies_service_status AFTER UPDATE OF status ON services
WHEN (OLD.status = 'active') <> (NEW.status = 'active')
BEGIN
    UPDATE tallies SET n = n + (NEW.status = 'active') - (OLD.status = 'active') WHERE name = 'services_active';
END;

-- /metrics (state_counts): provisioning jobs by state, orders by status,
-- counted from an index instead of the table.
CREATE INDEX jobs_by_state ON jobs (kind, status);
CREATE INDEX orders_status ON orders (status);
