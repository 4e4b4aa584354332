-- When a phase is planned to start by itself (an evaluation scheduled with
-- /poll schedule), and whether a member asked for no private reminders.
ALTER TABLE steps ADD COLUMN planned_start TEXT;
ALTER TABLE members ADD COLUMN reminders_muted INTEGER NOT NULL DEFAULT 0;
