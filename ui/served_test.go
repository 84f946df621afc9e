package ui

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/aws"
	"github.com/secretary-sh/secretary/backend/local"
	"github.com/secretary-sh/secretary/backend/server"
)

// servedKey signs the console's requests to a served store.
type servedKey struct{ id, secret string }

func (k servedKey) SecretKey(_ context.Context, id string) ([]byte, error) {
	if id != k.id {
		return nil, errors.New("unknown access key")
	}
	return []byte(k.secret), nil
}

// servedStore serves a fresh local store over the Secrets Manager API and
// opens the real AWS backend on it, as `secretary serve` and `--backend
// aws` do: the console then talks to it through the AWS SDK. A served
// store signs for region local.
func servedStore(t *testing.T) (*local.Store, backend.Backend) {
	t.Helper()
	s, _, _ := newStore(t)
	key := servedKey{"AKIDCONSOLETEST0001", "c2VjcmV0LWtleS1mb3ItdGVzdHM"}
	h, err := server.New(s, server.Options{Keys: key})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	b, err := aws.New(context.Background(), aws.Config{Region: "local", EndpointURL: hs.URL,
		Credentials: credentials.NewStaticCredentialsProvider(key.id, key.secret, ""), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return s, b
}

// eachBackend runs fn on a console over the embedded store and on one over
// the AWS backend (SDK to a served store), each with the secrets create
// made.
func eachBackend(t *testing.T, w, h int, create func(t *testing.T, b backend.Backend), fn func(t *testing.T, h *harness)) {
	t.Run("local", func(t *testing.T) {
		s, _, _ := newStore(t)
		create(t, s)
		fn(t, newHarness(t, Config{Backend: s}, w, h))
	})
	t.Run("aws", func(t *testing.T) {
		_, b := servedStore(t)
		create(t, b)
		fn(t, newHarness(t, Config{Backend: b}, w, h))
	})
}
