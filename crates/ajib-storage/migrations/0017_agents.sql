-- Agents (resellers, issue 23): users who buy accounts for their own
-- customers at their own price, from a balance that may go below zero down
-- to their credit limit, and who may connect a bot of their own that AJIB
-- serves in-process.
--
-- An agent's accounts are ordinary orders and services owned by the agent
-- (`user_id` is the agent) and marked with `agent_id`; a service bought in
-- the agent's bot also names the bot's customer (`customer_id`), who sees it
-- there. Ordinary screens (My services, reminders, auto-renew) leave them out.
CREATE TABLE agents (
    user_id            INTEGER PRIMARY KEY REFERENCES users (id),
    -- A plan without its own agent price costs its list price less this.
    percent_off        INTEGER NOT NULL DEFAULT 0 CHECK (percent_off BETWEEN 0 AND 90),
    -- How far below zero the agent's balance may go.
    credit_limit_minor INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit_minor BETWEEN 0 AND 100000000000),
    suspended          INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
    brand              TEXT CHECK (brand IS NULL OR length(brand) BETWEEN 1 AND 48),
    support            TEXT CHECK (support IS NULL OR length(support) BETWEEN 1 AND 64),
    -- Whether the agent's bot sells by the owner's Heleket account, or not at all.
    bot_payments       TEXT NOT NULL DEFAULT 'heleket' CHECK (bot_payments IN ('heleket', 'none')),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;

-- What the agent pays for a plan, when the owner set it by hand.
CREATE TABLE agent_prices (
    agent_id    INTEGER NOT NULL REFERENCES agents (user_id) ON DELETE CASCADE,
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    price_minor INTEGER NOT NULL CHECK (price_minor > 0),
    PRIMARY KEY (agent_id, plan_id)
) STRICT, WITHOUT ROWID;

-- What the agent's bot asks its customers for a plan (never below the
-- agent's own price: checked when set and again at every sale).
CREATE TABLE agent_retail (
    agent_id    INTEGER NOT NULL REFERENCES agents (user_id) ON DELETE CASCADE,
    plan_id     INTEGER NOT NULL REFERENCES plans (id),
    price_minor INTEGER NOT NULL CHECK (price_minor > 0),
    PRIMARY KEY (agent_id, plan_id)
) STRICT, WITHOUT ROWID;

-- The agent's own bot: its token is a secret (never logged), verified with
-- getMe before it is stored; a token Telegram refuses is revoked here and
-- that bot alone stops.
CREATE TABLE agent_bots (
    agent_id   INTEGER PRIMARY KEY REFERENCES agents (user_id) ON DELETE CASCADE,
    bot_id     INTEGER NOT NULL UNIQUE,
    username   TEXT NOT NULL CHECK (length(username) BETWEEN 1 AND 64),
    token      TEXT NOT NULL CHECK (length(token) BETWEEN 10 AND 128),
    state      TEXT NOT NULL CHECK (state IN ('active', 'revoked')),
    state_note TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- People who wrote to an agent's bot: the agent's customers, kept apart
-- from the main bot's users (they may never have opened the main bot).
CREATE TABLE agent_customers (
    agent_id   INTEGER NOT NULL REFERENCES agents (user_id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    lang       TEXT CHECK (lang IS NULL OR (length(lang) BETWEEN 2 AND 3 AND lang NOT GLOB '*[^a-z]*')),
    blocked    INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (agent_id, user_id)
) STRICT, WITHOUT ROWID;

-- Accounts bought N at a time: their configs go out as one file once all are made.
CREATE TABLE agent_batches (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id     INTEGER NOT NULL REFERENCES agents (user_id),
    plan_id      INTEGER NOT NULL REFERENCES plans (id),
    size         INTEGER NOT NULL CHECK (size BETWEEN 1 AND 50),
    delivered_at INTEGER,
    created_at   INTEGER NOT NULL
) STRICT;

ALTER TABLE orders ADD COLUMN agent_id INTEGER REFERENCES agents (user_id);
ALTER TABLE orders ADD COLUMN customer_id INTEGER;
ALTER TABLE orders ADD COLUMN label TEXT CHECK (label IS NULL OR length(label) BETWEEN 1 AND 64);
ALTER TABLE orders ADD COLUMN batch_id INTEGER REFERENCES agent_batches (id);
CREATE INDEX orders_agent ON orders (agent_id, status, paid_at) WHERE agent_id IS NOT NULL;
CREATE INDEX orders_batch ON orders (batch_id) WHERE batch_id IS NOT NULL;

ALTER TABLE services ADD COLUMN agent_id INTEGER REFERENCES agents (user_id);
ALTER TABLE services ADD COLUMN customer_id INTEGER;
ALTER TABLE services ADD COLUMN label TEXT CHECK (label IS NULL OR length(label) BETWEEN 1 AND 64);
CREATE INDEX services_agent ON services (agent_id, id) WHERE agent_id IS NOT NULL;
CREATE INDEX services_customer ON services (customer_id, agent_id) WHERE customer_id IS NOT NULL;

-- Mail a bot other than the main one sends: the agent whose bot it is.
ALTER TABLE mail ADD COLUMN bot INTEGER;

-- A balance may go below zero only down to its owner's credit limit (an
-- agent's; everyone else's is zero), whatever the code above does.
DROP TRIGGER ledger_never_negative;
CREATE TRIGGER ledger_within_credit BEFORE INSERT ON ledger
WHEN NEW.amount_minor < 0
 AND (SELECT coalesce(sum(amount_minor), 0) FROM ledger
      WHERE user_id = NEW.user_id AND currency = NEW.currency) + NEW.amount_minor
     < -coalesce((SELECT credit_limit_minor FROM agents WHERE user_id = NEW.user_id), 0)
BEGIN
    SELECT RAISE(ABORT, 'balance would go below its credit limit');
END;
