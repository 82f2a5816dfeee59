-- Languages as data (issue 20): a user's language may be any catalogue the bot has, not only en and fa.
--
-- SQLite cannot change a CHECK in place, so `users` is rebuilt (foreign keys
-- are off for the migration and checked before it commits; see `migrate`).
-- The column keeps only the shape of a language code, two or three lowercase
-- ASCII letters (`ajib_domain::Lang`): which languages exist is the bot's
-- catalogues, and a user whose language was later dropped is answered in the
-- fallback until they choose again.
CREATE TABLE users_new (
    id            INTEGER PRIMARY KEY,           -- Telegram user id
    username      TEXT,
    first_name    TEXT NOT NULL DEFAULT '',
    lang          TEXT CHECK (lang IS NULL
                              OR (length(lang) BETWEEN 2 AND 3 AND lang NOT GLOB '*[^a-z]*')),
    blocked_bot   INTEGER NOT NULL DEFAULT 0 CHECK (blocked_bot IN (0, 1)),
    banned        INTEGER NOT NULL DEFAULT 0 CHECK (banned IN (0, 1)),
    start_payload TEXT,
    created_at    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL
) STRICT;
INSERT INTO users_new (id, username, first_name, lang, blocked_bot, banned, start_payload,
                       created_at, last_seen)
SELECT id, username, first_name, lang, blocked_bot, banned, start_payload, created_at, last_seen
FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- Every index and trigger on `users` so far, as 0001 and 0010 made them.
CREATE INDEX users_username ON users (lower(username)) WHERE username IS NOT NULL;
CREATE INDEX users_created ON users (created_at);
CREATE INDEX users_last_seen ON users (last_seen);
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
