package local

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// schema is the layout of schemaVersion 1. Names, descriptions and tags are
// metadata kept in clear, as in AWS; only version values are encrypted.
var schema = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL)`,
	`CREATE TABLE keyslots (
		id INTEGER PRIMARY KEY,
		kind TEXT NOT NULL,
		salt BLOB NOT NULL,
		kdf_time INTEGER NOT NULL,
		kdf_mem INTEGER NOT NULL,
		kdf_threads INTEGER NOT NULL,
		wrapped BLOB NOT NULL,
		created INTEGER NOT NULL)`,
	`CREATE TABLE keys (
		id TEXT PRIMARY KEY,
		alias TEXT UNIQUE,
		current_version INTEGER NOT NULL,
		created INTEGER NOT NULL)`,
	`CREATE TABLE key_versions (
		key_id TEXT NOT NULL REFERENCES keys(id),
		version INTEGER NOT NULL,
		wrapped BLOB NOT NULL,
		created INTEGER NOT NULL,
		PRIMARY KEY (key_id, version))`,
	`CREATE TABLE secrets (
		id INTEGER PRIMARY KEY,
		arn TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL UNIQUE,
		description TEXT NOT NULL DEFAULT '',
		kms_key_id TEXT NOT NULL DEFAULT '',
		created INTEGER NOT NULL,
		last_changed INTEGER NOT NULL,
		last_accessed INTEGER NOT NULL DEFAULT 0,
		deleted INTEGER,
		deletion INTEGER,
		owning_service TEXT NOT NULL DEFAULT '',
		primary_region TEXT NOT NULL DEFAULT '',
		-- room for rotation and resource policies
		rotation_enabled INTEGER NOT NULL DEFAULT 0,
		rotation_function TEXT NOT NULL DEFAULT '',
		rotation_rules TEXT NOT NULL DEFAULT '',
		last_rotated INTEGER,
		next_rotation INTEGER,
		resource_policy TEXT,
		-- Copies of the secret's tags and labels, kept in step with the
		-- tags and stages tables on every change, so a listing reads one
		-- table: [[pos, key, value], …] and {"version": ["LABEL", …], …}.
		tags_json TEXT NOT NULL DEFAULT '[]',
		stages_json TEXT NOT NULL DEFAULT '{}')`,
	`CREATE INDEX secrets_by_created ON secrets (created, id)`,
	`CREATE INDEX secrets_by_changed ON secrets (last_changed, id)`,
	`CREATE INDEX secrets_by_accessed ON secrets (last_accessed, id)`,
	`CREATE INDEX secrets_by_deletion ON secrets (deletion) WHERE deletion IS NOT NULL`,
	`CREATE TABLE tags (
		secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
		key TEXT NOT NULL,
		value TEXT NOT NULL,
		pos INTEGER NOT NULL,
		PRIMARY KEY (secret_id, key))`,
	`CREATE TABLE versions (
		secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
		version_id TEXT NOT NULL,
		created INTEGER NOT NULL,
		last_accessed INTEGER NOT NULL DEFAULT 0,
		key_id TEXT NOT NULL REFERENCES keys(id),
		key_version INTEGER NOT NULL,
		wrapped_dek BLOB NOT NULL,
		ciphertext BLOB NOT NULL,
		PRIMARY KEY (secret_id, version_id))`,
	`CREATE INDEX versions_by_key ON versions (key_id)`,
	`CREATE TABLE stages (
		secret_id INTEGER NOT NULL,
		stage TEXT NOT NULL,
		version_id TEXT NOT NULL,
		PRIMARY KEY (secret_id, stage),
		FOREIGN KEY (secret_id, version_id) REFERENCES versions(secret_id, version_id) ON DELETE CASCADE)`,
	`CREATE INDEX stages_by_version ON stages (secret_id, version_id)`,
	`CREATE TABLE audit (
		seq INTEGER PRIMARY KEY,
		time INTEGER NOT NULL,
		actor TEXT NOT NULL,
		operation TEXT NOT NULL,
		secret_arn TEXT NOT NULL,
		version_id TEXT NOT NULL,
		outcome TEXT NOT NULL,
		error_code TEXT NOT NULL,
		prev_hash TEXT NOT NULL,
		hash TEXT NOT NULL)`,
	// No index on secret_arn: every read appends a record, and keeping a
	// second B-tree in step costs about a third of a read. The audit view
	// of one secret scans backwards from the newest record instead.
}

// pinnedConn is the connection of one pool that the store's transactions
// run on, with the statements prepared on it. Transactions are serialized
// by Store.mu, so one connection per pool is all they need, and holding it
// spares every statement database/sql's per-transaction work: re-binding
// the statement to the transaction, and a goroutine per query that watches
// the transaction's context. Guarded by Store.mu.
type pinnedConn struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

// pin returns db's pinned connection, taking one from the pool on first
// use. The caller holds s.mu.
func (s *Store) pin(ctx context.Context, db *sql.DB) (*pinnedConn, error) {
	if pc := s.pinned[db]; pc != nil {
		return pc, nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	pc := &pinnedConn{conn: conn, stmts: map[string]*sql.Stmt{}}
	s.pinned[db] = pc
	return pc, nil
}

// discard drops db's pinned connection and has database/sql close it
// instead of returning it to the pool: after a failed COMMIT or ROLLBACK
// its transaction state is unknown, and closing it rolls back whatever is
// open. The next transaction pins a fresh one. The caller holds s.mu.
func (s *Store) discard(db *sql.DB) {
	pc := s.pinned[db]
	if pc == nil {
		return
	}
	delete(s.pinned, db)
	for _, st := range pc.stmts {
		st.Close()
	}
	_ = pc.conn.Raw(func(any) error { return driver.ErrBadConn })
	pc.conn.Close()
}

// closePinned returns every pinned connection to its pool. The caller
// holds s.mu.
func (s *Store) closePinned() error {
	var errs []error
	for db, pc := range s.pinned {
		for _, st := range pc.stmts {
			errs = append(errs, st.Close())
		}
		errs = append(errs, pc.conn.Close())
		delete(s.pinned, db)
	}
	return errors.Join(errs...)
}

// txn is one SQLite write transaction. Each operation inside it runs under
// a savepoint, so a failed operation leaves no trace but its audit record.
type txn struct {
	s *Store
	// ctx is what statements run under. In a Batch it drops the caller's
	// cancellation, which op checks between operations instead (see
	// Store.Batch); caller is the context the transaction was started with.
	ctx    context.Context
	caller context.Context
	db     *sql.DB
	pc     *pinnedConn
	// tx is the pinned connection, between BEGIN IMMEDIATE and COMMIT.
	tx  *sql.Conn
	now time.Time
	// done is set once the transaction is committed or rolled back.
	done bool
	// shared is set when several operations share the transaction (Batch):
	// each then runs under a savepoint so one failure undoes only itself.
	shared bool
	// keyCache remembers resolved keys for the transaction's life; keys
	// change only in CreateKey and RotateKey, each a transaction of its own.
	keyCache map[string]keyInfo
	// tail is the audit chain's newest record inside this transaction.
	tail auditTail
	// confirmedKey is the access key this transaction found to exist:
	// the reads of a group signed by one key confirm it once.
	confirmedKey string
}

// begin starts a write transaction on db's pinned connection. The caller
// holds s.mu.
func (s *Store) begin(ctx context.Context, db *sql.DB) (*txn, error) {
	pc, err := s.pin(ctx, db)
	if err != nil {
		return nil, err
	}
	t := &txn{s: s, ctx: ctx, caller: ctx, db: db, pc: pc, tx: pc.conn, now: s.opts.Now().UTC()}
	if db == s.rdb && s.rdb != s.db {
		// A read's statements do not watch ctx: with a context that can
		// be cancelled, database/sql and the driver start a goroutine per
		// statement to watch it, which cost a served read more than its
		// lookup by primary key. A read is a few statements of
		// microseconds each; ctx was checked before it began.
		t.ctx = context.WithoutCancel(ctx)
	}
	begin := "BEGIN IMMEDIATE"
	if s.frozen {
		// A file that cannot be written cannot be locked for writing.
		begin = "BEGIN"
	}
	if _, err := t.exec(begin); err != nil {
		if ctx.Err() != nil {
			// The driver reports a cancellation that races with a
			// statement even when the statement took effect: make sure
			// no transaction is left open on the pinned connection.
			if st, serr := t.stmt("ROLLBACK"); serr == nil {
				_, _ = st.ExecContext(context.WithoutCancel(ctx))
			}
		}
		return nil, err
	}
	if c := backend.AccessKeyCheckFrom(ctx); c != nil {
		if err := t.confirmAccessKey(c); err != nil {
			t.rollback()
			return nil, err
		}
	}
	return t, nil
}

// commit ends the transaction and publishes its audit tail.
func (t *txn) commit() error {
	t.done = true
	// Once every operation has succeeded the transaction commits, even if
	// the caller gives up now: a cancelled COMMIT could have taken effect
	// and still report failure.
	if err := t.end("COMMIT"); err != nil {
		// end discarded the connection, which rolls back what is open.
		t.s.tail = auditTail{}
		t.s.lastSeen = nil
		return err
	}
	if t.tail.ok {
		t.s.tail = t.tail
	}
	return nil
}

// rollback ends the transaction; the cached tail may have been built on
// records that are now gone, so it is dropped.
func (t *txn) rollback() {
	t.done = true
	t.end("ROLLBACK")
	t.s.tail = auditTail{}
	// Times noted in the rolled-back transaction were never written.
	t.s.lastSeen = nil
}

// end runs COMMIT or ROLLBACK even when the caller's context is done. If
// that fails, the connection's state is unknown and it is discarded.
func (t *txn) end(stmt string) error {
	st, err := t.stmt(stmt)
	if err == nil {
		_, err = st.ExecContext(context.WithoutCancel(t.ctx))
	}
	if err != nil {
		t.s.discard(t.db)
	}
	return err
}

// stmt returns query prepared on the pinned connection. Statements are
// cached: parsing SQL costs more than running these small queries, and it
// would dominate a read.
func (t *txn) stmt(query string) (*sql.Stmt, error) {
	if st, ok := t.pc.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(t.ctx, query)
	if err != nil {
		return nil, err
	}
	t.pc.stmts[query] = st
	return st, nil
}

// exec, query and queryRow run a fixed query through the statement cache.
func (t *txn) exec(query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
}

func (t *txn) query(query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.ctx, args...)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (t *txn) queryRow(query string, args ...any) scanner {
	st, err := t.stmt(query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(t.ctx, args...)
}

// fatalError aborts the whole transaction: the database itself failed, or an
// audit record could not be written.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

func fatal(err error) error {
	var f *fatalError
	if errors.As(err, &f) {
		return err
	}
	return &fatalError{err}
}

// internal turns a database failure into an error the operator can act on,
// without values (SQLite errors never contain bound parameters).
func internal(err error) error {
	if err == nil {
		return nil
	}
	var be *backend.Error
	if errors.As(err, &be) {
		return err
	}
	var f *fatalError
	if errors.As(err, &f) {
		return err
	}
	if sqliteCorrupt(err) {
		return fatal(fmt.Errorf("%w: %w", ErrCorrupt, err))
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fatal(err)
	}
	return fatal(fmt.Errorf("local store: %w", err))
}

// run executes fn in one immediate write transaction. durable selects the
// fully synced connection pool (mutations) or the normal one (reads). The
// transaction commits even when fn returns an operation error, because the
// failure's audit record must persist; a fatal error rolls everything back.
//
// Operations commit in groups (see txGroup): one that finds another
// waiting leaves its transaction open for it, and returns only once a
// later member of the group has committed, so it still answers only once
// its changes and its audit record are as durable as alone.
func (s *Store) run(ctx context.Context, durable bool, fn func(t *txn) error) error {
	return s.runTx(ctx, durable, !s.frozen, fn)
}

// runTx is run; groupable says whether the operation may share its
// transaction with others (see txGroup).
func (s *Store) runTx(ctx context.Context, durable, groupable bool, fn func(t *txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db := s.rdb
	if durable {
		db = s.db
	}
	if groupable {
		s.waiting.Add(1)
	}
	s.mu.Lock()
	if groupable {
		s.waiting.Add(-1)
	}
	if g := s.group; g != nil {
		if groupable && g.db == db && g.members < maxGroup && s.root != nil {
			return s.joinGroup(ctx, g, fn) // unlocks s.mu
		}
		s.commitGroup()
	}
	locked := true
	defer func() {
		if locked {
			s.mu.Unlock()
		}
	}()
	if s.root == nil {
		return errors.New("the store is closed")
	}
	t, err := s.begin(ctx, db)
	if err != nil {
		return toOperatorErr(internal(err))
	}
	// A panic must not leave the pinned connection inside a transaction.
	handedOff := false
	defer func() {
		if !t.done && !handedOff {
			t.rollback()
		}
	}()
	// Reads skip the purge (they treat expired secrets as absent), so
	// they stay one statement shorter.
	if durable && !s.frozen {
		if err := t.purgeExpired(); err != nil {
			t.rollback()
			return toOperatorErr(err)
		}
	}
	opErr := fn(t)
	var f *fatalError
	if errors.As(opErr, &f) {
		t.rollback()
		return toOperatorErr(opErr)
	}
	var failed *failedOp
	if errors.As(opErr, &failed) {
		t.rollback()
		return s.recordFailure(ctx, db, failed)
	}
	if groupable && s.waiting.Load() > 0 {
		g := &txGroup{t: t, db: db, members: 1, done: make(chan struct{})}
		s.group = g
		handedOff, locked = true, false
		s.mu.Unlock()
		<-g.done
		if g.err != nil {
			return toOperatorErr(internal(g.err))
		}
		return opErr
	}
	if err := t.commit(); err != nil {
		return toOperatorErr(internal(err))
	}
	return opErr
}

// maxGroup bounds the operations that share one commit, and so how long
// the first of them waits for it.
const maxGroup = 16

// txGroup is a transaction left open for the operations waiting behind
// it, so that they share one BEGIN, one COMMIT (for mutations, its fsync)
// and one write of each page they change instead of paying for one each.
// Every member returns only once the group has committed: an operation
// answers only once its changes and audit record are written, as durable
// as alone (reads and writes never share a group: they commit on
// different connections, see Store.db). The transaction is open only
// while an operation is waiting for Store.mu, which then joins it or, if
// it cannot, commits it first (commitGroup), as Close does, so the write
// lock is never held with nobody to release it.
type txGroup struct {
	t       *txn
	db      *sql.DB
	members int
	// done is closed once the group has committed or rolled back; err is
	// then the failure, if any.
	done chan struct{}
	err  error
}

// joinGroup runs fn in the open group's transaction, under a savepoint so
// that a failure undoes only its own changes, as in a Batch. The caller
// holds s.mu; joinGroup releases it.
func (s *Store) joinGroup(ctx context.Context, g *txGroup, fn func(t *txn) error) error {
	t := g.t
	// Statements ignore the member's cancellation, which would otherwise
	// fail the statement and with it the whole group; it was checked on
	// entry, and the member waits for the group like any other.
	t.ctx, t.caller = context.WithoutCancel(ctx), ctx
	t.now = s.opts.Now().UTC()
	t.shared = true
	// An earlier member may have created or rotated a key.
	t.keyCache = nil
	var opErr error
	if g.db == s.db && !s.frozen {
		// As at the start of any mutation: a deletion date may have
		// passed since the group began.
		opErr = t.purgeExpired()
	}
	if c := backend.AccessKeyCheckFrom(ctx); c != nil && opErr == nil {
		opErr = t.confirmAccessKey(c)
		if backend.Code(opErr) == backend.CodeUnrecognizedClient {
			// Refused before it ran: it leaves no trace in the group.
			s.releaseGroupLocked(g)
			return opErr
		}
	}
	if opErr == nil {
		opErr = fn(t)
	}
	var f *fatalError
	if errors.As(opErr, &f) {
		t.rollback()
		g.err = opErr
		s.group = nil
		close(g.done)
		s.mu.Unlock()
		return toOperatorErr(opErr)
	}
	g.members++
	s.releaseGroupLocked(g)
	<-g.done
	if g.err != nil {
		return toOperatorErr(internal(g.err))
	}
	return opErr
}

// releaseGroupLocked leaves the group open for the next operation
// waiting, or commits it when none is or it is full; then it releases
// s.mu.
func (s *Store) releaseGroupLocked(g *txGroup) {
	if s.waiting.Load() == 0 || g.members >= maxGroup {
		s.commitGroup()
	}
	s.mu.Unlock()
}

// commitGroup commits the open group and wakes its members. The caller
// holds s.mu.
func (s *Store) commitGroup() {
	g := s.group
	if g == nil {
		return
	}
	s.group = nil
	g.err = g.t.commit()
	close(g.done)
}

// recordFailure writes the audit record of an operation whose changes were
// rolled back, and returns the operation's error (or the audit failure).
func (s *Store) recordFailure(ctx context.Context, db *sql.DB, f *failedOp) error {
	t, err := s.begin(ctx, db)
	if err != nil {
		return toOperatorErr(internal(err))
	}
	if err := t.audit(f.name, f.arn, f.version, f.err); err != nil {
		t.rollback()
		return toOperatorErr(err)
	}
	if err := t.commit(); err != nil {
		return toOperatorErr(internal(err))
	}
	return f.err
}

// toOperatorErr unwraps a fatal error to what it carries.
func toOperatorErr(err error) error {
	var f *fatalError
	if errors.As(err, &f) {
		var be *backend.Error
		if errors.As(f.err, &be) {
			return be
		}
		return f.err
	}
	return err
}

// op runs one audited operation under a savepoint. fn returns the ARN and
// version the record names. On failure the operation's changes are undone
// and the failure is recorded; if the record cannot be written, the error
// is fatal to the transaction.
func (t *txn) op(name string, fn func() (arn, versionID string, err error)) error {
	if !t.shared {
		// Alone in its transaction, an operation needs no savepoint: on
		// failure run rolls everything back and records the failure in a
		// transaction of its own.
		arn, ver, err := fn()
		var f *fatalError
		if err != nil && !errors.As(err, &f) {
			return &failedOp{name: name, arn: arn, version: ver, err: err}
		}
		if err != nil {
			return err
		}
		return t.audit(name, arn, ver, nil)
	}
	// Statements in a batch ignore the caller's cancellation (see
	// Store.Batch); it is honoured here, between operations.
	if err := t.caller.Err(); err != nil {
		return fatal(err)
	}
	// Operations never nest, so one savepoint name serves them all.
	const sp = "op"
	if _, err := t.exec("SAVEPOINT " + sp); err != nil {
		return internal(err)
	}
	arn, ver, err := fn()
	var f *fatalError
	if errors.As(err, &f) {
		return err
	}
	if err != nil {
		if _, rerr := t.exec("ROLLBACK TO " + sp); rerr != nil {
			return internal(rerr)
		}
	}
	if _, rerr := t.exec("RELEASE " + sp); rerr != nil {
		return internal(rerr)
	}
	if aerr := t.audit(name, arn, ver, err); aerr != nil {
		return aerr
	}
	return err
}

// readOp runs an operation whose failures happen before it writes
// anything, so it needs neither a savepoint nor a rollback: its outcome is
// recorded where it stands.
func (t *txn) readOp(name string, fn func() (arn, versionID string, err error)) error {
	arn, ver, err := fn()
	var f *fatalError
	if errors.As(err, &f) {
		return err
	}
	if aerr := t.audit(name, arn, ver, err); aerr != nil {
		return aerr
	}
	return err
}

// failedOp carries a failed operation out of its transaction so that run
// can undo it and still record it.
type failedOp struct {
	name, arn, version string
	err                error
}

func (e *failedOp) Error() string { return e.err.Error() }
func (e *failedOp) Unwrap() error { return e.err }

func (t *txn) writable() error {
	if t.s.opts.ReadOnly {
		return backend.Errorf(backend.CodeInvalidRequest, "the store is open read-only")
	}
	return nil
}

// purgeExpired removes secrets whose deletion date has passed, as AWS does
// once a recovery window ends. Doing it lazily at the start of every
// transaction means no daemon is needed and no reader ever sees them.
func (t *txn) purgeExpired() error {
	rows, err := t.query(`SELECT id, arn FROM secrets WHERE deletion IS NOT NULL AND deletion <= ?`, t.now.UnixNano())
	if err != nil {
		return internal(err)
	}
	type gone struct {
		id  int64
		arn string
	}
	var list []gone
	for rows.Next() {
		var g gone
		if err := rows.Scan(&g.id, &g.arn); err != nil {
			rows.Close()
			return internal(err)
		}
		list = append(list, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal(err)
	}
	for _, g := range list {
		if err := t.deleteSecretRow(g.id); err != nil {
			return err
		}
		if err := t.audit("PurgeSecret", g.arn, "", nil); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) deleteSecretRow(id int64) error {
	for _, q := range []string{
		`DELETE FROM stages WHERE secret_id = ?`,
		`DELETE FROM tags WHERE secret_id = ?`,
		`DELETE FROM versions WHERE secret_id = ?`,
		`DELETE FROM secrets WHERE id = ?`,
	} {
		if _, err := t.exec(q, id); err != nil {
			return internal(err)
		}
	}
	return nil
}
