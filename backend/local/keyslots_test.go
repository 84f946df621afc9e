package local

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// auditOps returns the operations of the newest n audit records, oldest
// first, with their outcome: "AddKeySlot ok".
func auditOps(t *testing.T, s *Store, n int) []string {
	t.Helper()
	recs, err := s.AuditLog(context.Background(), backend.AuditQuery{Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for i := len(recs) - 1; i >= 0; i-- {
		op := recs[i].Operation + " " + recs[i].Outcome
		if recs[i].ErrorCode != "" {
			op += " " + recs[i].ErrorCode
		}
		ops = append(ops, op)
	}
	return ops
}

func TestKeySlotLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	kf := filepath.Join(dir, "store.key")
	if err := GenerateKeyFile(kf); err != nil {
		t.Fatal(err)
	}
	s, err := Init(ctx, path, testPass(), Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "app/db", "hunter2")
	keyID, err := s.AddKeySlot(ctx, Credential{KeyFile: kf})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.AddKeySlot(ctx, Credential{KeyFile: kf})
	wantCode(t, err, backend.CodeResourceExists)
	if !strings.Contains(err.Error(), "already unlocks keyslot") {
		t.Errorf("duplicate key: %v", err)
	}
	slots, err := s.ListKeySlots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) != 2 || slots[0].Kind != KeySlotPassphrase || !slots[0].Current ||
		slots[1].ID != keyID || slots[1].Kind != KeySlotKey || slots[1].Current {
		t.Fatalf("slots after adding a key file: %+v", slots)
	}
	if slots[0].KDF != *cheapKDF || slots[1].KDF != (KDFParams{}) {
		t.Errorf("KDF parameters: %+v / %+v", slots[0].KDF, slots[1].KDF)
	}
	passID := slots[0].ID

	// The slot in use cannot be removed, nor one that does not exist.
	err = s.RemoveKeySlot(ctx, passID)
	wantCode(t, err, backend.CodeInvalidRequest)
	if !strings.Contains(err.Error(), "the store was unlocked with") {
		t.Errorf("removing the current slot: %v", err)
	}
	wantCode(t, s.RemoveKeySlot(ctx, 99), backend.CodeResourceNotFound)
	s.Close()

	// Unlocked by the key file, the passphrase slot can go.
	s, err = Open(ctx, path, Credential{KeyFile: kf}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveKeySlot(ctx, passID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.RemoveKeySlot(ctx, keyID), backend.CodeInvalidRequest)
	slots, err = s.ListKeySlots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) != 1 || slots[0].ID != keyID || !slots[0].Current {
		t.Fatalf("slots after removing the passphrase: %+v", slots)
	}
	got := auditOps(t, s, 3)
	want := []string{"RemoveKeySlot ok", "RemoveKeySlot error InvalidRequestException", "ListKeySlots ok"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit records %q, want %q", got, want)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()

	if _, err := Open(ctx, path, testPass(), Options{}); !errors.Is(err, ErrWrongCredential) {
		t.Fatalf("the removed passphrase still opens the store: %v", err)
	}
	s, err = Open(ctx, path, Credential{KeyFile: kf}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/db"}); *v.SecretString != "hunter2" {
		t.Fatalf("value after slot changes: %q", *v.SecretString)
	}
}

func TestChangePassphrase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	s, err := Init(ctx, path, testPass(), Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "app/db", "hunter2")
	_, err = s.ChangePassphrase(ctx, nil)
	wantCode(t, err, backend.CodeInvalidParameter)
	newPass := []byte("a much longer passphrase")
	id, err := s.ChangePassphrase(ctx, newPass)
	if err != nil {
		t.Fatal(err)
	}
	// The session goes on with the new slot as its own.
	slots, err := s.ListKeySlots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) != 1 || slots[0].ID != id || !slots[0].Current || slots[0].Kind != KeySlotPassphrase {
		t.Fatalf("slots after the change: %+v", slots)
	}
	wantCode(t, s.RemoveKeySlot(ctx, id), backend.CodeInvalidRequest)
	s.Close()

	if _, err := Open(ctx, path, testPass(), Options{}); !errors.Is(err, ErrWrongCredential) {
		t.Fatalf("the old passphrase still opens the store: %v", err)
	}
	s, err = Open(ctx, path, Credential{Passphrase: newPass}, Options{})
	if err != nil {
		t.Fatalf("the new passphrase: %v", err)
	}
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/db"}); *v.SecretString != "hunter2" {
		t.Fatalf("value after the change: %q", *v.SecretString)
	}
	s.Close()

	// A store opened with a key has no passphrase of the session's to change.
	kp := filepath.Join(dir, "k.db")
	ks, err := Init(ctx, kp, Credential{Key: make([]byte, 32)}, Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer ks.Close()
	_, err = ks.ChangePassphrase(ctx, newPass)
	wantCode(t, err, backend.CodeInvalidRequest)
	if !strings.Contains(err.Error(), "keyslot add --passphrase") {
		t.Errorf("changing the passphrase of a key-unlocked store: %v", err)
	}
}

func TestListKeys(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	id, err := s.CreateKey(ctx, "payments")
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "a", "1")
	for _, name := range []string{"b", "c"} {
		if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, SecretString: str("x"), KmsKeyID: "alias/payments"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RotateKey(ctx, "payments"); err != nil {
		t.Fatal(err)
	}
	keys, err := s.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("keys: %+v", keys)
	}
	def, pay := keys[0], keys[1]
	if def.Alias != "aws/secretsmanager" || def.Version != 1 || !def.Rotated.IsZero() || def.SecretVersions != 1 {
		t.Errorf("default key: %+v", def)
	}
	if pay.ID != id || pay.Alias != "payments" || pay.Version != 2 || pay.Rotated.IsZero() || pay.SecretVersions != 2 {
		t.Errorf("rotated key: %+v", pay)
	}
	for _, ref := range []string{id, "payments", "alias/payments", "arn:aws:kms:local:000000000000:alias/payments"} {
		k, err := s.DescribeKey(ctx, ref)
		if err != nil || k != pay {
			t.Errorf("DescribeKey(%s) = %+v, %v; want %+v", ref, k, err, pay)
		}
	}
	_, err = s.DescribeKey(ctx, "alias/nope")
	wantCode(t, err, backend.CodeResourceNotFound)
}
