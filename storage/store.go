// Package storage keeps Atelier's data in SQLite (modernc.org/sqlite, pure
// Go). It implements consultation.Store.
//
// Durability: the database runs in WAL mode with synchronous=FULL, so a
// transaction that has committed survives a crash of the process or of the
// machine. Writes go through one goroutine and one connection at a time;
// concurrent Update calls are
// grouped into one SQLite transaction (group commit), each under its own
// savepoint, and every caller learns its outcome only after that
// transaction has committed. One fsync then serves many callers.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"sync"

	"atelier/consultation"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// defaultMaxBatch bounds how many Update calls share one transaction.
const defaultMaxBatch = 256

// Store is a SQLite database holding every consultation.
type Store struct {
	path     string
	maxBatch int
	writer   *sql.DB // BEGIN IMMEDIATE; used by the writer goroutine alone
	reader   *sql.DB
	wstmts   *stmtCache
	rstmts   *stmtCache
	cache    *cache

	requests chan *request
	stop     chan struct{}
	done     chan struct{}
	closeMu  sync.Once
}

var _ consultation.Store = (*Store)(nil)

type request struct {
	ctx  context.Context
	fn   func(consultation.Tx) error
	done chan error
}

// Option configures a Store.
type Option func(*Store)

// WithMaxBatch bounds how many concurrent Update calls share one
// transaction; 1 turns group commit off (one transaction, one fsync, per
// call). The default is 256.
func WithMaxBatch(n int) Option {
	return func(s *Store) {
		if n >= 1 {
			s.maxBatch = n
		}
	}
}

