// Package localtest is the test fixture every package's tests import
// instead of building their own: a real embedded store in a temporary
// directory, that store (or any backend) served over the Secrets Manager
// API on a loopback socket as `secretary serve` serves it, and helpers
// that seed secrets. Everything is real: the SQLite file, the envelope
// encryption, the server's SigV4 checks, the AWS SDK.
//
// It is imported only from _test.go files.
package localtest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/secretary-sh/secretary/backend/local"
)

// CheapKDF makes passphrase keyslots fast to unlock. A store protected by
// it is only as strong as the passphrase, which is fine for a throwaway
// store in a test and never for a real one.
var CheapKDF = &local.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

// Store is a store created for one test. It is closed when the test ends.
type Store struct {
	*local.Store
	// Dir is the test's directory holding the store.
	Dir string
	// Path is the SQLite file.
	Path string
	// KeyFile unlocks the store ("" for a store made by
	// NewPassphraseStore).
	KeyFile string
}

// Credential is what unlocks the store again, for a test that reopens it
// or runs the secretary binary on it.
func (s *Store) Credential() local.Credential { return local.Credential{KeyFile: s.KeyFile} }

// NewStore creates an embedded store in t.TempDir(), unlocked by a key
// file, with the audit actor "test@host".
func NewStore(t testing.TB) *Store {
	t.Helper()
	return NewStoreWith(t, local.Options{})
}

// NewStoreWith is NewStore with the store's options (clock, rotation
// functions, actor...). An unset Actor is "test@host" and an unset KDF is
// CheapKDF.
func NewStoreWith(t testing.TB, opts local.Options) *Store {
	t.Helper()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "store.key")
	if err := local.GenerateKeyFile(keyFile); err != nil {
		t.Fatalf("key file: %v", err)
	}
	s := create(t, dir, local.Credential{KeyFile: keyFile}, opts)
	s.KeyFile = keyFile
	return s
}

// NewPassphraseStore creates a store whose only keyslot is passphrase,
// for tests of what an operator who types a passphrase sees.
func NewPassphraseStore(t testing.TB, passphrase string, opts local.Options) *Store {
	t.Helper()
	return create(t, t.TempDir(), local.Credential{Passphrase: []byte(passphrase)}, opts)
}

func create(t testing.TB, dir string, cred local.Credential, opts local.Options) *Store {
	t.Helper()
	if opts.Actor == "" {
		opts.Actor = "test@host"
	}
	if opts.KDF == nil {
		opts.KDF = CheapKDF
	}
	path := filepath.Join(dir, "store.db")
	st, err := local.Init(context.Background(), path, cred, opts)
	if err != nil {
		t.Fatalf("create store: %v", err)
	}
	// A test may close the store itself (to reopen it); closing twice is
	// harmless, so the error of this one says nothing.
	t.Cleanup(func() { _ = st.Close() })
	return &Store{Store: st, Dir: dir, Path: path}
}

// Open opens an existing store (one made by `secretary init`, or reopened
// after the test closed it) and closes it when the test ends.
func Open(t testing.TB, path string, cred local.Credential, opts local.Options) *local.Store {
	t.Helper()
	st, err := local.Open(context.Background(), path, cred, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
