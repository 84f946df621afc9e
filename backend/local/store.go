// Package local is the embedded encrypted store: one SQLite file holding
// secrets whose values are sealed with envelope encryption, unlocked through
// keyslots, with a hash-chained audit log. It behaves like AWS Secrets
// Manager through the backend contract.
package local

import (
	"context"
	"crypto/cipher"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/boundedread"
	"github.com/secretary-sh/secretary/backend/rotation"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Credential unlocks a store; exactly one field is set.
type Credential struct {
	Passphrase []byte // passphrase keyslot (Argon2id)
	KeyFile    string // path of a key file made by GenerateKeyFile
	Key        []byte // raw key material, e.g. decoded from an environment variable
}

// Options tune how a store is opened.
type Options struct {
	Actor string           // audit actor; default "<user>@<host>"
	Now   func() time.Time // clock; default time.Now
	// Region and Account go into every ARN. Init records them in the
	// store (default "local" and "000000000000"); Open uses what the
	// store recorded and ignores these.
	Region   string
	Account  string
	ReadOnly bool       // every mutation fails with InvalidRequestException
	KDF      *KDFParams // Argon2id cost for new passphrase slots; nil = DefaultKDF()
	// Rotation names the rotation functions RotateSecret accepts; nil
	// allows only "password" (see rotation/builtin for the full set).
	Rotation *rotation.Registry
}

// KDFParams is the Argon2id cost of a passphrase keyslot.
type KDFParams struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// Sentinels for errors.Is; the errors returned wrap them with details.
var (
	ErrStoreNotFound   = errors.New("no secret store at this path; create one with `secretary init`")
	ErrWrongCredential = errors.New("the passphrase or key does not unlock this store")
	ErrCorrupt         = errors.New("the store file is damaged or is not a secretary store")
	// ErrIntegrity says metadata the key protects (a secret's name and
	// ARN) was edited in the file by something other than secretary.
	ErrIntegrity = errors.New("store integrity check failed")
	ErrKeyFile   = errors.New("cannot use the key file")
)

// busyTimeoutMS bounds how long a write waits for another process's write
// transaction. Writes are short (milliseconds), so ten seconds only runs out
// when something is badly wrong.
const busyTimeoutMS = 10000

// minKeyLen is the shortest raw key or key file accepted: anything shorter
// is guessable.
const minKeyLen = 16

// defaultKeyAlias names the key every secret uses unless it names another,
// the local analog of the aws/secretsmanager managed key.
const defaultKeyAlias = "aws/secretsmanager"

// Store is an open embedded store. It implements backend.Backend,
// backend.Auditor and backend.Streamer. It is safe for concurrent use, also
// by several processes on the same file.
type Store struct {
	path    string
	opts    Options
	storeID []byte
	// db commits with synchronous=FULL: every acknowledged change survives
	// power loss. rdb commits with synchronous=NORMAL and carries only what
	// read operations write (their audit record and access dates), which
	// survive a crashed process but may lose the last moments to a power
	// cut; that keeps a read at tens of microseconds instead of an fsync.
	db  *sql.DB
	rdb *sql.DB
	// frozen is set when the file cannot be written (a read-only
	// filesystem or mount): SQLite opens it read-only, every mutation is
	// refused, and reads leave no audit record or access date, since
	// nothing can be written.
	frozen bool
	// mu serializes this process's write transactions so they queue here
	// instead of sleeping in SQLite's busy handler.
	mu sync.Mutex
	// tail is the audit chain's newest record as of this process's last
	// commit (guarded by mu); it saves a query per operation.
	tail auditTail
	// lastSeen is when this process last wrote each actor's time to
	// actor_last_seen (guarded by mu): at most once a minute per actor.
	lastSeen map[string]time.Time

	// group is the transaction left open for the operations waiting for
	// mu, which they join, and waiting counts those operations (see
	// txGroup). group is guarded by mu.
	group   *txGroup
	waiting atomic.Int32

	// pinned holds the connection each pool's transactions run on
	// (guarded by mu).
	pinned map[*sql.DB]*pinnedConn

	// keyLookup answers SecretKey for the server (see accesskeys.go).
	keyLookup keyLookup
	// parsed keeps policy documents parsed for authorisation (authz.go).
	parsed parsedPolicies

	keyMu sync.Mutex
	root  []byte
	// identKey authenticates each secret's name and ARN (see
	// identityMAC); derived from root, wiped with it.
	identKey []byte
	// slot is the id of the keyslot that unlocked the store (guarded by
	// mu once open): RemoveKeySlot refuses it, so removing a slot always
	// leaves one the operator has just proved they can open.
	slot int64
	keks map[kekRef]cipher.AEAD
}

type kekRef struct {
	id      string
	version int64
}

// DefaultPath returns $XDG_DATA_HOME/secretary/store.db, or
// ~/.local/share/secretary/store.db.
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "secretary", "store.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("default store path: %w", err)
	}
	return filepath.Join(home, ".local", "share", "secretary", "store.db"), nil
}

