package storage

import (
	"context"
	"database/sql"
	"io/fs"
	"sort"
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
	if _, err := db.ExecContext(ctx, `CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`); err != nil {
		tb.Fatal(err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(names)
	for _, name := range names {
		if name >= "migrations/"+before {
			break
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		if err := applyMigration(ctx, db, name, string(body)); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
	}
	return db
}
