-- Ratings were keyed by their voter's pseudonym, a random string: the
-- ratings of voters rating at the same time lay on as many pages of the
-- table, and each group commit wrote every one of them. A round now numbers
-- its ballots in the order voters first rate, and ratings are keyed by that
-- number: voters rating at the same time share a few pages. The pseudonym
-- stays the ballot's only link to a voter.
CREATE TABLE ballots (
	round_id INTEGER NOT NULL REFERENCES rounds (id),
	voter    TEXT NOT NULL,
	number   INTEGER NOT NULL,
	PRIMARY KEY (round_id, voter),
	UNIQUE (round_id, number)
) WITHOUT ROWID;

-- Ballots that exist already are numbered in the order of their pseudonyms.
INSERT INTO ballots (round_id, voter, number)
	SELECT round_id, voter, row_number() OVER (PARTITION BY round_id ORDER BY voter)
	FROM (SELECT DISTINCT round_id, voter FROM ratings);

DROP TRIGGER ratings_count_insert;
DROP TRIGGER ratings_count_update;
DROP TRIGGER ratings_count_delete;

CREATE TABLE ratings_by_ballot (
	round_id    INTEGER NOT NULL,
	ballot      INTEGER NOT NULL,
	proposal_id INTEGER NOT NULL REFERENCES proposals (id),
	impact      INTEGER NOT NULL CHECK (impact BETWEEN -1 AND 5),
	effort      INTEGER NOT NULL CHECK (effort BETWEEN -1 AND 5),
	PRIMARY KEY (round_id, ballot, proposal_id),
	FOREIGN KEY (round_id, ballot) REFERENCES ballots (round_id, number)
) WITHOUT ROWID;

INSERT INTO ratings_by_ballot (round_id, ballot, proposal_id, impact, effort)
	SELECT r.round_id, b.number, r.proposal_id, r.impact, r.effort
	FROM ratings r JOIN ballots b ON b.round_id = r.round_id AND b.voter = r.voter;

DROP TABLE ratings;
ALTER TABLE ratings_by_ballot RENAME TO ratings;

-- The triggers of 0011, on ballot numbers.
CREATE TRIGGER ratings_count_insert AFTER INSERT ON ratings
BEGIN
	INSERT INTO rating_counts (round_id, proposal_id, impact, effort, n)
		VALUES (NEW.round_id, NEW.proposal_id, NEW.impact, NEW.effort, 1)
		ON CONFLICT (round_id, proposal_id, impact, effort) DO UPDATE SET n = n + 1;
	-- The voter's first complete rating in the round.
	UPDATE rounds SET voters = voters + 1
		WHERE id = NEW.round_id AND NEW.impact <> 0 AND NEW.effort <> 0
		AND NOT EXISTS (SELECT 1 FROM ratings WHERE round_id = NEW.round_id AND ballot = NEW.ballot
			AND proposal_id <> NEW.proposal_id AND impact <> 0 AND effort <> 0);
END;

CREATE TRIGGER ratings_count_update AFTER UPDATE OF impact, effort ON ratings
WHEN OLD.impact <> NEW.impact OR OLD.effort <> NEW.effort
BEGIN
	UPDATE rating_counts SET n = n - 1
		WHERE round_id = OLD.round_id AND proposal_id = OLD.proposal_id AND impact = OLD.impact AND effort = OLD.effort;
	INSERT INTO rating_counts (round_id, proposal_id, impact, effort, n)
		VALUES (NEW.round_id, NEW.proposal_id, NEW.impact, NEW.effort, 1)
		ON CONFLICT (round_id, proposal_id, impact, effort) DO UPDATE SET n = n + 1;
	-- A rating becoming complete or incomplete changes the count of voters
	-- only when it is the voter's only complete one.
	UPDATE rounds SET voters = voters + CASE WHEN NEW.impact <> 0 AND NEW.effort <> 0 THEN 1 ELSE -1 END
		WHERE id = NEW.round_id
		AND (OLD.impact <> 0 AND OLD.effort <> 0) <> (NEW.impact <> 0 AND NEW.effort <> 0)
		AND NOT EXISTS (SELECT 1 FROM ratings WHERE round_id = NEW.round_id AND ballot = NEW.ballot
			AND proposal_id <> NEW.proposal_id AND impact <> 0 AND effort <> 0);
END;

CREATE TRIGGER ratings_count_delete AFTER DELETE ON ratings
BEGIN
	UPDATE rating_counts SET n = n - 1
		WHERE round_id = OLD.round_id AND proposal_id = OLD.proposal_id AND impact = OLD.impact AND effort = OLD.effort;
	UPDATE rounds SET voters = voters - 1
		WHERE id = OLD.round_id AND OLD.impact <> 0 AND OLD.effort <> 0
		AND NOT EXISTS (SELECT 1 FROM ratings WHERE round_id = OLD.round_id AND ballot = OLD.ballot
			AND impact <> 0 AND effort <> 0);
END;
