-- Results need, per round, the joint (impact, effort) counts of each
-- proposal and the number of voters. Triggers keep both as ratings change,
-- in a small table and a column of the round, instead of an index over
-- every rating and a row per voter. Ratings are keyed by random pseudonyms,
-- so each of those structures cost one more page written per rating; the
-- aggregates are a few pages that every rating of a round shares.
DROP TRIGGER ratings_insert_ballot;
DROP TRIGGER ratings_update_ballot;
DROP TABLE ballots;
DROP INDEX ratings_counts;

-- Cells may fall back to n = 0; readers skip them.
CREATE TABLE rating_counts (
	round_id    INTEGER NOT NULL,
	proposal_id INTEGER NOT NULL,
	impact      INTEGER NOT NULL,
	effort      INTEGER NOT NULL,
	n           INTEGER NOT NULL,
	PRIMARY KEY (round_id, proposal_id, impact, effort)
) WITHOUT ROWID;

INSERT INTO rating_counts (round_id, proposal_id, impact, effort, n)
	SELECT round_id, proposal_id, impact, effort, count(*) FROM ratings GROUP BY round_id, proposal_id, impact, effort;

-- Voters with at least one complete rating (a score or "don't know" on
-- both axes).
ALTER TABLE rounds ADD COLUMN voters INTEGER NOT NULL DEFAULT 0;

UPDATE rounds SET voters = (SELECT count(DISTINCT voter) FROM ratings
	WHERE ratings.round_id = rounds.id AND impact <> 0 AND effort <> 0);

CREATE TRIGGER ratings_count_insert AFTER INSERT ON ratings
BEGIN
	INSERT INTO rating_counts (round_id, proposal_id, impact, effort, n)
		VALUES (NEW.round_id, NEW.proposal_id, NEW.impact, NEW.effort, 1)
		ON CONFLICT (round_id, proposal_id, impact, effort) DO UPDATE SET n = n + 1;
	-- The voter's first complete rating in the round.
	UPDATE rounds SET voters = voters + 1
		WHERE id = NEW.round_id AND NEW.impact <> 0 AND NEW.effort <> 0
		AND NOT EXISTS (SELECT 1 FROM ratings WHERE round_id = NEW.round_id AND voter = NEW.voter
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
		AND NOT EXISTS (SELECT 1 FROM ratings WHERE round_id = NEW.round_id AND voter = NEW.voter
			AND proposal_id <> NEW.proposal_id AND impact <> 0 AND effort <> 0);
END;

CREATE TRIGGER ratings_count_delete AFTER DELETE ON ratings
BEGIN
	UPDATE rating_counts SET n = n - 1
		WHERE round_id = OLD.round_id AND proposal_id = OLD.proposal_id AND impact = OLD.impact AND effort = OLD.effort;
	UPDATE rounds SET voters = voters - 1
		WHERE id = OLD.round_id AND OLD.impact <> 0 AND OLD.effort <> 0
		AND NOT EXISTS (SELECT 1 FROM ratings WHERE round_id = OLD.round_id AND voter = OLD.voter
			AND impact <> 0 AND effort <> 0);
END;
