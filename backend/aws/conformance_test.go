package aws

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/backendtest"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/local/localtest"
)

// TestConformanceThroughServe runs the conformance suite against this
// backend talking, through the real SDK over a real socket, to the server
// that serves the embedded store: every rule must survive the wire in both
// directions.
func TestConformanceThroughServe(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	backendtest.Run(t, backendtest.Harness{
		New: func(t *testing.T) backend.Backend {
			return serveStore(t, clock.Now)
		},
		Now:     clock.Now,
		Advance: clock.Advance,
		Region:  "local",
		Account: "000000000000",
	})
}

// TestConformanceAgainstAWS runs the suite against real AWS Secrets Manager
// in the account of the profile named by SECRETARY_TEST_AWS_PROFILE. Every
// case works under a random name prefix and force-deletes what it created.
func TestConformanceAgainstAWS(t *testing.T) {
	profile := os.Getenv("SECRETARY_TEST_AWS_PROFILE")
	if profile == "" {
		t.Skip("skipping the run against real AWS: set SECRETARY_TEST_AWS_PROFILE to a profile allowed to manage secrets (and optionally SECRETARY_TEST_AWS_REGION)")
	}
	b, err := New(context.Background(), Config{Profile: profile, Region: os.Getenv("SECRETARY_TEST_AWS_REGION")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if _, _, err := b.Identity(context.Background()); err != nil {
		t.Fatalf("profile %s: %v", profile, err)
	}
	backendtest.Run(t, backendtest.Harness{
		New:           func(*testing.T) backend.Backend { return b },
		Region:        b.Info().Region,
		Account:       b.Info().Account,
		SkipExpensive: "more than a hundred versions of one secret is slow and billed on AWS",
		// ListSecrets on AWS is eventually consistent.
		Settle: 5 * time.Second,
	})
}

// serveStore creates an embedded store, serves it on loopback and returns
// an AWS backend pointed at it with a registered access key.
func serveStore(t testing.TB, now func() time.Time) *Backend {
	t.Helper()
	st := localtest.NewStoreWith(t, local.Options{Now: now})
	return sdkBackend(t, localtest.Serve(t, st))
}

// sdkBackend is this backend on a served store, with the served key.
func sdkBackend(t testing.TB, sv *localtest.Served) *Backend {
	t.Helper()
	b, err := New(context.Background(), Config{Region: sv.Region, EndpointURL: sv.Endpoint, Credentials: sv.Credentials()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// testClock is the embedded store's clock, moved by the suite's Advance.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
