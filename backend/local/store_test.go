package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

func TestRoundTripAndLabels(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	c := mustCreate(t, s, "prod/db", "v1")
	if c.VersionID == "" {
		t.Fatal("no version id for a secret created with a value")
	}
	v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "prod/db"})
	if *v.SecretString != "v1" || !reflect.DeepEqual(v.VersionStages, []string{"AWSCURRENT"}) {
		t.Fatalf("got %q %v", *v.SecretString, v.VersionStages)
	}
	p, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: c.ARN, SecretString: str("v2")})
	if err != nil {
		t.Fatal(err)
	}
	prev := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "prod/db", VersionStage: "AWSPREVIOUS"})
	if *prev.SecretString != "v1" || prev.VersionID != c.VersionID {
		t.Fatalf("AWSPREVIOUS = %q %s", *prev.SecretString, prev.VersionID)
	}
	cur := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "prod/db"})
	if *cur.SecretString != "v2" || cur.VersionID != p.VersionID {
		t.Fatalf("AWSCURRENT = %q", *cur.SecretString)
	}
	// Partial ARN (without the random suffix) resolves too.
	partial := c.ARN[:len(c.ARN)-7]
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: partial}); v.VersionID != p.VersionID {
		t.Fatalf("partial ARN got %s", v.VersionID)
	}
	// Roll back: move AWSCURRENT to v1.
	if _, err := s.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{
		SecretID: "prod/db", VersionStage: "AWSCURRENT", MoveToVersionID: c.VersionID, RemoveFromVersionID: p.VersionID,
	}); err != nil {
		t.Fatal(err)
	}
	m, err := s.DescribeSecret(ctx, "prod/db")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{c.VersionID: {"AWSCURRENT"}, p.VersionID: {"AWSPREVIOUS"}}
	if !reflect.DeepEqual(m.VersionIdsToStages, want) {
		t.Fatalf("stages %v, want %v", m.VersionIdsToStages, want)
	}
	// Idempotent token.
	tok := "11111111-2222-3333-4444-555555555555"
	for i := 0; i < 2; i++ {
		if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "prod/db", ClientRequestToken: tok, SecretString: str("v3")}); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	_, err = s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "prod/db", ClientRequestToken: tok, SecretString: str("other")})
	wantCode(t, err, backend.CodeResourceExists)
	_, err = s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "nope"})
	wantCode(t, err, backend.CodeResourceNotFound)
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := s.AuditLog(ctx, backend.AuditQuery{SecretID: "prod/db"})
	if err != nil || len(recs) < 8 {
		t.Fatalf("audit records %d, %v", len(recs), err)
	}
}

func TestOpenWrongAndMissing(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	path := s.Path()
	mustCreate(t, s, "a", "b")
	s.Close()
	_, err := Open(ctx, path, Credential{Passphrase: []byte("wrong")}, Options{})
	if !errors.Is(err, ErrWrongCredential) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	s2, err := Open(ctx, path, testPass(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if v := mustGet(t, s2, &backend.GetSecretValueInput{SecretID: "a"}); *v.SecretString != "b" {
		t.Fatal(*v.SecretString)
	}
	_, err = Open(ctx, filepath.Join(t.TempDir(), "none.db"), testPass(), Options{})
	if !errors.Is(err, ErrStoreNotFound) {
		t.Fatalf("missing store: %v", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s while the store is open: %v", p, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s has mode %v, want 0600", p, fi.Mode())
		}
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", di.Mode())
	}
}

func TestDefaultPathAndExists(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data/home")
	if p, err := DefaultPath(); err != nil || p != "/data/home/secretary/store.db" {
		t.Fatalf("with XDG_DATA_HOME: %q, %v", p, err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/op")
	if p, err := DefaultPath(); err != nil || p != "/home/op/.local/share/secretary/store.db" {
		t.Fatalf("without XDG_DATA_HOME: %q, %v", p, err)
	}
	dir := t.TempDir()
	if ok, err := Exists(filepath.Join(dir, "none.db")); ok || err != nil {
		t.Fatalf("Exists(missing) = %v, %v", ok, err)
	}
	p := filepath.Join(dir, "store.db")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, err := Exists(p); !ok || err != nil {
		t.Fatalf("Exists(present) = %v, %v", ok, err)
	}
}
