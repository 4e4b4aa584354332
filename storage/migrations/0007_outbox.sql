-- Messages the bot sends by itself (announcements of phases moved by their
-- deadline), written in the same transaction as the change they tell about
-- and kept until delivered. Times are fixed-width UTC text, so that they
-- compare as they sort.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	platform        TEXT NOT NULL,
	chat_id         TEXT NOT NULL,
	kind            TEXT NOT NULL,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	dedupe          TEXT NOT NULL DEFAULT '',
	payload         TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	due_at          TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	sent_at         TEXT,
	UNIQUE (kind, consultation_id, platform, chat_id, dedupe)
);
CREATE INDEX outbox_pending ON outbox (platform, chat_id, id) WHERE sent_at IS NULL;