// Open opens (creating if needed) the database at path, applies pending
// migrations, and starts the writer.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	dsn := func(extra string) string {
		q := url.Values{}
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		if extra == "" {
			// The readers: what a View does is never written.
			q.Add("_pragma", "query_only(1)")
		} else {
			// The writer: a page cache (16 MiB) that holds a whole
			// batch, and statement journals (one per call of a batch) in
			// memory, so that no page is written to the WAL before the
			// commit writes it.
			q.Add("_txlock", extra)
			q.Add("_pragma", "cache_size(-16384)")
			q.Add("_pragma", "temp_store(MEMORY)")
		}
		return "file:" + path + "?" + q.Encode()
	}
	if path == ":memory:" {
		// Each connection of the pools would have a database of its own.
		return nil, errors.New("open :memory:: an in-memory database is not supported; give a file")
	}
	s := &Store{path: path, maxBatch: defaultMaxBatch, cache: newCache(), requests: make(chan *request), stop: make(chan struct{}), done: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	var err error
	if s.writer, err = sql.Open("sqlite", dsn("immediate")); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Only the writer goroutine uses this pool: one connection runs the
	// transactions, the other prepares statements for them.
	s.writer.SetMaxOpenConns(2)
	s.writer.SetMaxIdleConns(2)
	s.writer.SetConnMaxLifetime(0)
	var mode string
	if err := s.writer.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if mode != "wal" {
		s.writer.Close()
		return nil, fmt.Errorf("open %s: journal mode is %q, want wal", path, mode)
	}
	if err := migrate(ctx, s.writer, ""); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	if s.reader, err = sql.Open("sqlite", dsn("")); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Readers are not capped, so that preparing a statement never waits for
	// a connection held by a read transaction. Enough idle ones are kept
	// for the chats handled at once: opening a connection (its pragmas,
	// its prepared statements) costs more than a read.
	s.reader.SetMaxOpenConns(0)
	s.reader.SetMaxIdleConns(64)
	s.wstmts, s.rstmts = newStmtCache(s.writer), newStmtCache(s.reader)
	go s.write()
	return s, nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close stops the writer, waiting for queued transactions, and closes the
// database.
func (s *Store) Close() error {
	s.closeMu.Do(func() {
		close(s.stop)
		<-s.done
	})
	return errors.Join(s.wstmts.close(), s.rstmts.close(), s.reader.Close(), s.writer.Close())
}

// migrate applies the embedded migrations not yet recorded, in order, up
// to but not including the one whose name starts with before ("" for all).
// Those already applied are read once, so that opening an up-to-date
// database starts no transaction per migration.
func migrate(ctx context.Context, db *sql.DB, before string) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`); err != nil {
		return err
	}
	applied := make(map[string]bool)
	rows, err := db.QueryContext(ctx, `SELECT name FROM migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		applied[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if before != "" && name >= "migrations/"+before {
			break
		}
		if applied[name] {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := applyMigration(ctx, db, name, string(body)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// fkOff marks a migration that rebuilds a table other tables refer to. It
// runs with foreign keys off (the pragma is a no-op inside a transaction,
// so it is set on the connection before), and the foreign keys are checked
// before it commits: the standard SQLite way to change a table's schema.
const fkOff = "-- atelier:foreign_keys=off"

func applyMigration(ctx context.Context, db *sql.DB, name, body string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	rebuild := strings.HasPrefix(body, fkOff)
	if rebuild {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		defer func() {
			if _, err := conn.ExecContext(context.Background(), "PRAGMA foreign_keys = ON"); err != nil {
				// A connection left without foreign keys must not
				// serve again: database/sql drops a bad one.
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if rebuild {
		rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return err
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			return errors.New("foreign key check failed")
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// errClosed is returned by calls made after Close.
var errClosed = errors.New("storage: store is closed")

// Update runs fn in a write transaction. Calls made at the same time share
// one SQLite transaction; each fn runs under its own savepoint, so one
// failing call changes nothing of its own and nothing of the others'.
// Update returns only once the outcome is durable.
func (s *Store) Update(ctx context.Context, fn func(consultation.Tx) error) error {
	req := &request{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.requests <- req:
	case <-s.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the request is answered: waiting for it even when ctx
	// ends keeps an acknowledgement from racing a commit.
	return <-req.done
}

// View runs fn in a read transaction.
func (s *Store) View(ctx context.Context, fn func(consultation.Tx) error) error {
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	return fn(&sqlTx{ctx: ctx, tx: tx, stmts: s.rstmts, bound: make(map[string]*sql.Stmt), cache: s.cache, readOnly: true})
}

func (s *Store) write() {
	defer close(s.done)
	for {
		var first *request
		select {
		case first = <-s.requests:
		case <-s.stop:
			return
		}
		batch := []*request{first}
	gather:
		for len(batch) < s.maxBatch {
			select {
			case r := <-s.requests:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		s.commit(batch)
	}
}

// commit runs a batch in one transaction and answers every request.
func (s *Store) commit(batch []*request) {
	answer := func(errs []error) {
		for i, r := range batch {
			r.done <- errs[i]
		}
	}
	errs := make([]error, len(batch))
	var kept []func()
	bound := make(map[string]*sql.Stmt)
	fail := func(err error) {
		for i := range errs {
			errs[i] = err
		}
		answer(errs)
	}
	ctx := context.Background()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if len(batch) == 1 {
			errs[i] = s.run(r, tx, bound, &kept)
			if errs[i] != nil {
				tx.Rollback()
				answer(errs)
				return
			}
			continue
		}
		if err := s.exec(ctx, tx, bound, "SAVEPOINT request"); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("savepoint: %w", err))
			return
		}
		errs[i] = s.run(r, tx, bound, &kept)
		if errs[i] != nil {
			if err := s.exec(ctx, tx, bound, "ROLLBACK TO request"); err != nil {
				tx.Rollback()
				fail(fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
		}
		if err := s.exec(ctx, tx, bound, "RELEASE request"); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("commit: %w", err)
			}
		}
	} else {
		for _, put := range kept {
			put()
		}
	}
	answer(errs)
}

// exec runs a statement of the writer's own in tx, prepared once and bound
// to tx once.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, bound map[string]*sql.Stmt, query string) error {
	_, err := (&sqlTx{ctx: ctx, tx: tx, stmts: s.wstmts, bound: bound}).execSQL(query)
	return err
}

// run calls a request's function, turning a panic into an error so that one
// faulty call cannot take the writer down. When it succeeds, its cache
// fills join kept, for after the commit.
//
// The function's statements run without its caller's cancellation: a
// statement interrupted by a cancelled context makes SQLite roll back the
// whole transaction, the other calls of the batch included. A call whose
// context has ended is refused before it starts (see commit).
func (s *Store) run(r *request, tx *sql.Tx, bound map[string]*sql.Stmt, kept *[]func()) (err error) {
	t := &sqlTx{ctx: context.WithoutCancel(r.ctx), tx: tx, stmts: s.wstmts, bound: bound, cache: s.cache}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("storage: panic in transaction: %v", p)
		}
		if err == nil {
			*kept = append(*kept, t.kept...)
		}
	}()
	return r.fn(t)
}

// Backup writes a consistent copy of the database to path, while it is in use.
func (s *Store) Backup(ctx context.Context, path string) error {
	// VACUUM INTO writes the copy, which a reader's query_only refuses:
	// one reader connection lifts it for the copy, and serves again only
	// once it is back.
	conn, err := s.reader.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only = 0"); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), "PRAGMA query_only = 1"); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// mapError turns driver errors into domain errors where they have a meaning.
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return consultation.Errorf(consultation.ENOTFOUND, "not_found", "%s not found", what)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return consultation.Errorf(consultation.ECONFLICT, "exists", "%s already exists", what)
		}
	}
	return fmt.Errorf("%s: %w", strings.ToLower(what), err)
}
