-- 0007: the operator's safety report (compassion-bot report): per UTC day, how
-- many crisis responses, concern checks ("are you safe right now?") and crisis
-- line views (resources) the bot gave.
--
-- Counts only, added to by each committed turn (count = count + n): no platform,
-- chat, person, event id or words, so no row belongs to anyone and nothing here
-- can name them.  Kept for legal reporting (California SB 243 asks for counts of
-- crisis referrals without identifiers); see bot/store/schema.py.
CREATE TABLE safety_counts (
    day   TEXT NOT NULL CHECK (date(day) IS day),  -- YYYY-MM-DD, the UTC day
    kind  TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
    count INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (day, kind)
) WITHOUT ROWID;
