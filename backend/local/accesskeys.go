package local

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"net"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/secretary-sh/secretary/backend"
)

// Access keys let programs reach the store through `secretary serve` with
// any AWS SDK: the server verifies each request's Signature Version 4
// against the secret of the key it names, and the key id becomes the actor
// of the request's audit record.
//
// An id is AccessKeyPrefix followed by 16 characters of base32 (A–Z, 2–7),
// 20 in all like an AWS access key id; "SKIA" rather than AWS's "AKIA" so
// that nobody mistakes a key of this store for an IAM user's. The secret is
// 40 characters of base64 (30 random bytes), like an AWS secret access key.
//
// The secret is needed in clear to check signatures, so it cannot be
// hashed: it is wrapped with AES-256-GCM under the store's root key, with
// associated data naming the store and the key id, so a wrapped secret
// copied to another key or another store does not open. It is returned in
// clear once, by CreateAccessKey.

// AccessKeyPrefix begins every access key id the store issues.
const AccessKeyPrefix = "SKIA"

const (
	accessKeyIDLen    = 20
	accessSecretBytes = 30 // 40 characters of base64
	maxKeyDescription = 256
)

// accessKeysTable is created by the first CreateAccessKey, so stores made
// before access keys existed keep working unchanged.
const accessKeysTable = `CREATE TABLE IF NOT EXISTS access_keys (
	id TEXT PRIMARY KEY,
	description TEXT NOT NULL DEFAULT '',
	wrapped BLOB NOT NULL,
	created INTEGER NOT NULL)`

// AccessKey describes an access key; it never holds the secret.
type AccessKey struct {
	ID          string
	Description string
	Created     time.Time
	// LastUsed is the time of the key's newest audit record as an actor,
	// that is of its last authenticated request; zero if it was never used.
	LastUsed time.Time
}

// NewAccessKey is a key just created, with its secret: the only time the
// secret leaves the store.
type NewAccessKey struct {
	AccessKey
	Secret string
}

func accessKeyAAD(storeID []byte, id string) []byte {
	return aad([]byte("secretary/access-key/v1"), storeID, []byte(id))
}

