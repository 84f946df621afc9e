package local

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// Every operation, reads included, appends an audit record, so the log
// grows with traffic: about 300 bytes a request, tens of gigabytes a day
// for a busy server. A retention policy bounds it. Records are removed
// from the oldest end only, in batches, and the chain stays verifiable:
// a checkpoint in the store's meta table carries the sequence number and
// hash of the last record removed, authenticated under a key derived from
// the root key, so a cut made by someone without the key is still found.

// DefaultAuditMaxAge is how long audit records are kept when no policy was
// set: CloudTrail's event history keeps 90 days.
const DefaultAuditMaxAge = 90 * 24 * time.Hour

// pruneBatch is how many records one transaction removes: small enough
// that a write waiting behind it waits milliseconds, not the whole prune.
const pruneBatch = 50_000

// AuditRetention is the audit log's retention policy.
type AuditRetention struct {
	// MaxAge removes records older than this; 0 keeps them whatever
	// their age.
	MaxAge time.Duration
	// MaxRecords keeps at most this many records; 0 sets no limit.
	MaxRecords int64
	// ArchiveDir, when set, receives every record before it is removed,
	// as a JSON Lines file in CloudTrail's record shape.
	ArchiveDir string
}

// AuditRetention returns the store's policy (the default when none was
// set).
func (s *Store) AuditRetention(ctx context.Context) (AuditRetention, error) {
	r := AuditRetention{MaxAge: DefaultAuditMaxAge}
	rows, err := s.rdb.QueryContext(ctx, `SELECT key, value FROM meta WHERE key IN ('audit_max_age', 'audit_max_records', 'audit_archive_dir')`)
	if err != nil {
		return r, auditReadErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return r, auditReadErr(err)
		}
		switch k {
		case "audit_max_age":
			d, err := time.ParseDuration(v)
			if err != nil {
				return r, fmt.Errorf("audit retention: %w (max age %q)", ErrCorrupt, v)
			}
			r.MaxAge = d
		case "audit_max_records":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return r, fmt.Errorf("audit retention: %w (max records %q)", ErrCorrupt, v)
			}
			r.MaxRecords = n
		case "audit_archive_dir":
			r.ArchiveDir = v
		}
	}
	return r, auditReadErr(rows.Err())
}

// SetAuditRetention records the policy; the change is audited.
func (s *Store) SetAuditRetention(ctx context.Context, r AuditRetention) error {
	if r.MaxAge < 0 || r.MaxRecords < 0 {
		return backend.Errorf(backend.CodeInvalidParameter, "the audit retention's age and record count cannot be negative")
	}
	if r.MaxAge > 0 && r.MaxAge < 24*time.Hour {
		return backend.Errorf(backend.CodeInvalidParameter, "keep audit records at least a day (asked: %s)", r.MaxAge)
	}
	return s.run(ctx, true, func(t *txn) error {
		return t.op("SetAuditRetention", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			for k, v := range map[string]string{
				"audit_max_age":     r.MaxAge.String(),
				"audit_max_records": strconv.FormatInt(r.MaxRecords, 10),
				"audit_archive_dir": r.ArchiveDir,
			} {
				if _, err := t.exec(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
					return "", "", internal(err)
				}
			}
			return "", "", nil
		})
	})
}

// auditCheckpoint is the last record removed by a prune.
type auditCheckpoint struct {
	seq  int64
	hash string
	ok   bool
}

// checkpointMAC authenticates a checkpoint under the identity key, with a
// label of its own so no other MAC made with that key can stand in.
func (s *Store) checkpointMAC(seq int64, hash string) string {
	m := hmac.New(sha256.New, s.identKey)
	m.Write(aad([]byte("secretary/audit-checkpoint/v1"), s.storeID, []byte(strconv.FormatInt(seq, 10)), []byte(hash)))
	return hex.EncodeToString(m.Sum(nil))
}

