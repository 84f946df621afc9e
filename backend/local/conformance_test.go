package local

import (
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/backendtest"
)

// TestConformance runs the shared AWS-semantics suite against a fresh store
// per case, on a fake clock so windows, pruning and access dates can be
// tested. The store is made for a region and account of its own, so the
// suite checks that every ARN holds them.
func TestConformance(t *testing.T) {
	clock := newClock()
	backendtest.Run(t, backendtest.Harness{
		New: func(t *testing.T) backend.Backend {
			return newStore(t, Options{Now: clock.Now, Region: "us-west-2", Account: "123456789012"})
		},
		Now:     clock.Now,
		Advance: clock.Advance,
		Region:  "us-west-2",
		Account: "123456789012",
	})
}
