-- Supports: a member backs another member's idea, once. Counts are shown,
-- never who supports what.
CREATE TABLE supports (
	idea_id    INTEGER NOT NULL REFERENCES ideas (id),
	member_id  INTEGER NOT NULL REFERENCES members (id),
	created_at TEXT NOT NULL,
	PRIMARY KEY (idea_id, member_id)
) WITHOUT ROWID;

-- Submissions held back because they are close to earlier ideas, until
-- their author sends them anyway or supports a close idea instead.
CREATE TABLE pending_ideas (
	token           TEXT PRIMARY KEY,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	member_id       INTEGER NOT NULL REFERENCES members (id),
	group_id        INTEGER REFERENCES groups (id),
	text            TEXT NOT NULL,
	close           TEXT NOT NULL, -- idea numbers, comma-separated
	created_at      TEXT NOT NULL,
	expires_at      TEXT NOT NULL
);
CREATE INDEX pending_ideas_expiry ON pending_ideas (expires_at);

-- Grouping suggestions as shown to one organiser.
CREATE TABLE suggestions (
	token           TEXT PRIMARY KEY,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	member_id       INTEGER NOT NULL REFERENCES members (id),
	numbers         TEXT NOT NULL, -- idea numbers, comma-separated, ascending
	dropped         TEXT NOT NULL, -- idea numbers removed by the organiser
	title           INTEGER NOT NULL,
	status          TEXT NOT NULL,
	created_at      TEXT NOT NULL,
	expires_at      TEXT NOT NULL
);
CREATE INDEX suggestions_owner ON suggestions (consultation_id, member_id);