// Exists reports whether a store file exists at path.
func Exists(path string) (bool, error) {
	_, err := os.Stat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, fmt.Errorf("store %s: %w", path, err)
}

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// Check looks at a store file without unlocking it, so a damaged or foreign
// file is reported before anyone is asked for a passphrase. It returns
// ErrStoreNotFound, ErrCorrupt (wrapped, with the path) or nil. Damage past
// the file header is found only when the store is opened.
func Check(path string) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w", path, ErrStoreNotFound)
		}
		return fmt.Errorf("store %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store %s: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory: %w", path, ErrCorrupt)
	}
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err != nil || string(head) != sqliteMagic {
		return fmt.Errorf("%s: %w (not an SQLite database: %d bytes, wrong header)", path, ErrCorrupt, fi.Size())
	}
	return nil
}

// GenerateKeyFile writes a random 256-bit key to path with mode 0600; it
// refuses to overwrite an existing file.
func GenerateKeyFile(path string) error {
	key, err := randomBytes(keyLen)
	if err != nil {
		return err
	}
	defer wipe(key)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("key file: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("key file %s already exists; refusing to overwrite it", path)
		}
		return fmt.Errorf("key file: %w", err)
	}
	enc := base64.StdEncoding.EncodeToString(key) + "\n"
	if _, err := f.WriteString(enc); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("key file: %w", err)
	}
	return f.Close()
}

// maxKeyFileBytes bounds what is read of a key file: far above any real
// key (GenerateKeyFile writes 45 bytes), far below trouble, so --key-file
// /dev/zero fails at once.
const maxKeyFileBytes = 64 << 10

