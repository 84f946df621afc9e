package migrate

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

// TestLocalToServeToLocal copies a store with every kind of history to a
// store served over the Secrets Manager API (through the real SDK), and from
// there into a second embedded store, and compares each step version by
// version: ids, labels, values, tags and descriptions.
func TestLocalToServeToLocal(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	mid := newStore(t)
	remote := serve(t, mid)
	dst := newStore(t)

	opts := SourceOptions{IncludeDeprecated: true, IncludePlannedDeletion: true}
	rep, err := Migrate(ctx, NewBackendSource(src, opts), remote, Options{})
	wantOK(t, rep, err)
	if n := rep.Count(NotCarried); n != 1 {
		t.Errorf("not carried = %d, want 1 (the secret scheduled for deletion)", n)
	}
	want := take(t, src, true)
	delete(want, "old/gone")
	sameSnapshot(t, "served copy", take(t, mid, true), want)

	rep, err = Migrate(ctx, NewBackendSource(remote, opts), dst, Options{})
	wantOK(t, rep, err)
	sameSnapshot(t, "second local copy", take(t, dst, true), want)
	if rep.Verified != len(want) {
		t.Errorf("verified %d secrets, want %d", rep.Verified, len(want))
	}
}

// TestRerunChangesNothing: a second run over a finished copy writes
// nothing and reports every secret unchanged.
func TestRerunChangesNothing(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	dst := newStore(t)
	opts := SourceOptions{IncludeDeprecated: true}
	rep, err := Migrate(ctx, NewBackendSource(src, opts), dst, Options{})
	wantOK(t, rep, err)
	counter := &countingBackend{Backend: dst}
	rep, err = Migrate(ctx, NewBackendSource(src, opts), counter, Options{})
	wantOK(t, rep, err)
	if n := rep.Count(Unchanged); n != len(rep.Results) {
		for _, r := range rep.Results {
			t.Logf("%s: %s %v", r.Name, r.Outcome, r.Steps)
		}
		t.Errorf("unchanged = %d of %d", n, len(rep.Results))
	}
	if counter.writes.Load() != 0 {
		t.Errorf("the re-run made %d writes", counter.writes.Load())
	}
}

// TestInterruptedMigrationFinishesOnRerun stops a migration after every
// possible number of writes (as a killed process would: each write is one
// committed call) and checks that a re-run finishes it with a result
// identical to an uninterrupted run.
func TestInterruptedMigrationFinishesOnRerun(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	want := take(t, src, true)
	delete(want, "old/gone")
	opts := SourceOptions{IncludeDeprecated: true, Workers: 1}
	// Count the writes of a whole run first.
	full := &countingBackend{Backend: newStore(t)}
	rep, err := Migrate(ctx, NewBackendSource(src, opts), full, Options{})
	wantOK(t, rep, err)
	total := int(full.writes.Load())
	if total < 20 {
		t.Fatalf("a full run made only %d writes", total)
	}
	for stop := 1; stop < total; stop += 3 {
		dst := newStore(t)
		cut := &countingBackend{Backend: dst, failAfter: int64(stop)}
		rep, err := Migrate(ctx, NewBackendSource(src, opts), cut, Options{})
		if err == nil && rep.OK() {
			t.Fatalf("stop after %d writes: the run reported success", stop)
		}
		rep, err = Migrate(ctx, NewBackendSource(src, opts), dst, Options{})
		wantOK(t, rep, err)
		sameSnapshot(t, "re-run", take(t, dst, true), want)
	}
}

// TestConflictingSecretIsLeftUntouched: a target secret with another
// history is reported and not written, unless --overwrite.
func TestConflictingSecretIsLeftUntouched(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	dst := newStore(t)
	f := localtest.Seed(t, dst)
	f.Create(backend.CreateSecretInput{Name: "app/plain", Description: "theirs", SecretString: str("their value"), ClientRequestToken: vid(99)})
	before := take(t, dst, true)
	opts := SourceOptions{IncludeDeprecated: true}
	rep, err := Migrate(ctx, NewBackendSource(src, opts), dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatal("a run with a conflict reported success")
	}
	var found bool
	for _, r := range rep.Results {
		if r.Name == "app/plain" {
			found = true
			if r.Outcome != Conflict || len(r.Diffs) == 0 || len(r.Steps) != 0 {
				t.Errorf("app/plain: %s diffs %v steps %v, want a conflict with reasons and no steps", r.Outcome, r.Diffs, r.Steps)
			}
		} else if r.Outcome != Created {
			t.Errorf("%s: %s, want created", r.Name, r.Outcome)
		}
	}
	if !found {
		t.Fatal("app/plain missing from the report")
	}
	if got := take(t, dst, true)["app/plain"]; !reflect.DeepEqual(got, before["app/plain"]) {
		t.Errorf("the conflicting secret changed: %+v, was %+v", got, before["app/plain"])
	}

	rep, err = Migrate(ctx, NewBackendSource(src, opts), dst, Options{Overwrite: true})
	wantOK(t, rep, err)
	got := take(t, dst, false)["app/plain"]
	want := take(t, src, false)["app/plain"]
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after --overwrite: %+v, want %+v", got, want)
	}
}

