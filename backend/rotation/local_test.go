package rotation_test

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local"
)

// newLocalStore creates an embedded store in a temporary directory, unlocked
// by a random key.
func newLocalStore(t *testing.T) backend.Backend {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s, err := local.Init(context.Background(), filepath.Join(t.TempDir(), "store.db"), local.Credential{Key: key}, local.Options{Actor: "rotation-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
