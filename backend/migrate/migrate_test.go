package migrate

import (
	"context"
	"testing"
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