// readKeyFile returns the key a key file holds: base64 text as written by
// GenerateKeyFile, or raw bytes for files made another way. Its errors wrap
// ErrKeyFile.
// ReadKeyFile reads a key file as a store's key slot reads it (the base64
// text `init --key-file` writes, or at least 16 raw bytes), so whatever
// else takes a key file (a backup) accepts the same files.
func ReadKeyFile(path string) ([]byte, error) {
	// Interrupting a blocked read (a FIFO) is the caller's: Open's callers
	// run it in a goroutine they can abandon.
	b, err := boundedread.File(context.Background(), path, maxKeyFileBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	text := strings.TrimSpace(string(b))
	if k, err := base64.StdEncoding.DecodeString(text); err == nil && len(k) >= minKeyLen {
		wipe(b)
		return k, nil
	}
	if len(b) < minKeyLen {
		wipe(b)
		return nil, fmt.Errorf("%w: %s holds %d bytes; at least %d are needed", ErrKeyFile, path, len(b), minKeyLen)
	}
	return b, nil
}

// DecodeKey reads a key given as text, as a key file holds it (base64), for
// a key handed over in the environment.
func DecodeKey(text string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil {
		return nil, errors.New("the key is not base64 text (as `secretary init --key-file` writes it)")
	}
	if len(k) < minKeyLen {
		wipe(k)
		return nil, fmt.Errorf("the key holds %d bytes; at least %d are needed", len(k), minKeyLen)
	}
	return k, nil
}

// credSecret returns the secret bytes of a credential and its slot kind.
func credSecret(cred Credential) (secret []byte, kind string, err error) {
	n := 0
	if cred.Passphrase != nil {
		n++
	}
	if cred.KeyFile != "" {
		n++
	}
	if cred.Key != nil {
		n++
	}
	if n != 1 {
		return nil, "", errors.New("give exactly one of a passphrase, a key file or a key")
	}
	switch {
	case cred.Passphrase != nil:
		if len(cred.Passphrase) == 0 {
			return nil, "", errors.New("the passphrase is empty")
		}
		return append([]byte(nil), cred.Passphrase...), slotPassphrase, nil
	case cred.KeyFile != "":
		k, err := ReadKeyFile(cred.KeyFile)
		return k, slotKey, err
	default:
		if len(cred.Key) < minKeyLen {
			return nil, "", fmt.Errorf("the key holds %d bytes; at least %d are needed", len(cred.Key), minKeyLen)
		}
		return append([]byte(nil), cred.Key...), slotKey, nil
	}
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

func dsn(path string, sync string) string {
	return path + "?_pragma=busy_timeout(" + fmt.Sprint(busyTimeoutMS) + ")" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(" + sync + ")" +
		// Statement journals (savepoints) stay in memory instead of temp
		// files. The page cache stays at SQLite's default 2 MB: a 32 MB
		// one listed 100,000 secrets no faster (the operating system
		// caches the file too) but kept 30 MB per connection resident.
		"&_pragma=temp_store(MEMORY)&_pragma=cache_size(-2000)&_txlock=immediate"
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Region == "" {
		o.Region = "local"
	}
	if o.Account == "" {
		o.Account = "000000000000"
	}
	if o.Actor == "" {
		name := "unknown"
		if u, err := user.Current(); err == nil && u.Username != "" {
			name = u.Username
		}
		host, _ := os.Hostname()
		if host == "" {
			host = "localhost"
		}
		o.Actor = name + "@" + host
	}
	return o
}

// openFrozen opens a store file that cannot be written. With no
// write-ahead log to read, it is opened immutable, so SQLite needs no
// shared-memory file either; a log left by a process that stopped without
// checkpointing must be read through the shared-memory file, which only
// works if it exists.
func openFrozen(path string) (*sql.DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store path %q must not contain '?' or '#'", path)
	}
	uri := "file:" + strings.ReplaceAll(path, "%", "%25") + "?mode=ro"
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		uri += "&immutable=1"
	}
	db, err := sql.Open("sqlite", uri+"&_pragma=busy_timeout("+fmt.Sprint(busyTimeoutMS)+")&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, fmt.Errorf("open store read-only: %w", err)
	}
	return db, nil
}

func openDBs(path string) (db, rdb *sql.DB, err error) {
	if strings.ContainsAny(path, "?#") {
		return nil, nil, fmt.Errorf("store path %q must not contain '?' or '#'", path)
	}
	db, err = sql.Open("sqlite", dsn(path, "FULL"))
	if err != nil {
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	rdb, err = sql.Open("sqlite", dsn(path, "NORMAL"))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("open store: %w", err)
	}
	return db, rdb, nil
}

// sqliteCorrupt reports whether err says the file is not a usable database.
func sqliteConstraint(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

func sqliteCorrupt(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return true
		}
	}
	return false
}

