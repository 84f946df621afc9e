// Package local is the embedded encrypted store: one SQLite file holding
// secrets whose values are sealed with envelope encryption, unlocked through
// keyslots, with a hash-chained audit log. It behaves like AWS Secrets
// Manager through the backend contract.
package local

import (
	"context"
	"errors"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// Credential unlocks a store; exactly one field is set.
type Credential struct {
	Passphrase []byte // passphrase keyslot (Argon2id)
	KeyFile    string // path of a key file made by GenerateKeyFile
	Key        []byte // raw key material, e.g. decoded from an environment variable
}

// Options tune how a store is opened.
type Options struct {
	Actor    string           // audit actor; default "<user>@<host>"
	Now      func() time.Time // clock; default time.Now
	Region   string           // ARN region; default "local"
	Account  string           // ARN account; default "000000000000"
	ReadOnly bool             // every mutation fails with InvalidRequestException
	KDF      *KDFParams       // Argon2id cost for new passphrase slots; nil = default
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
)

var errNotBuilt = errors.New("local store: not implemented yet")

// Store is an open embedded store. It implements backend.Backend,
// backend.Auditor and backend.Streamer.
type Store struct {
	path string
}

// DefaultPath returns $XDG_DATA_HOME/secretary/store.db, or
// ~/.local/share/secretary/store.db.
func DefaultPath() (string, error) { return "", errNotBuilt }

// Exists reports whether a store file exists at path.
func Exists(path string) (bool, error) { return false, errNotBuilt }

// Init creates a new store at path unlocked by cred; it fails if one exists.
func Init(ctx context.Context, path string, cred Credential, opts Options) (*Store, error) {
	return nil, errNotBuilt
}

// Open unlocks the existing store at path.
func Open(ctx context.Context, path string, cred Credential, opts Options) (*Store, error) {
	return nil, errNotBuilt
}

// GenerateKeyFile writes a random 256-bit key to path with mode 0600; it
// refuses to overwrite an existing file.
func GenerateKeyFile(path string) error { return errNotBuilt }

// Batch runs fn's operations in one write transaction: all or nothing.
func (s *Store) Batch(ctx context.Context, fn func(ctx context.Context, b backend.Backend) error) error {
	return errNotBuilt
}

// AddKeySlot adds another way to unlock the store.
func (s *Store) AddKeySlot(ctx context.Context, cred Credential) error { return errNotBuilt }

// CreateKey creates a named key-encryption key and returns its id.
func (s *Store) CreateKey(ctx context.Context, alias string) (string, error) {
	return "", errNotBuilt
}

// RotateKey adds a new version of a key and re-wraps its data keys.
func (s *Store) RotateKey(ctx context.Context, keyIDOrAlias string) error { return errNotBuilt }

// Path returns the store file's path.
func (s *Store) Path() string { return s.path }
