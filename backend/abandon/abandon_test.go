package abandon_test

import (
	"context"
	"errors"
	"testing"

	"github.com/secretary-sh/secretary/backend/abandon"
)

func TestRunReturnsResult(t *testing.T) {
	v, err := abandon.Run(context.Background(), func() (int, error) { return 7, nil }, nil)
	if v != 7 || err != nil {
		t.Fatalf("%d %v", v, err)
	}
	boom := errors.New("boom")
	if _, err := abandon.Run(context.Background(), func() (int, error) { return 0, boom }, nil); err != boom {
		t.Fatalf("%v", err)
	}
}

// TestRunAbandons: a blocked fn does not hold the caller once the context
// ends, and what it returns later is discarded.
func TestRunAbandons(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	discarded := make(chan []byte, 1)
	cancel()
	_, err := abandon.Run(ctx, func() ([]byte, error) {
		<-release
		return []byte("key"), nil
	}, func(b []byte) { discarded <- b })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	close(release)
	if b := <-discarded; string(b) != "key" {
		t.Fatalf("discarded %q", b)
	}
}
