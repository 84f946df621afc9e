package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

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
	// Each case gets its own served store; Raw talks to the last one New
	// served, which is the case's own (cases run one at a time).
	var served *localtest.Served
	backendtest.Run(t, backendtest.Harness{
		New: func(t *testing.T) backend.Backend {
			b, sv := serveStoreAt(t, clock.Now)
			served = sv
			return b
		},
		Raw: func(ctx context.Context, op string, body []byte) (string, string, error) {
			return rawRequest(ctx, served, op, body)
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

// serveStoreAt creates an embedded store, serves it on loopback and
// returns an AWS backend pointed at it with the served access key, and
// what was served (endpoint and key) for raw requests.
func serveStoreAt(t testing.TB, now func() time.Time) (*Backend, *localtest.Served) {
	t.Helper()
	st := localtest.NewStoreWith(t, local.Options{Now: now})
	sv := localtest.Serve(t, st)
	return sdkBackend(t, sv), sv
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

// rawRequest sends body as operation's request to a served store, signed
// with the served key for the server's region at the store's time, and
// returns the exception name and message of the answer (empty on success).
func rawRequest(ctx context.Context, sv *localtest.Served, operation string, body []byte) (code, message string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sv.Endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "secretsmanager."+operation)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: sv.KeyID, SecretAccessKey: sv.SecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "secretsmanager", sv.Region, time.Now()); err != nil {
		return "", "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", "", err
	}
	if resp.StatusCode == http.StatusOK {
		return "", "", nil
	}
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}
	if err := json.Unmarshal(data, &e); err != nil {
		return "", "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, data)
	}
	return e.Type, e.Message, nil
}
