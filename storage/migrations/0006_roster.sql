-- The roster imported from the organisation's membership list
-- (atelier members import), and members' claims to its entries (/join
-- <number>), which an organiser confirms or rejects.
CREATE TABLE roster (
	number      TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	section     TEXT NOT NULL DEFAULT '',
	imported_at TEXT NOT NULL,
	member_id   INTEGER REFERENCES members (id)
);
CREATE INDEX roster_member ON roster (member_id);

CREATE TABLE roster_claims (
	id         INTEGER PRIMARY KEY,
	number     TEXT NOT NULL REFERENCES roster (number),
	member_id  INTEGER NOT NULL REFERENCES members (id),
	created_at TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected'))
);
CREATE INDEX roster_claims_status ON roster_claims (status);
CREATE INDEX roster_claims_member ON roster_claims (member_id);
