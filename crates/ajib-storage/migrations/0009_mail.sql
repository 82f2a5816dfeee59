-- Exactly once under kill -9.
--
-- Every start of the bot is a run; a job remembers the run that leased it,
-- so a starting bot takes back at once the jobs of the process it replaced
-- instead of waiting out their lease.
CREATE TABLE runs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL
) STRICT;
ALTER TABLE jobs ADD COLUMN leased_by INTEGER;

-- Messages that must arrive: queued in the transaction that decides them,
-- sent in order per chat by the mail worker, marked sent. A row is
-- `sending` while Telegram has it; one found `sending` at start was
-- interrupted by a crash and is sent again, counted in `resent` (Telegram
-- may have accepted it: that one copy is the only possible duplicate).
-- `chat_id` NULL is for the staff: the worker copies such a row to each
-- staff chat before sending.
CREATE TABLE mail (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    attachment BLOB,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    resent     INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
) STRICT;
CREATE INDEX mail_unsent ON mail (chat_id, id) WHERE status IN ('pending', 'sending');

-- A broadcast send is recorded before it is made: a recipient still
-- pending with attempts > 0 was interrupted by a crash; when it is sent
-- again it counts as a possible duplicate.
ALTER TABLE broadcast_recipients ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
