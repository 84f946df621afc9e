package local

import (
	"testing"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/backendtest"
)

// TestConformance runs the shared AWS-semantics suite against a fresh store
// per case, on a fake clock so windows, pruning and access dates can be
// tested.
func TestConformance(t *testing.T) {
	clock := newClock()
	backendtest.Run(t, backendtest.Harness{
		New:     func(t *testing.T) backend.Backend { return newStore(t, Options{Now: clock.Now}) },
		Now:     clock.Now,
		Advance: clock.Advance,
		Region:  "local",
		Account: "000000000000",
	})
}
