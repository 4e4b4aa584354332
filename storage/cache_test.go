package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"atelier/consultation"
)

// TestCacheIgnoresFailedCallOfBatch runs a batch in which one call changes
// a consultation, reads it and fails, and then commits another change that
// gives the consultation the same version: reads must see the second.
func TestCacheIgnoresFailedCallOfBatch(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	var c *consultation.Consultation
	err = s.Update(ctx, func(tx consultation.Tx) error {
		m := &consultation.Member{Name: "Alice", Status: consultation.Verified, Role: consultation.RoleAdmin, CreatedAt: t0}
		if err := tx.CreateMember(m, consultation.Identity{Platform: consultation.Console, UserID: "alice"}); err != nil {
			return err
		}
		c = &consultation.Consultation{Title: "Statuts", Phase: consultation.Draft, CreatedBy: m.ID, CreatedAt: t0, Salt: "s"}
		return tx.CreateConsultation(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	setPhase := func(p consultation.Phase, fail error) func(consultation.Tx) error {
		return func(tx consultation.Tx) error {
			changed := *c
			changed.Phase = p
			if err := tx.UpdateConsultation(&changed); err != nil {
				return err
			}
			if fail == nil {
				return nil
			}
			if _, err := tx.Consultation(c.ID); err != nil {
				return err
			}
			return fail
		}
	}
	read := func(tx consultation.Tx) error { _, err := tx.Consultation(c.ID); return err }
	refused := errors.New("refused")
	batch := []*request{
		{ctx: ctx, fn: read, done: make(chan error, 1)},
		{ctx: ctx, fn: setPhase(consultation.Grouping, refused), done: make(chan error, 1)},
	}
	s.commit(batch)
	for i, want := range []error{nil, refused} {
		if err := <-batch[i].done; !errors.Is(err, want) {
			t.Fatalf("call %d = %v; want %v", i, err, want)
		}
	}
	if err := s.Update(ctx, setPhase(consultation.Collecting, nil)); err != nil {
		t.Fatal(err)
	}
	err = s.View(ctx, func(tx consultation.Tx) error {
		got, err := tx.Consultation(c.ID)
		if err == nil && got.Phase != consultation.Collecting {
			t.Errorf("phase = %s; want collecting (the failed call's grouping was kept)", got.Phase)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
