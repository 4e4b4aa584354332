package storage

import (
	"context"
	"database/sql"
	"testing"
)

// OldDatabase creates a database at path as an earlier Atelier left it:
// with the migrations whose names sort before before (such as "0005")
// applied and recorded, and returns it open, for migration tests.
func OldDatabase(tb testing.TB, path, before string) *sql.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := migrate(ctx, db, before); err != nil {
		tb.Fatal(err)
	}
	return db
}
