package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// filesUnder returns the contents of every file under dir.
func filesUnder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[p] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func hashes(t *testing.T, dir string) map[string][32]byte {
	out := map[string][32]byte{}
	for p, b := range filesUnder(t, dir) {
		out[p] = sha256.Sum256(b)
	}
	return out
}

// rawDB opens the store file directly, bypassing the store, as an attacker
// with the file would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMarkerValueIsInNoFile(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	const marker = "MARKER-7f3a9c-plaintext-must-not-reach-disk"
	mustCreate(t, s, "app/marker", marker)
	if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "app/marker", SecretBinary: []byte(marker + "-binary")}); err != nil {
		t.Fatal(err)
	}
	mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/marker", VersionStage: "AWSPREVIOUS"})
	check := func(when string) {
		files := filesUnder(t, filepath.Dir(s.Path()))
		if len(files) == 0 {
			t.Fatal("no files found")
		}
		for p, b := range files {
			if bytes.Contains(b, []byte(marker)) {
				t.Fatalf("%s: the plaintext marker is in %s", when, p)
			}
		}
	}
	// While open, the WAL and shared-memory files exist and hold the latest
	// pages.
	if _, err := os.Stat(s.Path() + "-wal"); err != nil {
		t.Fatalf("expected a WAL file while open: %v", err)
	}
	check("while open")
	s.Close()
	check("after close")
}

func TestCiphertextMovedElsewhereFailsToDecrypt(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	a := mustCreate(t, s, "app/a", "value-a")
	a2, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "app/a", SecretString: str("value-a2")})
	if err != nil {
		t.Fatal(err)
	}
	b := mustCreate(t, s, "app/b", "value-b")
	db := rawDB(t, s.Path())
	copyVersion := func(fromSecret, fromVersion, toSecret, toVersion string) {
		t.Helper()
		_, err := db.Exec(`UPDATE versions SET (key_id, key_version, wrapped_dek, ciphertext) =
			(SELECT key_id, key_version, wrapped_dek, ciphertext FROM versions v JOIN secrets s ON s.id = v.secret_id
			 WHERE s.name = ? AND v.version_id = ?)
			WHERE version_id = ? AND secret_id = (SELECT id FROM secrets WHERE name = ?)`,
			fromSecret, fromVersion, toVersion, toSecret)
		if err != nil {
			t.Fatal(err)
		}
	}
	// Onto another version of the same secret.
	copyVersion("app/a", a.VersionID, "app/a", a2.VersionID)
	_, err = s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "app/a"})
	wantCode(t, err, backend.CodeDecryptionFailure)
	// Onto another secret.
	copyVersion("app/a", a.VersionID, "app/b", b.VersionID)
	_, err = s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "app/b"})
	wantCode(t, err, backend.CodeDecryptionFailure)
	// The original still decrypts.
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/a", VersionID: a.VersionID}); *v.SecretString != "value-a" {
		t.Fatalf("original = %q", *v.SecretString)
	}
	// Only the value swapped, the data key left: the value's own AAD fails.
	if _, err := db.Exec(`UPDATE versions SET ciphertext = (SELECT ciphertext FROM versions WHERE version_id = ?) WHERE version_id = ?`,
		a.VersionID, a2.VersionID); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "app/a", VersionID: a2.VersionID})
	wantCode(t, err, backend.CodeDecryptionFailure)
	if recs, _ := s.AuditLog(ctx, backend.AuditQuery{Limit: 1}); len(recs) != 1 || recs[0].ErrorCode != backend.CodeDecryptionFailure {
		t.Fatalf("the failed read was not audited: %+v", recs)
	}
}

func TestWrongPassphraseChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "app/x", "x")
	path := s.Path()
	s.Close()
	before := hashes(t, filepath.Dir(path))
	for _, cred := range []Credential{
		{Passphrase: []byte("not the passphrase")},
		{Key: bytes.Repeat([]byte{7}, 32)},
	} {
		_, err := Open(ctx, path, cred, Options{})
		if !errors.Is(err, ErrWrongCredential) {
			t.Fatalf("Open with a wrong credential: %v", err)
		}
	}
	after := hashes(t, filepath.Dir(path))
	if len(before) != len(after) {
		t.Fatalf("files before %d, after %d", len(before), len(after))
	}
	for p, h := range before {
		if after[p] != h {
			t.Fatalf("%s changed after a wrong passphrase", p)
		}
	}
}

