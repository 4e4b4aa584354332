-- Whether supporters (sympathisants) are in a consultation's electorates.
ALTER TABLE consultations ADD COLUMN supporters_vote INTEGER NOT NULL DEFAULT 0;
