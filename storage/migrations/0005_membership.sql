-- atelier:foreign_keys=off
-- Supporters (sympathisant·es): members rebuilt with a wider role CHECK,
-- since SQLite cannot alter a CHECK constraint. The migration runs with
-- foreign keys off and is checked with foreign_key_check before commit.
CREATE TABLE members_new (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('unverified', 'verified', 'suspended')),
	role        TEXT NOT NULL CHECK (role IN ('supporter', 'member', 'organiser', 'admin')),
	lang        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	verified_at TEXT,
	verified_by INTEGER REFERENCES members (id)
);
INSERT INTO members_new (id, name, status, role, lang, created_at, verified_at, verified_by)
	SELECT id, name, status, role, lang, created_at, verified_at, verified_by FROM members;
DROP TABLE members;
ALTER TABLE members_new RENAME TO members;

-- One-time codes: invites, account links, the first admin's setup code.
-- Only the SHA-256 of a code is stored.
CREATE TABLE codes (
	hash       TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('invite', 'link', 'setup')),
	role       TEXT NOT NULL DEFAULT '',
	member_id  INTEGER REFERENCES members (id),
	platform   TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT,
	used_by    INTEGER REFERENCES members (id)
) WITHOUT ROWID;
CREATE INDEX codes_member ON codes (member_id);

-- Failed code attempts, for rate limiting guesses across restarts.
CREATE TABLE code_attempts (
	member_id INTEGER NOT NULL REFERENCES members (id),
	at        TEXT NOT NULL
);
CREATE INDEX code_attempts_member ON code_attempts (member_id);
