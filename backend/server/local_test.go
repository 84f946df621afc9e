package server

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"

	"github.com/secretary-sh/secretary/backend/local"
)

// servedStore is the embedded store served by Run on a real loopback socket.
type servedStore struct {
	store    *local.Store
	endpoint string
	keyID    string
	secret   string
}

// serveLocal creates a store in a temporary directory, registers one access
// key and serves the store until the test ends.
func serveLocal(t testing.TB) *servedStore {
	t.Helper()
	return serveLocalWith(t, Config{})
}

// serveLocalWith is serveLocal with Run's configuration (TLS) given; its
// Handler and Ready are filled in.
func serveLocalWith(t testing.TB, cfg Config) *servedStore {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "store.db")
	st, err := local.Init(context.Background(), path, local.Credential{Key: key}, local.Options{Actor: "test@host"})
	if err != nil {
		t.Fatalf("init store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	keys := staticKeys{testKeyID: testSecret}
	h, err := New(st, Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	endpoint := make(chan string, 1)
	done := make(chan error, 1)
	cfg.Handler = h
	cfg.Ready = func(e string) { endpoint <- e }
	go func() { done <- Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case e := <-endpoint:
		return &servedStore{store: st, endpoint: e, keyID: testKeyID, secret: testSecret}
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	return nil
}
