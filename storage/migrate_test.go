package storage

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"atelier/consultation"
)

// upgraded writes rows into a database that has the migrations before
// before applied, then opens it as a Store, which applies the rest. The
// rows come after a group, an admin (member 1) and a consultation (1,
// under evaluation at round, with proposals 1 and 2).
func upgraded(t *testing.T, before string, round int, rows ...string) *Store {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := OldDatabase(t, path, before)
	for _, q := range append([]string{
		`INSERT INTO groups (id, platform, chat_id, title, locale, time_zone, created_at) VALUES (1, 'console', 'main', 'main', 'fr', 'Europe/Paris', '2026-11-23T09:00:00Z')`,
		`INSERT INTO members (id, name, status, role, created_at) VALUES (1, 'admin', 'verified', 'admin', '2026-11-23T09:00:00Z')`,
		`INSERT INTO consultations (id, title, phase, created_by, created_at, round, salt) VALUES (1, 'C', 'evaluating', 1, '2026-11-23T09:00:00Z', ` + strconv.Itoa(round) + `, 'salt')`,
		`INSERT INTO proposals (id, consultation_id, number, title, created_by, created_at) VALUES (1, 1, 1, 'A', 1, '2026-11-23T09:00:00Z'), (2, 1, 2, 'B', 1, '2026-11-23T09:00:00Z')`,
	}, rows...) {
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
	t.Cleanup(func() { s.Close() })
	return s
}

// TestRatingCountsMigration applies the migrations before 0011 to a new
// file, stores ratings the old way, and checks that opening the store
// carries them into the counts and the number of voters that 0011 keeps.
func TestRatingCountsMigration(t *testing.T) {
	ctx := context.Background()
	s := upgraded(t, "0011", 1,
		`INSERT INTO rounds (id, consultation_id, number, opened_at) VALUES (1, 1, 1, '2026-11-23T09:00:00Z')`,
		`INSERT INTO ratings (round_id, voter, proposal_id, impact, effort) VALUES
			(1, 'a', 1, 5, 1), (1, 'a', 2, 5, 1), (1, 'b', 1, 5, 1), (1, 'b', 2, 4, 0), (1, 'c', 1, 0, 2)`)
	err := s.Update(ctx, func(tx consultation.Tx) error {
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

// TestBallotNumbersMigration applies the migrations before 0014, stores
// ratings keyed by pseudonym in two rounds, and checks that opening the
// store keeps every rating, count and voter under numbered ballots, and
// that a new voter's ballot comes after the round's last.
func TestBallotNumbersMigration(t *testing.T) {
	ctx := context.Background()
	s := upgraded(t, "0014", 2,
		`INSERT INTO rounds (id, consultation_id, number, opened_at, closed_at) VALUES (1, 1, 1, '2026-11-23T09:00:00Z', '2026-11-24T09:00:00Z')`,
		`INSERT INTO rounds (id, consultation_id, number, opened_at) VALUES (2, 1, 2, '2026-11-25T09:00:00Z')`,
		`INSERT INTO ratings (round_id, voter, proposal_id, impact, effort) VALUES
			(1, 'zz', 1, 5, 1), (1, 'zz', 2, 5, 1), (1, 'aa', 1, 4, 2), (1, 'mm', 2, 0, 3),
			(2, 'zz', 1, 3, 3), (2, 'bb', 2, -1, 4)`)
	err := s.Update(ctx, func(tx consultation.Tx) error {
		all, err := tx.RoundRatings(1)
		if err != nil {
			return err
		}
		want := []consultation.Rating{
			{RoundID: 1, ProposalID: 1, Voter: "aa", Impact: 4, Effort: 2},
			{RoundID: 1, ProposalID: 2, Voter: "mm", Impact: 0, Effort: 3},
			{RoundID: 1, ProposalID: 1, Voter: "zz", Impact: 5, Effort: 1},
			{RoundID: 1, ProposalID: 2, Voter: "zz", Impact: 5, Effort: 1},
		}
		if !slices.Equal(all, want) {
			t.Errorf("RoundRatings(1) = %+v; want %+v", all, want)
		}
		mine, err := tx.Ratings(2, "zz")
		if err != nil {
			return err
		}
		if want := []consultation.Rating{{RoundID: 2, ProposalID: 1, Voter: "zz", Impact: 3, Effort: 3}}; !slices.Equal(mine, want) {
			t.Errorf("Ratings(2, zz) = %+v; want %+v", mine, want)
		}
		raters, err := tx.Raters(1)
		if err != nil {
			return err
		}
		if want := map[string]int{"aa": 1, "zz": 2}; !maps.Equal(raters, want) {
			t.Errorf("Raters(1) = %v; want %v", raters, want)
		}
		rd, err := tx.Round(1, 2)
		if err != nil {
			return err
		}
		if rd.Voters != 2 {
			t.Errorf("round 2 Voters = %d; want 2", rd.Voters)
		}
		// A new voter and a voter of round 1 only, rating in round 2.
		for _, v := range []string{"new", "aa"} {
			if err := tx.PutRating(consultation.Rating{RoundID: 2, ProposalID: 2, Voter: v, Impact: 2, Effort: 2}); err != nil {
				return err
			}
		}
		if rd, err = tx.Round(1, 2); err != nil || rd.Voters != 4 {
			t.Errorf("round 2 = %+v, %v after two more voters; want 4 voters", rd, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	rows, err := s.reader.QueryContext(ctx, `SELECT round_id || ':' || voter || '=' || number FROM ballots ORDER BY round_id, number`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, n)
	}
	if want := []string{"1:aa=1", "1:mm=2", "1:zz=3", "2:bb=1", "2:zz=2", "2:new=3", "2:aa=4"}; !slices.Equal(numbers, want) {
		t.Errorf("ballots = %v; want %v", numbers, want)
	}
}