// readCheckpoint reads and checks the checkpoint, if a prune left one.
func (s *Store) readCheckpoint(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (auditCheckpoint, error) {
	var text string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'audit_checkpoint'`).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return auditCheckpoint{}, nil
	}
	if err != nil {
		return auditCheckpoint{}, auditReadErr(err)
	}
	parts := strings.Split(text, ":")
	if len(parts) != 3 {
		return auditCheckpoint{}, &AuditError{Seq: 0, Reason: "the checkpoint of removed records is malformed"}
	}
	seq, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || seq < 1 {
		return auditCheckpoint{}, &AuditError{Seq: 0, Reason: "the checkpoint of removed records is malformed"}
	}
	if !hmac.Equal([]byte(s.checkpointMAC(seq, parts[1])), []byte(parts[2])) {
		return auditCheckpoint{}, &AuditError{Seq: seq, Reason: "the checkpoint of removed records was changed outside secretary"}
	}
	return auditCheckpoint{seq: seq, hash: parts[1], ok: true}, nil
}

// PruneResult says what a prune removed.
type PruneResult struct {
	// Removed records, Through the last of them (0 when none).
	Removed, Through int64
	// Archive is the file the removed records were written to, if any.
	Archive string
}

// PruneAudit removes the records the policy no longer keeps, oldest
// first. When export is not nil every record is written to it before any
// is removed; the caller makes it durable (archive files are synced).
// The newest record is always kept, so the chain keeps its tail.
func (s *Store) PruneAudit(ctx context.Context, r AuditRetention, export func(first, last int64) (io.Writer, func() error, error)) (PruneResult, error) {
	var res PruneResult
	through, err := s.pruneLimit(ctx, r)
	if err != nil || through == 0 {
		return res, err
	}
	cp, err := s.readCheckpoint(ctx, s.rdb)
	if err != nil {
		return res, err
	}
	first := cp.seq + 1
	if through < first {
		return res, nil
	}
	if export != nil {
		w, done, err := export(first, through)
		if err != nil {
			return res, err
		}
		if err := s.exportRange(ctx, first, through, w); err != nil {
			return res, err
		}
		if err := done(); err != nil {
			return res, fmt.Errorf("audit export: %w", err)
		}
	}
	for next := first; next <= through; {
		end := min(next+pruneBatch-1, through)
		last := end == through
		var removed int64
		err := s.run(ctx, true, func(t *txn) error {
			if err := t.writable(); err != nil {
				return err
			}
			var hash string
			if err := t.queryRow(`SELECT hash FROM audit WHERE seq = ?`, end).Scan(&hash); err != nil {
				return internal(fmt.Errorf("audit record %d: %w", end, err))
			}
			out, err := t.exec(`DELETE FROM audit WHERE seq <= ?`, end)
			if err != nil {
				return internal(err)
			}
			removed, _ = out.RowsAffected()
			value := fmt.Sprintf("%d:%s:%s", end, hash, s.checkpointMAC(end, hash))
			if _, err := t.exec(`INSERT INTO meta(key, value) VALUES ('audit_checkpoint', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, value); err != nil {
				return internal(err)
			}
			if last {
				// The prune itself is on the record, naming how far it went.
				return t.audit("PruneAudit", "", strconv.FormatInt(end, 10), nil)
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res.Removed += removed
		res.Through = end
		next = end + 1
	}
	return res, nil
}

// pruneLimit is the newest sequence number the policy lets go (0: none).
func (s *Store) pruneLimit(ctx context.Context, r AuditRetention) (int64, error) {
	var newest int64
	if err := s.rdb.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM audit`).Scan(&newest); err != nil {
		return 0, auditReadErr(err)
	}
	var limit int64
	if r.MaxAge > 0 {
		cutoff := s.opts.Now().Add(-r.MaxAge).UnixNano()
		// seq and time grow together, so the oldest records are a prefix.
		var byAge sql.NullInt64
		if err := s.rdb.QueryRowContext(ctx, `SELECT max(seq) FROM audit WHERE seq <= (SELECT coalesce(max(seq), 0) FROM audit WHERE time < ?)`, cutoff).Scan(&byAge); err != nil {
			return 0, auditReadErr(err)
		}
		limit = max(limit, byAge.Int64)
	}
	if r.MaxRecords > 0 {
		var oldest int64
		if err := s.rdb.QueryRowContext(ctx, `SELECT coalesce(min(seq), 0) FROM audit`).Scan(&oldest); err != nil {
			return 0, auditReadErr(err)
		}
		if count := newest - oldest + 1; oldest > 0 && count > r.MaxRecords {
			limit = max(limit, newest-r.MaxRecords)
		}
	}
	return min(limit, newest-1), nil
}

// cloudTrailRecord is one audit record in the shape of a CloudTrail event,
// so the tools that read CloudTrail's JSON read secretary's export too.
type cloudTrailRecord struct {
	EventVersion       string            `json:"eventVersion"`
	UserIdentity       cloudTrailUser    `json:"userIdentity"`
	EventTime          string            `json:"eventTime"`
	EventSource        string            `json:"eventSource"`
	EventName          string            `json:"eventName"`
	AWSRegion          string            `json:"awsRegion"`
	ErrorCode          string            `json:"errorCode,omitempty"`
	RequestParameters  map[string]string `json:"requestParameters"`
	EventID            string            `json:"eventID"`
	ReadOnly           bool              `json:"readOnly"`
	EventType          string            `json:"eventType"`
	ManagementEvent    bool              `json:"managementEvent"`
	RecipientAccountID string            `json:"recipientAccountId"`
	EventCategory      string            `json:"eventCategory"`
	// AdditionalEventData carries the chain: a reader can check it.
	AdditionalEventData map[string]any `json:"additionalEventData"`
}

type cloudTrailUser struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId"`
}

// readOnlyOperations are the operations CloudTrail marks readOnly.
var readOnlyOperations = map[string]bool{"GetSecretValue": true, "BatchGetSecretValue": true, "DescribeSecret": true,
	"ListSecrets": true, "ListSecretVersionIds": true, "GetRandomPassword": true, "GetResourcePolicy": true,
	"ValidateResourcePolicy": true, "AuditLog": true, "ListAccessKeys": true}

func (s *Store) cloudTrail(r backend.AuditRecord) cloudTrailRecord {
	user := cloudTrailUser{Type: "Root", PrincipalID: r.Actor, AccountID: s.opts.Account}
	if isAccessKeyID(r.Actor) {
		user.Type, user.AccessKeyID = "IAMUser", r.Actor
	}
	if r.Principal != "" {
		user.ARN = r.Principal
	}
	params := map[string]string{}
	if r.SecretARN != "" {
		params["secretId"] = r.SecretARN
	}
	if r.VersionID != "" {
		params["versionId"] = r.VersionID
	}
	extra := map[string]any{"seq": r.Seq, "prevHash": r.PrevHash, "hash": r.Hash, "outcome": r.Outcome}
	if r.Principal != "" || r.DecidedBy != "" {
		// Both are hashed together (see auditHash), so both are exported.
		extra["principal"], extra["decidedBy"] = r.Principal, r.DecidedBy
	}
	return cloudTrailRecord{
		EventVersion: "1.08", UserIdentity: user,
		EventTime:   r.Time.UTC().Format(time.RFC3339Nano),
		EventSource: "secretsmanager.amazonaws.com", EventName: r.Operation, AWSRegion: s.opts.Region,
		ErrorCode: r.ErrorCode, RequestParameters: params,
		EventID:  fmt.Sprintf("%x-%d", s.storeID, r.Seq),
		ReadOnly: readOnlyOperations[r.Operation], EventType: "AwsApiCall", ManagementEvent: true,
		RecipientAccountID: s.opts.Account, EventCategory: "Management",
		AdditionalEventData: extra,
	}
}

// isAccessKeyID reports whether an actor is an access key id (AKID…,
// SKIA…) rather than user@host.
func isAccessKeyID(actor string) bool {
	if len(actor) < 16 || len(actor) > 128 {
		return false
	}
	for _, c := range actor {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ExportAudit writes the records from since (inclusive) to until
// (exclusive; zero: now) as JSON Lines in CloudTrail's record shape,
// oldest first, and returns how many it wrote.
func (s *Store) ExportAudit(ctx context.Context, since, until time.Time, w io.Writer) (int64, error) {
	q := `SELECT ` + auditColumns + ` FROM audit WHERE time >= ?`
	args := []any{since.UnixNano()}
	if !until.IsZero() {
		q += ` AND time < ?`
		args = append(args, until.UnixNano())
	}
	return s.exportQuery(ctx, q+` ORDER BY seq`, args, w)
}

func (s *Store) exportRange(ctx context.Context, first, last int64, w io.Writer) error {
	_, err := s.exportQuery(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq BETWEEN ? AND ? ORDER BY seq`, []any{first, last}, w)
	return err
}

func (s *Store) exportQuery(ctx context.Context, q string, args []any, w io.Writer) (int64, error) {
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, auditReadErr(err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	var n int64
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return n, auditReadErr(err)
		}
		if err := enc.Encode(s.cloudTrail(r)); err != nil {
			return n, fmt.Errorf("audit export: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, auditReadErr(err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("audit export: %w", err)
	}
	return n, nil
}

// ArchiveTo returns an export for PruneAudit that writes the records to a
// new file in dir, audit-FIRST-LAST.jsonl, mode 0600, synced before any
// record is removed.
func ArchiveTo(dir string) func(first, last int64) (io.Writer, func() error, error) {
	return func(first, last int64) (io.Writer, func() error, error) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("audit archive: %w", err)
		}
		path := filepath.Join(dir, fmt.Sprintf("audit-%012d-%012d.jsonl", first, last))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("audit archive: %w", err)
		}
		return f, func() error {
			if err := f.Sync(); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		}, nil
	}
}

// PruneByPolicy applies the store's own policy, archiving first when the
// policy names an archive directory.
func (s *Store) PruneByPolicy(ctx context.Context) (PruneResult, error) {
	r, err := s.AuditRetention(ctx)
	if err != nil {
		return PruneResult{}, err
	}
	var export func(first, last int64) (io.Writer, func() error, error)
	if r.ArchiveDir != "" {
		export = ArchiveTo(r.ArchiveDir)
	}
	res, err := s.PruneAudit(ctx, r, export)
	if err == nil && res.Removed > 0 && r.ArchiveDir != "" {
		res.Archive = r.ArchiveDir
	}
	return res, err
}

// RunAuditRetention applies the policy at once and then every interval
// until ctx ends (a long-running serve). report hears of each prune that
// removed something or failed.
func (s *Store) RunAuditRetention(ctx context.Context, every time.Duration, report func(PruneResult, error)) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		res, err := s.PruneByPolicy(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil || res.Removed > 0 {
			report(res, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
