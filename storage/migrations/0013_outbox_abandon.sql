-- An outbox item that cannot be delivered for about a day, or that can
-- no longer be rendered, is given up: kept with its last error, out of the
-- queue, so that its chat's later items go out.
ALTER TABLE outbox ADD COLUMN abandoned_at TEXT;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (platform, chat_id, id) WHERE sent_at IS NULL AND abandoned_at IS NULL;
