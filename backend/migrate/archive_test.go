package migrate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend/local"
)

func passKey() ArchiveKey {
	return ArchiveKey{Passphrase: []byte("backup passphrase"), KDF: cheapKDF}
}

// TestBackupRestoreRoundTrip: local → backup file → local, compared version
// by version, under a passphrase and under a key file; the file holds no
// value or name in clear.
func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	want := take(t, src, true)
	delete(want, "old/gone")
	keyFile := filepath.Join(t.TempDir(), "backup.key")
	if err := local.GenerateKeyFile(keyFile); err != nil {
		t.Fatal(err)
	}
	// A key file of raw bytes opens a store, so it seals a backup too.
	rawKeyFile := filepath.Join(t.TempDir(), "raw.key")
	if err := os.WriteFile(rawKeyFile, bytes.Repeat([]byte{0x9c}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]ArchiveKey{"passphrase": passKey(), "key file": {KeyFile: keyFile}, "raw key file": {KeyFile: rawKeyFile}} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "team.backup")
			rep, err := Backup(ctx, NewBackendSource(src, SourceOptions{IncludeDeprecated: true}), path, key, Options{})
			wantOK(t, rep, err)
			if rep.Verified != len(want) || rep.Count(Written) != len(want) {
				t.Errorf("verified %d, written %d, want %d", rep.Verified, rep.Count(Written), len(want))
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, clear := range []string{"three", `"password"`, "app/plain", "blue", "prod"} {
				if bytes.Contains(raw, []byte(clear)) {
					t.Errorf("the backup holds %q in clear", clear)
				}
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
				t.Errorf("backup mode %v, want 0600", fi.Mode().Perm())
			}
			dst := newStore(t)
			rep, err = Migrate(ctx, &ArchiveSource{Path: path, Key: key}, dst, Options{})
			wantOK(t, rep, err)
			sameSnapshot(t, "restored", take(t, dst, true), want)
			if _, err := Backup(ctx, NewBackendSource(src, SourceOptions{}), path, key, Options{}); err == nil || !strings.Contains(err.Error(), "already exists") {
				t.Errorf("a second backup to the same path: %v, want a refusal", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, raw) {
				t.Error("the refused backup changed the existing file")
			}
		})
	}
}

// TestDamagedBackupsGiveClearErrors: a wrong passphrase, a wrong kind of
// key, a truncated file, a flipped byte and a file that is not a backup
// each fail with an error that says which, and restore nothing wrong.
func TestDamagedBackupsGiveClearErrors(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	dir := t.TempDir()
	path := filepath.Join(dir, "good.backup")
	rep, err := Backup(ctx, NewBackendSource(src, SourceOptions{IncludeDeprecated: true}), path, passKey(), Options{})
	wantOK(t, rep, err)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	restore := func(data []byte, key ArchiveKey) error {
		p := filepath.Join(t.TempDir(), "b")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Migrate(ctx, &ArchiveSource{Path: p, Key: key}, newStore(t), Options{})
		return err
	}
	wrong := passKey()
	wrong.Passphrase = []byte("not it")
	if err := restore(good, wrong); err == nil || !strings.Contains(err.Error(), "wrong passphrase or key file") {
		t.Errorf("wrong passphrase: %v", err)
	}
	if err := restore(good, ArchiveKey{KeyFile: "/nonexistent"}); err == nil || !strings.Contains(err.Error(), "sealed with a passphrase") {
		t.Errorf("key file for a passphrase backup: %v", err)
	}
	if err := restore([]byte("hello, world\n"), passKey()); err == nil || !strings.Contains(err.Error(), "not a secretary backup") {
		t.Errorf("not a backup: %v", err)
	}
	for _, cut := range []int{len(archiveMagic) + 2, len(good) / 3, len(good) / 2, len(good) - 1} {
		err := restore(good[:cut], passKey())
		if !errors.Is(err, ErrArchive) || !strings.Contains(err.Error(), "truncated") {
			t.Errorf("cut at %d of %d: %v, want a truncation error", cut, len(good), err)
		}
	}
	flipped := bytes.Clone(good)
	flipped[len(good)-40] ^= 1
	if err := restore(flipped, passKey()); !errors.Is(err, ErrArchive) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("flipped byte: %v, want a damage error", err)
	}
	// A crafted header asking Argon2id for 2 GiB is refused before the
	// key is derived.
	costly := []byte(`{"format":1,"cipher":"AES-256-GCM","created":"2026-01-01T00:00:00Z","kdf":{"name":"argon2id","salt":"AAAAAAAAAAAAAAAAAAAAAA==","time":1,"memoryKiB":2097152,"threads":1}}`)
	crafted := append([]byte(archiveMagic), byte(len(costly)>>24), byte(len(costly)>>16), byte(len(costly)>>8), byte(len(costly)))
	if err := restore(append(crafted, costly...), passKey()); err == nil || !strings.Contains(err.Error(), "out of bounds") {
		t.Errorf("costly KDF: %v", err)
	}
	huge := bytes.Clone(good)
	// Claim a header of 4 GiB: refused before any allocation.
	copy(huge[len(archiveMagic):], []byte{0xff, 0xff, 0xff, 0xff})
	if err := restore(huge, passKey()); !errors.Is(err, ErrArchive) || !strings.Contains(err.Error(), "header claims") {
		t.Errorf("huge header: %v", err)
	}
}