// Init creates a new store at path unlocked by cred; it fails if one exists.
func Init(ctx context.Context, path string, cred Credential, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := checkRegionAccount(opts.Region, opts.Account); err != nil {
		return nil, err
	}
	secret, kind, err := credSecret(cred)
	if err != nil {
		return nil, err
	}
	defer wipe(secret)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create store directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("a store already exists at %s", path)
		}
		return nil, fmt.Errorf("create store: %w", err)
	}
	f.Close()
	created := false
	defer func() {
		if !created {
			os.Remove(path)
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
		}
	}()
	db, rdb, err := openDBs(path)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, opts: opts, db: db, rdb: rdb, keks: map[kekRef]cipher.AEAD{}, pinned: map[*sql.DB]*pinnedConn{}}
	if _, err := db.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
		s.Close()
		return nil, fmt.Errorf("create store: %w", err)
	}
	s.storeID, err = randomBytes(16)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.root, err = randomBytes(keyLen)
	if err != nil {
		s.Close()
		return nil, err
	}
	kdf := DefaultKDF()
	if opts.KDF != nil {
		kdf = *opts.KDF
	}

	if s.identKey, err = deriveIdentityKey(s.root); err != nil {
		s.Close()
		return nil, err
	}
	if err := createSchema(ctx, db); err != nil {
		s.Close()
		return nil, err
	}
	err = s.run(ctx, true, func(t *txn) error {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES
			('schema_version', '1'), ('store_id', ?), ('created', ?)`,
			s.storeID, t.now.UnixNano()); err != nil {
			return fatal(fmt.Errorf("create schema: %w", err))
		}
		// A new store is built by the same steps that upgrade an old one.
		if err := t.upgrade(1); err != nil {
			return err
		}
		slot, err := t.addSlot(kind, secret, cred, kdf)
		if err != nil {
			return fatal(err)
		}
		s.slot = slot
		if _, err := t.createKey(defaultKeyAlias); err != nil {
			return fatal(err)
		}
		return t.audit("InitStore", "", "", nil)
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	created = true
	return s, nil
}

// Open unlocks the existing store at path. A wrong credential, a damaged
// file or a missing file each give a clear error and write nothing.
func Open(ctx context.Context, path string, cred Credential, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", path, ErrStoreNotFound)
		}
		return nil, fmt.Errorf("open store: %w", err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory: %w", path, ErrCorrupt)
	}
	secret, kind, err := credSecret(cred)
	if err != nil {
		return nil, err
	}
	defer wipe(secret)
	frozen := !fileWritable(path)
	var db, rdb *sql.DB
	if frozen {
		opts.ReadOnly = true
		db, err = openFrozen(path)
		rdb = db
	} else {
		db, rdb, err = openDBs(path)
	}
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, opts: opts, db: db, rdb: rdb, frozen: frozen, keks: map[kekRef]cipher.AEAD{}, pinned: map[*sql.DB]*pinnedConn{}}
	version, err := s.unlock(ctx, kind, secret, cred)
	if err == nil {
		s.identKey, err = deriveIdentityKey(s.root)
	}
	if err == nil && version < currentSchema() {
		if frozen {
			err = fmt.Errorf("%s has schema version %d and must be upgraded to %d, which needs to write the file; open it once where it is writable", path, version, currentSchema())
		} else {
			err = s.upgradeFile(ctx)
		}
	}
	if err == nil {
		err = s.loadIdentity(ctx)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// upgradeFile brings an older file to the current schema, in one
// immediate transaction that first checks no other process did it already.
func (s *Store) upgradeFile(ctx context.Context) error {
	return s.run(ctx, true, func(t *txn) error {
		var text string
		if err := t.queryRow(`SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&text); err != nil {
			return internal(err)
		}
		from, err := parseSchemaVersion(s.path, text)
		if err != nil {
			return fatal(err)
		}
		if from == currentSchema() {
			return nil
		}
		if err := t.upgrade(from); err != nil {
			return err
		}
		return t.audit("UpgradeStore", "", "", nil)
	})
}

// loadIdentity reads the region and account the store was made with; every
// ARN holds them, so they come from the file, not from the caller.
func (s *Store) loadIdentity(ctx context.Context) error {
	for key, dst := range map[string]*string{"region": &s.opts.Region, "account": &s.opts.Account} {
		if err := s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(dst); err != nil {
			return fmt.Errorf("%s: %w (no %s: %v)", s.path, ErrCorrupt, key, err)
		}
	}
	return nil
}

// unlock finds the keyslot cred opens and returns the file's schema
// version.
func (s *Store) unlock(ctx context.Context, kind string, secret []byte, cred Credential) (int, error) {
	corrupt := func(err error) error {
		if sqliteCorrupt(err) || strings.Contains(err.Error(), "no such table") {
			return fmt.Errorf("%s: %w (%v)", s.path, ErrCorrupt, err)
		}
		return fmt.Errorf("open store %s: %w", s.path, err)
	}
	var version string
	if err := s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("%s: %w (no schema version)", s.path, ErrCorrupt)
		}
		return 0, corrupt(err)
	}
	schema, err := parseSchemaVersion(s.path, version)
	if err != nil {
		return 0, err
	}
	if err := s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'store_id'`).Scan(&s.storeID); err != nil {
		return 0, corrupt(err)
	}
	if len(s.storeID) != 16 {
		return 0, fmt.Errorf("%s: %w (bad store id)", s.path, ErrCorrupt)
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, salt, kdf_time, kdf_mem, kdf_threads, wrapped FROM keyslots WHERE kind = ? ORDER BY id`, kind)
	if err != nil {
		return 0, corrupt(err)
	}
	type slot struct {
		id            int64
		salt, wrapped []byte
		p             KDFParams
	}
	var slots []slot
	for rows.Next() {
		var sl slot
		if err := rows.Scan(&sl.id, &sl.salt, &sl.p.Time, &sl.p.MemoryKiB, &sl.p.Threads, &sl.wrapped); err != nil {
			rows.Close()
			return 0, corrupt(err)
		}
		slots = append(slots, sl)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, corrupt(err)
	}
	rows.Close()
	if len(slots) == 0 {
		return 0, fmt.Errorf("%w: the store has no %s keyslot", ErrWrongCredential, kind)
	}
	for _, sl := range slots {
		if kind == slotPassphrase {
			if err := checkKDF(sl.p); err != nil {
				return 0, fmt.Errorf("%s: %w (keyslot %d: %v)", s.path, ErrCorrupt, sl.id, err)
			}
		}
		a, err := slotCipher(cred, secret, sl.salt, sl.p)
		if err != nil {
			return 0, err
		}
		root, err := unwrap(a, sl.wrapped, slotAAD(s.storeID, kind))
		if err == nil && len(root) == keyLen {
			s.root = root
			s.slot = sl.id
			return schema, nil
		}
	}
	return 0, fmt.Errorf("%s: %w", s.path, ErrWrongCredential)
}

