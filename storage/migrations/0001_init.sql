-- The consultation core. Times are UTC, RFC 3339 text; NULL means "not yet".

CREATE TABLE groups (
	id         INTEGER PRIMARY KEY,
	platform   TEXT NOT NULL,
	chat_id    TEXT NOT NULL,
	title      TEXT NOT NULL DEFAULT '',
	locale     TEXT NOT NULL,
	time_zone  TEXT NOT NULL,
	created_at TEXT NOT NULL,
	UNIQUE (platform, chat_id)
);

CREATE TABLE members (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('unverified', 'verified', 'suspended')),
	role        TEXT NOT NULL CHECK (role IN ('member', 'organiser', 'admin')),
	lang        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	verified_at TEXT,
	verified_by INTEGER REFERENCES members (id)
);

-- A member has one identity per platform; linking two accounts to one
-- member is a matter of pointing both rows at it.
CREATE TABLE identities (
	platform  TEXT NOT NULL,
	user_id   TEXT NOT NULL,
	member_id INTEGER NOT NULL REFERENCES members (id),
	username  TEXT NOT NULL DEFAULT '',
	name      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (platform, user_id)
);
CREATE INDEX identities_member ON identities (member_id);
CREATE INDEX identities_username ON identities (platform, username COLLATE NOCASE);

CREATE TABLE consultations (
	id            INTEGER PRIMARY KEY,
	title         TEXT NOT NULL,
	phase         TEXT NOT NULL,
	created_by    INTEGER NOT NULL REFERENCES members (id),
	created_at    TEXT NOT NULL,
	round         INTEGER NOT NULL DEFAULT 0,
	quorum        REAL NOT NULL DEFAULT 0,
	salt          TEXT NOT NULL,
	proposal_seq  INTEGER NOT NULL DEFAULT 0
);

-- A consultation runs in one or more groups (a federation's sections).
CREATE TABLE consultation_groups (
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	group_id        INTEGER NOT NULL REFERENCES groups (id),
	position        INTEGER NOT NULL,
	PRIMARY KEY (consultation_id, group_id)
);
CREATE INDEX consultation_groups_group ON consultation_groups (group_id);

CREATE TABLE steps (
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	phase           TEXT NOT NULL,
	started_at      TEXT,
	ended_at        TEXT,
	deadline        TEXT,
	organiser_id    INTEGER REFERENCES members (id),
	PRIMARY KEY (consultation_id, phase)
);

CREATE TABLE proposals (
	id              INTEGER PRIMARY KEY,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	number          INTEGER NOT NULL,
	title           TEXT NOT NULL,
	created_by      INTEGER NOT NULL REFERENCES members (id),
	created_at      TEXT NOT NULL,
	UNIQUE (consultation_id, number)
);

CREATE TABLE ideas (
	id              INTEGER PRIMARY KEY,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	number          INTEGER NOT NULL,
	author_id       INTEGER NOT NULL REFERENCES members (id),
	group_id        INTEGER REFERENCES groups (id),
	text            TEXT NOT NULL,
	created_at      TEXT NOT NULL,
	withdrawn       INTEGER NOT NULL DEFAULT 0,
	proposal_id     INTEGER REFERENCES proposals (id) ON DELETE SET NULL,
	UNIQUE (consultation_id, number)
);
CREATE INDEX ideas_proposal ON ideas (proposal_id);

CREATE TABLE rounds (
	id              INTEGER PRIMARY KEY,
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	number          INTEGER NOT NULL,
	opened_at       TEXT NOT NULL,
	closed_at       TEXT,
	UNIQUE (consultation_id, number)
);

-- Ratings name their voter by a per-consultation pseudonym, never a member.
-- 0 is "not rated yet", -1 "don't know".
CREATE TABLE ratings (
	round_id    INTEGER NOT NULL REFERENCES rounds (id),
	voter       TEXT NOT NULL,
	proposal_id INTEGER NOT NULL REFERENCES proposals (id),
	impact      INTEGER NOT NULL CHECK (impact BETWEEN -1 AND 5),
	effort      INTEGER NOT NULL CHECK (effort BETWEEN -1 AND 5),
	PRIMARY KEY (round_id, voter, proposal_id)
) WITHOUT ROWID;
CREATE INDEX ratings_counts ON ratings (round_id, proposal_id, impact, effort);

CREATE TABLE electorates (
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	kind            TEXT NOT NULL,
	number          INTEGER NOT NULL,
	member_id       INTEGER NOT NULL REFERENCES members (id),
	PRIMARY KEY (consultation_id, kind, number, member_id)
) WITHOUT ROWID;

CREATE TABLE votes (
	consultation_id INTEGER NOT NULL REFERENCES consultations (id),
	voter           TEXT NOT NULL,
	choice          TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
	at              TEXT NOT NULL,
	PRIMARY KEY (consultation_id, voter)
) WITHOUT ROWID;

CREATE TABLE audit (
	id              INTEGER PRIMARY KEY,
	at              TEXT NOT NULL,
	actor_id        INTEGER REFERENCES members (id),
	action          TEXT NOT NULL,
	consultation_id INTEGER REFERENCES consultations (id),
	subject_id      INTEGER REFERENCES members (id),
	detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_consultation ON audit (consultation_id, id);

CREATE TABLE events (
	key TEXT PRIMARY KEY,
	at  TEXT NOT NULL
) WITHOUT ROWID;
