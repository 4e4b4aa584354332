package storage_test

import (
	"context"
	"path/filepath"
	"testing"

	"atelier/consultation"
	"atelier/consultation/storetest"
	"atelier/storage"
)

// MustOpen opens a store on a new SQLite file that is closed with the test.
func MustOpen(tb testing.TB) *storage.Store {
	tb.Helper()
	s, err := storage.Open(context.Background(), filepath.Join(tb.TempDir(), "atelier.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) consultation.Store { return MustOpen(t) })
}

func TestReopenKeepsDataAndMigrationsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "atelier.db")
	ctx := context.Background()
	s, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx consultation.Tx) error { return tx.PutState("k", "v") })
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = storage.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	err = s.View(ctx, func(tx consultation.Tx) error {
		v, err := tx.State("k")
		if v != "v" {
			t.Errorf("State after reopen = %q, %v", v, err)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBackup(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx consultation.Tx) error { return tx.PutState("k", "v") }); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	c, err := storage.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.View(ctx, func(tx consultation.Tx) error {
		v, err := tx.State("k")
		if v != "v" {
			t.Errorf("backup State = %q, %v", v, err)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPanicInUpdateIsAnError(t *testing.T) {
	s := MustOpen(t)
	err := s.Update(context.Background(), func(tx consultation.Tx) error { panic("bug") })
	if err == nil {
		t.Fatal("a panicking update returned nil")
	}
	// The writer survives.
	if err := s.Update(context.Background(), func(tx consultation.Tx) error { return tx.PutState("k", "v") }); err != nil {
		t.Fatal(err)
	}
}

// TestViewCannotWrite checks that a read transaction refuses writes, before
// and after a backup (which lifts the refusal on one connection for its
// copy), and that nothing is written.
func TestViewCannotWrite(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	write := func() error { return s.View(ctx, func(tx consultation.Tx) error { return tx.PutState("k", "v") }) }
	if err := write(); err == nil {
		t.Error("a View wrote")
	}
	if err := s.Backup(ctx, filepath.Join(t.TempDir(), "copy.db")); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := write(); err == nil {
			t.Error("a View wrote after a backup")
		}
	}
	err := s.View(ctx, func(tx consultation.Tx) error {
		if v, err := tx.State("k"); !consultation.IsNotFound(err) {
			t.Errorf("State = %q, %v; want nothing written", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenMemoryRefused checks that an in-memory database, which every
// pooled connection would see empty, is refused.
func TestOpenMemoryRefused(t *testing.T) {
	if s, err := storage.Open(context.Background(), ":memory:"); err == nil {
		s.Close()
		t.Fatal("Open(:memory:) succeeded")
	}
}
