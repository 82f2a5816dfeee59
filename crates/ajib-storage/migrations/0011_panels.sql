-- Many panels (issue 21): panels are data, a service remembers its panel,
-- a plan may be sold in some locations only, a service can move between
-- panels, and accounts already on a panel can be linked as services.

-- `api_base` NULL with `token_ref` 'config' is the panel of BLITZ_API_BASE and
-- BLITZ_API_KEY: an install upgraded from one panel keeps reading both from
-- its configuration, untouched. Other panels' tokens are 'stored' in
-- `panel_tokens` (the database file is the service's own, mode 0600) or read
-- from a file the operator keeps ('file:/path').
CREATE TABLE panels (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 32),
    location     TEXT NOT NULL CHECK (length(location) BETWEEN 1 AND 48),
    api_base     TEXT CHECK (api_base IS NULL OR length(api_base) BETWEEN 8 AND 512),
    token_ref    TEXT NOT NULL CHECK (token_ref IN ('config', 'stored') OR token_ref LIKE 'file:/%'),
    capacity     INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    health       TEXT NOT NULL DEFAULT 'unknown' CHECK (health IN ('unknown', 'up', 'down')),
    checked_at   INTEGER,
    down_since   INTEGER,
    down_alerted INTEGER NOT NULL DEFAULT 0 CHECK (down_alerted IN (0, 1)),
    last_error   TEXT,
    -- Active services on it, kept by the triggers below (capacity is checked on every sale).
    active       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK ((api_base IS NULL) = (token_ref = 'config'))
) STRICT;

CREATE TABLE panel_tokens (
    panel_id INTEGER PRIMARY KEY REFERENCES panels (id),
    token    TEXT NOT NULL CHECK (length(token) BETWEEN 1 AND 512)
) STRICT;

INSERT INTO panels (id, name, location, api_base, token_ref, capacity, created_at, updated_at)
VALUES (1, 'main', '🌐 Main', NULL, 'config', NULL,
        CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER));

-- A plan with no rows here is sold on every panel (as before panels were data).
CREATE TABLE plan_panels (
    plan_id  INTEGER NOT NULL REFERENCES plans (id),
    panel_id INTEGER NOT NULL REFERENCES panels (id),
    PRIMARY KEY (plan_id, panel_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX plan_panels_panel ON plan_panels (panel_id);

-- The location a customer picked for a new service, and the panel the
-- provisioning worker chose there: recorded before the panel is asked, so a
-- retry goes to the same panel and never makes a second account elsewhere.
ALTER TABLE orders ADD COLUMN location TEXT CHECK (location IS NULL OR length(location) BETWEEN 1 AND 48);
ALTER TABLE orders ADD COLUMN panel_id INTEGER REFERENCES panels (id);
CREATE INDEX orders_reserving ON orders (panel_id) WHERE status = 'paid' AND panel_id IS NOT NULL;

-- services, rebuilt: it gains its panel; an account name is unique per panel
-- (two panels may each have an "ali"); a service linked from an account that
-- was already on a panel (imported, or claimed by its customer) has no order.
CREATE TABLE services_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id             INTEGER NOT NULL REFERENCES users (id),
    order_id            INTEGER UNIQUE REFERENCES orders (id),
    panel_id            INTEGER NOT NULL REFERENCES panels (id),
    blitz_username      TEXT NOT NULL,
    plan_id             INTEGER REFERENCES plans (id),
    is_test             INTEGER NOT NULL CHECK (is_test IN (0, 1)),
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    traffic_limit_bytes INTEGER CHECK (traffic_limit_bytes >= 0),
    status              TEXT NOT NULL CHECK (status IN ('active', 'expired', 'disabled')),
    auto_renew          INTEGER NOT NULL DEFAULT 0 CHECK (auto_renew IN (0, 1)),
    origin              TEXT NOT NULL DEFAULT 'order' CHECK (origin IN ('order', 'import', 'link')),
    UNIQUE (panel_id, blitz_username),
    CHECK ((order_id IS NULL) = (origin <> 'order'))
) STRICT;
INSERT INTO services_new (id, user_id, order_id, panel_id, blitz_username, plan_id, is_test,
                          created_at, expires_at, traffic_limit_bytes, status, auto_renew, origin)
SELECT id, user_id, order_id, 1, blitz_username, plan_id, is_test,
       created_at, expires_at, traffic_limit_bytes, status, auto_renew, 'order'
FROM services;
DROP TABLE services;
ALTER TABLE services_new RENAME TO services;

CREATE INDEX services_user ON services (user_id);
CREATE INDEX services_expires ON services (expires_at) WHERE status = 'active';
CREATE INDEX services_auto_renew ON services (expires_at) WHERE auto_renew = 1;
CREATE INDEX services_username ON services (blitz_username);
CREATE INDEX services_panel ON services (panel_id, status);

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

UPDATE panels SET active = (SELECT count(*) FROM services WHERE status = 'active' AND panel_id = 1)
WHERE id = 1;
CREATE TRIGGER panel_service_added AFTER INSERT ON services
WHEN NEW.status = 'active'
BEGIN
    UPDATE panels SET active = active + 1 WHERE id = NEW.panel_id;
END;
CREATE TRIGGER panel_service_removed AFTER DELETE ON services
WHEN OLD.status = 'active'
BEGIN
    UPDATE panels SET active = active - 1 WHERE id = OLD.panel_id;
END;
CREATE TRIGGER panel_service_changed AFTER UPDATE OF status, panel_id ON services
WHEN (OLD.status = 'active') <> (NEW.status = 'active') OR OLD.panel_id <> NEW.panel_id
BEGIN
    UPDATE panels SET active = active - (OLD.status = 'active') WHERE id = OLD.panel_id;
    UPDATE panels SET active = active + (NEW.status = 'active') WHERE id = NEW.panel_id;
END;

-- Moving a service to another panel, step by step so a restart resumes it:
-- 'creating' (the account is being made on the target), 'removing' (the
-- service already points at the target and the customer has the new config;
-- the old account is being removed), then 'done' (or 'failed' while
-- creating: the service stays where it was). `attempts` counts the failed
-- tries of the current step and `next_at` is when the worker tries again.
CREATE TABLE service_moves (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id   INTEGER NOT NULL REFERENCES services (id),
    from_panel   INTEGER NOT NULL REFERENCES panels (id),
    to_panel     INTEGER NOT NULL REFERENCES panels (id),
    old_username TEXT NOT NULL,
    new_username TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('creating', 'removing', 'done', 'failed')),
    requested_by INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (from_panel <> to_panel)
) STRICT;
CREATE UNIQUE INDEX service_moves_open ON service_moves (service_id) WHERE state IN ('creating', 'removing');
CREATE INDEX service_moves_due ON service_moves (next_at) WHERE state IN ('creating', 'removing');

-- A customer claiming an account by its link: attempts, for the rate limit.
CREATE TABLE link_attempts (
    user_id INTEGER NOT NULL,
    at      INTEGER NOT NULL
) STRICT;
CREATE INDEX link_attempts_user ON link_attempts (user_id, at);
