package aws

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/secretary-sh/secretary/backend"
)

// blackHole accepts connections on loopback and never answers, as a
// black-holed proxy or VPC endpoint does. It counts the connections.
func blackHole(t *testing.T) (endpoint string, conns *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns = new(atomic.Int64)
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range held {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), conns
}

func TestReadTimeoutOnAnEndpointThatNeverAnswers(t *testing.T) {
	endpoint, conns := blackHole(t)
	cfg := testConfig(endpoint)
	cfg.Timeouts = Timeouts{Connect: time.Second, Read: 300 * time.Millisecond}
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	start := time.Now()
	_, err = b.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "s"})
	took := time.Since(start)
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("got %v (%T), want a *TimeoutError", err, err)
	}
	if want := `Read timeout on endpoint URL: "` + endpoint + `"`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// One attempt: a timeout is not retried.
	if took > 3*time.Second || conns.Load() != 1 {
		t.Errorf("gave up after %v and %d connections, want one attempt of about 300ms", took, conns.Load())
	}
}

// The call budget bounds a whole operation even with no read timeout.
func TestCallBudgetBoundsTheWholeCall(t *testing.T) {
	endpoint, _ := blackHole(t)
	cfg := testConfig(endpoint)
	cfg.Timeouts = Timeouts{Call: 400 * time.Millisecond}
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	start := time.Now()
	_, err = b.ListSecrets(context.Background(), &backend.ListSecretsInput{})
	var te *TimeoutError
	if !errors.As(err, &te) || te.Connect {
		t.Fatalf("got %v (%T), want a read *TimeoutError", err, err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("gave up after %v, want about 400ms", took)
	}
}

// A caller's own cancellation is not a timeout of the endpoint.
func TestCancellationIsNotATimeout(t *testing.T) {
	endpoint, _ := blackHole(t)
	cfg := testConfig(endpoint)
	cfg.Timeouts = Timeouts{Read: 10 * time.Second, Call: 10 * time.Second}
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = b.GetSecretValue(ctx, &backend.GetSecretValueInput{SecretID: "s"})
	var te *TimeoutError
	if errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v (%T), want the caller's context.DeadlineExceeded", err, err)
	}
}

// An endpoint that answers 404 without an exception name (a proxy, a wrong
// path) is reported by its HTTP status, as the AWS CLI does.
func TestHTTPStatusWithoutExceptionName(t *testing.T) {
	for name, h := range map[string]http.Handler{
		"text page":  http.NotFoundHandler(),
		"empty body": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }),
		"json body": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("{}"))
		}),
	} {
		srv := httptest.NewServer(h)
		b, err := New(context.Background(), testConfig(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		_, err = b.GetSecretValue(context.Background(), &backend.GetSecretValueInput{SecretID: "s"})
		if backend.Code(err) != "404" || backend.Message(err) != "Not Found" {
			t.Errorf("%s: got %v (code %q), want code 404 Not Found", name, err, backend.Code(err))
		}
		b.Close()
		srv.Close()
	}
}
