-- 0004: outbox rows are claimed by one sender for a while (claimed_until, UTC).
--
-- A reply a turn commits is held by the worker that committed it (claimed_until
-- set with the row), so that no other sender picks it up while that worker is
-- still delivering it; after the lease anyone may, which is how the replies of
-- a worker that died go out once, through another.  NULL: free to claim.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