// validAccessKeyID reports whether id has the shape of an id this store
// issues; anything else is unknown without a query.
func validAccessKeyID(id string) bool {
	if len(id) != accessKeyIDLen || !strings.HasPrefix(id, AccessKeyPrefix) {
		return false
	}
	for _, r := range id[len(AccessKeyPrefix):] {
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

func accessKeyNotFound(id string) error {
	return backend.Errorf(backend.CodeResourceNotFound, "The access key with id %s cannot be found.", id)
}

// noAccessKeysTable reports whether err says the table was never created,
// which means the store has no access keys.
func noAccessKeysTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table: access_keys")
}

// CreateAccessKey creates an access key and returns it with its secret.
// The secret cannot be read back later: only SecretKey unwraps it, for the
// server's signature check. The audit record names the key id, never the
// secret.
func (s *Store) CreateAccessKey(ctx context.Context, description string) (*NewAccessKey, error) {
	if len(description) > maxKeyDescription || strings.IndexFunc(description, unicode.IsControl) >= 0 {
		return nil, backend.Errorf(backend.CodeInvalidParameter,
			"an access key description must be at most %d characters without control characters", maxKeyDescription)
	}
	var out *NewAccessKey
	err := s.run(ctx, true, func(t *txn) error {
		return t.op("CreateAccessKey", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return "", "", err
			}
			// A key made without a user acts as the built-in administrator.
			admin, err := t.adminUser()
			if err != nil {
				return "", "", err
			}
			if _, err := t.user(admin); err != nil {
				return "", "", err
			}
			k, err := t.createAccessKey(description)
			if err != nil {
				return "", "", err
			}
			if _, err := t.exec(`INSERT INTO iam_access_keys(key_id, user_name) VALUES (?, ?)`, k.ID, admin); err != nil {
				return "", "", internal(err)
			}
			out = k
			return k.ID, "", nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (t *txn) createAccessKey(description string) (*NewAccessKey, error) {
	if _, err := t.exec(accessKeysTable); err != nil {
		return nil, internal(err)
	}
	idRand, err := randomBytes(10)
	if err != nil {
		return nil, err
	}
	id := AccessKeyPrefix + base32.StdEncoding.EncodeToString(idRand)
	raw, err := randomBytes(accessSecretBytes)
	if err != nil {
		return nil, err
	}
	defer wipe(raw)
	secret := []byte(base64.StdEncoding.EncodeToString(raw))
	defer wipe(secret)
	rootAEAD, err := t.s.rootAEAD()
	if err != nil {
		return nil, err
	}
	w, err := wrap(rootAEAD, secret, accessKeyAAD(t.s.storeID, id))
	if err != nil {
		return nil, err
	}
	// 80 random bits make a collision practically impossible; the primary
	// key would refuse one rather than overwrite a key.
	if _, err := t.exec(`INSERT INTO access_keys(id, description, wrapped, created) VALUES (?, ?, ?, ?)`,
		id, description, w, t.now.UnixNano()); err != nil {
		return nil, internal(err)
	}
	return &NewAccessKey{
		AccessKey: AccessKey{ID: id, Description: description, Created: t.now},
		Secret:    string(secret),
	}, nil
}

// ListAccessKeys returns every access key, oldest first, without secrets.
func (s *Store) ListAccessKeys(ctx context.Context) ([]AccessKey, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, description, created FROM access_keys ORDER BY created, id`)
	if noAccessKeysTable(err) {
		return []AccessKey{}, nil
	}
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	keys := []AccessKey{}
	byID := map[string]int{}
	for rows.Next() {
		var k AccessKey
		var ns int64
		if err := rows.Scan(&k.ID, &k.Description, &ns); err != nil {
			return nil, internal(err)
		}
		k.Created = time.Unix(0, ns).UTC()
		byID[k.ID] = len(keys)
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	rows.Close()
	if len(keys) == 0 {
		return keys, nil
	}
	// Last use comes from actor_last_seen, which the audit keeps to the
	// minute: one small read, however long the log and after pruning.
	used, err := s.rdb.QueryContext(ctx, `SELECT actor, time FROM actor_last_seen
		WHERE actor IN (SELECT id FROM access_keys)`)
	if err != nil {
		return nil, auditReadErr(err)
	}
	defer used.Close()
	for used.Next() {
		var id string
		var ns int64
		if err := used.Scan(&id, &ns); err != nil {
			return nil, auditReadErr(err)
		}
		if i, ok := byID[id]; ok {
			keys[i].LastUsed = time.Unix(0, ns).UTC()
		}
	}
	return keys, auditReadErr(used.Err())
}

// DeleteAccessKey removes an access key: requests signed with it are
// refused from then on. Its audit records stay.
func (s *Store) DeleteAccessKey(ctx context.Context, id string) error {
	return s.run(ctx, true, func(t *txn) error {
		return t.op("DeleteAccessKey", func() (string, string, error) {
			if err := t.writable(); err != nil {
				return id, "", err
			}
			if !validAccessKeyID(id) {
				return id, "", accessKeyNotFound(id)
			}
			res, err := t.exec(`DELETE FROM access_keys WHERE id = ?`, id)
			if noAccessKeysTable(err) {
				return id, "", accessKeyNotFound(id)
			}
			if err != nil {
				return id, "", internal(err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return id, "", internal(err)
			} else if n == 0 {
				return id, "", accessKeyNotFound(id)
			}
			// Forgotten before the commit: a request that verifies
			// against the key from now on reads the store, and finds
			// the key gone once this commits (or back, if it fails).
			t.s.keyLookup.forget(id)
			return id, "", nil
		})
	})
}

// SecretKey returns the secret of access key id for checking a signature
// (it satisfies the server's AccessKeys). An unknown or deleted key is
// backend.ErrResourceNotFound. The caller owns, and should wipe, the
// returned bytes.
//
// A key found once is answered from memory afterwards: `secretary serve`
// calls SecretKey on every request, and a read transaction per request
// cost more than the rest of the signature check. A deletion still takes
// effect at once: the server runs each operation with the key in a
// backend.AccessKeyCheck, which the operation's own transaction confirms
// (see txn.confirmAccessKey) and which forgets the key when it is gone,
// also when another process deleted it. ConfirmAccessKey does the same
// for a request that never reached a transaction.
func (s *Store) SecretKey(ctx context.Context, id string) ([]byte, error) {
	if !validAccessKeyID(id) {
		return nil, accessKeyNotFound(id)
	}
	return s.keyLookup.secret(ctx, s, id)
}

// ConfirmAccessKey reports whether access key id still exists, reading
// the store, and forgets the key's secret if it does not: what an
// operation's transaction confirms for a request that had none.
func (s *Store) ConfirmAccessKey(ctx context.Context, id string) error {
	if !validAccessKeyID(id) {
		return accessKeyNotFound(id)
	}
	_, err := s.keyLookup.read(ctx, s, id)
	return err
}

// keyLookup serves SecretKey: the secrets already unwrapped, so that a
// lookup neither queries the store nor runs AES-GCM, and for a key not yet
// known one connection of its own with the statement prepared once, so a
// first lookup neither parses SQL nor waits for the read pool.
type keyLookup struct {
	mu        sync.Mutex
	conn      *sql.Conn
	stmt      *sql.Stmt
	unwrapped map[string][]byte
}

func (k *keyLookup) secret(ctx context.Context, s *Store, id string) ([]byte, error) {
	k.mu.Lock()
	c, ok := k.unwrapped[id]
	if ok {
		c = bytes.Clone(c)
	}
	k.mu.Unlock()
	if ok {
		return c, nil
	}
	return k.read(ctx, s, id)
}

// read looks the key up in the store and remembers its secret, or forgets
// it when the row is gone.
func (k *keyLookup) read(ctx context.Context, s *Store, id string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stmt == nil {
		if err := k.open(ctx, s); noAccessKeysTable(err) {
			k.forgetLocked(id)
			return nil, accessKeyNotFound(id)
		} else if err != nil {
			return nil, toOperatorErr(internal(err))
		}
	}
	var w []byte
	err := k.stmt.QueryRowContext(ctx, id).Scan(&w)
	if errors.Is(err, sql.ErrNoRows) || noAccessKeysTable(err) {
		k.forgetLocked(id)
		return nil, accessKeyNotFound(id)
	}
	if err != nil {
		// The connection may be broken: the next lookup opens another.
		k.closeLocked()
		return nil, toOperatorErr(internal(err))
	}
	rootAEAD, err := s.rootAEAD()
	if err != nil {
		return nil, err
	}
	secret, err := unwrap(rootAEAD, w, accessKeyAAD(s.storeID, id))
	if err != nil {
		k.forgetLocked(id)
		return nil, backend.Errorf(backend.CodeDecryptionFailure, "the secret of access key %s does not authenticate", id)
	}
	if old, ok := k.unwrapped[id]; ok {
		wipe(old)
	}
	if k.unwrapped == nil {
		k.unwrapped = map[string][]byte{}
	}
	k.unwrapped[id] = bytes.Clone(secret)
	return secret, nil
}

// forget drops the secret of key id, found deleted.
func (k *keyLookup) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.forgetLocked(id)
}

func (k *keyLookup) forgetLocked(id string) {
	if old, ok := k.unwrapped[id]; ok {
		wipe(old)
		delete(k.unwrapped, id)
	}
}

// open takes the connection and prepares the statement. The statement
// needs the table, which the first CreateAccessKey creates: until then it
// fails as the query would, with "no such table".
func (k *keyLookup) open(ctx context.Context, s *Store) error {
	conn, err := s.rdb.Conn(ctx)
	if err != nil {
		return err
	}
	stmt, err := conn.PrepareContext(ctx, `SELECT wrapped FROM access_keys WHERE id = ?`)
	if err != nil {
		conn.Close()
		return err
	}
	k.conn, k.stmt = conn, stmt
	return nil
}

// close returns the connection and forgets the secrets.
func (k *keyLookup) close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.closeLocked()
}

func (k *keyLookup) closeLocked() error {
	for id := range k.unwrapped {
		k.forgetLocked(id)
	}
	if k.conn == nil {
		return nil
	}
	err := errors.Join(k.stmt.Close(), k.conn.Close())
	k.conn, k.stmt = nil, nil
	return err
}

// confirmAccessKey runs at the start of every transaction whose context
// carries a backend.AccessKeyCheck (a request served over HTTP): the
// operation runs only if the key that signed the request still exists
// now, in the snapshot the transaction sees, whichever process deleted
// it. It is one lookup by primary key inside a transaction already open.
func (t *txn) confirmAccessKey(c *backend.AccessKeyCheck) error {
	if c.ID == t.confirmedKey {
		// Nobody else can delete it while this transaction is open.
		c.Confirm()
		return nil
	}
	var one int
	err := t.queryRow(`SELECT 1 FROM access_keys WHERE id = ?`, c.ID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) || noAccessKeysTable(err) {
		t.s.keyLookup.forget(c.ID)
		return &backend.Error{Code: backend.CodeUnrecognizedClient, Message: "The access key " + c.ID + " no longer exists."}
	}
	if err != nil {
		return internal(err)
	}
	t.confirmedKey = c.ID
	c.Confirm()
	return nil
}

// CountAccessKeys returns how many access keys the store has, without the
// audit scan ListAccessKeys makes for their last use.
func (s *Store) CountAccessKeys(ctx context.Context) (int, error) {
	var n int
	err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM access_keys`).Scan(&n)
	if noAccessKeysTable(err) {
		return 0, nil
	}
	if err != nil {
		return 0, toOperatorErr(internal(err))
	}
	return n, nil
}

// AuditAuthFailure records a request that `secretary serve` refused
// before authenticating it: operation "Authenticate", the exception name
// as its error code, and as actor the key id claimed and the client's
// address (id@address). A claimed id without the shape of this store's
// ids is recorded as "invalid-key-id" and a missing one as "anonymous", so
// that nothing a client invents reaches the log. The actor is never a bare
// key id, so a failure does not count as the key's last use.
func (s *Store) AuditAuthFailure(ctx context.Context, keyID, code, source string) error {
	switch {
	case keyID == "":
		keyID = "anonymous"
	case !validAccessKeyID(keyID):
		keyID = "invalid-key-id"
	}
	if host, _, err := net.SplitHostPort(source); err == nil {
		source = host
	}
	if net.ParseIP(source) == nil {
		source = "unknown"
	}
	ctx = backend.WithActor(ctx, keyID+"@"+source)
	return s.run(ctx, false, func(t *txn) error {
		return t.audit("Authenticate", "", "", &backend.Error{Code: code})
	})
}
