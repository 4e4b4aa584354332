-- Each group's weekly digest: when it is sent (a standard five-field cron
-- spec, read in the group's time zone) and the scheduled time of the last
-- one. A group with no row has the default schedule and counts from its
-- creation. Existing groups start from now, so that upgrading sends no
-- burst of catch-up digests.
CREATE TABLE digests (
	group_id     INTEGER PRIMARY KEY REFERENCES groups (id),
	spec         TEXT NOT NULL,
	last_sent_at TEXT
);
INSERT INTO digests (group_id, spec, last_sent_at)
	SELECT id, '0 9 * * MON', strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM groups;