// TestDryRunWritesNothing: a dry run lists the plan and leaves the target
// as it was.
func TestDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	dst := &countingBackend{Backend: newStore(t)}
	rep, err := Migrate(ctx, NewBackendSource(src, SourceOptions{IncludeDeprecated: true}), dst, Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dst.writes.Load() != 0 {
		t.Errorf("a dry run made %d writes", dst.writes.Load())
	}
	for _, r := range rep.Results {
		if r.Name == "app/plain" {
			want := []string{"create secret (2 tags)",
				"put version " + vid(1) + " with [secretary-migrate]",
				"put version " + vid(2) + " with [blue]",
				"put version " + vid(3) + " with [secretary-migrate]",
				"move AWSCURRENT from version " + vid(1) + " to " + vid(2),
				"move AWSCURRENT from version " + vid(2) + " to " + vid(3),
				"remove secretary-migrate from version " + vid(3)}
			if r.Outcome != Planned || !reflect.DeepEqual(r.Steps, want) {
				t.Errorf("plan of app/plain: %s\n%s\nwant\n%s", r.Outcome, strings.Join(r.Steps, "\n"), strings.Join(want, "\n"))
			}
		}
	}
}

// countingBackend counts writes and, with failAfter, fails every write
// after that many, as if the process had been killed there.
type countingBackend struct {
	backend.Backend
	writes    atomic.Int64
	failAfter int64
}

func (c *countingBackend) write() error {
	n := c.writes.Add(1)
	if c.failAfter > 0 && n > c.failAfter {
		return errors.New("interrupted")
	}
	return nil
}

func (c *countingBackend) CreateSecret(ctx context.Context, in *backend.CreateSecretInput) (*backend.CreateSecretOutput, error) {
	if err := c.write(); err != nil {
		return nil, err
	}
	return c.Backend.CreateSecret(ctx, in)
}

func (c *countingBackend) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (*backend.PutSecretValueOutput, error) {
	if err := c.write(); err != nil {
		return nil, err
	}
	return c.Backend.PutSecretValue(ctx, in)
}

func (c *countingBackend) UpdateSecretVersionStage(ctx context.Context, in *backend.UpdateSecretVersionStageInput) (*backend.ARNName, error) {
	if err := c.write(); err != nil {
		return nil, err
	}
	return c.Backend.UpdateSecretVersionStage(ctx, in)
}

func (c *countingBackend) UpdateSecret(ctx context.Context, in *backend.UpdateSecretInput) (*backend.UpdateSecretOutput, error) {
	if err := c.write(); err != nil {
		return nil, err
	}
	return c.Backend.UpdateSecret(ctx, in)
}

func (c *countingBackend) TagResource(ctx context.Context, in *backend.TagResourceInput) error {
	if err := c.write(); err != nil {
		return err
	}
	return c.Backend.TagResource(ctx, in)
}

func (c *countingBackend) UntagResource(ctx context.Context, in *backend.UntagResourceInput) error {
	if err := c.write(); err != nil {
		return err
	}
	return c.Backend.UntagResource(ctx, in)
}

// TestThrottlingIsRetriedAndCounted: a target that answers
// ThrottlingException (as AWS does when an account's quota is spent) slows
// the run down but does not fail it, and the report counts the retries.
func TestThrottlingIsRetriedAndCounted(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	populate(t, src)
	dst := &throttling{Backend: newStore(t)}
	dst.left.Store(3)
	rep, err := Migrate(ctx, NewBackendSource(src, SourceOptions{IncludeDeprecated: true}), dst, Options{})
	wantOK(t, rep, err)
	if rep.TargetRetries != 3 {
		t.Errorf("retries = %d, want 3", rep.TargetRetries)
	}
}

// throttling refuses the first left PutSecretValue calls.
type throttling struct {
	backend.Backend
	left atomic.Int64
}

func (b *throttling) PutSecretValue(ctx context.Context, in *backend.PutSecretValueInput) (*backend.PutSecretValueOutput, error) {
	if b.left.Add(-1) >= 0 {
		return nil, backend.Errorf(backend.CodeThrottling, "Rate exceeded")
	}
	return b.Backend.PutSecretValue(ctx, in)
}

