//go:build unix

package local

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// makeReadOnly makes dir and what it holds unwritable: a read-only bind
// mount for root (whom permissions do not stop), file modes otherwise.
func makeReadOnly(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(filepath.Join(dir, "store.db"), 0o400); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		return
	}
	mount := func(args ...string) error {
		out, err := exec.Command("mount", args...).CombinedOutput()
		if err != nil {
			return &exec.Error{Name: "mount " + strings.Join(args, " ") + ": " + strings.TrimSpace(string(out)), Err: err}
		}
		return nil
	}
	if err := mount("--bind", dir, dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true: cannot make a read-only mount as root: %v", err)
		}
		t.Skipf("running as root without mount(8) working, so a read-only filesystem cannot be made: %v", err)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	if err := mount("-o", "remount,ro,bind", dir); err != nil {
		t.Fatal(err)
	}
}

// A store on a read-only filesystem still serves reads: it is opened
// read-only, refuses changes with a clear error, and the file is left
// byte for byte as it was.
func TestReadOnlyFilesystemStillServesReads(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "store.db")
	s, err := Init(ctx, path, testPass(), Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "prod/db", "pw")
	s.Close()
	makeReadOnly(t, dir)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path, testPass(), Options{})
	if err != nil {
		t.Fatalf("Open on a read-only filesystem: %v", err)
	}
	defer s.Close()
	if !s.Info().ReadOnly {
		t.Fatal("Info does not say the store is read-only")
	}
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "prod/db"}); *v.SecretString != "pw" {
		t.Fatalf("value %q", *v.SecretString)
	}
	if _, err := s.DescribeSecret(ctx, "prod/db"); err != nil {
		t.Fatal(err)
	}
	if l, err := s.ListSecrets(ctx, &backend.ListSecretsInput{}); err != nil || len(l.Secrets) != 1 {
		t.Fatalf("ListSecrets: %+v %v", l, err)
	}
	_, err = s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "prod/db", SecretString: str("new")})
	wantCode(t, err, backend.CodeInvalidRequest)
	if !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("refusal %q does not say why", err)
	}
	s.Close()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("the store file changed")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("files beside the store: %v", entries)
	}
}

// An older file on a read-only filesystem cannot be upgraded: Open says so
// instead of failing inside SQLite.
func TestReadOnlyFilesystemOldSchemaSaysItNeedsAnUpgrade(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile(filepath.Join("testdata", "store-v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "store.db")
	if err := os.WriteFile(path, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	makeReadOnly(t, dir)
	_, err = Open(context.Background(), path, Credential{Key: []byte("schema-v1-fixture-key-0123456789")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "must be upgraded") || !strings.Contains(err.Error(), "writable") {
		t.Fatalf("Open = %v, want a refusal saying the file must be upgraded where it is writable", err)
	}
}