func (t *txn) addSlot(kind string, secret []byte, cred Credential, kdf KDFParams) (int64, error) {
	salt, err := randomBytes(16)
	if err != nil {
		return 0, err
	}
	if kind != slotPassphrase {
		kdf = KDFParams{}
	} else if err := checkKDF(kdf); err != nil {
		return 0, fmt.Errorf("passphrase keyslot cost: %w", err)
	}
	a, err := slotCipher(cred, secret, salt, kdf)
	if err != nil {
		return 0, err
	}
	w, err := wrap(a, t.s.root, slotAAD(t.s.storeID, kind))
	if err != nil {
		return 0, err
	}
	res, err := t.exec(`INSERT INTO keyslots(kind, salt, kdf_time, kdf_mem, kdf_threads, wrapped, created)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, kind, salt, kdf.Time, kdf.MemoryKiB, kdf.Threads, w, t.now.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("add keyslot: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("add keyslot: %w", err)
	}
	return id, nil
}

// Region returns the region the store was made with, which every ARN
// holds; a server checks SigV4 credential scopes against it.
func (s *Store) Region() string { return s.opts.Region }

// Account returns the account id every ARN holds.
func (s *Store) Account() string { return s.opts.Account }

// Path returns the store file's path.
func (s *Store) Path() string { return s.path }

// Info describes the store; it does no I/O.
func (s *Store) Info() backend.Info {
	return backend.Info{Kind: "local", Location: s.path, Region: s.opts.Region, Account: s.opts.Account, ReadOnly: s.opts.ReadOnly}
}

// Close releases the database and forgets the keys.
func (s *Store) Close() error {
	// Wait for an operation in flight to finish before taking its keys.
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commitGroup()
	s.keyMu.Lock()
	wipe(s.root)
	s.root = nil
	wipe(s.identKey)
	s.identKey = nil
	s.keks = map[kekRef]cipher.AEAD{}
	s.keyMu.Unlock()
	var errs []error
	errs = append(errs, s.keyLookup.close())
	errs = append(errs, s.closePinned())
	if s.rdb != nil && s.rdb != s.db {
		errs = append(errs, s.rdb.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	return errors.Join(errs...)
}

func constantTimeEqual(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

func createSchema(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	defer tx.Rollback()
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	return tx.Commit()
}

// checkRegionAccount refuses a region or account an ARN could not hold:
// both become part of every ARN for the store's life.
func checkRegionAccount(region, account string) error {
	okRegion := len(region) <= 32 && region[0] >= 'a' && region[0] <= 'z' && region[len(region)-1] != '-'
	for _, c := range []byte(region) {
		okRegion = okRegion && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')
	}
	if !okRegion {
		return fmt.Errorf("region %q: use lower-case letters, digits and hyphens, as in us-west-2 (at most 32 characters)", region)
	}
	okAccount := len(account) == 12
	for _, c := range []byte(account) {
		okAccount = okAccount && c >= '0' && c <= '9'
	}
	if !okAccount {
		return fmt.Errorf("account id %q: use 12 digits, as in 123456789012", account)
	}
	return nil
}
