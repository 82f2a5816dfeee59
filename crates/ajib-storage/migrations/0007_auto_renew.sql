-- Auto-renew from the balance: a per-service switch (off unless the customer
-- turns it on), and one claim per service period so a period is renewed at
-- most once, whichever worker or restart gets there first. A claim is written
-- in the same transaction as the renewal order's payment from the balance.
ALTER TABLE services ADD COLUMN auto_renew INTEGER NOT NULL DEFAULT 0 CHECK (auto_renew IN (0, 1));

CREATE TABLE auto_renewals (
    service_id INTEGER NOT NULL REFERENCES services (id),
    -- The service's expiry when it was renewed: the period the claim is for.
    period_end INTEGER NOT NULL,
    order_id   INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (service_id, period_end)
) STRICT;

CREATE INDEX services_auto_renew ON services (expires_at) WHERE auto_renew = 1;
