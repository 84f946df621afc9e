package local

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

func TestReadOnlyRefusesEveryMutation(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "app/a", "v1")
	path := s.Path()
	s.Close()
	ro, err := Open(ctx, path, testPass(), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if !ro.Info().ReadOnly || ro.Info().Kind != "local" || ro.Info().Location != path {
		t.Fatalf("Info = %+v", ro.Info())
	}
	mutations := map[string]error{}
	_, mutations["CreateSecret"] = ro.CreateSecret(ctx, &backend.CreateSecretInput{Name: "x", SecretString: str("x")})
	_, mutations["PutSecretValue"] = ro.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "app/a", SecretString: str("x")})
	_, mutations["UpdateSecret"] = ro.UpdateSecret(ctx, &backend.UpdateSecretInput{SecretID: "app/a", Description: str("d")})
	_, mutations["UpdateSecretVersionStage"] = ro.UpdateSecretVersionStage(ctx, &backend.UpdateSecretVersionStageInput{SecretID: "app/a", VersionStage: "X", RemoveFromVersionID: "11111111-2222-3333-4444-555555555555"})
	_, mutations["DeleteSecret"] = ro.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: "app/a"})
	_, mutations["RestoreSecret"] = ro.RestoreSecret(ctx, "app/a")
	mutations["TagResource"] = ro.TagResource(ctx, &backend.TagResourceInput{SecretID: "app/a", Tags: []backend.Tag{{Key: "k", Value: "v"}}})
	mutations["UntagResource"] = ro.UntagResource(ctx, &backend.UntagResourceInput{SecretID: "app/a", TagKeys: []string{"k"}})
	_, mutations["CreateKey"] = ro.CreateKey(ctx, "k")
	mutations["RotateKey"] = ro.RotateKey(ctx, "aws/secretsmanager")
	_, mutations["AddKeySlot"] = ro.AddKeySlot(ctx, Credential{Key: make([]byte, 32)})
	mutations["RemoveKeySlot"] = ro.RemoveKeySlot(ctx, 99)
	_, mutations["ChangePassphrase"] = ro.ChangePassphrase(ctx, []byte("another passphrase"))
	for op, err := range mutations {
		if backend.Code(err) != backend.CodeInvalidRequest || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s on a read-only store: %v", op, err)
		}
	}
	if v := mustGet(t, ro, &backend.GetSecretValueInput{SecretID: "app/a"}); *v.SecretString != "v1" {
		t.Fatalf("read on a read-only store: %q", *v.SecretString)
	}
}

func TestDeletionWindowEndsAndSecretIsPurged(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	mustCreate(t, s, "app/old", "v")
	out, err := s.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: "app/old", RecoveryWindowInDays: ptr(7)})
	if err != nil {
		t.Fatal(err)
	}
	if want := clock.Now().Add(7 * 24 * time.Hour); !out.DeletionDate.Equal(want) {
		t.Fatalf("DeletionDate %v, want %v", out.DeletionDate, want)
	}
	m, err := s.DescribeSecret(ctx, "app/old")
	if err != nil || !m.Deleted() || !m.DeletionDate.Equal(out.DeletionDate) {
		t.Fatalf("scheduled secret: %+v, %v", m, err)
	}
	clock.Advance(7*24*time.Hour + time.Second)
	// Gone for reads before any purge ran …
	_, err = s.DescribeSecret(ctx, "app/old")
	wantCode(t, err, backend.CodeResourceNotFound)
	// … and for good after the next write transaction, which records it.
	mustCreate(t, s, "app/old", "new life")
	recs, err := s.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r.Operation == "PurgeSecret" && strings.Contains(r.SecretARN, ":secret:app/old-") {
			found = true
		}
	}
	if !found {
		t.Fatal("the purge was not audited")
	}
	if v := mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/old"}); *v.SecretString != "new life" {
		t.Fatal(*v.SecretString)
	}
}

func ptr[T any](v T) *T { return &v }

