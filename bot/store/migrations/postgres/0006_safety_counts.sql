-- 0006: the operator's safety report (SQLite's 0007): per UTC day, how many
-- crisis responses, concern checks ("are you safe right now?") and crisis line
-- views (resources) the bot gave.
--
-- Counts only, added to by each committed turn (count = count + n): no platform,
-- chat, person, event id or words, so no row belongs to anyone and nothing here
-- can name them.  Kept for legal reporting (California SB 243 asks for counts of
-- crisis referrals without identifiers); see bot/store/schema.py.
CREATE TABLE safety_counts (
    day   date NOT NULL,  -- the UTC day
    kind  text NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
    count bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (day, kind)
);
