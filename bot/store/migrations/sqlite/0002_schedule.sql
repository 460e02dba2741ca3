-- 0002: what the scheduler keeps: timers of conversations and nudge subscriptions.
--
-- Both are claimed by a worker for a while (claimed_until) before their event
-- goes through the runtime; the event id makes the turn itself happen once, and
-- the claim keeps two workers from doing the same work at the same time.

-- A conversation's timer: a breathing pause ending, a check-in the person agreed to.
CREATE TABLE timers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    platform      TEXT NOT NULL,
    chat_id       TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    token         TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    claimed_until TEXT
);

CREATE INDEX timers_due ON timers (due_at);
CREATE INDEX timers_by_user ON timers (platform, user_id);

-- A person's nudge subscription: when the next nudge is due (UTC), and where to.
-- The settings themselves live in the profile; this row is what the scheduler scans.
CREATE TABLE subscriptions (
    platform      TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    chat_id       TEXT NOT NULL,
    next_due_at   TEXT NOT NULL,
    claimed_until TEXT,
    PRIMARY KEY (platform, user_id)
) WITHOUT ROWID;

CREATE INDEX subscriptions_due ON subscriptions (next_due_at);
