package local

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/secretary-sh/secretary/backend"
)

// A batch whose context ends part way stops before its next operation and
// leaves nothing behind, even though its statements do not watch the
// context themselves.
func TestBatchCancelledBetweenOperationsRollsBack(t *testing.T) {
	s := newStore(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	err := s.Batch(ctx, func(ctx context.Context, b backend.Backend) error {
		if _, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: "first", SecretString: str("1")}); err != nil {
			return err
		}
		cancel()
		_, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: "second", SecretString: str("2")})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Batch = %v, want context.Canceled", err)
	}
	for _, name := range []string{"first", "second"} {
		_, err := s.DescribeSecret(context.Background(), name)
		wantCode(t, err, backend.CodeResourceNotFound)
	}
}

// A panic inside a batch must not leave the store's connection inside a
// transaction: later operations work and see nothing of the batch.
func TestPanicInBatchLeavesStoreUsable(t *testing.T) {
	s := newStore(t, Options{})
	ctx := context.Background()
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the batch did not panic")
			}
		}()
		_ = s.Batch(ctx, func(ctx context.Context, b backend.Backend) error {
			if _, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: "doomed", SecretString: str("x")}); err != nil {
				return err
			}
			panic("caller bug")
		})
	}()
	_, err := s.DescribeSecret(ctx, "doomed")
	wantCode(t, err, backend.CodeResourceNotFound)
	mustCreate(t, s, "after", "v")
	if got := *mustGet(t, s, &backend.GetSecretValueInput{SecretID: "after"}).SecretString; got != "v" {
		t.Fatalf("value = %q", got)
	}
	// The failed batch is still in the audit chain, which verifies.
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
}

// A write and a read made from other connections of the same file (as by
// another process) are seen by the store's pinned connections.
func TestPinnedConnectionsSeeOtherWriters(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "a", "1")
	other, err := Open(ctx, s.Path(), testPass(), Options{KDF: cheapKDF, Actor: "other@test"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "a", SecretString: str("2")}); err != nil {
		t.Fatal(err)
	}
	if got := *mustGet(t, s, &backend.GetSecretValueInput{SecretID: "a"}).SecretString; got != "2" {
		t.Fatalf("value = %q, want the other writer's 2", got)
	}
	mustCreate(t, s, "b", "1")
	if _, err := other.DescribeSecret(ctx, "b"); err != nil {
		t.Fatalf("other store does not see b: %v", err)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
}

// CreateSecret writes all its tags in one statement: a repeated key keeps
// its first position and takes the last value, and keys and values with
// every punctuation mark tags allow, separators and non-ASCII text arrive
// intact. (Quotes, backslashes and control characters are refused by the
// tag pattern before any statement is built.)
func TestCreateSecretTagsInOneStatement(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	tags := []backend.Tag{
		{Key: "env", Value: "prod"},
		{Key: "a_b.c:d/e=f+g-h@i", Value: "line\u2028sep\u00a0nbsp\u3000ideographic"},
		{Key: "env", Value: "staging"},
		{Key: "ünïcode 東京 ٣", Value: ""},
	}
	if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "tagged", SecretString: str("v"), Tags: tags}); err != nil {
		t.Fatal(err)
	}
	want := []backend.Tag{{Key: "env", Value: "staging"}, {Key: "a_b.c:d/e=f+g-h@i", Value: "line\u2028sep\u00a0nbsp\u3000ideographic"}, {Key: "ünïcode 東京 ٣", Value: ""}}
	m, err := s.DescribeSecret(ctx, "tagged")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Tags, want) {
		t.Fatalf("tags = %q, want %q", m.Tags, want)
	}
	// A later tag goes after them.
	if err := s.TagResource(ctx, &backend.TagResourceInput{SecretID: "tagged", Tags: []backend.Tag{{Key: "z", Value: "1"}}}); err != nil {
		t.Fatal(err)
	}
	m, err = s.DescribeSecret(ctx, "tagged")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Tags) != 4 || m.Tags[3].Key != "z" {
		t.Fatalf("tags after TagResource = %q", m.Tags)
	}
	// Creating the same name again still says it exists.
	_, err = s.CreateSecret(ctx, &backend.CreateSecretInput{Name: "tagged", SecretString: str("v")})
	wantCode(t, err, backend.CodeResourceExists)
}