// TestKeyMappedByAlias: a secret under a named key lands under the key of
// the same alias where the target has one, and under the target's default
// key, reported, where it has none.
func TestKeyMappedByAlias(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	if _, err := src.CreateKey(ctx, "team"); err != nil {
		t.Fatal(err)
	}
	localtest.Seed(t, src).Create(backend.CreateSecretInput{Name: "k/one", KmsKeyID: "alias/team", SecretString: str("v")})
	m, err := src.DescribeSecret(ctx, "k/one")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("source KmsKeyId %q", m.KmsKeyID)

	with := newStore(t)
	if _, err := with.CreateKey(ctx, "team"); err != nil {
		t.Fatal(err)
	}
	rep, err := Migrate(ctx, NewBackendSource(src, SourceOptions{}), with, Options{})
	wantOK(t, rep, err)
	if got, _ := with.DescribeSecret(ctx, "k/one"); got.KmsKeyID != m.KmsKeyID {
		t.Errorf("target with the alias: KmsKeyId %q, want %q", got.KmsKeyID, m.KmsKeyID)
	}
	if notes := rep.Results[0].Notes; len(notes) != 0 {
		t.Errorf("notes %v, want none", notes)
	}

	without := newStore(t)
	rep, err = Migrate(ctx, NewBackendSource(src, SourceOptions{}), without, Options{})
	wantOK(t, rep, err)
	if got, _ := without.DescribeSecret(ctx, "k/one"); got.KmsKeyID == m.KmsKeyID {
		t.Errorf("target without the alias: KmsKeyId %q", got.KmsKeyID)
	}
	if notes := rep.Results[0].Notes; len(notes) != 1 || !strings.Contains(notes[0], "default key") {
		t.Errorf("notes %v, want one saying the default key is used", notes)
	}
}

// TestRotationCarriedAndRerunQuiet: a secret whose rotation is configured
// arrives with the same function and schedule, verification passes (the
// target's rotation test leaves no labelled version of its own), and a
// re-run writes nothing.
func TestRotationCarriedAndRerunQuiet(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	f := localtest.Seed(t, src)
	f.Create(backend.CreateSecretInput{Name: "app/rotated", SecretString: str("s3cret-value"), ClientRequestToken: vid(1)})
	no := false
	if _, err := src.RotateSecret(ctx, &backend.RotateSecretInput{SecretID: "app/rotated", ClientRequestToken: vid(2),
		RotationLambdaARN: "password", RotationRules: &backend.RotationRules{AutomaticallyAfterDays: 30}, RotateImmediately: &no}); err != nil {
		t.Fatal(err)
	}
	dst := newStore(t)
	rep, err := Migrate(ctx, NewBackendSource(src, SourceOptions{}), dst, Options{})
	wantOK(t, rep, err)
	got, err := dst.DescribeSecret(ctx, "app/rotated")
	if err != nil {
		t.Fatal(err)
	}
	if !got.RotationEnabled || got.RotationLambdaARN != "password" {
		t.Errorf("target rotation = %v %q, want enabled with password", got.RotationEnabled, got.RotationLambdaARN)
	}
	counter := &countingBackend{Backend: dst}
	rep, err = Migrate(ctx, NewBackendSource(src, SourceOptions{}), counter, Options{})
	wantOK(t, rep, err)
	if counter.writes.Load() != 0 {
		t.Errorf("the re-run made %d writes", counter.writes.Load())
	}
}

func TestNamesSelectExactlyThoseSecrets(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	for _, name := range []string{"app/a", "app/ab", "app/b", "app/gone"} {
		if _, err := src.CreateSecret(ctx, &backend.CreateSecretInput{Name: name, SecretString: str("v-" + name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := src.DeleteSecret(ctx, &backend.DeleteSecretInput{SecretID: "app/gone"}); err != nil {
		t.Fatal(err)
	}
	dst := newStore(t)
	names := []string{"app/b", "app/a", "app/a", "app/gone"}
	rep, err := Migrate(ctx, NewBackendSource(src, SourceOptions{Names: names, IncludePlannedDeletion: true}), dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Outcome{}
	for _, r := range rep.Results {
		got[r.Name] = r.Outcome
	}
	want := map[string]Outcome{"app/a": Created, "app/b": Created, "app/gone": NotCarried}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("outcomes %v, want %v (app/ab must not come along with app/a)", got, want)
	}
	if _, err := dst.DescribeSecret(ctx, "app/ab"); backend.Code(err) != backend.CodeResourceNotFound {
		t.Fatalf("app/ab in the target: %v", err)
	}
	if !rep.OK() || rep.Verified != 2 {
		t.Fatalf("verified %d, ok %v", rep.Verified, rep.OK())
	}
	// A name that does not exist stops the run with its name.
	_, err = Migrate(ctx, NewBackendSource(src, SourceOptions{Names: []string{"app/none"}}), dst, Options{DryRun: true})
	if err == nil || !strings.Contains(err.Error(), "app/none") {
		t.Fatalf("missing name: %v", err)
	}
}
