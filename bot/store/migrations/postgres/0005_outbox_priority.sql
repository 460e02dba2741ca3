-- 0005: outbox rows carry a priority, and drains take each chat's rows in order.
--
-- 0 is a crisis reply, 1 an answer to someone who wrote, 2 what the bot sends
-- unasked (a nudge, a group's daily prompt).  A drain takes chats holding an
-- urgent row first; within a chat, rows always go in id (commit) order, so the
-- index below serves "is an earlier row of this chat still pending?".
ALTER TABLE outbox ADD COLUMN priority smallint NOT NULL DEFAULT 1;

CREATE INDEX outbox_pending_chat ON outbox (platform, chat_id, id)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
