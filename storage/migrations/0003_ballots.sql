-- How many proposals each voter has rated on both axes, per round, kept by
-- triggers so that turnout never needs a scan of every rating.
CREATE TABLE ballots (
	round_id INTEGER NOT NULL REFERENCES rounds (id),
	voter    TEXT NOT NULL,
	rated    INTEGER NOT NULL,
	PRIMARY KEY (round_id, voter)
) WITHOUT ROWID;

INSERT INTO ballots (round_id, voter, rated)
	SELECT round_id, voter, count(*) FROM ratings WHERE impact <> 0 AND effort <> 0 GROUP BY round_id, voter;

CREATE TRIGGER ratings_insert_ballot AFTER INSERT ON ratings
WHEN NEW.impact <> 0 AND NEW.effort <> 0
BEGIN
	INSERT INTO ballots (round_id, voter, rated) VALUES (NEW.round_id, NEW.voter, 1)
		ON CONFLICT (round_id, voter) DO UPDATE SET rated = rated + 1;
END;

CREATE TRIGGER ratings_update_ballot AFTER UPDATE ON ratings
WHEN (OLD.impact <> 0 AND OLD.effort <> 0) <> (NEW.impact <> 0 AND NEW.effort <> 0)
BEGIN
	INSERT INTO ballots (round_id, voter, rated)
		VALUES (NEW.round_id, NEW.voter, CASE WHEN NEW.impact <> 0 AND NEW.effort <> 0 THEN 1 ELSE -1 END)
		ON CONFLICT (round_id, voter) DO UPDATE SET rated = rated + excluded.rated;
END;
