package local

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

var (
	accessKeyIDRE     = regexp.MustCompile(`^SKIA[A-Z2-7]{16}$`)
	accessKeySecretRE = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
)

func mustCreateAccessKey(t *testing.T, s *Store, desc string) *NewAccessKey {
	t.Helper()
	k, err := s.CreateAccessKey(context.Background(), desc)
	if err != nil {
		t.Fatalf("CreateAccessKey: %v", err)
	}
	return k
}

func TestAccessKeyRoundTrip(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	if keys, err := s.ListAccessKeys(ctx); err != nil || len(keys) != 0 {
		t.Fatalf("a new store lists %v, %v; want no keys", keys, err)
	}
	if n, err := s.CountAccessKeys(ctx); err != nil || n != 0 {
		t.Fatalf("a new store counts %d keys, %v", n, err)
	}
	a := mustCreateAccessKey(t, s, "payments service")
	clock.Advance(time.Second)
	b := mustCreateAccessKey(t, s, "")
	for _, k := range []*NewAccessKey{a, b} {
		if !accessKeyIDRE.MatchString(k.ID) || !accessKeySecretRE.MatchString(k.Secret) {
			t.Fatalf("key %q / secret of %d characters: not the documented shape", k.ID, len(k.Secret))
		}
	}
	if a.ID == b.ID || a.Secret == b.Secret {
		t.Fatal("two keys share an id or a secret")
	}
	if !a.Created.Equal(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("Created = %v", a.Created)
	}
	got, err := s.SecretKey(ctx, a.ID)
	if err != nil || string(got) != a.Secret {
		t.Fatalf("SecretKey(a) = %q, %v; want the secret CreateAccessKey returned", got, err)
	}
	if n, err := s.CountAccessKeys(ctx); err != nil || n != 2 {
		t.Fatalf("CountAccessKeys = %d, %v; want 2", n, err)
	}
	keys, err := s.ListAccessKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != a.ID || keys[0].Description != "payments service" || keys[1].ID != b.ID ||
		!keys[1].Created.Equal(a.Created.Add(time.Second)) || !keys[0].LastUsed.IsZero() {
		t.Fatalf("ListAccessKeys = %+v", keys)
	}

	// A store reopened from its file (another process) knows the key.
	path := s.Path()
	s.Close()
	s2, err := Open(ctx, path, testPass(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, err := s2.SecretKey(ctx, b.ID); err != nil || string(got) != b.Secret {
		t.Fatalf("after reopening, SecretKey(b) = %q, %v", got, err)
	}
}

func TestAccessKeyUnknownAndDeleted(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	// Before any key exists the table does not either.
	for _, id := range []string{"SKIAAAAAAAAAAAAAAAAA", "AKIAIOSFODNN7EXAMPLE", "", "SKIA' OR 1=1 --"} {
		_, err := s.SecretKey(ctx, id)
		if !errors.Is(err, backend.ErrResourceNotFound) {
			t.Fatalf("SecretKey(%q) on a store without keys = %v, want ResourceNotFoundException", id, err)
		}
	}
	wantCode(t, s.DeleteAccessKey(ctx, "SKIAAAAAAAAAAAAAAAAA"), backend.CodeResourceNotFound)

	k := mustCreateAccessKey(t, s, "ci")
	other := mustCreateAccessKey(t, s, "other")
	_, err := s.SecretKey(ctx, "SKIAAAAAAAAAAAAAAAAA")
	if !errors.Is(err, backend.ErrResourceNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if err := s.DeleteAccessKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SecretKey(ctx, k.ID); !errors.Is(err, backend.ErrResourceNotFound) {
		t.Fatalf("deleted key: SecretKey = %v, want ResourceNotFoundException", err)
	}
	err = s.DeleteAccessKey(ctx, k.ID)
	wantCode(t, err, backend.CodeResourceNotFound)
	if backend.Message(err) != "The access key with id "+k.ID+" cannot be found." {
		t.Fatalf("message %q", backend.Message(err))
	}
	// The other key is untouched.
	if got, err := s.SecretKey(ctx, other.ID); err != nil || string(got) != other.Secret {
		t.Fatalf("other key: %q, %v", got, err)
	}
	keys, err := s.ListAccessKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].ID != other.ID {
		t.Fatalf("after delete: %+v, %v", keys, err)
	}
}

func TestAccessKeySecretIsInNoFile(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	k := mustCreateAccessKey(t, s, "marker key")
	if _, err := s.SecretKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		files := filesUnder(t, filepath.Dir(s.Path()))
		if len(files) == 0 {
			t.Fatal("no files found")
		}
		for p, b := range files {
			if bytes.Contains(b, []byte(k.Secret)) {
				t.Fatalf("%s: the access key's secret is in %s", when, p)
			}
		}
	}
	check("while open")
	// The id is stored in clear: it is what a request names.
	found := false
	for _, b := range filesUnder(t, filepath.Dir(s.Path())) {
		found = found || bytes.Contains(b, []byte(k.ID))
	}
	if !found {
		t.Fatal("the access key id is in no file: the check above proves nothing")
	}
	s.Close()
	check("after close")
}

func TestAccessKeyWrappedSecretIsBoundToItsKey(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	a := mustCreateAccessKey(t, s, "a")
	b := mustCreateAccessKey(t, s, "b")
	// Looked up once, so that the server's cache holds b's secret.
	if got, err := s.SecretKey(ctx, b.ID); err != nil || string(got) != b.Secret {
		t.Fatalf("b: %q, %v", got, err)
	}
	db := rawDB(t, s.Path())
	// Someone with the file gives b the wrapped secret of a, hoping to
	// sign as b with a's secret.
	if _, err := db.Exec(`UPDATE access_keys SET wrapped = (SELECT wrapped FROM access_keys WHERE id = ?) WHERE id = ?`, a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	// The running server keeps b's own secret; a's does not sign for b.
	if got, err := s.SecretKey(ctx, b.ID); err != nil || string(got) != b.Secret {
		t.Fatalf("b after tampering, cached: %q, %v", got, err)
	}
	// A server started on the tampered file refuses b as tampered.
	fresh, err := Open(ctx, s.Path(), testPass(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	_, err = fresh.SecretKey(ctx, b.ID)
	wantCode(t, err, backend.CodeDecryptionFailure)
	if errors.Is(err, backend.ErrResourceNotFound) {
		t.Fatal("a tampered key must not look merely unknown")
	}
	if got, err := fresh.SecretKey(ctx, a.ID); err != nil || string(got) != a.Secret {
		t.Fatalf("a: %q, %v", got, err)
	}
}

func TestAccessKeysAuditedWithoutSecret(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{Actor: "alice@bastion"})
	k := mustCreateAccessKey(t, s, "audited")
	if err := s.DeleteAccessKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	_ = s.DeleteAccessKey(ctx, k.ID) // fails: already gone
	recs, err := s.AuditLog(ctx, backend.AuditQuery{SecretID: k.ID})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.Operation+" "+r.Outcome+" "+r.ErrorCode+" "+r.Actor)
		for _, f := range []string{r.Actor, r.Operation, r.SecretARN, r.VersionID, r.ErrorCode} {
			if bytes.Contains([]byte(f), []byte(k.Secret)) {
				t.Fatalf("audit record %d holds the secret", r.Seq)
			}
		}
	}
	want := []string{
		"DeleteAccessKey error ResourceNotFoundException alice@bastion",
		"DeleteAccessKey ok  alice@bastion",
		"CreateAccessKey ok  alice@bastion",
	}
	if len(got) != len(want) {
		t.Fatalf("audit of the key = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("audit of the key = %q, want %q", got, want)
		}
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAccessKeysRefusedReadOnly(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	k := mustCreateAccessKey(t, s, "before")
	path := s.Path()
	s.Close()
	ro, err := Open(ctx, path, testPass(), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, err = ro.CreateAccessKey(ctx, "x")
	wantCode(t, err, backend.CodeInvalidRequest)
	wantCode(t, ro.DeleteAccessKey(ctx, k.ID), backend.CodeInvalidRequest)
	// Serving a read-only store still checks signatures.
	if got, err := ro.SecretKey(ctx, k.ID); err != nil || string(got) != k.Secret {
		t.Fatalf("read-only SecretKey: %q, %v", got, err)
	}
	if keys, err := ro.ListAccessKeys(ctx); err != nil || len(keys) != 1 {
		t.Fatalf("read-only list: %+v, %v", keys, err)
	}
}

func TestAccessKeyDescriptionValidated(t *testing.T) {
	s := newStore(t, Options{})
	for _, d := range []string{"tab\there", "esc\x1b[31m", string(make([]byte, 257))} {
		_, err := s.CreateAccessKey(context.Background(), d)
		wantCode(t, err, backend.CodeInvalidParameter)
	}
}

// TestAuditActorFromContext: a served request carries its access key id
// in the context, and that, not the store's actor, is what the audit
// records; without one the store's actor stays.
func TestAuditActorFromContext(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Actor: "alice@bastion", Now: clock.Now})
	k := mustCreateAccessKey(t, s, "app")
	served := backend.WithActor(ctx, k.ID)
	mustCreate(t, s, "app/db", "v1")
	clock.Advance(time.Minute)
	if _, err := s.GetSecretValue(served, &backend.GetSecretValueInput{SecretID: "app/db"}); err != nil {
		t.Fatal(err)
	}
	// A failure is recorded in a transaction of its own; it keeps the actor.
	_, err := s.GetSecretValue(served, &backend.GetSecretValueInput{SecretID: "app/missing"})
	wantCode(t, err, backend.CodeResourceNotFound)
	recs, err := s.AuditLog(ctx, backend.AuditQuery{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0].Actor != k.ID || recs[0].Outcome != "error" ||
		recs[1].Actor != k.ID || recs[1].Operation != "GetSecretValue" || recs[2].Actor != "alice@bastion" || recs[2].Operation != "CreateSecret" {
		t.Fatalf("audit = %+v", recs)
	}
	// The key's last use is its newest audit record.
	keys, err := s.ListAccessKeys(ctx)
	if err != nil || len(keys) != 1 || !keys[0].LastUsed.Equal(clock.Now()) {
		t.Fatalf("LastUsed: %+v, %v; want %v", keys, err, clock.Now())
	}
}

// TestAccessKeyDeletedByAnotherProcess: a key deleted through another
// handle on the file (as `secretary access-key delete` does while serve
// runs) is refused by the next operation the key signs, although its
// secret was in memory: the operation's transaction confirms the key, and
// on finding it gone forgets the secret, so the next lookup fails too.
func TestAccessKeyDeletedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	k := mustCreateAccessKey(t, s, "ci")
	mustCreate(t, s, "app/db", "v1")
	signed := func() context.Context {
		return backend.WithAccessKeyCheck(backend.WithActor(ctx, k.ID), &backend.AccessKeyCheck{ID: k.ID})
	}
	for range 2 {
		if got, err := s.SecretKey(ctx, k.ID); err != nil || string(got) != k.Secret {
			t.Fatalf("before delete: %q, %v", got, err)
		}
		c := signed()
		if _, err := s.GetSecretValue(c, &backend.GetSecretValueInput{SecretID: "app/db"}); err != nil {
			t.Fatalf("before delete: %v", err)
		}
		if !backend.AccessKeyCheckFrom(c).Confirmed() {
			t.Fatal("the operation did not confirm the key")
		}
	}
	other, err := Open(ctx, s.Path(), testPass(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.DeleteAccessKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	before, err := s.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	c := signed()
	_, err = s.GetSecretValue(c, &backend.GetSecretValueInput{SecretID: "app/db"})
	wantCode(t, err, backend.CodeUnrecognizedClient)
	if backend.AccessKeyCheckFrom(c).Confirmed() {
		t.Fatal("a deleted key was confirmed")
	}
	// Refused before the operation ran: it wrote nothing, not even its
	// audit record (the server records the failed authentication).
	if after, err := s.AuditLog(ctx, backend.AuditQuery{}); err != nil || len(after) != len(before) {
		t.Fatalf("audit after the refused read: %d records, %v; want %d", len(after), err, len(before))
	}
	_, err = s.PutSecretValue(signed(), &backend.PutSecretValueInput{SecretID: "app/db", SecretString: ptr("v2")})
	wantCode(t, err, backend.CodeUnrecognizedClient)
	if _, err := s.SecretKey(ctx, k.ID); !errors.Is(err, backend.ErrResourceNotFound) {
		t.Fatalf("after the refusal, SecretKey = %v, want ResourceNotFoundException", err)
	}
}

// TestConfirmAccessKey: the check for requests that reach no transaction
// reads the store, not the secrets in memory.
func TestConfirmAccessKey(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	k := mustCreateAccessKey(t, s, "ci")
	if _, err := s.SecretKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmAccessKey(ctx, k.ID); err != nil {
		t.Fatalf("existing key: %v", err)
	}
	other, err := Open(ctx, s.Path(), testPass(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.DeleteAccessKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmAccessKey(ctx, k.ID); !errors.Is(err, backend.ErrResourceNotFound) {
		t.Fatalf("deleted by another process: ConfirmAccessKey = %v, want ResourceNotFoundException", err)
	}
	if _, err := s.SecretKey(ctx, k.ID); !errors.Is(err, backend.ErrResourceNotFound) {
		t.Fatalf("after ConfirmAccessKey, SecretKey = %v, want ResourceNotFoundException", err)
	}
}

// BenchmarkSecretKey is the cost every served request pays to look up the
// secret its signature is checked against.
func BenchmarkSecretKey(b *testing.B) {
	ctx := context.Background()
	s := newStore(b, Options{})
	k, err := s.CreateAccessKey(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			secret, err := s.SecretKey(ctx, k.ID)
			if err != nil {
				b.Fatal(err)
			}
			wipe(secret)
		}
	})
}
