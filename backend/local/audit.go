package local

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// genesisHash is the previous hash of the first audit record.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditError says which audit record failed verification.
type AuditError struct {
	Seq    int64
	Reason string
}

func (e *AuditError) Error() string {
	return fmt.Sprintf("audit log: record %d: %s", e.Seq, e.Reason)
}

// auditHash chains one record to the previous: SHA-256 over the previous
// hash and every field, each length-prefixed so fields cannot be shifted
// into one another.
func auditHash(r *backend.AuditRecord) string {
	h := sha256.New()
	var buf [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		h.Write([]byte(s))
	}
	put(r.PrevHash)
	binary.BigEndian.PutUint64(buf[:], uint64(r.Seq))
	h.Write(buf[:])
	binary.BigEndian.PutUint64(buf[:], uint64(r.Time.UnixNano()))
	h.Write(buf[:])
	put(r.Actor)
	put(r.Operation)
	put(r.SecretARN)
	put(r.VersionID)
	put(r.Outcome)
	put(r.ErrorCode)
	// Records written before schema 6 have neither field and were hashed
	// without them; a record with either is hashed with both.
	if r.Principal != "" || r.DecidedBy != "" {
		put(r.Principal)
		put(r.DecidedBy)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// audit appends one record in the current transaction. Only the error's
// exception name is kept: messages are not needed to audit and may echo
// input. A failure to write is fatal to the transaction.
func (t *txn) audit(operation, arn, versionID string, opErr error) error {
	return t.appendAudit(operation, arn, versionID, opErr, "")
}

// appendAudit is audit with the statement that decided a denial.
func (t *txn) appendAudit(operation, arn, versionID string, opErr error, decidedBy string) error {
	if t.s.frozen {
		// Nothing can be written to a frozen store; its reads go
		// unrecorded rather than refused (see Store.frozen).
		return nil
	}
	r := backend.AuditRecord{
		Time:      t.now,
		Actor:     t.actor(),
		Operation: operation,
		SecretARN: arn,
		VersionID: versionID,
		Outcome:   "ok",
		Principal: t.principal(),
		DecidedBy: decidedBy,
	}
	if opErr != nil {
		r.Outcome = "error"
		r.ErrorCode = backend.Code(opErr)
		if r.ErrorCode == "" {
			r.ErrorCode = backend.CodeInternalServiceError
		}
	}
	// The tail of the chain comes from this transaction, else from the
	// last commit of this process, else from the table. A cached tail is
	// stale when another process appended since: its next sequence number
	// is then taken, the insert fails on the primary key, and the tail is
	// read afresh.
	fromCache := false
	if !t.tail.ok {
		if t.s.tail.ok {
			t.tail, fromCache = t.s.tail, true
		} else if err := t.readTail(); err != nil {
			return err
		}
	}
	for {
		r.Seq = t.tail.seq + 1
		r.PrevHash = t.tail.hash
		r.Hash = auditHash(&r)
		_, err := t.exec(`INSERT INTO audit(seq, time, actor, operation, secret_arn, version_id, outcome, error_code, principal, decided_by, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Seq, r.Time.UnixNano(), r.Actor, r.Operation, r.SecretARN, r.VersionID, r.Outcome, r.ErrorCode, r.Principal, r.DecidedBy, r.PrevHash, r.Hash)
		if err != nil && fromCache && sqliteConstraint(err) {
			fromCache = false
			if err := t.readTail(); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fatal(fmt.Errorf("write audit record: %w", err))
		}
		t.tail = auditTail{seq: r.Seq, hash: r.Hash, ok: true}
		return t.noteLastSeen(r.Actor)
	}
}

// actor is who an audit record names: the caller's identity when the
// context carries one (backend.WithActor: the access key of a request
// served over HTTP), else the store's own (Options.Actor).
func (t *txn) actor() string {
	if a := backend.Actor(t.ctx); a != "" {
		return a
	}
	return t.s.opts.Actor
}

// principal is the IAM identity a record names: the one the context
// carries (backend.WithPrincipal: the user of a request served over HTTP);
// none for another caller the context names without one (a request refused
// before its key was known); else the account root, since whoever opened
// the store with its key may do everything.
func (t *txn) principal() string {
	if p := backend.Principal(t.ctx); p != "" {
		return p
	}
	if backend.Actor(t.ctx) != "" {
		return ""
	}
	return t.s.RootARN()
}

// auditTail is the newest record of the chain.
type auditTail struct {
	seq  int64
	hash string
	ok   bool
}

func (t *txn) readTail() error {
	t.tail = auditTail{hash: genesisHash, ok: true}
	err := t.queryRow(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&t.tail.seq, &t.tail.hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.tail = auditTail{}
		return fatal(fmt.Errorf("write audit record: %w", err))
	}
	return nil
}

const auditColumns = `seq, time, actor, operation, secret_arn, version_id, outcome, error_code, principal, decided_by, prev_hash, hash`

func scanAudit(rows *sql.Rows) (backend.AuditRecord, error) {
	var r backend.AuditRecord
	var ns int64
	err := rows.Scan(&r.Seq, &ns, &r.Actor, &r.Operation, &r.SecretARN, &r.VersionID, &r.Outcome, &r.ErrorCode, &r.Principal, &r.DecidedBy, &r.PrevHash, &r.Hash)
	r.Time = time.Unix(0, ns).UTC()
	return r, err
}

// AuditLog returns audit records, newest first. With q.SecretID it returns
// the records of that secret (by name or ARN, also after it was deleted).
func (s *Store) AuditLog(ctx context.Context, q backend.AuditQuery) ([]backend.AuditRecord, error) {
	query := `SELECT ` + auditColumns + ` FROM audit`
	var args []any
	if q.SecretID != "" {
		arn := q.SecretID
		var found string
		err := sql.ErrNoRows
		if column, key, ok := s.secretKey(q.SecretID); ok {
			err = s.rdb.QueryRowContext(ctx, `SELECT arn FROM secrets WHERE `+column+` = ?`, key).Scan(&found)
		}
		if err == nil {
			arn = found
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, auditReadErr(err)
		}
		// A deleted secret's records are found by the ARN prefix of its name.
		query += ` WHERE secret_arn = ? OR secret_arn GLOB ?`
		args = append(args, arn, globEscape(s.arnPrefix()+q.SecretID)+"-??????")
	}
	query += ` ORDER BY seq DESC`
	if q.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	rows, err := s.rdb.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, auditReadErr(err)
	}
	defer rows.Close()
	var out []backend.AuditRecord
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return nil, auditReadErr(err)
		}
		out = append(out, r)
	}
	return out, auditReadErr(rows.Err())
}

// VerifyAudit walks the whole chain and reports the first record whose
// sequence, link or hash is wrong.
func (s *Store) VerifyAudit(ctx context.Context) error {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit ORDER BY seq`)
	if err != nil {
		return auditReadErr(err)
	}
	defer rows.Close()
	// After a prune the chain starts where its checkpoint says: the first
	// record kept links to the last one removed.
	cp, err := s.readCheckpoint(ctx, s.rdb)
	if err != nil {
		return err
	}
	prev := genesisHash
	var want int64 = 1
	if cp.ok {
		prev, want = cp.hash, cp.seq+1
	}
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("record after %d: %w", want-1, auditReadErr(err))
		}
		switch {
		case r.Seq != want:
			return &AuditError{Seq: want, Reason: fmt.Sprintf("missing (next record is %d)", r.Seq)}
		case r.PrevHash != prev:
			return &AuditError{Seq: r.Seq, Reason: "does not link to the previous record"}
		case auditHash(&r) != r.Hash:
			return &AuditError{Seq: r.Seq, Reason: "contents do not match its hash (altered)"}
		}
		prev = r.Hash
		want++
	}
	return auditReadErr(rows.Err())
}

func auditReadErr(err error) error {
	if err == nil {
		return nil
	}
	if sqliteCorrupt(err) {
		return fmt.Errorf("audit log: %w: %w", ErrCorrupt, err)
	}
	return fmt.Errorf("audit log: %w", err)
}

// globEscape quotes GLOB's wildcards so a name matches only itself.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lastSeenEvery is how stale actor_last_seen may be: an access key's last
// use is shown to the minute, and a busy server writes the row once a
// minute instead of on every request.
const lastSeenEvery = time.Minute

// noteLastSeen records the actor's time in actor_last_seen, at most once a
// minute per actor and process. Called with the store's mutex held.
func (t *txn) noteLastSeen(actor string) error {
	if prev, ok := t.s.lastSeen[actor]; ok && t.now.Sub(prev) < lastSeenEvery && !t.now.Before(prev) {
		return nil
	}
	if _, err := t.exec(`INSERT INTO actor_last_seen(actor, time) VALUES (?, ?)
		ON CONFLICT(actor) DO UPDATE SET time = max(time, excluded.time)`, actor, t.now.UnixNano()); err != nil {
		return fatal(fmt.Errorf("write audit record: %w", err))
	}
	if t.s.lastSeen == nil {
		t.s.lastSeen = map[string]time.Time{}
	}
	t.s.lastSeen[actor] = t.now
	return nil
}
