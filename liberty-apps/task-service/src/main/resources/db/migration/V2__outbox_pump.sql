-- The relay publishes the oldest unpublished rows of all users together (in seq order) rather
-- than user by user: its work list is now one index on seq, and the per-user one goes.
CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;
DROP INDEX outbox_unpublished;
