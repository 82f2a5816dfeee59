-- Telegram updates received but not yet handled. The poller stores each
-- batch here before it lets Telegram forget it, and a row goes once its
-- update is handled, so a crash in between loses nothing: the restarted bot
-- handles what is left. The update id makes a redelivered update a no-op.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT NOT NULL,
    received_at INTEGER NOT NULL
) STRICT;
