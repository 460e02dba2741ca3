-- Group wellness channels: each group's settings and aggregates, and the wins
-- whose authors allowed the weekly digest to quote them.
--
-- A group row holds no one's words and no one's answers: counts, settings, the
-- prompts of the last 30 days.  The one person it may name is the admin who
-- receives moderator alerts (alert_to), kept in its own column so that their
-- /forget can remove it.

CREATE TABLE group_channels (
    platform      TEXT NOT NULL,
    chat_id       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (json_valid(state)),
    version       INTEGER NOT NULL CHECK (version > 0),
    alert_to      TEXT,
    next_due_at   TEXT,  -- the daily moment (prompt, digest) in UTC; NULL: none
    claimed_until TEXT,
    poll_id       TEXT,  -- the platform's id of the open check-in's poll
    poll_ref      TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
) WITHOUT ROWID;

CREATE INDEX group_channels_due ON group_channels (next_due_at)
    WHERE next_due_at IS NOT NULL;
CREATE INDEX group_channels_by_poll ON group_channels (platform, poll_id)
    WHERE poll_id IS NOT NULL;
CREATE INDEX group_channels_by_alert ON group_channels (platform, alert_to)
    WHERE alert_to IS NOT NULL;

-- Only wins whose author said the digest may quote them; linked to the author.
CREATE TABLE group_wins (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    chat_id  TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    text     TEXT NOT NULL,
    at       TEXT NOT NULL
);

CREATE INDEX group_wins_by_group ON group_wins (platform, chat_id, at);
CREATE INDEX group_wins_by_user ON group_wins (platform, user_id);