func TestAuditRecordsEveryOperationAndNoValue(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{Actor: "alice@laptop"})
	const marker = "AUDIT-MARKER-do-not-log"
	c := mustCreate(t, s, "app/a", marker)
	mustGet(t, s, &backend.GetSecretValueInput{SecretID: "app/a"})
	_, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "app/a", VersionStage: "NOPE"})
	wantCode(t, err, backend.CodeResourceNotFound)
	_, err = s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "app/a", ClientRequestToken: c.VersionID, SecretString: str(marker + "-2")})
	wantCode(t, err, backend.CodeResourceExists)
	recs, err := s.AuditLog(ctx, backend.AuditQuery{SecretID: "app/a"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		if r.Actor != "alice@laptop" || r.SecretARN != c.ARN {
			t.Fatalf("record %+v", r)
		}
		if strings.Contains(fmt.Sprintf("%+v", r), marker) {
			t.Fatalf("a value reached the audit log: %+v", r)
		}
		got = append(got, r.Operation+":"+r.Outcome+":"+r.ErrorCode)
	}
	want := []string{
		"PutSecretValue:error:ResourceExistsException",
		"GetSecretValue:error:ResourceNotFoundException",
		"GetSecretValue:ok:",
		"CreateSecret:ok:",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("audit (newest first) %v, want %v", got, want)
	}
	if recs[2].VersionID != c.VersionID {
		t.Fatalf("read record names version %q, want %q", recs[2].VersionID, c.VersionID)
	}
	if lim, _ := s.AuditLog(ctx, backend.AuditQuery{Limit: 2}); len(lim) != 2 {
		t.Fatalf("Limit 2 gave %d records", len(lim))
	}
	// The failed put changed nothing.
	vs, _ := s.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: "app/a", IncludeDeprecated: true})
	if len(vs.Versions) != 1 {
		t.Fatalf("%d versions after a rejected put", len(vs.Versions))
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	boom := errors.New("stop here")
	err := s.Batch(ctx, func(ctx context.Context, b backend.Backend) error {
		for i := range 10 {
			if _, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: fmt.Sprint("batch/", i), SecretString: str("v")}); err != nil {
				return err
			}
		}
		// A failing operation inside a batch undoes only itself …
		if _, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: "batch/0", SecretString: str("v")}); backend.Code(err) != backend.CodeResourceExists {
			return fmt.Errorf("duplicate in batch: %v", err)
		}
		// … while an error from the function undoes the whole batch.
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Batch = %v", err)
	}
	out, err := s.ListSecrets(ctx, &backend.ListSecretsInput{})
	if err != nil || len(out.Secrets) != 0 {
		t.Fatalf("after a failed batch: %d secrets, %v", len(out.Secrets), err)
	}
	err = s.Batch(ctx, func(ctx context.Context, b backend.Backend) error {
		for i := range 10 {
			if _, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: fmt.Sprint("batch/", i), SecretString: str("v")}); err != nil {
				return err
			}
		}
		_, err := b.CreateSecret(ctx, &backend.CreateSecretInput{Name: "batch/0", SecretString: str("v")})
		wantCode(t, err, backend.CodeResourceExists)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err = s.ListSecrets(ctx, &backend.ListSecretsInput{})
	if err != nil || len(out.Secrets) != 10 {
		t.Fatalf("after a batch: %d secrets, %v", len(out.Secrets), err)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestListingOrderPagingAndStreaming(t *testing.T) {
	ctx := context.Background()
	clock := newClock()
	s := newStore(t, Options{Now: clock.Now})
	var names []string
	for i := range 250 {
		clock.Advance(time.Second)
		n := fmt.Sprintf("%s/svc-%03d", []string{"prod", "dev"}[i%2], (i*37)%250)
		names = append(names, n)
		if _, err := s.CreateSecret(ctx, &backend.CreateSecretInput{Name: n, Tags: []backend.Tag{{Key: "n", Value: fmt.Sprint(i)}}}); err != nil {
			t.Fatal(err)
		}
	}
	page := func(in backend.ListSecretsInput) []string {
		var got []string
		for {
			out, err := s.ListSecrets(ctx, &in)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range out.Secrets {
				got = append(got, m.Name)
			}
			if out.NextToken == "" {
				return got
			}
			in.NextToken = out.NextToken
		}
	}
	stream := func(in backend.ListSecretsInput) []string {
		var got []string
		if err := s.StreamSecrets(ctx, &in, func(b []backend.SecretMetadata) error {
			for _, m := range b {
				got = append(got, m.Name)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	// Creation order, both directions.
	if got := page(backend.ListSecretsInput{MaxResults: 7}); !reflect.DeepEqual(got, names) {
		t.Fatalf("created asc: %v…", got[:5])
	}
	rev := make([]string, len(names))
	for i, n := range names {
		rev[len(names)-1-i] = n
	}
	if got := page(backend.ListSecretsInput{MaxResults: 13, SortOrder: "desc"}); !reflect.DeepEqual(got, rev) {
		t.Fatalf("created desc: %v…", got[:5])
	}
	if got := stream(backend.ListSecretsInput{SortOrder: "desc"}); !reflect.DeepEqual(got, rev) {
		t.Fatalf("stream desc: %v…", got[:5])
	}
	// By name, with the prefix filter pushed into SQL.
	var prod []string
	for _, n := range names {
		if strings.HasPrefix(n, "prod/") {
			prod = append(prod, n)
		}
	}
	slices.Sort(prod)
	in := backend.ListSecretsInput{MaxResults: 10, SortBy: backend.SortByName, Filters: []backend.Filter{{Key: "name", Values: []string{"prod/"}}}}
	if got := page(in); !reflect.DeepEqual(got, prod) {
		t.Fatalf("name-sorted prod/: %d names, want %d", len(got), len(prod))
	}
	if got := stream(in); !reflect.DeepEqual(got, prod) {
		t.Fatalf("stream name-sorted prod/: %d names", len(got))
	}
	// A stream given a page's NextToken goes on after that page: the
	// console shows the first page at once and streams only the rest.
	first, err := s.ListSecrets(ctx, &in)
	if err != nil {
		t.Fatal(err)
	}
	rest := in
	rest.NextToken = first.NextToken
	var resumed []string
	for _, m := range first.Secrets {
		resumed = append(resumed, m.Name)
	}
	if resumed = append(resumed, stream(rest)...); !reflect.DeepEqual(resumed, prod) {
		t.Fatalf("first page then stream: %d names, want %d", len(resumed), len(prod))
	}
	err = s.StreamSecrets(ctx, &backend.ListSecretsInput{NextToken: first.NextToken}, func([]backend.SecretMetadata) error { return nil })
	wantCode(t, err, backend.CodeInvalidNextToken)
	// A token from one ordering is refused by another.
	out, err := s.ListSecrets(ctx, &backend.ListSecretsInput{MaxResults: 5})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ListSecrets(ctx, &backend.ListSecretsInput{MaxResults: 5, SortBy: backend.SortByName, NextToken: out.NextToken})
	wantCode(t, err, backend.CodeInvalidNextToken)
	_, err = s.ListSecrets(ctx, &backend.ListSecretsInput{NextToken: "garbage!"})
	wantCode(t, err, backend.CodeInvalidNextToken)
	// Stream stops when the callback fails and says why.
	stop := errors.New("enough")
	if err := s.StreamSecrets(ctx, &backend.ListSecretsInput{}, func([]backend.SecretMetadata) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("StreamSecrets = %v", err)
	}
}

func TestConcurrentGoroutines(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "shared", "0")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "shared", SecretString: str(fmt.Sprint(g, "-", i))}); err != nil {
					errs <- err
					return
				}
				if _, err := s.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "shared"}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	vs, err := s.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: "shared", IncludeDeprecated: true, MaxResults: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := len(vs.Versions)
	if vs.NextToken != "" {
		more, _ := s.ListSecretVersionIds(ctx, &backend.ListSecretVersionIdsInput{SecretID: "shared", IncludeDeprecated: true, MaxResults: 100, NextToken: vs.NextToken})
		n += len(more.Versions)
	}
	if n != 161 {
		t.Fatalf("%d versions, want 161", n)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestTwoHandlesKeepOneChain interleaves two handles on one file, as two
// processes would: each one's cached chain tail goes stale at every turn.
func TestTwoHandlesKeepOneChain(t *testing.T) {
	ctx := context.Background()
	s1 := newStore(t, Options{})
	mustCreate(t, s1, "a", "0")
	s2, err := Open(ctx, s1.Path(), testPass(), Options{Actor: "second"})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for i := range 20 {
		for _, s := range []*Store{s1, s2} {
			if _, err := s.PutSecretValue(ctx, &backend.PutSecretValueInput{SecretID: "a", SecretString: str(fmt.Sprint(i))}); err != nil {
				t.Fatal(err)
			}
			mustGet(t, s, &backend.GetSecretValueInput{SecretID: "a"})
		}
	}
	if err := s1.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	recs, err := s2.AuditLog(ctx, backend.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// InitStore, CreateSecret, then 80 operations.
	if n := len(recs); n != 82 || recs[0].Seq != 82 {
		t.Fatalf("%d records, newest seq %d; want 82", n, recs[0].Seq)
	}
}