func TestDamagedFilesGiveClearErrors(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	for i := range 50 {
		mustCreate(t, s, "app/s"+string(rune('a'+i%26))+string(rune('a'+i/26)), "some value")
	}
	path := s.Path()
	s.Close()
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":          {},
		"short":          orig[:50],
		"one page":       orig[:4096],
		"half":           orig[:len(orig)/2],
		"garbage":        bytes.Repeat([]byte("not a database "), 1000),
		"zeroed header":  append(make([]byte, 100), orig[100:]...),
		"zeroed content": append(append([]byte(nil), orig[:4096]...), make([]byte, len(orig)-4096)...),
		"zeroed tail":    append(append([]byte(nil), orig[:len(orig)/2]...), make([]byte, len(orig)-len(orig)/2)...),
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "store.db")
			if err := os.WriteFile(p, content, 0o600); err != nil {
				t.Fatal(err)
			}
			st, err := Open(ctx, p, testPass(), Options{})
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Open: %v, want ErrCorrupt", err)
				}
				t.Logf("Open: %v", err)
				return
			}
			// The header and keyslots survived: every operation must fail
			// cleanly or work, never panic.
			defer st.Close()
			_, lerr := st.ListSecrets(ctx, &backend.ListSecretsInput{})
			_, gerr := st.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "app/saa"})
			verr := st.VerifyAudit(ctx)
			t.Logf("opened; ListSecrets: %v; GetSecretValue: %v; VerifyAudit: %v", lerr, gerr, verr)
			if lerr == nil && gerr == nil && verr == nil {
				t.Fatalf("a damaged store worked in full")
			}
			for _, e := range []error{lerr, gerr} {
				if e != nil && !errors.Is(e, ErrCorrupt) && backend.Code(e) == "" {
					t.Errorf("unclear error: %v", e)
				}
			}
		})
	}
}

// Check tells a file that is not a store from one that may be, without a
// credential, so nobody is asked for a passphrase a damaged file could never
// accept.
func TestCheckWithoutCredential(t *testing.T) {
	s := newStore(t, Options{})
	good := s.Path()
	s.Close()
	if err := Check(good); err != nil {
		t.Fatalf("Check of a good store: %v", err)
	}
	dir := t.TempDir()
	if err := Check(filepath.Join(dir, "none.db")); !errors.Is(err, ErrStoreNotFound) {
		t.Fatalf("Check of a missing file: %v, want ErrStoreNotFound", err)
	}
	if err := Check(dir); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Check of a directory: %v, want ErrCorrupt", err)
	}
	for name, content := range map[string][]byte{
		"empty":   {},
		"garbage": []byte("not a database at all"),
		"text":    []byte("SQLite format 2\n"),
	} {
		p := filepath.Join(dir, name+".db")
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		err := Check(p)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) {
			t.Errorf("Check(%s): %v, want ErrCorrupt naming the file", name, err)
		}
	}
}

func TestAuditTamperingNamesTheRecord(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "app/a", "x")
	for range 5 {
		mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/a"})
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, s.Path())
	cases := []struct {
		name string
		sql  string
		seq  int64
	}{
		{"altered field", `UPDATE audit SET actor = 'someone-else' WHERE seq = 4`, 4},
		{"deleted record", `DELETE FROM audit WHERE seq = 3`, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := db.Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			err := s.VerifyAudit(ctx)
			var ae *AuditError
			if !errors.As(err, &ae) || ae.Seq != c.seq {
				t.Fatalf("VerifyAudit = %v, want a failure naming record %d", err, c.seq)
			}
		})
	}
}

func TestRotateKeyRewrapsWithoutReencrypting(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	keyID, err := s.CreateKey(ctx, "payments")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "pay/db", KmsKeyID: "alias/payments", SecretString: str("p1")}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "other", "o1")
	db := rawDB(t, s.Path())
	snapshot := func() (ct map[string][]byte, dek map[string][]byte) {
		ct, dek = map[string][]byte{}, map[string][]byte{}
		rows, err := db.Query(`SELECT version_id, ciphertext, wrapped_dek FROM versions`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var c, d []byte
			if err := rows.Scan(&id, &c, &d); err != nil {
				t.Fatal(err)
			}
			ct[id], dek[id] = c, d
		}
		return ct, dek
	}
	ct1, dek1 := snapshot()
	if err := s.RotateKey(ctx, keyID); err != nil {
		t.Fatal(err)
	}
	ct2, dek2 := snapshot()
	rewrapped := 0
	for id := range ct1 {
		if !bytes.Equal(ct1[id], ct2[id]) {
			t.Fatalf("version %s: value ciphertext changed on key rotation", id)
		}
		if !bytes.Equal(dek1[id], dek2[id]) {
			rewrapped++
		}
	}
	if rewrapped != 1 {
		t.Fatalf("%d data keys re-wrapped, want 1 (only the secret under the rotated key)", rewrapped)
	}
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "pay/db"}); *v.SecretString != "p1" {
		t.Fatalf("after rotation: %q", *v.SecretString)
	}
	vs, err := s.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: "pay/db"})
	if err != nil || len(vs.Versions) != 1 || vs.Versions[0].KmsKeyIDs[0] != "alias/payments" {
		t.Fatalf("versions %+v, %v", vs, err)
	}
	if err := s.RotateKey(ctx, "alias/nope"); backend.Code(err) != backend.CodeResourceNotFound {
		t.Fatalf("rotating an unknown key: %v", err)
	}
}

