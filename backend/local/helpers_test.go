package local

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// cheapKDF keeps passphrase slots fast in tests; one test covers the
// default cost.
var cheapKDF = &KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

func testPass() Credential { return Credential{Passphrase: []byte("correct horse battery staple")} }

// fakeClock is a settable clock shared by a store and its test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newStore(t testing.TB, opts Options) *Store {
	t.Helper()
	if opts.KDF == nil {
		opts.KDF = cheapKDF
	}
	if opts.Actor == "" {
		opts.Actor = "tester@test"
	}
	path := filepath.Join(t.TempDir(), "store", "store.db")
	s, err := Init(context.Background(), path, testPass(), opts)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func str(s string) *string { return &s }

func mustCreate(t testing.TB, s backend.Backend, name, value string) *backend.CreateSecretOutput {
	t.Helper()
	out, err := s.CreateSecret(context.Background(), &backend.CreateSecretInput{Name: name, SecretString: str(value)})
	if err != nil {
		t.Fatalf("CreateSecret(%s): %v", name, err)
	}
	return out
}

func mustGet(t testing.TB, s backend.Backend, in *backend.GetSecretValueInput) *backend.SecretValue {
	t.Helper()
	v, err := s.GetSecretValue(context.Background(), in)
	if err != nil {
		t.Fatalf("GetSecretValue(%+v): %v", in, err)
	}
	return v
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := backend.Code(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}
