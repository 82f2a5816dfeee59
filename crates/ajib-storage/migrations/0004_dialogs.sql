-- Admin dialogues in progress (adding a plan, composing a broadcast, a grant
-- reason...), one per user, so they survive a restart and run out on their own.
-- `state` is the app's own JSON encoding of the dialogue.
CREATE TABLE dialogs (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id),
    state      TEXT NOT NULL CHECK (length(state) BETWEEN 2 AND 65536),
    expires_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
