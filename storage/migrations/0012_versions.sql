-- A consultation's version changes with everything that is read with it:
-- its own row, its calendar, its groups, its proposals and their ideas
-- and supports. The store keeps decoded consultations and proposal lists
-- in memory, keyed by this version, and reads only the version again while
-- it has not moved (a ballot press reads them every time).
ALTER TABLE consultations ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER consultations_version AFTER UPDATE ON consultations
WHEN NEW.version = OLD.version
BEGIN
	UPDATE consultations SET version = OLD.version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER steps_insert_version AFTER INSERT ON steps
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER steps_update_version AFTER UPDATE ON steps
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER steps_delete_version AFTER DELETE ON steps
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = OLD.consultation_id;
END;

CREATE TRIGGER consultation_groups_insert_version AFTER INSERT ON consultation_groups
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER consultation_groups_update_version AFTER UPDATE ON consultation_groups
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER consultation_groups_delete_version AFTER DELETE ON consultation_groups
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = OLD.consultation_id;
END;

CREATE TRIGGER proposals_insert_version AFTER INSERT ON proposals
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER proposals_update_version AFTER UPDATE ON proposals
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER proposals_delete_version AFTER DELETE ON proposals
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = OLD.consultation_id;
END;

CREATE TRIGGER ideas_insert_version AFTER INSERT ON ideas
WHEN NEW.proposal_id IS NOT NULL
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER ideas_update_version AFTER UPDATE ON ideas
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = NEW.consultation_id;
END;

CREATE TRIGGER supports_insert_version AFTER INSERT ON supports
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = (SELECT consultation_id FROM ideas WHERE id = NEW.idea_id);
END;

CREATE TRIGGER supports_delete_version AFTER DELETE ON supports
BEGIN
	UPDATE consultations SET version = version + 1 WHERE id = (SELECT consultation_id FROM ideas WHERE id = OLD.idea_id);
END;
