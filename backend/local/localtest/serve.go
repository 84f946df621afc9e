package localtest

import (
	"context"
	"net/http"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/secretary-sh/secretary/backend"
	"github.com/secretary-sh/secretary/backend/server"
)

// The access key of a store served with the default options. Access-key
// storage is not what such tests are about; the signatures are real.
const (
	KeyID     = "SCRTLOCALTEST0000001"
	SecretKey = "localtest-secret-key-0123456789abcdefghij"
)

// Served is a backend served over the Secrets Manager API until the test
// ends.
type Served struct {
	// Endpoint is the URL clients use (AWS_ENDPOINT_URL, --endpoint-url).
	Endpoint string
	// Region is the region requests are signed for: the server's.
	Region string
	// KeyID and SecretKey sign requests, unless ServeOptions.Server.Keys
	// named other keys.
	KeyID, SecretKey string
	// Client is the AWS SDK's own client for the endpoint.
	Client *secretsmanager.Client
}

// Credentials is the static credentials provider for KeyID and SecretKey.
func (s *Served) Credentials() awssdk.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(s.KeyID, s.SecretKey, "")
}

// ServeOptions change how Serve serves.
type ServeOptions struct {
	// Server is the handler's options. Keys nil means the one access key
	// KeyID/SecretKey.
	Server server.Options
	// Wrap, when set, wraps the handler (to count or delay requests).
	Wrap func(http.Handler) http.Handler
}

// Serve serves b over the Secrets Manager API on a loopback port, through
// server.Run as `secretary serve` runs it, until the test ends.
func Serve(t testing.TB, b backend.Backend) *Served {
	t.Helper()
	return ServeWith(t, b, ServeOptions{})
}

// ServeWith is Serve with options.
func ServeWith(t testing.TB, b backend.Backend, opts ServeOptions) *Served {
	t.Helper()
	if opts.Server.Keys == nil {
		opts.Server.Keys = oneKey{}
	}
	var h http.Handler
	h, err := server.New(b, opts.Server)
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	if opts.Wrap != nil {
		h = opts.Wrap(h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	endpoint := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, server.Config{Handler: h, Ready: func(e string) { endpoint <- e }}) }()
	// Registered after the store's cleanup, so it runs first: the server
	// stops before the store closes.
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	s := &Served{Region: opts.Server.Region, KeyID: KeyID, SecretKey: SecretKey}
	if s.Region == "" {
		s.Region = server.DefaultRegion
	}
	select {
	case s.Endpoint = <-endpoint:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	s.Client = secretsmanager.New(secretsmanager.Options{
		Region:       s.Region,
		BaseEndpoint: &s.Endpoint,
		Credentials:  s.Credentials(),
	})
	return s
}

// oneKey is the access key KeyID/SecretKey.
type oneKey struct{}

func (oneKey) SecretKey(_ context.Context, id string) ([]byte, error) {
	if id != KeyID {
		return nil, backend.Errorf(backend.CodeResourceNotFound, "no access key %s", id)
	}
	return []byte(SecretKey), nil
}
