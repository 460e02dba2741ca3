-- 0001: the initial schema.
--
-- Datetimes are ISO-8601 UTC text with a fixed width
-- ('2024-05-01T08:30:00.000000+00:00'), so comparing the text orders by time.
-- JSON columns are TEXT checked with json_valid(), so /export can always parse them.

-- A person on one platform: consent, country, settings.
CREATE TABLE users (
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    profile    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(profile)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
) WITHOUT ROWID;

-- One conversation per (platform, chat, user); version drives optimistic concurrency.
CREATE TABLE conversations (
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (json_valid(state)),
    version    INTEGER NOT NULL CHECK (version > 0),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, user_id)
) WITHOUT ROWID;

-- /forget and /export reach every chat of a person.
CREATE INDEX conversations_by_user ON conversations (platform, user_id);

-- Inbound event ids already handled, so a redelivered update is ignored.
CREATE TABLE processed_events (
    platform TEXT NOT NULL,
    event_id TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (platform, event_id)
) WITHOUT ROWID;

-- Replies committed with the state that produced them.  AUTOINCREMENT because an
-- id must never be reused: a sender holding the id of a row that /forget deleted
-- must not mark somebody else's newer reply as delivered.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    platform     TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    payload      TEXT,  -- NULL once delivered: no copy of a reply lingers
    created_at   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    delivered_at TEXT,
    given_up_at  TEXT
);

-- The sender's queue: only rows still to be sent, so it stays small as history grows.
CREATE INDEX outbox_pending ON outbox (id)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;

CREATE INDEX outbox_by_user ON outbox (platform, user_id);

-- Moods, reframes, compassion acts.
CREATE TABLE journal (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    data     TEXT NOT NULL CHECK (json_valid(data)),
    at       TEXT NOT NULL
);

CREATE INDEX journal_by_user ON journal (platform, user_id, at);
