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
	s, c := withConsultation(t)
	var err error
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

// TestCancelledCallKeepsBatch cancels one call's context while its
// statements run, in a batch with two other calls: the others' writes
// must commit. (Statements run without their caller's cancellation, so
// the call itself completes too.)
func TestCancelledCallKeepsBatch(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	state := func(key, value string) func(consultation.Tx) error {
		return func(tx consultation.Tx) error { return tx.PutState(key, value) }
	}
	long, cancel := context.WithCancel(ctx)
	defer cancel()
	busy := func(tx consultation.Tx) error {
		// One long write, its context cancelled halfway.
		go func() { time.Sleep(5 * time.Millisecond); cancel() }()
		_, err := tx.(*sqlTx).execSQL(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
			INSERT INTO state (key, value) SELECT 'busy' || i, 'x' FROM n`)
		return err
	}
	batch := []*request{
		{ctx: ctx, fn: state("a", "1"), done: make(chan error, 1)},
		{ctx: long, fn: busy, done: make(chan error, 1)},
		{ctx: ctx, fn: state("c", "3"), done: make(chan error, 1)},
	}
	s.commit(batch)
	for i, want := range []bool{true, false, true} {
		if err := <-batch[i].done; want && err != nil {
			t.Errorf("call %d = %v; want it committed", i, err)
		}
	}
	err = s.View(ctx, func(tx consultation.Tx) error {
		for key, want := range map[string]string{"a": "1", "c": "3"} {
			if got, err := tx.State(key); err != nil || got != want {
				t.Errorf("state %s = %q, %v; want %q", key, got, err, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadAfterWriteInOneTransaction reads a consultation and its proposals,
// changes both, and reads them again in the same transaction: the versions
// remembered between writes must not hide the change.
func TestReadAfterWriteInOneTransaction(t *testing.T) {
	ctx := context.Background()
	s, c := withConsultation(t)
	t0 := c.CreatedAt
	// A read transaction caches the consultation and its proposals.
	err := s.View(ctx, func(tx consultation.Tx) error {
		if _, err := tx.Consultation(c.ID); err != nil {
			return err
		}
		_, err := tx.Proposals(c.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx consultation.Tx) error {
		for _, want := range []consultation.Phase{consultation.Collecting, consultation.Grouping} {
			got, err := tx.Consultation(c.ID)
			if err != nil {
				return err
			}
			if _, err := tx.Proposals(c.ID); err != nil {
				return err
			}
			changed := *got
			changed.Phase = want
			if err := tx.UpdateConsultation(&changed); err != nil {
				return err
			}
			if err := tx.CreateProposal(&consultation.Proposal{ConsultationID: c.ID, Title: string(want), CreatedBy: c.CreatedBy, CreatedAt: t0}); err != nil {
				return err
			}
			if got, err := tx.Consultation(c.ID); err != nil || got.Phase != want {
				t.Errorf("Consultation after a change in the same transaction = %+v, %v; want phase %s", got, err, want)
			}
			if ps, err := tx.Proposals(c.ID); err != nil || ps[len(ps)-1].Title != string(want) {
				t.Errorf("Proposals after a change in the same transaction = %d, %v; want the new one last", len(ps), err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// withConsultation opens a new store, closed with the test, holding an
// admin and a draft consultation that they created.
func withConsultation(t *testing.T) (*Store, *consultation.Consultation) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "atelier.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
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
	return s, c
}
