package storage

import (
	"context"
	"path/filepath"
	"testing"

	"atelier/consultation"
)

// TestRatingCountsMigration applies the migrations before 0011 to a new
// file, stores ratings the old way, and checks that opening the store
// carries them into the counts and the number of voters that 0011 keeps.
func TestRatingCountsMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := OldDatabase(t, path, "0011")
	for _, q := range []string{
		`INSERT INTO groups (id, platform, chat_id, title, locale, time_zone, created_at) VALUES (1, 'console', 'main', 'main', 'fr', 'Europe/Paris', '2026-11-23T09:00:00Z')`,
		`INSERT INTO members (id, name, status, role, created_at) VALUES (1, 'admin', 'verified', 'admin', '2026-11-23T09:00:00Z')`,
		`INSERT INTO consultations (id, title, phase, created_by, created_at, round, salt) VALUES (1, 'C', 'evaluating', 1, '2026-11-23T09:00:00Z', 1, 'salt')`,
		`INSERT INTO proposals (id, consultation_id, number, title, created_by, created_at) VALUES (1, 1, 1, 'A', 1, '2026-11-23T09:00:00Z'), (2, 1, 2, 'B', 1, '2026-11-23T09:00:00Z')`,
		`INSERT INTO rounds (id, consultation_id, number, opened_at) VALUES (1, 1, 1, '2026-11-23T09:00:00Z')`,
		`INSERT INTO ratings (round_id, voter, proposal_id, impact, effort) VALUES
			(1, 'a', 1, 5, 1), (1, 'a', 2, 5, 1), (1, 'b', 1, 5, 1), (1, 'b', 2, 4, 0), (1, 'c', 1, 0, 2)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(ctx, func(tx consultation.Tx) error {
		rd, err := tx.Round(1, 1)
		if err != nil {
			return err
		}
		if rd.Voters != 2 {
			t.Errorf("Voters = %d after migration; want 2 (c has no complete rating)", rd.Voters)
		}
		counts, err := tx.RatingCounts(rd.ID)
		if err != nil {
			return err
		}
		want := []consultation.RatingCount{
			{ProposalID: 1, Impact: 0, Effort: 2, N: 1},
			{ProposalID: 1, Impact: 5, Effort: 1, N: 2},
			{ProposalID: 2, Impact: 4, Effort: 0, N: 1},
			{ProposalID: 2, Impact: 5, Effort: 1, N: 1},
		}
		if len(counts) != len(want) {
			t.Fatalf("RatingCounts = %+v; want %+v", counts, want)
		}
		for i := range want {
			if counts[i] != want[i] {
				t.Errorf("RatingCounts[%d] = %+v; want %+v", i, counts[i], want[i])
			}
		}
		// The triggers take over from the migrated figures.
		if err := tx.PutRating(consultation.Rating{RoundID: 1, ProposalID: 1, Voter: "c", Impact: 3, Effort: 2}); err != nil {
			return err
		}
		if rd, err = tx.Round(1, 1); err != nil || rd.Voters != 3 {
			t.Errorf("Voters = %+v, %v after c completed a rating; want 3", rd, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
