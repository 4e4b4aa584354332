package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"atelier/consultation"
)

// sqlTx implements consultation.Tx on a database/sql transaction.
type sqlTx struct {
	ctx      context.Context
	tx       *sql.Tx
	stmts    *stmtCache
	bound    map[string]*sql.Stmt // statements bound to tx, shared by a batch's calls
	cache    *cache
	readOnly bool
	kept     []func() // cache fills of a write transaction, for after its commit
	// versions remembers the consultation versions read since the
	// transaction last wrote: a version moves only with a write.
	versions map[int64]int64
}

// stmtCache keeps prepared statements, so that a hot path such as a rating
// does not parse its SQL again on every call. A statement is prepared on a
// free connection of its pool (the writer pool keeps a spare one; the reader
// pool is not capped) and bound to each transaction's connection on first
// use there.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: make(map[string]*sql.Stmt)} }

func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		return nil, errClosed // a call still running as the store closes
	}
	if s, ok := c.m[query]; ok {
		return s, nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.m[query] = s
	return s, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for _, s := range c.m {
		err = errors.Join(err, s.Close())
	}
	c.m = nil
	return err
}

func (t *sqlTx) stmt(query string) (*sql.Stmt, error) {
	if !strings.HasPrefix(query, "SELECT") {
		t.versions = nil // it may write
	}
	if s, ok := t.bound[query]; ok {
		return s, nil
	}
	s, err := t.stmts.get(t.ctx, query)
	if err != nil {
		return nil, err
	}
	// Bound without the caller's context: in a batch, the binding serves
	// the calls after this one, whose contexts are their own.
	b := t.tx.StmtContext(context.Background(), s)
	t.bound[query] = b
	return b, nil
}

// errRow is a *sql.Row stand-in carrying a preparation error.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (t *sqlTx) queryRow(query string, args ...any) interface{ Scan(...any) error } {
	s, err := t.stmt(query)
	if err != nil {
		return errRow{err}
	}
	return s.QueryRowContext(t.ctx, args...)
}

func (t *sqlTx) query(query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(t.ctx, args...)
}

func (t *sqlTx) execSQL(query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(t.ctx, args...)
}

var _ consultation.Tx = (*sqlTx)(nil)

const timeLayout = time.RFC3339Nano

// stamp encodes a time for storage: UTC text, NULL when zero.
func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// nullTime decodes a stored time.
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*n.t = time.Time{}
		return nil
	case string:
		t, err := time.Parse(timeLayout, v)
		if err != nil {
			return err
		}
		*n.t = t
		return nil
	default:
		return fmt.Errorf("time column holds %T", v)
	}
}

// nullID decodes a nullable foreign key as 0 when NULL.
type nullID struct{ id *int64 }

func (n nullID) Scan(v any) error {
	var x sql.NullInt64
	if err := x.Scan(v); err != nil {
		return err
	}
	*n.id = x.Int64
	return nil
}

func ref(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (t *sqlTx) exec(what, query string, args ...any) (sql.Result, error) {
	res, err := t.execSQL(query, args...)
	return res, mapError(err, what)
}

func (t *sqlTx) insert(what, query string, args ...any) (int64, error) {
	res, err := t.exec(what, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// updated checks that an UPDATE or DELETE touched a row.
func updated(res sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return mapError(sql.ErrNoRows, what)
	}
	return nil
}

// MarkEvent implements consultation.Tx.
func (t *sqlTx) MarkEvent(key string, at time.Time) (bool, error) {
	res, err := t.exec("event", `INSERT INTO events (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, stamp(at))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// EventSeen implements consultation.Tx.
func (t *sqlTx) EventSeen(key string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM events WHERE key = ?`, key).Scan(&n)
	return n > 0, mapError(err, "event")
}

// State implements consultation.Tx.
func (t *sqlTx) State(key string) (string, error) {
	var v string
	err := t.queryRow(`SELECT value FROM state WHERE key = ?`, key).Scan(&v)
	return v, mapError(err, "state")
}

// PutState implements consultation.Tx.
func (t *sqlTx) PutState(key, value string) error {
	_, err := t.exec("state", `INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