// TestDefaultKDFCost unlocks through a passphrase slot at the default
// Argon2id cost (BenchmarkArgon2Default measures its time).
func TestDefaultKDFCost(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Init(ctx, path, testPass(), Options{Actor: "t"})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "a", "b")
	s.Close()
	s, err = Open(ctx, path, testPass(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var p KDFParams
	if err := s.rdb.QueryRow(`SELECT kdf_time, kdf_mem, kdf_threads FROM keyslots WHERE kind = 'passphrase'`).Scan(&p.Time, &p.MemoryKiB, &p.Threads); err != nil {
		t.Fatal(err)
	}
	if p != DefaultKDF() {
		t.Fatalf("slot params %+v, want the default %+v", p, DefaultKDF())
	}
}

func TestKeySlotsAndKeyFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kf := filepath.Join(dir, "keys", "store.key")
	if err := GenerateKeyFile(kf); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(kf); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode())
	}
	if err := GenerateKeyFile(kf); err == nil {
		t.Fatal("GenerateKeyFile overwrote an existing file")
	}
	path := filepath.Join(dir, "store.db")
	s, err := Init(ctx, path, Credential{KeyFile: kf}, Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Init(ctx, path, Credential{KeyFile: kf}, Options{KDF: cheapKDF}); err == nil {
		t.Fatal("Init over an existing store succeeded")
	}
	if _, err := s.AddKeySlot(ctx, testPass()); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "a", "b")
	s.Close()
	for _, cred := range []Credential{{KeyFile: kf}, testPass()} {
		s, err := Open(ctx, path, cred, Options{})
		if err != nil {
			t.Fatalf("Open with %+v: %v", cred.KeyFile, err)
		}
		if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "a"}); *v.SecretString != "b" {
			t.Fatal(*v.SecretString)
		}
		s.Close()
	}
	if _, err := Open(ctx, path, Credential{}, Options{}); err == nil {
		t.Fatal("Open without a credential succeeded")
	}
	if _, err := Open(ctx, path, Credential{Key: []byte("short")}, Options{}); err == nil {
		t.Fatal("a 5-byte key was accepted")
	}
}

func TestChangingKeyRewrapsLabelledVersions(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	if _, err := s.CreateKey(ctx, "team"); err != nil {
		t.Fatal(err)
	}
	c := mustCreate(t, s, "app/k", "v1")
	var ids []string
	for _, v := range []string{"v2", "v3"} {
		p, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "app/k", SecretString: str(v)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.VersionID)
	}
	// c is now deprecated, ids[0] AWSPREVIOUS, ids[1] AWSCURRENT.
	if _, err := s.UpdateSecret(ctx, &backend.UpdateSecretInput{SecretID: "app/k", KmsKeyID: str("alias/team")}); err != nil {
		t.Fatal(err)
	}
	vs, err := s.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: "app/k", IncludeDeprecated: true})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, v := range vs.Versions {
		keys[v.VersionID] = v.KmsKeyIDs[0]
	}
	want := map[string]string{c.VersionID: "DefaultEncryptionKey", ids[0]: "alias/team", ids[1]: "alias/team"}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	for _, id := range append(ids, c.VersionID) {
		mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/k", VersionID: id})
	}
	m, err := s.DescribeSecret(ctx, "app/k")
	if err != nil || m.KmsKeyID != "alias/team" {
		t.Fatalf("KmsKeyId %q, %v", m.KmsKeyID, err)
	}
	_, err = s.UpdateSecret(ctx, &backend.UpdateSecretInput{SecretID: "app/k", KmsKeyID: str("alias/missing")})
	wantCode(t, err, backend.CodeEncryptionFailure)
}
