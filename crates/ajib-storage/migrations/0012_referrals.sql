-- Referrals (issue 20): referral codes, who invited whom, rewards granted with the payment that earns them.

-- A user's short opaque code for their invite link (`/start r<code>`), made on first need.
CREATE TABLE referral_codes (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 6 AND 12),
    created_at INTEGER NOT NULL
) STRICT;

-- Who invited whom: one row per invited user (the primary key), written once
-- at their first contact and never changed.
CREATE TABLE referrals (
    referee_id  INTEGER PRIMARY KEY REFERENCES users (id),
    referrer_id INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    CHECK (referee_id <> referrer_id)
) STRICT;
CREATE INDEX referrals_referrer ON referrals (referrer_id);

-- The owner's reward rules (REFERRAL_* variables), written by the bot at start,
-- read inside the transaction that pays an order. No row: no rewards.
CREATE TABLE referral_rules (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    reward_minor   INTEGER NOT NULL CHECK (reward_minor >= 0),
    reward_days    INTEGER NOT NULL DEFAULT 0 CHECK (reward_days BETWEEN 0 AND 365),
    percent        INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    mode           TEXT NOT NULL CHECK (mode IN ('first', 'every')),
    welcome_minor  INTEGER NOT NULL CHECK (welcome_minor >= 0),
    daily_cap      INTEGER NOT NULL CHECK (daily_cap >= 0),
    updated_at     INTEGER NOT NULL
) STRICT;

-- Every reward a paid order earned, granted or not: the referrer's reward and
-- the invited user's welcome bonus. One of each kind per order, ever; the
-- money itself is a `reward` row of the ledger (and a negative one when a
-- reward is reversed or revoked: `taken_back_minor` says how much was there to take).
CREATE TABLE referral_rewards (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders (id),
    kind             TEXT NOT NULL CHECK (kind IN ('referrer', 'welcome')),
    beneficiary_id   INTEGER NOT NULL REFERENCES users (id),
    referrer_id      INTEGER NOT NULL REFERENCES users (id),
    referee_id       INTEGER NOT NULL REFERENCES users (id),
    currency         TEXT NOT NULL,
    amount_minor     INTEGER NOT NULL CHECK (amount_minor >= 0),
    -- Extra days for the referrer, applied on the panel by a worker:
    -- 'pending' (waiting for a running service), 'applying' (the panel is being
    -- asked; `days_before` is the account's total days before, so a retry can
    -- tell whether the days landed), 'applied', or 'cancelled' (taken back first).
    days             INTEGER NOT NULL DEFAULT 0 CHECK (days BETWEEN 0 AND 365),
    days_state       TEXT CHECK (days_state IN ('pending', 'applying', 'applied', 'cancelled')),
    days_service_id  INTEGER REFERENCES services (id),
    days_before      INTEGER,
    purchase_minor   INTEGER NOT NULL CHECK (purchase_minor > 0),
    status           TEXT NOT NULL CHECK (status IN ('granted', 'refused', 'reversed', 'revoked')),
    reason           TEXT,
    taken_back_minor INTEGER NOT NULL DEFAULT 0 CHECK (taken_back_minor BETWEEN 0 AND amount_minor),
    closed_by        INTEGER,
    created_at       INTEGER NOT NULL,
    closed_at        INTEGER,
    UNIQUE (order_id, kind),
    CHECK (amount_minor > 0 OR days > 0),
    CHECK ((days > 0) = (days_state IS NOT NULL) OR status = 'refused'),
    CHECK (status <> 'refused' OR reason IS NOT NULL),
    CHECK (kind <> 'referrer' OR beneficiary_id = referrer_id),
    CHECK (kind <> 'welcome' OR beneficiary_id = referee_id)
) STRICT;
CREATE INDEX referral_rewards_referrer ON referral_rewards (referrer_id, created_at);
CREATE INDEX referral_rewards_referee ON referral_rewards (referee_id, kind);
CREATE INDEX referral_rewards_days_due ON referral_rewards (id) WHERE days_state IN ('pending', 'applying');
